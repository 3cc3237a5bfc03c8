/* SPDX-License-Identifier: MIT */
/*
 * Calls as the verifier resolved them. The verifier records each call's
 * target in its facts (FACT_CALL_HELPER / FACT_CALL_LOCAL, call_target);
 * this pass writes that target into the instruction, so the engines run
 * exactly the helper the verifier checked the arguments of, from one
 * source of truth instead of a second resolution:
 *
 *   call kfunc (src 2)                 -> call BPFRT_KFUNC_ID_BASE + index
 *   callx rX, the same helper on every
 *     path (the verifier made rX precise) -> call <that helper id>
 *
 * A direct call is also what the engines run fastest: the JIT emits a call
 * to the helper it resolves once at translation, where callx dispatches on
 * the register's value at every run. Helper and local calls are checked to
 * say what their facts say (facts of another program are refused).
 */
#include <errno.h>
#include <stdio.h>

#include "fixups/fixups.h"
#include "isa/opcodes.h"
#include "verifier/facts.h"

int fixups_calls(struct bpfrt_insn *insns, size_t cnt, const struct verifier_facts *facts,
		 size_t *resolved)
{
	size_t n = 0;

	if (resolved)
		*resolved = 0;
	if (!facts)
		return 0;
	if (facts->insn_cnt != cnt)
		return -EINVAL;
	for (size_t i = 0; i < cnt; i++) {
		const struct insn_fact *x = &facts->insn[i];
		const struct isa_form *f = isa_form_of(&insns[i]);

		if (BPFRT_INSN_IS_LDDW(&insns[i])) {
			i++;
			continue;
		}
		if (!f || !(x->flags & FACT_SEEN))
			continue;
		bool helper = x->flags & FACT_CALL_HELPER, local = x->flags & FACT_CALL_LOCAL;

		switch (f->op) {
		case ISA_OP_CALL_HELPER:
			if (helper && x->call_target != insns[i].imm)
				return -EINVAL;
			break;
		case ISA_OP_CALL_LOCAL:
			if (local && x->call_target != (int64_t)i + 1 + insns[i].imm)
				return -EINVAL;
			break;
		case ISA_OP_CALL_KFUNC:
		case ISA_OP_CALLX:
			/* call_target -1: callx of different helpers on different paths */
			if (!helper || x->call_target < 0)
				break;
			insns[i] = (struct bpfrt_insn){ .code = BPFRT_JMP | BPFRT_CALL,
							.imm = x->call_target };
			n++;
			break;
		default:
			break;
		}
	}
	if (resolved)
		*resolved = n;
	return 0;
}
