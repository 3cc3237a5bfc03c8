/* SPDX-License-Identifier: MIT */
/*
 * Frames sized by the verifier's stack depth. Every function below lets
 * r10 escape (a pointer to its stack goes to a helper or to a callee), so
 * from its r10 accesses alone the JIT reserves the whole 512 bytes; with
 * the verifier's depth per subprogram (main 64: a callee writes 64 bytes
 * deep through a pointer, f 24, g 120: a helper fills 120 bytes) each
 * frame is that depth plus alignment. Depths that do not fit the code (one
 * shallower than a fixed r10 access, not a multiple of 8, not at a
 * function's start) are ignored. Whatever the frames, the results equal
 * the interpreter's, with and without constant blinding.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bpfrt/asm.h"
#include "bpfrt/jit.h"
#include "bpfrt/verifier.h"
#include "bpfrt/vm.h"
#include "verifier/facts.h"
#include "vm/prog.h"
#include "support/jited_listing.h"

#define HELPER_FILL 16 /* bpf_get_current_comm(buf, size): writes size bytes */

static const char *text =
	"stdw [%r10-8], 11\n"	 /* 0: main's canary */
	"mov %r1, %r10\n"	 /* 1 */
	"add %r1, -48\n"	 /* 2 */
	"mov %r2, 40\n"		 /* 3 */
	"call 16\n"		 /* 4: fills [r10-48, r10-8) */
	"ldxdw %r0, [%r10-48]\n" /* 5 */
	"ldxdw %r1, [%r10-16]\n" /* 6 */
	"add %r0, %r1\n"	 /* 7 */
	"ldxdw %r1, [%r10-8]\n"	 /* 8 */
	"add %r0, %r1\n"	 /* 9 */
	"mov %r6, %r0\n"	 /* 10 */
	"mov %r1, %r10\n"	 /* 11 */
	"add %r1, -64\n"	 /* 12 */
	"call local f\n"	 /* 13 */
	"add %r6, %r0\n"	 /* 14 */
	"ldxdw %r1, [%r10-64]\n" /* 15: f wrote it */
	"add %r6, %r1\n"	 /* 16 */
	"ldxdw %r1, [%r10-8]\n"	 /* 17: the canary survived the calls */
	"mul %r6, 3\n"		 /* 18 */
	"add %r6, %r1\n"	 /* 19 */
	"mov %r0, %r6\n"	 /* 20 */
	"exit\n"		 /* 21 */
	"f:\n"
	"stdw [%r1+0], 5\n"	 /* 22: the caller's stack, 64 deep */
	"mov %r2, %r10\n"	 /* 23 */
	"add %r2, -24\n"	 /* 24 */
	"stdw [%r2+0], 7\n"	 /* 25 */
	"call local g\n"	 /* 26 */
	"ldxdw %r1, [%r10-24]\n" /* 27 */
	"add %r0, %r1\n"	 /* 28 */
	"exit\n"		 /* 29 */
	"g:\n"
	"mov %r1, %r10\n"	  /* 30 */
	"add %r1, -120\n"	  /* 31 */
	"mov %r2, 120\n"	  /* 32 */
	"call 16\n"		  /* 33 */
	"ldxdw %r0, [%r10-120]\n" /* 34 */
	"ldxdw %r1, [%r10-8]\n"	  /* 35 */
	"xor %r0, %r1\n"	  /* 36 */
	"exit\n";		  /* 37 */

enum { F_START = 22, G_START = 30 };

static uint64_t salt;

static uint64_t helper_fill(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			    struct bpfrt_run_ctx *rc)
{
	(void)r3, (void)r4, (void)r5, (void)rc;
	uint8_t *p = (uint8_t *)(uintptr_t)r1;
	for (uint64_t i = 0; i < r2; i++)
		p[i] = (uint8_t)(i * 7 + r2 + salt);
	return 0;
}

static struct bpfrt_insn *insns;
static size_t cnt;
static uint16_t *depths; /* as the runtime makes them: 1 + bytes at each subprogram's start */

static void verify(void **state)
{
	(void)state;
	char log[256] = "";
	struct bpfrt_asm_opts ao = {.sz = sizeof(ao), .log_buf = log, .log_size = sizeof(log)};
	if (bpfrt_asm(text, &ao, &insns, &cnt))
		fail_msg("asm: %s", log);
	struct bpfrt_verify_opts vo = {.sz = sizeof(vo), .gpl = true,
				       .log_buf = log, .log_size = sizeof(log)};
	struct verifier_facts *f = NULL;
	if (verifier_run(insns, cnt, &vo, &f))
		fail_msg("verify: %s", log);
	assert_int_equal(f->subprog_cnt, 3);
	const uint32_t start[] = {0, F_START, G_START}, want[] = {64, 24, 120};
	depths = calloc(cnt, sizeof(*depths));
	assert_non_null(depths);
	for (uint32_t k = 0; k < 3; k++) {
		assert_int_equal(f->subprogs[k].start, start[k]);
		assert_int_equal(f->subprogs[k].stack_depth, want[k]);
		depths[f->subprogs[k].start] = (uint16_t)(f->subprogs[k].stack_depth + 1);
	}
	verifier_facts_free(f);
}

static struct bpfrt_prog *load(struct bpfrt_vm *vm, enum bpfrt_backend be, const uint16_t *d,
			       bool harden)
{
	char log[256] = "";
	struct bpfrt_prog_opts o = {.sz = sizeof(o), .backend = be, .mode = BPFRT_EXEC_TRUSTED,
				    .jit_harden = harden, .log_buf = log, .log_size = sizeof(log)};
	struct vm_load_extra extra = {.stack_depth = d};
	struct bpfrt_prog *p = vm_prog_load(vm, insns, cnt, &o, &extra);
	if (!p)
		fail_msg("load: %s", log);
	return p;
}

/* The `sub rsp, N` of each function's prologue (0 when it has none), in
 * listing order (main, f, g). */
static void frames(const struct bpfrt_prog *p, long out[3])
{
	struct listing l = {0};
	assert_int_equal(bpfrt_prog__dump_jited(p, BPFRT_SYNTAX_CONFORMANCE, collect, &l), 0);
	const char *s = l.text;
	for (int k = 0; k < 3; k++) {
		const char *h = strstr(s, k ? "function at insn " : "main at insn ");
		assert_non_null(h);
		const char *line = strchr(h, '\n') + 1;
		out[k] = 0;
		/* the prologue: machine code lines (7 spaces) before the first BPF line */
		while (!strncmp(line, "       ", 7)) {
			const char *sub = strstr(line, "sub rsp, 0x");
			const char *nl = strchr(line, '\n');
			if (sub && sub < nl)
				out[k] = strtol(sub + strlen("sub rsp, "), NULL, 16);
			line = nl + 1;
		}
		s = line;
	}
	free(l.text);
}

static void check_frames(const char *what, const long got[3], const long min[3], long max_extra)
{
	for (int k = 0; k < 3; k++)
		if (got[k] < min[k] || got[k] > min[k] + max_extra)
			fail_msg("%s: function %d: sub rsp, %ld; want %ld..%ld", what, k, got[k],
				 min[k], min[k] + max_extra);
}

static void same_results(struct bpfrt_prog *interp, struct bpfrt_prog *jit, const char *what)
{
	for (salt = 0; salt < 40; salt++) {
		uint64_t a = 0, b = 0;
		assert_int_equal(bpfrt_prog__run(interp, NULL, 0, &a, NULL), 0);
		assert_int_equal(bpfrt_prog__run(jit, NULL, 0, &b, NULL), 0);
		if (a != b)
			fail_msg("%s, salt %llu: interp %#llx, jit %#llx", what,
				 (unsigned long long)salt, (unsigned long long)a,
				 (unsigned long long)b);
	}
}

static void check_code(void **state)
{
	(void)state;
	struct bpfrt_vm *vm = bpfrt_vm__new();
	assert_int_equal(bpfrt_vm__register_helper(vm, HELPER_FILL, "fill", helper_fill), 0);
	struct bpfrt_prog *interp = load(vm, BPFRT_BACKEND_INTERP, NULL, false);
	const long verified[3] = {64, 24, 120}, whole[3] = {512, 512, 512};
	long got[3];

	/* alignment adds at most 8 + 15 bytes, may_goto none here */
	struct bpfrt_prog *with = load(vm, BPFRT_BACKEND_JIT, depths, false);
	frames(with, got);
	check_frames("verified depths", got, verified, 23);
	same_results(interp, with, "verified depths");

	struct bpfrt_prog *hard = load(vm, BPFRT_BACKEND_JIT, depths, true);
	frames(hard, got);
	check_frames("verified depths, blinded", got, verified, 23);
	same_results(interp, hard, "verified depths, blinded");

	struct bpfrt_prog *without = load(vm, BPFRT_BACKEND_JIT, NULL, false);
	frames(without, got);
	check_frames("unverified", got, whole, 23);
	same_results(interp, without, "unverified");

	/* inconsistent depths: each such function falls back to the scan */
	uint16_t *bad = malloc(cnt * sizeof(*bad));
	assert_non_null(bad);
	memcpy(bad, depths, cnt * sizeof(*bad));
	bad[0] = 40 + 1;	     /* main reads [r10-48]: shallower than that */
	bad[F_START] = 20 + 1;	     /* not a multiple of 8 */
	bad[G_START] = 0;	     /* not at g's start ... */
	bad[G_START + 1] = 120 + 1; /* ... but inside it */
	struct bpfrt_prog *fallback = load(vm, BPFRT_BACKEND_JIT, bad, false);
	frames(fallback, got);
	check_frames("inconsistent depths", got, whole, 23);
	same_results(interp, fallback, "inconsistent depths");
	/* a depth beyond the stack */
	memcpy(bad, depths, cnt * sizeof(*bad));
	bad[G_START] = 520 + 1;
	struct bpfrt_prog *big = load(vm, BPFRT_BACKEND_JIT, bad, false);
	frames(big, got);
	const long mixed[3] = {64, 24, 512};
	check_frames("a depth beyond 512", got, mixed, 23);
	free(bad);

	bpfrt_prog__free(big);
	bpfrt_prog__free(fallback);
	bpfrt_prog__free(without);
	bpfrt_prog__free(hard);
	bpfrt_prog__free(with);
	bpfrt_prog__free(interp);
	bpfrt_vm__free(vm);
	free(depths);
	free(insns);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(verify),
		cmocka_unit_test(check_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
