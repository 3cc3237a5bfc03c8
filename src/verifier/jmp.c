/* SPDX-License-Identifier: MIT */
/*
 * Conditional jumps: decide the branch when the ranges do, otherwise
 * explore both, each with what its condition proves (ranges of scalars and
 * of the registers linked to them; null checks of pointers).
 */
#include <errno.h>

#include "verifier/state.h"

static void set_reg_to(struct reg_state *r, void *arg)
{
	*r = *(const struct reg_state *)arg;
}

static void mark_nonnull(struct reg_state *r, void *arg)
{
	(void)arg;
	r->flags &= (uint8_t)~PTR_MAYBE_NULL;
}

static void mark_null(struct reg_state *r, void *arg)
{
	(void)arg;
	mark_reg_known_zero(r);
}

static void release_ref(struct vstate *st, uint32_t ref_obj_id)
{
	for (uint32_t i = 0; i < st->refcnt; i++) {
		if (st->refs[i].id == ref_obj_id) {
			st->refs[i] = st->refs[--st->refcnt];
			return;
		}
	}
}

/* Applies "dst op src" to state st. Returns false if no value satisfies it.
 * compat: kernel_compat's limits. */
static bool refine(struct vstate *st, const struct bpfrt_insn *insn, uint8_t op, bool jmp32,
		   bool compat)
{
	struct reg_state *regs = st->frame[st->curframe]->regs;
	struct reg_state *dst = &regs[insn->dst_reg];
	bool is_x = BPFRT_SRC(insn->code) == BPFRT_X;
	struct reg_state srcv, *src = &srcv;
	if (is_x)
		src = &regs[insn->src_reg];
	else
		mark_reg_known(&srcv, jmp32 ? (uint32_t)insn->imm : (uint64_t)(int64_t)insn->imm);

	/* null checks: ptr_or_null ==/!= 0 */
	if ((dst->flags & PTR_MAYBE_NULL) && reg_is_const(src) && !src->var_off.value && !jmp32 &&
	    (op == BPFRT_JEQ || op == BPFRT_JNE)) {
		uint32_t id = dst->id, ref = dst->ref_obj_id;
		if (op == BPFRT_JEQ) {
			/* the NULL of an acquiring call holds nothing (a slice's
			 * reference is its dynptr's, not its own) */
			if (ref && ref == id)
				release_ref(st, ref);
			if (id)
				for_each_reg_with_id(st, id, mark_null, NULL);
			else
				mark_reg_known_zero(dst);
		} else if (id) {
			for_each_reg_with_id(st, id, mark_nonnull, NULL);
		} else {
			dst->flags &= (uint8_t)~PTR_MAYBE_NULL;
		}
		return true;
	}
	/* ptr == ptr: a maybe-NULL pointer equal to one that is not NULL is
	 * not NULL either (JEQ taken, JNE falling through) */
	if (is_x && !jmp32 && op == BPFRT_JEQ && reg_is_pointer(dst) && reg_is_pointer(src) &&
	    ((dst->flags ^ src->flags) & PTR_MAYBE_NULL)) {
		struct reg_state *n = (dst->flags & PTR_MAYBE_NULL) ? dst : src;
		if (n->id)
			for_each_reg_with_id(st, n->id, mark_nonnull, NULL);
		else
			n->flags &= (uint8_t)~PTR_MAYBE_NULL;
		return true;
	}
	if (dst->type != SCALAR_VALUE || src->type != SCALAR_VALUE)
		return true;
	struct reg_state d = *dst, s = *src;
	/* The false way of a jset against a constant: the kernel (6.18's
	 * regs_refine_cond_op) forgets the other operand's ranges before it
	 * narrows its tnum; kernel_compat too (default mode keeps them:
	 * (s16)x with its low 16 bits clear is 0) */
	if (compat && BPFRT_OP(insn->code) == BPFRT_JSET && op != BPFRT_JSET) {
		if (reg_is_const(&s))
			mark_reg_unbounded(&d);
		else if (reg_is_const(&d))
			mark_reg_unbounded(&s);
	}
	scalar_refine(&d, &s, op, jmp32);
	if (!reg_bounds_sane(&d) || !reg_bounds_sane(&s))
		return false;
	if (dst->id)
		for_each_reg_with_id(st, dst->id, set_reg_to, &d);
	else
		*dst = d;
	if (is_x) {
		if (src->id)
			for_each_reg_with_id(st, src->id, set_reg_to, &s);
		else
			*src = s;
	}
	return true;
}

/* 1 taken, 0 not, -1 unknown. */
static int branch_taken(const struct reg_state *dst, const struct reg_state *src, uint8_t op,
			bool jmp32)
{
	if (dst->type == SCALAR_VALUE && src->type == SCALAR_VALUE)
		return scalar_branch_taken(dst, src, op, jmp32);
	if (reg_is_pkt_any(dst) && reg_is_pkt_any(src) && !jmp32)
		return pkt_branch_taken(dst, src, op); /* packet.c */
	/* a pointer that cannot be NULL is never equal to 0: the kernel's
	 * reg_not_null() kinds, and the stack (never NULL). Not context or
	 * packet pointers, nor memory of 0 bytes: the kernel does not decide
	 * those, and in user space a raw context or a packet of 0 bytes may
	 * be NULL. */
	const struct reg_state *p = reg_is_pointer(dst) ? dst : src;
	const struct reg_state *k = reg_is_pointer(dst) ? src : dst;
	bool not_null = p->type == PTR_TO_MAP_VALUE || p->type == PTR_TO_MAP_KEY ||
			(p->type == PTR_TO_MEM && p->mem_size) || p->type == PTR_TO_STACK;
	if (!jmp32 && reg_is_const(k) && !k->var_off.value && not_null &&
	    !(p->flags & PTR_MAYBE_NULL)) {
		if (op == BPFRT_JEQ)
			return 0;
		if (op == BPFRT_JNE)
			return 1;
	}
	return -1;
}

/* The scalar operands of a jump whose outcome they decided (precision.c). */
static int mark_jmp_precise(struct verifier_env *env, const struct bpfrt_insn *insn, bool is_x)
{
	int err = mark_chain_precision(env, insn->dst_reg);
	if (!err && is_x)
		err = mark_chain_precision(env, insn->src_reg);
	return err;
}

int do_cond_jmp(struct verifier_env *env, const struct bpfrt_insn *insn, int *insn_idx)
{
	struct reg_state *regs = cur_regs(env);
	uint8_t op = BPFRT_OP(insn->code);
	bool jmp32 = BPFRT_CLASS(insn->code) == BPFRT_JMP32;
	bool is_x = BPFRT_SRC(insn->code) == BPFRT_X;
	int idx = *insn_idx, target = idx + insn->off + 1;

	if (regs[insn->dst_reg].type == NOT_INIT) {
		verbose(env, "R%u !read_ok\n", insn->dst_reg);
		return -EACCES;
	}
	if (is_x && regs[insn->src_reg].type == NOT_INIT) {
		verbose(env, "R%u !read_ok\n", insn->src_reg);
		return -EACCES;
	}
	struct reg_state srcv;
	if (is_x)
		srcv = regs[insn->src_reg];
	else
		mark_reg_known(&srcv, jmp32 ? (uint32_t)insn->imm : (uint64_t)(int64_t)insn->imm);
	int taken = branch_taken(&regs[insn->dst_reg], &srcv, op, jmp32);
	struct insn_fact *fact = &env->facts->insn[idx];
	int err;
	/* a way not taken because of the operands' values: they matter */
	if (taken >= 0 && (err = mark_jmp_precise(env, insn, is_x)))
		return err;
	if (taken == 1) {
		fact->flags |= FACT_BRANCH_TAKEN;
		*insn_idx = target;
		return 0;
	}
	if (taken == 0) {
		fact->flags |= FACT_BRANCH_FALLS;
		*insn_idx = idx + 1;
		return 0;
	}
	/* a null check against a register: that it holds 0 matters */
	if (is_x && (regs[insn->dst_reg].flags & PTR_MAYBE_NULL) &&
	    (err = mark_chain_precision(env, insn->src_reg)))
		return err;
	/* Both ways: the branch state is pushed, the walk goes on falling through. */
	struct vstate *other = state_dup(env, env->cur);
	if (!other)
		return env->err = -ENOMEM;
	bool compat = env->opts->kernel_compat;
	bool other_ok = refine(other, insn, op, jmp32, compat);
	bool fall_ok = refine(env->cur, insn, jmp_negate(op), jmp32, compat);
	pkt_try_match(env->cur, other, insn); /* packet.c: pkt vs pkt_end ranges */
	if (other_ok != fall_ok && (err = mark_jmp_precise(env, insn, is_x))) {
		state_free(env, other);
		return err;
	}
	if (other_ok) {
		fact->flags |= FACT_BRANCH_TAKEN;
		err = push_state(env, other, (uint32_t)target, (uint32_t)idx);
		if (err)
			return err;
	} else {
		state_free(env, other);
	}
	if (!fall_ok) {
		/* the fall-through is impossible: continue with the branch */
		*insn_idx = -1;
		return 0;
	}
	fact->flags |= FACT_BRANCH_FALLS;
	*insn_idx = idx + 1;
	return 0;
}

/* may_goto: both ways, as the kernel walks it. The jump (budget spent) is
 * walked first; the fall-through, pushed, is one more turn of the loop it
 * bounds (may_goto_depth). The budget ends every loop through it, so the
 * turns converge as an iterator's do (is_state_visited). */
int do_may_goto(struct verifier_env *env, const struct bpfrt_insn *insn, int idx, int *next)
{
	env->facts->insn[idx].flags |= FACT_BRANCH_TAKEN | FACT_BRANCH_FALLS;
	env->cur->may_goto_depth++;
	int err = push_branch(env, (uint32_t)idx + 1, (uint32_t)idx);
	env->cur->may_goto_depth--;
	if (err)
		return err;
	widen_queued(env, env->stack[env->stack_len - 1].st, (uint32_t)idx);
	*next = idx + insn->off + 1;
	return 0;
}
