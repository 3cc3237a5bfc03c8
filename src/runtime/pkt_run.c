/* SPDX-License-Identifier: MIT */
/* Packet frames for packet program runs: see pkt_run.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "runtime/pkt_run.h"

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
		return 0;
	}
	if (len >= PKT_ETH_HLEN) /* __sk_buff.protocol: the Ethernet type (eth_type_trans) */
		memcpy(f->ctx.skb.uapi + offsetof(struct __sk_buff, protocol),
		       (const uint8_t *)pkt + 12, 2);
	if (l3) /* a socket filter sees the packet from the network header */
		f->l2_pulled = len < PKT_ETH_HLEN ? len : PKT_ETH_HLEN;
	data += f->l2_pulled;

	uint32_t skb_len = (uint32_t)(end - data);

	memcpy(f->ctx.skb.uapi + offsetof(struct __sk_buff, len), &skb_len, sizeof(skb_len));
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
