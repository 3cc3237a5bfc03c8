/* SPDX-License-Identifier: MIT */
/*
 * How the text syntaxes write each operand syntax of the opcode table.
 *
 * The opcode table (opcodes.h) says which operand syntax a form uses; this
 * header says, once, which operands that syntax has and in which order the
 * conformance syntax writes them, and how the kernel syntax spells each ALU
 * and comparison mnemonic. The assembler and the disassembler both read it.
 */
#ifndef BPFRT_ISA_SYNTAX_H
#define BPFRT_ISA_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isa/opcodes.h"
#include "util/opts.h"

/* One operand of the conformance syntax and the instruction field it fills. */
enum syn_opnd {
	SYN_REG_DST,	/* %rD */
	SYN_REG_SRC,	/* %rS */
	SYN_IMM,	/* imm (32 bits) */
	SYN_TGT_OFF,	/* +off or label: jump target in off */
	SYN_TGT_IMM,	/* +imm or label: jump/call target in imm */
	SYN_MEM_DST,	/* [%rD+off] */
	SYN_MEM_SRC,	/* [%rS+off] */
	SYN_IMM64,	/* imm64 or a pseudo source (map[fd:N], ...) */
};

struct syn_layout {
	uint8_t n;	    /* number of operands */
	uint8_t opnd[3];    /* enum syn_opnd, in written order */
	const char *usage;  /* the operands as the conformance syntax writes them */
};

/* Indexed by enum isa_syntax. */
extern const struct syn_layout syn_layouts[];

/* Length of the mnemonic without the "32" of 32-bit forms ("add32" -> 3). */
size_t syn_base_len(const struct isa_form *f);

/* Kernel-syntax operator of an ALU or conditional-jump form ("+=", "s>>=",
 * "==", "s<", ...), found by its mnemonic without the "32" suffix, or NULL. */
const char *syn_kernel_operator(const struct isa_form *f);

/* The longest kernel-syntax operator at p (ALU ones, or comparisons when
 * `jump`), or NULL. */
const char *syn_operator_at(const char *p, size_t avail, bool jump);

/* Atomic forms: whether the conformance syntax writes "fetch" (FETCH forms
 * whose mnemonic also names a non-fetching form: add, or, and, xor). */
bool syn_atomic_writes_fetch(const struct isa_form *f);

/* Call forms: the keyword the conformance syntax writes before the target
 * ("local", "kfunc"), or NULL. */
const char *syn_call_keyword(const struct isa_form *f);

/* ld_imm64 pseudo sources: the prefix written for each src_reg value. */
struct syn_pseudo {
	uint8_t src;	    /* BPFRT_PSEUDO_* */
	const char *prefix; /* "map[fd:", "map[idx:", "btf_id[", "subprog[" */
	bool value;	    /* followed by "][0]+OFF" (offset in the second imm) */
	bool target;	    /* the imm is an instruction offset (label allowed) */
};
extern const struct syn_pseudo syn_pseudos[];
extern const unsigned syn_pseudo_count;
const struct syn_pseudo *syn_pseudo_of(uint8_t src);

/* The word width name of a memory access size in bytes: 8 -> "u64" etc. */
const char *syn_size_type(unsigned size, bool sign);

#endif /* BPFRT_ISA_SYNTAX_H */
