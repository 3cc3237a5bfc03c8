/* SPDX-License-Identifier: MIT */
/* The ring buffer's consumer side, shared by the ringbuf and perf buffer
 * consumers. */
#ifndef BPFRT_MAPS_RINGBUF_H
#define BPFRT_MAPS_RINGBUF_H

#include <stdbool.h>
#include <stdint.h>

#include "maps/map_ops.h"

typedef int (*ringbuf_record_fn)(void *ctx, void *data, uint32_t size);

/* Consumes every committed record in order; stops at a busy one. Returns
 * the count of records given to cb, or cb's negative result. */
int ringbuf_consume_records(struct bpfrt_map *map, ringbuf_record_fn cb, void *ctx);
/* Whether a committed record waits at the consumer position. */
bool ringbuf_ready(struct bpfrt_map *map);
/* Waits for a wakeup unless a record is ready; resets the eventfd. */
int ringbuf_wait(struct bpfrt_map *map, int timeout_ms);
/* Marks the ring as having (claim) or not having a consumer; false if it
 * already was in that state. */
bool ringbuf_claim_consumer(struct bpfrt_map *map, bool claim);

#endif /* BPFRT_MAPS_RINGBUF_H */
