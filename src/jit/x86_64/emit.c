/* SPDX-License-Identifier: MIT */
/*
 * x86-64 encoders. Everything goes through enc(): prefixes, REX, opcode,
 * ModRM, SIB and displacement, so the rules for rsp/r12 bases (SIB needed)
 * and rbp/r13 bases (no displacement-free form) live in one place.
 */
#include "jit/x86_64/emit.h"

#include <string.h>

void emit_bytes(struct x86_buf *b, const void *bytes, size_t n)
{
	if (b->len + n > b->cap)
		b->overflow = true;
	else
		memcpy(b->p + b->len, bytes, n);
	b->len += n;
}

void emit_u8(struct x86_buf *b, uint8_t v)
{
	emit_bytes(b, &v, 1);
}

void emit_u32(struct x86_buf *b, uint32_t v)
{
	uint8_t le[4] = {v, v >> 8, v >> 16, v >> 24};
	emit_bytes(b, le, 4);
}

static void emit_u16(struct x86_buf *b, uint16_t v)
{
	uint8_t le[2] = {v, v >> 8};
	emit_bytes(b, le, 2);
}

enum {
	E_W = 1 << 0,	 /* REX.W: 64-bit operand */
	E_66 = 1 << 1,	 /* operand-size prefix: 16-bit operand */
	E_LOCK = 1 << 2, /* lock prefix */
	E_BREG = 1 << 3, /* the ModRM.reg operand is a byte register */
	E_BRM = 1 << 4,	 /* the ModRM.rm register operand is a byte register */
	E_MEM = 1 << 5,	 /* rm is a memory operand [rm + disp] */
};

/* Flags for an operand of `sz` bytes (1 means byte registers). */
static unsigned size_flags(int sz)
{
	return sz == 8 ? E_W : sz == 2 ? E_66 : sz == 1 ? E_BREG | E_BRM : 0;
}

/* One instruction: [lock] [66] [REX] opcode ModRM [SIB] [disp]. `reg` is
 * the ModRM.reg field (a register or a /digit), `rm` a register or, with
 * E_MEM, the base of [rm + index * 2^scale + disp] (index < 0: none; never
 * rsp, which SIB cannot name as an index). */
static void enc_x(struct x86_buf *b, unsigned fl, const uint8_t *op, int nop, int reg, int rm,
		  int index, int scale, int32_t disp)
{
	if (fl & E_LOCK)
		emit_u8(b, 0xf0);
	if (fl & E_66)
		emit_u8(b, 0x66);
	bool idx = (fl & E_MEM) && index >= 0;
	uint8_t rex = 0x40 | ((fl & E_W) ? 8 : 0) | ((reg & 8) ? 4 : 0) |
		      (idx && (index & 8) ? 2 : 0) | ((rm & 8) ? 1 : 0);
	/* spl/bpl/sil/dil exist only with a REX prefix (without it, 4-7 mean
	 * ah/ch/dh/bh). */
	bool need = rex != 0x40 || ((fl & E_BREG) && reg >= 4 && reg < 8) ||
		    ((fl & E_BRM) && !(fl & E_MEM) && rm >= 4 && rm < 8);
	if (need)
		emit_u8(b, rex);
	emit_bytes(b, op, nop);
	if (!(fl & E_MEM)) {
		emit_u8(b, 0xc0 | (reg & 7) << 3 | (rm & 7));
		return;
	}
	int mod = disp == 0 && (rm & 7) != X86_RBP ? 0 : x86_fits_s8(disp) ? 1 : 2;
	if (idx) {
		emit_u8(b, mod << 6 | (reg & 7) << 3 | 4);
		emit_u8(b, (uint8_t)(scale << 6 | (index & 7) << 3 | (rm & 7)));
	} else {
		emit_u8(b, mod << 6 | (reg & 7) << 3 | (rm & 7));
		if ((rm & 7) == X86_RSP)
			emit_u8(b, 0x24); /* SIB: no index, base rsp/r12 */
	}
	if (mod == 1)
		emit_u8(b, (uint8_t)disp);
	else if (mod == 2)
		emit_u32(b, (uint32_t)disp);
}

static void enc(struct x86_buf *b, unsigned fl, const uint8_t *op, int nop, int reg, int rm,
		int32_t disp)
{
	enc_x(b, fl, op, nop, reg, rm, -1, 0, disp);
}

static void enc1(struct x86_buf *b, unsigned fl, uint8_t op, int reg, int rm, int32_t disp)
{
	enc(b, fl, &op, 1, reg, rm, disp);
}

static void enc2(struct x86_buf *b, unsigned fl, uint8_t op0, uint8_t op1, int reg, int rm,
		 int32_t disp)
{
	uint8_t op[2] = {op0, op1};
	enc(b, fl, op, 2, reg, rm, disp);
}

static void emit_imm(struct x86_buf *b, int sz, int32_t imm)
{
	if (sz == 1)
		emit_u8(b, (uint8_t)imm);
	else if (sz == 2)
		emit_u16(b, (uint16_t)imm);
	else
		emit_u32(b, (uint32_t)imm);
}

void emit_alu_rr(struct x86_buf *b, enum x86_alu op, int sz, int dst, int src)
{
	enc1(b, size_flags(sz), (uint8_t)(op << 3 | (sz == 1 ? 0 : 1)), src, dst, 0);
}

void emit_alu_ri(struct x86_buf *b, enum x86_alu op, int sz, int dst, int32_t imm)
{
	unsigned fl = size_flags(sz);
	if (sz == 1) {
		enc1(b, fl, 0x80, op, dst, 0);
		emit_u8(b, (uint8_t)imm);
	} else if (x86_fits_s8(imm)) {
		enc1(b, fl, 0x83, op, dst, 0);
		emit_u8(b, (uint8_t)imm);
	} else if (dst == X86_RAX) {
		if (fl & E_66)
			emit_u8(b, 0x66);
		if (fl & E_W)
			emit_u8(b, 0x48);
		emit_u8(b, (uint8_t)(op << 3 | 5));
		emit_imm(b, sz, imm);
	} else {
		enc1(b, fl, 0x81, op, dst, 0);
		emit_imm(b, sz, imm);
	}
}

void emit_test_rr(struct x86_buf *b, int sz, int a, int c)
{
	enc1(b, size_flags(sz), sz == 1 ? 0x84 : 0x85, c, a, 0);
}

void emit_test_ri(struct x86_buf *b, int sz, int r, int32_t imm)
{
	/* A mask within the low 7 bits tests the same bits as a byte test
	 * (bit 7 would not: imm32 sign-extends for 64-bit tests). */
	if (imm >= 0 && imm <= 0x7f)
		sz = 1;
	if (r == X86_RAX) {
		if (sz == 8)
			emit_u8(b, 0x48);
		emit_u8(b, sz == 1 ? 0xa8 : 0xa9);
	} else {
		enc1(b, size_flags(sz), sz == 1 ? 0xf6 : 0xf7, 0, r, 0);
	}
	emit_imm(b, sz == 1 ? 1 : 4, imm);
}

void emit_mov_rr(struct x86_buf *b, int sz, int dst, int src)
{
	enc1(b, size_flags(sz), 0x89, src, dst, 0);
}

void emit_movabs(struct x86_buf *b, int dst, uint64_t imm)
{
	emit_u8(b, 0x48 | ((dst & 8) ? 1 : 0));
	emit_u8(b, 0xb8 | (dst & 7));
	emit_u32(b, (uint32_t)imm);
	emit_u32(b, (uint32_t)(imm >> 32));
}

void emit_mov_ri(struct x86_buf *b, int sz, int dst, int64_t imm)
{
	if (sz == 4)
		imm = (uint32_t)imm;
	if (imm == 0) {
		emit_alu_rr(b, X86_XOR, 4, dst, dst);
	} else if (imm > 0 && imm <= UINT32_MAX) {
		if (dst & 8)
			emit_u8(b, 0x41);
		emit_u8(b, 0xb8 | (dst & 7));
		emit_u32(b, (uint32_t)imm);
	} else if (x86_fits_s32(imm)) {
		enc1(b, E_W, 0xc7, 0, dst, 0);
		emit_u32(b, (uint32_t)imm);
	} else {
		emit_movabs(b, dst, (uint64_t)imm);
	}
}

void emit_imul_rr(struct x86_buf *b, int sz, int dst, int src)
{
	enc2(b, size_flags(sz), 0x0f, 0xaf, dst, src, 0);
}

void emit_imul_rri(struct x86_buf *b, int sz, int dst, int src, int32_t imm)
{
	if (x86_fits_s8(imm)) {
		enc1(b, size_flags(sz), 0x6b, dst, src, 0);
		emit_u8(b, (uint8_t)imm);
	} else {
		enc1(b, size_flags(sz), 0x69, dst, src, 0);
		emit_u32(b, (uint32_t)imm);
	}
}

void emit_unary(struct x86_buf *b, enum x86_unary op, int sz, int r)
{
	enc1(b, size_flags(sz), sz == 1 ? 0xf6 : 0xf7, op, r, 0);
}

void emit_shift_ri(struct x86_buf *b, enum x86_shift op, int sz, int r, uint8_t imm)
{
	unsigned fl = size_flags(sz);
	if (imm == 1) {
		enc1(b, fl, sz == 1 ? 0xd0 : 0xd1, op, r, 0);
	} else {
		enc1(b, fl, sz == 1 ? 0xc0 : 0xc1, op, r, 0);
		emit_u8(b, imm);
	}
}

void emit_shift_cl(struct x86_buf *b, enum x86_shift op, int sz, int r)
{
	enc1(b, size_flags(sz), sz == 1 ? 0xd2 : 0xd3, op, r, 0);
}

void emit_shiftx(struct x86_buf *b, enum x86_shift op, int sz, int dst, int src, int count)
{
	/* VEX.LZ.{66,F2,F3}.0F38.W{0,1} F7 /r: reg = dst, rm = src, vvvv = count */
	uint8_t pp = op == X86_SHL ? 1 : op == X86_SAR ? 2 : 3;
	emit_u8(b, 0xc4);
	emit_u8(b, (uint8_t)(((dst & 8) ? 0 : 0x80) | 0x40 | ((src & 8) ? 0 : 0x20) | 0x02));
	emit_u8(b, (uint8_t)((sz == 8 ? 0x80 : 0) | ((~count & 15) << 3) | pp));
	emit_u8(b, 0xf7);
	emit_u8(b, (uint8_t)(0xc0 | (dst & 7) << 3 | (src & 7)));
}

void emit_lea(struct x86_buf *b, int sz, int dst, int base, int32_t disp)
{
	enc1(b, size_flags(sz) | E_MEM, 0x8d, dst, base, disp);
}

void emit_lea_rr(struct x86_buf *b, int sz, int dst, int base, int index)
{
	emit_lea_idx(b, sz, dst, base, index, 0, 0);
}

/* rsp cannot be an index: with scale 1 the two swap (addition commutes). */
static void fix_index(int *base, int *index, int scale)
{
	if (*index == X86_RSP && scale == 0) {
		*index = *base;
		*base = X86_RSP;
	}
}

void emit_lea_idx(struct x86_buf *b, int sz, int dst, int base, int index, int scale,
		  int32_t disp)
{
	fix_index(&base, &index, scale);
	uint8_t op = 0x8d;
	enc_x(b, size_flags(sz) | E_MEM, &op, 1, dst, base, index, scale, disp);
}

void emit_load_idx(struct x86_buf *b, int sz, bool sx, int dst, int base, int index, int scale,
		   int32_t disp)
{
	fix_index(&base, &index, scale);
	uint8_t op[2] = {0x0f, 0};
	int nop = 2;
	unsigned fl = E_MEM | (sx ? E_W : 0);
	switch (sz) {
	case 1:
		op[1] = sx ? 0xbe : 0xb6;
		break;
	case 2:
		op[1] = sx ? 0xbf : 0xb7;
		break;
	case 4:
		op[0] = sx ? 0x63 : 0x8b;
		nop = 1;
		break;
	default:
		op[0] = 0x8b;
		nop = 1;
		fl |= E_W;
		break;
	}
	enc_x(b, fl, op, nop, dst, base, index, scale, disp);
}

void emit_load(struct x86_buf *b, int sz, bool sx, int dst, int base, int32_t disp)
{
	emit_load_idx(b, sz, sx, dst, base, -1, 0, disp);
}

void emit_store_idx(struct x86_buf *b, int sz, int base, int index, int scale, int32_t disp,
		    int src)
{
	fix_index(&base, &index, scale);
	uint8_t op = sz == 1 ? 0x88 : 0x89;
	enc_x(b, size_flags(sz) | E_MEM, &op, 1, src, base, index, scale, disp);
}

void emit_store(struct x86_buf *b, int sz, int base, int32_t disp, int src)
{
	emit_store_idx(b, sz, base, -1, 0, disp, src);
}

void emit_store_imm_idx(struct x86_buf *b, int sz, int base, int index, int scale, int32_t disp,
			int32_t imm)
{
	fix_index(&base, &index, scale);
	uint8_t op = sz == 1 ? 0xc6 : 0xc7;
	enc_x(b, size_flags(sz) | E_MEM, &op, 1, 0, base, index, scale, disp);
	emit_imm(b, sz, imm);
}

void emit_store_imm(struct x86_buf *b, int sz, int base, int32_t disp, int32_t imm)
{
	emit_store_imm_idx(b, sz, base, -1, 0, disp, imm);
}

void emit_alu_mr(struct x86_buf *b, enum x86_alu op, int sz, int base, int index, int scale,
		 int32_t disp, int src)
{
	fix_index(&base, &index, scale);
	uint8_t opc = (uint8_t)(op << 3 | (sz == 1 ? 0 : 1));
	enc_x(b, size_flags(sz) | E_MEM, &opc, 1, src, base, index, scale, disp);
}

void emit_alu_mi(struct x86_buf *b, enum x86_alu op, int sz, int base, int index, int scale,
		 int32_t disp, int32_t imm)
{
	fix_index(&base, &index, scale);
	bool imm8 = sz == 1 || x86_fits_s8(imm);
	uint8_t opc = sz == 1 ? 0x80 : imm8 ? 0x83 : 0x81;
	enc_x(b, size_flags(sz) | E_MEM, &opc, 1, op, base, index, scale, disp);
	emit_imm(b, imm8 ? 1 : sz, imm);
}

void emit_imul_rm_idx(struct x86_buf *b, int sz, int reg, int base, int index, int scale,
		      int32_t disp)
{
	fix_index(&base, &index, scale);
	uint8_t opc[2] = {0x0f, 0xaf};
	enc_x(b, size_flags(sz) | E_MEM, opc, 2, reg, base, index, scale, disp);
}

void emit_movbe_load(struct x86_buf *b, int sz, int dst, int base, int index, int scale,
		     int32_t disp)
{
	fix_index(&base, &index, scale);
	uint8_t opc[3] = {0x0f, 0x38, 0xf0};
	enc_x(b, size_flags(sz) | E_MEM, opc, 3, dst, base, index, scale, disp);
}

void emit_alu_rm_idx(struct x86_buf *b, enum x86_alu op, int sz, int reg, int base, int index,
		     int scale, int32_t disp)
{
	fix_index(&base, &index, scale);
	uint8_t opc = (uint8_t)(op << 3 | (sz == 1 ? 2 : 3));
	enc_x(b, size_flags(sz) | E_MEM, &opc, 1, reg, base, index, scale, disp);
}

void emit_movzx(struct x86_buf *b, int from, int dst, int src)
{
	enc2(b, from == 1 ? E_BRM : 0, 0x0f, from == 1 ? 0xb6 : 0xb7, dst, src, 0);
}

void emit_movsx(struct x86_buf *b, int sz, int from, int dst, int src)
{
	unsigned w = sz == 8 ? E_W : 0;
	if (from == 4)
		enc1(b, E_W, 0x63, dst, src, 0);
	else
		enc2(b, w | (from == 1 ? E_BRM : 0), 0x0f, from == 1 ? 0xbe : 0xbf, dst, src, 0);
}

void emit_bswap(struct x86_buf *b, int sz, int r)
{
	if (sz == 8 || (r & 8))
		emit_u8(b, 0x40 | (sz == 8 ? 8 : 0) | ((r & 8) ? 1 : 0));
	emit_u8(b, 0x0f);
	emit_u8(b, 0xc8 | (r & 7));
}

void emit_cdq(struct x86_buf *b, int sz)
{
	if (sz == 8)
		emit_u8(b, 0x48);
	emit_u8(b, 0x99);
}

void emit_lock_alu(struct x86_buf *b, enum x86_alu op, int sz, int base, int32_t disp, int src)
{
	enc1(b, size_flags(sz) | E_MEM | E_LOCK, (uint8_t)(op << 3 | 1), src, base, disp);
}

void emit_lock_xadd(struct x86_buf *b, int sz, int base, int32_t disp, int src)
{
	enc2(b, size_flags(sz) | E_MEM | E_LOCK, 0x0f, 0xc1, src, base, disp);
}

void emit_xchg(struct x86_buf *b, int sz, int base, int32_t disp, int src)
{
	enc1(b, size_flags(sz) | E_MEM, 0x87, src, base, disp);
}

void emit_lock_cmpxchg(struct x86_buf *b, int sz, int base, int32_t disp, int src)
{
	enc2(b, size_flags(sz) | E_MEM | E_LOCK, 0x0f, 0xb1, src, base, disp);
}

void emit_cmp_mem8_i(struct x86_buf *b, int base, int32_t disp, int8_t imm)
{
	enc1(b, E_MEM, 0x80, X86_CMP, base, disp);
	emit_u8(b, (uint8_t)imm);
}

static void alu_mem_i(struct x86_buf *b, enum x86_alu op, int sz, int base, int32_t disp,
		      int32_t imm)
{
	unsigned fl = (sz == 8 ? E_W : 0) | E_MEM;
	if (x86_fits_s8(imm)) {
		enc1(b, fl, 0x83, op, base, disp);
		emit_u8(b, (uint8_t)imm);
	} else {
		enc1(b, fl, 0x81, op, base, disp);
		emit_u32(b, (uint32_t)imm);
	}
}

void emit_add_mem_i(struct x86_buf *b, int sz, int base, int32_t disp, int32_t imm)
{
	alu_mem_i(b, X86_ADD, sz, base, disp, imm);
}

void emit_cmp_mem_i(struct x86_buf *b, int sz, int base, int32_t disp, int32_t imm)
{
	alu_mem_i(b, X86_CMP, sz, base, disp, imm);
}

void emit_push(struct x86_buf *b, int r)
{
	if (r & 8)
		emit_u8(b, 0x41);
	emit_u8(b, 0x50 | (r & 7));
}

void emit_pop(struct x86_buf *b, int r)
{
	if (r & 8)
		emit_u8(b, 0x41);
	emit_u8(b, 0x58 | (r & 7));
}

void emit_ret(struct x86_buf *b)
{
	emit_u8(b, 0xc3);
}

void emit_call_r(struct x86_buf *b, int r)
{
	enc1(b, 0, 0xff, 2, r, 0);
}

void emit_call_m(struct x86_buf *b, int base, int32_t disp)
{
	enc1(b, E_MEM, 0xff, 2, base, disp);
}

void emit_jmp_r(struct x86_buf *b, int r)
{
	enc1(b, 0, 0xff, 4, r, 0);
}

void emit_jmp_m(struct x86_buf *b, int base, int32_t disp)
{
	enc1(b, E_MEM, 0xff, 4, base, disp);
}

void emit_alu_rm(struct x86_buf *b, enum x86_alu op, int sz, int reg, int base, int32_t disp)
{
	emit_alu_rm_idx(b, op, sz, reg, base, -1, 0, disp);
}

void emit_jcc(struct x86_buf *b, enum x86_cc cc, int64_t target)
{
	int64_t d8 = target - (int64_t)(b->len + 2);
	if (target >= 0 && x86_fits_s8(d8)) {
		emit_u8(b, 0x70 | cc);
		emit_u8(b, (uint8_t)d8);
		return;
	}
	emit_u8(b, 0x0f);
	emit_u8(b, 0x80 | cc);
	emit_u32(b, target >= 0 ? (uint32_t)(target - (int64_t)(b->len + 4)) : 0);
}

void emit_jmp(struct x86_buf *b, int64_t target)
{
	int64_t d8 = target - (int64_t)(b->len + 2);
	if (target >= 0 && x86_fits_s8(d8)) {
		emit_u8(b, 0xeb);
		emit_u8(b, (uint8_t)d8);
		return;
	}
	emit_u8(b, 0xe9);
	emit_u32(b, target >= 0 ? (uint32_t)(target - (int64_t)(b->len + 4)) : 0);
}

void emit_call_rel(struct x86_buf *b, int64_t target)
{
	emit_u8(b, 0xe8);
	emit_u32(b, target >= 0 ? (uint32_t)(target - (int64_t)(b->len + 4)) : 0);
}

size_t emit_jcc8_fwd(struct x86_buf *b, enum x86_cc cc)
{
	emit_u8(b, 0x70 | cc);
	emit_u8(b, 0);
	return b->len - 1;
}

size_t emit_jmp8_fwd(struct x86_buf *b)
{
	emit_u8(b, 0xeb);
	emit_u8(b, 0);
	return b->len - 1;
}

bool x86_patch8(struct x86_buf *b, size_t hole)
{
	size_t d = b->len - (hole + 1);
	if (d > 127)
		return false;
	if (hole < b->cap && !b->overflow)
		b->p[hole] = (uint8_t)d;
	return true;
}

void emit_nops(struct x86_buf *b, size_t n)
{
	/* The recommended multi-byte nops (0f 1f /0 with growing ModRM/SIB/disp
	 * and a 66 prefix), at most 9 bytes each. */
	static const uint8_t nops[9][9] = {
		{0x90},
		{0x66, 0x90},
		{0x0f, 0x1f, 0x00},
		{0x0f, 0x1f, 0x40, 0x00},
		{0x0f, 0x1f, 0x44, 0x00, 0x00},
		{0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
		{0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
		{0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
		{0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
	};
	while (n) {
		size_t k = n > 9 ? 9 : n;
		emit_bytes(b, nops[k - 1], k);
		n -= k;
	}
}
