/* SPDX-License-Identifier: MIT */
/*
 * Tristate numbers: a value whose bits are each known 0, known 1 or unknown
 * (`mask` bit set). As the kernel's tnum.c: every operation returns a tnum
 * containing every concrete result of the operation on members of its inputs.
 */
#ifndef BPFRT_VERIFIER_TNUM_H
#define BPFRT_VERIFIER_TNUM_H

#include <stdbool.h>
#include <stdint.h>

struct tnum {
	uint64_t value;
	uint64_t mask;
};

#define TNUM(v, m) ((struct tnum){ .value = (v), .mask = (m) })

extern const struct tnum tnum_unknown;

struct tnum tnum_const(uint64_t value);
/* The smallest tnum holding every value in [min, max]. */
struct tnum tnum_range(uint64_t min, uint64_t max);
struct tnum tnum_lshift(struct tnum a, uint8_t shift);
struct tnum tnum_rshift(struct tnum a, uint8_t shift);
/* Arithmetic shift right of the low `insn_bitness` (32 or 64) bits. */
struct tnum tnum_arshift(struct tnum a, uint8_t min_shift, uint8_t insn_bitness);
struct tnum tnum_add(struct tnum a, struct tnum b);
struct tnum tnum_sub(struct tnum a, struct tnum b);
struct tnum tnum_neg(struct tnum a);
struct tnum tnum_and(struct tnum a, struct tnum b);
struct tnum tnum_or(struct tnum a, struct tnum b);
struct tnum tnum_xor(struct tnum a, struct tnum b);
struct tnum tnum_mul(struct tnum a, struct tnum b);
/* Values in both (a must agree with b on bits known to both). */
struct tnum tnum_intersect(struct tnum a, struct tnum b);
/* Values in either. */
struct tnum tnum_union(struct tnum a, struct tnum b);
/* Keeps the low `size` bytes. */
struct tnum tnum_cast(struct tnum a, uint8_t size);
struct tnum tnum_subreg(struct tnum a);
struct tnum tnum_clear_subreg(struct tnum a);
struct tnum tnum_with_subreg(struct tnum reg, struct tnum subreg);
struct tnum tnum_const_subreg(struct tnum a, uint32_t value);
/* Every member of b is a member of a. */
bool tnum_in(struct tnum a, struct tnum b);
bool tnum_is_aligned(struct tnum a, uint64_t size);
/* Formats as "(0x..; 0x..)" into buf; returns buf. */
char *tnum_str(struct tnum a, char *buf, unsigned size);

static inline bool tnum_is_const(struct tnum a)
{
	return !a.mask;
}
static inline bool tnum_equals_const(struct tnum a, uint64_t b)
{
	return tnum_is_const(a) && a.value == b;
}
static inline bool tnum_is_unknown(struct tnum a)
{
	return !~a.mask;
}
static inline bool tnum_subreg_is_const(struct tnum a)
{
	return !(uint32_t)a.mask;
}
static inline uint64_t tnum_umin(struct tnum a)
{
	return a.value;
}
static inline uint64_t tnum_umax(struct tnum a)
{
	return a.value | a.mask;
}

#endif /* BPFRT_VERIFIER_TNUM_H */
