/* SPDX-License-Identifier: MIT */
/* Building instructions in tests, in the manner of the kernel's filter.h. */
#ifndef BPFRT_TESTS_INSN_BUILD_H
#define BPFRT_TESTS_INSN_BUILD_H

#include "bpfrt/insn.h"

#define INSN(c, d, s, o, i)                                                               \
	((struct bpfrt_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define ALU64_IMM(op, d, i) INSN(BPFRT_ALU64 | BPFRT_K | (op), d, 0, 0, i)
#define ALU64_REG(op, d, s) INSN(BPFRT_ALU64 | BPFRT_X | (op), d, s, 0, 0)
#define ALU32_IMM(op, d, i) INSN(BPFRT_ALU | BPFRT_K | (op), d, 0, 0, i)
#define ALU32_REG(op, d, s) INSN(BPFRT_ALU | BPFRT_X | (op), d, s, 0, 0)
#define MOV64_IMM(d, i) ALU64_IMM(BPFRT_MOV, d, i)
#define MOV64_REG(d, s) ALU64_REG(BPFRT_MOV, d, s)
#define SDIV64_REG(d, s) INSN(BPFRT_ALU64 | BPFRT_X | BPFRT_DIV, d, s, 1, 0)
#define SMOD64_REG(d, s) INSN(BPFRT_ALU64 | BPFRT_X | BPFRT_MOD, d, s, 1, 0)
#define SDIV32_REG(d, s) INSN(BPFRT_ALU | BPFRT_X | BPFRT_DIV, d, s, 1, 0)
#define MOVSX64(d, s, bits) INSN(BPFRT_ALU64 | BPFRT_X | BPFRT_MOV, d, s, bits, 0)
#define LDDW(d, v)                                                                         \
	INSN(BPFRT_LD | BPFRT_IMM | BPFRT_DW, d, 0, 0, (int32_t)(uint32_t)(v)),            \
		INSN(0, 0, 0, 0, (int32_t)(uint32_t)((uint64_t)(v) >> 32))
#define LDX(sz, d, s, o) INSN(BPFRT_LDX | BPFRT_MEM | (sz), d, s, o, 0)
#define STX(sz, d, s, o) INSN(BPFRT_STX | BPFRT_MEM | (sz), d, s, o, 0)
#define ST(sz, d, o, i) INSN(BPFRT_ST | BPFRT_MEM | (sz), d, 0, o, i)
#define ATOMIC(sz, d, s, o, op) INSN(BPFRT_STX | BPFRT_ATOMIC | (sz), d, s, o, op)
#define JMP_IMM(op, d, i, o) INSN(BPFRT_JMP | BPFRT_K | (op), d, 0, o, i)
#define JMP_REG(op, d, s, o) INSN(BPFRT_JMP | BPFRT_X | (op), d, s, o, 0)
#define JA(o) INSN(BPFRT_JMP | BPFRT_JA, 0, 0, o, 0)
#define CALL(id) INSN(BPFRT_JMP | BPFRT_CALL, 0, 0, 0, id)
#define CALL_LOCAL(rel) INSN(BPFRT_JMP | BPFRT_CALL, 0, BPFRT_PSEUDO_CALL, 0, rel)
#define EXIT() INSN(BPFRT_JMP | BPFRT_EXIT, 0, 0, 0, 0)
#define ENDIAN(op, d, bits) INSN(BPFRT_ALU | BPFRT_END | (op), d, 0, 0, bits)
#define BSWAP(d, bits) INSN(BPFRT_ALU64 | BPFRT_END, d, 0, 0, bits)

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
