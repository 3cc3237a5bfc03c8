/* SPDX-License-Identifier: MIT */
/*
 * The bloom filter map (the kernel's bloom_filter.c): no keys; push adds
 * a value, peek answers 0 ("maybe present") or -ENOENT ("certainly not").
 * map_extra's low 4 bits give the number of hash functions (0: 5). The
 * bit array has about max_entries * hashes / ln 2 bits, rounded up to a
 * power of 2, as the kernel sizes it.
 *
 * Shared data: the bit array as u64 words, set with atomic or.
 */
#include <errno.h>
#include <sys/random.h>

#include "maps/lock.h"
#include "maps/map_log.h"
#include "maps/map_ops.h"
#include "maps/shm.h"

enum { L_MASK, L_NHASH, L_SEED };

struct bloom {
	struct bpfrt_map map;
	_Atomic uint64_t *bits;
	uint64_t mask, seed;
	uint32_t nhash;
};

#define BLOOM(m) ((struct bloom *)(m))

static int bloom_layout(struct bpfrt_map *map, struct map_shm_hdr *hdr, char *log, size_t log_sz)
{
	int err = map_check_flags(map, BPFRT_F_NUMA_NODE | BPFRT_F_ZERO_SEED | MAP_F_ACCESS_MASK,
				  log, log_sz);
	if (err)
		return err;
	if (map->key_size || !map->value_size || !map->max_entries || (map->map_extra & ~0xfULL))
		return map_log_err(map, log, log_sz, -EINVAL,
				   "key_size must be 0, value_size and max_entries > 0, map_extra < 16");
	uint64_t nhash = map->map_extra & 0xf ? map->map_extra & 0xf : 5;
	uint64_t nbits = (uint64_t)map->max_entries * nhash / 5 * 7;
	if (nbits > (1ULL << 31))
		nbits = 1ULL << 31;
	nbits = nbits <= 64 ? 64 : 1ULL << (64 - __builtin_clzll(nbits - 1));
	hdr->layout[L_MASK] = nbits - 1;
	hdr->layout[L_NHASH] = nhash;
	uint64_t seed = 0;
	if (!(map->map_flags & BPFRT_F_ZERO_SEED) && getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = 0x9e3779b97f4a7c15ULL;
	hdr->layout[L_SEED] = seed;
	hdr->data_size = map_page_round(nbits / 8);
	return 0;
}

static int bloom_attach(struct bpfrt_map *map)
{
	struct bloom *b = BLOOM(map);
	b->bits = map_data(map);
	b->mask = map->hdr->layout[L_MASK];
	b->nhash = (uint32_t)map->hdr->layout[L_NHASH];
	b->seed = map->hdr->layout[L_SEED];
	return 0;
}

static inline uint64_t bloom_bit(struct bloom *b, const void *value, uint32_t i)
{
	return map_hash(value, b->map.value_size, b->seed + i * 0x9e3779b97f4a7c15ULL) & b->mask;
}

static long bloom_push(struct bpfrt_map *map, const void *value, uint64_t flags)
{
	struct bloom *b = BLOOM(map);
	if (flags != BPFRT_ANY)
		return -EINVAL;
	for (uint32_t i = 0; i < b->nhash; i++) {
		uint64_t bit = bloom_bit(b, value, i);
		atomic_fetch_or_explicit(&b->bits[bit / 64], 1ULL << (bit % 64), memory_order_relaxed);
	}
	return 0;
}

static long bloom_peek(struct bpfrt_map *map, void *value)
{
	struct bloom *b = BLOOM(map);
	for (uint32_t i = 0; i < b->nhash; i++) {
		uint64_t bit = bloom_bit(b, value, i);
		if (!(atomic_load_explicit(&b->bits[bit / 64], memory_order_relaxed) &
		      (1ULL << (bit % 64))))
			return -ENOENT;
	}
	return 0;
}

static long bloom_update(struct bpfrt_map *map, const void *key, const void *value,
			 uint64_t flags, uint32_t cpu)
{
	(void)map, (void)key, (void)value, (void)flags, (void)cpu;
	return -EINVAL;
}

const struct map_ops bloom_filter_map_ops = {
	.obj_size = sizeof(struct bloom),
	.layout = bloom_layout,
	.attach = bloom_attach,
	.update = bloom_update,
	.push = bloom_push,
	.peek = bloom_peek,
};
