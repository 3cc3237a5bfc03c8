/* bench-maps: ns per operation of bpfrt's map fast path (what the helpers
 * call: lookup returning a value pointer, update, push/pop, ring buffer
 * reserve+submit) per map type, and ring buffer throughput with a consumer
 * thread. Prints markdown tables (scripts/bench puts them in
 * bench/RESULTS.md). The kernel's side of the comparison, maps reached
 * from a BPF program run with BPF_PROG_TEST_RUN, is measured elsewhere.
 *
 * Times are thread CPU time (CLOCK_THREAD_CPUTIME_ID), the minimum of
 * several batches: the machine is shared. --check: one short batch each,
 * for the ctest smoke test. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpfrt/map.h"
#include "maps/map_ops.h"

#define ENTRIES 1024

static int runs = 7;
static uint64_t batch = 1 << 20;
static volatile uint64_t sink;

static double now_thread(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double now_wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Keys visited in a scrambled order so lookups are not a linear walk. */
static uint32_t key_of(uint64_t i)
{
	return (uint32_t)((i * 2654435761ULL) % ENTRIES);
}

enum op { OP_LOOKUP, OP_UPDATE, OP_PUSH_POP, OP_RESERVE_SUBMIT, OP_OUTPUT };

static double run_batch(struct bpfrt_map *m, enum op op)
{
	uint64_t acc = 0, v[8] = {0};
	uint32_t ks = bpfrt_map__key_size(m);
	double t0 = now_thread();
	switch (op) {
	case OP_LOOKUP:
		for (uint64_t i = 0; i < batch; i++) {
			uint64_t k[2] = {key_of(i), 0}; /* keys of 4, 8 or 16 bytes */
			acc += (uintptr_t)map_lookup_elem(m, k, 0);
		}
		break;
	case OP_UPDATE:
		for (uint64_t i = 0; i < batch; i++) {
			uint64_t k[2] = {key_of(i), 0};
			v[0] = i;
			acc += (uint64_t)map_update_elem(m, k, v, BPFRT_ANY, 0);
		}
		break;
	case OP_PUSH_POP:
		for (uint64_t i = 0; i < batch; i++) {
			v[0] = i;
			acc += (uint64_t)map_push_elem(m, v, BPFRT_ANY);
			acc += (uint64_t)(ks ? 0 : map_pop_elem(m, v));
		}
		break;
	case OP_RESERVE_SUBMIT:
		for (uint64_t i = 0; i < batch; i++) {
			uint64_t *p = ringbuf_reserve(m, 8, 0);
			if (!p) { /* cannot happen: the ring holds a batch */
				acc++;
				continue;
			}
			*p = i;
			ringbuf_submit(p, BPFRT_RB_NO_WAKEUP);
		}
		break;
	case OP_OUTPUT:
		for (uint64_t i = 0; i < batch; i++)
			acc += (uint64_t)ringbuf_output(m, &i, 8, BPFRT_RB_NO_WAKEUP);
		break;
	}
	double t = now_thread() - t0;
	sink += acc;
	return t / (double)batch;
}

static int drop(void *ctx, void *data, size_t size)
{
	(void)ctx, (void)data, (void)size;
	return 0;
}

struct row {
	const char *name;
	enum bpfrt_map_type type;
	uint32_t ks, vs, max;
	enum op ops[2];
};

static double best(struct bpfrt_map *m, enum op op, struct bpfrt_ring_buffer *rb)
{
	double min = 1e30;
	for (int r = 0; r < runs; r++) {
		if (rb)
			bpfrt_ring_buffer__consume(rb); /* an empty ring for every batch */
		double ns = run_batch(m, op);
		if (ns < min)
			min = ns;
	}
	return min;
}

/* One producer thread against a consumer thread, wall-clock events/s. */
struct stream {
	struct bpfrt_map *m;
	uint64_t n, got;
	double producer_ns; /* the producer thread's CPU time */
	_Atomic int done;
};

static void *producer(void *arg)
{
	struct stream *s = arg;
	double t0 = now_thread();
	for (uint64_t i = 0; i < s->n;) {
		uint64_t *p = ringbuf_reserve(s->m, 8, 0);
		if (!p)
			continue;
		*p = i++;
		ringbuf_submit(p, 0);
	}
	s->producer_ns = now_thread() - t0;
	atomic_store(&s->done, 1);
	return NULL;
}

static int count(void *ctx, void *data, size_t size)
{
	(void)data, (void)size;
	((struct stream *)ctx)->got++;
	return 0;
}

static double stream_rate(uint64_t n, double *producer_rate)
{
	struct stream s = {.n = n};
	s.m = bpfrt_map__create(BPFRT_MAP_TYPE_RINGBUF, "stream", 0, 0, 1 << 22, NULL);
	struct bpfrt_ring_buffer *rb = bpfrt_ring_buffer__new(s.m, count, &s, NULL);
	pthread_t t;
	double t0 = now_wall();
	pthread_create(&t, NULL, producer, &s);
	while (s.got < n)
		bpfrt_ring_buffer__poll(rb, 10);
	double t1 = now_wall();
	pthread_join(t, NULL);
	bpfrt_ring_buffer__free(rb);
	bpfrt_map__free(s.m);
	*producer_rate = (double)n / s.producer_ns * 1e3;
	return (double)n / (t1 - t0) * 1e3; /* millions per second */
}

int main(int argc, char **argv)
{
	bool check = argc > 1 && !strcmp(argv[1], "--check");
	if (check) {
		runs = 1;
		batch = 1 << 12;
	}
	static const struct row rows[] = {
		{"array", BPFRT_MAP_TYPE_ARRAY, 4, 8, ENTRIES, {OP_LOOKUP, OP_UPDATE}},
		{"percpu_array", BPFRT_MAP_TYPE_PERCPU_ARRAY, 4, 8, ENTRIES, {OP_LOOKUP, OP_UPDATE}},
		{"hash", BPFRT_MAP_TYPE_HASH, 4, 8, ENTRIES, {OP_LOOKUP, OP_UPDATE}},
		{"hash (16-byte key)", BPFRT_MAP_TYPE_HASH, 16, 8, ENTRIES, {OP_LOOKUP, OP_UPDATE}},
		{"percpu_hash", BPFRT_MAP_TYPE_PERCPU_HASH, 4, 8, ENTRIES, {OP_LOOKUP, OP_UPDATE}},
		{"lru_hash", BPFRT_MAP_TYPE_LRU_HASH, 4, 8, ENTRIES, {OP_LOOKUP, OP_UPDATE}},
		{"lru_percpu_hash", BPFRT_MAP_TYPE_LRU_PERCPU_HASH, 4, 8, ENTRIES,
		 {OP_LOOKUP, OP_UPDATE}},
	};
	printf("Fast-path operations (what the helpers call), %d entries, 8-byte values;\n"
	       "lookups hit; updates replace an existing key with BPF_ANY. Minimum of %d\n"
	       "batches of %llu operations, thread CPU time.\n\n",
	       ENTRIES, runs, (unsigned long long)batch);
	printf("| map type | lookup ns/op | update ns/op |\n|---|---:|---:|\n");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct bpfrt_map *m = bpfrt_map__create(r->type, r->name, r->ks, r->vs, r->max, NULL);
		if (!m) {
			fprintf(stderr, "bench-maps: %s: %s\n", r->name, strerror(errno));
			return 1;
		}
		uint64_t v[8] = {0};
		for (uint64_t k[2] = {0, 0}; k[0] < ENTRIES; k[0]++)
			if (map_update_elem(m, k, v, BPFRT_ANY, 0)) {
				fprintf(stderr, "bench-maps: %s: fill failed\n", r->name);
				return 1;
			}
		double lookup = best(m, r->ops[0], NULL), update = best(m, r->ops[1], NULL);
		printf("| %s | %.1f | %.1f |\n", r->name, lookup, update);
		bpfrt_map__free(m);
	}

	printf("\n| map type | operation | ns/op |\n|---|---|---:|\n");
	struct bpfrt_map *q = bpfrt_map__create(BPFRT_MAP_TYPE_QUEUE, "q", 0, 8, ENTRIES, NULL);
	struct bpfrt_map *s = bpfrt_map__create(BPFRT_MAP_TYPE_STACK, "s", 0, 8, ENTRIES, NULL);
	struct bpfrt_map_create_opts bo = {.sz = sizeof(bo), .map_extra = 3};
	struct bpfrt_map *b = bpfrt_map__create(BPFRT_MAP_TYPE_BLOOM_FILTER, "b", 0, 8, ENTRIES, &bo);
	struct bpfrt_map *rbm = bpfrt_map__create(BPFRT_MAP_TYPE_RINGBUF, "rb", 0, 0, 1 << 25, NULL);
	if (!q || !s || !b || !rbm) {
		fprintf(stderr, "bench-maps: create: %s\n", strerror(errno));
		return 1;
	}
	struct bpfrt_ring_buffer *rb = bpfrt_ring_buffer__new(rbm, drop, NULL, NULL);
	printf("| queue | push + pop | %.1f |\n", best(q, OP_PUSH_POP, NULL));
	printf("| stack | push + pop | %.1f |\n", best(s, OP_PUSH_POP, NULL));
	printf("| bloom_filter | push (3 hashes) | %.1f |\n", best(b, OP_PUSH_POP, NULL));
	double rs = best(rbm, OP_RESERVE_SUBMIT, rb), out = best(rbm, OP_OUTPUT, rb);
	printf("| ringbuf | reserve + submit (8 bytes) | %.1f |\n", rs);
	printf("| ringbuf | output (8 bytes) | %.1f |\n", out);
	bpfrt_ring_buffer__free(rb);
	bpfrt_map__free(q);
	bpfrt_map__free(s);
	bpfrt_map__free(b);
	bpfrt_map__free(rbm);

	uint64_t n = check ? 100000 : 20000000;
	double prate, rate = stream_rate(n, &prate);
	printf("\nRing buffer, one producer thread and one consumer thread, %llu 8-byte\n"
	       "events, 4 MiB ring: %.1f M events/s per second of the producer's CPU time\n"
	       "(%.1f M/s wall clock on this shared machine); one producer alone (reserve +\n"
	       "submit above): %.1f M events/s. Target: 10 M/s.\n",
	       (unsigned long long)n, prate, rate, 1e3 / rs);
	return 0;
}
