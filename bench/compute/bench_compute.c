/* SPDX-License-Identifier: MIT */
/*
 * bench-compute: the compute workloads (progs/NAME.c) on every engine, side by
 * side in one run — gcc -O2 native code, bpfrt's interpreter (trusted and
 * checked) and JIT, the kernel's JIT through BPF_PROG_TEST_RUN (in a forked
 * child: see tests/support/kbpf.h), ubpf's interpreter and JIT.
 *
 * Every engine's result is checked against native before it is timed (the
 * kernel returns 32 bits: its low half is compared); a wrong result shows as
 * WRONG, an engine that cannot load a program as n/a, with the reason on
 * stderr. Timing: batches of `iters` runs sized to about --ms milliseconds,
 * --runs batches, min and median of ns per run. The kernel times its own
 * loop (`repeat`), which includes its per-run XDP setup.
 *
 * Output: markdown tables on stdout (scripts/bench puts them in RESULTS.md).
 * Exit status 1 when an engine gave a wrong result (ctest runs a short smoke
 * pass for that reason).
 */
#include <errno.h>
#include <getopt.h>
#include <linux/bpf.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_time.h"
#include "bpfrt/object.h"
#include "bpfrt/vm.h"
#include "kbpf.h"
#ifdef BENCH_HAVE_UBPF
#include <ubpf.h>
#endif

#define CTX_LEN 1024
#define MAX_RUNS 64

typedef uint64_t (*native_fn)(uint8_t *data, uint64_t size);
#define W(name, kernel) uint64_t bench_native_##name(uint8_t *data, uint64_t size);
#include "workloads.def"
#undef W

struct workload {
	const char *name;
	native_fn native;
	bool kernel;
	struct bpfrt_insn *plain, *xdp; /* sections "bench" and "xdp" */
	size_t plain_cnt, xdp_cnt;
};

static struct workload workloads[] = {
#define W(n, k) {.name = #n, .native = bench_native_##n, .kernel = k},
#include "workloads.def"
#undef W
};
#define NWORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

enum engine_id {
	E_NATIVE,
	E_INTERP,
	E_INTERP_CHECKED,
	E_JIT,
	E_KERNEL,
	E_UBPF_INTERP,
	E_UBPF_JIT,
	NENGINES
};
static const char *const engine_names[NENGINES] = {
	"native gcc -O2", "bpfrt interp", "bpfrt interp (checked)", "bpfrt JIT",
	"kernel JIT",	  "ubpf interp",  "ubpf JIT",
};

/* A measurement: ns per run, or why there is none. */
struct cell {
	double min, median;
	const char *missing; /* NULL when measured */
};
static struct cell cells[NWORKLOADS][NENGINES];

static unsigned runs = 7, batch_ms = 20;
static bool check_only; /* --check: results only, no timing */
static uint8_t ctx_init[CTX_LEN];

/* One loaded program, whatever the engine. */
struct loaded {
	enum engine_id e;
	native_fn native;
	struct bpfrt_prog *prog;
#ifdef BENCH_HAVE_UBPF
	struct ubpf_vm *uvm;
	ubpf_jit_fn ujit;
#endif
};

static inline uint64_t run_once(struct loaded *l, uint8_t *data)
{
	uint64_t r0 = 0;

	switch (l->e) {
	case E_NATIVE:
		return l->native(data, CTX_LEN);
	case E_INTERP:
	case E_INTERP_CHECKED:
	case E_JIT:
		if (bpfrt_prog__run(l->prog, data, CTX_LEN, &r0, NULL))
			return ~r0; /* never a valid result: shows as WRONG */
		return r0;
#ifdef BENCH_HAVE_UBPF
	case E_UBPF_INTERP:
		if (ubpf_exec(l->uvm, data, CTX_LEN, &r0))
			return ~r0;
		return r0;
	case E_UBPF_JIT:
		return l->ujit(data, CTX_LEN);
#endif
	default:
		return 0;
	}
}

static void summarize(struct cell *c, double *samples, unsigned n)
{
	bench_min_median(samples, n, &c->min, &c->median);
	c->missing = NULL;
}

static void measure(struct loaded *l, struct cell *c)
{
	static uint8_t data[CTX_LEN];
	double samples[MAX_RUNS];
	uint64_t iters = 1;

	for (;;) { /* calibrate: a batch of about batch_ms */
		memcpy(data, ctx_init, CTX_LEN);
		double t0 = bench_now_ns();
		for (uint64_t i = 0; i < iters; i++)
			run_once(l, data);
		double dt = bench_now_ns() - t0;
		if (dt >= batch_ms * 1e6 / 4 || iters >= (1ull << 30)) {
			iters = (uint64_t)(iters * (batch_ms * 1e6 / (dt > 1 ? dt : 1))) + 1;
			break;
		}
		iters *= 4;
	}
	for (unsigned r = 0; r < runs; r++) {
		memcpy(data, ctx_init, CTX_LEN);
		double t0 = bench_now_ns();
		for (uint64_t i = 0; i < iters; i++)
			run_once(l, data);
		samples[r] = (bench_now_ns() - t0) / (double)iters;
	}
	summarize(c, samples, runs);
}

/* Checks the first run on a fresh context against native, then times. */
static void check_and_measure(struct loaded *l, uint64_t expect, struct cell *c, const char *wl)
{
	static uint8_t data[CTX_LEN];

	memcpy(data, ctx_init, CTX_LEN);
	uint64_t got = run_once(l, data);
	if (got != expect) {
		fprintf(stderr, "%s: %s gives 0x%llx, native 0x%llx\n", wl, engine_names[l->e],
			(unsigned long long)got, (unsigned long long)expect);
		c->missing = "WRONG";
		return;
	}
	if (check_only)
		c->min = c->median = 1, c->missing = NULL;
	else
		measure(l, c);
}

static void bench_bpfrt(struct workload *w, struct bpfrt_vm *vm, enum engine_id e, uint64_t expect)
{
	char log[512] = "";
	struct bpfrt_prog_opts o = {
		.sz = sizeof(o),
		.name = w->name,
		.mode = e == E_INTERP_CHECKED ? BPFRT_EXEC_CHECKED : BPFRT_EXEC_TRUSTED,
		.backend = e == E_JIT ? BPFRT_BACKEND_JIT : BPFRT_BACKEND_INTERP,
		.log_buf = log,
		.log_size = sizeof(log),
	};
	struct loaded l = {.e = e, .prog = bpfrt_prog__load(vm, w->plain, w->plain_cnt, &o)};
	struct cell *c = &cells[w - workloads][e];

	if (!l.prog) {
		log[strcspn(log, "\n")] = '\0';
		fprintf(stderr, "%s: %s: load: %s (%s)\n", w->name, engine_names[e],
			strerror(errno), log);
		c->missing = "n/a";
		return;
	}
	check_and_measure(&l, expect, c, w->name);
	bpfrt_prog__free(l.prog);
}

#ifdef BENCH_HAVE_UBPF
static void bench_ubpf(struct workload *w, enum engine_id e, uint64_t expect)
{
	struct cell *c = &cells[w - workloads][e];
	struct loaded l = {.e = e, .uvm = ubpf_create()};
	char *err = NULL;

	c->missing = "n/a";
	if (!l.uvm)
		return;
	if (ubpf_load(l.uvm, w->plain, (uint32_t)(w->plain_cnt * 8), &err) < 0) {
		fprintf(stderr, "%s: %s: load: %s\n", w->name, engine_names[e], err);
	} else if (e == E_UBPF_JIT && !(l.ujit = ubpf_compile(l.uvm, &err))) {
		fprintf(stderr, "%s: %s: compile: %s\n", w->name, engine_names[e], err);
	} else {
		c->missing = NULL;
		check_and_measure(&l, expect, c, w->name);
	}
	free(err);
	ubpf_destroy(l.uvm);
}
#endif

static void bench_kernel(struct workload *w, uint64_t expect)
{
	struct cell *c = &cells[w - workloads][E_KERNEL];
	static uint8_t data[CTX_LEN];
	static char log[1 << 16];
	struct kbpf_prog p = {.insns = w->xdp, .insn_cnt = w->xdp_cnt,
			      .prog_type = BPF_PROG_TYPE_XDP, .log_buf = log, .log_size = sizeof(log)};
	struct kbpf_result res;
	uint32_t durations[MAX_RUNS];

	if (!w->kernel) {
		c->missing = "skipped";
		return;
	}
	if (kbpf_available()) {
		c->missing = "no bpf()";
		return;
	}
	memcpy(data, ctx_init, CTX_LEN);
	struct kbpf_run check = {.data_in = data, .data_size_in = CTX_LEN, .timeout_ms = 20000};
	kbpf_prog_run(&p, &check, &res);
	if (res.outcome != KBPF_OK) {
		char *last = strstr(log, "\nprocessed ");
		if (last)
			*last = '\0';
		last = strrchr(log, '\n');
		fprintf(stderr, "%s: kernel: %s %s %s\n", w->name, kbpf_outcome_name(res.outcome),
			res.err ? strerror(-res.err) : "", last ? last + 1 : log);
		c->missing = res.outcome == KBPF_REJECTED ? "rejected" : "killed";
		return;
	}
	if (res.retval != (uint32_t)expect) {
		fprintf(stderr, "%s: kernel JIT gives 0x%x, native 0x%x (low 32 bits)\n", w->name,
			res.retval, (uint32_t)expect);
		c->missing = "WRONG";
		return;
	}
	if (check_only) {
		c->min = c->median = 1, c->missing = NULL;
		return;
	}
	/* Size `repeat` from the native time (the kernel JIT is within a few x). */
	double est = cells[w - workloads][E_NATIVE].min * 2;
	double rep = batch_ms * 1e6 / (est > 1 ? est : 1);
	struct kbpf_run run = {.data_in = data, .data_size_in = CTX_LEN,
			       .repeat = rep > 1e6 ? 1000000 : rep < 1 ? 1 : (uint32_t)rep,
			       .rounds = runs, .durations = durations, .timeout_ms = 120000};
	kbpf_prog_run(&p, &run, &res);
	if (res.outcome != KBPF_OK) {
		c->missing = "killed";
		return;
	}
	double samples[MAX_RUNS];
	for (unsigned r = 0; r < runs; r++)
		samples[r] = durations[r];
	summarize(c, samples, runs);
}

/* Opens DIR/NAME.bpf.o with bpfrt's ELF loader and copies its two entry
 * points, NAME_plain (section "bench") and NAME_xdp (section "xdp"). */
static void read_workload(const char *dir, struct workload *w)
{
	char path[4096], log[256] = "";
	struct bpfrt_object_opts oo = {.sz = sizeof(oo), .log_buf = log, .log_size = sizeof(log)};

	snprintf(path, sizeof(path), "%s/%s.bpf.o", dir, w->name);
	struct bpfrt_object *obj = bpfrt_object__open_file(path, &oo);
	if (!obj) {
		fprintf(stderr, "bench-compute: %s: %s\n", path, log[0] ? log : strerror(errno));
		exit(1);
	}
	for (int k = 0; k < 2; k++) {
		char name[128];
		snprintf(name, sizeof(name), "%s_%s", w->name, k ? "xdp" : "plain");
		const struct bpfrt_program *p = bpfrt_object__find_prog(obj, name);
		if (!p) {
			fprintf(stderr, "bench-compute: %s: no program %s\n", path, name);
			exit(1);
		}
		size_t n = bpfrt_program__insn_cnt(p);
		struct bpfrt_insn *insns = malloc(n * sizeof(*insns));
		if (!insns)
			exit(1);
		memcpy(insns, bpfrt_program__insns(p), n * sizeof(*insns));
		*(k ? &w->xdp : &w->plain) = insns;
		*(k ? &w->xdp_cnt : &w->plain_cnt) = n;
	}
	bpfrt_object__close(obj);
}

/* ---- load times: bpfrt (validation + backend prepare), the kernel
 * (BPF_PROG_LOAD: verifier + JIT, in a child), ubpf (load + JIT compile). */
enum { L_INTERP, L_JIT, L_KERNEL, L_UBPF_JIT, NLOADS };
static const char *const load_names[NLOADS] = {
	"bpfrt interp load", "bpfrt JIT load", "kernel load (verifier + JIT)", "ubpf load + JIT",
};
static double load_ns[NWORKLOADS][NLOADS]; /* min ns; 0: not measured */
#define LOAD_REPS 30

static double load_bpfrt(struct workload *w, struct bpfrt_vm *vm, enum bpfrt_backend b)
{
	struct bpfrt_prog_opts o = {.sz = sizeof(o), .mode = BPFRT_EXEC_TRUSTED, .backend = b};
	double best = 0;

	for (int r = 0; r < LOAD_REPS; r++) {
		double t0 = bench_now_ns();
		struct bpfrt_prog *p = bpfrt_prog__load(vm, w->plain, w->plain_cnt, &o);
		double dt = bench_now_ns() - t0;
		if (!p)
			return 0;
		bpfrt_prog__free(p);
		if (!best || dt < best)
			best = dt;
	}
	return best;
}

struct kload_job {
	const struct kbpf_prog *prog;
};

static int kload_child(void *arg, void *shm)
{
	const struct kload_job *job = arg;
	double best = 0;

	for (int r = 0; r < LOAD_REPS; r++) {
		double t0 = bench_now_ns();
		int fd = kbpf_raw_prog_load(job->prog);
		double dt = bench_now_ns() - t0;
		if (fd < 0)
			return 1;
		close(fd);
		if (!best || dt < best)
			best = dt;
	}
	memcpy(shm, &best, sizeof(best));
	return 0;
}

static double load_kernel(struct workload *w)
{
	struct kbpf_prog p = {.insns = w->xdp, .insn_cnt = w->xdp_cnt,
			      .prog_type = BPF_PROG_TYPE_XDP};
	struct kload_job job = {.prog = &p};
	double best = 0;
	int status;

	if (!w->kernel || kbpf_available())
		return 0;
	if (kbpf_in_child(kload_child, &job, &best, sizeof(best), 120000, &status) != KBPF_OK ||
	    status)
		return 0;
	return best;
}

#ifdef BENCH_HAVE_UBPF
static double load_ubpf_jit(struct workload *w)
{
	double best = 0;

	for (int r = 0; r < LOAD_REPS; r++) {
		struct ubpf_vm *vm = ubpf_create();
		char *err = NULL;
		if (!vm)
			return 0;
		double t0 = bench_now_ns();
		bool ok = ubpf_load(vm, w->plain, (uint32_t)(w->plain_cnt * 8), &err) == 0 &&
			  ubpf_compile(vm, &err) != NULL;
		double dt = bench_now_ns() - t0;
		free(err);
		ubpf_destroy(vm);
		if (!ok)
			return 0;
		if (!best || dt < best)
			best = dt;
	}
	return best;
}
#endif

static void measure_loads(struct workload *w, struct bpfrt_vm *vm)
{
	double *l = load_ns[w - workloads];

	l[L_INTERP] = load_bpfrt(w, vm, BPFRT_BACKEND_INTERP);
	l[L_JIT] = load_bpfrt(w, vm, BPFRT_BACKEND_JIT);
	l[L_KERNEL] = load_kernel(w);
#ifdef BENCH_HAVE_UBPF
	l[L_UBPF_JIT] = load_ubpf_jit(w);
#endif
}

static void print_loads(void)
{
	double sum[NLOADS] = {0};
	size_t insns[NLOADS] = {0};

	printf("\n### Load time, microseconds (minimum of %d loads)\n\n| workload | insns |",
	       LOAD_REPS);
	for (int k = 0; k < NLOADS; k++)
		printf(" %s |", load_names[k]);
	printf("\n|---|---:|");
	for (int k = 0; k < NLOADS; k++)
		printf("---:|");
	printf("\n");
	for (size_t i = 0; i < NWORKLOADS; i++) {
		if (!workloads[i].plain_cnt)
			continue;
		printf("| %s | %zu |", workloads[i].name, workloads[i].plain_cnt);
		for (int k = 0; k < NLOADS; k++) {
			double v = load_ns[i][k];
			if (!v) {
				printf(" - |");
				continue;
			}
			printf(" %.1f |", v / 1000);
			sum[k] += v;
			insns[k] += k == L_KERNEL ? workloads[i].xdp_cnt : workloads[i].plain_cnt;
		}
		printf("\n");
	}
	printf("| **per 1,000 insns** | |");
	for (int k = 0; k < NLOADS; k++)
		if (insns[k])
			printf(" **%.0f** |", sum[k] / 1000 / ((double)insns[k] / 1000));
		else
			printf(" - |");
	printf("\n");
}

static void print_table(const char *title, bool median)
{
	printf("\n### %s ns per run (ratio to native)\n\n| workload |", title);
	for (int e = 0; e < NENGINES; e++)
		printf(" %s |", engine_names[e]);
	printf("\n|---|");
	for (int e = 0; e < NENGINES; e++)
		printf("---:|");
	printf("\n");
	double logsum[NENGINES] = {0};
	int n[NENGINES] = {0};
	for (size_t i = 0; i < NWORKLOADS; i++) {
		const struct cell *nat = &cells[i][E_NATIVE];
		double base = median ? nat->median : nat->min;
		printf("| %s |", workloads[i].name);
		for (int e = 0; e < NENGINES; e++) {
			const struct cell *c = &cells[i][e];
			double v = median ? c->median : c->min;
			if (c->missing || nat->missing) {
				printf(" %s |", c->missing ? c->missing : "-");
				continue;
			}
			if (e == E_NATIVE)
				printf(" %.0f |", v);
			else
				printf(" %.0f (%.1fx) |", v, v / base);
			logsum[e] += log(v / base);
			n[e]++;
		}
		printf("\n");
	}
	printf("| **geomean ratio** |");
	for (int e = 0; e < NENGINES; e++) {
		if (!n[e])
			printf(" - |");
		else if (n[e] == (int)NWORKLOADS)
			printf(" **%.2fx** |", exp(logsum[e] / n[e]));
		else
			printf(" **%.2fx** (%d of %zu) |", exp(logsum[e] / n[e]), n[e], NWORKLOADS);
	}
	printf("\n");
}

static void usage(FILE *f)
{
	fprintf(f, "usage: bench-compute [--runs N] [--ms MS] [--only NAME] [--bpf-dir DIR] [--check]\n"
		   "  Runs the compute workloads on every engine and prints markdown tables\n"
		   "  of min and median ns per run with ratios to native.\n"
		   "  --runs N     timed batches per engine and workload (default 7)\n"
		   "  --ms MS      length of one batch in milliseconds (default 20)\n"
		   "  --only NAME  only the workloads whose name contains NAME\n"
		   "  --bpf-dir D  where the NAME.bpf.o objects are\n"
		   "  --check      only check every engine's result against native\n"
		   "  Exit status 1 when an engine gives a wrong result.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"runs", required_argument, NULL, 'r'}, {"ms", required_argument, NULL, 'm'},
		{"only", required_argument, NULL, 'o'}, {"bpf-dir", required_argument, NULL, 'd'},
		{"check", no_argument, NULL, 'c'},	{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *only = NULL, *bpf_dir = BENCH_BPF_DIR;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			runs = (unsigned)atoi(optarg);
			break;
		case 'm':
			batch_ms = (unsigned)atoi(optarg);
			break;
		case 'o':
			only = optarg;
			break;
		case 'd':
			bpf_dir = optarg;
			break;
		case 'c':
			check_only = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (runs < 1 || runs > MAX_RUNS || batch_ms < 1) {
		fprintf(stderr, "bench-compute: --runs must be 1..%d, --ms at least 1\n", MAX_RUNS);
		return 2;
	}

	uint64_t x = 0x2545f4914f6cdd1dull; /* the context: xorshift64 bytes */
	for (size_t i = 0; i < CTX_LEN; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		ctx_init[i] = (uint8_t)(x >> 24);
	}
	struct bpfrt_vm *vm = bpfrt_vm__new();
	for (size_t i = 0; i < NWORKLOADS; i++) {
		struct workload *w = &workloads[i];
		for (int e = 0; e < NENGINES; e++)
			cells[i][e].missing = "-";
		if (only && !strstr(w->name, only))
			continue;
		read_workload(bpf_dir, w);

		uint8_t data[CTX_LEN];
		memcpy(data, ctx_init, CTX_LEN);
		uint64_t expect = w->native(data, CTX_LEN);
		struct loaded nat = {.e = E_NATIVE, .native = w->native};
		check_and_measure(&nat, expect, &cells[i][E_NATIVE], w->name);
		bench_bpfrt(w, vm, E_INTERP, expect);
		bench_bpfrt(w, vm, E_INTERP_CHECKED, expect);
		bench_bpfrt(w, vm, E_JIT, expect);
		bench_kernel(w, expect);
#ifdef BENCH_HAVE_UBPF
		bench_ubpf(w, E_UBPF_INTERP, expect);
		bench_ubpf(w, E_UBPF_JIT, expect);
		if (!check_only)
			measure_loads(w, vm);
#else
		cells[i][E_UBPF_INTERP].missing = cells[i][E_UBPF_JIT].missing = "not built";
#endif
		fprintf(stderr, "bench-compute: %s done (%zu insns)\n", w->name, w->plain_cnt);
		free(w->plain);
		free(w->xdp);
		w->plain = w->xdp = NULL;
	}
	bpfrt_vm__free(vm);

	if (check_only) {
		int wrong = 0;
		for (size_t i = 0; i < NWORKLOADS; i++)
			for (int e = 0; e < NENGINES; e++)
				wrong += cells[i][e].missing && !strcmp(cells[i][e].missing, "WRONG");
		printf("bench-compute --check: %d wrong results\n", wrong);
		return wrong ? 1 : 0;
	}
	printf("Each workload (bench/compute/progs/) is one C source, compiled by gcc -O2 for\n"
	       "the native column and by clang -target bpf -mcpu=v4 for the others; every\n"
	       "engine runs the same instructions (the kernel an XDP entry that reads data\n"
	       "and data_end first) on the same %d-byte context. Results are checked against\n"
	       "native before timing (the kernel's low 32 bits). bpfrt interp runs trusted\n"
	       "(no checks, as for verified programs), interp (checked) bounds-checks every\n"
	       "access; ubpf's interpreter runs with its default bounds checks. The kernel\n"
	       "times its own BPF_PROG_TEST_RUN loop (in a forked child), which includes its\n"
	       "per-run XDP setup; ours are timed in thread CPU time, so neither counts\n"
	       "time the scheduler gives to other processes. crc32_bitwise is not given to\n"
	       "the kernel: its verifier oopses on that loop on these machines. %u batches\n"
	       "of about %u ms per engine and workload; n/a: the engine cannot load the\n"
	       "program (reason on stderr).\n",
	       CTX_LEN, runs, batch_ms);
	print_table("Minimum", false);
	print_table("Median", true);
	print_loads();
	for (size_t i = 0; i < NWORKLOADS; i++)
		for (int e = 0; e < NENGINES; e++)
			if (cells[i][e].missing && strcmp(cells[i][e].missing, "WRONG") == 0)
				return 1; /* a wrong result is a bug, not a measurement */
	return 0;
}
