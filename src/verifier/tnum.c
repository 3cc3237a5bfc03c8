/* SPDX-License-Identifier: MIT */
/* Tristate numbers (see tnum.h); the algorithms follow the kernel's tnum.c
 * (Edward Cree; multiplication after Harishankar Vishwanathan et al.). */
#include <stdio.h>

#include "verifier/tnum.h"

const struct tnum tnum_unknown = { .value = 0, .mask = ~0ULL };

struct tnum tnum_const(uint64_t value)
{
	return TNUM(value, 0);
}

struct tnum tnum_range(uint64_t min, uint64_t max)
{
	uint64_t chi = min ^ max, delta;
	uint8_t bits = chi ? (uint8_t)(64 - __builtin_clzll(chi)) : 0;

	/* special case, needed because 1ULL << 64 is undefined */
	if (bits > 63)
		return tnum_unknown;
	delta = (1ULL << bits) - 1;
	return TNUM(min & ~delta, delta);
}

struct tnum tnum_lshift(struct tnum a, uint8_t shift)
{
	return TNUM(a.value << shift, a.mask << shift);
}

struct tnum tnum_rshift(struct tnum a, uint8_t shift)
{
	return TNUM(a.value >> shift, a.mask >> shift);
}

struct tnum tnum_arshift(struct tnum a, uint8_t min_shift, uint8_t insn_bitness)
{
	/* The sign bit may be unknown: shifting the mask arithmetically spreads
	 * "unknown" into the bits it fills, which is what we want. */
	if (insn_bitness == 32)
		return TNUM((uint32_t)(((int32_t)a.value) >> min_shift),
			    (uint32_t)(((int32_t)a.mask) >> min_shift));
	return TNUM((uint64_t)((int64_t)a.value >> min_shift),
		    (uint64_t)((int64_t)a.mask >> min_shift));
}

struct tnum tnum_add(struct tnum a, struct tnum b)
{
	uint64_t sm = a.mask + b.mask, sv = a.value + b.value, sigma = sm + sv;
	uint64_t chi = sigma ^ sv, mu = chi | a.mask | b.mask;
	return TNUM(sv & ~mu, mu);
}

struct tnum tnum_sub(struct tnum a, struct tnum b)
{
	uint64_t dv = a.value - b.value, alpha = dv + a.mask, beta = dv - b.mask;
	uint64_t chi = alpha ^ beta, mu = chi | a.mask | b.mask;
	return TNUM(dv & ~mu, mu);
}

struct tnum tnum_neg(struct tnum a)
{
	return tnum_sub(tnum_const(0), a);
}

struct tnum tnum_and(struct tnum a, struct tnum b)
{
	uint64_t alpha = a.value | a.mask, beta = b.value | b.mask, v = a.value & b.value;
	return TNUM(v, alpha & beta & ~v);
}

struct tnum tnum_or(struct tnum a, struct tnum b)
{
	uint64_t v = a.value | b.value, mu = a.mask | b.mask;
	return TNUM(v, mu & ~v);
}

struct tnum tnum_xor(struct tnum a, struct tnum b)
{
	uint64_t v = a.value ^ b.value, mu = a.mask | b.mask;
	return TNUM(v & ~mu, mu);
}

struct tnum tnum_mul(struct tnum a, struct tnum b)
{
	struct tnum acc_v = tnum_const(a.value * b.value), acc_m = tnum_const(0);

	while (a.value || a.mask) {
		/* LSB of a is certainly 1: add b's unknown bits */
		if (a.value & 1)
			acc_m = tnum_add(acc_m, TNUM(0, b.mask));
		/* LSB of a is uncertain: all of b may be added */
		else if (a.mask & 1)
			acc_m = tnum_add(acc_m, TNUM(0, b.value | b.mask));
		a = tnum_rshift(a, 1);
		b = tnum_lshift(b, 1);
	}
	return tnum_add(acc_v, acc_m);
}

struct tnum tnum_intersect(struct tnum a, struct tnum b)
{
	uint64_t v = a.value | b.value, mu = a.mask & b.mask;
	return TNUM(v & ~mu, mu);
}

struct tnum tnum_union(struct tnum a, struct tnum b)
{
	uint64_t mu = a.mask | b.mask | (a.value ^ b.value);
	return TNUM(a.value & ~mu, mu);
}

struct tnum tnum_cast(struct tnum a, uint8_t size)
{
	if (size >= 8)
		return a;
	uint64_t keep = (1ULL << (size * 8)) - 1;
	return TNUM(a.value & keep, a.mask & keep);
}

bool tnum_is_aligned(struct tnum a, uint64_t size)
{
	if (!size)
		return true;
	return !((a.value | a.mask) & (size - 1));
}

bool tnum_in(struct tnum a, struct tnum b)
{
	if (b.mask & ~a.mask)
		return false;
	b.value &= ~a.mask;
	return a.value == b.value;
}

struct tnum tnum_subreg(struct tnum a)
{
	return tnum_cast(a, 4);
}

struct tnum tnum_clear_subreg(struct tnum a)
{
	return tnum_lshift(tnum_rshift(a, 32), 32);
}

struct tnum tnum_with_subreg(struct tnum reg, struct tnum subreg)
{
	return tnum_or(tnum_clear_subreg(reg), tnum_subreg(subreg));
}

struct tnum tnum_const_subreg(struct tnum a, uint32_t value)
{
	return tnum_with_subreg(a, tnum_const(value));
}

char *tnum_str(struct tnum a, char *buf, unsigned size)
{
	snprintf(buf, size, "(0x%llx; 0x%llx)", (unsigned long long)a.value, /* the kernel's "0x0" */
		 (unsigned long long)a.mask);
	return buf;
}
