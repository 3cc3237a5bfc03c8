/* SPDX-License-Identifier: MIT */
/*
 * Counted loops: loop heads whose termination is proven without walking
 * every turn, so the walk may stop at a fixpoint there (prune.c) once every
 * loop-carried scalar, the counter included, is widened.
 *
 * A loop head h (a back edge's target) is counted by register r when, over
 * its loop (h and what reaches a back edge into h without going through h):
 *  1. every write to r is `r += k` or `r -= k` (constant k, or another
 *     register s checked at least 1 at each step: a step by s), all of one
 *     width (64-bit, or 32-bit with 32-bit compares) and one direction;
 *  2. every cycle through h goes through such a step;
 *  3. going up: every cycle through h leaves a compare of r with a constant
 *     B >= 0 by the edge on which r < B (or r <= B; signed or unsigned);
 *  4. no step wraps: checked during the walk on every state that reaches
 *     one (counter_wrap_check). Up: in the signed order, k < 2^31, r at
 *     most 2^31 below zero (64-bit). Down: in the unsigned order (r >= |k|
 *     before the step), r at most 2^32 (64-bit) - so r stays >= 0, and the
 *     walk must have proven r >= |k| there (`if r == 0 goto out` does).
 *     A step by s takes s's largest value for k.
 * Then, while a run stays in the loop (the head's frame; callees may run),
 * r moves at every pass through h and stays below the largest B (an
 * unsigned r < B with B >= 0 means 0 <= r < B signed too), or above 0 going
 * down: each stay is finite. So a path may stop at h against a state still
 * in progress only within the same stay (same_stay): re-entering the loop
 * from outside (an outer loop's turn) is progress the walk must still see.
 *
 * Going up, the exit may instead be `r == B` (eq_exit_counts): steps all k,
 * none reachable from a step without passing r != B; each stay must start
 * with r <= B - k, congruent to B (eq_entry_ok), and a step in the stay
 * clamps r to B - k (eq_step_clamp), which the bounds show only for k = 1.
 * Going down to `r == B` with B > 0 likewise: r starts at least B + |k|,
 * congruent, and a step clamps r to at least B + |k| (so it cannot wrap).
 *
 * The compares' bounds (and |k| and 0 going down) are also the thresholds
 * widening stops at (threshold_above/below), so the counter keeps [0, B]
 * rather than [0, U64_MAX].
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "isa/liveness.h"
#include "isa/opcodes.h"
#include "verifier/log.h"
#include "verifier/state.h"

struct graph {
	uint32_t n;
	uint32_t *pred_start, *pred; /* predecessors, CSR */
};

/* Successors within the subprogram: fallthrough and jump target (calls
 * return to the next insn; exits end the walk). */
static int succs(const struct verifier_env *env, uint32_t i, uint32_t out[2])
{
	const struct bpfrt_insn *insn = &env->insns[i];
	const struct isa_form *f = isa_form_of(insn);
	int n = 0;
	if (f->op == ISA_OP_EXIT)
		return 0;
	if (f->op != ISA_OP_JA && f->op != ISA_OP_JA32 && i + isa_insn_slots(insn) < env->insn_cnt)
		out[n++] = i + isa_insn_slots(insn);
	if (isa_form_has(f, ISA_F_BRANCH) && f->op != ISA_OP_CALL_LOCAL) {
		int64_t t = jump_target(insn, f, i);
		if (t >= 0 && t < env->insn_cnt)
			out[n++] = (uint32_t)t;
	}
	return n;
}

static int build_preds(const struct verifier_env *env, struct graph *g)
{
	uint32_t n = env->insn_cnt, s[2];
	g->n = n;
	g->pred_start = calloc(n + 1, sizeof(uint32_t));
	g->pred = malloc(2 * n * sizeof(uint32_t) + 1);
	if (!g->pred_start || !g->pred)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		if (!env->aux[i].second_slot)
			for (int k = succs(env, i, s); k--;)
				g->pred_start[s[k] + 1]++;
	for (uint32_t i = 0; i < n; i++)
		g->pred_start[i + 1] += g->pred_start[i];
	uint32_t *fill = calloc(n, sizeof(uint32_t));
	if (!fill)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		if (!env->aux[i].second_slot)
			for (int k = succs(env, i, s); k--;)
				g->pred[g->pred_start[s[k]] + fill[s[k]]++] = i;
	free(fill);
	return 0;
}

/* The loop of head h: h and what reaches one of its back edges' sources
 * without going through h (marked 2). */
static void loop_body(const struct verifier_env *env, const struct graph *g, uint32_t h,
		      uint8_t *body, uint32_t *work)
{
	uint32_t n = env->insn_cnt, top = 0, s[2];
	memset(body, 0, n);
	body[h] = 2;
	for (uint32_t p = g->pred_start[h]; p < g->pred_start[h + 1]; p++) {
		uint32_t u = g->pred[p];
		int ns = succs(env, u, s);
		for (int k = 0; k < ns; k++) {
			bool jump = k == 1 || env->insns[u].code == (BPFRT_JMP | BPFRT_JA) ||
				    env->insns[u].code == (BPFRT_JMP32 | BPFRT_JA);
			if (s[k] == h && (env->aux[u].back_edge & (jump ? 2 : 1)) && !body[u])
				body[u] = 2, work[top++] = u;
		}
	}
	while (top) {
		uint32_t i = work[--top];
		for (uint32_t p = g->pred_start[i]; p < g->pred_start[i + 1]; p++)
			if (!body[g->pred[p]])
				body[g->pred[p]] = 2, work[top++] = g->pred[p];
	}
}

/* The bound a compare of r with its constant puts on the edge to `to`
 * (r <= *bound), or false. */
static bool bounding_edge(const struct verifier_env *env, uint32_t i, uint32_t to, uint32_t r,
			  bool w32, int64_t *bound)
{
	const struct bpfrt_insn *insn = &env->insns[i];
	const struct isa_form *f = isa_form_of(insn);
	if (f->syntax != ISA_SYN_JCOND_K || insn->dst_reg != r ||
	    isa_form_has(f, ISA_F_JMP32) != w32 || insn->imm < 0)
		return false;
	int64_t target = jump_target(insn, f, i);
	if (target == (int64_t)i + 1)
		return false; /* both ways lead there */
	bool taken = (int64_t)to == target;
	int64_t k = insn->imm;
	switch (BPFRT_OP(insn->code)) {
	case BPFRT_JLT: case BPFRT_JSLT: /* taken: r < k */
		*bound = k - 1;
		return taken && k > 0;
	case BPFRT_JLE: case BPFRT_JSLE:
		*bound = k;
		return taken;
	case BPFRT_JGE: case BPFRT_JSGE: /* fallthrough: r < k */
		*bound = k - 1;
		return !taken && k > 0;
	case BPFRT_JGT: case BPFRT_JSGT:
		*bound = k;
		return !taken;
	default:
		return false;
	}
}

/* Is h on a cycle of body that avoids the increments of r (cut nodes) or
 * the edges bounding r (cut edges)? */
static bool cycle_avoiding(const struct verifier_env *env, uint32_t h, uint32_t r, bool w32,
			   const uint8_t *body, const uint8_t *inc, bool cut_edges, uint8_t *seen,
			   uint32_t *work)
{
	uint32_t top = 0, s[2];
	int64_t b;
	memset(seen, 0, env->insn_cnt);
	work[top++] = h;
	seen[h] = 1;
	while (top) {
		uint32_t i = work[--top];
		if (!cut_edges && inc[i])
			continue;
		for (int k = succs(env, i, s); k--;) {
			uint32_t t = s[k];
			if (body[t] != 2 || (cut_edges && bounding_edge(env, i, t, r, w32, &b)))
				continue;
			if (t == h)
				return true;
			if (!seen[t])
				seen[t] = 1, work[top++] = t;
		}
	}
	return false;
}

/* What an env->eq_exit entry (struct eq_exit, its `on`) holds for a
 * counted loop: nothing, an exit `r == B` (bound B), or a copy bound:
 * r at the head, when the path came around, is at most `bound` in the
 * unsigned or the signed order (copy_bound_counts). */
enum { EQ_NONE, EQ_EXIT, COPY_BOUND_U, COPY_BOUND_S };

#define WRAP_DOWN 0x80 /* aux.wrap_check: a counter going down */
#define WRAP_REG 0x10  /* aux.wrap_check: a step by a register */

/* What `r += k` or `r -= k` (k constant) adds to r, else 0. */
static int64_t step_of(const struct bpfrt_insn *insn)
{
	const struct isa_form *f = isa_form_of(insn);
	if (f->op == ISA_OP_ADD64_K || f->op == ISA_OP_ADD32_K)
		return insn->imm;
	if (f->op == ISA_OP_SUB64_K || f->op == ISA_OP_SUB32_K)
		return -(int64_t)insn->imm;
	return 0;
}

/* `r += s` (1) or `r -= s` (-1) by another register s, else 0: a step
 * whose size the walk checks at least 1 (counter_wrap_check). */
static int step_reg(const struct bpfrt_insn *insn)
{
	const struct isa_form *f = isa_form_of(insn);
	if (insn->src_reg == insn->dst_reg)
		return 0;
	if (f->op == ISA_OP_ADD64_X || f->op == ISA_OP_ADD32_X)
		return 1;
	if (f->op == ISA_OP_SUB64_X || f->op == ISA_OP_SUB32_X)
		return -1;
	return 0;
}

/* Is the edge i -> to the way on which a compare of r with the constant
 * eq->bound finds r != bound (`r == B` not taken, `r != B` taken)? */
static bool ne_edge(const struct verifier_env *env, uint32_t i, uint32_t to, uint32_t r,
		    const struct eq_exit *eq)
{
	const struct bpfrt_insn *insn = &env->insns[i];
	const struct isa_form *f = isa_form_of(insn);
	if (f->syntax != ISA_SYN_JCOND_K || insn->dst_reg != r ||
	    isa_form_has(f, ISA_F_JMP32) != (bool)eq->w32 || insn->imm != eq->bound)
		return false;
	int64_t target = jump_target(insn, f, i);
	if (target == (int64_t)i + 1)
		return false;
	bool taken = (int64_t)to == target;
	return BPFRT_OP(insn->code) == BPFRT_JEQ ? !taken : BPFRT_OP(insn->code) == BPFRT_JNE && taken;
}

/* From a step of r (inc) or the head h, can the loop reach a step again
 * without passing a way on which r != B? */
static bool step_unchecked(const struct verifier_env *env, uint32_t from, uint32_t r,
			   const uint8_t *body, const uint8_t *inc, const struct eq_exit *eq,
			   uint8_t *seen, uint32_t *work)
{
	uint32_t top = 0, s[2];
	memset(seen, 0, env->insn_cnt);
	work[top++] = from;
	while (top) {
		uint32_t i = work[--top];
		for (int k = succs(env, i, s); k--;) {
			uint32_t t = s[k];
			if (body[t] != 2 || ne_edge(env, i, t, r, eq))
				continue;
			if (inc[t])
				return true;
			if (!seen[t])
				seen[t] = 1, work[top++] = t;
		}
	}
	return false;
}

/* A counter going up by k to an exit `r == B` (the loop goes on while
 * r != B): every step is k and after every step the loop meets such a
 * compare before the next step. If then r starts each stay in the loop at
 * most B - k and congruent to B modulo k (loop_stay_update), it meets B
 * exactly instead of stepping past it. Going down (k < 0) the same with
 * B > 0 (B = 0 needs none of this): r starts at least B + |k|. */
static bool eq_exit_counts(const struct verifier_env *env, uint32_t r, bool w32, bool down,
			   const uint8_t *body, const uint8_t *inc, uint8_t *seen, uint32_t *work,
			   struct eq_exit *eq)
{
	uint32_t n = env->insn_cnt;
	eq->on = 0;
	eq->step = 0;
	eq->reg = (uint8_t)r;
	eq->w32 = w32;
	for (uint32_t i = 0; i < n; i++) {
		if (!inc[i])
			continue;
		int64_t k = step_of(&env->insns[i]);
		if (!k || (eq->step && k != eq->step))
			return false;
		eq->step = k;
	}
	if (!eq->step || (eq->step < 0) != down)
		return false;
	/* the first compare of r with a constant that every step meets
	 * before the next */
	for (uint32_t c = 0; c < n; c++) {
		const struct bpfrt_insn *insn = &env->insns[c];
		const struct isa_form *f = isa_form_of(insn);
		if (body[c] != 2 || f->syntax != ISA_SYN_JCOND_K || insn->dst_reg != r ||
		    isa_form_has(f, ISA_F_JMP32) != w32 ||
		    (BPFRT_OP(insn->code) != BPFRT_JEQ && BPFRT_OP(insn->code) != BPFRT_JNE) ||
		    (down ? insn->imm <= 0 : insn->imm < eq->step))
			continue;
		eq->bound = insn->imm;
		bool unchecked = false;
		for (uint32_t i = 0; i < n && !unchecked; i++)
			unchecked = inc[i] && step_unchecked(env, i, r, body, inc, eq, seen, work);
		if (!unchecked) {
			eq->on = EQ_EXIT;
			return true;
		}
	}
	return false;
}

/* The most steps (inc) on a path from `from` to h in the loop, not
 * through h, or -1 if such a path meets an inner cycle. memo: -2 not
 * seen, -3 being explored, else the count. */
static int32_t steps_to_head(const struct verifier_env *env, uint32_t h, uint32_t from,
			     const uint8_t *body, const uint8_t *inc, int32_t *memo, uint32_t *work)
{
	uint32_t top = 0, s[2];
	work[top++] = from;
	while (top) {
		uint32_t u = work[top - 1];
		if (memo[u] >= 0) {
			top--;
			continue;
		}
		int ns = succs(env, u, s);
		if (memo[u] == -2) {
			memo[u] = -3;
			for (int k = 0; k < ns; k++) {
				uint32_t t = s[k];
				if (body[t] != 2 || t == h)
					continue;
				if (memo[t] == -3)
					return -1; /* an inner cycle */
				if (memo[t] == -2)
					work[top++] = t;
			}
			continue;
		}
		int32_t best = 0;
		for (int k = 0; k < ns; k++) {
			uint32_t t = s[k];
			if (body[t] != 2 || t == h)
				continue;
			if (memo[t] < 0)
				return -1;
			if (memo[t] > best)
				best = memo[t];
		}
		memo[u] = best + inc[u];
		top--;
	}
	return memo[from];
}

/* Going up by constant steps, r may also be bounded through a copy c
 * taken in the turn (clang's `old = i; i += 4; if (old < N - 4)`): every
 * write to c in the loop is `c = r`, every cycle through h leaves a
 * compare of c with a constant by the way on which c <= B', and no such
 * compare is reached from h without passing a copy. Then c is r's value
 * at a copy of this turn, and r, back at h, is at most B' + k * m (m: the
 * most steps from a copy to h; no inner loop on the way): the bound that
 * loop_stay_update puts on r when a path comes around. r only grows, so
 * it stays below that bound: the stay ends. */
static bool copy_bound_counts(struct verifier_env *env, uint32_t h, uint32_t r, bool w32,
			      const uint8_t *body, const uint8_t *inc, uint8_t *seen,
			      uint32_t *work, struct eq_exit *eq)
{
	uint32_t n = env->insn_cnt, s[2];
	int64_t kmax = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (!inc[i])
			continue;
		int64_t k = step_of(&env->insns[i]);
		if (k <= 0)
			return false;
		if (k > kmax)
			kmax = k;
	}
	if (!kmax)
		return false;
	enum isa_op mov = w32 ? ISA_OP_MOV32_X : ISA_OP_MOV64_X;
	int32_t *memo = malloc(n * sizeof(int32_t));
	if (!memo)
		return false;
	bool found = false;
	for (uint32_t c = 0; c < BPFRT_REG_FP && !found; c++) {
		if (c == r)
			continue;
		bool copies = false, other = false;
		for (uint32_t i = 0; i < n && !other; i++) {
			const struct bpfrt_insn *insn = &env->insns[i];
			const struct isa_form *f = isa_form_of(insn);
			uint16_t use, def;
			if (body[i] != 2)
				continue;
			isa_insn_regs(insn, f, ISA_LIVE_VERIFIED, true, &use, &def);
			if (!(def & (1u << c)))
				continue;
			if (f->op == mov && insn->src_reg == r && insn->off == 0)
				copies = true;
			else
				other = true;
		}
		if (!copies || other ||
		    cycle_avoiding(env, h, c, w32, body, inc, true, seen, work))
			continue;
		/* the bounding compares of c: one order, none reached from h
		 * before a copy */
		int64_t bound = INT64_MIN, b;
		int sign = -1;
		bool early = false, mixed = false;
		uint32_t top = 0;
		memset(seen, 0, n);
		work[top++] = h;
		seen[h] = 1;
		while (top) {
			uint32_t i = work[--top];
			const struct bpfrt_insn *insn = &env->insns[i];
			const struct isa_form *f = isa_form_of(insn);
			if (f->op == mov && insn->dst_reg == c)
				continue; /* a copy (h may be one) */
			if (f->syntax == ISA_SYN_JCOND_K && insn->dst_reg == c)
				early = true;
			for (int k = succs(env, i, s); k--;)
				if (body[s[k]] == 2 && s[k] != h && !seen[s[k]])
					seen[s[k]] = 1, work[top++] = s[k];
		}
		for (uint32_t i = 0; i < n && !early; i++) {
			if (body[i] != 2)
				continue;
			for (int k = succs(env, i, s); k--;) {
				if (!bounding_edge(env, i, s[k], c, w32, &b))
					continue;
				int sg = isa_form_has(isa_form_of(&env->insns[i]), ISA_F_SIGNED);
				mixed |= sign >= 0 && sg != sign;
				sign = sg;
				if (b > bound)
					bound = b;
			}
		}
		if (early || mixed || sign < 0)
			continue;
		int32_t m = -1;
		for (uint32_t i = 0; i < n; i++)
			memo[i] = -2;
		for (uint32_t i = 0; i < n; i++) {
			const struct bpfrt_insn *insn = &env->insns[i];
			if (body[i] != 2 || isa_form_of(insn)->op != mov ||
			    insn->dst_reg != c)
				continue;
			int32_t mi = steps_to_head(env, h, i, body, inc, memo, work);
			if (mi < 0) {
				m = -1;
				break;
			}
			if (mi > m)
				m = mi;
		}
		if (m < 0 || (uint64_t)m > (1u << 20))
			continue;
		eq->on = sign ? COPY_BOUND_S : COPY_BOUND_U;
		eq->reg = (uint8_t)r;
		eq->w32 = w32;
		eq->step = kmax;
		eq->bound = bound + kmax * m;
		found = true;
		/* the compares' bounds are thresholds as for r's own */
		for (uint32_t i = 0; i < n; i++)
			for (int k = body[i] == 2 ? succs(env, i, s) : 0; k--;)
				if (bounding_edge(env, i, s[k], c, w32, &b) &&
				    env->nthresholds < MAX_THRESHOLDS - 1) {
					env->thresholds[env->nthresholds++] = b;
					env->thresholds[env->nthresholds++] = b + 1;
				}
	}
	free(memo);
	return found;
}

/* Does r count the turns of the loop at h? Marks its increments and adds
 * its bounds to the widening thresholds. */
static bool counts(struct verifier_env *env, uint32_t h, uint32_t r, const uint8_t *body,
		   uint8_t *inc, uint8_t *seen, uint32_t *work, bool allow_eq, struct eq_exit *eq)
{
	uint32_t n = env->insn_cnt;
	int width = 0; /* 64 or 32 */
	bool down = false;
	memset(inc, 0, n);
	for (uint32_t i = 0; i < n; i++) {
		if (body[i] != 2)
			continue;
		const struct bpfrt_insn *insn = &env->insns[i];
		const struct isa_form *f = isa_form_of(insn);
		uint16_t use, def;
		isa_insn_regs(insn, f, ISA_LIVE_VERIFIED, true, &use, &def);
		if (!(def & (1u << r)))
			continue;
		int64_t k = step_of(insn);
		int dir = k ? (k < 0 ? -1 : 1) : step_reg(insn);
		int w = !dir ? 0 : isa_form_has(f, ISA_F_ALU32) ? 32 : 64;
		if (!w || (width && (w != width || (dir < 0) != down)))
			return false;
		width = w;
		down = dir < 0;
		inc[i] = 1;
	}
	if (!width)
		return false;
	bool w32 = width == 32;
	/* a counter going down stops at zero (checked at each step), one
	 * going up at a compare */
	eq->on = 0;
	if (cycle_avoiding(env, h, r, w32, body, inc, false, seen, work) ||
	    (!down && cycle_avoiding(env, h, r, w32, body, inc, true, seen, work) &&
	     (!allow_eq || (!eq_exit_counts(env, r, w32, false, body, inc, seen, work, eq) &&
			    !copy_bound_counts(env, h, r, w32, body, inc, seen, work, eq)))))
		return false;
	/* going down, an exit `r == B` (B > 0) is a counted exit as well:
	 * each step then clamps r to at least B + |k| (eq_step_clamp) */
	if (down)
		eq_exit_counts(env, r, w32, true, body, inc, seen, work, eq);
	if (eq->on && env->nthresholds < MAX_THRESHOLDS - 1) {
		/* eq: B - k and B; a copy bound: the bound (and bound + k) */
		env->thresholds[env->nthresholds++] = eq->bound - eq->step;
		env->thresholds[env->nthresholds++] = eq->bound;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (inc[i]) {
			bool reg = !step_of(&env->insns[i]);
			env->aux[i].wrap_check =
				(uint8_t)(width | (down ? WRAP_DOWN : 0) | (reg ? WRAP_REG : 0));
			if (down && env->nthresholds < MAX_THRESHOLDS - 1) {
				env->thresholds[env->nthresholds++] = -step_of(&env->insns[i]);
				env->thresholds[env->nthresholds++] = 0;
			}
		}
		uint32_t s[2];
		int64_t b;
		if (body[i] != 2)
			continue;
		for (int k = succs(env, i, s); k--;)
			if (bounding_edge(env, i, s[k], r, w32, &b) &&
			    env->nthresholds < MAX_THRESHOLDS - 1) {
				env->thresholds[env->nthresholds++] = b;
				env->thresholds[env->nthresholds++] = b + 1;
			}
	}
	return true;
}

int find_counted_loops(struct verifier_env *env)
{
	uint32_t n = env->insn_cnt, heads = 0;
	env->nthresholds = env->ncounted = env->stay_gen = 0;
	for (uint32_t i = 0; i < n; i++)
		heads += env->aux[i].loop_head;
	/* each head costs a few passes over the program */
	if (!heads || (uint64_t)heads * n > 20000000)
		return 0;
	struct graph g = { 0 };
	uint8_t *body = malloc(n), *inc = malloc(n), *seen = malloc(n);
	uint32_t *work = malloc(n * sizeof(uint32_t));
	int err = -ENOMEM;
	if (!body || !inc || !seen || !work || build_preds(env, &g))
		goto out;
	for (uint32_t h = 0; h < n && env->ncounted < MAX_COUNTED; h++) {
		if (!env->aux[h].loop_head)
			continue;
		loop_body(env, &g, h, body, work);
		struct eq_exit eq = { 0 };
		/* a counter bounded by `r < B` first: one to `r == B` has its
		 * start checked on every entry */
		for (uint32_t r = 0; r < 2 * BPFRT_REG_FP && !env->aux[h].counted; r++)
			env->aux[h].counted = counts(env, h, r % BPFRT_REG_FP, body, inc, seen,
						     work, r >= BPFRT_REG_FP, &eq);
		if (!env->aux[h].counted)
			continue;
		env->aux[h].loop_no = (uint8_t)env->ncounted;
		env->eq_exit[env->ncounted] = eq;
		for (uint32_t i = 0; i < n; i++)
			if (body[i] == 2)
				env->aux[i].in_loops |= (uint16_t)(1u << env->ncounted);
		env->ncounted++;
	}
	err = 0;
out:
	free(body), free(inc), free(seen), free(work);
	free(g.pred_start), free(g.pred);
	return err ? (env->err = err) : 0;
}

/* The walk reached idx: the counted loops the path left (an insn outside
 * the loop in the loop's frame, or a return from that frame) and the one it
 * enters through its head. */
/* Entering a loop counted up to `r == B`: r must start at most B - k and
 * congruent to B modulo k, or it could step past B. If not, the path is
 * not in a stay of the loop (no fixpoint there, no clamp at the steps):
 * walked, widened, and each step's wrap check still stands. */
static bool eq_entry_ok(struct verifier_env *env, uint32_t idx, const struct eq_exit *eq)
{
	const struct reg_state *r = &cur_regs(env)[eq->reg];
	bool down = eq->step < 0;
	uint64_t k = (uint64_t)(down ? -eq->step : eq->step), b = (uint64_t)eq->bound;
	uint64_t umin = eq->w32 ? r->u32_min_value : r->umin_value;
	uint64_t umax = eq->w32 ? r->u32_max_value : r->umax_value;
	uint64_t val = eq->w32 ? (uint32_t)r->var_off.value : r->var_off.value;
	uint64_t mask = eq->w32 ? (uint32_t)r->var_off.mask : r->var_off.mask;
	bool ok = r->type == SCALAR_VALUE && (down ? umin >= b + k : umax <= b - k);
	if (ok && k > 1)
		ok = !(k & (k - 1)) ? !(mask & (k - 1)) && !((val ^ b) & (k - 1))
				    : !mask && (down ? val - b : b - val) % k == 0;
	if (!ok && log_enabled(env, 2))
		verbose(env, "%u: loop counter R%u may step past %lld: not a counted stay\n", idx,
			eq->reg, (long long)eq->bound);
	return ok;
}

/* Back at the head within a stay of a loop whose counter a copy bounds:
 * r is at most the bound (copy_bound_counts). */
static void copy_bound_clamp(struct reg_state *r, const struct eq_exit *eq)
{
	if (r->type != SCALAR_VALUE)
		return;
	struct reg_state c = *r;
	int64_t b = eq->bound;
	if (eq->on == COPY_BOUND_U && eq->w32) {
		if (c.u32_max_value > (uint64_t)b)
			c.u32_max_value = (uint32_t)b;
	} else if (eq->on == COPY_BOUND_U) {
		if (c.umax_value > (uint64_t)b)
			c.umax_value = (uint64_t)b;
	} else if (eq->w32) {
		if (c.s32_max_value > b)
			c.s32_max_value = (int32_t)b;
	} else if (c.smax_value > b) {
		c.smax_value = b;
	}
	reg_bounds_sync(&c);
	if (reg_bounds_sane(&c))
		*r = c;
}

void loop_stay_update(struct verifier_env *env, uint32_t idx)
{
	struct vstate *st = env->cur;
	const struct insn_aux *aux = &env->aux[idx];
	for (uint16_t m = st->stay_mask; m; m &= (uint16_t)(m - 1)) {
		unsigned j = (unsigned)__builtin_ctz(m);
		if (st->stay_frame[j] > st->curframe ||
		    (st->stay_frame[j] == st->curframe && !(aux->in_loops & (1u << j)))) {
			st->stay_mask &= (uint16_t)~(1u << j);
			st->stay_id[j] = 0;
		}
	}
	if (!aux->counted)
		return;
	const struct eq_exit *eq = &env->eq_exit[aux->loop_no];
	if (!(st->stay_mask & (1u << aux->loop_no))) {
		if (eq->on == EQ_EXIT && !eq_entry_ok(env, idx, eq))
			return;
		st->stay_mask |= (uint16_t)(1u << aux->loop_no);
		st->stay_id[aux->loop_no] = ++env->stay_gen;
		st->stay_frame[aux->loop_no] = (uint8_t)st->curframe;
	} else if ((eq->on == COPY_BOUND_U || eq->on == COPY_BOUND_S) &&
		   st->stay_frame[aux->loop_no] == st->curframe) {
		copy_bound_clamp(&cur_regs(env)[eq->reg], eq);
	}
}

bool same_stay(const struct verifier_env *env, const struct vstate *a, const struct vstate *b,
	       uint32_t head)
{
	unsigned j = env->aux[head].loop_no;
	return (a->stay_mask & b->stay_mask & (1u << j)) && a->stay_id[j] == b->stay_id[j];
}

/* A step of a counter going up to `r == B` in a stay of its loop: r is
 * at most B - k there (it started so, congruent to B, and met r != B since
 * its last step: eq_exit_counts), which the bounds alone do not show for
 * k > 1 (r <= B and r != B only give r <= B - 1). */
static void eq_step_clamp(struct verifier_env *env, uint32_t idx, struct reg_state *r)
{
	const struct vstate *st = env->cur;
	for (uint32_t j = 0; j < env->ncounted; j++) {
		const struct eq_exit *eq = &env->eq_exit[j];
		if (eq->on != EQ_EXIT || eq->reg != env->insns[idx].dst_reg || !(st->stay_mask & (1u << j)) ||
		    st->stay_frame[j] != st->curframe || !(env->aux[idx].in_loops & (1u << j)) ||
		    r->type != SCALAR_VALUE)
			continue;
		if (eq->step < 0) {
			/* going down: r at least B + |k| */
			uint64_t bot = (uint64_t)(eq->bound - eq->step);
			if (eq->w32 && r->u32_min_value < bot && r->u32_max_value >= bot)
				r->u32_min_value = (uint32_t)bot;
			else if (!eq->w32 && r->umin_value < bot && r->umax_value >= bot)
				r->umin_value = bot;
			else
				continue;
			reg_bounds_sync(r);
			continue;
		}
		int64_t top = eq->bound - eq->step;
		if (eq->w32 && r->u32_min_value <= (uint64_t)top && r->u32_max_value > (uint64_t)top) {
			r->u32_max_value = (uint32_t)top;
			if (r->s32_max_value > (int32_t)top)
				r->s32_max_value = (int32_t)top;
			if (r->s32_min_value < 0)
				r->s32_min_value = 0;
			reg_bounds_sync(r);
		} else if (!eq->w32 && r->umin_value <= (uint64_t)top &&
			   r->umax_value > (uint64_t)top) {
			r->umax_value = (uint64_t)top;
			if (r->smax_value > top)
				r->smax_value = top;
			if (r->smin_value < 0)
				r->smin_value = 0;
			reg_bounds_sync(r);
		}
	}
}

/* Before `r += k` counting a loop: it must not wrap (nor start more than
 * 2^31 below zero), or the loop's termination is not proven. */
int counter_wrap_check(struct verifier_env *env, uint32_t idx)
{
	const struct bpfrt_insn *insn = &env->insns[idx];
	struct reg_state *r = &cur_regs(env)[insn->dst_reg];
	uint8_t wc = env->aux[idx].wrap_check;
	int64_t k = step_of(insn);
	eq_step_clamp(env, idx, r);
	/* going up in the signed order also bounds r by an unsigned compare
	 * with B >= 0 (r <u B means 0 <= r < B); going down in the unsigned
	 * order, r stays at least 0: at most 2^32 turns either way */
	bool ok = r->type == SCALAR_VALUE;
	if (ok && (wc & WRAP_REG)) {
		/* a step by s: s at least 1, and r moved by s's largest value
		 * must not wrap (the same orders as below) */
		const struct reg_state *s = &cur_regs(env)[insn->src_reg];
		wc &= (uint8_t)~WRAP_REG;
		if (s->type != SCALAR_VALUE)
			ok = false;
		else if (wc == 64)
			ok = s->smin_value >= 1 && s->smax_value < (1LL << 31) &&
			     r->smax_value <= INT64_MAX - s->smax_value &&
			     r->smin_value >= -(1LL << 31);
		else if (wc == 32)
			ok = s->s32_min_value >= 1 && r->s32_max_value <= INT32_MAX - s->s32_max_value;
		else if (wc == (64 | WRAP_DOWN))
			ok = s->umin_value >= 1 && r->umin_value >= s->umax_value &&
			     r->umax_value <= (1ULL << 32);
		else
			ok = s->u32_min_value >= 1 && r->u32_min_value >= s->u32_max_value;
	} else if (!ok)
		;
	else if (wc == 64)
		ok = k < (1LL << 31) && r->smax_value <= INT64_MAX - k &&
		     r->smin_value >= -(1LL << 31);
	else if (wc == 32)
		ok = k < (1LL << 31) && r->s32_max_value <= INT32_MAX - k;
	else if (wc == (64 | WRAP_DOWN))
		ok = r->umin_value >= (uint64_t)-k && r->umax_value <= (1ULL << 32);
	else
		ok = r->u32_min_value >= (uint64_t)-k;
	if (ok)
		return 0;
	verbose(env, "loop counter R%u may wrap at insn %u\n", insn->dst_reg, idx);
	return -EINVAL;
}

/* Widening stops at the counted loops' bounds: the smallest threshold at
 * or above v (below: the largest at or below), in the order of `sign`
 * (values of `bits` bits, compared signed or not), else the extreme. */
static uint64_t key(uint64_t v, int bits, bool sign)
{
	uint64_t top = 1ULL << (bits - 1);
	return sign ? v ^ top : v;
}

uint64_t threshold_above(const struct verifier_env *env, uint64_t v, int bits, bool sign)
{
	uint64_t mask = bits == 64 ? UINT64_MAX : (1ULL << bits) - 1;
	uint64_t best = key(mask, bits, false), kv = key(v & mask, bits, sign);
	for (uint32_t i = 0; i < env->nthresholds; i++) {
		uint64_t t = (uint64_t)env->thresholds[i] & mask;
		uint64_t kt = key(t, bits, sign);
		if (kt >= kv && kt < best)
			best = kt;
	}
	return key(best, bits, sign) & mask;
}

uint64_t threshold_below(const struct verifier_env *env, uint64_t v, int bits, bool sign)
{
	uint64_t mask = bits == 64 ? UINT64_MAX : (1ULL << bits) - 1;
	uint64_t best = 0, kv = key(v & mask, bits, sign);
	for (uint32_t i = 0; i < env->nthresholds; i++) {
		uint64_t t = (uint64_t)env->thresholds[i] & mask;
		uint64_t kt = key(t, bits, sign);
		if (kt <= kv && kt > best)
			best = kt;
	}
	return key(best, bits, sign) & mask;
}
