/* SPDX-License-Identifier: MIT */
/* bpf_loop and the callback seam to the engines (vm_backend.call). */
#include <errno.h>

#include "helpers/callback.h"
#include "helpers/impl.h"
#include "vm/backend.h"
#include "vm/run_ctx.h"

#define LOOP_MAX (1u << 23) /* BPF_MAX_LOOPS */

int helper_callback(struct bpfrt_run_ctx *rc, uint64_t fn, uint64_t a, uint64_t b, uint64_t c,
		    uint64_t d, uint64_t e, uint64_t *r0)
{
	const struct bpfrt_prog *prog = rc ? rc->prog : NULL;
	const uint64_t args[5] = { a, b, c, d, e };

	if (!prog || !prog->backend || !prog->backend->call)
		return -EOPNOTSUPP;
	if (fn >= prog->insn_cnt)
		return -EINVAL;
	return prog->backend->call(prog, rc, (uint32_t)fn, args, r0);
}

/* long bpf_loop(u32 nr_loops, void *callback_fn, void *callback_ctx, u64 flags):
 * calls callback_fn(i, callback_ctx) until it returns nonzero; returns the
 * number of iterations done. */
HELPER_FN(loop)
{
	uint32_t n = (uint32_t)r1, i;

	(void)r5;
	if (r4)
		return (uint64_t)-EINVAL;
	if (n > LOOP_MAX)
		return (uint64_t)-E2BIG;
	for (i = 0; i < n; i++) {
		uint64_t ret;
		int err = helper_callback(rc, r2, i, r3, 0, 0, 0, &ret);

		if (err)
			return (uint64_t)(int64_t)err;
		if (rc->aborted)
			return i + 1;
		if (ret)
			return i + 1;
	}
	return i;
}
