/* SPDX-License-Identifier: MIT */
/*
 * The helper table: one row per kernel helper bpfrt provides, holding its
 * kernel id, its name, the prototype the verifier checks calls against and
 * the function that implements it. Nothing else in bpfrt lists helpers.
 *
 * Argument and return kinds mirror the kernel's `enum bpf_arg_type` and
 * `enum bpf_return_type` (include/linux/bpf.h) so that the verifier's rules
 * and messages can follow the kernel's.
 */
#ifndef BPFRT_HELPERS_HELPERS_H
#define BPFRT_HELPERS_HELPERS_H

#include <stdbool.h>
#include <stdint.h>

#include "bpfrt/object.h"
#include "bpfrt/vm.h"

enum helper_arg {
	HELPER_ARG_NONE = 0,	       /* argument unused */
	HELPER_ARG_ANYTHING,	       /* any initialised value */
	HELPER_ARG_CONST_MAP_PTR,      /* a map pointer from ld_imm64 */
	HELPER_ARG_PTR_TO_MAP_KEY,     /* readable memory of the map's key_size */
	HELPER_ARG_PTR_TO_MAP_VALUE,   /* readable memory of the map's value_size */
	HELPER_ARG_PTR_TO_UNINIT_MAP_VALUE, /* writable memory of value_size (pop/peek) */
	HELPER_ARG_PTR_TO_MEM,	       /* readable memory; size in the next argument */
	HELPER_ARG_PTR_TO_MEM_OR_NULL, /* as above, or NULL with size 0 */
	HELPER_ARG_PTR_TO_UNINIT_MEM,  /* writable memory; size in the next argument */
	HELPER_ARG_CONST_SIZE,	       /* size of the previous memory argument, > 0 */
	HELPER_ARG_CONST_SIZE_OR_ZERO, /* size of the previous memory argument, >= 0 */
	HELPER_ARG_CONST_ALLOC_SIZE_OR_ZERO, /* size of memory the helper returns */
	HELPER_ARG_PTR_TO_CTX,	       /* the program's context pointer, unmodified */
	HELPER_ARG_PTR_TO_CONST_STR,   /* NUL-terminated string in read-only map memory */
	HELPER_ARG_PTR_TO_FUNC,	       /* a callback (ld_imm64 of a subprogram) */
	HELPER_ARG_PTR_TO_STACK_OR_NULL, /* callback context: stack pointer or NULL */
	HELPER_ARG_PTR_TO_RINGBUF_MEM, /* memory from bpf_ringbuf_reserve (released) */
	HELPER_ARG_PTR_TO_SPIN_LOCK,   /* a struct bpf_spin_lock inside a map value */
	HELPER_ARG_PTR_TO_LONG,	       /* writable 8 bytes */
	HELPER_ARG_PTR_TO_DYNPTR,      /* an initialised dynptr on the stack */
	HELPER_ARG_PTR_TO_UNINIT_MEM_OR_NULL, /* writable memory or NULL; size next (snprintf) */
	HELPER_ARG_PTR_TO_DYNPTR_UNINIT, /* stack for a dynptr the call initialises (MEM_UNINIT) */
	HELPER_ARG_PTR_TO_DYNPTR_RINGBUF, /* a ring buffer dynptr, released (OBJ_RELEASE) */
	HELPER_ARG_PTR_TO_ITER,	       /* kfuncs: an iterator on the stack (KF_ITER_* say how) */
	HELPER_ARG_PTR_TO_CPUMASK,     /* kfuncs: a struct bpf_cpumask (cpumask.c), not NULL */
	HELPER_ARG_KIND_COUNT
};

enum helper_ret {
	HELPER_RET_INTEGER = 0,		/* a scalar */
	HELPER_RET_VOID,		/* nothing (r0 undefined) */
	HELPER_RET_PTR_TO_MAP_VALUE_OR_NULL, /* value of the map in argument 1 */
	HELPER_RET_PTR_TO_MEM_OR_NULL,	/* memory sized by the ALLOC_SIZE argument (ringbuf) */
	HELPER_RET_PTR_TO_DYNPTR_MEM_OR_NULL, /* a slice of the dynptr argument, ALLOC_SIZE bytes */
	HELPER_RET_KIND_COUNT
};

enum {
	HELPER_F_GPL_ONLY = 1 << 0,	/* only for programs with a GPL-compatible license */
	HELPER_F_CALLBACK = 1 << 1,	/* calls a PTR_TO_FUNC argument (bpf_loop, for_each) */
	HELPER_F_ACQUIRE = 1 << 2,	/* returns a reference the program must release */
	HELPER_F_RELEASE = 1 << 3,	/* releases the reference passed in */
	HELPER_F_TAIL_CALL = 1 << 4,	/* does not return on success */
	HELPER_F_PKT_ACCESS = 1 << 5,	/* memory arguments may point into the packet */
};

/* The kernel program types whose helper sets differ (their get_func_proto);
 * each attach kind has one of them (helper_allowed). */
enum helper_prog {
	HELPER_PROG_SOCKET = 0,
	HELPER_PROG_TC,
	HELPER_PROG_XDP,
	HELPER_PROG_CGROUP_SKB,
	HELPER_PROG_KPROBE,	/* kprobes, uprobes, USDT */
	HELPER_PROG_TRACEPOINT,
	HELPER_PROG_PERF_EVENT,
	HELPER_PROG_RAW_TP,	/* raw_tp, tp_btf */
	HELPER_PROG_TRACING,	/* fentry, fexit, fsession, fmod_ret */
	HELPER_PROG_COUNT,
	HELPER_PROG_ANY = 0xfe, /* every helper (the UNSPEC raw context) */
	HELPER_PROG_NONE = 0xff, /* none (kernel-only kinds) */
};
#define HELPER_PROG_BIT(k) (1u << (k))
#define HELPER_PROGS_ALL ((1u << HELPER_PROG_COUNT) - 1)

struct helper_proto {
	uint32_t id;	  /* the kernel's helper id (enum bpf_func_id) */
	const char *name; /* without the bpf_ prefix */
	uint32_t progs;	  /* HELPER_PROG_BIT()s of the program types that may call it */
	enum helper_ret ret;
	enum helper_arg args[5];
	uint32_t flags;
	bpfrt_helper_fn fn; /* NULL: known but not implemented in user space */
};

/* The row for kernel helper `id`, or NULL when bpfrt does not know it. */
const struct helper_proto *helper_proto_find(uint32_t id);
/* The row named `name` (with or without the "bpf_" prefix), or NULL. */
const struct helper_proto *helper_proto_by_name(const char *name);
/* The name the kernel's verifier log gives helper `id`: "bpf_map_lookup_elem",
 * also for kernel helpers bpfrt does not provide; "unknown" past the
 * kernel's ids (its func_id_name()). */
const char *helper_kernel_name(uint32_t id);
/* May a program of attach kind `kind` call helper p (the kernel's
 * get_func_proto of the kind's program type gives a proto)? */
bool helper_allowed(const struct helper_proto *p, enum bpfrt_attach_kind kind);
/* Rows in id order, for listing and tests. */
const struct helper_proto *helper_proto_table(uint32_t *count);

#endif /* BPFRT_HELPERS_HELPERS_H */
