// SPDX-License-Identifier: MIT
/* Reshaping a packet with the XDP adjust helpers: 4 bytes of metadata for
 * a later stage (bpf_xdp_adjust_meta) holding the packet's Ethernet type,
 * a 4-byte tag pushed in front of the frame (bpf_xdp_adjust_head), and a
 * 4-byte trailer cut off its end (bpf_xdp_adjust_tail). Each helper moves
 * the packet, so the pointers are loaded from the context again after it.
 * `bpfrt prog run ... --data-out -` prints the result: metadata, tag, the
 * frame without its last 4 bytes. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TAG 0xcafef00d

SEC("xdp")
int xdp_encap(struct xdp_md *ctx)
{
	void *data, *data_end, *meta;
	__u32 *tag, *md;

	if (bpf_xdp_adjust_meta(ctx, -4) || bpf_xdp_adjust_head(ctx, -4) ||
	    bpf_xdp_adjust_tail(ctx, -4))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	meta = (void *)(long)ctx->data_meta;
	tag = data;
	md = meta;
	if ((void *)(tag + 1) + sizeof(struct ethhdr) > data_end || (void *)(md + 1) > data)
		return XDP_ABORTED;
	*tag = bpf_htonl(TAG);
	*md = ((struct ethhdr *)(tag + 1))->h_proto;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
