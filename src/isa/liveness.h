/* SPDX-License-Identifier: MIT */
/*
 * Register liveness: which BPF registers an instruction reads and writes,
 * and which may still be read after each instruction before being written.
 *
 * One analysis for every stage that asks: the verifier (dead registers do
 * not keep states apart in pruning) and the JIT (a folded sequence may drop
 * a value nobody reads). It is a static backward dataflow over the
 * instruction stream, so it needs nothing the verifier proved and also
 * serves programs that were never verified.
 */
#ifndef BPFRT_ISA_LIVENESS_H
#define BPFRT_ISA_LIVENESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isa/opcodes.h"

/* A set of BPF registers, bit r for register r (r0..r10). */
#define ISA_REGS_ALL 0x7ffu
#define ISA_REGS_ARGS 0x3eu /* r1-r5 */

enum isa_live_mode {
	/* The BPF calling convention holds (the program was verified): a
	 * callee reads only r1-r5, hands back only r0, and r1-r5 are dead
	 * after a call. */
	ISA_LIVE_VERIFIED,
	/* Anything the engines allow: an unverified callee may read any of
	 * its caller's registers and leave r1-r5 for it to read, as the
	 * interpreter shows them. Only the main function's exit reads r0
	 * alone. */
	ISA_LIVE_ANY,
};

/* Registers `insn` reads (*use, never too few) and certainly writes (*def,
 * possibly too few); `in_main`: it belongs to the main function. */
void isa_insn_regs(const struct bpfrt_insn *insn, const struct isa_form *f,
		   enum isa_live_mode mode, bool in_main, uint16_t *use, uint16_t *def);

/*
 * Liveness of `cnt` instruction slots, the first `main_len` of which are the
 * main function (the rest subprograms; only ISA_LIVE_ANY asks). live_out[i] (and live_in[i], either
 * may be NULL) receive the registers that may be read after (before)
 * instruction i; r10 is always live. Slots that cannot start an instruction
 * (the second half of ld_imm64, invalid encodings) and jumps leaving the
 * program count as reading everything. 0 or -ENOMEM.
 */
int isa_reg_liveness(const struct bpfrt_insn *insns, size_t cnt, enum isa_live_mode mode,
		     size_t main_len, uint16_t *live_in, uint16_t *live_out);

/* The same, where a call by id (helper or kfunc, not a local call or
 * callx) reads only call_args[i] of r1-r5 (NULL: all five): a verified
 * program's helpers read just their prototype's arguments (the kernel's
 * compute_live_registers takes them from the helper's proto). */
int isa_reg_liveness_calls(const struct bpfrt_insn *insns, size_t cnt, enum isa_live_mode mode,
			   size_t main_len, const uint16_t *call_args, uint16_t *live_in,
			   uint16_t *live_out);

/* One instruction's transfer for isa_liveness_solve: the registers it
 * reads in the sense asked about (*use) and writes (*def). */
typedef void (*isa_live_fn)(const struct bpfrt_insn *insn, const struct isa_form *f, size_t idx,
			    void *arg, uint16_t *use, uint16_t *def);

/* The solver behind isa_reg_liveness, for other senses of "read" (the
 * verifier's zero-extension facts: reads of a register's upper half).
 * Same graph, same results for slots that start no instruction. */
int isa_liveness_solve(const struct bpfrt_insn *insns, size_t cnt, isa_live_fn fn, void *arg,
		       uint16_t *live_in, uint16_t *live_out);

#endif /* BPFRT_ISA_LIVENESS_H */
