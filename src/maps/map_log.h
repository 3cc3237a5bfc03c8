/* SPDX-License-Identifier: MIT */
/* Writing one line of why into a caller's log buffer. */
#ifndef BPFRT_MAPS_MAP_LOG_H
#define BPFRT_MAPS_MAP_LOG_H

#include <stddef.h>

#include "maps/map_ops.h"

/* Writes "map NAME (TYPE): <message>" into log (if any) and returns err. */
int map_log_err(const struct bpfrt_map *map, char *log, size_t log_sz, int err, const char *fmt,
		...) __attribute__((format(printf, 5, 6)));

static inline bool map_type_is_percpu(uint32_t type)
{
	return type == BPFRT_MAP_TYPE_PERCPU_ARRAY || type == BPFRT_MAP_TYPE_PERCPU_HASH ||
	       type == BPFRT_MAP_TYPE_LRU_PERCPU_HASH;
}

/* The access flags every type accepts (BPF_F_ACCESS_MASK). */
#define MAP_F_ACCESS_MASK                                                                          \
	(BPFRT_F_RDONLY | BPFRT_F_WRONLY | BPFRT_F_RDONLY_PROG | BPFRT_F_WRONLY_PROG)

/* Checks map_flags against the type's allowed set and the access-flag
 * pairs the kernel rejects; -EINVAL with a log line. */
int map_check_flags(const struct bpfrt_map *map, uint32_t allowed, char *log, size_t log_sz);

#endif /* BPFRT_MAPS_MAP_LOG_H */
