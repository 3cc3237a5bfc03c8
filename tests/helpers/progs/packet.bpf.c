// SPDX-License-Identifier: MIT
/* The packet helpers through the runtime (test_packet_progs): a tc program
 * rewriting the IPv4 destination with bpf_skb_store_bytes and updating the
 * header checksum with bpf_csum_diff, a socket filter reading the IP
 * protocol with bpf_skb_load_bytes (its offsets start at the network
 * header), and an XDP program that moves head, tail and metadata by the
 * amounts the test sets in `args`. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define IP_OFF 14

struct {
	__s32 head, meta, tail; /* set by the test */
	__s64 ret[3];		 /* what each adjust returned */
} args;

SEC("tc")
int rewrite_dst(struct __sk_buff *skb)
{
	__be32 old, new = bpf_htonl(0x0a000063); /* 10.0.0.99 */
	__u16 csum;
	__s64 sum;

	if (bpf_skb_pull_data(skb, 0) ||
	    bpf_skb_load_bytes(skb, IP_OFF + 16, &old, sizeof(old)) ||
	    bpf_skb_load_bytes(skb, IP_OFF + 10, &csum, sizeof(csum)))
		return TC_ACT_SHOT;
	/* RFC 1624: HC' = ~(~HC + ~m + m') */
	sum = bpf_csum_diff(&old, sizeof(old), &new, sizeof(new), (__u16)~csum);
	if (sum < 0)
		return TC_ACT_SHOT;
	csum = ~(__u16)sum;
	if (bpf_skb_store_bytes(skb, IP_OFF + 16, &new, sizeof(new), BPF_F_INVALIDATE_HASH) ||
	    bpf_skb_store_bytes(skb, IP_OFF + 10, &csum, sizeof(csum), 0))
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

SEC("socket")
int ip_proto(struct __sk_buff *skb)
{
	__u8 proto;

	if (bpf_skb_load_bytes(skb, 9, &proto, sizeof(proto)))
		return -1;
	return proto;
}

SEC("xdp")
int adjust(struct xdp_md *ctx)
{
	args.ret[0] = bpf_xdp_adjust_head(ctx, args.head);
	args.ret[1] = bpf_xdp_adjust_meta(ctx, args.meta);
	args.ret[2] = bpf_xdp_adjust_tail(ctx, args.tail);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
