/* SPDX-License-Identifier: MIT */
/*
 * examples/bpf/cgroup_skb.v4.o run by the kernel (libbpf loads it,
 * BPF_PROG_TEST_RUN runs its ingress and egress programs, in a forked
 * child with a timeout) and by bpfrt's runtime (interpreter and JIT) on the
 * same packets: UDP to port 9 and to port 53, a large one, a TCP one and
 * a non-IPv4 one. The verdicts and the bytes counted in passed_bytes must be
 * the kernel's: the packet starts at the IP header in both, and skb->len
 * counts from there. Exits 77 without bpf().
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "bpfrt/object.h"
#include "bpfrt/runtime.h"
#include "kbpf.h"
#include "libbpf_side.h"
#include "runtime_open.h"

#define OBJ BPF_EXAMPLES_DIR "/cgroup_skb.v4.o"
#define NPKT 5
#define MAX_PKT 1200

static uint8_t pkts[NPKT][MAX_PKT];
static size_t lens[NPKT];

struct outcome {
	uint32_t ingress[NPKT], egress[NPKT];
	uint64_t bytes; /* passed_bytes after every ingress run */
};

static int k_run(struct bpf_object *obj, const char *prog, int i, uint32_t *ret)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkts[i], .data_size_in = (uint32_t)lens[i]);
	int fd = bpf_program__fd(bpf_object__find_program_by_name(obj, prog));
	int err = bpf_prog_test_run_opts(fd, &o);
	if (err)
		fprintf(stderr, "%s on packet %d: %s\n", prog, i, strerror(errno));
	*ret = o.retval;
	return err;
}

static int kernel_side(void *arg, void *shm)
{
	struct outcome *out = shm;
	uint32_t zero = 0;
	(void)arg;
	libbpf_set_print(libbpf_side_quiet);
	struct bpf_object *obj = bpf_object__open_file(OBJ, NULL);
	if (!obj || bpf_object__load(obj))
		return 1;
	for (int i = 0; i < NPKT; i++)
		if (k_run(obj, "cg_ingress", i, &out->ingress[i]) ||
		    k_run(obj, "cg_egress", i, &out->egress[i]))
			return 2;
	bpf_map__lookup_elem(bpf_object__find_map_by_name(obj, "passed_bytes"), &zero, 4,
			     &out->bytes, 8, 0);
	bpf_object__close(obj);
	return 0;
}

static uint32_t u_run(struct bpfrt_runtime *rt, const char *name, int i)
{
	struct bpfrt_prog *p = bpfrt_runtime__prog(rt, name);
	struct bpfrt_runtime_run_opts o = { .sz = sizeof(o) };
	uint64_t r0 = 0;
	if (!p)
		fail_msg("%s: %s", name, bpfrt_runtime__log(rt));
	assert_true(bpfrt_runtime__prog_verified(rt, name));
	assert_int_equal(bpfrt_runtime__run(rt, p, pkts[i], lens[i], &r0, &o), 0);
	return (uint32_t)r0;
}

static void ours(enum bpfrt_backend backend, struct outcome *out)
{
	char log[256] = "";
	struct bpfrt_object *obj;
	struct bpfrt_runtime *rt = runtime_open(OBJ, backend, &obj, log, sizeof(log));
	uint32_t zero = 0;
	if (!rt)
		fail_msg("runtime: %s", log);
	for (int i = 0; i < NPKT; i++) {
		out->ingress[i] = u_run(rt, "cg_ingress", i);
		out->egress[i] = u_run(rt, "cg_egress", i);
	}
	assert_int_equal(bpfrt_map__lookup_elem(bpfrt_runtime__find_map(rt, "passed_bytes"), &zero,
						4, &out->bytes, 8, 0),
			 0);
	bpfrt_runtime__free(rt);
	bpfrt_object__close(obj);
}

static void same_as_the_kernel(void **state)
{
	(void)state;
	struct outcome k = { 0 }, u;
	libbpf_side_run(kernel_side, &k, sizeof(k));
	/* the program's own expectations: port 9 dropped, the rest passed;
	 * the large packet congested on egress */
	assert_int_equal(k.ingress[0], 0);
	assert_int_equal(k.ingress[1], 1);
	assert_int_equal(k.egress[2], 3);
	for (int b = 0; b < 2; b++) {
		memset(&u, 0, sizeof(u));
		ours(b ? BPFRT_BACKEND_JIT : BPFRT_BACKEND_INTERP, &u);
		for (int i = 0; i < NPKT; i++) {
			assert_int_equal(u.ingress[i], k.ingress[i]);
			assert_int_equal(u.egress[i], k.egress[i]);
		}
		assert_int_equal(u.bytes, k.bytes);
	}
	assert_true(k.bytes > 0);
}

static size_t read_pkt(const char *path, uint8_t *buf)
{
	FILE *f = fopen(path, "rb");
	size_t n = 0;
	if (f) {
		n = fread(buf, 1, MAX_PKT, f);
		fclose(f);
	}
	return n;
}

int main(void)
{
	if (kbpf_available()) {
		fprintf(stderr, "no bpf(): skipped\n");
		return 77;
	}
	lens[0] = read_pkt(PKT_DIR "/udp9.pkt", pkts[0]);
	lens[1] = read_pkt(PKT_DIR "/udp53.pkt", pkts[1]);
	if (!lens[0] || !lens[1])
		return 1;
	/* 2: udp53 padded to 1100 bytes; 3: udp9 as TCP (IP protocol 6);
	 * 4: udp53 with the ARP Ethernet type, 60 bytes */
	memcpy(pkts[2], pkts[1], lens[1]);
	lens[2] = 1100;
	memcpy(pkts[3], pkts[0], lens[0]);
	pkts[3][23] = 6;
	lens[3] = lens[0];
	memcpy(pkts[4], pkts[1], lens[1]);
	pkts[4][12] = 0x08, pkts[4][13] = 0x06;
	lens[4] = 60;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_as_the_kernel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
