/* Maps of maps against the kernel's through bpf(): the same script of
 * creations (with an inner map template), updates naming inner maps,
 * lookups, deletes and get_next_key gives the same results on both
 * sides. A lookup's result is compared as "the id of which map": the
 * kernel's map ids and bpfrt_map__id() differ, the map they name must
 * not. Without bpf() the test is skipped (77). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bpfrt/map.h"
#include "kbpf.h"

#define MAX_MAPS 16
#define NOT_FOUND 100 /* a lookup's id names no map of the script */

enum op_kind { CREATE, CREATE_OUTER, UPDATE, LOOKUP, DELETE, NEXT_KEY };

struct op {
	enum op_kind kind;
	/* CREATE: type ks vs max flags; CREATE_OUTER: type ks max flags inner;
	 * UPDATE: outer key inner flags; LOOKUP/DELETE: outer key;
	 * NEXT_KEY: outer key (-1: the first) */
	int64_t x[5];
};

struct side {
	bool kernel;
	int fd[MAX_MAPS];
	struct bpfrt_map *m[MAX_MAPS];
	int n;
};

static struct bpfrt_map *resolve(void *ctx, uint32_t fd)
{
	struct side *s = ctx;
	return fd < (uint32_t)s->n ? s->m[fd] : NULL;
}

/* The kernel leaks its internal ENOTSUPP (524); bpfrt says EOPNOTSUPP. */
static int norm(int err)
{
	return err == -524 ? -EOPNOTSUPP : err;
}

static int add_map(struct side *s, int fd, struct bpfrt_map *m)
{
	if (fd < 0 || (!s->kernel && !m))
		return s->kernel ? norm(fd) : -errno;
	s->fd[s->n] = fd;
	s->m[s->n] = m;
	return s->n++;
}

static int which(struct side *s, uint32_t id)
{
	for (int i = 0; i < s->n; i++)
		if (s->kernel ? kbpf_map_id(s->fd[i]) == (int)id : bpfrt_map__id(s->m[i]) == id)
			return i;
	return NOT_FOUND;
}

static int run_op(struct side *s, const struct op *o)
{
	uint32_t key = (uint32_t)o->x[1], v = 0, next = 0;
	int err;

	switch (o->kind) {
	case CREATE:
		if (s->kernel)
			return add_map(s, kbpf_map_create((uint32_t)o->x[0], (uint32_t)o->x[1], (uint32_t)o->x[2],
							  (uint32_t)o->x[3], (uint32_t)o->x[4]), NULL);
		struct bpfrt_map_create_opts co = {.sz = sizeof(co), .map_flags = (uint32_t)o->x[4]};
		return add_map(s, 0, bpfrt_map__create((enum bpfrt_map_type)o->x[0], "k", (uint32_t)o->x[1],
							 (uint32_t)o->x[2], (uint32_t)o->x[3], &co));
	case CREATE_OUTER:
		if (s->kernel)
			return add_map(s, kbpf_map_create_outer((uint32_t)o->x[0], (uint32_t)o->x[1],
								(uint32_t)o->x[2], (uint32_t)o->x[3],
								s->fd[o->x[4]]), NULL);
		struct bpfrt_map_create_opts oo = {.sz = sizeof(oo), .map_flags = (uint32_t)o->x[3],
						   .inner_map = s->m[o->x[4]]};
		err = add_map(s, 0, bpfrt_map__create((enum bpfrt_map_type)o->x[0], "o", (uint32_t)o->x[1],
						      4, (uint32_t)o->x[2], &oo));
		if (err >= 0)
			bpfrt_map__set_map_resolver(s->m[err], resolve, s);
		return err;
	case UPDATE:
		key = (uint32_t)o->x[1];
		if (s->kernel) {
			uint32_t fd = (uint32_t)s->fd[o->x[2]];
			return norm(kbpf_map_update(s->fd[o->x[0]], &key, &fd, (uint64_t)o->x[3]));
		}
		v = (uint32_t)o->x[2];
		return bpfrt_map__update_elem(s->m[o->x[0]], &key, 4, &v, 4, (uint64_t)o->x[3]);
	case LOOKUP:
		err = s->kernel ? kbpf_map_lookup(s->fd[o->x[0]], &key, &v)
				: bpfrt_map__lookup_elem(s->m[o->x[0]], &key, 4, &v, 4, 0);
		return err ? norm(err) : which(s, v);
	case DELETE:
		return s->kernel ? norm(kbpf_map_delete(s->fd[o->x[0]], &key))
				 : bpfrt_map__delete_elem(s->m[o->x[0]], &key, 4, 0);
	case NEXT_KEY:
		err = s->kernel ? kbpf_map_next_key(s->fd[o->x[0]], o->x[1] < 0 ? NULL : &key, &next)
				: bpfrt_map__get_next_key(s->m[o->x[0]], o->x[1] < 0 ? NULL : &key, &next, 4);
		return err ? norm(err) : (int)next;
	}
	return -EINVAL;
}

static void side_free(struct side *s)
{
	for (int i = s->n - 1; i >= 0; i--) {
		if (s->kernel)
			close(s->fd[i]);
		else
			bpfrt_map__free(s->m[i]);
	}
	s->n = 0;
}

/* `deviation`: the index of the one op where bpfrt is meant to differ
 * (the kernel succeeds, bpfrt says EINVAL), or -1. */
static void run_script(const char *name, const struct op *ops, size_t n, long deviation)
{
	struct side k = {.kernel = true}, u = {.kernel = false};
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		int rk = run_op(&k, &ops[i]), ru = run_op(&u, &ops[i]);
		if ((long)i == deviation) {
			if (rk != 0 || ru != -EINVAL) {
				fprintf(stderr, "%s: op %zu: kernel %d, bpfrt %d (expected 0, -EINVAL)\n",
					name, i, rk, ru);
				bad++;
			}
		} else if (rk != ru) {
			fprintf(stderr, "%s: op %zu (kind %d): kernel %d, bpfrt %d\n", name, i,
				ops[i].kind, rk, ru);
			bad++;
		}
		if ((ops[i].kind == CREATE || ops[i].kind == CREATE_OUTER) && (rk < 0) != (ru < 0))
			break; /* the handles no longer line up */
	}
	side_free(&k);
	side_free(&u);
	assert_int_equal(bad, 0);
}

#define A BPFRT_MAP_TYPE_ARRAY
#define PA BPFRT_MAP_TYPE_PERCPU_ARRAY
#define H BPFRT_MAP_TYPE_HASH
#define AOM BPFRT_MAP_TYPE_ARRAY_OF_MAPS
#define HOM BPFRT_MAP_TYPE_HASH_OF_MAPS

static void creation(void **state)
{
	(void)state;
	static const struct op ops[] = {
		{CREATE, {A, 4, 8, 4, 0}},	     /* 0 */
		{CREATE, {BPFRT_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0}}, /* 1 */
		{CREATE_OUTER, {AOM, 4, 2, 0, 0}},    /* 2 */
		{CREATE_OUTER, {HOM, 4, 2, 0, 1}},    /* a prog array as template */
		{CREATE_OUTER, {HOM, 4, 2, 0, 2}},    /* a map of maps as template */
		{CREATE_OUTER, {AOM, 4, 2, BPFRT_F_RDONLY_PROG, 0}},
		{CREATE_OUTER, {HOM, 4, 2, BPFRT_F_WRONLY_PROG, 0}},
		{CREATE_OUTER, {AOM, 8, 2, 0, 0}},    /* array key 8 */
		{CREATE_OUTER, {AOM, 4, 0, 0, 0}},    /* max_entries 0 */
		{CREATE_OUTER, {HOM, 8, 2, BPFRT_F_NO_PREALLOC, 0}}, /* 3 */
		{CREATE_OUTER, {AOM, 4, 2, BPFRT_F_NO_PREALLOC, 0}},
	};
	run_script("creation", ops, sizeof(ops) / sizeof(ops[0]), -1);
}

/* bpf_map_meta_equal and array_map_meta_equal: which inner maps fit. */
static void fit(void **state)
{
	(void)state;
	static const struct op ops[] = {
		{CREATE, {A, 4, 8, 4, 0}},		/* 0: template */
		{CREATE_OUTER, {AOM, 4, 4, 0, 0}},	/* 1 */
		{CREATE, {A, 4, 8, 4, 0}},		/* 2: fits */
		{CREATE, {A, 4, 16, 4, 0}},		/* 3: value size */
		{CREATE, {A, 4, 8, 8, 0}},		/* 4: max_entries */
		{CREATE, {A, 4, 8, 4, BPFRT_F_RDONLY}},	/* 5: flags */
		{CREATE, {H, 4, 8, 4, 0}},		/* 6: type */
		{UPDATE, {1, 0, 2, 0}}, {UPDATE, {1, 1, 3, 0}}, {UPDATE, {1, 1, 4, 0}},
		{UPDATE, {1, 1, 5, 0}}, {UPDATE, {1, 1, 6, 0}}, {UPDATE, {1, 1, 1, 0}},
		{CREATE, {A, 4, 8, 4, BPFRT_F_INNER_MAP}}, /* 7: template of any size */
		{CREATE_OUTER, {AOM, 4, 4, 0, 7}},	/* 8 */
		{CREATE, {A, 4, 8, 64, BPFRT_F_INNER_MAP}}, /* 9 */
		{CREATE, {A, 4, 8, 1, BPFRT_F_INNER_MAP}}, /* 10 */
		{UPDATE, {8, 0, 9, 0}}, {UPDATE, {8, 1, 10, 0}}, {UPDATE, {8, 2, 2, 0}},
		{LOOKUP, {8, 0}}, {LOOKUP, {8, 1}}, {LOOKUP, {8, 2}},
		{CREATE, {PA, 4, 8, 4, 0}},		/* 11: per-CPU template */
		{CREATE_OUTER, {HOM, 4, 4, 0, 11}},	/* 12 */
		{CREATE, {PA, 4, 8, 8, 0}},		/* 13: per-CPU, other size */
		{CREATE, {H, 4, 8, 2, 0}},		/* 14: a hash template */
		{CREATE_OUTER, {HOM, 4, 4, 0, 14}},	/* 15 */
		{UPDATE, {12, 5, 13, 0}}, /* op 28: the kernel takes it, bpfrt does not */
		{UPDATE, {12, 5, 11, 0}},
		{UPDATE, {15, 5, 6, 0}},			/* hashes: max_entries may differ */
		{LOOKUP, {15, 5}},
	};
	run_script("fit", ops, sizeof(ops) / sizeof(ops[0]), 28);
}

static void array_of_maps_ops(void **state)
{
	(void)state;
	static const struct op ops[] = {
		{CREATE, {A, 4, 8, 4, 0}},	 /* 0 */
		{CREATE, {A, 4, 8, 4, 0}},	 /* 1 */
		{CREATE_OUTER, {AOM, 4, 3, 0, 0}}, /* 2 */
		{LOOKUP, {2, 0}}, {NEXT_KEY, {2, -1}}, {NEXT_KEY, {2, 1}}, {NEXT_KEY, {2, 2}}, {NEXT_KEY, {2, 9}},
		{UPDATE, {2, 0, 0, BPFRT_ANY}}, {UPDATE, {2, 1, 1, BPFRT_NOEXIST}},
		{UPDATE, {2, 1, 1, BPFRT_EXIST}}, {UPDATE, {2, 3, 1, BPFRT_ANY}},
		{UPDATE, {2, 2, 1, BPFRT_ANY}}, {LOOKUP, {2, 0}}, {LOOKUP, {2, 1}}, {LOOKUP, {2, 2}},
		{LOOKUP, {2, 3}}, {UPDATE, {2, 0, 1, BPFRT_ANY}}, {LOOKUP, {2, 0}},
		{DELETE, {2, 0}}, {DELETE, {2, 0}}, {DELETE, {2, 1}}, {DELETE, {2, 7}}, {LOOKUP, {2, 0}},
		{UPDATE, {2, 0, 0, BPFRT_ANY}}, {LOOKUP, {2, 0}},
	};
	run_script("array_of_maps", ops, sizeof(ops) / sizeof(ops[0]), -1);
}

static void hash_of_maps_ops(void **state)
{
	(void)state;
	static const struct op ops[] = {
		{CREATE, {H, 4, 8, 4, 0}},	 /* 0 */
		{CREATE, {H, 4, 8, 4, 0}},	 /* 1 */
		{CREATE_OUTER, {HOM, 4, 2, 0, 0}}, /* 2 */
		{LOOKUP, {2, 5}}, {NEXT_KEY, {2, -1}}, {DELETE, {2, 5}},
		{UPDATE, {2, 5, 0, BPFRT_EXIST}}, {UPDATE, {2, 5, 0, BPFRT_NOEXIST}},
		{UPDATE, {2, 5, 1, BPFRT_NOEXIST}}, {UPDATE, {2, 5, 1, BPFRT_EXIST}}, {LOOKUP, {2, 5}},
		{UPDATE, {2, 6, 0, BPFRT_ANY}}, {UPDATE, {2, 7, 0, BPFRT_ANY}}, {UPDATE, {2, 6, 1, BPFRT_ANY}},
		{UPDATE, {2, 6, 1, 4 /* BPF_F_LOCK */}}, {UPDATE, {2, 6, 1, 9}},
		{LOOKUP, {2, 6}}, {DELETE, {2, 5}}, {LOOKUP, {2, 5}}, {UPDATE, {2, 7, 0, BPFRT_ANY}},
		{LOOKUP, {2, 7}}, {DELETE, {2, 7}}, {DELETE, {2, 6}}, {NEXT_KEY, {2, -1}},
	};
	run_script("hash_of_maps", ops, sizeof(ops) / sizeof(ops[0]), -1);
}

int main(void)
{
	int fd = kbpf_map_create(BPFRT_MAP_TYPE_ARRAY, 4, 8, 1, 0);
	if (fd < 0) {
		fprintf(stderr, "bpf(BPF_MAP_CREATE): %s: skipped\n", strerror(-fd));
		return 77;
	}
	close(fd);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(creation),
		cmocka_unit_test(fit),
		cmocka_unit_test(array_of_maps_ops),
		cmocka_unit_test(hash_of_maps_ops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
