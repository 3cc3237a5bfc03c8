/* Our maps against the kernel's: the same sequences of update, lookup,
 * delete, lookup-and-delete and get_next_key (and the same bad creation
 * attributes) give the same results. The kernel part runs in a forked
 * child through bpf(); without bpf() the test is skipped (77). Hash
 * iteration order depends on each side's hash function, so for hash types
 * get_next_key is compared by its result and by the set of keys a full
 * iteration visits. */
#include <errno.h>
#include <linux/bpf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "bpfrt/map.h"

#define OPS 3000
#define MAXV 256 /* value buffer: ncpus * 8 bytes must fit */

struct res {
	int ret;
	uint8_t out[MAXV];
};

struct spec {
	uint32_t type, ks, vs, max, flags, keys;
	uint64_t extra;
	bool hashed; /* iteration order is the hash's */
};

/* ---- the two backends ---- */

struct backend {
	int (*create)(struct backend *b, const struct spec *s);
	int (*update)(struct backend *b, const void *k, const void *v, uint64_t f);
	int (*lookup)(struct backend *b, const void *k, void *v);
	int (*del)(struct backend *b, const void *k);
	int (*lookup_del)(struct backend *b, const void *k, void *v);
	int (*next)(struct backend *b, const void *k, void *nk);
	int (*freeze)(struct backend *b);
	void (*destroy)(struct backend *b);
	int fd;
	struct bpfrt_map *m;
	const struct spec *s;
	size_t vsz;
};

static uint32_t ncpus;

static long sys_bpf(int cmd, union bpf_attr *a)
{
	long r = syscall(__NR_bpf, cmd, a, sizeof(*a));
	/* The kernel leaks its internal ENOTSUPP (524); bpfrt says EOPNOTSUPP. */
	if (r < 0 && errno == 524)
		return -EOPNOTSUPP;
	return r < 0 ? -errno : r;
}

static int k_create(struct backend *b, const struct spec *s)
{
	union bpf_attr a = {0};
	a.map_type = s->type;
	a.key_size = s->ks;
	a.value_size = s->vs;
	a.max_entries = s->max;
	a.map_flags = s->flags;
	a.map_extra = s->extra;
	long fd = sys_bpf(BPF_MAP_CREATE, &a);
	b->fd = (int)fd;
	return fd < 0 ? (int)fd : 0;
}

static int k_elem(struct backend *b, int cmd, const void *k, const void *v, uint64_t f)
{
	union bpf_attr a = {0};
	a.map_fd = (uint32_t)b->fd;
	a.key = (uint64_t)(uintptr_t)k;
	a.value = (uint64_t)(uintptr_t)v;
	a.flags = f;
	return (int)sys_bpf(cmd, &a);
}

static int k_update(struct backend *b, const void *k, const void *v, uint64_t f)
{
	return k_elem(b, BPF_MAP_UPDATE_ELEM, k, v, f);
}
static int k_lookup(struct backend *b, const void *k, void *v)
{
	return k_elem(b, BPF_MAP_LOOKUP_ELEM, k, v, 0);
}
static int k_del(struct backend *b, const void *k)
{
	return k_elem(b, BPF_MAP_DELETE_ELEM, k, NULL, 0);
}
static int k_lookup_del(struct backend *b, const void *k, void *v)
{
	return k_elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, k, v, 0);
}
static int k_next(struct backend *b, const void *k, void *nk)
{
	union bpf_attr a = {0};
	a.map_fd = (uint32_t)b->fd;
	a.key = (uint64_t)(uintptr_t)k;
	a.next_key = (uint64_t)(uintptr_t)nk;
	return (int)sys_bpf(BPF_MAP_GET_NEXT_KEY, &a);
}
static int k_freeze(struct backend *b)
{
	union bpf_attr a = {0};
	a.map_fd = (uint32_t)b->fd;
	return (int)sys_bpf(BPF_MAP_FREEZE, &a);
}
static void k_destroy(struct backend *b)
{
	close(b->fd);
}

static int u_create(struct backend *b, const struct spec *s)
{
	struct bpfrt_map_create_opts o = {
		.sz = sizeof(o), .map_flags = s->flags, .ncpus = ncpus, .map_extra = s->extra};
	b->m = bpfrt_map__create(s->type, "cmp", s->ks, s->vs, s->max, &o);
	if (!b->m)
		return -errno;
	b->vsz = bpfrt_map__user_value_size(b->m);
	return 0;
}
static int u_update(struct backend *b, const void *k, const void *v, uint64_t f)
{
	return bpfrt_map__update_elem(b->m, k, b->s->ks, v, b->vsz, f);
}
static int u_lookup(struct backend *b, const void *k, void *v)
{
	return bpfrt_map__lookup_elem(b->m, k, b->s->ks, v, b->vsz, 0);
}
static int u_del(struct backend *b, const void *k)
{
	return bpfrt_map__delete_elem(b->m, k, b->s->ks, 0);
}
static int u_lookup_del(struct backend *b, const void *k, void *v)
{
	return bpfrt_map__lookup_and_delete_elem(b->m, k, b->s->ks, v, b->vsz, 0);
}
static int u_next(struct backend *b, const void *k, void *nk)
{
	return bpfrt_map__get_next_key(b->m, k, nk, b->s->ks);
}
static int u_freeze(struct backend *b)
{
	return bpfrt_map__freeze(b->m);
}
static void u_destroy(struct backend *b)
{
	bpfrt_map__free(b->m);
}

static const struct backend kernel_be = {
	.create = k_create, .update = k_update, .lookup = k_lookup, .del = k_del,
	.lookup_del = k_lookup_del, .next = k_next, .freeze = k_freeze, .destroy = k_destroy};
static const struct backend ours_be = {
	.create = u_create, .update = u_update, .lookup = u_lookup, .del = u_del,
	.lookup_del = u_lookup_del, .next = u_next, .freeze = u_freeze, .destroy = u_destroy};

/* ---- the sequence ---- */

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Runs the op sequence for `s`; res[0] is the creation result, then one
 * per op, then (hashed types) a bitmap of keys a full iteration visits. */
static void run_sequence(struct backend b, const struct spec *s, struct res *res)
{
	uint64_t seed = 0x1234567 + s->type * 77 + s->flags;
	b.s = s;
	res[0].ret = b.create(&b, s);
	if (res[0].ret)
		return;
	size_t vsz = s->vs * (s->type == BPF_MAP_TYPE_PERCPU_ARRAY ||
					      s->type == BPF_MAP_TYPE_PERCPU_HASH
				      ? 0
				      : 1);
	if (!vsz)
		vsz = (size_t)ncpus * ((s->vs + 7) & ~7U);
	for (int i = 1; i <= OPS; i++) {
		uint8_t key[8] = {0}, val[MAXV] = {0};
		uint64_t r = rnd(&seed);
		uint32_t kv = (uint32_t)(r >> 8) % s->keys;
		memcpy(key, &kv, s->ks < 4 ? s->ks : 4);
		for (size_t j = 0; j < vsz; j++)
			val[j] = (uint8_t)(r >> (j % 48));
		if (s->type == BPF_MAP_TYPE_PROG_ARRAY)
			val[3] |= 0x40; /* an fd no process has open: EBADF */
		struct res *o = &res[i];
		const void *k = s->ks ? key : NULL;
		switch (r % 16) {
		case 0: case 1: case 2: case 3:
			o->ret = b.update(&b, k, val, BPF_ANY);
			break;
		case 4: case 5:
			o->ret = b.update(&b, k, val, BPF_NOEXIST);
			break;
		case 6:
			o->ret = b.update(&b, k, val, BPF_EXIST);
			break;
		case 7:
			o->ret = b.update(&b, k, val, (r >> 40) % 2 ? 3 : 8);
			break;
		case 8: case 9: case 10:
			o->ret = b.lookup(&b, k, o->out);
			break;
		case 11: case 12:
			o->ret = b.del(&b, k);
			break;
		case 13:
			o->ret = b.lookup_del(&b, k, o->out);
			break;
		default:
			if (!s->ks) {
				o->ret = b.lookup_del(&b, NULL, o->out);
				break;
			}
			const void *from = (r >> 50) % 4 ? k : NULL;
			uint8_t tmp[MAXV];
			/* Hashed: what follows a present key depends on the
			 * hash; only "a key or the end" is comparable. */
			bool present = s->hashed && from && b.lookup(&b, from, tmp) == 0;
			o->ret = b.next(&b, from, o->out);
			if (present && (o->ret == 0 || o->ret == -ENOENT))
				o->ret = 2000;
			if (s->hashed && !o->ret) /* the first key: it exists */
				o->ret = 1000 + b.lookup(&b, o->out, tmp);
			if (s->hashed)
				memset(o->out, 0, sizeof(o->out));
		}
	}
	if (s->hashed) {
		struct res *o = &res[OPS + 1];
		uint8_t key[8];
		const void *cur = NULL;
		while (b.next(&b, cur, key) == 0 && o->ret < 100000) {
			uint32_t kv;
			memcpy(&kv, key, 4);
			o->out[kv / 8 % MAXV] |= (uint8_t)(1 << (kv % 8));
			o->ret++;
			cur = key;
		}
	}
	res[OPS + 2].ret = b.freeze(&b);
	uint8_t key[8] = {0}, val[MAXV] = {0};
	res[OPS + 3].ret = b.update(&b, s->ks ? key : NULL, val, BPF_ANY);
	b.destroy(&b);
}

static struct res *shared_res;

static void compare(const struct spec *s)
{
	size_t n = OPS + 4;
	struct res *ours = calloc(n, sizeof(*ours));
	memset(shared_res, 0, n * sizeof(*shared_res));
	pid_t pid = fork();
	if (pid == 0) {
		run_sequence(kernel_be, s, shared_res);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	run_sequence(ours_be, s, ours);
	for (size_t i = 0; i < n; i++) {
		if (ours[i].ret != shared_res[i].ret ||
		    memcmp(ours[i].out, shared_res[i].out, sizeof(ours[i].out))) {
			print_error("map type %u (%s) flags 0x%x: step %zu: ours %d, kernel %d%s\n",
				    s->type, bpfrt_map_type_name(s->type), s->flags, i, ours[i].ret,
				    shared_res[i].ret,
				    ours[i].ret == shared_res[i].ret ? " (output differs)" : "");
			fail();
		}
	}
	free(ours);
}

static void same_as_kernel(void **state)
{
	(void)state;
	const struct spec specs[] = {
		{BPF_MAP_TYPE_HASH, 4, 8, 16, 0, 24, 0, true},
		{BPF_MAP_TYPE_HASH, 8, 12, 64, BPF_F_NO_PREALLOC, 40, 0, true},
		{BPF_MAP_TYPE_HASH, 4, 4, 8, BPF_F_RDONLY, 8, 0, true},
		{BPF_MAP_TYPE_ARRAY, 4, 12, 16, 0, 20, 0, false},
		{BPF_MAP_TYPE_ARRAY, 4, 8, 4, BPF_F_WRONLY, 8, 0, false},
		{BPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, 8, 0, 10, 0, false},
		{BPF_MAP_TYPE_PERCPU_HASH, 4, 8, 16, 0, 20, 0, true},
		{BPF_MAP_TYPE_LRU_HASH, 4, 8, 1024, 0, 64, 0, true},
		{BPF_MAP_TYPE_QUEUE, 0, 8, 5, 0, 1, 0, false},
		{BPF_MAP_TYPE_STACK, 0, 4, 5, 0, 1, 0, false},
		{BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 8, 0, 10, 0, false},
	};
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		compare(&specs[i]);
}

static void same_creation_errors(void **state)
{
	(void)state;
	const struct spec bad[] = {
		{BPF_MAP_TYPE_HASH, 4, 0, 4, 0, 1, 0, false},
		{BPF_MAP_TYPE_HASH, 0, 4, 4, 0, 1, 0, false},
		{BPF_MAP_TYPE_HASH, 4, 4, 0, 0, 1, 0, false},
		{BPF_MAP_TYPE_HASH, 4, 4, 4, BPF_F_MMAPABLE, 1, 0, false},
		{BPF_MAP_TYPE_HASH, 4, 4, 4, BPF_F_NO_COMMON_LRU, 1, 0, false},
		{BPF_MAP_TYPE_HASH, 4, 4, 4, BPF_F_RDONLY | BPF_F_WRONLY, 1, 0, false},
		{BPF_MAP_TYPE_ARRAY, 8, 4, 4, 0, 1, 0, false},
		{BPF_MAP_TYPE_ARRAY, 4, 4, 4, BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG, 1, 0, false},
		{BPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, 4, BPF_F_MMAPABLE, 1, 0, false},
		{BPF_MAP_TYPE_RINGBUF, 0, 0, 4096 * 3, 0, 1, 0, false},
		{BPF_MAP_TYPE_RINGBUF, 4, 0, 4096, 0, 1, 0, false},
		{BPF_MAP_TYPE_QUEUE, 4, 4, 4, 0, 1, 0, false},
		{BPF_MAP_TYPE_QUEUE, 0, 0, 4, 0, 1, 0, false},
		{BPF_MAP_TYPE_STACK_TRACE, 4, 12, 4, 0, 1, 0, false},
		{BPF_MAP_TYPE_STACK_TRACE, 4, 8 * 128, 4, 0, 1, 0, false},
		{BPF_MAP_TYPE_PROG_ARRAY, 4, 8, 4, 0, 1, 0, false},
		{BPF_MAP_TYPE_BLOOM_FILTER, 0, 4, 4, 0, 1, 16, false},
		{BPF_MAP_TYPE_BLOOM_FILTER, 4, 4, 4, 0, 1, 0, false},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct backend k = kernel_be, u = ours_be;
		memset(shared_res, 0, sizeof(*shared_res));
		pid_t pid = fork();
		if (pid == 0) {
			shared_res[0].ret = k.create(&k, &bad[i]);
			_exit(0);
		}
		waitpid(pid, NULL, 0);
		int r = u.create(&u, &bad[i]);
		if (r != shared_res[0].ret) {
			print_error("bad spec %zu (%s): ours %d, kernel %d\n", i,
				    bpfrt_map_type_name(bad[i].type), r, shared_res[0].ret);
			fail();
		}
		if (!r)
			u.destroy(&u);
	}
}

static uint32_t possible_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	unsigned a = 0, b = 0, n = 0;
	char sep;
	if (!f)
		return 0;
	while (fscanf(f, "%u", &a) == 1) {
		b = a;
		if (fscanf(f, "%c", &sep) == 1 && sep == '-' && fscanf(f, "%u", &b) == 1)
			fscanf(f, "%c", &sep);
		n += b - a + 1;
		if (sep != ',')
			break;
	}
	fclose(f);
	return n;
}

int main(void)
{
	ncpus = possible_cpus();
	if (!ncpus || ncpus * 8 > MAXV) {
		fprintf(stderr, "skipped: %u possible CPUs\n", ncpus);
		return 77;
	}
	shared_res = mmap(NULL, (OPS + 4) * sizeof(struct res), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	/* Probe bpf() in a child, as the comparisons will use it. */
	pid_t pid = fork();
	if (pid == 0) {
		struct backend k = kernel_be;
		struct spec s = {BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, 1, 0, false};
		_exit(k.create(&k, &s) ? 77 : 0);
	}
	int st;
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "skipped: bpf(BPF_MAP_CREATE) is not available\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_as_kernel),
		cmocka_unit_test(same_creation_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
