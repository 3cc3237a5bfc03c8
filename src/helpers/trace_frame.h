/* SPDX-License-Identifier: MIT */
/*
 * The context of a tracing program (fentry, fexit, fsession, multi), as the
 * later tracing stage fills it. The program's ctx pointer points at args[],
 * and, as in the kernel's x86-64 BPF trampoline, the words before it hold
 * the argument count (ctx[-1]) and the traced function's address (ctx[-2]),
 * so get_func_arg/ret/arg_cnt/ip can be inlined as loads from ctx. The
 * return value follows the arguments (args[nr_args]), valid in exit runs.
 *
 * The kernel keeps the attach cookie and the session state in its run
 * context; bpfrt keeps them in the same frame, below, so helpers need
 * nothing but ctx.
 */
#ifndef BPFRT_HELPERS_TRACE_FRAME_H
#define BPFRT_HELPERS_TRACE_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "vm/run_ctx.h"

struct trace_frame {
	uint64_t session_cookie; /* what bpf_session_cookie() points to */
	uint64_t is_return;	 /* nonzero in the exit run of a session */
	uint64_t attach_cookie;	 /* bpf_get_attach_cookie() */
	uint64_t func_ip;	 /* ctx[-2] */
	uint64_t nr_args;	 /* ctx[-1] */
	uint64_t args[];	 /* ctx; args[nr_args] is the return value */
};

#define TRACE_MAX_ARGS 12 /* as the kernel's MAX_BPF_FUNC_ARGS */

/* The run's trace frame when `ctx` is its args[], else NULL: a program of
 * another kind (uprobes, the raw context) has nothing below its context. */
static inline struct trace_frame *trace_frame_of(uint64_t ctx, const struct bpfrt_run_ctx *rc)
{
	struct trace_frame *f = rc ? (struct trace_frame *)rc->trace : NULL;

	return f && (uint64_t)(uintptr_t)f->args == ctx ? f : NULL;
}

#endif /* BPFRT_HELPERS_TRACE_FRAME_H */
