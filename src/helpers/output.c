/* SPDX-License-Identifier: MIT */
/*
 * Output helpers: ring buffer (bpf_ringbuf_*), perf event output, and
 * stack traces (bpf_get_stackid, bpf_get_stack).
 *
 * Stacks are walked along the frame-pointer chain of the thread running
 * the program, from the helper's own frame, with fault-safe reads: the
 * tracing stage runs programs inside the traced thread, so its stack is
 * the traced program's (below the probe's own frames, which `skip` drops).
 * Code built without frame pointers gives a short stack, never a crash.
 * There is no kernel stack in user space: without BPF_F_USER_STACK the
 * same user stack is returned.
 */
#include <errno.h>
#include <string.h>

#include "helpers/impl.h"
#include "helpers/safe_read.h"
#include "maps/map_ops.h"

#define MAP(r) ((struct bpfrt_map *)(uintptr_t)(r))
#define PTR(r) ((void *)(uintptr_t)(r))
#define UNUSED_ARGS (void)r1, (void)r2, (void)r3, (void)r4, (void)r5, (void)rc

#define MAX_STACK 127 /* sysctl_perf_event_max_stack's default */

uint32_t helper_cpu(const struct bpfrt_map *map);

HELPER_FN(ringbuf_output)
{
	UNUSED_ARGS;
	return (uint64_t)ringbuf_output(MAP(r1), PTR(r2), r3, r4);
}

HELPER_FN(ringbuf_reserve)
{
	UNUSED_ARGS;
	return (uint64_t)(uintptr_t)ringbuf_reserve(MAP(r1), r2, r3);
}

HELPER_FN(ringbuf_submit)
{
	UNUSED_ARGS;
	ringbuf_submit(PTR(r1), r2);
	return 0;
}

HELPER_FN(ringbuf_discard)
{
	UNUSED_ARGS;
	ringbuf_discard(PTR(r1), r2);
	return 0;
}

HELPER_FN(ringbuf_query)
{
	UNUSED_ARGS;
	return ringbuf_query(MAP(r1), r2);
}

/* long bpf_perf_event_output(ctx, map, u64 flags, void *data, u64 size) */
HELPER_FN(perf_event_output)
{
	UNUSED_ARGS;
	return (uint64_t)perf_event_output(MAP(r2), r3, helper_cpu(MAP(r2)), PTR(r4), r5);
}

/* Walks the frame-pointer chain: up to `max` return addresses after
 * skipping `skip`. */
static __attribute__((noinline)) uint32_t walk_stack(uint64_t *ips, uint32_t max, uint32_t skip)
{
	uint64_t frame[2]; /* saved rbp, return address */
	uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
	uint32_t n = 0;

	/* Our own frame and the helper's are not the program's. */
	skip += 2;
	while (n < max && fp && !(fp & 7)) {
		if (safe_read(frame, (const void *)fp, sizeof(frame)) != sizeof(frame) || !frame[1])
			break;
		if (skip)
			skip--;
		else
			ips[n++] = frame[1];
		if (frame[0] <= fp) /* the stack grows down: callers are above */
			break;
		fp = (uintptr_t)frame[0];
	}
	return n;
}

#define STACK_FLAGS_OK (BPFRT_F_SKIP_FIELD_MASK | BPFRT_F_USER_STACK | BPFRT_F_FAST_STACK_CMP | \
			BPFRT_F_REUSE_STACKID)

/* long bpf_get_stackid(ctx, map, u64 flags): the id of the current stack
 * in stack trace map `map`. */
HELPER_FN(get_stackid)
{
	uint64_t ips[MAX_STACK];
	uint32_t depth, n;

	UNUSED_ARGS;
	if (r3 & ~(uint64_t)STACK_FLAGS_OK)
		return (uint64_t)-EINVAL;
	depth = stackmap_depth(MAP(r2));
	if (depth > MAX_STACK)
		depth = MAX_STACK;
	n = walk_stack(ips, depth, (uint32_t)(r3 & BPFRT_F_SKIP_FIELD_MASK));
	return (uint64_t)stackmap_get_id(MAP(r2), ips, n, r3);
}

/* long bpf_get_stack(ctx, void *buf, u32 size, u64 flags): the bytes of
 * return addresses written (the rest of buf is zeroed). */
HELPER_FN(get_stack)
{
	uint64_t ips[MAX_STACK];
	uint32_t max = (uint32_t)(r3 / 8), n;

	UNUSED_ARGS;
	if (r3 % 8 || r4 & ~(uint64_t)(BPFRT_F_SKIP_FIELD_MASK | BPFRT_F_USER_STACK)) {
		memset(PTR(r2), 0, r3);
		return (uint64_t)-EINVAL;
	}
	if (max > MAX_STACK)
		max = MAX_STACK;
	n = walk_stack(ips, max, (uint32_t)(r4 & BPFRT_F_SKIP_FIELD_MASK));
	memcpy(PTR(r2), ips, (size_t)n * 8);
	memset((uint8_t *)PTR(r2) + (size_t)n * 8, 0, r3 - (size_t)n * 8);
	return (uint64_t)n * 8;
}
