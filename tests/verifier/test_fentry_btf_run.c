/* SPDX-License-Identifier: MIT */
/*
 * The whole pipeline with the traced code's BTF (bpfrt_runtime_opts.
 * target_btf): progs/fentry_btf.bpf.c's read_next, compiled by clang, loaded,
 * verified with bt_target's prototype (support/btf_target.h), run in the
 * interpreter and the JIT on a real struct bt_node of this process:
 * n->next->val + n->in.b, and 0 + n->in.b when n->next is NULL or bad.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "bpfrt/runtime.h"
#include "support/btf_target.h"

static void run_engine(enum bpfrt_backend be)
{
	char log[512] = "";
	struct bpfrt_object_opts oo = { .sz = sizeof(oo), .log_buf = log, .log_size = sizeof(log) };
	struct bpfrt_object *obj = bpfrt_object__open_file(FENTRY_BTF_OBJ, &oo);
	if (!obj)
		fail_msg("%s: %s", FENTRY_BTF_OBJ, log);
	struct btf *btf = bt_btf_new();
	assert_non_null(btf);
	struct bpfrt_runtime_opts ro = { .sz = sizeof(ro), .backend = be,
					 .verify = BPFRT_VERIFY_REQUIRE, .log_buf = log,
					 .log_size = sizeof(log), .target_btf = btf };
	struct bpfrt_runtime *rt = bpfrt_runtime__new(obj, &ro);
	if (!rt)
		fail_msg("runtime: %s", log);
	struct bpfrt_prog *p = bpfrt_runtime__prog(rt, "read_next");
	if (!p)
		fail_msg("read_next: %s", bpfrt_runtime__log(rt));
	assert_true(bpfrt_runtime__prog_verified(rt, "read_next"));
	/* the store is refused with the target's types */
	assert_null(bpfrt_runtime__prog(rt, "write_field"));

	struct bt_node next = { .val = 700 };
	struct bt_node n = { .next = &next, .in = { 1, 20 } };
	uint64_t args[3] = { (uintptr_t)&n, 0, 0 }, r0 = 0;
	assert_int_equal(bpfrt_runtime__run(rt, p, args, sizeof(args), &r0, NULL), 0);
	assert_int_equal(r0, 720);
	n.next = NULL;
	assert_int_equal(bpfrt_runtime__run(rt, p, args, sizeof(args), &r0, NULL), 0);
	assert_int_equal(r0, 20);
	n.next = (struct bt_node *)(uintptr_t)0x8000000000000000ull;
	assert_int_equal(bpfrt_runtime__run(rt, p, args, sizeof(args), &r0, NULL), 0);
	assert_int_equal(r0, 20);
	args[0] = 0;
	assert_int_equal(bpfrt_runtime__run(rt, p, args, sizeof(args), &r0, NULL), 0);
	assert_int_equal(r0, 0);
	bpfrt_runtime__free(rt);
	btf__free(btf);
	bpfrt_object__close(obj);
}

static void test_interp(void **state)
{
	(void)state;
	run_engine(BPFRT_BACKEND_INTERP);
}

static void test_jit(void **state)
{
	(void)state;
#if defined(__x86_64__)
	run_engine(BPFRT_BACKEND_JIT);
#else
	skip();
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interp),
		cmocka_unit_test(test_jit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
