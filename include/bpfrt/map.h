/* SPDX-License-Identifier: MIT */
/*
 * bpfrt/map.h — BPF maps in user space: the kernel's map types, flags,
 * errors and iteration semantics, with all map memory in shared memory.
 *
 * Every map lives in a memfd (mode 0600) whose layout is described by a
 * header at offset 0 (docs/maps.md); bpfrt_map__fd() hands it out so
 * another process (the `bpfrt` command) can mmap the same memory and read
 * it, or open it with bpfrt_map__from_fd(), without stopping the owner.
 *
 *	struct bpfrt_map *m = bpfrt_map__create(BPFRT_MAP_TYPE_HASH, "counts",
 *						 sizeof(u32), sizeof(u64), 1024, NULL);
 *	u32 k = 1; u64 v = 42;
 *	bpfrt_map__update_elem(m, &k, sizeof(k), &v, sizeof(v), BPFRT_ANY);
 *	bpfrt_map__free(m);
 *
 * The calls here are the user-space side (the kernel's bpf() syscall
 * commands): they copy keys and values in and out. BPF programs reach
 * maps through the helpers, which use the internal fast path in
 * src/maps/map_ops.h (lookup returns a pointer to the value).
 *
 * Per-CPU maps: a "CPU" is a slot number in [0, ncpus). ncpus defaults to
 * the number of configured CPUs of the machine (as the kernel's possible
 * CPUs); the runtime uses the CPU the program's thread runs on when the
 * run starts (sched_getcpu()). User space cannot disable preemption, so
 * two threads may share a slot: per-CPU values are per-CPU, not
 * exclusive — use atomic operations on them when threads may collide.
 * User-side lookups and updates of per-CPU maps copy all slots: the value
 * buffer holds ncpus values, each rounded up to 8 bytes (as the kernel).
 *
 * Thread safety: every operation may be called concurrently from several
 * threads (and processes sharing the memfd), except bpfrt_map__free().
 * Errors are the kernel's: -ENOENT (no such key), -EEXIST (BPF_NOEXIST on
 * an existing key), -E2BIG (map full, index out of range), -EINVAL (bad
 * flags or sizes), -ENOSPC, -EPERM (read-only or write-only map),
 * -EOPNOTSUPP (the type has no such operation).
 */
#ifndef BPFRT_MAP_H
#define BPFRT_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/insn.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bpfrt_map;
struct bpfrt_prog;

/* The kernel's enum bpf_map_type values (include/uapi/linux/bpf.h). Only
 * the types listed in the comment of each are implemented; the others are
 * named (bpfrt_map_type_name) so errors can say which type is missing. */
enum bpfrt_map_type {
	BPFRT_MAP_TYPE_UNSPEC = 0,
	BPFRT_MAP_TYPE_HASH = 1,		/* implemented */
	BPFRT_MAP_TYPE_ARRAY = 2,		/* implemented */
	BPFRT_MAP_TYPE_PROG_ARRAY = 3,		/* implemented */
	BPFRT_MAP_TYPE_PERF_EVENT_ARRAY = 4,	/* implemented */
	BPFRT_MAP_TYPE_PERCPU_HASH = 5,		/* implemented */
	BPFRT_MAP_TYPE_PERCPU_ARRAY = 6,	/* implemented */
	BPFRT_MAP_TYPE_STACK_TRACE = 7,		/* implemented */
	BPFRT_MAP_TYPE_CGROUP_ARRAY = 8,
	BPFRT_MAP_TYPE_LRU_HASH = 9,		/* implemented */
	BPFRT_MAP_TYPE_LRU_PERCPU_HASH = 10,	/* implemented */
	BPFRT_MAP_TYPE_LPM_TRIE = 11,
	BPFRT_MAP_TYPE_ARRAY_OF_MAPS = 12,	/* implemented */
	BPFRT_MAP_TYPE_HASH_OF_MAPS = 13,	/* implemented */
	BPFRT_MAP_TYPE_DEVMAP = 14,
	BPFRT_MAP_TYPE_SOCKMAP = 15,
	BPFRT_MAP_TYPE_CPUMAP = 16,
	BPFRT_MAP_TYPE_XSKMAP = 17,
	BPFRT_MAP_TYPE_SOCKHASH = 18,
	BPFRT_MAP_TYPE_CGROUP_STORAGE = 19,
	BPFRT_MAP_TYPE_REUSEPORT_SOCKARRAY = 20,
	BPFRT_MAP_TYPE_PERCPU_CGROUP_STORAGE = 21,
	BPFRT_MAP_TYPE_QUEUE = 22,		/* implemented */
	BPFRT_MAP_TYPE_STACK = 23,		/* implemented */
	BPFRT_MAP_TYPE_SK_STORAGE = 24,
	BPFRT_MAP_TYPE_DEVMAP_HASH = 25,
	BPFRT_MAP_TYPE_STRUCT_OPS = 26,
	BPFRT_MAP_TYPE_RINGBUF = 27,		/* implemented */
	BPFRT_MAP_TYPE_INODE_STORAGE = 28,
	BPFRT_MAP_TYPE_TASK_STORAGE = 29,
	BPFRT_MAP_TYPE_BLOOM_FILTER = 30,	/* implemented */
	BPFRT_MAP_TYPE_USER_RINGBUF = 31,
	BPFRT_MAP_TYPE_CGRP_STORAGE = 32,
	BPFRT_MAP_TYPE_ARENA = 33,
	BPFRT_MAP_TYPE_COUNT
};

/* Update flags (the kernel's BPF_ANY, BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK). */
enum {
	BPFRT_ANY = 0,	   /* create or update */
	BPFRT_NOEXIST = 1, /* create only: -EEXIST if the key exists */
	BPFRT_EXIST = 2,   /* update only: -ENOENT if the key does not exist */
	BPFRT_F_LOCK = 4,  /* spin-locked value update (not supported: -EINVAL) */
};

/* Map creation flags (the kernel's BPF_F_* map_flags). */
enum {
	BPFRT_F_NO_PREALLOC = 1U << 0,	 /* hash: accepted; memory is always reserved */
	BPFRT_F_NO_COMMON_LRU = 1U << 1, /* LRU: per-CPU LRU lists (accepted) */
	BPFRT_F_NUMA_NODE = 1U << 2,	 /* accepted, ignored */
	BPFRT_F_RDONLY = 1U << 3,	 /* user side may not write: -EPERM */
	BPFRT_F_WRONLY = 1U << 4,	 /* user side may not read: -EPERM */
	BPFRT_F_STACK_BUILD_ID = 1U << 5, /* stack trace: not supported */
	BPFRT_F_ZERO_SEED = 1U << 6,	 /* hash: seed 0, deterministic order */
	BPFRT_F_RDONLY_PROG = 1U << 7,	 /* programs may not write (verifier) */
	BPFRT_F_WRONLY_PROG = 1U << 8,	 /* programs may not read (verifier) */
	BPFRT_F_CLONE = 1U << 9,
	BPFRT_F_MMAPABLE = 1U << 10,	 /* array: values may be mmap-ed */
	BPFRT_F_PRESERVE_ELEMS = 1U << 11,
	BPFRT_F_INNER_MAP = 1U << 12,
};

/* Stack trace map flags for get_stackid (the kernel's BPF_F_*). */
enum {
	BPFRT_F_SKIP_FIELD_MASK = 0xffU,
	BPFRT_F_USER_STACK = 1U << 8,
	BPFRT_F_FAST_STACK_CMP = 1U << 9,
	BPFRT_F_REUSE_STACKID = 1U << 10,
};

/* perf_event_output: slot = flags & INDEX_MASK, or the current CPU. */
#define BPFRT_F_INDEX_MASK 0xffffffffULL
#define BPFRT_F_CURRENT_CPU BPFRT_F_INDEX_MASK

/* Ring buffer (the kernel's BPF_RB_* and BPF_RINGBUF_* constants). */
enum {
	BPFRT_RB_NO_WAKEUP = 1U << 0,
	BPFRT_RB_FORCE_WAKEUP = 1U << 1,
};
enum {
	BPFRT_RB_AVAIL_DATA = 0,
	BPFRT_RB_RING_SIZE = 1,
	BPFRT_RB_CONS_POS = 2,
	BPFRT_RB_PROD_POS = 3,
};
#define BPFRT_RINGBUF_BUSY_BIT (1U << 31)
#define BPFRT_RINGBUF_DISCARD_BIT (1U << 30)
#define BPFRT_RINGBUF_HDR_SZ 8

#define BPFRT_MAP_NAME_LEN 16 /* BPF_OBJ_NAME_LEN, with the NUL */

/* The kernel's name for a map type ("hash", "lru_percpu_hash", "ringbuf",
 * as bpftool prints them), or NULL for an unknown id. */
BPFRT_API const char *bpfrt_map_type_name(uint32_t type);
/* The type id for a name as bpftool prints it, also accepted with the
 * "BPF_MAP_TYPE_" prefix in any case; -EINVAL when unknown. */
BPFRT_API int bpfrt_map_type_from_name(const char *name);
/* Whether bpfrt implements the type. */
BPFRT_API bool bpfrt_map_type_supported(uint32_t type);

struct bpfrt_map_create_opts {
	size_t sz;	    /* sizeof(struct bpfrt_map_create_opts) */
	uint32_t map_flags; /* BPFRT_F_* */
	/* Per-CPU slots for per-CPU maps and the default size of a perf
	 * event array; 0: the number of configured CPUs. */
	uint32_t ncpus;
	/* Bloom filter: low 4 bits = number of hash functions (0: 5). */
	uint64_t map_extra;
	char *log_buf; /* on failure: which attribute is wrong */
	size_t log_size;
	/* Array and hash of maps: the template every inner map must match
	 * (the kernel's inner_map_fd). Only its attributes are copied; it may
	 * be freed after the call. */
	const struct bpfrt_map *inner_map;
};

/* Creates a map. Sizes follow the kernel: array key 4 bytes; ringbuf
 * max_entries a power of 2 and a multiple of the page size, key and value
 * 0; queue, stack and bloom filter key 0; prog and perf event arrays key
 * and value 4 (perf event array: max_entries 0 means ncpus). Errors (NULL +
 * errno): EINVAL (bad attributes; the log says which), E2BIG (too large),
 * EOPNOTSUPP (type not implemented), ENOMEM, or the memfd/mmap error. */
BPFRT_API struct bpfrt_map *bpfrt_map__create(enum bpfrt_map_type type, const char *name,
					      uint32_t key_size, uint32_t value_size,
					      uint32_t max_entries,
					      const struct bpfrt_map_create_opts *opts);
/* Opens the map in the memfd `fd` (from another process's bpfrt_map__fd(),
 * received with SCM_RIGHTS or /proc/PID/fd). `fd` is duplicated. Operations
 * work as on the creator's map, except that a prog array's programs and a
 * perf event array's consumers are the creator's own. NULL + errno. */
BPFRT_API struct bpfrt_map *bpfrt_map__from_fd(int fd);
/* Drops the caller's handle: unmaps and closes, unless the map is still
 * the inner map of a map of maps, which then frees it with its last
 * reference. No operation may be running on the map. NULL: no-op. */
BPFRT_API void bpfrt_map__free(struct bpfrt_map *map);

BPFRT_API const char *bpfrt_map__name(const struct bpfrt_map *map);
BPFRT_API enum bpfrt_map_type bpfrt_map__type(const struct bpfrt_map *map);
BPFRT_API uint32_t bpfrt_map__key_size(const struct bpfrt_map *map);
BPFRT_API uint32_t bpfrt_map__value_size(const struct bpfrt_map *map);
BPFRT_API uint32_t bpfrt_map__max_entries(const struct bpfrt_map *map);
BPFRT_API uint32_t bpfrt_map__map_flags(const struct bpfrt_map *map);
BPFRT_API uint32_t bpfrt_map__ncpus(const struct bpfrt_map *map);
/* The map's id, unique among the maps of the process and never 0 (the
 * kernel's map id): what user-side lookups in a map of maps return. */
BPFRT_API uint32_t bpfrt_map__id(const struct bpfrt_map *map);
/* The memfd holding the map's memory; owned by the map (do not close). */
BPFRT_API int bpfrt_map__fd(const struct bpfrt_map *map);
/* Size of the value buffer the user-side calls take: value_size, or for
 * per-CPU maps ncpus * round_up(value_size, 8). */
BPFRT_API size_t bpfrt_map__user_value_size(const struct bpfrt_map *map);

/* The user side (the bpf() syscall commands). key_sz and value_sz must
 * match the map's (value: bpfrt_map__user_value_size) or -EINVAL; for
 * queue, stack and bloom filter key is NULL and key_sz 0. */
BPFRT_API int bpfrt_map__lookup_elem(const struct bpfrt_map *map, const void *key, size_t key_sz,
				     void *value, size_t value_sz, uint64_t flags);
BPFRT_API int bpfrt_map__update_elem(struct bpfrt_map *map, const void *key, size_t key_sz,
				     const void *value, size_t value_sz, uint64_t flags);
BPFRT_API int bpfrt_map__delete_elem(struct bpfrt_map *map, const void *key, size_t key_sz,
				     uint64_t flags);
/* Queue/stack: pop (key NULL). Hash types: lookup then delete. */
BPFRT_API int bpfrt_map__lookup_and_delete_elem(struct bpfrt_map *map, const void *key,
						size_t key_sz, void *value, size_t value_sz,
						uint64_t flags);
/* The key after `cur_key`; the first key when cur_key is NULL or not in the
 * map (hash) or out of range (array); -ENOENT after the last key. */
BPFRT_API int bpfrt_map__get_next_key(const struct bpfrt_map *map, const void *cur_key,
				      void *next_key, size_t key_sz);
/* Makes the map read-only for the user side (BPF_MAP_FREEZE): later
 * updates and deletes return -EPERM. Programs may still write unless the
 * map is BPFRT_F_RDONLY_PROG (as .rodata). */
BPFRT_API int bpfrt_map__freeze(struct bpfrt_map *map);

/* Prog array: sets slot `index` to `prog` (NULL clears it) with the
 * fd-like id `id` that user-side lookups return. A program is not owned by
 * the map; the caller clears the slot before freeing the program.
 * -E2BIG: index out of range; -EINVAL: not a prog array. */
BPFRT_API int bpfrt_map__set_prog(struct bpfrt_map *map, uint32_t index, struct bpfrt_prog *prog,
				  uint32_t id);
/* Resolves the u32 value of a user-side update of a prog array to a
 * program (as the kernel resolves a prog fd); NULL for an unknown id
 * makes the update fail with -EBADF, as does any id without a resolver.
 * Only BPFRT_ANY is accepted (-EINVAL), as in the kernel. */
typedef struct bpfrt_prog *(*bpfrt_prog_resolve_fn)(void *ctx, uint32_t id);
BPFRT_API int bpfrt_map__set_prog_resolver(struct bpfrt_map *map, bpfrt_prog_resolve_fn fn,
					   void *ctx);

/* ---- Maps of maps ---- */

/* Array and hash of maps (created with opts.inner_map): puts `inner` at
 * `key` (flags: BPFRT_ANY only for an array of maps, as the kernel; a
 * hash of maps takes BPFRT_ANY/NOEXIST/EXIST). The inner map must match
 * the template as the kernel's bpf_map_meta_equal: type, key size, value
 * size and map_flags (but BPFRT_F_RDONLY/WRONLY, which the kernel keeps on
 * the fd), and for an array max_entries too unless the template has
 * BPFRT_F_INNER_MAP; -EINVAL otherwise. bpfrt asks the same max_entries
 * of per-CPU arrays, which the kernel does not (its verifier, as ours,
 * trusts the template's max_entries for constant keys). It may be any
 * type but a prog array or a map of maps.
 *
 * Lifetime: the outer map holds a reference, so the caller may free its
 * handle. A program may keep using an inner map it looked up after user
 * space deletes or replaces it (the kernel waits an RCU grace period);
 * bpfrt cannot tell when such a program ends, so a removed inner map
 * stays alive until the outer map is freed.
 *
 * User-side lookups of a map of maps give the inner map's bpfrt_map__id();
 * the u32 value of bpfrt_map__update_elem is resolved to a map by the
 * resolver (as the kernel resolves a map fd): -EBADF for an unknown one
 * or without a resolver. Programs may only look up (the verifier checks
 * it); a lookup gives the inner map itself, to pass to map helpers.
 * Changes are made by the creating process only (-EOPNOTSUPP in a
 * process that opened the map with bpfrt_map__from_fd), which also
 * cannot look up a hash of maps. */
BPFRT_API int bpfrt_map__update_inner(struct bpfrt_map *outer, const void *key, size_t key_sz,
				      struct bpfrt_map *inner, uint64_t flags);
typedef struct bpfrt_map *(*bpfrt_map_resolve_fn)(void *ctx, uint32_t fd);
BPFRT_API int bpfrt_map__set_map_resolver(struct bpfrt_map *outer, bpfrt_map_resolve_fn fn,
					  void *ctx);

/* ---- Ring buffer consumer (libbpf's ring_buffer__*) ---- */

struct bpfrt_ring_buffer;
/* Called once per submitted record; a negative return stops consuming and
 * is returned by poll/consume. */
typedef int (*bpfrt_ring_buffer_sample_fn)(void *ctx, void *data, size_t size);

struct bpfrt_ring_buffer_opts {
	size_t sz;
};

/* A consumer of ring buffer map `map` (only one consumer per ring). NULL +
 * errno: EINVAL (not a ring buffer), ENOMEM. */
BPFRT_API struct bpfrt_ring_buffer *bpfrt_ring_buffer__new(struct bpfrt_map *map,
							   bpfrt_ring_buffer_sample_fn sample_cb,
							   void *ctx,
							   const struct bpfrt_ring_buffer_opts *opts);
BPFRT_API void bpfrt_ring_buffer__free(struct bpfrt_ring_buffer *rb);
/* Waits up to timeout_ms (-1: forever) for the producer's wakeup, then
 * consumes every available record. Returns the number of records
 * consumed, or a negative callback result / -errno. */
BPFRT_API int bpfrt_ring_buffer__poll(struct bpfrt_ring_buffer *rb, int timeout_ms);
/* Consumes available records without waiting. */
BPFRT_API int bpfrt_ring_buffer__consume(struct bpfrt_ring_buffer *rb);
/* An fd that becomes readable when the producer wakes the consumer (an
 * eventfd; for poll/epoll in the caller's event loop). Owned by the map. */
BPFRT_API int bpfrt_ring_buffer__epoll_fd(const struct bpfrt_ring_buffer *rb);
BPFRT_API int bpfrt_map__ringbuf_wakeup_fd(const struct bpfrt_map *map);

/* ---- Perf event array consumer (libbpf's perf_buffer__*) ---- */

struct bpfrt_perf_buffer;
typedef void (*bpfrt_perf_buffer_sample_fn)(void *ctx, int cpu, void *data, uint32_t size);
typedef void (*bpfrt_perf_buffer_lost_fn)(void *ctx, int cpu, uint64_t cnt);

/* Gives every slot of perf event array `map` a buffer of `page_cnt` pages
 * (a power of 2) and consumes them. Until then bpf_perf_event_output on a
 * slot returns -ENOENT, as in the kernel when no perf event is installed.
 * NULL + errno. */
BPFRT_API struct bpfrt_perf_buffer *bpfrt_perf_buffer__new(struct bpfrt_map *map, size_t page_cnt,
							   bpfrt_perf_buffer_sample_fn sample_cb,
							   bpfrt_perf_buffer_lost_fn lost_cb,
							   void *ctx);
/* Removes the buffers from the map's slots and frees them. */
BPFRT_API void bpfrt_perf_buffer__free(struct bpfrt_perf_buffer *pb);
BPFRT_API int bpfrt_perf_buffer__poll(struct bpfrt_perf_buffer *pb, int timeout_ms);
BPFRT_API int bpfrt_perf_buffer__consume(struct bpfrt_perf_buffer *pb);
BPFRT_API int bpfrt_perf_buffer__epoll_fd(const struct bpfrt_perf_buffer *pb);

#ifdef __cplusplus
}
#endif
#endif /* BPFRT_MAP_H */
