/* Maps of maps: creation with an inner map template, the kernel's
 * compatibility rule for inner maps, user-side ids and fd resolution,
 * the program-side lookup (the inner map itself) and the lifetime of
 * inner maps removed while a program may hold them. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpfrt/map.h"
#include "bpfrt/vm.h"
#include "maps/map_ops.h"

#define U32(x) (&(uint32_t){(x)})
#define U64(x) (&(uint64_t){(x)})

static struct bpfrt_map *mk(enum bpfrt_map_type t, uint32_t ks, uint32_t vs, uint32_t max,
			    uint32_t flags)
{
	struct bpfrt_map_create_opts o = {.sz = sizeof(o), .map_flags = flags, .ncpus = 2};
	return bpfrt_map__create(t, "inner", ks, vs, max, &o);
}

static struct bpfrt_map *mk_outer(enum bpfrt_map_type t, uint32_t max,
				  const struct bpfrt_map *tmpl, char *log, size_t log_sz)
{
	struct bpfrt_map_create_opts o = {.sz = sizeof(o), .inner_map = tmpl, .ncpus = 2,
					  .log_buf = log, .log_size = log_sz};
	return bpfrt_map__create(t, "outer", 4, 4, max, &o);
}

static uint32_t refs(const struct bpfrt_map *m)
{
	return atomic_load(&((struct bpfrt_map *)m)->refcnt);
}

/* Runs map_gen_lookup's instructions for `key` in the interpreter and
 * the JIT (checked: the slots are map memory) and gives r0. */
static void *run_inline_lookup(struct bpfrt_map *m, uint32_t key)
{
	struct bpfrt_insn p[13] = {
		{.code = BPFRT_ST | BPFRT_MEM | BPFRT_W, .dst_reg = 10, .off = -4, .imm = (int32_t)key},
		{.code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, .dst_reg = 2, .src_reg = 10},
		{.code = BPFRT_ALU64 | BPFRT_ADD | BPFRT_K, .dst_reg = 2, .imm = -4},
	};
	uint64_t r0[2] = {0, 0};
	assert_int_equal(map_gen_lookup(m, p + 3, 8), -ENOSPC);
	assert_int_equal(map_gen_lookup(m, p + 3, 9), 9);
	p[12] = (struct bpfrt_insn){.code = BPFRT_JMP | BPFRT_EXIT};
	for (int jit = 0; jit < 2; jit++) {
		struct bpfrt_vm *vm = bpfrt_vm__new();
		struct bpfrt_prog_opts o = {.sz = sizeof(o), .backend = jit ? BPFRT_BACKEND_JIT : 0,
					    .mode = jit ? BPFRT_EXEC_TRUSTED : BPFRT_EXEC_CHECKED};
		struct bpfrt_prog *prog = bpfrt_prog__load(vm, p, 13, &o);
		struct bpfrt_mem_region r = {.addr = m->region, .size = m->region_sz};
		struct bpfrt_run_opts ro = {.sz = sizeof(ro), .regions = &r, .region_cnt = 1};
		char ctx[8];
		assert_non_null(prog);
		assert_int_equal(bpfrt_prog__run(prog, ctx, sizeof(ctx), &r0[jit], &ro), 0);
		bpfrt_prog__free(prog);
		bpfrt_vm__free(vm);
	}
	assert_int_equal(r0[0], r0[1]);
	return (void *)(uintptr_t)r0[0];
}

static void create_needs_a_fitting_template(void **state)
{
	(void)state;
	char log[160];
	struct bpfrt_map *arr = mk(BPFRT_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	struct bpfrt_map *pa = mk(BPFRT_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0);

	errno = 0;
	assert_null(mk_outer(BPFRT_MAP_TYPE_ARRAY_OF_MAPS, 2, NULL, log, sizeof(log)));
	assert_int_equal(errno, EINVAL);
	assert_string_equal(log, "map outer (array_of_maps): a map of maps needs an inner map "
				 "template (inner_map)");
	assert_null(mk_outer(BPFRT_MAP_TYPE_HASH_OF_MAPS, 2, pa, log, sizeof(log)));
	assert_int_equal(errno, EOPNOTSUPP);
	struct bpfrt_map *outer = mk_outer(BPFRT_MAP_TYPE_ARRAY_OF_MAPS, 2, arr, NULL, 0);
	assert_non_null(outer);
	assert_null(mk_outer(BPFRT_MAP_TYPE_HASH_OF_MAPS, 2, outer, log, sizeof(log)));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(log, "is itself a map of maps"));
	/* value_size is the inner map's fd: 4 bytes */
	struct bpfrt_map_create_opts o = {.sz = sizeof(o), .inner_map = arr};
	assert_null(bpfrt_map__create(BPFRT_MAP_TYPE_ARRAY_OF_MAPS, "o", 4, 8, 2, &o));
	assert_int_equal(errno, EINVAL);
	o.map_flags = BPFRT_F_RDONLY_PROG;
	assert_null(bpfrt_map__create(BPFRT_MAP_TYPE_ARRAY_OF_MAPS, "o", 4, 4, 2, &o));
	assert_int_equal(errno, EINVAL);
	assert_true(bpfrt_map_type_supported(BPFRT_MAP_TYPE_ARRAY_OF_MAPS));
	assert_true(bpfrt_map_type_supported(BPFRT_MAP_TYPE_HASH_OF_MAPS));
	bpfrt_map__free(outer);
	bpfrt_map__free(pa);
	bpfrt_map__free(arr);
}

static void array_of_maps_semantics(void **state)
{
	(void)state;
	struct bpfrt_map *tmpl = mk(BPFRT_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	struct bpfrt_map *outer = mk_outer(BPFRT_MAP_TYPE_ARRAY_OF_MAPS, 3, tmpl, NULL, 0);
	bpfrt_map__free(tmpl); /* only its attributes are kept */
	struct bpfrt_map *a = mk(BPFRT_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	struct bpfrt_map *b = mk(BPFRT_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	uint32_t id, k;

	assert_non_null(outer);
	assert_int_not_equal(bpfrt_map__id(a), 0);
	assert_int_not_equal(bpfrt_map__id(a), bpfrt_map__id(b));
	assert_int_equal(bpfrt_map__lookup_elem(outer, U32(0), 4, &id, 4, 0), -ENOENT);
	assert_null(map_lookup_elem(outer, U32(0), 0));
	assert_int_equal(bpfrt_map__update_inner(outer, U32(0), 4, a, BPFRT_ANY), 0);
	assert_int_equal(bpfrt_map__update_inner(outer, U32(2), 4, b, BPFRT_ANY), 0);
	/* fd arrays take BPF_ANY only; indexes past the end are E2BIG */
	assert_int_equal(bpfrt_map__update_inner(outer, U32(1), 4, a, BPFRT_NOEXIST), -EINVAL);
	assert_int_equal(bpfrt_map__update_inner(outer, U32(3), 4, a, BPFRT_ANY), -E2BIG);
	/* user side: the id; programs: the map */
	assert_int_equal(bpfrt_map__lookup_elem(outer, U32(0), 4, &id, 4, 0), 0);
	assert_int_equal(id, bpfrt_map__id(a));
	assert_ptr_equal(map_lookup_elem(outer, U32(0), 0), a);
	assert_ptr_equal(map_lookup_elem(outer, U32(2), 0), b);
	assert_null(map_lookup_elem(outer, U32(1), 0));
	assert_null(map_lookup_elem(outer, U32(7), 0));
	/* programs cannot change a map of maps */
	assert_int_equal(map_update_elem(outer, U32(1), U32(bpfrt_map__id(a)), 0, 0), -EOPNOTSUPP);
	/* the inline lookup (fixups, as the kernel's array_of_map_gen_lookup)
	 * gives the inner map itself */
	assert_ptr_equal(run_inline_lookup(outer, 0), a);
	assert_ptr_equal(run_inline_lookup(outer, 2), b);
	assert_null(run_inline_lookup(outer, 1));
	assert_null(run_inline_lookup(outer, 3));
	assert_null(run_inline_lookup(outer, UINT32_MAX));
	assert_int_equal(bpfrt_map__get_next_key(outer, NULL, &k, 4), 0);
	assert_int_equal(k, 0);
	assert_int_equal(bpfrt_map__get_next_key(outer, U32(2), &k, 4), -ENOENT);
	/* replace and delete */
	assert_int_equal(bpfrt_map__update_inner(outer, U32(0), 4, b, BPFRT_ANY), 0);
	assert_int_equal(bpfrt_map__lookup_elem(outer, U32(0), 4, &id, 4, 0), 0);
	assert_int_equal(id, bpfrt_map__id(b));
	assert_int_equal(bpfrt_map__delete_elem(outer, U32(0), 4, 0), 0);
	assert_int_equal(bpfrt_map__delete_elem(outer, U32(0), 4, 0), -ENOENT);
	assert_int_equal(bpfrt_map__delete_elem(outer, U32(5), 4, 0), -E2BIG);
	assert_int_equal(bpfrt_map__lookup_elem(outer, U32(0), 4, &id, 4, 0), -ENOENT);
	bpfrt_map__free(outer);
	assert_int_equal(refs(a), 1);
	assert_int_equal(refs(b), 1);
	bpfrt_map__free(a);
	bpfrt_map__free(b);
}

/* The kernel's bpf_map_meta_equal, and array_map_meta_equal's
 * max_entries rule with its BPF_F_INNER_MAP exception. */
static void inner_maps_must_fit_the_template(void **state)
{
	(void)state;
	struct bpfrt_map *tmpl = mk(BPFRT_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	struct bpfrt_map *outer = mk_outer(BPFRT_MAP_TYPE_ARRAY_OF_MAPS, 2, tmpl, NULL, 0);
	struct bpfrt_map *bad[] = {
		mk(BPFRT_MAP_TYPE_ARRAY, 4, 16, 4, 0),		    /* value size */
		mk(BPFRT_MAP_TYPE_ARRAY, 4, 8, 8, 0),		    /* max_entries */
		mk(BPFRT_MAP_TYPE_ARRAY, 4, 8, 4, BPFRT_F_MMAPABLE), /* map_flags */
		mk(BPFRT_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, 0),	    /* type */
		mk(BPFRT_MAP_TYPE_HASH, 4, 8, 4, 0),
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(bpfrt_map__update_inner(outer, U32(0), 4, bad[i], 0), -EINVAL);
		assert_int_equal(refs(bad[i]), 1);
		bpfrt_map__free(bad[i]);
	}
	/* BPF_F_RDONLY/WRONLY are the fd's in the kernel: they do not count */
	struct bpfrt_map *ro = mk(BPFRT_MAP_TYPE_ARRAY, 4, 8, 4, BPFRT_F_RDONLY);
	assert_int_equal(bpfrt_map__update_inner(outer, U32(0), 4, ro, 0), 0);
	bpfrt_map__free(ro);
	bpfrt_map__free(outer);
	bpfrt_map__free(tmpl);

	/* BPF_F_INNER_MAP: arrays of any size */
	tmpl = mk(BPFRT_MAP_TYPE_ARRAY, 4, 8, 4, BPFRT_F_INNER_MAP);
	outer = mk_outer(BPFRT_MAP_TYPE_ARRAY_OF_MAPS, 2, tmpl, NULL, 0);
	struct bpfrt_map *big = mk(BPFRT_MAP_TYPE_ARRAY, 4, 8, 64, BPFRT_F_INNER_MAP);
	struct bpfrt_map *plain = mk(BPFRT_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	assert_int_equal(bpfrt_map__update_inner(outer, U32(0), 4, big, 0), 0);
	assert_int_equal(bpfrt_map__update_inner(outer, U32(1), 4, plain, 0), -EINVAL);
	bpfrt_map__free(big);
	bpfrt_map__free(plain);
	bpfrt_map__free(outer);
	bpfrt_map__free(tmpl);

	/* hashes: max_entries may differ */
	tmpl = mk(BPFRT_MAP_TYPE_HASH, 8, 4, 16, 0);
	outer = mk_outer(BPFRT_MAP_TYPE_HASH_OF_MAPS, 2, tmpl, NULL, 0);
	big = mk(BPFRT_MAP_TYPE_HASH, 8, 4, 1024, 0);
	assert_int_equal(bpfrt_map__update_inner(outer, U32(9), 4, big, 0), 0);
	bpfrt_map__free(big);
	bpfrt_map__free(outer);
	bpfrt_map__free(tmpl);
}

static struct bpfrt_map *resolve(void *ctx, uint32_t fd)
{
	struct bpfrt_map **maps = ctx;
	return fd < 2 ? maps[fd] : NULL;
}

static void hash_of_maps_semantics(void **state)
{
	(void)state;
	struct bpfrt_map *tmpl = mk(BPFRT_MAP_TYPE_HASH, 4, 8, 8, 0);
	struct bpfrt_map *outer = mk_outer(BPFRT_MAP_TYPE_HASH_OF_MAPS, 2, tmpl, NULL, 0);
	struct bpfrt_map *in[2] = {mk(BPFRT_MAP_TYPE_HASH, 4, 8, 8, 0),
				   mk(BPFRT_MAP_TYPE_HASH, 4, 8, 32, 0)};
	uint32_t id, k;

	/* user-side updates name maps through the resolver (the kernel's fds) */
	assert_int_equal(bpfrt_map__update_elem(outer, U32(10), 4, U32(0), 4, 0), -EBADF);
	assert_int_equal(bpfrt_map__set_map_resolver(outer, resolve, in), 0);
	assert_int_equal(bpfrt_map__set_map_resolver(tmpl, resolve, in), -EINVAL);
	assert_int_equal(bpfrt_map__update_elem(outer, U32(10), 4, U32(5), 4, 0), -EBADF);
	assert_int_equal(bpfrt_map__update_elem(outer, U32(10), 4, U32(0), 4, BPFRT_NOEXIST), 0);
	assert_int_equal(bpfrt_map__update_elem(outer, U32(10), 4, U32(1), 4, BPFRT_NOEXIST),
			 -EEXIST);
	assert_int_equal(bpfrt_map__update_elem(outer, U32(20), 4, U32(1), 4, BPFRT_EXIST),
			 -ENOENT);
	assert_int_equal(bpfrt_map__update_elem(outer, U32(20), 4, U32(1), 4, BPFRT_ANY), 0);
	assert_int_equal(bpfrt_map__update_elem(outer, U32(30), 4, U32(1), 4, BPFRT_ANY), -E2BIG);
	assert_int_equal(bpfrt_map__update_elem(outer, U32(10), 4, U32(0), 4, 8), -EINVAL);
	assert_int_equal(bpfrt_map__lookup_elem(outer, U32(10), 4, &id, 4, 0), 0);
	assert_int_equal(id, bpfrt_map__id(in[0]));
	assert_ptr_equal(map_lookup_elem(outer, U32(20), 0), in[1]);
	assert_null(map_lookup_elem(outer, U32(30), 0));
	/* replace in place: the key keeps one element */
	assert_int_equal(bpfrt_map__update_elem(outer, U32(10), 4, U32(1), 4, BPFRT_EXIST), 0);
	assert_ptr_equal(map_lookup_elem(outer, U32(10), 0), in[1]);
	assert_int_equal(bpfrt_map__get_next_key(outer, NULL, &k, 4), 0);
	struct bpfrt_insn buf[16];
	assert_int_equal(map_gen_lookup(outer, buf, 16), 0); /* no inline form: the call */
	assert_int_equal(bpfrt_map__get_next_key(outer, &k, &k, 4), 0);
	assert_int_equal(bpfrt_map__get_next_key(outer, &k, &k, 4), -ENOENT);
	assert_int_equal(bpfrt_map__delete_elem(outer, U32(20), 4, 0), 0);
	assert_int_equal(bpfrt_map__delete_elem(outer, U32(20), 4, 0), -ENOENT);
	assert_int_equal(bpfrt_map__lookup_elem(outer, U32(20), 4, &id, 4, 0), -ENOENT);
	/* an inner map is used as any map */
	struct bpfrt_map *m = map_lookup_elem(outer, U32(10), 0);
	assert_int_equal(map_update_elem(m, U32(1), U64(77), 0, 0), 0);
	assert_int_equal(*(uint64_t *)map_lookup_elem(in[1], U32(1), 0), 77);
	bpfrt_map__free(outer);
	assert_int_equal(refs(in[0]), 1);
	assert_int_equal(refs(in[1]), 1);
	bpfrt_map__free(in[0]);
	bpfrt_map__free(in[1]);
	bpfrt_map__free(tmpl);
}

/* A program that looked an inner map up keeps a valid map when user
 * space removes it and drops its own handle (ASan would see a use after
 * free); the outer map frees it (ASan's leak check sees the rest). */
static void removed_inner_maps_stay_valid(void **state)
{
	(void)state;
	struct bpfrt_map *tmpl = mk(BPFRT_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	struct bpfrt_map *outer = mk_outer(BPFRT_MAP_TYPE_ARRAY_OF_MAPS, 1, tmpl, NULL, 0);
	struct bpfrt_map *a = mk(BPFRT_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	struct bpfrt_map *b = mk(BPFRT_MAP_TYPE_ARRAY, 4, 8, 4, 0);

	assert_int_equal(bpfrt_map__update_inner(outer, U32(0), 4, a, 0), 0);
	assert_int_equal(refs(a), 2);
	bpfrt_map__free(a); /* the outer map's reference keeps it */
	struct bpfrt_map *held = map_lookup_elem(outer, U32(0), 0);
	assert_ptr_equal(held, a);
	assert_int_equal(bpfrt_map__delete_elem(outer, U32(0), 4, 0), 0);
	assert_int_equal(map_update_elem(held, U32(3), U64(5), 0, 0), 0);
	assert_int_equal(*(uint64_t *)map_lookup_elem(held, U32(3), 0), 5);
	assert_int_equal(refs(held), 1); /* retired, not freed */
	/* inserting and removing the same map again retires it once */
	for (int i = 0; i < 100; i++) {
		assert_int_equal(bpfrt_map__update_inner(outer, U32(0), 4, held, 0), 0);
		assert_int_equal(bpfrt_map__update_inner(outer, U32(0), 4, b, 0), 0);
	}
	assert_int_equal(refs(held), 1);
	assert_int_equal(refs(b), 3); /* the handle, the slot, the retired list */
	bpfrt_map__free(outer);
	assert_int_equal(refs(b), 1);
	bpfrt_map__free(b);
	bpfrt_map__free(tmpl);
}

struct swapper {
	struct bpfrt_map *outer, *in[2];
	_Atomic int stop;
};

static void *swap_loop(void *p)
{
	struct swapper *s = p;
	for (int i = 0; i < 20000; i++)
		if (bpfrt_map__update_inner(s->outer, U32(0), 4, s->in[i & 1], 0))
			return (void *)1;
	atomic_store(&s->stop, 1);
	return NULL;
}

/* Lookups while another thread swaps the inner map always find one of
 * the two maps, and every increment lands in one of them. */
static void lookups_race_with_swaps(void **state)
{
	(void)state;
	struct bpfrt_map *tmpl = mk(BPFRT_MAP_TYPE_ARRAY, 4, 8, 1, 0);
	struct swapper s = {.outer = mk_outer(BPFRT_MAP_TYPE_HASH_OF_MAPS, 4, tmpl, NULL, 0),
			    .in = {mk(BPFRT_MAP_TYPE_ARRAY, 4, 8, 1, 0),
				   mk(BPFRT_MAP_TYPE_ARRAY, 4, 8, 1, 0)}};
	assert_int_equal(bpfrt_map__update_inner(s.outer, U32(0), 4, s.in[0], 0), 0);
	pthread_t t;
	uint64_t n = 0;
	assert_int_equal(pthread_create(&t, NULL, swap_loop, &s), 0);
	while (!atomic_load(&s.stop)) {
		struct bpfrt_map *m = map_lookup_elem(s.outer, U32(0), 0);
		assert_true(m == s.in[0] || m == s.in[1]);
		__atomic_fetch_add((uint64_t *)map_lookup_elem(m, U32(0), 0), 1, __ATOMIC_RELAXED);
		n++;
	}
	void *ret;
	pthread_join(t, &ret);
	assert_null(ret);
	assert_int_equal(*(uint64_t *)map_lookup_elem(s.in[0], U32(0), 0) +
				 *(uint64_t *)map_lookup_elem(s.in[1], U32(0), 0),
			 n);
	bpfrt_map__free(s.outer);
	bpfrt_map__free(s.in[0]);
	bpfrt_map__free(s.in[1]);
	bpfrt_map__free(tmpl);
}

/* Another process sees the ids of an array of maps (shared memory) but
 * cannot change the slots, which hold the creator's pointers. */
static void from_fd_reads_ids_only(void **state)
{
	(void)state;
	struct bpfrt_map *tmpl = mk(BPFRT_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	struct bpfrt_map *outer = mk_outer(BPFRT_MAP_TYPE_ARRAY_OF_MAPS, 2, tmpl, NULL, 0);
	struct bpfrt_map *houter = mk_outer(BPFRT_MAP_TYPE_HASH_OF_MAPS, 2, tmpl, NULL, 0);
	uint32_t id;

	assert_int_equal(bpfrt_map__update_inner(outer, U32(1), 4, tmpl, 0), 0);
	assert_int_equal(bpfrt_map__update_inner(houter, U32(1), 4, tmpl, 0), 0);
	struct bpfrt_map *view = bpfrt_map__from_fd(bpfrt_map__fd(outer));
	struct bpfrt_map *hview = bpfrt_map__from_fd(bpfrt_map__fd(houter));
	assert_non_null(view);
	assert_non_null(hview);
	assert_int_equal(bpfrt_map__lookup_elem(view, U32(1), 4, &id, 4, 0), 0);
	assert_int_equal(id, bpfrt_map__id(tmpl));
	assert_int_equal(bpfrt_map__update_inner(view, U32(0), 4, tmpl, 0), -EOPNOTSUPP);
	assert_null(map_lookup_elem(view, U32(1), 0));
	struct bpfrt_insn buf[16];
	assert_int_equal(map_gen_lookup(view, buf, 16), 0);
	assert_int_equal(bpfrt_map__delete_elem(view, U32(1), 4, 0), -EOPNOTSUPP);
	assert_int_equal(bpfrt_map__lookup_elem(hview, U32(1), 4, &id, 4, 0), -EOPNOTSUPP);
	assert_null(map_lookup_elem(hview, U32(1), 0));
	bpfrt_map__free(view);
	bpfrt_map__free(hview);
	bpfrt_map__free(outer);
	bpfrt_map__free(houter);
	assert_int_equal(refs(tmpl), 1);
	bpfrt_map__free(tmpl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_needs_a_fitting_template),
		cmocka_unit_test(array_of_maps_semantics),
		cmocka_unit_test(inner_maps_must_fit_the_template),
		cmocka_unit_test(hash_of_maps_semantics),
		cmocka_unit_test(removed_inner_maps_stay_valid),
		cmocka_unit_test(lookups_race_with_swaps),
		cmocka_unit_test(from_fd_reads_ids_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
