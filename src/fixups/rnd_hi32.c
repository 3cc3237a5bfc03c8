/* SPDX-License-Identifier: MIT */
/*
 * Junk in the upper halves (the kernel's BPF_F_TEST_RND_HI32,
 * opt_subreg_zext_lo32_rnd_hi32): after every 32-bit definition the
 * verifier did not mark FACT_ZEXT, the destination's upper half gets a
 * random value. If the verifier's zero-extension facts are right, no
 * instruction reads those halves and the program computes what it did
 * without. A test mode: engines zero-extend every 32-bit definition for
 * free, so nothing else needs the facts yet.
 *
 * The kernel builds the junk in BPF_REG_AX; bpfrt's interpreter has no
 * scratch register (r11 carries stack arguments), so the junk is made in
 * the destination itself, whose upper half is zero right after the def:
 *
 *	bswap64 rD        the low half moves up (byte-reversed), low = 0
 *	or rD, K          0 < K < 2^31: the low half becomes K
 *	bswap64 rD        low = the original low half, upper = bswap32(K)
 */
#include <errno.h>
#include <stdlib.h>

#include "fixups/fixups.h"
#include "fixups/patch.h"
#include "verifier/facts.h"

#define SITE_LEN 4

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

int fixups_rnd_hi32(struct bpfrt_insn **insns, size_t *cnt, const struct verifier_facts *facts,
		    uint64_t seed, size_t **slot_map, size_t *junked)
{
	const struct bpfrt_insn *in = *insns;
	struct bpfrt_insn *code = NULL;
	struct fixup_site *sites = NULL;
	size_t n = 0;
	uint64_t s = seed ? seed : 1;
	int err = -ENOMEM;

	if (junked)
		*junked = 0;
	if (!facts)
		return 0;
	if (facts->insn_cnt != *cnt)
		return -EINVAL;
	code = malloc(*cnt * SITE_LEN * sizeof(*code) + 1);
	sites = malloc(*cnt * sizeof(*sites) + 1);
	if (!code || !sites)
		goto out;
	for (size_t i = 0; i < *cnt; i++) {
		/* from the instruction as it is now: a context load the
		 * fixups widened to 64 bits is no 32-bit def any more */
		int r = fact_def32_reg(&in[i]);
		struct bpfrt_insn *c = &code[n * SITE_LEN];
		uint32_t k = ((uint32_t)next_rand(&s) & 0x7f7f7f7fu) | 0x01010101u;

		if (BPFRT_INSN_IS_LDDW(&in[i])) {
			i++;
			continue;
		}
		if (r < 0 || r > BPFRT_REG_9 || (facts->insn[i].flags & FACT_ZEXT))
			continue;
		c[0] = in[i];
		c[1] = (struct bpfrt_insn){ .code = BPFRT_ALU64 | BPFRT_END, .dst_reg = (uint8_t)r,
					    .imm = 64 };
		c[2] = (struct bpfrt_insn){ .code = BPFRT_ALU64 | BPFRT_OR | BPFRT_K,
					    .dst_reg = (uint8_t)r, .imm = (int32_t)k };
		c[3] = c[1];
		sites[n++] = (struct fixup_site){ i, SITE_LEN, c };
	}
	err = fixups_patch(insns, cnt, sites, n, slot_map);
	if (err > 0)
		err = -E2BIG;
	if (!err && junked)
		*junked = n;
out:
	free(code);
	free(sites);
	return err;
}
