/* SPDX-License-Identifier: MIT */
/* Inside the fixups stage: replacing instructions by sequences. */
#ifndef BPFRT_FIXUPS_PATCH_H
#define BPFRT_FIXUPS_PATCH_H

#include <stddef.h>
#include <stdint.h>

#include "bpfrt/insn.h"

/* The instruction at `pc` becomes the `n` instructions at `code`. */
struct fixup_site {
	size_t pc;
	size_t n;
	const struct bpfrt_insn *code;
};

/* The branch target of insn `pc` (jumps, local calls, callback
 * references), or -1 when it has none. */
int64_t fixups_target_of(const struct bpfrt_insn *insn, size_t pc);

/* Replaces each site's instruction (sites sorted by pc, distinct, none the
 * second slot of an ld_imm64 or a jump) with its code; jumps, local calls
 * and callback references are retargeted, a jump to a site lands on its
 * first instruction. *insns (malloc'ed) is replaced and *cnt grows.
 * slot_map (may be NULL) receives where each old slot went (cnt + 1
 * entries); when it already holds a map from an earlier rewrite of the
 * program, the two are composed. 0; 1 when a jump offset would no longer
 * fit 16 bits (nothing changed); -ENOMEM. */
int fixups_patch(struct bpfrt_insn **insns, size_t *cnt, const struct fixup_site *sites,
		 size_t nsites, size_t **slot_map);

#endif /* BPFRT_FIXUPS_PATCH_H */
