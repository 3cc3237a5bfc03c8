/* SPDX-License-Identifier: MIT */
/*
 * Making, copying and freeing abstract states (state.h). Their memory comes
 * from the verification's pool (pool.c): a path's states are copied at every
 * branch and at every stored state, so this is the hot allocation path.
 */
#include <errno.h>
#include <string.h>

#include "verifier/state.h"

struct func_state *frame_new(struct verifier_env *env)
{
	struct func_state *f = pool_zalloc(env->pool, sizeof(*f));
	if (!f) {
		env->err = -ENOMEM;
		return NULL;
	}
	for (int i = 0; i < MAX_BPF_REG; i++)
		mark_reg_not_init(&f->regs[i]);
	mark_ptr(&f->regs[BPFRT_REG_FP], PTR_TO_STACK);
	return f;
}

void frame_free(struct verifier_env *env, struct func_state *f)
{
	if (!f)
		return;
	pool_free(env->pool, f->stack, f->nslots * sizeof(*f->stack));
	pool_free(env->pool, f, sizeof(*f));
}

static struct func_state *frame_dup(struct verifier_env *env, const struct func_state *src)
{
	struct func_state *f = pool_alloc(env->pool, sizeof(*f));
	if (!f)
		return NULL;
	*f = *src;
	f->stack = NULL;
	if (src->nslots) {
		f->stack = pool_alloc(env->pool, src->nslots * sizeof(*f->stack));
		if (!f->stack) {
			pool_free(env->pool, f, sizeof(*f));
			return NULL;
		}
		memcpy(f->stack, src->stack, src->nslots * sizeof(*f->stack));
	}
	return f;
}

struct vstate *state_dup(struct verifier_env *env, const struct vstate *src)
{
	struct vstate *st = pool_alloc(env->pool, sizeof(*st));
	if (!st)
		return NULL;
	if (state_copy(env, st, src)) {
		pool_free(env->pool, st, sizeof(*st));
		return NULL;
	}
	return st;
}

int state_copy(struct verifier_env *env, struct vstate *dst, const struct vstate *src)
{
	*dst = *src;
	memset(dst->frame, 0, sizeof(dst->frame));
	if (hist_copy(env, dst, src))
		return -ENOMEM;
	for (uint32_t i = 0; i <= src->curframe; i++) {
		dst->frame[i] = frame_dup(env, src->frame[i]);
		if (!dst->frame[i]) {
			for (uint32_t j = 0; j < i; j++)
				frame_free(env, dst->frame[j]);
			pool_free(env->pool, dst->hist, dst->hist_cap * sizeof(*dst->hist));
			return -ENOMEM;
		}
	}
	return 0;
}

void state_free_frames(struct verifier_env *env, struct vstate *st)
{
	for (uint32_t i = 0; i < MAX_FRAMES; i++) {
		frame_free(env, st->frame[i]);
		st->frame[i] = NULL;
	}
	pool_free(env->pool, st->hist, st->hist_cap * sizeof(*st->hist));
	st->hist = NULL;
	st->hist_len = st->hist_cap = 0;
}

void state_free(struct verifier_env *env, struct vstate *st)
{
	if (!st)
		return;
	state_free_frames(env, st);
	pool_free(env->pool, st, sizeof(*st));
}

void stored_free(struct verifier_env *env, struct stored_state *ss)
{
	state_free_frames(env, &ss->st);
	pool_free(env->pool, ss, sizeof(*ss));
}

void free_stored_states(struct verifier_env *env)
{
	if (!env->aux)
		return;
	for (uint32_t i = 0; i <= env->insn_cnt; i++) {
		struct stored_state **head = i < env->insn_cnt ? &env->aux[i].states : &env->evicted;
		for (struct stored_state *s = *head, *next; s; s = next) {
			next = s->next;
			stored_free(env, s);
		}
		*head = NULL;
	}
}
