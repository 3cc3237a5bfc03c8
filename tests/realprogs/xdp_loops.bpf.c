// SPDX-License-Identifier: MIT
/* Loops as people write them in XDP programs: bpf_loop with a callback
 * context, a global (verified once) function with a packet-length
 * argument, static subprograms, loops kept rolled, a switch dispatch,
 * 32-bit arithmetic (alu32 with -mcpu=v3/v4) and a byte scan over the
 * payload. Each returns a number computed from the packet. */
#include "real.h"

struct scan_ctx {
	__u8 *data;
	__u8 *end;
	__u32 sum;
	__u32 zeros;
};

static long scan_one(__u64 i, void *arg)
{
	struct scan_ctx *sc = arg;
	__u8 *p = sc->data + (i & 127);

	if (p + 1 > sc->end)
		return 1; /* stop */
	sc->sum += *p;
	if (!*p)
		sc->zeros++;
	return 0;
}

SEC("xdp")
int xdp_bpf_loop(struct xdp_md *ctx)
{
	struct scan_ctx sc = { (void *)(long)ctx->data, (void *)(long)ctx->data_end, 0, 0 };

	long n = bpf_loop(128, scan_one, &sc, 0);
	return (sc.sum + sc.zeros * 7 + (__u32)n) & 0xffff;
}

/* a global function: verified alone, from its BTF signature */
__noinline int mix32(__u32 a, __u32 b, __u32 rounds)
{
	__u32 x = a, y = b;

	if (rounds > 16)
		rounds = 16;
	for (__u32 i = 0; i < rounds; i++) {
		x = (x << 5 | x >> 27) ^ y;
		y = y * 0x9e3779b1u + i;
	}
	return (int)(x ^ y);
}

static __noinline __u32 clamp_len(__u32 len, __u32 lo, __u32 hi)
{
	return len < lo ? lo : len > hi ? hi : len;
}

SEC("xdp")
int xdp_global_func(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;
	__u32 l = clamp_len(len, 20, 1500);

	return (mix32(l, ctx->ingress_ifindex, l & 7) & 0xff) + 1;
}

static __noinline int classify(__u8 b)
{
	switch (b >> 4) {
	case 0: return 10;
	case 1: return 11;
	case 2: return 12;
	case 3: return 13;
	case 4: return 14;
	case 5: return 15;
	case 6: return 16;
	case 7: return 17;
	case 8: return 18;
	default: return b & 3;
	}
}

SEC("xdp")
int xdp_byte_scan(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 acc = 0, runs = 0;
	__u8 prev = 0;

#pragma clang loop unroll(disable)
	for (int i = 0; i < 64; i++) {
		if (p + i + 1 > end)
			break;
		__u8 b = p[i];
		acc += classify(b);
		if (b == prev)
			runs++;
		prev = b;
	}
	return (int)(acc * 3 + runs);
}

/* 32-bit arithmetic: ones' complement sum, a division by a checked
 * divisor, signed compares and shifts of the packet's first 16 bytes */
SEC("xdp")
int xdp_alu32(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 sum = 0;
	__s32 s;

	if (p + 16 > end)
		return 0;
	for (int i = 0; i < 8; i++)
		sum += (__u32)p[2 * i] << 8 | p[2 * i + 1];
	sum = (sum & 0xffff) + (sum >> 16);
	s = (__s32)(sum << 16) >> 20;
	__u32 d = p[15] | 1;
	__u32 q = sum / d, r = sum % d;
	if (s < -100)
		return (int)(q + 1);
	return (int)((q ^ r) & 0x7fff);
}

/* a nested counted loop (outer 8, inner up to 8) kept rolled */
SEC("xdp")
int xdp_nested_loop(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 total = 0;

	if (p + 8 > end)
		return 0;
#pragma clang loop unroll(disable)
	for (int i = 0; i < 8; i++) {
		__u32 lim = p[i] & 7;
#pragma clang loop unroll(disable)
		for (__u32 j = 0; j < lim; j++)
			total += i * j + 1;
	}
	return (int)total;
}

char LICENSE[] SEC("license") = "GPL";
