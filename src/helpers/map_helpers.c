/* SPDX-License-Identifier: MIT */
/*
 * Map helpers: lookup/update/delete, queue and stack push/pop/peek,
 * per-CPU lookup, for_each_map_elem and tail_call, over the maps' fast
 * path (src/maps/map_ops.h). r1 is the struct bpfrt_map * fixups put into
 * the program's ld_imm64.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/callback.h"
#include "helpers/impl.h"
#include "maps/map_ops.h"
#include "vm/run_ctx.h"

#define MAP(r) ((struct bpfrt_map *)(uintptr_t)(r))
#define PTR(r) ((void *)(uintptr_t)(r))
#define UNUSED_ARGS (void)r1, (void)r2, (void)r3, (void)r4, (void)r5, (void)rc

/* The per-CPU slot of the running thread (bpfrt/map.h: slots are CPUs). */
uint32_t helper_cpu(const struct bpfrt_map *map)
{
	int cpu = sched_getcpu();

	if (cpu < 0)
		cpu = 0;
	return map->ncpus ? (uint32_t)cpu % map->ncpus : 0;
}

/* Only per-CPU maps' lookups depend on the CPU: the others skip the
 * sched_getcpu() call (a lookup's largest cost after the hash). */
static bool lookup_needs_cpu(const struct bpfrt_map *map)
{
	return map->type == BPFRT_MAP_TYPE_PERCPU_HASH || map->type == BPFRT_MAP_TYPE_PERCPU_ARRAY ||
	       map->type == BPFRT_MAP_TYPE_LRU_PERCPU_HASH ||
	       map->type == BPFRT_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

HELPER_FN(map_lookup_elem)
{
	UNUSED_ARGS;
	return (uint64_t)(uintptr_t)map_lookup_elem(MAP(r1), PTR(r2),
						    lookup_needs_cpu(MAP(r1)) ? helper_cpu(MAP(r1)) : 0);
}

HELPER_FN(map_update_elem)
{
	UNUSED_ARGS;
	return (uint64_t)map_update_elem(MAP(r1), PTR(r2), PTR(r3), r4, helper_cpu(MAP(r1)));
}

HELPER_FN(map_delete_elem)
{
	UNUSED_ARGS;
	return (uint64_t)map_delete_elem(MAP(r1), PTR(r2));
}

HELPER_FN(map_push_elem)
{
	UNUSED_ARGS;
	return (uint64_t)map_push_elem(MAP(r1), PTR(r2), r3);
}

HELPER_FN(map_pop_elem)
{
	UNUSED_ARGS;
	return (uint64_t)map_pop_elem(MAP(r1), PTR(r2));
}

HELPER_FN(map_peek_elem)
{
	UNUSED_ARGS;
	return (uint64_t)map_peek_elem(MAP(r1), PTR(r2));
}

/* void *bpf_map_lookup_percpu_elem(map, key, u32 cpu): NULL past the last CPU. */
HELPER_FN(map_lookup_percpu_elem)
{
	UNUSED_ARGS;
	if ((uint32_t)r3 >= MAP(r1)->ncpus)
		return 0;
	return (uint64_t)(uintptr_t)map_lookup_elem(MAP(r1), PTR(r2), (uint32_t)r3);
}

struct for_each_state {
	struct bpfrt_run_ctx *rc;
	uint64_t fn, ctx;
	uint8_t *key; /* the key the callback sees: a copy inside a run region */
	int err;
};

static long for_each_cb(struct bpfrt_map *map, void *key, void *value, void *p)
{
	struct for_each_state *st = p;
	uint64_t ret = 0;

	/* Array maps hand out keys on the C stack, where a checked program may
	 * not read: the callback gets a copy in memory it may read. */
	memcpy(st->key, key, map->key_size);
	st->err = helper_callback(st->rc, st->fn, (uint64_t)(uintptr_t)map,
				  (uint64_t)(uintptr_t)st->key, (uint64_t)(uintptr_t)value, st->ctx,
				  0, &ret);
	if (st->err || st->rc->aborted)
		return 1;
	return ret ? 1 : 0;
}

/* long bpf_for_each_map_elem(map, callback_fn, callback_ctx, u64 flags):
 * callback_fn(map, key, value, ctx) per element until it returns 1; the
 * number of elements visited. */
HELPER_FN(for_each_map_elem)
{
	struct for_each_state st = { .rc = rc, .fn = r2, .ctx = r3 };
	const struct bpfrt_mem_region *saved = rc->regions;
	size_t saved_cnt = rc->region_cnt;
	struct bpfrt_mem_region *regions;
	long n;

	(void)r5;
	if (r4)
		return (uint64_t)-EINVAL;
	/* The run's regions and the key copy, for the callback's executor. */
	regions = malloc((saved_cnt + 1) * sizeof(*regions));
	st.key = malloc(MAP(r1)->key_size + 1);
	if (!regions || !st.key) {
		free(regions);
		free(st.key);
		return (uint64_t)-ENOMEM;
	}
	if (saved_cnt)
		memcpy(regions, saved, saved_cnt * sizeof(*regions));
	regions[saved_cnt] = (struct bpfrt_mem_region){ st.key, MAP(r1)->key_size, false };
	rc->regions = regions;
	rc->region_cnt = saved_cnt + 1;
	n = map_for_each_elem(MAP(r1), for_each_cb, &st, helper_cpu(MAP(r1)));
	rc->regions = saved;
	rc->region_cnt = saved_cnt;
	free(regions);
	free(st.key);
	return st.err ? (uint64_t)(int64_t)st.err : (uint64_t)n;
}

/* long bpf_tail_call(ctx, prog_array, u32 index): asks the engine to run
 * the program in the slot instead of the rest of the current function
 * (vm_run_tail in vm/run_ctx.h): sets rc->tail_prog and ends the call as
 * an abort does, which the engines recognise. An index out of range, an
 * empty slot or a run past VM_MAX_TAIL_CALL_CNT tail calls falls through
 * (r0 = -ENOENT). */
HELPER_FN(tail_call)
{
	struct bpfrt_prog *target = prog_array_get(MAP(r2), (uint32_t)r3);

	(void)r1, (void)r4, (void)r5;
	if (!target || rc->tail_call_cnt >= VM_MAX_TAIL_CALL_CNT)
		return (uint64_t)-ENOENT;
	rc->tail_call_cnt++;
	rc->tail_prog = target;
	rc->aborted = true;
	rc->abort_r0 = 0;
	return 0;
}
