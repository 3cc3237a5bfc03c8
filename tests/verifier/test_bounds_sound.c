/* SPDX-License-Identifier: MIT */
/*
 * Soundness of the scalar domain (tnum + signed/unsigned 32/64-bit bounds):
 * for random abstract values and random concrete values inside them, every
 * abstract ALU operation (64- and 32-bit) must contain the concrete result,
 * every branch decision must agree with the concrete comparison, and every
 * branch refinement must keep the concrete operands. A failure prints the
 * seed, the operation and both abstract values.
 *
 * BOUNDS_SEED=N and BOUNDS_ROUNDS=N override the fixed seed and the count.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/xorshift.h"
#include "verifier/state.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
	return xorshift64s(&rng_state);
}

/* Values near the interesting edges (0, sign bits, 32-bit boundary) more
 * often than uniform ones. */
static uint64_t rnd_value(void)
{
	static const uint64_t edges[] = { 0,
					  1,
					  0x7f,
					  0x80,
					  0xff,
					  0x7fffffff,
					  0x80000000,
					  0xffffffff,
					  0x100000000ULL,
					  0x7fffffffffffffffULL,
					  0x8000000000000000ULL,
					  0xffffffffffffffffULL };
	switch (rnd() % 6) {
	case 0:
		return edges[rnd() % (sizeof(edges) / sizeof(edges[0]))] + (rnd() % 5) - 2;
	case 1:
		return rnd() % 64;
	case 2:
		return (uint64_t)-(int64_t)(rnd() % 64);
	case 3:
		return rnd() & 0xffffffff;
	default:
		return rnd();
	}
}

static uint64_t rnd_mask(void)
{
	switch (rnd() % 5) {
	case 0:
		return 0; /* a constant */
	case 1:
		return rnd() % 256;
	case 2:
		return rnd() & rnd();
	case 3:
		return ~0ULL << (rnd() % 64);
	default:
		return rnd();
	}
}

static bool contains(const struct reg_state *r, uint64_t x)
{
	return (x & ~r->var_off.mask) == r->var_off.value && x >= r->umin_value &&
	       x <= r->umax_value && (int64_t)x >= r->smin_value && (int64_t)x <= r->smax_value &&
	       (uint32_t)x >= r->u32_min_value && (uint32_t)x <= r->u32_max_value &&
	       (int32_t)x >= r->s32_min_value && (int32_t)x <= r->s32_max_value;
}

static uint64_t widen_down(uint64_t c, uint64_t d)
{
	return c >= d ? c - d : 0;
}

static uint64_t widen_up(uint64_t c, uint64_t d)
{
	return c + d < c ? UINT64_MAX : c + d;
}

/* An abstract value that holds the concrete value c. */
static void rnd_abstract(struct reg_state *r, uint64_t c)
{
	mark_reg_unknown(r);
	uint64_t m = rnd_mask();
	r->var_off = (struct tnum){ c & ~m, m };
	uint64_t span = rnd() % 4 == 0 ? 0 : rnd() >> (rnd() % 64);
	if (rnd() % 2) {
		r->umin_value = widen_down(c, rnd() % (span + 1));
		r->umax_value = widen_up(c, rnd() % (span + 1));
	}
	if (rnd() % 2) {
		int64_t s = (int64_t)c, lo = (int64_t)(rnd() % (span + 1) / 2),
			hi = (int64_t)(rnd() % (span + 1) / 2);
		r->smin_value = s < INT64_MIN + lo ? INT64_MIN : s - lo;
		r->smax_value = s > INT64_MAX - hi ? INT64_MAX : s + hi;
	}
	if (rnd() % 3 == 0) {
		uint32_t u = (uint32_t)c, lo = (uint32_t)(rnd() % 300), hi = (uint32_t)(rnd() % 300);
		r->u32_min_value = u >= lo ? u - lo : 0;
		r->u32_max_value = u + hi < u ? UINT32_MAX : u + hi;
	}
	if (rnd() % 3 == 0) {
		int32_t s = (int32_t)c, lo = (int32_t)(rnd() % 300), hi = (int32_t)(rnd() % 300);
		r->s32_min_value = s < INT32_MIN + lo ? INT32_MIN : s - lo;
		r->s32_max_value = s > INT32_MAX - hi ? INT32_MAX : s + hi;
	}
	reg_bounds_sync(r);
}

/* Another concrete member of r (rejection sampling), or c. */
static uint64_t rnd_member(const struct reg_state *r, uint64_t c)
{
	for (int i = 0; i < 16; i++) {
		uint64_t x;
		switch (rnd() % 3) {
		case 0:
			x = r->var_off.value | (rnd() & r->var_off.mask);
			break;
		case 1:
			x = r->umin_value + rnd() % 8;
			x = r->var_off.value | (x & r->var_off.mask);
			break;
		default:
			x = r->umax_value - rnd() % 8;
			x = r->var_off.value | (x & r->var_off.mask);
			break;
		}
		if (contains(r, x))
			return x;
	}
	return c;
}

static char seedinfo[64];

static void dump(const char *what, const struct reg_state *r)
{
	printf("  %s: var_off=(%#" PRIx64 "; %#" PRIx64 ") u=[%#" PRIx64 ", %#" PRIx64
	       "] s=[%" PRId64 ", %" PRId64 "] u32=[%#x, %#x] s32=[%d, %d]\n",
	       what, r->var_off.value, r->var_off.mask, r->umin_value, r->umax_value,
	       r->smin_value, r->smax_value, r->u32_min_value, r->u32_max_value,
	       r->s32_min_value, r->s32_max_value);
}

static int failures;

static void report(const char *what, const struct reg_state *a, const struct reg_state *b,
		 const struct reg_state *res, uint64_t x, uint64_t y, uint64_t z)
{
	if (failures++ < 10) {
		printf("%s: %s: x=%#" PRIx64 " y=%#" PRIx64 " result=%#" PRIx64 "\n", seedinfo, what,
		       x, y, z);
		dump("a", a);
		if (b)
			dump("b", b);
		if (res)
			dump("abstract result", res);
	}
}

/* The concrete operation (RFC 9669 §4.1), written here again on purpose: the
 * verifier's own constant folding (bounds.c eval_alu) is under test. */
static uint64_t concrete(uint8_t op, bool sdiv, uint64_t a, uint64_t b, bool alu32)
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
				return (int32_t)y == -1 ? (uint32_t)(0u - x)
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
		default: return (uint32_t)((int32_t)x >> (y & 31)); /* ARSH */
		}
	}
	switch (op) {
	case BPFRT_ADD: return a + b;
	case BPFRT_SUB: return a - b;
	case BPFRT_MUL: return a * b;
	case BPFRT_DIV:
		if (!b)
			return 0;
		if (sdiv)
			return (int64_t)b == -1 ? 0 - a : (uint64_t)((int64_t)a / (int64_t)b);
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
	default: return (uint64_t)((int64_t)a >> (b & 63));
	}
}

static const struct {
	const char *name;
	uint8_t op;
	bool sdiv;
} alu_ops[] = {
	{ "add", BPFRT_ADD, false }, { "sub", BPFRT_SUB, false },  { "mul", BPFRT_MUL, false },
	{ "div", BPFRT_DIV, false }, { "sdiv", BPFRT_DIV, true },  { "mod", BPFRT_MOD, false },
	{ "smod", BPFRT_MOD, true }, { "or", BPFRT_OR, false },	   { "and", BPFRT_AND, false },
	{ "xor", BPFRT_XOR, false }, { "lsh", BPFRT_LSH, false },  { "rsh", BPFRT_RSH, false },
	{ "arsh", BPFRT_ARSH, false },
};

static void seed_from_env(uint64_t *seed, unsigned *rounds)
{
	const char *s = getenv("BOUNDS_SEED"), *n = getenv("BOUNDS_ROUNDS");
	if (s)
		*seed = strtoull(s, NULL, 0);
	if (n)
		*rounds = (unsigned)strtoul(n, NULL, 0);
	rng_state = *seed ? *seed : 1;
	snprintf(seedinfo, sizeof(seedinfo), "seed %" PRIu64, *seed);
}

static void sync_keeps_members(void **state)
{
	(void)state;
	uint64_t seed = 42;
	unsigned rounds = 100000;
	seed_from_env(&seed, &rounds);
	failures = 0;
	for (unsigned i = 0; i < rounds; i++) {
		uint64_t c = rnd_value();
		struct reg_state r;
		rnd_abstract(&r, c);
		if (!contains(&r, c) || !reg_bounds_sane(&r))
			report("reg_bounds_sync lost a member", &r, NULL, NULL, c, 0, 0);
		uint64_t x = rnd_member(&r, c);
		/* zero- and sign-extension of narrower loads / mov32 / movsx */
		for (int size = 1; size <= 4; size *= 2) {
			struct reg_state z = r, s = r;
			coerce_reg_to_size(&z, size);
			uint64_t zx = size == 8 ? x : x & ((1ULL << (size * 8)) - 1);
			if (!contains(&z, zx))
				report("coerce_reg_to_size", &r, NULL, &z, x, (uint64_t)size, zx);
			coerce_reg_to_size_sx(&s, size);
			int sh = 64 - size * 8;
			uint64_t sx = (uint64_t)((int64_t)(x << sh) >> sh);
			if (!contains(&s, sx))
				report("coerce_reg_to_size_sx", &r, NULL, &s, x, (uint64_t)size, sx);
			struct reg_state s32 = r;
			coerce_subreg_to_size_sx(&s32, size);
			if (!contains(&s32, (uint32_t)sx))
				report("coerce_subreg_to_size_sx", &r, NULL, &s32, x, (uint64_t)size,
				     (uint32_t)sx);
		}
		struct reg_state z = r;
		zext_32_to_64(&z);
		if (!contains(&z, (uint32_t)x))
			report("zext_32_to_64", &r, NULL, &z, x, 0, (uint32_t)x);
	}
	printf("%s: %u abstract values, %d failures\n", seedinfo, rounds, failures);
	assert_int_equal(failures, 0);
}

static void alu_contains_concrete(void **state)
{
	(void)state;
	uint64_t seed = 7;
	unsigned rounds = 40000;
	seed_from_env(&seed, &rounds);
	failures = 0;
	char what[64];
	for (unsigned i = 0; i < rounds; i++) {
		uint64_t ca = rnd_value(), cb = rnd_value();
		struct reg_state a, b;
		rnd_abstract(&a, ca);
		rnd_abstract(&b, cb);
		uint64_t x = rnd_member(&a, ca), y = rnd_member(&b, cb);
		for (size_t k = 0; k < sizeof(alu_ops) / sizeof(alu_ops[0]); k++) {
			for (int w = 0; w < 2; w++) {
				bool alu32 = w;
				uint8_t op = alu_ops[k].op;
				struct reg_state d = a, s = b;
				uint64_t yy = y;
				bool shift = op == BPFRT_LSH || op == BPFRT_RSH || op == BPFRT_ARSH;
				if (shift && reg_is_const(&s)) {
					/* as do_alu: a constant amount is masked first */
					mark_reg_known(&s, s.var_off.value & (alu32 ? 31 : 63));
				}
				scalar_alu(&d, &s, alu_ops[k].sdiv ? op | 1 : op, alu32);
				uint64_t z = concrete(op, alu_ops[k].sdiv, x, yy, alu32);
				if (!contains(&d, z)) {
					snprintf(what, sizeof(what), "%s%s", alu_ops[k].name,
						 alu32 ? "32" : "");
					report(what, &a, &b, &d, x, yy, z);
				}
			}
		}
		/* neg is 0 - x (do_unary) */
		for (int w = 0; w < 2; w++) {
			struct reg_state zero;
			mark_reg_known_zero(&zero);
			scalar_alu(&zero, &a, BPFRT_SUB, w);
			uint64_t z = w ? (uint32_t)(0u - (uint32_t)x) : 0 - x;
			if (!contains(&zero, z))
				report(w ? "neg32" : "neg", &a, NULL, &zero, x, 0, z);
		}
	}
	printf("%s: %u pairs x %zu ops x 2 widths, %d failures\n", seedinfo, rounds,
	       sizeof(alu_ops) / sizeof(alu_ops[0]), failures);
	assert_int_equal(failures, 0);
}

static bool concrete_cond(uint8_t op, uint64_t a, uint64_t b, bool w32)
{
	if (w32) {
		a = (uint32_t)a;
		b = (uint32_t)b;
	}
	int64_t sa = w32 ? (int32_t)a : (int64_t)a, sb = w32 ? (int32_t)b : (int64_t)b;
	switch (op) {
	case BPFRT_JEQ: return a == b;
	case BPFRT_JNE: return a != b;
	case BPFRT_JGT: return a > b;
	case BPFRT_JGE: return a >= b;
	case BPFRT_JLT: return a < b;
	case BPFRT_JLE: return a <= b;
	case BPFRT_JSGT: return sa > sb;
	case BPFRT_JSGE: return sa >= sb;
	case BPFRT_JSLT: return sa < sb;
	case BPFRT_JSLE: return sa <= sb;
	default: return (a & b) != 0; /* JSET */
	}
}

static const struct {
	const char *name;
	uint8_t op;
} jmp_ops[] = {
	{ "jeq", BPFRT_JEQ },	{ "jne", BPFRT_JNE },	{ "jgt", BPFRT_JGT },	{ "jge", BPFRT_JGE },
	{ "jlt", BPFRT_JLT },	{ "jle", BPFRT_JLE },	{ "jsgt", BPFRT_JSGT }, { "jsge", BPFRT_JSGE },
	{ "jslt", BPFRT_JSLT }, { "jsle", BPFRT_JSLE }, { "jset", BPFRT_JSET },
};

static void branches_keep_concrete(void **state)
{
	(void)state;
	uint64_t seed = 99;
	unsigned rounds = 60000;
	seed_from_env(&seed, &rounds);
	failures = 0;
	char what[80];
	for (unsigned i = 0; i < rounds; i++) {
		uint64_t ca = rnd_value(), cb = rnd() % 3 ? rnd_value() : ca;
		struct reg_state a, b;
		rnd_abstract(&a, ca);
		rnd_abstract(&b, cb);
		uint64_t x = rnd_member(&a, ca), y = rnd_member(&b, cb);
		for (size_t k = 0; k < sizeof(jmp_ops) / sizeof(jmp_ops[0]); k++) {
			for (int w = 0; w < 2; w++) {
				uint8_t op = jmp_ops[k].op;
				bool cond = concrete_cond(op, x, y, w);
				int taken = scalar_branch_taken(&a, &b, op, w);
				snprintf(what, sizeof(what), "%s%s", jmp_ops[k].name, w ? "32" : "");
				if (taken >= 0 && taken != cond) {
					snprintf(what + strlen(what), sizeof(what) - strlen(what),
						 ": decided %s", taken ? "taken" : "not taken");
					report(what, &a, &b, NULL, x, y, cond);
					continue;
				}
				/* the branch the concrete values take, refined */
				struct reg_state ra = a, rb = b;
				scalar_refine(&ra, &rb, cond ? op : jmp_negate(op), w);
				if (!contains(&ra, x) || !contains(&rb, y)) {
					snprintf(what + strlen(what), sizeof(what) - strlen(what),
						 ": refined (%s) lost a member", cond ? "taken" : "fall");
					report(what, &a, &b, contains(&ra, x) ? &rb : &ra, x, y, cond);
				}
			}
		}
	}
	printf("%s: %u pairs x %zu conditions x 2 widths, %d failures\n", seedinfo, rounds,
	       sizeof(jmp_ops) / sizeof(jmp_ops[0]), failures);
	assert_int_equal(failures, 0);
}

/* tnum operations on their own (tnum.h): the kernel's tnum.c properties. */
static void tnum_ops_contain_concrete(void **state)
{
	(void)state;
	uint64_t seed = 3;
	unsigned rounds = 100000;
	seed_from_env(&seed, &rounds);
	failures = 0;
	for (unsigned i = 0; i < rounds; i++) {
		uint64_t ma = rnd_mask(), mb = rnd_mask();
		uint64_t x = rnd_value(), y = rnd_value();
		struct tnum a = { x & ~ma, ma }, b = { y & ~mb, mb };
		x = a.value | (rnd() & ma);
		y = b.value | (rnd() & mb);
		uint8_t sh = (uint8_t)(rnd() % 64);
		struct {
			const char *name;
			struct tnum t;
			uint64_t z;
		} r[] = {
			{ "tnum_add", tnum_add(a, b), x + y },
			{ "tnum_sub", tnum_sub(a, b), x - y },
			{ "tnum_mul", tnum_mul(a, b), x * y },
			{ "tnum_and", tnum_and(a, b), x & y },
			{ "tnum_or", tnum_or(a, b), x | y },
			{ "tnum_xor", tnum_xor(a, b), x ^ y },
			{ "tnum_lshift", tnum_lshift(a, sh), x << sh },
			{ "tnum_rshift", tnum_rshift(a, sh), x >> sh },
			{ "tnum_arshift", tnum_arshift(a, sh, 64), (uint64_t)((int64_t)x >> sh) },
			{ "tnum_arshift32", tnum_arshift(tnum_subreg(a), sh % 32, 32),
			  (uint32_t)((int32_t)(uint32_t)x >> (sh % 32)) },
			{ "tnum_subreg", tnum_subreg(a), (uint32_t)x },
			{ "tnum_cast 2", tnum_cast(a, 2), x & 0xffff },
		};
		for (size_t k = 0; k < sizeof(r) / sizeof(r[0]); k++) {
			if (!tnum_in(r[k].t, tnum_const(r[k].z)) && failures++ < 10)
				printf("seed %" PRIu64 ": %s: a=(%#" PRIx64 "; %#" PRIx64
				       ") b=(%#" PRIx64 "; %#" PRIx64 ") x=%#" PRIx64 " y=%#" PRIx64
				       " sh=%u result %#" PRIx64 " not in (%#" PRIx64 "; %#" PRIx64
				       ")\n",
				       seed, r[k].name, a.value, a.mask, b.value, b.mask, x, y, sh,
				       r[k].z, r[k].t.value, r[k].t.mask);
		}
	}
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tnum_ops_contain_concrete),
		cmocka_unit_test(sync_keeps_members),
		cmocka_unit_test(alu_contains_concrete),
		cmocka_unit_test(branches_keep_concrete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
