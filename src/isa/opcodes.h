/* SPDX-License-Identifier: MIT */
/*
 * The one description of the instruction set.
 *
 * Every valid instruction form is one line of ISA_FORMS below: the opcode
 * byte, which other field (off, imm or src_reg) tells apart forms sharing
 * that byte and the value it must have, the mnemonic in the conformance
 * assembler syntax, the operand syntax, the ISA version that introduced it,
 * the memory access size and a few semantic flags. The assembler,
 * disassembler, validator, interpreter, verifier and JIT are all driven from
 * it; the interpreter and JIT key their code on enum isa_op.
 *
 * Semantics follow RFC 9669; the comment after a family says what it does.
 */
#ifndef BPFRT_ISA_OPCODES_H
#define BPFRT_ISA_OPCODES_H

#include <stdbool.h>
#include <stdint.h>

#include "bpfrt/insn.h"

/* Which field besides the opcode byte selects the form. */
enum isa_match {
	ISA_MATCH_NONE, /* the opcode byte alone */
	ISA_MATCH_OFF,	/* off == value (sdiv/smod off=1, movsx off=8/16/32) */
	ISA_MATCH_IMM,	/* imm == value (byte swaps, atomic operations) */
	ISA_MATCH_SRC,	/* src_reg == value (ld_imm64 pseudo kinds, call kinds) */
};

/* Operand syntax; also says which fields are used (the rest must be 0). */
enum isa_syntax {
	ISA_SYN_ALU_K,	   /* add %rD, imm        dst, imm */
	ISA_SYN_ALU_X,	   /* add %rD, %rS        dst, src (movsx: off) */
	ISA_SYN_UNARY,	   /* neg %rD, be16 %rD   dst (END: imm = width) */
	ISA_SYN_JA,	   /* ja +off */
	ISA_SYN_JA32,	   /* ja32 +imm */
	ISA_SYN_JCOND_K,   /* jeq %rD, imm, +off */
	ISA_SYN_JCOND_X,   /* jeq %rD, %rS, +off */
	ISA_SYN_CALL,	   /* call imm            helper id / kfunc id */
	ISA_SYN_CALL_LOCAL, /* call local +imm    relative insn offset */
	ISA_SYN_CALLX,	   /* call %rD            target in dst */
	ISA_SYN_EXIT,	   /* exit */
	ISA_SYN_LDDW,	   /* lddw %rD, imm64     two slots */
	ISA_SYN_LDX,	   /* ldxw %rD, [%rS+off] */
	ISA_SYN_ST,	   /* stw [%rD+off], imm */
	ISA_SYN_STX,	   /* stxw [%rD+off], %rS */
	ISA_SYN_ATOMIC,	   /* lock add [%rD+off], %rS */
	ISA_SYN_LDABS,	   /* ldabsw imm          legacy packet load */
	ISA_SYN_LDIND,	   /* ldindw %rS, imm     legacy packet load */
	ISA_SYN_MAY_GOTO,  /* may_goto +off */
};

/* Semantic flags. */
enum {
	ISA_F_ALU32 = 1 << 0,	 /* 32-bit operation: result zero-extended */
	ISA_F_JMP32 = 1 << 1,	 /* compares the low 32 bits */
	ISA_F_READS_DST = 1 << 2, /* reads dst as a value (not as a base) */
	ISA_F_WRITES_DST = 1 << 3,
	ISA_F_READS_SRC = 1 << 4,
	ISA_F_MEM = 1 << 5,	 /* accesses memory at base+off */
	ISA_F_FETCH = 1 << 6,	 /* atomic that returns the old value */
	ISA_F_BRANCH = 1 << 7,	 /* may transfer control to pc+1+off/imm */
	ISA_F_SIGNED = 1 << 8,	 /* signed division/compare/sign-extension */
	ISA_F_WRITES_R0 = 1 << 9, /* cmpxchg and calls */
	ISA_F_LEGACY = 1 << 10,	 /* deprecated packet access (RFC 9669 §5.5) */
};

#define ISA__D ISA_F_READS_DST
#define ISA__W ISA_F_WRITES_DST
#define ISA__S ISA_F_READS_SRC
#define ISA__A32 ISA_F_ALU32
#define ISA__J32 ISA_F_JMP32
#define ISA__BR ISA_F_BRANCH
#define ISA__SG ISA_F_SIGNED
#define ISA__MEM ISA_F_MEM
#define ISA__FE ISA_F_FETCH
#define ISA__R0 ISA_F_WRITES_R0
#define ISA__LG ISA_F_LEGACY

/*
 * X(name, opcode, match, match value, mnemonic, syntax, isa version,
 *   access size, flags)
 */
#define ISA_ALU_BIN(X, N, OP, MN, MATCH, V, CPU, FL)                                        \
	X(N##64_K, BPFRT_ALU64 | BPFRT_K | OP, MATCH, V, MN, ISA_SYN_ALU_K, CPU, 0, ISA__W | FL)       \
	X(N##64_X, BPFRT_ALU64 | BPFRT_X | OP, MATCH, V, MN, ISA_SYN_ALU_X, CPU, 0, ISA__W | ISA__S | FL)   \
	X(N##32_K, BPFRT_ALU | BPFRT_K | OP, MATCH, V, MN "32", ISA_SYN_ALU_K, CPU, 0, ISA__W | ISA__A32 | FL) \
	X(N##32_X, BPFRT_ALU | BPFRT_X | OP, MATCH, V, MN "32", ISA_SYN_ALU_X, CPU, 0,            \
	  ISA__W | ISA__S | ISA__A32 | FL)

#define ISA_JCOND(X, N, OP, MN, CPU, FL)                                                     \
	X(N##_K, BPFRT_JMP | BPFRT_K | OP, ISA_MATCH_NONE, 0, MN, ISA_SYN_JCOND_K, CPU, 0,          \
	  ISA__D | ISA__BR | FL)                                                                         \
	X(N##_X, BPFRT_JMP | BPFRT_X | OP, ISA_MATCH_NONE, 0, MN, ISA_SYN_JCOND_X, CPU, 0,          \
	  ISA__D | ISA__S | ISA__BR | FL)                                                                     \
	X(N##32_K, BPFRT_JMP32 | BPFRT_K | OP, ISA_MATCH_NONE, 0, MN "32", ISA_SYN_JCOND_K, 3, 0,   \
	  ISA__D | ISA__BR | ISA__J32 | FL)                                                                   \
	X(N##32_X, BPFRT_JMP32 | BPFRT_X | OP, ISA_MATCH_NONE, 0, MN "32", ISA_SYN_JCOND_X, 3, 0,   \
	  ISA__D | ISA__S | ISA__BR | ISA__J32 | FL)

#define ISA_MEM_SIZES(X, N, CLS, MODE, MN, SYN, CPU, FL)                                      \
	X(N##DW, CLS | MODE | BPFRT_DW, ISA_MATCH_NONE, 0, MN "dw", SYN, CPU, 8, FL)             \
	X(N##W, CLS | MODE | BPFRT_W, ISA_MATCH_NONE, 0, MN "w", SYN, CPU, 4, FL)                \
	X(N##H, CLS | MODE | BPFRT_H, ISA_MATCH_NONE, 0, MN "h", SYN, CPU, 2, FL)                \
	X(N##B, CLS | MODE | BPFRT_B, ISA_MATCH_NONE, 0, MN "b", SYN, CPU, 1, FL)

#define ISA_ATOMIC(X, N, IMM, MN, CPU, FL)                                                    \
	X(N##64, BPFRT_STX | BPFRT_ATOMIC | BPFRT_DW, ISA_MATCH_IMM, IMM, MN, ISA_SYN_ATOMIC, CPU, \
	  8, ISA__MEM | ISA__S | FL)                                                                     \
	X(N##32, BPFRT_STX | BPFRT_ATOMIC | BPFRT_W, ISA_MATCH_IMM, IMM, MN "32", ISA_SYN_ATOMIC,   \
	  CPU, 4, ISA__MEM | ISA__S | FL)

#define ISA_FORMS(X)                                                                          \
	/* ALU: dst = dst OP src|imm; 32-bit forms zero-extend the result. Division   \
	 * by zero gives 0, modulo by zero leaves dst (RFC 9669 §4.1); shifts use      \
	 * the low 5 or 6 bits of the amount. */                                      \
	ISA_ALU_BIN(X, ADD, BPFRT_ADD, "add", ISA_MATCH_NONE, 0, 1, ISA__D)                          \
	ISA_ALU_BIN(X, SUB, BPFRT_SUB, "sub", ISA_MATCH_NONE, 0, 1, ISA__D)                          \
	ISA_ALU_BIN(X, MUL, BPFRT_MUL, "mul", ISA_MATCH_NONE, 0, 1, ISA__D)                          \
	ISA_ALU_BIN(X, DIV, BPFRT_DIV, "div", ISA_MATCH_OFF, 0, 1, ISA__D)                           \
	ISA_ALU_BIN(X, SDIV, BPFRT_DIV, "sdiv", ISA_MATCH_OFF, 1, 4, ISA__D | ISA__SG)                    \
	ISA_ALU_BIN(X, OR, BPFRT_OR, "or", ISA_MATCH_NONE, 0, 1, ISA__D)                             \
	ISA_ALU_BIN(X, AND, BPFRT_AND, "and", ISA_MATCH_NONE, 0, 1, ISA__D)                          \
	ISA_ALU_BIN(X, LSH, BPFRT_LSH, "lsh", ISA_MATCH_NONE, 0, 1, ISA__D)                          \
	ISA_ALU_BIN(X, RSH, BPFRT_RSH, "rsh", ISA_MATCH_NONE, 0, 1, ISA__D)                          \
	ISA_ALU_BIN(X, MOD, BPFRT_MOD, "mod", ISA_MATCH_OFF, 0, 1, ISA__D)                           \
	ISA_ALU_BIN(X, SMOD, BPFRT_MOD, "smod", ISA_MATCH_OFF, 1, 4, ISA__D | ISA__SG)                    \
	ISA_ALU_BIN(X, XOR, BPFRT_XOR, "xor", ISA_MATCH_NONE, 0, 1, ISA__D)                          \
	ISA_ALU_BIN(X, MOV, BPFRT_MOV, "mov", ISA_MATCH_OFF, 0, 1, 0)                           \
	ISA_ALU_BIN(X, ARSH, BPFRT_ARSH, "arsh", ISA_MATCH_NONE, 0, 1, ISA__D | ISA__SG)                  \
	/* dst = -dst */                                                                    \
	X(NEG64, BPFRT_ALU64 | BPFRT_NEG, ISA_MATCH_NONE, 0, "neg", ISA_SYN_UNARY, 1, 0, ISA__D | ISA__W)     \
	X(NEG32, BPFRT_ALU | BPFRT_NEG, ISA_MATCH_NONE, 0, "neg32", ISA_SYN_UNARY, 1, 0,            \
	  ISA__D | ISA__W | ISA__A32)                                                                        \
	/* dst = (s8/s16/s32)src, sign-extended to 64 (or 32, then zero-extended) */      \
	X(MOVSX8_64, BPFRT_ALU64 | BPFRT_X | BPFRT_MOV, ISA_MATCH_OFF, 8, "movsx864",              \
	  ISA_SYN_ALU_X, 4, 0, ISA__W | ISA__S | ISA__SG)                                                    \
	X(MOVSX16_64, BPFRT_ALU64 | BPFRT_X | BPFRT_MOV, ISA_MATCH_OFF, 16, "movsx1664",           \
	  ISA_SYN_ALU_X, 4, 0, ISA__W | ISA__S | ISA__SG)                                                    \
	X(MOVSX32_64, BPFRT_ALU64 | BPFRT_X | BPFRT_MOV, ISA_MATCH_OFF, 32, "movsx3264",           \
	  ISA_SYN_ALU_X, 4, 0, ISA__W | ISA__S | ISA__SG)                                                    \
	X(MOVSX8_32, BPFRT_ALU | BPFRT_X | BPFRT_MOV, ISA_MATCH_OFF, 8, "movsx832", ISA_SYN_ALU_X, \
	  4, 0, ISA__W | ISA__S | ISA__SG | ISA__A32)                                                             \
	X(MOVSX16_32, BPFRT_ALU | BPFRT_X | BPFRT_MOV, ISA_MATCH_OFF, 16, "movsx1632",             \
	  ISA_SYN_ALU_X, 4, 0, ISA__W | ISA__S | ISA__SG | ISA__A32)                                              \
	/* Byte order: le/be convert to that order and truncate to the width;           \
	 * bswap swaps unconditionally (v4). */                                          \
	X(LE16, BPFRT_ALU | BPFRT_END | BPFRT_TO_LE, ISA_MATCH_IMM, 16, "le16", ISA_SYN_UNARY, 1,   \
	  0, ISA__D | ISA__W)                                                                           \
	X(LE32, BPFRT_ALU | BPFRT_END | BPFRT_TO_LE, ISA_MATCH_IMM, 32, "le32", ISA_SYN_UNARY, 1,   \
	  0, ISA__D | ISA__W)                                                                           \
	X(LE64, BPFRT_ALU | BPFRT_END | BPFRT_TO_LE, ISA_MATCH_IMM, 64, "le64", ISA_SYN_UNARY, 1,   \
	  0, ISA__D | ISA__W)                                                                           \
	X(BE16, BPFRT_ALU | BPFRT_END | BPFRT_TO_BE, ISA_MATCH_IMM, 16, "be16", ISA_SYN_UNARY, 1,   \
	  0, ISA__D | ISA__W)                                                                           \
	X(BE32, BPFRT_ALU | BPFRT_END | BPFRT_TO_BE, ISA_MATCH_IMM, 32, "be32", ISA_SYN_UNARY, 1,   \
	  0, ISA__D | ISA__W)                                                                           \
	X(BE64, BPFRT_ALU | BPFRT_END | BPFRT_TO_BE, ISA_MATCH_IMM, 64, "be64", ISA_SYN_UNARY, 1,   \
	  0, ISA__D | ISA__W)                                                                           \
	X(BSWAP16, BPFRT_ALU64 | BPFRT_END, ISA_MATCH_IMM, 16, "bswap16", ISA_SYN_UNARY, 4, 0,       \
	  ISA__D | ISA__W)                                                                              \
	X(BSWAP32, BPFRT_ALU64 | BPFRT_END, ISA_MATCH_IMM, 32, "bswap32", ISA_SYN_UNARY, 4, 0,       \
	  ISA__D | ISA__W)                                                                              \
	X(BSWAP64, BPFRT_ALU64 | BPFRT_END, ISA_MATCH_IMM, 64, "bswap64", ISA_SYN_UNARY, 4, 0,       \
	  ISA__D | ISA__W)                                                                              \
	/* Jumps: pc += 1 + off when the condition holds (JMP32: low 32 bits). */         \
	X(JA, BPFRT_JMP | BPFRT_JA, ISA_MATCH_NONE, 0, "ja", ISA_SYN_JA, 1, 0, ISA__BR)                  \
	X(JA32, BPFRT_JMP32 | BPFRT_JA, ISA_MATCH_NONE, 0, "ja32", ISA_SYN_JA32, 4, 0, ISA__BR)          \
	/* A loop budget (kernel BPF_JCOND, src_reg BPF_MAY_GOTO): jumps when the     \
	 * current frame's budget is spent, else falls through and spends one unit;   \
	 * each function call starts with ISA_MAX_LOOPS (docs/embedding.md). */       \
	X(MAY_GOTO, BPFRT_JMP | BPFRT_JCOND | BPFRT_K, ISA_MATCH_NONE, 0, "may_goto",             \
	  ISA_SYN_MAY_GOTO, 4, 0, ISA__BR)                                                        \
	ISA_JCOND(X, JEQ, BPFRT_JEQ, "jeq", 1, 0)                                               \
	ISA_JCOND(X, JGT, BPFRT_JGT, "jgt", 1, 0)                                               \
	ISA_JCOND(X, JGE, BPFRT_JGE, "jge", 1, 0)                                               \
	ISA_JCOND(X, JSET, BPFRT_JSET, "jset", 1, 0)                                            \
	ISA_JCOND(X, JNE, BPFRT_JNE, "jne", 1, 0)                                               \
	ISA_JCOND(X, JSGT, BPFRT_JSGT, "jsgt", 1, ISA__SG)                                           \
	ISA_JCOND(X, JSGE, BPFRT_JSGE, "jsge", 1, ISA__SG)                                           \
	ISA_JCOND(X, JLT, BPFRT_JLT, "jlt", 2, 0)                                               \
	ISA_JCOND(X, JLE, BPFRT_JLE, "jle", 2, 0)                                               \
	ISA_JCOND(X, JSLT, BPFRT_JSLT, "jslt", 2, ISA__SG)                                           \
	ISA_JCOND(X, JSLE, BPFRT_JSLE, "jsle", 2, ISA__SG)                                           \
	/* Calls: r0 = f(r1..r5); r1-r5 are clobbered, r6-r9 preserved. */               \
	X(CALL_HELPER, BPFRT_JMP | BPFRT_CALL, ISA_MATCH_SRC, 0, "call", ISA_SYN_CALL, 1, 0, ISA__R0)    \
	X(CALL_LOCAL, BPFRT_JMP | BPFRT_CALL, ISA_MATCH_SRC, BPFRT_PSEUDO_CALL, "call",             \
	  ISA_SYN_CALL_LOCAL, 1, 0, ISA__R0 | ISA__BR)                                                  \
	X(CALL_KFUNC, BPFRT_JMP | BPFRT_CALL, ISA_MATCH_SRC, BPFRT_PSEUDO_KFUNC_CALL, "call",       \
	  ISA_SYN_CALL, 1, 0, ISA__R0)                                                             \
	X(CALLX, BPFRT_JMP | BPFRT_X | BPFRT_CALL, ISA_MATCH_NONE, 0, "call", ISA_SYN_CALLX, 4, 0,   \
	  ISA__D | ISA__R0)                                                                             \
	X(EXIT, BPFRT_JMP | BPFRT_EXIT, ISA_MATCH_NONE, 0, "exit", ISA_SYN_EXIT, 1, 0, 0)           \
	/* dst = imm64 (two slots); pseudo kinds are resolved by fixups before running */ \
	X(LDDW, BPFRT_LD | BPFRT_IMM | BPFRT_DW, ISA_MATCH_SRC, 0, "lddw", ISA_SYN_LDDW, 1, 0, ISA__W)    \
	X(LDDW_MAP_FD, BPFRT_LD | BPFRT_IMM | BPFRT_DW, ISA_MATCH_SRC, BPFRT_PSEUDO_MAP_FD, "lddw",  \
	  ISA_SYN_LDDW, 1, 0, ISA__W)                                                              \
	X(LDDW_MAP_VALUE, BPFRT_LD | BPFRT_IMM | BPFRT_DW, ISA_MATCH_SRC, BPFRT_PSEUDO_MAP_VALUE,    \
	  "lddw", ISA_SYN_LDDW, 1, 0, ISA__W)                                                      \
	X(LDDW_BTF_ID, BPFRT_LD | BPFRT_IMM | BPFRT_DW, ISA_MATCH_SRC, BPFRT_PSEUDO_BTF_ID, "lddw",  \
	  ISA_SYN_LDDW, 1, 0, ISA__W)                                                              \
	X(LDDW_FUNC, BPFRT_LD | BPFRT_IMM | BPFRT_DW, ISA_MATCH_SRC, BPFRT_PSEUDO_FUNC, "lddw",      \
	  ISA_SYN_LDDW, 1, 0, ISA__W)                                                              \
	X(LDDW_MAP_IDX, BPFRT_LD | BPFRT_IMM | BPFRT_DW, ISA_MATCH_SRC, BPFRT_PSEUDO_MAP_IDX,        \
	  "lddw", ISA_SYN_LDDW, 1, 0, ISA__W)                                                      \
	X(LDDW_MAP_IDX_VALUE, BPFRT_LD | BPFRT_IMM | BPFRT_DW, ISA_MATCH_SRC,                     \
	  BPFRT_PSEUDO_MAP_IDX_VALUE, "lddw", ISA_SYN_LDDW, 1, 0, ISA__W)                            \
	/* dst = *(size *)(src + off); ldxs* sign-extend (v4) */                           \
	ISA_MEM_SIZES(X, LDX, BPFRT_LDX, BPFRT_MEM, "ldx", ISA_SYN_LDX, 1, ISA__W | ISA__MEM)               \
	X(LDXSW, BPFRT_LDX | BPFRT_MEMSX | BPFRT_W, ISA_MATCH_NONE, 0, "ldxsw", ISA_SYN_LDX, 4, 4,  \
	  ISA__W | ISA__MEM | ISA__SG)                                                                       \
	X(LDXSH, BPFRT_LDX | BPFRT_MEMSX | BPFRT_H, ISA_MATCH_NONE, 0, "ldxsh", ISA_SYN_LDX, 4, 2,  \
	  ISA__W | ISA__MEM | ISA__SG)                                                                       \
	X(LDXSB, BPFRT_LDX | BPFRT_MEMSX | BPFRT_B, ISA_MATCH_NONE, 0, "ldxsb", ISA_SYN_LDX, 4, 1,  \
	  ISA__W | ISA__MEM | ISA__SG)                                                                       \
	/* *(size *)(dst + off) = imm | src */                                             \
	ISA_MEM_SIZES(X, ST, BPFRT_ST, BPFRT_MEM, "st", ISA_SYN_ST, 1, ISA__MEM)                       \
	ISA_MEM_SIZES(X, STX, BPFRT_STX, BPFRT_MEM, "stx", ISA_SYN_STX, 1, ISA__MEM | ISA__S)               \
	/* Atomics on *(size *)(dst + off) with src; FETCH puts the old value in src;   \
	 * cmpxchg compares with r0, stores src if equal, and puts the old value in r0. */ \
	ISA_ATOMIC(X, ATOMIC_ADD, BPFRT_ADD, "add", 1, 0)                                      \
	ISA_ATOMIC(X, ATOMIC_OR, BPFRT_OR, "or", 3, 0)                                         \
	ISA_ATOMIC(X, ATOMIC_AND, BPFRT_AND, "and", 3, 0)                                      \
	ISA_ATOMIC(X, ATOMIC_XOR, BPFRT_XOR, "xor", 3, 0)                                      \
	ISA_ATOMIC(X, ATOMIC_FETCH_ADD, BPFRT_ADD | BPFRT_FETCH, "add", 3, ISA__FE)                 \
	ISA_ATOMIC(X, ATOMIC_FETCH_OR, BPFRT_OR | BPFRT_FETCH, "or", 3, ISA__FE)                    \
	ISA_ATOMIC(X, ATOMIC_FETCH_AND, BPFRT_AND | BPFRT_FETCH, "and", 3, ISA__FE)                 \
	ISA_ATOMIC(X, ATOMIC_FETCH_XOR, BPFRT_XOR | BPFRT_FETCH, "xor", 3, ISA__FE)                 \
	ISA_ATOMIC(X, ATOMIC_XCHG, BPFRT_XCHG, "xchg", 3, ISA__FE)                                  \
	ISA_ATOMIC(X, ATOMIC_CMPXCHG, BPFRT_CMPXCHG, "cmpxchg", 3, ISA__FE | ISA__R0)                    \
	/* Legacy packet access: r0 = ntoh(*(size *)(pkt + [src +] imm)) */               \
	X(LDABSW, BPFRT_LD | BPFRT_ABS | BPFRT_W, ISA_MATCH_NONE, 0, "ldabsw", ISA_SYN_LDABS, 1, 4, \
	  ISA__R0 | ISA__LG)                                                                            \
	X(LDABSH, BPFRT_LD | BPFRT_ABS | BPFRT_H, ISA_MATCH_NONE, 0, "ldabsh", ISA_SYN_LDABS, 1, 2, \
	  ISA__R0 | ISA__LG)                                                                            \
	X(LDABSB, BPFRT_LD | BPFRT_ABS | BPFRT_B, ISA_MATCH_NONE, 0, "ldabsb", ISA_SYN_LDABS, 1, 1, \
	  ISA__R0 | ISA__LG)                                                                            \
	X(LDINDW, BPFRT_LD | BPFRT_IND | BPFRT_W, ISA_MATCH_NONE, 0, "ldindw", ISA_SYN_LDIND, 1, 4, \
	  ISA__S | ISA__R0 | ISA__LG)                                                                        \
	X(LDINDH, BPFRT_LD | BPFRT_IND | BPFRT_H, ISA_MATCH_NONE, 0, "ldindh", ISA_SYN_LDIND, 1, 2, \
	  ISA__S | ISA__R0 | ISA__LG)                                                                        \
	X(LDINDB, BPFRT_LD | BPFRT_IND | BPFRT_B, ISA_MATCH_NONE, 0, "ldindb", ISA_SYN_LDIND, 1, 1, \
	  ISA__S | ISA__R0 | ISA__LG)

enum isa_op {
	ISA_OP_INVALID = 0,
#define ISA_ENUM(name, ...) ISA_OP_##name,
	ISA_FORMS(ISA_ENUM)
#undef ISA_ENUM
	ISA_OP_COUNT
};


struct isa_form {
	enum isa_op op;
	uint8_t code;
	uint8_t match;	/* enum isa_match */
	uint8_t syntax; /* enum isa_syntax */
	uint8_t isa_version;
	uint8_t size; /* memory access bytes, 0 if none */
	uint16_t flags;
	int32_t match_value;
	const char *mnemonic;
	const char *name; /* enum name, e.g. "ADD64_K" */
};

/* The table, indexed by enum isa_op (entry 0 is the invalid form). */
extern const struct isa_form isa_forms[ISA_OP_COUNT];

/* The form of an instruction, or NULL when no form matches the opcode byte
 * and its selecting field. Fields the form does not use are not checked
 * here; isa_insn_check() does that. */
const struct isa_form *isa_form_of(const struct bpfrt_insn *insn);

/* Checks one instruction (and for ld_imm64 its second slot, `next`, which
 * may be NULL when absent) against its form: known opcode, registers in
 * range, unused fields zero, byte-swap widths valid. Returns 0, or -EINVAL
 * with a one-sentence reason in *why. */
int isa_insn_check(const struct bpfrt_insn *insn, const struct bpfrt_insn *next,
		   const char **why);

/* The budget of may_goto per function call (the kernel's BPF_MAX_LOOPS). */
#define ISA_MAX_LOOPS (8u * 1024 * 1024)

/* Number of 8-byte slots the instruction takes (2 for ld_imm64, else 1). */
static inline unsigned isa_insn_slots(const struct bpfrt_insn *insn)
{
	return BPFRT_INSN_IS_LDDW(insn) ? 2 : 1;
}

static inline bool isa_form_has(const struct isa_form *f, unsigned flag)
{
	return (f->flags & flag) != 0;
}

#endif /* BPFRT_ISA_OPCODES_H */
