/* SPDX-License-Identifier: MIT */
/*
 * The static checks before the walk: every instruction well-formed, jumps
 * and calls landing on instructions inside their subprogram, subprograms
 * found, each ending in exit or a jump, unreachable code, back edges (loop
 * heads), prune points; liveness.c then finds what is live where.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "isa/opcodes.h"
#include "verifier/state.h"

static int add_subprog(struct verifier_env *env, uint32_t start)
{
	if (find_subprog(env, start) >= 0)
		return 0;
	if (env->subprog_cnt >= sizeof(env->subprogs) / sizeof(env->subprogs[0])) {
		verbose(env, "too many subprograms\n");
		return -E2BIG;
	}
	uint32_t i = env->subprog_cnt++;
	while (i && env->subprogs[i - 1].start > start) {
		env->subprogs[i] = env->subprogs[i - 1];
		i--;
	}
	memset(&env->subprogs[i], 0, sizeof(env->subprogs[i]));
	env->subprogs[i].start = start;
	return 0;
}

int find_subprog(const struct verifier_env *env, uint32_t start)
{
	uint32_t lo = 0, hi = env->subprog_cnt;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (env->subprogs[mid].start == start)
			return (int)mid;
		if (env->subprogs[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

uint32_t subprog_of(const struct verifier_env *env, uint32_t insn_idx)
{
	uint32_t i = 0;
	while (i + 1 < env->subprog_cnt && env->subprogs[i + 1].start <= insn_idx)
		i++;
	return i;
}

/* Jump target of a branch instruction, or -1. */
int64_t jump_target(const struct bpfrt_insn *insn, const struct isa_form *f, uint32_t idx)
{
	if (!isa_form_has(f, ISA_F_BRANCH))
		return -1;
	if (f->op == ISA_OP_JA32)
		return (int64_t)idx + insn->imm + 1;
	if (f->op == ISA_OP_CALL_LOCAL)
		return (int64_t)idx + insn->imm + 1;
	return (int64_t)idx + insn->off + 1;
}

static int check_insns(struct verifier_env *env)
{
	const struct bpfrt_insn *insns = env->insns;
	uint32_t n = env->insn_cnt;
	for (uint32_t i = 0; i < n; i++) {
		const char *why = NULL;
		const struct bpfrt_insn *next = i + 1 < n ? &insns[i + 1] : NULL;
		if (isa_insn_check(&insns[i], next, &why)) {
			if (!isa_form_of(&insns[i]))
				verbose(env, "unknown opcode %02x\n", insns[i].code);
			else if (isa_form_of(&insns[i])->op == ISA_OP_MAY_GOTO)
				verbose(env, "invalid may_goto imm %d\n", insns[i].imm);
			else
				verbose(env, "invalid insn: %s\n", why);
			env->prev_insn = i;
			return -EINVAL;
		}
		const struct isa_form *f = isa_form_of(&insns[i]);
		env->aux[i].form = f;
		/* r11, the stack-argument base the ISA allows for loads and
		 * stores: programs using it run unverified (checked) only;
		 * refused here, before any pass indexes registers with it */
		if ((f->syntax == ISA_SYN_LDX && insns[i].src_reg == BPFRT_REG_PARAMS) ||
		    ((f->syntax == ISA_SYN_ST || f->syntax == ISA_SYN_STX) &&
		     insns[i].dst_reg == BPFRT_REG_PARAMS)) {
			verbose(env, "R%d is invalid\n", BPFRT_REG_PARAMS);
			env->prev_insn = i;
			return -EINVAL;
		}
		if (isa_form_has(f, ISA_F_LEGACY)) {
			verbose(env,
				"BPF_LD_[ABS|IND] instructions not allowed for this program type\n");
			env->prev_insn = i;
			return -EINVAL;
		}
		if (f->op == ISA_OP_CALL_KFUNC && kfunc_check_insn(env, i)) {
			env->prev_insn = i;
			return -EINVAL;
		}
		if (f->op == ISA_OP_CALLX && env->opts->kernel_compat) {
			verbose(env, "unknown opcode %02x\n", insns[i].code);
			env->prev_insn = i;
			return -EINVAL;
		}
		int64_t t = -1;
		if (f->op == ISA_OP_CALL_LOCAL)
			t = (int64_t)i + insns[i].imm + 1;
		else if (f->op == ISA_OP_LDDW_FUNC)
			t = (int64_t)i + insns[i].imm + 1;
		if (f->op == ISA_OP_CALL_LOCAL || f->op == ISA_OP_LDDW_FUNC) {
			if (t < 0 || t >= n) {
				verbose(env, "call to invalid destination %lld\n", (long long)t);
				env->prev_insn = i;
				return -EINVAL;
			}
			int err = add_subprog(env, (uint32_t)t);
			if (err)
				return err;
			if (f->op == ISA_OP_LDDW_FUNC)
				env->subprogs[find_subprog(env, (uint32_t)t)].is_callback = true;
		}
		if (BPFRT_INSN_IS_LDDW(&insns[i]))
			i++;
	}
	return 0;
}

static int check_jumps(struct verifier_env *env)
{
	const struct bpfrt_insn *insns = env->insns;
	uint32_t n = env->insn_cnt;
	for (uint32_t s = 0; s < env->subprog_cnt; s++)
		env->subprogs[s].end = s + 1 < env->subprog_cnt ? env->subprogs[s + 1].start : n;
	bool *second = big_zalloc(n);
	if (!second)
		return env->err = -ENOMEM;
	for (uint32_t i = 0; i < n; i += isa_insn_slots(&insns[i]))
		if (BPFRT_INSN_IS_LDDW(&insns[i]) && i + 1 < n)
			second[i + 1] = env->aux[i + 1].second_slot = true;
	for (uint32_t s = 0; s < env->subprog_cnt; s++) {
		if (second[env->subprogs[s].start]) {
			verbose(env, "call into the middle of ldimm64 insn %u\n", env->subprogs[s].start);
			big_free(second, n);
			return -EINVAL;
		}
	}
	int err = 0;
	for (uint32_t i = 0; i < n && !err; i += isa_insn_slots(&insns[i])) {
		const struct isa_form *f = insn_form(env, i);
		env->facts->insn[i].subprog = (uint16_t)subprog_of(env, i);
		if (isa_form_has(f, ISA_F_BRANCH) && isa_form_has(f, ISA_F_READS_DST)) {
			uint16_t r = (uint16_t)(1u << insns[i].dst_reg);
			if (BPFRT_SRC(insns[i].code) == BPFRT_X)
				r |= (uint16_t)(1u << insns[i].src_reg);
			env->subprogs[subprog_of(env, i)].cond_regs |= r;
		}
		/* as the kernel's visit_func_call_insn: after every call */
		if (f->op == ISA_OP_CALL_LOCAL || f->op == ISA_OP_CALL_HELPER ||
		    f->op == ISA_OP_CALL_KFUNC || f->op == ISA_OP_CALLX) {
			env->aux[i + 1 < n ? i + 1 : i].prune_point = true;
			continue;
		}
		int64_t t = jump_target(&insns[i], f, i);
		if (t < 0 && !isa_form_has(f, ISA_F_BRANCH))
			continue;
		const struct subprog_info *sp = &env->subprogs[subprog_of(env, i)];
		if (t < sp->start || t >= sp->end) {
			verbose(env, "jump out of range from insn %u to %lld\n", i, (long long)t);
			env->prev_insn = i;
			err = -EINVAL;
			break;
		}
		if (second[t]) {
			verbose(env, "jump into the middle of ldimm64 insn %lld\n", (long long)t - 1);
			env->prev_insn = i;
			err = -EINVAL;
			break;
		}
		/* As the kernel: every jump target is a prune point, and so is a
		 * conditional jump itself (one state there covers both ways);
		 * the instruction after it is not. */
		env->aux[t].prune_point = true;
		if (f->op != ISA_OP_JA && f->op != ISA_OP_JA32)
			env->aux[i].prune_point = true;
		env->aux[i].may_goto = f->op == ISA_OP_MAY_GOTO;
	}
	/* Each subprogram must end in exit or an unconditional jump. */
	for (uint32_t s = 0; s < env->subprog_cnt && !err; s++) {
		uint32_t last = env->subprogs[s].end - 1;
		if (second[last] && last)
			last--;
		const struct isa_form *f = insn_form(env, last);
		if (f->op != ISA_OP_EXIT && f->op != ISA_OP_JA && f->op != ISA_OP_JA32) {
			verbose(env, "last insn is not an exit or jmp\n");
			env->prev_insn = last;
			err = -EINVAL;
		}
	}
	for (uint32_t s = 0; s < env->subprog_cnt; s++) {
		env->aux[env->subprogs[s].start].prune_point = true;
		if (env->subprogs[s].is_callback)
			env->aux[env->subprogs[s].start].callback_head = true;
	}
	big_free(second, n);
	return err;
}

/* Depth-first search from every subprogram start: reachability and back
 * edges (their targets are loop heads). */
static int find_loops(struct verifier_env *env)
{
	uint32_t n = env->insn_cnt;
	/* per insn: color (0 white, 1 on stack, 2 done), the next successor
	 * to visit, reached; the DFS stack */
	size_t size = (size_t)n * (3 + sizeof(uint32_t));
	uint8_t *mem = big_zalloc(size);
	if (!mem)
		return env->err = -ENOMEM;
	uint32_t *stk = (uint32_t *)mem;
	uint8_t *color = mem + n * sizeof(*stk), *edge = color + n, *reach = edge + n;
	for (uint32_t s = 0; s < env->subprog_cnt; s++) {
		uint32_t sp = 0, start = env->subprogs[s].start;
		if (color[start])
			continue;
		stk[sp++] = start;
		color[start] = 1;
		while (sp) {
			uint32_t i = stk[sp - 1];
			reach[i] = true;
			const struct bpfrt_insn *insn = &env->insns[i];
			const struct isa_form *f = insn_form(env, i);
			int64_t succ[2];
			int ns = 0;
			if (f->op != ISA_OP_EXIT) {
				bool uncond = f->op == ISA_OP_JA || f->op == ISA_OP_JA32;
				if (!uncond)
					succ[ns++] = (int64_t)i + isa_insn_slots(insn);
				if (isa_form_has(f, ISA_F_BRANCH) && f->op != ISA_OP_CALL_LOCAL)
					succ[ns++] = jump_target(insn, f, i);
			}
			if (edge[i] >= ns) {
				color[i] = 2;
				sp--;
				continue;
			}
			int64_t t = succ[edge[i]++];
			if (t < 0 || t >= n)
				continue;
			if (color[t] == 1) {
				env->aux[t].loop_head = env->aux[t].prune_point = true;
				/* which way of i is the back edge (loops.c) */
				env->aux[i].back_edge |=
					f->op != ISA_OP_JA && f->op != ISA_OP_JA32 && edge[i] == 1 ? 1 : 2;
			} else if (!color[t]) {
				color[t] = 1;
				stk[sp++] = (uint32_t)t;
			}
		}
	}
	int err = 0;
	for (uint32_t i = 0; i < n; i += isa_insn_slots(&env->insns[i])) {
		if (!reach[i] && env->opts->kernel_compat) {
			verbose(env, "unreachable insn %u\n", i);
			err = -EINVAL;
			break;
		}
	}
	big_free(mem, size);
	return err;
}

int check_cfg(struct verifier_env *env)
{
	int err = add_subprog(env, 0);
	if (!err)
		err = check_insns(env);
	if (!err)
		err = check_jumps(env);
	if (!err)
		err = find_loops(env);
	if (!err && !env->opts->kernel_compat)
		err = find_counted_loops(env);
	if (!err)
		err = compute_liveness(env);
	if (!err)
		err = compute_stack_liveness(env);
	return err;
}
