/* SPDX-License-Identifier: MIT */
/*
 * What the x86-64 translator, its runtime glue and its dumper share.
 *
 * Register assignment (BPF -> x86-64). Arguments land where the System V
 * ABI wants them, so a helper call moves nothing but the sixth argument;
 * r6-r9 and r10 sit in callee-saved registers, so they survive helper
 * calls and BPF-to-BPF calls with no code at the call site:
 *
 *	r0 rax   r1 rdi   r2 rsi   r3 rdx   r4 rcx   r5 r8
 *	r6 rbx   r7 r13   r8 r14   r9 r15   r10 rbp (top of the 512-byte frame)
 *	r12: the run context (struct bpfrt_run_ctx *), for helpers and unwinding
 *	r9, r10, r11: scratch (division, shifts, atomics, calls)
 *
 * A function's frame, from its entry:
 *
 *	[return address]
 *	[pushed callee-saved registers it uses: rbp, rbx, r12 (main only), r13-r15]
 *	                                   <- rbp when it uses r10; the main
 *	                                      function stores this rsp in the
 *	                                      jit_state for unwinding
 *	[BPF stack: the depth it uses, at most 512 bytes]
 *	[padding so that rsp is 16-byte aligned at calls]
 *
 * The main function's first instructions (when it makes calls) record the
 * unwinding point: rsp after the pushes it is about to make, in
 * jit_state.unwind_sp (jit_run() puts its pops' address in unwind_pc). An
 * abort or run-time error anywhere loads unwind_sp into rsp and jumps to
 * unwind_pc, whatever program it is in.
 *
 * Tail calls, in place (vm_run_tail in vm/run_ctx.h has the rules): the
 * calling function restores rsp and pops what it pushed, as its epilogue
 * does, and jumps to the target's tail entry — its main function past the
 * unwinding-point instructions — with rdi = ctx, rsi = ctx size, rdx = the
 * run context, as from jit_run(). The target's frame takes the caller's
 * place; the target's `ret` returns where the caller would have. A chain
 * of tail calls never grows the native stack.
 */
#ifndef BPFRT_JIT_X86_64_JIT_X86_H
#define BPFRT_JIT_X86_64_JIT_X86_H

#include <stddef.h>
#include <stdint.h>

#include "jit/jit.h"
#include "jit/x86_64/emit.h"
#include "vm/probe_mem.h"

#define JIT_REG_CTX X86_R12
#define JIT_AUX0 X86_R9
#define JIT_AUX1 X86_R10
#define JIT_AUX2 X86_R11

/* Per-run state, on jit_run()'s C stack; rc->engine points at it while the
 * JIT-ed code runs. */
struct jit_state {
	uint64_t unwind_sp; /* rsp of the main function after its pushes */
	uint64_t unwind_pc; /* code that pops those pushes and returns */
	uint32_t depth;	    /* BPF-to-BPF calls in progress */
	int32_t err;	    /* set before unwinding on a run-time error */
	uint64_t err_pc;    /* where in the code (a return address), for the log */
	uint64_t callx_id;  /* helper id of the callx being made */
	const struct jit_prog *jp;
};

struct jit_prog {
	uint8_t *code;	   /* executable mapping */
	size_t code_size;  /* bytes of code */
	size_t map_size;   /* bytes mapped */
	uint32_t *offsets; /* insn_cnt + 1 code offsets */
	size_t insn_cnt;
	uint32_t *func_insn; /* first instruction of each function */
	uint32_t *func_code; /* code offset of each function's prologue */
	size_t nfuncs;
	int64_t callback_entry; /* code offset of the callback entry, or -1 */
	uint32_t tail_entry;	/* code offset where tail calls enter main */
	uint32_t unwind_pops;	/* code offset of main's pops (jit_state.unwind_pc) */
	/* Its fault-safe loads (vm/probe_mem.h), registered while mapped. */
	struct probe_table probes;
	struct jit_env env;
};

/* The BPF register -> x86 register table. */
extern const int8_t jit_reg_map[12]; /* [JIT_REG_AX]: a scratch register */

/* Run-time glue called from JIT-ed code (jit_run.c). */
uint64_t jit_callx_trampoline(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			      struct bpfrt_run_ctx *rc);

/* A tail call site after bpf_tail_call asked for one (rc->tail_prog):
 * switches the run to a JIT-ed target and returns where to jump (its tail
 * entry), or runs another engine's target and returns 1 (r0 in
 * rc->abort_r0), or returns 0 when the run must unwind (a plain abort, or
 * the target failed: jit_state.err). */
uintptr_t jit_tail_call_glue(struct bpfrt_run_ctx *rc);

/* Maps `size` bytes of code: writable while copied, then read+exec. */
int jit_code_map(struct jit_prog *jp, const uint8_t *code, size_t size);
void jit_code_unmap(struct jit_prog *jp);

#endif /* BPFRT_JIT_X86_64_JIT_X86_H */
