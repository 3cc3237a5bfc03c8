/* SPDX-License-Identifier: MIT */
/*
 * kbpf — the kernel's bpf() as an oracle for tests and benchmarks.
 *
 * The kernel verifier on the machines we run on has bugs of its own: a plain
 * bitwise CRC32 loop makes it oops, and the oops kills the calling process.
 * So every call that loads or runs a program goes through a forked child with
 * a timeout (kbpf_in_child), and a child that died or hung is reported as
 * KBPF_KILLED / KBPF_TIMEOUT — never as a verifier verdict.
 *
 * Map calls (create, update, lookup, delete, next key) do not reach the
 * verifier and are plain syscalls in the calling process. Maps created in the
 * parent are inherited by children, so a child may load a program that uses
 * them (ld_imm64 with src = BPF_PSEUDO_MAP_FD).
 *
 * All functions return 0 or -errno. Not thread-safe (uses fork()).
 */
#ifndef BPFRT_TESTS_KBPF_H
#define BPFRT_TESTS_KBPF_H

#include <stddef.h>
#include <stdint.h>

#include "bpfrt/insn.h"

/* Probes bpf() once (cached): loads `r0 = 0; exit` as a socket filter in a
 * child. 0 when the kernel loads programs; -EPERM, -ENOSYS, ... otherwise
 * (a test then exits 77). */
int kbpf_available(void);

/* What became of a call made in a child. */
enum kbpf_outcome {
	KBPF_OK = 0,	   /* loaded (and ran, for kbpf_prog_run) */
	KBPF_REJECTED = 1, /* BPF_PROG_LOAD failed: err, log */
	KBPF_RUN_FAILED = 2, /* loaded, BPF_PROG_TEST_RUN failed: err */
	KBPF_KILLED = 3,   /* the child died by a signal (kernel oops...) */
	KBPF_TIMEOUT = 4,  /* the child did not finish in time; killed */
	KBPF_CHILD_ERR = 5, /* fork/mmap failed, or the child exited oddly */
};
const char *kbpf_outcome_name(enum kbpf_outcome o);

struct kbpf_prog {
	const struct bpfrt_insn *insns;
	size_t insn_cnt;
	uint32_t prog_type;	/* BPF_PROG_TYPE_*; 0 means SOCKET_FILTER */
	uint32_t expected_attach_type;
	uint32_t prog_flags;	/* BPF_F_* load flags */
	const char *license;	/* NULL: "GPL" */
	char *log_buf;		/* verifier log (level 1 on failure), may be NULL */
	size_t log_size;
	uint32_t log_level;	/* with log_buf: 0 means 1; 4 (BPF_LOG_STATS) for the stats only */
};

struct kbpf_run {
	const void *data_in;	/* packet / skb data */
	uint32_t data_size_in;
	void *data_out;		/* may be NULL */
	uint32_t data_size_out; /* in: capacity; out: size written */
	const void *ctx_in;	/* program context (types that take one) */
	uint32_t ctx_size_in;
	uint32_t repeat;	/* 0 or 1: one run */
	uint32_t rounds;	/* test runs of `repeat` each, durations recorded; 0 = 1 */
	uint32_t *durations;	/* out, `rounds` entries: kernel's average ns per run */
	unsigned timeout_ms;	/* 0: 10 s */
};

struct kbpf_result {
	enum kbpf_outcome outcome;
	int err;	    /* -errno for REJECTED / RUN_FAILED / CHILD_ERR */
	int signal;	    /* KILLED: the signal */
	uint32_t retval;    /* OK: the program's return value (32 bits) */
	uint32_t duration;  /* OK: the last round's kernel-measured ns per run */
};

/* Loads the program in a child and reports the verdict (and the log). */
int kbpf_prog_check(const struct kbpf_prog *p, unsigned timeout_ms, struct kbpf_result *res);

/* Loads the program in a child and runs it with BPF_PROG_TEST_RUN.
 * Returns 0 when a result was obtained (whatever the outcome), -errno only
 * for bad arguments. */
int kbpf_prog_run(const struct kbpf_prog *p, struct kbpf_run *run, struct kbpf_result *res);

/* Loads and runs `n` programs (runs[i] with progs[i]; runs NULL: load only)
 * one after another in one child, cheaper than n children. Programs the
 * child did not finish (it died or hung on one) get KBPF_KILLED/TIMEOUT.
 * The timeout is for the whole batch. */
#define KBPF_MAX_BATCH 16
int kbpf_prog_run_batch(const struct kbpf_prog *progs, struct kbpf_run *runs, size_t n,
			unsigned timeout_ms, struct kbpf_result *res);

/* Runs fn(arg, shm) in a forked child, with `shm` a zeroed MAP_SHARED area of
 * `shm_size` bytes the parent can read afterwards (copied back to `shm_out`
 * when not NULL, also when the child died: what it wrote before). The child's exit status is fn's return value (0..255).
 * Returns the outcome: KBPF_OK (status in *status), KBPF_KILLED (signal in
 * *status), KBPF_TIMEOUT or KBPF_CHILD_ERR. */
enum kbpf_outcome kbpf_in_child(int (*fn)(void *arg, void *shm), void *arg, void *shm_out,
				size_t shm_size, unsigned timeout_ms, int *status);

/* The raw syscalls, for use inside kbpf_in_child only (a program load in the
 * calling process can kill it). Return an fd / 0, or -errno. */
int kbpf_raw_prog_load(const struct kbpf_prog *p);
int kbpf_raw_test_run(int prog_fd, struct kbpf_run *run, uint32_t *retval, uint32_t *duration);

/* Maps (safe in the calling process). */
int kbpf_map_create(uint32_t map_type, uint32_t key_size, uint32_t value_size,
		    uint32_t max_entries, uint32_t flags);
int kbpf_map_update(int fd, const void *key, const void *value, uint64_t flags);
int kbpf_map_lookup(int fd, const void *key, void *value);
int kbpf_map_delete(int fd, const void *key);
int kbpf_map_next_key(int fd, const void *key, void *next_key);
/* BPF_MAP_FREEZE: user space can no longer write it (frozen .rodata). */
int kbpf_map_freeze(int fd);
/* A map of maps (value_size 4) whose inner maps follow `inner_fd`. */
int kbpf_map_create_outer(uint32_t map_type, uint32_t key_size, uint32_t max_entries,
			  uint32_t flags, int inner_fd);
/* The map's id (BPF_OBJ_GET_INFO_BY_FD): what lookups in a map of maps give. */
int kbpf_map_id(int fd);

#endif /* BPFRT_TESTS_KBPF_H */
