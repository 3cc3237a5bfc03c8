/* SPDX-License-Identifier: MIT */
/* Replacing instructions by sequences: see patch.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixups/patch.h"
#include "isa/opcodes.h"

int64_t fixups_target_of(const struct bpfrt_insn *insn, size_t pc)
{
	const struct isa_form *f = isa_form_of(insn);

	if (!f)
		return -1;
	if (f->op == ISA_OP_LDDW_FUNC)
		return (int64_t)pc + 1 + insn->imm;
	if (!isa_form_has(f, ISA_F_BRANCH))
		return -1;
	if (f->syntax == ISA_SYN_JA32 || f->syntax == ISA_SYN_CALL_LOCAL)
		return (int64_t)pc + 1 + insn->imm;
	return (int64_t)pc + 1 + insn->off;
}

/* An earlier map (old slot -> slot of the program `cnt` long, its last
 * entry cnt) followed by newpos. */
static void compose(size_t *map, const size_t *newpos, size_t cnt)
{
	for (size_t i = 0;; i++) {
		size_t at = map[i];

		map[i] = newpos[at];
		if (at >= cnt)
			return;
	}
}

int fixups_patch(struct bpfrt_insn **insns, size_t *insn_cnt, const struct fixup_site *sites,
		 size_t nsites, size_t **slot_map)
{
	const struct bpfrt_insn *in = *insns;
	size_t cnt = *insn_cnt, out_cnt = cnt, *newpos = NULL;
	struct bpfrt_insn *out = NULL;
	int err = -ENOMEM;

	if (!nsites)
		return 0;
	for (size_t k = 0; k < nsites; k++)
		out_cnt += sites[k].n - 1;
	newpos = malloc((cnt + 1) * sizeof(*newpos));
	out = malloc(out_cnt * sizeof(*out));
	if (!newpos || !out)
		goto done;
	/* Where each old slot goes; a site's slot maps to its first insn. */
	for (size_t pc = 0, k = 0, pos = 0; pc <= cnt; pc++) {
		newpos[pc] = pos;
		pos += (k < nsites && sites[k].pc == pc) ? sites[k++].n : 1;
	}
	for (size_t pc = 0, k = 0; pc < cnt; pc++) {
		if (k < nsites && sites[k].pc == pc) {
			memcpy(&out[newpos[pc]], sites[k].code, sites[k].n * sizeof(*out));
			k++;
			continue;
		}
		struct bpfrt_insn insn = in[pc];
		int64_t t = (pc == 0 || !BPFRT_INSN_IS_LDDW(&in[pc - 1])) ? fixups_target_of(&insn, pc) : -1;

		if (t >= 0 && (uint64_t)t <= cnt) {
			int64_t d = (int64_t)newpos[t] - (int64_t)newpos[pc] - 1;
			const struct isa_form *f = isa_form_of(&insn);
			bool wide = f->op == ISA_OP_LDDW_FUNC || f->syntax == ISA_SYN_JA32 ||
				    f->syntax == ISA_SYN_CALL_LOCAL;

			if (wide)
				insn.imm = (int32_t)d;
			else if (d < INT16_MIN || d > INT16_MAX) {
				err = 1; /* does not fit: keep the program as it was */
				goto done;
			} else
				insn.off = (int16_t)d;
		}
		out[newpos[pc]] = insn;
	}
	free(*insns);
	*insns = out;
	*insn_cnt = out_cnt;
	out = NULL;
	if (slot_map && *slot_map) {
		compose(*slot_map, newpos, cnt);
	} else if (slot_map) {
		*slot_map = newpos;
		newpos = NULL;
	}
	err = 0;
done:
	free(out);
	free(newpos);
	return err;
}
