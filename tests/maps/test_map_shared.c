/* Maps shared between processes: a child opens the parent's maps from
 * their memfds (bpfrt_map__from_fd) and operates on them; the parent sees
 * every effect. Everything mutable lives in the shared memory as offsets,
 * so locks, free lists and ring positions work across processes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "bpfrt/map.h"
#include "maps/map_ops.h"

#define N 2000

/* Runs fn(fd) in a child; asserts it exits 0. */
static void in_child(int fd, int (*fn)(int))
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn(fd));
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static int child_fill_hash(int fd)
{
	struct bpfrt_map *m = bpfrt_map__from_fd(fd);
	if (!m || bpfrt_map__type(m) != BPFRT_MAP_TYPE_HASH)
		return 1;
	for (uint64_t k = 0; k < N; k++) {
		uint64_t v = k * 3;
		if (bpfrt_map__update_elem(m, &k, 8, &v, 8, BPFRT_NOEXIST))
			return 2;
	}
	uint64_t gone = 7;
	if (bpfrt_map__delete_elem(m, &gone, 8, 0))
		return 3;
	bpfrt_map__free(m);
	return 0;
}

static void hash_filled_by_another_process(void **state)
{
	(void)state;
	struct bpfrt_map *m = bpfrt_map__create(BPFRT_MAP_TYPE_HASH, "shared", 8, 8, N, NULL);
	assert_non_null(m);
	struct stat st;
	assert_int_equal(fstat(bpfrt_map__fd(m), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	in_child(bpfrt_map__fd(m), child_fill_hash);
	for (uint64_t k = 0; k < N; k++) {
		uint64_t v;
		int e = bpfrt_map__lookup_elem(m, &k, 8, &v, 8, 0);
		assert_int_equal(e, k == 7 ? -ENOENT : 0);
		if (!e)
			assert_int_equal(v, k * 3);
	}
	/* the free list the child used is the parent's too */
	uint64_t k = N, v = 1;
	assert_int_equal(bpfrt_map__update_elem(m, &k, 8, &v, 8, 0), 0);
	k = N + 1;
	assert_int_equal(bpfrt_map__update_elem(m, &k, 8, &v, 8, 0), -E2BIG);
	bpfrt_map__free(m);
}

static int child_produce(int fd)
{
	struct bpfrt_map *m = bpfrt_map__from_fd(fd);
	if (!m)
		return 1;
	for (uint64_t i = 0; i < N;) {
		uint64_t *p = ringbuf_reserve(m, 8, 0);
		if (!p)
			continue;
		*p = i++;
		ringbuf_submit(p, 0);
	}
	bpfrt_map__free(m);
	return 0;
}

struct seen {
	uint64_t next, bad;
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct seen *s = ctx;
	uint64_t v;
	memcpy(&v, data, 8);
	s->bad += size != 8 || v != s->next;
	s->next = v + 1;
	return 0;
}

static void ringbuf_produced_by_another_process(void **state)
{
	(void)state;
	/* larger than N records: the child never waits for us */
	struct bpfrt_map *m = bpfrt_map__create(BPFRT_MAP_TYPE_RINGBUF, "rb", 0, 0, 1 << 16, NULL);
	assert_non_null(m);
	struct seen s = {0};
	struct bpfrt_ring_buffer *rb = bpfrt_ring_buffer__new(m, on_event, &s, NULL);
	in_child(bpfrt_map__fd(m), child_produce);
	/* the child's wakeups went to its own eventfd: consume directly */
	assert_int_equal(bpfrt_ring_buffer__consume(rb), N);
	assert_int_equal(s.next, N);
	assert_int_equal(s.bad, 0);
	bpfrt_ring_buffer__free(rb);
	bpfrt_map__free(m);
}

static void from_fd_rejects_other_files(void **state)
{
	(void)state;
	errno = 0;
	assert_null(bpfrt_map__from_fd(0 + 999));
	assert_int_equal(errno, EBADF);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	assert_null(bpfrt_map__from_fd(fds[0]));
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hash_filled_by_another_process),
		cmocka_unit_test(ringbuf_produced_by_another_process),
		cmocka_unit_test(from_fd_rejects_other_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
