// SPDX-License-Identifier: MIT
/* A cgroup firewall: ingress denies UDP from addresses in an LRU hash
 * keyed by a struct (address, port), egress counts bytes per protocol in
 * a per-CPU hash and marks large packets as congested (return 3). */
#include "real.h"

struct deny_key {
	__u32 addr;
	__u16 port;
	__u16 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 128);
	__type(key, struct deny_key);
	__type(value, __u8);
} deny SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 32);
	__type(key, __u32);
	__type(value, __u64);
} proto_bytes SEC(".maps");

SEC("cgroup_skb/ingress")
int cg_fw_ingress(struct __sk_buff *skb)
{
	struct iphdr ip;
	struct udphdr uh;
	struct deny_key k = {};

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 1;
	if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)))
		return 1;
	if (ip.protocol != IPPROTO_UDP)
		return 1;
	if (bpf_skb_load_bytes(skb, ip.ihl * 4 & 0x3c, &uh, sizeof(uh)))
		return 1;
	k.addr = ip.saddr;
	k.port = bpf_ntohs(uh.dest);
	if (bpf_map_lookup_elem(&deny, &k))
		return 0;
	if (k.port == 9) { /* learn: deny the sender from now on */
		__u8 v = 1;
		bpf_map_update_elem(&deny, &k, &v, BPF_ANY);
	}
	return 1;
}

SEC("cgroup_skb/egress")
int cg_fw_egress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct iphdr *ip = data;
	__u32 key = 255;
	__u64 len = skb->len, *b;

	if ((void *)(ip + 1) <= end && skb->protocol == bpf_htons(ETH_P_IP))
		key = ip->protocol;
	b = bpf_map_lookup_elem(&proto_bytes, &key);
	if (b)
		*b += len;
	else
		bpf_map_update_elem(&proto_bytes, &key, &len, BPF_NOEXIST);
	return len > 1000 ? 3 : 1;
}

char LICENSE[] SEC("license") = "GPL";
