/* SPDX-License-Identifier: MIT */
/*
 * The verifier's proofs in the JIT: the verifier proves a divisor non-zero
 * (x | 1), a signed divisor in [1, 256] (neither 0 nor -1) and an upper
 * half already zero (w3 = w3 after r3 &= 0xffff), and leaves unproven a
 * divisor that may be 0 (any x). Compiled with those facts, the JIT leaves
 * out exactly the checks and the zero-extension the proofs cover (the code
 * is smaller, and an unproven division keeps its test); compiled without
 * (an unverified program), it keeps them all. Both give the interpreter's
 * r0 for many values of x, including 0 and -1.
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

static const char *text =
	"call 7\n"			 /* 0: r0 = x (the test's helper) */
	"mov %r6, %r0\n"		 /* 1 */
	"mov %r1, %r0\n"		 /* 2 */
	"or %r1, 1\n"			 /* 3: never 0 */
	"mov %r2, 1000003\n"		 /* 4 */
	"div %r2, %r1\n"		 /* 5: proven non-zero */
	"mov %r3, %r6\n"		 /* 6 */
	"and %r3, 0xffff\n"		 /* 7 */
	"mov32 %r3, %r3\n"		 /* 8: upper half proven zero */
	"mov %r5, %r6\n"		 /* 9 */
	"and %r5, 0xff\n"		 /* 10 */
	"add %r5, 1\n"			 /* 11: [1, 256] */
	"mov %r7, -5000\n"		 /* 12 */
	"sdiv %r7, %r5\n"		 /* 13: proven neither 0 nor -1 */
	"mov %r9, 77\n"			 /* 14 */
	"smod %r9, %r6\n"		 /* 15: x may be 0 or -1 */
	"mov32 %r8, %r6\n"		 /* 16 */
	"mov32 %r6, %r6\n"		 /* 17: x's upper half unknown */
	"mov %r0, %r2\n"		 /* 18 */
	"add %r0, %r3\n"		 /* 19 */
	"add %r0, %r7\n"		 /* 20 */
	"add %r0, %r9\n"		 /* 21 */
	"add %r0, %r6\n"		 /* 22 */
	"add %r0, %r8\n"		 /* 23 */
	"exit\n";

static uint64_t x_value;

static uint64_t helper_x(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			 struct bpfrt_run_ctx *rc)
{
	(void)r1, (void)r2, (void)r3, (void)r4, (void)r5, (void)rc;
	return x_value;
}

static struct bpfrt_insn *insns;
static size_t cnt;
static uint8_t *vm_facts; /* VM_FACT_* per insn, as the runtime makes them */

static void verify(void **state)
{
	(void)state;
	char log[256] = "";
	struct bpfrt_asm_opts ao = {.sz = sizeof(ao), .log_buf = log, .log_size = sizeof(log)};
	if (bpfrt_asm(text, &ao, &insns, &cnt))
		fail_msg("asm: %s", log);
	struct bpfrt_verify_opts vo = {.sz = sizeof(vo), .gpl = true};
	struct verifier_facts *f = NULL;
	assert_int_equal(verifier_run(insns, cnt, &vo, &f), 0);
	assert_non_null(f);
	assert_true(fact_proven(&f->insn[5], FACT_U_DIV_ZERO));
	assert_true(fact_proven(&f->insn[8], FACT_U_UPPER));
	assert_true(fact_proven(&f->insn[13], FACT_U_DIV_ZERO));
	assert_true(fact_proven(&f->insn[13], FACT_U_DIV_MINUS1));
	assert_false(fact_proven(&f->insn[15], FACT_U_DIV_ZERO));
	assert_false(fact_proven(&f->insn[15], FACT_U_DIV_MINUS1));
	assert_false(fact_proven(&f->insn[17], FACT_U_UPPER));
	vm_facts = calloc(cnt, 1);
	assert_non_null(vm_facts);
	for (size_t i = 0; i < cnt; i++)
		vm_facts[i] = (fact_proven(&f->insn[i], FACT_U_DIV_ZERO) ? VM_FACT_DIV_NONZERO : 0) |
			      (fact_proven(&f->insn[i], FACT_U_DIV_MINUS1) ? VM_FACT_DIV_NOT_MINUS1 : 0) |
			      (fact_proven(&f->insn[i], FACT_U_UPPER) ? VM_FACT_UPPER_ZERO : 0);
	verifier_facts_free(f);
}

static struct bpfrt_prog *load(struct bpfrt_vm *vm, enum bpfrt_backend be, const uint8_t *facts)
{
	char log[256] = "";
	struct bpfrt_prog_opts o = {.sz = sizeof(o), .backend = be, .mode = BPFRT_EXEC_TRUSTED,
				    .log_buf = log, .log_size = sizeof(log)};
	struct vm_load_extra extra = {.facts = facts};
	struct bpfrt_prog *p = vm_prog_load(vm, insns, cnt, &o, &extra);
	if (!p)
		fail_msg("load: %s", log);
	return p;
}

/* The listing of instruction `idx` (up to the next BPF instruction). */
static char *insn_code(const char *listing, int idx)
{
	char key[16];
	snprintf(key, sizeof(key), "\n%5d: ", idx);
	const char *p = strstr(listing, key);
	assert_non_null(p);
	p += strlen(key);
	const char *end = p;
	/* lines of machine code start with 7 spaces; the next BPF line does not */
	for (const char *nl = strchr(p, '\n'); nl && !strncmp(nl + 1, "       ", 7);
	     nl = strchr(nl + 1, '\n'))
		end = nl + 1 + strcspn(nl + 1, "\n");
	return strndup(p, (size_t)(end - p));
}

static void check_code(void **state)
{
	(void)state;
	struct bpfrt_vm *vm = bpfrt_vm__new();
	assert_int_equal(bpfrt_vm__register_helper(vm, 7, "x", helper_x), 0);
	struct bpfrt_prog *with = load(vm, BPFRT_BACKEND_JIT, vm_facts);
	struct bpfrt_prog *without = load(vm, BPFRT_BACKEND_JIT, NULL);
	size_t sw, so;
	assert_non_null(bpfrt_prog__jited_code(with, &sw));
	assert_non_null(bpfrt_prog__jited_code(without, &so));
	assert_true(sw < so);
	struct listing lw = {0}, lo = {0};
	assert_int_equal(bpfrt_prog__dump_jited(with, BPFRT_SYNTAX_CONFORMANCE, collect, &lw), 0);
	assert_int_equal(bpfrt_prog__dump_jited(without, BPFRT_SYNTAX_CONFORMANCE, collect, &lo), 0);
	struct {
		int insn;
		const char *what;
		bool with, without;
	} want[] = {
		{5, "test ", false, true},	 /* the zero check */
		{13, "test ", false, true},
		{13, "cmp ", false, true},	 /* the -1 check */
		{15, "test ", true, true},	 /* unproven: kept */
		{15, "cmp ", true, true},
		{8, "mov ", false, true},	 /* mov ebx?, same: the zero-extension */
		{17, "mov ", true, true},
	};
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		char *a = insn_code(lw.text, want[k].insn), *b = insn_code(lo.text, want[k].insn);
		if ((strstr(a, want[k].what) != NULL) != want[k].with ||
		    (strstr(b, want[k].what) != NULL) != want[k].without)
			fail_msg("insn %d, '%s': with facts:\n%s\nwithout:\n%s", want[k].insn,
				 want[k].what, a, b);
		free(a);
		free(b);
	}
	free(lw.text);
	free(lo.text);

	/* the same r0 as the interpreter's, whatever x */
	struct bpfrt_prog *interp = load(vm, BPFRT_BACKEND_INTERP, NULL);
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	for (int n = 0; n < 2000; n++) {
		static const uint64_t edge[] = {0, 1, UINT64_MAX, 0xffffffff, 0x100000000ull,
						0x80000000ull, INT64_MIN, 255, 256, 0xffff};
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		x_value = n < 10 ? edge[n] : seed >> (seed & 63);
		uint64_t a = 0, b = 0, c = 0;
		assert_int_equal(bpfrt_prog__run(interp, NULL, 0, &a, NULL), 0);
		assert_int_equal(bpfrt_prog__run(with, NULL, 0, &b, NULL), 0);
		assert_int_equal(bpfrt_prog__run(without, NULL, 0, &c, NULL), 0);
		if (a != b || a != c)
			fail_msg("x = %#llx: interp %#llx, jit with facts %#llx, without %#llx",
				 (unsigned long long)x_value, (unsigned long long)a,
				 (unsigned long long)b, (unsigned long long)c);
	}
	bpfrt_prog__free(interp);
	bpfrt_prog__free(with);
	bpfrt_prog__free(without);
	bpfrt_vm__free(vm);
	free(vm_facts);
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
