/* SPDX-License-Identifier: MIT */
/* The program generator of the verdict differential test: see verdict_gen.h. */
#include "verdict_gen.h"

#include <stdbool.h>
#include <string.h>

#include "support/xorshift.h"

#define I(c, d, s, o, i)                                                                      \
	((struct bpfrt_insn){ .code = (uint8_t)(c), .dst_reg = (d), .src_reg = (s),           \
			      .off = (int16_t)(o), .imm = (int32_t)(i) })
#define MOV(d, s) I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, d, s, 0, 0)
#define MOVK(d, k) I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, d, 0, 0, k)
#define ADDK(d, k) I(BPFRT_ALU64 | BPFRT_ADD | BPFRT_K, d, 0, 0, k)
#define ADDX(d, s) I(BPFRT_ALU64 | BPFRT_ADD | BPFRT_X, d, s, 0, 0)
#define JA(o) I(BPFRT_JMP | BPFRT_JA, 0, 0, o, 0)

#define PKT 6	     /* r6: GEN_PKT_LEN bytes of packet, never written */
#define CTX_SLOT -72 /* the context, spilled by the prologue */
#define MAX_SUBS 8

/* A call of a subprogram, emitted after the main program. */
struct sub {
	size_t call_at;
	int kind;
	uint8_t op, cls, size, store;
	int32_t k, off;
};

struct gen {
	uint64_t rng;
	struct bpfrt_insn *out;
	size_t len, max;
	uint16_t init;	     /* registers holding initialised scalars */
	uint16_t ptrs;	     /* registers that may hold a pointer */
	uint8_t stack[64];   /* bytes r10-64 .. r10-1 written */
	int depth;	     /* nesting of branches and loops */
	struct sub subs[MAX_SUBS];
	size_t nsubs;
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

/* Points the forward jump at `at` to the next instruction. */
static void land(struct gen *g, size_t at)
{
	if (at < g->len)
		g->out[at].off = (int16_t)(g->len - at - 1);
}

static void set_init(struct gen *g, uint8_t r)
{
	g->init |= (uint16_t)(1u << r);
	g->ptrs &= (uint16_t)~(1u << r);
}

/* r holds a pointer: no scalar operand is taken from it, so that no
 * address is stored in memory and read back as bytes (a run would then
 * depend on where the kernel and bpfrt put the packet, seed 1467). */
static void set_ptr(struct gen *g, uint8_t r)
{
	g->init &= (uint16_t)~(1u << r);
	g->ptrs |= (uint16_t)(1u << r);
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
	if (!n || chance(g, 2)) { /* any one, maybe uninitialised, but not a pointer */
		unsigned i = pick(g, sizeof(scalar_regs));
		for (unsigned k = 0; k < sizeof(scalar_regs); k++) {
			uint8_t r = scalar_regs[(i + k) % sizeof(scalar_regs)];
			if (!(g->ptrs >> r & 1))
				return r;
		}
		return scalar_regs[i];
	}
	return cand[pick(g, n)];
}

static uint8_t dst_reg(struct gen *g)
{
	return scalar_regs[pick(g, sizeof(scalar_regs))];
}

/* A scalar register other than r0 and the ones in `avoid` (a mask). */
static uint8_t free_reg(struct gen *g, uint16_t avoid)
{
	static const uint8_t regs[] = { 1, 2, 3, 4, 5, 7, 8, 9 };
	for (int tries = 0; tries < 32; tries++) {
		uint8_t r = regs[pick(g, sizeof(regs))];
		if (!(avoid & (1u << r)))
			return r;
	}
	for (unsigned i = 0; i < sizeof(regs); i++)
		if (!(avoid & (1u << regs[i])))
			return regs[i];
	return 9;
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
	g->ptrs &= (uint16_t)~0x3f;
	g->init |= 1;
}

static const uint8_t sizes[] = { BPFRT_DW, BPFRT_W, BPFRT_H, BPFRT_B };
static const int size_bytes[] = { 8, 4, 2, 1 };

static void mark_stack(struct gen *g, int off, int bytes)
{
	for (int i = 0; i < bytes; i++)
		if (off + i >= -64 && off + i < 0)
			g->stack[64 + off + i] = 1;
}

static bool stack_written(const struct gen *g, int off, int bytes)
{
	for (int i = 0; i < bytes; i++)
		if (off + i < -64 || off + i >= 0 || !g->stack[64 + off + i])
			return false;
	return true;
}

static void mov_imm(struct gen *g)
{
	uint8_t d = dst_reg(g);
	if (chance(g, 15))
		emit(g, I(BPFRT_ALU | BPFRT_MOV | BPFRT_K, d, 0, 0, rnd_imm(g)));
	else
		emit(g, I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, d, 0, 0, rnd_imm(g)));
	set_init(g, d);
}

/* One ALU operation on d: every opcode, both widths, signed division and
 * modulo, movsx, bswap, divisors that may be zero. */
static void alu_on(struct gen *g, uint8_t d)
{
	static const uint8_t ops[] = { BPFRT_ADD, BPFRT_SUB, BPFRT_MUL, BPFRT_DIV, BPFRT_OR,
				       BPFRT_AND, BPFRT_LSH, BPFRT_RSH, BPFRT_MOD, BPFRT_XOR,
				       BPFRT_ARSH, BPFRT_MOV, BPFRT_NEG, BPFRT_END };
	uint8_t op = ops[pick(g, sizeof(ops))];
	bool alu32 = chance(g, 30);
	uint8_t cls = alu32 ? BPFRT_ALU : BPFRT_ALU64;
	int16_t off = 0;
	if ((op == BPFRT_DIV || op == BPFRT_MOD) && chance(g, 35))
		off = 1; /* sdiv, smod */
	if (op == BPFRT_NEG) {
		emit(g, I(cls | op | BPFRT_K, d, 0, 0, 0));
		return;
	}
	if (op == BPFRT_END) {
		static const int32_t widths[] = { 16, 32, 64 };
		int32_t w = widths[pick(g, 3)];
		if (chance(g, 40)) /* bswap */
			emit(g, I(BPFRT_ALU64 | BPFRT_END | BPFRT_K, d, 0, 0, w));
		else
			emit(g, I(BPFRT_ALU | BPFRT_END | (chance(g, 50) ? BPFRT_TO_BE : BPFRT_TO_LE),
				  d, 0, 0, w));
		return;
	}
	if (op == BPFRT_MOV && chance(g, 40)) { /* movsx */
		static const int16_t ext[] = { 8, 16, 32 };
		emit(g, I(cls | op | BPFRT_X, d, src_reg(g), ext[pick(g, alu32 ? 2 : 3)], 0));
		return;
	}
	if (chance(g, 50)) {
		int32_t imm = rnd_imm(g);
		if (op == BPFRT_LSH || op == BPFRT_RSH || op == BPFRT_ARSH)
			imm = (int32_t)pick(g, alu32 ? 32 : 64);
		if ((op == BPFRT_DIV || op == BPFRT_MOD) && !imm && !chance(g, 3))
			imm = 3;
		emit(g, I(cls | op | BPFRT_K, d, 0, off, imm));
	} else {
		emit(g, I(cls | op | BPFRT_X, d, src_reg(g), off, 0));
	}
}

static void alu(struct gen *g)
{
	uint8_t d = chance(g, 20) ? dst_reg(g) : src_reg(g);
	size_t at = g->len;
	alu_on(g, d);
	if (at == g->len) /* out of room */
		return;
	/* a pointer plus something, or something plus a pointer, is one */
	const struct bpfrt_insn *in = &g->out[at];
	bool mov_k = BPFRT_OP(in->code) == BPFRT_MOV && BPFRT_SRC(in->code) == BPFRT_K;
	if ((BPFRT_SRC(in->code) == BPFRT_X && BPFRT_OP(in->code) != BPFRT_END &&
	     (g->ptrs >> in->src_reg & 1)) ||
	    ((g->ptrs >> d & 1) && !mov_k))
		set_ptr(g, d);
	else
		set_init(g, d);
}

/* d = an unknown: packet bytes, sometimes sign-extended. */
static void unknown_into(struct gen *g, uint8_t d)
{
	unsigned s = pick(g, 4);
	int bytes = size_bytes[s];
	int off = (int)pick(g, (unsigned)(GEN_PKT_LEN - bytes + 1));
	bool sx = bytes < 8 && chance(g, 20);
	emit(g, I(BPFRT_LDX | (sx ? BPFRT_MEMSX : BPFRT_MEM) | sizes[s], d, PKT, off, 0));
	set_init(g, d);
}

static void unknown(struct gen *g)
{
	unknown_into(g, dst_reg(g));
}

/* d = a field of struct xdp_md through the spilled context: a scalar one
 * (ifindexes, queue), plain or sign-extending; rarely a pointer field
 * sign-extended (refused: it would not be a pointer any more). */
static void ctx_load(struct gen *g)
{
	uint8_t d = dst_reg(g);
	bool sx = chance(g, 40);
	int off = sx && chance(g, 15) ? 4 * (int)pick(g, 3) : 12 + 4 * (int)pick(g, 3);
	emit(g, I(BPFRT_LDX | BPFRT_MEM | BPFRT_DW, d, 10, CTX_SLOT, 0));
	emit(g, I(BPFRT_LDX | (sx ? BPFRT_MEMSX : BPFRT_MEM) | BPFRT_W, d, d, off, 0));
	set_init(g, d);
}

static int stack_off(struct gen *g, int bytes)
{
	/* aligned, within the 64 bytes the generator uses */
	return -bytes * (int)(1 + pick(g, (unsigned)(64 / bytes)));
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
	bool sx = size_bytes[s] < 8 && chance(g, 20);
	emit(g, I(BPFRT_LDX | (sx ? BPFRT_MEMSX : BPFRT_MEM) | sizes[s], d, 10, off, 0));
	set_init(g, d); /* a spilled pointer would make it one: not generated */
}

/* A spill of r and a fill into r: whole, partial (either half, a byte),
 * 32-bit, sign-extending, over a partly overwritten slot. */
static void spill_fill(struct gen *g, uint8_t r)
{
	int slot = -8 * (int)(1 + pick(g, 8));
	unsigned ss = chance(g, 60) ? 0 : pick(g, 4);
	unsigned ls = chance(g, 50) ? ss : pick(g, 4);
	emit(g, I(BPFRT_STX | BPFRT_MEM | sizes[ss], 10, r, slot, 0));
	mark_stack(g, slot, size_bytes[ss]);
	if (chance(g, 15)) { /* a byte of the spill overwritten */
		int at = slot + (int)pick(g, 8);
		emit(g, I(BPFRT_ST | BPFRT_MEM | BPFRT_B, 10, 0, at, (int32_t)pick(g, 256)));
		mark_stack(g, at, 1);
	}
	int lb = size_bytes[ls];
	int off = slot + (chance(g, 70) ? 0 : lb * (int)pick(g, (unsigned)(8 / lb)));
	bool sx = lb < 8 && chance(g, 20);
	emit(g, I(BPFRT_LDX | (sx ? BPFRT_MEMSX : BPFRT_MEM) | sizes[ls], r, 10, off, 0));
}

static void snippet(struct gen *g);

/* A conditional jump on r, its offset patched later. Constants near `span`
 * (the bound that makes an access safe) or interesting in either order. */
static const uint8_t conds[] = { BPFRT_JEQ,  BPFRT_JNE,	 BPFRT_JGT,  BPFRT_JGE,
				 BPFRT_JLT,  BPFRT_JLE,	 BPFRT_JSGT, BPFRT_JSGE,
				 BPFRT_JSLT, BPFRT_JSLE, BPFRT_JSET };

static int32_t near_imm(struct gen *g, int32_t span)
{
	static const int32_t odd[] = { 0, -1, 1, 0x7fffffff, (int32_t)0x80000000, 0xffff, 0x100 };
	if (chance(g, 75))
		return span + (int32_t)pick(g, 3) - 1;
	return odd[pick(g, sizeof(odd) / sizeof(odd[0]))];
}

/* Jumps (patched to the snippet's end by the caller: their indexes into
 * at[]) taken when r is not in [0, span], roughly: the usual guards of C
 * code, sometimes one too wide, sometimes signed where unsigned is needed,
 * sometimes on 32 bits only, sometimes against a register. */
static size_t guards(struct gen *g, uint8_t r, int32_t span, uint16_t busy, size_t *at)
{
	size_t n = 0;
	uint8_t cls = chance(g, 25) ? BPFRT_JMP32 : BPFRT_JMP;
	int32_t k = chance(g, 85) ? span : near_imm(g, span);
	switch (pick(g, 7)) {
	case 0: /* if r > k goto end */
		at[n++] = g->len;
		emit(g, I(cls | BPFRT_JGT | BPFRT_K, r, 0, 0, k));
		break;
	case 1: /* if r >= k + 1 goto end */
		at[n++] = g->len;
		emit(g, I(cls | BPFRT_JGE | BPFRT_K, r, 0, 0, (int32_t)((uint32_t)k + 1)));
		break;
	case 2: /* if r s> k goto end; if r s< 0 goto end (the second sometimes missing) */
		at[n++] = g->len;
		emit(g, I(cls | BPFRT_JSGT | BPFRT_K, r, 0, 0, k));
		if (chance(g, 85)) {
			at[n++] = g->len;
			emit(g, I((chance(g, 80) ? cls : BPFRT_JMP32 + BPFRT_JMP - cls) | BPFRT_JSLT |
					  BPFRT_K,
				  r, 0, 0, 0));
		}
		break;
	case 3: /* if r <= k goto +1; goto end */
		emit(g, I(cls | BPFRT_JLE | BPFRT_K, r, 0, 1, k));
		at[n++] = g->len;
		emit(g, JA(0));
		break;
	case 4: { /* against a register: z = k; if r > z goto end (or z < r) */
		uint8_t z = free_reg(g, busy);
		emit(g, MOVK(z, k));
		set_init(g, z);
		at[n++] = g->len;
		if (chance(g, 50))
			emit(g, I(cls | BPFRT_JGT | BPFRT_X, r, z, 0, 0));
		else
			emit(g, I(cls | BPFRT_JLT | BPFRT_X, z, r, 0, 0));
		break;
	}
	case 5: /* if r s>= k + 1 goto end, then an unsigned one on the other width */
		at[n++] = g->len;
		emit(g, I(cls | BPFRT_JSGE | BPFRT_K, r, 0, 0, (int32_t)((uint32_t)k + 1)));
		at[n++] = g->len;
		emit(g, I((chance(g, 50) ? BPFRT_JMP : BPFRT_JMP32) | BPFRT_JGT | BPFRT_K, r, 0, 0,
			  near_imm(g, span)));
		break;
	default: /* anything, one to three times */
		for (unsigned c = 1 + pick(g, 3); c--;) {
			at[n++] = g->len;
			emit(g, I((chance(g, 25) ? BPFRT_JMP32 : BPFRT_JMP) |
					  conds[pick(g, sizeof(conds))] | BPFRT_K,
				  r, 0, 0, near_imm(g, span)));
		}
	}
	return n;
}

/* Operations on an index before its bounds are checked: its width and
 * sign are what the compares must get right. */
static void pre_xform(struct gen *g, uint8_t x)
{
	switch (pick(g, 12)) {
	case 0: emit(g, I(BPFRT_ALU | BPFRT_ADD | BPFRT_K, x, 0, 0, rnd_imm(g))); break;
	case 1: emit(g, I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, x, x, 8 << pick(g, 3), 0)); break;
	case 2: emit(g, I(BPFRT_ALU | BPFRT_MOV | BPFRT_X, x, x, 8 << pick(g, 2), 0)); break;
	case 3: emit(g, I(BPFRT_ALU64 | BPFRT_END | BPFRT_K, x, 0, 0, 16 << pick(g, 3))); break;
	case 4: emit(g, I(BPFRT_ALU | BPFRT_END | BPFRT_TO_BE, x, 0, 0, 16 << pick(g, 2))); break;
	case 5: emit(g, I(BPFRT_ALU64 | BPFRT_ARSH | BPFRT_K, x, 0, 0, pick(g, 64))); break;
	case 6: emit(g, I(BPFRT_ALU64 | BPFRT_NEG, x, 0, 0, 0)); break;
	case 7:
		emit(g, I((chance(g, 50) ? BPFRT_ALU : BPFRT_ALU64) | BPFRT_MOD | BPFRT_K, x, 0,
			  chance(g, 50), 1 + pick(g, 100)));
		break;
	case 8:
		emit(g, I((chance(g, 50) ? BPFRT_ALU : BPFRT_ALU64) | BPFRT_DIV | BPFRT_X, x,
			  src_reg(g), chance(g, 30), 0));
		break;
	case 9: emit(g, I(BPFRT_ALU | BPFRT_SUB | BPFRT_X, x, src_reg(g), 0, 0)); break;
	case 10: emit(g, I(BPFRT_ALU64 | BPFRT_AND | BPFRT_K, x, 0, 0, (int32_t)pick(g, 256) - 64)); break;
	default: alu_on(g, x);
	}
}

/* Operations on an index after its bounds are checked (and before it is
 * added to a pointer): bounds must follow exactly. */
static void post_xform(struct gen *g, uint8_t x)
{
	switch (pick(g, 8)) {
	case 0: emit(g, I(BPFRT_ALU64 | BPFRT_LSH | BPFRT_K, x, 0, 0, 1)); break;
	case 1: emit(g, I(BPFRT_ALU | BPFRT_MOV | BPFRT_X, x, x, 0, 0)); break;
	case 2: emit(g, I(BPFRT_ALU64 | BPFRT_SUB | BPFRT_K, x, 0, 0, (int32_t)pick(g, 9) - 4)); break;
	case 3: emit(g, I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, x, x, 8 << pick(g, 3), 0)); break;
	case 4: emit(g, I(BPFRT_ALU | BPFRT_MUL | BPFRT_K, x, 0, 0, 1 + pick(g, 3))); break;
	case 5: emit(g, I(BPFRT_ALU64 | BPFRT_RSH | BPFRT_K, x, 0, 0, pick(g, 3))); break;
	case 6: emit(g, I(BPFRT_ALU | BPFRT_ARSH | BPFRT_K, x, 0, 0, pick(g, 4))); break;
	default: spill_fill(g, x);
	}
}

enum base { B_STACK, B_PKT, B_MAP };

static void ld_map(struct gen *g, uint8_t reg, int map)
{
	emit(g, I(BPFRT_LD | BPFRT_IMM | BPFRT_DW, reg, BPFRT_PSEUDO_MAP_IDX, 0, map));
	emit(g, I(0, 0, 0, 0, 0));
}

/* r0 = a lookup in map `map`; the key written at r10-4. */
static void emit_lookup(struct gen *g, int map)
{
	if (chance(g, 95)) {
		emit(g, I(BPFRT_ST | BPFRT_MEM | BPFRT_W, 10, 0, -4,
			  map ? (int32_t)pick(g, 12) : (chance(g, 90) ? 0 : 1)));
		mark_stack(g, -4, 4);
	}
	emit(g, MOV(2, 10));
	emit(g, ADDK(2, -4));
	ld_map(g, 1, map);
	emit(g, I(BPFRT_JMP | BPFRT_CALL, 0, 0, 0, 1));
	clobber_call(g);
	set_ptr(g, 0); /* r0 is a pointer */
}

/* The access through p at off: a load (plain or sign-extending), a store
 * of a register or an immediate, sometimes an atomic add. */
static void access(struct gen *g, uint8_t p, unsigned s, int off, uint16_t busy, bool pkt)
{
	int bytes = size_bytes[s];
	switch (pick(g, pkt ? 9 : 10)) {
	case 0: case 1: case 2: case 3: {
		uint8_t d = free_reg(g, busy);
		bool sx = bytes < 8 && chance(g, 25);
		emit(g, I(BPFRT_LDX | (sx ? BPFRT_MEMSX : BPFRT_MEM) | sizes[s], d, p, off, 0));
		set_init(g, d);
		break;
	}
	case 4: case 5: case 6:
		emit(g, I(BPFRT_STX | BPFRT_MEM | sizes[s], p, src_reg(g), off, 0));
		break;
	case 7: case 8:
		emit(g, I(BPFRT_ST | BPFRT_MEM | sizes[s], p, 0, off, rnd_imm(g)));
		break;
	default:
		emit(g, I(BPFRT_STX | BPFRT_ATOMIC | (bytes == 8 ? BPFRT_DW : BPFRT_W), p,
			  src_reg(g), off, BPFRT_ADD));
	}
}

/* A lookup in map 0 (60%) or 1 leaving its value pointer in r0, mostly
 * null-checked (the jump is returned in *null_at); returns the value's
 * bytes. */
static int map_value_base(struct gen *g, size_t *null_at)
{
	int map = chance(g, 60) ? 0 : 1;
	emit_lookup(g, map);
	if (chance(g, 93)) {
		*null_at = g->len;
		emit(g, I(BPFRT_JMP | BPFRT_JEQ | BPFRT_K, 0, 0, 0, 0));
	}
	return map ? 8 : 32;
}

/* Sets up a base pointer in p over `span` bytes (B_MAP: after a lookup and
 * its null check, whose jump is returned in *null_at). */
static int base_ptr(struct gen *g, enum base b, uint8_t p, size_t *null_at)
{
	*null_at = (size_t)-1;
	switch (b) {
	case B_STACK: {
		int span = 8 << pick(g, 4);
		set_ptr(g, p);
		emit(g, MOV(p, 10));
		emit(g, ADDK(p, -span));
		return span;
	}
	case B_PKT: {
		int skip = chance(g, 70) ? 0 : (int)pick(g, 16);
		set_ptr(g, p);
		emit(g, MOV(p, PKT));
		if (skip)
			emit(g, ADDK(p, skip));
		return GEN_PKT_LEN - skip;
	}
	default:
		return 0;
	}
}

/* A packet pointer moved by a variable has no range (the kernel's rule):
 * data_end is loaded again and p + off + bytes compared with it; the jump
 * (to the end of the snippet) is returned. */
static size_t pkt_end_check(struct gen *g, uint8_t p, int end, uint16_t busy)
{
	uint8_t e = free_reg(g, busy), t = free_reg(g, (uint16_t)(busy | 1u << e));
	emit(g, I(BPFRT_LDX | BPFRT_MEM | BPFRT_DW, e, 10, CTX_SLOT, 0));
	emit(g, I(BPFRT_LDX | BPFRT_MEM | BPFRT_W, e, e, 4, 0));
	emit(g, MOV(t, p));
	emit(g, ADDK(t, chance(g, 90) ? end : end - 1));
	size_t at = g->len;
	emit(g, I(BPFRT_JMP | BPFRT_JGT | BPFRT_X, t, e, 0, 0));
	set_ptr(g, e);
	set_ptr(g, t);
	return at;
}

/* p = base; p += an index bounded (or not) by compares; an access. The
 * heart of the generator: bounds from compares of every kind, on copies,
 * through spills, used for memory. */
static void index_access(struct gen *g)
{
	enum base b = (enum base)pick(g, 3);
	size_t at[8], n = 0, null_at = (size_t)-1;
	int span = 0;
	uint8_t p = 0;
	unsigned s = pick(g, 4);
	int bytes = size_bytes[s];
	if (b == B_MAP) {
		span = map_value_base(g, &null_at);
		p = 0;
	}
	uint16_t busy = (uint16_t)(1u << 0);
	uint8_t x = free_reg(g, busy);
	busy |= (uint16_t)(1u << x);
	if (chance(g, 85) || !(g->init & (1u << x)))
		unknown_into(g, x);
	for (unsigned k = pick(g, 3); k--;)
		pre_xform(g, x);
	uint8_t y = x;
	if (chance(g, 35)) { /* a copy: compared one, the other used */
		y = free_reg(g, busy);
		busy |= (uint16_t)(1u << y);
		emit(g, I(chance(g, 80) ? BPFRT_ALU64 | BPFRT_MOV | BPFRT_X
					: BPFRT_ALU | BPFRT_MOV | BPFRT_X,
			  y, x, 0, 0));
		set_init(g, y);
	}
	uint8_t gr = chance(g, 50) ? x : y, ar = gr == x ? y : x;
	if (b != B_MAP) {
		p = free_reg(g, (uint16_t)(busy | (1u << 0)));
		busy |= (uint16_t)(1u << p);
		span = base_ptr(g, b, p, &null_at);
	}
	uint16_t before = g->init;
	if (chance(g, 92))
		n = guards(g, gr, span - bytes, busy, at);
	if (chance(g, 30))
		post_xform(g, ar);
	if (b == B_STACK && bytes > 1 && chance(g, 90)) /* the kernel wants it aligned */
		emit(g, I(BPFRT_ALU64 | BPFRT_AND | BPFRT_K, ar, 0, 0, -bytes));
	emit(g, ADDX(p, ar));
	int off = chance(g, 85) ? 0 : (int)pick(g, 5) - 2;
	if (b == B_PKT)
		at[n++] = pkt_end_check(g, p, off + bytes, busy);
	access(g, p, s, off, busy, b == B_PKT);
	for (size_t i = 0; i < n; i++)
		land(g, at[i]);
	if (null_at != (size_t)-1)
		land(g, null_at);
	/* p is a pointer; what the guarded block set is set on one path only */
	g->init &= before;
	g->init &= (uint16_t)~((1u << p) | 1u);
}

/* A packet range proved again from the context at a variable offset:
 * r2 = data (+ bounded index), r4 = r2 + k, compared with data_end, an
 * access near the end. */
static void pkt_range(struct gen *g)
{
	static const int32_t ks[] = { 1, 2, 4, 8, 14, 20, 64, 100 };
	int32_t k = ks[pick(g, sizeof(ks) / sizeof(ks[0]))];
	size_t at[8], n = 0;
	uint8_t x = (uint8_t)(7 + pick(g, 3));
	bool var = chance(g, 60);
	if (var) {
		unknown_into(g, x);
		if (chance(g, 50))
			emit(g, I(BPFRT_ALU64 | BPFRT_AND | BPFRT_K, x, 0, 0,
				  chance(g, 80) ? 0xff : 0xffff));
		else
			n = guards(g, x, chance(g, 50) ? 255 : 0xffff, (uint16_t)(1u << x | 0x1f), at);
	}
	emit(g, I(BPFRT_LDX | BPFRT_MEM | BPFRT_DW, 1, 10, CTX_SLOT, 0));
	emit(g, I(BPFRT_LDX | BPFRT_MEM | BPFRT_W, 2, 1, 0, 0));
	emit(g, I(BPFRT_LDX | BPFRT_MEM | BPFRT_W, 3, 1, 4, 0));
	for (uint8_t r = 1; r <= 4; r++)
		set_ptr(g, r);
	if (var)
		emit(g, ADDX(2, x));
	emit(g, MOV(4, 2));
	emit(g, ADDK(4, k));
	size_t cmp = g->len;
	switch (pick(g, 4)) {
	case 0: emit(g, I(BPFRT_JMP | BPFRT_JGT | BPFRT_X, 4, 3, 0, 0)); break;
	case 1: emit(g, I(BPFRT_JMP | BPFRT_JLT | BPFRT_X, 3, 4, 0, 0)); break;
	case 2: emit(g, I(BPFRT_JMP | BPFRT_JGE | BPFRT_X, 4, 3, 0, 0)); break;
	default: emit(g, I(BPFRT_JMP | BPFRT_JLE | BPFRT_X, 3, 4, 0, 0)); break;
	}
	unsigned s = pick(g, 4);
	int bytes = size_bytes[s];
	int off = k - bytes + (chance(g, 80) ? 0 : (int)pick(g, 3) - 1);
	if (chance(g, 50))
		access(g, 2, s, off, (uint16_t)(1u << x | 0x1f), true);
	else
		access(g, 4, s, off - k, (uint16_t)(1u << x | 0x1f), true);
	land(g, cmp);
	for (size_t i = 0; i < n; i++)
		land(g, at[i]);
	g->init &= (uint16_t)~0x3fu;
}

/* if (cond) skip a block of snippets; the block's effects are kept only
 * where both ways agree. */
static void branch(struct gen *g)
{
	uint8_t op = conds[pick(g, sizeof(conds))];
	uint8_t cls = chance(g, 20) ? BPFRT_JMP32 : BPFRT_JMP;
	size_t at = g->len;
	if (chance(g, 60))
		emit(g, I(cls | op | BPFRT_K, src_reg(g), 0, 0, rnd_imm(g)));
	else
		emit(g, I(cls | op | BPFRT_X, src_reg(g), src_reg(g), 0, 0));
	uint16_t init = g->init, ptrs = g->ptrs;
	uint8_t stack[64];
	memcpy(stack, g->stack, sizeof(stack));
	g->depth++;
	for (unsigned k = 1 + pick(g, 4); k--;)
		snippet(g);
	g->depth--;
	land(g, at);
	g->init &= init;
	g->ptrs |= ptrs; /* a pointer on either way */
	for (int i = 0; i < 64; i++)
		g->stack[i] &= stack[i];
}

/* The back edge of a loop on counter i to head: i <op> n, an unsigned,
 * signed or != compare, sometimes on 32 bits. */
static void back_edge(struct gen *g, uint8_t i, size_t head, int32_t n)
{
	static const uint8_t ops[] = { BPFRT_JLT, BPFRT_JLE, BPFRT_JNE, BPFRT_JSLT, BPFRT_JSLE };
	uint8_t cls = chance(g, 20) ? BPFRT_JMP32 : BPFRT_JMP;
	emit(g, I(cls | ops[pick(g, sizeof(ops))] | BPFRT_K, i, 0, (int)head - (int)g->len - 1, n));
}

/* for (i = 0; i < N; i += step) a few ALU ops */
static void loop(struct gen *g)
{
	uint8_t i = (uint8_t)(7 + pick(g, 3));
	emit(g, MOVK(i, 0));
	set_init(g, i);
	size_t head = g->len;
	for (unsigned k = 1 + pick(g, 3); k--;) {
		alu(g);
		if (g->len && g->out[g->len - 1].dst_reg == i)
			g->len--; /* the counter stays the counter */
	}
	int32_t step = chance(g, 80) ? 1 : 1 + (int32_t)pick(g, 3);
	emit(g, ADDK(i, step));
	back_edge(g, i, head, 2 + (int32_t)pick(g, 6));
}

/* for (i = 0; i < N; i += step) p[i] = ... (or down to 0), over the stack,
 * the packet or a map value: the counter as an index (counted loops in
 * default mode); bounds sometimes one too far or never reached. */
static void index_loop(struct gen *g)
{
	enum base b = (enum base)pick(g, 3);
	size_t null_at = (size_t)-1;
	int span;
	unsigned s = pick(g, 4);
	int bytes = size_bytes[s];
	uint8_t i = (uint8_t)(7 + pick(g, 3)), v = 0, q = 1 + (uint8_t)pick(g, 5);
	if (b == B_MAP) {
		int map = chance(g, 60) ? 0 : 1;
		emit_lookup(g, map);
		span = map ? 8 : 32;
		null_at = g->len;
		emit(g, I(BPFRT_JMP | BPFRT_JEQ | BPFRT_K, 0, 0, 0, 0));
		v = q == 5 ? 4 : q + 1;
		emit(g, MOV(v, 0));
	} else {
		span = b == B_STACK ? 8 << pick(g, 4) : GEN_PKT_LEN;
	}
	bool down = chance(g, 25);
	int32_t step = chance(g, 70) ? 1 : (int32_t)(1 + pick(g, 4));
	int32_t last = (span - bytes) / step * step; /* the last safe index */
	emit(g, MOVK(i, down ? last + (chance(g, 10) ? step : 0) : 0));
	set_init(g, i);
	size_t head = g->len;
	set_ptr(g, q);
	if (b == B_STACK) {
		emit(g, MOV(q, 10));
		emit(g, ADDK(q, -span));
	} else {
		emit(g, MOV(q, b == B_PKT ? PKT : v));
	}
	emit(g, ADDX(q, i));
	size_t end_at = (size_t)-1;
	uint16_t busy = (uint16_t)(1u << i | 1u << v | 1u << q | 1u);
	if (b == B_PKT) /* past the access when beyond data_end */
		end_at = pkt_end_check(g, q, bytes, busy);
	access(g, q, s, 0, busy, b == B_PKT);
	if (end_at != (size_t)-1)
		land(g, end_at);
	if (chance(g, 30))
		alu(g);
	if (g->len && g->out[g->len - 1].dst_reg == i && BPFRT_CLASS(g->out[g->len - 1].code) != BPFRT_STX &&
	    BPFRT_CLASS(g->out[g->len - 1].code) != BPFRT_ST)
		g->len--; /* the counter stays the counter */
	if (down) {
		emit(g, I(BPFRT_ALU64 | BPFRT_SUB | BPFRT_K, i, 0, 0, step));
		uint8_t cls = chance(g, 20) ? BPFRT_JMP32 : BPFRT_JMP;
		switch (pick(g, 4)) {
		case 0: emit(g, I(cls | BPFRT_JSGE | BPFRT_K, i, 0, (int)head - (int)g->len - 1, 0)); break;
		case 1: emit(g, I(cls | BPFRT_JSGT | BPFRT_K, i, 0, (int)head - (int)g->len - 1, -1)); break;
		case 2: emit(g, I(cls | BPFRT_JNE | BPFRT_K, i, 0, (int)head - (int)g->len - 1, -step)); break;
		default: emit(g, I(cls | BPFRT_JGE | BPFRT_K, i, 0, (int)head - (int)g->len - 1, 0)); break;
		}
	} else {
		static const uint8_t ops[] = { BPFRT_JLT, BPFRT_JLE, BPFRT_JNE, BPFRT_JSLT, BPFRT_JSLE };
		uint8_t op = ops[pick(g, sizeof(ops))];
		int32_t n = op == BPFRT_JLE || op == BPFRT_JSLE ? last : last + step;
		if (chance(g, 12))
			n += 1 + (int32_t)pick(g, (unsigned)step + 1);
		emit(g, ADDK(i, step));
		emit(g, I((chance(g, 20) ? BPFRT_JMP32 : BPFRT_JMP) | op | BPFRT_K, i, 0,
			  (int)head - (int)g->len - 1, n));
	}
	if (null_at != (size_t)-1)
		land(g, null_at);
	g->init &= (uint16_t)~(0x3fu | (1u << i));
}

/* Map helpers with memory arguments: update (flags any, noexist, exist),
 * delete, lookup; the key at r10-4 (a constant or packet bits) or in a map
 * value, the value on the stack at a constant or bounded variable offset or
 * in a map value; rarely a byte of it never written, an index one too wide
 * or a key at an unaligned spot (unsafe, or refused, on purpose). r0, the
 * helper's result, is folded into the program's. */
static void helper_args(struct gen *g)
{
	int map = chance(g, 50) ? 0 : 1, vsize = map ? 8 : 32;
	unsigned what = pick(g, 6); /* 0-2 update, 3 delete, 4-5 lookup */
	size_t null_at = (size_t)-1;
	bool key_in_value = chance(g, 15), value_in_map = what < 3 && chance(g, 20);
	if (key_in_value || value_in_map) { /* r0 = a value of map 0 (32 bytes) */
		map_value_base(g, &null_at);
		emit(g, MOV(chance(g, 50) ? 7 : 8, 0));
		uint8_t v = g->out[g->len - 1].dst_reg;
		set_ptr(g, v);
		if (key_in_value)
			emit(g, MOV(2, v));
		if (value_in_map)
			emit(g, MOV(3, v));
	}
	if (!key_in_value) {
		if (chance(g, 70)) {
			emit(g, I(BPFRT_ST | BPFRT_MEM | BPFRT_W, 10, 0, -4,
				  (int32_t)pick(g, map ? 18 : 2)));
		} else { /* a key from the packet */
			uint8_t k = free_reg(g, 0x3f);
			unknown_into(g, k);
			emit(g, I(BPFRT_ALU64 | BPFRT_AND | BPFRT_K, k, 0, 0, map ? 15 : 1));
			emit(g, I(BPFRT_STX | BPFRT_MEM | BPFRT_W, 10, k, -4, 0));
		}
		mark_stack(g, -4, 4);
		emit(g, MOV(2, 10));
		emit(g, ADDK(2, chance(g, 97) ? -4 : -3));
	}
	set_ptr(g, 2);
	if (what < 3 && !value_in_map) {
		/* the value at r10-64+off: written first, mostly */
		int room = 56 - vsize; /* below the key's slot */
		int off = 8 * (int)pick(g, (unsigned)room / 8 + 1);
		bool var = chance(g, 35);
		if (!stack_written(g, -64, 56) && chance(g, 95))
			for (int o = -64; o < -8; o += 8) {
				emit(g, I(BPFRT_ST | BPFRT_MEM | BPFRT_DW, 10, 0, o, rnd_imm(g)));
				mark_stack(g, o, 8);
			}
		emit(g, MOV(3, 10));
		if (var) { /* r3 += an index in [0, room] (sometimes one too wide) */
			uint8_t x = free_reg(g, 0x3f);
			unknown_into(g, x);
			emit(g, I(BPFRT_ALU64 | BPFRT_AND | BPFRT_K, x, 0, 0,
				  chance(g, 90) ? (room >= 16 ? 16 : 8) : 63));
			emit(g, ADDK(3, -64));
			emit(g, ADDX(3, x));
		} else {
			emit(g, ADDK(3, -64 + off));
		}
	}
	set_ptr(g, 3);
	ld_map(g, 1, map);
	set_ptr(g, 1);
	int32_t id = what < 3 ? 2 : what == 3 ? 3 : 1; /* update, delete, lookup */
	if (what < 3)
		emit(g, MOVK(4, (int32_t)what)); /* BPF_ANY, BPF_NOEXIST, BPF_EXIST */
	emit(g, I(BPFRT_JMP | BPFRT_CALL, 0, 0, 0, id));
	clobber_call(g);
	if (id == 1) { /* the value, or NULL: a read of it, checked */
		size_t at = g->len;
		emit(g, I(BPFRT_JMP | BPFRT_JEQ | BPFRT_K, 0, 0, 0, 0));
		emit(g, I(BPFRT_LDX | BPFRT_MEM | BPFRT_W, 0, 0, 0, 0));
		land(g, at);
	}
	set_init(g, 0);
	if (null_at != (size_t)-1) {
		/* the lookup's NULL way jumps here, r0 = 0 */
		size_t skip = g->len;
		emit(g, JA(0));
		land(g, null_at);
		emit(g, MOVK(0, 0));
		land(g, skip);
	}
}

/* ---- BPF-to-BPF calls ---- */

enum { SUB_RET, SUB_ACCESS, SUB_STACK_WRITE, SUB_KINDS };

static void emit_call(struct gen *g, struct sub sb)
{
	if (g->nsubs == MAX_SUBS)
		return;
	sb.call_at = g->len;
	g->subs[g->nsubs++] = sb;
	emit(g, I(BPFRT_JMP | BPFRT_CALL, 0, BPFRT_PSEUDO_CALL, 0, 0));
	clobber_call(g);
}

/* A call: r0 = sub(index) bounded by the callee, used as an index here;
 * sub(p, index) accessing p[index]; sub(r10 - n) writing the caller's
 * stack, read back here. */
static void call_sub(struct gen *g)
{
	struct sub sb = { .kind = (int)pick(g, SUB_KINDS) };
	unsigned s = pick(g, 4);
	sb.size = (uint8_t)s;
	if (sb.kind == SUB_RET) {
		size_t null_at;
		unknown_into(g, 1);
		if (chance(g, 40))
			pre_xform(g, 1);
		enum base b = chance(g, 50) ? B_STACK : B_PKT;
		uint8_t p = (uint8_t)(7 + pick(g, 3));
		int span = base_ptr(g, b, p, &null_at);
		sb.k = span - size_bytes[s];
		emit_call(g, sb);
		emit(g, ADDX(p, 0));
		access(g, p, s, 0, (uint16_t)(1u << p | 1u), b == B_PKT);
		g->init &= (uint16_t)~(1u << p);
	} else if (sb.kind == SUB_ACCESS) {
		size_t null_at = (size_t)-1, at[8], n = 0;
		enum base b = (enum base)pick(g, 3);
		int span;
		if (b == B_MAP) {
			span = map_value_base(g, &null_at);
			set_ptr(g, 1);
			emit(g, MOV(1, 0));
		} else {
			span = base_ptr(g, b, 1, &null_at);
		}
		unknown_into(g, 2);
		sb.k = span - size_bytes[s];
		sb.op = chance(g, 50); /* the caller checks the index */
		if (sb.op)
			n = guards(g, 2, sb.k, 0x7, at);
		sb.off = chance(g, 85) ? 0 : (int32_t)pick(g, 5) - 2;
		emit_call(g, sb);
		for (size_t i = 0; i < n; i++)
			land(g, at[i]);
		if (null_at != (size_t)-1)
			land(g, null_at);
		g->init &= (uint16_t)~0x3fu;
	} else {
		int slot = -8 * (int)(1 + pick(g, 8));
		sb.off = chance(g, 85) ? 0 : (chance(g, 50) ? 8 : -8);
		sb.k = rnd_imm(g);
		set_ptr(g, 1);
		emit(g, MOV(1, 10));
		emit(g, ADDK(1, slot));
		emit_call(g, sb);
		mark_stack(g, slot + sb.off, size_bytes[s]);
		uint8_t d = (uint8_t)(7 + pick(g, 3));
		emit(g, I(BPFRT_LDX | BPFRT_MEM | sizes[s], d, 10, slot, 0));
		set_init(g, d);
	}
}

static void emit_sub(struct gen *g, struct sub *sb)
{
	size_t at[8], n = 0;
	int32_t rel = (int32_t)(g->len - sb->call_at - 1);
	if (sb->call_at < g->len)
		g->out[sb->call_at].imm = rel;
	g->init = 1u << 1 | 1u << 2;
	g->ptrs = sb->kind == SUB_RET ? 0 : 1u << 1;
	memset(g->stack, 0, sizeof(g->stack));
	switch (sb->kind) {
	case SUB_RET:
		g->init = 1u << 1;
		n = guards(g, 1, sb->k, 0x3, at);
		emit(g, MOV(0, 1));
		if (!n) /* nothing jumps past: no dead code (the kernel refuses it) */
			break;
		emit(g, I(BPFRT_JMP | BPFRT_EXIT, 0, 0, 0, 0));
		for (size_t i = 0; i < n; i++)
			land(g, at[i]);
		emit(g, MOVK(0, 0));
		break;
	case SUB_ACCESS:
		g->init = 1u << 2;
		if (!sb->op || chance(g, 20))
			n = guards(g, 2, sb->k, 0x7, at);
		emit(g, ADDX(1, 2));
		access(g, 1, sb->size, sb->off, 0x7, false);
		emit(g, MOVK(0, 0));
		if (!n)
			break;
		emit(g, I(BPFRT_JMP | BPFRT_EXIT, 0, 0, 0, 0));
		for (size_t i = 0; i < n; i++)
			land(g, at[i]);
		emit(g, MOVK(0, 1));
		break;
	default:
		emit(g, I(BPFRT_ST | BPFRT_MEM | sizes[sb->size], 1, 0, sb->off, sb->k));
		emit(g, MOVK(0, 0));
	}
	emit(g, I(BPFRT_JMP | BPFRT_EXIT, 0, 0, 0, 0));
}

static void snippet(struct gen *g)
{
	unsigned k = pick(g, 100);
	if (k < 8)
		mov_imm(g);
	else if (k < 24)
		alu(g);
	else if (k < 27)
		unknown(g);
	else if (k < 29)
		ctx_load(g);
	else if (k < 35)
		stack_store(g);
	else if (k < 40)
		stack_load(g);
	else if (k < 44)
		spill_fill(g, src_reg(g));
	else if (k < 53 && g->depth < 2)
		branch(g);
	else if (k < 56 && g->depth == 0)
		loop(g);
	else if (k < 62 && g->depth == 0)
		index_loop(g);
	else if (k < 80)
		index_access(g);
	else if (k < 86)
		pkt_range(g);
	else if (k < 92)
		call_sub(g);
	else if (k < 96)
		helper_args(g);
	else
		index_access(g);
}

size_t gen_program(uint64_t seed, struct bpfrt_insn *insns, size_t max)
{
	struct gen g = { .rng = seed * 0x9E3779B97F4A7C15ULL + 1, .out = insns, .max = max - 4 };
	for (int i = 0; i < 4; i++)
		rnd(&g);
	/* r6 = data, GEN_PKT_LEN bytes proved; the context spilled; r1-r4 zero */
	emit(&g, I(BPFRT_LDX | BPFRT_MEM | BPFRT_W, 2, 1, 0, 0));
	emit(&g, I(BPFRT_LDX | BPFRT_MEM | BPFRT_W, 3, 1, 4, 0));
	emit(&g, I(BPFRT_STX | BPFRT_MEM | BPFRT_DW, 10, 1, CTX_SLOT, 0));
	emit(&g, MOV(4, 2));
	emit(&g, ADDK(4, GEN_PKT_LEN));
	emit(&g, I(BPFRT_JMP | BPFRT_JLE | BPFRT_X, 4, 3, 2, 0));
	emit(&g, MOVK(0, 0));
	emit(&g, I(BPFRT_JMP | BPFRT_EXIT, 0, 0, 0, 0));
	emit(&g, MOV(PKT, 2));
	for (uint8_t r = 1; r <= 4; r++)
		emit(&g, MOVK(r, 0));
	g.init |= 0x1e;
	if (chance(&g, 60)) /* the stack written, so reads of it are about bounds only */
		for (int off = -8; off >= -64; off -= 8) {
			emit(&g, I(BPFRT_ST | BPFRT_MEM | BPFRT_DW, 10, 0, off, (int32_t)pick(&g, 64)));
			mark_stack(&g, off, 8);
		}
	for (unsigned k = 3 + pick(&g, 12); k-- && g.len + 60 + 24 * MAX_SUBS < g.max;)
		snippet(&g);
	if (!(g.init & 1) || chance(&g, 50)) {
		if (chance(&g, 97))
			emit(&g, MOVK(0, pick(&g, 3)));
		else
			emit(&g, MOV(0, src_reg(&g)));
	}
	/* everything computed folds into r0's low 32 bits (what the kernel
	 * returns), so that runs compare the arithmetic too */
	static const uint8_t fold[] = { 1, 2, 3, 4, 5, 7, 8, 9 };
	for (unsigned i = 0; i < sizeof(fold); i++)
		if (g.init & (1u << fold[i]) && chance(&g, 70))
			emit(&g, I(BPFRT_ALU64 | (chance(&g, 50) ? BPFRT_XOR : BPFRT_ADD) | BPFRT_X,
				   0, fold[i], 0, 0));
	if (g.init & 1) {
		emit(&g, MOV(1, 0));
		emit(&g, I(BPFRT_ALU64 | BPFRT_RSH | BPFRT_K, 1, 0, 0, 32));
		emit(&g, I(BPFRT_ALU64 | BPFRT_XOR | BPFRT_X, 0, 1, 0, 0));
	}
	emit(&g, I(BPFRT_JMP | BPFRT_EXIT, 0, 0, 0, 0));
	g.max += 4;
	for (size_t i = 0; i < g.nsubs; i++)
		emit_sub(&g, &g.subs[i]);
	return g.len;
}

void gen_packet(uint64_t seed, uint8_t *pkt)
{
	struct gen g = { .rng = seed * 0xD1B54A32D192ED03ULL + 7 };
	for (int i = 0; i < 4; i++)
		rnd(&g);
	/* mostly zeros and small bytes, so that wide loads are often small
	 * indexes and the guarded accesses run */
	for (int i = 0; i < GEN_PKT_LEN; i++) {
		unsigned k = pick(&g, 100);
		pkt[i] = k < 55 ? 0 : k < 85 ? (uint8_t)pick(&g, 64) : (uint8_t)rnd(&g);
	}
}
