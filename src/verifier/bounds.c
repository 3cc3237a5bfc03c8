/* SPDX-License-Identifier: MIT */
/*
 * Scalar bounds: signed and unsigned 32- and 64-bit ranges kept consistent
 * with the tnum (the kernel's reg_bounds_sync), their transfer through ALU
 * operations, and what a conditional jump proves about them.
 */
#include <limits.h>
#include <stdbool.h>

#include "isa/opcodes.h"
#include "verifier/state.h"

#define U32_MAX UINT32_MAX
#define U64_MAX UINT64_MAX
#define S32_MIN INT32_MIN
#define S32_MAX INT32_MAX
#define S64_MIN INT64_MIN
#define S64_MAX INT64_MAX

#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

void mark_reg_unbounded(struct reg_state *r)
{
	r->smin_value = S64_MIN;
	r->smax_value = S64_MAX;
	r->umin_value = 0;
	r->umax_value = U64_MAX;
	r->s32_min_value = S32_MIN;
	r->s32_max_value = S32_MAX;
	r->u32_min_value = 0;
	r->u32_max_value = U32_MAX;
}

static void update_reg32_bounds(struct reg_state *r)
{
	struct tnum v = tnum_subreg(r->var_off);
	r->s32_min_value = MAX(r->s32_min_value, (int32_t)(v.value | (v.mask & 0x80000000u)));
	r->s32_max_value = MIN(r->s32_max_value, (int32_t)(v.value | (v.mask & 0x7fffffffu)));
	r->u32_min_value = MAX(r->u32_min_value, (uint32_t)v.value);
	r->u32_max_value = MIN(r->u32_max_value, (uint32_t)(v.value | v.mask));
}

static void update_reg64_bounds(struct reg_state *r)
{
	struct tnum v = r->var_off;
	r->smin_value = MAX(r->smin_value, (int64_t)(v.value | (v.mask & (1ULL << 63))));
	r->smax_value = MIN(r->smax_value, (int64_t)(v.value | (v.mask & ~(1ULL << 63))));
	r->umin_value = MAX(r->umin_value, v.value);
	r->umax_value = MIN(r->umax_value, v.value | v.mask);
}

static void deduce_bounds32(struct reg_state *r)
{
	/* Same upper 32 bits across the 64-bit range: the low halves bound. */
	if ((r->umin_value >> 32) == (r->umax_value >> 32)) {
		r->u32_min_value = MAX(r->u32_min_value, (uint32_t)r->umin_value);
		r->u32_max_value = MIN(r->u32_max_value, (uint32_t)r->umax_value);
		if ((int32_t)r->umin_value <= (int32_t)r->umax_value) {
			r->s32_min_value = MAX(r->s32_min_value, (int32_t)r->umin_value);
			r->s32_max_value = MIN(r->s32_max_value, (int32_t)r->umax_value);
		}
	}
	if ((r->smin_value >> 32) == (r->smax_value >> 32)) {
		r->u32_min_value = MAX(r->u32_min_value, (uint32_t)r->smin_value);
		r->u32_max_value = MIN(r->u32_max_value, (uint32_t)r->smax_value);
		if ((int32_t)r->smin_value <= (int32_t)r->smax_value) {
			r->s32_min_value = MAX(r->s32_min_value, (int32_t)r->smin_value);
			r->s32_max_value = MIN(r->s32_max_value, (int32_t)r->smax_value);
		}
	}
	/* Upper halves two consecutive numbers, the low halves going from
	 * negative to non-negative: the low halves form an s32 range
	 * ([-1, 1] as s64 is [-1, 1] as s32). */
	if ((uint32_t)(r->umin_value >> 32) + 1 == (uint32_t)(r->umax_value >> 32) &&
	    (int32_t)r->umin_value < 0 && (int32_t)r->umax_value >= 0) {
		r->s32_min_value = MAX(r->s32_min_value, (int32_t)r->umin_value);
		r->s32_max_value = MIN(r->s32_max_value, (int32_t)r->umax_value);
	}
	if ((uint32_t)((uint64_t)r->smin_value >> 32) + 1 ==
		    (uint32_t)((uint64_t)r->smax_value >> 32) &&
	    (int32_t)r->smin_value < 0 && (int32_t)r->smax_value >= 0) {
		r->s32_min_value = MAX(r->s32_min_value, (int32_t)r->smin_value);
		r->s32_max_value = MIN(r->s32_max_value, (int32_t)r->smax_value);
	}
	/* Unsigned range not crossing the sign boundary gives the signed one. */
	if ((int32_t)r->u32_min_value <= (int32_t)r->u32_max_value) {
		r->s32_min_value = MAX(r->s32_min_value, (int32_t)r->u32_min_value);
		r->s32_max_value = MIN(r->s32_max_value, (int32_t)r->u32_max_value);
	}
	if ((uint32_t)r->s32_min_value <= (uint32_t)r->s32_max_value) {
		r->u32_min_value = MAX(r->u32_min_value, (uint32_t)r->s32_min_value);
		r->u32_max_value = MIN(r->u32_max_value, (uint32_t)r->s32_max_value);
	} else if (r->u32_max_value < (uint32_t)r->s32_min_value) {
		/* the s32 range crosses the sign boundary and the u32 range
		 * meets only its non-negative part (as deduce_bounds64) */
		r->s32_min_value = (int32_t)r->u32_min_value;
		r->u32_max_value = MIN(r->u32_max_value, (uint32_t)r->s32_max_value);
	} else if ((uint32_t)r->s32_max_value < r->u32_min_value) {
		/* ... or only its negative part */
		r->s32_max_value = (int32_t)r->u32_max_value;
		r->u32_min_value = MAX(r->u32_min_value, (uint32_t)r->s32_min_value);
	}
}

static void deduce_bounds64(struct reg_state *r)
{
	if ((int64_t)r->umin_value <= (int64_t)r->umax_value) {
		r->smin_value = MAX(r->smin_value, (int64_t)r->umin_value);
		r->smax_value = MIN(r->smax_value, (int64_t)r->umax_value);
	}
	if ((uint64_t)r->smin_value <= (uint64_t)r->smax_value) {
		r->umin_value = MAX(r->umin_value, (uint64_t)r->smin_value);
		r->umax_value = MIN(r->umax_value, (uint64_t)r->smax_value);
	} else if (r->umax_value < (uint64_t)r->smin_value) {
		/* The s64 range crosses the sign boundary (it is split between
		 * both ends of the u64 domain) and the u64 range meets only its
		 * non-negative end: both become that part (the kernel's
		 * __reg64_deduce_bounds since 6.17) */
		r->smin_value = (int64_t)r->umin_value;
		r->umax_value = MIN(r->umax_value, (uint64_t)r->smax_value);
	} else if ((uint64_t)r->smax_value < r->umin_value) {
		/* ... or only its negative end */
		r->smax_value = (int64_t)r->umax_value;
		r->umin_value = MAX(r->umin_value, (uint64_t)r->smin_value);
	}
}

/* The 32-bit ranges bound the low half of the 64-bit ones. */
static void deduce_mixed(struct reg_state *r)
{
	uint64_t nu_min = (r->umin_value & ~0xffffffffULL) | r->u32_min_value;
	uint64_t nu_max = (r->umax_value & ~0xffffffffULL) | r->u32_max_value;
	r->umin_value = MAX(r->umin_value, nu_min);
	r->umax_value = MIN(r->umax_value, nu_max);
	int64_t ns_min = (int64_t)(((uint64_t)r->smin_value & ~0xffffffffULL) | r->u32_min_value);
	int64_t ns_max = (int64_t)(((uint64_t)r->smax_value & ~0xffffffffULL) | r->u32_max_value);
	r->smin_value = MAX(r->smin_value, ns_min);
	r->smax_value = MIN(r->smax_value, ns_max);
	/* After a sign extension the upper half is all zeros or all ones;
	 * within [S32_MIN, S32_MAX] and a non-negative low half it cannot be
	 * all ones (those values are below S32_MIN) */
	if (r->s32_min_value >= 0 && r->smin_value >= S32_MIN && r->smax_value <= S32_MAX) {
		r->smin_value = r->s32_min_value;
		r->smax_value = r->s32_max_value;
		r->umin_value = (uint64_t)r->s32_min_value;
		r->umax_value = (uint64_t)r->s32_max_value;
		r->var_off = tnum_intersect(r->var_off,
					    tnum_range((uint64_t)r->smin_value, (uint64_t)r->smax_value));
	}
}

static void bound_offset(struct reg_state *r)
{
	struct tnum v64 = tnum_intersect(r->var_off, tnum_range(r->umin_value, r->umax_value));
	struct tnum v32 = tnum_intersect(tnum_subreg(v64),
					 tnum_range(r->u32_min_value, r->u32_max_value));
	r->var_off = tnum_or(tnum_clear_subreg(v64), v32);
}

bool reg_bounds_sane(const struct reg_state *r)
{
	if (r->umin_value > r->umax_value || r->smin_value > r->smax_value ||
	    r->u32_min_value > r->u32_max_value || r->s32_min_value > r->s32_max_value)
		return false;
	/* the tnum must hold some value of the range */
	if (tnum_umin(r->var_off) > r->umax_value || tnum_umax(r->var_off) < r->umin_value)
		return false;
	return true;
}

/* A constant whose ranges are all that constant: syncing changes nothing. */
static bool is_exact_const(const struct reg_state *r)
{
	uint64_t v = r->var_off.value;
	return !r->var_off.mask && r->umin_value == v && r->umax_value == v &&
	       r->smin_value == (int64_t)v && r->smax_value == (int64_t)v &&
	       r->u32_min_value == (uint32_t)v && r->u32_max_value == (uint32_t)v &&
	       r->s32_min_value == (int32_t)v && r->s32_max_value == (int32_t)v;
}

static bool same_ranges(const struct reg_state *a, const struct reg_state *b)
{
	return a->smin_value == b->smin_value && a->smax_value == b->smax_value &&
	       a->umin_value == b->umin_value && a->umax_value == b->umax_value &&
	       a->s32_min_value == b->s32_min_value && a->s32_max_value == b->s32_max_value &&
	       a->u32_min_value == b->u32_min_value && a->u32_max_value == b->u32_max_value;
}

void reg_bounds_sync(struct reg_state *r)
{
	if (is_exact_const(r))
		return;
	update_reg32_bounds(r);
	update_reg64_bounds(r);
	/* two rounds, as the kernel; a round that changes nothing is a
	 * fixed point (the deductions read only the ranges) */
	for (int i = 0; i < 2; i++) {
		struct reg_state before = *r;
		deduce_bounds32(r);
		deduce_bounds64(r);
		deduce_mixed(r);
		deduce_bounds32(r);
		deduce_bounds64(r);
		if (same_ranges(&before, r))
			break;
	}
	bound_offset(r);
	update_reg32_bounds(r);
	update_reg64_bounds(r);
}

void reg_bounds_from_tnum(struct reg_state *r)
{
	mark_reg_unbounded(r);
	reg_bounds_sync(r);
}

void reg_set_range(struct reg_state *r, int64_t smin, int64_t smax)
{
	r->var_off = tnum_unknown;
	mark_reg_unbounded(r);
	r->smin_value = smin;
	r->smax_value = smax;
	reg_bounds_sync(r);
}

void zext_32_to_64(struct reg_state *r)
{
	r->var_off = tnum_subreg(r->var_off);
	r->umin_value = r->u32_min_value;
	r->umax_value = r->u32_max_value;
	r->smin_value = r->u32_min_value;
	r->smax_value = r->u32_max_value;
	reg_bounds_sync(r);
}

void coerce_reg_to_size(struct reg_state *r, int size)
{
	if (size >= 8)
		return;
	uint64_t mask = (1ULL << (size * 8)) - 1;
	r->var_off = tnum_cast(r->var_off, (uint8_t)size);
	if ((r->umin_value & ~mask) == (r->umax_value & ~mask)) {
		r->umin_value &= mask;
		r->umax_value &= mask;
	} else {
		r->umin_value = 0;
		r->umax_value = mask;
	}
	r->smin_value = (int64_t)r->umin_value;
	r->smax_value = (int64_t)r->umax_value;
	r->u32_min_value = 0;
	r->u32_max_value = U32_MAX;
	r->s32_min_value = S32_MIN;
	r->s32_max_value = S32_MAX;
	reg_bounds_sync(r);
}

static int64_t sign_extend(uint64_t v, int size)
{
	int sh = 64 - size * 8;
	return (int64_t)(v << sh) >> sh;
}

void coerce_reg_to_size_sx(struct reg_state *r, int size)
{
	if (size >= 8)
		return;
	struct tnum t = tnum_cast(r->var_off, (uint8_t)size);
	uint64_t sign = 1ULL << (size * 8 - 1), high = ~((sign << 1) - 1);
	if (tnum_is_const(t)) {
		mark_reg_known(r, (uint64_t)sign_extend(t.value, size));
		return;
	}
	/* The kernel's range path first: when smin and smax share the bits
	 * above the width, the low parts range from smin's to smax's; if
	 * those extend to the same sign, the result is that range. */
	unsigned bits = (unsigned)size * 8;
	bool ranged = false;
	int64_t lo = 0, hi = 0;
	if (((uint64_t)r->smin_value >> bits) == ((uint64_t)r->smax_value >> bits)) {
		int64_t a = sign_extend((uint64_t)r->smin_value & ((sign << 1) - 1), size);
		int64_t b = sign_extend((uint64_t)r->smax_value & ((sign << 1) - 1), size);
		lo = MIN(a, b);
		hi = MAX(a, b);
		ranged = (lo >= 0) == (hi >= 0);
	}
	if (!(t.mask & sign)) {
		/* sign known: the high bits are copies of it */
		r->var_off = (t.value & sign) ? TNUM(t.value | high, t.mask) : t;
		mark_reg_unbounded(r);
	} else {
		r->var_off = tnum_unknown;
		mark_reg_unbounded(r);
		r->smin_value = -(int64_t)sign;
		r->smax_value = (int64_t)sign - 1;
	}
	if (ranged) {
		r->smin_value = MAX(r->smin_value, lo);
		r->smax_value = MIN(r->smax_value, hi);
	}
	reg_bounds_sync(r);
}

void coerce_loaded(struct reg_state *r, int size, bool sign_ext)
{
	if (sign_ext)
		coerce_reg_to_size_sx(r, size);
	else
		coerce_reg_to_size(r, size);
}

void coerce_subreg_to_size_sx(struct reg_state *r, int size)
{
	coerce_reg_to_size_sx(r, size);
	/* the low 32 bits are that value: their signed range is its range
	 * (the kernel's coerce_subreg_to_size_sx; w = (s16)w then w s> 63 is
	 * in [64, 32767], seed 102364) */
	int32_t lo = (int32_t)r->smin_value, hi = (int32_t)r->smax_value;
	coerce_reg_to_size(r, 4);
	r->s32_min_value = MAX(r->s32_min_value, lo);
	r->s32_max_value = MIN(r->s32_max_value, hi);
	reg_bounds_sync(r);
}

/* ---- the concrete operation, used when both operands are constants ---- */

static uint64_t eval_alu(uint8_t op, uint64_t a, uint64_t b, bool alu32, bool sdiv)
{
	if (alu32) {
		uint32_t x = (uint32_t)a, y = (uint32_t)b;
		switch (op) {
		case BPFRT_ADD: return (uint32_t)(x + y);
		case BPFRT_SUB: return (uint32_t)(x - y);
		case BPFRT_MUL: return (uint32_t)(x * y);
		case BPFRT_DIV:
			if (!y)
				return 0;
			if (sdiv)
				return (int32_t)x == S32_MIN && (int32_t)y == -1
					       ? x
					       : (uint32_t)((int32_t)x / (int32_t)y);
			return x / y;
		case BPFRT_MOD:
			if (!y)
				return x;
			if (sdiv)
				return (int32_t)y == -1 ? 0 : (uint32_t)((int32_t)x % (int32_t)y);
			return x % y;
		case BPFRT_OR: return x | y;
		case BPFRT_AND: return x & y;
		case BPFRT_XOR: return x ^ y;
		case BPFRT_LSH: return (uint32_t)(x << (y & 31));
		case BPFRT_RSH: return x >> (y & 31);
		case BPFRT_ARSH: return (uint32_t)((int32_t)x >> (y & 31));
		case BPFRT_MOV: return y;
		case BPFRT_NEG: return (uint32_t)-x;
		}
		return 0;
	}
	switch (op) {
	case BPFRT_ADD: return a + b;
	case BPFRT_SUB: return a - b;
	case BPFRT_MUL: return a * b;
	case BPFRT_DIV:
		if (!b)
			return 0;
		if (sdiv)
			return (int64_t)a == S64_MIN && (int64_t)b == -1
				       ? a
				       : (uint64_t)((int64_t)a / (int64_t)b);
		return a / b;
	case BPFRT_MOD:
		if (!b)
			return a;
		if (sdiv)
			return (int64_t)b == -1 ? 0 : (uint64_t)((int64_t)a % (int64_t)b);
		return a % b;
	case BPFRT_OR: return a | b;
	case BPFRT_AND: return a & b;
	case BPFRT_XOR: return a ^ b;
	case BPFRT_LSH: return a << (b & 63);
	case BPFRT_RSH: return a >> (b & 63);
	case BPFRT_ARSH: return (uint64_t)((int64_t)a >> (b & 63));
	case BPFRT_MOV: return b;
	case BPFRT_NEG: return -a;
	}
	return 0;
}

/* ---- 64-bit range transfer (the dst of a 32-bit op is first narrowed to a
 * zero-extended 64-bit value, computed on, then truncated again) ---- */

static void alu_add(struct reg_state *d, const struct reg_state *s)
{
	int64_t smin, smax;
	uint64_t umin, umax;
	if (__builtin_add_overflow(d->smin_value, s->smin_value, &smin) ||
	    __builtin_add_overflow(d->smax_value, s->smax_value, &smax)) {
		d->smin_value = S64_MIN;
		d->smax_value = S64_MAX;
	} else {
		d->smin_value = smin;
		d->smax_value = smax;
	}
	if (__builtin_add_overflow(d->umin_value, s->umin_value, &umin) ||
	    __builtin_add_overflow(d->umax_value, s->umax_value, &umax)) {
		d->umin_value = 0;
		d->umax_value = U64_MAX;
	} else {
		d->umin_value = umin;
		d->umax_value = umax;
	}
	d->var_off = tnum_add(d->var_off, s->var_off);
}

static void alu_sub(struct reg_state *d, const struct reg_state *s)
{
	int64_t smin, smax;
	if (__builtin_sub_overflow(d->smin_value, s->smax_value, &smin) ||
	    __builtin_sub_overflow(d->smax_value, s->smin_value, &smax)) {
		d->smin_value = S64_MIN;
		d->smax_value = S64_MAX;
	} else {
		d->smin_value = smin;
		d->smax_value = smax;
	}
	if (d->umin_value < s->umax_value) {
		d->umin_value = 0;
		d->umax_value = U64_MAX;
	} else {
		d->umin_value -= s->umax_value;
		d->umax_value -= s->umin_value;
	}
	d->var_off = tnum_sub(d->var_off, s->var_off);
}

static void alu_mul(struct reg_state *d, const struct reg_state *s)
{
	uint64_t umin, umax;
	if (__builtin_mul_overflow(d->umin_value, s->umin_value, &umin) ||
	    __builtin_mul_overflow(d->umax_value, s->umax_value, &umax)) {
		d->umin_value = 0;
		d->umax_value = U64_MAX;
	} else {
		d->umin_value = umin;
		d->umax_value = umax;
	}
	int64_t c[4];
	bool ovf = __builtin_mul_overflow(d->smin_value, s->smin_value, &c[0]) |
		   __builtin_mul_overflow(d->smin_value, s->smax_value, &c[1]) |
		   __builtin_mul_overflow(d->smax_value, s->smin_value, &c[2]) |
		   __builtin_mul_overflow(d->smax_value, s->smax_value, &c[3]);
	if (ovf) {
		d->smin_value = S64_MIN;
		d->smax_value = S64_MAX;
	} else {
		d->smin_value = MIN(MIN(c[0], c[1]), MIN(c[2], c[3]));
		d->smax_value = MAX(MAX(c[0], c[1]), MAX(c[2], c[3]));
	}
	d->var_off = tnum_mul(d->var_off, s->var_off);
}

static void signed_from_unsigned(struct reg_state *d)
{
	if ((int64_t)d->umin_value <= (int64_t)d->umax_value) {
		d->smin_value = (int64_t)d->umin_value;
		d->smax_value = (int64_t)d->umax_value;
	} else {
		d->smin_value = S64_MIN;
		d->smax_value = S64_MAX;
	}
}

static void alu_bitwise(struct reg_state *d, const struct reg_state *s, uint8_t op)
{
	switch (op) {
	case BPFRT_AND:
		d->var_off = tnum_and(d->var_off, s->var_off);
		d->umin_value = d->var_off.value;
		d->umax_value = MIN(d->umax_value, s->umax_value);
		break;
	case BPFRT_OR:
		d->var_off = tnum_or(d->var_off, s->var_off);
		d->umin_value = MAX(d->umin_value, s->umin_value);
		d->umax_value = tnum_umax(d->var_off);
		break;
	default: /* XOR */
		d->var_off = tnum_xor(d->var_off, s->var_off);
		d->umin_value = d->var_off.value;
		d->umax_value = tnum_umax(d->var_off);
		break;
	}
	signed_from_unsigned(d);
}

static void alu_shift(struct reg_state *d, uint8_t op, uint8_t sh)
{
	switch (op) {
	case BPFRT_LSH:
		if (sh && d->umax_value > (1ULL << (63 - sh))) {
			d->umin_value = 0;
			d->umax_value = U64_MAX;
		} else {
			d->umin_value <<= sh;
			d->umax_value <<= sh;
		}
		d->var_off = tnum_lshift(d->var_off, sh);
		d->smin_value = S64_MIN;
		d->smax_value = S64_MAX;
		break;
	case BPFRT_RSH:
		d->umin_value >>= sh;
		d->umax_value >>= sh;
		d->var_off = tnum_rshift(d->var_off, sh);
		d->smin_value = S64_MIN;
		d->smax_value = S64_MAX;
		break;
	default: /* ARSH */
		d->smin_value >>= sh;
		d->smax_value >>= sh;
		d->var_off = tnum_arshift(d->var_off, sh, 64);
		d->umin_value = 0;
		d->umax_value = U64_MAX;
		break;
	}
}

/* Only the 64-bit ranges and tnum of a value changed: recompute the rest. */
static void refresh_32(struct reg_state *r)
{
	r->s32_min_value = S32_MIN;
	r->s32_max_value = S32_MAX;
	r->u32_min_value = 0;
	r->u32_max_value = U32_MAX;
	reg_bounds_sync(r);
}

/* A 32-bit operand as a zero-extended 64-bit value. */
static struct reg_state narrow32(const struct reg_state *r)
{
	struct reg_state n = *r;
	zext_32_to_64(&n);
	return n;
}

void scalar_alu(struct reg_state *dst, const struct reg_state *src, uint8_t op, bool alu32)
{
	bool sdiv = false;
	/* sdiv/smod are told apart by the caller passing op | 1 */
	if (op & 1) {
		sdiv = true;
		op &= 0xf0;
	}
	if (reg_is_const(dst) && reg_is_const(src)) {
		mark_reg_known(dst, eval_alu(op, dst->var_off.value, src->var_off.value, alu32, sdiv));
		return;
	}
	struct reg_state d = alu32 ? narrow32(dst) : *dst;
	struct reg_state s = alu32 ? narrow32(src) : *src;
	int32_t s32min = dst->s32_min_value, s32max = dst->s32_max_value;
	bool s32_ok = false;
	unsigned width = alu32 ? 32 : 64;

	switch (op) {
	case BPFRT_ADD:
		alu_add(&d, &s);
		s32_ok = !__builtin_add_overflow(s32min, src->s32_min_value, &s32min) &&
			 !__builtin_add_overflow(s32max, src->s32_max_value, &s32max);
		break;
	case BPFRT_SUB:
		alu_sub(&d, &s);
		s32_ok = !__builtin_sub_overflow(s32min, src->s32_max_value, &s32min) &&
			 !__builtin_sub_overflow(s32max, src->s32_min_value, &s32max);
		break;
	case BPFRT_MUL:
		alu_mul(&d, &s);
		break;
	case BPFRT_AND:
	case BPFRT_OR:
	case BPFRT_XOR:
		alu_bitwise(&d, &s, op);
		break;
	case BPFRT_LSH:
	case BPFRT_RSH:
	case BPFRT_ARSH:
		if (!reg_is_const(&s)) {
			mark_reg_unknown(&d);
			break;
		}
		if (op == BPFRT_ARSH && alu32) {
			/* arithmetic shift of the 32-bit value: sign-extend first */
			coerce_reg_to_size_sx(&d, 4);
		}
		alu_shift(&d, op, (uint8_t)(s.var_off.value & (width - 1)));
		if (op == BPFRT_ARSH && alu32) {
			/* the result sign-extended: its signed range is the 32-bit
			 * one (the kernel's scalar32_min_max_arsh: w s>>= 31 is in
			 * [-1, 0]) */
			s32min = (int32_t)d.smin_value;
			s32max = (int32_t)d.smax_value;
			s32_ok = true;
		}
		break;
	case BPFRT_DIV:
	case BPFRT_MOD:
		if (!sdiv && reg_is_const(&s) && s.var_off.value) {
			uint64_t c = s.var_off.value;
			uint64_t lo = op == BPFRT_DIV ? d.umin_value / c : 0;
			uint64_t hi = op == BPFRT_DIV ? d.umax_value / c : MIN(d.umax_value, c - 1);
			mark_reg_unknown(&d);
			d.umin_value = lo;
			d.umax_value = hi;
			d.smin_value = S64_MIN;
			d.smax_value = S64_MAX;
		} else if (!sdiv && op == BPFRT_DIV) {
			/* unsigned quotient never exceeds the dividend; by 0 it is 0 */
			uint64_t hi = d.umax_value;
			mark_reg_unknown(&d);
			d.umax_value = hi;
		} else {
			mark_reg_unknown(&d);
		}
		break;
	default:
		mark_reg_unknown(&d);
		break;
	}
	refresh_32(&d);
	if (!alu32 && s32_ok && s32min <= s32max) {
		/* the low half of a 64-bit sum or difference is the 32-bit one
		 * of the low halves: their signed ranges give its range, as the
		 * kernel's scalar32_min_max_add/sub beside the 64-bit ones
		 * (neg of a w = (s16)w, then r s> 0x7fffffff false: [0, 32768]) */
		struct reg_state t = d;
		t.s32_min_value = MAX(t.s32_min_value, s32min);
		t.s32_max_value = MIN(t.s32_max_value, s32max);
		reg_bounds_sync(&t);
		if (reg_bounds_sane(&t))
			d = t;
	}
	if (alu32) {
		coerce_reg_to_size(&d, 4);
		if (s32_ok && s32min <= s32max) {
			d.s32_min_value = MAX(d.s32_min_value, s32min);
			d.s32_max_value = MIN(d.s32_max_value, s32max);
			/* the 64-bit value is the zero-extension of those bits */
			struct reg_state t = d;
			t.u32_min_value = 0;
			t.u32_max_value = U32_MAX;
			t.umin_value = 0;
			t.umax_value = U32_MAX;
			t.smin_value = 0;
			t.smax_value = U32_MAX;
			reg_bounds_sync(&t);
			if (reg_bounds_sane(&t))
				d = t;
		}
	}
	d.id = 0; /* no longer equal to the registers it was copied from */
	*dst = d;
	if (!reg_bounds_sane(dst))
		mark_reg_unknown(dst);
}

/* ---- conditional jumps ---- */

/* One width's view of a scalar's ranges. */
struct range {
	uint64_t umin, umax;
	int64_t smin, smax;
	struct tnum t;
};

static struct range range_of(const struct reg_state *r, bool w32)
{
	if (w32)
		return (struct range){ r->u32_min_value, r->u32_max_value, r->s32_min_value,
				       r->s32_max_value, tnum_subreg(r->var_off) };
	return (struct range){ r->umin_value, r->umax_value, r->smin_value, r->smax_value,
			       r->var_off };
}

static void range_store(struct reg_state *r, const struct range *g, bool w32)
{
	if (w32) {
		r->u32_min_value = (uint32_t)g->umin;
		r->u32_max_value = (uint32_t)g->umax;
		r->s32_min_value = (int32_t)g->smin;
		r->s32_max_value = (int32_t)g->smax;
		r->var_off = tnum_with_subreg(r->var_off, g->t);
	} else {
		r->umin_value = g->umin;
		r->umax_value = g->umax;
		r->smin_value = g->smin;
		r->smax_value = g->smax;
		r->var_off = g->t;
	}
	struct tnum t = r->var_off;
	reg_bounds_sync(r);
	/* the ranges' bits against the tnum's: a known bit they contradict
	 * leaves no value (w s< 31 false, w s> 31 false, w == 31 for a w
	 * whose low bits are known zero); the way is impossible */
	if ((t.value ^ r->var_off.value) & ~t.mask) {
		r->umin_value = 1;
		r->umax_value = 0;
	}
}

#define JNSET 0xe0 /* internal: "jset not taken", a & b == 0 */

uint8_t jmp_negate(uint8_t op)
{
	switch (op) {
	case BPFRT_JEQ: return BPFRT_JNE;
	case BPFRT_JNE: return BPFRT_JEQ;
	case BPFRT_JGT: return BPFRT_JLE;
	case BPFRT_JLE: return BPFRT_JGT;
	case BPFRT_JGE: return BPFRT_JLT;
	case BPFRT_JLT: return BPFRT_JGE;
	case BPFRT_JSGT: return BPFRT_JSLE;
	case BPFRT_JSLE: return BPFRT_JSGT;
	case BPFRT_JSGE: return BPFRT_JSLT;
	case BPFRT_JSLT: return BPFRT_JSGE;
	case BPFRT_JSET: return JNSET;
	case JNSET: return BPFRT_JSET;
	}
	return op;
}

int scalar_branch_taken(const struct reg_state *ra, const struct reg_state *rb, uint8_t op,
			bool w32)
{
	struct range a = range_of(ra, w32), b = range_of(rb, w32);
	switch (op) {
	case BPFRT_JEQ:
	case BPFRT_JNE: {
		int eq = -1;
		if (tnum_is_const(a.t) && tnum_is_const(b.t))
			eq = a.t.value == b.t.value;
		else if (a.umin > b.umax || a.umax < b.umin || a.smin > b.smax || a.smax < b.smin ||
			 ((a.t.value ^ b.t.value) & ~(a.t.mask | b.t.mask)))
			eq = 0;
		if (eq < 0)
			return -1;
		return op == BPFRT_JEQ ? eq : !eq;
	}
	case BPFRT_JGT:
		return a.umin > b.umax ? 1 : a.umax <= b.umin ? 0 : -1;
	case BPFRT_JGE:
		return a.umin >= b.umax ? 1 : a.umax < b.umin ? 0 : -1;
	case BPFRT_JLT:
		return a.umax < b.umin ? 1 : a.umin >= b.umax ? 0 : -1;
	case BPFRT_JLE:
		return a.umax <= b.umin ? 1 : a.umin > b.umax ? 0 : -1;
	case BPFRT_JSGT:
		return a.smin > b.smax ? 1 : a.smax <= b.smin ? 0 : -1;
	case BPFRT_JSGE:
		return a.smin >= b.smax ? 1 : a.smax < b.smin ? 0 : -1;
	case BPFRT_JSLT:
		return a.smax < b.smin ? 1 : a.smin >= b.smax ? 0 : -1;
	case BPFRT_JSLE:
		return a.smax <= b.smin ? 1 : a.smin > b.smax ? 0 : -1;
	case BPFRT_JSET:
	case JNSET: {
		int set = -1;
		if (a.t.value & b.t.value)
			set = 1;
		else if (!(tnum_umax(a.t) & tnum_umax(b.t)))
			set = 0;
		if (set < 0)
			return -1;
		return op == BPFRT_JSET ? set : !set;
	}
	}
	return -1;
}

void scalar_refine(struct reg_state *ra, struct reg_state *rb, uint8_t op, bool w32)
{
	struct range a = range_of(ra, w32), b = range_of(rb, w32);
	switch (op) {
	case BPFRT_JEQ:
		a.umin = b.umin = MAX(a.umin, b.umin);
		a.umax = b.umax = MIN(a.umax, b.umax);
		a.smin = b.smin = MAX(a.smin, b.smin);
		a.smax = b.smax = MIN(a.smax, b.smax);
		a.t = b.t = tnum_intersect(a.t, b.t);
		break;
	case BPFRT_JNE:
		/* only a constant at an edge of the other range helps */
		if (tnum_is_const(b.t)) {
			uint64_t v = b.t.value;
			if (a.umin == v && a.umin != a.umax)
				a.umin++;
			else if (a.umax == v && a.umin != a.umax)
				a.umax--;
			int64_t sv = w32 ? (int32_t)v : (int64_t)v;
			if (a.smin == sv && a.smin != a.smax)
				a.smin++;
			else if (a.smax == sv && a.smin != a.smax)
				a.smax--;
		}
		if (tnum_is_const(a.t)) {
			uint64_t v = a.t.value;
			if (b.umin == v && b.umin != b.umax)
				b.umin++;
			else if (b.umax == v && b.umin != b.umax)
				b.umax--;
		}
		break;
	case BPFRT_JGT: /* a > b */
		a.umin = MAX(a.umin, b.umin + 1);
		if (a.umax)
			b.umax = MIN(b.umax, a.umax - 1);
		break;
	case BPFRT_JGE:
		a.umin = MAX(a.umin, b.umin);
		b.umax = MIN(b.umax, a.umax);
		break;
	case BPFRT_JLT: /* a < b */
		if (b.umax)
			a.umax = MIN(a.umax, b.umax - 1);
		b.umin = MAX(b.umin, a.umin + 1);
		break;
	case BPFRT_JLE:
		a.umax = MIN(a.umax, b.umax);
		b.umin = MAX(b.umin, a.umin);
		break;
	case BPFRT_JSGT:
		if (b.smin < (w32 ? S32_MAX : S64_MAX))
			a.smin = MAX(a.smin, b.smin + 1);
		if (a.smax > (w32 ? S32_MIN : S64_MIN))
			b.smax = MIN(b.smax, a.smax - 1);
		break;
	case BPFRT_JSGE:
		a.smin = MAX(a.smin, b.smin);
		b.smax = MIN(b.smax, a.smax);
		break;
	case BPFRT_JSLT:
		if (b.smax > (w32 ? S32_MIN : S64_MIN))
			a.smax = MIN(a.smax, b.smax - 1);
		if (a.smin < (w32 ? S32_MAX : S64_MAX))
			b.smin = MAX(b.smin, a.smin + 1);
		break;
	case BPFRT_JSLE:
		a.smax = MIN(a.smax, b.smax);
		b.smin = MAX(b.smin, a.smin);
		break;
	case BPFRT_JSET:
		/* a single known bit tested set is known set */
		if (tnum_is_const(b.t) && b.t.value && !(b.t.value & (b.t.value - 1)))
			a.t = tnum_or(a.t, b.t);
		break;
	case JNSET:
		if (tnum_is_const(b.t))
			a.t = tnum_and(a.t, tnum_const(~b.t.value));
		break;
	}
	range_store(ra, &a, w32);
	range_store(rb, &b, w32);
}
