/* SPDX-License-Identifier: MIT */
/*
 * Programs compiled by clang that use kfuncs, dynptrs, iterators and spin
 * locks, global functions: the verifier accepts examples/bpf/dynptr_iter.bpf.c
 * and global_func.bpf.c (v3 and v4 objects), and they run verified, in the JIT where it is built and in the
 * interpreter, returning 0 (their own checks passed); the misuses in
 * progs/objects_bad.bpf.c are refused with the kernel's kind of message.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bpfrt/object.h"
#include "bpfrt/runtime.h"
#include "bpfrt/vm.h"

static struct bpfrt_runtime *open_rt(const char *path, enum bpfrt_backend backend,
				     struct bpfrt_object **obj)
{
	char log[512] = "";
	struct bpfrt_object_opts oo = { .sz = sizeof(oo), .log_buf = log, .log_size = sizeof(log) };

	*obj = bpfrt_object__open_file(path, &oo);
	if (!*obj)
		fail_msg("%s: %s", path, log);
	struct bpfrt_runtime_opts ro = { .sz = sizeof(ro), .backend = backend,
					 .verify = BPFRT_VERIFY_REQUIRE, .log_buf = log,
					 .log_size = sizeof(log) };
	struct bpfrt_runtime *rt = bpfrt_runtime__new(*obj, &ro);
	if (!rt)
		fail_msg("%s: %s", path, log);
	return rt;
}

static void run_examples(const char *example, const char *cpu, enum bpfrt_backend backend)
{
	static const char *const all[] = { "iter_sum", "dynptr_local", "dynptr_ringbuf",
					   "locked_count", "global_calls" };
	const char *const *progs = all;
	size_t n = 4;
	char path[512];
	struct bpfrt_object *obj;

	if (!strcmp(example, "global_func"))
		progs = all + 4, n = 1;
	snprintf(path, sizeof(path), "%s/%s.%s.o", BPF_EXAMPLES_DIR, example, cpu);
	struct bpfrt_runtime *rt = open_rt(path, backend, &obj);
	if (backend == BPFRT_BACKEND_JIT &&
	    !bpfrt_vm__has_backend(bpfrt_runtime__vm(rt), BPFRT_BACKEND_JIT)) {
		bpfrt_runtime__free(rt);
		bpfrt_object__close(obj);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t ctx[256] = { 0 };
		uint64_t r0 = ~0ull;
		struct bpfrt_prog *p = bpfrt_runtime__prog(rt, progs[i]);

		if (!p)
			fail_msg("%s %s: %s", cpu, progs[i], bpfrt_runtime__log(rt));
		assert_true(bpfrt_runtime__prog_verified(rt, progs[i]));
		if (backend == BPFRT_BACKEND_JIT)
			assert_string_equal(bpfrt_prog__backend_name(p), "jit");
		/* twice: the lock, ring buffer and iterators leave nothing behind */
		for (int n = 0; n < 2; n++) {
			assert_int_equal(bpfrt_runtime__run(rt, p, ctx, sizeof(ctx), &r0, NULL), 0);
			if (r0)
				fail_msg("%s %s returned %llu", cpu, progs[i], (unsigned long long)r0);
		}
	}
	bpfrt_runtime__free(rt);
	bpfrt_object__close(obj);
}

static void examples_verified_and_run(void **state)
{
	(void)state;
	static const char *const examples[] = { "dynptr_iter", "global_func" };
	for (int e = 0; e < 2; e++) {
		run_examples(examples[e], "v3", BPFRT_BACKEND_INTERP);
		run_examples(examples[e], "v4", BPFRT_BACKEND_INTERP);
		run_examples(examples[e], "v3", BPFRT_BACKEND_JIT);
		run_examples(examples[e], "v4", BPFRT_BACKEND_JIT);
	}
}

/* A program of an object and bpfrt's verdict on it: msg NULL accepted,
 * else rejected with msg in the log. */
struct verdict {
	const char *prog, *msg;
};

static void check_verdicts(const char *path, const struct verdict *v, size_t n)
{
	struct bpfrt_object *obj;
	struct bpfrt_runtime *rt = open_rt(path, BPFRT_BACKEND_INTERP, &obj);

	for (size_t i = 0; i < n; i++) {
		bool ok = bpfrt_runtime__prog(rt, v[i].prog) != NULL;
		if (ok != !v[i].msg)
			fail_msg("%s: %s", v[i].prog, ok ? "accepted" : bpfrt_runtime__log(rt));
		if (v[i].msg && !strstr(bpfrt_runtime__log(rt), v[i].msg))
			fail_msg("%s: '%s' lacks '%s'", v[i].prog, bpfrt_runtime__log(rt), v[i].msg);
	}
	bpfrt_runtime__free(rt);
	bpfrt_object__close(obj);
}

static void misuses_refused(void **state)
{
	static const struct verdict bad[] = {
		{ "iter_leak", "would lead to reference leak" },
		{ "dynptr_leak", "would lead to reference leak" },
		{ "slice_after_submit", "invalid mem access 'scalar'" },
		{ "call_under_lock", "function calls are not allowed while holding a lock" },
		{ "nonnull_maybe_null", "arg#0 is expected to be non-NULL" },
		{ "nullable_unchecked", "R1 invalid mem access 'mem_or_null'" },
	};

	(void)state;
	check_verdicts(OBJECTS_BAD, bad, sizeof(bad) / sizeof(bad[0]));
}

/* progs/global_tags.bpf.c: the same verdicts as the kernel's
 * (test_objects_kernel.c), but null_to_nonnull, which bpfrt refuses, and
 * walk_leaf*, whose kernel struct bpfrt has no type for. */
static void global_tags(void **state)
{
	static const struct verdict cases[] = {
		{ "null_to_nonnull", "arg#0 is expected to be non-NULL" },
		{ "untrusted_void", NULL },
		{ "untrusted_char", NULL },
		{ "untrusted_arith", NULL },
		{ "untrusted_write", "R1 cannot write into rdonly_untrusted_mem" },
		{ "untrusted_task", "arg#0 reference type('FWD task_struct') has no matches" },
		{ "arena_scalar", NULL },
		{ "arena_ptr", "R1 is not a pointer to arena or scalar." },
		{ "nullable_alone", "arg#0 has invalid combination of tags" },
		{ "unknown_tag", "arg#0 has unsupported set of tags" },
		{ "ctx_nonnull", "arg#0 has invalid combination of tags" },
		{ "tag_on_int", "arg#0 has pointer tag, but is not a pointer type" },
		{ "dynptr_arg", NULL },
		{ "dynptr_arg_released", "cannot release unowned const bpf_dynptr" },
		{ "walk_leaf", "arg#0 reference type('STRUCT file') has no matches (no target BTF" },
		{ "walk_leaf_write", "arg#0 reference type('STRUCT file') has no matches" },
	};
	struct bpfrt_object *obj;
	struct bpfrt_runtime *rt;

	(void)state;
	check_verdicts(GLOBAL_TAGS, cases, sizeof(cases) / sizeof(cases[0]));
	/* run in both engines: untrusted memory is read fault-safe (address 8
	 * reads 0), a dynptr argument is the caller's */
	static const struct {
		const char *prog;
		int64_t r0; /* -1: any */
	} runs[] = {
		{ "untrusted_void", 1 }, { "untrusted_char", 0 }, { "untrusted_arith", -1 },
		{ "arena_scalar", 1 },	 { "dynptr_arg", -1 },
	};
	for (int b = 0; b < 2; b++) {
		enum bpfrt_backend be = b ? BPFRT_BACKEND_JIT : BPFRT_BACKEND_INTERP;
		rt = open_rt(GLOBAL_TAGS, be, &obj);
		for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]) &&
				   (!b || bpfrt_vm__has_backend(bpfrt_runtime__vm(rt), be));
		     i++) {
			uint8_t ctx[256] = { 0 };
			uint64_t r0 = ~0ull;
			struct bpfrt_prog *p = bpfrt_runtime__prog(rt, runs[i].prog);
			assert_non_null(p);
			assert_int_equal(bpfrt_runtime__run(rt, p, ctx, sizeof(ctx), &r0, NULL), 0);
			if (runs[i].r0 >= 0 && r0 != (uint64_t)runs[i].r0)
				fail_msg("%s (%s) returned %llu", runs[i].prog, b ? "jit" : "interp",
					 (unsigned long long)r0);
		}
		bpfrt_runtime__free(rt);
		bpfrt_object__close(obj);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(examples_verified_and_run),
		cmocka_unit_test(misuses_refused),
		cmocka_unit_test(global_tags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
