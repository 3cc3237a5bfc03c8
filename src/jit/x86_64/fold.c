/* SPDX-License-Identifier: MIT */
/*
 * Instruction sequences that become fewer x86 instructions.
 *
 * BPF is a two-operand machine without rotates, scaled addressing or
 * three-operand adds, so clang spells each of those as a short fixed
 * sequence (a rotate is mov/rsh/lsh/or; an array element address is
 * lsh/mov/add/add). Translated one instruction at a time, as the kernel's
 * JIT does, each sequence costs three or four x86 instructions on the
 * critical path of the loops it sits in; recognised, it is one rol or one
 * lea. A sequence is only folded when no branch lands inside it.
 *
 * Some folds drop a value the sequence computed on the way (the shifted
 * index of lsh/add, the other half of a rotate, an address used once).
 * They need to know that no later instruction reads it: the liveness of
 * src/isa/liveness.h, a static analysis that needs no verifier facts, so
 * it also serves programs that were never verified (trusted mode).
 */
#include <errno.h>
#include <stdlib.h>

#include "isa/liveness.h"
#include "jit/x86_64/translate.h"

#define R(bpf) jit_reg_map[bpf]
#define BIT(r) ((uint16_t)(1u << (r)))
#define ALL ISA_REGS_ALL

static void use_def(const struct jit_compiler *c, size_t i, uint16_t *use, uint16_t *def)
{
	const struct bpfrt_insn *in = &c->insns[i];

	isa_insn_regs(in, c->form[i], ISA_LIVE_ANY, c->func_of[i] == 0, use, def);
	/* r11 (blinding's JIT_REG_AX, stack arguments) is not one of the
	 * liveness' registers: an instruction naming it reads and writes it,
	 * so nothing that uses r11 is moved past it (a blinded store's
	 * constant ahead of a lea from r11 crashed) */
	if (in->dst_reg == JIT_REG_AX || in->src_reg == JIT_REG_AX) {
		*use |= BIT(JIT_REG_AX);
		*def |= BIT(JIT_REG_AX);
	}
}

/* ISA_LIVE_ANY: the JIT also compiles programs nobody verified, which may
 * read what the interpreter leaves in registers across calls. */
int jit_liveness(struct jit_compiler *c)
{
	c->live_out = calloc(c->n, sizeof(*c->live_out));
	if (!c->live_out)
		return -ENOMEM;
	return isa_reg_liveness(c->insns, c->n, ISA_LIVE_ANY, c->funcs[0].end, NULL, c->live_out);
}

static bool live_after(const struct jit_compiler *c, size_t i, int reg)
{
	return (c->live_out[i] >> reg) & 1;
}

/* Instruction j can be folded into a sequence that started before it. */
static bool joinable(const struct jit_compiler *c, size_t first, size_t j)
{
	return j < c->n && c->form[j] && c->func_of[j] == c->func_of[first] &&
	       !(c->flags[j] & (JIT_I_TARGET | JIT_I_ENTRY | JIT_I_SLOT2 | JIT_I_FOLDED)) &&
	       !c->scale[j];
}

/* lsh X, 1..3 whose only reader is a later add Y, X in the same straight
 * line, after which X is dead: the add becomes lea Y, [Y + X * 2^s] and the
 * shift disappears (scaled array indexing). */
void jit_plan_folds(struct jit_compiler *c)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct isa_form *f = c->form[i];
		const struct bpfrt_insn *in = &c->insns[i];
		if (!f || f->op != ISA_OP_LSH64_K || in->imm < 1 || in->imm > 3 ||
		    (c->flags[i] & JIT_I_FOLDED))
			continue;
		int x = in->dst_reg;
		for (size_t j = i + 1; j < i + 8 && joinable(c, i, j); j++) {
			const struct isa_form *g = c->form[j];
			const struct bpfrt_insn *jn = &c->insns[j];
			if (g->flags & ISA_F_BRANCH || g->syntax == ISA_SYN_EXIT ||
			    g->syntax == ISA_SYN_CALL || g->syntax == ISA_SYN_CALLX)
				break;
			uint16_t use, def;
			use_def(c, j, &use, &def);
			if (!((use | def) & BIT(x)))
				continue;
			if (g->op == ISA_OP_ADD64_X && jn->src_reg == x && jn->dst_reg != x &&
			    !live_after(c, j, x)) {
				c->flags[i] |= JIT_I_FOLDED;
				c->scale[j] = (uint8_t)in->imm;
			}
			break;
		}
	}
}

static void consumed(struct jit_compiler *c, size_t *ip, size_t last)
{
	for (size_t j = *ip + 1; j <= last; j++)
		c->next_addr[j] = (int64_t)c->buf.len;
	*ip = last;
}

/* mov T, X; rsh T, a; lsh X, b; or X, T with a + b = width (or with the
 * shifts swapped, or the result in T): a rotate left by b. The register
 * that is not the result keeps its shifted value when it is read later. */
static bool fold_rotate(struct jit_compiler *c, size_t *ip)
{
	size_t i = *ip;
	const struct bpfrt_insn *mv = &c->insns[i];
	int sz = c->form[i]->op == ISA_OP_MOV64_X ? 8 : 4;
	int t = mv->dst_reg, x = mv->src_reg, w = sz * 8;
	if (t == x || !joinable(c, i, i + 1) || !joinable(c, i, i + 2) || !joinable(c, i, i + 3))
		return false;
	const struct bpfrt_insn *s1 = &c->insns[i + 1], *s2 = &c->insns[i + 2],
				*o = &c->insns[i + 3];
	enum isa_op lsh = sz == 8 ? ISA_OP_LSH64_K : ISA_OP_LSH32_K;
	enum isa_op rsh = sz == 8 ? ISA_OP_RSH64_K : ISA_OP_RSH32_K;
	enum isa_op op1 = c->form[i + 1]->op, op2 = c->form[i + 2]->op;
	if (!((op1 == lsh && op2 == rsh) || (op1 == rsh && op2 == lsh)))
		return false;
	if (!((s1->dst_reg == t && s2->dst_reg == x) || (s1->dst_reg == x && s2->dst_reg == t)))
		return false;
	if (s1->imm < 1 || s2->imm < 1 || s1->imm + s2->imm != w)
		return false;
	if (c->form[i + 3]->op != (sz == 8 ? ISA_OP_OR64_X : ISA_OP_OR32_X) ||
	    !((o->dst_reg == x && o->src_reg == t) || (o->dst_reg == t && o->src_reg == x)))
		return false;
	int res = o->dst_reg, other = o->src_reg;
	const struct bpfrt_insn *other_shift = s1->dst_reg == other ? s1 : s2;
	const struct bpfrt_insn *left = op1 == lsh ? s1 : s2;
	enum x86_shift oop = c->form[other_shift == s1 ? i + 1 : i + 2]->op == lsh ? X86_SHL
										   : X86_SHR;
	struct x86_buf *b = &c->buf;
	bool keep_other = live_after(c, i + 3, other);
	if (res == t || keep_other)
		emit_mov_rr(b, sz, R(t), R(x));
	if (keep_other)
		emit_shift_ri(b, oop, sz, R(other), (uint8_t)other_shift->imm);
	emit_shift_ri(b, X86_ROL, sz, R(res), (uint8_t)left->imm);
	consumed(c, ip, i + 3);
	return true;
}

/* An address computed into BPF register y: [base + index * 2^scale + disp]
 * (x86 registers; index < 0: none). `stale`: the fold did not write it
 * into y's register, so y must be dead wherever the fold ends. */
struct addr {
	int y;
	bool stale;
	int base, index, scale;
	int64_t disp;
};

/* The x86 operation of a BPF add/sub/or/and/xor (width in bytes, imm or
 * register form), or -1. */
static int alu_of(enum isa_op op, int *width, bool *is_k)
{
	static const struct { enum isa_op op; int8_t x86, width, k; } t[] = {
		{ISA_OP_ADD64_K, X86_ADD, 8, 1}, {ISA_OP_ADD64_X, X86_ADD, 8, 0},
		{ISA_OP_ADD32_K, X86_ADD, 4, 1}, {ISA_OP_ADD32_X, X86_ADD, 4, 0},
		{ISA_OP_SUB64_K, X86_SUB, 8, 1}, {ISA_OP_SUB64_X, X86_SUB, 8, 0},
		{ISA_OP_SUB32_K, X86_SUB, 4, 1}, {ISA_OP_SUB32_X, X86_SUB, 4, 0},
		{ISA_OP_OR64_K, X86_OR, 8, 1},	 {ISA_OP_OR64_X, X86_OR, 8, 0},
		{ISA_OP_OR32_K, X86_OR, 4, 1},	 {ISA_OP_OR32_X, X86_OR, 4, 0},
		{ISA_OP_AND64_K, X86_AND, 8, 1}, {ISA_OP_AND64_X, X86_AND, 8, 0},
		{ISA_OP_AND32_K, X86_AND, 4, 1}, {ISA_OP_AND32_X, X86_AND, 4, 0},
		{ISA_OP_XOR64_K, X86_XOR, 8, 1}, {ISA_OP_XOR64_X, X86_XOR, 8, 0},
		{ISA_OP_XOR32_K, X86_XOR, 4, 1}, {ISA_OP_XOR32_X, X86_XOR, 4, 0},
	};
	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++)
		if (t[k].op == op) {
			*width = t[k].width;
			*is_k = t[k].k;
			return t[k].x86;
		}
	return -1;
}

static bool y_free_after(const struct jit_compiler *c, const struct addr *a, size_t j)
{
	return !a->stale || !live_after(c, j, a->y);
}

/* The memory instructions at k (and after) that use address `a` as their
 * base, folded into x86 memory operands:
 *	ldx l, [y+o]; op l, s|imm; stx [y+o], l	-> op [m], s|imm
 *	ldx l, [y+o]; op r, l; stx [y+o], r	-> op [m], r (commutative op)
 *	ldx l, [y+o]; op r, l			-> op r, [m]
 *	ldx d, [y+o] / st / stx (a stale y)	-> one access at [m]
 * with the loaded and stored registers dead afterwards. */
static bool fold_mem(struct jit_compiler *c, size_t *ip, size_t k, const struct addr *a)
{
	size_t first = *ip;
#define JOIN(j) ((j) == first || joinable(c, first, (j)))
	if (k >= c->n || !JOIN(k) || jit_probe_load(c, k))
		return false;
	const struct isa_form *f = c->form[k];
	const struct bpfrt_insn *m = &c->insns[k];
	struct x86_buf *b = &c->buf;
	int y = a->y, sz = f->size;
	bool ldx = f->syntax == ISA_SYN_LDX && m->src_reg == y;
	bool st = f->syntax == ISA_SYN_ST && m->dst_reg == y;
	bool stx = f->syntax == ISA_SYN_STX && m->dst_reg == y && m->src_reg != y;
	int64_t disp = a->disp + m->off;
	if ((!ldx && !st && !stx) || !x86_fits_s32(disp))
		return false;
	int l = m->dst_reg, w;
	bool is_k;
	int op = ldx && k + 1 < c->n && JOIN(k + 1) ? alu_of(c->form[k + 1]->op, &w, &is_k) : -1;
	if (op >= 0) {
		const struct bpfrt_insn *o = &c->insns[k + 1];
		int r = o->dst_reg;
		bool store = k + 2 < c->n && JOIN(k + 2) && c->form[k + 2]->syntax == ISA_SYN_STX;
		if (store) {
			const struct bpfrt_insn *s = &c->insns[k + 2];
			store = s->dst_reg == y && s->off == m->off && c->form[k + 2]->size == sz &&
				s->src_reg == r && r != y && l != y && (sz < 8 || w == 8) &&
				!live_after(c, k + 2, r) && y_free_after(c, a, k + 2);
		}
		if (store && r == l && (is_k || (o->src_reg != l && o->src_reg != y))) {
			if (is_k)
				emit_alu_mi(b, op, sz, a->base, a->index, a->scale, (int32_t)disp, o->imm);
			else
				emit_alu_mr(b, op, sz, a->base, a->index, a->scale, (int32_t)disp,
					    R(o->src_reg));
			consumed(c, ip, k + 2);
			return true;
		}
		if (store && r != l && !is_k && op != X86_SUB && o->src_reg == l &&
		    !live_after(c, k + 2, l)) {
			emit_alu_mr(b, op, sz, a->base, a->index, a->scale, (int32_t)disp, R(r));
			consumed(c, ip, k + 2);
			return true;
		}
	}
	/* load-op: a 32-bit operation reads the low half of a 64-bit slot
	 * (little-endian), so the access may be wider than the operation */
	enum isa_op next = ldx && k + 1 < c->n && JOIN(k + 1) ? c->form[k + 1]->op : ISA_OP_INVALID;
	if (op < 0 && (next == ISA_OP_MUL64_X || next == ISA_OP_MUL32_X)) {
		w = next == ISA_OP_MUL64_X ? 8 : 4;
		is_k = false;
	}
	if ((op >= 0 || next == ISA_OP_MUL64_X || next == ISA_OP_MUL32_X) && !is_k && sz >= w) {
		const struct bpfrt_insn *o = &c->insns[k + 1];
		int r = o->dst_reg;
		if (r != l && r != y && o->src_reg == l && !live_after(c, k + 1, l) &&
		    y_free_after(c, a, k + 1)) {
			if (op >= 0)
				emit_alu_rm_idx(b, op, w, R(r), a->base, a->index, a->scale, (int32_t)disp);
			else
				emit_imul_rm_idx(b, w, R(r), a->base, a->index, a->scale, (int32_t)disp);
			consumed(c, ip, k + 1);
			return true;
		}
	}
	/* ldx l, [y+o]; bswap l (or be on this little-endian machine): movbe */
	if (ldx && c->movbe && (sz == 8 || sz == 4) && !(f->flags & ISA_F_SIGNED) &&
	    k + 1 < c->n && JOIN(k + 1) && c->insns[k + 1].dst_reg == l &&
	    (next == (sz == 8 ? ISA_OP_BSWAP64 : ISA_OP_BSWAP32) ||
	     next == (sz == 8 ? ISA_OP_BE64 : ISA_OP_BE32)) &&
	    (l == y || y_free_after(c, a, k + 1))) {
		emit_movbe_load(b, sz, R(l), a->base, a->index, a->scale, (int32_t)disp);
		consumed(c, ip, k + 1);
		return true;
	}
	/* ldx l, [y+o]; stx [y+o], l stores what is there: the load alone */
	if (ldx && k + 1 < c->n && JOIN(k + 1) && c->form[k + 1]->syntax == ISA_SYN_STX &&
	    c->form[k + 1]->size == sz && c->insns[k + 1].dst_reg == y && c->insns[k + 1].off == m->off &&
	    c->insns[k + 1].src_reg == l && l != y && y_free_after(c, a, k + 1)) {
		emit_load_idx(b, sz, f->flags & ISA_F_SIGNED, R(l), a->base, a->index, a->scale,
			      (int32_t)disp);
		consumed(c, ip, k + 1);
		return true;
	}
	if (!a->stale)
		return false; /* a plain access: the usual translation */
	if (ldx && (l == y || y_free_after(c, a, k)))
		emit_load_idx(b, sz, f->flags & ISA_F_SIGNED, R(l), a->base, a->index, a->scale,
			      (int32_t)disp);
	else if (st && y_free_after(c, a, k))
		emit_store_imm_idx(b, sz, a->base, a->index, a->scale, (int32_t)disp, m->imm);
	else if (stx && y_free_after(c, a, k))
		emit_store_idx(b, sz, a->base, a->index, a->scale, (int32_t)disp, R(m->src_reg));
	else
		return false;
	consumed(c, ip, k);
	return true;
#undef JOIN
}

/* The address is not folded into an access: lea. */
static void emit_addr(struct jit_compiler *c, int sz, const struct addr *a)
{
	if (a->index < 0)
		emit_lea(&c->buf, sz, R(a->y), a->base, (int32_t)a->disp);
	else
		emit_lea_idx(&c->buf, sz, R(a->y), a->base, a->index, a->scale, (int32_t)a->disp);
}

/* The address group ends at `last` and computes `a` from the BPF
 * registers `regs`. The access may follow it directly or after one ALU
 * instruction that neither reads nor writes those registers: that one is
 * emitted first (clang often puts the next step of a chain there). */
static void addr_then_access(struct jit_compiler *c, size_t *ip, size_t last, const struct addr *a,
			     int sz, uint16_t regs)
{
	size_t i = *ip, j = last + 1;
	if (sz == 8 && fold_mem(c, ip, j, a))
		return;
	uint16_t use = ALL, def = ALL;
	const struct isa_form *g = j < c->n && joinable(c, i, j) ? c->form[j] : NULL;
	if (g)
		use_def(c, j, &use, &def);
	bool movable = g && sz == 8 && !((use | def) & regs) &&
		       (g->syntax == ISA_SYN_ALU_K || g->syntax == ISA_SYN_ALU_X) &&
		       g->op != ISA_OP_MOV64_X && g->op != ISA_OP_MOV32_X;
	if (movable) {
		jit_translate_insn(c, NULL, &j);
		*ip = i;
		if (j == last + 1 && fold_mem(c, ip, j + 1, a))
			return;
		emit_addr(c, sz, a);
		consumed(c, ip, j);
		return;
	}
	emit_addr(c, sz, a);
	consumed(c, ip, last);
}

/* mov Y, B followed by add Y, imm and/or add Y, Z (any order): one lea,
 * or nothing when the accesses after it can use the address directly. */
static bool fold_lea(struct jit_compiler *c, size_t *ip)
{
	size_t i = *ip, last = i;
	const struct bpfrt_insn *mv = &c->insns[i];
	int sz = c->form[i]->op == ISA_OP_MOV64_X ? 8 : 4;
	struct addr a = {.y = mv->dst_reg, .stale = true, .base = R(mv->src_reg), .index = -1};
	if (a.y == mv->src_reg)
		return false;
	enum isa_op addk = sz == 8 ? ISA_OP_ADD64_K : ISA_OP_ADD32_K;
	enum isa_op addx = sz == 8 ? ISA_OP_ADD64_X : ISA_OP_ADD32_X;
	for (size_t j = i + 1; j <= i + 2; j++) {
		if (j >= c->n || !c->form[j] || c->func_of[j] != c->func_of[i] ||
		    (c->flags[j] & (JIT_I_TARGET | JIT_I_ENTRY | JIT_I_SLOT2 | JIT_I_FOLDED)))
			break;
		const struct bpfrt_insn *add = &c->insns[j];
		if (add->dst_reg != a.y)
			break;
		if (c->form[j]->op == addk && x86_fits_s32(a.disp + add->imm)) {
			a.disp += add->imm;
		} else if (c->form[j]->op == addx && a.index < 0 && add->src_reg != a.y) {
			a.index = R(add->src_reg);
			a.scale = c->scale[j];
		} else {
			break;
		}
		last = j;
	}
	if (last == i)
		return false;
	/* A 32-bit sum wraps at 2^32: only a 64-bit address goes into an access. */
	uint16_t regs = BIT(a.y) | BIT(mv->src_reg);
	for (size_t j = i + 1; j <= last; j++)
		regs |= BIT(c->insns[j].src_reg); /* the index; 0 for add imm: r0, harmless */
	addr_then_access(c, ip, last, &a, sz, regs);
	return true;
}

int jit_fold(struct jit_compiler *c, size_t *ip)
{
	size_t i = *ip;
	const struct bpfrt_insn *in = &c->insns[i];
	struct x86_buf *b = &c->buf;
	enum isa_op op = c->form[i]->op;
	int sz = (c->form[i]->flags & ISA_F_ALU32) ? 4 : 8;

	if (c->flags[i] & JIT_I_FOLDED)
		return 1; /* a shift the scaled add after it does */
	switch (op) {
	case ISA_OP_MOV64_X: case ISA_OP_MOV32_X:
		return fold_rotate(c, ip) || fold_lea(c, ip);
	case ISA_OP_ADD64_X: {
		if (!c->scale[i])
			return 0;
		struct addr a = {.y = in->dst_reg, .stale = true, .base = R(in->dst_reg),
				 .index = R(in->src_reg), .scale = c->scale[i]};
		addr_then_access(c, ip, i, &a, 8, BIT(in->dst_reg) | BIT(in->src_reg));
		return 1;
	}
	case ISA_OP_LDXDW: case ISA_OP_LDXW: case ISA_OP_LDXH: case ISA_OP_LDXB: {
		struct addr a = {.y = in->src_reg, .base = R(in->src_reg), .index = -1};
		return fold_mem(c, ip, i, &a);
	}
	case ISA_OP_MUL64_K: case ISA_OP_MUL32_K:
		/* imul takes three cycles, lea and shl one */
		if (in->imm == 3 || in->imm == 5 || in->imm == 9) {
			int s = in->imm == 3 ? 1 : in->imm == 5 ? 2 : 3;
			emit_lea_idx(b, sz, R(in->dst_reg), R(in->dst_reg), R(in->dst_reg), s, 0);
			return 1;
		}
		if (in->imm >= 2 && !(in->imm & (in->imm - 1))) {
			emit_shift_ri(b, X86_SHL, sz, R(in->dst_reg), (uint8_t)__builtin_ctz((unsigned)in->imm));
			return 1;
		}
		return 0;
	case ISA_OP_XOR64_K: case ISA_OP_XOR32_K:
		if (in->imm != -1)
			return 0;
		emit_unary(b, X86_NOT, sz, R(in->dst_reg));
		return 1;
	default:
		return 0;
	}
}
