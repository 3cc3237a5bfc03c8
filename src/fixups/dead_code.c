/* SPDX-License-Identifier: MIT */
/*
 * Dead branches (the kernel's opt_hard_wire_dead_code_branches): a
 * conditional jump that went one way only on every path the verifier
 * walked becomes an unconditional jump that way. The verifier marked the
 * operands that decided it precise, so no pruned path went the other way.
 */
#include <errno.h>

#include "fixups/fixups.h"
#include "isa/opcodes.h"
#include "verifier/facts.h"

int fixups_dead_branches(struct bpfrt_insn *insns, size_t cnt, const struct verifier_facts *facts,
			 size_t *wired)
{
	size_t n = 0;

	if (wired)
		*wired = 0;
	if (!facts)
		return 0;
	if (facts->insn_cnt != cnt)
		return -EINVAL;
	for (size_t i = 0; i < cnt; i++) {
		const struct isa_form *f = isa_form_of(&insns[i]);
		unsigned way = facts->insn[i].flags & (FACT_BRANCH_TAKEN | FACT_BRANCH_FALLS);

		if (!f || (f->syntax != ISA_SYN_JCOND_K && f->syntax != ISA_SYN_JCOND_X) ||
		    !(facts->insn[i].flags & FACT_SEEN) || !way ||
		    way == (FACT_BRANCH_TAKEN | FACT_BRANCH_FALLS))
			continue;
		insns[i] = (struct bpfrt_insn){
			.code = BPFRT_JMP | BPFRT_JA,
			.off = way == FACT_BRANCH_TAKEN ? insns[i].off : 0,
		};
		n++;
	}
	if (wired)
		*wired = n;
	return 0;
}
