/* SPDX-License-Identifier: MIT */
/*
 * Map objects: creation in shared memory, the type tables (names and ops)
 * and the user-side calls, which check what the kernel's bpf() syscall
 * checks (sizes, access flags, freezing) before calling the type's ops.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/sysinfo.h>

#include "maps/lock.h"
#include "maps/map_in_map.h"
#include "maps/map_log.h"
#include "maps/map_ops.h"
#include "maps/shm.h"

extern const struct map_ops array_map_ops, percpu_array_map_ops, prog_array_map_ops,
	perf_event_array_map_ops, htab_map_ops, percpu_htab_map_ops, lru_htab_map_ops,
	lru_percpu_htab_map_ops, ringbuf_map_ops, stack_trace_map_ops, queue_map_ops,
	stack_map_ops, bloom_filter_map_ops, array_of_maps_map_ops, hash_of_maps_map_ops;

static const struct {
	const char *name;
	const struct map_ops *ops;
} map_types[BPFRT_MAP_TYPE_COUNT] = {
	[BPFRT_MAP_TYPE_UNSPEC] = {"unspec", NULL},
	[BPFRT_MAP_TYPE_HASH] = {"hash", &htab_map_ops},
	[BPFRT_MAP_TYPE_ARRAY] = {"array", &array_map_ops},
	[BPFRT_MAP_TYPE_PROG_ARRAY] = {"prog_array", &prog_array_map_ops},
	[BPFRT_MAP_TYPE_PERF_EVENT_ARRAY] = {"perf_event_array", &perf_event_array_map_ops},
	[BPFRT_MAP_TYPE_PERCPU_HASH] = {"percpu_hash", &percpu_htab_map_ops},
	[BPFRT_MAP_TYPE_PERCPU_ARRAY] = {"percpu_array", &percpu_array_map_ops},
	[BPFRT_MAP_TYPE_STACK_TRACE] = {"stack_trace", &stack_trace_map_ops},
	[BPFRT_MAP_TYPE_CGROUP_ARRAY] = {"cgroup_array", NULL},
	[BPFRT_MAP_TYPE_LRU_HASH] = {"lru_hash", &lru_htab_map_ops},
	[BPFRT_MAP_TYPE_LRU_PERCPU_HASH] = {"lru_percpu_hash", &lru_percpu_htab_map_ops},
	[BPFRT_MAP_TYPE_LPM_TRIE] = {"lpm_trie", NULL},
	[BPFRT_MAP_TYPE_ARRAY_OF_MAPS] = {"array_of_maps", &array_of_maps_map_ops},
	[BPFRT_MAP_TYPE_HASH_OF_MAPS] = {"hash_of_maps", &hash_of_maps_map_ops},
	[BPFRT_MAP_TYPE_DEVMAP] = {"devmap", NULL},
	[BPFRT_MAP_TYPE_SOCKMAP] = {"sockmap", NULL},
	[BPFRT_MAP_TYPE_CPUMAP] = {"cpumap", NULL},
	[BPFRT_MAP_TYPE_XSKMAP] = {"xskmap", NULL},
	[BPFRT_MAP_TYPE_SOCKHASH] = {"sockhash", NULL},
	[BPFRT_MAP_TYPE_CGROUP_STORAGE] = {"cgroup_storage", NULL},
	[BPFRT_MAP_TYPE_REUSEPORT_SOCKARRAY] = {"reuseport_sockarray", NULL},
	[BPFRT_MAP_TYPE_PERCPU_CGROUP_STORAGE] = {"percpu_cgroup_storage", NULL},
	[BPFRT_MAP_TYPE_QUEUE] = {"queue", &queue_map_ops},
	[BPFRT_MAP_TYPE_STACK] = {"stack", &stack_map_ops},
	[BPFRT_MAP_TYPE_SK_STORAGE] = {"sk_storage", NULL},
	[BPFRT_MAP_TYPE_DEVMAP_HASH] = {"devmap_hash", NULL},
	[BPFRT_MAP_TYPE_STRUCT_OPS] = {"struct_ops", NULL},
	[BPFRT_MAP_TYPE_RINGBUF] = {"ringbuf", &ringbuf_map_ops},
	[BPFRT_MAP_TYPE_INODE_STORAGE] = {"inode_storage", NULL},
	[BPFRT_MAP_TYPE_TASK_STORAGE] = {"task_storage", NULL},
	[BPFRT_MAP_TYPE_BLOOM_FILTER] = {"bloom_filter", &bloom_filter_map_ops},
	[BPFRT_MAP_TYPE_USER_RINGBUF] = {"user_ringbuf", NULL},
	[BPFRT_MAP_TYPE_CGRP_STORAGE] = {"cgrp_storage", NULL},
	[BPFRT_MAP_TYPE_ARENA] = {"arena", NULL},
};

const struct map_ops *map_ops_of(uint32_t type)
{
	return type < BPFRT_MAP_TYPE_COUNT ? map_types[type].ops : NULL;
}

const char *bpfrt_map_type_name(uint32_t type)
{
	return type < BPFRT_MAP_TYPE_COUNT ? map_types[type].name : NULL;
}

int bpfrt_map_type_from_name(const char *name)
{
	if (!name)
		return -EINVAL;
	if (!strncasecmp(name, "BPF_MAP_TYPE_", 13))
		name += 13;
	for (uint32_t t = 0; t < BPFRT_MAP_TYPE_COUNT; t++)
		if (map_types[t].name && !strcasecmp(name, map_types[t].name))
			return (int)t;
	return -EINVAL;
}

bool bpfrt_map_type_supported(uint32_t type)
{
	return map_ops_of(type) != NULL;
}

int map_log_err(const struct bpfrt_map *map, char *log, size_t log_sz, int err, const char *fmt,
		...)
{
	if (log && log_sz) {
		int n = snprintf(log, log_sz, "map %s (%s): ", map->name,
				 bpfrt_map_type_name(map->type));
		if (n >= 0 && (size_t)n < log_sz) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(log + n, log_sz - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return err;
}

int map_check_flags(const struct bpfrt_map *map, uint32_t allowed, char *log, size_t log_sz)
{
	uint32_t f = map->map_flags;
	if (f & ~allowed)
		return map_log_err(map, log, log_sz, -EINVAL, "map_flags 0x%x not allowed for the type",
				   f & ~allowed);
	if ((f & BPFRT_F_RDONLY) && (f & BPFRT_F_WRONLY))
		return map_log_err(map, log, log_sz, -EINVAL, "both BPF_F_RDONLY and BPF_F_WRONLY");
	if ((f & BPFRT_F_RDONLY_PROG) && (f & BPFRT_F_WRONLY_PROG))
		return map_log_err(map, log, log_sz, -EINVAL,
				   "both BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG");
	return 0;
}

static void *map_fail(struct bpfrt_map *map, int err)
{
	if (map) {
		if (map->ops->release)
			map->ops->release(map);
		map_shm_close(map);
		free(map);
	}
	errno = -err;
	return NULL;
}

static struct bpfrt_map *map_alloc(const struct map_ops *ops, uint32_t type)
{
	/* Ids as the kernel's: unique while the process lives, never 0. */
	static _Atomic uint32_t next_id = 1;
	struct bpfrt_map *map = calloc(1, ops->obj_size);
	if (!map)
		return NULL;
	map->ops = ops;
	map->type = type;
	map->fd = -1;
	map->id = atomic_fetch_add_explicit(&next_id, 1, memory_order_relaxed);
	atomic_init(&map->refcnt, 1);
	return map;
}

struct bpfrt_map *bpfrt_map__create(enum bpfrt_map_type type, const char *name, uint32_t key_size,
				    uint32_t value_size, uint32_t max_entries,
				    const struct bpfrt_map_create_opts *opts)
{
	struct bpfrt_map_create_opts o = {0};
	const struct map_ops *ops = map_ops_of(type);
	int err;

	if (opts)
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	if (o.log_buf && o.log_size)
		o.log_buf[0] = '\0';
	if (!ops) {
		if (o.log_buf && o.log_size)
			snprintf(o.log_buf, o.log_size, "map %s: type %u (%s) is not supported",
				 name ? name : "", (unsigned)type,
				 bpfrt_map_type_name(type) ? bpfrt_map_type_name(type) : "unknown");
		errno = bpfrt_map_type_name(type) && type ? EOPNOTSUPP : EINVAL;
		return NULL;
	}
	struct bpfrt_map *map = map_alloc(ops, type);
	if (!map)
		return map_fail(NULL, -ENOMEM);
	map->key_size = key_size;
	map->value_size = value_size;
	map->max_entries = max_entries;
	map->map_flags = o.map_flags;
	map->map_extra = o.map_extra;
	map->ncpus = o.ncpus ? o.ncpus : (uint32_t)get_nprocs_conf();
	map->owner = true;
	snprintf(map->name, sizeof(map->name), "%s", name ? name : "");

	struct map_shm_hdr hdr = {
		.magic = MAP_SHM_MAGIC,
		.version = MAP_SHM_VERSION,
		.type = type,
		.key_size = key_size,
		.value_size = value_size,
		.map_flags = o.map_flags,
		.ncpus = map->ncpus,
		.map_extra = o.map_extra,
		.data_off = map_page_size(),
	};
	err = map_type_is_of_maps(type) ? mim_layout(map, &hdr, o.inner_map, o.log_buf, o.log_size)
					 : 0;
	if (!err)
		err = ops->layout(map, &hdr, o.log_buf, o.log_size);
	if (err)
		return map_fail(map, err);
	hdr.max_entries = map->max_entries; /* layout may settle it (perf event array) */
	memcpy(hdr.name, map->name, sizeof(hdr.name));
	err = map_shm_create(map, &hdr);
	if (err)
		return map_fail(map, err);
	err = ops->attach ? ops->attach(map) : 0;
	if (err)
		return map_fail(map, err);
	if (ops->init)
		ops->init(map);
	return map;
}

struct bpfrt_map *bpfrt_map__from_fd(int fd)
{
	struct map_shm_hdr hdr;
	struct bpfrt_map probe = {.fd = -1};
	int err = map_shm_open(&probe, fd);
	if (err)
		return map_fail(NULL, err);
	memcpy(&hdr, probe.hdr, sizeof(hdr));
	const struct map_ops *ops = map_ops_of(hdr.type);
	map_shm_close(&probe);
	if (!ops)
		return map_fail(NULL, -EINVAL);
	struct bpfrt_map *map = map_alloc(ops, hdr.type);
	if (!map)
		return map_fail(NULL, -ENOMEM);
	err = map_shm_open(map, fd);
	if (err)
		return map_fail(map, err);
	map->key_size = hdr.key_size;
	map->value_size = hdr.value_size;
	map->max_entries = hdr.max_entries;
	map->map_flags = hdr.map_flags;
	map->ncpus = hdr.ncpus;
	map->map_extra = hdr.map_extra;
	memcpy(map->name, hdr.name, sizeof(map->name));
	map->name[sizeof(map->name) - 1] = '\0';
	err = ops->attach ? ops->attach(map) : 0;
	if (err)
		return map_fail(map, err);
	return map;
}

void bpfrt_map__free(struct bpfrt_map *map)
{
	if (map)
		map_put(map);
}

void map_get(struct bpfrt_map *map)
{
	atomic_fetch_add_explicit(&map->refcnt, 1, memory_order_relaxed);
}

void map_put(struct bpfrt_map *map)
{
	if (atomic_fetch_sub_explicit(&map->refcnt, 1, memory_order_acq_rel) != 1)
		return;
	if (map->ops->release)
		map->ops->release(map);
	map_shm_close(map);
	free(map);
}

const char *bpfrt_map__name(const struct bpfrt_map *map) { return map->name; }
enum bpfrt_map_type bpfrt_map__type(const struct bpfrt_map *map) { return map->type; }
uint32_t bpfrt_map__key_size(const struct bpfrt_map *map) { return map->key_size; }
uint32_t bpfrt_map__value_size(const struct bpfrt_map *map) { return map->value_size; }
uint32_t bpfrt_map__max_entries(const struct bpfrt_map *map) { return map->max_entries; }
uint32_t bpfrt_map__map_flags(const struct bpfrt_map *map) { return map->map_flags; }
uint32_t bpfrt_map__ncpus(const struct bpfrt_map *map) { return map->ncpus; }
uint32_t bpfrt_map__id(const struct bpfrt_map *map) { return map->id; }
int bpfrt_map__fd(const struct bpfrt_map *map) { return map->fd; }

size_t bpfrt_map__user_value_size(const struct bpfrt_map *map)
{
	if (map_type_is_percpu(map->type))
		return (size_t)map->ncpus * map_round8(map->value_size);
	return map->value_size;
}

/* ---- The fast path ---- */

void *map_lookup_percpu_elem(struct bpfrt_map *map, const void *key, uint32_t cpu)
{
	if (!map_type_is_percpu(map->type) || cpu >= map->ncpus)
		return NULL;
	return map->ops->lookup(map, key, cpu);
}

int map_gen_lookup(const struct bpfrt_map *map, struct bpfrt_insn *insns, size_t cap)
{
	return map->ops->gen_lookup ? map->ops->gen_lookup(map, insns, cap) : 0;
}

long map_update_elem(struct bpfrt_map *map, const void *key, const void *value, uint64_t flags,
		     uint32_t cpu)
{
	return map->ops->update ? map->ops->update(map, key, value, flags, cpu) : -EOPNOTSUPP;
}

long map_delete_elem(struct bpfrt_map *map, const void *key)
{
	return map->ops->delete ? map->ops->delete(map, key) : -EOPNOTSUPP;
}

long map_push_elem(struct bpfrt_map *map, const void *value, uint64_t flags)
{
	return map->ops->push ? map->ops->push(map, value, flags) : -EOPNOTSUPP;
}

long map_pop_elem(struct bpfrt_map *map, void *value)
{
	return map->ops->pop ? map->ops->pop(map, value) : -EOPNOTSUPP;
}

long map_peek_elem(struct bpfrt_map *map, void *value)
{
	return map->ops->peek ? map->ops->peek(map, value) : -EOPNOTSUPP;
}

long map_for_each_elem(struct bpfrt_map *map, map_for_each_fn cb, void *ctx, uint32_t cpu)
{
	return map->ops->for_each ? map->ops->for_each(map, cb, ctx, cpu) : -EOPNOTSUPP;
}

int map_get_next_key(struct bpfrt_map *map, const void *key, void *next_key)
{
	return map->ops->get_next_key ? map->ops->get_next_key(map, key, next_key) : -EOPNOTSUPP;
}

/* ---- The user side ---- */

static bool map_frozen(const struct bpfrt_map *map)
{
	return atomic_load_explicit(&map->hdr->frozen, memory_order_acquire) != 0;
}

static int map_check_sizes(const struct bpfrt_map *map, const void *key, size_t key_sz,
			   size_t value_sz)
{
	if (key_sz != map->key_size || (map->key_size && !key))
		return -EINVAL;
	if (value_sz != bpfrt_map__user_value_size(map))
		return -EINVAL;
	return 0;
}

int bpfrt_map__lookup_elem(const struct bpfrt_map *cmap, const void *key, size_t key_sz,
			   void *value, size_t value_sz, uint64_t flags)
{
	struct bpfrt_map *map = (struct bpfrt_map *)cmap;
	int err = map_check_sizes(map, key, key_sz, value_sz);
	if (err || !value)
		return err ? err : -EINVAL;
	if (map->map_flags & BPFRT_F_WRONLY)
		return -EPERM;
	if (flags & ~(uint64_t)BPFRT_F_LOCK)
		return -EINVAL;
	if (flags & BPFRT_F_LOCK)
		return -EINVAL; /* no BTF-described spin lock in our values */
	if (map->ops->sys_lookup)
		return map->ops->sys_lookup(map, key, value);
	if (!map->key_size && map->ops->peek)
		return (int)map->ops->peek(map, value);
	if (!map->ops->lookup)
		return -EOPNOTSUPP;
	void *v = map->ops->lookup(map, key, 0);
	if (!v)
		return -ENOENT;
	memcpy(value, v, map->value_size);
	return 0;
}

int bpfrt_map__update_elem(struct bpfrt_map *map, const void *key, size_t key_sz,
			   const void *value, size_t value_sz, uint64_t flags)
{
	int err = map_check_sizes(map, key, key_sz, value_sz);
	if (err || !value)
		return err ? err : -EINVAL;
	if ((map->map_flags & BPFRT_F_RDONLY) || map_frozen(map))
		return -EPERM;
	if (map->ops->sys_update)
		return map->ops->sys_update(map, key, value, flags);
	if (!map->key_size && map->ops->push)
		return (int)map->ops->push(map, value, flags);
	if (!map->ops->update)
		return -EOPNOTSUPP;
	return (int)map->ops->update(map, key, value, flags, 0);
}

int bpfrt_map__delete_elem(struct bpfrt_map *map, const void *key, size_t key_sz, uint64_t flags)
{
	if (key_sz != map->key_size || (map->key_size && !key) || flags)
		return -EINVAL;
	if ((map->map_flags & BPFRT_F_RDONLY) || map_frozen(map))
		return -EPERM;
	return (int)map_delete_elem(map, key);
}

int bpfrt_map__lookup_and_delete_elem(struct bpfrt_map *map, const void *key, size_t key_sz,
				      void *value, size_t value_sz, uint64_t flags)
{
	int err = map_check_sizes(map, key, key_sz, value_sz);
	if (err || !value)
		return err ? err : -EINVAL;
	if ((map->map_flags & (BPFRT_F_RDONLY | BPFRT_F_WRONLY)) || map_frozen(map))
		return -EPERM;
	if (flags)
		return -EINVAL;
	if (!map->key_size && map->ops->pop)
		return (int)map->ops->pop(map, value);
	if (map->ops->sys_lookup_and_delete)
		return map->ops->sys_lookup_and_delete(map, key, value);
	return -EOPNOTSUPP;
}

int bpfrt_map__get_next_key(const struct bpfrt_map *cmap, const void *cur_key, void *next_key,
			    size_t key_sz)
{
	struct bpfrt_map *map = (struct bpfrt_map *)cmap;
	if (key_sz != map->key_size || !next_key)
		return -EINVAL;
	if (map->map_flags & BPFRT_F_WRONLY)
		return -EPERM;
	return map_get_next_key(map, cur_key, next_key);
}

int bpfrt_map__freeze(struct bpfrt_map *map)
{
	if (map->map_flags & BPFRT_F_RDONLY)
		return -EPERM; /* the user side could not write it anyway */
	if (map_frozen(map))
		return -EBUSY;
	atomic_store_explicit(&map->hdr->frozen, 1, memory_order_release);
	return 0;
}
