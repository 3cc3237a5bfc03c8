/* SPDX-License-Identifier: MIT */
/*
 * Constant blinding (bpfrt_prog_opts.jit_harden): none of the program's
 * immediates (ALU, compare, store, ld_imm64 halves, a divisor) appears in
 * the machine code, while without blinding each does; two loads blind
 * with different keys; the result is the interpreter's. The conformance
 * corpus also runs blinded (conformance_jit_harden).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bpfrt/asm.h"
#include "bpfrt/jit.h"
#include "bpfrt/vm.h"

static const char *text =
	"mov %r0, 0x12345678\n"
	"add %r0, 0x2468ace0\n"
	"xor32 %r0, 0x3c3c3c3c\n"
	"lddw %r2, 0x1122334455667788\n"
	"add %r0, %r2\n"
	"stw [%r10-8], 0x5a5a5a5b\n"
	"ldxw %r3, [%r10-8]\n"
	"add %r0, %r3\n"
	"div %r0, 0x0013579b\n"
	"jeq %r0, 0x7eadbeef, skip\n"
	"mul %r0, 0x01020305\n"
	"skip:\n"
	"exit\n";

static const uint32_t imms[] = {0x12345678, 0x2468ace0, 0x3c3c3c3c, 0x55667788, 0x11223344,
				0x5a5a5a5b, 0x0013579b, 0x7eadbeef, 0x01020305};

static struct bpfrt_prog *load(struct bpfrt_vm *vm, enum bpfrt_backend be, bool harden)
{
	struct bpfrt_insn *insns;
	size_t cnt;
	char log[256] = "";
	struct bpfrt_asm_opts ao = {.sz = sizeof(ao), .log_buf = log, .log_size = sizeof(log)};
	if (bpfrt_asm(text, &ao, &insns, &cnt))
		fail_msg("asm: %s", log);
	struct bpfrt_prog_opts o = {.sz = sizeof(o), .backend = be, .mode = BPFRT_EXEC_TRUSTED,
				    .log_buf = log, .log_size = sizeof(log), .jit_harden = harden};
	struct bpfrt_prog *p = bpfrt_prog__load(vm, insns, cnt, &o);
	if (!p)
		fail_msg("load: %s", log);
	free(insns);
	return p;
}

static bool contains(const uint8_t *code, size_t size, uint32_t v)
{
	for (size_t i = 0; i + 4 <= size; i++)
		if (!memcmp(code + i, &v, 4))
			return true;
	return false;
}

static void blinded(void **state)
{
	(void)state;
	struct bpfrt_vm *vm = bpfrt_vm__new();
	struct bpfrt_prog *plain = load(vm, BPFRT_BACKEND_JIT, false);
	struct bpfrt_prog *hard = load(vm, BPFRT_BACKEND_JIT, true);
	struct bpfrt_prog *hard2 = load(vm, BPFRT_BACKEND_JIT, true);
	struct bpfrt_prog *interp = load(vm, BPFRT_BACKEND_INTERP, false);
	size_t sp, sh, sh2;
	const uint8_t *cp = bpfrt_prog__jited_code(plain, &sp);
	const uint8_t *ch = bpfrt_prog__jited_code(hard, &sh);
	const uint8_t *ch2 = bpfrt_prog__jited_code(hard2, &sh2);
	assert_non_null(cp);
	assert_non_null(ch);
	for (size_t k = 0; k < sizeof(imms) / sizeof(imms[0]); k++) {
		/* the divisor becomes a reciprocal in the plain code: skip it there */
		if (imms[k] != 0x0013579b && !contains(cp, sp, imms[k]))
			fail_msg("%#x not in the plain code: the test program changed?", imms[k]);
		if (contains(ch, sh, imms[k]))
			fail_msg("%#x appears in the blinded code", imms[k]);
	}
	assert_true(sh != sh2 || memcmp(ch, ch2, sh)); /* keys differ per load */
	uint64_t a = 0, b = 0, c = 0;
	assert_int_equal(bpfrt_prog__run(interp, NULL, 0, &a, NULL), 0);
	assert_int_equal(bpfrt_prog__run(plain, NULL, 0, &b, NULL), 0);
	assert_int_equal(bpfrt_prog__run(hard, NULL, 0, &c, NULL), 0);
	assert_int_equal(a, b);
	assert_int_equal(a, c);
	bpfrt_prog__free(plain);
	bpfrt_prog__free(hard);
	bpfrt_prog__free(hard2);
	bpfrt_prog__free(interp);
	bpfrt_vm__free(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(blinded)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
