// SPDX-License-Identifier: MIT
/* Packet rewriting and program configuration as XDP programs do it:
 * .rodata settings (const volatile, set before load), .bss/.data counters,
 * a VLAN tag popped with bpf_xdp_adjust_head (pointers re-read and
 * re-checked after it), an IPv4 TTL decrement with bpf_csum_diff, a dense
 * switch clang turns into a lookup table in .rodata, sign-extending loads
 * and signed division (-mcpu=v4 has instructions for them), byte swaps,
 * bpf_for_each_map_elem with a callback and bpf_printk. */
#include "real.h"

const volatile __u32 cfg_min_ttl = 2;
const volatile __u8 cfg_pop_vlan = 1;
__u64 pkts_seen;
__u64 vlan_popped = 0;
__u32 last_weight = 7;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __s64);
} weights SEC(".maps");

SEC("xdp")
int xdp_vlan_pop(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data, tmp;
	struct vlan_hdr *vh = (void *)(eth + 1);

	__sync_fetch_and_add(&pkts_seen, 1);
	if (!cfg_pop_vlan || (void *)(vh + 1) > end || eth->h_proto != bpf_htons(ETH_P_8021Q))
		return XDP_PASS;
	__builtin_memcpy(&tmp, eth, sizeof(tmp) - 2);
	tmp.h_proto = vh->proto;
	if (bpf_xdp_adjust_head(ctx, (int)sizeof(*vh)))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > end)
		return XDP_ABORTED;
	__builtin_memcpy(eth, &tmp, sizeof(tmp));
	vlan_popped++;
	return XDP_TX;
}

SEC("xdp")
int xdp_ttl_csum(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__be32 old, new;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if (ip->ttl < cfg_min_ttl)
		return XDP_DROP;
	old = *(__be32 *)&ip->ttl; /* ttl, protocol, check */
	ip->ttl--;
	new = *(__be32 *)&ip->ttl;
	__s64 sum = bpf_csum_diff(&old, 4, &new, 4, ~((__u32)ip->check) & 0xffff);
	__u32 c = (__u32)sum;
	c = (c & 0xffff) + (c >> 16);
	c = (c & 0xffff) + (c >> 16);
	ip->check = (__u16)~c;
	return XDP_TX;
}

static __noinline __u32 dscp_weight(__u8 tos)
{
	switch (tos >> 5) {
	case 0: return 13;
	case 1: return 7;
	case 2: return 101;
	case 3: return 3;
	case 4: return 55;
	case 5: return 1;
	case 6: return 89;
	default: return 21;
	}
}

struct sum_ctx {
	__s64 sum;
	__u32 n;
};

static long add_weight(void *map, __u32 *key, __s64 *val, struct sum_ctx *c)
{
	c->sum += *val;
	c->n++;
	return *key >= 6; /* stop after key 6 */
}

SEC("xdp")
int xdp_signed_math(struct xdp_md *ctx)
{
	__s8 *p = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct sum_ctx sc = {};

	if ((void *)(p + 20) > end)
		return XDP_PASS;
	__s64 a = p[14], b = (__s16)((__u16)(__u8)p[16] << 8 | (__u8)p[17]);
	__s64 d = p[19] | 1;
	__u32 key = (__u8)p[15] & 7;
#if __BPF_CPU_VERSION__ >= 4
	__s64 w = a * 1000 / d + b % d; /* sdiv, smod */
#else
	__s64 w = (__s64)((__u64)(a * 1000) / (__u64)d + (__u64)b % (__u64)d);
#endif
	bpf_map_update_elem(&weights, &key, &w, BPF_ANY);
	bpf_for_each_map_elem(&weights, add_weight, &sc, 0);
	last_weight = dscp_weight((__u8)p[15]);
	__u32 be = __builtin_bswap32((__u32)sc.sum);
	if (sc.sum < 0)
		bpf_printk("negative sum %lld over %u", sc.sum, sc.n);
	return (int)((be ^ last_weight ^ sc.n) & 0xffff);
}

char LICENSE[] SEC("license") = "GPL";
