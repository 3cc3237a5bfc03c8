/* SPDX-License-Identifier: MIT */
/*
 * The maps' internal interface: the ops table every map type fills, the
 * map object they share, and the fast path the helpers call with the
 * `struct bpfrt_map *` that fixups put into ld_imm64.
 *
 * Fast-path calls mirror the kernel's helpers: map_lookup_elem returns a
 * pointer to the value inside the map's shared memory (NULL when absent);
 * update/delete/push/pop/peek return 0 or -errno as the helpers do. `cpu`
 * selects the per-CPU slot of per-CPU maps (the runtime passes the CPU
 * its thread runs on, see bpfrt/map.h); other types ignore it. None of
 * them checks the user-side flags BPFRT_F_RDONLY/WRONLY (those are about
 * the syscall side) or program-side access (the verifier does that).
 */
#ifndef BPFRT_MAPS_MAP_OPS_H
#define BPFRT_MAPS_MAP_OPS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/insn.h"
#include "bpfrt/map.h"

struct map_shm_hdr;

/* Called by for_each for every element; return 0 to continue, 1 to stop
 * (the kernel's bpf_for_each_map_elem callback contract). */
typedef long (*map_for_each_fn)(struct bpfrt_map *map, void *key, void *value, void *ctx);

struct map_ops {
	size_t obj_size; /* size of the type's struct embedding struct bpfrt_map */
	/* Checks the attributes (-EINVAL/-E2BIG with a log line) and fills in
	 * the layout: hdr->data_size and the type's fields of hdr. */
	int (*layout)(struct bpfrt_map *map, struct map_shm_hdr *hdr, char *log, size_t log_sz);
	/* Sets the process-local pointers from the mapped memory (create and
	 * from_fd). */
	int (*attach)(struct bpfrt_map *map);
	/* Initialises fresh shared memory (create only). */
	void (*init)(struct bpfrt_map *map);
	void (*release)(struct bpfrt_map *map); /* frees process-local state */

	/* Fast path (programs). */
	void *(*lookup)(struct bpfrt_map *map, const void *key, uint32_t cpu);
	long (*update)(struct bpfrt_map *map, const void *key, const void *value, uint64_t flags,
		       uint32_t cpu);
	long (*delete)(struct bpfrt_map *map, const void *key);
	long (*push)(struct bpfrt_map *map, const void *value, uint64_t flags);
	long (*pop)(struct bpfrt_map *map, void *value);
	long (*peek)(struct bpfrt_map *map, void *value);
	long (*for_each)(struct bpfrt_map *map, map_for_each_fn cb, void *ctx, uint32_t cpu);
	int (*get_next_key)(struct bpfrt_map *map, const void *key, void *next_key);
	/* Writes the instructions of an inline lookup (see map_gen_lookup). */
	int (*gen_lookup)(const struct bpfrt_map *map, struct bpfrt_insn *insns, size_t cap);

	/* User side: copy values in and out (per-CPU maps: all CPUs). NULL
	 * means the fast path's lookup/update with cpu 0 and a plain copy. */
	int (*sys_lookup)(struct bpfrt_map *map, const void *key, void *value);
	int (*sys_update)(struct bpfrt_map *map, const void *key, const void *value,
			  uint64_t flags);
	int (*sys_lookup_and_delete)(struct bpfrt_map *map, const void *key, void *value);

	/* Maps of maps (map_in_map.c): puts `inner` at `key` (NULL: removes
	 * the key; -ENOENT when absent) and gives back in *old the map it
	 * held (NULL when none); flags as the type's update. Called with the
	 * outer map's change lock held, the reference to inner already taken. */
	int (*inner_swap)(struct bpfrt_map *map, const void *key, struct bpfrt_map *inner,
			  uint64_t flags, struct bpfrt_map **old);
};

struct map_in_map;

struct bpfrt_map {
	const struct map_ops *ops;
	struct map_shm_hdr *hdr; /* start of the shared mapping */
	enum bpfrt_map_type type;
	uint32_t key_size, value_size, max_entries, map_flags, ncpus;
	uint64_t map_extra;
	char name[BPFRT_MAP_NAME_LEN];
	int fd;		  /* the memfd */
	void *region;	  /* the whole reservation: private page + mapping */
	size_t region_sz;
	bool owner;	  /* created here (not from_fd) */
	uint32_t id;	  /* bpfrt_map__id(): unique in the process, never 0 */
	_Atomic uint32_t refcnt; /* the handle's, plus one per outer map slot */
	struct map_in_map *mim;	 /* maps of maps: template, resolver, retired maps */
};

/* A reference to `map` (an outer map's slot holds one); map_put drops it
 * and frees the map with the last. */
void map_get(struct bpfrt_map *map);
void map_put(struct bpfrt_map *map);

/* get_next_key over indexes 0..max_entries-1 (arrays): the first index
 * when key is NULL or out of range, -ENOENT after the last. */
int map_index_get_next_key(struct bpfrt_map *map, const void *key, void *next_key);

/* The kernel's map_gen_lookup, for the fixups stage's helper inlining:
 * instructions that do bpf_map_lookup_elem on this map without a call.
 * In: r2 = key pointer. Out: r0 = value pointer or 0. Clobbers r1 (as the
 * call would). They replace the `call map_lookup_elem` (its r1 is known to
 * be this map). Returns the count written, 0 when the type has no inline
 * form (keep the call), -ENOSPC when `cap` is too small (9 suffice). */
int map_gen_lookup(const struct bpfrt_map *map, struct bpfrt_insn *insns, size_t cap);

/* The ops of every implemented type, indexed by type id (NULL: none). */
const struct map_ops *map_ops_of(uint32_t type);

/* ---- The fast path, for the helpers ---- */

static inline void *map_lookup_elem(struct bpfrt_map *map, const void *key, uint32_t cpu)
{
	return map->ops->lookup ? map->ops->lookup(map, key, cpu) : NULL;
}
/* bpf_map_lookup_percpu_elem: another CPU's value of a per-CPU map; NULL
 * when cpu >= ncpus or the map is not per-CPU. */
void *map_lookup_percpu_elem(struct bpfrt_map *map, const void *key, uint32_t cpu);
long map_update_elem(struct bpfrt_map *map, const void *key, const void *value, uint64_t flags,
		     uint32_t cpu);
long map_delete_elem(struct bpfrt_map *map, const void *key);
long map_push_elem(struct bpfrt_map *map, const void *value, uint64_t flags);
long map_pop_elem(struct bpfrt_map *map, void *value);
long map_peek_elem(struct bpfrt_map *map, void *value);
/* Calls cb for each element (per-CPU maps: the value of `cpu`); returns
 * the number of elements visited (the kernel's bpf_for_each_map_elem). */
long map_for_each_elem(struct bpfrt_map *map, map_for_each_fn cb, void *ctx, uint32_t cpu);
int map_get_next_key(struct bpfrt_map *map, const void *key, void *next_key);

/* Ring buffer (bpf_ringbuf_*). reserve: NULL when full, when size is too
 * large or flags are not 0. submit/discard take the pointer reserve gave. */
void *ringbuf_reserve(struct bpfrt_map *map, uint64_t size, uint64_t flags);
void ringbuf_submit(void *sample, uint64_t flags);
void ringbuf_discard(void *sample, uint64_t flags);
/* -EAGAIN when it does not fit (full or too large), -EINVAL on bad flags. */
long ringbuf_output(struct bpfrt_map *map, const void *data, uint64_t size, uint64_t flags);
uint64_t ringbuf_query(struct bpfrt_map *map, uint64_t flags);

/* bpf_perf_event_output: slot = flags & BPFRT_F_INDEX_MASK or `cpu` for
 * BPFRT_F_CURRENT_CPU. -E2BIG: slot out of range; -ENOENT: no consumer on
 * the slot; -ENOSPC: buffer full (counted as lost); -EINVAL: bad flags. */
long perf_event_output(struct bpfrt_map *map, uint64_t flags, uint32_t cpu, const void *data,
		       uint64_t size);

/* Prog array slot for bpf_tail_call; NULL when empty or out of range. */
struct bpfrt_prog *prog_array_get(struct bpfrt_map *map, uint32_t index);

/* bpf_get_stackid: stores `nr` IPs (already skipped per flags) and returns
 * the stack id, or -EFAULT (nr 0), -EEXIST (bucket taken by another stack
 * without BPFRT_F_REUSE_STACKID), -EINVAL (bad flags). nr beyond the
 * map's depth is truncated. */
long stackmap_get_id(struct bpfrt_map *map, const uint64_t *ips, uint32_t nr, uint64_t flags);
/* Maximum IPs a stack of this map holds (value_size / 8). */
uint32_t stackmap_depth(const struct bpfrt_map *map);

/* The map whose shared memory holds `p` (a pointer returned by
 * ringbuf_reserve); every map mapping has it one page below its start. */
struct bpfrt_map *map_of_record(const void *p);

#endif /* BPFRT_MAPS_MAP_OPS_H */
