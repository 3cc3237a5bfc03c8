/* SPDX-License-Identifier: MIT */
/* The kfunc table and the dynptr / session kfuncs, called directly. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "helpers/dynptr.h"
#include "helpers/kfuncs.h"
#include "helpers/trace_frame.h"
#include "vm/run_ctx.h"

static uint64_t call(const char *name, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
		     struct bpfrt_run_ctx *rc)
{
	int i = kfunc_find_by_name(name);

	assert_true(i >= 0);
	assert_non_null(kfunc_get((uint32_t)i)->fn);
	return kfunc_get((uint32_t)i)->fn(a, b, c, d, 0, rc);
}

#define P(x) ((uint64_t)(uintptr_t)(x))

static void table_names_unique(void **state)
{
	(void)state;
	uint32_t n;
	const struct kfunc_proto *t = kfunc_table(&n);

	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(kfunc_find_by_name(t[i].name), (int)i);
		assert_memory_equal(t[i].name, "bpf_", 4);
	}
	assert_int_equal(kfunc_find_by_name("bpf_nope"), -1);
	assert_null(kfunc_get(n));
	assert_true(kfunc_find_by_name("bpf_session_cookie") >= 0);
	assert_true(kfunc_find_by_name("bpf_session_is_return") >= 0);
}

static void dynptr_slices_and_adjust(void **state)
{
	(void)state;
	uint8_t mem[32];
	struct dynptr_kern d, ro, c, null = { 0 };

	for (int i = 0; i < 32; i++)
		mem[i] = (uint8_t)i;
	dynptr_init(&d, mem, DYNPTR_TYPE_LOCAL, sizeof(mem), false);
	dynptr_init(&ro, mem, DYNPTR_TYPE_LOCAL, sizeof(mem), true);
	assert_int_equal(call("bpf_dynptr_size", P(&d), 0, 0, 0, NULL), 32);
	assert_int_equal(call("bpf_dynptr_slice", P(&d), 4, 0, 8, NULL), P(mem + 4));
	assert_int_equal(call("bpf_dynptr_slice", P(&d), 28, 0, 8, NULL), 0);
	assert_int_equal(call("bpf_dynptr_slice_rdwr", P(&ro), 0, 0, 4, NULL), 0);
	assert_int_equal(call("bpf_dynptr_slice", P(&ro), 0, 0, 4, NULL), P(mem));
	assert_int_equal(call("bpf_dynptr_is_rdonly", P(&ro), 0, 0, 0, NULL), 1);
	assert_int_equal(call("bpf_dynptr_is_null", P(&null), 0, 0, 0, NULL), 1);
	assert_int_equal(call("bpf_dynptr_is_null", P(&d), 0, 0, 0, NULL), 0);
	assert_int_equal(call("bpf_dynptr_adjust", P(&d), 8, 40, 0, NULL), (uint64_t)-ERANGE);
	assert_int_equal(call("bpf_dynptr_adjust", P(&d), 9, 8, 0, NULL), (uint64_t)-EINVAL);
	assert_int_equal(call("bpf_dynptr_adjust", P(&d), 8, 24, 0, NULL), 0);
	assert_int_equal(call("bpf_dynptr_size", P(&d), 0, 0, 0, NULL), 16);
	assert_int_equal(call("bpf_dynptr_slice", P(&d), 2, 0, 1, NULL), P(mem + 10));
	assert_int_equal(call("bpf_dynptr_clone", P(&d), P(&c), 0, 0, NULL), 0);
	assert_int_equal(call("bpf_dynptr_size", P(&c), 0, 0, 0, NULL), 16);
	assert_int_equal(call("bpf_dynptr_clone", P(&null), P(&c), 0, 0, NULL), (uint64_t)-EINVAL);
	assert_int_equal(call("bpf_dynptr_is_null", P(&c), 0, 0, 0, NULL), 1);
}

static void throw_and_session(void **state)
{
	(void)state;
	struct bpfrt_run_ctx rc = { 0 };
	struct {
		struct trace_frame f;
		uint64_t args[2];
	} fr = { .f = { .is_return = 1, .nr_args = 1 } };
	uint64_t ctx = P(fr.f.args);

	call("bpf_throw", 42, 0, 0, 0, &rc);
	assert_true(rc.aborted);
	assert_int_equal(rc.abort_r0, 42);
	/* No trace frame in this run (a uprobe session's registers): the
	 * cookie is the run's own word, nothing below ctx is read. */
	assert_int_equal(call("bpf_session_cookie", ctx, 0, 0, 0, &rc), P(&rc.session_cookie));
	assert_int_equal(call("bpf_session_is_return", ctx, 0, 0, 0, &rc), 0);
	rc.trace = &fr.f;
	assert_int_equal(call("bpf_session_cookie", ctx, 0, 0, 0, &rc), P(&fr.f.session_cookie));
	assert_int_equal(call("bpf_session_is_return", ctx, 0, 0, 0, &rc), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_names_unique),
		cmocka_unit_test(dynptr_slices_and_adjust),
		cmocka_unit_test(throw_and_session),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
