/* SPDX-License-Identifier: MIT */
/*
 * examples/bpf/map_in_map.v4.o run by the kernel (libbpf loads the object:
 * its maps of maps and prog array get their `.values`; BPF_PROG_TEST_RUN
 * runs the programs, in a forked child with a timeout) and by bpfrt's
 * runtime (interpreter and JIT): the same return values, the same inner
 * maps in the outer maps' slots, the same counts in the inner maps.
 * Exits 77 without bpf().
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "bpfrt/object.h"
#include "bpfrt/runtime.h"
#include "kbpf.h"
#include "libbpf_side.h"
#include "runtime_open.h"

#define OBJ BPF_EXAMPLES_DIR "/map_in_map.v4.o"
#define PKT PKT_DIR "/udp9.pkt"

/* What a run of the object leaves: dispatch once, count_by_id three
 * times. Slots name maps by their names' first letter. */
struct outcome {
	int err;
	uint32_t dispatch_ret, count_ret;
	uint64_t inner_a0, inner_b1;
	char outer0, outer1, by_id7;
};

static uint8_t pkt[64];
static size_t pkt_len;

static char k_slot(struct bpf_object *obj, const char *outer, uint32_t key)
{
	uint32_t id;
	if (bpf_map__lookup_elem(bpf_object__find_map_by_name(obj, outer), &key, 4, &id, 4, 0))
		return '-';
	const char *names[] = { "inner_a", "inner_b" };
	for (int i = 0; i < 2; i++)
		if (kbpf_map_id(bpf_map__fd(bpf_object__find_map_by_name(obj, names[i]))) == (int)id)
			return names[i][6];
	return '?';
}

static int k_run(struct bpf_object *obj, const char *prog, int repeat, uint32_t *ret)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = (uint32_t)pkt_len,
		    .repeat = repeat);
	int err = bpf_prog_test_run_opts(bpf_program__fd(bpf_object__find_program_by_name(obj, prog)),
					 &o);
	*ret = o.retval;
	return err;
}

static int kernel_side(void *arg, void *shm)
{
	struct outcome *out = shm;
	uint32_t zero = 0, one = 1;
	(void)arg;
	libbpf_set_print(libbpf_side_quiet);
	struct bpf_object *obj = bpf_object__open_file(OBJ, NULL);
	if (!obj || bpf_object__load(obj))
		return 1;
	if (k_run(obj, "dispatch", 1, &out->dispatch_ret) ||
	    k_run(obj, "count_by_id", 3, &out->count_ret))
		return 2;
	bpf_map__lookup_elem(bpf_object__find_map_by_name(obj, "inner_a"), &zero, 4, &out->inner_a0,
			     8, 0);
	bpf_map__lookup_elem(bpf_object__find_map_by_name(obj, "inner_b"), &one, 4, &out->inner_b1,
			     8, 0);
	out->outer0 = k_slot(obj, "outer", 0);
	out->outer1 = k_slot(obj, "outer", 1);
	out->by_id7 = k_slot(obj, "by_id", 7);
	bpf_object__close(obj);
	return 0;
}

static char u_slot(struct bpfrt_runtime *rt, const char *outer, uint32_t key)
{
	uint32_t id;
	if (bpfrt_map__lookup_elem(bpfrt_runtime__find_map(rt, outer), &key, 4, &id, 4, 0))
		return '-';
	const char *names[] = { "inner_a", "inner_b" };
	for (int i = 0; i < 2; i++)
		if (bpfrt_map__id(bpfrt_runtime__find_map(rt, names[i])) == id)
			return names[i][6];
	return '?';
}

static uint32_t u_run(struct bpfrt_runtime *rt, const char *name, uint64_t repeat)
{
	struct bpfrt_prog *p = bpfrt_runtime__prog(rt, name);
	struct bpfrt_runtime_run_opts o = { .sz = sizeof(o), .repeat = repeat };
	uint8_t data[64];
	uint64_t r0 = 0;
	if (!p)
		fail_msg("%s: %s", name, bpfrt_runtime__log(rt));
	assert_true(bpfrt_runtime__prog_verified(rt, name));
	memcpy(data, pkt, pkt_len);
	assert_int_equal(bpfrt_runtime__run(rt, p, data, pkt_len, &r0, &o), 0);
	return (uint32_t)r0;
}

static void ours(enum bpfrt_backend backend, struct outcome *out)
{
	char log[256] = "";
	struct bpfrt_object *obj;
	struct bpfrt_runtime *rt = runtime_open(OBJ, backend, &obj, log, sizeof(log));
	uint32_t zero = 0, one = 1;
	if (!rt)
		fail_msg("runtime: %s", log);
	out->dispatch_ret = u_run(rt, "dispatch", 1);
	out->count_ret = u_run(rt, "count_by_id", 3);
	assert_int_equal(bpfrt_map__lookup_elem(bpfrt_runtime__find_map(rt, "inner_a"), &zero, 4,
						&out->inner_a0, 8, 0), 0);
	assert_int_equal(bpfrt_map__lookup_elem(bpfrt_runtime__find_map(rt, "inner_b"), &one, 4,
						&out->inner_b1, 8, 0), 0);
	out->outer0 = u_slot(rt, "outer", 0);
	out->outer1 = u_slot(rt, "outer", 1);
	out->by_id7 = u_slot(rt, "by_id", 7);
	bpfrt_runtime__free(rt);
	bpfrt_object__close(obj);
}

static void same_as_the_kernel(void **state)
{
	(void)state;
	struct outcome k = { 0 }, u;
	libbpf_side_run(kernel_side, &k, sizeof(k));
	/* the program's own expectations: tail call to tail_target, three counts */
	assert_int_equal(k.dispatch_ret, 42);
	assert_int_equal(k.count_ret, 3);
	for (int b = 0; b < 2; b++) {
		memset(&u, 0, sizeof(u));
		ours(b ? BPFRT_BACKEND_JIT : BPFRT_BACKEND_INTERP, &u);
		assert_int_equal(u.dispatch_ret, k.dispatch_ret);
		assert_int_equal(u.count_ret, k.count_ret);
		assert_int_equal(u.inner_a0, k.inner_a0);
		assert_int_equal(u.inner_b1, k.inner_b1);
		assert_int_equal(u.outer0, k.outer0);
		assert_int_equal(u.outer1, k.outer1);
		assert_int_equal(u.by_id7, k.by_id7);
	}
	assert_int_equal(k.outer0, 'a');
	assert_int_equal(k.by_id7, 'b');
}

int main(void)
{
	if (kbpf_available()) {
		fprintf(stderr, "no bpf(): skipped\n");
		return 77;
	}
	FILE *f = fopen(PKT, "rb");
	if (!f)
		return 1;
	pkt_len = fread(pkt, 1, sizeof(pkt), f);
	fclose(f);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_as_the_kernel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
