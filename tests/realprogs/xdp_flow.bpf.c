// SPDX-License-Identifier: MIT
/* XDP flow accounting as an xdp-tools style parser: Ethernet, up to two
 * VLAN tags (bounded loop), IPv4 with options or IPv6 with up to four
 * extension headers (bounded loop), then TCP/UDP ports into a struct key
 * of a hash map. Returns XDP_DROP for a blocked port, else XDP_PASS. */
#include "real.h"

struct flow_key {
	__u8 src[16];
	__u8 dst[16];
	__u16 sport, dport;
	__u8 proto, family;
	__u16 pad;
};

struct flow_val {
	__u64 packets, bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct flow_key);
	__type(value, struct flow_val);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u16);
} blocked_port SEC(".maps");

struct cursor {
	void *pos, *end;
};

static __always_inline int parse_eth(struct cursor *c, __u16 *proto)
{
	struct ethhdr *eth = c->pos;
	struct vlan_hdr *vh;
	__u16 p;

	if ((void *)(eth + 1) > c->end)
		return -1;
	p = eth->h_proto;
	c->pos = eth + 1;
#pragma unroll
	for (int i = 0; i < 2; i++) {
		if (p != bpf_htons(ETH_P_8021Q) && p != bpf_htons(ETH_P_8021AD))
			break;
		vh = c->pos;
		if ((void *)(vh + 1) > c->end)
			return -1;
		p = vh->proto;
		c->pos = vh + 1;
	}
	*proto = bpf_ntohs(p);
	return 0;
}

static __always_inline int parse_ipv6_ext(struct cursor *c, __u8 *nexthdr)
{
	for (int i = 0; i < 4; i++) {
		__u8 *h = c->pos;
		switch (*nexthdr) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			if ((void *)(h + 2) > c->end)
				return -1;
			*nexthdr = h[0];
			c->pos = h + (h[1] + 1) * 8;
			break;
		case IPPROTO_FRAGMENT:
			if ((void *)(h + 8) > c->end)
				return -1;
			*nexthdr = h[0];
			c->pos = h + 8;
			break;
		default:
			return 0;
		}
	}
	return 0;
}

SEC("xdp")
int xdp_flow(struct xdp_md *ctx)
{
	struct cursor c = { (void *)(long)ctx->data, (void *)(long)ctx->data_end };
	struct flow_key key = {};
	struct flow_val *v, init = { 1, 0 };
	__u16 proto, *blocked;
	__u32 zero = 0;
	__u8 l4;

	if (parse_eth(&c, &proto))
		return XDP_DROP;
	if (proto == ETH_P_IP) {
		struct iphdr *ip = c.pos;
		if ((void *)(ip + 1) > c.end)
			return XDP_DROP;
		if (ip->ihl < 5)
			return XDP_DROP;
		__builtin_memcpy(key.src, &ip->saddr, 4);
		__builtin_memcpy(key.dst, &ip->daddr, 4);
		l4 = ip->protocol;
		key.family = 4;
		c.pos = (void *)ip + ip->ihl * 4;
	} else if (proto == ETH_P_IPV6) {
		struct ipv6hdr *ip6 = c.pos;
		if ((void *)(ip6 + 1) > c.end)
			return XDP_DROP;
		__builtin_memcpy(key.src, &ip6->saddr, 16);
		__builtin_memcpy(key.dst, &ip6->daddr, 16);
		l4 = ip6->nexthdr;
		key.family = 6;
		c.pos = ip6 + 1;
		if (parse_ipv6_ext(&c, &l4))
			return XDP_DROP;
	} else {
		return XDP_PASS;
	}
	key.proto = l4;
	if (l4 == IPPROTO_TCP || l4 == IPPROTO_UDP) {
		struct udphdr *uh = c.pos; /* ports at the same place in both */
		if ((void *)(uh + 1) > c.end)
			return XDP_DROP;
		key.sport = bpf_ntohs(uh->source);
		key.dport = bpf_ntohs(uh->dest);
	}
	init.bytes = ctx->data_end - ctx->data;
	v = bpf_map_lookup_elem(&flows, &key);
	if (v) {
		__sync_fetch_and_add(&v->packets, 1);
		__sync_fetch_and_add(&v->bytes, init.bytes);
	} else {
		bpf_map_update_elem(&flows, &key, &init, BPF_NOEXIST);
	}
	blocked = bpf_map_lookup_elem(&blocked_port, &zero);
	if (blocked && *blocked && *blocked == key.dport)
		return XDP_DROP;
	return key.dport == 9 ? XDP_DROP : XDP_PASS;
}

/* The same walk without a map: a byte count of the L4 payload per
 * protocol class, returned (an iptables-like "length" match). */
SEC("xdp")
int xdp_payload_len(struct xdp_md *ctx)
{
	struct cursor c = { (void *)(long)ctx->data, (void *)(long)ctx->data_end };
	__u16 proto;
	__u8 l4;

	if (parse_eth(&c, &proto) || proto != ETH_P_IP)
		return XDP_PASS;
	struct iphdr *ip = c.pos;
	if ((void *)(ip + 1) > c.end)
		return XDP_ABORTED;
	l4 = ip->protocol;
	__u32 tot = bpf_ntohs(ip->tot_len), hl = ip->ihl * 4;
	if (tot < hl)
		return XDP_DROP;
	if (l4 == IPPROTO_TCP) {
		struct tcphdr *th = (void *)ip + hl;
		if ((void *)(th + 1) > c.end)
			return XDP_DROP;
		__u32 thl = th->doff * 4;
		return tot - hl > thl ? XDP_TX : XDP_PASS;
	}
	return tot - hl > 8 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
