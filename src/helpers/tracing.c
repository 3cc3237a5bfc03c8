/* SPDX-License-Identifier: MIT */
/*
 * Helpers of tracing programs that read their context's trace frame
 * (trace_frame.h): get_func_ip, get_func_arg, get_func_ret,
 * get_func_arg_cnt, get_attach_cookie. Semantics of kernel/trace/bpf_trace.c.
 */
#include <errno.h>

#include "helpers/impl.h"
#include "helpers/trace_frame.h"

#define UNUSED_ARGS (void)r1, (void)r2, (void)r3, (void)r4, (void)r5

/* Without a trace frame (a uprobe, the raw context: kinds the helper table
 * lets call these) the helpers answer as for a function of no arguments at
 * address 0 with no cookie, and read nothing below the context. */

HELPER_FN(get_func_ip)
{
	const struct trace_frame *f = trace_frame_of(r1, rc);

	UNUSED_ARGS;
	return f ? f->func_ip : 0;
}

HELPER_FN(get_attach_cookie)
{
	const struct trace_frame *f = trace_frame_of(r1, rc);

	UNUSED_ARGS;
	return f ? f->attach_cookie : 0;
}

HELPER_FN(get_func_arg_cnt)
{
	const struct trace_frame *f = trace_frame_of(r1, rc);

	UNUSED_ARGS;
	return f ? f->nr_args : 0;
}

/* long bpf_get_func_arg(void *ctx, u32 n, u64 *value): -EINVAL past the
 * last argument (and *value = 0). */
HELPER_FN(get_func_arg)
{
	const struct trace_frame *f = trace_frame_of(r1, rc);
	uint64_t *value = (uint64_t *)(uintptr_t)r3;

	UNUSED_ARGS;
	if (!f || (uint32_t)r2 >= f->nr_args) {
		*value = 0;
		return (uint64_t)-EINVAL;
	}
	*value = f->args[(uint32_t)r2];
	return 0;
}

/* long bpf_get_func_ret(void *ctx, u64 *value): the return value follows
 * the arguments. (The verifier allows it only in exit programs.) */
HELPER_FN(get_func_ret)
{
	const struct trace_frame *f = trace_frame_of(r1, rc);
	uint64_t *value = (uint64_t *)(uintptr_t)r2;

	UNUSED_ARGS;
	if (!f) {
		*value = 0;
		return (uint64_t)-EOPNOTSUPP;
	}
	*value = f->args[f->nr_args];
	return 0;
}
