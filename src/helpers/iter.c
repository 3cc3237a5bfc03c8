/* SPDX-License-Identifier: MIT */
/*
 * The numbers iterator (kernel/bpf/bpf_iter.c): struct bpf_iter_num is
 * 8 opaque bytes on the program's stack holding the current number and the
 * end. `bpf_for(i, start, end)` in libbpf's bpf_helpers.h is built on it.
 */
#include <errno.h>
#include <stdint.h>

#include "helpers/kfuncs.h"

#define MAX_LOOPS (8 * 1024 * 1024) /* the kernel's BPF_MAX_LOOPS */

struct iter_num {
	int32_t cur, end;
};

#define IT(r) ((struct iter_num *)(uintptr_t)(r))
#define UNUSED (void)r4, (void)r5, (void)rc

/* int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) */
uint64_t kfunc_iter_num_new(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			    struct bpfrt_run_ctx *rc)
{
	int32_t start = (int32_t)r2, end = (int32_t)r3;

	UNUSED;
	if (start > end || (int64_t)end - start > MAX_LOOPS) {
		IT(r1)->cur = IT(r1)->end = 0;
		return (uint64_t)(int64_t)(start > end ? -EINVAL : -E2BIG);
	}
	/* next() increments first */
	IT(r1)->cur = start - 1;
	IT(r1)->end = end;
	return 0;
}

/* int *bpf_iter_num_next(struct bpf_iter_num *it): the next number, or NULL */
uint64_t kfunc_iter_num_next(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			     struct bpfrt_run_ctx *rc)
{
	struct iter_num *s = IT(r1);

	(void)r2, (void)r3, UNUSED;
	if ((int64_t)s->cur + 1 >= s->end) {
		s->cur = s->end = 0;
		return 0;
	}
	s->cur++;
	return (uint64_t)(uintptr_t)&s->cur;
}

/* void bpf_iter_num_destroy(struct bpf_iter_num *it) */
uint64_t kfunc_iter_num_destroy(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
				struct bpfrt_run_ctx *rc)
{
	(void)r2, (void)r3, UNUSED;
	IT(r1)->cur = IT(r1)->end = 0;
	return 0;
}
