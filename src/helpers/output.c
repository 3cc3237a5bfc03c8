/* SPDX-License-Identifier: MIT */
/*
 * Output helpers: ring buffer (bpf_ringbuf_*), perf event output, and
 * stack traces (bpf_get_stackid, bpf_get_stack).
 *
 * Stacks are those of the thread running the program, from the helper's
 * caller outwards: the tracing stage runs programs inside the traced
 * thread, so its stack is the traced program's (below the probe's own
 * frames, which `skip` drops).
 * There is no kernel stack in user space: without BPF_F_USER_STACK the
 * same user stack is returned.
 */
#include <errno.h>
#include <execinfo.h>
#include <string.h>

#include "helpers/impl.h"
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

/* The return addresses of the calling thread, innermost first: up to `max`
 * after skipping `skip`. glibc's backtrace() unwinds with the .eh_frame
 * tables (through libgcc), so it needs no frame pointers; it stops at code
 * without unwind tables. */
static __attribute__((noinline)) uint32_t walk_stack(uint64_t *ips, uint32_t max, uint32_t skip)
{
	void *buf[MAX_STACK + 2 + 256];
	int n;
	uint32_t out = 0;

	/* walk_stack's own frame and the helper's are not the program's */
	skip += 2;
	if (skip > 256)
		skip = 256;
	n = backtrace(buf, (int)(max + skip));
	for (int i = (int)skip; i < n && out < max; i++)
		ips[out++] = (uint64_t)(uintptr_t)buf[i];
	return out;
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
