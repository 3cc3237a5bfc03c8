/* SPDX-License-Identifier: MIT */
/*
 * Differential test: random programs through the interpreter (checked
 * mode, so a generator bug shows as a fault rather than as corruption) and
 * the JIT must agree on the result code, r0 and the memory after.
 *
 * The JIT runs twice: through the VM, and compiled directly without BMI2
 * and MOVBE (so variable shifts take the path through cl, byte-swapped
 * loads a load and a bswap).
 *
 * Programs are drawn from the opcode table: every form except kfunc calls
 * and unresolved ld_imm64 kinds, with forward branches, bounded loops,
 * helper calls (one of them aborts the run when its argument is 0), callx,
 * and BPF-to-BPF calls two deep. Memory accesses stay inside the stack
 * slots the function initialised or the context buffer (whose address r9
 * keeps); r6 counts loops. At the end the main function stores r0-r8 into
 * the buffer, so every register is compared too.
 *
 * Seeded and reproducible: BPFRT_DIFF_SEED (default 1) and
 * BPFRT_DIFF_COUNT (default 10000) choose the programs; a mismatch prints
 * the seed, the program index and the program.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bpfrt/asm.h"
#include "bpfrt/vm.h"
#include "isa/opcodes.h"
#include "jit/jit.h"
#include "vm/prog.h"
#include "vm/run_ctx.h"

#define MEM_SIZE 512
#define DUMP_AT (MEM_SIZE - 72) /* r0-r8 stored here at the end */
#define STACK_SLOTS 16		/* each function uses [r10-128, r10) */
#define MAX_SLOTS 4096

static uint64_t rng;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* Immediates that hit the edge cases more often than uniform ones would. */
static int32_t rnd_imm(void)
{
	static const int32_t edge[] = {0, 1, -1, 2, 3, 5, 7, 8, 9, 16, 31, 32, 63, 64, 255, 256,
				       0x7fff, 0x8000, 0xffff, INT32_MAX, INT32_MIN, -2, -8, 1 << 20};
	switch (below(4)) {
	case 0: return edge[below(sizeof(edge) / sizeof(edge[0]))];
	case 1: return (int32_t)below(200) - 100;
	default: return (int32_t)rnd();
	}
}

struct gen {
	struct bpfrt_insn p[MAX_SLOTS];
	size_t n;
	/* forward branches to patch: slot of the branch, target item */
	struct { size_t slot, item; bool imm; } fix[MAX_SLOTS];
	size_t nfix;
	size_t item_slot[MAX_SLOTS];
	bool no_target[MAX_SLOTS]; /* inside a loop, or where r1-r5 are dead */
	size_t nitems;
	/* local calls to patch: slot of the call, function index */
	struct { size_t slot; int func; } calls[64];
	size_t ncalls;
};

static void put(struct gen *g, struct bpfrt_insn in)
{
	if (g->n < MAX_SLOTS)
		g->p[g->n++] = in;
}

static void item(struct gen *g)
{
	g->no_target[g->nitems] = false;
	g->item_slot[g->nitems++] = g->n;
}

static void no_target_since(struct gen *g, size_t from)
{
	for (size_t q = from; q < g->nitems; q++)
		g->no_target[q] = true;
}

#define INSN(c, d, s, o, i) ((struct bpfrt_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})

static const uint8_t writable[] = {0, 1, 2, 3, 4, 5, 7, 8};

static uint8_t wreg(void)
{
	return writable[below(sizeof(writable))];
}

static uint8_t rreg(void)
{
	return (uint8_t)below(9); /* r0-r8: values that are equal in both engines */
}

static void mov_imm(struct gen *g, uint8_t r, int32_t v)
{
	item(g);
	put(g, INSN(BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, r, 0, 0, v));
}

/* A memory operand for an access of `size` bytes: the stack (r10) or the
 * buffer (r9), aligned to the size. */
static void mem_operand(uint8_t *base, int16_t *off, int size)
{
	if (below(2)) {
		*base = 10;
		int slot = 1 + (int)below(STACK_SLOTS);
		*off = (int16_t)(-8 * slot + size * (int)below(8 / size));
	} else {
		*base = 9;
		*off = (int16_t)(size * (int)below((DUMP_AT - 8) / size));
	}
}

static bool generable(const struct isa_form *f)
{
	switch (f->syntax) {
	case ISA_SYN_CALL: case ISA_SYN_CALL_LOCAL: case ISA_SYN_CALLX: case ISA_SYN_EXIT:
		return false;
	case ISA_SYN_LDDW:
		return f->op == ISA_OP_LDDW;
	default:
		return true;
	}
}

/* One random instruction of form f at the current item; `last_item` is
 * the last item a forward branch may reach. `in_loop`: no branches. */
static void random_form(struct gen *g, const struct isa_form *f, bool in_loop)
{
	struct bpfrt_insn in = {.code = f->code};
	if (f->match == ISA_MATCH_OFF)
		in.off = (int16_t)f->match_value;
	if (f->match == ISA_MATCH_IMM)
		in.imm = f->match_value;
	switch (f->syntax) {
	case ISA_SYN_ALU_K:
		in.dst_reg = wreg();
		in.imm = rnd_imm();
		break;
	case ISA_SYN_ALU_X:
		in.dst_reg = wreg();
		in.src_reg = rreg();
		break;
	case ISA_SYN_UNARY:
		in.dst_reg = wreg();
		break;
	case ISA_SYN_JA: case ISA_SYN_JA32: case ISA_SYN_JCOND_K: case ISA_SYN_JCOND_X:
		if (in_loop)
			return;
		if (f->syntax == ISA_SYN_JCOND_K || f->syntax == ISA_SYN_JCOND_X)
			in.dst_reg = rreg();
		if (f->syntax == ISA_SYN_JCOND_X)
			in.src_reg = rreg();
		if (f->syntax == ISA_SYN_JCOND_K)
			in.imm = rnd_imm();
		g->fix[g->nfix].slot = g->n;
		g->fix[g->nfix].imm = f->syntax == ISA_SYN_JA32;
		g->fix[g->nfix++].item = g->nitems + 1 + below(6); /* patched later */
		break;
	case ISA_SYN_LDDW:
		in.dst_reg = wreg();
		in.imm = (int32_t)rnd();
		item(g);
		put(g, in);
		put(g, INSN(0, 0, 0, 0, below(2) ? (int32_t)rnd() : 0));
		return;
	case ISA_SYN_LDX:
		in.dst_reg = wreg();
		{ uint8_t b; mem_operand(&b, &in.off, f->size); in.src_reg = b; }
		break;
	case ISA_SYN_ST:
		{ uint8_t b; mem_operand(&b, &in.off, f->size); in.dst_reg = b; }
		in.imm = rnd_imm();
		break;
	case ISA_SYN_STX:
		{ uint8_t b; mem_operand(&b, &in.off, f->size); in.dst_reg = b; }
		in.src_reg = rreg();
		break;
	case ISA_SYN_ATOMIC:
		{ uint8_t b; mem_operand(&b, &in.off, f->size); in.dst_reg = b; }
		in.src_reg = (f->flags & ISA_F_FETCH) ? wreg() : rreg();
		break;
	case ISA_SYN_LDABS:
		in.imm = below(4) ? (int32_t)below(MEM_SIZE) : rnd_imm();
		break;
	case ISA_SYN_LDIND:
		in.src_reg = rreg();
		in.imm = (int32_t)below(MEM_SIZE);
		break;
	default:
		return;
	}
	item(g);
	put(g, in);
}

static const struct isa_form *random_generable_form(bool in_loop)
{
	for (;;) {
		const struct isa_form *f = &isa_forms[1 + below(ISA_OP_COUNT - 1)];
		if (!generable(f))
			continue;
		if ((f->flags & ISA_F_LEGACY) && below(8))
			continue; /* rare: they end the run when out of bounds */
		if (in_loop && (f->flags & ISA_F_BRANCH))
			continue;
		return f;
	}
}

#define ALU(w, op, k) ((w) == 64 ? BPFRT_ALU64 : BPFRT_ALU) | (op) | (k)

/* The sequences the JIT folds into fewer x86 instructions (fold.c), with
 * random registers, so both the folded form and the values it must still
 * leave in the other registers are compared. */
static void idiom(struct gen *g)
{
	uint8_t a = wreg(), x = wreg();
	switch (below(7)) {
	case 4: case 5: { /* an address computed into a register, then one access or a
			   * read-modify-write through it: a = base [+ x << s] + imm */
		static const uint8_t sizes[] = {1, 2, 4, 8};
		int size = sizes[below(4)];
		uint8_t base, l = wreg(), r = wreg();
		int16_t off;
		mem_operand(&base, &off, size);
		uint8_t other = rreg(); /* any register but the address */
		if (a == l || a == r || a == other)
			return;
		int16_t rest = (int16_t)(size * (int)below(4));
		int32_t imm = off - rest;
		/* as clang writes it: x = k; x <<= s; a = base; a += imm; a += x
		 * (the adds in either order, the index optional) */
		bool scaled = below(2) && x != a && x != l && x != r && x != other;
		int sh = 1 + (int)below(3), k = (int)below(4);
		size_t from = g->nitems + 1; /* no branch may land after the first */
		if (scaled) {
			mov_imm(g, x, k);
			item(g);
			put(g, INSN(ALU(64, BPFRT_LSH, BPFRT_K), x, 0, 0, sh));
			imm -= k << sh;
		}
		item(g);
		put(g, INSN(ALU(64, BPFRT_MOV, BPFRT_X), a, base, 0, 0));
		bool imm_first = below(2);
		if (imm_first) {
			item(g);
			put(g, INSN(ALU(64, BPFRT_ADD, BPFRT_K), a, 0, 0, imm));
		}
		if (scaled) {
			item(g);
			put(g, INSN(ALU(64, BPFRT_ADD, BPFRT_X), a, x, 0, 0));
		}
		if (!imm_first) {
			item(g);
			put(g, INSN(ALU(64, BPFRT_ADD, BPFRT_K), a, 0, 0, imm));
		}
		/* sometimes a step of something else before the access (or a change of
		 * the index, which must stay after the address) */
		uint8_t t = below(4) ? wreg() : x;
		if (t != a && below(3)) {
			static const uint8_t tops[] = {BPFRT_ADD, BPFRT_XOR, BPFRT_MUL, BPFRT_RSH};
			item(g);
			put(g, INSN(ALU(below(2) ? 64 : 32, tops[below(4)], BPFRT_K), t, 0, 0, 1 + (int)below(9)));
		}
		uint8_t mode = size == 8 ? BPFRT_DW : size == 4 ? BPFRT_W : size == 2 ? BPFRT_H : BPFRT_B;
		static const uint8_t ops[] = {BPFRT_ADD, BPFRT_SUB, BPFRT_OR, BPFRT_AND, BPFRT_XOR};
		uint8_t op = ops[below(5)], w = below(2) ? 64 : 32;
		unsigned shape = below(5);
		if (shape < 4) {
			item(g);
			put(g, INSN(BPFRT_LDX | BPFRT_MEM | mode, l, a, rest, 0));
		}
		switch (shape) {
		case 0: /* l op= s|imm; store l */
			item(g);
			put(g, below(2) ? INSN(ALU(w, op, BPFRT_K), l, 0, 0, rnd_imm())
					: INSN(ALU(w, op, BPFRT_X), l, other, 0, 0));
			item(g);
			put(g, INSN(BPFRT_STX | BPFRT_MEM | mode, a, l, rest, 0));
			break;
		case 1: /* r op= l; store r */
			item(g);
			put(g, INSN(ALU(w, op, BPFRT_X), r, l, 0, 0));
			item(g);
			put(g, INSN(BPFRT_STX | BPFRT_MEM | mode, a, r, rest, 0));
			break;
		case 2: /* r op= l */
			item(g);
			put(g, INSN(ALU(w, op, BPFRT_X), r, l, 0, 0));
			break;
		default: /* a store through the address (after the load, or alone) */
			item(g);
			put(g, below(2) ? INSN(BPFRT_ST | BPFRT_MEM | mode, a, 0, rest, rnd_imm())
					: INSN(BPFRT_STX | BPFRT_MEM | mode, a, other, rest, 0));
			break;
		}
		if (below(2)) { /* a stays live for one more access */
			item(g);
			put(g, INSN(BPFRT_ST | BPFRT_MEM | mode, a, 0, rest, rnd_imm()));
		}
		no_target_since(g, from);
		/* a holds an address, which differs between the engines: never
		 * left for the end; l and r are dead or not */
		mov_imm(g, a, rnd_imm());
		if (scaled && below(2))
			mov_imm(g, x, rnd_imm()); /* the shifted index is dead */
		for (int q = 0; q < 2; q++)
			if (below(2))
				mov_imm(g, q ? l : r, rnd_imm());
		break;
	}
	case 0: { /* rotate: mov t, x; rsh t, w-b; lsh x, b; or x, t (shifts and or in
		   * either order) */
		int w = below(2) ? 64 : 32, bits = 1 + (int)below((unsigned)w - 1);
		if (a == x)
			return;
		item(g);
		put(g, INSN(ALU(w, BPFRT_MOV, BPFRT_X), a, x, 0, 0));
		bool swap = below(2);
		for (int q = 0; q < 2; q++) {
			bool left = (q == 0) != swap;
			item(g);
			put(g, INSN(ALU(w, left ? BPFRT_LSH : BPFRT_RSH, BPFRT_K), (q == 0) != below(2) ? a : x,
				    0, 0, left ? bits : w - bits));
		}
		/* mostly the well-formed rotate: shifts on different registers */
		struct bpfrt_insn *s1 = &g->p[g->n - 2], *s2 = &g->p[g->n - 1];
		if (below(4) && s1->dst_reg == s2->dst_reg)
			s2->dst_reg = s1->dst_reg == a ? x : a;
		item(g);
		bool into_x = below(2);
		put(g, INSN(ALU(w, BPFRT_OR, BPFRT_X), into_x ? x : a, into_x ? a : x, 0, 0));
		break;
	}
	case 1: { /* scaled index: lsh x, s; [other]; mov a, b; add a, imm; add a, x */
		uint8_t b = rreg();
		item(g);
		put(g, INSN(ALU(64, BPFRT_LSH, BPFRT_K), x, 0, 0, 1 + (int)below(3)));
		if (below(2))
			random_form(g, random_generable_form(true), true);
		item(g);
		put(g, INSN(ALU(64, BPFRT_MOV, BPFRT_X), a, b, 0, 0));
		bool imm_first = below(2);
		if (imm_first) {
			item(g);
			put(g, INSN(ALU(64, BPFRT_ADD, BPFRT_K), a, 0, 0, rnd_imm()));
		}
		item(g);
		put(g, INSN(ALU(64, BPFRT_ADD, BPFRT_X), a, x, 0, 0));
		if (!imm_first && below(2)) {
			item(g);
			put(g, INSN(ALU(64, BPFRT_ADD, BPFRT_K), a, 0, 0, rnd_imm()));
		}
		if (below(2))
			mov_imm(g, x, rnd_imm()); /* the shifted index is dead */
		break;
	}
	case 2: { /* multiplication by 3, 5, 9 or a power of two; xor with -1 */
		static const int32_t k[] = {3, 5, 9, 4, 1 << 30, -1};
		item(g);
		put(g, INSN(ALU(below(2) ? 64 : 32, below(4) ? BPFRT_MUL : BPFRT_XOR, BPFRT_K), a, 0, 0,
			    k[below(6)]));
		break;
	}
	case 3: /* a conditional jump over an unconditional one */
		item(g);
		put(g, INSN(BPFRT_JMP | BPFRT_JGT | BPFRT_K, rreg(), 0, 1, rnd_imm()));
		random_form(g, &isa_forms[below(2) ? ISA_OP_JA : ISA_OP_JA32], false);
		break;
	default: { /* load-op (the operation at most as wide as the load) or a
		  * load stored back, on the stack or buffer through its base */
		static const uint8_t ops[] = {BPFRT_XOR, BPFRT_ADD, BPFRT_MUL, BPFRT_SUB};
		uint8_t base, l = wreg();
		int16_t off;
		int size = below(2) ? 8 : 4, w = size == 4 || below(2) ? 32 : 64;
		mem_operand(&base, &off, size);
		uint8_t mode = size == 8 ? BPFRT_DW : BPFRT_W;
		item(g);
		put(g, INSN(BPFRT_LDX | (size == 8 || below(4) ? BPFRT_MEM : BPFRT_MEMSX) | mode, l, base, off, 0));
		item(g);
		unsigned what = below(6);
		if (what < 3)
			put(g, INSN(ALU(w, ops[below(4)], BPFRT_X), a, l, 0, 0));
		else if (what < 4)
			put(g, INSN(BPFRT_STX | BPFRT_MEM | mode, base, l, off, 0));
		else /* a byte-swapped load: bswap or be of the loaded width */
			put(g, INSN((below(2) ? BPFRT_ALU64 : BPFRT_ALU | BPFRT_TO_BE) | BPFRT_END, l, 0,
				    0, size * 8));
		if (below(2))
			mov_imm(g, l, rnd_imm());
		break;
	}
	}
}

/* Function `k` of `nfuncs` (0 is main): stack init, random body, exit. */
static void gen_function(struct gen *g, int k, int nfuncs)
{
	size_t first_fix = g->nfix;
	for (int s = 1; s <= STACK_SLOTS; s++) {
		item(g);
		put(g, INSN(BPFRT_ST | BPFRT_MEM | BPFRT_DW, 10, 0, (int16_t)(-8 * s), rnd_imm()));
	}
	if (k == 0) {
		item(g);
		put(g, INSN(BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, 9, 1, 0, 0)); /* r9 = buffer */
		for (uint8_t r = 0; r <= 8; r++)
			if (r != 9)
				mov_imm(g, r, rnd_imm());
	}
	unsigned len = 10 + below(60);
	for (unsigned j = 0; j < len; j++) {
		unsigned what = below(100);
		if (what < 4) {
			/* bounded loop on r6 with a straight-line body */
			mov_imm(g, 6, 1 + (int32_t)below(5));
			size_t body = g->nitems;
			unsigned blen = 1 + below(6);
			for (unsigned q = 0; q < blen; q++)
				random_form(g, random_generable_form(true), true);
			item(g);
			put(g, INSN(BPFRT_ALU64 | BPFRT_ADD | BPFRT_K, 6, 0, 0, -1));
			item(g);
			size_t here = g->n;
			put(g, INSN(BPFRT_JMP | BPFRT_JNE | BPFRT_K, 6, 0, 0, 0));
			g->p[here].off = (int16_t)((int64_t)g->item_slot[body] - (int64_t)here - 1);
			no_target_since(g, body);
		} else if (what < 8) {
			/* helper 1 (mixes its arguments), directly or via callx */
			bool callx = below(2);
			if (!callx) {
				item(g);
				put(g, INSN(BPFRT_JMP | BPFRT_CALL, 0, 0, 0, 1));
			} else {
				uint8_t r = wreg();
				mov_imm(g, r, 1);
				item(g);
				put(g, INSN(BPFRT_JMP | BPFRT_X | BPFRT_CALL, r, 0, 0, 0));
			}
			/* callx needs its mov; r1-r5 are dead after a call until
			 * set again */
			size_t from = g->nitems - (callx ? 1 : 0);
			for (uint8_t r = 1; r <= 5; r++)
				mov_imm(g, r, rnd_imm());
			no_target_since(g, from);
		} else if (what < 9) {
			/* helper 5: aborts the run when r1 == 0 */
			mov_imm(g, 1, below(3) ? 1 + (int32_t)below(9) : 0);
			item(g);
			put(g, INSN(BPFRT_JMP | BPFRT_CALL, 0, 0, 0, 5));
			size_t after = g->nitems;
			for (uint8_t r = 1; r <= 5; r++)
				mov_imm(g, r, rnd_imm());
			no_target_since(g, after);
		} else if (what < 16) {
			idiom(g);
		} else if (what < 19 && k + 1 < nfuncs) {
			item(g);
			g->calls[g->ncalls].slot = g->n;
			g->calls[g->ncalls++].func = k + 1 + (int)below((unsigned)(nfuncs - k - 1));
			put(g, INSN(BPFRT_JMP | BPFRT_CALL, 0, BPFRT_PSEUDO_CALL, 0, 0));
		} else {
			random_form(g, random_generable_form(false), false);
		}
	}
	if (k == 0)
		for (uint8_t r = 0; r <= 8; r++) {
			item(g);
			put(g, INSN(BPFRT_STX | BPFRT_MEM | BPFRT_DW, 9, r, (int16_t)(DUMP_AT + 8 * r), 0));
		}
	item(g);
	put(g, INSN(BPFRT_JMP | BPFRT_EXIT, 0, 0, 0, 0));
	/* forward branches land on an item of this function, at most its exit */
	size_t last = g->nitems - 1;
	for (size_t q = first_fix; q < g->nfix; q++) {
		size_t t = g->fix[q].item > last ? last : g->fix[q].item;
		while (g->no_target[t])
			t++;
		int64_t d = (int64_t)g->item_slot[t] - (int64_t)g->fix[q].slot - 1;
		if (g->fix[q].imm)
			g->p[g->fix[q].slot].imm = (int32_t)d;
		else
			g->p[g->fix[q].slot].off = (int16_t)d;
	}
}

static void generate(struct gen *g)
{
	g->n = g->nfix = g->nitems = g->ncalls = 0;
	int nfuncs = 1 + (int)below(3);
	size_t func_slot[3];
	for (int k = 0; k < nfuncs; k++) {
		func_slot[k] = g->n;
		gen_function(g, k, nfuncs);
	}
	for (size_t q = 0; q < g->ncalls; q++)
		g->p[g->calls[q].slot].imm =
			(int32_t)((int64_t)func_slot[g->calls[q].func] - (int64_t)g->calls[q].slot - 1);
}

static uint64_t h_mix(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
		      struct bpfrt_run_ctx *rc)
{
	(void)rc;
	return (a * 0x9e3779b97f4a7c15ull) ^ (b << 7) ^ (c >> 3) ^ (d * 31) ^ e;
}

static uint64_t h_unwind(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
			 struct bpfrt_run_ctx *rc)
{
	(void)b, (void)c, (void)d, (void)e;
	if (a == 0)
		bpfrt_run_ctx__abort(rc, 0x5a5a);
	return a;
}

static void dump_program(const struct bpfrt_insn *p, size_t n)
{
	char line[128];
	for (size_t i = 0; i < n; i++) {
		int k = bpfrt_disasm_insn(&p[i], n - i, BPFRT_SYNTAX_CONFORMANCE, line, sizeof(line));
		fprintf(stderr, "%4zu: %s\n", i, line);
		if (k == 2)
			i++;
	}
}

struct outcome {
	int err;
	uint64_t r0;
	uint8_t mem[MEM_SIZE];
};

static int run(struct bpfrt_vm *vm, const struct gen *g, enum bpfrt_backend be,
	       const uint8_t *mem, struct outcome *o)
{
	char log[512] = "";
	struct bpfrt_prog_opts opts = {
		.sz = sizeof(opts), .backend = be,
		.mode = be == BPFRT_BACKEND_JIT ? BPFRT_EXEC_TRUSTED : BPFRT_EXEC_CHECKED,
		.log_buf = log, .log_size = sizeof(log),
	};
	struct bpfrt_prog *prog = bpfrt_prog__load(vm, g->p, g->n, &opts);
	if (!prog) {
		fprintf(stderr, "load (%s): %s\n", be == BPFRT_BACKEND_JIT ? "jit" : "interp", log);
		return -errno;
	}
	memcpy(o->mem, mem, MEM_SIZE);
	o->r0 = 0;
	struct bpfrt_run_opts ropts = {.sz = sizeof(ropts), .log_buf = log, .log_size = sizeof(log)};
	o->err = bpfrt_prog__run(prog, o->mem, MEM_SIZE, &o->r0, &ropts);
	if (o->err && be == BPFRT_BACKEND_INTERP && o->err != -E2BIG)
		fprintf(stderr, "interp run: %s\n", log);
	bpfrt_prog__free(prog);
	return 0;
}

/* The JIT without BMI2 (variable shifts through cl), compiled and run
 * directly, so that both code paths meet the interpreter. */
static bpfrt_helper_fn vm_lookup(const void *vm, uint32_t id)
{
	return vm_helper_fn(vm, id);
}

static int run_no_bmi2(struct bpfrt_vm *vm, const struct gen *g, const uint8_t *mem,
		       struct outcome *o)
{
	struct jit_env env = {.helper = vm_lookup, .helper_arg = vm,
			      .flags = JIT_F_NO_BMI2 | JIT_F_NO_MOVBE};
	struct jit_prog *jp;
	char log[256];
	int err = jit_compile(g->p, g->n, &env, &jp, log, sizeof(log));
	if (err) {
		fprintf(stderr, "jit_compile: %s\n", log);
		return err;
	}
	memcpy(o->mem, mem, MEM_SIZE);
	struct bpfrt_run_ctx rc = {.ctx = o->mem, .ctx_size = MEM_SIZE};
	o->r0 = 0;
	o->err = jit_run(jp, &rc, &o->r0);
	if (!o->err && rc.aborted)
		o->r0 = rc.abort_r0;
	jit_free(jp);
	return 0;
}

static void test_random_programs(void **state)
{
	(void)state;
	const char *s = getenv("BPFRT_DIFF_SEED"), *cnt = getenv("BPFRT_DIFF_COUNT");
	uint64_t seed = s ? strtoull(s, NULL, 0) : 1;
	unsigned count = cnt ? (unsigned)strtoul(cnt, NULL, 0) : 10000;
	struct bpfrt_vm *vm = bpfrt_vm__new();
	assert_non_null(vm);
	assert_int_equal(bpfrt_vm__register_helper(vm, 1, "mix", h_mix), 0);
	assert_int_equal(bpfrt_vm__register_helper(vm, 5, "unwind", h_unwind), 0);
	static struct gen g;
	static struct outcome a, b, c;
	uint8_t mem[MEM_SIZE];
	unsigned aborted = 0, slots = 0;
	for (unsigned k = 0; k < count; k++) {
		rng = seed * 1000003u + k;
		generate(&g);
		for (size_t q = 0; q < MEM_SIZE; q++)
			mem[q] = (uint8_t)rnd();
		slots += (unsigned)g.n;
		int le = run(vm, &g, BPFRT_BACKEND_INTERP, mem, &a);
		int lj = run(vm, &g, BPFRT_BACKEND_JIT, mem, &b);
		int ln = run_no_bmi2(vm, &g, mem, &c);
		bool same = le == 0 && lj == 0 && ln == 0 && a.err == b.err && a.err == c.err &&
			    (a.err || (a.r0 == b.r0 && a.r0 == c.r0)) &&
			    !memcmp(a.mem, b.mem, MEM_SIZE) && !memcmp(a.mem, c.mem, MEM_SIZE);
		if (!same || (a.err && a.err != -E2BIG)) {
			fprintf(stderr, "seed %" PRIu64 " program %u: interp err %d r0 %#" PRIx64
					", jit err %d r0 %#" PRIx64 ", without bmi2 err %d r0 %#" PRIx64 "\n",
				seed, k, a.err, a.r0, b.err, b.r0, c.err, c.r0);
			for (size_t q = 0; q < MEM_SIZE; q++)
				if (a.mem[q] != b.mem[q] || a.mem[q] != c.mem[q])
					fprintf(stderr, "  mem[%zu]: interp %02x jit %02x jit without bmi2 %02x\n",
						q, a.mem[q], b.mem[q], c.mem[q]);
			dump_program(g.p, g.n);
			fail();
		}
		aborted += a.r0 == 0x5a5a;
	}
	printf("%u programs (%u instructions), %u ended by the unwinding helper\n", count, slots,
	       aborted);
	bpfrt_vm__free(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_programs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
