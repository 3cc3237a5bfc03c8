// SPDX-License-Identifier: MIT
/* Socket filters as tcpdump-like and DNS-sniffing tools write them: the
 * data starts at the network header; headers read with bpf_skb_load_bytes;
 * a DNS query name walked label by label (a bounded loop over a stack
 * copy) into a hash of the name; the filter returns how many bytes to
 * keep (0: drop). */
#include "real.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} qname_hits SEC(".maps");

#define QNAME_MAX 64

SEC("socket")
int sock_dns(struct __sk_buff *skb)
{
	struct iphdr ip;
	struct udphdr uh;
	__u8 name[QNAME_MAX];
	__u32 h = 5381, off, label = 0;
	__u64 one = 1, *n;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 0;
	if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)) || ip.protocol != IPPROTO_UDP)
		return 0;
	off = (ip.ihl & 0xf) * 4;
	if (bpf_skb_load_bytes(skb, off, &uh, sizeof(uh)) || uh.dest != bpf_htons(53))
		return 0;
	off += sizeof(uh) + 12; /* the DNS header */
	__builtin_memset(name, 0, sizeof(name));
	if (bpf_skb_load_bytes(skb, off, name, 32))
		return 0;
	for (int i = 0; i < 32; i++) {
		__u8 c = name[i];
		if (label == 0) {
			if (c == 0)
				break;
			label = c;
			c = '.';
		} else {
			label--;
		}
		h = h * 33 + c;
	}
	n = bpf_map_lookup_elem(&qname_hits, &h);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&qname_hits, &h, &one, BPF_ANY);
	return skb->len;
}

/* tcpdump 'ip and (tcp or udp) and portrange 1-1023': the header's 5-byte
 * prefix read with bpf_skb_load_bytes, then a 64-byte snap. */
SEC("socket")
int sock_lowports(struct __sk_buff *skb)
{
	__u8 vihl;
	__u8 proto;
	__be16 ports[2];

	if (bpf_skb_load_bytes(skb, 0, &vihl, 1) || (vihl >> 4) != 4)
		return 0;
	if (bpf_skb_load_bytes(skb, 9, &proto, 1))
		return 0;
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return 0;
	if (bpf_skb_load_bytes(skb, (vihl & 0xf) << 2, ports, 4))
		return 0;
	__u16 s = bpf_ntohs(ports[0]), d = bpf_ntohs(ports[1]);
	if ((s >= 1 && s < 1024) || (d >= 1 && d < 1024))
		return skb->len < 64 ? skb->len : 64;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
