/* SPDX-License-Identifier: MIT */
/*
 * Maps of maps: the part the array of maps and the hash of maps share
 * (the kernel's map_in_map.c). Their slots hold struct bpfrt_map
 * pointers, so a program's lookup gives the inner map itself, which it
 * passes to the map helpers as it would a map from ld_imm64.
 *
 * The template: creation copies the inner map template's attributes
 * (the kernel's bpf_map_meta_alloc from inner_map_fd) into the header;
 * an inner map must match them (bpf_map_meta_equal, and an array's
 * max_entries unless BPF_F_INNER_MAP: array_map_meta_equal). Per-CPU
 * arrays too, stricter than the kernel (its percpu_array_map_ops compare
 * with bpf_map_meta_equal only): the verifier lets a lookup of a constant
 * key below the template's max_entries skip the null check.
 *
 * Lifetime: a slot holds a reference to its map. The kernel drops the
 * reference of a removed inner map after an RCU grace period, when no
 * program that looked it up can still run. We have no grace periods, so
 * the reference moves to the outer map's retired list and is dropped
 * when the outer map is freed: no program runs on a map being freed, so
 * none still holds what it looked up there. A map is retired once per
 * outer map (a second retirement drops its reference at once), so the
 * list is bounded by the number of distinct maps ever inserted.
 *
 * Changes (user side, and deletes) are serialised by a process-local
 * lock; programs only look up, without locks.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "maps/map_in_map.h"
#include "maps/map_log.h"
#include "maps/shm.h"

struct map_in_map {
	pthread_mutex_t lock;
	bpfrt_map_resolve_fn resolve;
	void *resolve_ctx;
	struct bpfrt_map **retired;
	size_t retired_cnt, retired_cap;
};

int mim_layout(struct bpfrt_map *map, struct map_shm_hdr *hdr, const struct bpfrt_map *tmpl,
	       char *log, size_t log_sz)
{
	if (!tmpl)
		return map_log_err(map, log, log_sz, -EINVAL,
				   "a map of maps needs an inner map template (inner_map)");
	if (map_type_is_of_maps(tmpl->type))
		return map_log_err(map, log, log_sz, -EINVAL,
				   "inner map template %s is itself a map of maps", tmpl->name);
	if (tmpl->type == BPFRT_MAP_TYPE_PROG_ARRAY)
		return map_log_err(map, log, log_sz, -EOPNOTSUPP,
				   "a prog array cannot be an inner map");
	if (map->value_size != sizeof(uint32_t))
		return map_log_err(map, log, log_sz, -EINVAL,
				   "value_size must be 4 (an inner map's fd or id)");
	if (map->type == BPFRT_MAP_TYPE_ARRAY_OF_MAPS &&
	    (map->map_flags & (BPFRT_F_RDONLY_PROG | BPFRT_F_WRONLY_PROG)))
		return map_log_err(map, log, log_sz, -EINVAL,
				   "BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG do not apply");
	hdr->layout[MIM_L_TYPE] = tmpl->type;
	hdr->layout[MIM_L_KEY_SIZE] = tmpl->key_size;
	hdr->layout[MIM_L_VALUE_SIZE] = tmpl->value_size;
	hdr->layout[MIM_L_MAX_ENTRIES] = tmpl->max_entries;
	hdr->layout[MIM_L_MAP_FLAGS] = tmpl->map_flags;
	return 0;
}

int mim_attach(struct bpfrt_map *map)
{
	struct map_in_map *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	pthread_mutex_init(&m->lock, NULL);
	map->mim = m;
	return 0;
}

void mim_release(struct bpfrt_map *map)
{
	struct map_in_map *m = map->mim;

	if (!m)
		return;
	for (size_t i = 0; i < m->retired_cnt; i++)
		map_put(m->retired[i]);
	free(m->retired);
	pthread_mutex_destroy(&m->lock);
	free(m);
	map->mim = NULL;
}

/* Whether `inner` fits the template (kernel: map_meta_equal). The kernel
 * keeps BPF_F_RDONLY/WRONLY on the fd, not in the map's flags
 * (bpf_map_flags_retain_permanent), so they do not count. */
static bool mim_fits(const struct bpfrt_map *outer, const struct bpfrt_map *inner)
{
	const uint64_t *l = outer->hdr->layout;
	uint32_t fd_flags = BPFRT_F_RDONLY | BPFRT_F_WRONLY;

	if (inner->type != l[MIM_L_TYPE] || inner->key_size != l[MIM_L_KEY_SIZE] ||
	    inner->value_size != l[MIM_L_VALUE_SIZE] ||
	    (inner->map_flags & ~fd_flags) != (l[MIM_L_MAP_FLAGS] & ~fd_flags))
		return false;
	bool array = inner->type == BPFRT_MAP_TYPE_ARRAY || inner->type == BPFRT_MAP_TYPE_PERCPU_ARRAY;
	return !array || (l[MIM_L_MAP_FLAGS] & BPFRT_F_INNER_MAP) ||
	       inner->max_entries == l[MIM_L_MAX_ENTRIES];
}

/* Takes over the slot's reference of a removed map; under m->lock. */
static void mim_retire(struct map_in_map *m, struct bpfrt_map *old)
{
	if (!old)
		return;
	for (size_t i = 0; i < m->retired_cnt; i++)
		if (m->retired[i] == old) {
			map_put(old); /* the retired entry keeps it alive */
			return;
		}
	if (m->retired_cnt == m->retired_cap) {
		size_t cap = m->retired_cap ? m->retired_cap * 2 : 8;
		struct bpfrt_map **v = realloc(m->retired, cap * sizeof(*v));

		if (!v)
			return; /* keep the reference: a leak, never a map freed under a program */
		m->retired = v;
		m->retired_cap = cap;
	}
	m->retired[m->retired_cnt++] = old;
}

/* Swaps key's slot to `inner` (NULL: removes it) under the change lock;
 * the reference to inner is taken here and given back on failure. */
static int mim_swap(struct bpfrt_map *map, const void *key, struct bpfrt_map *inner,
		    uint64_t flags)
{
	struct map_in_map *m = map->mim;
	struct bpfrt_map *old = NULL;
	int err;

	if (!map->owner || !m)
		return -EOPNOTSUPP; /* the slots hold the creator's pointers */
	if (inner)
		map_get(inner);
	pthread_mutex_lock(&m->lock);
	err = map->ops->inner_swap(map, key, inner, flags, &old);
	if (!err)
		mim_retire(m, old);
	pthread_mutex_unlock(&m->lock);
	if (err && inner)
		map_put(inner);
	return err;
}

int bpfrt_map__update_inner(struct bpfrt_map *outer, const void *key, size_t key_sz,
			    struct bpfrt_map *inner, uint64_t flags)
{
	if (!outer || !inner || !map_type_is_of_maps(outer->type) || key_sz != outer->key_size ||
	    !key)
		return -EINVAL;
	if (outer->map_flags & BPFRT_F_RDONLY ||
	    atomic_load_explicit(&outer->hdr->frozen, memory_order_acquire))
		return -EPERM;
	if (!mim_fits(outer, inner))
		return -EINVAL;
	return mim_swap(outer, key, inner, flags);
}

int bpfrt_map__set_map_resolver(struct bpfrt_map *outer, bpfrt_map_resolve_fn fn, void *ctx)
{
	if (!outer || !map_type_is_of_maps(outer->type) || !outer->mim)
		return -EINVAL;
	pthread_mutex_lock(&outer->mim->lock);
	outer->mim->resolve = fn;
	outer->mim->resolve_ctx = ctx;
	pthread_mutex_unlock(&outer->mim->lock);
	return 0;
}

int mim_sys_update(struct bpfrt_map *map, const void *key, const void *value, uint64_t flags)
{
	struct map_in_map *m = map->mim;
	struct bpfrt_map *inner = NULL;
	uint32_t fd;

	if (!m)
		return -EOPNOTSUPP;
	memcpy(&fd, value, sizeof(fd));
	pthread_mutex_lock(&m->lock);
	if (m->resolve)
		inner = m->resolve(m->resolve_ctx, fd);
	pthread_mutex_unlock(&m->lock);
	if (!inner)
		return -EBADF;
	if (!mim_fits(map, inner))
		return -EINVAL;
	return mim_swap(map, key, inner, flags);
}

long mim_delete(struct bpfrt_map *map, const void *key)
{
	return mim_swap(map, key, NULL, 0);
}
