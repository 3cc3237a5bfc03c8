/* SPDX-License-Identifier: MIT */
/*
 * The accept/reject suite: every `.case` file in cases/ holds cases written in
 * assembler text, each with the verdict and, for rejections, a substring of
 * the expected message:
 *
 *	== a name saying what the case checks
 *	-- opts                      (optional, one per line)
 *	attach uprobe | mech trampoline | ctx 64 | nr_args 2
 *	map TYPE KEY VALUE ENTRIES [FLAGS]   (referred to as map[idx:N] in order)
 *	frozen HEX BYTES             (the last map is frozen with these bytes,
 *	                              zero-padded to its value size: .rodata)
 *	helper ID NARGS | kernel_compat | gpl
 *	spin_lock OFF | btf           (the last map's value BTF: lock offset, or none)
 *	expected_attach N            (the kernel's enum bpf_attach_type: 1 is
 *	                              BPF_CGROUP_INET_EGRESS)
 *	kernel xdp|sched_cls|socket|cgroup_skb|raw_tracepoint|tracepoint  (KERNEL_VERDICTS build: the kernel's
 *	                              verdict and message must be the same)
 *	global LABEL [scalar|ctx|mem:SIZE|nonnull:SIZE|trusted:S|nullable:S|
 *	              untrusted[:S]|arena|dynptr]...  (the function at LABEL is global;
 *	                              nonnull: tagged arg:nonnull; trusted:
 *	                              arg:trusted struct S, nullable: with
 *	                              arg:nullable too, untrusted: arg:untrusted
 *	                              void * or struct S, arena: arg:arena,
 *	                              dynptr: a struct bpf_dynptr *)
 *	target NAME                  (the traced function or tracepoint NAME of
 *	                              tests/support/btf_target.h's BTF)
 *
 * `call kfunc NAME` is assembled as a call of that kfunc's table index.
 *	-- asm
 *	mov %r0, 0
 *	exit
 *	-- accept                    or   -- reject
 *	                                  R1 invalid mem access 'scalar'
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpfrt/asm.h"
#include "bpfrt/verifier.h"
#include "vcase.h"
#ifdef KERNEL_VERDICTS
#include <linux/bpf.h>
#include <unistd.h>

#include "kbpf.h"
#endif

static int total, failed;

#ifdef KERNEL_VERDICTS
/* The kernel's verdict on a case marked `kernel TYPE`: the program loaded
 * as that type in a forked child (kbpf), its maps created in the kernel.
 * Disagreements (verdict, or the expected message missing from the
 * kernel's log) are printed and fail the test. */
static int kernel_case(const char *file, struct vcase *c, struct bpfrt_insn *insns, size_t cnt)
{
	static char klog[1 << 16];
	int fds[8], err = 0;
	char why[256];
	if (vcase_kernel_prepare(c, insns, cnt, fds, why, sizeof(why))) {
		printf("%s: %s: %s\n", file, c->name, why);
		return -1;
	}
	struct kbpf_prog kp = {
		.insns = insns, .insn_cnt = cnt, .prog_type = c->kernel_type - 1,
		.expected_attach_type = c->o.expected_attach_type,
		.log_buf = klog, .log_size = sizeof(klog),
	};
	struct kbpf_result r;
	klog[0] = 0;
	kbpf_prog_check(&kp, 10000, &r);
	vcase_kernel_maps_close(c, fds);
	if (r.outcome != KBPF_OK && r.outcome != KBPF_REJECTED) {
		printf("%s: %s: the kernel gave no verdict (%s)\n", file, c->name,
		       kbpf_outcome_name(r.outcome));
		return -1;
	}
	bool kaccepts = r.outcome == KBPF_OK;
	if (kaccepts != (c->expect == 1)) {
		printf("%s: %s: DISAGREE: the kernel %s, the case expects %s\n%s\n", file, c->name,
		       kaccepts ? "accepts" : "rejects", c->expect ? "accepted" : "rejected", klog);
		err = -1;
	} else if (!kaccepts && c->message[0] && !strstr(klog, c->message)) {
		printf("%s: %s: the kernel rejects, but its log lacks '%s':\n%s\n", file, c->name,
		       c->message, klog);
		err = -1;
	}
	return err;
}
#endif

static void run_case(const char *file, struct vcase *c, void *arg)
{
	char log[16384], why[640];
	struct bpfrt_insn *insns = NULL;
	size_t cnt = 0;
	(void)arg;
	total++;
	if (c->bad_opt) {
		printf("%s: %s: bad option line '%s'\n", file, c->name, c->bad_opt);
		failed++;
		return;
	}
	if (c->expect < 0) {
		printf("%s: %s: no verdict\n", file, c->name);
		failed++;
		return;
	}
	if (vcase_assemble(c, &insns, &cnt, why, sizeof(why))) {
		printf("%s: %s: %s\n", file, c->name, why);
		failed++;
		return;
	}
#ifdef KERNEL_VERDICTS
	if (!c->kernel_type) {
		total--;
		free(insns);
		return;
	}
	if (kernel_case(file, c, insns, cnt))
		failed++;
	free(insns);
	return;
#endif
	c->o.log_level = 1;
	c->o.log_buf = log;
	c->o.log_size = sizeof(log);
	int err = bpfrt_verify(insns, cnt, &c->o);
	free(insns);
	if (getenv("VCASES_LOG")) /* to write a case's expected message */
		printf("%s: %s: %s\n%s\n", file, c->name, err ? "rejected" : "accepted", log);
	if (c->expect && err) {
		printf("%s: %s: rejected, expected accepted:\n%s\n", file, c->name, log);
		failed++;
	} else if (!c->expect && !err) {
		printf("%s: %s: accepted, expected rejected (%s)\n", file, c->name, c->message);
		failed++;
	} else if (!c->expect && c->message[0] && !strstr(log, c->message)) {
		printf("%s: %s: rejected, but the log lacks '%s':\n%s\n", file, c->name, c->message,
		       log);
		failed++;
	}
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void every_case_has_its_verdict(void **state)
{
	(void)state;
	struct dirent **list;
	/* VCASES=alu_ptr runs only the files whose name contains it. */
	const char *only = getenv("VCASES");
	int n = scandir(BPFRT_VERIFIER_CASES, &list, NULL, by_name);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(list[i]->d_name);
		if (len > 5 && !strcmp(list[i]->d_name + len - 5, ".case") &&
		    (!only || strstr(list[i]->d_name, only)))
			assert_int_equal(vcase_read_file(BPFRT_VERIFIER_CASES, list[i]->d_name,
							 run_case, NULL),
					 0);
		free(list[i]);
	}
	free(list);
#ifdef KERNEL_VERDICTS
	printf("%d of %d cases marked `kernel` get the kernel's verdict\n", total - failed, total);
#else
	printf("%d of %d verifier cases as expected\n", total - failed, total);
#endif
	assert_int_equal(failed, 0);
}

int main(void)
{
#ifdef KERNEL_VERDICTS
	int kerr = kbpf_available();
	if (kerr) {
		printf("bpf() unavailable (%s): skipped\n", strerror(-kerr));
		return 77;
	}
#endif
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_case_has_its_verdict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
