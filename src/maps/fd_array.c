/* SPDX-License-Identifier: MIT */
/*
 * Arrays of process objects: the prog array (bpf_tail_call targets), the
 * perf event array (bpf_perf_event_output targets) and the array of maps
 * (inner maps, map_in_map.c). The kernel stores file references in them;
 * we store process-local pointers beside shared data that other processes
 * can read (program ids, lost-event counts, inner map ids).
 *
 * Shared data: u32 ids[max_entries] (prog array, array of maps) or u64
 * lost[max_entries] (perf event array). Slots hold pointers set with
 * atomic exchanges; a prog array's or perf event array's slot must not be
 * cleared while a program may be using its object (an array of maps keeps
 * its removed maps alive instead). An array of maps keeps its slots in the
 * shared memory too, after the ids, so that an inline lookup reads map
 * memory (checked programs may); only the creator uses them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "maps/map_in_map.h"
#include "maps/map_log.h"
#include "maps/map_ops.h"
#include "maps/shm.h"

struct fd_array {
	struct bpfrt_map map;
	void *_Atomic *slots; /* struct bpfrt_prog *, struct bpfrt_map * (ring, inner map) */
	_Atomic uint32_t *ids;
	_Atomic uint64_t *lost;
	bpfrt_prog_resolve_fn resolve;
	void *resolve_ctx;
	bool shared_slots; /* array of maps: slots in map memory, not malloc-ed */
};

/* Array of maps: where the slots start in the data (after the ids). */
static uint64_t slots_off(const struct bpfrt_map *map)
{
	return ((uint64_t)map->max_entries * 4 + 7) & ~7ULL;
}

#define FDA(m) ((struct fd_array *)(m))

static int fd_array_layout(struct bpfrt_map *map, struct map_shm_hdr *hdr, char *log,
			   size_t log_sz)
{
	bool perf = map->type == BPFRT_MAP_TYPE_PERF_EVENT_ARRAY;
	uint32_t allowed = BPFRT_F_NUMA_NODE | BPFRT_F_RDONLY | BPFRT_F_WRONLY |
			   (map_type_is_of_maps(map->type) ? 0 : BPFRT_F_PRESERVE_ELEMS);
	int err = map_check_flags(map, allowed, log, log_sz);
	if (err)
		return err;
	if (map->key_size != 4 || map->value_size != 4)
		return map_log_err(map, log, log_sz, -EINVAL, "key_size and value_size must be 4");
	if (perf && !map->max_entries)
		map->max_entries = map->ncpus; /* as libbpf does */
	if (!map->max_entries)
		return map_log_err(map, log, log_sz, -EINVAL, "max_entries must be > 0");
	if (map->max_entries > (1U << 24))
		return map_log_err(map, log, log_sz, -E2BIG, "max_entries %u too large",
				   map->max_entries);
	uint64_t sz = (uint64_t)map->max_entries * (perf ? 8 : 4);
	if (map->type == BPFRT_MAP_TYPE_ARRAY_OF_MAPS)
		sz = slots_off(map) + (uint64_t)map->max_entries * sizeof(void *);
	hdr->data_size = map_page_round(sz);
	return 0;
}

static int fd_array_attach(struct bpfrt_map *map)
{
	struct fd_array *a = FDA(map);
	a->shared_slots = map->type == BPFRT_MAP_TYPE_ARRAY_OF_MAPS;
	a->slots = a->shared_slots ? (void *)((char *)map_data(map) + slots_off(map))
				   : calloc(map->max_entries, sizeof(*a->slots));
	if (!a->slots)
		return -ENOMEM;
	if (map->type == BPFRT_MAP_TYPE_PERF_EVENT_ARRAY)
		a->lost = map_data(map);
	else
		a->ids = map_data(map);
	return 0;
}

static void fd_array_release(struct bpfrt_map *map)
{
	if (!FDA(map)->shared_slots)
		free(FDA(map)->slots);
}

static long fd_array_delete(struct bpfrt_map *map, const void *key)
{
	struct fd_array *a = FDA(map);
	uint32_t i = *(const uint32_t *)key;
	if (i >= map->max_entries)
		return -E2BIG;
	if (!atomic_exchange(&a->slots[i], NULL))
		return -ENOENT;
	if (a->ids)
		atomic_store(&a->ids[i], 0);
	return 0;
}

static int fd_array_no_update(struct bpfrt_map *map, const void *key, const void *value,
			      uint64_t flags)
{
	(void)map;
	(void)key;
	(void)value;
	(void)flags;
	return -EOPNOTSUPP;
}

static int fd_array_no_lookup(struct bpfrt_map *map, const void *key, void *value)
{
	(void)map;
	(void)key;
	(void)value;
	return -EOPNOTSUPP;
}

#define FD_ARRAY_OPS                                                                               \
	.obj_size = sizeof(struct fd_array), .layout = fd_array_layout, .attach = fd_array_attach, \
	.release = fd_array_release, .delete = fd_array_delete,                                    \
	.get_next_key = map_index_get_next_key

/* ---- prog array ---- */

static int prog_array_sys_lookup(struct bpfrt_map *map, const void *key, void *value)
{
	struct fd_array *a = FDA(map);
	uint32_t i = *(const uint32_t *)key;
	if (i >= map->max_entries || !atomic_load(&a->slots[i]))
		return -ENOENT;
	*(uint32_t *)value = atomic_load(&a->ids[i]);
	return 0;
}

static int prog_array_sys_update(struct bpfrt_map *map, const void *key, const void *value,
				 uint64_t flags)
{
	struct fd_array *a = FDA(map);
	uint32_t i = *(const uint32_t *)key;
	if (flags != BPFRT_ANY)
		return -EINVAL;
	if (i >= map->max_entries)
		return -E2BIG;
	uint32_t id = *(const uint32_t *)value;
	struct bpfrt_prog *prog = a->resolve ? a->resolve(a->resolve_ctx, id) : NULL;
	if (!prog)
		return -EBADF;
	return bpfrt_map__set_prog(map, i, prog, id);
}

int bpfrt_map__set_prog(struct bpfrt_map *map, uint32_t index, struct bpfrt_prog *prog,
			uint32_t id)
{
	if (!map || map->type != BPFRT_MAP_TYPE_PROG_ARRAY)
		return -EINVAL;
	struct fd_array *a = FDA(map);
	if (index >= map->max_entries)
		return -E2BIG;
	atomic_store(&a->ids[index], prog ? id : 0);
	atomic_store_explicit(&a->slots[index], prog, memory_order_release);
	return 0;
}

int bpfrt_map__set_prog_resolver(struct bpfrt_map *map, bpfrt_prog_resolve_fn fn, void *ctx)
{
	if (!map || map->type != BPFRT_MAP_TYPE_PROG_ARRAY)
		return -EINVAL;
	FDA(map)->resolve = fn;
	FDA(map)->resolve_ctx = ctx;
	return 0;
}

struct bpfrt_prog *prog_array_get(struct bpfrt_map *map, uint32_t index)
{
	if (index >= map->max_entries)
		return NULL;
	return atomic_load_explicit(&FDA(map)->slots[index], memory_order_acquire);
}

const struct map_ops prog_array_map_ops = {
	FD_ARRAY_OPS,
	.sys_lookup = prog_array_sys_lookup,
	.sys_update = prog_array_sys_update,
};

/* ---- perf event array ---- */

long perf_event_output(struct bpfrt_map *map, uint64_t flags, uint32_t cpu, const void *data,
		       uint64_t size)
{
	struct fd_array *a = FDA(map);
	if (flags & ~BPFRT_F_INDEX_MASK)
		return -EINVAL;
	uint64_t i = flags == BPFRT_F_CURRENT_CPU ? cpu : flags;
	if (i >= map->max_entries)
		return -E2BIG;
	struct bpfrt_map *ring = atomic_load_explicit(&a->slots[i], memory_order_acquire);
	if (!ring)
		return -ENOENT;
	if (ringbuf_output(ring, data, size, 0)) {
		atomic_fetch_add_explicit(&a->lost[i], 1, memory_order_relaxed);
		return -ENOSPC;
	}
	return 0;
}

/* For the perf buffer consumer (perfbuf.c). */
int perf_event_array_install(struct bpfrt_map *map, uint32_t i, struct bpfrt_map *ring)
{
	void *expected = NULL;
	if (!ring)
		return atomic_exchange(&FDA(map)->slots[i], NULL) ? 0 : -ENOENT;
	return atomic_compare_exchange_strong(&FDA(map)->slots[i], &expected, ring) ? 0 : -EBUSY;
}

uint64_t perf_event_array_lost(struct bpfrt_map *map, uint32_t i)
{
	return atomic_load_explicit(&FDA(map)->lost[i], memory_order_relaxed);
}

const struct map_ops perf_event_array_map_ops = {
	FD_ARRAY_OPS,
	.sys_lookup = fd_array_no_lookup,
	.sys_update = fd_array_no_update,
};

/* ---- array of maps ---- */

static int array_of_maps_attach(struct bpfrt_map *map)
{
	int err = fd_array_attach(map);
	return err ? err : mim_attach(map);
}

static void array_of_maps_release(struct bpfrt_map *map)
{
	struct fd_array *a = FDA(map);
	for (uint32_t i = 0; a->slots && map->owner && i < map->max_entries; i++) {
		struct bpfrt_map *inner = atomic_exchange(&a->slots[i], NULL);
		if (inner)
			map_put(inner);
	}
	mim_release(map);
	fd_array_release(map);
}

/* Programs: the inner map itself (kernel: array_of_map_lookup_elem). */
static void *array_of_maps_lookup(struct bpfrt_map *map, const void *key, uint32_t cpu)
{
	uint32_t i = *(const uint32_t *)key;
	(void)cpu;
	if (i >= map->max_entries || !map->owner)
		return NULL;
	return atomic_load_explicit(&FDA(map)->slots[i], memory_order_acquire);
}

/* The kernel's array_of_map_gen_lookup, the slots' base as an immediate:
 *	r1 = <slots>			(ld_imm64)
 *	r0 = *(u32 *)(r2 + 0)
 *	if r0 >= max_entries goto +4
 *	r0 <<= 3
 *	r0 += r1
 *	r0 = *(u64 *)(r0 + 0)		(the inner map, or 0)
 *	goto +1
 *	r0 = 0
 * Only in the creating process, whose pointers the slots hold. */
static int array_of_maps_gen_lookup(const struct bpfrt_map *map, struct bpfrt_insn *insns,
				    size_t cap)
{
	uint64_t base = (uintptr_t)FDA(map)->slots;
	if (!map->owner || map->max_entries > INT32_MAX)
		return 0;
	if (cap < 9)
		return -ENOSPC;
	struct bpfrt_insn prog[9] = {
		{.code = BPFRT_LD | BPFRT_IMM | BPFRT_DW, .dst_reg = 1, .imm = (int32_t)(uint32_t)base},
		{.imm = (int32_t)(uint32_t)(base >> 32)},
		{.code = BPFRT_LDX | BPFRT_MEM | BPFRT_W, .dst_reg = 0, .src_reg = 2},
		{.code = BPFRT_JMP | BPFRT_JGE | BPFRT_K, .dst_reg = 0, .off = 4,
		 .imm = (int32_t)map->max_entries},
		{.code = BPFRT_ALU64 | BPFRT_LSH | BPFRT_K, .dst_reg = 0, .imm = 3},
		{.code = BPFRT_ALU64 | BPFRT_ADD | BPFRT_X, .dst_reg = 0, .src_reg = 1},
		{.code = BPFRT_LDX | BPFRT_MEM | BPFRT_DW, .dst_reg = 0, .src_reg = 0},
		{.code = BPFRT_JMP | BPFRT_JA, .off = 1},
		{.code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, .dst_reg = 0, .imm = 0},
	};
	memcpy(insns, prog, sizeof(prog));
	return 9;
}

/* User side: the inner map's id, from shared memory (any process). */
static int array_of_maps_sys_lookup(struct bpfrt_map *map, const void *key, void *value)
{
	uint32_t i = *(const uint32_t *)key, id;
	if (i >= map->max_entries || !(id = atomic_load(&FDA(map)->ids[i])))
		return -ENOENT;
	memcpy(value, &id, sizeof(id));
	return 0;
}

static int array_of_maps_swap(struct bpfrt_map *map, const void *key, struct bpfrt_map *inner,
			      uint64_t flags, struct bpfrt_map **old)
{
	struct fd_array *a = FDA(map);
	uint32_t i = *(const uint32_t *)key;
	if (inner && flags != BPFRT_ANY)
		return -EINVAL; /* as the kernel's fd arrays */
	if (i >= map->max_entries)
		return -E2BIG;
	*old = atomic_exchange_explicit(&a->slots[i], inner, memory_order_acq_rel);
	if (!inner && !*old)
		return -ENOENT;
	atomic_store(&a->ids[i], inner ? inner->id : 0);
	return 0;
}

const struct map_ops array_of_maps_map_ops = {
	.obj_size = sizeof(struct fd_array),
	.layout = fd_array_layout,
	.attach = array_of_maps_attach,
	.release = array_of_maps_release,
	.lookup = array_of_maps_lookup,
	.delete = mim_delete,
	.get_next_key = map_index_get_next_key,
	.sys_lookup = array_of_maps_sys_lookup,
	.sys_update = mim_sys_update,
	.inner_swap = array_of_maps_swap,
	.gen_lookup = array_of_maps_gen_lookup,
};
