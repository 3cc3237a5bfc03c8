/* SPDX-License-Identifier: MIT */
/*
 * One compute workload, written once and compiled twice: by clang-22
 * -target bpf -mcpu=v4 (two entry points, see below) and by gcc -O2 (the
 * native baseline). A workload is
 *
 *	WORKLOAD(name) { ... u64 body using data[0..CTX_LEN) ... }
 *
 * with `data` and `end` bracketing the context. Bodies first check
 * `data + CTX_LEN <= end`, the form the kernel verifier understands for
 * packet pointers, then touch data[i] for i < CTX_LEN only.
 *
 * BPF entry points: section "bench" holds `u64 f(u8 *data, u64 size)`
 * (r1 = context, r2 = its size: our engines and ubpf); section "xdp" holds
 * an XDP program for the kernel's BPF_PROG_TEST_RUN, which takes data and
 * data_end from struct xdp_md and returns the low 32 bits. Both call the
 * body inlined, so each section is one self-contained function.
 */
#ifndef BENCH_WORKLOAD_H
#define BENCH_WORKLOAD_H

typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
typedef __INT32_TYPE__ s32;
typedef __INT64_TYPE__ s64;

#define CTX_LEN 1024 /* bytes of context every workload reads */

#define INLINE static inline __attribute__((always_inline))

INLINE u64 load64(const u8 *p)
{
	return *(const u64 *)p;
}
INLINE u32 load32(const u8 *p)
{
	return *(const u32 *)p;
}
INLINE u32 rotl32(u32 x, int r)
{
	return (x << r) | (x >> (32 - r));
}
INLINE u64 rotl64(u64 x, int r)
{
	return (x << r) | (x >> (64 - r));
}
INLINE u64 popcount64(u64 x) /* SWAR: the same code on every engine */
{
	x = x - ((x >> 1) & 0x5555555555555555ull);
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (x * 0x0101010101010101ull) >> 56;
}

#ifdef __bpf__
struct xdp_md {
	u32 data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex;
};
#define WORKLOAD(name)                                                                     \
	INLINE u64 name##_body(u8 *data, u8 *end);                                         \
	__attribute__((section("bench"), used)) u64 name##_plain(u8 *data, u64 size)       \
	{                                                                                  \
		return name##_body(data, data + size);                                     \
	}                                                                                  \
	__attribute__((section("xdp"), used)) int name##_xdp(struct xdp_md *x)             \
	{                                                                                  \
		return (int)(u32)name##_body((u8 *)(long)x->data, (u8 *)(long)x->data_end); \
	}                                                                                  \
	char _license[] __attribute__((section("license"), used)) = "GPL";                \
	INLINE u64 name##_body(u8 *data, u8 *end)
#else
#define WORKLOAD(name)                                                                     \
	INLINE u64 name##_body(u8 *data, u8 *end);                                         \
	u64 bench_native_##name(u8 *data, u64 size);                                       \
	u64 bench_native_##name(u8 *data, u64 size)                                        \
	{                                                                                  \
		return name##_body(data, data + size);                                     \
	}                                                                                  \
	INLINE u64 name##_body(u8 *data, u8 *end)
#endif

#endif /* BENCH_WORKLOAD_H */
