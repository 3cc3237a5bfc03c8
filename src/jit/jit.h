/* SPDX-License-Identifier: MIT */
/*
 * The JIT's architecture-neutral interface: compile a program once into
 * native code, run it many times, dump it. The only implementation is
 * x86-64 (src/jit/x86_64/); other architectures would provide the same
 * functions. The VM reaches it through its backend seam (src/jit/backend.c).
 *
 * Compiled code runs in trusted mode: memory accesses are not checked, so
 * only programs a verifier accepted (or test programs known to be safe)
 * should be compiled.
 */
#ifndef BPFRT_JIT_JIT_H
#define BPFRT_JIT_JIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/vm.h"

struct jit_prog;

/* Resolves helper `id` for the program being compiled (and, for callx, at
 * run time): the function, or NULL when no helper has that id. */
typedef bpfrt_helper_fn (*jit_helper_lookup_fn)(const void *arg, uint32_t id);

/* Optional: where the function of helper `id` is kept, so that calls load
 * it at call time (helpers may be replaced after loading). */
typedef bpfrt_helper_fn const *(*jit_helper_slot_fn)(const void *arg, uint32_t id);

enum {
	JIT_F_NO_BMI2 = 1 << 0, /* do not use BMI2 even where the CPU has it (tests) */
	JIT_F_NO_MOVBE = 1 << 1, /* do not use MOVBE even where the CPU has it (tests) */
	JIT_F_BLINDED = 1 << 2, /* the program may use JIT_REG_AX (jit_blind) */
};

/* The JIT's scratch register for blinded constants: BPF register 11,
 * which programs cannot name (the kernel's BPF_REG_AX). */
#define JIT_REG_AX 11

/* Constant blinding (blind.c): `in` rewritten so that no immediate the
 * program chose is translated as such. insns: the rewritten program (cnt
 * slots); pos[i]: where instruction i of `in` starts in it (pos[in cnt]
 * = cnt). 0, -ENOMEM, -E2BIG (a jump no longer fits; the log names it). */
struct jit_blinded {
	struct bpfrt_insn *insns;
	size_t cnt;
	uint32_t *pos;
};
int jit_blind(const struct bpfrt_insn *in, size_t cnt, struct jit_blinded *out, char *log,
	      size_t log_size);
/* The instruction of the original program (orig_cnt instructions) that
 * blinded instruction `idx` came from. */
size_t jit_blind_orig(const struct jit_blinded *b, size_t orig_cnt, size_t idx);
void jit_blinded_free(struct jit_blinded *b);

/* The last i in 0..n with starts[i] <= v (starts ascending): the piece
 * that holds v, for offset and index maps. */
size_t jit_piece_at(const uint32_t *starts, size_t n, uint64_t v);

/* Optional: whether the helper registered as `id` is bpf_tail_call (its
 * call sites get the in-place tail call, see jit_x86.h). */
typedef bool (*jit_is_tail_call_fn)(const void *arg, uint32_t id);

struct jit_env {
	jit_helper_lookup_fn helper;
	jit_helper_slot_fn helper_slot;
	jit_is_tail_call_fn is_tail_call;
	const void *helper_arg; /* must outlive the compiled program */
	const struct bpfrt_prog *owner; /* the program compiled (rc->prog while it runs) */
	/* What the verifier proved per instruction (VM_FACT_*, vm/prog.h), or
	 * NULL: checks and zero-extensions it proved needless are left out. */
	const uint8_t *facts;
	/* The verifier's stack depth per subprogram (vm_load_extra's
	 * stack_depth: 1 + bytes at each subprogram's first instruction), or
	 * NULL: frames are sized from the r10 accesses alone. */
	const uint16_t *stack_depth;
	/* When set (JIT_F_BLINDED), the compiled instructions are these
	 * blinded ones of a program of orig_cnt: the compiled program owns
	 * them, listings show them, errors name the original instruction. */
	struct jit_blinded blinded;
	size_t orig_cnt;
	unsigned flags;		/* JIT_F_* */
};

/* The environment a program was compiled with (its blinded instructions). */
const struct jit_env *jit_env_of(const struct jit_prog *jp);


/* The JIT-ed code of `prog`, or NULL when another engine runs it (tail
 * call targets: src/jit/backend.c). */
const struct jit_prog *jit_prog_of(const struct bpfrt_prog *prog);

/* Compiles `cnt` instructions. On success *out owns executable pages that
 * are never writable at the same time. Errors: -EINVAL (malformed program:
 * jump or call out of range, unknown helper; the log names the instruction),
 * -EOPNOTSUPP (a form the JIT does not translate: kfunc calls, unresolved
 * ld_imm64 pseudo kinds, stack arguments), -E2BIG, -ENOMEM. */
int jit_compile(const struct bpfrt_insn *insns, size_t cnt, const struct jit_env *env,
		struct jit_prog **out, char *log, size_t log_size);
void jit_free(struct jit_prog *jp);

/* Runs the program with r1 = rc->ctx, r2 = rc->ctx_size on a fresh stack;
 * `rc` is handed to helpers. Returns 0 and r0 in *ret, or -E2BIG (BPF-to-BPF call
 * depth above BPFRT_MAX_CALL_DEPTH), -EINVAL (callx to an unknown helper). A
 * helper's bpfrt_run_ctx__abort() ends the run with its r0. */
int jit_run(const struct jit_prog *jp, struct bpfrt_run_ctx *rc, uint64_t *ret);

/* For helpers that call back into the program (vm_backend.call): runs
 * the function starting at instruction `insn` with r1..r5 = args, during
 * jit_run() of the same program, and stores its r0. An abort inside ends
 * the callback with the abort's r0 and leaves rc->aborted set for the
 * helper to see. Errors: -EINVAL (no function starts at `insn`, or no run
 * in progress), -E2BIG (call depth). */
int jit_call(const struct jit_prog *jp, struct bpfrt_run_ctx *rc, uint32_t insn,
	     const uint64_t args[5], uint64_t *ret);

/* The machine code, and where the code of instruction `idx` starts in it
 * (for idx == insn count: the end of the last function). */
const uint8_t *jit_code(const struct jit_prog *jp, size_t *size);
size_t jit_insn_offset(const struct jit_prog *jp, size_t idx);

/* Writes the machine code disassembled with Zydis (Intel syntax), each BPF
 * instruction (in `syntax`) followed by the x86 instructions it became,
 * one line per call of `print`; a source line (`lines`, sorted by insn,
 * may be NULL) before the instruction it starts at. `insns` are the
 * instructions it was compiled from. */
struct bpfrt_line_info;
typedef void (*jit_print_fn)(void *arg, const char *line);
int jit_dump(const struct jit_prog *jp, const struct bpfrt_insn *insns, size_t cnt,
	     const struct bpfrt_line_info *lines, size_t nlines, enum bpfrt_syntax syntax,
	     jit_print_fn print, void *arg);

#endif /* BPFRT_JIT_JIT_H */
