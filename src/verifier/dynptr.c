/* SPDX-License-Identifier: MIT */
/*
 * Dynptrs: 16-byte struct bpf_dynptr objects on the stack (two slots of
 * kind STACK_DYNPTR), as the kernel's verifier tracks them:
 *
 *  - made by bpf_dynptr_from_mem (local), bpf_ringbuf_reserve_dynptr (ring
 *    buffer: a reference the program must release with
 *    bpf_ringbuf_submit_dynptr / _discard_dynptr, even when the reservation
 *    failed) and bpf_dynptr_clone (same type, same reference);
 *  - passed initialised to every other dynptr function
 *    ("Expected an initialized dynptr as arg #1");
 *  - never read as data, never partly overwritten while they hold a
 *    reference; a store into a local dynptr destroys it;
 *  - a global function's `struct bpf_dynptr *` parameter is the caller's
 *    dynptr (CONST_PTR_TO_DYNPTR), used as a local one, never initialised
 *    or released there;
 *  - slices (bpf_dynptr_data, bpf_dynptr_slice[_rdwr]) are memory of a
 *    constant size or NULL whose parent_id is the dynptr's id: destroying
 *    or releasing the dynptr invalidates them.
 */
#include <errno.h>
#include <string.h>

#include "helpers/dynptr.h"
#include "verifier/calls.h"

#define MAP_RINGBUF 27

static const char *dynptr_type_str(uint8_t t)
{
	return t == DYNPTR_TYPE_LOCAL ? "local" : t == DYNPTR_TYPE_RINGBUF ? "ringbuf" : "?";
}

int stack_obj_spi(struct verifier_env *env, uint32_t regno, uint32_t nslots, const char *what,
		  bool kfunc, struct func_state **fp)
{
	struct reg_state *r = &cur_regs(env)[regno];
	if (r->type != PTR_TO_STACK && kfunc) {
		verbose(env, "arg#%u expected pointer to %s\n", regno - 1,
			nslots == 2 ? "stack or const struct bpf_dynptr" : "an iterator on stack");
		return -EINVAL;
	}
	if (r->type != PTR_TO_STACK)
		return arg_type_err(env, regno, r, "fp");
	if (!tnum_is_const(r->var_off)) {
		verbose(env, "%s has to be at a constant offset\n", what);
		return -EINVAL;
	}
	int64_t off = r->off + (int64_t)r->var_off.value;
	if (off % 8) {
		verbose(env, "cannot pass in %s at an offset=%lld\n", what, (long long)off);
		return -EINVAL;
	}
	if (off < -BPFRT_STACK_SIZE || off + 8 * (int64_t)nslots > 0) {
		verbose(env, "cannot pass in %s at an offset=%lld\n", what, (long long)off);
		return -EINVAL;
	}
	struct func_state *f = env->cur->frame[r->frameno];
	int err = grow_stack(env, f, (int)off);
	if (err)
		return err;
	*fp = f;
	return (int)((-off - 1) / 8);
}

void invalidate_children(struct vstate *st, uint32_t id)
{
	if (!id)
		return;
	for (uint32_t f = 0; f <= st->curframe; f++) {
		struct func_state *fs = st->frame[f];
		for (int r = 0; r < MAX_BPF_REG; r++)
			if (fs->regs[r].parent_id == id)
				mark_reg_unknown(&fs->regs[r]);
		for (uint32_t s = 0; s < fs->nslots; s++)
			if (fs->stack[s].kind[7] == STACK_SPILL && fs->stack[s].spilled.parent_id == id)
				mark_reg_unknown(&fs->stack[s].spilled);
	}
}

static void clear_slot(struct stack_slot *s)
{
	memset(s->kind, STACK_INVALID, 8);
	memset(&s->spilled, 0, sizeof(s->spilled));
	s->obj_type = s->obj_first = s->iter_state = 0;
	s->iter_depth = 0;
}

int stack_obj_overwrite(struct verifier_env *env, struct func_state *f, uint32_t spi)
{
	struct stack_slot *s = &f->stack[spi];
	if (s->kind[0] == STACK_ITER) {
		verbose(env, "cannot overwrite iterator state at fp%d: destroy it first\n",
			-8 * (int)(spi + 1));
		return -EINVAL;
	}
	if (s->kind[0] != STACK_DYNPTR)
		return 0;
	if (s->spilled.ref_obj_id) {
		verbose(env, "cannot overwrite referenced dynptr\n");
		return -EINVAL;
	}
	/* the dynptr's other slot: below the first one, above the second */
	uint32_t other = s->obj_first ? spi - 1 : spi + 1;
	invalidate_children(env->cur, s->spilled.id);
	if (other < f->nslots && f->stack[other].kind[0] == STACK_DYNPTR &&
	    f->stack[other].spilled.id == s->spilled.id)
		clear_slot(&f->stack[other]);
	clear_slot(s);
	return 0;
}

int dynptr_check_arg(struct verifier_env *env, uint32_t regno, enum helper_arg kind,
		     struct call_meta *meta)
{
	struct func_state *f = NULL;
	const struct reg_state *r = &cur_regs(env)[regno];
	if (r->type == CONST_PTR_TO_DYNPTR) {
		/* a global function's dynptr argument (the kernel's
		 * CONST_PTR_TO_DYNPTR): a local dynptr it may use, not
		 * initialise or release */
		if (kind != HELPER_ARG_PTR_TO_DYNPTR) {
			verbose(env, kind == HELPER_ARG_PTR_TO_DYNPTR_RINGBUF
					     ? "cannot release unowned const bpf_dynptr\n"
					     : "cannot pass pointer to const bpf_dynptr, the helper mutates it\n");
			return -EINVAL;
		}
		if (r->off || !tnum_equals_const(r->var_off, 0)) {
			verbose(env, "dereference of modified dynptr_ptr ptr R%u off=%d disallowed\n",
				regno, r->off);
			return -EACCES;
		}
		meta->has_dynptr = true;
		meta->dynptr_type = DYNPTR_TYPE_LOCAL;
		meta->dynptr_id = r->id;
		meta->dynptr_ref = 0;
		return 0;
	}
	int spi = stack_obj_spi(env, regno, 2, "dynptr", meta->kfunc, &f);
	if (spi < 0)
		return spi;
	struct stack_slot *a = &f->stack[spi], *b = &f->stack[spi - 1];
	if (kind == HELPER_ARG_PTR_TO_DYNPTR_UNINIT) {
		if (a->kind[0] == STACK_ITER || b->kind[0] == STACK_ITER) {
			verbose(env, "Dynptr has to be an uninitialized dynptr\n");
			return -EINVAL;
		}
		meta->uninit_dynptr_regno = (int)regno;
		return 0;
	}
	if (a->kind[0] != STACK_DYNPTR || !a->obj_first || b->kind[0] != STACK_DYNPTR ||
	    b->obj_first || a->spilled.id != b->spilled.id) {
		if (kind == HELPER_ARG_PTR_TO_DYNPTR_RINGBUF)
			verbose(env, "arg %u is an unacquired reference\n", regno);
		else
			verbose(env, "Expected an initialized dynptr as arg #%u\n", regno - 1);
		return -EINVAL;
	}
	if (kind == HELPER_ARG_PTR_TO_DYNPTR_RINGBUF) {
		if (!a->spilled.ref_obj_id) {
			verbose(env, "arg %u is an unacquired reference\n", regno);
			return -EINVAL;
		}
		if (a->obj_type != DYNPTR_TYPE_RINGBUF) {
			verbose(env, "Expected a dynptr of type ringbuf as arg #%u\n", regno - 1);
			return -EINVAL;
		}
		meta->release_ref = a->spilled.ref_obj_id;
	}
	meta->has_dynptr = true;
	meta->dynptr_type = a->obj_type;
	meta->dynptr_id = a->spilled.id;
	meta->dynptr_ref = a->spilled.ref_obj_id;
	return 0;
}

int dynptr_finish_call(struct verifier_env *env, struct call_meta *meta, int insn_idx)
{
	if (meta->uninit_dynptr_regno < 0)
		return 0;
	const struct reg_state *data = &cur_regs(env)[1];
	if (!meta->kfunc && !meta->has_dynptr && meta->map_idx < 0 &&
	    data->type != PTR_TO_MAP_VALUE) {
		/* bpf_dynptr_from_mem: the kernel takes map values only (a
		 * dynptr over the stack could outlive its frame) */
		char b[48];
		verbose(env, "Unsupported reg type %s for bpf_dynptr_from_mem data\n",
			reg_type_str(data, b, sizeof(b)));
		return -EACCES;
	}
	struct func_state *f = NULL;
	int spi = stack_obj_spi(env, (uint32_t)meta->uninit_dynptr_regno, 2, "dynptr", meta->kfunc,
				&f);
	if (spi < 0)
		return spi;
	for (int s = spi; s >= spi - 1; s--) {
		int err = stack_obj_overwrite(env, f, (uint32_t)s);
		if (err)
			return err;
	}
	uint8_t type = DYNPTR_TYPE_LOCAL;
	uint32_t ref = 0;
	if (meta->has_dynptr) { /* a clone: the same kind of dynptr, sharing its reference */
		type = meta->dynptr_type;
		ref = meta->dynptr_ref;
	} else if (meta->map_idx >= 0 && env->opts->maps[meta->map_idx].type == MAP_RINGBUF) {
		type = DYNPTR_TYPE_RINGBUF;
		if (!(ref = acquire_reference(env, insn_idx)))
			return -EINVAL;
	}
	uint32_t id = new_id(env);
	for (int s = spi; s >= spi - 1; s--) {
		struct stack_slot *sl = &f->stack[s];
		clear_slot(sl);
		memset(sl->kind, STACK_DYNPTR, 8);
		sl->spilled.id = id;
		sl->spilled.ref_obj_id = ref;
		sl->obj_type = type;
		sl->obj_first = s == spi;
	}
	if (log_enabled(env, 2))
		verbose(env, "dynptr id=%u (%s) at fp%d\n", id, dynptr_type_str(type),
			-8 * (spi + 1));
	return 0;
}

void dynptr_mark_slice(struct verifier_env *env, struct reg_state *r0, const struct call_meta *meta,
		       int64_t size, bool rdonly)
{
	mark_ptr(r0, PTR_TO_MEM);
	r0->flags = PTR_MAYBE_NULL | (rdonly ? MEM_RDONLY : 0);
	r0->mem_size = size > 0 ? (uint32_t)size : 0;
	r0->id = new_id(env);
	r0->parent_id = meta->dynptr_id;
	r0->ref_obj_id = meta->dynptr_ref; /* released with a ring buffer dynptr */
}
