/* SPDX-License-Identifier: MIT */
/* kbpf: loads, runs, verdicts, killed and hung children, maps. */
#include <errno.h>
#include <linux/bpf.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kbpf.h"

#define INSN(c, d, s, o, i) {.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)}
#define MOV64_IMM(d, i) INSN(BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, d, 0, 0, i)
#define EXIT() INSN(BPFRT_JMP | BPFRT_EXIT, 0, 0, 0, 0)

static void test_accepts_and_runs(void **state)
{
	(void)state;
	static const struct bpfrt_insn prog[] = {MOV64_IMM(0, 42), EXIT()};
	char data[64] = {0};
	uint32_t durations[3] = {0};
	struct kbpf_prog p = {.insns = prog, .insn_cnt = 2, .prog_type = BPF_PROG_TYPE_XDP};
	struct kbpf_run run = {.data_in = data, .data_size_in = sizeof(data), .repeat = 100,
			       .rounds = 3, .durations = durations};
	struct kbpf_result res;

	assert_int_equal(kbpf_prog_check(&p, 0, &res), 0);
	assert_int_equal(res.outcome, KBPF_OK);
	assert_int_equal(kbpf_prog_run(&p, &run, &res), 0);
	assert_int_equal(res.outcome, KBPF_OK);
	assert_int_equal(res.retval, 42);
	assert_int_equal(durations[2], res.duration);
}

static void test_rejects_with_log(void **state)
{
	(void)state;
	/* r0 = r2, r2 never written: the verifier refuses. */
	static const struct bpfrt_insn prog[] = {
		INSN(BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, 0, 2, 0, 0), EXIT()};
	char log[4096];
	struct kbpf_prog p = {.insns = prog, .insn_cnt = 2, .log_buf = log, .log_size = sizeof(log)};
	struct kbpf_result res;

	assert_int_equal(kbpf_prog_check(&p, 0, &res), 0);
	assert_int_equal(res.outcome, KBPF_REJECTED);
	assert_int_equal(res.err, -EACCES);
	assert_non_null(strstr(log, "R2 !read_ok"));
}

static void test_packet_data_out(void **state)
{
	(void)state;
	/* r2 = data, r3 = data_end; if data + 8 > data_end: exit;
	 * *(u32 *)data = 0x11223344; r0 = 7 */
	static const struct bpfrt_insn prog[] = {
		MOV64_IMM(0, 0),
		INSN(BPFRT_LDX | BPFRT_MEM | BPFRT_W, 2, 1, 0, 0),
		INSN(BPFRT_LDX | BPFRT_MEM | BPFRT_W, 3, 1, 4, 0),
		INSN(BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, 4, 2, 0, 0),
		INSN(BPFRT_ALU64 | BPFRT_ADD | BPFRT_K, 4, 0, 0, 8),
		INSN(BPFRT_JMP | BPFRT_JGT | BPFRT_X, 4, 3, 2, 0),
		INSN(BPFRT_ST | BPFRT_MEM | BPFRT_W, 2, 0, 0, 0x11223344),
		MOV64_IMM(0, 7),
		EXIT(),
	};
	unsigned char in[32] = {0}, out[64];
	struct kbpf_prog p = {.insns = prog, .insn_cnt = 9, .prog_type = BPF_PROG_TYPE_XDP};
	struct kbpf_run run = {.data_in = in, .data_size_in = sizeof(in), .data_out = out,
			       .data_size_out = sizeof(out)};
	struct kbpf_result res;

	assert_int_equal(kbpf_prog_run(&p, &run, &res), 0);
	assert_int_equal(res.outcome, KBPF_OK);
	assert_int_equal(res.retval, 7);
	assert_int_equal(run.data_size_out, sizeof(in));
	uint32_t w;
	memcpy(&w, out, 4);
	assert_int_equal(w, 0x11223344);
}

static void test_batch(void **state)
{
	(void)state;
	static const struct bpfrt_insn good[] = {MOV64_IMM(0, 5), EXIT()};
	static const struct bpfrt_insn bad[] = {
		INSN(BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, 0, 2, 0, 0), EXIT()};
	char data[32] = {0};
	struct kbpf_prog p[3] = {
		{.insns = good, .insn_cnt = 2, .prog_type = BPF_PROG_TYPE_XDP},
		{.insns = bad, .insn_cnt = 2, .prog_type = BPF_PROG_TYPE_XDP},
		{.insns = good, .insn_cnt = 2, .prog_type = BPF_PROG_TYPE_XDP},
	};
	struct kbpf_run run[3] = {
		{.data_in = data, .data_size_in = sizeof(data)},
		{.data_in = data, .data_size_in = sizeof(data)},
		{.data_in = data, .data_size_in = sizeof(data), .repeat = 10},
	};
	struct kbpf_result res[3];

	assert_int_equal(kbpf_prog_run_batch(p, run, 3, 0, res), 0);
	assert_int_equal(res[0].outcome, KBPF_OK);
	assert_int_equal(res[0].retval, 5);
	assert_int_equal(res[1].outcome, KBPF_REJECTED);
	assert_int_equal(res[1].err, -EACCES);
	assert_int_equal(res[2].outcome, KBPF_OK);
	assert_int_equal(res[2].retval, 5);
	assert_int_equal(kbpf_prog_run_batch(p, run, 0, 0, res), -EINVAL);
}

static int die(void *arg, void *shm)
{
	(void)arg;
	(void)shm;
	raise(SIGSEGV);
	return 0;
}

static int hang(void *arg, void *shm)
{
	(void)arg;
	(void)shm;
	for (;;)
		pause();
	return 0;
}

static int answer(void *arg, void *shm)
{
	memcpy(shm, arg, 4);
	return 3;
}

static void test_children(void **state)
{
	(void)state;
	int status;
	char buf[4] = {0};

	signal(SIGSEGV, SIG_DFL);
	assert_int_equal(kbpf_in_child(die, NULL, NULL, 0, 0, &status), KBPF_KILLED);
	assert_int_equal(status, SIGSEGV);
	assert_int_equal(kbpf_in_child(hang, NULL, NULL, 0, 200, &status), KBPF_TIMEOUT);
	assert_int_equal(kbpf_in_child(answer, "abc", buf, sizeof(buf), 0, &status), KBPF_OK);
	assert_int_equal(status, 3);
	assert_string_equal(buf, "abc");
}

static void test_maps(void **state)
{
	(void)state;
	int fd = kbpf_map_create(BPF_MAP_TYPE_HASH, 4, 8, 16, 0);
	assert_true(fd >= 0);
	uint32_t k = 5, next;
	uint64_t v = 99, got = 0;

	assert_int_equal(kbpf_map_lookup(fd, &k, &got), -ENOENT);
	assert_int_equal(kbpf_map_update(fd, &k, &v, BPF_NOEXIST), 0);
	assert_int_equal(kbpf_map_update(fd, &k, &v, BPF_NOEXIST), -EEXIST);
	assert_int_equal(kbpf_map_lookup(fd, &k, &got), 0);
	assert_int_equal(got, 99);
	assert_int_equal(kbpf_map_next_key(fd, NULL, &next), 0);
	assert_int_equal(next, 5);
	assert_int_equal(kbpf_map_next_key(fd, &k, &next), -ENOENT);
	assert_int_equal(kbpf_map_delete(fd, &k), 0);
	assert_int_equal(kbpf_map_delete(fd, &k), -ENOENT);
	close(fd);
}

int main(void)
{
	int err = kbpf_available();
	if (err) {
		fprintf(stderr, "test_kbpf: kernel bpf() unavailable (%s): skipped\n", strerror(-err));
		return 77;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_and_runs), cmocka_unit_test(test_rejects_with_log),
		cmocka_unit_test(test_packet_data_out), cmocka_unit_test(test_children),
		cmocka_unit_test(test_maps),		cmocka_unit_test(test_batch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
