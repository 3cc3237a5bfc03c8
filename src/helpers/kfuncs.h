/* SPDX-License-Identifier: MIT */
/*
 * The kfunc table: kernel functions a program declares `extern ... __ksym`
 * and calls by name (call with src_reg BPF_PSEUDO_KFUNC_CALL). The loader
 * resolves each name with kfunc_find_by_name(); an unknown name is an error
 * at load naming it. After fixups a kfunc call is an ordinary helper call to
 * id BPFRT_KFUNC_ID_BASE + the kfunc's index, and the runtime registers
 * every implemented kfunc at that id.
 */
#ifndef BPFRT_HELPERS_KFUNCS_H
#define BPFRT_HELPERS_KFUNCS_H

#include <stdint.h>

#include "helpers/helpers.h"

#define BPFRT_KFUNC_ID_BASE 2048 /* helper ids of kfuncs after fixups */

/* The kernel's KF_* flags (include/linux/btf.h) the verifier acts on, and
 * bpfrt's own. The verifier (src/verifier/kfunc.c) checks kfunc calls from
 * this table as it checks helper calls from protos.c. */
enum {
	KFUNC_F_RET_NULL = 1 << 0,   /* the returned pointer may be NULL (KF_RET_NULL) */
	KFUNC_F_THROWS = 1 << 1,     /* never returns normally (bpf_throw) */
	KFUNC_F_SESSION = 1 << 2,    /* only in session (fsession, kprobe.session) programs */
	KFUNC_F_RDWR_SLICE = 1 << 3, /* returned memory is writable */
	KFUNC_F_ACQUIRE = 1 << 4,    /* returns a reference to release (KF_ACQUIRE) */
	KFUNC_F_RELEASE = 1 << 5,    /* releases the reference its first argument holds (KF_RELEASE) */
	KFUNC_F_TRUSTED_ARGS = 1 << 6, /* pointer arguments unmodified (KF_TRUSTED_ARGS) */
	KFUNC_F_ITER_NEW = 1 << 7,   /* initialises the iterator in arg 1 (KF_ITER_NEW) */
	KFUNC_F_ITER_NEXT = 1 << 8,  /* next element or NULL (KF_ITER_NEXT) */
	KFUNC_F_ITER_DESTROY = 1 << 9, /* destroys the iterator (KF_ITER_DESTROY) */
	KFUNC_F_RCU = 1 << 10,	     /* pointer arguments trusted or RCU-protected (KF_RCU) */
	/* the cpumask argument is a `const struct cpumask *`: a trusted BTF
	 * pointer to a struct cpumask of the target is taken too */
	KFUNC_F_CPUMASK = 1 << 11,
};

enum kfunc_ret {
	KFUNC_RET_INTEGER = 0, /* scalar (int, bool, u32, u64) */
	KFUNC_RET_VOID,
	KFUNC_RET_PTR_TO_MEM,	     /* sized by the argument marked CONST_SIZE (`buffer__szk`) */
	KFUNC_RET_PTR_TO_U64,	     /* pointer to 8 writable bytes (bpf_session_cookie) */
	KFUNC_RET_PTR_TO_INT,	     /* pointer to a read-only int (an iterator's element) */
	KFUNC_RET_PTR_TO_CPUMASK,    /* a struct bpf_cpumask (cpumask.c) */
};

struct kfunc_proto {
	const char *name; /* the kernel's name, with the bpf_ prefix */
	enum kfunc_ret ret;
	/* helper argument kinds; HELPER_ARG_PTR_TO_ITER for an iterator */
	enum helper_arg args[5];
	uint32_t flags;
	bpfrt_helper_fn fn; /* NULL: known, not yet implemented */
};

/* The iterator kfuncs (iter.c). */
uint64_t kfunc_iter_num_new(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			    struct bpfrt_run_ctx *rc);
uint64_t kfunc_iter_num_next(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			     struct bpfrt_run_ctx *rc);
uint64_t kfunc_iter_num_destroy(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
				struct bpfrt_run_ctx *rc);

/* The cpumask kfuncs (cpumask.c). A struct cpumask they read is 1024 bits. */
#define CPUMASK_BYTES 128
#define CPUMASK_KFN(name)                                                                          \
	uint64_t kfunc_cpumask_##name(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,          \
				      uint64_t r5, struct bpfrt_run_ctx *rc)
CPUMASK_KFN(create);
CPUMASK_KFN(acquire);
CPUMASK_KFN(release);
CPUMASK_KFN(set_cpu);
CPUMASK_KFN(clear_cpu);
CPUMASK_KFN(test_cpu);
CPUMASK_KFN(weight);

/* The index of kfunc `name` (with its bpf_ prefix), or -1. */
int kfunc_find_by_name(const char *name);
/* The kfunc at `index`, or NULL. */
const struct kfunc_proto *kfunc_get(uint32_t index);
const struct kfunc_proto *kfunc_table(uint32_t *count);

#endif /* BPFRT_HELPERS_KFUNCS_H */
