/* SPDX-License-Identifier: MIT */
/* fixups_dead_branches: conditional jumps the verifier saw go one way only
 * become `ja` that way (from the verifier's facts); jumps that went both
 * ways, unreached ones and everything else stay as they were. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpfrt/asm.h"
#include "bpfrt/verifier.h"
#include "fixups/fixups.h"
#include "verifier/facts.h"
#include "verify_text.h"

#define JA BPFRT_JMP | BPFRT_JA

/* Assembles and verifies `text` (r1: 8 bytes of context); the facts. */
static void one_way_jumps_are_wired(void **state)
{
	(void)state;
	struct bpfrt_insn *p;
	size_t cnt, wired = 99;
	struct verifier_facts *f = verify_text("ldxdw %r0, [%r1]\n" /* 0: unknown */
					  "mov %r2, 5\n"
					  "jgt %r2, 3, +1\n"	  /* 2: always taken */
					  "mov %r0, 7\n"	  /* 3: dead */
					  "jeq %r2, 4, +1\n"	  /* 4: never taken */
					  "add %r0, 1\n"
					  "jgt %r0, 9, +1\n"	  /* 6: both ways */
					  "mov %r0, 9\n"
					  "jlt %r0, 0, +1\n"	  /* 8: never (unsigned) */
					  "exit\n"
					  "exit\n",
					  8, &p, &cnt);
	struct bpfrt_insn orig[16];
	memcpy(orig, p, cnt * sizeof(*p));

	assert_int_equal(fixups_dead_branches(p, cnt, f, &wired), 0);
	assert_int_equal(wired, 3);
	assert_int_equal(p[2].code, JA);
	assert_int_equal(p[2].off, 1);
	assert_int_equal(p[2].dst_reg | p[2].src_reg | p[2].imm, 0);
	assert_int_equal(p[4].code, JA);
	assert_int_equal(p[4].off, 0);
	assert_int_equal(p[8].code, JA);
	assert_int_equal(p[8].off, 0);
	/* the rest unchanged: the two-way jump, the dead insn, the others */
	for (size_t i = 0; i < cnt; i++)
		if (i != 2 && i != 4 && i != 8)
			assert_memory_equal(&p[i], &orig[i], sizeof(*p));
	verifier_facts_free(f);
	free(p);
}

static void unreached_jumps_and_other_programs(void **state)
{
	(void)state;
	struct bpfrt_insn *p;
	size_t cnt, wired = 99;
	/* the jump at 3 is never reached (default mode accepts dead code) */
	struct verifier_facts *f = verify_text("mov %r0, 0\n"
					  "ja +2\n"
					  "mov %r1, 1\n"
					  "jeq %r1, 1, +0\n"
					  "exit\n",
					  8, &p, &cnt);
	assert_int_equal(fixups_dead_branches(p, cnt, f, &wired), 0);
	assert_int_equal(wired, 0);
	assert_int_equal(p[3].code, BPFRT_JMP | BPFRT_JEQ | BPFRT_K);
	/* facts of another program (another length); no facts: nothing */
	assert_int_equal(fixups_dead_branches(p, cnt - 1, f, &wired), -EINVAL);
	assert_int_equal(fixups_dead_branches(p, cnt, NULL, &wired), 0);
	assert_int_equal(wired, 0);
	verifier_facts_free(f);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_way_jumps_are_wired),
		cmocka_unit_test(unreached_jumps_and_other_programs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
