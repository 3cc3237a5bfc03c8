/* SPDX-License-Identifier: MIT */
/*
 * Every helper through a real BPF program (tests/helpers/progs/, built with
 * clang -target bpf): each program is loaded by the runtime (object, maps,
 * fixups, VM) and run; programs return 0 or the number of the check that
 * failed, and leave results in globals the test compares with its own view.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cmocka.h>

#include "bpfrt/map.h"
#include "bpfrt/object.h"
#include "bpfrt/runtime.h"

#ifndef PROGS_DIR
#error PROGS_DIR must name the folder of the compiled test programs
#endif

static char trace[4096];

static void trace_sink(void *ctx, const char *msg, size_t len)
{
	(void)ctx;
	strncat(trace, msg, len < sizeof(trace) - strlen(trace) - 2 ? len : 0);
	if (len && msg[len - 1] != '\n')
		strcat(trace, "\n");
}

struct loaded {
	struct bpfrt_object *obj;
	struct bpfrt_runtime *rt;
};

static struct loaded load_path(const char *path)
{
	char log[512] = "";
	struct loaded l;

	struct bpfrt_object_opts oo = { .sz = sizeof(oo), .log_buf = log, .log_size = sizeof(log) };
	l.obj = bpfrt_object__open_file(path, &oo);
	if (!l.obj)
		fail_msg("%s: %s", path, log);
	struct bpfrt_runtime_opts ro = {
		.sz = sizeof(ro), .trace_fn = trace_sink, .log_buf = log, .log_size = sizeof(log),
	};
	l.rt = bpfrt_runtime__new(l.obj, &ro);
	if (!l.rt)
		fail_msg("%s: %s", path, log);
	return l;
}

static struct loaded load(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.bpf.o", PROGS_DIR, name);
	return load_path(path);
}

static void unload(struct loaded *l)
{
	bpfrt_runtime__free(l->rt);
	bpfrt_object__close(l->obj);
}

static uint64_t run_ctx(struct loaded *l, const char *prog, void *ctx, size_t ctx_size)
{
	char log[512] = "";
	struct bpfrt_prog *p = bpfrt_runtime__prog(l->rt, prog);
	uint64_t r0 = ~0ull;

	if (!p)
		fail_msg("load %s: %s", prog, bpfrt_runtime__log(l->rt));
	struct bpfrt_runtime_run_opts o = { .sz = sizeof(o), .log_buf = log, .log_size = sizeof(log) };
	int err = bpfrt_runtime__run(l->rt, p, ctx, ctx_size, &r0, &o);
	if (err)
		fail_msg("run %s: %d %s", prog, err, log);
	return r0;
}

static uint64_t run(struct loaded *l, const char *prog)
{
	uint8_t ctx[64] = { 0 };

	return run_ctx(l, prog, ctx, sizeof(ctx));
}

/* The value of global `var` in data map `map` (".bss", ".data"). */
static void global(struct loaded *l, const char *map, size_t off, void *out, size_t size)
{
	struct bpfrt_map *m = bpfrt_runtime__find_map(l->rt, map);
	uint8_t val[256];
	uint32_t zero = 0;

	assert_non_null(m);
	assert_true(bpfrt_map__value_size(m) <= sizeof(val));
	assert_int_equal(bpfrt_map__lookup_elem(m, &zero, 4, val, bpfrt_map__value_size(m), 0), 0);
	memcpy(out, val + off, size);
}

static void map_helpers(void **state)
{
	(void)state;
	struct loaded l = load("maps");
	uint32_t k = 1;
	uint64_t v = 0;

	assert_int_equal(run(&l, "hash_ops"), 0);
	assert_int_equal(bpfrt_map__lookup_elem(bpfrt_runtime__find_map(l.rt, "hash"), &k, 4, &v, 8, 0),
			 0);
	assert_int_equal(v, 11);
	assert_int_equal(run(&l, "queue_stack_ops"), 0);
	assert_int_equal(run(&l, "percpu_ops"), 0);
	assert_int_equal(run(&l, "spin"), 0);
	assert_int_equal(run(&l, "spin"), 0);
	/* its array lookup was inlined (map_gen_lookup): more instructions */
	assert_true(bpfrt_prog__insn_cnt(bpfrt_runtime__prog(l.rt, "spin")) >
		    bpfrt_program__insn_cnt(bpfrt_object__find_prog(l.obj, "spin")));
	unload(&l);
}

static void callbacks(void **state)
{
	(void)state;
	struct loaded l = load("maps");

	assert_int_equal(run(&l, "loop"), 0);
	assert_int_equal(run(&l, "for_each"), 0);
	unload(&l);
}

static void tail_call(void **state)
{
	(void)state;
	struct loaded l = load("tail");
	struct bpfrt_map *jmp = bpfrt_runtime__find_map(l.rt, "jmp");
	uint32_t k = 0, target = 1; /* `target` is the object's second program */
	uint64_t after = 9;

	assert_int_equal(run(&l, "entry"), 1); /* empty slot: falls through */
	assert_int_equal(bpfrt_map__update_elem(jmp, &k, 4, &target, 4, 0), 0);
	assert_int_equal(run(&l, "entry"), 42);
	global(&l, ".bss", 0, &after, 8);
	assert_int_equal(after, 1); /* only the first run went on after the call */
	unload(&l);
}

static int records;
static int count_record(void *ctx, void *data, size_t size)
{
	static const uint64_t want[] = { 0x1111111111111111ull, 0x2222222222222222ull };

	(void)ctx;
	assert_int_equal(size, 8);
	assert_memory_equal(data, &want[records], 8);
	records++;
	return 0;
}

static int perf_samples;
static void perf_sample(void *ctx, int cpu, void *data, uint32_t size)
{
	(void)ctx, (void)cpu;
	assert_int_equal(size, 4);
	assert_int_equal(*(uint32_t *)data, 0xabcd);
	perf_samples++;
}

static void output_helpers(void **state)
{
	(void)state;
	struct loaded l = load("output");
	struct bpfrt_ring_buffer *rb =
		bpfrt_ring_buffer__new(bpfrt_runtime__find_map(l.rt, "rb"), count_record, NULL, NULL);

	assert_non_null(rb);
	assert_int_equal(run(&l, "ringbuf"), 0);
	assert_int_equal(bpfrt_ring_buffer__consume(rb), 2);
	assert_int_equal(records, 2);
	bpfrt_ring_buffer__free(rb);

	assert_int_equal((int64_t)run(&l, "perf_output"), -ENOENT);
	struct bpfrt_perf_buffer *pb = bpfrt_perf_buffer__new(bpfrt_runtime__find_map(l.rt, "events"),
							      1, perf_sample, NULL, NULL);
	assert_non_null(pb);
	assert_int_equal(run(&l, "perf_output"), 0);
	assert_true(bpfrt_perf_buffer__consume(pb) >= 0);
	assert_int_equal(perf_samples, 1);
	bpfrt_perf_buffer__free(pb);

	assert_int_equal(run(&l, "stack"), 0);
	unload(&l);
}

static void misc_helpers(void **state)
{
	(void)state;
	struct loaded l = load("misc");
	const struct bpfrt_object *obj = l.obj;
	char text[32], comm[16];
	uint64_t pid_tgid = 0, uid_gid = 0;

	trace[0] = '\0';
	assert_int_equal(run(&l, "print"), 0);
	assert_string_equal(trace, "hello 42 world\nfour args 1 2 3 4\n");
	assert_int_equal(run(&l, "fmt"), strlen("7-x") + 1);
	assert_int_equal(run(&l, "clocks"), 0);
	prctl(PR_SET_NAME, "progtest");
	assert_int_equal(run(&l, "ids"), 0);

	/* .bss: pid_tgid, uid_gid, cpu, comm[16], text[32], ... in declaration order */
	int idx = bpfrt_object__find_map(obj, ".bss");
	assert_true(idx >= 0);
	global(&l, ".bss", 0, &pid_tgid, 8);
	global(&l, ".bss", 8, &uid_gid, 8);
	global(&l, ".bss", 24, comm, 16);
	global(&l, ".bss", 40, text, 32);
	assert_int_equal(pid_tgid >> 32, (uint64_t)getpid());
	assert_int_equal((uint32_t)pid_tgid, (uint32_t)gettid());
	assert_int_equal(uid_gid, ((uint64_t)getgid() << 32) | getuid());
	assert_string_equal(comm, "progtest");
	uint64_t cpu = 0;
	global(&l, ".bss", 16, &cpu, 8);
	assert_true(cpu < (uint64_t)sysconf(_SC_NPROCESSORS_CONF));
	assert_string_equal(text, "7-x");

	/* probe_read of the test's own memory, through an address in .bss */
	static const char secret[16] = "sixteen-bytes!";
	struct bpfrt_map *bss = bpfrt_runtime__find_map(l.rt, ".bss");
	uint8_t val[256];
	uint32_t zero = 0;
	uint64_t addr = (uintptr_t)secret, got;
	char str[16];

	assert_int_equal(bpfrt_map__lookup_elem(bss, &zero, 4, val, bpfrt_map__value_size(bss), 0), 0);
	memcpy(val + 72, &addr, 8); /* src_addr follows text[32] */
	assert_int_equal(bpfrt_map__update_elem(bss, &zero, 4, val, bpfrt_map__value_size(bss), 0), 0);
	assert_int_equal(run(&l, "probe"), 0);
	global(&l, ".bss", 80, &got, 8);
	global(&l, ".bss", 88, str, 16);
	assert_memory_equal(&got, secret, 8);
	assert_string_equal(str, secret);

	assert_int_equal(run(&l, "dynptr"), 0);
	unload(&l);
}

static void tracing_helpers(void **state)
{
	(void)state;
	struct loaded l = load("tracing");
	uint64_t args[3] = { 5, 6, 7 }, nargs = 0, arg1 = 0, ret = 0, err = 1;

	/* fentry/fexit/fsession return 0; a failed check sets res.err */
	assert_int_equal(run_ctx(&l, "args", args, sizeof(args)), 0);
	assert_true(bpfrt_runtime__prog_verified(l.rt, "args"));
	global(&l, ".bss", 40, &err, 8);
	assert_int_equal(err, 0);
	global(&l, ".bss", 0, &nargs, 8);
	global(&l, ".bss", 8, &arg1, 8);
	assert_int_equal(nargs, 3);
	assert_int_equal(arg1, 6);
	/* fexit: the return value follows the arguments; prog run leaves it 0 */
	assert_int_equal(run_ctx(&l, "result", args, sizeof(args)), 0);
	global(&l, ".bss", 32, &ret, 8);
	assert_int_equal(ret, 0);
	assert_int_equal(run_ctx(&l, "session", args, sizeof(args)), 0);
	global(&l, ".bss", 40, &err, 8);
	assert_int_equal(err, 0);
	assert_int_equal(run(&l, "throws"), 7);
	unload(&l);
}

/* Global data maps start with their sections' bytes; .rodata is frozen. */
static void global_data(void **state)
{
	(void)state;
	struct loaded l = load_path(EXAMPLES_DIR "/global_data.v3.o");
	uint32_t zero = 0, ctx[16] = { 2 };
	uint64_t v = 0, scale = 0;

	for (size_t i = 0; i < bpfrt_object__map_cnt(l.obj); i++) {
		const struct bpfrt_map_spec *s = bpfrt_object__map(l.obj, i);
		struct bpfrt_map *m = bpfrt_runtime__map(l.rt, i);
		uint8_t val[256] = { 0 };

		if (s->origin != BPFRT_MAP_DATA && s->origin != BPFRT_MAP_RODATA)
			continue;
		assert_int_equal(bpfrt_map__lookup_elem(m, &zero, 4, val, s->value_size, 0), 0);
		if (s->init_data)
			assert_memory_equal(val, s->init_data, s->init_size);
		if (s->origin == BPFRT_MAP_RODATA)
			assert_int_equal(bpfrt_map__update_elem(m, &zero, 4, val, s->value_size, 0),
					 -EPERM);
	}
	global(&l, ".rodata", 8, &scale, 8);
	assert_int_equal(scale, 3);
	assert_int_equal(run_ctx(&l, "global_data", ctx, sizeof(ctx)), 3);
	assert_int_equal(run_ctx(&l, "global_data", ctx, sizeof(ctx)), 6);
	global(&l, ".data", 0, &v, 8);
	assert_int_equal(v, 102);
	unload(&l);
}

/* With a verifier built in, an accepted program runs trusted; without,
 * every program runs checked and BPFRT_VERIFY_REQUIRE refuses them. */
static void verification(void **state)
{
	(void)state;
	struct loaded l = load("maps");

	assert_int_equal(run(&l, "hash_ops"), 0);
	assert_true(bpfrt_runtime__prog_verified(l.rt, "hash_ops"));
	unload(&l);
}

/* The same programs through the JIT (verified programs only). */
static void through_the_jit(void **state)
{
	(void)state;
	char path[512], log[512] = "";
	uint8_t ctx[64] = { 0 };
	uint64_t r0 = 1;

	snprintf(path, sizeof(path), "%s/maps.bpf.o", PROGS_DIR);
	struct bpfrt_object *obj = bpfrt_object__open_file(path, NULL);
	struct bpfrt_runtime_opts ro = {
		.sz = sizeof(ro), .backend = BPFRT_BACKEND_JIT, .log_buf = log, .log_size = sizeof(log),
	};
	struct bpfrt_runtime *rt = bpfrt_runtime__new(obj, &ro);
	struct bpfrt_vm *vm = rt ? bpfrt_runtime__vm(rt) : NULL;

	assert_non_null(rt);
	if (!bpfrt_vm__has_backend(vm, BPFRT_BACKEND_JIT)) {
		bpfrt_runtime__free(rt);
		bpfrt_object__close(obj);
		skip();
	}
	static const char *const progs[] = { "hash_ops", "queue_stack_ops", "loop", "for_each",
					     "spin" };
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		struct bpfrt_prog *p = bpfrt_runtime__prog(rt, progs[i]);

		if (!p)
			fail_msg("%s: %s", progs[i], bpfrt_runtime__log(rt));
		assert_string_equal(bpfrt_prog__backend_name(p), "jit");
		assert_int_equal(bpfrt_runtime__run(rt, p, ctx, sizeof(ctx), &r0, NULL), 0);
		if (r0)
			fail_msg("%s returned %llu under the JIT", progs[i], (unsigned long long)r0);
	}
	bpfrt_runtime__free(rt);
	bpfrt_object__close(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(map_helpers),	  cmocka_unit_test(callbacks),
		cmocka_unit_test(tail_call),	  cmocka_unit_test(output_helpers),
		cmocka_unit_test(misc_helpers),	  cmocka_unit_test(tracing_helpers),
		cmocka_unit_test(global_data),	  cmocka_unit_test(verification),
		cmocka_unit_test(through_the_jit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
