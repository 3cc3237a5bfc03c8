/* SPDX-License-Identifier: MIT */
/*
 * The packet helpers, with the semantics and error codes of the kernel's
 * net/core/filter.c (as of 6.18) on the linear packets BPF_PROG_TEST_RUN
 * builds: skb_load_bytes, skb_store_bytes, skb_pull_data, csum_diff,
 * l3_csum_replace, l4_csum_replace,
 * xdp_adjust_head, xdp_adjust_meta, xdp_adjust_tail, xdp_get_buff_len,
 * xdp_load_bytes and xdp_store_bytes. The packet lives in the run's frame
 * (pkt_frame.h); a helper that moves it updates the context's data,
 * data_meta and data_end, which the program loads again (the verifier
 * turned its packet pointers into scalars at the call).
 *
 * Called without a frame (a program run by bpfrt_prog__run, not by the
 * runtime) they return -EOPNOTSUPP; with r1 not the run's context, or a
 * context whose pointers a checked program overwrote, -EINVAL / -EFAULT.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <linux/bpf.h>

#include "helpers/impl.h"
#include "helpers/pkt_frame.h"
#include "vm/run_ctx.h"

#define ERR(e) ((uint64_t)(int64_t)-(e))

/* The packet's three pointers in the run's context. */
struct pkt_view {
	struct pkt_frame *f;
	uint64_t *meta, *data, *end;
};

/* 0 with *v set when r1 is the context of a `kind` packet run whose
 * pointers are in order inside the frame; else -errno. */
static int pkt_view(uint64_t r1, struct bpfrt_run_ctx *rc, enum fixup_ctx_kind kind,
		    struct pkt_view *v)
{
	struct pkt_frame *f = rc->pkt;

	if (!f)
		return -EOPNOTSUPP;
	if (f->kind != kind || r1 != (uint64_t)(uintptr_t)&f->ctx)
		return -EINVAL;
	v->f = f;
	if (kind == FIXUP_CTX_XDP) {
		v->meta = &f->ctx.xdp.data_meta;
		v->data = &f->ctx.xdp.data;
		v->end = &f->ctx.xdp.data_end;
	} else {
		v->meta = &f->ctx.skb.data_meta;
		v->data = &f->ctx.skb.data;
		v->end = &f->ctx.skb.data_end;
	}
	if (!((uint64_t)(uintptr_t)f->buf <= *v->meta && *v->meta <= *v->data &&
	      *v->data <= *v->end && *v->end <= (uint64_t)(uintptr_t)f->hard_end))
		return -EFAULT;
	return 0;
}

static uint8_t *ptr(uint64_t a)
{
	return (uint8_t *)(uintptr_t)a;
}

/* long bpf_skb_load_bytes(const void *skb, u32 offset, void *to, u32 len):
 * -EFAULT past the packet (or an offset above INT_MAX), `to` zeroed. */
HELPER_FN(skb_load_bytes)
{
	uint32_t off = (uint32_t)r2, len = (uint32_t)r4;
	uint8_t *to = ptr(r3);
	struct pkt_view v;
	int err = pkt_view(r1, rc, FIXUP_CTX_SKB, &v);

	(void)r5;
	if (!err && (off > INT32_MAX || (uint64_t)off + len > *v.end - *v.data))
		err = -EFAULT;
	if (err) {
		memset(to, 0, len);
		return ERR(-err);
	}
	memcpy(to, ptr(*v.data) + off, len);
	return 0;
}

/* long bpf_skb_store_bytes(struct sk_buff *skb, u32 offset, const void
 * *from, u32 len, u64 flags). BPF_F_RECOMPUTE_CSUM updates the kernel's
 * skb->csum of CHECKSUM_COMPLETE packets, which user space has none of (a
 * test run's skb is CHECKSUM_NONE there too): accepted, nothing to do.
 * BPF_F_INVALIDATE_HASH clears __sk_buff.hash. Other flags: -EINVAL;
 * past the packet: -EFAULT. */
HELPER_FN(skb_store_bytes)
{
	uint32_t off = (uint32_t)r2, len = (uint32_t)r4;
	struct pkt_view v;
	int err;

	if (r5 & ~(uint64_t)(BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH))
		return ERR(EINVAL);
	if (off > INT32_MAX)
		return ERR(EFAULT);
	if ((err = pkt_view(r1, rc, FIXUP_CTX_SKB, &v)))
		return ERR(-err);
	if ((uint64_t)off + len > *v.end - *v.data)
		return ERR(EFAULT);
	memmove(ptr(*v.data) + off, ptr(r3), len);
	if (r5 & BPF_F_INVALIDATE_HASH)
		memset(v.f->ctx.skb.uapi + offsetof(struct __sk_buff, hash), 0,
		       sizeof(((struct __sk_buff *)0)->hash));
	return 0;
}

/* long bpf_skb_pull_data(struct sk_buff *skb, u32 len): makes len bytes
 * (0: the linear part) directly accessible. A test run's packet is all
 * linear: 0, or -ENOMEM when len is past the packet. */
HELPER_FN(skb_pull_data)
{
	uint32_t len = (uint32_t)r2;
	struct pkt_view v;
	int err;

	(void)r3, (void)r4, (void)r5;
	if ((err = pkt_view(r1, rc, FIXUP_CTX_SKB, &v)))
		return ERR(-err);
	return len > *v.end - *v.data ? ERR(ENOMEM) : 0;
}

/*
 * Checksums as the x86-64 kernel computes them. csum_partial() is the ones'
 * complement sum (end-around carry) of the seed and the bytes read as
 * little-endian 32-bit words from the buffer's start, the last one
 * zero-padded; such a sum is 0 only when every term is 0, else the
 * non-zero value congruent modulo 2^32 - 1, which makes it independent of
 * how the kernel groups the additions.
 */
static uint32_t csum_partial(const uint8_t *p, uint32_t len, uint32_t seed)
{
	uint64_t sum = seed;

	for (uint32_t i = 0; i < len; i += 4) {
		uint32_t w = 0;

		for (uint32_t k = 0; k < 4 && i + k < len; k++)
			w |= (uint32_t)p[i + k] << (8 * k);
		sum += w;
	}
	while (sum >> 32)
		sum = (sum & 0xffffffffu) + (sum >> 32);
	return (uint32_t)sum;
}

static uint32_t csum_sub(uint32_t a, uint32_t b)
{
	uint32_t r = a + ~b;

	return r + (r < ~b); /* csum_add(a, ~b) */
}

static uint16_t csum_from32to16(uint32_t s)
{
	s += (s >> 16) | (s << 16);
	return (uint16_t)(s >> 16);
}

static uint32_t csum_add(uint32_t a, uint32_t b)
{
	uint32_t r = a + b;

	return r + (r < b);
}

/* The kernel's csum_fold(): the 32-bit sum folded to 16 bits, inverted. */
static uint16_t csum_fold(uint32_t s)
{
	return (uint16_t)~csum_from32to16(s);
}

/* The checksum field of a *_csum_replace call: [off, off + 2) of the
 * packet; -EFAULT for an odd offset, one above 0xffff or past the packet. */
static int csum_field(uint64_t r1, uint32_t off, struct bpfrt_run_ctx *rc, uint8_t **field)
{
	struct pkt_view v;
	int err = pkt_view(r1, rc, FIXUP_CTX_SKB, &v);

	if (err)
		return err;
	if (off > 0xffff || off & 1 || (uint64_t)off + 2 > *v.end - *v.data)
		return -EFAULT;
	*field = ptr(*v.data) + off;
	return 0;
}

static uint16_t csum16_add(uint16_t a, uint16_t b)
{
	uint16_t r = (uint16_t)(a + b);

	return (uint16_t)(r + (r < b));
}

/* The checksum at `field` updated for a change of `from` to `to` (field
 * size 2 or 4: the low bits of each), or by the checksum difference `to`
 * (size 0, as from csum_diff). `sum16`: size 2 in 16-bit arithmetic (the
 * kernel's csum_replace2, of l3_csum_replace; l4's goes through
 * csum_replace4). A test run's skb is CHECKSUM_NONE, so the kernel's
 * inet_proto_csum_replace* update the field alone. */
static void csum_replace(uint8_t *field, unsigned size, uint64_t from, uint64_t to, bool sum16)
{
	uint16_t sum;

	memcpy(&sum, field, 2);
	if (size == 0) { /* csum_replace_by_diff */
		sum = csum_fold(csum_add((uint32_t)to, ~(uint32_t)sum));
	} else if (size == 2 && sum16) {
		sum = (uint16_t)~csum16_add(csum16_add((uint16_t)~sum, (uint16_t)~from), (uint16_t)to);
	} else { /* csum_replace4 */
		uint32_t f = size == 2 ? (uint16_t)from : (uint32_t)from;
		uint32_t t = size == 2 ? (uint16_t)to : (uint32_t)to;

		sum = csum_fold(csum_add(csum_sub(~(uint32_t)sum, f), t));
	}
	memcpy(field, &sum, 2);
}

/* long bpf_l3_csum_replace(struct sk_buff *skb, u32 offset, u64 from, u64
 * to, u64 flags): flags is the field's size (0: `to` is a difference and
 * `from` must be 0, 2 or 4); else -EINVAL. */
HELPER_FN(l3_csum_replace)
{
	unsigned size = (unsigned)(r5 & BPF_F_HDR_FIELD_MASK);
	uint8_t *field;
	int err;

	if (r5 & ~(uint64_t)BPF_F_HDR_FIELD_MASK)
		return ERR(EINVAL);
	if ((err = csum_field(r1, (uint32_t)r2, rc, &field)))
		return ERR(-err);
	if ((size != 0 && size != 2 && size != 4) || (size == 0 && r3))
		return ERR(EINVAL);
	csum_replace(field, size, r3, r4, true);
	return 0;
}

/* long bpf_l4_csum_replace(struct sk_buff *skb, u32 offset, u64 from, u64
 * to, u64 flags): as l3_csum_replace; BPF_F_MARK_MANGLED_0 leaves a zero
 * checksum (UDP: none) alone unless BPF_F_MARK_ENFORCE, and writes a result
 * of 0 as 0xffff (CSUM_MANGLED_0). BPF_F_PSEUDO_HDR and BPF_F_IPV6 only
 * matter for the kernel's skb->csum, which user space has none of. */
HELPER_FN(l4_csum_replace)
{
	const uint64_t known = BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | BPF_F_PSEUDO_HDR |
			       BPF_F_HDR_FIELD_MASK | BPF_F_IPV6;
	unsigned size = (unsigned)(r5 & BPF_F_HDR_FIELD_MASK);
	bool mmzero = r5 & BPF_F_MARK_MANGLED_0, force = r5 & BPF_F_MARK_ENFORCE;
	uint8_t *field;
	int err;

	if (r5 & ~known)
		return ERR(EINVAL);
	if ((err = csum_field(r1, (uint32_t)r2, rc, &field)))
		return ERR(-err);
	if (mmzero && !force && !field[0] && !field[1])
		return 0;
	if ((size != 0 && size != 2 && size != 4) || (size == 0 && r3))
		return ERR(EINVAL);
	csum_replace(field, size, r3, r4, false);
	if (mmzero && !field[0] && !field[1])
		field[0] = field[1] = 0xff;
	return 0;
}

/* s64 bpf_csum_diff(__be32 *from, u32 from_size, __be32 *to, u32 to_size,
 * __wsum seed): the checksum of `to` minus that of `from`, plus the seed,
 * folded to 16 bits; with both sizes 0, the seed folded. Any sizes (the
 * verifier bounds them). So since 6.13, on every architecture; before, the
 * x86-64 kernel returned the unfolded 32-bit sum, and sizes not multiples
 * of 4 or above 512 bytes together were -EINVAL. */
HELPER_FN(csum_diff)
{
	const uint8_t *from = ptr(r1), *to = ptr(r3);
	uint32_t from_size = (uint32_t)r2, to_size = (uint32_t)r4, seed = (uint32_t)r5;

	(void)rc;
	if (from_size && to_size)
		return csum_from32to16(csum_sub(csum_partial(to, to_size, seed),
						csum_partial(from, from_size, 0)));
	if (to_size)
		return csum_from32to16(csum_partial(to, to_size, seed));
	if (from_size)
		return csum_from32to16(~csum_partial(from, from_size, ~seed));
	return csum_from32to16(seed);
}

/* The XDP packet's bounds as offsets into the frame. */
struct xdp_pos {
	int64_t meta, data, end, hard_end;
};

/* An adjust helper: r1 the context, r2 the int delta; `move` checks the
 * delta against the bounds and moves them (0 or -errno). */
static uint64_t xdp_adjust(uint64_t r1, uint64_t r2, struct bpfrt_run_ctx *rc,
			   int (*move)(const struct pkt_view *v, struct xdp_pos p, int64_t delta))
{
	struct pkt_view v;
	int err = pkt_view(r1, rc, FIXUP_CTX_XDP, &v);

	if (!err) {
		uint64_t base = (uint64_t)(uintptr_t)v.f->buf;
		struct xdp_pos p = { (int64_t)(*v.meta - base), (int64_t)(*v.data - base),
				     (int64_t)(*v.end - base), v.f->hard_end - v.f->buf };

		err = move(&v, p, (int32_t)r2);
	}
	return err ? ERR(-err) : 0;
}

/* long bpf_xdp_adjust_head(struct xdp_buff *xdp, int delta): data moves by
 * delta, the metadata with it; data stays past the xdp_frame header and
 * the metadata, and at least ETH_HLEN bytes before data_end: else -EINVAL.
 * Bytes the head grows into are not cleared (the frame starts zeroed). */
static int move_head(const struct pkt_view *v, struct xdp_pos p, int64_t delta)
{
	int64_t metalen = p.data - p.meta;

	if (p.data + delta < PKT_XDP_FRAME_HDR + metalen || p.data + delta > p.end - PKT_ETH_HLEN)
		return -EINVAL;
	if (metalen)
		memmove(ptr(*v->meta) + delta, ptr(*v->meta), (size_t)metalen);
	*v->meta += (uint64_t)delta;
	*v->data += (uint64_t)delta;
	return 0;
}

HELPER_FN(xdp_adjust_head)
{
	(void)r3, (void)r4, (void)r5;
	return xdp_adjust(r1, r2, rc, move_head);
}

/* long bpf_xdp_adjust_meta(struct xdp_buff *xdp, int delta): data_meta
 * moves by delta, between the xdp_frame header and data (else -EINVAL);
 * the metadata must stay a multiple of 4 bytes and at most 255 (else
 * -EACCES; kernels before 6.6 allowed 32). */
static int move_meta(const struct pkt_view *v, struct xdp_pos p, int64_t delta)
{
	int64_t meta = p.meta + delta;

	if (meta < PKT_XDP_FRAME_HDR || meta > p.data)
		return -EINVAL;
	if ((p.data - meta) % 4 || p.data - meta > PKT_XDP_META_MAX)
		return -EACCES;
	*v->meta += (uint64_t)delta;
	return 0;
}

HELPER_FN(xdp_adjust_meta)
{
	(void)r3, (void)r4, (void)r5;
	return xdp_adjust(r1, r2, rc, move_meta);
}

/* long bpf_xdp_adjust_tail(struct xdp_buff *xdp, int delta): data_end
 * moves by delta, up to the frame's tailroom and down to ETH_HLEN bytes
 * past data (else -EINVAL); bytes the tail grows into are zeroed. */
static int move_tail(const struct pkt_view *v, struct xdp_pos p, int64_t delta)
{
	if (p.end + delta > p.hard_end || p.end + delta < p.data + PKT_ETH_HLEN)
		return -EINVAL;
	if (delta > 0)
		memset(ptr(*v->end), 0, (size_t)delta);
	*v->end += (uint64_t)delta;
	return 0;
}

HELPER_FN(xdp_adjust_tail)
{
	(void)r3, (void)r4, (void)r5;
	return xdp_adjust(r1, r2, rc, move_tail);
}

/* u64 bpf_xdp_get_buff_len(struct xdp_buff *xdp): the packet's length (a
 * test run's XDP packet has no fragments). */
HELPER_FN(xdp_get_buff_len)
{
	struct pkt_view v;
	int err;

	(void)r2, (void)r3, (void)r4, (void)r5;
	if ((err = pkt_view(r1, rc, FIXUP_CTX_XDP, &v)))
		return ERR(-err);
	return *v.end - *v.data;
}

/* The bytes [off, off + len) of the XDP packet (the kernel's
 * bpf_xdp_pointer()): -EFAULT for an offset or length above 0xffff,
 * -EINVAL past the packet. */
static int xdp_bytes(uint64_t r1, uint32_t off, uint32_t len, struct bpfrt_run_ctx *rc,
		     uint8_t **p)
{
	struct pkt_view v;
	int err = pkt_view(r1, rc, FIXUP_CTX_XDP, &v);

	if (err)
		return err;
	if (off > 0xffff || len > 0xffff)
		return -EFAULT;
	if (off + len > *v.end - *v.data)
		return -EINVAL;
	*p = ptr(*v.data) + off;
	return 0;
}

/* long bpf_xdp_load_bytes(struct xdp_buff *xdp, u32 offset, void *buf, u32
 * len): on failure buf is left as it was, as in the kernel. */
HELPER_FN(xdp_load_bytes)
{
	uint8_t *p;
	int err = xdp_bytes(r1, (uint32_t)r2, (uint32_t)r4, rc, &p);

	(void)r5;
	if (err)
		return ERR(-err);
	memcpy(ptr(r3), p, (uint32_t)r4);
	return 0;
}

/* long bpf_xdp_store_bytes(struct xdp_buff *xdp, u32 offset, void *buf,
 * u32 len). */
HELPER_FN(xdp_store_bytes)
{
	uint8_t *p;
	int err = xdp_bytes(r1, (uint32_t)r2, (uint32_t)r4, rc, &p);

	(void)r5;
	if (err)
		return ERR(-err);
	memmove(p, ptr(r3), (uint32_t)r4);
	return 0;
}
