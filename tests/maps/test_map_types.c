/* Per-type map semantics: flags, errors and iteration as the kernel's, the
 * fast path the helpers use, and the shared memory seen through the fd. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "bpfrt/map.h"
#include "bpfrt/vm.h"
#include "maps/map_ops.h"

#define U32(x) (&(uint32_t){(x)})
#define U64(x) (&(uint64_t){(x)})

static struct bpfrt_map *mk(enum bpfrt_map_type t, uint32_t ks, uint32_t vs, uint32_t max,
			    uint32_t flags)
{
	struct bpfrt_map_create_opts o = {.sz = sizeof(o), .map_flags = flags, .ncpus = 4};
	return bpfrt_map__create(t, "t", ks, vs, max, &o);
}

static void type_names_round_trip(void **state)
{
	(void)state;
	assert_string_equal(bpfrt_map_type_name(BPFRT_MAP_TYPE_LRU_PERCPU_HASH), "lru_percpu_hash");
	assert_int_equal(bpfrt_map_type_from_name("ringbuf"), BPFRT_MAP_TYPE_RINGBUF);
	assert_int_equal(bpfrt_map_type_from_name("BPF_MAP_TYPE_HASH"), BPFRT_MAP_TYPE_HASH);
	assert_int_equal(bpfrt_map_type_from_name("nope"), -EINVAL);
	assert_null(bpfrt_map_type_name(BPFRT_MAP_TYPE_COUNT));
	for (uint32_t t = 0; t < BPFRT_MAP_TYPE_COUNT; t++)
		assert_int_equal(bpfrt_map_type_from_name(bpfrt_map_type_name(t)), (int)t);
	assert_true(bpfrt_map_type_supported(BPFRT_MAP_TYPE_BLOOM_FILTER));
	assert_false(bpfrt_map_type_supported(BPFRT_MAP_TYPE_LPM_TRIE));
	errno = 0;
	assert_null(mk(BPFRT_MAP_TYPE_LPM_TRIE, 8, 8, 8, 0));
	assert_int_equal(errno, EOPNOTSUPP);
}

static void create_rejects_bad_attributes(void **state)
{
	(void)state;
	char log[128];
	struct bpfrt_map_create_opts o = {.sz = sizeof(o), .log_buf = log, .log_size = sizeof(log)};
	errno = 0;
	assert_null(bpfrt_map__create(BPFRT_MAP_TYPE_ARRAY, "a", 8, 4, 4, &o));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(log, "map a (array): key_size must be 4"));
	assert_null(mk(BPFRT_MAP_TYPE_HASH, 4, 0, 4, 0));
	assert_int_equal(errno, EINVAL);
	assert_null(mk(BPFRT_MAP_TYPE_HASH, 600, 4, 4, 0));
	assert_int_equal(errno, E2BIG);
	assert_null(mk(BPFRT_MAP_TYPE_HASH, 4, 4, 4, BPFRT_F_MMAPABLE));
	assert_int_equal(errno, EINVAL);
	assert_null(mk(BPFRT_MAP_TYPE_HASH, 4, 4, 4, BPFRT_F_NO_COMMON_LRU));
	assert_int_equal(errno, EINVAL);
	assert_null(mk(BPFRT_MAP_TYPE_ARRAY, 4, 4, 4, BPFRT_F_RDONLY | BPFRT_F_WRONLY));
	assert_int_equal(errno, EINVAL);
	assert_null(mk(BPFRT_MAP_TYPE_RINGBUF, 0, 0, 4096 * 3, 0));
	assert_int_equal(errno, EINVAL);
	assert_null(mk(BPFRT_MAP_TYPE_QUEUE, 4, 4, 4, 0));
	assert_int_equal(errno, EINVAL);
	assert_null(mk(BPFRT_MAP_TYPE_STACK_TRACE, 4, 12, 4, 0));
	assert_int_equal(errno, EINVAL);
	assert_null(mk(BPFRT_MAP_TYPE_PROG_ARRAY, 4, 8, 4, 0));
	assert_int_equal(errno, EINVAL);
}

static void array_semantics(void **state)
{
	(void)state;
	struct bpfrt_map *m = mk(BPFRT_MAP_TYPE_ARRAY, 4, 12, 3, BPFRT_F_MMAPABLE);
	assert_non_null(m);
	char v[12] = "hello world", out[12];
	assert_int_equal(bpfrt_map__update_elem(m, U32(1), 4, v, 12, BPFRT_ANY), 0);
	assert_int_equal(bpfrt_map__update_elem(m, U32(1), 4, v, 12, BPFRT_EXIST), 0);
	assert_int_equal(bpfrt_map__update_elem(m, U32(1), 4, v, 12, BPFRT_NOEXIST), -EEXIST);
	assert_int_equal(bpfrt_map__update_elem(m, U32(3), 4, v, 12, BPFRT_ANY), -E2BIG);
	assert_int_equal(bpfrt_map__update_elem(m, U32(1), 4, v, 12, 3), -EINVAL);
	assert_int_equal(bpfrt_map__update_elem(m, U32(1), 4, v, 8, 0), -EINVAL);
	assert_int_equal(bpfrt_map__lookup_elem(m, U32(1), 4, out, 12, 0), 0);
	assert_memory_equal(out, v, 12);
	assert_int_equal(bpfrt_map__lookup_elem(m, U32(0), 4, out, 12, 0), 0);
	assert_memory_equal(out, (char[12]){0}, 12);
	assert_int_equal(bpfrt_map__lookup_elem(m, U32(3), 4, out, 12, 0), -ENOENT);
	assert_int_equal(bpfrt_map__delete_elem(m, U32(1), 4, 0), -EINVAL);
	uint32_t k;
	assert_int_equal(bpfrt_map__get_next_key(m, NULL, &k, 4), 0);
	assert_int_equal(k, 0);
	assert_int_equal(bpfrt_map__get_next_key(m, U32(1), &k, 4), 0);
	assert_int_equal(k, 2);
	assert_int_equal(bpfrt_map__get_next_key(m, U32(2), &k, 4), -ENOENT);
	assert_int_equal(bpfrt_map__get_next_key(m, U32(77), &k, 4), 0);
	assert_int_equal(k, 0);
	/* the fast path hands out the value in shared memory */
	char *p = map_lookup_elem(m, U32(1), 0);
	assert_non_null(p);
	assert_memory_equal(p, v, 12);
	assert_null(map_lookup_elem(m, U32(3), 0));
	/* another mapping of the fd sees the values (elements 8-byte strided) */
	long page = sysconf(_SC_PAGESIZE);
	char *shm = mmap(NULL, (size_t)page * 2, PROT_READ, MAP_SHARED, bpfrt_map__fd(m), 0);
	assert_true(shm != MAP_FAILED);
	assert_memory_equal(shm + page + 16, v, 12);
	munmap(shm, (size_t)page * 2);
	/* and so does a map opened from the fd */
	struct bpfrt_map *o = bpfrt_map__from_fd(bpfrt_map__fd(m));
	assert_non_null(o);
	assert_int_equal(bpfrt_map__lookup_elem(o, U32(1), 4, out, 12, 0), 0);
	assert_memory_equal(out, v, 12);
	assert_int_equal(bpfrt_map__type(o), BPFRT_MAP_TYPE_ARRAY);
	assert_string_equal(bpfrt_map__name(o), "t");
	bpfrt_map__free(o);
	assert_int_equal(bpfrt_map__freeze(m), 0);
	assert_int_equal(bpfrt_map__freeze(m), -EBUSY);
	assert_int_equal(bpfrt_map__update_elem(m, U32(1), 4, v, 12, 0), -EPERM);
	assert_int_equal(map_update_elem(m, U32(1), v, 0, 0), 0); /* programs still may */
	bpfrt_map__free(m);

	m = mk(BPFRT_MAP_TYPE_ARRAY, 4, 4, 2, BPFRT_F_WRONLY);
	assert_int_equal(bpfrt_map__update_elem(m, U32(1), 4, U32(5), 4, 0), 0);
	assert_int_equal(bpfrt_map__lookup_elem(m, U32(1), 4, out, 4, 0), -EPERM);
	bpfrt_map__free(m);
}

static long count_cb(struct bpfrt_map *map, void *key, void *value, void *ctx)
{
	(void)map;
	(void)key;
	uint64_t *sum = ctx;
	*sum += *(uint64_t *)value;
	return *sum > 1000; /* stop when asked to (sum primed above 1000) */
}

static void percpu_array_semantics(void **state)
{
	(void)state;
	struct bpfrt_map *m = mk(BPFRT_MAP_TYPE_PERCPU_ARRAY, 4, 4, 4, 0);
	assert_non_null(m);
	assert_int_equal(bpfrt_map__user_value_size(m), 4 * 8);
	uint32_t vals[8] = {1, 0, 2, 0, 3, 0, 4, 0}, out[8];
	assert_int_equal(bpfrt_map__update_elem(m, U32(2), 4, vals, 32, 0), 0);
	assert_int_equal(*(uint32_t *)map_lookup_elem(m, U32(2), 2), 3);
	*(uint32_t *)map_lookup_elem(m, U32(2), 3) += 10;
	assert_int_equal(map_update_elem(m, U32(2), U32(7), 0, 1), 0);
	assert_int_equal(bpfrt_map__lookup_elem(m, U32(2), 4, out, 32, 0), 0);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[2], 7);
	assert_int_equal(out[4], 3);
	assert_int_equal(out[6], 14);
	assert_int_equal(bpfrt_map__lookup_elem(m, U32(2), 4, out, 4, 0), -EINVAL);
	bpfrt_map__free(m);
	assert_null(mk(BPFRT_MAP_TYPE_PERCPU_ARRAY, 4, 4, 4, BPFRT_F_MMAPABLE));
}

static void hash_semantics(void **state)
{
	(void)state;
	struct bpfrt_map *m = mk(BPFRT_MAP_TYPE_HASH, 8, 8, 4, 0);
	assert_non_null(m);
	uint64_t v;
	assert_int_equal(bpfrt_map__lookup_elem(m, U64(1), 8, &v, 8, 0), -ENOENT);
	assert_int_equal(bpfrt_map__update_elem(m, U64(1), 8, U64(10), 8, BPFRT_EXIST), -ENOENT);
	assert_int_equal(bpfrt_map__update_elem(m, U64(1), 8, U64(10), 8, BPFRT_NOEXIST), 0);
	assert_int_equal(bpfrt_map__update_elem(m, U64(1), 8, U64(11), 8, BPFRT_NOEXIST), -EEXIST);
	assert_int_equal(bpfrt_map__update_elem(m, U64(1), 8, U64(12), 8, BPFRT_EXIST), 0);
	assert_int_equal(bpfrt_map__update_elem(m, U64(1), 8, U64(12), 8, 4), -EINVAL);
	assert_int_equal(bpfrt_map__lookup_elem(m, U64(1), 8, &v, 8, 0), 0);
	assert_int_equal(v, 12);
	for (uint64_t k = 2; k <= 4; k++)
		assert_int_equal(bpfrt_map__update_elem(m, &k, 8, U64(k * 10), 8, 0), 0);
	assert_int_equal(bpfrt_map__update_elem(m, U64(5), 8, U64(50), 8, 0), -E2BIG);
	/* a full map still replaces existing keys */
	assert_int_equal(bpfrt_map__update_elem(m, U64(4), 8, U64(40), 8, 0), 0);
	/* iteration visits each key once, then -ENOENT */
	uint64_t k, seen = 0, n = 0;
	const void *cur = NULL;
	while (bpfrt_map__get_next_key(m, cur, &k, 8) == 0) {
		seen |= 1ULL << k;
		n++;
		cur = &k;
		assert_true(n <= 4);
	}
	assert_int_equal(n, 4);
	assert_int_equal(seen, 0x1e);
	/* an absent key restarts at the first key */
	uint64_t first, again;
	assert_int_equal(bpfrt_map__get_next_key(m, NULL, &first, 8), 0);
	assert_int_equal(bpfrt_map__get_next_key(m, U64(99), &again, 8), 0);
	assert_int_equal(first, again);
	uint64_t sum = 0;
	assert_int_equal(map_for_each_elem(m, count_cb, &sum, 0), 4);
	assert_int_equal(sum, 12 + 20 + 30 + 40);
	sum = 1000;
	assert_int_equal(map_for_each_elem(m, count_cb, &sum, 0), 1);
	assert_int_equal(bpfrt_map__delete_elem(m, U64(3), 8, 0), 0);
	assert_int_equal(bpfrt_map__delete_elem(m, U64(3), 8, 0), -ENOENT);
	assert_int_equal(bpfrt_map__update_elem(m, U64(5), 8, U64(50), 8, 0), 0);
	assert_int_equal(bpfrt_map__lookup_and_delete_elem(m, U64(5), 8, &v, 8, 0), 0);
	assert_int_equal(v, 50);
	assert_int_equal(bpfrt_map__lookup_elem(m, U64(5), 8, &v, 8, 0), -ENOENT);
	uint64_t *p = map_lookup_elem(m, U64(2), 0);
	assert_non_null(p);
	assert_int_equal(*p, 20);
	assert_int_equal(map_delete_elem(m, U64(2)), 0);
	assert_null(map_lookup_elem(m, U64(2), 0));
	bpfrt_map__free(m);
}

static void percpu_hash_semantics(void **state)
{
	(void)state;
	struct bpfrt_map *m = mk(BPFRT_MAP_TYPE_PERCPU_HASH, 4, 8, 8, 0);
	assert_non_null(m);
	uint64_t out[4];
	/* a program's update sets its CPU's value and zeroes the others */
	assert_int_equal(map_update_elem(m, U32(1), U64(5), 0, 2), 0);
	assert_int_equal(bpfrt_map__lookup_elem(m, U32(1), 4, out, 32, 0), 0);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[2], 5);
	uint64_t all[4] = {1, 2, 3, 4};
	assert_int_equal(bpfrt_map__update_elem(m, U32(1), 4, all, 32, BPFRT_EXIST), 0);
	assert_int_equal(*(uint64_t *)map_lookup_elem(m, U32(1), 3), 4);
	assert_int_equal(*(uint64_t *)map_lookup_elem(m, U32(1), 0), 1);
	assert_int_equal(bpfrt_map__update_elem(m, U32(1), 4, all, 32, BPFRT_NOEXIST), -EEXIST);
	assert_int_equal(*(uint64_t *)map_lookup_percpu_elem(m, U32(1), 2), 3);
	assert_null(map_lookup_percpu_elem(m, U32(1), 4)); /* no such CPU */
	assert_null(map_lookup_percpu_elem(m, U32(2), 0));
	bpfrt_map__free(m);
}

static void lru_evicts_least_recently_used(void **state)
{
	(void)state;
	struct bpfrt_map *m = mk(BPFRT_MAP_TYPE_LRU_HASH, 4, 4, 4, 0);
	assert_non_null(m);
	for (uint32_t k = 0; k < 4; k++)
		assert_int_equal(bpfrt_map__update_elem(m, &k, 4, &k, 4, 0), 0);
	/* programs' lookups mark 0 and 2 used; 1 is the oldest unused */
	assert_non_null(map_lookup_elem(m, U32(0), 0));
	assert_non_null(map_lookup_elem(m, U32(2), 0));
	assert_int_equal(bpfrt_map__update_elem(m, U32(10), 4, U32(10), 4, 0), 0);
	uint32_t v;
	assert_int_equal(bpfrt_map__lookup_elem(m, U32(1), 4, &v, 4, 0), -ENOENT);
	assert_int_equal(bpfrt_map__lookup_elem(m, U32(0), 4, &v, 4, 0), 0);
	assert_int_equal(bpfrt_map__lookup_elem(m, U32(10), 4, &v, 4, 0), 0);
	uint32_t n = 0, k;
	const void *cur = NULL;
	while (bpfrt_map__get_next_key(m, cur, &k, 4) == 0)
		cur = &k, n++;
	assert_int_equal(n, 4);
	bpfrt_map__free(m);
	assert_null(mk(BPFRT_MAP_TYPE_LRU_HASH, 4, 4, 4, BPFRT_F_NO_PREALLOC));

	m = mk(BPFRT_MAP_TYPE_LRU_PERCPU_HASH, 4, 4, 2, 0);
	assert_non_null(m);
	for (uint32_t k2 = 0; k2 < 10; k2++)
		assert_int_equal(map_update_elem(m, &k2, &k2, 0, k2 % 4), 0);
	assert_non_null(map_lookup_elem(m, U32(9), 1));
	assert_int_equal(*(uint32_t *)map_lookup_elem(m, U32(9), 1), 9);
	assert_null(map_lookup_elem(m, U32(0), 0));
	bpfrt_map__free(m);
}

static void queue_and_stack(void **state)
{
	(void)state;
	struct bpfrt_map *q = mk(BPFRT_MAP_TYPE_QUEUE, 0, 4, 3, 0);
	struct bpfrt_map *s = mk(BPFRT_MAP_TYPE_STACK, 0, 4, 3, 0);
	assert_non_null(q);
	assert_non_null(s);
	uint32_t v;
	assert_int_equal(bpfrt_map__lookup_elem(q, NULL, 0, &v, 4, 0), -ENOENT);
	assert_int_equal(bpfrt_map__lookup_and_delete_elem(s, NULL, 0, &v, 4, 0), -ENOENT);
	for (uint32_t i = 1; i <= 3; i++) {
		assert_int_equal(bpfrt_map__update_elem(q, NULL, 0, &i, 4, BPFRT_ANY), 0);
		assert_int_equal(map_push_elem(s, &i, BPFRT_ANY), 0);
	}
	assert_int_equal(bpfrt_map__update_elem(q, NULL, 0, U32(4), 4, BPFRT_ANY), -E2BIG);
	assert_int_equal(bpfrt_map__update_elem(q, NULL, 0, U32(4), 4, BPFRT_NOEXIST), -EINVAL);
	assert_int_equal(bpfrt_map__update_elem(q, NULL, 0, U32(4), 4, BPFRT_EXIST), 0);
	assert_int_equal(map_push_elem(s, U32(4), BPFRT_EXIST), 0);
	assert_int_equal(bpfrt_map__lookup_elem(q, NULL, 0, &v, 4, 0), 0);
	assert_int_equal(v, 2); /* 1 was overwritten */
	uint32_t want_q[] = {2, 3, 4}, want_s[] = {4, 3, 2};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(bpfrt_map__lookup_and_delete_elem(q, NULL, 0, &v, 4, 0), 0);
		assert_int_equal(v, want_q[i]);
		assert_int_equal(map_pop_elem(s, &v), 0);
		assert_int_equal(v, want_s[i]);
	}
	assert_int_equal(map_pop_elem(q, &v), -ENOENT);
	assert_int_equal(map_peek_elem(s, &v), -ENOENT);
	assert_int_equal(bpfrt_map__delete_elem(q, NULL, 0, 0), -EINVAL);
	assert_int_equal(bpfrt_map__get_next_key(q, NULL, &v, 0), -EINVAL);
	bpfrt_map__free(q);
	bpfrt_map__free(s);
}

static void bloom_filter(void **state)
{
	(void)state;
	struct bpfrt_map_create_opts o = {.sz = sizeof(o), .map_extra = 3};
	struct bpfrt_map *m = bpfrt_map__create(BPFRT_MAP_TYPE_BLOOM_FILTER, "b", 0, 8, 1000, &o);
	assert_non_null(m);
	for (uint64_t i = 0; i < 1000; i += 2)
		assert_int_equal(bpfrt_map__update_elem(m, NULL, 0, &i, 8, BPFRT_ANY), 0);
	int fp = 0;
	for (uint64_t i = 0; i < 1000; i++) {
		int r = bpfrt_map__lookup_elem(m, NULL, 0, &i, 8, 0);
		if (i % 2 == 0)
			assert_int_equal(r, 0); /* never a false negative */
		else
			fp += r == 0;
	}
	assert_true(fp < 100);
	assert_int_equal(bpfrt_map__update_elem(m, NULL, 0, U64(1), 8, BPFRT_EXIST), -EINVAL);
	assert_int_equal(bpfrt_map__lookup_and_delete_elem(m, NULL, 0, U64(1), 8, 0), -EOPNOTSUPP);
	bpfrt_map__free(m);
	o.map_extra = 16;
	assert_null(bpfrt_map__create(BPFRT_MAP_TYPE_BLOOM_FILTER, "b", 0, 8, 10, &o));
}

static void stack_trace(void **state)
{
	(void)state;
	struct bpfrt_map *m = mk(BPFRT_MAP_TYPE_STACK_TRACE, 4, 4 * 8, 64, 0);
	assert_non_null(m);
	assert_int_equal(stackmap_depth(m), 4);
	uint64_t a[] = {0x1000, 0x2000, 0x3000}, b[] = {0x1000, 0x2000, 0x3000, 0x4000, 0x5000};
	long ida = stackmap_get_id(m, a, 3, 0);
	assert_true(ida >= 0 && ida < 64);
	assert_int_equal(stackmap_get_id(m, a, 3, 0), ida); /* same stack, same id */
	long idb = stackmap_get_id(m, b, 5, 0);
	assert_true(idb >= 0);
	uint64_t out[4];
	assert_int_equal(bpfrt_map__lookup_elem(m, U32((uint32_t)ida), 4, out, 32, 0), 0);
	assert_memory_equal(out, ((uint64_t[]){0x1000, 0x2000, 0x3000, 0}), 32);
	assert_int_equal(bpfrt_map__lookup_elem(m, U32((uint32_t)idb), 4, out, 32, 0), 0);
	assert_memory_equal(out, b, 32); /* truncated to the depth */
	assert_int_equal(stackmap_get_id(m, a, 0, 0), -EFAULT);
	assert_int_equal(stackmap_get_id(m, a, 3, 1ULL << 20), -EINVAL);
	/* iteration visits exactly the used ids */
	uint32_t k, n = 0;
	const void *cur = NULL;
	while (bpfrt_map__get_next_key(m, cur, &k, 4) == 0) {
		assert_true(k == ida || k == idb);
		cur = &k, n++;
	}
	assert_int_equal(n, ida == idb ? 1 : 2);
	assert_int_equal(bpfrt_map__update_elem(m, U32(0), 4, out, 32, 0), -EINVAL);
	assert_int_equal(bpfrt_map__delete_elem(m, U32((uint32_t)ida), 4, 0), 0);
	assert_int_equal(bpfrt_map__delete_elem(m, U32((uint32_t)ida), 4, 0), -ENOENT);
	assert_int_equal(bpfrt_map__delete_elem(m, U32(64), 4, 0), -E2BIG);
	bpfrt_map__free(m);

	/* one bucket: a different stack needs REUSE_STACKID */
	m = mk(BPFRT_MAP_TYPE_STACK_TRACE, 4, 16, 1, 0);
	assert_int_equal(stackmap_get_id(m, a, 2, 0), 0);
	assert_int_equal(stackmap_get_id(m, b + 2, 2, 0), -EEXIST);
	assert_int_equal(stackmap_get_id(m, b + 2, 2, BPFRT_F_REUSE_STACKID), 0);
	assert_int_equal(bpfrt_map__lookup_elem(m, U32(0), 4, out, 16, 0), 0);
	assert_int_equal(out[0], 0x3000);
	bpfrt_map__free(m);
}

static struct bpfrt_prog *resolve(void *ctx, uint32_t id)
{
	return id == 7 ? ctx : NULL;
}

static void prog_array(void **state)
{
	(void)state;
	struct bpfrt_map *m = mk(BPFRT_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0);
	assert_non_null(m);
	struct bpfrt_prog *fake = (struct bpfrt_prog *)(uintptr_t)0x1234;
	uint32_t v;
	assert_int_equal(bpfrt_map__update_elem(m, U32(1), 4, U32(7), 4, 0), -EBADF);
	assert_int_equal(bpfrt_map__set_prog_resolver(m, resolve, fake), 0);
	assert_int_equal(bpfrt_map__update_elem(m, U32(1), 4, U32(8), 4, 0), -EBADF);
	assert_int_equal(bpfrt_map__update_elem(m, U32(1), 4, U32(7), 4, BPFRT_NOEXIST), -EINVAL);
	assert_int_equal(bpfrt_map__update_elem(m, U32(4), 4, U32(7), 4, 0), -E2BIG);
	assert_int_equal(bpfrt_map__update_elem(m, U32(1), 4, U32(7), 4, 0), 0);
	assert_ptr_equal(prog_array_get(m, 1), fake);
	assert_null(prog_array_get(m, 0));
	assert_null(prog_array_get(m, 4));
	assert_int_equal(bpfrt_map__lookup_elem(m, U32(1), 4, &v, 4, 0), 0);
	assert_int_equal(v, 7);
	assert_int_equal(bpfrt_map__lookup_elem(m, U32(0), 4, &v, 4, 0), -ENOENT);
	assert_int_equal(bpfrt_map__delete_elem(m, U32(1), 4, 0), 0);
	assert_int_equal(bpfrt_map__delete_elem(m, U32(1), 4, 0), -ENOENT);
	assert_null(prog_array_get(m, 1));
	assert_int_equal(bpfrt_map__set_prog(m, 3, fake, 9), 0);
	assert_ptr_equal(prog_array_get(m, 3), fake);
	bpfrt_map__free(m);
}

struct perf_seen {
	int n, cpu, lost;
	uint64_t last;
};

static void on_perf(void *ctx, int cpu, void *data, uint32_t size)
{
	struct perf_seen *s = ctx;
	assert_int_equal(size, 8);
	s->n++;
	s->cpu = cpu;
	memcpy(&s->last, data, 8);
}

static void on_lost(void *ctx, int cpu, uint64_t cnt)
{
	(void)cpu;
	((struct perf_seen *)ctx)->lost += (int)cnt;
}

static void perf_event_array(void **state)
{
	(void)state;
	struct bpfrt_map *m = mk(BPFRT_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 0, 0);
	assert_non_null(m);
	assert_int_equal(bpfrt_map__max_entries(m), 4); /* ncpus */
	uint64_t x = 42;
	assert_int_equal(perf_event_output(m, BPFRT_F_CURRENT_CPU, 1, &x, 8), -ENOENT);
	assert_int_equal(perf_event_output(m, 9, 1, &x, 8), -E2BIG);
	assert_int_equal(perf_event_output(m, 1ULL << 40, 1, &x, 8), -EINVAL);
	struct perf_seen seen = {0};
	struct bpfrt_perf_buffer *pb = bpfrt_perf_buffer__new(m, 1, on_perf, on_lost, &seen);
	assert_non_null(pb);
	assert_int_equal(perf_event_output(m, BPFRT_F_CURRENT_CPU, 2, &x, 8), 0);
	assert_int_equal(bpfrt_perf_buffer__poll(pb, 1000), 1);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.cpu, 2);
	assert_int_equal(seen.last, 42);
	int ok = 0, full = 0;
	for (int i = 0; i < 1000; i++) {
		long r = perf_event_output(m, 3, 0, &x, 8);
		ok += r == 0;
		full += r == -ENOSPC;
	}
	assert_int_equal(ok + full, 1000);
	assert_true(full > 0);
	assert_int_equal(bpfrt_perf_buffer__consume(pb), ok);
	assert_int_equal(seen.lost, full);
	bpfrt_perf_buffer__free(pb);
	assert_int_equal(perf_event_output(m, 0, 0, &x, 8), -ENOENT);
	bpfrt_map__free(m);
}

/* Runs map_gen_lookup's instructions for key `key` in the interpreter:
 * the value's first u64, or -1 when the lookup gives NULL. */
static uint64_t run_inline_lookup(struct bpfrt_map *m, uint32_t key)
{
	struct bpfrt_insn p[16] = {
		{.code = BPFRT_ST | BPFRT_MEM | BPFRT_W, .dst_reg = 10, .off = -4, .imm = (int32_t)key},
		{.code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, .dst_reg = 2, .src_reg = 10},
		{.code = BPFRT_ALU64 | BPFRT_ADD | BPFRT_K, .dst_reg = 2, .imm = -4},
	};
	assert_int_equal(map_gen_lookup(m, p + 3, 7), -ENOSPC);
	assert_int_equal(map_gen_lookup(m, p + 3, 8), 8);
	p[11] = (struct bpfrt_insn){.code = BPFRT_JMP | BPFRT_JEQ | BPFRT_K, .dst_reg = 0, .off = 2};
	p[12] = (struct bpfrt_insn){.code = BPFRT_LDX | BPFRT_MEM | BPFRT_DW, .dst_reg = 0};
	p[13] = (struct bpfrt_insn){.code = BPFRT_JMP | BPFRT_EXIT};
	p[14] = (struct bpfrt_insn){.code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, .dst_reg = 0, .imm = -1};
	p[15] = (struct bpfrt_insn){.code = BPFRT_JMP | BPFRT_EXIT};
	struct bpfrt_vm *vm = bpfrt_vm__new();
	struct bpfrt_prog_opts o = {.sz = sizeof(o), .mode = BPFRT_EXEC_TRUSTED};
	struct bpfrt_prog *prog = bpfrt_prog__load(vm, p, 16, &o);
	assert_non_null(prog);
	uint64_t r0 = 0;
	char ctx[8];
	assert_int_equal(bpfrt_prog__run(prog, ctx, sizeof(ctx), &r0, NULL), 0);
	bpfrt_prog__free(prog);
	bpfrt_vm__free(vm);
	return r0;
}

static void inline_array_lookup(void **state)
{
	(void)state;
	uint32_t sizes[] = {8, 24}; /* shift, and multiply */
	for (int i = 0; i < 2; i++) {
		struct bpfrt_map *m = mk(BPFRT_MAP_TYPE_ARRAY, 4, sizes[i], 4, 0);
		uint64_t v[3] = {0x1122334455667788ULL, 0, 0};
		for (uint32_t k = 0; k < 4; k++) {
			v[0] += k;
			assert_int_equal(bpfrt_map__update_elem(m, &k, 4, v, sizes[i], 0), 0);
		}
		assert_int_equal(run_inline_lookup(m, 2), 0x1122334455667788ULL + 3);
		assert_int_equal(run_inline_lookup(m, 3), 0x1122334455667788ULL + 6);
		assert_int_equal(run_inline_lookup(m, 4), UINT64_MAX);
		assert_int_equal(run_inline_lookup(m, UINT32_MAX), UINT64_MAX);
		bpfrt_map__free(m);
	}
	struct bpfrt_map *h = mk(BPFRT_MAP_TYPE_HASH, 4, 8, 4, 0);
	struct bpfrt_insn buf[8];
	assert_int_equal(map_gen_lookup(h, buf, 8), 0); /* no inline form: keep the call */
	bpfrt_map__free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(type_names_round_trip),
		cmocka_unit_test(create_rejects_bad_attributes),
		cmocka_unit_test(array_semantics),
		cmocka_unit_test(percpu_array_semantics),
		cmocka_unit_test(hash_semantics),
		cmocka_unit_test(percpu_hash_semantics),
		cmocka_unit_test(lru_evicts_least_recently_used),
		cmocka_unit_test(queue_and_stack),
		cmocka_unit_test(bloom_filter),
		cmocka_unit_test(stack_trace),
		cmocka_unit_test(prog_array),
		cmocka_unit_test(perf_event_array),
		cmocka_unit_test(inline_array_lookup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
