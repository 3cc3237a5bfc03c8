/* SPDX-License-Identifier: MIT */
/*
 * Hash maps: hash, per-CPU hash, LRU hash and LRU per-CPU hash (the
 * kernel's hashtab.c semantics: flags, errors, get_next_key order within
 * a bucket walk, E2BIG when full, LRU eviction instead), and the hash of
 * maps, whose 8-byte value slots hold inner map pointers (map_in_map.c).
 *
 * Shared data (offsets in hdr->layout):
 *   struct htab_shared   free list, element count, LRU list, seed
 *   buckets[n_buckets]   chain head + lock; n_buckets = roundup_pow2(max)
 *   elems[pool]          preallocated elements: header, key, value(s)
 *
 * Readers (lookup, get_next_key, for_each) take no lock. As the kernel's
 * hlist_nulls, a chain ends with a "nulls" marker naming its bucket: an
 * element freed and reused in another bucket while a reader walks it
 * leads the reader to the wrong marker, and it restarts. Freed elements
 * keep their chain link (the free list uses another field), so a reader
 * standing on one still reaches a marker. Writers take the bucket lock.
 * Replacing a value links a new element before unlinking the old one, so
 * a reader sees the old or the new value, never a mix (per-CPU values are
 * copied in place, as in the kernel).
 *
 * LRU: one list in recency order (head = newest) with a reference bit set
 * by lookups; when the free list is empty an update evicts from the tail,
 * giving referenced elements a second chance. Lock order: bucket, then LRU.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "maps/lock.h"
#include "maps/map_in_map.h"
#include "maps/map_log.h"
#include "maps/map_ops.h"
#include "maps/shm.h"

#define HTAB_NONE UINT32_MAX
#define NULLS_BIT 0x80000000U
#define MAX_BPF_STACK 512U
#define PCPU_MIN_UNIT_SIZE 32768U

enum { ELEM_FREE, ELEM_LIVE, ELEM_DYING };

struct htab_shared {
	map_lock_t free_lock;
	uint32_t free_head;
	_Atomic uint32_t count;
	map_lock_t lru_lock;
	uint32_t lru_head, lru_tail;
	uint64_t seed;
};

struct htab_bucket {
	_Atomic uint32_t head;
	map_lock_t lock;
};

struct htab_elem {
	_Atomic uint32_t next; /* chain: element index, or NULLS_BIT | bucket */
	_Atomic uint32_t hash;
	uint32_t free_next;    /* free list link, apart from `next` for readers */
	uint32_t lru_prev, lru_next;
	_Atomic uint8_t ref;   /* LRU: looked up since the last scan */
	_Atomic uint8_t state; /* ELEM_* */
	uint8_t pad[2];
	char data[]; /* key (rounded to 8), then the value or the per-CPU values */
};

enum { L_NBUCKETS, L_POOL, L_ELEM_SIZE, L_BUCKETS_OFF, L_ELEMS_OFF };

struct htab {
	struct bpfrt_map map;
	struct htab_shared *sh;
	struct htab_bucket *buckets;
	char *elems;
	uint32_t mask, pool, elem_size, key_off_value, value_stride;
	uint32_t value_copy; /* bytes an update writes: value_size, or a pointer */
	uint64_t seed;
	bool lru, percpu;
};

#define HTAB(m) ((struct htab *)(m))

static inline struct htab_elem *elem_at(const struct htab *h, uint32_t i)
{
	return (struct htab_elem *)(h->elems + (size_t)i * h->elem_size);
}

static inline uint32_t elem_index(const struct htab *h, const struct htab_elem *e)
{
	return (uint32_t)(((const char *)e - h->elems) / h->elem_size);
}

static inline void *elem_value(const struct htab *h, struct htab_elem *e, uint32_t cpu)
{
	return e->data + h->key_off_value + (size_t)cpu * h->value_stride;
}

static int htab_layout(struct bpfrt_map *map, struct map_shm_hdr *hdr, char *log, size_t log_sz)
{
	bool lru = map->type == BPFRT_MAP_TYPE_LRU_HASH || map->type == BPFRT_MAP_TYPE_LRU_PERCPU_HASH;
	bool percpu = map_type_is_percpu(map->type);
	uint32_t allowed = BPFRT_F_NO_PREALLOC | BPFRT_F_NO_COMMON_LRU | BPFRT_F_NUMA_NODE |
			   MAP_F_ACCESS_MASK | BPFRT_F_ZERO_SEED;
	int err = map_check_flags(map, allowed, log, log_sz);
	if (err)
		return err;
	if ((map->map_flags & BPFRT_F_NO_COMMON_LRU) && !lru)
		return map_log_err(map, log, log_sz, -EINVAL, "BPF_F_NO_COMMON_LRU without LRU");
	if (lru && (map->map_flags & BPFRT_F_NO_PREALLOC))
		return map_log_err(map, log, log_sz, -EOPNOTSUPP,
				   "LRU maps are always preallocated");
	if (!map->key_size || !map->value_size || !map->max_entries)
		return map_log_err(map, log, log_sz, -EINVAL,
				   "key_size, value_size and max_entries must be > 0");
	if (map->key_size > MAX_BPF_STACK)
		return map_log_err(map, log, log_sz, -E2BIG, "key_size %u > %u", map->key_size,
				   MAX_BPF_STACK);
	if (percpu && map->value_size > PCPU_MIN_UNIT_SIZE)
		return map_log_err(map, log, log_sz, -E2BIG, "per-CPU value_size %u > %u",
				   map->value_size, PCPU_MIN_UNIT_SIZE);
	if (map->value_size > (1U << 26) || map->max_entries > (1U << 30))
		return map_log_err(map, log, log_sz, -E2BIG, "value_size or max_entries too large");

	uint64_t nb = map_roundup_pow2(map->max_entries);
	/* Spare elements so a replacing update finds one even when full. */
	uint64_t pool = map->max_entries + (lru ? 0 : (uint64_t)map->ncpus + 16);
	uint64_t vsz = (uint64_t)map_round8(map->value_size) * (percpu ? map->ncpus : 1);
	uint64_t esz = sizeof(struct htab_elem) + map_round8(map->key_size) + vsz;
	uint64_t buckets_off = 64;
	uint64_t elems_off = (buckets_off + nb * sizeof(struct htab_bucket) + 63) & ~63ULL;
	uint64_t sz = elems_off + pool * esz;
	if (sz > (1ULL << 38))
		return map_log_err(map, log, log_sz, -E2BIG, "%llu bytes of elements",
				   (unsigned long long)sz);
	hdr->data_size = map_page_round(sz);
	hdr->layout[L_NBUCKETS] = nb;
	hdr->layout[L_POOL] = pool;
	hdr->layout[L_ELEM_SIZE] = esz;
	hdr->layout[L_BUCKETS_OFF] = buckets_off;
	hdr->layout[L_ELEMS_OFF] = elems_off;
	return 0;
}

static int htab_attach(struct bpfrt_map *map)
{
	struct htab *h = HTAB(map);
	const uint64_t *l = map->hdr->layout;
	char *d = map_data(map);
	h->sh = (struct htab_shared *)d;
	h->buckets = (struct htab_bucket *)(d + l[L_BUCKETS_OFF]);
	h->elems = d + l[L_ELEMS_OFF];
	h->mask = (uint32_t)l[L_NBUCKETS] - 1;
	h->pool = (uint32_t)l[L_POOL];
	h->elem_size = (uint32_t)l[L_ELEM_SIZE];
	h->key_off_value = map_round8(map->key_size);
	h->value_stride = map_round8(map->value_size);
	h->value_copy = map->value_size;
	h->lru = map->type == BPFRT_MAP_TYPE_LRU_HASH || map->type == BPFRT_MAP_TYPE_LRU_PERCPU_HASH;
	h->percpu = map_type_is_percpu(map->type);
	return 0;
}

static void htab_init(struct bpfrt_map *map)
{
	struct htab *h = HTAB(map);
	uint64_t seed = 0;
	if (!(map->map_flags & BPFRT_F_ZERO_SEED) && getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint64_t)(uintptr_t)h ^ 0x5bd1e9955bd1e995ULL;
	h->sh->seed = seed;
	h->sh->lru_head = h->sh->lru_tail = HTAB_NONE;
	for (uint32_t b = 0; b <= h->mask; b++)
		atomic_store_explicit(&h->buckets[b].head, NULLS_BIT | b, memory_order_relaxed);
	for (uint32_t i = 0; i < h->pool; i++)
		elem_at(h, i)->free_next = i + 1 < h->pool ? i + 1 : HTAB_NONE;
	h->sh->free_head = 0;
}

/* The common key sizes get the hash and the compare unrolled. */
static inline uint32_t htab_hash(const struct htab *h, const void *key)
{
	switch (h->map.key_size) {
	case 4: return map_hash(key, 4, h->sh->seed);
	case 8: return map_hash(key, 8, h->sh->seed);
	case 16: return map_hash(key, 16, h->sh->seed);
	default: return map_hash(key, h->map.key_size, h->sh->seed);
	}
}

static inline bool key_equal(const void *a, const void *b, uint32_t ks)
{
	switch (ks) {
	case 4: return !__builtin_memcmp(a, b, 4);
	case 8: return !__builtin_memcmp(a, b, 8);
	case 16: return !__builtin_memcmp(a, b, 16);
	default: return !memcmp(a, b, ks);
	}
}

/* The live element for key in its bucket, walking without the lock. */
static struct htab_elem *htab_find(const struct htab *h, const void *key, uint32_t hash)
{
	uint32_t b = hash & h->mask;
	uint32_t ks = h->map.key_size;
again:;
	uint32_t i = atomic_load_explicit(&h->buckets[b].head, memory_order_acquire);
	while (!(i & NULLS_BIT)) {
		struct htab_elem *e = elem_at(h, i);
		if (atomic_load_explicit(&e->hash, memory_order_relaxed) == hash &&
		    key_equal(e->data, key, ks))
			return e;
		i = atomic_load_explicit(&e->next, memory_order_acquire);
	}
	if (i != (NULLS_BIT | b))
		goto again;
	return NULL;
}

/* ---- free list and LRU list ---- */

static struct htab_elem *free_pop(struct htab *h)
{
	struct htab_shared *sh = h->sh;
	map_lock(&sh->free_lock);
	uint32_t i = sh->free_head;
	if (i != HTAB_NONE)
		sh->free_head = elem_at(h, i)->free_next;
	map_unlock(&sh->free_lock);
	return i == HTAB_NONE ? NULL : elem_at(h, i);
}

static void free_push(struct htab *h, struct htab_elem *e)
{
	struct htab_shared *sh = h->sh;
	atomic_store_explicit(&e->state, ELEM_FREE, memory_order_relaxed);
	map_lock(&sh->free_lock);
	e->free_next = sh->free_head;
	sh->free_head = elem_index(h, e);
	map_unlock(&sh->free_lock);
}

/* Under lru_lock. */
static void lru_unlink(struct htab *h, struct htab_elem *e)
{
	struct htab_shared *sh = h->sh;
	if (e->lru_prev != HTAB_NONE)
		elem_at(h, e->lru_prev)->lru_next = e->lru_next;
	else
		sh->lru_head = e->lru_next;
	if (e->lru_next != HTAB_NONE)
		elem_at(h, e->lru_next)->lru_prev = e->lru_prev;
	else
		sh->lru_tail = e->lru_prev;
}

static void lru_push_head(struct htab *h, struct htab_elem *e)
{
	struct htab_shared *sh = h->sh;
	uint32_t i = elem_index(h, e);
	e->lru_prev = HTAB_NONE;
	e->lru_next = sh->lru_head;
	if (sh->lru_head != HTAB_NONE)
		elem_at(h, sh->lru_head)->lru_prev = i;
	else
		sh->lru_tail = i;
	sh->lru_head = i;
}

/* Unlinks e from its bucket chain; under the bucket lock. */
static void chain_unlink(struct htab *h, struct htab_bucket *bk, struct htab_elem *e)
{
	uint32_t target = elem_index(h, e);
	_Atomic uint32_t *link = &bk->head;
	for (;;) {
		uint32_t i = atomic_load_explicit(link, memory_order_relaxed);
		if (i & NULLS_BIT)
			return;
		if (i == target) {
			atomic_store_explicit(link, atomic_load_explicit(&e->next, memory_order_relaxed),
					      memory_order_release);
			return;
		}
		link = &elem_at(h, i)->next;
	}
}

static void chain_push(struct htab *h, struct htab_bucket *bk, struct htab_elem *e)
{
	atomic_store_explicit(&e->next, atomic_load_explicit(&bk->head, memory_order_relaxed),
			      memory_order_relaxed);
	atomic_store_explicit(&bk->head, elem_index(h, e), memory_order_release);
}

/* Removes an element another path has not claimed; caller holds its
 * bucket lock. LRU elements are claimed first so that an eviction racing
 * with a delete or a replace removes the element only once. Returns
 * whether the caller owns (must free) it. */
static bool elem_claim_unlink(struct htab *h, struct htab_bucket *bk, struct htab_elem *e)
{
	if (h->lru) {
		uint8_t live = ELEM_LIVE;
		if (!atomic_compare_exchange_strong(&e->state, &live, ELEM_DYING))
			return false; /* an evictor owns it and will unlink it */
		chain_unlink(h, bk, e);
		map_lock(&h->sh->lru_lock);
		lru_unlink(h, e);
		map_unlock(&h->sh->lru_lock);
		return true;
	}
	chain_unlink(h, bk, e);
	return true;
}

/* LRU: evicts the least recently used unreferenced element. */
static struct htab_elem *lru_evict(struct htab *h)
{
	struct htab_shared *sh = h->sh;
	struct htab_elem *victim = NULL;
	map_lock(&sh->lru_lock);
	for (uint64_t n = 0; n < 2ULL * h->pool + 2 && sh->lru_tail != HTAB_NONE; n++) {
		struct htab_elem *e = elem_at(h, sh->lru_tail);
		lru_unlink(h, e);
		if (atomic_load_explicit(&e->ref, memory_order_relaxed)) {
			atomic_store_explicit(&e->ref, 0, memory_order_relaxed);
			lru_push_head(h, e);
			continue;
		}
		uint8_t live = ELEM_LIVE;
		if (atomic_compare_exchange_strong(&e->state, &live, ELEM_DYING)) {
			victim = e;
			break;
		}
		lru_push_head(h, e); /* being deleted: its owner unlinks it */
	}
	map_unlock(&sh->lru_lock);
	if (!victim)
		return NULL;
	struct htab_bucket *bk = &h->buckets[atomic_load(&victim->hash) & h->mask];
	map_lock(&bk->lock);
	chain_unlink(h, bk, victim);
	map_unlock(&bk->lock);
	return victim;
}

static struct htab_elem *elem_alloc(struct htab *h)
{
	struct htab_elem *e = free_pop(h);
	if (!e && h->lru)
		e = lru_evict(h);
	return e;
}

/* ---- operations ---- */

static void *htab_lookup(struct bpfrt_map *map, const void *key, uint32_t cpu)
{
	struct htab *h = HTAB(map);
	struct htab_elem *e = htab_find(h, key, htab_hash(h, key));
	if (!e)
		return NULL;
	if (h->lru && !atomic_load_explicit(&e->ref, memory_order_relaxed))
		atomic_store_explicit(&e->ref, 1, memory_order_relaxed);
	return elem_value(h, e, h->percpu ? cpu % map->ncpus : 0);
}

/* Copies a value into a new element: one CPU's slot (others zeroed) or,
 * with all_cpus, every slot from a user buffer of 8-byte strided values. */
static void elem_set_value(struct htab *h, struct htab_elem *e, const void *value, uint32_t cpu,
			   bool all_cpus, bool fresh)
{
	if (!h->percpu) {
		memcpy(elem_value(h, e, 0), value, h->value_copy);
		return;
	}
	for (uint32_t c = 0; c < h->map.ncpus; c++) {
		if (all_cpus)
			memcpy(elem_value(h, e, c), (const char *)value + (size_t)c * h->value_stride,
			       h->value_stride);
		else if (c == cpu)
			memcpy(elem_value(h, e, c), value, h->map.value_size);
		else if (fresh)
			memset(elem_value(h, e, c), 0, h->value_stride);
	}
}

static long htab_update_common(struct bpfrt_map *map, const void *key, const void *value,
			       uint64_t flags, uint32_t cpu, bool all_cpus)
{
	struct htab *h = HTAB(map);
	if ((flags & ~(uint64_t)BPFRT_F_LOCK) > BPFRT_EXIST || (flags & BPFRT_F_LOCK))
		return -EINVAL;
	cpu = h->percpu ? cpu % map->ncpus : 0;
	uint32_t hash = htab_hash(h, key);
	struct htab_bucket *bk = &h->buckets[hash & h->mask];
	struct htab_elem *fresh = NULL;
	long err = 0;

	if (h->lru) { /* allocate (maybe evict) before taking the bucket lock */
		fresh = elem_alloc(h);
		if (!fresh)
			return -ENOMEM;
	}
	map_lock(&bk->lock);
	struct htab_elem *old = htab_find(h, key, hash);
	if (old && (flags & 3) == BPFRT_NOEXIST) {
		err = -EEXIST;
		goto out;
	}
	if (!old && (flags & 3) == BPFRT_EXIST) {
		err = -ENOENT;
		goto out;
	}
	if (old && h->percpu) { /* per-CPU values are updated in place */
		elem_set_value(h, old, value, cpu, all_cpus, false);
		goto out;
	}
	if (!fresh) {
		if (!old && atomic_fetch_add(&h->sh->count, 1) >= map->max_entries) {
			atomic_fetch_sub(&h->sh->count, 1);
			err = -E2BIG;
			goto out;
		}
		fresh = free_pop(h);
		if (!fresh) {
			if (old) { /* every spare in flight: copy in place */
				memcpy(elem_value(h, old, 0), value, h->value_copy);
				goto out;
			}
			atomic_fetch_sub(&h->sh->count, 1);
			err = -E2BIG;
			goto out;
		}
	}
	atomic_store_explicit(&fresh->hash, hash, memory_order_relaxed);
	memcpy(fresh->data, key, map->key_size);
	elem_set_value(h, fresh, value, cpu, all_cpus, true);
	atomic_store_explicit(&fresh->ref, 0, memory_order_relaxed);
	atomic_store_explicit(&fresh->state, ELEM_LIVE, memory_order_relaxed);
	chain_push(h, bk, fresh);
	if (h->lru) {
		map_lock(&h->sh->lru_lock);
		lru_push_head(h, fresh);
		map_unlock(&h->sh->lru_lock);
	}
	fresh = NULL;
	if (old && !elem_claim_unlink(h, bk, old))
		old = NULL;
	map_unlock(&bk->lock);
	if (old)
		free_push(h, old);
	return 0;
out:
	map_unlock(&bk->lock);
	if (fresh)
		free_push(h, fresh);
	return err;
}

static long htab_update(struct bpfrt_map *map, const void *key, const void *value, uint64_t flags,
			uint32_t cpu)
{
	return htab_update_common(map, key, value, flags, cpu, false);
}

static int htab_sys_update(struct bpfrt_map *map, const void *key, const void *value,
			   uint64_t flags)
{
	return (int)htab_update_common(map, key, value, flags, 0, HTAB(map)->percpu);
}

/* Deletes key; copies its value(s) out first when `value` is given. */
static long htab_delete_copy(struct bpfrt_map *map, const void *key, void *value)
{
	struct htab *h = HTAB(map);
	uint32_t hash = htab_hash(h, key);
	struct htab_bucket *bk = &h->buckets[hash & h->mask];
	map_lock(&bk->lock);
	struct htab_elem *e = htab_find(h, key, hash);
	if (!e) {
		map_unlock(&bk->lock);
		return -ENOENT;
	}
	if (value) {
		uint32_t n = h->percpu ? map->ncpus : 1;
		for (uint32_t c = 0; c < n; c++)
			memcpy((char *)value + (size_t)c * h->value_stride, elem_value(h, e, c),
			       h->percpu ? h->value_stride : map->value_size);
	}
	bool owned = elem_claim_unlink(h, bk, e);
	map_unlock(&bk->lock);
	if (owned) {
		if (!h->lru)
			atomic_fetch_sub(&h->sh->count, 1);
		free_push(h, e);
	}
	return 0;
}

static long htab_delete(struct bpfrt_map *map, const void *key)
{
	return htab_delete_copy(map, key, NULL);
}

static int htab_sys_lookup_and_delete(struct bpfrt_map *map, const void *key, void *value)
{
	return (int)htab_delete_copy(map, key, value);
}

/* The user side neither sets the LRU reference bit nor picks one CPU. */
static int htab_sys_lookup(struct bpfrt_map *map, const void *key, void *value)
{
	struct htab *h = HTAB(map);
	struct htab_elem *e = htab_find(h, key, htab_hash(h, key));
	if (!e)
		return -ENOENT;
	uint32_t n = h->percpu ? map->ncpus : 1;
	for (uint32_t c = 0; c < n; c++)
		memcpy((char *)value + (size_t)c * h->value_stride, elem_value(h, e, c),
		       h->percpu ? h->value_stride : map->value_size);
	return 0;
}

static uint32_t bucket_first(const struct htab *h, uint32_t b)
{
	return atomic_load_explicit(&h->buckets[b].head, memory_order_acquire);
}

static int htab_get_next_key(struct bpfrt_map *map, const void *key, void *next_key)
{
	struct htab *h = HTAB(map);
	uint32_t b = 0;
	if (key) {
		uint32_t hash = htab_hash(h, key);
		struct htab_elem *e = htab_find(h, key, hash);
		if (e) {
			uint32_t n = atomic_load_explicit(&e->next, memory_order_acquire);
			if (!(n & NULLS_BIT)) {
				memcpy(next_key, elem_at(h, n)->data, map->key_size);
				return 0;
			}
			b = (hash & h->mask) + 1;
		}
	}
	for (; b <= h->mask; b++) {
		uint32_t i = bucket_first(h, b);
		if (!(i & NULLS_BIT)) {
			memcpy(next_key, elem_at(h, i)->data, map->key_size);
			return 0;
		}
	}
	return -ENOENT;
}

static long htab_for_each(struct bpfrt_map *map, map_for_each_fn cb, void *ctx, uint32_t cpu)
{
	struct htab *h = HTAB(map);
	long n = 0;
	cpu = h->percpu ? cpu % map->ncpus : 0;
	for (uint32_t b = 0; b <= h->mask; b++) {
		uint32_t i = bucket_first(h, b);
		while (!(i & NULLS_BIT)) {
			struct htab_elem *e = elem_at(h, i);
			i = atomic_load_explicit(&e->next, memory_order_acquire);
			n++;
			if (cb(map, e->data, elem_value(h, e, cpu), ctx))
				return n;
		}
	}
	return n;
}

#define HTAB_OPS                                                                                   \
	.obj_size = sizeof(struct htab), .layout = htab_layout, .attach = htab_attach,             \
	.init = htab_init, .lookup = htab_lookup, .update = htab_update, .delete = htab_delete,    \
	.for_each = htab_for_each, .get_next_key = htab_get_next_key,                              \
	.sys_lookup = htab_sys_lookup, .sys_update = htab_sys_update,                              \
	.sys_lookup_and_delete = htab_sys_lookup_and_delete

const struct map_ops htab_map_ops = {HTAB_OPS};
const struct map_ops percpu_htab_map_ops = {HTAB_OPS};
const struct map_ops lru_htab_map_ops = {HTAB_OPS};
const struct map_ops lru_percpu_htab_map_ops = {HTAB_OPS};

/* ---- hash of maps ---- */

static int hash_of_maps_layout(struct bpfrt_map *map, struct map_shm_hdr *hdr, char *log,
			       size_t log_sz)
{
	int err = map_check_flags(map, BPFRT_F_NO_PREALLOC | BPFRT_F_NUMA_NODE | MAP_F_ACCESS_MASK |
					       BPFRT_F_ZERO_SEED,
				  log, log_sz);
	return err ? err : htab_layout(map, hdr, log, log_sz);
}

static int hash_of_maps_attach(struct bpfrt_map *map)
{
	int err = htab_attach(map);
	/* The u32 value's 8-byte slot holds the pointer (as the kernel's
	 * fd_htab_map_needs_adjust). */
	HTAB(map)->value_copy = sizeof(struct bpfrt_map *);
	return err ? err : mim_attach(map);
}

static struct bpfrt_map *slot_map(struct htab *h, struct htab_elem *e)
{
	struct bpfrt_map *inner;
	memcpy(&inner, elem_value(h, e, 0), sizeof(inner));
	return inner;
}

static long put_inner(struct bpfrt_map *map, void *key, void *value, void *ctx)
{
	struct bpfrt_map *inner;
	(void)map, (void)key, (void)ctx;
	memcpy(&inner, value, sizeof(inner));
	map_put(inner);
	return 0;
}

static void hash_of_maps_release(struct bpfrt_map *map)
{
	if (!map->mim)
		return; /* not attached */
	if (map->owner)
		htab_for_each(map, put_inner, NULL, 0);
	mim_release(map);
}

/* Programs: the inner map itself (kernel: htab_of_map_lookup_elem). */
static void *hash_of_maps_lookup(struct bpfrt_map *map, const void *key, uint32_t cpu)
{
	struct htab *h = HTAB(map);
	struct htab_elem *e = htab_find(h, key, htab_hash(h, key));
	(void)cpu;
	return e && map->owner ? slot_map(h, e) : NULL;
}

/* User side: the inner map's id; only the creator can read its pointers. */
static int hash_of_maps_sys_lookup(struct bpfrt_map *map, const void *key, void *value)
{
	struct bpfrt_map *inner;
	if (!map->owner)
		return -EOPNOTSUPP;
	if (!(inner = hash_of_maps_lookup(map, key, 0)))
		return -ENOENT;
	memcpy(value, &inner->id, sizeof(inner->id));
	return 0;
}

static int hash_of_maps_swap(struct bpfrt_map *map, const void *key, struct bpfrt_map *inner,
			     uint64_t flags, struct bpfrt_map **old)
{
	struct htab *h = HTAB(map);
	struct htab_elem *e = htab_find(h, key, htab_hash(h, key));
	long err;
	/* Changes hold the outer map's lock, so e stays the key's element. */
	*old = e ? slot_map(h, e) : NULL;
	err = inner ? htab_update_common(map, key, &inner, flags, 0, false) : htab_delete(map, key);
	if (err)
		*old = NULL;
	return (int)err;
}

const struct map_ops hash_of_maps_map_ops = {
	.obj_size = sizeof(struct htab),
	.layout = hash_of_maps_layout,
	.attach = hash_of_maps_attach,
	.init = htab_init,
	.release = hash_of_maps_release,
	.lookup = hash_of_maps_lookup,
	.delete = mim_delete,
	.get_next_key = htab_get_next_key,
	.sys_lookup = hash_of_maps_sys_lookup,
	.sys_update = mim_sys_update,
	.inner_swap = hash_of_maps_swap,
};
