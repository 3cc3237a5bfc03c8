/* SPDX-License-Identifier: MIT */
/*
 * Liveness, precision and pruning, from the inside:
 *  - liveness: the registers and stack slots liveness.c finds live at each
 *    instruction of small programs (check_cfg on a bare environment);
 *  - precision: the level-2 log's mark_precise lines (precision.c walking a
 *    path back) say which registers and slots a check made precise;
 *  - a regression guard: instructions processed on fixed programs stay
 *    under bounds (about 1.25x what the walk takes today; the kernel's
 *    count is in the comment where bench-verifier measured it). Not timed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpfrt/asm.h"
#include "bpfrt/verifier.h"
#include "helpers/kfuncs.h"
#include "verifier/log.h"
#include "verifier/state.h"

static struct bpfrt_insn *assemble(const char *text, size_t *cnt)
{
	char alog[512] = "";
	struct bpfrt_asm_opts ao = { .sz = sizeof(ao), .filename = "test", .log_buf = alog,
				     .log_size = sizeof(alog) };
	struct bpfrt_insn *insns = NULL;
	if (bpfrt_asm(text, &ao, &insns, cnt))
		fail_msg("does not assemble: %s", alog);
	return insns;
}

/* ---- liveness ---- */

struct cfg {
	struct verifier_env env;
	struct verifier_log log;
	struct bpfrt_verify_opts opts;
	struct bpfrt_insn *insns;
};

static struct cfg *cfg_of(const char *text)
{
	struct cfg *c = calloc(1, sizeof(*c));
	size_t cnt;
	assert_non_null(c);
	c->insns = assemble(text, &cnt);
	c->opts.sz = sizeof(c->opts);
	c->env.insns = c->insns;
	c->env.insn_cnt = (uint32_t)cnt;
	c->env.opts = &c->opts;
	c->env.log = &c->log;
	c->env.aux = calloc(cnt, sizeof(*c->env.aux));
	c->env.facts = calloc(1, sizeof(*c->env.facts));
	assert_non_null(c->env.aux);
	assert_non_null(c->env.facts);
	c->env.facts->insn = calloc(cnt, sizeof(*c->env.facts->insn));
	c->env.facts->insn_cnt = cnt;
	assert_int_equal(check_cfg(&c->env), 0);
	return c;
}

static void cfg_free(struct cfg *c)
{
	free(c->env.aux);
	free(c->env.facts->insn);
	free(c->env.facts);
	free(c->insns);
	free(c);
}

#define SLOT(off) (1ULL << ((-(off) - 1) / 8)) /* the slot of fp+off */

static void registers_live_until_overwritten(void **state)
{
	(void)state;
	struct cfg *c = cfg_of("mov %r6, 1\n"	   /* 0 */
			       "mov %r7, 2\n"	   /* 1 */
			       "jeq %r6, 0, +1\n"  /* 2 */
			       "mov %r7, 3\n"	   /* 3 */
			       "mov %r0, %r7\n"	   /* 4 */
			       "exit\n");	   /* 5 */
	const struct insn_aux *a = c->env.aux;
	uint16_t r6 = 1u << 6, r7 = 1u << 7;
	assert_true(a[2].live_in & r6);	 /* the jump reads it */
	assert_false(a[3].live_in & r6); /* not read after the jump */
	assert_true(a[2].live_in & r7);	 /* read at 4 when the jump is taken */
	assert_false(a[3].live_in & r7); /* overwritten by 3 */
	assert_false(a[0].live_in & r7);
	assert_true(a[5].live_in & 1u);	 /* exit reads r0 */
	cfg_free(c);
}

/* A helper or kfunc reads its prototype's arguments only (the kernel's
 * compute_live_registers): r1-r5 beyond them are dead before the call,
 * so a value left there does not keep two states apart. A local call's
 * callee may read all five. */
static void calls_read_their_arguments(void **state)
{
	(void)state;
	struct cfg *c = cfg_of("mov %r1, 1\nmov %r2, 2\nmov %r3, 3\nmov %r4, 4\nmov %r5, 5\n"
			       "call kfunc 1\n" /* 5 */
			       "mov %r1, 1\nmov %r2, 2\nmov %r3, 3\ncall 1\n" /* 9: map_lookup_elem */
			       "mov %r1, 1\nmov %r2, 2\ncall 7\n" /* 12: get_prandom_u32 */
			       "mov %r1, 1\nmov %r4, 4\ncall local f\nexit\n" /* 15 */
			       "f:\nmov %r0, %r4\nexit\n");
	const struct kfunc_proto *k = kfunc_get(1);
	assert_non_null(k);
	uint16_t kargs = 0;
	for (int i = 0; i < 5 && k->args[i] != HELPER_ARG_NONE; i++)
		kargs |= (uint16_t)(2u << i);
	assert_int_equal(c->env.aux[5].live_in & 0x3e, kargs);
	assert_int_equal(c->env.aux[9].live_in & 0x3e, 0x06);
	assert_int_equal(c->env.aux[12].live_in & 0x3f, 0);
	assert_int_equal(c->env.aux[15].live_in & 0x3e, 0x3e);
	assert_false(c->env.aux[6].live_in & 1u); /* r0: set by the call */
	cfg_free(c);
}

static void slots_live_until_overwritten(void **state)
{
	(void)state;
	struct cfg *c = cfg_of("stdw [%r10-8], 1\n"    /* 0 */
			       "stdw [%r10-16], 2\n"   /* 1 */
			       "ldxdw %r0, [%r10-8]\n" /* 2 */
			       "stdw [%r10-8], 3\n"    /* 3 */
			       "ldxw %r1, [%r10-12]\n" /* 4: reads slot -16's upper half */
			       "exit\n");	       /* 5 */
	const struct insn_aux *a = c->env.aux;
	assert_false(a[0].live_stack & SLOT(-8)); /* written at 0 */
	assert_true(a[1].live_stack & SLOT(-8));
	assert_true(a[2].live_stack & SLOT(-8));
	assert_false(a[3].live_stack & SLOT(-8)); /* overwritten at 3 */
	assert_false(a[1].live_stack & SLOT(-16));
	assert_true(a[2].live_stack & SLOT(-16)); /* read at 4 */
	assert_true(a[4].live_stack & SLOT(-16));
	assert_int_equal(a[5].live_stack, 0);
	cfg_free(c);
}

static void slots_read_through_pointers(void **state)
{
	(void)state;
	struct cfg *c = cfg_of("stdw [%r10-24], 1\n"	 /* 0 */
			       "mov %r1, %r10\n"	 /* 1 */
			       "add %r1, -16\n"		 /* 2 */
			       "ldxdw %r0, [%r1-8]\n"	 /* 3: slot -24 */
			       "stxdw [%r10-32], %r1\n"	 /* 4: a pointer spilled */
			       "ldxdw %r2, [%r10-32]\n"	 /* 5 */
			       "ldxdw %r0, [%r2]\n"	 /* 6: somewhere */
			       "mov %r1, %r10\n"	 /* 7 */
			       "add %r1, -40\n"		 /* 8 */
			       "call 6\n"		 /* 9: a call given a stack pointer */
			       "mov %r0, 0\n"		 /* 10 */
			       "call 7\n"		 /* 11: a call given none */
			       "exit\n");
	const struct insn_aux *a = c->env.aux;
	assert_true(a[1].live_stack & SLOT(-24));
	assert_true(a[3].live_stack & SLOT(-24));
	assert_int_equal(a[6].live_stack, ~0ULL); /* through a filled pointer: all */
	assert_int_equal(a[9].live_stack, ~0ULL);
	assert_true(a[9].call_stack_arg);
	assert_false(a[11].call_stack_arg);
	assert_int_equal(a[10].live_stack, 0);
	cfg_free(c);
}

/* A helper that only writes the memory it is given (the kernel's MEM_UNINIT
 * arguments: bpf_probe_read_kernel's destination) reads no slot; one whose
 * argument is not used at all (get_prandom_u32) neither; a helper's result
 * does not point into the frame. */
static void helpers_and_the_frame(void **state)
{
	(void)state;
	struct cfg *c = cfg_of("stdw [%r10-8], 1\n"	 /* 0 */
			       "mov %r1, %r10\n"	 /* 1 */
			       "add %r1, -16\n"		 /* 2 */
			       "mov %r2, 8\n"		 /* 3 */
			       "mov %r3, 0\n"		 /* 4 */
			       "call 113\n"		 /* 5: probe_read_kernel into fp-16 */
			       "call 7\n"		 /* 6: r1 still a stack pointer */
			       "ldxdw %r0, [%r10-16]\n" /* 7 */
			       "ldxdw %r1, [%r0+0]\n"	 /* 8: not a stack pointer */
			       "stdw [%r10-8], 2\n"	 /* 9 */
			       "ldxdw %r0, [%r10-8]\n"	 /* 10 */
			       "exit\n");
	const struct insn_aux *a = c->env.aux;
	assert_int_equal(a[5].live_stack, SLOT(-16));
	assert_int_equal(a[6].live_stack, SLOT(-16));
	assert_int_equal(a[8].live_stack, 0); /* fp-8 is overwritten at 9 */
	assert_false(a[1].live_stack & SLOT(-8));
	cfg_free(c);
	/* a helper's result is never a frame pointer, even when the helper
	 * was handed one (a map key): a later helper given it reads no slot */
	c = cfg_of("stdw [%r10-8], 1\n"	 /* 0 */
		   "mov %r2, %r10\n"	 /* 1 */
		   "add %r2, -8\n"	 /* 2 */
		   "call 1\n"		 /* 3: map_lookup_elem reads the key */
		   "mov %r4, %r0\n"	 /* 4 */
		   "call 25\n"		 /* 5: perf_event_output of r4 */
		   "stdw [%r10-8], 2\n"	 /* 6 */
		   "ldxdw %r0, [%r10-8]\n" /* 7 */
		   "exit\n");
	a = c->env.aux;
	assert_int_equal(a[3].live_stack, ~0ULL);
	assert_int_equal(a[5].live_stack, 0);
	cfg_free(c);
}

static void escaped_frame_pointer_makes_loads_pointers(void **state)
{
	(void)state;
	/* the frame pointer stored through a pointer from elsewhere (here the
	 * context): an 8-byte load may bring it back */
	struct cfg *c = cfg_of("stdw [%r10-8], 1\n"    /* 0 */
			       "stxdw [%r1], %r10\n"   /* 1 */
			       "ldxdw %r2, [%r1]\n"    /* 2 */
			       "ldxdw %r0, [%r2-8]\n"  /* 3 */
			       "exit\n");
	assert_int_equal(c->env.aux[3].live_stack, ~0ULL);
	assert_true(c->env.aux[1].live_stack & SLOT(-8));
	cfg_free(c);
}

/* ---- precision ---- */

static char logbuf[1 << 20];

static int verify(const char *text, uint32_t level, bool kernel_compat, struct bpfrt_verify_stats *st,
		  const struct bpfrt_verify_map *maps, size_t nmaps)
{
	size_t cnt;
	struct bpfrt_insn *insns = assemble(text, &cnt);
	struct bpfrt_verify_opts o = { .sz = sizeof(o), .log_level = level, .log_buf = logbuf,
				       .log_size = sizeof(logbuf), .stats = st, .ctx_size = 64,
				       .kernel_compat = kernel_compat, .gpl = true,
				       .maps = maps, .map_cnt = nmaps };
	int err = bpfrt_verify(insns, cnt, &o);
	free(insns);
	return err;
}

static int verify_xdp(const char *text, bool kernel_compat, struct bpfrt_verify_stats *st)
{
	size_t cnt;
	struct bpfrt_insn *insns = assemble(text, &cnt);
	struct bpfrt_verify_opts o = { .sz = sizeof(o), .log_buf = logbuf, .log_size = sizeof(logbuf),
				       .stats = st, .attach = BPFRT_ATTACH_XDP,
				       .kernel_compat = kernel_compat, .gpl = true };
	int err = bpfrt_verify(insns, cnt, &o);
	free(insns);
	return err;
}

/* A counted loop: accepted in default mode by the widening walk in at most
 * `max` insns; in kernel_compat walked in [lo, hi] insns (hi 0: rejected,
 * the budget). */
static void widened_and_walked(const char *text, bool xdp, uint64_t max, uint64_t lo, uint64_t hi)
{
	struct bpfrt_verify_stats st = { .sz = sizeof(st) };
	for (int compat = 0; compat < 2; compat++) {
		int err = xdp ? verify_xdp(text, compat, &st) : verify(text, 0, compat, &st, NULL, 0);
		if (compat && !hi) {
			assert_int_not_equal(err, 0);
			continue;
		}
		assert_int_equal(err, 0);
		assert_in_range(st.insns_processed, compat ? lo : 1, compat ? hi : max);
		assert_true(st.widened == !compat);
	}
}

static const struct bpfrt_verify_map array8 = { .type = 2, .key_size = 4, .value_size = 8,
						.max_entries = 1 };

#define LOOKUP                                                                             \
	"mov %r1, 0\nstxw [%r10-4], %r1\nlddw %r1, map[idx:0]\nmov %r2, %r10\nadd %r2, -4\n" \
	"call 1\njeq %r0, 0, out\n"

static void pointer_arithmetic_marks_the_chain(void **state)
{
	(void)state;
	struct bpfrt_verify_stats st = { .sz = sizeof(st) };
	/* r7 = r8 + r9 + 1, spilled and filled, then moves a map value pointer:
	 * the walk back names r7, the slot, r8 and r9, and stops at the movs */
	int err = verify("mov %r8, 2\n"			/* 0 */
			 "mov %r9, 3\n"			/* 1 */
			 "mov %r7, %r8\n"		/* 2 */
			 "add %r7, %r9\n"		/* 3 */
			 "add %r7, 1\n"			/* 4 */
			 "stxdw [%r10-16], %r7\n"	/* 5 */
			 "mov %r7, 0\n"			/* 6 */
			 LOOKUP				/* 7..14 */
			 "ldxdw %r1, [%r10-16]\n"	/* 15 */
			 "add %r0, %r1\n"		/* 16 */
			 "ldxb %r0, [%r0]\n"
			 "out:\nmov %r0, 0\nexit\n",
			 2, false, &st, &array8, 1);
	assert_int_equal(err, 0);
	assert_non_null(strstr(logbuf, "mark_precise: frame0: regs=r1 stack= before 15\n"));
	assert_non_null(strstr(logbuf, "mark_precise: frame0: regs= stack=-16 before 6\n"));
	assert_non_null(strstr(logbuf, "mark_precise: frame0: regs=r7 stack= before 4\n"));
	assert_non_null(strstr(logbuf, "mark_precise: frame0: regs=r7,r9 stack= before 2\n"));
	assert_non_null(strstr(logbuf, "mark_precise: frame0: regs=r8,r9 stack= before 1\n"));
	/* r9 = 3 ended r9's chain at 1, r8 = 2 r8's at 0 */
	assert_non_null(strstr(logbuf, "mark_precise: frame0: regs=r8 stack= before 0\n"));
}

static void an_unused_value_is_not_marked(void **state)
{
	(void)state;
	struct bpfrt_verify_stats st = { .sz = sizeof(st) };
	int err = verify("mov %r7, 5\nmov %r8, 6\n" LOOKUP
			 "stxdw [%r0], %r7\nout:\nmov %r0, 0\nexit\n",
			 2, false, &st, &array8, 1);
	assert_int_equal(err, 0);
	/* r1 = 0 stored as the key is (its bytes are known zero), r7 not */
	assert_non_null(strstr(logbuf, "mark_precise: frame0: regs=r1 stack= before"));
	assert_null(strstr(logbuf, "regs=r7"));
	assert_null(strstr(logbuf, "regs=r8"));
}

static void decided_branch_marks_its_operands(void **state)
{
	(void)state;
	struct bpfrt_verify_stats st = { .sz = sizeof(st) };
	int err = verify("mov %r6, 1\n"		/* 0 */
			 "mov %r7, 9\n"		/* 1 */
			 "jgt %r6, %r7, +1\n"	/* 2 */
			 "mov %r0, 0\nexit\n",
			 2, false, &st, NULL, 0);
	assert_int_equal(err, 0);
	assert_non_null(strstr(logbuf, "mark_precise: frame0: regs=r6 stack= before 1"));
	assert_non_null(strstr(logbuf, "mark_precise: frame0: regs=r7 stack= before 1"));
}

static void precision_crosses_calls(void **state)
{
	(void)state;
	struct bpfrt_verify_stats st = { .sz = sizeof(st) };
	/* the callee's r0 comes from its r1, the caller's r7 */
	int err = verify("mov %r7, 4\n"		/* 0 */
			 "mov %r1, %r7\n"	/* 1 */
			 "call local f\n"	/* 2 */
			 "mov %r6, %r0\n"	/* 3 */
			 LOOKUP			/* 4.. */
			 "add %r0, %r6\nldxb %r0, [%r0]\n"
			 "out:\nmov %r0, 0\nexit\n"
			 "f:\nmov %r0, %r1\nexit\n",
			 2, false, &st, &array8, 1);
	assert_int_equal(err, 0);
	/* back over the return into the callee, out of it through the call */
	assert_non_null(strstr(logbuf, "mark_precise: frame1: regs=r0 stack= before 17\n"));
	assert_non_null(strstr(logbuf, "mark_precise: frame1: regs=r0 stack= before 16\n"));
	assert_non_null(strstr(logbuf, "mark_precise: frame0: regs=r1 stack= before 2\n"));
	assert_non_null(strstr(logbuf, "mark_precise: frame0: regs=r7 stack= before 0\n"));
}

/* ---- how much the walk takes ---- */

static char *gen_diamonds(int n)
{
	size_t cap = 256 + (size_t)n * 128, len = 0;
	char *s = malloc(cap);
	assert_non_null(s);
	len += (size_t)snprintf(s + len, cap - len, "call 7\nmov %%r6, %%r0\nmov %%r7, 0\n");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len,
					"mov %%r1, %%r6\nand %%r1, %d\njeq %%r1, 0, a%d\nadd %%r7, 1\n"
					"ja b%d\na%d:\nadd %%r7, 2\nb%d:\n",
					1 << (i % 31), i, i, i, i);
	snprintf(s + len, cap - len, "mov %%r0, %%r7\nexit\n");
	return s;
}

static void processed_counts_stay_bounded(void **state)
{
	(void)state;
	struct bpfrt_verify_stats st = { .sz = sizeof(st) };
	char *d = gen_diamonds(200);
	/* 200 diamonds: 2102 insns (the kernel: 2102) */
	assert_int_equal(verify(d, 0, true, &st, NULL, 0), 0);
	assert_in_range(st.insns_processed, 1, 2700);
	free(d);
	/* nested 30x30 loop: 2793 (the kernel: 2793) */
	assert_int_equal(verify("mov %r0, 0\nmov %r6, 0\nouter:\nmov %r7, 0\ninner:\n"
				"add %r0, %r7\nadd %r7, 1\njlt %r7, 30, inner\nadd %r6, 1\n"
				"jlt %r6, 30, outer\nexit\n",
				0, true, &st, NULL, 0),
			 0);
	assert_in_range(st.insns_processed, 1, 3500);
	/* Collatz steps of 23 unknowns, up to 120 each: 139342 and 6201
	 * states, as the kernel (159149 while helper calls read all of r1-r5
	 * in liveness: r1, r2, r4 left from the inner loop kept the states
	 * after its exit apart) */
	assert_int_equal(verify("mov %r7, 0\nmov %r6, 0\nouter:\ncall 7\nmov %r1, %r0\nmov %r2, 0\n"
				"inner:\njeq %r1, 1, done\njge %r2, 120, done\nmov %r4, %r1\n"
				"and %r4, 1\njeq %r4, 0, even\nmul %r1, 3\nadd %r1, 1\nja next\n"
				"even:\nrsh %r1, 1\nnext:\nadd %r2, 1\nja inner\ndone:\n"
				"add %r6, %r2\nadd %r7, 1\njlt %r7, 23, outer\nmov %r0, %r6\nexit\n",
				0, true, &st, NULL, 0),
			 0);
	assert_in_range(st.insns_processed, 1, 139342);
	assert_in_range(st.total_states, 1, 6201);
	/* a loop whose accumulator is imprecise, 1000 turns: 16317 (the kernel:
	 * 16317; states in progress that keep missing are evicted as there) */
	assert_int_equal(verify("call 7\nmov %r6, %r0\nmov %r0, 0\nmov %r1, 0\nloop:\n"
				"add %r0, %r6\nmov %r2, %r6\nand %r2, 1\njeq %r2, 0, skip\n"
				"add %r0, 3\nskip:\nadd %r1, 1\njlt %r1, 1000, loop\nexit\n",
				0, true, &st, NULL, 0),
			 0);
	assert_in_range(st.insns_processed, 1, 16317);
	/* bpf_loop adding each index into the caller's stack (examples'
	 * loop.bpf.c callback_loop): 27 (the kernel: 26; 35 while
	 * kernel_compat widened the sum by bounds, [0, 2^32) then [0, 2^63)
	 * then unknown, where the kernel's widen_imprecise_scalars makes it
	 * unknown at the callback's second turn) */
	assert_int_equal(verify("stdw [%r10-8], 0\nldxdw %r1, [%r1+0]\nand32 %r1, 63\n"
				"mov %r3, %r10\nadd %r3, -8\nlddw %r2, subprog[cb]\nmov %r4, 0\n"
				"call 181\nldxdw %r0, [%r10-8]\nexit\n"
				"cb:\nadd32 %r1, 1\nldxdw %r3, [%r2+0]\nadd %r3, %r1\n"
				"stxdw [%r2+0], %r3\nmov32 %r0, 0\nexit\n",
				0, true, &st, NULL, 0),
			 0);
	assert_in_range(st.insns_processed, 1, 27);
}

/* Counted loops (loops.c): widened to the compare's bound, the walk stops at
 * a fixpoint after a few turns instead of walking 300000; kernel_compat
 * walks every turn as the kernel. */
static void counted_loops_reach_a_fixpoint(void **state)
{
	(void)state;
	struct bpfrt_verify_stats st = { .sz = sizeof(st) };
	const char *sum = "call 7\nmov %r6, %r0\nmov %r0, 0\nmov %r1, 0\nloop:\n"
			  "add %r0, %r6\nadd %r1, 1\njlt %r1, 300000, loop\nexit\n";
	assert_int_equal(verify(sum, 2, false, &st, NULL, 0), 0);
	assert_in_range(st.insns_processed, 1, 30);
	assert_true(st.widened);
	assert_non_null(strstr(logbuf, "4: widening loop-carried scalars (a counted loop)\n"));
	/* the counter at the head: [0, 299999] (the compare's bound), back at
	 * the head [1, 299999]: within, the walk stops there */
	assert_non_null(strstr(logbuf, "4: R0=scalar() R1=scalar(umax=299999,"));
	assert_non_null(strstr(logbuf, "from 6 to 4: R0=scalar() R1=scalar(umin=1,umax=299999,"));
	assert_non_null(strstr(logbuf, "4: safe\n"));
	/* the exit sees the counter's last value */
	assert_non_null(strstr(logbuf, "7: R0=scalar() R1=300000 "));
	assert_int_equal(verify(sum, 0, true, &st, NULL, 0), 0);
	assert_in_range(st.insns_processed, 900000, 900010);
	assert_false(st.widened);
	/* 1000 x 1000 nested: the inner loop's stay ends with each outer turn */
	assert_int_equal(verify("mov %r0, 0\nmov %r1, 0\nouter:\nmov %r2, 0\ninner:\n"
				"mov %r3, %r1\nmul %r3, %r2\nadd %r0, %r3\nadd %r2, 1\n"
				"jlt %r2, 1000, inner\nadd %r1, 1\njlt %r1, 1000, outer\nexit\n",
				0, false, &st, NULL, 0),
			 0);
	assert_in_range(st.insns_processed, 1, 200);
	assert_true(st.widened);
	/* an xor of the counter, the counter masked into 64 bytes */
	assert_int_equal(verify("mov %r6, %r1\nmov %r0, 0\nmov %r2, 0\nloop:\nmov %r3, %r2\n"
				"and %r3, 63\nadd %r3, %r6\nldxb %r4, [%r3]\nxor %r0, %r4\n"
				"xor %r0, %r2\nadd %r2, 1\njlt %r2, 300000, loop\nexit\n",
				0, false, &st, NULL, 0),
			 0);
	assert_in_range(st.insns_processed, 1, 100);
	/* clang's shape: a step and an exit on == (the start checked below
	 * the bound and congruent to it), by 1 and by 7 */
	assert_int_equal(verify("mov %r0, 0\nmov %r1, 0\nloop:\nadd %r0, %r1\nadd %r1, 1\n"
				"jeq %r1, 20000, out\nja loop\nout:\nexit\n",
				0, false, &st, NULL, 0),
			 0);
	assert_in_range(st.insns_processed, 1, 40);
	assert_true(st.widened);
	assert_int_equal(verify("mov %r0, 0\nmov %r1, 0\nloop:\nadd %r0, %r1\nadd %r1, 7\n"
				"jne %r1, 21000, loop\nexit\n",
				0, false, &st, NULL, 0),
			 0);
	assert_in_range(st.insns_processed, 1, 40);
	assert_int_equal(verify("mov %r0, 0\nmov %r1, 0\nloop:\nadd %r0, %r1\nadd %r1, 1\n"
				"jeq %r1, 20000, out\nja loop\nout:\nexit\n",
				0, true, &st, NULL, 0),
			 0);
	assert_in_range(st.insns_processed, 80000, 80010);
	/* a step by a register checked at least 1 (the sieve's j += i): 30;
	 * kernel_compat: the budget */
	widened_and_walked("call 7\nand %r0, 7\nadd %r0, 1\nmov %r1, %r0\nmov %r2, 0\n"
			   "mov %r0, 0\nloop:\nadd %r0, %r2\nadd %r2, %r1\n"
			   "jlt %r2, 300000, loop\nexit\n",
			   false, 40, 0, 0);
	/* a counter up by 8 to == 64 indexing the stack: widened to a multiple
	 * of 8 below 64 at the head (the tnum rounds the bound in before
	 * widening), so the widening walk proves it: 37 */
	widened_and_walked("stdw [%r10-8], 1\nstdw [%r10-16], 2\nstdw [%r10-24], 3\n"
			   "stdw [%r10-32], 4\nstdw [%r10-40], 5\nstdw [%r10-48], 6\n"
			   "stdw [%r10-56], 7\nstdw [%r10-64], 8\nmov %r5, 0\nmov %r0, 0\n"
			   "loop:\nmov %r3, %r10\nadd %r3, -64\nadd %r3, %r5\n"
			   "ldxdw %r4, [%r3]\nadd %r0, %r4\nadd %r5, 8\njeq %r5, 64, out\n"
			   "ja loop\nout:\nexit\n",
			   false, 50, 60, 80);
	/* the bench's crc32/fnv1a shape: data[i] for i up to == 1024 after a
	 * 1024-byte check: data + [0, 1023] keeps a 1-byte range: 32
	 * (kernel_compat: 7177, every turn) */
	widened_and_walked("ldxw %r2, [%r1+4]\nldxw %r1, [%r1+0]\nmov %r0, 0\nmov %r3, %r1\n"
			   "add %r3, 1024\njgt %r3, %r2, out\nmov %r2, 0\nloop:\nmov %r4, %r1\n"
			   "add %r4, %r2\nldxb %r4, [%r4+0]\nxor %r0, %r4\nmul %r0, 31\n"
			   "add %r2, 1\njne %r2, 1024, loop\nout:\nexit\n",
			   true, 45, 7000, 9000);
	/* down by 3 to == 5 (entry congruent, at least 5 + 3): 22;
	 * kernel_compat: 399998 */
	widened_and_walked("mov %r0, 0\nmov %r1, 300002\nloop:\nadd %r0, %r1\nadd %r1, -3\n"
			   "jeq %r1, 5, out\nja loop\nout:\nexit\n",
			   false, 30, 399990, 400010);
	/* down by 1 to == 3 indexing ctx + r2 - 4: [4, 67] before the step: 31 */
	widened_and_walked("mov %r6, %r1\nmov %r0, 0\nmov %r2, 67\nloop:\nmov %r3, %r6\n"
			   "add %r3, %r2\nldxb %r4, [%r3-4]\nadd %r0, %r4\nsub %r2, 1\n"
			   "jne %r2, 3, loop\nexit\n",
			   false, 40, 300, 400);
	/* bounded through a copy taken before the step (old = i; i += 4;
	 * old < N): 31; kernel_compat: 300007 */
	widened_and_walked("mov %r0, 0\nmov %r4, 0\nloop:\nmov %r5, %r4\nadd %r0, %r5\n"
			   "add %r4, 4\njlt %r5, 300000, loop\nexit\n",
			   false, 40, 300000, 300010);
}

/* Level 2 logs every precision walk; below it, walks that would change
 * nothing are skipped (prec_done). A skipped walk that would have marked
 * something shows as different pruning: the counts must be the same. */
static void skipped_walks_change_nothing(void **state)
{
	(void)state;
	static const char *const progs[] = {
		/* divisors from the counter and an unknown (divmod's shape),
		 * a branch on two unknowns in the body */
		"call 7\nmov %r6, %r0\ncall 7\nor %r0, 1\nmov %r7, %r0\nmov %r8, 0\n"
		"mov %r9, 0\nloop:\nmov %r1, %r7\nadd %r1, %r9\nor %r1, 1\nmov %r2, %r6\n"
		"div %r2, %r1\nadd %r8, %r2\nmov %r3, %r1\nadd %r3, 6\nmov %r2, %r6\n"
		"mod %r2, %r3\nxor %r8, %r2\njgt %r2, %r6, skip\nadd %r8, 1\nskip:\n"
		"mov %r4, %r9\nmul %r4, 7\nor %r4, 1\nmov %r2, %r8\ndiv32 %r2, %r4\n"
		"add %r8, %r2\nadd %r9, 1\njlt %r9, 60, loop\nmov %r0, %r8\nexit\n",
		/* stack words indexed by the counter (the sieve's shape) */
		"stdw [%r10-8], 0\nstdw [%r10-16], 0\nstdw [%r10-24], 0\nstdw [%r10-32], 0\n"
		"call 7\nmov %r6, %r0\nmov %r9, 0\nloop:\nmov %r1, %r9\nrsh %r1, 1\n"
		"and %r1, 3\nlsh %r1, 3\nmov %r2, %r10\nadd %r2, -32\nadd %r2, %r1\n"
		"ldxdw %r3, [%r2+0]\nor %r3, %r9\njgt %r3, %r6, skip\nmov %r3, %r6\nskip:\n"
		"stxdw [%r2+0], %r3\nadd %r9, 1\njlt %r9, 120, loop\nldxdw %r0, [%r10-8]\nexit\n",
		/* a register marked, then moved by one that differs between
		 * the paths (r7 0 or 1), then marked again */
		"call 7\nand %r0, 1\nmov %r7, %r0\nmov %r9, 0\njeq %r7, 0, loop\nmov %r0, 0\n"
		"loop:\nmov %r1, %r9\njgt %r1, 1000, out\nadd %r1, %r7\n"
		"jgt %r1, 1001, out\nadd %r9, 1\njlt %r9, 200, loop\nout:\nmov %r0, 0\nexit\n",
	};
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		for (int compat = 0; compat < 2; compat++) {
			struct bpfrt_verify_stats a = { .sz = sizeof(a) }, b = { .sz = sizeof(b) };
			assert_int_equal(verify(progs[i], 1, compat, &a, NULL, 0), 0);
			assert_int_equal(verify(progs[i], 2, compat, &b, NULL, 0), 0);
			assert_int_equal(a.insns_processed, b.insns_processed);
			assert_int_equal(a.total_states, b.total_states);
			assert_int_equal(a.peak_states, b.peak_states);
			if (compat) /* default mode widens the counted loops */
				assert_true(a.insns_processed > 500);
		}
	}
}

static void stats_line_as_the_kernel(void **state)
{
	(void)state;
	struct bpfrt_verify_stats st = { .sz = sizeof(st) };
	char *d = gen_diamonds(20);
	assert_int_equal(verify(d, 1, true, &st, NULL, 0), 0);
	free(d);
	char want[256];
	snprintf(want, sizeof(want), "processed %llu insns (limit 1000000) max_states_per_insn 1 "
		 "total_states %u peak_states %u mark_read 0\nverification time ",
		 (unsigned long long)st.insns_processed, st.total_states, st.peak_states);
	assert_non_null(strstr(logbuf, want));
	assert_true(st.total_states >= 19);
	/* per subprogram, '+' between (kernel: stack depth 8+0) */
	assert_int_equal(verify("stdw [%r10-8], 0\ncall local f\nmov %r0, 0\nexit\n"
				"f:\nstw [%r10-12], 0\nmov %r0, 0\nexit\n",
				1, true, &st, NULL, 0),
			 0);
	assert_non_null(strstr(logbuf, "\nstack depth 8+16\n"));
	/* level 2: every instruction with its state */
	assert_int_equal(verify("mov %r0, 0\nmov %r1, 5\nexit\n", 2, true, &st, NULL, 0), 0);
	assert_non_null(strstr(logbuf, "1: R0=0 R1=mem(sz=64) R2=64 R10=fp0\n1: (b7) "));
	assert_non_null(strstr(logbuf, "2: R0=0 R1=5 R2=64 R10=fp0\n2: (95) "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(registers_live_until_overwritten),
		cmocka_unit_test(calls_read_their_arguments),
		cmocka_unit_test(slots_live_until_overwritten),
		cmocka_unit_test(slots_read_through_pointers),
		cmocka_unit_test(helpers_and_the_frame),
		cmocka_unit_test(escaped_frame_pointer_makes_loads_pointers),
		cmocka_unit_test(pointer_arithmetic_marks_the_chain),
		cmocka_unit_test(an_unused_value_is_not_marked),
		cmocka_unit_test(decided_branch_marks_its_operands),
		cmocka_unit_test(precision_crosses_calls),
		cmocka_unit_test(processed_counts_stay_bounded),
		cmocka_unit_test(counted_loops_reach_a_fixpoint),
		cmocka_unit_test(skipped_walks_change_nothing),
		cmocka_unit_test(stats_line_as_the_kernel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
