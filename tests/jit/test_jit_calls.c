/* SPDX-License-Identifier: MIT */
/*
 * BPF-to-BPF calls through the JIT: recursion up to the frame limit and one
 * past it (-E2BIG, as the interpreter), each frame's own stack slot, r6-r9
 * kept across calls, an abort from the deepest frame unwinding every frame
 * (the next run still works), callx to an unknown helper; and W^X: while
 * JIT-ed programs are loaded and while one runs, no mapping of the process
 * is writable and executable at once, and the code's own pages are r-x.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "support/asm_load.h"
#include "bpfrt/asm.h"
#include "bpfrt/vm.h"
#include "isa/opcodes.h"
#include "jit/jit.h"
#include "vm/prog.h"

static struct bpfrt_vm *vm;

static struct bpfrt_prog *load(const char *text, enum bpfrt_backend be)
{
	return asm_load(vm, text, be);
}

/* f(n) = n + f(n - 1), f(0) = 0, keeping n in its own stack slot and r6-r9
 * set to values the callee clobbers. */
static const char *recursion =
	"ldxdw %r1, [%r1]\n"
	"mov %r6, 6\nmov %r7, 7\nmov %r8, 8\nmov %r9, 9\n"
	"call local f\n"
	"jne %r6, 6, bad\njne %r7, 7, bad\njne %r8, 8, bad\njne %r9, 9, bad\n"
	"exit\n"
	"bad:\nmov %r0, -1\nexit\n"
	"f:\n"
	"stxdw [%r10-8], %r1\n"
	"mov %r6, %r1\nmov %r7, %r1\nmov %r8, %r1\nmov %r9, %r1\n"
	"jeq %r1, 0, base\n"
	"sub %r1, 1\n"
	"call local f\n"
	"ldxdw %r1, [%r10-8]\n"
	"jne %r6, %r1, bad2\n"
	"add %r0, %r1\n"
	"exit\n"
	"base:\nmov %r0, 0\nexit\n"
	"bad2:\nmov %r0, -2\nexit\n";

static void test_recursion_limit(void **state)
{
	(void)state;
	struct bpfrt_prog *jit = load(recursion, BPFRT_BACKEND_JIT);
	struct bpfrt_prog *interp = load(recursion, BPFRT_BACKEND_INTERP);
	for (uint64_t n = 0; n < 12; n++) {
		uint64_t a = 0, b = 0, ctx = n;
		char la[128] = "", lb[128] = "";
		struct bpfrt_run_opts oa = {.sz = sizeof(oa), .log_buf = la, .log_size = sizeof(la)};
		struct bpfrt_run_opts ob = {.sz = sizeof(ob), .log_buf = lb, .log_size = sizeof(lb)};
		int ea = bpfrt_prog__run(interp, &ctx, sizeof(ctx), &a, &oa);
		int eb = bpfrt_prog__run(jit, &ctx, sizeof(ctx), &b, &ob);
		assert_int_equal(ea, eb);
		/* both name the call that went too deep (the recursive one) */
		assert_string_equal(la, lb);
		/* main + f(n)..f(0) = n + 2 frames */
		if (n + 2 <= BPFRT_MAX_CALL_DEPTH) {
			assert_int_equal(eb, 0);
			assert_int_equal(b, n * (n + 1) / 2);
			assert_int_equal(a, b);
		} else {
			assert_int_equal(eb, -E2BIG);
			assert_string_equal(lb, "insn 20: call depth exceeds 8 frames\n");
		}
	}
	bpfrt_prog__free(jit);
	bpfrt_prog__free(interp);
}

static uint64_t h_unwind(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
			 struct bpfrt_run_ctx *rc)
{
	(void)b, (void)c, (void)d, (void)e;
	if (a == 0)
		bpfrt_run_ctx__abort(rc, 0xdead);
	return a;
}

static void test_abort_from_deepest_frame(void **state)
{
	(void)state;
	/* recursion down to n = 0, where the helper aborts */
	struct bpfrt_prog *jit = load("ldxdw %r1, [%r1]\n"
				      "mov %r6, 1\n"
				      "call local f\n"
				      "mov %r0, 1\n"
				      "exit\n"
				      "f:\n"
				      "stxdw [%r10-8], %r1\n"
				      "jeq %r1, 0, base\n"
				      "sub %r1, 1\n"
				      "call local f\n"
				      "exit\n"
				      "base:\n"
				      "call 5\n"
				      "exit\n",
				      BPFRT_BACKEND_JIT);
	for (int rep = 0; rep < 3; rep++)
		for (uint64_t n = 0; n <= 6; n++) {
			uint64_t r0 = 0, ctx = n;
			assert_int_equal(bpfrt_prog__run(jit, &ctx, sizeof(ctx), &r0, NULL), 0);
			assert_int_equal(r0, 0xdead);
		}
	bpfrt_prog__free(jit);
}

/* bpf_loop (helper 181) with a callback that sums i into the caller's
 * stack through its context pointer; with `abort_at` >= 0 the callback
 * calls the unwinding helper with 0 at that i. The lddw loads the
 * callback's instruction index, as fixups leave it. */
static void run_loop(int abort_at, uint64_t want)
{
	char text[1024];
	snprintf(text, sizeof(text),
		 "stdw [%%r10-8], 0\n"			/* 0 */
		 "mov %%r1, 10\n"			/* 1 */
		 "lddw %%r2, 10\n"			/* 2, 3 */
		 "mov %%r3, %%r10\n"			/* 4 */
		 "add %%r3, -8\n"			/* 5 */
		 "mov %%r4, 0\n"			/* 6 */
		 "call 181\n"				/* 7 */
		 "ldxdw %%r0, [%%r10-8]\n"		/* 8 */
		 "exit\n"				/* 9 */
		 "ldxdw %%r0, [%%r2]\n"		/* 10: callback(i, ctx) */
		 "add %%r0, %%r1\n"
		 "stxdw [%%r2], %%r0\n"
		 "jne %%r1, %d, +2\n"
		 "mov %%r1, 0\n"
		 "call 5\n"
		 "mov %%r0, 0\n"
		 "exit\n",
		 abort_at);
	for (int be = 0; be < 2; be++) {
		struct bpfrt_prog *p = load(text, be ? BPFRT_BACKEND_JIT : BPFRT_BACKEND_INTERP);
		uint64_t r0 = 0, ctx = 0;
		int err = bpfrt_prog__run(p, &ctx, sizeof(ctx), &r0, NULL);
		assert_int_equal(err, 0);
		assert_int_equal(r0, want);
		bpfrt_prog__free(p);
	}
}

static void test_bpf_loop_callbacks(void **state)
{
	(void)state;
	run_loop(-1, 45);
	run_loop(3, 0xdead);
}

/* may_goto: each call has its own budget of ISA_MAX_LOOPS, spent one unit
 * per fall-through; the JIT keeps it below the program's 512 bytes of
 * stack, which stay intact. main spends 3 units, calls f (which spends
 * its whole budget), then spends the rest of its own. */
static const char *may_goto_prog =
	"mov %r6, 0\nmov %r8, 0\n"
	"stdw [%r10-512], 77\nstdw [%r10-8], 66\n"
	"pre:\nmay_goto out\nadd %r8, 1\njlt %r8, 3, pre\n"
	"call local f\n"
	"mov %r7, %r0\n"
	"loop:\nmay_goto out\nadd %r6, 1\nja loop\n"
	"out:\nadd %r6, %r8\nadd %r6, %r7\n"
	"ldxdw %r1, [%r10-512]\nadd %r6, %r1\nldxdw %r1, [%r10-8]\nadd %r6, %r1\n"
	"mov %r0, %r6\nexit\n"
	"f:\nmov %r0, 0\nstdw [%r10-8], 5\n"
	"floop:\nmay_goto fout\nadd %r0, 1\nja floop\n"
	"fout:\nexit\n";

static void test_may_goto_budget(void **state)
{
	(void)state;
	for (int be = 0; be < 2; be++) {
		struct bpfrt_prog *p = load(may_goto_prog, be ? BPFRT_BACKEND_JIT : BPFRT_BACKEND_INTERP);
		uint64_t r0 = 0;
		assert_int_equal(bpfrt_prog__run(p, NULL, 0, &r0, NULL), 0);
		assert_int_equal(r0, 2ull * ISA_MAX_LOOPS + 77 + 66);
		bpfrt_prog__free(p);
	}
}

static void test_callx_unknown_helper(void **state)
{
	(void)state;
	struct bpfrt_prog *jit = load("mov %r0, 1\nmov %r2, 77\ncall %r2\nexit\n", BPFRT_BACKEND_JIT);
	uint64_t r0;
	char log[256] = "";
	struct bpfrt_run_opts ro = {.sz = sizeof(ro), .log_buf = log, .log_size = sizeof(log)};
	assert_int_equal(bpfrt_prog__run(jit, NULL, 0, &r0, &ro), -EINVAL);
	assert_string_equal(log, "insn 2: callx to unknown helper id 77\n");
	bpfrt_prog__free(jit);
}

/* Scans /proc/self/maps: no mapping may be writable and executable; the
 * page holding `code` (when given) must be r-x. */
static int maps_wx_violations(const void *code, bool *code_rx)
{
	FILE *f = fopen("/proc/self/maps", "r");
	assert_non_null(f);
	char line[512];
	int bad = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3)
			continue;
		if (perms[1] == 'w' && perms[2] == 'x') {
			fprintf(stderr, "writable and executable: %s", line);
			bad++;
		}
		if (code && (uintptr_t)code >= lo && (uintptr_t)code < hi)
			*code_rx = !strncmp(perms, "r-x", 3);
	}
	fclose(f);
	return bad;
}

static int wx_seen_in_helper = -1;

static uint64_t h_check_maps(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
			     struct bpfrt_run_ctx *rc)
{
	(void)a, (void)b, (void)c, (void)d, (void)e, (void)rc;
	bool rx = false;
	wx_seen_in_helper = maps_wx_violations(NULL, &rx);
	return 7;
}

static void test_code_pages_never_wx(void **state)
{
	(void)state;
	struct bpfrt_prog *progs[8];
	for (int k = 0; k < 8; k++)
		progs[k] = load("mov %r0, 1\ncall 6\nadd %r0, 1\nexit\n", BPFRT_BACKEND_JIT);
	for (int k = 0; k < 8; k++) {
		size_t size;
		const uint8_t *code = jit_code(progs[k]->backend_data, &size);
		bool rx = false;
		assert_int_equal(maps_wx_violations(code, &rx), 0);
		assert_true(rx);
	}
	uint64_t r0;
	assert_int_equal(bpfrt_prog__run(progs[3], NULL, 0, &r0, NULL), 0);
	assert_int_equal(r0, 8);
	assert_int_equal(wx_seen_in_helper, 0);
	for (int k = 0; k < 8; k++)
		bpfrt_prog__free(progs[k]);
}

static int setup(void **state)
{
	(void)state;
	vm = bpfrt_vm__new();
	bpfrt_vm__register_kernel_helpers(vm);
	bpfrt_vm__register_helper(vm, 5, "unwind", h_unwind);
	bpfrt_vm__register_helper(vm, 6, "check_maps", h_check_maps);
	return vm ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	bpfrt_vm__free(vm);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recursion_limit),
		cmocka_unit_test(test_abort_from_deepest_frame),
		cmocka_unit_test(test_callx_unknown_helper),
		cmocka_unit_test(test_may_goto_budget),
		cmocka_unit_test(test_bpf_loop_callbacks),
		cmocka_unit_test(test_code_pages_never_wx),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
