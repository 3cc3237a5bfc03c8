/* SPDX-License-Identifier: MIT */
/*
 * Maps of maps (map_in_map.c): what the array of maps (fd_array.c) and
 * the hash of maps (htab.c) share — the inner map template, the check
 * that an inner map fits it, the user side's "fd" resolver, and the
 * lifetime of inner maps.
 */
#ifndef BPFRT_MAPS_MAP_IN_MAP_H
#define BPFRT_MAPS_MAP_IN_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "maps/map_ops.h"

struct map_shm_hdr;

/* The template's attributes in the header's layout words (the types'
 * own words stay below MIM_L_TYPE), so every process sees them. */
enum { MIM_L_TYPE = 11, MIM_L_KEY_SIZE, MIM_L_VALUE_SIZE, MIM_L_MAX_ENTRIES, MIM_L_MAP_FLAGS };

static inline bool map_type_is_of_maps(uint32_t type)
{
	return type == BPFRT_MAP_TYPE_ARRAY_OF_MAPS || type == BPFRT_MAP_TYPE_HASH_OF_MAPS;
}

/* Create: checks the template `tmpl` (the kernel's inner_map_fd) and
 * records it in hdr. -EINVAL (none, or itself a map of maps),
 * -EOPNOTSUPP (a type that cannot be an inner map: prog array). */
int mim_layout(struct bpfrt_map *map, struct map_shm_hdr *hdr, const struct bpfrt_map *tmpl,
	       char *log, size_t log_sz);
/* The types' attach and release call these (map->mim). */
int mim_attach(struct bpfrt_map *map);
/* Drops the references of the retired inner maps; the type drops those
 * of its slots first. */
void mim_release(struct bpfrt_map *map);

/* The user side's update (value: a u32 the resolver turns into a map,
 * as the kernel's map fd) and delete, for both types' ops. */
int mim_sys_update(struct bpfrt_map *map, const void *key, const void *value, uint64_t flags);
long mim_delete(struct bpfrt_map *map, const void *key);

#endif /* BPFRT_MAPS_MAP_IN_MAP_H */
