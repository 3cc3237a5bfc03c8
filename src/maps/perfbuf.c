/* SPDX-License-Identifier: MIT */
/*
 * The perf event array's consumer (libbpf's perf_buffer): one ring buffer
 * per slot, installed in the map so bpf_perf_event_output writes into it,
 * polled together through an epoll fd over the rings' eventfds. Records
 * dropped because a ring was full are counted per slot in the map's
 * shared memory and reported through the lost callback.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "maps/map_ops.h"
#include "maps/ringbuf.h"
#include "maps/shm.h"

int perf_event_array_install(struct bpfrt_map *map, uint32_t i, struct bpfrt_map *ring);
uint64_t perf_event_array_lost(struct bpfrt_map *map, uint32_t i);

struct perf_slot {
	struct bpfrt_perf_buffer *pb;
	struct bpfrt_map *ring;
	uint64_t lost_seen;
	uint32_t cpu;
};

struct bpfrt_perf_buffer {
	struct bpfrt_map *map;
	bpfrt_perf_buffer_sample_fn sample_cb;
	bpfrt_perf_buffer_lost_fn lost_cb;
	void *ctx;
	int epoll_fd;
	uint32_t cnt;
	struct perf_slot *slots;
};

void bpfrt_perf_buffer__free(struct bpfrt_perf_buffer *pb)
{
	if (!pb)
		return;
	for (uint32_t i = 0; i < pb->cnt; i++) {
		if (!pb->slots[i].ring)
			continue;
		perf_event_array_install(pb->map, i, NULL);
		bpfrt_map__free(pb->slots[i].ring);
	}
	if (pb->epoll_fd >= 0)
		close(pb->epoll_fd);
	free(pb->slots);
	free(pb);
}

struct bpfrt_perf_buffer *bpfrt_perf_buffer__new(struct bpfrt_map *map, size_t page_cnt,
						 bpfrt_perf_buffer_sample_fn sample_cb,
						 bpfrt_perf_buffer_lost_fn lost_cb, void *ctx)
{
	int err = 0;
	if (!map || map->type != BPFRT_MAP_TYPE_PERF_EVENT_ARRAY || !sample_cb || !page_cnt ||
	    (page_cnt & (page_cnt - 1)) || page_cnt > (1U << 18)) {
		errno = EINVAL;
		return NULL;
	}
	struct bpfrt_perf_buffer *pb = calloc(1, sizeof(*pb));
	if (!pb || !(pb->slots = calloc(map->max_entries, sizeof(*pb->slots)))) {
		free(pb);
		errno = ENOMEM;
		return NULL;
	}
	pb->map = map;
	pb->sample_cb = sample_cb;
	pb->lost_cb = lost_cb;
	pb->ctx = ctx;
	pb->cnt = map->max_entries;
	pb->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (pb->epoll_fd < 0) {
		err = -errno;
		goto fail;
	}
	for (uint32_t i = 0; i < pb->cnt; i++) {
		struct perf_slot *s = &pb->slots[i];
		struct bpfrt_map *ring = bpfrt_map__create(BPFRT_MAP_TYPE_RINGBUF, map->name, 0, 0,
							   (uint32_t)(page_cnt * map_page_size()),
							   NULL);
		if (!ring) {
			err = -errno;
			goto fail;
		}
		s->pb = pb;
		s->cpu = i;
		err = perf_event_array_install(map, i, ring);
		if (err) {
			bpfrt_map__free(ring);
			goto fail;
		}
		s->ring = ring;
		s->lost_seen = perf_event_array_lost(map, i);
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = s};
		if (epoll_ctl(pb->epoll_fd, EPOLL_CTL_ADD, bpfrt_map__ringbuf_wakeup_fd(ring), &ev)) {
			err = -errno;
			goto fail;
		}
	}
	return pb;
fail:
	bpfrt_perf_buffer__free(pb);
	errno = -err;
	return NULL;
}

static int perf_sample(void *ctx, void *data, uint32_t size)
{
	struct perf_slot *s = ctx;
	s->pb->sample_cb(s->pb->ctx, (int)s->cpu, data, size);
	return 0;
}

static int perf_slot_consume(struct perf_slot *s)
{
	struct bpfrt_perf_buffer *pb = s->pb;
	uint64_t lost = perf_event_array_lost(pb->map, s->cpu);
	if (lost != s->lost_seen) {
		if (pb->lost_cb)
			pb->lost_cb(pb->ctx, (int)s->cpu, lost - s->lost_seen);
		s->lost_seen = lost;
	}
	return ringbuf_consume_records(s->ring, perf_sample, s);
}

int bpfrt_perf_buffer__consume(struct bpfrt_perf_buffer *pb)
{
	int total = 0;
	for (uint32_t i = 0; i < pb->cnt; i++) {
		int n = perf_slot_consume(&pb->slots[i]);
		if (n < 0)
			return n;
		total += n;
	}
	return total;
}

int bpfrt_perf_buffer__poll(struct bpfrt_perf_buffer *pb, int timeout_ms)
{
	struct epoll_event evs[64];
	for (uint32_t i = 0; i < pb->cnt; i++)
		if (ringbuf_ready(pb->slots[i].ring))
			return bpfrt_perf_buffer__consume(pb);
	int n = epoll_wait(pb->epoll_fd, evs, 64, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	int total = 0;
	for (int i = 0; i < n; i++) {
		struct perf_slot *s = evs[i].data.ptr;
		uint64_t c;
		ssize_t r = read(bpfrt_map__ringbuf_wakeup_fd(s->ring), &c, sizeof(c));
		(void)r;
		int got = perf_slot_consume(s);
		if (got < 0)
			return got;
		total += got;
	}
	return total;
}

int bpfrt_perf_buffer__epoll_fd(const struct bpfrt_perf_buffer *pb)
{
	return pb->epoll_fd;
}
