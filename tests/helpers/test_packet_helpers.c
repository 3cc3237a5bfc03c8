/* SPDX-License-Identifier: MIT */
/*
 * The packet helpers (src/helpers/packet.c) called as an engine calls them,
 * on frames built as the runtime builds them (src/runtime/pkt_run.c): each
 * helper's success and every error path, the frame's limits, the output
 * packet. (Against the kernel: tests/kernel_diff/test_pkt_helpers_diff;
 * through real programs and the runtime: test_packet_progs.)
 */
#include <errno.h>
#include <linux/bpf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "helpers/helpers.h"
#include "helpers/pkt_frame.h"
#include "runtime/pkt_run.h"
#include "vm/run_ctx.h"

#include "support/helper_call.h"

#define P(x) ((uint64_t)(uintptr_t)(x))
#define E(e) ((uint64_t)(int64_t)-(e))

static uint8_t pkt[64];

/* A frame of `kind` around pkt[0..len), its run context in *rc. */
static struct pkt_frame *frame(enum fixup_ctx_kind kind, bool l3, size_t len,
			       struct bpfrt_run_ctx *rc)
{
	static struct pkt_frame f;

	for (size_t i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(i + 1);
	assert_int_equal(pkt_frame_init(&f, kind, l3, pkt, len), 0);
	memset(rc, 0, sizeof(*rc));
	rc->pkt = &f;
	rc->ctx = pkt_frame_ctx(&f, &rc->ctx_size);
	return &f;
}

static size_t out(struct pkt_frame *f, uint8_t *buf, size_t cap)
{
	size_t n = cap;

	assert_int_equal(pkt_frame_output(f, buf, &n), 0);
	return n;
}

static void xdp_frame_like_test_run(void **state)
{
	(void)state;
	struct bpfrt_run_ctx rc;
	struct pkt_frame *f = frame(FIXUP_CTX_XDP, false, 60, &rc);
	uint8_t buf[128];

	assert_int_equal(f->size, PKT_XDP_FRAME_SIZE);
	assert_ptr_equal((void *)(uintptr_t)f->ctx.xdp.data, f->buf + PKT_XDP_HEADROOM);
	assert_int_equal(f->ctx.xdp.data_meta, f->ctx.xdp.data);
	assert_int_equal(f->ctx.xdp.data_end - f->ctx.xdp.data, 60);
	uint32_t ifindex; /* the test run's loopback device */
	memcpy(&ifindex, f->ctx.xdp.uapi + offsetof(struct xdp_md, ingress_ifindex), 4);
	assert_int_equal(ifindex, 1);
	assert_int_equal(out(f, buf, sizeof(buf)), 60);
	assert_memory_equal(buf, pkt, 60);
	size_t small = 10;
	assert_int_equal(pkt_frame_output(f, buf, &small), -ENOSPC);
	assert_int_equal(small, 60);
	pkt_frame_fini(f);
}

static void xdp_adjust_head_limits(void **state)
{
	(void)state;
	struct bpfrt_run_ctx rc;
	struct pkt_frame *f = frame(FIXUP_CTX_XDP, false, 60, &rc);
	uint64_t ctx = P(rc.ctx);
	uint8_t buf[512];

	/* shrink to ETH_HLEN bytes, not one more */
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_head, ctx, 47, 0, 0, 0, &rc), E(EINVAL));
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_head, ctx, 46, 0, 0, 0, &rc), 0);
	assert_int_equal(out(f, buf, sizeof(buf)), 14);
	assert_memory_equal(buf, pkt + 46, 14);
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_head, ctx, -46, 0, 0, 0, &rc), 0);
	/* grow into the headroom, up to the xdp_frame header */
	int64_t room = PKT_XDP_HEADROOM - PKT_XDP_FRAME_HDR;
	assert_int_equal(
	    helper_call(BPF_FUNC_xdp_adjust_head, ctx, (uint64_t) - (room + 1), 0, 0, 0, &rc),
	    E(EINVAL));
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_head, ctx, (uint64_t)-room, 0, 0, 0, &rc),
			 0);
	assert_int_equal(out(f, buf, sizeof(buf)), 60 + room);
	assert_memory_equal(buf + room, pkt, 60);
	assert_int_equal(buf[0] | buf[room - 1], 0); /* the frame starts zeroed */
	/* the delta is an int: the upper half of r2 does not count */
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_head, ctx, 0x100000000ull + (uint64_t)room,
				     0, 0, 0, &rc),
			 0);
	assert_int_equal(out(f, buf, sizeof(buf)), 60);
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_head, ctx, 0x7fffffff, 0, 0, 0, &rc),
			 E(EINVAL));
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_head, ctx, 0x80000000ull, 0, 0, 0, &rc),
			 E(EINVAL));
	pkt_frame_fini(f);
}

static void xdp_adjust_meta_and_head_move_it(void **state)
{
	(void)state;
	struct bpfrt_run_ctx rc;
	struct pkt_frame *f = frame(FIXUP_CTX_XDP, false, 20, &rc);
	uint64_t ctx = P(rc.ctx);
	uint8_t buf[512];

	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_meta, ctx, 1, 0, 0, 0, &rc), E(EINVAL));
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_meta, ctx, (uint64_t)-6, 0, 0, 0, &rc),
			 E(EACCES)); /* not a multiple of 4 */
	/* into the xdp_frame header (the bounds come first: with 256 bytes of
	 * headroom the 255-byte limit is never what fails) */
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_meta, ctx, (uint64_t)-220, 0, 0, 0, &rc),
			 E(EINVAL));
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_meta, ctx, (uint64_t)-256, 0, 0, 0, &rc),
			 E(EINVAL));
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_meta, ctx, (uint64_t)-216, 0, 0, 0, &rc),
			 0);
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_meta, ctx, 216, 0, 0, 0, &rc), 0);
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_meta, ctx, (uint64_t)-8, 0, 0, 0, &rc), 0);
	memcpy((void *)(uintptr_t)f->ctx.xdp.data_meta, "METADATA", 8);
	/* the output starts at data_meta */
	assert_int_equal(out(f, buf, sizeof(buf)), 28);
	assert_memory_equal(buf, "METADATA", 8);
	/* adjust_head carries the metadata along, and counts it as taken room */
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_head, ctx, (uint64_t)-4, 0, 0, 0, &rc), 0);
	assert_memory_equal((void *)(uintptr_t)f->ctx.xdp.data_meta, "METADATA", 8);
	assert_int_equal(f->ctx.xdp.data - f->ctx.xdp.data_meta, 8);
	int64_t room = PKT_XDP_HEADROOM - 4 - PKT_XDP_FRAME_HDR - 8;
	assert_int_equal(
	    helper_call(BPF_FUNC_xdp_adjust_head, ctx, (uint64_t) - (room + 1), 0, 0, 0, &rc),
	    E(EINVAL));
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_head, ctx, (uint64_t)-room, 0, 0, 0, &rc),
			 0);
	assert_ptr_equal((void *)(uintptr_t)f->ctx.xdp.data_meta, f->buf + PKT_XDP_FRAME_HDR);
	/* back to no metadata */
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_meta, ctx, 8, 0, 0, 0, &rc), 0);
	assert_int_equal(f->ctx.xdp.data_meta, f->ctx.xdp.data);
	pkt_frame_fini(f);
}

static void xdp_adjust_tail_limits(void **state)
{
	(void)state;
	struct bpfrt_run_ctx rc;
	struct pkt_frame *f = frame(FIXUP_CTX_XDP, false, 60, &rc);
	uint64_t ctx = P(rc.ctx);
	static uint8_t buf[4096];
	int64_t grow = PKT_XDP_FRAME_SIZE - PKT_TAILROOM - PKT_XDP_HEADROOM - 60;

	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_tail, ctx, (uint64_t)-47, 0, 0, 0, &rc),
			 E(EINVAL));
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_tail, ctx, (uint64_t)-46, 0, 0, 0, &rc),
			 0);
	assert_int_equal(out(f, buf, sizeof(buf)), 14);
	/* grows zeroed: the old tail bytes do not come back */
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_tail, ctx, 46, 0, 0, 0, &rc), 0);
	assert_int_equal(out(f, buf, sizeof(buf)), 60);
	assert_memory_equal(buf, pkt, 14);
	for (int i = 14; i < 60; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(
	    helper_call(BPF_FUNC_xdp_adjust_tail, ctx, (uint64_t)(grow + 1), 0, 0, 0, &rc),
	    E(EINVAL));
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_tail, ctx, (uint64_t)grow, 0, 0, 0, &rc),
			 0);
	assert_int_equal(out(f, buf, sizeof(buf)), 60 + grow);
	assert_ptr_equal((void *)(uintptr_t)f->ctx.xdp.data_end, f->hard_end);
	pkt_frame_fini(f);
}

static void xdp_load_store_bytes(void **state)
{
	(void)state;
	struct bpfrt_run_ctx rc;
	struct pkt_frame *f = frame(FIXUP_CTX_XDP, false, 40, &rc);
	uint64_t ctx = P(rc.ctx);
	uint8_t to[8];

	assert_int_equal(helper_call(BPF_FUNC_xdp_get_buff_len, ctx, 0, 0, 0, 0, &rc), 40);
	assert_int_equal(helper_call(BPF_FUNC_xdp_load_bytes, ctx, 32, P(to), 8, 0, &rc), 0);
	assert_memory_equal(to, pkt + 32, 8);
	memset(to, 0xee, sizeof(to));
	/* past the packet: -EINVAL, the buffer left alone (as the kernel) */
	assert_int_equal(helper_call(BPF_FUNC_xdp_load_bytes, ctx, 33, P(to), 8, 0, &rc),
			 E(EINVAL));
	assert_int_equal(to[0], 0xee);
	assert_int_equal(helper_call(BPF_FUNC_xdp_load_bytes, ctx, 0x10000, P(to), 8, 0, &rc),
			 E(EFAULT));
	assert_int_equal(helper_call(BPF_FUNC_xdp_store_bytes, ctx, 36, P("ABCD"), 4, 0, &rc), 0);
	assert_memory_equal((void *)(uintptr_t)(f->ctx.xdp.data + 36), "ABCD", 4);
	assert_int_equal(helper_call(BPF_FUNC_xdp_store_bytes, ctx, 37, P("ABCD"), 4, 0, &rc),
			 E(EINVAL));
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_tail, ctx, 10, 0, 0, 0, &rc), 0);
	assert_int_equal(helper_call(BPF_FUNC_xdp_get_buff_len, ctx, 0, 0, 0, 0, &rc), 50);
	pkt_frame_fini(f);
}

static void skb_load_bytes_bounds(void **state)
{
	(void)state;
	struct bpfrt_run_ctx rc;
	struct pkt_frame *f = frame(FIXUP_CTX_SKB, false, 40, &rc);
	uint64_t ctx = P(rc.ctx);
	uint8_t to[16];

	memset(to, 0xee, sizeof(to));
	assert_int_equal(helper_call(BPF_FUNC_skb_load_bytes, ctx, 32, P(to), 8, 0, &rc), 0);
	assert_memory_equal(to, pkt + 32, 8);
	memset(to, 0xee, sizeof(to));
	assert_int_equal(helper_call(BPF_FUNC_skb_load_bytes, ctx, 33, P(to), 8, 0, &rc),
			 E(EFAULT));
	for (int i = 0; i < 8; i++) /* cleared on failure */
		assert_int_equal(to[i], 0);
	assert_int_equal(to[8], 0xee);
	assert_int_equal(helper_call(BPF_FUNC_skb_load_bytes, ctx, 0x80000000u, P(to), 8, 0, &rc),
			 E(EFAULT));
	/* u32 offset: the upper half of r2 does not count */
	assert_int_equal(
	    helper_call(BPF_FUNC_skb_load_bytes, ctx, 0x100000000ull + 4, P(to), 4, 0, &rc), 0);
	assert_memory_equal(to, pkt + 4, 4);
	pkt_frame_fini(f);
	/* a socket filter's offsets start past the Ethernet header */
	f = frame(FIXUP_CTX_SKB, true, 40, &rc);
	assert_int_equal(helper_call(BPF_FUNC_skb_load_bytes, P(rc.ctx), 0, P(to), 4, 0, &rc), 0);
	assert_memory_equal(to, pkt + 14, 4);
	assert_int_equal(helper_call(BPF_FUNC_skb_load_bytes, P(rc.ctx), 23, P(to), 4, 0, &rc),
			 E(EFAULT));
	uint32_t len, type, ifindex;
	memcpy(&len, f->ctx.skb.uapi + offsetof(struct __sk_buff, len), 4);
	memcpy(&type, f->ctx.skb.uapi + offsetof(struct __sk_buff, pkt_type), 4);
	memcpy(&ifindex, f->ctx.skb.uapi + offsetof(struct __sk_buff, ifindex), 4);
	assert_int_equal(len, 26);
	assert_int_equal(type, 2); /* 01:02:..: multicast, as eth_type_trans() says */
	assert_int_equal(ifindex, 1);
	uint8_t buf[64];
	assert_int_equal(out(f, buf, sizeof(buf)), 40); /* the header comes back zeroed */
	for (int i = 0; i < 14; i++)
		assert_int_equal(buf[i], 0);
	assert_memory_equal(buf + 14, pkt + 14, 26);
	pkt_frame_fini(f);
}

static void skb_store_bytes_flags_and_bounds(void **state)
{
	(void)state;
	struct bpfrt_run_ctx rc;
	struct pkt_frame *f = frame(FIXUP_CTX_SKB, false, 40, &rc);
	uint64_t ctx = P(rc.ctx);
	uint32_t hash = 0x1234, got;
	uint8_t buf[64];

	memcpy(f->ctx.skb.uapi + offsetof(struct __sk_buff, hash), &hash, 4);
	assert_int_equal(helper_call(BPF_FUNC_skb_store_bytes, ctx, 0, P("ABCD"), 4, 4, &rc),
			 E(EINVAL));
	assert_int_equal(helper_call(BPF_FUNC_skb_store_bytes, ctx, 37, P("ABCD"), 4, 0, &rc),
			 E(EFAULT));
	assert_int_equal(
	    helper_call(BPF_FUNC_skb_store_bytes, ctx, 0x80000000u, P("ABCD"), 4, 0, &rc),
	    E(EFAULT));
	assert_int_equal(
	    helper_call(BPF_FUNC_skb_store_bytes, ctx, 36, P("ABCD"), 4, BPF_F_RECOMPUTE_CSUM, &rc),
	    0);
	memcpy(&got, f->ctx.skb.uapi + offsetof(struct __sk_buff, hash), 4);
	assert_int_equal(got, 0x1234);
	assert_int_equal(
	    helper_call(BPF_FUNC_skb_store_bytes, ctx, 0, P("WXYZ"), 4, BPF_F_INVALIDATE_HASH, &rc),
	    0);
	memcpy(&got, f->ctx.skb.uapi + offsetof(struct __sk_buff, hash), 4);
	assert_int_equal(got, 0);
	assert_int_equal(out(f, buf, sizeof(buf)), 40);
	assert_memory_equal(buf, "WXYZ", 4);
	assert_memory_equal(buf + 4, pkt + 4, 32);
	assert_memory_equal(buf + 36, "ABCD", 4);
	pkt_frame_fini(f);
}

static void skb_pull_data_len(void **state)
{
	(void)state;
	struct bpfrt_run_ctx rc;
	struct pkt_frame *f = frame(FIXUP_CTX_SKB, false, 40, &rc);
	uint64_t ctx = P(rc.ctx);

	assert_int_equal(helper_call(BPF_FUNC_skb_pull_data, ctx, 0, 0, 0, 0, &rc), 0);
	assert_int_equal(helper_call(BPF_FUNC_skb_pull_data, ctx, 40, 0, 0, 0, &rc), 0);
	assert_int_equal(helper_call(BPF_FUNC_skb_pull_data, ctx, 41, 0, 0, 0, &rc), E(ENOMEM));
	pkt_frame_fini(f);
}

/* The ones' complement sum of the 16-bit big-endian words of p[0..n). */
static uint16_t sum16(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void l3_l4_csum_replace(void **state)
{
	(void)state;
	struct bpfrt_run_ctx rc;
	struct pkt_frame *f = frame(FIXUP_CTX_SKB, false, 40, &rc);
	uint64_t ctx = P(rc.ctx);
	uint8_t *d = (uint8_t *)(uintptr_t)f->ctx.skb.data;
	uint32_t old, new = 0x6300000a; /* 10.0.0.99 as the program loads it */
	uint16_t zero = 0;

	/* a valid checksum over [0, 20) at 10, as an IPv4 header's */
	d[10] = d[11] = 0;
	uint16_t c = (uint16_t)~sum16(d, 20);
	d[10] = (uint8_t)(c >> 8), d[11] = (uint8_t)c;
	assert_int_equal(sum16(d, 20), 0xffff);
	memcpy(&old, d + 16, 4);
	memcpy(d + 16, &new, 4);
	assert_int_equal(helper_call(BPF_FUNC_l3_csum_replace, ctx, 10, old, new, 4, &rc), 0);
	assert_int_equal(sum16(d, 20), 0xffff);
	/* a 2-byte field, and a difference from csum_diff */
	uint16_t o2, n2 = 0xbeef;
	memcpy(&o2, d + 4, 2);
	memcpy(d + 4, &n2, 2);
	assert_int_equal(helper_call(BPF_FUNC_l3_csum_replace, ctx, 10, o2, n2, 2, &rc), 0);
	assert_int_equal(sum16(d, 20), 0xffff);
	uint32_t w = 0x11223344, was;
	memcpy(&was, d + 12, 4);
	uint64_t diff = helper_call(BPF_FUNC_csum_diff, P(&was), 4, P(&w), 4, 0, &rc);
	memcpy(d + 12, &w, 4);
	assert_int_equal(helper_call(BPF_FUNC_l3_csum_replace, ctx, 10, 0, diff, 0, &rc), 0);
	assert_int_equal(sum16(d, 20), 0xffff);
	/* errors: flags, a difference with a `from`, odd or far offsets */
	assert_int_equal(helper_call(BPF_FUNC_l3_csum_replace, ctx, 10, 0, 0, 0x10, &rc), E(EINVAL));
	assert_int_equal(helper_call(BPF_FUNC_l3_csum_replace, ctx, 10, 1, 0, 0, &rc), E(EINVAL));
	assert_int_equal(helper_call(BPF_FUNC_l3_csum_replace, ctx, 10, 0, 0, 3, &rc), E(EINVAL));
	assert_int_equal(helper_call(BPF_FUNC_l3_csum_replace, ctx, 11, 0, 0, 4, &rc), E(EFAULT));
	assert_int_equal(helper_call(BPF_FUNC_l3_csum_replace, ctx, 40, 0, 0, 4, &rc), E(EFAULT));
	assert_int_equal(helper_call(BPF_FUNC_l4_csum_replace, ctx, 10, 0, 0, 0x200, &rc),
			 E(EINVAL));
	/* l4: a zero checksum (UDP without one) stays unless enforced */
	memcpy(d + 26, &zero, 2);
	assert_int_equal(helper_call(BPF_FUNC_l4_csum_replace, ctx, 26, 0, 0x1234,
				     BPF_F_MARK_MANGLED_0 | 4, &rc),
			 0);
	assert_int_equal(d[26] | d[27], 0);
	/* enforced, and a result of 0 becomes 0xffff (CSUM_MANGLED_0) */
	assert_int_equal(helper_call(BPF_FUNC_l4_csum_replace, ctx, 26, 0xffff, 0,
				     BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | 4, &rc),
			 0);
	assert_int_equal(d[26] & d[27], 0xff);
	pkt_frame_fini(f);
}

/* Without the runtime's frame, with r1 not the context, with the context's
 * pointers overwritten (a checked program may): errors, no access. */
static void refuses_foreign_contexts(void **state)
{
	(void)state;
	struct bpfrt_run_ctx rc;
	struct pkt_frame *f = frame(FIXUP_CTX_XDP, false, 40, &rc);
	uint64_t ctx = P(rc.ctx);
	uint8_t to[8] = { 1 };

	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_head, ctx + 8, 0, 0, 0, 0, &rc),
			 E(EINVAL));
	assert_int_equal(helper_call(BPF_FUNC_skb_load_bytes, ctx, 0, P(to), 8, 0, &rc), E(EINVAL));
	assert_int_equal(to[0], 0);
	f->ctx.xdp.data_end += 4096;
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_tail, ctx, 0, 0, 0, 0, &rc), E(EFAULT));
	f->ctx.xdp.data_end -= 4096;
	f->ctx.xdp.data_meta = f->ctx.xdp.data + 1;
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_meta, ctx, 0, 0, 0, 0, &rc), E(EFAULT));
	rc.pkt = NULL;
	assert_int_equal(helper_call(BPF_FUNC_xdp_adjust_head, ctx, 0, 0, 0, 0, &rc),
			 E(EOPNOTSUPP));
	pkt_frame_fini(f);
}

static void csum_diff_folds(void **state)
{
	(void)state;
	/* 0x0001 0x0002 0x0003 0x0004 (big-endian words) and the same +1 */
	static const uint8_t a[8] = { 0, 1, 0, 2, 0, 3, 0, 4 };
	static const uint8_t b[8] = { 0, 1, 0, 2, 0, 3, 0, 5 };
	static const uint8_t ones[4] = { 0xff, 0xff, 0xff, 0xff };
	struct bpfrt_run_ctx rc = { 0 };

	/* the sum of a's 16-bit words as the host (little-endian) reads them */
	assert_int_equal(helper_call(BPF_FUNC_csum_diff, 0, 0, P(a), 8, 0, &rc), 0x0a00);
	/* b - a: one more in one word */
	assert_int_equal(helper_call(BPF_FUNC_csum_diff, P(a), 8, P(b), 8, 0, &rc), 0x0100);
	/* a - a: ones' complement zero, 0xffff */
	assert_int_equal(helper_call(BPF_FUNC_csum_diff, P(a), 8, P(a), 8, 0, &rc), 0xffff);
	/* pulling a out of its own sum: ones' complement zero */
	assert_int_equal(helper_call(BPF_FUNC_csum_diff, P(a), 8, 0, 0, 0x0a00, &rc), 0xffff);
	/* the seed is added, folded */
	assert_int_equal(helper_call(BPF_FUNC_csum_diff, 0, 0, P(a), 8, 0x00010000, &rc), 0x0a01);
	/* no data: the seed's low 32 bits, folded */
	assert_int_equal(helper_call(BPF_FUNC_csum_diff, 0, 0, 0, 0, 0xdeadbeef12345678ull, &rc),
			 0x68ac);
	/* all ones is ones' complement zero too; sizes need not be multiples of 4 */
	assert_int_equal(helper_call(BPF_FUNC_csum_diff, 0, 0, P(ones), 4, 0, &rc), 0xffff);
	assert_int_equal(helper_call(BPF_FUNC_csum_diff, 0, 0, P(a), 3, 0, &rc), 0x0100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(xdp_frame_like_test_run),
		cmocka_unit_test(xdp_adjust_head_limits),
		cmocka_unit_test(xdp_adjust_meta_and_head_move_it),
		cmocka_unit_test(xdp_adjust_tail_limits),
		cmocka_unit_test(xdp_load_store_bytes),
		cmocka_unit_test(skb_load_bytes_bounds),
		cmocka_unit_test(skb_store_bytes_flags_and_bounds),
		cmocka_unit_test(skb_pull_data_len),
		cmocka_unit_test(l3_l4_csum_replace),
		cmocka_unit_test(refuses_foreign_contexts),
		cmocka_unit_test(csum_diff_folds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
