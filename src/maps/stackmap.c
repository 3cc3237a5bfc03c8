/* SPDX-License-Identifier: MIT */
/*
 * The stack trace map (the kernel's stackmap.c semantics): the key is a
 * stack id, the value an array of u64 instruction pointers of
 * value_size / 8 entries. bpf_get_stackid hashes the IPs; the id is the
 * hash modulo the (power of 2) bucket count. A bucket holding a different
 * stack is only replaced with BPF_F_REUSE_STACKID (-EEXIST otherwise);
 * BPF_F_FAST_STACK_CMP trusts the hash without comparing the IPs.
 *
 * Shared data: n_buckets buckets of { lock, nr, hash, pad, ips[depth] };
 * nr 0 means empty.
 */
#include <errno.h>
#include <string.h>

#include "maps/lock.h"
#include "maps/map_log.h"
#include "maps/map_ops.h"
#include "maps/shm.h"

#define PERF_MAX_STACK_DEPTH 127 /* sysctl_perf_event_max_stack's default */

struct stack_bucket {
	map_lock_t lock;
	_Atomic uint32_t nr;
	uint32_t hash;
	uint32_t pad;
	uint64_t ips[];
};

struct stackmap {
	struct bpfrt_map map;
	char *buckets;
	uint32_t n_buckets, bucket_size, depth;
};

#define SMAP(m) ((struct stackmap *)(m))

static inline struct stack_bucket *bucket_at(struct stackmap *s, uint32_t id)
{
	return (struct stack_bucket *)(s->buckets + (size_t)id * s->bucket_size);
}

static int stackmap_layout(struct bpfrt_map *map, struct map_shm_hdr *hdr, char *log,
			   size_t log_sz)
{
	int err = map_check_flags(map, BPFRT_F_NUMA_NODE | BPFRT_F_RDONLY | BPFRT_F_WRONLY, log,
				  log_sz);
	if (err)
		return err;
	if (map->key_size != 4 || map->value_size < 8 || map->value_size % 8 || !map->max_entries)
		return map_log_err(map, log, log_sz, -EINVAL,
				   "key_size must be 4, value_size a multiple of 8, max_entries > 0");
	if (map->value_size / 8 > PERF_MAX_STACK_DEPTH)
		return map_log_err(map, log, log_sz, -EINVAL, "value_size %u: more than %u IPs",
				   map->value_size, PERF_MAX_STACK_DEPTH);
	if (map->max_entries > (1U << 24))
		return map_log_err(map, log, log_sz, -E2BIG, "max_entries %u too large",
				   map->max_entries);
	uint64_t nb = map_roundup_pow2(map->max_entries);
	uint64_t bsz = sizeof(struct stack_bucket) + map->value_size;
	hdr->layout[0] = nb;
	hdr->data_size = map_page_round(nb * bsz);
	return 0;
}

static int stackmap_attach(struct bpfrt_map *map)
{
	struct stackmap *s = SMAP(map);
	s->buckets = map_data(map);
	s->n_buckets = (uint32_t)map->hdr->layout[0];
	s->depth = map->value_size / 8;
	s->bucket_size = (uint32_t)sizeof(struct stack_bucket) + map->value_size;
	return 0;
}

uint32_t stackmap_depth(const struct bpfrt_map *map)
{
	return map->value_size / 8;
}

long stackmap_get_id(struct bpfrt_map *map, const uint64_t *ips, uint32_t nr, uint64_t flags)
{
	struct stackmap *s = SMAP(map);
	if (flags & ~(uint64_t)(BPFRT_F_SKIP_FIELD_MASK | BPFRT_F_USER_STACK |
				BPFRT_F_FAST_STACK_CMP | BPFRT_F_REUSE_STACKID))
		return -EINVAL;
	if (!nr)
		return -EFAULT;
	if (nr > s->depth)
		nr = s->depth;
	uint32_t hash = map_hash(ips, nr * 8, 0);
	uint32_t id = hash & (s->n_buckets - 1);
	struct stack_bucket *b = bucket_at(s, id);
	long ret = id;
	map_lock(&b->lock);
	if (b->nr && b->hash == hash &&
	    ((flags & BPFRT_F_FAST_STACK_CMP) ||
	     (b->nr == nr && !memcmp(b->ips, ips, (size_t)nr * 8))))
		goto out; /* the same stack */
	if (b->nr && !(flags & BPFRT_F_REUSE_STACKID)) {
		ret = -EEXIST;
		goto out;
	}
	memcpy(b->ips, ips, (size_t)nr * 8);
	b->hash = hash;
	b->nr = nr;
out:
	map_unlock(&b->lock);
	return ret;
}

static int stackmap_sys_lookup(struct bpfrt_map *map, const void *key, void *value)
{
	struct stackmap *s = SMAP(map);
	uint32_t id = *(const uint32_t *)key;
	if (id >= s->n_buckets)
		return -ENOENT;
	struct stack_bucket *b = bucket_at(s, id);
	int err = 0;
	map_lock(&b->lock);
	if (!b->nr) {
		err = -ENOENT;
	} else {
		memcpy(value, b->ips, (size_t)b->nr * 8);
		memset((char *)value + (size_t)b->nr * 8, 0, map->value_size - (size_t)b->nr * 8);
	}
	map_unlock(&b->lock);
	return err;
}

static int stackmap_sys_update(struct bpfrt_map *map, const void *key, const void *value,
			       uint64_t flags)
{
	(void)map;
	(void)key;
	(void)value;
	(void)flags;
	return -EINVAL;
}

static long stackmap_delete(struct bpfrt_map *map, const void *key)
{
	struct stackmap *s = SMAP(map);
	uint32_t id = *(const uint32_t *)key;
	if (id >= s->n_buckets)
		return -E2BIG;
	struct stack_bucket *b = bucket_at(s, id);
	map_lock(&b->lock);
	uint32_t had = b->nr;
	b->nr = 0;
	map_unlock(&b->lock);
	return had ? 0 : -ENOENT;
}

static bool bucket_used(struct stackmap *s, uint32_t id)
{
	return atomic_load_explicit(&bucket_at(s, id)->nr, memory_order_relaxed) != 0;
}

static int stackmap_get_next_key(struct bpfrt_map *map, const void *key, void *next_key)
{
	struct stackmap *s = SMAP(map);
	uint32_t id = 0;
	if (key) {
		id = *(const uint32_t *)key;
		if (id >= s->n_buckets || !bucket_used(s, id))
			id = 0;
		else
			id++;
	}
	while (id < s->n_buckets && !bucket_used(s, id))
		id++;
	if (id >= s->n_buckets)
		return -ENOENT;
	*(uint32_t *)next_key = id;
	return 0;
}

const struct map_ops stack_trace_map_ops = {
	.obj_size = sizeof(struct stackmap),
	.layout = stackmap_layout,
	.attach = stackmap_attach,
	.delete = stackmap_delete,
	.get_next_key = stackmap_get_next_key,
	.sys_lookup = stackmap_sys_lookup,
	.sys_update = stackmap_sys_update,
};
