/* SPDX-License-Identifier: MIT */
/*
 * Superinstructions (interp.h, INTERP_FUSED): sequences that clang emits in
 * loops become one dispatch. Only the first op's code changes; the ops it
 * covers keep theirs and their operands, which the fused op reads, so a jump
 * into the middle of a sequence still runs plain ops.
 */
#include "interp/interp.h"

/* t = a; t op= b  ->  MOVX_<op>: by the second op's form, per width. */
static const uint16_t movx64[ISA_OP_COUNT] = {
#define MOVX64(X, N) [ISA_OP_##N##64_K] = IOP_MOVX_##N##64_K, [ISA_OP_##N##64_X] = IOP_MOVX_##N##64_X,
	INTERP_ALU_FUSABLE(MOVX64, _)
#undef MOVX64
};
static const uint16_t movx32[ISA_OP_COUNT] = {
#define MOVX32(X, N) [ISA_OP_##N##32_K] = IOP_MOVX_##N##32_K, [ISA_OP_##N##32_X] = IOP_MOVX_##N##32_X,
	INTERP_ALU_FUSABLE(MOVX32, _)
#undef MOVX32
};
/* r += imm; if r jcc b goto  ->  ADDK_<jcc>: by the jump's form (64-bit). */
static const uint16_t addj[ISA_OP_COUNT] = {
#define ADDJ(X, J) [ISA_OP_##J##_K] = IOP_ADDK_##J##_K, [ISA_OP_##J##_X] = IOP_ADDK_##J##_X,
	INTERP_JCC_FUSABLE(ADDJ, _)
#undef ADDJ
};

/* Loads and stores whose base is r10, by form. */
static const uint16_t mem_fp[ISA_OP_COUNT] = {
#define FP(NAME) [ISA_OP_##NAME] = IOP_##NAME##_FP,
	FP(LDXDW) FP(LDXW) FP(LDXH) FP(LDXB) FP(LDXSW) FP(LDXSH) FP(LDXSB)
	FP(STDW) FP(STW) FP(STH) FP(STB) FP(STXDW) FP(STXW) FP(STXH) FP(STXB)
#undef FP
};

/* An access at r10 + off that stays inside the current 512-byte frame. */
static bool in_frame(const struct iop *o)
{
	const struct isa_form *f = &isa_forms[o->code];
	uint8_t base = f->syntax == ISA_SYN_LDX ? o->src : o->dst;
	return base == BPFRT_REG_FP && o->off >= -BPFRT_STACK_SIZE && o->off + f->size <= 0;
}

static bool uses_src(uint16_t code)
{
	return isa_form_has(&isa_forms[code], ISA_F_READS_SRC);
}

/* t = a; t >>= k1; a <<= k2; a |= t, at ops[0..3], for one width. */
static bool is_rotate(const struct iop *o, uint16_t mov, uint16_t rsh, uint16_t lsh, uint16_t or)
{
	uint8_t t = o[0].dst, a = o[0].src;
	return o[0].code == mov && t != a && o[1].code == rsh && o[1].dst == t &&
	       o[2].code == lsh && o[2].dst == a && o[3].code == or && o[3].dst == a &&
	       o[3].src == t;
}

void interp_fuse(struct iop *ops, size_t cnt)
{
	/* Forward, so ops[i + 1..] still have their own codes when matched. */
	for (size_t i = 0; i < cnt; i++) {
		struct iop *o = &ops[i];
		if (mem_fp[o->code] && in_frame(o)) {
			o->code = mem_fp[o->code];
			continue;
		}
		if (i + 1 >= cnt)
			break;
		uint16_t next = o[1].code;
		if (i + 3 < cnt && is_rotate(o, ISA_OP_MOV64_X, ISA_OP_RSH64_K, ISA_OP_LSH64_K,
					     ISA_OP_OR64_X)) {
			o->code = IOP_ROTL64;
		} else if (i + 3 < cnt && is_rotate(o, ISA_OP_MOV32_X, ISA_OP_RSH32_K,
						    ISA_OP_LSH32_K, ISA_OP_OR32_X)) {
			o->code = IOP_ROTL32;
		} else if ((o->code == ISA_OP_MOV64_X || o->code == ISA_OP_MOV32_X) &&
			   next < ISA_OP_COUNT && o[1].dst == o->dst &&
			   !(uses_src(next) && o[1].src == o->dst)) {
			uint16_t f = (o->code == ISA_OP_MOV64_X ? movx64 : movx32)[next];
			if (f)
				o->code = f;
		} else if (o->code == ISA_OP_ADD64_K && next < ISA_OP_COUNT && o[1].dst == o->dst &&
			   addj[next]) {
			o->code = addj[next];
		}
	}
}
