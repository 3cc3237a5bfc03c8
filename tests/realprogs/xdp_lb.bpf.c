// SPDX-License-Identifier: MIT
/* A small XDP load balancer in the katran/xdp-tutorial manner: MAC swap
 * with __builtin_memcpy, backends chosen from a hash of the 5-tuple in an
 * array of structs, the IPv4 checksum recomputed over the header (a
 * bounded loop over 16-bit words, folded), IP options walked for a
 * router-alert option. Returns XDP_TX when rewritten. */
#include "real.h"

struct backend {
	__u32 daddr;
	__u8 mac[ETH_ALEN];
	__u16 weight;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct backend);
} backends SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} lb_stats SEC(".maps");

static __always_inline __u16 csum_fold(__u32 csum)
{
	csum = (csum & 0xffff) + (csum >> 16);
	csum = (csum & 0xffff) + (csum >> 16);
	return (__u16)~csum;
}

static __always_inline __u32 hash_tuple(__u32 a, __u32 b, __u32 ports, __u8 proto)
{
	__u32 h = 2166136261u;
	h = (h ^ a) * 16777619u;
	h = (h ^ b) * 16777619u;
	h = (h ^ ports) * 16777619u;
	h = (h ^ proto) * 16777619u;
	return h ^ (h >> 15);
}

static __always_inline void count(__u32 idx)
{
	__u64 *c = bpf_map_lookup_elem(&lb_stats, &idx);
	if (c)
		*c += 1;
}

SEC("xdp")
int xdp_lb(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *uh;
	struct backend *be;
	__u8 tmp[ETH_ALEN];
	__u32 csum = 0, key, ports;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP)) {
		count(0);
		return XDP_PASS;
	}
	if (ip->ihl != 5 || (ip->frag_off & bpf_htons(0x3fff))) {
		count(1);
		return XDP_PASS;
	}
	if (ip->protocol != IPPROTO_UDP && ip->protocol != IPPROTO_TCP)
		return XDP_PASS;
	uh = (void *)(ip + 1);
	if ((void *)(uh + 1) > end)
		return XDP_DROP;
	ports = (__u32)uh->source << 16 | uh->dest;
	key = hash_tuple(ip->saddr, ip->daddr, ports, ip->protocol) & 3;
	be = bpf_map_lookup_elem(&backends, &key);
	if (!be || !be->daddr) {
		count(2);
		return XDP_PASS;
	}
	ip->daddr = be->daddr;
	ip->ttl--;
	ip->check = 0;
	__u16 *w = (__u16 *)ip;
#pragma clang loop unroll(disable)
	for (int i = 0; i < (int)sizeof(*ip) / 2; i++)
		csum += w[i];
	ip->check = csum_fold(csum);
	__builtin_memcpy(tmp, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, be->mac, ETH_ALEN);
	count(3);
	return XDP_TX;
}

/* IPv4 options: a type-length walk (at most 10 options) looking for
 * router alert (148); packets carrying it are passed, others without
 * options dropped when their TTL is 1. */
SEC("xdp")
int xdp_ip_options(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u32 off = sizeof(*ip), hl;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	hl = ip->ihl * 4;
	if (hl == sizeof(*ip))
		return ip->ttl <= 1 ? XDP_DROP : XDP_PASS;
#pragma clang loop unroll(disable)
	for (int i = 0; i < 10; i++) {
		__u8 *opt = (__u8 *)ip + off;
		if (off >= hl || (void *)(opt + 2) > end)
			break;
		if (opt[0] == 0)
			break;
		if (opt[0] == 1) {
			off++;
			continue;
		}
		if (opt[0] == 148)
			return XDP_PASS;
		if (opt[1] < 2)
			return XDP_DROP;
		off += opt[1];
		off &= 0x3f;
	}
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
