/* SPDX-License-Identifier: MIT */
/*
 * The kfunc table and the kfuncs that need nothing but their arguments:
 * dynptr accessors (kernel/bpf/helpers.c), bpf_throw, session kfuncs.
 */
#include <errno.h>
#include <string.h>

#include "helpers/dynptr.h"
#include "helpers/impl.h"
#include "helpers/kfuncs.h"
#include "helpers/trace_frame.h"
#include "vm/run_ctx.h"

#define A(k) HELPER_ARG_##k
#define KFN(name)                                                                                   \
	static uint64_t name(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,      \
			     struct bpfrt_run_ctx *rc)
#define UNUSED5 (void)r1, (void)r2, (void)r3, (void)r4, (void)r5, (void)rc

/* void *bpf_dynptr_slice(const struct bpf_dynptr *p, u64 offset,
 *			  void *buffer__opt, u64 buffer__szk): a pointer to
 * `buffer__szk` bytes of the dynptr's memory at `offset`, or NULL. Local and
 * ring buffer dynptrs are contiguous, so the buffer is never needed. */
static uint64_t slice(uint64_t r1, uint64_t r2, uint64_t r4, int writable)
{
	struct dynptr_kern *p = (struct dynptr_kern *)(uintptr_t)r1;

	if (!p->data || (writable && dynptr_is_rdonly(p)))
		return 0;
	if (r2 > dynptr_size(p) || r4 > dynptr_size(p) - r2)
		return 0;
	return (uint64_t)(uintptr_t)((uint8_t *)p->data + p->offset + r2);
}

KFN(k_dynptr_slice)
{
	UNUSED5;
	return slice(r1, r2, r4, 0);
}

KFN(k_dynptr_slice_rdwr)
{
	UNUSED5;
	return slice(r1, r2, r4, 1);
}

/* int bpf_dynptr_adjust(const struct bpf_dynptr *p, u64 start, u64 end) */
KFN(k_dynptr_adjust)
{
	struct dynptr_kern *p = (struct dynptr_kern *)(uintptr_t)r1;

	UNUSED5;
	if (!p->data || r2 > r3)
		return (uint64_t)-EINVAL;
	if (r3 > dynptr_size(p))
		return (uint64_t)-ERANGE;
	p->offset += (uint32_t)r2;
	dynptr_set_size(p, (uint32_t)(r3 - r2));
	return 0;
}

KFN(k_dynptr_is_null)
{
	UNUSED5;
	return ((struct dynptr_kern *)(uintptr_t)r1)->data == NULL;
}

KFN(k_dynptr_is_rdonly)
{
	const struct dynptr_kern *p = (const struct dynptr_kern *)(uintptr_t)r1;

	UNUSED5;
	return p->data && dynptr_is_rdonly(p);
}

KFN(k_dynptr_size)
{
	const struct dynptr_kern *p = (const struct dynptr_kern *)(uintptr_t)r1;

	UNUSED5;
	return p->data ? dynptr_size(p) : (uint64_t)-EINVAL;
}

/* int bpf_dynptr_clone(const struct bpf_dynptr *p, struct bpf_dynptr *clone__uninit) */
KFN(k_dynptr_clone)
{
	const struct dynptr_kern *p = (const struct dynptr_kern *)(uintptr_t)r1;
	struct dynptr_kern *c = (struct dynptr_kern *)(uintptr_t)r2;

	UNUSED5;
	if (!p->data) {
		memset(c, 0, sizeof(*c));
		return (uint64_t)-EINVAL;
	}
	*c = *p;
	return 0;
}

/* void bpf_throw(u64 cookie): unwinds every frame; the program returns the
 * cookie (bpfrt has no exception callbacks yet: the default one's value). */
KFN(k_throw)
{
	UNUSED5;
	/* as bpfrt_run_ctx__abort(), without a link-time tie to src/vm */
	rc->aborted = true;
	rc->abort_r0 = r1;
	return 0;
}

/* __u64 *bpf_session_cookie(void *ctx) */
KFN(k_session_cookie)
{
	struct trace_frame *f = trace_frame_of(r1, rc);

	UNUSED5;
	if (!f && !rc)
		return 0;
	return (uint64_t)(uintptr_t)(f ? &f->session_cookie : &rc->session_cookie);
}

/* bool bpf_session_is_return(void *ctx) */
KFN(k_session_is_return)
{
	const struct trace_frame *f = trace_frame_of(r1, rc);

	UNUSED5;
	return f && f->is_return;
}

static const struct kfunc_proto kfuncs[] = {
	{ "bpf_dynptr_slice", KFUNC_RET_PTR_TO_MEM,
	  { A(PTR_TO_DYNPTR), A(ANYTHING), A(PTR_TO_UNINIT_MEM_OR_NULL), A(CONST_SIZE_OR_ZERO) },
	  KFUNC_F_RET_NULL, k_dynptr_slice },
	{ "bpf_dynptr_slice_rdwr", KFUNC_RET_PTR_TO_MEM,
	  { A(PTR_TO_DYNPTR), A(ANYTHING), A(PTR_TO_UNINIT_MEM_OR_NULL), A(CONST_SIZE_OR_ZERO) },
	  KFUNC_F_RET_NULL | KFUNC_F_RDWR_SLICE, k_dynptr_slice_rdwr },
	{ "bpf_dynptr_adjust", KFUNC_RET_INTEGER, { A(PTR_TO_DYNPTR), A(ANYTHING), A(ANYTHING) },
	  0, k_dynptr_adjust },
	{ "bpf_dynptr_is_null", KFUNC_RET_INTEGER, { A(PTR_TO_DYNPTR) }, 0, k_dynptr_is_null },
	{ "bpf_dynptr_is_rdonly", KFUNC_RET_INTEGER, { A(PTR_TO_DYNPTR) }, 0,
	  k_dynptr_is_rdonly },
	{ "bpf_dynptr_size", KFUNC_RET_INTEGER, { A(PTR_TO_DYNPTR) }, 0, k_dynptr_size },
	{ "bpf_dynptr_clone", KFUNC_RET_INTEGER, { A(PTR_TO_DYNPTR), A(PTR_TO_DYNPTR_UNINIT) }, 0,
	  k_dynptr_clone },
	{ "bpf_throw", KFUNC_RET_VOID, { A(ANYTHING) }, KFUNC_F_THROWS, k_throw },
	{ "bpf_session_cookie", KFUNC_RET_PTR_TO_U64, { A(PTR_TO_CTX) }, KFUNC_F_SESSION,
	  k_session_cookie },
	{ "bpf_session_is_return", KFUNC_RET_INTEGER, { A(PTR_TO_CTX) }, KFUNC_F_SESSION,
	  k_session_is_return },
	/* kernel/bpf/bpf_iter.c: struct bpf_iter_num (src/helpers/iter.c) */
	{ "bpf_iter_num_new", KFUNC_RET_INTEGER, { A(PTR_TO_ITER), A(ANYTHING), A(ANYTHING) },
	  KFUNC_F_ITER_NEW, kfunc_iter_num_new },
	{ "bpf_iter_num_next", KFUNC_RET_PTR_TO_INT, { A(PTR_TO_ITER) },
	  KFUNC_F_ITER_NEXT | KFUNC_F_RET_NULL, kfunc_iter_num_next },
	{ "bpf_iter_num_destroy", KFUNC_RET_VOID, { A(PTR_TO_ITER) }, KFUNC_F_ITER_DESTROY,
	  kfunc_iter_num_destroy },
	/* kernel/bpf/cpumask.c: CPU sets the program owns (src/helpers/cpumask.c) */
	{ "bpf_cpumask_create", KFUNC_RET_PTR_TO_CPUMASK, { 0 },
	  KFUNC_F_ACQUIRE | KFUNC_F_RET_NULL, kfunc_cpumask_create },
	{ "bpf_cpumask_acquire", KFUNC_RET_PTR_TO_CPUMASK, { A(PTR_TO_CPUMASK) },
	  KFUNC_F_ACQUIRE | KFUNC_F_TRUSTED_ARGS, kfunc_cpumask_acquire },
	{ "bpf_cpumask_release", KFUNC_RET_VOID, { A(PTR_TO_CPUMASK) },
	  KFUNC_F_RELEASE | KFUNC_F_TRUSTED_ARGS, kfunc_cpumask_release },
	{ "bpf_cpumask_set_cpu", KFUNC_RET_VOID, { A(ANYTHING), A(PTR_TO_CPUMASK) },
	  KFUNC_F_RCU, kfunc_cpumask_set_cpu },
	{ "bpf_cpumask_clear_cpu", KFUNC_RET_VOID, { A(ANYTHING), A(PTR_TO_CPUMASK) },
	  KFUNC_F_RCU, kfunc_cpumask_clear_cpu },
	{ "bpf_cpumask_test_cpu", KFUNC_RET_INTEGER, { A(ANYTHING), A(PTR_TO_CPUMASK) },
	  KFUNC_F_RCU | KFUNC_F_CPUMASK, kfunc_cpumask_test_cpu },
	{ "bpf_cpumask_weight", KFUNC_RET_INTEGER, { A(PTR_TO_CPUMASK) },
	  KFUNC_F_RCU | KFUNC_F_CPUMASK,
	  kfunc_cpumask_weight },
};

#define KFUNC_CNT (sizeof(kfuncs) / sizeof(kfuncs[0]))

int kfunc_find_by_name(const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < KFUNC_CNT; i++)
		if (strcmp(kfuncs[i].name, name) == 0)
			return (int)i;
	return -1;
}

const struct kfunc_proto *kfunc_get(uint32_t index)
{
	return index < KFUNC_CNT ? &kfuncs[index] : NULL;
}

const struct kfunc_proto *kfunc_table(uint32_t *count)
{
	if (count)
		*count = KFUNC_CNT;
	return kfuncs;
}

/* The dynptr helpers (ids 197, 201, 202) beside the dynptr kfuncs. */
#define DYNPTR_MAX_SIZE DYNPTR_SIZE_MASK

/* long bpf_dynptr_from_mem(void *data, u32 size, u64 flags, struct bpf_dynptr *ptr) */
HELPER_FN(dynptr_from_mem)
{
	struct dynptr_kern *p = (struct dynptr_kern *)(uintptr_t)r4;

	UNUSED5;
	if (r3 || r2 > DYNPTR_MAX_SIZE) {
		memset(p, 0, sizeof(*p));
		return r3 ? (uint64_t)-EINVAL : (uint64_t)-E2BIG;
	}
	dynptr_init(p, (void *)(uintptr_t)r1, DYNPTR_TYPE_LOCAL, (uint32_t)r2, false);
	return 0;
}

/* long bpf_dynptr_read(void *dst, u32 len, const struct bpf_dynptr *src, u32 offset, u64 flags) */
HELPER_FN(dynptr_read)
{
	const struct dynptr_kern *p = (const struct dynptr_kern *)(uintptr_t)r3;
	uint32_t len = (uint32_t)r2, off = (uint32_t)r4;

	UNUSED5;
	if (!p->data || r5 || off > dynptr_size(p) || len > dynptr_size(p) - off) {
		memset((void *)(uintptr_t)r1, 0, len);
		return !p->data || r5 ? (uint64_t)-EINVAL : (uint64_t)-E2BIG;
	}
	memcpy((void *)(uintptr_t)r1, (const uint8_t *)p->data + p->offset + off, len);
	return 0;
}

/* long bpf_dynptr_write(const struct bpf_dynptr *dst, u32 offset, void *src, u32 len, u64 flags) */
HELPER_FN(dynptr_write)
{
	const struct dynptr_kern *p = (const struct dynptr_kern *)(uintptr_t)r1;
	uint32_t off = (uint32_t)r2, len = (uint32_t)r4;

	UNUSED5;
	if (!p->data || r5 || dynptr_is_rdonly(p))
		return (uint64_t)-EINVAL;
	if (off > dynptr_size(p) || len > dynptr_size(p) - off)
		return (uint64_t)-E2BIG;
	memcpy((uint8_t *)p->data + p->offset + off, (const void *)(uintptr_t)r3, len);
	return 0;
}
