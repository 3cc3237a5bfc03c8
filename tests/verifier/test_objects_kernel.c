/* SPDX-License-Identifier: MIT */
/*
 * The kernel's verdict on the clang-compiled programs with iterators,
 * dynptrs, global functions and may_goto (examples/bpf/dynptr_iter.bpf.c,
 * global_func.bpf.c, may_goto.bpf.c), on tracepoint records
 * (tracepoint.bpf.c, progs/tp_record.bpf.c: bpfrt verifies them with the
 * record's size not known, as the kernel) and on the misuses of progs/objects_bad.bpf.c: each
 * program loaded alone by libbpf (kfuncs resolved against vmlinux BTF, maps
 * with their BTF) in a forked child with a timeout. The kernel must accept
 * what bpfrt's verifier accepts and reject what it rejects. Exits 77 without
 * bpf(). Left out: the spin-locked counter (SEC("uprobe"): the kernel keeps
 * bpf_spin_lock from tracing programs; spinlock.case checks locks against
 * the kernel as xdp programs).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <cmocka.h>

#include "kbpf.h"
#include "libbpf_side.h"

#define LOG_SIZE (1 << 20)

struct load_arg {
	const char *path, *prog;
};

static int load(const struct load_arg *a, char *log, size_t log_size)
{
	struct bpf_object *obj = bpf_object__open_file(a->path, NULL);
	struct bpf_program *p;

	if (!obj)
		return 2;
	bpf_object__for_each_program(p, obj) {
		bool me = !strcmp(bpf_program__name(p), a->prog);
		bpf_program__set_autoload(p, me);
		if (me && log)
			bpf_program__set_log_buf(p, log, log_size);
	}
	int err = bpf_object__load(obj);
	bpf_object__close(obj);
	return err ? 1 : 0;
}

/* In the child: 0 when the kernel loads `prog` of the object, 1 when it
 * refuses it (its log in shm: from a second load with a log, since a full
 * log of an accepted program may not fit), 2 when the object does not open. */
static int load_one(void *argp, void *shm)
{
	const struct load_arg *a = argp;

	libbpf_set_print(libbpf_side_quiet);
	int r = load(a, NULL, 0);
	if (r == 1)
		load(a, shm, LOG_SIZE);
	return r;
}

static void check(const char *path, const char *prog, bool accept, const char *msg)
{
	static char log[LOG_SIZE];
	struct load_arg a = { path, prog };
	int status = -1;

	memset(log, 0, sizeof(log));
	enum kbpf_outcome o = kbpf_in_child(load_one, &a, log, sizeof(log), 20000, &status);
	if (o != KBPF_OK || status == 2)
		fail_msg("%s %s: no verdict from the kernel (%s, status %d)", path, prog,
			 kbpf_outcome_name(o), status);
	log[sizeof(log) - 1] = 0;
	size_t n = strlen(log);
	const char *tail = n > 600 ? log + n - 600 : log; /* the reason is at the end */
	if ((status == 0) != accept)
		fail_msg("%s %s: the kernel %s it, bpfrt %s it:\n...%s", path, prog,
			 status ? "rejects" : "accepts", accept ? "accepts" : "rejects", tail);
	if (!accept && msg && !strstr(log, msg))
		fail_msg("%s %s: the kernel's log lacks '%s':\n%s", path, prog, msg, log);
}

static void kernel_agrees(void **state)
{
	char path[512];

	(void)state;
	for (int v = 3; v <= 4; v++) {
		snprintf(path, sizeof(path), "%s/dynptr_iter.v%d.o", BPF_EXAMPLES_DIR, v);
		check(path, "iter_sum", true, NULL);
		check(path, "dynptr_local", true, NULL);
		check(path, "dynptr_ringbuf", true, NULL);
		snprintf(path, sizeof(path), "%s/global_func.v%d.o", BPF_EXAMPLES_DIR, v);
		check(path, "global_calls", true, NULL);
		snprintf(path, sizeof(path), "%s/may_goto.v%d.o", BPF_EXAMPLES_DIR, v);
		check(path, "budget", true, NULL);
		check(path, "collatz", true, NULL);
	}
	for (int v = 3; v <= 4; v++) {
		snprintf(path, sizeof(path), "%s/tracepoint.v%d.o", BPF_EXAMPLES_DIR, v);
		check(path, "count_openat", true, NULL);
	}
	check(TP_RECORD, "far_read", true, NULL);
	check(TP_RECORD, "past_max", false, "invalid bpf_context access off=8192 size=8");
	check(OBJECTS_BAD, "iter_leak", false, "Unreleased reference");
	check(OBJECTS_BAD, "dynptr_leak", false, "Unreleased reference");
	check(OBJECTS_BAD, "slice_after_submit", false, "invalid mem access 'scalar'");
	check(OBJECTS_BAD, "nonnull_maybe_null", false, "arg#0 is expected to be non-NULL");
	check(OBJECTS_BAD, "nullable_unchecked", false, "R1 invalid mem access 'mem_or_null'");
	/* global functions' argument tags (test_objects.c: bpfrt's verdicts,
	 * the same but for null_to_nonnull, which bpfrt refuses on purpose) */
	check(GLOBAL_TAGS, "null_to_nonnull", true, NULL);
	check(GLOBAL_TAGS, "untrusted_void", true, NULL);
	check(GLOBAL_TAGS, "untrusted_char", true, NULL);
	check(GLOBAL_TAGS, "untrusted_arith", true, NULL);
	check(GLOBAL_TAGS, "untrusted_write", false, "R1 cannot write into rdonly_untrusted_mem");
	check(GLOBAL_TAGS, "untrusted_task", false,
	      "arg#0 reference type('FWD task_struct') has no matches");
	check(GLOBAL_TAGS, "arena_scalar", true, NULL);
	check(GLOBAL_TAGS, "arena_ptr", false, "R1 is not a pointer to arena or scalar.");
	check(GLOBAL_TAGS, "nullable_alone", false, "arg#0 has invalid combination of tags");
	check(GLOBAL_TAGS, "unknown_tag", false, "arg#0 has unsupported set of tags");
	check(GLOBAL_TAGS, "ctx_nonnull", false, "arg#0 has invalid combination of tags");
	check(GLOBAL_TAGS, "tag_on_int", false, "arg#0 has pointer tag, but is not a pointer type");
	check(GLOBAL_TAGS, "dynptr_arg", true, NULL);
	check(GLOBAL_TAGS, "dynptr_arg_released", false, "cannot release unowned const bpf_dynptr");
	/* a void * member of an untrusted struct is read-only untrusted
	 * memory in 6.18, as bpfrt's struct walk gives (test_btf_ptr.c) */
	check(GLOBAL_TAGS, "walk_leaf", true, NULL);
	check(GLOBAL_TAGS, "walk_leaf_write", false, "R1 cannot write into rdonly_untrusted_mem");
}

int main(void)
{
	int err = kbpf_available();

	if (err) {
		printf("skipped: the kernel does not load BPF programs here (%s)\n", strerror(-err));
		return 77;
	}
	const struct CMUnitTest tests[] = { cmocka_unit_test(kernel_agrees) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
