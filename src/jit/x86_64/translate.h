/* SPDX-License-Identifier: MIT */
/* The translator's state, shared by translate.c (passes, functions, frames)
 * and translate_ops.c (the code for each instruction). */
#ifndef BPFRT_JIT_X86_64_TRANSLATE_H
#define BPFRT_JIT_X86_64_TRANSLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isa/opcodes.h"
#include "jit/x86_64/jit_x86.h"
#include "vm/probe_mem.h"
#include "vm/prog.h"

enum {
	JIT_I_TARGET = 1 << 0, /* some branch goes here */
	JIT_I_ENTRY = 1 << 1,  /* a function starts here */
	JIT_I_SLOT2 = 1 << 2,  /* second slot of ld_imm64 */
	JIT_I_CALLBACK = 1 << 3, /* may be a callback: some ld_imm64 loads its index */
	JIT_I_LOOP = 1 << 4,	 /* a backward branch goes here: aligned */
	JIT_I_FOLDED = 1 << 5,	 /* emits nothing: a later instruction does its work */
	JIT_I_TAIL_CALL = 1 << 6, /* call of bpf_tail_call */
};

enum {
	JIT_STUB_DEPTH, JIT_STUB_ZERO, JIT_STUB_ABORT, JIT_STUB_POPS, JIT_STUB_CALLBACK,
	JIT_STUB_TAIL_ENTRY, /* not a stub: where tail calls enter main */
	JIT_STUB_COUNT
};

struct jit_func {
	uint32_t start, end; /* instruction range */
	int8_t pushed[6];    /* callee-saved registers pushed, in order */
	uint8_t npush;
	uint32_t frame; /* bytes below the pushes: stack depth + alignment */
	int32_t loop_slot; /* may_goto's budget at [rsp + loop_slot] (below the
			    * program's stack), -1 when the function has none */
	bool uses_fp;	/* uses r10: rbp is set up */
	bool calls;	/* makes calls: rsp aligned */
	bool main;
};

struct jit_compiler {
	const struct bpfrt_insn *insns;
	size_t n;
	const struct jit_env *env;
	const struct isa_form **form; /* per instruction (NULL for second slots) */
	uint8_t *flags;		      /* JIT_I_* per instruction */
	uint32_t *func_of;	      /* function index per instruction */
	bpfrt_helper_fn *helper;      /* resolved helper per call instruction */
	struct jit_func *funcs;
	size_t nfuncs;
	bool need_rc; /* some call needs the run context in r12 */
	bool bmi2;    /* the CPU has BMI2 (shlx/shrx/sarx) */
	bool movbe;   /* the CPU has MOVBE (byte-swapping loads) */
	bool has_callbacks; /* some functions may be callbacks (JIT_I_CALLBACK) */
	bool align_loops;   /* pad loop heads to 16 bytes (off when passes do not converge) */
	uint16_t *live_out; /* BPF registers live after each instruction (bit per register) */
	uint8_t *scale;	    /* add64 of a register shifted by a folded lsh: the shift */
	bool tail_in_sub;   /* a function other than main makes tail calls */
	const struct jit_prog *jp; /* the program being compiled */
	/* Offsets from the previous pass (-1: unknown) and this pass. */
	int64_t *addr, *next_addr; /* per instruction, [n] = end of code */
	int64_t *func_addr, *next_func_addr;
	int64_t stub[JIT_STUB_COUNT], next_stub[JIT_STUB_COUNT];
	struct x86_buf buf;
	/* This pass's fault-safe loads (VM_FACT_PROBE_MEM), in code order:
	 * the program's exception table (vm/probe_mem.h). */
	struct probe_entry *probes;
	size_t nprobes, probes_cap;
	char *log;
	size_t log_size;
};

/* Instruction i is a load the verifier wants fault-safe: emitted alone
 * (never folded) and listed in the exception table. */
static inline bool jit_probe_load(const struct jit_compiler *c, size_t i)
{
	return c->env->facts && (c->env->facts[i] & VM_FACT_PROBE_MEM) &&
	       c->form[i]->syntax == ISA_SYN_LDX;
}

void jit_log(struct jit_compiler *c, size_t idx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Where to aim a branch from instruction i at something that was at
 * prev_target in the previous pass / at instruction t. */
int64_t jit_target(const struct jit_compiler *c, size_t i, int64_t prev_target);
int64_t jit_insn_target(const struct jit_compiler *c, size_t i, size_t t);
void jit_emit_epilogue(struct jit_compiler *c, const struct jit_func *fn);
/* The epilogue without its ret: rsp back at the return address. */
void jit_emit_leave(struct jit_compiler *c, const struct jit_func *fn);

/* fold.c: liveness, the plan of folded shifts, and the sequences that
 * become one x86 instruction. jit_fold() returns 1 when it emitted
 * instruction *i (advancing *i past what it consumed), 0 otherwise. */
int jit_liveness(struct jit_compiler *c);
void jit_plan_folds(struct jit_compiler *c);
int jit_fold(struct jit_compiler *c, size_t *i);

/* Emits instruction *i (and may consume the next one when it folds two
 * into one x86 instruction, advancing *i). */
int jit_translate_insn(struct jit_compiler *c, const struct jit_func *fn, size_t *i);

#endif /* BPFRT_JIT_X86_64_TRANSLATE_H */
