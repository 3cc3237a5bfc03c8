/* SPDX-License-Identifier: MIT */
/*
 * bench-maps-kernel: map lookups and updates made by a BPF program
 * (maps_ops.bpf.c: OPS operations per run), run by the kernel through
 * BPF_PROG_TEST_RUN and by bpfrt (interpreter and JIT) through
 * bpfrt_runtime__run, side by side. The kernel side uses libbpf to open,
 * load and fill the object, all in a forked child (tests/support/kbpf.h:
 * the kernel verifier on these machines can kill its caller).
 *
 * ringbuf_output measures bpf_ringbuf_output with a consumer thread
 * busy-polling the ring (libbpf's ring_buffer__consume for the kernel,
 * bpfrt_ring_buffer__consume for bpfrt) and reports the share of records
 * that reached it.
 *
 * Every engine's checksum is checked against the expected one before timing. Time is
 * thread CPU time for bpfrt and the kernel's own test-run timer, per
 * program run, divided by OPS: ns per map operation, loop included.
 * Output: a markdown table on stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench_time.h"
#include "kbpf.h"
#ifdef BENCH_HAVE_RUNTIME /* set by CMake when bpfrt/runtime.h exists */
#include "bpfrt/runtime.h"
#endif

#define OPS 256	 /* operations per program run (maps_ops.bpf.c) */
#define KEYS 64
#define MAX_RUNS 32

static const char *const progs[] = {
	"array_lookup",	       "hash_lookup",  "lru_hash_lookup", "percpu_array_lookup",
	"array_update",	       "hash_update",  "lru_hash_update", "ringbuf_output",
};
#define NPROGS (sizeof(progs) / sizeof(progs[0]))
static const char *const maps[] = {"array", "hash", "lru_hash", "percpu_array"};
#define NMAPS (sizeof(maps) / sizeof(maps[0]))

enum { E_KERNEL, E_INTERP, E_JIT, NENGINES };
static const char *const engine_names[NENGINES] = {"kernel JIT", "bpfrt interp", "bpfrt JIT"};

struct cell {
	bool ok;
	uint32_t retval;
	double min, median; /* ns per operation */
	char why[200];	    /* when !ok */
	uint64_t produced, delivered; /* ringbuf: calls, records consumed */
};
static struct cell cells[NPROGS][NENGINES];
static unsigned runs = 7, batch_ms = 20;
static const char *obj_path = BENCH_MAPS_OBJ;

static void summarize(struct cell *c, double *s, unsigned n)
{
	bench_min_median(s, n, &c->min, &c->median);
	c->ok = true;
}

/* The value every map holds for key k before each program runs. */
static uint64_t initial_value(uint32_t k)
{
	return (uint64_t)k * 3;
}

/* A run's checksum: lookups sum the values of OPS keys cycling over all
 * KEYS; updates count their successes. */
static uint32_t expected(const char *prog)
{
	uint64_t sum = 0;
	if (strstr(prog, "update") || strstr(prog, "ringbuf"))
		return OPS;
	for (uint32_t i = 0; i < OPS; i++)
		sum += initial_value((i * 7) & (KEYS - 1));
	return (uint32_t)sum;
}

/* ---- the kernel, through libbpf in a child ----------------------------- */

struct kernel_out {
	char err[160];
	struct {
		int32_t status; /* 0 ok, else -errno */
		uint32_t retval;
		uint32_t durations[MAX_RUNS];
		uint64_t produced, delivered;
	} prog[NPROGS];
};

/* A consumer thread busy-polling a ring buffer while the program runs. */
struct consumer {
	pthread_t thread;
	atomic_bool stop;
	uint64_t count;
	int (*consume)(void *rb);
	void *rb;
};

static int count_record(void *ctx, void *data, size_t size)
{
	(void)data, (void)size;
	((struct consumer *)ctx)->count++;
	return 0;
}

static void *consumer_main(void *arg)
{
	struct consumer *c = arg;
	while (!atomic_load_explicit(&c->stop, memory_order_relaxed))
		c->consume(c->rb);
	c->consume(c->rb); /* drain */
	return NULL;
}

static int consumer_start(struct consumer *c)
{
	atomic_store(&c->stop, false);
	c->count = 0;
	return pthread_create(&c->thread, NULL, consumer_main, c) ? -EAGAIN : 0;
}

static uint64_t consumer_stop(struct consumer *c)
{
	atomic_store(&c->stop, true);
	pthread_join(c->thread, NULL);
	return c->count;
}

static int libbpf_consume(void *rb)
{
	return ring_buffer__consume(rb);
}

static int fill_kernel_maps(struct bpf_object *obj)
{
	int ncpus = libbpf_num_possible_cpus();
	uint64_t *vals = calloc((size_t)(ncpus > 0 ? ncpus : 1), sizeof(uint64_t));

	for (size_t m = 0; m < NMAPS; m++) {
		struct bpf_map *map = bpf_object__find_map_by_name(obj, maps[m]);
		bool percpu = bpf_map__type(map) == BPF_MAP_TYPE_PERCPU_ARRAY;
		for (uint32_t k = 0; k < KEYS; k++) {
			for (int c = 0; c < (percpu ? ncpus : 1); c++)
				vals[c] = initial_value(k);
			if (bpf_map_update_elem(bpf_map__fd(map), &k, vals, BPF_ANY)) {
				free(vals);
				return -errno;
			}
		}
	}
	free(vals);
	return 0;
}

static int kernel_child(void *arg, void *shm)
{
	struct kernel_out *out = shm;
	unsigned *repeat = arg;
	char ctx[64] = {0};

	libbpf_set_print(NULL);
	struct bpf_object *obj = bpf_object__open_file(obj_path, NULL);
	if (!obj) {
		snprintf(out->err, sizeof(out->err), "open %s: %s", obj_path, strerror(errno));
		return 0;
	}
	struct bpf_program *bp;
	bpf_object__for_each_program(bp, obj) /* NAME_u: bpfrt's copies */
		if (strcmp(bpf_program__section_name(bp), "xdp"))
			bpf_program__set_autoload(bp, false);
	int err = bpf_object__load(obj);
	if (err) {
		snprintf(out->err, sizeof(out->err), "load: %s", strerror(-err));
		return 0;
	}
	struct consumer cons = {.consume = libbpf_consume};
	struct bpf_map *rbmap = bpf_object__find_map_by_name(obj, "ringbuf");
	cons.rb = rbmap ? ring_buffer__new(bpf_map__fd(rbmap), count_record, &cons, NULL) : NULL;
	for (size_t p = 0; p < NPROGS; p++) {
		struct bpf_program *prog = bpf_object__find_program_by_name(obj, progs[p]);
		int fd = prog ? bpf_program__fd(prog) : -1;
		bool ring = strstr(progs[p], "ringbuf") != NULL;
		if (fd < 0 || fill_kernel_maps(obj) || (ring && (!cons.rb || consumer_start(&cons)))) {
			out->prog[p].status = -ENOENT;
			continue;
		}
		LIBBPF_OPTS(bpf_test_run_opts, once, .data_in = ctx, .data_size_in = sizeof(ctx));
		if (bpf_prog_test_run_opts(fd, &once)) {
			out->prog[p].status = -errno;
			continue;
		}
		out->prog[p].retval = once.retval;
		for (unsigned r = 0; r < runs; r++) {
			fill_kernel_maps(obj);
			LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = ctx, .data_size_in = sizeof(ctx),
				    .repeat = repeat[p]);
			if (bpf_prog_test_run_opts(fd, &o)) {
				out->prog[p].status = -errno;
				break;
			}
			out->prog[p].durations[r] = o.duration;
			out->prog[p].produced += (uint64_t)repeat[p] * OPS;
		}
		if (ring) {
			out->prog[p].produced += OPS; /* the check run */
			out->prog[p].delivered = consumer_stop(&cons);
		}
	}
	ring_buffer__free(cons.rb);
	bpf_object__close(obj);
	return 0;
}

static void bench_kernel(void)
{
	static struct kernel_out out;
	unsigned repeat[NPROGS];
	int status;

	for (size_t p = 0; p < NPROGS; p++) {
		struct cell *c = &cells[p][E_KERNEL];
		snprintf(c->why, sizeof(c->why), "no bpf()");
		/* Size from bpfrt's JIT where measured, else assume 20 ns/op. */
		double est = cells[p][E_JIT].ok ? cells[p][E_JIT].min * OPS : 20.0 * OPS;
		double rep = batch_ms * 1e6 / est;
		repeat[p] = rep < 1 ? 1 : rep > 1e6 ? 1000000 : (unsigned)rep;
	}
	if (kbpf_available())
		return;
	enum kbpf_outcome o = kbpf_in_child(kernel_child, repeat, &out, sizeof(out), 300000, &status);
	for (size_t p = 0; p < NPROGS; p++) {
		struct cell *c = &cells[p][E_KERNEL];
		if (o != KBPF_OK) {
			snprintf(c->why, sizeof(c->why), "%s", kbpf_outcome_name(o));
			continue;
		}
		if (out.err[0]) {
			snprintf(c->why, sizeof(c->why), "%s", out.err);
			continue;
		}
		if (out.prog[p].status) {
			snprintf(c->why, sizeof(c->why), "%s", strerror(-out.prog[p].status));
			continue;
		}
		double s[MAX_RUNS];
		for (unsigned r = 0; r < runs; r++)
			s[r] = out.prog[p].durations[r] / (double)OPS;
		c->retval = out.prog[p].retval;
		c->produced = out.prog[p].produced;
		c->delivered = out.prog[p].delivered;
		summarize(c, s, runs);
	}
}

/* ---- bpfrt ---------------------------------------------------------------- */

#ifdef BENCH_HAVE_RUNTIME
static int fill_bpfrt_maps(struct bpfrt_runtime *rt)
{
	for (size_t m = 0; m < NMAPS; m++) {
		struct bpfrt_map *map = bpfrt_runtime__find_map(rt, maps[m]);
		if (!map)
			return -ENOENT;
		size_t vsz = bpfrt_map__user_value_size(map);
		uint64_t vals[vsz / 8 + 1];
		for (uint32_t k = 0; k < KEYS; k++) {
			for (size_t c = 0; c < vsz / 8; c++)
				vals[c] = initial_value(k);
			int err = bpfrt_map__update_elem(map, &k, sizeof(k), vals, vsz, BPF_ANY);
			if (err)
				return err;
		}
	}
	return 0;
}

static int bpfrt_consume(void *rb)
{
	return bpfrt_ring_buffer__consume(rb);
}

static void bench_bpfrt(struct bpfrt_object *obj, enum bpfrt_backend be, int e)
{
	char log[512] = "";
	struct bpfrt_runtime_opts ro = {.sz = sizeof(ro), .backend = be, .log_buf = log,
					.log_size = sizeof(log)};
	struct bpfrt_runtime *rt = bpfrt_runtime__new(obj, &ro);
	char ctx[64] = {0};
	struct bpfrt_map *rbmap = rt ? bpfrt_runtime__find_map(rt, "ringbuf") : NULL;
	struct consumer cons = {.consume = bpfrt_consume};
	cons.rb = rbmap ? bpfrt_ring_buffer__new(rbmap, count_record, &cons, NULL) : NULL;

	for (size_t p = 0; p < NPROGS; p++) {
		struct cell *c = &cells[p][e];
		char uname[64];
		snprintf(uname, sizeof(uname), "%s_u", progs[p]); /* the uprobe copy */
		struct bpfrt_prog *prog = rt ? bpfrt_runtime__prog(rt, uname) : NULL;
		bool ring = strstr(progs[p], "ringbuf") != NULL;
		if (!prog) {
			snprintf(c->why, sizeof(c->why), "n/a");
			const char *why = rt ? bpfrt_runtime__log(rt) : log;
			fprintf(stderr, "%s: %s: %.*s\n", progs[p], engine_names[e],
				(int)strcspn(why, "\n"), why);
			continue;
		}
		uint64_t r0;
		int err = fill_bpfrt_maps(rt);
		if (!err && ring)
			err = cons.rb ? consumer_start(&cons) : -ENOENT;
		if (!err)
			err = bpfrt_runtime__run(rt, prog, ctx, sizeof(ctx), &r0, NULL);
		if (err) {
			snprintf(c->why, sizeof(c->why), "run: %s", strerror(-err));
			if (ring && cons.rb)
				consumer_stop(&cons);
			continue;
		}
		c->retval = (uint32_t)r0;
		c->produced = OPS;
		uint64_t iters = 1;
		for (;;) { /* calibrate to about batch_ms */
			struct bpfrt_runtime_run_opts o = {.sz = sizeof(o), .repeat = iters};
			double t0 = bench_now_ns();
			bpfrt_runtime__run(rt, prog, ctx, sizeof(ctx), &r0, &o);
			double dt = bench_now_ns() - t0;
			c->produced += iters * OPS;
			if (dt >= batch_ms * 1e6 / 4 || iters >= (1u << 24)) {
				iters = (uint64_t)(iters * batch_ms * 1e6 / (dt > 1 ? dt : 1)) + 1;
				break;
			}
			iters *= 4;
		}
		double s[MAX_RUNS];
		for (unsigned r = 0; r < runs; r++) {
			struct bpfrt_runtime_run_opts o = {.sz = sizeof(o), .repeat = iters};
			fill_bpfrt_maps(rt);
			double t0 = bench_now_ns();
			bpfrt_runtime__run(rt, prog, ctx, sizeof(ctx), &r0, &o);
			s[r] = (bench_now_ns() - t0) / (double)iters / OPS;
			c->produced += iters * OPS;
		}
		if (ring)
			c->delivered = consumer_stop(&cons);
		summarize(c, s, runs);
	}
	bpfrt_ring_buffer__free(cons.rb);
	bpfrt_runtime__free(rt);
}
#endif

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"runs", required_argument, NULL, 'r'},
		{"ms", required_argument, NULL, 'm'},
		{"obj", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'r')
			runs = (unsigned)atoi(optarg);
		else if (ch == 'm')
			batch_ms = (unsigned)atoi(optarg);
		else if (ch == 'o')
			obj_path = optarg;
		else {
			fprintf(ch == 'h' ? stdout : stderr,
				"usage: bench-maps-kernel [--runs N] [--ms MS] [--obj FILE]\n"
				"  Map lookups and updates from a BPF program: the kernel (BPF_PROG_TEST_RUN)\n"
				"  against bpfrt's interpreter and JIT; ns per map operation.\n");
			return ch == 'h' ? 0 : 2;
		}
	}
	if (runs < 1 || runs > MAX_RUNS || batch_ms < 1) {
		fprintf(stderr, "bench-maps-kernel: --runs must be 1..%d, --ms at least 1\n", MAX_RUNS);
		return 2;
	}
	for (size_t p = 0; p < NPROGS; p++)
		for (int e = 0; e < NENGINES; e++)
			snprintf(cells[p][e].why, sizeof(cells[p][e].why), "n/a");

#ifdef BENCH_HAVE_RUNTIME
	char log[512] = "";
	struct bpfrt_object_opts oo = {.sz = sizeof(oo), .log_buf = log, .log_size = sizeof(log)};
	struct bpfrt_object *obj = bpfrt_object__open_file(obj_path, &oo);
	if (!obj) {
		fprintf(stderr, "bench-maps-kernel: %s: %s\n", obj_path, log);
		return 1;
	}
	bench_bpfrt(obj, BPFRT_BACKEND_INTERP, E_INTERP);
	bench_bpfrt(obj, BPFRT_BACKEND_JIT, E_JIT);
	bpfrt_object__close(obj);
#endif
	bench_kernel();

	printf("Each program (bench/maps_kernel/maps_ops.bpf.c) makes %d map operations\n"
	       "over %d present keys per run and returns a checksum, checked against the\n"
	       "expected value on every engine. ns per operation (loop included): the\n"
	       "kernel's BPF_PROG_TEST_RUN timer, bpfrt's thread CPU time; min / median of\n"
	       "%u batches of about %u ms. Maps are refilled before each batch.\n\n",
	       OPS, KEYS, runs, batch_ms);
	printf("| program |");
	for (int e = 0; e < NENGINES; e++)
		printf(" %s min | median |", engine_names[e]);
	printf(" best bpfrt / kernel (min) |\n|---|");
	for (int e = 0; e < NENGINES; e++)
		printf("---:|---:|");
	printf("---:|\n");
	int wrong = 0;
	for (size_t p = 0; p < NPROGS; p++) {
		printf("| %s |", progs[p]);
		for (int e = 0; e < NENGINES; e++) {
			const struct cell *c = &cells[p][e];
			if (!c->ok) {
				printf(" %s | |", c->why);
				continue;
			}
			if (c->retval != expected(progs[p])) {
				fprintf(stderr, "%s: %s gives %u, expected %u\n", progs[p],
					engine_names[e], c->retval, expected(progs[p]));
				printf(" WRONG | |");
				wrong++;
				continue;
			}
			printf(" %.1f | %.1f |", c->min, c->median);
		}
		const struct cell *k = &cells[p][E_KERNEL], *best = NULL;
		for (int e = E_INTERP; e < NENGINES; e++)
			if (cells[p][e].ok && (!best || cells[p][e].min < best->min))
				best = &cells[p][e];
		if (k->ok && best)
			printf(" %.2fx |\n", best->min / k->min);
		else
			printf(" - |\n");
	}
	for (size_t p = 0; p < NPROGS; p++) {
		if (!strstr(progs[p], "ringbuf"))
			continue;
		printf("\n%s: 8-byte records, BPF_RB_NO_WAKEUP, 4 MiB ring, a consumer thread\n"
		       "busy-polling; records consumed / output calls:",
		       progs[p]);
		for (int e = 0; e < NENGINES; e++)
			if (cells[p][e].ok && cells[p][e].produced)
				printf(" %s %.1f%% (%.1f M calls/s at the minimum);", engine_names[e],
				       100.0 * (double)cells[p][e].delivered /
					       (double)cells[p][e].produced,
				       1e3 / cells[p][e].min);
		printf("\n");
	}
	return wrong ? 1 : 0;
}
