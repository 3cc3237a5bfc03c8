// SPDX-License-Identifier: MIT
/* Mistakes people make, each of which the kernel refuses: the verdicts
 * (and where the reason is the same kind, the reasons) must agree. */
#include "real.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

struct item {
	struct item *next;
	__u32 v;
};

/* the header read before the bounds check */
SEC("xdp")
int bad_no_bounds(struct xdp_md *ctx)
{
	struct ethhdr *eth = (void *)(long)ctx->data;
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		return XDP_DROP;
	return XDP_PASS;
}

/* a lookup's result used without the NULL check */
SEC("xdp")
int bad_no_null_check(struct xdp_md *ctx)
{
	__u32 k = 3;
	__u64 *v = bpf_map_lookup_elem(&counts, &k);
	*v += 1;
	return XDP_PASS;
}

/* an index from the packet not bounded by the array's size */
SEC("xdp")
int bad_unbounded_index(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u64 tab[16] = {};
	if (p + 1 > end)
		return XDP_PASS;
	tab[p[0] & 0x1f] = 1; /* up to 31 */
	return (int)tab[3];
}

/* a kernel pointer dereferenced directly in a kprobe */
SEC("kprobe/do_nothing")
int BPF_KPROBE(bad_direct_deref, struct item *it)
{
	return it->v;
}

/* a ring buffer record neither submitted nor discarded on one path */
SEC("xdp")
int bad_ringbuf_leak(struct xdp_md *ctx)
{
	__u64 *e = bpf_ringbuf_reserve(&rb, 8, 0);
	if (!e)
		return XDP_PASS;
	*e = ctx->rx_queue_index;
	if (*e == 7)
		return XDP_DROP; /* leaked */
	bpf_ringbuf_submit(e, 0);
	return XDP_PASS;
}

/* a cgroup_skb ingress program must return 0 or 1 */
SEC("cgroup_skb/ingress")
int bad_cg_retval(struct __sk_buff *skb)
{
	return skb->len > 100 ? 2 : 1;
}

/* writing to the context of a socket filter where it is read-only */
SEC("socket")
int bad_ctx_write(struct __sk_buff *skb)
{
	skb->len = 0;
	return 0;
}

/* a loop bounded by a 32-bit number from the packet: the kernel walks it
 * iteration by iteration and gives up at its budget. So does bpfrt's
 * default mode for now: a loop bounded by a register, not a constant, is
 * not a counted loop (docs/verifier.md, "Loops"); test_realprogs counts it
 * as "beyond the kernel" once default mode accepts it. */
SEC("xdp")
int big_loop(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 n = 0, lim;
	if (p + 4 > end)
		return XDP_PASS;
	lim = *(__u32 *)p;
	for (__u32 i = 0; i < lim; i++)
		n = n * 31 + (i ^ lim);
	return n & 3;
}

char LICENSE[] SEC("license") = "GPL";
