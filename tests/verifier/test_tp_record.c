/* SPDX-License-Identifier: MIT */
/*
 * Tracepoint records: the size from a tracefs format
 * (bpfrt_tp_format_record_size); the verifier's bounds as the kernel's
 * tp_prog_is_valid_access when the size is not known ([8, 8192)) and the
 * record's end when it is (bpfrt_runtime_opts.tp_record_size); runs of
 * examples/bpf/tracepoint.bpf.c and progs/tp_record.bpf.c in both engines,
 * on records shorter than what the program was verified for (padded with
 * zeroes: ASan catches a read past the context).
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

/* /sys/kernel/tracing/events/syscalls/sys_enter_openat/format (Linux 6.18) */
static const char openat_format[] =
	"name: sys_enter_openat\n"
	"ID: 700\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:int flags;\toffset:32;\tsize:8;\tsigned:0;\n"
	"\tfield:umode_t mode;\toffset:40;\tsize:8;\tsigned:0;\n"
	"\n"
	"print fmt: \"dfd: 0x%08lx, filename: 0x%08lx, flags: 0x%08lx, mode: 0x%08lx\", "
	"((unsigned long)(REC->dfd)), ((unsigned long)(REC->filename)), "
	"((unsigned long)(REC->flags)), ((unsigned long)(REC->mode))\n";

static void format_sizes(void **state)
{
	uint32_t size = 0;

	(void)state;
	assert_int_equal(bpfrt_tp_format_record_size(openat_format, &size), 0);
	assert_int_equal(size, 48);
	/* the last field need not be the last line; __data_loc is 4 bytes */
	assert_int_equal(bpfrt_tp_format_record_size(
				 "format:\n\tfield:__data_loc char[] name;\toffset:12;\tsize:4;\tsigned:0;\n"
				 "\tfield:int a;\toffset:8;\tsize:4;\tsigned:1;\n",
				 &size),
			 0);
	assert_int_equal(size, 16);
	assert_int_equal(bpfrt_tp_format_record_size("name: x\nformat:\n", &size), -EINVAL);
	assert_int_equal(bpfrt_tp_format_record_size("\tfield:int a;\toffset:8;\n", &size),
			 -EINVAL);
	assert_int_equal(bpfrt_tp_format_record_size("\tfield:char b[9000];\toffset:8;\tsize:9000;\n",
						     &size),
			 -E2BIG);
	assert_int_equal(bpfrt_tp_format_record_size(NULL, &size), -EINVAL);
}

struct rt_pair {
	struct bpfrt_object *obj;
	struct bpfrt_runtime *rt;
	char log[512];
};

static bool open_rt(struct rt_pair *r, const char *path, enum bpfrt_backend backend,
		    uint32_t record_size)
{
	struct bpfrt_object_opts oo = { .sz = sizeof(oo), .log_buf = r->log,
					.log_size = sizeof(r->log) };

	r->obj = bpfrt_object__open_file(path, &oo);
	if (!r->obj)
		fail_msg("%s: %s", path, r->log);
	struct bpfrt_runtime_opts ro = { .sz = sizeof(ro), .backend = backend,
					 .verify = BPFRT_VERIFY_REQUIRE, .log_buf = r->log,
					 .log_size = sizeof(r->log), .tp_record_size = record_size };
	r->rt = bpfrt_runtime__new(r->obj, &ro);
	if (!r->rt)
		fail_msg("%s: %s", path, r->log);
	if (backend == BPFRT_BACKEND_JIT &&
	    !bpfrt_vm__has_backend(bpfrt_runtime__vm(r->rt), BPFRT_BACKEND_JIT)) {
		bpfrt_runtime__free(r->rt);
		bpfrt_object__close(r->obj);
		return false;
	}
	return true;
}

static void close_rt(struct rt_pair *r)
{
	bpfrt_runtime__free(r->rt);
	bpfrt_object__close(r->obj);
}

static uint64_t run(struct rt_pair *r, const char *name, void *ctx, size_t ctx_size)
{
	struct bpfrt_prog *p = bpfrt_runtime__prog(r->rt, name);
	uint64_t r0 = ~0ull;

	if (!p)
		fail_msg("%s: %s", name, bpfrt_runtime__log(r->rt));
	assert_true(bpfrt_runtime__prog_verified(r->rt, name));
	assert_int_equal(bpfrt_runtime__run(r->rt, p, ctx, ctx_size, &r0, NULL), 0);
	return r0;
}

static void refused(struct rt_pair *r, const char *name, const char *msg)
{
	assert_null(bpfrt_runtime__prog(r->rt, name));
	if (!strstr(bpfrt_runtime__log(r->rt), msg))
		fail_msg("%s: '%s' lacks '%s'", name, bpfrt_runtime__log(r->rt), msg);
}

/* The record of an openat(O_RDWR|O_CREAT, 0644) call. */
static void openat_record(uint64_t rec[6])
{
	memset(rec, 0, 6 * sizeof(rec[0]));
	rec[1] = 257;		 /* __syscall_nr */
	rec[2] = (uint64_t)-100; /* dfd: AT_FDCWD */
	rec[4] = 0x42;		 /* flags */
	rec[5] = 0644;		 /* mode */
}

static void example_runs(void **state)
{
	static const enum bpfrt_backend engines[] = { BPFRT_BACKEND_INTERP, BPFRT_BACKEND_JIT };
	static const uint32_t sizes[] = { 0, 48, 8192 };
	char path[512];
	struct rt_pair r;
	uint64_t rec[6];

	(void)state;
	for (int v = 3; v <= 4; v++)
		for (size_t e = 0; e < 2; e++)
			for (size_t s = 0; s < 3; s++) {
				snprintf(path, sizeof(path), "%s/tracepoint.v%d.o", BPF_EXAMPLES_DIR, v);
				if (!open_rt(&r, path, engines[e], sizes[s]))
					continue;
				openat_record(rec);
				/* counts per flags value: 1, then 2; a record cut
				 * short reads zeroes after its end (flags 0) */
				assert_int_equal(run(&r, "count_openat", rec, sizeof(rec)), 1);
				assert_int_equal(run(&r, "count_openat", rec, sizeof(rec)), 2);
				assert_int_equal(run(&r, "count_openat", rec, 24), 1);
				assert_int_equal(run(&r, "count_openat", NULL, 0), 2);
				close_rt(&r);
			}
	/* a record of 40 bytes has no mode */
	snprintf(path, sizeof(path), "%s/tracepoint.v4.o", BPF_EXAMPLES_DIR);
	open_rt(&r, path, BPFRT_BACKEND_INTERP, 40);
	refused(&r, "count_openat",
		"invalid bpf_context access off=40 size=8: the tracepoint's record is 40 bytes");
	close_rt(&r);
}

static void kernel_bounds(void **state)
{
	static const enum bpfrt_backend engines[] = { BPFRT_BACKEND_INTERP, BPFRT_BACKEND_JIT };
	uint64_t rec[4] = { 1, 2, 3, 4 };
	struct rt_pair r;

	(void)state;
	for (size_t e = 0; e < 2; e++) {
		/* not known: the kernel's 8192 bytes, so a short record is
		 * padded to 8192 and the read at 8184 sees a zero */
		if (!open_rt(&r, TP_RECORD, engines[e], 0))
			continue;
		assert_int_equal(run(&r, "far_read", rec, sizeof(rec)), 0);
		assert_int_equal(run(&r, "far_read", NULL, 0), 0);
		refused(&r, "past_max", "invalid bpf_context access off=8192 size=8");
		close_rt(&r);
	}
	/* a larger size than the kernel's is the kernel's */
	open_rt(&r, TP_RECORD, BPFRT_BACKEND_INTERP, 16384);
	assert_int_equal(run(&r, "far_read", NULL, 0), 0);
	close_rt(&r);
	/* known: reads past the record are refused, naming its size */
	open_rt(&r, TP_RECORD, BPFRT_BACKEND_INTERP, 48);
	refused(&r, "far_read", "invalid bpf_context access off=8184 size=8: the tracepoint's "
				"record is 48 bytes");
	close_rt(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_sizes),
		cmocka_unit_test(example_runs),
		cmocka_unit_test(kernel_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
