/* SPDX-License-Identifier: MIT */
/*
 * State pruning: a path reaching an instruction in a state covered by one
 * already verified from there (every register range within the old one's,
 * tnums included, stack bytes at least as initialised, same references) need
 * not be walked again. Dead registers (static liveness) are not compared.
 *
 * Also here: infinite-loop detection (a loop head reached again in exactly
 * the state of an ancestor) and, beyond the kernel, widening of
 * loop-carried scalars at loop heads (docs/verifier.md, "Loops").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "verifier/state.h"

#define MAX_STATES 200000 /* about 300 MB of states at most */

/* ---- comparing ---- */

/* How states are compared: for pruning against a verified state (precision
 * and liveness apply), against a state still being explored (every scalar's
 * range), or to detect an infinite loop (also an iterator's turn). */
enum cmp_mode { CMP_PRUNE = 0, CMP_RANGE, CMP_LOOP };

struct idmap {
	uint32_t n;
	uint32_t old[64], cur[64];
};

/* old's ids map one-to-one onto cur's (the kernel's idmap). That two of
 * old's ids may not share one of cur's has no case failing without it:
 * cur then links values old keeps apart, fewer concrete states, and two
 * references merged in registers still differ in refs[]. Kept as the
 * kernel keeps it. */
static bool check_ids(uint32_t old, uint32_t cur, struct idmap *m)
{
	if (!old)
		return true;
	if (!cur)
		return false;
	for (uint32_t i = 0; i < m->n; i++) {
		if (m->old[i] == old)
			return m->cur[i] == cur;
		if (m->cur[i] == cur)
			return false;
	}
	if (m->n == 64)
		return false;
	m->old[m->n] = old;
	m->cur[m->n++] = cur;
	return true;
}

static bool range_within(const struct reg_state *old, const struct reg_state *cur)
{
	return old->umin_value <= cur->umin_value && cur->umax_value <= old->umax_value &&
	       old->smin_value <= cur->smin_value && cur->smax_value <= old->smax_value &&
	       old->u32_min_value <= cur->u32_min_value &&
	       cur->u32_max_value <= old->u32_max_value &&
	       old->s32_min_value <= cur->s32_min_value &&
	       cur->s32_max_value <= old->s32_max_value;
}

/* exact: compare every scalar's range (loop detection, states still being
 * explored); otherwise an imprecise scalar of old matches any scalar, as
 * long as the registers linked to it are linked in cur too (old keeps an
 * id only when it is shared, see clear_singular_ids). */
static bool regsafe(const struct reg_state *old, const struct reg_state *cur, struct idmap *m,
		    enum cmp_mode exact)
{
	if (old->type == NOT_INIT)
		return true;
	if (cur->type != old->type)
		return false;
	if (old->type == SCALAR_VALUE && !old->precise && !exact)
		return check_ids(old->id, cur->id, m);
	if (!range_within(old, cur) || !tnum_in(old->var_off, cur->var_off))
		return false;
	if (old->type == SCALAR_VALUE)
		return check_ids(old->id, cur->id, m);
	if (reg_is_pkt(old)) /* packet.c: ranges, offsets */
		return pkt_regsafe(old, cur) && check_ids(old->id, cur->id, m);
	return old->flags == cur->flags && old->off == cur->off && old->frameno == cur->frameno &&
	       old->map_idx == cur->map_idx && old->mem_size == cur->mem_size &&
	       old->subprog == cur->subprog && check_ids(old->id, cur->id, m) &&
	       check_ids(old->ref_obj_id, cur->ref_obj_id, m) &&
	       check_ids(old->parent_id, cur->parent_id, m);
}

static uint8_t kind_of(const struct func_state *f, uint32_t spi, uint32_t b)
{
	return spi < f->nslots ? f->stack[spi].kind[b] : STACK_INVALID;
}

static bool all_misc(const struct func_state *f, uint32_t spi)
{
	for (uint32_t b = 0; b < 8; b++)
		if (kind_of(f, spi, b) != STACK_MISC)
			return false;
	return true;
}

/* live: the slots that may be read from here (bit per slot). */
static bool stacksafe(const struct func_state *old, const struct func_state *cur,
		      struct idmap *m, uint64_t live, enum cmp_mode exact)
{
	for (uint32_t spi = 0; spi < old->nslots; spi++) {
		const struct stack_slot *os = &old->stack[spi];
		if (spi < 64 && !(live & (1ULL << spi)))
			continue;
		bool old_obj = os->kind[0] == STACK_DYNPTR || os->kind[0] == STACK_ITER;
		uint8_t ck0 = kind_of(cur, spi, 0);
		if (old_obj || ck0 == STACK_DYNPTR || ck0 == STACK_ITER) {
			/* dynptrs and iterators: the same object in the same state
			 * (an iterator's depth is not compared, as in the kernel) */
			const struct stack_slot *cs = &cur->stack[spi];
			if (!old_obj) {
				for (uint32_t b = 0; b < 8; b++)
					if (os->kind[b] != STACK_INVALID)
						return false;
				continue;
			}
			if (ck0 != os->kind[0])
				return false;
			/* exact (loop detection): another turn of an iterator
			 * is progress, not a loop (kernel iter_active_depths_differ) */
			if (cs->obj_type != os->obj_type || cs->obj_first != os->obj_first ||
			    cs->iter_state != os->iter_state ||
			    (exact == CMP_LOOP && cs->iter_depth != os->iter_depth) ||
			    !check_ids(os->spilled.id, cs->spilled.id, m) ||
			    !check_ids(os->spilled.ref_obj_id, cs->spilled.ref_obj_id, m))
				return false;
			continue;
		}
		if (os->kind[7] == STACK_SPILL) {
			/* an imprecise spilled scalar is any 8 bytes of data
			 * (unless linked: no case fails without that, any use
			 * of the value marks the slot precise first; kept) */
			if (!exact && os->spilled.type == SCALAR_VALUE && !os->spilled.precise &&
			    !os->spilled.id && all_misc(cur, spi))
				continue;
			if (kind_of(cur, spi, 7) != STACK_SPILL ||
			    spill_size(os) != spill_size(&cur->stack[spi]) ||
			    !regsafe(&os->spilled, &cur->stack[spi].spilled, m, exact))
				return false;
		}
		for (uint32_t b = 0; b < 8; b++) {
			uint8_t ok = os->kind[b], ck = kind_of(cur, spi, b);
			if (ok == STACK_INVALID || (ok == STACK_SPILL && os->kind[7] == STACK_SPILL))
				continue;
			if (ck == STACK_INVALID)
				return false;
			if (ck == STACK_SPILL && cur->stack[spi].spilled.type != SCALAR_VALUE)
				return false;
			if (ok == STACK_ZERO) {
				if (ck == STACK_ZERO)
					continue;
				const struct reg_state *sp = &cur->stack[spi].spilled;
				if (ck == STACK_SPILL && reg_is_const(sp) && !sp->var_off.value)
					continue;
				return false;
			}
			if (ok == STACK_SPILL) /* a scrubbed partial spill: plain data */
				continue;
		}
	}
	return true;
}

/* What of frame f of st may still be read: at insn_idx for the current
 * frame, after its call returns for a caller (everything, if the call was
 * handed a pointer to its stack). */
void frame_liveness(const struct verifier_env *env, const struct vstate *st, uint32_t f,
		    uint32_t insn_idx, uint16_t *regs, uint64_t *slots)
{
	if (f == st->curframe) {
		*regs = env->aux[insn_idx].live_in;
		*slots = env->aux[insn_idx].live_stack;
		return;
	}
	uint32_t c = st->frame[f + 1]->callsite;
	*regs = 0x3c0; /* r6-r9: r0 is the call's result, r1-r5 clobbered */
	*slots = ~0ULL;
	if (c + 1 < env->insn_cnt && !env->aux[c].call_stack_arg) {
		*regs &= env->aux[c + 1].live_in;
		*slots = env->aux[c + 1].live_stack;
	}
}

/* Every concrete state of cur is one of old's (for the live parts). */
static bool covers(const struct verifier_env *env, const struct vstate *old,
		   const struct vstate *cur, uint32_t insn_idx, enum cmp_mode exact)
{
	struct idmap m;
	m.n = 0;
	if (old->curframe != cur->curframe || old->refcnt != cur->refcnt)
		return false;
	/* another turn through a may_goto is progress, not a loop */
	if (exact == CMP_LOOP && old->may_goto_depth != cur->may_goto_depth)
		return false;
	for (uint32_t f = 0; f <= old->curframe; f++) {
		const struct func_state *of = old->frame[f], *cf = cur->frame[f];
		if (of->callsite != cf->callsite || of->in_callback != cf->in_callback)
			return false;
		uint16_t live;
		uint64_t live_stack;
		frame_liveness(env, old, f, insn_idx, &live, &live_stack);
		for (int r = 0; r < MAX_BPF_REG; r++)
			if ((live & (1u << r)) && !regsafe(&of->regs[r], &cf->regs[r], &m, exact))
				return false;
		if (!stacksafe(of, cf, &m, live_stack, exact))
			return false;
	}
	/* (a reference is held by a live register or slot compared above,
	 * or the path leaks it; no case fails without this, kept) */
	for (uint32_t i = 0; i < old->refcnt; i++)
		if (!check_ids(old->refs[i].id, cur->refs[i].id, &m))
			return false;
	if (old->lock_map != cur->lock_map || old->lock_off != cur->lock_off ||
	    (old->lock_map && !check_ids(old->lock_id, cur->lock_id, &m)))
		return false;
	return true;
}

/* Cheap test before the exact one (kernel states_maybe_looping). */
static bool maybe_looping(const struct vstate *old, const struct vstate *cur)
{
	if (old->curframe != cur->curframe)
		return false;
	const struct func_state *of = old->frame[old->curframe], *cf = cur->frame[cur->curframe];
	for (int r = 0; r < MAX_BPF_REG; r++) {
		struct reg_state a = of->regs[r], b = cf->regs[r];
		a.precise = b.precise = 0;
		if (memcmp(&a, &b, sizeof(a)))
			return false;
	}
	return true;
}

/* ---- storing ---- */

struct id_use {
	uint32_t id;
	struct reg_state *r;
};

static int by_id(const void *a, const void *b)
{
	uint32_t x = ((const struct id_use *)a)->id, y = ((const struct id_use *)b)->id;
	return x < y ? -1 : x > y;
}

/* A scalar id no other register or slot shares links nothing: dropped from
 * a stored state, so that pruning does not require cur to share it. */
static void clear_singular_ids(struct vstate *st)
{
	struct id_use use[MAX_FRAMES * (MAX_BPF_REG + STACK_SLOTS)];
	uint32_t n = 0;
	for (uint32_t f = 0; f <= st->curframe; f++) {
		struct func_state *fs = st->frame[f];
		for (int r = 0; r < MAX_BPF_REG; r++)
			if (fs->regs[r].type == SCALAR_VALUE && fs->regs[r].id)
				use[n++] = (struct id_use){ fs->regs[r].id, &fs->regs[r] };
		for (uint32_t s = 0; s < fs->nslots && s < STACK_SLOTS; s++) {
			struct reg_state *r = &fs->stack[s].spilled;
			if (fs->stack[s].kind[7] == STACK_SPILL && r->type == SCALAR_VALUE && r->id)
				use[n++] = (struct id_use){ r->id, r };
		}
	}
	qsort(use, n, sizeof(use[0]), by_id);
	for (uint32_t i = 0; i < n; i++) {
		bool shared = (i && use[i - 1].id == use[i].id) ||
			      (i + 1 < n && use[i + 1].id == use[i].id);
		if (!shared)
			use[i].r->id = 0;
	}
}

/* ---- widening ---- */

/* A value that counts iterations: a constant that changed (in a register
 * some conditional jump compares, or spilled), or a moved pointer. */
static bool is_counter(const struct reg_state *a, const struct reg_state *c, bool compared)
{
	if (a->type != c->type)
		return false;
	if (a->type == SCALAR_VALUE)
		return compared && reg_is_const(a) && reg_is_const(c) &&
		       a->var_off.value != c->var_off.value;
	return a->type != NOT_INIT && a->off != c->off;
}

/* Unsigned bounds in to the nearest values with the tnum's known low bits:
 * the ranges alone do not learn them from the tnum. */
static void round_to_low_bits(struct reg_state *r)
{
	uint64_t low = r->var_off.mask ? (r->var_off.mask & -r->var_off.mask) - 1 : UINT64_MAX;
	uint64_t v = r->var_off.value & low;
	if (low != UINT64_MAX && r->umax_value >= v && r->umin_value <= r->umax_value) {
		r->umax_value -= (r->umax_value - v) & low;
		if (r->umin_value <= UINT64_MAX - low)
			r->umin_value += (v - r->umin_value) & low;
	}
	uint32_t low32 = (uint32_t)low, v32 = (uint32_t)v;
	if (low32 && low32 != UINT32_MAX && r->u32_max_value >= v32 &&
	    r->u32_min_value <= r->u32_max_value) {
		r->u32_max_value -= (r->u32_max_value - v32) & low32;
		if (r->u32_min_value <= UINT32_MAX - low32)
			r->u32_min_value += (v32 - r->u32_min_value) & low32;
	}
	reg_bounds_sync(r);
}

static void widen_reg(const struct verifier_env *env, const struct reg_state *a,
		      struct reg_state *out, bool all, bool compared)
{
	const struct reg_state *c = out;
	if (a->type != SCALAR_VALUE || c->type != SCALAR_VALUE)
		return;
	if (!all && compared && reg_is_const(a) && reg_is_const(c))
		return; /* a counter: walked exactly */
	if (reg_is_const(a) && reg_is_const(c) && a->var_off.value == c->var_off.value)
		return;
	/* c's bounds in to its known low bits first (a multiple of 8 below 384
	 * is at most 376): else a bound the tnum rounds in looks moved */
	struct reg_state r = *c;
	round_to_low_bits(&r);
	c = &r;
	/* each bound that moved goes to the next counted loop bound beyond
	 * it (loops.c), else to its extreme */
	struct reg_state w = *c;
	w.umin_value = c->umin_value < a->umin_value ? threshold_below(env, c->umin_value, 64, false)
						      : a->umin_value;
	w.umax_value = c->umax_value > a->umax_value ? threshold_above(env, c->umax_value, 64, false)
						      : a->umax_value;
	w.smin_value = c->smin_value < a->smin_value
			       ? (int64_t)threshold_below(env, (uint64_t)c->smin_value, 64, true)
			       : a->smin_value;
	w.smax_value = c->smax_value > a->smax_value
			       ? (int64_t)threshold_above(env, (uint64_t)c->smax_value, 64, true)
			       : a->smax_value;
	w.u32_min_value = c->u32_min_value < a->u32_min_value
				  ? (uint32_t)threshold_below(env, c->u32_min_value, 32, false)
				  : a->u32_min_value;
	w.u32_max_value = c->u32_max_value > a->u32_max_value
				  ? (uint32_t)threshold_above(env, c->u32_max_value, 32, false)
				  : a->u32_max_value;
	w.s32_min_value = c->s32_min_value < a->s32_min_value
				  ? (int32_t)(uint32_t)threshold_below(env, (uint32_t)c->s32_min_value, 32, true)
				  : a->s32_min_value;
	w.s32_max_value = c->s32_max_value > a->s32_max_value
				  ? (int32_t)(uint32_t)threshold_above(env, (uint32_t)c->s32_max_value, 32, true)
				  : a->s32_max_value;
	/* the known bits go, but for the lowest ones known and equal in both
	 * (a counter stepping by 8 stays a multiple of 8) */
	struct tnum u = tnum_union(a->var_off, c->var_off);
	uint64_t keep = u.mask ? (u.mask & -u.mask) - 1 : UINT64_MAX;
	w.var_off = tnum_in(a->var_off, c->var_off) ? a->var_off
						     : (struct tnum){ u.value & keep, ~keep };
	w.id = 0;
	/* a bound at a threshold moves in to the nearest value with the known
	 * low bits (a multiple of 8 stays below 184 at 176) */
	round_to_low_bits(&w);
	if (reg_bounds_sane(&w))
		*out = w;
}

static bool widen_frames(const struct verifier_env *env, const struct vstate *anc,
			 struct vstate *cur, bool apply, bool all)
{
	bool counter = false;
	for (uint32_t f = 0; f <= cur->curframe; f++) {
		const struct func_state *af = anc->frame[f];
		struct func_state *cf = cur->frame[f];
		uint16_t cmp = env->subprogs[cf->subprog].cond_regs;
		for (int r = 0; r < BPFRT_REG_FP; r++) {
			bool compared = cmp & (1u << r);
			if (apply)
				widen_reg(env, &af->regs[r], &cf->regs[r], all, compared);
			else
				counter |= is_counter(&af->regs[r], &cf->regs[r], compared);
		}
		uint32_t n = af->nslots < cf->nslots ? af->nslots : cf->nslots;
		for (uint32_t s = 0; s < n; s++) {
			if (af->stack[s].kind[7] != STACK_SPILL || cf->stack[s].kind[7] != STACK_SPILL)
				continue;
			if (apply)
				widen_reg(env, &af->stack[s].spilled, &cf->stack[s].spilled, all, true);
			else
				counter |= is_counter(&af->stack[s].spilled, &cf->stack[s].spilled,
						      true);
		}
	}
	return counter;
}

/* At a loop head reached again below `anc` (the same head in an earlier
 * iteration): if some value counts iterations exactly (a constant that
 * changed, a pointer offset that moved), let every other changed scalar go
 * to its widest range in the direction it moved. The counters keep the walk
 * exact enough to prove termination; the widened values stop the paths
 * through the body from multiplying. `all`: widen the counters too, where
 * something else bounds the turns (a helper calling a callback, an
 * iterator, a counted loop: loops.c). */
static void widen_loop_state(struct verifier_env *env, const struct vstate *anc, uint32_t idx,
			     bool all)
{
	struct vstate *cur = env->cur;
	if (anc->curframe != cur->curframe)
		return;
	for (uint32_t f = 0; f <= cur->curframe; f++)
		if (anc->frame[f]->callsite != cur->frame[f]->callsite)
			return;
	if (!all && !widen_frames(env, anc, cur, false, false))
		return;
	widen_frames(env, anc, cur, true, all);
	if (all && !(env->widen && env->aux[idx].counted))
		return; /* callbacks and iterators: not reported */
	if (!env->widened && log_enabled(env, 2))
		verbose(env, "%u: widening loop-carried scalars%s\n", idx,
			all ? " (a counted loop)" : "");
	env->widened = true;
}

/* kernel_compat, at an iterator's next or a may_goto: as the kernel's
 * widen_imprecise_scalars, the turn pushed (q) gets the scalars that are
 * imprecise in the latest earlier turn still in progress there, and differ
 * from it, made unknown; the state stored at the call and the path that
 * goes on (iterator drained, budget spent) keep theirs. */
static void widen_imprecise(const struct reg_state *o, struct reg_state *c)
{
	if (o->type != SCALAR_VALUE || c->type != SCALAR_VALUE || o->precise || c->precise)
		return;
	if (o->var_off.value == c->var_off.value && o->var_off.mask == c->var_off.mask &&
	    o->umin_value == c->umin_value && o->umax_value == c->umax_value &&
	    o->smin_value == c->smin_value && o->smax_value == c->smax_value &&
	    o->u32_min_value == c->u32_min_value && o->u32_max_value == c->u32_max_value &&
	    o->s32_min_value == c->s32_min_value && o->s32_max_value == c->s32_max_value)
		return;
	mark_reg_unknown(c);
}

/* Every frame of q against old's (the same call sites): false when they
 * do not line up. */
static bool widen_imprecise_frames(const struct vstate *old, struct vstate *q)
{
	if (old->curframe != q->curframe)
		return false;
	for (uint32_t f = 0; f <= q->curframe; f++)
		if (old->frame[f]->callsite != q->frame[f]->callsite)
			return false;
	for (uint32_t f = 0; f <= q->curframe; f++) {
		const struct func_state *of = old->frame[f];
		struct func_state *cf = q->frame[f];
		for (int r = 0; r < BPFRT_REG_FP; r++)
			widen_imprecise(&of->regs[r], &cf->regs[r]);
		uint32_t n = of->nslots < cf->nslots ? of->nslots : cf->nslots;
		for (uint32_t sl = 0; sl < n; sl++)
			if (of->stack[sl].kind[7] == STACK_SPILL && cf->stack[sl].kind[7] == STACK_SPILL)
				widen_imprecise(&of->stack[sl].spilled, &cf->stack[sl].spilled);
	}
	return true;
}

void widen_queued(struct verifier_env *env, struct vstate *q, uint32_t idx)
{
	const struct stored_state *cp = q->parent_ss; /* stored at this call */
	if (!env->opts->kernel_compat || !cp || cp->st.insn_idx != idx)
		return;
	for (const struct stored_state *p = env->aux[idx].states; p; p = p->next) {
		if (p == cp || !p->branches || p->depth >= cp->depth ||
		    p->st.curframe != q->curframe)
			continue;
		if (widen_imprecise_frames(&p->st, q))
			return;
	}
}

/* ---- the list of states at an instruction ---- */

static void list_del(struct stored_state **head, struct stored_state *ss)
{
	if (ss->prev)
		ss->prev->next = ss->next;
	else
		*head = ss->next;
	if (ss->next)
		ss->next->prev = ss->prev;
	ss->next = ss->prev = NULL;
}

static void list_add(struct stored_state **head, struct stored_state *ss)
{
	ss->prev = NULL;
	ss->next = *head;
	if (*head)
		(*head)->prev = ss;
	*head = ss;
}

/* A path ended: states whose last live path it was are now verified (an
 * evicted one is freed then: nothing can use it any more). */
void stored_release(struct verifier_env *env, struct stored_state *ss)
{
	if (!ss->evicted || ss->branches || ss->pending || ss->targets)
		return;
	list_del(&env->evicted, ss);
	stored_free(env, ss);
	env->cur_states--;
}

void update_branch_counts(struct verifier_env *env, struct stored_state *ss)
{
	while (ss) {
		if (ss->branches)
			ss->branches--;
		if (ss->branches)
			break;
		struct stored_state *parent = ss->parent;
		env->settle |= ss->targets != 0; /* its marks are final: backedge.c */
		stored_release(env, ss);
		ss = parent;
	}
	if (env->settle) {
		int err = backedges_settle(env);
		if (err && !env->err)
			env->err = err;
	}
}

/* A state that keeps missing is dropped from its list (the kernel's
 * heuristic): freed if verified, else kept for its paths in progress (the
 * parent of their states) until they are done. */
static void evict(struct verifier_env *env, struct insn_aux *aux, struct stored_state *sl)
{
	list_del(&aux->states, sl);
	aux->nstates--;
	if (sl->branches || sl->pending || sl->targets) {
		sl->evicted = true;
		list_add(&env->evicted, sl);
		return;
	}
	stored_free(env, sl);
	env->cur_states--;
}

/* At an iterator's next or a may_goto: whether old is another turn of
 * the loop they bound than cur (an iterator advanced, a may_goto fell
 * through in between). */
static bool other_turn(const struct insn_aux *aux, const struct vstate *old,
		       const struct vstate *cur)
{
	return (aux->iter_next && iter_depths_differ(old, cur)) ||
	       (aux->may_goto && old->may_goto_depth != cur->may_goto_depth);
}

/* The kernel's limit on a path's jump history before a state is forced. */
#define MAX_HIST_UNSTORED 40

int is_state_visited(struct verifier_env *env, uint32_t idx)
{
	struct insn_aux *aux = &env->aux[idx];
	struct vstate *cur = env->cur;
	if (!aux->prune_point)
		return 0;
	/* callback starts, iterator next calls, may_goto and counted loop
	 * heads: the helper, the iterator, the budget or the counter bounds
	 * the turns, so a state still in progress may cover; `turns`: at an
	 * iterator's next or a may_goto, only one of another turn */
	bool counted = env->widen && aux->counted;
	bool bounded = aux->callback_head || aux->iter_next || aux->may_goto || counted;
	bool turns = (aux->iter_next || aux->may_goto) && !aux->callback_head;
	/* As the kernel: a new state only once the path went through 2 jumps
	 * and 8 instructions since the last one (always at checkpoints, and
	 * at loop heads while widening); while a state of this insn is still
	 * being explored (a loop), only every 20 jumps or 100 insns: other
	 * turns' states rarely match. Also always once the path's history
	 * since its last state grew long (the kernel's jmp_history_cnt > 40):
	 * a path whose side branches keep storing states would otherwise
	 * copy and walk back an ever longer history. */
	bool force = bounded || (env->widen && aux->loop_head) ||
		     cur->hist_len > MAX_HIST_UNSTORED;
	uint64_t jmps = env->jmps_processed - env->prev_jmps;
	uint64_t insns = env->insns_processed - env->prev_insns;
	bool add = force || (jmps >= 2 && insns >= 8);
	int scanned = 0;
	/* One pass in the kernel's order (the latest first): whether a
	 * state is stored depends on the states in progress met, and misses
	 * count only while one would be stored (so the turns of a loop do
	 * not evict its earlier states). */
	for (struct stored_state *sl = aux->states, *next; sl; sl = next) {
		next = sl->next;
		if (sl->branches) {
			/* at an iterator's next: only a later turn of the same
			 * loop (an iterator advanced); else a loop that makes a
			 * new iterator every turn would pass for converged. The
			 * latest turns come first: older ones rarely match. */
			if (bounded &&
			    !(turns && (++scanned > 64 || !other_turn(aux, &sl->st, cur))) &&
			    (!counted || same_stay(env, &sl->st, cur, idx)) &&
			    covers(env, &sl->st, cur, idx, CMP_RANGE)) {
				/* the helper bounds the calls: a fixpoint may be
				 * reached against a state still in progress, whose
				 * precision is not final yet: its marks now and
				 * once they are (backedge.c) */
				sl->hit_cnt++;
				int err = backedge_add(env, sl, idx);
				return err ? err : 1;
			}
			if (!force && jmps < 20 && insns < 100)
				add = false;
		} else if (sl->pending) {
			/* verified, but its marks may still grow: by every
			 * scalar's range, and its final marks later */
			if (covers(env, &sl->st, cur, idx, CMP_RANGE)) {
				sl->hit_cnt++;
				int err = backedge_add(env, sl, idx);
				return err ? err : 1;
			}
		} else if (covers(env, &sl->st, cur, idx, CMP_PRUNE)) {
			sl->hit_cnt++;
			int err = propagate_precision(env, &sl->st, idx);
			return err ? err : 1;
		}
		if (add)
			sl->miss_cnt++;
		uint32_t n = bounded && sl->branches ? 64 : 3;
		if (sl->miss_cnt > sl->hit_cnt * n + n)
			evict(env, aux, sl);
	}
	if (aux->loop_head || bounded) {
		/* the same loop head in an earlier turn of this path */
		struct stored_state *anc = NULL;
		int seen = 0;
		/* the states of the 256 nearest ancestors stored here; the
		 * ancestors stored elsewhere than at such a head are skipped */
		uint32_t top = cur->parent_ss ? cur->parent_ss->depth : 0;
		for (struct stored_state *p = cur->parent_ss; p && seen < 8 && top - p->depth < 256;
		     p = p->head_parent) {
			if (p->st.insn_idx != idx || !p->branches)
				continue;
			if (!seen++)
				anc = p;
			/* a few turns back: catches loops cycling through states */
			/* (an iterator loop in which no iterator advanced is a
			 * plain loop here) */
			bool plain = !bounded || (turns && !other_turn(aux, &p->st, cur));
			if (plain && maybe_looping(&p->st, cur) &&
			    covers(env, &p->st, cur, idx, CMP_LOOP) && covers(env, cur, &p->st, idx, CMP_LOOP)) {
				verbose(env, "infinite loop detected at insn %u\n", idx);
				return -EINVAL;
			}
		}
		/* at an iterator's next, only against an earlier turn of its
		 * loop: a counter of an outer loop must stay exact */
		if (anc && turns && !other_turn(aux, &anc->st, cur))
			anc = NULL;
		/* (kernel_compat: an iterator's next and a may_goto widen the
		 * turn they push instead, widen_queued) */
		if (anc && turns && env->opts->kernel_compat)
			anc = NULL;
		/* kernel_compat, a callback's next turn: the kernel's
		 * widen_imprecise_scalars when a callback returns to its
		 * helper call (imprecise scalars that changed become unknown) */
		if (anc && aux->callback_head && env->opts->kernel_compat)
			widen_imprecise_frames(&anc->st, cur);
		else if (anc && ((env->widen && aux->loop_head) || bounded))
			widen_loop_state(env, &anc->st, idx, bounded);
		/* widened back into the earlier turn's state (a bound that
		 * the tnum rounds in): the fixpoint */
		if (anc && counted && same_stay(env, &anc->st, cur, idx) &&
		    covers(env, &anc->st, cur, idx, CMP_RANGE)) {
			anc->hit_cnt++;
			mark_all_precise(env);
			return 1;
		}
	}
	if (!add)
		return 0;
	env->prev_jmps = env->jmps_processed;
	env->prev_insns = env->insns_processed;
	if (env->cur_states >= MAX_STATES) {
		verbose(env, "BPF program is too complex: more than %u states kept\n", MAX_STATES);
		return -E2BIG;
	}
	struct stored_state *ss = pool_zalloc(env->pool, sizeof(*ss));
	if (!ss || state_copy(env, &ss->st, cur)) {
		pool_free(env->pool, ss, sizeof(*ss));
		return env->err = -ENOMEM;
	}
	ss->st.insn_idx = idx;
	ss->parent = cur->parent_ss;
	if (ss->parent) {
		const struct insn_aux *pa = &env->aux[ss->parent->st.insn_idx];
		ss->depth = ss->parent->depth + 1;
		ss->head_parent = pa->loop_head || pa->callback_head || pa->iter_next || pa->may_goto
					  ? ss->parent : ss->parent->head_parent;
	}
	ss->branches = 1;
	clear_singular_ids(&ss->st);
	list_add(&aux->states, ss);
	cur->parent_ss = ss;
	if (++aux->nstates > env->max_states_per_insn)
		env->max_states_per_insn = aux->nstates;
	/* a new segment of the path starts here */
	cur->hist_len = 0;
	cur->seg_cnt = 0;
	cur->start_idx = idx;
	cur->prec_done = 0; /* walks now reach the new state */
	env->total_states++;
	if (++env->cur_states > env->peak_states)
		env->peak_states = env->cur_states;
	return 0;
}
