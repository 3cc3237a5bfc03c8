/* SPDX-License-Identifier: MIT */
/*
 * bpfrt/insn.h — the BPF instruction encoding (RFC 9669).
 *
 * One 64-bit slot per instruction; ld_imm64 takes two slots. Opcode byte:
 *
 *   ALU/JMP:  | op:4 | source:1 | class:3 |   source: K (imm) or X (src reg)
 *   LD/ST:    | mode:3 | size:2 | class:3 |
 *
 * The table of every valid instruction form (which opcode byte with which
 * off/imm/src variant, its mnemonic and operands) is in src/isa/opcodes.h;
 * nothing else in bpfrt re-encodes the instruction set.
 */
#ifndef BPFRT_INSN_H
#define BPFRT_INSN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(BPFRT_BUILDING) && defined(__GNUC__)
#define BPFRT_API __attribute__((visibility("default")))
#else
#define BPFRT_API
#endif

struct bpfrt_insn {
	uint8_t code;	   /* opcode */
	uint8_t dst_reg : 4; /* destination register */
	uint8_t src_reg : 4; /* source register */
	int16_t off;	   /* signed offset */
	int32_t imm;	   /* signed immediate constant */
};

/* Registers: r0 return value, r1-r5 arguments, r6-r9 callee-saved, r10
 * read-only frame pointer. r11 is the stack-argument base (BPF_REG_PARAMS,
 * 2026 stack arguments), valid only with BPFRT_MEM loads/stores. */
enum {
	BPFRT_REG_0 = 0,
	BPFRT_REG_1, BPFRT_REG_2, BPFRT_REG_3, BPFRT_REG_4, BPFRT_REG_5,
	BPFRT_REG_6, BPFRT_REG_7, BPFRT_REG_8, BPFRT_REG_9,
	BPFRT_REG_10,
	BPFRT_REG_PARAMS,
	BPFRT_REG_FP = BPFRT_REG_10,
};
#define BPFRT_STACK_SIZE 512	/* per-frame stack, bytes */
#define BPFRT_MAX_CALL_DEPTH 8	/* BPF-to-BPF frames incl. the main one */

/* Classes (low 3 bits). */
#define BPFRT_CLASS(code) ((code) & 0x07)
#define BPFRT_LD    0x00
#define BPFRT_LDX   0x01
#define BPFRT_ST    0x02
#define BPFRT_STX   0x03
#define BPFRT_ALU   0x04
#define BPFRT_JMP   0x05
#define BPFRT_JMP32 0x06
#define BPFRT_ALU64 0x07

/* ALU/JMP source bit and operation (high 4 bits). */
#define BPFRT_SRC(code) ((code) & 0x08)
#define BPFRT_K 0x00
#define BPFRT_X 0x08
#define BPFRT_OP(code) ((code) & 0xf0)

#define BPFRT_ADD  0x00
#define BPFRT_SUB  0x10
#define BPFRT_MUL  0x20
#define BPFRT_DIV  0x30 /* off=1: sdiv */
#define BPFRT_OR   0x40
#define BPFRT_AND  0x50
#define BPFRT_LSH  0x60
#define BPFRT_RSH  0x70
#define BPFRT_NEG  0x80
#define BPFRT_MOD  0x90 /* off=1: smod */
#define BPFRT_XOR  0xa0
#define BPFRT_MOV  0xb0 /* off=8/16/32: movsx */
#define BPFRT_ARSH 0xc0
#define BPFRT_END  0xd0 /* ALU: K=to-le, X=to-be; ALU64 K: bswap */
#define BPFRT_TO_LE 0x00
#define BPFRT_TO_BE 0x08

#define BPFRT_JA   0x00 /* JMP32: gotol, 32-bit imm offset */
#define BPFRT_JEQ  0x10
#define BPFRT_JGT  0x20
#define BPFRT_JGE  0x30
#define BPFRT_JSET 0x40
#define BPFRT_JNE  0x50
#define BPFRT_JSGT 0x60
#define BPFRT_JSGE 0x70
#define BPFRT_CALL 0x80 /* X: callx, target register in dst_reg */
#define BPFRT_EXIT 0x90
#define BPFRT_JLT  0xa0
#define BPFRT_JLE  0xb0
#define BPFRT_JSLT 0xc0
#define BPFRT_JSLE 0xd0
#define BPFRT_JCOND 0xe0 /* JMP | K, src_reg BPFRT_MAY_GOTO: may_goto */
#define BPFRT_MAY_GOTO 0

/* Load/store size (bits 3-4) and mode (bits 5-7). */
#define BPFRT_SIZE(code) ((code) & 0x18)
#define BPFRT_W  0x00
#define BPFRT_H  0x08
#define BPFRT_B  0x10
#define BPFRT_DW 0x18
#define BPFRT_MODE(code) ((code) & 0xe0)
#define BPFRT_IMM    0x00 /* ld_imm64 */
#define BPFRT_ABS    0x20 /* legacy packet access */
#define BPFRT_IND    0x40 /* legacy packet access */
#define BPFRT_MEM    0x60
#define BPFRT_MEMSX  0x80 /* sign-extending load */
#define BPFRT_ATOMIC 0xc0

/* Atomic operations (imm of BPFRT_STX | BPFRT_ATOMIC). */
#define BPFRT_FETCH   0x01
#define BPFRT_XCHG    (0xe0 | BPFRT_FETCH)
#define BPFRT_CMPXCHG (0xf0 | BPFRT_FETCH)

/* src_reg of ld_imm64 (what imm means) and of call (what the target is). */
#define BPFRT_PSEUDO_MAP_FD	  1 /* imm: map fd; value: map pointer */
#define BPFRT_PSEUDO_MAP_VALUE	  2 /* imm: map fd, next imm: offset into value */
#define BPFRT_PSEUDO_BTF_ID	  3 /* imm: BTF id of a ksym */
#define BPFRT_PSEUDO_FUNC	  4 /* imm: insn offset of a subprogram */
#define BPFRT_PSEUDO_MAP_IDX	  5 /* imm: index into the object's maps */
#define BPFRT_PSEUDO_MAP_IDX_VALUE 6
#define BPFRT_PSEUDO_CALL	  1 /* call: imm is a relative insn offset */
#define BPFRT_PSEUDO_KFUNC_CALL	  2 /* call: imm is a kfunc BTF id */

#define BPFRT_INSN_IS_LDDW(i) ((i)->code == (BPFRT_LD | BPFRT_IMM | BPFRT_DW))

/* Text syntaxes: the ubpf/bpf_conformance assembler syntax
 * (`ldxw %r0, [%r1+4]`) and the kernel/llvm-objdump C-like syntax
 * (`r0 = *(u32 *)(r1 + 4)`). */
enum bpfrt_syntax {
	BPFRT_SYNTAX_CONFORMANCE = 0,
	BPFRT_SYNTAX_KERNEL = 1,
};

#ifdef __cplusplus
}
#endif
#endif /* BPFRT_INSN_H */
