/* SPDX-License-Identifier: MIT */
/*
 * bench-verifier: bpfrt's verifier against the kernel's on the same
 * programs: instructions processed, states stored (total and peak) and
 * verification time.
 *
 * Programs: every example object (examples/bpf, each program on its own),
 * the compute workloads (bench/compute), the conformance corpus (summed),
 * and generated ones (many branches, nested bounded loops, long straight
 * code, map lookups with spills). bpfrt runs in kernel_compat mode, the
 * kernel's limits (no widening), so the counts compare like for like;
 * except the rows marked "default mode": counted loops of 300000 turns,
 * which bpfrt widens (docs/verifier.md, "Loops"), not in the sums.
 *
 * The kernel: BPF_PROG_LOAD with log_level 4 (BPF_LOG_STATS: only the
 * stats, so log writing does not count in its time), in a forked child with
 * a timeout (kbpf.h); objects are loaded through libbpf, one program at a
 * time, with the programs that prog arrays' initial values name (libbpf
 * fails the object when a slot names a program it did not load). The kernel's verifier oopses on a plain bitwise CRC32 loop on the
 * machines we run on: programs named crc32_bitwise are not given to it.
 *
 * Usage: bench-verifier [--runs N] [--no-kernel] [--only SUBSTR] [--cpu]
 * [--check] (--only: the rows whose name contains SUBSTR; --cpu: bpfrt's
 * times are its thread's CPU time, steadier than wall time on a loaded
 * machine, for comparing bpfrt builds; not comparable with the kernel's;
 * --check: exit 1 when a row's verdicts differ, 77 without bpf(), for
 * ctest). Prints markdown.
 */
#include <dirent.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bpfrt/asm.h"
#include "bpfrt/object.h"
#include "bpfrt/verifier.h"
#include "kbpf.h"
#include "tail_targets.h"
#include "runtime/verify.h"

#define KERNEL_TIMEOUT_MS 60000

static unsigned runs = 5;
static bool use_kernel = true;
static const char *only; /* --only: rows whose name contains it */
static bool cpu_time;	  /* --cpu: bpfrt's thread CPU time, not its wall time */
static bool check;	  /* --check: verdicts must agree (exit status) */

static bool wanted(const char *name)
{
	return !only || strstr(name, only);
}

/* One measurement of one verifier. */
struct meas {
	bool ok;	   /* accepted */
	bool have;	   /* measured at all */
	unsigned long long insns;
	unsigned total_states, peak_states;
	double us;	   /* minimum over the runs */
	double med;	   /* median over the runs */
	double t[64];	   /* each run's time */
	unsigned nt;
	char why[96];	   /* not accepted / not measured: why */
};

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* One run took `us`: the minimum and the median so far. */
static void add_time(struct meas *m, double us)
{
	if (us < m->us)
		m->us = us;
	if (m->nt < sizeof(m->t) / sizeof(m->t[0]))
		m->t[m->nt++] = us;
	double s[64];
	memcpy(s, m->t, m->nt * sizeof(s[0]));
	qsort(s, m->nt, sizeof(s[0]), by_value);
	m->med = m->nt % 2 ? s[m->nt / 2] : (s[m->nt / 2 - 1] + s[m->nt / 2]) / 2;
}

struct row {
	char name[96];
	struct meas ours, kern;
	bool default_mode; /* bpfrt without kernel_compat: not in the sums */
};

static bool default_mode; /* the rows added now: bpfrt in its default mode */

static struct row *rows;
static size_t nrows, caprows;

static struct row *add_row(const char *fmt, ...)
{
	if (nrows == caprows) {
		caprows = caprows ? caprows * 2 : 64;
		rows = realloc(rows, caprows * sizeof(*rows));
		if (!rows)
			exit(1);
	}
	struct row *r = &rows[nrows++];
	memset(r, 0, sizeof(*r));
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->name, sizeof(r->name), fmt, ap);
	va_end(ap);
	r->default_mode = default_mode;
	return r;
}

/* ---- ours ---- */

static void ours(struct meas *m, const struct bpfrt_insn *insns, size_t cnt,
		 struct bpfrt_verify_opts o)
{
	static char log[4096];
	m->have = true;
	m->us = 1e30;
	for (unsigned i = 0; i < runs; i++) {
		struct bpfrt_verify_stats st = { .sz = sizeof(st) };
		o.sz = sizeof(o);
		o.kernel_compat = !default_mode;
		o.log_level = 1;
		o.log_buf = log;
		o.log_size = sizeof(log);
		o.stats = &st;
		struct timespec c0, c1;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
		int err = bpfrt_verify(insns, cnt, &o);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
		m->ok = !err;
		m->insns = st.insns_processed;
		m->total_states = st.total_states;
		m->peak_states = st.peak_states;
		add_time(m, cpu_time ? ((double)(c1.tv_sec - c0.tv_sec) * 1e6 +
					(double)(c1.tv_nsec - c0.tv_nsec) / 1e3)
				     : st.time_ns / 1e3);
		if (err) {
			/* the last message line says why */
			char *end = log + strlen(log), *p;
			while (end > log && end[-1] == '\n')
				*--end = 0;
			p = strstr(log, "processed ");
			if (p)
				*p = 0;
			end = log + strlen(log);
			while (end > log && end[-1] == '\n')
				*--end = 0;
			p = strrchr(log, '\n');
			snprintf(m->why, sizeof(m->why), "%.*s", (int)sizeof(m->why) - 1,
				 p ? p + 1 : log); /* shortened on purpose */
			break;
		}
	}
}

/* ---- the kernel ---- */

/* "processed N insns (limit ...) max_states_per_insn M total_states T
 * peak_states P mark_read R\nverification time U usec" */
static void parse_kernel_log(struct meas *m, const char *log)
{
	const char *p = strstr(log, "processed ");
	unsigned long long us = 0;
	if (p)
		sscanf(p, "processed %llu insns", &m->insns);
	if (p && (p = strstr(p, "total_states ")))
		sscanf(p, "total_states %u peak_states %u", &m->total_states, &m->peak_states);
	if ((p = strstr(log, "verification time ")) && sscanf(p, "verification time %llu", &us) == 1)
		add_time(m, (double)us);
}

static void kernel_note(struct meas *m, enum kbpf_outcome o, int err, const char *log)
{
	if (o == KBPF_OK)
		return;
	m->ok = false;
	if (o == KBPF_REJECTED) {
		const char *end = log + strlen(log), *p;
		while (end > log && end[-1] == '\n')
			end--;
		const char *stats = strstr(log, "processed ");
		if (stats && stats < end)
			end = stats;
		while (end > log && end[-1] == '\n')
			end--;
		p = end;
		while (p > log && p[-1] != '\n')
			p--;
		snprintf(m->why, sizeof(m->why), "rejected (%s): %.*s", strerror(-err),
			 (int)(end - p), p);
	} else {
		snprintf(m->why, sizeof(m->why), "%s", kbpf_outcome_name(o));
	}
}

static void kernel_insns(struct meas *m, const struct bpfrt_insn *insns, size_t cnt,
			 uint32_t prog_type)
{
	static char log[1 << 16];
	if (!use_kernel)
		return;
	m->have = true;
	m->us = 1e30;
	m->ok = true;
	for (unsigned i = 0; i < runs && m->ok; i++) {
		struct kbpf_prog p = { .insns = insns, .insn_cnt = cnt, .prog_type = prog_type,
				       .log_buf = log, .log_size = sizeof(log), .log_level = 4 };
		struct kbpf_result res;
		kbpf_prog_check(&p, KERNEL_TIMEOUT_MS, &res);
		parse_kernel_log(m, log);
		kernel_note(m, res.outcome, res.err, log);
	}
}

/* libbpf in a child: loads program `idx` of an object, with the programs
 * in `also` (bit i: program i) only as tail call targets. */
struct obj_job {
	const char *path;
	size_t idx;
	uint64_t also;
};

struct obj_result {
	int err;
	char log[1 << 14];
};

static int silent(enum libbpf_print_level l, const char *f, va_list ap)
{
	(void)l, (void)f, (void)ap;
	return 0;
}

static int load_obj_prog(void *arg, void *shm)
{
	const struct obj_job *j = arg;
	struct obj_result *r = shm;
	libbpf_set_print(silent);
	struct bpf_object *obj = bpf_object__open_file(j->path, NULL);
	if (!obj) {
		r->err = -errno;
		return 0;
	}
	struct bpf_program *p;
	size_t i = 0;
	bpf_object__for_each_program(p, obj) {
		bpf_program__set_autoload(p, i == j->idx || (i < 64 && (j->also >> i) & 1));
		if (i == j->idx) {
			bpf_program__set_log_level(p, 4);
			bpf_program__set_log_buf(p, r->log, sizeof(r->log));
		}
		i++;
	}
	r->err = bpf_object__load(obj);
	bpf_object__close(obj);
	return 0;
}

static void kernel_obj(struct meas *m, const char *path, size_t idx, uint64_t also)
{
	static struct obj_result res;
	if (!use_kernel)
		return;
	m->have = true;
	m->us = 1e30;
	m->ok = true;
	for (unsigned i = 0; i < runs && m->ok; i++) {
		struct obj_job j = { path, idx, also };
		int status = 0;
		memset(&res, 0, sizeof(res));
		enum kbpf_outcome o = kbpf_in_child(load_obj_prog, &j, &res, sizeof(res),
						    KERNEL_TIMEOUT_MS, &status);
		if (o == KBPF_OK && res.err)
			o = KBPF_REJECTED;
		parse_kernel_log(m, res.log);
		kernel_note(m, o, res.err, res.log);
	}
}

/* ---- the programs ---- */

static void bench_object(const char *path)
{
	char olog[512] = "";
	struct bpfrt_object_opts oo = { .sz = sizeof(oo), .log_buf = olog, .log_size = sizeof(olog) };
	struct bpfrt_object *obj = bpfrt_object__open_file(path, &oo);
	if (!obj) {
		fprintf(stderr, "bench-verifier: %s: %s\n", path, olog);
		return;
	}
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	uint64_t also = tail_call_targets(obj);
	for (size_t i = 0; i < bpfrt_object__prog_cnt(obj); i++) {
		struct bpfrt_program *p = bpfrt_object__prog(obj, i);
		struct row *r = add_row("%s %s", base, bpfrt_program__name(p));
		if (!wanted(r->name)) {
			nrows--;
			continue;
		}
		fprintf(stderr, "bench-verifier: %s\n", r->name);
		/* what bpfrt verify and the runtime tell the verifier: maps with
		 * their value BTF, global function signatures, kfuncs resolved */
		struct bpfrt_verify_opts o = { .sz = sizeof(o) };
		size_t cnt = bpfrt_program__insn_cnt(p);
		struct bpfrt_insn *insns = malloc((cnt ? cnt : 1) * sizeof(*insns));
		char why[256] = "";
		if (!insns || verify_input_build(obj, p, &o)) {
			free(insns);
			break;
		}
		memcpy(insns, bpfrt_program__insns(p), cnt * sizeof(*insns));
		if (verify_resolve_kfuncs(p, insns, cnt, why, sizeof(why))) {
			r->ours.have = true;
			snprintf(r->ours.why, sizeof(r->ours.why), "%.*s", (int)sizeof(r->ours.why) - 1, why);
		} else {
			ours(&r->ours, insns, cnt, o);
		}
		verify_input_free(&o);
		free(insns);
		if (strstr(base, "crc32_bitwise"))
			snprintf(r->kern.why, sizeof(r->kern.why),
				 "not run: oopses the kernel's verifier");
		else
			kernel_obj(&r->kern, path, i, also);
	}
	bpfrt_object__close(obj);
}

static void bench_dir(const char *dir, const char *suffix)
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *nm = list[i]->d_name;
		size_t l = strlen(nm), sl = strlen(suffix);
		if (l > sl && !strcmp(nm + l - sl, suffix)) {
			char path[1024];
			snprintf(path, sizeof(path), "%s/%s", dir, nm);
			bench_object(path);
		}
		free(list[i]);
	}
	if (n > 0)
		free(list);
}

static int assemble(const char *text, struct bpfrt_insn **insns, size_t *cnt)
{
	char alog[512] = "";
	struct bpfrt_asm_opts ao = { .sz = sizeof(ao), .filename = "gen", .log_buf = alog,
				     .log_size = sizeof(alog) };
	int err = bpfrt_asm(text, &ao, insns, cnt);
	if (err)
		fprintf(stderr, "bench-verifier: generated program does not assemble: %s\n", alog);
	return err;
}

/* A growing text buffer. */
struct text {
	char *s;
	size_t len, cap;
};

static void emit(struct text *t, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (t->s && (size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		t->cap = t->cap ? t->cap * 2 : 1 << 16;
		t->s = realloc(t->s, t->cap);
		if (!t->s)
			exit(1);
	}
}

/* Generated programs; the unknown values come from bpf_get_prandom_u32
 * (helper 7), so the same text runs on both verifiers (socket filters for
 * the kernel, which never read their context here). */
static void gen_branches(struct text *t, int n)
{
	emit(t, "call 7\nmov %%r6, %%r0\nmov %%r7, 0\nmov %%r8, 0\n");
	for (int i = 0; i < n; i++)
		emit(t, "mov %%r1, %%r6\nand %%r1, %d\njeq %%r1, 0, l%d\nadd %%r7, 1\nja m%d\n"
			"l%d:\nadd %%r8, 2\nm%d:\n",
		     1 << (i % 31), i, i, i, i);
	emit(t, "mov %%r0, %%r7\nadd %%r0, %%r8\nexit\n");
}

static void gen_nested_loops(struct text *t, int outer, int inner)
{
	emit(t, "mov %%r0, 0\nmov %%r6, 0\nouter:\nmov %%r7, 0\ninner:\nadd %%r0, %%r7\n"
		"add %%r7, 1\njlt %%r7, %d, inner\nadd %%r6, 1\njlt %%r6, %d, outer\nexit\n",
	     inner, outer);
}

static void gen_straight(struct text *t, int n)
{
	emit(t, "mov %%r0, 0\nmov %%r1, 1\n");
	for (int i = 0; i < n; i++)
		emit(t, i % 3 == 0 ? "add %%r0, %%r1\n" : i % 3 == 1 ? "xor %%r1, %d\n" : "lsh %%r1, 1\n",
		     i);
	emit(t, "exit\n");
}

/* Collatz step counts (23 outer x up to 120 inner iterations), as in the
 * verifier cases, of values from prandom. */
static void gen_collatz(struct text *t)
{
	emit(t, "mov %%r7, 0\nmov %%r6, 0\nouter:\ncall 7\nmov %%r1, %%r0\nmov %%r2, 0\ninner:\n"
		"jeq %%r1, 1, done\njge %%r2, 120, done\nmov %%r4, %%r1\nand %%r4, 1\n"
		"jeq %%r4, 0, even\nmul %%r1, 3\nadd %%r1, 1\nja next\neven:\nrsh %%r1, 1\nnext:\n"
		"add %%r2, 1\nja inner\ndone:\nadd %%r6, %%r2\nadd %%r7, 1\njlt %%r7, 23, outer\n"
		"mov %%r0, %%r6\nexit\n");
}

/* A map lookup per branch, index bounded by a check, values spilled across
 * the helper calls: pointer arithmetic on scalars makes them precise. */
static void gen_map_spills(struct text *t, int n)
{
	emit(t, "call 7\nstxdw [%%r10-16], %%r0\nmov %%r6, 0\n");
	for (int i = 0; i < n; i++) {
		emit(t, "call 7\nstxdw [%%r10-24], %%r0\nmov %%r1, 0\nstxw [%%r10-4], %%r1\n"
			"lddw %%r1, map[idx:0]\nmov %%r2, %%r10\nadd %%r2, -4\ncall 1\n"
			"jeq %%r0, 0, s%d\nldxdw %%r1, [%%r10-24]\nand %%r1, 15\nlsh %%r1, 2\n"
			"add %%r0, %%r1\nldxw %%r1, [%%r0]\nadd %%r6, %%r1\ns%d:\n"
			"ldxdw %%r1, [%%r10-16]\njset %%r1, %d, t%d\nadd %%r6, 3\nt%d:\n",
		     i, i, 1 << (i % 31), i, i);
	}
	emit(t, "mov %%r0, %%r6\nexit\n");
}

/* A counted loop adding an unknown, and 3 more on odd ones: only the
 * counter is precise. */
static void gen_accumulate(struct text *t, int turns)
{
	emit(t, "call 7\nmov %%r6, %%r0\nmov %%r0, 0\nmov %%r1, 0\nloop:\nadd %%r0, %%r6\n"
		"mov %%r2, %%r6\nand %%r2, 1\njeq %%r2, 0, skip\nadd %%r0, 3\nskip:\nadd %%r1, 1\n"
		"jlt %%r1, %d, loop\nexit\n",
	     turns);
}

static void bench_generated(const char *name, void (*gen)(struct text *, int, int), int a, int b,
			    bool map)
{
	struct text t = { 0 };
	if (!wanted(name))
		return;
	gen(&t, a, b);
	struct bpfrt_insn *insns = NULL;
	size_t cnt = 0;
	if (assemble(t.s, &insns, &cnt)) {
		free(t.s);
		return;
	}
	free(t.s);
	struct row *r = add_row("%s", name);
	fprintf(stderr, "bench-verifier: %s (%zu insns)\n", r->name, cnt);
	struct bpfrt_verify_map m = { .type = 2 /* array */, .key_size = 4, .value_size = 64, .max_entries = 1 };
	struct bpfrt_verify_opts o = { .sz = sizeof(o), .gpl = true, .maps = map ? &m : NULL,
				       .map_cnt = map ? 1 : 0 };
	ours(&r->ours, insns, cnt, o);
	int fd = -1;
	if (map && use_kernel) {
		fd = kbpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 64, 1, 0);
		for (size_t i = 0; i + 1 < cnt; i++)
			if (insns[i].code == (BPFRT_LD | BPFRT_DW | BPFRT_IMM) && insns[i].src_reg) {
				insns[i].src_reg = BPF_PSEUDO_MAP_FD;
				insns[i].imm = fd;
			}
	}
	if (!map || fd >= 0)
		kernel_insns(&r->kern, insns, cnt, BPF_PROG_TYPE_SOCKET_FILTER);
	if (fd >= 0)
		close(fd);
	free(insns);
}

#define GEN1(f) static void f##_2(struct text *t, int a, int b) { (void)b; f(t, a); }
GEN1(gen_branches)
GEN1(gen_straight)
GEN1(gen_map_spills)
GEN1(gen_accumulate)

/* A counted loop: sum += unknown, or x = (x ^ i) >> 1 (4 insns a turn). */
static void gen_counted(struct text *t, int turns, int xor)
{
	emit(t, "call 7\nmov %%r6, %%r0\nmov %%r0, 0\nmov %%r1, 0\nloop:\n%s"
		"add %%r1, 1\njlt %%r1, %d, loop\nexit\n",
	     xor ? "xor %r0, %r1\nrsh %r0, 1\n" : "add %r0, %r6\n", turns);
}
static void gen_collatz_2(struct text *t, int a, int b)
{
	(void)a, (void)b;
	gen_collatz(t);
}

/* The conformance corpus: each .data file's program (assembled by bpfrt),
 * summed. The kernel sees them as socket filters: those reading their
 * memory are rejected there (r1 is an skb), only the rest are compared. */
static void bench_conformance(const char *dir)
{
	struct dirent **list;
	if (!wanted("conformance corpus"))
		return;
	int n = scandir(dir, &list, NULL, alphasort);
	struct row *r = add_row("conformance corpus (both accept)");
	struct row *all = add_row("conformance corpus (all, bpfrt only)");
	unsigned files = 0, both = 0;
	r->ours.have = r->kern.have = all->ours.have = true;
	r->ours.ok = r->kern.ok = all->ours.ok = true;
	for (int i = 0; i < n; i++) {
		const char *nm = list[i]->d_name;
		size_t l = strlen(nm);
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", dir, nm);
		free(list[i]);
		if (l < 5 || strcmp(nm + l - 5, ".data"))
			continue;
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		struct text t = { 0 }, txt = { 0 };
		char line[1024];
		bool in_asm = false;
		while (fgets(line, sizeof(line), f)) {
			if (!strncmp(line, "--", 2)) {
				in_asm = !strncmp(line, "-- asm", 6);
				continue;
			}
			if (in_asm)
				emit(&txt, "%s", line);
		}
		fclose(f);
		(void)t;
		struct bpfrt_insn *insns = NULL;
		size_t cnt = 0;
		if (!txt.s || assemble(txt.s, &insns, &cnt)) {
			free(txt.s);
			continue;
		}
		free(txt.s);
		files++;
		struct meas o = { 0 }, k = { 0 };
		struct bpfrt_verify_opts vo = { .sz = sizeof(vo), .ctx_size = 64 };
		ours(&o, insns, cnt, vo);
		unsigned saved = runs;
		runs = 1; /* a child per load: once is enough for the sums */
		if (o.ok) {
			all->ours.insns += o.insns;
			all->ours.total_states += o.total_states;
			all->ours.peak_states += o.peak_states;
			all->ours.us += o.us;
			all->ours.med += o.med;
		}
		kernel_insns(&k, insns, cnt, BPF_PROG_TYPE_SOCKET_FILTER);
		runs = saved;
		if (o.ok && k.ok && k.have) {
			both++;
			r->ours.insns += o.insns;
			r->ours.total_states += o.total_states;
			r->ours.peak_states += o.peak_states;
			r->ours.us += o.us;
			r->ours.med += o.med;
			r->kern.insns += k.insns;
			r->kern.total_states += k.total_states;
			r->kern.peak_states += k.peak_states;
			r->kern.us += k.us;
			r->kern.med += k.med;
		}
		free(insns);
	}
	if (n > 0)
		free(list);
	snprintf(r->name, sizeof(r->name), "conformance corpus (%u both accept)", both);
	snprintf(all->name, sizeof(all->name), "conformance corpus (%u programs, bpfrt only)", files);
	if (!use_kernel) {
		r->kern.have = false;
		r->kern.ok = false;
	}
}

/* ---- output ---- */

static void print_meas(const struct meas *m)
{
	if (!m->have || !m->ok) {
		printf(" %s | | | |", m->why[0] ? m->why : m->have ? "rejected" : "n/a");
		return;
	}
	printf(" %llu | %u | %u | %.0f (%.0f) |", m->insns, m->total_states, m->peak_states, m->us,
	       m->med);
}

static void print_ratio(double a, double b)
{
	if (b > 0)
		printf(" %.2f |", a / b);
	else
		printf(" |");
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--no-kernel"))
			use_kernel = false;
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--cpu"))
			cpu_time = true;
		else if (!strcmp(argv[i], "--check"))
			check = true;
		else {
			fprintf(stderr, "usage: bench-verifier [--runs N] [--no-kernel] [--only SUBSTR] "
					"[--cpu] [--check]\n");
			return 2;
		}
	}
	if (!runs)
		runs = 1;
	if (use_kernel && kbpf_available()) {
		fprintf(stderr, "bench-verifier: bpf() unavailable, bpfrt only\n");
		use_kernel = false;
		if (check)
			return 77;
	}
	bench_dir(BENCH_EXAMPLES_DIR, ".v4.o");
	bench_dir(BENCH_COMPUTE_DIR, ".bpf.o");
	bench_conformance(BENCH_CONFORMANCE_DIR);
	bench_generated("generated: 200 branches", gen_branches_2, 200, 0, false);
	bench_generated("generated: 30x30 nested loops", gen_nested_loops, 30, 30, false);
	bench_generated("generated: 8x200 nested loops", gen_nested_loops, 8, 200, false);
	bench_generated("generated: 100000 straight insns", gen_straight_2, 100000, 0, false);
	bench_generated("generated: Collatz 23x120", gen_collatz_2, 0, 0, false);
	bench_generated("generated: 64 map lookups with spills", gen_map_spills_2, 64, 0, true);
	bench_generated("generated: 1000-turn loop, imprecise sum", gen_accumulate_2, 1000, 0, false);
	default_mode = true;
	bench_generated("generated: 300000-turn sum (bpfrt default mode)", gen_counted, 300000, 0,
			false);
	bench_generated("generated: 300000-turn xor-shift (bpfrt default mode)", gen_counted, 300000,
			1, false);
	default_mode = false;

	printf("bpfrt in kernel_compat mode (no loop widening: the kernel's walk; rows marked "
	       "default mode: bpfrt as it runs by default, widening counted loops, not in the "
	       "sums); kernel: "
	       "BPF_PROG_LOAD with log_level 4 (stats only), %s. Times in microseconds, "
	       "minimum (median) of %u runs. insns: instructions processed; ratios are bpfrt / kernel "
	       "(insns: target <= 1.5; time: target <= 1).\n\n",
	       use_kernel ? "in a forked child" : "unavailable here", runs);
	printf("| program | bpfrt insns | states | peak | us min (median) | kernel insns | states "
	       "| peak | us min (median) "
	       "| insns ratio | time ratio |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	double sum_o = 0, sum_k = 0, sum_ot = 0, sum_kt = 0, med_ot = 0, med_kt = 0, worst = 0;
	double worst_t = 0;
	const char *worst_t_name = "";
	const char *worst_name = "";
	int differ = 0;
	for (size_t i = 0; i < nrows; i++) {
		struct row *r = &rows[i];
		if (r->ours.have && r->kern.have && r->ours.ok != r->kern.ok) {
			fprintf(stderr, "bench-verifier: %s: bpfrt %s, the kernel %s\n", r->name,
				r->ours.ok ? "accepts" : "rejects", r->kern.ok ? "accepts" : "rejects");
			differ = 1;
		}
		printf("| %s |", r->name);
		print_meas(&r->ours);
		print_meas(&r->kern);
		bool both = r->ours.have && r->ours.ok && r->kern.have && r->kern.ok;
		if (both && r->default_mode) {
			printf(" %.2g | %.2g |", (double)r->ours.insns / (double)r->kern.insns,
			       r->ours.us / r->kern.us);
		} else if (both) {
			print_ratio((double)r->ours.insns, (double)r->kern.insns);
			print_ratio(r->ours.us, r->kern.us);
			sum_o += (double)r->ours.insns;
			sum_k += (double)r->kern.insns;
			sum_ot += r->ours.us;
			sum_kt += r->kern.us;
			med_ot += r->ours.med;
			med_kt += r->kern.med;
			double qt = r->kern.us > 0 ? r->ours.us / r->kern.us : 0;
			if (qt > worst_t) {
				worst_t = qt;
				worst_t_name = r->name;
			}
			double q = r->kern.insns ? (double)r->ours.insns / (double)r->kern.insns : 0;
			if (q > worst) {
				worst = q;
				worst_name = r->name;
			}
		} else {
			printf(" | |");
		}
		printf("\n");
	}
	if (sum_k > 0)
		printf("\nOver the programs both accept: %.0f insns processed by bpfrt, %.0f by the "
		       "kernel (ratio %.2f; worst %.2f, %s); minimum times %.0f us against %.0f us "
		       "(ratio %.2f; worst %.2f, %s), median times %.0f us against %.0f us (ratio "
		       "%.2f).\n",
		       sum_o, sum_k, sum_o / sum_k, worst, worst_name, sum_ot, sum_kt,
		       sum_kt > 0 ? sum_ot / sum_kt : 0, worst_t, worst_t_name, med_ot, med_kt,
		       med_kt > 0 ? med_ot / med_kt : 0);
	free(rows);
	return check ? differ : 0;
}
