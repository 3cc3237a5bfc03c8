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
#include "fixups/patch.h"
#include "isa/opcodes.h"

#define MAX_INLINE 16 /* instructions one site may become */
#define HELPER_MAP_LOOKUP_ELEM 1

struct site {
	size_t pc;
	size_t n;
	struct bpfrt_insn code[MAX_INLINE];
};

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
		int64_t t = fixups_target_of(&in[pc], pc);

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
	struct site *sites = NULL;
	struct fixup_site *fs = NULL;
	long nsites;
	int err = -ENOMEM;

	if (!env || !env->gen_lookup || !*insn_cnt)
		return 0;
	nsites = find_sites(*insns, *insn_cnt, env, &sites);
	if (nsites <= 0) {
		free(sites);
		return (int)nsites;
	}
	fs = malloc((size_t)nsites * sizeof(*fs));
	if (fs) {
		for (long i = 0; i < nsites; i++)
			fs[i] = (struct fixup_site){ sites[i].pc, sites[i].n, sites[i].code };
		err = fixups_patch(insns, insn_cnt, fs, (size_t)nsites, env->slot_map);
		if (err > 0)
			err = 0; /* a jump would not fit: nothing inlined */
	}
	free(fs);
	free(sites);
	return err;
}
