// SPDX-License-Identifier: MIT
/* cgroup_skb programs over __sk_buff: the packet starts at its IP header.
 * Ingress lets IPv4 through unless it is UDP to port 9 (1 passes, 0 drops)
 * and counts the bytes it passes; egress passes everything and marks
 * packets over 1000 bytes as congested (3: pass + congestion notice). */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} passed_bytes SEC(".maps");

SEC("cgroup_skb/ingress")
int cg_ingress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *ip = data;
	__u32 key = 0;
	__u64 *bytes;

	if (skb->protocol != bpf_htons(ETH_P_IP) || (void *)(ip + 1) > data_end)
		return 1;
	if (ip->protocol == IPPROTO_UDP && ip->ihl == 5) {
		struct udphdr *udp = (void *)(ip + 1);

		if ((void *)(udp + 1) > data_end)
			return 1;
		if (udp->dest == bpf_htons(9))
			return 0;
	}
	skb->mark = ip->ttl;
	bytes = bpf_map_lookup_elem(&passed_bytes, &key);
	if (bytes)
		__sync_fetch_and_add(bytes, skb->len);
	return 1;
}

SEC("cgroup_skb/egress")
int cg_egress(struct __sk_buff *skb)
{
	return skb->len > 1000 ? 3 : 1;
}

char LICENSE[] SEC("license") = "GPL";
