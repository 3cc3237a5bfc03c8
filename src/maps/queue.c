/* SPDX-License-Identifier: MIT */
/*
 * Queue (FIFO) and stack (LIFO) maps (the kernel's queue_stack_maps.c):
 * no keys; push with BPF_ANY fails with -E2BIG when full, BPF_EXIST
 * overwrites the oldest element; pop/peek on empty give -ENOENT.
 *
 * Shared data: { lock, head, tail } then a ring of max_entries + 1 values
 * (one slot stays free to tell full from empty).
 */
#include <errno.h>
#include <string.h>

#include "maps/lock.h"
#include "maps/map_log.h"
#include "maps/map_ops.h"
#include "maps/shm.h"

struct qs_shared {
	map_lock_t lock;
	uint32_t head, tail;
	uint32_t pad;
};

struct qs {
	struct bpfrt_map map;
	struct qs_shared *sh;
	char *elems;
	uint32_t size;
	bool stack;
};

#define QS(m) ((struct qs *)(m))

static int qs_layout(struct bpfrt_map *map, struct map_shm_hdr *hdr, char *log, size_t log_sz)
{
	int err = map_check_flags(map, BPFRT_F_NUMA_NODE | MAP_F_ACCESS_MASK, log, log_sz);
	if (err)
		return err;
	if (map->key_size || !map->value_size || !map->max_entries)
		return map_log_err(map, log, log_sz, -EINVAL,
				   "key_size must be 0, value_size and max_entries > 0");
	uint64_t sz = sizeof(struct qs_shared) + ((uint64_t)map->max_entries + 1) * map->value_size;
	if (map->value_size > (1U << 26) || sz > (1ULL << 36))
		return map_log_err(map, log, log_sz, -E2BIG, "%llu bytes of values",
				   (unsigned long long)sz);
	hdr->data_size = map_page_round(sz);
	return 0;
}

static int qs_attach(struct bpfrt_map *map)
{
	struct qs *q = QS(map);
	q->sh = map_data(map);
	q->elems = (char *)(q->sh + 1);
	q->size = map->max_entries + 1;
	q->stack = map->type == BPFRT_MAP_TYPE_STACK;
	return 0;
}

static long qs_push(struct bpfrt_map *map, const void *value, uint64_t flags)
{
	struct qs *q = QS(map);
	if ((flags & BPFRT_NOEXIST) || flags > BPFRT_EXIST)
		return -EINVAL;
	map_lock(&q->sh->lock);
	uint32_t head = q->sh->head, tail = q->sh->tail;
	uint32_t next = head + 1 >= q->size ? 0 : head + 1;
	if (next == tail) { /* full */
		if (flags != BPFRT_EXIST) {
			map_unlock(&q->sh->lock);
			return -E2BIG;
		}
		/* Overwrite the oldest element: advance the tail. */
		q->sh->tail = tail + 1 >= q->size ? 0 : tail + 1;
	}
	memcpy(q->elems + (size_t)head * map->value_size, value, map->value_size);
	q->sh->head = next;
	map_unlock(&q->sh->lock);
	return 0;
}

static long qs_take(struct bpfrt_map *map, void *value, bool remove)
{
	struct qs *q = QS(map);
	map_lock(&q->sh->lock);
	uint32_t head = q->sh->head, tail = q->sh->tail;
	if (head == tail) {
		map_unlock(&q->sh->lock);
		return -ENOENT;
	}
	uint32_t i;
	if (q->stack) {
		i = head == 0 ? q->size - 1 : head - 1;
		if (remove)
			q->sh->head = i;
	} else {
		i = tail;
		if (remove)
			q->sh->tail = tail + 1 >= q->size ? 0 : tail + 1;
	}
	memcpy(value, q->elems + (size_t)i * map->value_size, map->value_size);
	map_unlock(&q->sh->lock);
	return 0;
}

static long qs_pop(struct bpfrt_map *map, void *value)
{
	return qs_take(map, value, true);
}

static long qs_peek(struct bpfrt_map *map, void *value)
{
	return qs_take(map, value, false);
}

static long qs_update(struct bpfrt_map *map, const void *key, const void *value, uint64_t flags,
		      uint32_t cpu)
{
	(void)map, (void)key, (void)value, (void)flags, (void)cpu;
	return -EINVAL;
}

static long qs_delete(struct bpfrt_map *map, const void *key)
{
	(void)map, (void)key;
	return -EINVAL;
}

static int qs_get_next_key(struct bpfrt_map *map, const void *key, void *next_key)
{
	(void)map, (void)key, (void)next_key;
	return -EINVAL;
}

#define QS_OPS                                                                                     \
	.obj_size = sizeof(struct qs), .layout = qs_layout, .attach = qs_attach,                   \
	.update = qs_update, .delete = qs_delete, .push = qs_push, .pop = qs_pop,                  \
	.peek = qs_peek, .get_next_key = qs_get_next_key

const struct map_ops queue_map_ops = {QS_OPS};
const struct map_ops stack_map_ops = {QS_OPS};
