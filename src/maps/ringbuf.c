/* SPDX-License-Identifier: MIT */
/*
 * The ring buffer map: the kernel's ringbuf.c layout and protocol.
 *
 * Data (after the header page):
 *   page 0   consumer page: u64 consumer_pos (written by the consumer)
 *   page 1   producer page: u64 producer_pos, then the producers' lock
 *   page 2.. max_entries bytes of records, mapped twice in a row so a
 *            record that wraps is contiguous
 * A record is an 8-byte header { u32 len | BUSY | DISCARD; u32 pg_off }
 * followed by the sample, rounded up to 8 bytes. Producers reserve under
 * a lock (positions only grow), fill the sample, then clear BUSY with an
 * atomic exchange (submit) or set DISCARD too. The consumer stops at the
 * first BUSY record, so records are seen in reservation order. pg_off is
 * the record's page offset from the mapping start: submit finds the map
 * from the sample pointer alone, as the kernel's helper does.
 *
 * Wakeup (eventfd, process-local): after committing, a producer wakes the
 * consumer when the consumer has caught up to this very record (it is
 * waiting for it), unless BPF_RB_NO_WAKEUP; BPF_RB_FORCE_WAKEUP always.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "maps/lock.h"
#include "maps/map_log.h"
#include "maps/map_ops.h"
#include "maps/ringbuf.h"
#include "maps/shm.h"

#define RINGBUF_MAX_RECORD_SZ (UINT32_MAX / 4)

struct ringbuf {
	struct bpfrt_map map;
	_Atomic uint64_t *consumer_pos;
	_Atomic uint64_t *producer_pos;
	map_lock_t *lock;
	char *data;
	uint64_t mask;
	int wake_fd;
	_Atomic bool has_consumer;
};

#define RB(m) ((struct ringbuf *)(m))

static int ringbuf_layout(struct bpfrt_map *map, struct map_shm_hdr *hdr, char *log,
			  size_t log_sz)
{
	size_t page = map_page_size();
	int err = map_check_flags(map, BPFRT_F_NUMA_NODE, log, log_sz);
	if (err)
		return err;
	if (map->key_size || map->value_size)
		return map_log_err(map, log, log_sz, -EINVAL, "key_size and value_size must be 0");
	uint32_t n = map->max_entries;
	if (!n || (n & (n - 1)) || n % page)
		return map_log_err(map, log, log_sz, -EINVAL,
				   "max_entries %u must be a power of 2 and a multiple of %zu", n,
				   page);
	if (n > (1U << 30))
		return map_log_err(map, log, log_sz, -E2BIG, "max_entries %u too large", n);
	hdr->data_size = 2 * page + n;
	hdr->dup_size = n;
	return 0;
}

static int ringbuf_attach(struct bpfrt_map *map)
{
	struct ringbuf *rb = RB(map);
	size_t page = map_page_size();
	char *d = map_data(map);
	rb->consumer_pos = (_Atomic uint64_t *)d;
	rb->producer_pos = (_Atomic uint64_t *)(d + page);
	rb->lock = (map_lock_t *)(d + page + 128);
	rb->data = d + 2 * page;
	rb->mask = map->max_entries - 1;
	rb->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return rb->wake_fd < 0 ? -errno : 0;
}

static void ringbuf_release(struct bpfrt_map *map)
{
	if (RB(map)->wake_fd > 0)
		close(RB(map)->wake_fd);
}

void *ringbuf_reserve(struct bpfrt_map *map, uint64_t size, uint64_t flags)
{
	struct ringbuf *rb = RB(map);
	if (flags || size > RINGBUF_MAX_RECORD_SZ)
		return NULL;
	uint64_t len = (size + BPFRT_RINGBUF_HDR_SZ + 7) & ~7ULL;
	if (len > rb->mask + 1)
		return NULL;
	uint64_t cons = atomic_load_explicit(rb->consumer_pos, memory_order_acquire);
	map_lock(rb->lock);
	uint64_t prod = atomic_load_explicit(rb->producer_pos, memory_order_relaxed);
	if (prod + len - cons > rb->mask) {
		map_unlock(rb->lock);
		return NULL;
	}
	uint32_t *hdr = (uint32_t *)(rb->data + (prod & rb->mask));
	atomic_store_explicit((_Atomic uint32_t *)hdr, (uint32_t)size | BPFRT_RINGBUF_BUSY_BIT,
			      memory_order_relaxed);
	hdr[1] = (uint32_t)(((char *)hdr - (char *)map->hdr) / map_page_size());
	atomic_store_explicit(rb->producer_pos, prod + len, memory_order_release);
	map_unlock(rb->lock);
	return hdr + 2;
}

struct bpfrt_map *map_of_record(const void *p)
{
	size_t page = map_page_size();
	const uint32_t *hdr = (const uint32_t *)p - 2;
	uintptr_t pg = (uintptr_t)hdr & ~(uintptr_t)(page - 1);
	uintptr_t start = pg - (uintptr_t)hdr[1] * page;
	return *(struct bpfrt_map **)(start - page);
}

static void ringbuf_wake(struct ringbuf *rb)
{
	uint64_t one = 1;
	ssize_t r = write(rb->wake_fd, &one, sizeof(one));
	(void)r; /* EAGAIN: the counter is saturated, the consumer is awake */
}

static void ringbuf_commit(void *sample, uint64_t flags, bool discard)
{
	struct ringbuf *rb = RB(map_of_record(sample));
	_Atomic uint32_t *hdr = (_Atomic uint32_t *)((uint32_t *)sample - 2);
	uint32_t len = atomic_load_explicit(hdr, memory_order_relaxed) & ~BPFRT_RINGBUF_BUSY_BIT;
	if (discard)
		len |= BPFRT_RINGBUF_DISCARD_BIT;
	atomic_exchange_explicit(hdr, len, memory_order_seq_cst);
	uint64_t rec_pos = (uint64_t)((char *)hdr - rb->data);
	uint64_t cons = atomic_load_explicit(rb->consumer_pos, memory_order_seq_cst) & rb->mask;
	if (flags & BPFRT_RB_FORCE_WAKEUP)
		ringbuf_wake(rb);
	else if (cons == rec_pos && !(flags & BPFRT_RB_NO_WAKEUP))
		ringbuf_wake(rb);
}

void ringbuf_submit(void *sample, uint64_t flags)
{
	ringbuf_commit(sample, flags, false);
}

void ringbuf_discard(void *sample, uint64_t flags)
{
	ringbuf_commit(sample, flags, true);
}

long ringbuf_output(struct bpfrt_map *map, const void *data, uint64_t size, uint64_t flags)
{
	if (flags & ~(uint64_t)(BPFRT_RB_NO_WAKEUP | BPFRT_RB_FORCE_WAKEUP))
		return -EINVAL;
	void *rec = ringbuf_reserve(map, size, 0);
	if (!rec)
		return -EAGAIN;
	memcpy(rec, data, size);
	ringbuf_commit(rec, flags, false);
	return 0;
}

uint64_t ringbuf_query(struct bpfrt_map *map, uint64_t flags)
{
	struct ringbuf *rb = RB(map);
	uint64_t cons = atomic_load_explicit(rb->consumer_pos, memory_order_acquire);
	uint64_t prod = atomic_load_explicit(rb->producer_pos, memory_order_acquire);
	switch (flags) {
	case BPFRT_RB_AVAIL_DATA: return prod - cons;
	case BPFRT_RB_RING_SIZE: return rb->mask + 1;
	case BPFRT_RB_CONS_POS: return cons;
	case BPFRT_RB_PROD_POS: return prod;
	default: return 0;
	}
}

int ringbuf_consume_records(struct bpfrt_map *map, ringbuf_record_fn cb, void *ctx)
{
	struct ringbuf *rb = RB(map);
	uint64_t cons = atomic_load_explicit(rb->consumer_pos, memory_order_acquire);
	int cnt = 0, err = 0;
	unsigned unpublished = 0;
	bool got;
	do {
		got = false;
		uint64_t prod = atomic_load_explicit(rb->producer_pos, memory_order_acquire);
		while (cons < prod) {
			_Atomic uint32_t *hdr = (_Atomic uint32_t *)(rb->data + (cons & rb->mask));
			uint32_t len = atomic_load_explicit(hdr, memory_order_acquire);
			if (len & BPFRT_RINGBUF_BUSY_BIT)
				goto out;
			got = true;
			uint32_t size = len & ~BPFRT_RINGBUF_DISCARD_BIT;
			cons += ((uint64_t)size + BPFRT_RINGBUF_HDR_SZ + 7) & ~7ULL;
			if (!(len & BPFRT_RINGBUF_DISCARD_BIT)) {
				err = cb(ctx, (char *)hdr + BPFRT_RINGBUF_HDR_SZ, size);
				if (err < 0)
					goto out;
				if (cnt < INT32_MAX)
					cnt++;
			}
			/* Publishing the position frees space for producers; doing
			 * it every record would bounce its cache line with them. */
			if (++unpublished == 64) {
				atomic_store_explicit(rb->consumer_pos, cons, memory_order_release);
				unpublished = 0;
			}
		}
	} while (got);
out:
	atomic_store_explicit(rb->consumer_pos, cons, memory_order_release);
	return err < 0 ? err : cnt;
}

bool ringbuf_ready(struct bpfrt_map *map)
{
	struct ringbuf *rb = RB(map);
	/* Pairs with the producer's exchange-then-load in commit: either we see
	 * its record committed, or it sees our consumer_pos and wakes us. */
	atomic_thread_fence(memory_order_seq_cst);
	uint64_t cons = atomic_load_explicit(rb->consumer_pos, memory_order_relaxed);
	uint64_t prod = atomic_load_explicit(rb->producer_pos, memory_order_acquire);
	if (cons >= prod)
		return false;
	uint32_t len = atomic_load_explicit((_Atomic uint32_t *)(rb->data + (cons & rb->mask)),
					    memory_order_acquire);
	return !(len & BPFRT_RINGBUF_BUSY_BIT);
}

int ringbuf_wait(struct bpfrt_map *map, int timeout_ms)
{
	struct ringbuf *rb = RB(map);
	uint64_t cnt;
	if (!ringbuf_ready(map)) {
		struct pollfd pfd = {.fd = rb->wake_fd, .events = POLLIN};
		int r = poll(&pfd, 1, timeout_ms);
		if (r < 0)
			return errno == EINTR ? 0 : -errno;
	}
	ssize_t r = read(rb->wake_fd, &cnt, sizeof(cnt)); /* reset the eventfd */
	(void)r;
	return 0;
}

int bpfrt_map__ringbuf_wakeup_fd(const struct bpfrt_map *map)
{
	return map->type == BPFRT_MAP_TYPE_RINGBUF ? RB(map)->wake_fd : -EINVAL;
}

bool ringbuf_claim_consumer(struct bpfrt_map *map, bool claim)
{
	bool expected = !claim;
	return atomic_compare_exchange_strong(&RB(map)->has_consumer, &expected, claim);
}

static long ringbuf_no_key(struct bpfrt_map *map, const void *key)
{
	(void)map;
	(void)key;
	return -EOPNOTSUPP;
}

const struct map_ops ringbuf_map_ops = {
	.obj_size = sizeof(struct ringbuf),
	.layout = ringbuf_layout,
	.attach = ringbuf_attach,
	.release = ringbuf_release,
	.delete = ringbuf_no_key,
};

/* ---- the consumer API ---- */

struct bpfrt_ring_buffer {
	struct bpfrt_map *map;
	bpfrt_ring_buffer_sample_fn cb;
	void *ctx;
};

static int ring_buffer_cb(void *ctx, void *data, uint32_t size)
{
	struct bpfrt_ring_buffer *r = ctx;
	return r->cb(r->ctx, data, size);
}

struct bpfrt_ring_buffer *bpfrt_ring_buffer__new(struct bpfrt_map *map,
						 bpfrt_ring_buffer_sample_fn sample_cb, void *ctx,
						 const struct bpfrt_ring_buffer_opts *opts)
{
	(void)opts;
	if (!map || map->type != BPFRT_MAP_TYPE_RINGBUF || !sample_cb) {
		errno = EINVAL;
		return NULL;
	}
	if (!ringbuf_claim_consumer(map, true)) {
		errno = EBUSY;
		return NULL;
	}
	struct bpfrt_ring_buffer *r = calloc(1, sizeof(*r));
	if (!r) {
		ringbuf_claim_consumer(map, false);
		errno = ENOMEM;
		return NULL;
	}
	r->map = map;
	r->cb = sample_cb;
	r->ctx = ctx;
	return r;
}

void bpfrt_ring_buffer__free(struct bpfrt_ring_buffer *r)
{
	if (!r)
		return;
	ringbuf_claim_consumer(r->map, false);
	free(r);
}

int bpfrt_ring_buffer__consume(struct bpfrt_ring_buffer *r)
{
	return ringbuf_consume_records(r->map, ring_buffer_cb, r);
}

int bpfrt_ring_buffer__poll(struct bpfrt_ring_buffer *r, int timeout_ms)
{
	int err = ringbuf_wait(r->map, timeout_ms);
	if (err)
		return err;
	return ringbuf_consume_records(r->map, ring_buffer_cb, r);
}

int bpfrt_ring_buffer__epoll_fd(const struct bpfrt_ring_buffer *r)
{
	return RB(r->map)->wake_fd;
}
