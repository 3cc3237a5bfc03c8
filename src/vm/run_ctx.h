/* SPDX-License-Identifier: MIT */
/*
 * The state of one program run, shared by the engines (interpreter, JIT)
 * and the helpers. Helpers get a pointer to it as their sixth argument; the
 * JIT reads `aborted` at its offset after every helper call.
 */
#ifndef BPFRT_VM_RUN_CTX_H
#define BPFRT_VM_RUN_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/vm.h"

struct vm_log;

struct bpfrt_run_ctx {
	const struct bpfrt_prog *prog;
	void *user_data;
	/* Set by bpfrt_run_ctx__abort(): the engine ends the program after the
	 * helper returns, with r0 = abort_r0. */
	bool aborted;
	uint64_t abort_r0;
	/* Checked mode: extra regions the program may access. */
	const struct bpfrt_mem_region *regions;
	size_t region_cnt;
	/* Engine-private state (the interpreter's frames, fault detail). */
	void *engine;
	/* The context: r1 and r2 at entry. */
	void *ctx;
	size_t ctx_size;
	/* Checked mode: stores to ctx fault; instructions left before -ELOOP. */
	bool ctx_readonly;
	uint64_t insn_budget;
	/* Where a fault is described (the insn index, the access, why). */
	struct vm_log *log;
	/* Tail calls (bpf_tail_call): how many this run made (at most
	 * VM_MAX_TAIL_CALL_CNT), and the one requested by the helper that just
	 * returned: it sets tail_prog and `aborted`; the engine then runs
	 * tail_prog in place of the current function (vm_run_tail). */
	uint32_t tail_call_cnt;
	const struct bpfrt_prog *tail_prog;
	/* A runtime's packet run: the frame around ctx (helpers/pkt_frame.h)
	 * that the packet helpers move the packet in; NULL otherwise. */
	void *pkt;
	/* A runtime's trace run (fentry, fexit, ...): the trace frame
	 * (helpers/trace_frame.h) whose args[] is ctx; NULL otherwise. The
	 * tracing helpers read the frame only through this, so a program of
	 * another kind (the raw context may call every helper) reads nothing
	 * below its context. */
	void *trace;
	/* What bpf_session_cookie() points to in a run without a trace
	 * frame. */
	uint64_t session_cookie;
};

/* The kernel's MAX_TAIL_CALL_CNT: a run makes at most this many tail calls;
 * the next one falls through. */
#define VM_MAX_TAIL_CALL_CNT 33

/*
 * Tail calls, for the engines. A tail call replaces the *current function*
 * (the kernel's rule, also for subprograms): the target starts with r1 =
 * the run's context (the verifier holds the helper's r1 to it; checked
 * programs cannot hand another) in the caller's frame (its stack is reused, the native
 * stack does not grow), and when it exits its r0 is what the function that
 * made the tail call returns: to the program's caller for the main
 * function, to the BPF-to-BPF call site for a subprogram. An engine that
 * can switch to the target in place does so (interpreter -> interpreter of
 * the same mode, JIT -> JIT); otherwise it runs the target here, with the
 * same run context (the count carries on), and exits the current function
 * with its r0. Takes rc->tail_prog (and clears it and rc->aborted). 0 and
 * *r0, or the target's -errno.
 */
int vm_run_tail(struct bpfrt_run_ctx *rc, uint64_t *r0);


#endif /* BPFRT_VM_RUN_CTX_H */
