/* SPDX-License-Identifier: MIT */
/*
 * Open-coded iterators (bpf_iter_num_new/next/destroy), as the kernel's
 * verifier tracks them: the iterator lives in a stack slot of kind
 * STACK_ITER holding a reference (an iterator created and never destroyed
 * is an `Unreleased reference` at exit), with a state:
 *
 *  - _new wants an uninitialised slot and makes it ACTIVE;
 *  - _next on an ACTIVE iterator forks the path: one where it returns NULL
 *    and the iterator is DRAINED (walked first, as the kernel does), one
 *    where it returns a non-NULL element and stays ACTIVE; on a DRAINED
 *    iterator it returns NULL;
 *  - _destroy releases it.
 *
 * Loops driven by _next converge: the call is a prune point where a state is
 * also compared with the states still in progress at the same call (the
 * loop's earlier turns), after the scalars that changed since the previous
 * turn were widened (prune.c; the kernel widens imprecise scalars there).
 * The iterator bounds the turns, so no counter is needed.
 */
#include <errno.h>
#include <string.h>

#include "helpers/kfuncs.h"
#include "verifier/calls.h"

#define ITER_NUM 1 /* obj_type of struct bpf_iter_num */

bool iter_depths_differ(const struct vstate *old, const struct vstate *cur)
{
	for (uint32_t f = 0; f <= old->curframe && f <= cur->curframe; f++) {
		const struct func_state *of = old->frame[f], *cf = cur->frame[f];
		for (uint32_t s = 0; s < of->nslots && s < cf->nslots; s++) {
			const struct stack_slot *o = &of->stack[s], *c = &cf->stack[s];
			if (o->kind[0] == STACK_ITER && o->iter_state == ITER_ACTIVE &&
			    c->kind[0] == STACK_ITER && o->iter_depth != c->iter_depth)
				return true;
		}
	}
	return false;
}

int iter_check_arg(struct verifier_env *env, uint32_t regno, uint32_t kflags,
		   struct call_meta *meta)
{
	struct func_state *f = NULL;
	int spi = stack_obj_spi(env, regno, 1, "iter", true, &f);
	if (spi < 0)
		return spi;
	const struct stack_slot *s = &f->stack[spi];
	if (kflags & KFUNC_F_ITER_NEW) {
		if (s->kind[0] == STACK_ITER || s->kind[0] == STACK_DYNPTR) {
			verbose(env, "expected uninitialized iter_num as arg #%u\n", regno - 1);
			return -EINVAL;
		}
	} else if (s->kind[0] != STACK_ITER || s->obj_type != ITER_NUM) {
		verbose(env, "expected an initialized iter_num as arg #%u\n", regno - 1);
		return -EINVAL;
	}
	meta->iter_regno = (int)regno;
	return 0;
}

static struct stack_slot *iter_slot(struct verifier_env *env, const struct call_meta *meta)
{
	const struct reg_state *r = &cur_regs(env)[meta->iter_regno];
	struct func_state *f = env->cur->frame[r->frameno];
	int64_t off = r->off + (int64_t)r->var_off.value;
	return &f->stack[(-off - 1) / 8];
}

int iter_finish_call(struct verifier_env *env, uint32_t kflags, const struct call_meta *meta,
		     int insn_idx)
{
	if (meta->iter_regno < 0)
		return 0;
	struct stack_slot *s = iter_slot(env, meta);
	if (kflags & KFUNC_F_ITER_NEW) {
		uint32_t ref = acquire_reference(env, insn_idx);
		if (!ref)
			return -EINVAL;
		memset(s->kind, STACK_ITER, 8);
		memset(&s->spilled, 0, sizeof(s->spilled));
		s->spilled.id = new_id(env);
		s->spilled.ref_obj_id = ref;
		s->obj_type = ITER_NUM;
		s->obj_first = 1;
		s->iter_state = ITER_ACTIVE;
		s->iter_depth = 0;
		return 0;
	}
	if (kflags & KFUNC_F_ITER_DESTROY)
		return release_reference(env, s->spilled.ref_obj_id);
	if (!(kflags & KFUNC_F_ITER_NEXT))
		return 0;
	struct reg_state *r0 = &cur_regs(env)[0];
	clobber_caller_saved(cur_regs(env)); /* s stays valid: it was found through r1 */
	if (s->iter_state == ITER_ACTIVE) {
		/* the turn that gets an element: walked after the drained one */
		s->iter_depth++;
		mark_ptr(r0, PTR_TO_MEM);
		r0->flags = MEM_RDONLY;
		r0->mem_size = 4;
		int err = push_branch(env, (uint32_t)insn_idx + 1, (uint32_t)insn_idx);
		if (err)
			return err;
		widen_queued(env, env->stack[env->stack_len - 1].st, (uint32_t)insn_idx);
		s->iter_depth--;
	}
	s->iter_state = ITER_DRAINED;
	mark_reg_known_zero(r0);
	return 0;
}
