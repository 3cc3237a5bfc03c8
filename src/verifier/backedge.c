/* SPDX-License-Identifier: MIT */
/*
 * Precision over loops' back edges (the kernel's backedges, Linux 6.17).
 *
 * A path pruned against a state still in progress (a loop's earlier turn,
 * at an iterator's next, a may_goto or a callback start) takes over that
 * state's precision marks, but they are not final: the turns still being
 * walked below it may mark more. The pruned path's stored states then need
 * those marks too, else a later path could be pruned against one of them
 * on a value the loop depends on. So the pruned path is kept here (its
 * last segment and its stored ancestors) and, once the state that covered
 * it is verified, that state's final marks are propagated along it again,
 * for all such paths together until nothing changes: a mark made on one
 * path may reach a state that covered another. Meanwhile the states on
 * such paths are "pending": they cover others only by every scalar's
 * range, and a path they cover is kept here too. A back edge is released
 * when no state in progress can mark the state that covered it any more
 * (it is on no path whose covering state is in progress).
 *
 * Before this, every scalar of the pruned path's stored states was made
 * precise, up to the program's entry: sound, but a value the loop never
 * needed (a sum) then kept the code after the loop from pruning.
 */
#include <errno.h>

#include "verifier/log.h"
#include "verifier/state.h"

struct backedge {
	struct backedge *next;
	struct stored_state *equal; /* the state that covered the path */
	uint32_t idx;		    /* where */
	bool keep;		    /* its covering state's marks may still grow */
	struct vstate st;	    /* the path: its segment and parent_ss */
};

static void pin(struct stored_state *ss, int d)
{
	for (; ss; ss = ss->parent)
		ss->pending += (uint32_t)d;
}

/* The marks equal has now go along the path at once; settling propagates
 * them again with the final ones, and meanwhile the path's states are
 * pending (compared by range), so no case fails without this first
 * propagation: it only settles sooner. */
int backedge_add(struct verifier_env *env, struct stored_state *equal, uint32_t idx)
{
	int err = propagate_precision(env, &equal->st, idx);
	if (err)
		return err;
	struct backedge *b = pool_zalloc(env->pool, sizeof(*b));
	if (!b || state_copy(env, &b->st, env->cur)) {
		pool_free(env->pool, b, sizeof(*b));
		return env->err = -ENOMEM;
	}
	b->equal = equal;
	b->idx = idx;
	b->next = env->backedges;
	env->backedges = b;
	equal->targets++;
	pin(b->st.parent_ss, 1);
	return 0;
}

/* Whether ss is on the path of a back edge kept (whose marks may still be
 * propagated along it, and so reach ss). */
static bool on_kept_path(const struct verifier_env *env, const struct stored_state *ss)
{
	for (const struct backedge *r = env->backedges; r; r = r->next) {
		if (!r->keep)
			continue;
		for (const struct stored_state *p = r->st.parent_ss; p && p->depth >= ss->depth;
		     p = p->parent)
			if (p == ss)
				return true;
	}
	return false;
}

static void release(struct verifier_env *env, struct backedge *b)
{
	struct stored_state *equal = b->equal;
	for (struct stored_state *p = b->st.parent_ss, *next; p; p = next) {
		next = p->parent;
		p->pending--;
		stored_release(env, p);
	}
	state_free_frames(env, &b->st);
	pool_free(env->pool, b, sizeof(*b));
	equal->targets--;
	stored_release(env, equal);
}

int backedges_settle(struct verifier_env *env)
{
	env->settle = false;
	bool changed = true;
	for (unsigned round = 0; changed; round++) {
		changed = false;
		for (struct backedge *b = env->backedges; b; b = b->next) {
			if (b->equal->branches)
				continue;
			if (!round && log_enabled(env, 2))
				log_write(env->log, "back edge at %u: final marks\n", b->idx);
			int err = propagate_precision_into(env, &b->equal->st, b->idx, &b->st, &changed);
			if (err)
				return err;
		}
	}
	/* kept: those whose covering state is in progress, and those whose
	 * covering state is on a kept one's path */
	for (struct backedge *b = env->backedges; b; b = b->next)
		b->keep = b->equal->branches != 0;
	for (changed = true; changed;) {
		changed = false;
		for (struct backedge *b = env->backedges; b; b = b->next)
			if (!b->keep && on_kept_path(env, b->equal))
				b->keep = changed = true;
	}
	for (struct backedge **pp = &env->backedges, *b; (b = *pp);) {
		if (b->keep) {
			pp = &b->next;
			continue;
		}
		*pp = b->next;
		release(env, b);
	}
	return 0;
}

void backedges_free(struct verifier_env *env)
{
	while (env->backedges) {
		struct backedge *b = env->backedges;
		env->backedges = b->next;
		state_free_frames(env, &b->st);
		pool_free(env->pool, b, sizeof(*b));
	}
}
