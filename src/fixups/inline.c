/* SPDX-License-Identifier: MIT */
/*
 * Helper inlining (the kernel's map_gen_lookup use in do_misc_fixups): a
 * `call map_lookup_elem` whose map is known becomes the map's own lookup
 * instructions, e.g. an array's bounds check and address computation.
 *
 * The map is known when r1 was set by `lddw r1, map` earlier in the same
 * straight-line run: no jump lands between the two and nothing in between
 * writes r1. (A verifier fact per call would find more sites; this local
 * rule is sound without one.) Branch offsets around a site are adjusted; a
 * program whose offsets would no longer fit is left as it was.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixups/fixups.h"
#include "isa/opcodes.h"

#define MAX_INLINE 16 /* instructions one site may become */
#define HELPER_MAP_LOOKUP_ELEM 1

struct site {
	size_t pc;
	size_t n;
	struct bpfrt_insn code[MAX_INLINE];
};

/* The branch target of insn `pc`, or -1 when it has none. */
static int64_t target_of(const struct bpfrt_insn *insn, size_t pc)
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

/* Whether insn writes r1 (conservatively: every non-store with dst r1, an
 * atomic fetch into src r1, every call). */
static bool writes_r1(const struct bpfrt_insn *insn)
{
	uint8_t cls = BPFRT_CLASS(insn->code);

	if (cls == BPFRT_JMP && BPFRT_OP(insn->code) == BPFRT_CALL)
		return true;
	if (cls == BPFRT_STX)
		return BPFRT_MODE(insn->code) == BPFRT_ATOMIC && insn->src_reg == 1;
	if (cls == BPFRT_ST || cls == BPFRT_JMP || cls == BPFRT_JMP32)
		return false;
	return insn->dst_reg == 1;
}

/* Finds the sites and their code. Returns the number found or -errno. */
static long find_sites(const struct bpfrt_insn *in, size_t cnt, const struct fixup_env *env,
		       struct site **sites_out)
{
	bool *is_target = calloc(cnt + 1, sizeof(*is_target));
	struct site *sites = NULL;
	size_t nsites = 0, cap = 0;
	int64_t r1_map = -1;

	if (!is_target)
		return -ENOMEM;
	for (size_t pc = 0; pc < cnt; pc += isa_insn_slots(&in[pc])) {
		int64_t t = target_of(&in[pc], pc);

		if (t >= 0 && (uint64_t)t < cnt)
			is_target[t] = true;
	}
	for (size_t pc = 0; pc < cnt; pc += isa_insn_slots(&in[pc])) {
		const struct bpfrt_insn *insn = &in[pc];

		if (is_target[pc])
			r1_map = -1;
		if (insn->code == (BPFRT_JMP | BPFRT_CALL) && insn->src_reg == 0 &&
		    insn->imm == HELPER_MAP_LOOKUP_ELEM && r1_map >= 0 &&
		    (size_t)r1_map < env->map_cnt && env->maps[r1_map].map) {
			if (nsites == cap) {
				struct site *s = realloc(sites, (cap = cap ? cap * 2 : 8) * sizeof(*s));

				if (!s) {
					free(sites);
					free(is_target);
					return -ENOMEM;
				}
				sites = s;
			}
			int n = env->gen_lookup(env->maps[r1_map].map, sites[nsites].code, MAX_INLINE);

			if (n > 0) {
				sites[nsites].pc = pc;
				sites[nsites++].n = (size_t)n;
			}
		}
		if (BPFRT_INSN_IS_LDDW(insn) && insn->dst_reg == 1)
			r1_map = insn->src_reg == BPFRT_PSEUDO_MAP_FD ||
					 insn->src_reg == BPFRT_PSEUDO_MAP_IDX
				 ? insn->imm
				 : -1;
		else if (writes_r1(insn))
			r1_map = -1;
	}
	free(is_target);
	*sites_out = sites;
	return (long)nsites;
}

int fixups_inline(struct bpfrt_insn **insns, size_t *insn_cnt, const struct fixup_env *env)
{
	const struct bpfrt_insn *in = *insns;
	size_t cnt = *insn_cnt, out_cnt = cnt, *newpos = NULL;
	struct bpfrt_insn *out = NULL;
	struct site *sites = NULL;
	long nsites;
	int err = -ENOMEM;

	if (env && env->slot_map)
		*env->slot_map = NULL;
	if (!env || !env->gen_lookup || !cnt)
		return 0;
	nsites = find_sites(in, cnt, env, &sites);
	if (nsites <= 0) {
		free(sites);
		return (int)nsites;
	}
	for (long i = 0; i < nsites; i++)
		out_cnt += sites[i].n - 1;
	newpos = malloc((cnt + 1) * sizeof(*newpos));
	out = malloc(out_cnt * sizeof(*out));
	if (!newpos || !out)
		goto done;
	/* Where each old slot goes; a site's slot maps to its first insn. */
	for (size_t pc = 0, k = 0, pos = 0; pc <= cnt; pc++) {
		newpos[pc] = pos;
		pos += (k < (size_t)nsites && sites[k].pc == pc) ? sites[k++].n : 1;
	}
	for (size_t pc = 0, k = 0; pc < cnt; pc++) {
		if (k < (size_t)nsites && sites[k].pc == pc) {
			memcpy(&out[newpos[pc]], sites[k].code, sites[k].n * sizeof(*out));
			k++;
			continue;
		}
		struct bpfrt_insn insn = in[pc];
		int64_t t = (pc == 0 || !BPFRT_INSN_IS_LDDW(&in[pc - 1])) ? target_of(&insn, pc) : -1;

		if (t >= 0 && (uint64_t)t <= cnt) {
			int64_t d = (int64_t)newpos[t] - (int64_t)newpos[pc] - 1;
			const struct isa_form *f = isa_form_of(&insn);
			bool wide = f->op == ISA_OP_LDDW_FUNC || f->syntax == ISA_SYN_JA32 ||
				    f->syntax == ISA_SYN_CALL_LOCAL;

			if (wide)
				insn.imm = (int32_t)d;
			else if (d < INT16_MIN || d > INT16_MAX) {
				err = 0; /* does not fit: keep the program as it was */
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
	if (env->slot_map) {
		*env->slot_map = newpos;
		newpos = NULL;
	}
	err = 0;
done:
	free(out);
	free(newpos);
	free(sites);
	return err;
}
