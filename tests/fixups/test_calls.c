/* SPDX-License-Identifier: MIT */
/* fixups_calls: calls rewritten from the verifier's resolved targets. A
 * callx whose register held one helper id on every path becomes a direct
 * call of it, one with different ids stays; facts of another program are
 * refused; the rewritten program computes what the original did. */
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
#include "bpfrt/vm.h"
#include "fixups/fixups.h"
#include "verifier/facts.h"
#include "verify_text.h"

static uint64_t run(const struct bpfrt_insn *p, size_t cnt, uint8_t *ctx)
{
	struct bpfrt_vm *vm = bpfrt_vm__new();
	struct bpfrt_prog_opts po = { .sz = sizeof(po), .mode = BPFRT_EXEC_TRUSTED };
	uint64_t r0 = 0;

	assert_int_equal(bpfrt_vm__register_kernel_helpers(vm), 0);
	struct bpfrt_prog *prog = bpfrt_prog__load(vm, p, cnt, &po);
	assert_non_null(prog);
	assert_int_equal(bpfrt_prog__run(prog, ctx, 8, &r0, NULL), 0);
	bpfrt_prog__free(prog);
	bpfrt_vm__free(vm);
	return r0;
}

static void callx_of_one_helper_becomes_direct(void **state)
{
	(void)state;
	struct bpfrt_insn *p, orig[16];
	size_t cnt, n = 99;
	/* r2 = 14 (get_current_pid_tgid) on both paths; r4 = 14 or 15 */
	struct verifier_facts *f = verify_text("ldxb %r3, [%r1]\n"
					  "mov %r2, 14\n"
					  "mov %r4, 14\n"
					  "jeq %r3, 0, +1\n"
					  "mov %r4, 15\n"
					  "mov %r6, %r4\n"
					  "call %r2\n"	     /* 6: one target */
					  "mov %r7, %r0\n"
					  "call %r6\n"	     /* 8: two targets */
					  "mov %r0, %r7\n"
					  "exit\n",
					  8, &p, &cnt);
	uint8_t ctx[8] = { 0 };
	uint64_t want = run(p, cnt, ctx);

	memcpy(orig, p, cnt * sizeof(*p));
	assert_int_equal(fixups_calls(p, cnt, f, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p[6].code, BPFRT_JMP | BPFRT_CALL);
	assert_int_equal(p[6].src_reg | p[6].dst_reg, 0);
	assert_int_equal(p[6].imm, 14);
	for (size_t i = 0; i < cnt; i++)
		if (i != 6)
			assert_memory_equal(&p[i], &orig[i], sizeof(*p));
	assert_int_equal(run(p, cnt, ctx), want);
	/* facts of another program; no facts: nothing */
	assert_int_equal(fixups_calls(p, cnt - 1, f, &n), -EINVAL);
	assert_int_equal(fixups_calls(p, cnt, NULL, &n), 0);
	assert_int_equal(n, 0);
	verifier_facts_free(f);
	free(p);
}

static void calls_must_agree_with_their_facts(void **state)
{
	(void)state;
	struct bpfrt_insn *p;
	size_t cnt;
	struct verifier_facts *f = verify_text("mov %r1, 1\ncall local g\ncall 14\nexit\n"
					  "g:\nmov %r0, %r1\nexit\n",
					  8, &p, &cnt);

	assert_int_equal(fixups_calls(p, cnt, f, NULL), 0);
	p[2].imm = 15; /* another helper than the verifier checked */
	assert_int_equal(fixups_calls(p, cnt, f, NULL), -EINVAL);
	p[2].imm = 14;
	p[1].imm++; /* another callee */
	assert_int_equal(fixups_calls(p, cnt, f, NULL), -EINVAL);
	verifier_facts_free(f);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(callx_of_one_helper_becomes_direct),
		cmocka_unit_test(calls_must_agree_with_their_facts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
