/* SPDX-License-Identifier: MIT */
/*
 * The packet helpers through real programs (progs/packet.bpf.c) loaded and
 * run by the runtime, verified (BPFRT_VERIFY_REQUIRE), in the interpreter
 * and the JIT: the output packet (bpfrt_runtime_run_opts.data_out), its
 * length, -ENOSPC, the input left alone, repeated runs on one packet.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bpfrt/map.h"
#include "bpfrt/object.h"
#include "bpfrt/runtime.h"

struct loaded {
	struct bpfrt_object *obj;
	struct bpfrt_runtime *rt;
};

static struct loaded load(enum bpfrt_backend be)
{
	char log[512] = "", path[512];
	struct loaded l;

	snprintf(path, sizeof(path), "%s/packet.bpf.o", PROGS_DIR);
	struct bpfrt_object_opts oo = { .sz = sizeof(oo), .log_buf = log, .log_size = sizeof(log) };
	l.obj = bpfrt_object__open_file(path, &oo);
	if (!l.obj)
		fail_msg("%s: %s", path, log);
	struct bpfrt_runtime_opts ro = { .sz = sizeof(ro), .backend = be,
					 .verify = BPFRT_VERIFY_REQUIRE, .log_buf = log,
					 .log_size = sizeof(log) };
	l.rt = bpfrt_runtime__new(l.obj, &ro);
	if (!l.rt)
		fail_msg("%s: %s", path, log);
	return l;
}

static void unload(struct loaded *l)
{
	bpfrt_runtime__free(l->rt);
	bpfrt_object__close(l->obj);
}

/* Runs `prog` once (or `repeat` times) on pkt; the output in out. */
static int run(struct loaded *l, const char *prog, const uint8_t *pkt, size_t len, uint64_t repeat,
	       uint8_t *out, size_t *out_size, uint64_t *r0)
{
	struct bpfrt_prog *p = bpfrt_runtime__prog(l->rt, prog);
	char log[512] = "";

	if (!p)
		fail_msg("load %s: %s", prog, bpfrt_runtime__log(l->rt));
	struct bpfrt_runtime_run_opts o = { .sz = sizeof(o), .repeat = repeat, .log_buf = log,
					    .log_size = sizeof(log), .data_out = out,
					    .data_size_out = *out_size };
	int err = bpfrt_runtime__run(l->rt, p, (void *)pkt, len, r0, &o);

	*out_size = o.data_size_out;
	return err;
}

/* Ethernet + IPv4 (checksum valid) + UDP to 10.0.0.2:9. */
static size_t udp_packet(uint8_t *p)
{
	static const uint8_t hdr[] = {
		2, 2, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4, 0x08, 0x00,			   /* eth */
		0x45, 0, 0, 32, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, /* ip */
		0x04, 0xd2, 0, 9, 0, 12, 0, 0, 'p', 'i', 'n', 'g',		   /* udp */
	};
	uint32_t sum = 0;

	memcpy(p, hdr, sizeof(hdr));
	for (int i = 14; i < 34; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	p[24] = (uint8_t)(~sum >> 8);
	p[25] = (uint8_t)~sum;
	return sizeof(hdr);
}

static bool ip_csum_ok(const uint8_t *ip)
{
	uint32_t sum = 0;

	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static void tc_rewrite_with_csum_diff(void **state)
{
	(void)state;
	for (int be = BPFRT_BACKEND_INTERP; be <= BPFRT_BACKEND_JIT; be++) {
		struct loaded l = load((enum bpfrt_backend)be);
		uint8_t pkt[64], copy[64], out[128];
		size_t len = udp_packet(pkt), n = sizeof(out);
		uint64_t r0;

		assert_true(ip_csum_ok(pkt + 14));
		memcpy(copy, pkt, len);
		assert_int_equal(run(&l, "rewrite_dst", pkt, len, 1, out, &n, &r0), 0);
		assert_int_equal(r0, 0); /* TC_ACT_OK */
		assert_int_equal(n, len);
		assert_memory_equal(out + 30, "\x0a\x00\x00\x63", 4);
		assert_true(ip_csum_ok(out + 14));
		assert_memory_equal(out, pkt, 24); /* the rest as it was */
		assert_memory_equal(out + 34, pkt + 34, len - 34);
		assert_memory_equal(pkt, copy, len); /* data_in is not written */
		unload(&l);
	}
}

static void socket_filter_sees_l3(void **state)
{
	(void)state;
	struct loaded l = load(BPFRT_BACKEND_JIT);
	uint8_t pkt[64], out[128];
	size_t len = udp_packet(pkt), n = sizeof(out);
	uint64_t r0;

	assert_int_equal(run(&l, "ip_proto", pkt, len, 1, out, &n, &r0), 0);
	assert_int_equal(r0, 17);
	/* as the kernel's test run: the Ethernet header comes back zeroed */
	assert_int_equal(n, len);
	for (int i = 0; i < 14; i++)
		assert_int_equal(out[i], 0);
	assert_memory_equal(out + 14, pkt + 14, len - 14);
	unload(&l);
}

struct adjust_args {
	int32_t head, meta, tail, pad;
	int64_t ret[3];
};

static struct adjust_args adjust(struct loaded *l, int32_t head, int32_t meta, int32_t tail,
				 uint64_t repeat, uint8_t *out, size_t *n, int *err)
{
	struct bpfrt_map *bss = bpfrt_runtime__find_map(l->rt, ".bss");
	struct adjust_args a = { .head = head, .meta = meta, .tail = tail };
	uint32_t zero = 0;
	uint8_t pkt[64];
	size_t len = udp_packet(pkt);
	uint64_t r0 = 0;

	assert_non_null(bss);
	assert_int_equal(bpfrt_map__update_elem(bss, &zero, 4, &a, sizeof(a), 0), 0);
	*err = run(l, "adjust", pkt, len, repeat, out, n, &r0);
	assert_int_equal(r0, 2); /* XDP_PASS, also with -ENOSPC */
	assert_int_equal(bpfrt_map__lookup_elem(bss, &zero, 4, &a, sizeof(a), 0), 0);
	return a;
}

static void xdp_adjust_through_the_runtime(void **state)
{
	(void)state;
	for (int be = BPFRT_BACKEND_INTERP; be <= BPFRT_BACKEND_JIT; be++) {
		struct loaded l = load((enum bpfrt_backend)be);
		uint8_t pkt[64], out[4096];
		size_t len = udp_packet(pkt), n = sizeof(out);
		int err;
		struct adjust_args a = adjust(&l, -8, -4, 10, 1, out, &n, &err);

		assert_int_equal(err, 0);
		assert_int_equal(a.ret[0] | a.ret[1] | a.ret[2], 0);
		assert_int_equal(n, 4 + 8 + len + 10); /* metadata, new head, packet, new tail */
		assert_memory_equal(out + 12, pkt, len);
		for (size_t i = 12 + len; i < n; i++)
			assert_int_equal(out[i], 0);
		/* repeated runs share the packet, as the kernel's */
		n = sizeof(out);
		a = adjust(&l, -8, -4, 10, 3, out, &n, &err);
		assert_int_equal(err, 0);
		assert_int_equal(n, 12 + 24 + len + 30);
		/* the kernel's limits and errors */
		n = sizeof(out);
		a = adjust(&l, -300, 3, -100, 1, out, &n, &err);
		assert_int_equal(a.ret[0], -EINVAL);
		assert_int_equal(a.ret[1], -EINVAL);
		assert_int_equal(a.ret[2], -EINVAL);
		assert_int_equal(n, len);
		/* data_out too small: as much as fits, the whole length, -ENOSPC */
		n = 16;
		memset(out, 0xee, sizeof(out));
		a = adjust(&l, 0, 0, 0, 1, out, &n, &err);
		assert_int_equal(err, -ENOSPC);
		assert_int_equal(n, len);
		assert_memory_equal(out, pkt, 16);
		assert_int_equal(out[16], 0xee);
		unload(&l);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tc_rewrite_with_csum_diff),
		cmocka_unit_test(socket_filter_sees_l3),
		cmocka_unit_test(xdp_adjust_through_the_runtime),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
