/* SPDX-License-Identifier: MIT */
/* The program generator of the verdict differential test: see verdict_gen.h. */
#include "verdict_gen.h"

#include <stdbool.h>
#include <string.h>

#include "support/xorshift.h"

#define I(c, d, s, o, i)                                                                      \
	((struct bpfrt_insn){ .code = (uint8_t)(c), .dst_reg = (d), .src_reg = (s),           \
			      .off = (int16_t)(o), .imm = (int32_t)(i) })

struct gen {
	uint64_t rng;
	struct bpfrt_insn *out;
	size_t len, max;
	uint16_t init;	     /* registers holding initialised scalars */
	uint8_t stack[64];   /* bytes r10-64 .. r10-1 written */
	int depth;	     /* nesting of branches and loops */
};

static uint64_t rnd(struct gen *g)
{
	return xorshift64s(&g->rng);
}

static unsigned pick(struct gen *g, unsigned n)
{
	return (unsigned)(rnd(g) % n);
}

static bool chance(struct gen *g, unsigned percent)
{
	return pick(g, 100) < percent;
}

static void emit(struct gen *g, struct bpfrt_insn in)
{
	if (g->len < g->max)
		g->out[g->len++] = in;
}

static const uint8_t scalar_regs[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9 };

/* An initialised scalar register; rarely (unsafe on purpose) any one. */
static uint8_t src_reg(struct gen *g)
{
	uint8_t cand[16];
	unsigned n = 0;
	for (unsigned i = 0; i < sizeof(scalar_regs); i++)
		if (g->init & (1u << scalar_regs[i]))
			cand[n++] = scalar_regs[i];
	if (!n || chance(g, 2))
		return scalar_regs[pick(g, sizeof(scalar_regs))];
	return cand[pick(g, n)];
}

static uint8_t dst_reg(struct gen *g)
{
	return scalar_regs[pick(g, sizeof(scalar_regs))];
}

static int32_t rnd_imm(struct gen *g)
{
	switch (pick(g, 4)) {
	case 0: return (int32_t)pick(g, 16);
	case 1: return (int32_t)pick(g, 256) - 128;
	case 2: return (int32_t)(1u << pick(g, 31));
	default: return (int32_t)rnd(g);
	}
}

static void clobber_call(struct gen *g)
{
	g->init &= (uint16_t)~0x3e;
	g->init |= 1;
}

static void mov_imm(struct gen *g)
{
	uint8_t d = dst_reg(g);
	emit(g, I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, d, 0, 0, rnd_imm(g)));
	g->init |= (uint16_t)(1u << d);
}

static void alu(struct gen *g)
{
	static const uint8_t ops[] = { BPFRT_ADD, BPFRT_SUB, BPFRT_MUL, BPFRT_DIV, BPFRT_OR,
				       BPFRT_AND, BPFRT_LSH, BPFRT_RSH, BPFRT_MOD, BPFRT_XOR,
				       BPFRT_ARSH, BPFRT_MOV };
	uint8_t op = ops[pick(g, sizeof(ops))];
	bool alu32 = chance(g, 25);
	uint8_t d = op == BPFRT_MOV ? dst_reg(g) : src_reg(g);
	uint8_t cls = alu32 ? BPFRT_ALU : BPFRT_ALU64;
	if (chance(g, 50)) {
		int32_t imm = rnd_imm(g);
		if (op == BPFRT_LSH || op == BPFRT_RSH || op == BPFRT_ARSH)
			imm = (int32_t)pick(g, alu32 ? 32 : 64);
		if ((op == BPFRT_DIV || op == BPFRT_MOD) && !imm)
			imm = 3;
		emit(g, I(cls | op | BPFRT_K, d, 0, 0, imm));
	} else {
		emit(g, I(cls | op | BPFRT_X, d, src_reg(g), 0, 0));
	}
	g->init |= (uint16_t)(1u << d);
}

static void unknown(struct gen *g)
{
	emit(g, I(BPFRT_JMP | BPFRT_CALL, 0, 0, 0, pick(g, 2) ? 7 : 5)); /* prandom, ktime */
	clobber_call(g);
	if (chance(g, 60)) {
		uint8_t d = (uint8_t)(7 + pick(g, 3));
		emit(g, I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, d, 0, 0, 0));
		g->init |= (uint16_t)(1u << d);
	}
}

static const uint8_t sizes[] = { BPFRT_DW, BPFRT_W, BPFRT_H, BPFRT_B };
static const int size_bytes[] = { 8, 4, 2, 1 };

static int stack_off(struct gen *g, int bytes)
{
	/* aligned, within the 64 bytes the generator uses */
	return -bytes * (int)(1 + pick(g, (unsigned)(64 / bytes)));
}

static void mark_stack(struct gen *g, int off, int bytes)
{
	for (int i = 0; i < bytes; i++)
		g->stack[64 + off + i] = 1;
}

static bool stack_written(const struct gen *g, int off, int bytes)
{
	for (int i = 0; i < bytes; i++)
		if (!g->stack[64 + off + i])
			return false;
	return true;
}

static void stack_store(struct gen *g)
{
	unsigned s = pick(g, 4);
	int off = stack_off(g, size_bytes[s]);
	if (chance(g, 40))
		emit(g, I(BPFRT_ST | BPFRT_MEM | sizes[s], 10, 0, off, rnd_imm(g)));
	else
		emit(g, I(BPFRT_STX | BPFRT_MEM | sizes[s], 10, src_reg(g), off, 0));
	mark_stack(g, off, size_bytes[s]);
}

static void stack_load(struct gen *g)
{
	unsigned s = pick(g, 4);
	int off = stack_off(g, size_bytes[s]);
	for (int tries = 0; tries < 4 && !stack_written(g, off, size_bytes[s]) && !chance(g, 10);
	     tries++)
		off = stack_off(g, size_bytes[s]);
	uint8_t d = dst_reg(g);
	emit(g, I(BPFRT_LDX | BPFRT_MEM | sizes[s], d, 10, off, 0));
	g->init |= (uint16_t)(1u << d); /* a spilled pointer would make it one: not generated */
}

static void snippet(struct gen *g);

/* if (cond) skip a block of snippets; the block's effects are kept only
 * where both ways agree. */
static void branch(struct gen *g)
{
	static const uint8_t conds[] = { BPFRT_JEQ, BPFRT_JNE, BPFRT_JGT, BPFRT_JGE, BPFRT_JLT,
					 BPFRT_JLE, BPFRT_JSGT, BPFRT_JSGE, BPFRT_JSLT,
					 BPFRT_JSLE, BPFRT_JSET };
	uint8_t op = conds[pick(g, sizeof(conds))];
	uint8_t cls = chance(g, 20) ? BPFRT_JMP32 : BPFRT_JMP;
	size_t at = g->len;
	if (chance(g, 60))
		emit(g, I(cls | op | BPFRT_K, src_reg(g), 0, 0, rnd_imm(g)));
	else
		emit(g, I(cls | op | BPFRT_X, src_reg(g), src_reg(g), 0, 0));
	uint16_t init = g->init;
	uint8_t stack[64];
	memcpy(stack, g->stack, sizeof(stack));
	g->depth++;
	for (unsigned k = 1 + pick(g, 4); k--;)
		snippet(g);
	g->depth--;
	if (at < g->len)
		g->out[at].off = (int16_t)(g->len - at - 1);
	g->init &= init;
	for (int i = 0; i < 64; i++)
		g->stack[i] &= stack[i];
}

/* for (i = 0; i < N; i++) a few ALU ops */
static void loop(struct gen *g)
{
	uint8_t i = (uint8_t)(7 + pick(g, 3));
	emit(g, I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, i, 0, 0, 0));
	g->init |= (uint16_t)(1u << i);
	size_t head = g->len;
	for (unsigned k = 1 + pick(g, 3); k--;) {
		alu(g);
		if (g->len && g->out[g->len - 1].dst_reg == i)
			g->len--; /* the counter stays the counter */
	}
	emit(g, I(BPFRT_ALU64 | BPFRT_ADD | BPFRT_K, i, 0, 0, 1));
	emit(g, I(BPFRT_JMP | BPFRT_JLT | BPFRT_K, i, 0, (int)head - (int)g->len - 1,
		  2 + pick(g, 6)));
}

static void ld_map(struct gen *g, uint8_t reg, int map)
{
	emit(g, I(BPFRT_LD | BPFRT_IMM | BPFRT_DW, reg, BPFRT_PSEUDO_MAP_IDX, 0, map));
	emit(g, I(0, 0, 0, 0, 0));
}

/* A lookup in the array (32-byte values) or the hash (8-byte values), a
 * null check (usually), then pointer arithmetic and an access. */
static void lookup(struct gen *g)
{
	int map = (int)pick(g, 2);
	int vsize = map ? 8 : 32;
	if (chance(g, 90)) {
		emit(g, I(BPFRT_ST | BPFRT_MEM | BPFRT_W, 10, 0, -4, map ? rnd_imm(g) : 0));
		mark_stack(g, -4, 4);
	}
	emit(g, I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, 2, 10, 0, 0));
	emit(g, I(BPFRT_ALU64 | BPFRT_ADD | BPFRT_K, 2, 0, 0, -4));
	ld_map(g, 1, map);
	emit(g, I(BPFRT_JMP | BPFRT_CALL, 0, 0, 0, 1));
	clobber_call(g);
	g->init &= (uint16_t)~1u; /* r0 is a pointer */
	size_t at = g->len;
	bool checked = chance(g, 90);
	if (checked)
		emit(g, I(BPFRT_JMP | BPFRT_JEQ | BPFRT_K, 0, 0, 0, 0));
	unsigned s = pick(g, 4);
	int bytes = size_bytes[s];
	uint8_t x = (uint8_t)(7 + pick(g, 3));
	bool x_was_init = g->init & (1u << x);
	if (chance(g, 60)) {
		/* variable offset: an unknown idx & mask */
		if (!x_was_init || chance(g, 30)) {
			/* a fresh unknown; the value pointer waits in r6 */
			emit(g, I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, 6, 0, 0, 0));
			emit(g, I(BPFRT_JMP | BPFRT_CALL, 0, 0, 0, 7));
			emit(g, I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, x, 0, 0, 0));
			emit(g, I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, 0, 6, 0, 0));
		}
		int32_t mask = (int32_t)((vsize - bytes) | (chance(g, 15) ? vsize : 0));
		if (chance(g, 92))
			emit(g, I(BPFRT_ALU64 | BPFRT_AND | BPFRT_K, x, 0, 0, mask));
		emit(g, I(BPFRT_ALU64 | BPFRT_ADD | BPFRT_X, 0, x, 0, 0));
		if (chance(g, 5))
			emit(g, I(BPFRT_ALU64 | BPFRT_AND | BPFRT_K, 0, 0, 0, -8)); /* forbidden */
		if (chance(g, 50))
			emit(g, I(BPFRT_LDX | BPFRT_MEM | sizes[s], (uint8_t)(1 + pick(g, 5)), 0, 0, 0));
		else
			emit(g, I(BPFRT_STX | BPFRT_MEM | sizes[s], 0, src_reg(g), 0, 0));
	} else {
		int off = bytes * (int)pick(g, (unsigned)(vsize / bytes) + (chance(g, 10) ? 1 : 0));
		if (chance(g, 5))
			off = -bytes;
		if (chance(g, 50))
			emit(g, I(BPFRT_LDX | BPFRT_MEM | sizes[s], (uint8_t)(1 + pick(g, 5)), 0, off, 0));
		else
			emit(g, I(BPFRT_ST | BPFRT_MEM | sizes[s], 0, 0, off, rnd_imm(g)));
	}
	if (checked)
		g->out[at].off = (int16_t)(g->len - at - 1);
	/* r0 is a pointer, r1-r6 clobbered on some path, x set on one path only */
	g->init &= (uint16_t)~0x7fu;
	if (!x_was_init)
		g->init &= (uint16_t)~(1u << x);
}

/* Pointer arithmetic on a stack pointer and an access through it. */
static void stack_ptr(struct gen *g)
{
	uint8_t p = (uint8_t)(1 + pick(g, 5));
	unsigned s = pick(g, 4);
	int bytes = size_bytes[s];
	int base = -8 * (int)(1 + pick(g, 8));
	emit(g, I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, p, 10, 0, 0));
	emit(g, I(BPFRT_ALU64 | BPFRT_ADD | BPFRT_K, p, 0, 0, base));
	int off = bytes * (int)pick(g, (unsigned)(8 / bytes));
	if (chance(g, 8))
		off += 8 * (int)(1 + pick(g, 2)) * (chance(g, 50) ? 1 : -100);
	if (chance(g, 60)) {
		emit(g, I(BPFRT_STX | BPFRT_MEM | sizes[s], p, src_reg(g), off, 0));
		if (base + off >= -64 && base + off + bytes <= 0)
			mark_stack(g, base + off, bytes);
	} else {
		uint8_t d = dst_reg(g);
		emit(g, I(BPFRT_LDX | BPFRT_MEM | sizes[s], d, p, off, 0));
		g->init |= (uint16_t)(1u << d);
	}
	g->init &= (uint16_t)~(1u << p);
}

static void snippet(struct gen *g)
{
	unsigned k = pick(g, 100);
	if (k < 15)
		mov_imm(g);
	else if (k < 40)
		alu(g);
	else if (k < 47)
		unknown(g);
	else if (k < 57)
		stack_store(g);
	else if (k < 64)
		stack_load(g);
	else if (k < 76 && g->depth < 2)
		branch(g);
	else if (k < 80 && g->depth == 0)
		loop(g);
	else if (k < 92)
		lookup(g);
	else
		stack_ptr(g);
}

size_t gen_program(uint64_t seed, struct bpfrt_insn *insns, size_t max)
{
	struct gen g = { .rng = seed * 0x9E3779B97F4A7C15ULL + 1, .out = insns, .max = max - 4 };
	for (int i = 0; i < 4; i++)
		rnd(&g);
	/* r1 and r2 are our raw context, the kernel's skb and nothing: the
	 * program starts by setting them so that both see the same */
	emit(&g, I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, 1, 0, 0, 0));
	emit(&g, I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, 2, 0, 0, 0));
	g.init |= 0x6;
	for (unsigned k = 6 + pick(&g, 20); k-- && g.len + 40 < g.max;)
		snippet(&g);
	if (!(g.init & 1) || chance(&g, 50)) {
		if (chance(&g, 97))
			emit(&g, I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, 0, 0, 0, pick(&g, 3)));
		else
			emit(&g, I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, 0, src_reg(&g), 0, 0));
	}
	g.max += 4;
	emit(&g, I(BPFRT_JMP | BPFRT_EXIT, 0, 0, 0, 0));
	return g.len;
}
