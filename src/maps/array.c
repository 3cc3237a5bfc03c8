/* SPDX-License-Identifier: MIT */
/*
 * Array and per-CPU array maps (the kernel's arraymap.c semantics).
 *
 * Data: max_entries values of round_up(value_size, 8) bytes each, starting
 * at the data page (so BPF_F_MMAPABLE arrays can be mmap-ed as values).
 * Per-CPU: element i's value for CPU c is at (i * ncpus + c) * elem_size.
 * Values are copied in place; a concurrent reader may see a torn value,
 * as with the kernel's arrays (programs use atomics or spin locks).
 */
#include <errno.h>
#include <string.h>

#include "maps/lock.h"
#include "maps/map_log.h"
#include "maps/map_ops.h"
#include "maps/shm.h"

#define PCPU_MIN_UNIT_SIZE 32768U /* the kernel's limit on per-CPU values */

struct array_map {
	struct bpfrt_map map;
	char *values;
	uint32_t elem_size;
	uint32_t slots; /* values per element: 1, or ncpus */
};

#define ARRAY(m) ((struct array_map *)(m))

static int array_layout(struct bpfrt_map *map, struct map_shm_hdr *hdr, char *log, size_t log_sz)
{
	bool percpu = map->type == BPFRT_MAP_TYPE_PERCPU_ARRAY;
	uint32_t allowed = BPFRT_F_NUMA_NODE | MAP_F_ACCESS_MASK | BPFRT_F_PRESERVE_ELEMS |
			   BPFRT_F_INNER_MAP | (percpu ? 0 : BPFRT_F_MMAPABLE);
	int err = map_check_flags(map, allowed, log, log_sz);
	if (err)
		return err;
	if (map->key_size != 4 || !map->value_size || !map->max_entries)
		return map_log_err(map, log, log_sz, -EINVAL,
				   "key_size must be 4, value_size and max_entries > 0");
	if (percpu && map->value_size > PCPU_MIN_UNIT_SIZE)
		return map_log_err(map, log, log_sz, -E2BIG, "per-CPU value_size %u > %u",
				   map->value_size, PCPU_MIN_UNIT_SIZE);
	uint64_t sz = (uint64_t)map_round8(map->value_size) * map->max_entries *
		      (percpu ? map->ncpus : 1);
	if (map->value_size > (1U << 30) || sz > (1ULL << 36))
		return map_log_err(map, log, log_sz, -E2BIG, "%llu bytes of values",
				   (unsigned long long)sz);
	hdr->data_size = map_page_round(sz);
	return 0;
}

static int array_attach(struct bpfrt_map *map)
{
	struct array_map *a = ARRAY(map);
	a->values = map_data(map);
	a->elem_size = map_round8(map->value_size);
	a->slots = map->type == BPFRT_MAP_TYPE_PERCPU_ARRAY ? map->ncpus : 1;
	return 0;
}

static inline void *array_value(struct array_map *a, uint32_t i, uint32_t cpu)
{
	return a->values + ((size_t)i * a->slots + cpu) * a->elem_size;
}

static void *array_lookup(struct bpfrt_map *map, const void *key, uint32_t cpu)
{
	uint32_t i = *(const uint32_t *)key;
	if (i >= map->max_entries)
		return NULL;
	return array_value(ARRAY(map), i, ARRAY(map)->slots > 1 ? cpu % map->ncpus : 0);
}

static int array_check_update(struct bpfrt_map *map, uint32_t i, uint64_t flags)
{
	if ((flags & ~(uint64_t)BPFRT_F_LOCK) > BPFRT_EXIST)
		return -EINVAL;
	if (i >= map->max_entries)
		return -E2BIG;
	if (flags & BPFRT_NOEXIST)
		return -EEXIST; /* every element of an array exists */
	if (flags & BPFRT_F_LOCK)
		return -EINVAL;
	return 0;
}

static long array_update(struct bpfrt_map *map, const void *key, const void *value, uint64_t flags,
			 uint32_t cpu)
{
	uint32_t i = *(const uint32_t *)key;
	int err = array_check_update(map, i, flags);
	if (err)
		return err;
	memcpy(array_lookup(map, key, cpu), value, map->value_size);
	return 0;
}

static long array_delete(struct bpfrt_map *map, const void *key)
{
	(void)map;
	(void)key;
	return -EINVAL;
}

int map_index_get_next_key(struct bpfrt_map *map, const void *key, void *next_key)
{
	uint32_t i = key ? *(const uint32_t *)key : UINT32_MAX;
	if (i >= map->max_entries) {
		*(uint32_t *)next_key = 0;
		return 0;
	}
	if (i == map->max_entries - 1)
		return -ENOENT;
	*(uint32_t *)next_key = i + 1;
	return 0;
}

static long array_for_each(struct bpfrt_map *map, map_for_each_fn cb, void *ctx, uint32_t cpu)
{
	long n = 0;
	for (uint32_t i = 0; i < map->max_entries; i++) {
		uint32_t key = i;
		n++;
		if (cb(map, &key, array_lookup(map, &key, cpu), ctx))
			break;
	}
	return n;
}

/* Per-CPU user side: the buffer holds every CPU's value, 8-byte strided;
 * the padding is copied too, as the kernel's copy_map_value_long does. */
static int percpu_array_sys_lookup(struct bpfrt_map *map, const void *key, void *value)
{
	struct array_map *a = ARRAY(map);
	uint32_t i = *(const uint32_t *)key;
	if (i >= map->max_entries)
		return -ENOENT;
	for (uint32_t c = 0; c < map->ncpus; c++)
		memcpy((char *)value + (size_t)c * a->elem_size, array_value(a, i, c),
		       a->elem_size);
	return 0;
}

static int percpu_array_sys_update(struct bpfrt_map *map, const void *key, const void *value,
				   uint64_t flags)
{
	struct array_map *a = ARRAY(map);
	uint32_t i = *(const uint32_t *)key;
	int err = array_check_update(map, i, flags);
	if (err)
		return err;
	for (uint32_t c = 0; c < map->ncpus; c++)
		memcpy(array_value(a, i, c), (const char *)value + (size_t)c * a->elem_size,
		       a->elem_size);
	return 0;
}

/* The kernel's array_map_gen_lookup, with the value base as an immediate
 * (our values are not at a fixed offset from the map object):
 *	r1 = <values>			(ld_imm64)
 *	r0 = *(u32 *)(r2 + 0)
 *	if r0 >= max_entries goto +3
 *	r0 <<= log2(elem_size)		(or r0 *= elem_size)
 *	r0 += r1
 *	goto +1
 *	r0 = 0
 */
static int array_gen_lookup(const struct bpfrt_map *map, struct bpfrt_insn *insns, size_t cap)
{
	const struct array_map *a = (const struct array_map *)map;
	uint64_t base = (uintptr_t)a->values;
	uint32_t es = a->elem_size;
	if (map->max_entries > INT32_MAX || es > INT32_MAX)
		return 0;
	if (cap < 8)
		return -ENOSPC;
	bool pow2 = !(es & (es - 1));
	struct bpfrt_insn prog[8] = {
		{.code = BPFRT_LD | BPFRT_IMM | BPFRT_DW, .dst_reg = 1, .imm = (int32_t)(uint32_t)base},
		{.imm = (int32_t)(uint32_t)(base >> 32)},
		{.code = BPFRT_LDX | BPFRT_MEM | BPFRT_W, .dst_reg = 0, .src_reg = 2},
		{.code = BPFRT_JMP | BPFRT_JGE | BPFRT_K, .dst_reg = 0, .off = 3,
		 .imm = (int32_t)map->max_entries},
		{.code = BPFRT_ALU64 | (pow2 ? BPFRT_LSH : BPFRT_MUL) | BPFRT_K, .dst_reg = 0,
		 .imm = pow2 ? __builtin_ctz(es) : (int32_t)es},
		{.code = BPFRT_ALU64 | BPFRT_ADD | BPFRT_X, .dst_reg = 0, .src_reg = 1},
		{.code = BPFRT_JMP | BPFRT_JA, .off = 1},
		{.code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, .dst_reg = 0, .imm = 0},
	};
	memcpy(insns, prog, sizeof(prog));
	return 8;
}

#define ARRAY_OPS                                                                                  \
	.obj_size = sizeof(struct array_map), .layout = array_layout, .attach = array_attach,      \
	.lookup = array_lookup, .update = array_update, .delete = array_delete,                    \
	.for_each = array_for_each, .get_next_key = map_index_get_next_key

const struct map_ops array_map_ops = {ARRAY_OPS, .gen_lookup = array_gen_lookup};
const struct map_ops percpu_array_map_ops = {
	ARRAY_OPS,
	.sys_lookup = percpu_array_sys_lookup,
	.sys_update = percpu_array_sys_update,
};
