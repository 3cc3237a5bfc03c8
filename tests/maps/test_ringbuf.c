/* The ring buffer: the kernel's record layout and errors, discard, query,
 * wakeup flags, and a producer/consumer pair of threads moving 1M events
 * with none lost or duplicated. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpfrt/map.h"
#include "maps/map_ops.h"

static struct bpfrt_map *mk_ring(uint32_t size)
{
	return bpfrt_map__create(BPFRT_MAP_TYPE_RINGBUF, "rb", 0, 0, size, NULL);
}

struct got {
	int n;
	uint32_t sizes[16];
	char first[16];
};

static int on_sample(void *ctx, void *data, size_t size)
{
	struct got *g = ctx;
	if (g->n < 16)
		g->sizes[g->n] = (uint32_t)size;
	if (g->n == 0)
		memcpy(g->first, data, size < 16 ? size : 16);
	g->n++;
	return 0;
}

static bool readable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return poll(&p, 1, 0) == 1;
}

static void records_and_flags(void **state)
{
	(void)state;
	struct bpfrt_map *m = mk_ring(4096);
	assert_non_null(m);
	assert_int_equal(bpfrt_map__lookup_elem(m, NULL, 0, NULL, 0, 0), -EINVAL);
	assert_int_equal(bpfrt_map__delete_elem(m, NULL, 0, 0), -EOPNOTSUPP);
	struct got g = {0};
	struct bpfrt_ring_buffer *rb = bpfrt_ring_buffer__new(m, on_sample, &g, NULL);
	assert_non_null(rb);
	assert_null(bpfrt_ring_buffer__new(m, on_sample, &g, NULL)); /* one consumer */
	assert_int_equal(errno, EBUSY);
	int efd = bpfrt_ring_buffer__epoll_fd(rb);

	char *a = ringbuf_reserve(m, 5, 0);
	assert_non_null(a);
	assert_ptr_equal(map_of_record(a), m);
	uint32_t *hdr = (uint32_t *)a - 2;
	assert_int_equal(hdr[0], 5 | BPFRT_RINGBUF_BUSY_BIT);
	assert_null(ringbuf_reserve(m, 5, 1)); /* flags must be 0 */
	memcpy(a, "hello", 5);
	assert_int_equal(ringbuf_query(m, BPFRT_RB_PROD_POS), 16);
	assert_int_equal(ringbuf_query(m, BPFRT_RB_AVAIL_DATA), 16);
	assert_int_equal(ringbuf_query(m, BPFRT_RB_RING_SIZE), 4096);
	/* the consumer waits at this record: submitting wakes it */
	ringbuf_submit(a, 0);
	assert_int_equal(hdr[0], 5);
	assert_true(readable(efd));
	char *b = ringbuf_reserve(m, 3, 0);
	ringbuf_discard(b, BPFRT_RB_NO_WAKEUP);
	assert_int_equal(ringbuf_output(m, "xyz!", 4, 0), 0);
	assert_int_equal(ringbuf_output(m, "xyz!", 4, 4), -EINVAL);
	assert_int_equal(bpfrt_ring_buffer__poll(rb, 0), 2); /* the discarded one is skipped */
	assert_int_equal(g.sizes[0], 5);
	assert_int_equal(g.sizes[1], 4);
	assert_memory_equal(g.first, "hello", 5);
	assert_false(readable(efd));
	assert_int_equal(ringbuf_query(m, BPFRT_RB_CONS_POS), 16 + 16 + 16);
	assert_int_equal(ringbuf_query(m, BPFRT_RB_AVAIL_DATA), 0);

	/* NO_WAKEUP with the consumer waiting: no wakeup; FORCE: always */
	ringbuf_submit(ringbuf_reserve(m, 8, 0), BPFRT_RB_NO_WAKEUP);
	assert_false(readable(efd));
	ringbuf_submit(ringbuf_reserve(m, 8, 0), 0); /* consumer is not at it: no wakeup */
	assert_false(readable(efd));
	ringbuf_submit(ringbuf_reserve(m, 8, 0), BPFRT_RB_FORCE_WAKEUP);
	assert_true(readable(efd));
	assert_int_equal(bpfrt_ring_buffer__consume(rb), 3);

	/* too large, and full */
	assert_null(ringbuf_reserve(m, 4096, 0));
	assert_int_equal(ringbuf_output(m, a, 4096, 0), -EAGAIN);
	int n = 0;
	while (ringbuf_reserve(m, 100, 0))
		n++;
	assert_int_equal(n, 4095 / 112);
	bpfrt_ring_buffer__free(rb);
	bpfrt_map__free(m);
}

static void records_wrap_contiguously(void **state)
{
	(void)state;
	struct bpfrt_map *m = mk_ring(4096);
	struct got g = {0};
	struct bpfrt_ring_buffer *rb = bpfrt_ring_buffer__new(m, on_sample, &g, NULL);
	for (int round = 0; round < 10; round++) {
		char *p = ringbuf_reserve(m, 1000, 0);
		assert_non_null(p);
		memset(p, 'a' + round, 1000);
		ringbuf_submit(p, 0);
		g.n = 0;
		assert_int_equal(bpfrt_ring_buffer__consume(rb), 1);
		assert_int_equal(g.first[15], 'a' + round);
	}
	bpfrt_ring_buffer__free(rb);
	bpfrt_map__free(m);
}

#define EVENTS 1000000

struct stream {
	struct bpfrt_map *m;
	uint64_t next, dup_or_gap;
	_Atomic int done;
};

static void *producer(void *arg)
{
	struct stream *s = arg;
	for (uint64_t i = 0; i < EVENTS;) {
		uint64_t *p = ringbuf_reserve(s->m, 8 + (i % 3) * 8, 0);
		if (!p)
			continue; /* full: the consumer catches up */
		*p = i++;
		ringbuf_submit(p, 0);
	}
	atomic_store(&s->done, 1);
	return NULL;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct stream *s = ctx;
	uint64_t v;
	memcpy(&v, data, 8);
	if (v != s->next || size != 8 + (v % 3) * 8)
		s->dup_or_gap++;
	s->next = v + 1;
	return 0;
}

static void producer_consumer_threads(void **state)
{
	(void)state;
	struct stream s = {.m = mk_ring(1 << 16)};
	assert_non_null(s.m);
	struct bpfrt_ring_buffer *rb = bpfrt_ring_buffer__new(s.m, on_event, &s, NULL);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, producer, &s), 0);
	while (s.next < EVENTS) {
		int r = bpfrt_ring_buffer__poll(rb, 100);
		assert_true(r >= 0);
		if (!r && atomic_load(&s.done))
			r = bpfrt_ring_buffer__consume(rb);
	}
	pthread_join(t, NULL);
	assert_int_equal(bpfrt_ring_buffer__consume(rb), 0);
	assert_int_equal(s.next, EVENTS);
	assert_int_equal(s.dup_or_gap, 0);
	bpfrt_ring_buffer__free(rb);
	bpfrt_map__free(s.m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(records_and_flags),
		cmocka_unit_test(records_wrap_contiguously),
		cmocka_unit_test(producer_consumer_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
