/* SPDX-License-Identifier: MIT */
/* Helpers called directly as an engine calls them: formatting, fault-safe
 * reads, the task and tracing helpers, spin locks. (Through real BPF
 * programs: test_helper_progs.) */
#include <errno.h>
#include <linux/bpf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cmocka.h>

#include "bpfrt/vm.h"
#include "helpers/helpers.h"
#include "helpers/safe_read.h"
#include "helpers/trace_frame.h"
#include "vm/prog.h"
#include "vm/run_ctx.h"

#include "support/helper_call.h"

#define P(x) ((uint64_t)(uintptr_t)(x))

static char printed[2048];
static void sink(void *ctx, const char *msg, size_t len)
{
	(void)ctx;
	strncat(printed, msg, len);
}

static void printk_formats_like_the_kernel(void **state)
{
	(void)state;
	struct bpfrt_vm *vm = bpfrt_vm__new();
	struct bpfrt_prog prog = { .vm = vm };
	struct bpfrt_run_ctx rc = { .prog = &prog };
	static const char f1[] = "x=%d y=%u z=%llx s=%s c=%c %%\n";
	static const char f2[] = "%5d|%-4u|%08lx|%pi4\n";
	const uint8_t ip[4] = { 127, 0, 0, 1 };
	uint64_t v[4] = { (uint64_t)-5, 7, 0xab, P(ip) };

	bpfrt_vm__set_trace_output(vm, sink, NULL);
	printed[0] = '\0';
	assert_int_equal(
	    helper_call(BPF_FUNC_trace_printk, P(f1), sizeof(f1), (uint64_t)-3, 42, 0xbeef, &rc),
	    (uint64_t)-EINVAL); /* %s and %c need a 4th and 5th argument */
	static const char f3[] = "x=%d y=%u z=%llx\n";
	assert_int_equal(
	    helper_call(BPF_FUNC_trace_printk, P(f3), sizeof(f3), (uint64_t)-3, 42, 0xbeef, &rc),
	    strlen("x=-3 y=42 z=beef\n"));
	assert_string_equal(printed, "x=-3 y=42 z=beef\n");
	printed[0] = '\0';
	assert_int_equal(
	    helper_call(BPF_FUNC_trace_vprintk, P(f2), sizeof(f2), P(v), sizeof(v), 0, &rc),
	    strlen("   -5|7   |000000ab|127.000.000.001\n"));
	assert_string_equal(printed, "   -5|7   |000000ab|127.000.000.001\n");
	static const char bad[] = "%.3d\n";
	assert_int_equal(helper_call(BPF_FUNC_trace_vprintk, P(bad), sizeof(bad), P(v), 8, 0, &rc),
			 (uint64_t)-EINVAL);
	static const char unterminated[3] = { '%', 'd', 'x' };
	assert_int_equal(helper_call(BPF_FUNC_trace_printk, P(unterminated), 3, 1, 2, 3, &rc),
			 (uint64_t)-EINVAL);
	bpfrt_vm__free(vm);
}

/* bpf_strncmp: the kernel's strncmp, -1, 0 or 1 over at most s1_sz bytes */
static void strncmp_as_the_kernel(void **state)
{
	(void)state;
	static const char sleep_[] = "sleep", sle[] = "sle", zz[] = "zz";
	char comm[16] = "sleeper";
	assert_int_equal(helper_call(BPF_FUNC_strncmp, P(comm), 5, P(sleep_), 0, 0, NULL), 0);
	assert_int_equal(helper_call(BPF_FUNC_strncmp, P(comm), 16, P(sleep_), 0, 0, NULL), 1);
	assert_int_equal(helper_call(BPF_FUNC_strncmp, P(comm), 16, P(zz), 0, 0, NULL),
			 (uint64_t)-1);
	assert_int_equal(helper_call(BPF_FUNC_strncmp, P(comm), 3, P(sle), 0, 0, NULL), 0);
	comm[2] = 0;
	assert_int_equal(helper_call(BPF_FUNC_strncmp, P(comm), 16, P(sle), 0, 0, NULL),
			 (uint64_t)-1);
}

static void snprintf_returns_the_needed_length(void **state)
{
	(void)state;
	char out[8];
	static const char fmt[] = "%s-%d";
	const char *s = "hello";
	uint64_t args[2] = { P(s), 12345 };

	assert_int_equal(
	    helper_call(BPF_FUNC_snprintf, P(out), sizeof(out), P(fmt), P(args), 16, NULL),
	    strlen("hello-12345") + 1);
	assert_string_equal(out, "hello-1");
	assert_int_equal(helper_call(BPF_FUNC_snprintf, 0, 0, P(fmt), P(args), 16, NULL), 12);
	assert_int_equal(
	    helper_call(BPF_FUNC_snprintf, P(out), sizeof(out), P(fmt), P(args), 12, NULL),
	    (uint64_t)-EINVAL);
}

static void probe_read_is_fault_safe(void **state)
{
	(void)state;
	long pg = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char dst[16];
	uint64_t word = 0x1122334455667788ull, got = 1;

	assert_true(m != MAP_FAILED);
	munmap(m + pg, pg);
	assert_int_equal(helper_call(BPF_FUNC_probe_read_user, P(&got), 8, P(&word), 0, 0, NULL),
			 0);
	assert_int_equal(got, word);
	assert_int_equal(helper_call(BPF_FUNC_probe_read_kernel, P(&got), 8, 8, 0, 0, NULL),
			 (uint64_t)-EFAULT);
	assert_int_equal(got, 0);
	/* straddling into the unmapped page */
	assert_int_equal(
	    helper_call(BPF_FUNC_probe_read_user, P(dst), 8, P(m + pg - 4), 0, 0, NULL),
	    (uint64_t)-EFAULT);
	memcpy(m + pg - 4, "abc", 4);
	assert_int_equal(helper_call(BPF_FUNC_probe_read_user_str, P(dst), sizeof(dst),
				     P(m + pg - 4), 0, 0, NULL),
			 4);
	assert_string_equal(dst, "abc");
	memcpy(m + pg - 4, "abcd", 4); /* no NUL before the hole */
	assert_int_equal(helper_call(BPF_FUNC_probe_read_user_str, P(dst), sizeof(dst),
				     P(m + pg - 4), 0, 0, NULL),
			 (uint64_t)-EFAULT);
	assert_int_equal(
	    helper_call(BPF_FUNC_probe_read_kernel_str, P(dst), 3, P("hello"), 0, 0, NULL), 3);
	assert_string_equal(dst, "he");
	/* the fallback: a pipe */
	memset(dst, 0, sizeof(dst));
	assert_int_equal(safe_read_pipe(dst, m + pg - 4, 4), 4);
	assert_memory_equal(dst, "abcd", 4);
	assert_true(safe_read_pipe(dst, m + pg - 4, 8) < 8);
	assert_int_equal(safe_read_pipe(dst, (void *)8, 8), 0);
	munmap(m, pg);
}

static void task_helpers(void **state)
{
	(void)state;
	char comm[16];

	prctl(PR_SET_NAME, "helpertest");
	assert_int_equal(
	    helper_call(BPF_FUNC_get_current_comm, P(comm), sizeof(comm), 0, 0, 0, NULL), 0);
	assert_string_equal(comm, "helpertest");
	assert_int_equal(helper_call(BPF_FUNC_get_current_pid_tgid, 0, 0, 0, 0, 0, NULL) >> 32,
			 (uint64_t)getpid());
	assert_int_equal(helper_call(BPF_FUNC_get_current_uid_gid, 0, 0, 0, 0, 0, NULL),
			 ((uint64_t)getgid() << 32) | getuid());
	uint64_t t0 = helper_call(BPF_FUNC_ktime_get_ns, 0, 0, 0, 0, 0, NULL);
	uint64_t t1 = helper_call(BPF_FUNC_ktime_get_ns, 0, 0, 0, 0, 0, NULL);
	assert_true(t0 > 0 && t1 >= t0);
	assert_true(helper_call(BPF_FUNC_ktime_get_boot_ns, 0, 0, 0, 0, 0, NULL) > 0);
	uint64_t r0 = helper_call(BPF_FUNC_get_prandom_u32, 0, 0, 0, 0, 0, NULL);
	int differ = 0;
	for (int i = 0; i < 8; i++)
		differ |= helper_call(BPF_FUNC_get_prandom_u32, 0, 0, 0, 0, 0, NULL) != r0;
	assert_true(differ);
	assert_true(r0 <= UINT32_MAX);
	assert_true(helper_call(BPF_FUNC_get_smp_processor_id, 0, 0, 0, 0, 0, NULL) <
		    (uint64_t)sysconf(_SC_NPROCESSORS_CONF));
}

/* A traced function's frame: two arguments, then the return value. */
struct frame_of_two {
	struct trace_frame f;
	uint64_t args[3];
};
#define FRAME_OF_TWO                                                                                \
	{ .f = { .attach_cookie = 99, .func_ip = 0x401000, .nr_args = 2 }, .args = { 10, 20, 30 } }

static void tracing_helpers_read_the_frame(void **state)
{
	(void)state;
	struct frame_of_two fr = FRAME_OF_TWO;
	struct bpfrt_run_ctx rc = { .trace = &fr.f };
	uint64_t ctx = P(fr.f.args), v = 1;

	assert_int_equal(helper_call(BPF_FUNC_get_func_ip, ctx, 0, 0, 0, 0, &rc), 0x401000);
	assert_int_equal(helper_call(BPF_FUNC_get_attach_cookie, ctx, 0, 0, 0, 0, &rc), 99);
	assert_int_equal(helper_call(BPF_FUNC_get_func_arg_cnt, ctx, 0, 0, 0, 0, &rc), 2);
	assert_int_equal(helper_call(BPF_FUNC_get_func_arg, ctx, 1, P(&v), 0, 0, &rc), 0);
	assert_int_equal(v, 20);
	assert_int_equal(helper_call(BPF_FUNC_get_func_arg, ctx, 2, P(&v), 0, 0, &rc),
			 (uint64_t)-EINVAL);
	assert_int_equal(v, 0);
	assert_int_equal(helper_call(BPF_FUNC_get_func_ret, ctx, P(&v), 0, 0, 0, &rc), 0);
	assert_int_equal(v, 30);
}

/* A context that is not the run's trace frame's (a uprobe's registers, the
 * raw context, a pointer into the frame) has nothing below it to read: the
 * words there stay unread even when they look like a frame. */
static void tracing_helpers_without_a_frame(void **state)
{
	(void)state;
	struct frame_of_two fr = FRAME_OF_TWO;
	struct bpfrt_run_ctx none = { 0 }, other = { .trace = &fr.f };
	uint64_t ctxs[] = { P(fr.f.args), P(&fr.args[1]) };
	struct bpfrt_run_ctx *rcs[] = { &none, &other };

	for (size_t i = 0; i < 2; i++) {
		struct bpfrt_run_ctx *rc = rcs[i];
		uint64_t ctx = ctxs[i], v = 1;

		assert_int_equal(helper_call(BPF_FUNC_get_func_ip, ctx, 0, 0, 0, 0, rc), 0);
		assert_int_equal(helper_call(BPF_FUNC_get_attach_cookie, ctx, 0, 0, 0, 0, rc), 0);
		assert_int_equal(helper_call(BPF_FUNC_get_func_arg_cnt, ctx, 0, 0, 0, 0, rc), 0);
		assert_int_equal(helper_call(BPF_FUNC_get_func_arg, ctx, 0, P(&v), 0, 0, rc),
				 (uint64_t)-EINVAL);
		assert_int_equal(v, 0);
		v = 1;
		assert_int_equal(helper_call(BPF_FUNC_get_func_ret, ctx, P(&v), 0, 0, 0, rc),
				 (uint64_t)-EOPNOTSUPP);
		assert_int_equal(v, 0);
	}
}

static void spin_lock_round_trip(void **state)
{
	(void)state;
	uint32_t lock = 0;

	helper_call(BPF_FUNC_spin_lock, P(&lock), 0, 0, 0, 0, NULL);
	assert_int_equal(lock, 1);
	helper_call(BPF_FUNC_spin_unlock, P(&lock), 0, 0, 0, 0, NULL);
	assert_int_equal(lock, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(printk_formats_like_the_kernel),
		cmocka_unit_test(snprintf_returns_the_needed_length),
		cmocka_unit_test(strncmp_as_the_kernel),
		cmocka_unit_test(probe_read_is_fault_safe),
		cmocka_unit_test(task_helpers),
		cmocka_unit_test(tracing_helpers_read_the_frame),
		cmocka_unit_test(tracing_helpers_without_a_frame),
		cmocka_unit_test(spin_lock_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
