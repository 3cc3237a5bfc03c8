/* SPDX-License-Identifier: MIT */
/*
 * The shared-memory backing of every map: a memfd (mode 0600) that starts
 * with this header page, followed by the type's data. A process that gets
 * the fd maps it and learns from the header what it holds (docs/maps.md).
 * All mutable state of a map (locks, counters, free lists, ring positions)
 * lives in the data, as offsets, never pointers, so it is valid in every
 * process that maps it.
 *
 * In each process the mapping is preceded by one private page holding the
 * process's `struct bpfrt_map *` (map_of_record() finds it from a pointer
 * into the mapping), and the last `dup_size` bytes of the file may be
 * mapped a second time right after themselves (the ring buffer's data
 * pages, so records that wrap are contiguous).
 */
#ifndef BPFRT_MAPS_SHM_H
#define BPFRT_MAPS_SHM_H

#include <stdint.h>

#include "maps/map_ops.h"

#define MAP_SHM_MAGIC 0x4d465042U /* "BPFM" */
#define MAP_SHM_VERSION 1

struct map_shm_hdr {
	uint32_t magic, version;
	uint32_t type, key_size, value_size, max_entries, map_flags, ncpus;
	uint64_t map_extra;
	char name[BPFRT_MAP_NAME_LEN];
	uint64_t data_off;  /* offset of the type's data: one page */
	uint64_t data_size; /* bytes of data; the file is data_off + data_size */
	uint64_t dup_size;  /* the file's last dup_size bytes are mapped twice */
	_Atomic uint32_t frozen;
	uint32_t pad;
	uint64_t layout[16]; /* the type's layout words (see each type) */
};

size_t map_page_size(void);
/* Creates the memfd for `map` from the filled-in header and maps it;
 * sets map->fd, map->hdr, map->region. */
int map_shm_create(struct bpfrt_map *map, const struct map_shm_hdr *hdr);
/* Maps an existing memfd (dup-ed); checks the header. */
int map_shm_open(struct bpfrt_map *map, int fd);
void map_shm_close(struct bpfrt_map *map);

/* sz rounded up to whole pages (data sizes are page multiples). */
static inline uint64_t map_page_round(uint64_t sz)
{
	uint64_t page = map_page_size();
	return (sz + page - 1) & ~(page - 1);
}

static inline void *map_data(const struct bpfrt_map *map)
{
	return (char *)map->hdr + map->hdr->data_off;
}

#endif /* BPFRT_MAPS_SHM_H */
