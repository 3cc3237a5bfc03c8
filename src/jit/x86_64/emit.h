/* SPDX-License-Identifier: MIT */
/*
 * x86-64 instruction encoders: one small emit_* function per encoding, each
 * picking the shortest form for its operands (imm8 before imm32, 32-bit
 * operations when the upper half is not needed, no REX when none is needed).
 * tests/jit/test_emit.c decodes the output of every function with Zydis.
 *
 * Sizes (`sz`) are operand sizes in bytes: 1, 2, 4 or 8. A 4-byte operation
 * on a register zero-extends it to 64 bits, as BPF's 32-bit ALU does.
 */
#ifndef BPFRT_JIT_X86_64_EMIT_H
#define BPFRT_JIT_X86_64_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum x86_reg {
	X86_RAX = 0, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
	X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
};

/* Condition codes (the low nibble of Jcc/SETcc/CMOVcc). */
enum x86_cc {
	X86_CC_O = 0x0, X86_CC_NO = 0x1, X86_CC_B = 0x2, X86_CC_AE = 0x3,
	X86_CC_E = 0x4, X86_CC_NE = 0x5, X86_CC_BE = 0x6, X86_CC_A = 0x7,
	X86_CC_S = 0x8, X86_CC_NS = 0x9, X86_CC_L = 0xc, X86_CC_GE = 0xd,
	X86_CC_LE = 0xe, X86_CC_G = 0xf,
};

/* Two-operand ALU operations: the opcode of `op r/m, reg` and the /digit of
 * the immediate group 0x81/0x83. */
enum x86_alu {
	X86_ADD = 0, X86_OR = 1, X86_ADC = 2, X86_SBB = 3,
	X86_AND = 4, X86_SUB = 5, X86_XOR = 6, X86_CMP = 7,
};

/* Group 2 (shifts and rotates): the /digit. */
enum x86_shift { X86_ROL = 0, X86_ROR = 1, X86_SHL = 4, X86_SHR = 5, X86_SAR = 7 };

/* Group 3 (0xF7): the /digit. */
enum x86_unary { X86_NOT = 2, X86_NEG = 3, X86_MUL = 4, X86_IMUL1 = 5, X86_DIV = 6, X86_IDIV = 7 };

/* The output buffer. Writing past `cap` sets `overflow` and writes nothing;
 * `len` keeps counting so a sizing pass learns the size. */
struct x86_buf {
	uint8_t *p;
	size_t len;
	size_t cap;
	bool overflow;
};

void emit_bytes(struct x86_buf *b, const void *bytes, size_t n);
void emit_u8(struct x86_buf *b, uint8_t v);
void emit_u32(struct x86_buf *b, uint32_t v);

static inline bool x86_fits_s8(int64_t v) { return v >= -128 && v <= 127; }
static inline bool x86_fits_s32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

/* op dst, src (ADD OR ADC SBB AND SUB XOR CMP) */
void emit_alu_rr(struct x86_buf *b, enum x86_alu op, int sz, int dst, int src);
/* op dst, imm (imm8 form when it fits, the rax short form otherwise) */
void emit_alu_ri(struct x86_buf *b, enum x86_alu op, int sz, int dst, int32_t imm);
/* test a, b */
void emit_test_rr(struct x86_buf *b, int sz, int a, int c);
/* test r, imm (the low-byte form when imm fits in 0..127 and sz allows) */
void emit_test_ri(struct x86_buf *b, int sz, int r, int32_t imm);
/* mov dst, src (sz 4 or 8) */
void emit_mov_rr(struct x86_buf *b, int sz, int dst, int src);
/* dst = imm: xor for 0, mov r32 for values that fit in 32 bits unsigned,
 * sign-extended imm32 for negative 32-bit values, movabs otherwise. With
 * sz 4 the result is (uint32_t)imm. */
void emit_mov_ri(struct x86_buf *b, int sz, int dst, int64_t imm);
/* movabs dst, imm64 (always 10 bytes: patchable) */
void emit_movabs(struct x86_buf *b, int dst, uint64_t imm);
/* imul dst, src */
void emit_imul_rr(struct x86_buf *b, int sz, int dst, int src);
/* imul dst, src, imm */
void emit_imul_rri(struct x86_buf *b, int sz, int dst, int src, int32_t imm);
/* not/neg/mul/imul/div/idiv r */
void emit_unary(struct x86_buf *b, enum x86_unary op, int sz, int r);
/* shift r, imm (the 1-form for 1); sz 2 uses the operand-size prefix */
void emit_shift_ri(struct x86_buf *b, enum x86_shift op, int sz, int r, uint8_t imm);
/* shift r, cl */
void emit_shift_cl(struct x86_buf *b, enum x86_shift op, int sz, int r);
/* BMI2 shlx/shrx/sarx dst, src, count (sz 4 or 8): three registers, no
 * flags, the count masked like BPF's. Only SHL, SHR and SAR. */
void emit_shiftx(struct x86_buf *b, enum x86_shift op, int sz, int dst, int src, int count);
/* lea dst, [base + disp] */
void emit_lea(struct x86_buf *b, int sz, int dst, int base, int32_t disp);
/* lea dst, [base + index] */
void emit_lea_rr(struct x86_buf *b, int sz, int dst, int base, int index);
/* lea dst, [base + index * 2^scale + disp] (scale 0-3; index never rsp
 * unless scale is 0). sz 4 keeps the low 32 bits of the sum. */
void emit_lea_idx(struct x86_buf *b, int sz, int dst, int base, int index, int scale,
		  int32_t disp);
/* dst = zero- (sx false) or sign-extended load of `sz` bytes from
 * [base + disp]; sign-extending loads extend to 64 bits. */
void emit_load(struct x86_buf *b, int sz, bool sx, int dst, int base, int32_t disp);
/* mov [base + disp], src (low sz bytes of src) */
void emit_store(struct x86_buf *b, int sz, int base, int32_t disp, int src);
/* emit_load / emit_store at [base + index * 2^scale + disp] (index < 0:
 * none) */
void emit_load_idx(struct x86_buf *b, int sz, bool sx, int dst, int base, int index, int scale,
		   int32_t disp);
void emit_store_idx(struct x86_buf *b, int sz, int base, int index, int scale, int32_t disp,
		    int src);
/* mov [base + disp], imm (sign-extended to 8 bytes for sz 8) */
void emit_store_imm(struct x86_buf *b, int sz, int base, int32_t disp, int32_t imm);
/* dst = zero-extension of the low `from` (1 or 2) bytes of src, 32-bit op */
void emit_movzx(struct x86_buf *b, int from, int dst, int src);
/* dst = sign-extension of the low `from` (1, 2 or 4) bytes of src to `sz`
 * (4 or 8) bytes */
void emit_movsx(struct x86_buf *b, int sz, int from, int dst, int src);
/* bswap r (sz 4 or 8) */
void emit_bswap(struct x86_buf *b, int sz, int r);
/* cdq (sz 4) / cqo (sz 8): sign-extend rax into rdx */
void emit_cdq(struct x86_buf *b, int sz);
/* lock op [base + disp], src (ADD OR AND XOR) */
void emit_lock_alu(struct x86_buf *b, enum x86_alu op, int sz, int base, int32_t disp, int src);
/* lock xadd [base + disp], src */
void emit_lock_xadd(struct x86_buf *b, int sz, int base, int32_t disp, int src);
/* xchg [base + disp], src (always locked) */
void emit_xchg(struct x86_buf *b, int sz, int base, int32_t disp, int src);
/* lock cmpxchg [base + disp], src (compares with rax) */
void emit_lock_cmpxchg(struct x86_buf *b, int sz, int base, int32_t disp, int src);
/* cmp [base + disp], imm8 (byte) */
void emit_cmp_mem8_i(struct x86_buf *b, int base, int32_t disp, int8_t imm);
/* add [base + disp], imm32 (sz 4 or 8; imm8 form when it fits) */
void emit_add_mem_i(struct x86_buf *b, int sz, int base, int32_t disp, int32_t imm);
/* cmp [base + disp], imm (sz 4 or 8; imm8 form when it fits) */
void emit_cmp_mem_i(struct x86_buf *b, int sz, int base, int32_t disp, int32_t imm);
/* n bytes of nops, as few instructions as possible (padding before loop
 * heads) */
void emit_nops(struct x86_buf *b, size_t n);
void emit_push(struct x86_buf *b, int r);
void emit_pop(struct x86_buf *b, int r);
void emit_ret(struct x86_buf *b);
/* call r */
void emit_call_r(struct x86_buf *b, int r);
/* call [base + disp] */
void emit_call_m(struct x86_buf *b, int base, int32_t disp);
/* jmp r, jmp [base + disp] */
void emit_jmp_r(struct x86_buf *b, int r);
void emit_jmp_m(struct x86_buf *b, int base, int32_t disp);
/* op reg, [base + disp] (ADD OR AND SUB XOR CMP ...) */
void emit_alu_rm(struct x86_buf *b, enum x86_alu op, int sz, int reg, int base, int32_t disp);
/* With [base + index * 2^scale + disp] (index < 0: none): op reg, [mem];
 * op [mem], src; op [mem], imm (imm8 when it fits; sz 1 and 2 take the
 * low bits of imm); mov [mem], imm. */
void emit_alu_rm_idx(struct x86_buf *b, enum x86_alu op, int sz, int reg, int base, int index,
		     int scale, int32_t disp);
/* movbe dst, [mem]: a load with its bytes swapped (sz 4 or 8; needs the
 * MOVBE CPU feature) */
void emit_movbe_load(struct x86_buf *b, int sz, int dst, int base, int index, int scale,
		     int32_t disp);
/* imul reg, [mem] (sz 4 or 8) */
void emit_imul_rm_idx(struct x86_buf *b, int sz, int reg, int base, int index, int scale,
		      int32_t disp);
void emit_alu_mr(struct x86_buf *b, enum x86_alu op, int sz, int base, int index, int scale,
		 int32_t disp, int src);
void emit_alu_mi(struct x86_buf *b, enum x86_alu op, int sz, int base, int index, int scale,
		 int32_t disp, int32_t imm);
void emit_store_imm_idx(struct x86_buf *b, int sz, int base, int index, int scale, int32_t disp,
			int32_t imm);

/* Branches to an absolute buffer offset `target`, or to an unknown place
 * (target < 0: the long form with a zero displacement). The short form is
 * used when the displacement fits in a byte. */
void emit_jcc(struct x86_buf *b, enum x86_cc cc, int64_t target);
void emit_jmp(struct x86_buf *b, int64_t target);
/* call rel32 to an absolute buffer offset (<0: unknown yet) */
void emit_call_rel(struct x86_buf *b, int64_t target);

/* A forward branch whose target is emitted later in the same piece of
 * code: emit_jcc8_fwd() leaves a rel8 hole and returns its position,
 * x86_patch8() fills it with the distance to the current end. Returns false
 * when the distance does not fit (a bug in the caller's size estimate). */
size_t emit_jcc8_fwd(struct x86_buf *b, enum x86_cc cc);
size_t emit_jmp8_fwd(struct x86_buf *b);
bool x86_patch8(struct x86_buf *b, size_t hole);

#endif /* BPFRT_JIT_X86_64_EMIT_H */
