/* SPDX-License-Identifier: MIT */
/*
 * Precision tracking (the kernel's mark_chain_precision / backtrack_insn).
 *
 * Scalars are imprecise by default: when pruning compares a stored state
 * with the current one, an imprecise scalar of the stored state matches any
 * scalar. A scalar becomes precise when a check accepts or rejects on its
 * value: a pointer moved by it, a helper's size argument, a branch decided
 * by it, a callback's return value. The check calls mark_chain_precision(),
 * which walks the current path backwards, instruction by instruction, to
 * find the registers and spilled stack slots the value was computed from,
 * and marks those precise in every stored state the path went through. A
 * stored state thus ends up precise in exactly what the checks of the paths
 * below it depended on; a path pruned against it must match it there.
 *
 * The path: each state keeps the segment walked since its parent was stored
 * (seg_cnt instructions from start_idx) and, for the instructions not
 * reached from the one before or that accessed a stack slot, an entry in
 * `hist`. Walking back over an edge into or out of a frame moves the
 * argument or return registers between frames.
 *
 * Walks that would change nothing are skipped: a path keeps, in prec_done,
 * the registers whose walk back from here only reaches what an earlier walk
 * of this segment already marked (done_step carries it forward; calls,
 * exits and new stored states clear it).
 *
 * Soundness: a stored state is only used for pruning once every path below
 * it is done (prune.c) and no path pruned against a state in progress goes
 * through it any more (backedge.c), so its marks are complete. A path pruned against it
 * takes over its marks (propagate_precision). Where the walk back cannot
 * follow (atomics on stack slots, frames that do not line up), every
 * scalar of the path's stored states is made precise instead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/opcodes.h"
#include "verifier/log.h"
#include "verifier/state.h"

/* What is still needed precise: registers and stack slots per frame. */
struct bt {
	uint16_t regs[MAX_FRAMES];
	uint64_t slots[MAX_FRAMES];
	uint32_t fr; /* frame of the instruction being walked */
};

static bool bt_empty(const struct bt *bt)
{
	uint64_t any = 0;
	for (uint32_t f = 0; f < MAX_FRAMES; f++)
		any |= bt->regs[f] | bt->slots[f];
	return !any;
}

/* ---- the history ---- */

static int hist_push(struct verifier_env *env, struct vstate *st, struct hist_entry e)
{
	if (st->hist_len == st->hist_cap) {
		uint32_t cap = st->hist_cap ? st->hist_cap * 2 : 16;
		struct hist_entry *h = pool_grow(env->pool, st->hist, st->hist_cap * sizeof(*h),
						 cap * sizeof(*h));
		if (!h)
			return -ENOMEM;
		st->hist = h;
		st->hist_cap = cap;
	}
	st->hist[st->hist_len++] = e;
	return 0;
}

int hist_copy(struct verifier_env *env, struct vstate *dst, const struct vstate *src)
{
	dst->hist = NULL;
	dst->hist_cap = dst->hist_len = 0;
	if (!src->hist_len)
		return 0;
	dst->hist = pool_alloc(env->pool, src->hist_len * sizeof(*dst->hist));
	if (!dst->hist)
		return -ENOMEM;
	memcpy(dst->hist, src->hist, src->hist_len * sizeof(*dst->hist));
	dst->hist_len = dst->hist_cap = src->hist_len;
	return 0;
}

/* The registers r for which walking back over insn (reached from the
 * one before it, HIST_STACK aside) changes a need of {r}: what it writes,
 * both operands of a comparison, a fetching atomic's loaded register. */
static uint16_t back_kill(const struct bpfrt_insn *insn, const struct isa_form *f)
{
	uint16_t dst = (uint16_t)(1u << (insn->dst_reg & 15)), src = (uint16_t)(1u << (insn->src_reg & 15));
	switch (BPFRT_CLASS(insn->code)) {
	case BPFRT_ALU:
	case BPFRT_ALU64:
	case BPFRT_LD:
	case BPFRT_LDX:
		return dst;
	case BPFRT_ST:
		return 0;
	case BPFRT_STX:
		return BPFRT_MODE(insn->code) == BPFRT_ATOMIC ? (uint16_t)(src | 1u) : 0;
	default:
		break;
	}
	if (f->op == ISA_OP_CALL_HELPER || f->op == ISA_OP_CALL_KFUNC || f->op == ISA_OP_CALLX)
		return 1u;
	return BPFRT_SRC(insn->code) == BPFRT_X ? (uint16_t)(dst | src) : 0;
}

/* prec_done across insn idx, forwards: a register stays done when walking
 * back over idx keeps its need as it is, becomes done when the walk would
 * end at idx (a constant, a load from memory) or go on only to registers
 * done before it. Calls and exits (frames change) forget everything. */
static uint16_t done_step(const struct verifier_env *env, uint32_t idx, uint16_t d, uint8_t flags)
{
	const struct bpfrt_insn *insn = &env->insns[idx];
	const struct isa_form *f = insn_form(env, idx);
	uint16_t dst = (uint16_t)(1u << (insn->dst_reg & 15)), src = (uint16_t)(1u << (insn->src_reg & 15));
	bool x = BPFRT_SRC(insn->code) == BPFRT_X;
	switch (BPFRT_CLASS(insn->code)) {
	case BPFRT_ALU:
	case BPFRT_ALU64:
		if (f->op == ISA_OP_NEG64 || f->op == ISA_OP_NEG32 || BPFRT_OP(insn->code) == BPFRT_END)
			return d;
		if (BPFRT_OP(insn->code) == BPFRT_MOV)
			return !x || (d & src) ? (uint16_t)(d | dst) : (uint16_t)(d & ~dst);
		return !x || (d & src) ? d : (uint16_t)(d & ~dst);
	case BPFRT_LD:
		return d | dst;
	case BPFRT_LDX:
		return flags & HIST_STACK ? (uint16_t)(d & ~dst) : (uint16_t)(d | dst);
	case BPFRT_ST:
	case BPFRT_STX:
		return d & (uint16_t)~back_kill(insn, f);
	default:
		break;
	}
	switch (f->op) {
	case ISA_OP_JA:
	case ISA_OP_JA32:
	case ISA_OP_MAY_GOTO:
		return d;
	case ISA_OP_CALL_HELPER:
	case ISA_OP_CALL_KFUNC:
	case ISA_OP_CALL_LOCAL:
	case ISA_OP_CALLX:
	case ISA_OP_EXIT:
		return 0;
	default: /* conditional jumps: one operand refines the other */
		return x && (d & (dst | src)) != (dst | src) ? (uint16_t)(d & ~(dst | src)) : d;
	}
}

int hist_record(struct verifier_env *env, uint32_t idx, uint8_t flags, uint8_t frame, uint8_t spi)
{
	struct vstate *st = env->cur;
	st->prec_done = done_step(env, idx, st->prec_done, flags);
	st->seg_cnt++;
	if (st->arr_edge == EDGE_SEQ && !flags)
		return 0;
	struct hist_entry e = { idx, st->arr_prev, st->arr_edge, flags, frame, spi };
	if (hist_push(env, st, e))
		return env->err = -ENOMEM;
	return 0;
}

/* ---- walking back ---- */

static uint32_t seq_prev(const struct verifier_env *env, uint32_t i)
{
	if (i >= 2 && env->aux[i - 1].second_slot)
		return i - 2;
	return i ? i - 1 : 0;
}

/* Crossing the edge by which insn `i` was reached, backwards. false: the
 * frames do not line up (the caller falls back). */
static bool back_edge(struct bt *bt, uint8_t edge)
{
	uint32_t fr = bt->fr;
	switch (edge) {
	case EDGE_SEQ:
	case EDGE_JUMP:
		return true;
	case EDGE_CALL: /* callee's first insn -> the call: r1-r5 are the args */
		if (!fr || (bt->regs[fr] & ~0x3eu))
			return false;
		bt->regs[fr - 1] |= bt->regs[fr] & 0x3e;
		bt->regs[fr] = 0;
		bt->slots[fr] = 0; /* a fresh stack: nothing flows into it */
		bt->fr--;
		return true;
	case EDGE_CB_ENTER:
	case EDGE_CB_AGAIN:
		/* the callback's arguments: the index and map pointers are
		 * new values; its ctx argument is the caller's r3 (kept for
		 * soundness in depth: no case can fail without it, a ctx is a
		 * stack pointer or NULL, so the only scalar it can be is 0) */
		if (!fr)
			return false;
		if (bt->regs[fr] & 0x3c)
			bt->regs[fr - 1] |= 1u << 3;
		bt->regs[fr] = 0;
		bt->slots[fr] = 0;
		if (edge == EDGE_CB_ENTER)
			bt->fr--;
		return true;
	case EDGE_RET: /* after the call -> the callee's exit: r0 flows */
	case EDGE_CB_RET: /* the helper's r0, not the callback's */
		if (fr + 1 >= MAX_FRAMES)
			return false;
		bt->regs[fr + 1] = edge == EDGE_RET ? (bt->regs[fr] & 1u) : 0;
		bt->slots[fr + 1] = 0;
		bt->regs[fr] &= (uint16_t)~0x3fu; /* r0 set by the call, r1-r5 clobbered */
		bt->fr++;
		return true;
	}
	return false;
}

/* One instruction backwards: what it needs before, given what is needed
 * after. false: cannot follow (the caller falls back). */
static bool back_insn(const struct verifier_env *env, struct bt *bt, uint32_t i,
		      const struct hist_entry *e)
{
	const struct bpfrt_insn *insn = &env->insns[i];
	const struct isa_form *f = insn_form(env, i);
	uint16_t *regs = &bt->regs[bt->fr];
	uint16_t dst = (uint16_t)(1u << (insn->dst_reg & 15)), src = (uint16_t)(1u << (insn->src_reg & 15));
	bool x = BPFRT_SRC(insn->code) == BPFRT_X;
	bool stack = e && (e->flags & HIST_STACK);
	if (!f)
		return false;
	switch (BPFRT_CLASS(insn->code)) {
	case BPFRT_ALU:
	case BPFRT_ALU64:
		if (!(*regs & dst))
			return true;
		if (f->op == ISA_OP_NEG64 || f->op == ISA_OP_NEG32 || BPFRT_OP(insn->code) == BPFRT_END)
			return true;
		if (BPFRT_OP(insn->code) == BPFRT_MOV) {
			*regs &= (uint16_t)~dst;
			if (x)
				*regs |= src;
		} else if (x) {
			*regs |= src;
		}
		return true;
	case BPFRT_LD: /* ld_imm64: a constant or a pointer */
		*regs &= (uint16_t)~dst;
		return true;
	case BPFRT_LDX:
		if (!(*regs & dst))
			return true;
		*regs &= (uint16_t)~dst;
		if (stack) /* a fill: the value is the slot's */
			bt->slots[e->frame] |= 1ULL << e->spi;
		return true;
	case BPFRT_ST:
		if (stack)
			bt->slots[e->frame] &= ~(1ULL << e->spi);
		return true;
	case BPFRT_STX:
		if (BPFRT_MODE(insn->code) == BPFRT_ATOMIC) {
			bool cmpx = f->op == ISA_OP_ATOMIC_CMPXCHG64 || f->op == ISA_OP_ATOMIC_CMPXCHG32;
			uint16_t fetch = !isa_form_has(f, ISA_F_FETCH) ? 0 : cmpx ? 1u : src;
			if (stack && ((*regs & fetch) || (bt->slots[e->frame] & (1ULL << e->spi))))
				return false;
			*regs &= (uint16_t)~fetch; /* loaded from memory */
			return true;
		}
		if (stack && (bt->slots[e->frame] & (1ULL << e->spi))) {
			bt->slots[e->frame] &= ~(1ULL << e->spi);
			*regs |= src; /* a spill: the slot's value is the register's */
		}
		return true;
	default:
		break;
	}
	switch (f->op) {
	case ISA_OP_CALL_HELPER:
	case ISA_OP_CALLX:
	case ISA_OP_CALL_KFUNC:
		*regs &= (uint16_t)~1u; /* r0: the helper's result */
		return true;
	case ISA_OP_CALL_LOCAL: /* reached back through the callee */
	case ISA_OP_EXIT:
	case ISA_OP_JA:
	case ISA_OP_JA32:
		return true;
	default: /* conditional jumps */
		/* refining one operand by the other: both matter */
		if (x && (*regs & (dst | src)))
			*regs |= dst | src;
		return true;
	}
}

/* "mark_precise: frame0: regs=r1,r7 stack=-16 before 12" (kernel style);
 * `where`: "before" an instruction, or "parent state at" one. */
static void log_bt(struct verifier_env *env, const struct bt *bt, const char *where, uint32_t i)
{
	char b[256];
	size_t n = 0;
	for (uint32_t f = 0; f < MAX_FRAMES && n < sizeof(b) - 64; f++) {
		if (!bt->regs[f] && !bt->slots[f])
			continue;
		const char *sep = "";
		n += (size_t)snprintf(b + n, sizeof(b) - n, " frame%u: regs=", f);
		for (int r = 0; r < MAX_BPF_REG && n < sizeof(b) - 32; r++)
			if (bt->regs[f] & (1u << r)) {
				n += (size_t)snprintf(b + n, sizeof(b) - n, "%sr%d", sep, r);
				sep = ",";
			}
		n += (size_t)snprintf(b + n, sizeof(b) - n, " stack=");
		sep = "";
		for (int s = 0; s < 64 && n < sizeof(b) - 16; s++)
			if (bt->slots[f] & (1ULL << s)) {
				n += (size_t)snprintf(b + n, sizeof(b) - n, "%s-%d", sep, 8 * (s + 1));
				sep = ",";
			}
	}
	log_write(env->log, "mark_precise:%s %s %u\n", n ? b : "", where, i);
}

/* Marks what bt names in stored state `st`; already precise values and
 * non-scalars need nothing further back. false: frames do not line up. */
static bool mark_state(struct vstate *st, struct bt *bt)
{
	if (bt->fr != st->curframe)
		return false;
	for (uint32_t f = 0; f < MAX_FRAMES; f++) {
		if (f > st->curframe) {
			if (bt->regs[f] || bt->slots[f])
				return false;
			continue;
		}
		struct func_state *fs = st->frame[f];
		for (uint32_t m = bt->regs[f] & ((1u << MAX_BPF_REG) - 1); m; m &= m - 1) {
			int r = __builtin_ctz(m);
			struct reg_state *reg = &fs->regs[r];
			if (reg->type != SCALAR_VALUE || reg->precise)
				bt->regs[f] &= (uint16_t)~(1u << r);
			else
				reg->precise = 1;
		}
		for (uint64_t m = bt->slots[f]; m; m &= m - 1) {
			uint32_t s = (uint32_t)__builtin_ctzll(m);
			struct reg_state *reg = s < fs->nslots && fs->stack[s].kind[7] == STACK_SPILL
							? &fs->stack[s].spilled : NULL;
			if (!reg || reg->type != SCALAR_VALUE || reg->precise)
				bt->slots[f] &= ~(1ULL << s);
			else
				reg->precise = 1;
		}
	}
	return true;
}

static void mark_all_scalars(struct vstate *st)
{
	for (uint32_t f = 0; f <= st->curframe; f++) {
		struct func_state *fs = st->frame[f];
		for (int r = 0; r < MAX_BPF_REG; r++)
			if (fs->regs[r].type == SCALAR_VALUE)
				fs->regs[r].precise = 1;
		for (uint32_t s = 0; s < fs->nslots; s++)
			if (fs->stack[s].kind[7] == STACK_SPILL &&
			    fs->stack[s].spilled.type == SCALAR_VALUE)
				fs->stack[s].spilled.precise = 1;
	}
}

static bool mark_all_from(struct stored_state *ss)
{
	bool changed = false;
	for (; ss && !ss->all_precise; ss = ss->parent) {
		mark_all_scalars(&ss->st);
		ss->all_precise = changed = true;
	}
	return changed;
}

void mark_all_precise(struct verifier_env *env)
{
	mark_all_from(env->cur->parent_ss);
}

/* Walks the path of st (the current one, or a back edge's: backedge.c)
 * back from its instruction, marking in each stored state what bt needs
 * there; *changed (if given) when some mark is new. *done: registers of
 * st's frame whose walk from there is now known to change nothing (needed
 * at some point of this segment in this frame, not touched since). */
static int backtrack(struct verifier_env *env, struct bt *bt, struct vstate *st, bool *changed,
		     uint16_t *done)
{
	bool log = log_enabled(env, 2);
	struct vstate *start = st;
	uint16_t kill = 0; /* back_kill of the insns walked, while *done grows */
	bool here = true;  /* still in the current segment and frame */
	*done = bt->regs[bt->fr];
	while (!bt_empty(bt)) {
		uint32_t i = st->insn_idx, h = st->hist_len;
		uint32_t prev = st->arr_prev;
		uint8_t edge = st->arr_edge;
		for (uint32_t k = 0; k < st->seg_cnt; k++) {
			if (edge != EDGE_SEQ && edge != EDGE_JUMP)
				here = false;
			if (!back_edge(bt, edge))
				goto fallback;
			i = prev;
			const struct hist_entry *e = h && st->hist[h - 1].idx == i ? &st->hist[--h] : NULL;
			uint16_t k_i = back_kill(&env->insns[i], insn_form(env, i));
			if (here)
				kill |= k_i;
			if (!e && !log && !(bt->regs[bt->fr] & k_i)) {
				/* the common step: an instruction reached from the one
				 * before that changes no need */
				prev = seq_prev(env, i);
				edge = EDGE_SEQ;
				continue;
			}
			if (log)
				log_bt(env, bt, "before", i);
			if (!back_insn(env, bt, i, e))
				goto fallback;
			if (here)
				*done |= bt->regs[bt->fr] & (uint16_t)~kill;
			prev = e ? e->prev : seq_prev(env, i);
			edge = e ? e->edge : EDGE_SEQ;
			if (bt_empty(bt))
				return 0;
		}
		if (st->seg_cnt && (i != st->start_idx || h))
			goto fallback;
		struct stored_state *parent = st->parent_ss;
		if (!parent)
			return 0;
		here = false;
		if (!mark_state(&parent->st, bt))
			goto fallback;
		if (!bt_empty(bt) && changed) /* what is left was marked just now */
			*changed = true;
		if (log)
			log_bt(env, bt, "parent state at", parent->st.insn_idx);
		st = &parent->st;
	}
	return 0;
fallback:
	if (log)
		log_write(env->log, "mark_precise: cannot follow the path back, all scalars precise\n");
	if (mark_all_from(start->parent_ss) && changed)
		*changed = true;
	return 0;
}

int mark_chain_precision(struct verifier_env *env, uint32_t regno)
{
	struct vstate *st = env->cur;
	if (regno >= MAX_BPF_REG || cur_regs(env)[regno].type != SCALAR_VALUE)
		return 0;
	/* done already (level 2 logs every walk) */
	if (((st->prec_done >> regno) & 1) && !log_enabled(env, 2))
		return 0;
	struct bt bt;
	memset(&bt, 0, sizeof(bt));
	bt.fr = st->curframe;
	bt.regs[bt.fr] = (uint16_t)(1u << regno);
	uint16_t done;
	int err = backtrack(env, &bt, st, NULL, &done);
	st->prec_done |= done;
	return err;
}

/* The scalar spilled in stack slot spi of frame fr becomes precise back
 * along the path (kernel: bt_set_frame_slot + mark_chain_precision_batch). */
int mark_slot_precision(struct verifier_env *env, uint32_t fr, uint32_t spi)
{
	struct vstate *st = env->cur;
	if (fr > st->curframe || spi >= 64)
		return 0;
	struct bt bt;
	memset(&bt, 0, sizeof(bt));
	bt.fr = st->curframe;
	bt.slots[fr] = 1ULL << spi;
	struct func_state *fs = st->frame[fr];
	if (spi < fs->nslots && fs->stack[spi].kind[7] == STACK_SPILL &&
	    fs->stack[spi].spilled.type == SCALAR_VALUE)
		fs->stack[spi].spilled.precise = 1;
	uint16_t done;
	return backtrack(env, &bt, st, NULL, &done);
}

int propagate_precision(struct verifier_env *env, const struct vstate *old, uint32_t insn_idx)
{
	return propagate_precision_into(env, old, insn_idx, env->cur, NULL);
}

int propagate_precision_into(struct verifier_env *env, const struct vstate *old,
			     uint32_t insn_idx, struct vstate *st, bool *changed)
{
	struct bt bt;
	memset(&bt, 0, sizeof(bt));
	bt.fr = st->curframe;
	for (uint32_t f = 0; f <= old->curframe; f++) {
		const struct func_state *fs = old->frame[f];
		uint16_t live;
		uint64_t live_stack;
		frame_liveness(env, old, f, insn_idx, &live, &live_stack);
		for (int r = 0; r < MAX_BPF_REG; r++)
			if ((live & (1u << r)) && fs->regs[r].type == SCALAR_VALUE &&
			    fs->regs[r].precise)
				bt.regs[f] |= (uint16_t)(1u << r);
		for (uint32_t s = 0; s < fs->nslots && s < 64; s++)
			if ((live_stack & (1ULL << s)) && fs->stack[s].kind[7] == STACK_SPILL &&
			    fs->stack[s].spilled.type == SCALAR_VALUE && fs->stack[s].spilled.precise)
				bt.slots[f] |= 1ULL << s;
	}
	if (bt_empty(&bt))
		return 0;
	if (log_enabled(env, 2))
		log_write(env->log, "propagating precision from the state at %u\n", insn_idx);
	uint16_t done;
	return backtrack(env, &bt, st, changed, &done);
}
