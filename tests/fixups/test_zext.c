/* SPDX-License-Identifier: MIT */
/* FACT_ZEXT (src/verifier/zext.c): a 32-bit definition is marked exactly
 * when some later use reads the register's upper half as 64 bits before
 * it is written again: 64-bit ALU and jumps, 8-byte stores (spills),
 * helper and callee arguments, r0 at exit; not 32-bit ALU, JMP32, narrow
 * stores, nor a 64-bit overwrite. */
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
#include "verifier/facts.h"
#include "verify_text.h"

/* Verifies `text` (r1: 16 bytes of context) and returns the ZEXT bit of
 * every instruction as a string of '1' (marked), '0' (a 32-bit def not
 * marked) and '.' (not a 32-bit def). */
static void marks(const char *text, char *out)
{
	struct bpfrt_insn *p;
	size_t cnt;
	struct verifier_facts *f = verify_text(text, 16, &p, &cnt);
	for (size_t i = 0; i < cnt; i++) {
		bool def32 = fact_def32_reg(&p[i]) >= 0 && !(i && BPFRT_INSN_IS_LDDW(&p[i - 1]));
		out[i] = !def32 ? '.' : (f->insn[i].flags & FACT_ZEXT) ? '1' : '0';
		if (!def32 && (f->insn[i].flags & FACT_ZEXT))
			fail_msg("insn %zu: FACT_ZEXT on an instruction that is no 32-bit def", i);
	}
	out[cnt] = 0;
	verifier_facts_free(f);
	free(p);
}

#define EXPECT(want, text)                                                                        \
	do {                                                                                      \
		char got_[64];                                                                    \
		marks(text, got_);                                                                \
		assert_string_equal(got_, want);                                                  \
	} while (0)

static void alu_uses(void **state)
{
	(void)state;
	/* w1 = w2; r0 = r1: the 64-bit move reads the upper half */
	EXPECT(".1..", "ldxdw %r2, [%r1]\nmov32 %r1, %r2\nmov %r0, %r1\nexit\n");
	/* w1 = w2; w0 = w1: only the low half is read; w0 reaches exit */
	EXPECT(".01.", "ldxdw %r2, [%r1]\nmov32 %r1, %r2\nmov32 %r0, %r1\nexit\n");
	/* 32-bit arithmetic and shifts read 32 bits; a 64-bit add reads 64 */
	EXPECT(".000..", "ldxdw %r2, [%r1]\nmov32 %r3, %r2\nadd32 %r3, 7\nlsh32 %r3, 2\n"
			 "mov %r0, 0\nexit\n");
	EXPECT(".1...", "ldxdw %r2, [%r1]\nadd32 %r2, 1\nadd %r2, 1\nmov %r0, 0\nexit\n");
	/* overwritten by a 64-bit def before any read: not needed */
	EXPECT(".0...", "ldxdw %r2, [%r1]\nmov32 %r3, %r2\nmov %r3, 5\nmov %r0, %r3\nexit\n");
	/* bswap16/32 (ALU64) are 32-bit defs that read 32 bits; le64 reads 64 */
	EXPECT(".01..", "ldxdw %r2, [%r1]\nmov32 %r3, %r2\nbswap16 %r3\nmov %r0, %r3\nexit\n");
	EXPECT(".1...", "ldxdw %r2, [%r1]\nmov32 %r3, %r2\nle64 %r3\nmov %r0, %r3\nexit\n");
}

static void loads_and_stores(void **state)
{
	(void)state;
	/* a narrow load into r0 that exit returns; ldxsw is a 64-bit def */
	EXPECT("1.", "ldxw %r0, [%r1]\nexit\n");
	EXPECT("01.", "ldxw %r3, [%r1]\nmov32 %r0, %r3\nexit\n");
	EXPECT("...", "ldxsw %r3, [%r1]\nmov %r0, %r3\nexit\n");
	/* a spill of 8 bytes reads all 64 bits (the fill gets them back) */
	EXPECT(".1...", "ldxdw %r2, [%r1]\nmov32 %r3, %r2\nstxdw [%r10-8], %r3\n"
			"ldxdw %r0, [%r10-8]\nexit\n");
	/* a 4-byte store reads the low half only */
	EXPECT(".0.1.", "ldxdw %r2, [%r1]\nmov32 %r3, %r2\nstxw [%r10-8], %r3\n"
			"ldxw %r0, [%r10-8]\nexit\n");
	/* a 32-bit def used as a memory base cannot happen (a scalar); as
	 * the index added to a pointer it is read as 64 bits */
	EXPECT("1..1.", "ldxw %r3, [%r1]\nand %r3, 7\nadd %r1, %r3\nldxb %r0, [%r1]\nexit\n");
}

static void jumps(void **state)
{
	(void)state;
	/* a 64-bit compare reads 64 bits, a 32-bit compare 32 */
	EXPECT(".1....", "ldxdw %r2, [%r1]\nmov32 %r3, %r2\njeq %r3, 0, +1\nmov %r0, 1\n"
			 "mov %r0, 0\nexit\n");
	EXPECT(".0....", "ldxdw %r2, [%r1]\nmov32 %r3, %r2\njeq32 %r3, 0, +1\nmov %r0, 1\n"
			 "mov %r0, 0\nexit\n");
	/* a loop: the def at the bottom is read as 64 bits at the top of the
	 * next iteration */
	EXPECT(".....1..", "mov %r0, 0\nmov %r2, 0\nmov %r3, 0\nadd %r2, 1\n"
			   "add %r0, %r3\nmov32 %r3, %r2\njlt %r2, 9, -4\nexit\n");
	/* one path reads it: marked */
	EXPECT(".1....", "ldxdw %r2, [%r1]\nmov32 %r3, %r2\njeq %r2, 0, +1\nmov %r3, 0\n"
			 "mov %r0, %r3\nexit\n");
}

static void calls(void **state)
{
	(void)state;
	/* a helper's arguments are read as 64 bits (get_current_comm's size
	 * in r2), the registers its prototype does not name are not (its r3;
	 * ktime_get_ns takes none) */
	EXPECT(".0..1...", "ldxdw %r4, [%r1]\nmov32 %r3, %r4\nmov %r1, %r10\nadd %r1, -16\n"
			   "mov32 %r2, 16\ncall 16\nmov %r0, 0\nexit\n");
	EXPECT(".0...", "ldxdw %r2, [%r1]\nmov32 %r1, %r2\ncall 5\nmov %r0, 0\nexit\n");
	/* callee-saved: a def of r6 before a call read after it */
	EXPECT(".1...", "ldxdw %r2, [%r1]\nmov32 %r6, %r2\ncall 5\nmov %r0, %r6\nexit\n");
	/* r0 written by a call: the def before it is not needed */
	EXPECT(".0..", "ldxdw %r2, [%r1]\nmov32 %r0, %r2\ncall 5\nexit\n");
	/* a callee reading its argument as 64 bits marks the caller's def */
	EXPECT(".1....", "ldxdw %r2, [%r1]\nmov32 %r1, %r2\ncall local f\nexit\n"
			 "f:\nmov %r0, %r1\nexit\n");
	/* a callee reading it as 32 bits does not; its own w0 reaches exit */
	EXPECT(".0..1.", "ldxdw %r2, [%r1]\nmov32 %r1, %r2\ncall local f\nexit\n"
			 "f:\nmov32 %r0, %r1\nexit\n");
	/* a callee spilling its argument (8 bytes) reads it as 64 bits */
	EXPECT(".1.....", "ldxdw %r2, [%r1]\nmov32 %r1, %r2\ncall local f\nexit\n"
			  "f:\nstxdw [%r10-8], %r1\nldxdw %r0, [%r10-8]\nexit\n");
	/* through two levels: g reads r1 as 64 bits */
	EXPECT(".1......", "ldxdw %r2, [%r1]\nmov32 %r1, %r2\ncall local f\nexit\n"
			  "f:\ncall local g\nexit\n"
			  "g:\nmov %r0, %r1\nexit\n");
}

static void atomics_and_zext_moves(void **state)
{
	(void)state;
	/* 32-bit fetch: the old value in src is a 32-bit def */
	EXPECT("..1..", "stdw [%r10-8], 0\nmov %r2, 1\nlock fetch add32 [%r10-8], %r2\n"
			"mov %r0, %r2\nexit\n");
	EXPECT("..0..", "stdw [%r10-8], 0\nmov %r2, 1\nlock fetch add32 [%r10-8], %r2\n"
			"mov %r0, 0\nexit\n");
	/* cmpxchg32 writes r0 as 32 bits; a non-fetching atomic defines nothing */
	EXPECT("...1.", "stdw [%r10-8], 0\nmov %r0, 0\nmov %r2, 1\nlock cmpxchg32 [%r10-8], %r2\n"
			"exit\n");
	EXPECT("...01.", "stdw [%r10-8], 0\nmov %r0, 0\nmov %r2, 1\nlock cmpxchg32 [%r10-8], %r2\n"
			 "mov32 %r0, 0\nexit\n");
	/* an 8-byte atomic reads its value as 64 bits, a 4-byte one as 32 */
	EXPECT("...1...", "stdw [%r10-8], 0\nldxdw %r3, [%r1]\nmov %r2, 1\nmov32 %r2, %r3\n"
			  "lock add [%r10-8], %r2\nmov %r0, 0\nexit\n");
	EXPECT("...0...", "stdw [%r10-8], 0\nldxdw %r3, [%r1]\nmov %r2, 1\nmov32 %r2, %r3\n"
			  "lock add32 [%r10-8], %r2\nmov %r0, 0\nexit\n");
	/* `w3 = w3` the verifier proved a no-op (the JIT elides it) passes
	 * the upper half of the load on: the load is marked */
	EXPECT("11..", "ldxw %r3, [%r1]\nmov32 %r3, %r3\nmov %r0, %r3\nexit\n");
	/* not proven (the upper half may be set): the move zero-extends */
	EXPECT(".01..", "ldxdw %r3, [%r1]\nmov32 %r2, %r3\nmov32 %r3, %r3\nmov %r0, %r3\nexit\n");
}

static void wrong_program(void **state)
{
	(void)state;
	struct verifier_facts f = { .insn_cnt = 3 };
	struct bpfrt_insn p[2] = { { .code = BPFRT_JMP | BPFRT_EXIT } };
	assert_int_equal(facts_mark_zext(p, 2, &f, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alu_uses),
		cmocka_unit_test(loads_and_stores),
		cmocka_unit_test(jumps),
		cmocka_unit_test(calls),
		cmocka_unit_test(atomics_and_zext_moves),
		cmocka_unit_test(wrong_program),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
