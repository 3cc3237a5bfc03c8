/* SPDX-License-Identifier: MIT */
/*
 * Ring buffer dynptrs (bpf_ringbuf_reserve_dynptr, _submit_dynptr,
 * _discard_dynptr: kernel/bpf/ringbuf.c) and bpf_dynptr_data
 * (kernel/bpf/helpers.c). The dynptr is struct dynptr_kern (dynptr.h).
 */
#include <errno.h>
#include <string.h>

#include "helpers/dynptr.h"
#include "helpers/impl.h"
#include "maps/map_ops.h"

#define UNUSED_ARGS (void)r1, (void)r2, (void)r3, (void)r4, (void)r5, (void)rc
#define DP(r) ((struct dynptr_kern *)(uintptr_t)(r))

/* long bpf_ringbuf_reserve_dynptr(map, u32 size, u64 flags, struct bpf_dynptr *ptr):
 * on failure the dynptr is NULL, and must still be submitted or discarded. */
HELPER_FN(ringbuf_reserve_dynptr)
{
	void *rec;

	UNUSED_ARGS;
	if (r3 || r2 > DYNPTR_SIZE_MASK) {
		memset(DP(r4), 0, sizeof(struct dynptr_kern));
		return (uint64_t)(r3 ? -EINVAL : -E2BIG);
	}
	rec = ringbuf_reserve((struct bpfrt_map *)(uintptr_t)r1, (uint32_t)r2, 0);
	if (!rec) {
		memset(DP(r4), 0, sizeof(struct dynptr_kern));
		return (uint64_t)-EAGAIN;
	}
	dynptr_init(DP(r4), rec, DYNPTR_TYPE_RINGBUF, (uint32_t)r2, false);
	return 0;
}

static void ringbuf_dynptr_done(struct dynptr_kern *p, uint64_t flags, bool submit)
{
	if (p->data) {
		if (submit)
			ringbuf_submit(p->data, flags);
		else
			ringbuf_discard(p->data, flags);
	}
	memset(p, 0, sizeof(*p));
}

/* void bpf_ringbuf_submit_dynptr(struct bpf_dynptr *ptr, u64 flags) */
HELPER_FN(ringbuf_submit_dynptr)
{
	UNUSED_ARGS;
	ringbuf_dynptr_done(DP(r1), r2, true);
	return 0;
}

/* void bpf_ringbuf_discard_dynptr(struct bpf_dynptr *ptr, u64 flags) */
HELPER_FN(ringbuf_discard_dynptr)
{
	UNUSED_ARGS;
	ringbuf_dynptr_done(DP(r1), r2, false);
	return 0;
}

/* void *bpf_dynptr_data(const struct bpf_dynptr *ptr, u32 offset, u32 len):
 * `len` writable bytes at `offset`, or NULL (read-only dynptr, out of range). */
HELPER_FN(dynptr_data)
{
	struct dynptr_kern *p = DP(r1);
	uint32_t off = (uint32_t)r2, len = (uint32_t)r3;

	UNUSED_ARGS;
	if (!p->data || dynptr_is_rdonly(p) || off > dynptr_size(p) || len > dynptr_size(p) - off)
		return 0;
	return (uint64_t)(uintptr_t)((uint8_t *)p->data + p->offset + off);
}
