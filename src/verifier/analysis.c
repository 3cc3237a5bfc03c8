/* SPDX-License-Identifier: MIT */
/*
 * The walk: every path from the entry, depth first, one instruction at a
 * time on an abstract state; at conditional jumps the other way is pushed on
 * a stack of pending branches. A path ends at the main exit, when it joins a
 * state already verified (prune.c), or at an error, which ends it all.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "isa/opcodes.h"
#include "verifier/log.h"
#include "verifier/state.h"

void update_branch_counts(struct verifier_env *env, struct stored_state *ss);

int push_state(struct verifier_env *env, struct vstate *st, uint32_t insn_idx, uint32_t prev_idx)
{
	if (env->stack_len == env->stack_cap) {
		uint32_t cap = env->stack_cap ? env->stack_cap * 2 : 64;
		if (cap > 1u << 20) {
			state_free(env, st);
			verbose(env, "BPF program is too complex (%u pending branches)\n", cap);
			return -E2BIG;
		}
		struct pending *s = realloc(env->stack, cap * sizeof(*s));
		if (!s) {
			state_free(env, st);
			return env->err = -ENOMEM;
		}
		env->stack = s;
		env->stack_cap = cap;
	}
	st->insn_idx = insn_idx;
	/* the branching insn (prev_idx) is done on the branch's path: its
	 * history entry, then how the branch arrives at insn_idx */
	struct vstate *saved = env->cur;
	env->cur = st;
	int err = hist_record(env, prev_idx, 0, 0, 0);
	env->cur = saved;
	if (err) {
		state_free(env, st);
		return err;
	}
	const struct isa_form *pf = insn_form(env, prev_idx);
	st->arr_prev = prev_idx;
	st->arr_edge = pf && pf->op == ISA_OP_EXIT ? EDGE_CB_AGAIN
		       : insn_idx == prev_idx + isa_insn_slots(&env->insns[prev_idx]) ? EDGE_SEQ
										: EDGE_JUMP;
	if (st->parent_ss)
		st->parent_ss->branches++;
	env->stack[env->stack_len++] = (struct pending){ st, insn_idx, prev_idx };
	return 0;
}

int push_branch(struct verifier_env *env, uint32_t insn_idx, uint32_t prev_idx)
{
	struct vstate *st = state_dup(env, env->cur);
	if (!st)
		return env->err = -ENOMEM;
	return push_state(env, st, insn_idx, prev_idx);
}

/* The current path is done: take the next pending one. */
static bool pop_branch(struct verifier_env *env, int *insn_idx)
{
	update_branch_counts(env, env->cur->parent_ss);
	state_free(env, env->cur);
	env->cur = NULL;
	if (!env->stack_len)
		return false;
	struct pending p = env->stack[--env->stack_len];
	env->cur = p.st;
	*insn_idx = (int)p.insn_idx;
	if (log_enabled(env, 2)) {
		log_write(env->log, "from %u to %u:", p.prev_insn, p.insn_idx);
		log_state(env, env->cur, true);
	}
	return true;
}

static int init_state(struct verifier_env *env)
{
	struct vstate *st = pool_zalloc(env->pool, sizeof(*st));
	struct func_state *f = frame_new(env);
	if (!st || !f) {
		pool_free(env->pool, st, sizeof(*st));
		frame_free(env, f);
		return env->err = -ENOMEM;
	}
	ctx_init_regs(env, f->regs);
	st->frame[0] = f;
	env->cur = st;
	return 0;
}

static int check_reg_read(struct verifier_env *env, uint32_t regno)
{
	if (cur_regs(env)[regno].type == NOT_INIT) {
		verbose(env, "R%u !read_ok\n", regno);
		return -EACCES;
	}
	return 0;
}

static int do_atomic(struct verifier_env *env, const struct bpfrt_insn *insn,
		     const struct isa_form *f, int idx)
{
	struct reg_state *regs = cur_regs(env);
	int err, size = f->size;
	if ((err = check_reg_read(env, insn->src_reg)) || (err = check_reg_read(env, insn->dst_reg)))
		return err;
	bool cmpxchg = f->op == ISA_OP_ATOMIC_CMPXCHG64 || f->op == ISA_OP_ATOMIC_CMPXCHG32;
	if (cmpxchg && (err = check_reg_read(env, 0)))
		return err;
	if (reg_is_pointer(&regs[insn->src_reg])) {
		verbose(env, "R%u leaks addr into mem\n", insn->src_reg);
		return -EACCES;
	}
	if (regs[insn->dst_reg].type == PTR_TO_CTX || reg_is_pkt(&regs[insn->dst_reg])) {
		char b[48];
		verbose(env, "BPF_ATOMIC stores into R%u %s is not allowed\n", insn->dst_reg,
			reg_type_str(&regs[insn->dst_reg], b, sizeof(b)));
		return -EACCES;
	}
	/* Atomics are aligned whatever the memory (the kernel's
	 * strict_alignment_once): a locked access across a cache line is a
	 * split lock, SIGBUS where the host detects them. */
	const struct reg_state *p = &regs[insn->dst_reg];
	if (reg_is_pointer(p) &&
	    !tnum_is_aligned(tnum_add(p->var_off, tnum_const((uint64_t)(int64_t)(p->off + insn->off))),
			     (uint64_t)size)) {
		char b[48];
		verbose(env, "misaligned %saccess off %s+%d+%d size %d\n",
			p->type == PTR_TO_STACK	      ? "stack "
			: p->type == PTR_TO_MAP_VALUE ? "value "
						      : "",
			tnum_str(p->var_off, b, sizeof(b)), p->off, insn->off, size);
		return -EACCES;
	}
	if (env->opts->kernel_compat && p->type == PTR_TO_STACK && !tnum_is_const(p->var_off)) {
		/* the kernel checks an atomic's stack bytes as a helper's */
		char b[48];
		verbose(env,
			"variable offset stack pointer cannot be passed into helper function; "
			"var_off=%s off=%d size=%d\n",
			tnum_str(p->var_off, b, sizeof(b)), p->off + insn->off, size);
		return -EACCES;
	}
	/* read the old value, then store */
	struct reg_state old, val = regs[insn->src_reg];
	mark_reg_unknown(&old);
	int load_reg = isa_form_has(f, ISA_F_FETCH) ? (cmpxchg ? 0 : insn->src_reg) : -1;
	struct reg_state saved = load_reg >= 0 ? regs[load_reg] : old;
	err = check_mem_access(env, idx, insn->dst_reg, insn->off, size, ACCESS_READ,
			       load_reg >= 0 ? load_reg : -1, NULL, false);
	if (err)
		return err;
	if (load_reg >= 0) {
		old = regs[load_reg];
		regs[load_reg] = saved;
	}
	struct reg_state unknown;
	mark_reg_unknown(&unknown);
	err = check_mem_access(env, idx, insn->dst_reg, insn->off, size, ACCESS_WRITE, -1,
			       f->op == ISA_OP_ATOMIC_XCHG64 ? &val : &unknown, false);
	if (err)
		return err;
	if (load_reg >= 0) {
		if (old.type != SCALAR_VALUE)
			mark_reg_unknown(&old);
		if (size == 4) {
			old.id = 0;
			coerce_reg_to_size(&old, 4);
		}
		regs[load_reg] = old;
	}
	return 0;
}

/* What precision.c's walk back needs of an instruction: the frame it ran
 * in and, for fixed-offset stack accesses, the slot. */
struct step {
	uint32_t frame;
	bool in_callback;
	bool stack;
	uint8_t frameno, spi;
};

static void step_begin(struct verifier_env *env, int idx, struct step *s)
{
	const struct bpfrt_insn *insn = &env->insns[idx];
	uint8_t cls = BPFRT_CLASS(insn->code);
	s->frame = env->cur->curframe;
	s->in_callback = cur_frame(env)->in_callback;
	s->stack = false;
	s->frameno = s->spi = 0;
	if (cls != BPFRT_LDX && cls != BPFRT_ST && cls != BPFRT_STX)
		return;
	const struct reg_state *base = &cur_regs(env)[cls == BPFRT_LDX ? insn->src_reg : insn->dst_reg];
	if (base->type != PTR_TO_STACK || !tnum_is_const(base->var_off))
		return;
	int64_t off = (int64_t)base->off + insn->off + (int64_t)base->var_off.value;
	if (off >= 0 || off < -BPFRT_STACK_SIZE)
		return;
	/* loads: any fill of the slot; stores: at a slot's start, where
	 * stack_write spills (narrow spills of scalars too, as the kernel's
	 * save_register_state: the walk back goes from the slot to the
	 * stored register); atomics: always (the walk back gives up) */
	if (cls != BPFRT_LDX && BPFRT_MODE(insn->code) != BPFRT_ATOMIC && (off % 8))
		return;
	s->stack = true;
	s->frameno = base->frameno;
	s->spi = (uint8_t)((-off - 1) / 8);
}

static int step_end(struct verifier_env *env, int idx, int next, const struct step *s)
{
	const struct isa_form *f = insn_form(env, (uint32_t)idx);
	int err = hist_record(env, (uint32_t)idx, s->stack ? HIST_STACK : 0, s->frameno, s->spi);
	if (err)
		return err;
	struct vstate *st = env->cur;
	st->arr_prev = (uint32_t)idx;
	if (st->curframe > s->frame)
		st->arr_edge = f->op == ISA_OP_CALL_LOCAL ? EDGE_CALL : EDGE_CB_ENTER;
	else if (st->curframe < s->frame)
		st->arr_edge = s->in_callback ? EDGE_CB_RET : EDGE_RET;
	else if ((uint32_t)next != (uint32_t)idx + isa_insn_slots(&env->insns[idx]))
		st->arr_edge = EDGE_JUMP;
	else
		st->arr_edge = EDGE_SEQ;
	return 0;
}

/* One instruction. *next: the next insn index, -1 when the path ended. */
static int do_insn(struct verifier_env *env, int idx, int *next)
{
	const struct bpfrt_insn *insn = &env->insns[idx];
	const struct isa_form *f = insn_form(env, (uint32_t)idx);
	struct reg_state *regs = cur_regs(env);
	int err = 0;
	*next = idx + 1;
	switch (BPFRT_CLASS(insn->code)) {
	case BPFRT_ALU:
	case BPFRT_ALU64:
		return do_alu(env, insn, idx);
	case BPFRT_LDX:
		if ((err = check_reg_read(env, insn->src_reg)))
			return err;
		return check_mem_access(env, idx, insn->src_reg, insn->off, f->size, ACCESS_READ,
					insn->dst_reg, NULL, isa_form_has(f, ISA_F_SIGNED));
	case BPFRT_ST: {
		if ((err = check_reg_read(env, insn->dst_reg)))
			return err;
		struct reg_state v;
		mark_reg_known(&v, (uint64_t)(int64_t)insn->imm);
		if (f->size < 8)
			coerce_reg_to_size(&v, f->size);
		return check_mem_access(env, idx, insn->dst_reg, insn->off, f->size, ACCESS_WRITE,
					-1, &v, false);
	}
	case BPFRT_STX:
		if (BPFRT_MODE(insn->code) == BPFRT_ATOMIC)
			return do_atomic(env, insn, f, idx);
		if ((err = check_reg_read(env, insn->src_reg)) ||
		    (err = check_reg_read(env, insn->dst_reg)))
			return err;
		if (regs[insn->dst_reg].type == PTR_TO_CTX && reg_is_pointer(&regs[insn->src_reg])) {
			verbose(env, "R%u leaks addr into ctx\n", insn->src_reg);
			return -EACCES;
		}
		return check_mem_access(env, idx, insn->dst_reg, insn->off, f->size, ACCESS_WRITE,
					insn->src_reg, &regs[insn->src_reg], false);
	case BPFRT_LD:
		*next = idx + 2;
		return do_ld_imm64(env, insn, idx);
	default: /* JMP, JMP32 */
		break;
	}
	switch (f->op) {
	case ISA_OP_JA:
		*next = idx + insn->off + 1;
		return 0;
	case ISA_OP_JA32:
		*next = idx + insn->imm + 1;
		return 0;
	case ISA_OP_MAY_GOTO:
		return do_may_goto(env, insn, idx, next);
	case ISA_OP_EXIT: {
		bool done;
		err = do_exit(env, next, &done);
		if (!err && done)
			*next = -1;
		return err;
	}
	case ISA_OP_CALL_HELPER:
		return do_helper_call(env, insn, idx, (uint32_t)insn->imm, next);
	case ISA_OP_CALL_KFUNC: {
		bool done;
		err = do_kfunc_call(env, idx, next, &done);
		if (!err && done)
			*next = -1;
		return err;
	}
	case ISA_OP_CALL_LOCAL:
		return do_local_call(env, idx, (uint32_t)(idx + insn->imm + 1), next);
	case ISA_OP_CALLX: {
		const struct reg_state *t = &regs[insn->dst_reg];
		if ((err = check_reg_read(env, insn->dst_reg)))
			return err;
		if ((err = mark_chain_precision(env, insn->dst_reg)))
			return err;
		if (!reg_is_const(t) || t->var_off.value > UINT32_MAX) {
			char b[48];
			verbose(env, "callx R%u: target must be a known helper id, not %s\n",
				insn->dst_reg, reg_type_str(t, b, sizeof(b)));
			return -EINVAL;
		}
		return do_helper_call(env, insn, idx, (uint32_t)t->var_off.value, next);
	}
	default:
		*next = idx;
		return do_cond_jmp(env, insn, next);
	}
}

int do_check(struct verifier_env *env)
{
	int err = init_state(env);
	if (err)
		return err;
	return do_walk(env, 0);
}

int do_walk(struct verifier_env *env, int idx)
{
	int err;
	for (;;) {
		if (env->err)
			return env->err;
		if (idx < 0) {
			if (!pop_branch(env, &idx))
				return 0;
			continue;
		}
		if ((uint32_t)idx >= env->insn_cnt) {
			verbose(env, "invalid insn idx %d insn_cnt %u\n", idx, env->insn_cnt);
			return -EFAULT;
		}
		if (++env->insns_processed > env->budget) {
			verbose(env, "BPF program is too large. Processed %llu insn\n",
				(unsigned long long)env->insns_processed);
			return -E2BIG;
		}
		env->cur->insn_idx = (uint32_t)idx;
		if (env->widen && env->ncounted)
			loop_stay_update(env, (uint32_t)idx);
		err = is_state_visited(env, (uint32_t)idx);
		if (err < 0)
			return err;
		if (err == 1) {
			if (log_enabled(env, 2))
				log_write(env->log, "%d: safe\n", idx);
			idx = -1;
			continue;
		}
		env->facts->insn[idx].flags |= FACT_SEEN;
		if (log_enabled(env, 2)) {
			log_write(env->log, "%d:", idx);
			log_state(env, env->cur, false);
			log_linfo(env, (uint32_t)idx, false);
			log_insn(env, (uint32_t)idx);
		}
		env->prev_insn = (uint32_t)idx;
		uint8_t cls = BPFRT_CLASS(env->insns[idx].code);
		if (cls == BPFRT_JMP || cls == BPFRT_JMP32)
			env->jmps_processed++;
		if (env->widen && env->aux[idx].wrap_check && (err = counter_wrap_check(env, idx)))
			return err;
		int next;
		struct step step;
		step_begin(env, idx, &step);
		err = do_insn(env, idx, &next);
		if (err)
			return err;
		if (next >= 0 && (err = step_end(env, idx, next, &step)))
			return err;
		if (log_enabled(env, 2))
			log_flush_msg(env);
		idx = next;
	}
}

void free_pending(struct verifier_env *env)
{
	while (env->stack_len)
		state_free(env, env->stack[--env->stack_len].st);
	free(env->stack);
	env->stack = NULL;
	env->stack_cap = 0;
	state_free(env, env->cur);
	env->cur = NULL;
}
