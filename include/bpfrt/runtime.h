/* SPDX-License-Identifier: MIT */
/*
 * bpfrt/runtime.h — run a whole BPF object: its maps created from the
 * object's specs, its programs fixed up and loaded into one VM with the
 * kernel helpers and kfuncs registered.
 *
 *	struct bpfrt_object *obj = bpfrt_object__open_file("prog.o", NULL);
 *	struct bpfrt_runtime *rt = bpfrt_runtime__new(obj, NULL);
 *	struct bpfrt_prog *p = bpfrt_runtime__prog(rt, "handler");
 *	uint64_t r0;
 *	bpfrt_runtime__run(rt, p, ctx, ctx_size, &r0, NULL);
 *	struct bpfrt_map *counts = bpfrt_runtime__find_map(rt, "counts");
 *	bpfrt_runtime__free(rt);
 *	bpfrt_object__close(obj);
 *
 * Maps: one per spec of the object, in the object's order (so a program's
 * map index is the runtime's). Global data (.data, .rodata, .bss) are
 * single-entry arrays initialised from their sections; .rodata is frozen.
 *
 * Programs are loaded on first use (bpfrt_runtime__prog): the verifier's
 * judgement (bpfrt/verifier.h; see enum bpfrt_runtime_verify), then fixups
 * (map pointers, helper ids, kfunc names), then the backend. A program the runtime cannot load does not keep the others from
 * loading. A prog array slot is set from user space with the program's
 * index in the object as its "fd" (bpfrt_map__update_elem).
 *
 * The object must outlive the runtime. Loading (bpfrt_runtime__prog) is
 * not thread-safe; running loaded programs from several threads at once is.
 */
#ifndef BPFRT_RUNTIME_H
#define BPFRT_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/map.h"
#include "bpfrt/object.h"
#include "bpfrt/vm.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bpfrt_runtime;

/* What the runtime does with the verifier's judgement of a program. */
enum bpfrt_runtime_verify {
	/* Verify; an accepted program runs trusted (no checks, any backend), a
	 * rejected one runs checked in the interpreter (bounds-checked, an
	 * instruction budget) and bpfrt_runtime__log() says why it was
	 * rejected. The JIT runs accepted programs only. */
	BPFRT_VERIFY_AUTO = 0,
	BPFRT_VERIFY_REQUIRE, /* a rejected program does not load */
	BPFRT_VERIFY_OFF,     /* no verification: every program runs checked */
};

struct bpfrt_runtime_opts {
	size_t sz;			  /* sizeof(struct bpfrt_runtime_opts) */
	enum bpfrt_backend backend;	  /* default BPFRT_BACKEND_INTERP */
	enum bpfrt_runtime_verify verify; /* default BPFRT_VERIFY_AUTO */
	bpfrt_trace_output_fn trace_fn;	  /* bpf_trace_printk output; NULL: dropped */
	void *trace_ctx;
	char *log_buf;			  /* on failure: the map or program, and why */
	size_t log_size;
	bool jit_harden;		  /* JIT: constant blinding (bpfrt_prog_opts.jit_harden) */
	/* fentry/fexit/fmod_ret/fsession programs: the traced code's BTF
	 * (bpfrt_verify_opts.target_btf; the function is each program's
	 * section target, fentry/NAME). Their arguments then have their
	 * parameters' types and loads through them are fault-safe. Must
	 * outlive the runtime's program loads. NULL: arguments are numbers. */
	const struct btf *target_btf;
	/* Tracepoint programs: the size of their event's record
	 * (bpfrt_tp_format_record_size() of its tracefs format). They are
	 * verified to read only within it and run on at least that many
	 * bytes (a shorter context zero-padded). 0: not known, the kernel's
	 * rule: reads within 8192 bytes (BPFRT_TP_RECORD_MAX), and a run gets
	 * 8192 bytes. */
	uint32_t tp_record_size;
};

/* The record size of a tracepoint from its tracefs format text (the file
 * /sys/kernel/tracing/events/CATEGORY/NAME/format): the end of its last
 * field, for bpfrt_runtime_opts.tp_record_size and
 * bpfrt_verify_opts.ctx_size. 0, -EINVAL (no fields, or a field without
 * offset and size) or -E2BIG (past BPFRT_TP_RECORD_MAX). */
BPFRT_API int bpfrt_tp_format_record_size(const char *format, uint32_t *size);

/* Creates the object's maps and a VM. NULL + errno: EINVAL/EOPNOTSUPP (a
 * map the runtime cannot create; the log names it), ENOMEM. */
BPFRT_API struct bpfrt_runtime *bpfrt_runtime__new(const struct bpfrt_object *obj,
						   const struct bpfrt_runtime_opts *opts);
/* Frees programs, maps and the VM. NULL is a no-op. */
BPFRT_API void bpfrt_runtime__free(struct bpfrt_runtime *rt);

BPFRT_API struct bpfrt_vm *bpfrt_runtime__vm(const struct bpfrt_runtime *rt);
BPFRT_API const struct bpfrt_object *bpfrt_runtime__object(const struct bpfrt_runtime *rt);

BPFRT_API size_t bpfrt_runtime__map_cnt(const struct bpfrt_runtime *rt);
/* The idx-th map (the object's idx-th spec), or NULL (errno ENOENT). */
BPFRT_API struct bpfrt_map *bpfrt_runtime__map(const struct bpfrt_runtime *rt, size_t idx);
BPFRT_API struct bpfrt_map *bpfrt_runtime__find_map(const struct bpfrt_runtime *rt,
						    const char *name);

/* The program named `name`, loaded (once) for the runtime's backend. NULL
 * + errno: ENOENT (no such program), EINVAL / EOPNOTSUPP (rejected: the
 * runtime's log names the program, the instruction and why). The program
 * belongs to the runtime. */
BPFRT_API struct bpfrt_prog *bpfrt_runtime__prog(struct bpfrt_runtime *rt, const char *name);
/* Whether the program named `name` was accepted by the verifier (and so
 * runs trusted). */
BPFRT_API bool bpfrt_runtime__prog_verified(const struct bpfrt_runtime *rt, const char *name);
/* The last load error's text, or why the last program loaded was not
 * verified ("" when none). */
BPFRT_API const char *bpfrt_runtime__log(const struct bpfrt_runtime *rt);

struct bpfrt_runtime_run_opts {
	size_t sz;	     /* sizeof(struct bpfrt_runtime_run_opts) */
	uint64_t repeat;     /* runs; 0 or 1: once */
	uint64_t duration_ns; /* out: average wall time of one run */
	char *log_buf;	     /* on a fault: the instruction and the access */
	size_t log_size;
	/* xdp, tc and socket programs: the packet after the run, as
	 * BPF_PROG_TEST_RUN's data_out (xdp: from data_meta, so the metadata
	 * comes first). data_size_out: in, data_out's capacity; out, the
	 * packet's length, also when data_out is NULL or too small (then
	 * the run returns -ENOSPC, with *ret set). Other programs: both are
	 * set to NULL and 0. */
	void *data_out;
	size_t data_size_out;
};

/* Runs `prog` as BPF_PROG_TEST_RUN does, on `ctx` (ctx_size bytes, may be
 * 0). For fentry/fexit/fsession/fmod_ret programs ctx holds the u64
 * arguments and the program sees a tracing frame around them
 * (get_func_arg and friends work). For xdp, tc, socket and cgroup_skb
 * programs ctx is the packet (BPF_PROG_TEST_RUN's data_in, not modified):
 * it is copied into a frame with the kernel's headroom and tailroom, so
 * bpf_xdp_adjust_head/meta/tail can move its bounds, and the program gets
 * a struct xdp_md / __sk_buff around it whose data, data_end and data_meta
 * point into the frame (src/fixups/fixups.h: the layouts and the load
 * conversion; src/helpers/pkt_frame.h: the frame). A socket filter's and a
 * cgroup_skb program's data start past the Ethernet header, as in the
 * kernel. The packet after the
 * run: opts->data_out. Repeated runs share the packet, as the kernel's.
 * Other programs get ctx as is. In
 * checked mode every map's memory is accessible. 0 or the run's -errno. */
BPFRT_API int bpfrt_runtime__run(struct bpfrt_runtime *rt, const struct bpfrt_prog *prog,
				 void *ctx, size_t ctx_size, uint64_t *ret,
				 struct bpfrt_runtime_run_opts *opts);

#ifdef __cplusplus
}
#endif
#endif /* BPFRT_RUNTIME_H */
