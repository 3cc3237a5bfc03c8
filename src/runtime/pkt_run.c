/* SPDX-License-Identifier: MIT */
/* Packet frames for packet program runs: see pkt_run.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "runtime/pkt_run.h"

/* The test run's device: the network namespace's loopback, ifindex 1. */
#define PKT_IFINDEX 1

static void put_u32(uint8_t *uapi, size_t off, uint32_t v)
{
	memcpy(uapi + off, &v, sizeof(v));
}

/* eth_type_trans()'s skb->pkt_type from the destination address on the
 * loopback device, whose own address is all zeroes and which has no
 * broadcast address (so ff:ff:ff:ff:ff:ff is multicast too). */
static uint32_t pkt_type(const uint8_t *dst)
{
	static const uint8_t zero[6];

	if (dst[0] & 1)
		return 2; /* PACKET_MULTICAST */
	return memcmp(dst, zero, 6) ? 3 /* PACKET_OTHERHOST */ : 0 /* PACKET_HOST */;
}

int pkt_frame_init(struct pkt_frame *f, enum fixup_ctx_kind kind, bool l3, const void *pkt,
		   size_t len)
{
	bool xdp = kind == FIXUP_CTX_XDP;
	size_t headroom = xdp ? PKT_XDP_HEADROOM : PKT_SKB_HEADROOM;
	size_t size = headroom + len + PKT_TAILROOM;

	memset(f, 0, sizeof(*f));
	if (kind != FIXUP_CTX_XDP && kind != FIXUP_CTX_SKB)
		return -EINVAL;
	if (xdp && size < PKT_XDP_FRAME_SIZE)
		size = PKT_XDP_FRAME_SIZE;
	f->buf = calloc(1, size);
	if (!f->buf)
		return -ENOMEM;
	f->size = size;
	f->hard_end = f->buf + size - PKT_TAILROOM;
	f->kind = kind;
	if (len)
		memcpy(f->buf + headroom, pkt, len);

	uint64_t data = (uint64_t)(uintptr_t)(f->buf + headroom), end = data + len;

	if (xdp) {
		f->ctx.xdp.data = f->ctx.xdp.data_meta = data;
		f->ctx.xdp.data_end = end;
		put_u32(f->ctx.xdp.uapi, offsetof(struct xdp_md, ingress_ifindex), PKT_IFINDEX);
		return 0;
	}
	put_u32(f->ctx.skb.uapi, offsetof(struct __sk_buff, ifindex), PKT_IFINDEX);
	if (len >= PKT_ETH_HLEN) { /* protocol and pkt_type as eth_type_trans() sets them */
		memcpy(f->ctx.skb.uapi + offsetof(struct __sk_buff, protocol),
		       (const uint8_t *)pkt + 12, 2);
		put_u32(f->ctx.skb.uapi, offsetof(struct __sk_buff, pkt_type), pkt_type(pkt));
	}
	if (l3) /* a socket filter sees the packet from the network header */
		f->l2_pulled = len < PKT_ETH_HLEN ? len : PKT_ETH_HLEN;
	data += f->l2_pulled;

	uint32_t skb_len = (uint32_t)(end - data);

	put_u32(f->ctx.skb.uapi, offsetof(struct __sk_buff, len), skb_len);
	f->ctx.skb.data = f->ctx.skb.data_meta = data;
	f->ctx.skb.data_end = end;
	return 0;
}

void pkt_frame_fini(struct pkt_frame *f)
{
	free(f->buf);
	f->buf = NULL;
}

void *pkt_frame_ctx(struct pkt_frame *f, size_t *size)
{
	*size = f->kind == FIXUP_CTX_XDP ? sizeof(f->ctx.xdp) : sizeof(f->ctx.skb);
	return &f->ctx;
}

int pkt_frame_output(const struct pkt_frame *f, void *out, size_t *size)
{
	uint64_t from = f->kind == FIXUP_CTX_XDP ? f->ctx.xdp.data_meta : f->ctx.skb.data;
	uint64_t end = f->kind == FIXUP_CTX_XDP ? f->ctx.xdp.data_end : f->ctx.skb.data_end;
	uint64_t lo = (uint64_t)(uintptr_t)f->buf, hi = (uint64_t)(uintptr_t)f->hard_end;
	size_t cap = out ? *size : 0, n, pulled = f->l2_pulled;

	/* A checked program may have written the pointers: the frame's
	 * bounds hold whatever it did. */
	if (from < lo + pulled || from > hi)
		from = lo + pulled;
	if (end < from || end > hi)
		end = from;
	from -= pulled;
	n = (size_t)(end - from);
	*size = n;
	if (!out)
		return 0;
	memcpy(out, (const void *)(uintptr_t)from, n < cap ? n : cap);
	memset(out, 0, pulled < cap ? pulled : cap); /* the kernel pushes a zeroed header */
	return n > cap ? -ENOSPC : 0;
}
