// SPDX-License-Identifier: MIT
/* A tc classifier over __sk_buff: parse Ethernet, IPv4 (variable header
 * length) and UDP/TCP with direct packet access, count bytes per IP
 * protocol, mark the skb with the destination port (skb->mark, cb[0]),
 * drop UDP to port 9 (TC_ACT_SHOT), let the rest through (TC_ACT_OK). */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} proto_bytes SEC(".maps");

SEC("tc")
int tc_classify(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u16 dport = 0;
	__u64 *bytes;
	__u32 key;
	void *l4;

	if (skb->protocol != bpf_htons(ETH_P_IP) || (void *)(ip + 1) > data_end)
		return TC_ACT_OK;
	if (ip->ihl < 5)
		return TC_ACT_OK;
	key = ip->protocol;
	bytes = bpf_map_lookup_elem(&proto_bytes, &key);
	if (bytes)
		__sync_fetch_and_add(bytes, skb->len);
	l4 = (void *)ip + ip->ihl * 4;
	if (ip->protocol == IPPROTO_UDP) {
		struct udphdr *udp = l4;

		if ((void *)(udp + 1) > data_end)
			return TC_ACT_OK;
		dport = bpf_ntohs(udp->dest);
	} else if (ip->protocol == IPPROTO_TCP) {
		struct tcphdr *tcp = l4;

		if ((void *)(tcp + 1) > data_end)
			return TC_ACT_OK;
		dport = bpf_ntohs(tcp->dest);
	}
	skb->mark = dport;
	skb->cb[0] = ip->protocol;
	return ip->protocol == IPPROTO_UDP && dport == 9 ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
