// SPDX-License-Identifier: MIT
/* TC classifiers on struct __sk_buff: direct packet access with a switch
 * table on the destination port into classes, skb->mark and priority
 * written, per-CPU counters per class; a second one that reads headers
 * with bpf_skb_load_bytes instead (the way programs written before direct
 * access did), and a DSCP rewriter using bpf_l3_csum_replace. */
#include "real.h"

#define TC_ACT_OK 0
#define TC_ACT_SHOT 2

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} class_pkts SEC(".maps");

static __noinline __u32 port_class(__u16 port)
{
	switch (port) {
	case 22:
		return 1;
	case 53:
		return 2;
	case 80:
	case 443:
		return 3;
	case 123:
		return 4;
	case 9:
		return 5;
	case 5353:
		return 6;
	default:
		return port < 1024 ? 7 : 0;
	}
}

SEC("tc")
int tc_classify_ports(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u32 cls = 0;
	__u64 *n;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		goto out;
	if (ip->protocol == IPPROTO_UDP || ip->protocol == IPPROTO_TCP) {
		struct udphdr *uh = (void *)ip + ip->ihl * 4;
		if ((void *)(uh + 1) > end)
			return TC_ACT_SHOT;
		cls = port_class(bpf_ntohs(uh->dest));
	}
out:
	n = bpf_map_lookup_elem(&class_pkts, &cls);
	if (n)
		*n += 1;
	skb->mark = cls;
	skb->priority = cls * 2;
	return cls == 5 ? TC_ACT_SHOT : TC_ACT_OK;
}

SEC("tc")
int tc_load_bytes(struct __sk_buff *skb)
{
	struct iphdr ip;
	__u16 ports[2];
	__u32 off = ETH_HLEN;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	if (bpf_skb_load_bytes(skb, off, &ip, sizeof(ip)))
		return TC_ACT_SHOT;
	off += (ip.ihl & 0xf) * 4;
	if (bpf_skb_load_bytes(skb, off, ports, sizeof(ports)))
		return TC_ACT_OK;
	return (bpf_ntohs(ports[1]) & 0xff) + ip.protocol;
}

SEC("tc")
int tc_set_dscp(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u8 old_tos, new_tos;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	old_tos = ip->tos;
	new_tos = (old_tos & 0x3) | (46 << 2);
	if (old_tos == new_tos)
		return TC_ACT_OK;
	bpf_l3_csum_replace(skb, ETH_HLEN + offsetof(struct iphdr, check), bpf_htons(old_tos),
			    bpf_htons(new_tos), 2);
	bpf_skb_store_bytes(skb, ETH_HLEN + offsetof(struct iphdr, tos), &new_tos, 1, 0);
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;
	ip = data + ETH_HLEN;
	if ((void *)(ip + 1) > end)
		return TC_ACT_SHOT;
	return ip->tos + (ip->check & 0xff);
}

char LICENSE[] SEC("license") = "GPL";
