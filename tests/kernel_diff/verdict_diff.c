/* SPDX-License-Identifier: MIT */
/*
 * Verdicts of the kernel's verifier against ours (kernel_compat mode), on
 *  - every case of tests/verifier/cases that a kernel program type can load:
 *    raw-context cases as socket filters behind r1 = r2 = 0 (for both
 *    verifiers: our raw context is not an skb), int3 probe cases as kprobes
 *    (the kernel's pt_regs), packet kinds as themselves,
 *    perf_event cases as perf_event programs; maps are created in the kernel
 *    (frozen ones frozen) and ld_imm64 map indexes turned into their fds;
 *  - seeded random programs (branches, stack, map lookups, pointer
 *    arithmetic, small loops; some of them unsafe) as socket filters.
 *
 * A program we accept and the kernel rejects for a reason other than the
 * program type's environment (helpers a raw-context case calls that a
 * socket filter may not, ...) fails the test:
 * it is unsafe or we miss a rule. A program we reject and the kernel accepts
 * is a gap: it must be listed in known_gaps.txt (cases by name, generated
 * programs by a substring of our message), so that a new gap fails the test.
 * Every load runs in a forked child with a timeout (kbpf); a child that died
 * is counted, never taken for a verdict. Exits 77 without bpf().
 *
 * VDIFF_SEED, VDIFF_COUNT: the generator's seed and program count;
 * VDIFF_VERBOSE=1 prints every disagreement with its program, VDIFF_LOGS=1
 * with both verifiers' logs; VDIFF_CASES=DIR reads the cases from DIR.
 */
#include <dirent.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bpfrt/asm.h"
#include "bpfrt/verifier.h"
#include "isa/opcodes.h"
#include "kbpf.h"
#include "known_gaps.h"
#include "vcase.h"
#include "verdict_gen.h"
#include "verdict_run.h"

#define MAX_PROG 4096
#define LOG_SIZE (64 * 1024)
#define TIMEOUT_MS 20000
#define RECORD_SECS 0.4 /* VDIFF_RECORD: a case the kernel takes longer on */

/* One program to compare. */
struct item {
	char name[256];
	struct bpfrt_insn insns[MAX_PROG]; /* ours (map indexes) */
	struct bpfrt_insn kinsns[MAX_PROG]; /* the kernel's (map fds) */
	size_t cnt;
	struct bpfrt_verify_opts o;
	struct bpfrt_verify_map maps[8];
	uint8_t frozen[8][512];
	int fds[8];
	size_t map_cnt;
	uint32_t prog_type;
	bool generated;
	uint8_t pkt[GEN_PKT_LEN]; /* generated: the packet it runs on */
	struct kbpf_run run;
	char klog[LOG_SIZE];
	char ourlog[LOG_SIZE];
};

static struct item batch[KBPF_MAX_BATCH];
static size_t batch_len, batch_max = KBPF_MAX_BATCH; /* VDIFF_BATCH: fewer per child */

/* known_gaps.txt: "case FILE: NAME" and "gen SUBSTRING" lines (we reject,
 * the kernel accepts) and "precise FILE: NAME" lines (we accept, soundly,
 * what the kernel rejects: it is more conservative or less precise). */
static char *gaps[1024];
static bool gap_seen[1024];
static size_t gap_cnt;

/* kernel_verdicts.txt: the kernel's verdicts on the cases it takes seconds
 * to judge (loops walked turn by turn to its budget), recorded on one
 * kernel release and used instead of asking it again (see that file). */
struct recorded {
	uint64_t hash;
	bool accept, seen;
	char reason[200];
};
static struct recorded recs[128];
static size_t rec_cnt;
static FILE *record_out; /* VDIFF_RECORD=FILE: ask everything, write the slow ones */

static struct {
	int compared, agree, no_verdict, skipped, env, precise, unsafe, gap_known, gap_new;
	int recorded;
	int def_unsafe, def_beyond, def_stricter, runs, run_differ;
} n;
static struct bpfrt_vm *vm;
static bool have_jit;
static bool verbose_out;
static uint32_t klog_level; /* VDIFF_KLOG_LEVEL: the kernel's log level (triage) */

static uint64_t fnv(uint64_t h, const void *p, size_t len)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

/* What the kernel's verdict depends on: the instructions, the program
 * type and the maps (the kernel's copy differs only in map fds). */
static uint64_t item_hash(const struct item *it)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	h = fnv(h, &it->prog_type, sizeof(it->prog_type));
	h = fnv(h, &it->o.expected_attach_type, sizeof(it->o.expected_attach_type));
	for (size_t i = 0; i < it->cnt; i++) {
		const struct bpfrt_insn *in = &it->insns[i];
		uint8_t b[8] = { in->code, (uint8_t)(in->dst_reg | in->src_reg << 4) };
		memcpy(b + 2, &in->off, 2);
		memcpy(b + 4, &in->imm, 4);
		h = fnv(h, b, sizeof(b));
	}
	for (size_t m = 0; m < it->o.map_cnt; m++) {
		const struct bpfrt_verify_map *mp = &it->maps[m];
		uint32_t f[7] = { mp->type,	mp->key_size, mp->value_size,		  mp->max_entries,
				  mp->flags, mp->inner_map, (uint32_t)mp->spin_lock_off };
		h = fnv(h, f, sizeof(f));
		if (mp->frozen_data)
			h = fnv(h, mp->frozen_data, mp->value_size);
	}
	return h;
}

/* "6.18.44-..." -> "6.18": releases whose verifier is the same */
static void release_series(const char *rel, char *out, size_t size)
{
	const char *dot = strchr(rel, '.');
	size_t len = dot ? strcspn(dot + 1, ".-") + (size_t)(dot + 1 - rel) : strlen(rel);
	snprintf(out, size, "%.*s", (int)len, rel);
}

static void load_recorded(void)
{
	struct utsname u;
	char line[512], want[64] = "", have[64] = "";
	FILE *f = fopen(KERNEL_VERDICTS, "r");
	if (!f || uname(&u)) {
		if (f)
			fclose(f);
		return;
	}
	release_series(u.release, have, sizeof(have));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "release ", 8)) {
			release_series(line + 8, want, sizeof(want));
			continue;
		}
		char *tab = strchr(line, '\t'), *tab2 = tab ? strchr(tab + 1, '\t') : NULL;
		if (line[0] == '#' || !tab || !tab2 || rec_cnt == sizeof(recs) / sizeof(recs[0]))
			continue;
		struct recorded *r = &recs[rec_cnt++];
		r->hash = strtoull(line, NULL, 16);
		r->accept = !strncmp(tab + 1, "accept", 6);
		size_t k = 0;
		for (const char *c = tab2 + 1; *c && *c != '\t' && k + 2 < sizeof(r->reason); c++)
			if (c[0] == '\\' && c[1] == 'n') {
				r->reason[k++] = '\n';
				c++;
			} else {
				r->reason[k++] = *c;
			}
		r->reason[k] = 0;
	}
	fclose(f);
	if (strcmp(want, have)) /* another kernel: ask it */
		rec_cnt = 0;
}

static struct recorded *find_recorded(const struct item *it)
{
	uint64_t h = item_hash(it);
	for (size_t i = 0; i < rec_cnt; i++)
		if (recs[i].hash == h)
			return &recs[i];
	return NULL;
}

static bool not_real(const char *line)
{
	return !known_gap_is_real(line);
}

static void load_gaps(void)
{
	gap_cnt = known_gaps_read(KNOWN_GAPS, not_real, gaps, sizeof(gaps) / sizeof(gaps[0]));
}

/* Is this disagreement listed? ours: we accept (and the kernel rejects). */
static bool known_gap(const struct item *it, bool ours)
{
	for (size_t i = 0; i < gap_cnt; i++) {
		bool hit;
		if (!strncmp(gaps[i], "case ", 5))
			hit = !ours && !it->generated && !strcmp(gaps[i] + 5, it->name);
		else if (!strncmp(gaps[i], "precise ", 8))
			hit = ours && !strcmp(gaps[i] + 8, it->name); /* also "gen seed N" */
		else if (!strncmp(gaps[i], "gen ", 4))
			hit = !ours && it->generated && strstr(it->ourlog, gaps[i] + 4);
		else
			hit = false;
		if (hit) {
			gap_seen[i] = true;
			return true;
		}
	}
	return false;
}

/* Kernel rejections that say the program type cannot do this here, not
 * that the program is unsafe. Which helpers a type may call is modelled
 * (helper_allowed): only for raw-context cases, which the kernel loads as
 * socket filters, is a helper refusal the environment's. */
static bool env_reason(const char *klog, bool helpers_modelled)
{
	if (helpers_modelled && (strstr(klog, "unknown func") ||
				 strstr(klog, "program of this type cannot use helper")))
		return false;
	static const char *const env[] = {
		"unknown func",	      "program of this type cannot use helper",
		"cannot call GPL-restricted",
		"invalid func",	      "calling kernel function",
		"not supported",      "unsupported",
		"kernel subsystem misconfigured",
		"BPF_LD_[ABS|IND]",   "is not allowed in this program type",
		"unknown opcode",     "invalid BPF_LD_IMM",
		"at program exit the register R0 has",
		"missing btf func_info", /* callbacks need the program's BTF */
		"does not allow writes to packet data", "cannot use bpf_spin_lock",
		/* the kernel's complexity limit, not a safety verdict */
		"BPF program is too large", "BPF program is too complex",
	};
	for (size_t i = 0; i < sizeof(env) / sizeof(env[0]); i++)
		if (strstr(klog, env[i]))
			return true;
	return false;
}

static void print_prog(const struct item *it)
{
	char *text = NULL;
	struct bpfrt_disasm_opts d = { .sz = sizeof(d) };
	if (bpfrt_disasm(it->insns, it->cnt, &d, &text) == 0 && text) {
		fputs(text, stdout);
		free(text);
	}
}

static const char *last_lines(const char *log, int lines)
{
	const char *p = log + strlen(log);
	while (p > log && lines >= 0) {
		p--;
		if (*p == '\n')
			lines--;
	}
	return p == log ? p : p + 1;
}

static const char *our_reason(const char *log)
{
	/* the message precedes the "processed N insns" statistics */
	static char buf[256];
	const char *end = strstr(log, "processed ");
	size_t len = end ? (size_t)(end - log) : strlen(log);
	const char *p = log + len;
	if (p > log)
		p--;
	while (p > log && p[-1] != '\n')
		p--;
	snprintf(buf, sizeof(buf), "%.*s", (int)(log + len - p), p);
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

/* bpfrt's run of a generated program (mode: kernel_compat or default) in
 * each engine against the kernel's r0 (its low 32 bits: what the kernel
 * returns); false, after printing why, on a difference. */
static bool same_runs(struct item *it, const struct kbpf_result *kr, bool compat)
{
	struct bpfrt_verify_opts o = it->o;
	char why[256];
	o.kernel_compat = compat;
	o.log_buf = NULL;
	o.log_size = 0;
	o.log_level = 0;
	for (int be = 0; be < (have_jit ? 2 : 1); be++) {
		uint64_t r0 = 0;
		int err = vrun(vm, it->insns, it->cnt, &o, (enum bpfrt_backend)be, it->pkt,
			       GEN_PKT_LEN, &r0, why, sizeof(why));
		n.runs++;
		if (!err && (uint32_t)r0 == kr->retval)
			continue;
		n.run_differ++;
		printf("%s: RUN (%s, %s) differs: the kernel returns %u, bpfrt ", it->name,
		       compat ? "kernel_compat" : "default mode", be ? "JIT" : "interpreter",
		       kr->retval);
		if (err)
			printf("fails: %s (%s)\n", strerror(-err), why);
		else
			printf("%u\n", (uint32_t)r0);
		return false;
	}
	return true;
}

/* A program bpfrt accepts in default mode only, the kernel too complex:
 * run (interpreter) in a child, where a loop that never ends or a crash
 * cannot take the test with it. */
static int run_in_child(void *arg, void *shm)
{
	struct item *it = arg;
	struct bpfrt_verify_opts o = it->o;
	char why[256];
	uint64_t r0[2] = { 0, 0 };
	o.kernel_compat = false;
	o.log_buf = NULL;
	o.log_size = 0;
	for (int be = 0; be < (have_jit ? 2 : 1); be++) {
		int err = vrun(vm, it->insns, it->cnt, &o, (enum bpfrt_backend)be, it->pkt,
			       GEN_PKT_LEN, &r0[be], why, sizeof(why));
		if (err) {
			snprintf(shm, 256, "%s: %.200s", be ? "JIT" : "interpreter", why);
			return 1;
		}
	}
	if (have_jit && r0[0] != r0[1]) {
		snprintf(shm, 256, "interpreter r0 %llu, JIT %llu", (unsigned long long)r0[0],
			 (unsigned long long)r0[1]);
		return 1;
	}
	return 0;
}

/* Generated programs: bpfrt's default mode too (it may accept loops the
 * kernel walks past its budget, never anything unsafe, and everything
 * kernel_compat accepts); runs where both accept. */
static void judge_generated(struct item *it, const struct kbpf_result *kr, bool ours, bool kernel)
{
	struct bpfrt_verify_opts o = it->o;
	static char log[LOG_SIZE];
	bool show = false;
	o.kernel_compat = false;
	o.log_buf = log;
	o.log_size = sizeof(log);
	bool def = bpfrt_verify(it->insns, it->cnt, &o) == 0;
	if (ours && !def) {
		n.def_stricter++;
		show = true;
		printf("%s: DEFAULT MODE rejects what kernel_compat accepts: %s\n", it->name,
		       our_reason(log));
	}
	/* what default mode allows on purpose: misaligned stack data (x86-64
	 * does not care), dead code, loops past the kernel's budget, a checked
	 * packet pointer plus an index in [0, umax] keeping range - umax (the
	 * kernel drops the range) */
	static const char *const beyond[] = { "too complex", "too large", "misaligned stack",
					      "unreachable insn", "offset is outside of the packet" };
	bool allowed = false;
	for (size_t i = 0; i < sizeof(beyond) / sizeof(beyond[0]); i++)
		allowed |= strstr(it->klog, beyond[i]) != NULL;
	/* default mode tracks division, zero-extends 32-bit shifts by a
	 * register (the kernel makes all 64 bits of either unknown), keeps
	 * ranges through jset: such a program may be accepted on purpose; it
	 * is run below */
	for (size_t i = 0; i < it->cnt && !ours; i++) {
		uint8_t c = it->insns[i].code, op = BPFRT_OP(c);
		bool shift = op == BPFRT_LSH || op == BPFRT_RSH || op == BPFRT_ARSH;
		if ((BPFRT_CLASS(c) == BPFRT_ALU || BPFRT_CLASS(c) == BPFRT_ALU64) &&
		    (op == BPFRT_DIV || op == BPFRT_MOD))
			allowed = true;
		if (BPFRT_CLASS(c) == BPFRT_ALU && shift && BPFRT_SRC(c) == BPFRT_X)
			allowed = true;
		/* default mode keeps the ranges through a false jset (the
		 * kernel and kernel_compat forget them) */
		if ((BPFRT_CLASS(c) == BPFRT_JMP || BPFRT_CLASS(c) == BPFRT_JMP32) &&
		    op == BPFRT_JSET)
			allowed = true;
		/* an atomic through a variable-offset stack pointer: default
		 * mode checks every byte it may reach (the kernel refuses it as
		 * it refuses such a pointer to a helper) */
		if (BPFRT_CLASS(c) == BPFRT_STX && BPFRT_MODE(c) == BPFRT_ATOMIC &&
		    strstr(it->klog, "variable offset stack pointer cannot be passed"))
			allowed = true;
	}
	if (def && !kernel) {
		if (!allowed && !env_reason(it->klog, true) && !known_gap(it, true)) {
			n.def_unsafe++;
			show = true;
			printf("%s: DEFAULT MODE ACCEPTS, the kernel rejects it: %s", it->name,
			       last_lines(it->klog, 2));
		} else if (!ours) { /* accepted beyond the kernel: it must run */
			char why[256] = "";
			int status = 0;
			n.def_beyond++;
			enum kbpf_outcome out = kbpf_in_child(run_in_child, it, why, sizeof(why),
							      TIMEOUT_MS, &status);
			if (out != KBPF_OK || status) {
				n.run_differ++;
				show = true;
				printf("%s: default mode accepts (the kernel: too complex) and its run "
				       "%s: %s\n", it->name,
				       out == KBPF_OK ? "fails" : kbpf_outcome_name(out), why);
			}
		}
	}
	if (kernel && kr->outcome == KBPF_OK) {
		if (ours && !same_runs(it, kr, true))
			show = true;
		else if (def && !same_runs(it, kr, false))
			show = true;
	}
	if (show)
		print_prog(it);
	if (show && getenv("VDIFF_LOGS"))
		printf("--- the kernel's log:\n%s--- ours (default mode):\n%s---\n", it->klog, log);
}

static void judge(struct item *it, const struct kbpf_result *kr)
{
	it->o.log_buf = it->ourlog;
	it->o.log_size = sizeof(it->ourlog);
	it->o.log_level = 1;
	it->o.kernel_compat = true;
	it->o.sz = sizeof(it->o);
	bool ours = bpfrt_verify(it->insns, it->cnt, &it->o) == 0;
	if (it->generated && kr->outcome == KBPF_RUN_FAILED)
		printf("%s: the kernel's test run failed (%d)\n", it->name, kr->err);
	if (kr->outcome != KBPF_OK && kr->outcome != KBPF_REJECTED &&
	    !(it->generated && kr->outcome == KBPF_RUN_FAILED)) {
		n.no_verdict++;
		printf("no kernel verdict (%s): %s\n", kbpf_outcome_name(kr->outcome), it->name);
		return;
	}
	bool kernel = kr->outcome != KBPF_REJECTED;
	n.compared++;
	if (it->generated)
		judge_generated(it, kr, ours, kernel);
	if (getenv("VDIFF_ALL")) /* every verdict, for triage */
		printf("%s: the kernel %s, ours %s: %s\n", it->name, kernel ? "accepts" : "rejects",
		       ours ? "accepts" : "rejects", kernel ? "\n" : last_lines(it->klog, 2));
	if (ours == kernel) {
		n.agree++;
		return;
	}
	const char *what;
	bool show = verbose_out;
	if (ours) {
		if (env_reason(it->klog, it->o.attach != BPFRT_ATTACH_UNSPEC)) {
			n.env++;
			what = "accepted; the kernel's program type refuses it";
		} else if (known_gap(it, true)) {
			n.precise++;
			what = "accepted (listed: sound, the kernel is more conservative)";
		} else {
			n.unsafe++;
			what = "ACCEPTED, the kernel rejects it";
			show = true;
		}
		printf("%s: %s: %s", it->name, what, last_lines(it->klog, 2));
	} else {
		if (known_gap(it, false)) {
			n.gap_known++;
			what = "rejected (known gap), the kernel accepts";
		} else {
			n.gap_new++;
			what = "REJECTED (new gap), the kernel accepts";
			show = true;
		}
		printf("%s: %s: %s\n", it->name, what, our_reason(it->ourlog));
	}
	if (show && it->generated)
		print_prog(it);
	if (getenv("VDIFF_LOGS")) /* both verifiers' logs of every disagreement */
		printf("--- the kernel's log:\n%s--- ours:\n%s---\n", it->klog, it->ourlog);
}

static void flush(void)
{
	struct kbpf_prog progs[KBPF_MAX_BATCH];
	struct kbpf_result res[KBPF_MAX_BATCH];
	struct kbpf_run runs[KBPF_MAX_BATCH];
	if (!batch_len)
		return;
	for (size_t i = 0; i < batch_len; i++)
		runs[i] = batch[i].run;
	for (size_t i = 0; i < batch_len; i++)
		progs[i] = (struct kbpf_prog){ .insns = batch[i].kinsns,
					       .insn_cnt = batch[i].cnt,
					       .prog_type = batch[i].prog_type,
					       .expected_attach_type =
						       batch[i].o.expected_attach_type,
					       .log_buf = batch[i].klog,
					       .log_size = sizeof(batch[i].klog),
					       .log_level = klog_level };
	/* a batch is all cases (loaded only) or all generated programs (run) */
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int berr = kbpf_prog_run_batch(progs, batch[0].generated ? runs : NULL, batch_len,
				       TIMEOUT_MS, res);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (verbose_out && secs > 0.5)
		printf("the kernel took %.1f s on %zu programs from %s\n", secs, batch_len,
		       batch[0].name);
	if (record_out && secs > RECORD_SECS && !batch[0].generated &&
	    (res[0].outcome == KBPF_OK || res[0].outcome == KBPF_REJECTED)) {
		/* one case per child here: its verdict and reason */
		const char *reason = res[0].outcome == KBPF_OK ? "-" : last_lines(batch[0].klog, 2);
		fprintf(record_out, "%016llx\t%s\t", (unsigned long long)item_hash(&batch[0]),
			res[0].outcome == KBPF_OK ? "accept" : "reject");
		for (const char *c = reason; *c && c - reason < 190; c++) /* newlines as \n */
			if (*c == '\n')
				fputs("\\n", record_out);
			else
				fputc(*c == '\t' ? ' ' : *c, record_out);
		fprintf(record_out, "\t%s\n", batch[0].name);
	}
	if (berr) {
		for (size_t i = 0; i < batch_len; i++)
			res[i] = (struct kbpf_result){ .outcome = KBPF_CHILD_ERR };
	}
	/* a child that ran out of time took the rest of its batch with it:
	 * those are asked again, each alone */
	for (size_t i = 0; i < batch_len && batch_len > 1; i++)
		if (res[i].outcome == KBPF_TIMEOUT &&
		    kbpf_prog_run_batch(&progs[i], batch[0].generated ? &runs[i] : NULL, 1,
					TIMEOUT_MS, &res[i]))
			res[i] = (struct kbpf_result){ .outcome = KBPF_CHILD_ERR };
	for (size_t i = 0; i < batch_len; i++) {
		judge(&batch[i], &res[i]);
		for (size_t m = 0; m < batch[i].map_cnt; m++)
			if (batch[i].fds[m] >= 0)
				close(batch[i].fds[m]);
	}
	batch_len = 0;
}

/* The kernel's copy of the program and its maps (from the case c). */
static void judge(struct item *it, const struct kbpf_result *kr);

static void submit(struct item *it, const struct vcase *c)
{
	char why[256];
	struct recorded *r = it->generated || record_out ? NULL : find_recorded(it);
	if (r) { /* the kernel's verdict as recorded: not asked again */
		struct kbpf_result kr = { .outcome = r->accept ? KBPF_OK : KBPF_REJECTED,
					  .err = r->accept ? 0 : -EINVAL };
		snprintf(it->klog, sizeof(it->klog), "%s", r->accept ? "" : r->reason);
		r->seen = true;
		n.recorded++;
		if (verbose_out)
			printf("%s: the kernel's verdict as recorded: %s\n", it->name,
			       r->accept ? "accepts" : "rejects");
		judge(it, &kr);
		return;
	}
	memcpy(it->kinsns, it->insns, it->cnt * sizeof(it->insns[0]));
	it->map_cnt = c->o.map_cnt;
	if (vcase_kernel_prepare(c, it->kinsns, it->cnt, it->fds, why, sizeof(why))) {
		n.skipped++;
		if (verbose_out)
			printf("%s: skipped: %s\n", it->name, why);
		return;
	}
	if (it->generated) /* the hash map's keys, as bpfrt's (verdict_run.c) */
		for (uint32_t k = 0; k < GEN_HASH_KEYS; k++) {
			uint64_t v = gen_hash_value(k);
			kbpf_map_update(it->fds[1], &k, &v, 0);
		}
	if (++batch_len >= batch_max)
		flush();
}

/* ---- cases ---- */

static uint32_t kernel_type(const struct vcase *c)
{
	if (c->kernel_type) /* `kernel TYPE` */
		return c->kernel_type - 1;
	switch (c->o.attach) {
	case BPFRT_ATTACH_XDP:
		return BPF_PROG_TYPE_XDP;
	case BPFRT_ATTACH_TC:
		return BPF_PROG_TYPE_SCHED_CLS;
	case BPFRT_ATTACH_SOCKET:
		return BPF_PROG_TYPE_SOCKET_FILTER;
	case BPFRT_ATTACH_CGROUP_SKB:
		return BPF_PROG_TYPE_CGROUP_SKB;
	case BPFRT_ATTACH_UNSPEC:
		return BPF_PROG_TYPE_SOCKET_FILTER; /* behind r1 = r2 = 0 (add_case) */
	case BPFRT_ATTACH_UPROBE:
	case BPFRT_ATTACH_UPROBE_MULTI:
	case BPFRT_ATTACH_UPROBE_SESSION:
	case BPFRT_ATTACH_USDT:
	case BPFRT_ATTACH_KPROBE:
		/* the kernel's kprobe context is the full pt_regs: our int3 table */
		return c->o.probe_mech == BPFRT_PROBE_INT3 ? BPF_PROG_TYPE_KPROBE : 0;
	case BPFRT_ATTACH_PERF_EVENT:
		return BPF_PROG_TYPE_PERF_EVENT;
	case BPFRT_ATTACH_TRACEPOINT:
		/* the kernel knows no record's size: bpfrt's rule without one */
		return c->o.ctx_size ? 0 : BPF_PROG_TYPE_TRACEPOINT;
	default:
		return 0;
	}
}

static void add_case(const char *file, struct vcase *c, void *arg)
{
	(void)arg;
	struct bpfrt_insn *insns;
	size_t cnt;
	char why[640];
	/* embedder helpers and global functions (their BTF) have no kernel form */
	if (c->bad_opt || c->expect < 0 || c->o.helper_cnt || c->o.func_cnt ||
	    vcase_assemble(c, &insns, &cnt, why, sizeof(why))) {
		n.skipped++;
		return;
	}
	uint32_t type = cnt + 2 <= MAX_PROG ? kernel_type(c) : 0;
	if (!type) {
		free(insns);
		n.skipped++;
		return;
	}
	struct item *it = &batch[batch_len];
	snprintf(it->name, sizeof(it->name), "%s: %s", file, c->name);
	/* Our raw context (r1: memory, r2: its size) is not the kernel's skb:
	 * both verifiers get the program behind r1 = r2 = 0, the same to both. */
	size_t pro = c->o.attach == BPFRT_ATTACH_UNSPEC ? 2 : 0;
	if (pro) {
		it->insns[0] = (struct bpfrt_insn){ .code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_K,
						    .dst_reg = 1 };
		it->insns[1] = (struct bpfrt_insn){ .code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_K,
						    .dst_reg = 2 };
	}
	memcpy(it->insns + pro, insns, cnt * sizeof(*insns));
	free(insns);
	it->cnt = cnt + pro;
	it->o = c->o;
	/* sessions are kprobe programs of their own attach type (the kernel's
	 * BPF_TRACE_KPROBE_SESSION 56, BPF_TRACE_UPROBE_SESSION 57) */
	if (!it->o.expected_attach_type && c->o.attach == BPFRT_ATTACH_KPROBE_SESSION)
		it->o.expected_attach_type = 56;
	if (!it->o.expected_attach_type && c->o.attach == BPFRT_ATTACH_UPROBE_SESSION)
		it->o.expected_attach_type = 57;
	memcpy(it->maps, c->maps, sizeof(it->maps));
	memcpy(it->frozen, c->frozen, sizeof(it->frozen));
	for (size_t m = 0; m < it->o.map_cnt; m++)
		if (it->maps[m].frozen_data)
			it->maps[m].frozen_data = it->frozen[m];
	it->o.maps = it->o.map_cnt ? it->maps : NULL;
	it->prog_type = type;
	it->generated = false;
	submit(it, c);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int run_cases(const char *dir)
{
	struct dirent **list;
	int cnt = scandir(dir, &list, NULL, by_name);
	if (cnt <= 0)
		return -ENOENT;
	for (int i = 0; i < cnt; i++) {
		size_t len = strlen(list[i]->d_name);
		if (len > 5 && !strcmp(list[i]->d_name + len - 5, ".case"))
			vcase_read_file(dir, list[i]->d_name, add_case, NULL);
		free(list[i]);
	}
	free(list);
	flush();
	return 0;
}

/* ---- generated programs (verdict_gen.c) ---- */

/* VDIFF_ASM=FILE: a program listing (as printed for a disagreement) instead
 * of the generator's, for triage of a program an older generator wrote;
 * VDIFF_SEED still picks the packet. Returns its length, 0 if unusable. */
static size_t read_asm(const char *path, struct bpfrt_insn *out, size_t max)
{
	static char text[256 * 1024];
	char alog[512] = "";
	FILE *f = fopen(path, "r");
	size_t len = f ? fread(text, 1, sizeof(text) - 1, f) : 0, cnt = 0;
	struct bpfrt_insn *insns = NULL;
	struct bpfrt_asm_opts ao = { .sz = sizeof(ao), .filename = path, .log_buf = alog,
				     .log_size = sizeof(alog) };
	if (f)
		fclose(f);
	text[len] = 0;
	if (!len || bpfrt_asm(text, &ao, &insns, &cnt) || cnt > max) {
		printf("%s: not a program: %s\n", path, alog);
		free(insns);
		return 0;
	}
	memcpy(out, insns, cnt * sizeof(*insns));
	free(insns);
	return cnt;
}

static void run_generated(uint64_t seed, unsigned count)
{
	const char *asm_file = getenv("VDIFF_ASM");
	static struct vcase maps; /* the generator's two maps, for vcase_kernel_prepare */
	maps.o.map_cnt = 2;
	maps.maps[0] = (struct bpfrt_verify_map){ .type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
						  .value_size = 32, .max_entries = 1,
						  .spin_lock_off = -1 };
	maps.maps[1] = (struct bpfrt_verify_map){ .type = BPF_MAP_TYPE_HASH, .key_size = 4,
						  .value_size = 8, .max_entries = 16,
						  .spin_lock_off = -1 };
	for (unsigned i = 0; i < count; i++) {
		struct item *it = &batch[batch_len];
		memset(&it->o, 0, sizeof(it->o));
		it->o.map_cnt = 2;
		memcpy(it->maps, maps.maps, sizeof(it->maps));
		it->o.maps = it->maps;
		it->cnt = gen_program(seed + i, it->insns, MAX_PROG);
		if (asm_file && !(it->cnt = read_asm(asm_file, it->insns, MAX_PROG)))
			break;
		snprintf(it->name, sizeof(it->name), "gen seed %llu",
			 (unsigned long long)(seed + i));
		it->prog_type = BPF_PROG_TYPE_XDP;
		it->o.attach = BPFRT_ATTACH_XDP;
		it->o.gpl = true;
		it->generated = true;
		gen_packet(seed + i, it->pkt);
		it->run = (struct kbpf_run){ .data_in = it->pkt, .data_size_in = GEN_PKT_LEN };
		submit(it, &maps);
	}
	flush();
}

int main(void)
{
	int avail = kbpf_available();
	if (avail) {
		printf("bpf() unavailable (%s): skipped\n", strerror(-avail));
		return 77;
	}
	verbose_out = getenv("VDIFF_VERBOSE") != NULL;
	if (getenv("VDIFF_BATCH") && atoi(getenv("VDIFF_BATCH")) > 0 &&
	    atoi(getenv("VDIFF_BATCH")) <= KBPF_MAX_BATCH)
		batch_max = (size_t)atoi(getenv("VDIFF_BATCH"));
	if (getenv("VDIFF_KLOG_LEVEL"))
		klog_level = (uint32_t)strtoul(getenv("VDIFF_KLOG_LEVEL"), NULL, 0);
	const char *s = getenv("VDIFF_SEED"), *c = getenv("VDIFF_COUNT");
	uint64_t seed = s ? strtoull(s, NULL, 0) : 20261130;
	if (getenv("VERDICT_DIFF_SEEDS")) /* the long run's spelling */
		c = getenv("VERDICT_DIFF_SEEDS");
	unsigned count = c ? (unsigned)strtoul(c, NULL, 0) : 400;
	vm = bpfrt_vm__new();
	if (!vm || bpfrt_vm__register_kernel_helpers(vm)) {
		printf("no VM\n");
		return 1;
	}
	have_jit = bpfrt_vm__has_backend(vm, BPFRT_BACKEND_JIT);
	load_gaps();
	if (getenv("VDIFF_RECORD")) { /* each case alone, the slow ones written */
		if (!(record_out = fopen(getenv("VDIFF_RECORD"), "w"))) {
			printf("cannot write %s\n", getenv("VDIFF_RECORD"));
			return 1;
		}
		struct utsname u;
		fprintf(record_out, "release %s\n", uname(&u) ? "?" : u.release);
		batch_max = 1;
	} else {
		load_recorded();
	}
	const char *dir = getenv("VDIFF_CASES") ? getenv("VDIFF_CASES") : BPFRT_VERIFIER_CASES;
	if (!getenv("VDIFF_NO_CASES") && run_cases(dir)) {
		printf("no cases in %s\n", dir);
		return 1;
	}
	printf("cases: %d compared (%d with the kernel's recorded verdict), %d agree, %d skipped "
	       "(no kernel program type)\n",
	       n.compared, n.recorded, n.agree, n.skipped);
	for (size_t i = 0; i < rec_cnt && !getenv("VDIFF_CASES") && !getenv("VDIFF_NO_CASES"); i++)
		if (!recs[i].seen)
			printf("note: a recorded kernel verdict no longer used (a case changed?): "
			       "%016llx\n",
			       (unsigned long long)recs[i].hash);
	if (record_out)
		fclose(record_out);
	run_generated(seed, count);
	printf("generated: %u programs from seed %llu; default mode: %d accepted beyond the "
	       "kernel's budget, %d UNSAFE, %d STRICTER than kernel_compat; runs (interpreter%s): "
	       "%d, %d DIFFER\n",
	       count, (unsigned long long)seed, n.def_beyond, n.def_unsafe, n.def_stricter,
	       have_jit ? " and JIT" : "", n.runs, n.run_differ);
	for (size_t i = 0; i < gap_cnt; i++)
		if (!gap_seen[i])
			printf("note: known gap no longer seen: %s\n", gaps[i]);
	printf("all: %d compared, %d agree, %d no kernel verdict; we accept, the kernel rejects: "
	       "%d for its program type, %d listed as sound, %d UNSAFE; we reject, the kernel "
	       "accepts: %d known gaps, %d NEW\n",
	       n.compared, n.agree, n.no_verdict, n.env, n.precise, n.unsafe, n.gap_known,
	       n.gap_new);
	bpfrt_vm__free(vm);
	return n.unsafe || n.gap_new || n.def_unsafe || n.def_stricter || n.run_differ ? 1 : 0;
}
