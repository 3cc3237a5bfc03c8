/* SPDX-License-Identifier: MIT */
/*
 * The frame a packet program's packet lives in during a run, as the
 * kernel's BPF_PROG_TEST_RUN builds it (net/bpf/test_run.c), so the packet
 * helpers (packet.c) can move the packet's bounds within it:
 *
 *	buf                                                             buf + size
 *	| xdp_frame | headroom ... | meta | packet | tailroom ... | shared_info |
 *	             data_meta ----^      ^ data   ^ data_end     ^ hard_end
 *
 * XDP: 256 bytes of headroom (XDP_PACKET_HEADROOM) of which the first 40
 * (struct xdp_frame) are never packet, and a 4096-byte frame whose last
 * 320 bytes (struct skb_shared_info) are never packet, so data_end grows to
 * at most buf + 3776 (bpf_xdp_adjust_tail). A packet longer than the
 * kernel's linear 3520 bytes (which it would split into fragments) gets a
 * frame just large enough. tc and socket programs: 64 bytes of headroom
 * (NET_SKB_PAD); a socket filter's data starts past the Ethernet header
 * (eth_type_trans), as in the kernel.
 *
 * The program's context (ctx) lives in the frame; the runtime hands the
 * frame to the helpers through the run (vm_prog_run), so a helper never
 * trusts a pointer the program could have written: it checks that data_meta
 * <= data <= data_end lie inside [buf, hard_end] first.
 */
#ifndef BPFRT_HELPERS_PKT_FRAME_H
#define BPFRT_HELPERS_PKT_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "fixups/fixups.h"

#define PKT_ETH_HLEN 14		 /* ETH_HLEN */
#define PKT_XDP_HEADROOM 256	 /* XDP_PACKET_HEADROOM */
#define PKT_XDP_FRAME_HDR 40	 /* sizeof(struct xdp_frame): never packet */
#define PKT_XDP_FRAME_SIZE 4096	 /* the test run's frame_sz (PAGE_SIZE) */
#define PKT_SKB_HEADROOM 64	 /* NET_SKB_PAD */
#define PKT_TAILROOM 320	 /* SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) */
#define PKT_XDP_META_MAX 255	 /* skb_shared_info.meta_len is a u8 (kernel 6.6+) */

struct pkt_frame {
	uint8_t *buf;	   /* the frame, zeroed at the start (kzalloc) */
	size_t size;	   /* bytes of buf */
	uint8_t *hard_end; /* buf + size - PKT_TAILROOM: data_end's limit */
	enum fixup_ctx_kind kind; /* FIXUP_CTX_XDP or FIXUP_CTX_SKB */
	size_t l2_pulled;  /* socket filters: bytes before data (the Ethernet header) */
	union {		   /* what the program's r1 points to */
		struct bpfrt_xdp_ctx xdp;
		struct bpfrt_skb_ctx skb;
	} ctx;
};

#endif /* BPFRT_HELPERS_PKT_FRAME_H */
