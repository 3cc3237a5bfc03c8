/* Register liveness (src/isa/liveness.c): what is live after each
 * instruction of small assembled programs, in both modes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpfrt/asm.h"
#include "isa/liveness.h"

#define B(r) (1u << (r))
#define FP B(10)

struct live {
	struct bpfrt_insn *insns;
	size_t cnt;
	uint16_t in[64], out[64];
};

/* Assembles `text` and computes liveness (main function: the first
 * `main_len` slots, all of them when 0). */
static void analyse(struct live *l, const char *text, enum isa_live_mode mode, size_t main_len)
{
	assert_int_equal(bpfrt_asm(text, NULL, &l->insns, &l->cnt), 0);
	assert_true(l->cnt <= 64);
	assert_int_equal(isa_reg_liveness(l->insns, l->cnt, mode, main_len ? main_len : l->cnt,
					  l->in, l->out),
			 0);
	free(l->insns);
}

static void dead_values_are_not_live(void **state)
{
	(void)state;
	struct live l;
	analyse(&l, "mov %r1, 1\n"
		    "mov %r2, 2\n" /* never read */
		    "mov %r0, %r1\n"
		    "exit\n",
		ISA_LIVE_VERIFIED, 0);
	assert_int_equal(l.out[0], B(1) | FP);
	assert_int_equal(l.out[1], B(1) | FP);
	assert_int_equal(l.out[2], B(0) | FP);
	assert_int_equal(l.in[0], FP);
	assert_int_equal(l.out[3], FP); /* nothing after the main exit */
}

static void a_loop_keeps_its_carried_register_live(void **state)
{
	(void)state;
	struct live l;
	analyse(&l, "mov %r0, 0\n"
		    "mov %r1, 10\n"
		    "loop:\n"
		    "add %r0, %r1\n"
		    "mov %r3, %r1\n" /* dead: overwritten before any read */
		    "mov %r3, 0\n"
		    "sub %r1, 1\n"
		    "jne %r1, 0, loop\n"
		    "exit\n",
		ISA_LIVE_VERIFIED, 0);
	/* after the branch r0 (exit) and r1 (the next turn) are read */
	assert_int_equal(l.out[6], B(0) | B(1) | FP);
	assert_int_equal(l.out[3], B(0) | B(1) | FP);
	assert_false(l.out[3] & B(3));
	assert_int_equal(l.in[2], B(0) | B(1) | FP);
}

static void calls_read_arguments_and_clobber_them(void **state)
{
	(void)state;
	struct live l;
	analyse(&l, "mov %r6, 7\n"
		    "mov %r1, 1\n"
		    "mov %r2, 2\n"
		    "call 5\n"
		    "add %r0, %r6\n"
		    "exit\n",
		ISA_LIVE_VERIFIED, 0);
	assert_int_equal(l.in[3], ISA_REGS_ARGS | B(6) | FP);
	assert_int_equal(l.out[3], B(0) | B(6) | FP);
	/* r1-r5 written by nobody after the call are dead there */
	assert_int_equal(l.out[4], B(0) | FP);
}

static const char subprog_text[] = "mov %r6, 1\n"
				   "mov %r3, 3\n"
				   "call local sub\n"
				   "add %r0, %r3\n"
				   "exit\n"
				   "sub:\n"
				   "mov %r0, 2\n"
				   "exit\n";

static void unverified_callees_may_read_and_leave_any_register(void **state)
{
	(void)state;
	struct live v, a;
	analyse(&v, subprog_text, ISA_LIVE_VERIFIED, 5);
	analyse(&a, subprog_text, ISA_LIVE_ANY, 5);
	/* verified: the callee sees r1-r5 only, r6 is never read */
	assert_int_equal(v.in[2], ISA_REGS_ARGS | FP);
	assert_false(v.out[0] & B(6));
	/* anything: the callee may read r6, and the caller r3 after it */
	assert_int_equal(a.in[2], ISA_REGS_ALL);
	assert_true(a.out[0] & B(6));
	assert_int_equal(a.in[6], B(0) | ISA_REGS_ARGS | FP); /* a subprogram's exit */
	assert_int_equal(v.in[6], B(0) | FP);
}

static void legacy_packet_loads_read_the_context_register(void **state)
{
	(void)state;
	struct live l;
	analyse(&l, "mov %r6, %r1\n"
		    "ldabsb 12\n"
		    "exit\n",
		ISA_LIVE_VERIFIED, 0);
	assert_int_equal(l.out[0], B(6) | FP);
	assert_int_equal(l.out[1], B(0) | FP);
}

static void odd_slots_and_wild_jumps_keep_everything_live(void **state)
{
	(void)state;
	struct live l;
	analyse(&l, "lddw %r1, 0x100000000\n"
		    "mov %r0, %r1\n"
		    "exit\n",
		ISA_LIVE_VERIFIED, 0);
	assert_int_equal(l.out[0], B(1) | FP);
	assert_int_equal(l.out[1], ISA_REGS_ALL); /* second slot */
	assert_int_equal(l.in[1], ISA_REGS_ALL);

	struct bpfrt_insn far[2] = {
		{ .code = BPFRT_JMP | BPFRT_JA, .off = 100 }, /* leaves the program */
		{ .code = BPFRT_JMP | BPFRT_EXIT },
	};
	uint16_t in[2], out[2];
	assert_int_equal(isa_reg_liveness(far, 2, ISA_LIVE_VERIFIED, 2, in, out), 0);
	assert_int_equal(out[0], ISA_REGS_ALL);
}

/* A long chain of nested loops converges, and to the same sets as the
 * short form of the same shape. */
static void many_back_edges_converge(void **state)
{
	(void)state;
	enum { N = 20000 };
	struct bpfrt_insn *p = calloc(N + 2, sizeof(*p));
	assert_non_null(p);
	p[0] = (struct bpfrt_insn){ .code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, .dst_reg = 0 };
	/* insn i (odd) reads r(i%9+1) and jumps back to 0; even ones write r0 */
	for (int i = 1; i < N; i++)
		p[i] = i & 1 ? (struct bpfrt_insn){ .code = BPFRT_JMP | BPFRT_JEQ | BPFRT_K,
						    .dst_reg = (uint8_t)(i % 9 + 1),
						    .off = (int16_t)(-i - 1 < -32768 ? -1 : -i - 1) }
			     : (struct bpfrt_insn){ .code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_K,
						    .imm = i };
	p[N] = (struct bpfrt_insn){ .code = BPFRT_JMP | BPFRT_EXIT };
	uint16_t *out = calloc(N + 1, sizeof(*out));
	assert_non_null(out);
	assert_int_equal(isa_reg_liveness(p, N + 1, ISA_LIVE_VERIFIED, N + 1, NULL, out), 0);
	/* every register some compare reads is live after the first insn */
	for (int r = 1; r <= 9; r++)
		assert_true(out[0] & B(r));
	/* the last compare: the exit and the way back to the top follow */
	assert_int_equal(out[N - 1], out[0] | B(0));
	free(out);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dead_values_are_not_live),
		cmocka_unit_test(a_loop_keeps_its_carried_register_live),
		cmocka_unit_test(calls_read_arguments_and_clobber_them),
		cmocka_unit_test(unverified_callees_may_read_and_leave_any_register),
		cmocka_unit_test(legacy_packet_loads_read_the_context_register),
		cmocka_unit_test(odd_slots_and_wild_jumps_keep_everything_live),
		cmocka_unit_test(many_back_edges_converge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
