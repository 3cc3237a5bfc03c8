/* SPDX-License-Identifier: MIT */
/*
 * The kernel differential test: every conformance program the kernel's
 * verifier accepts must give, run with BPF_PROG_TEST_RUN, the same r0 (all
 * 64 bits) and the same memory afterwards as our interpreter (checked mode)
 * and, where it is built, our JIT (trusted mode: the kernel verified it).
 *
 * Method (as bpf_conformance's own --xdp_prolog):
 *  - each .data file's `-- asm` section is assembled by the official bpf_asm;
 *  - programs calling helpers are not compared (the corpus' test helpers 0-5
 *    are not the kernel's helpers of those ids);
 *  - the program is loaded as an XDP program behind a prolog that turns the
 *    xdp_md context into r1 = packet data, r2 = memory size, after proving
 *    `data + size <= data_end` so the verifier knows the packet's extent;
 *    the test memory is the packet (padded with zeros to the 14 bytes an XDP
 *    test run needs; r2 is still the real size);
 *  - the kernel returns 32 bits of r0, so a second variant, whose main
 *    program's exits jump to an epilogue `r0 >>= 32; exit` placed before the
 *    first subprogram, gives the high half;
 *  - every load and run happens in a forked child with a timeout (kbpf): a
 *    killed child is counted as such, never as a verdict;
 *  - where bpfrt's verifier is built, its verdict in kernel_compat mode on the
 *    conformance convention (r1: the memory, r2: its size) must be the
 *    kernel's, for every program the kernel gave a verdict on; and so must
 *    its verdict on the very program the kernel loaded (prolog and body) as
 *    an XDP program, where the memory is the packet (packet pointers).
 * Exits 77 when bpf() or our interpreter is unavailable. Usage (by hand):
 *   test_kernel_diff [CORPUS [BPF_ASM [--kernel-only]]]
 * --kernel-only compares the kernel with the files' expected results instead.
 */
#include <dirent.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpfrt/vm.h"
#include "kbpf.h"
#ifdef HAVE_VERIFIER /* set by CMake when bpfrt/verifier.h exists */
#include "bpfrt/verifier.h"
#endif

#define MAX_INSNS 4096
#define MAX_MEM 1024
#define XDP_MIN_PACKET 14 /* ETH_HLEN: the kernel's minimum test packet */

struct testcase {
	char name[256];
	struct bpfrt_insn insns[MAX_INSNS];
	size_t insn_cnt;
	unsigned char mem[MAX_MEM];
	size_t mem_size;
	uint64_t expected; /* the `-- result` section */
};

struct counts {
	int files, helper_calls, asm_failed, rejected, killed, run_failed, accepted, agree,
		disagree, jit_agree, jit_disagree, verdict_same, verdict_differs, xdp_same,
		xdp_differs;
};

static const char *bpf_asm = BPFRT_BPF_ASM;

#define I(c, d, s, o, i) ((struct bpfrt_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})

/* Reads the `-- asm` and `-- mem` sections; the asm text into `asm_out`. */
static int parse_data(const char *path, struct testcase *t, char *asm_out, size_t asm_cap)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	enum { NONE, ASM, MEM, RESULT } state = NONE;
	size_t asm_len = 0;

	if (!f)
		return -errno;
	asm_out[0] = '\0';
	t->mem_size = 0;
	while (fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		size_t len = strlen(line); /* one instruction per line, comments gone */
		while (len && strchr(" \t\r\n", line[len - 1]))
			line[--len] = '\0';
		if (len + 1 < sizeof(line))
			strcpy(line + len, "\n");
		if (strncmp(line, "--", 2) == 0) {
			state = strstr(line, "asm")      ? ASM
				: strstr(line, "mem")    ? MEM
				: strstr(line, "result") ? RESULT
							 : NONE;
			continue;
		}
		if (state == ASM) {
			size_t n = strlen(line);
			if (asm_len + n + 1 >= asm_cap)
				break;
			memcpy(asm_out + asm_len, line, n + 1);
			asm_len += n;
		} else if (state == RESULT && strspn(line, " \t\r\n") < strlen(line)) {
			t->expected = strtoull(line, NULL, strstr(line, "0x") ? 16 : 10);
		} else if (state == MEM) {
			char *p = line, *end;
			for (;;) {
				unsigned long b = strtoul(p, &end, 16);
				if (end == p || t->mem_size >= MAX_MEM)
					break;
				t->mem[t->mem_size++] = (unsigned char)b;
				p = end;
			}
		}
	}
	fclose(f);
	return 0;
}

/* Assembles with the official bpf_asm (--raw). */
static int assemble(const char *text, struct testcase *t)
{
	char tmp[] = "/tmp/kernel_diff_XXXXXX";
	char cmd[1024];
	int fd = mkstemp(tmp);

	if (fd < 0)
		return -errno;
	size_t n = strlen(text);
	bool ok = write(fd, text, n) == (ssize_t)n;
	close(fd);
	snprintf(cmd, sizeof(cmd), "'%s' --file '%s' --raw 2>/dev/null", bpf_asm, tmp);
	FILE *p = ok ? popen(cmd, "r") : NULL;
	t->insn_cnt = p ? fread(t->insns, sizeof(t->insns[0]), MAX_INSNS, p) : 0;
	int rc = p ? pclose(p) : -1;
	unlink(tmp);
	return rc == 0 && t->insn_cnt ? 0 : -EINVAL;
}

/* bpf_asm is one process per file, slow on a loaded machine: its output is
 * kept in the build tree, valid while newer than the .data file and bpf_asm. */
static int assemble_cached(const char *data_path, const char *text, struct testcase *t)
{
	char path[4096];
	struct stat src, as, c;

	snprintf(path, sizeof(path), "%s/%s.bin", KERNEL_DIFF_CACHE, t->name);
	if (stat(data_path, &src) == 0 && stat(bpf_asm, &as) == 0 && stat(path, &c) == 0 &&
	    c.st_mtime > src.st_mtime && c.st_mtime > as.st_mtime) {
		FILE *f = fopen(path, "rb");
		t->insn_cnt = f ? fread(t->insns, sizeof(t->insns[0]), MAX_INSNS, f) : 0;
		if (f)
			fclose(f);
		if (t->insn_cnt)
			return 0;
	}
	int err = assemble(text, t);
	if (err)
		return err;
	mkdir(KERNEL_DIFF_CACHE, 0755);
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	FILE *f = fopen(tmp, "wb");
	if (f) {
		bool ok = fwrite(t->insns, sizeof(t->insns[0]), t->insn_cnt, f) == t->insn_cnt;
		if (fclose(f) == 0 && ok)
			rename(tmp, path);
		else
			unlink(tmp);
	}
	return 0;
}

static bool is_helper_call(const struct bpfrt_insn *in)
{
	return in->code == (BPFRT_JMP | BPFRT_CALL | BPFRT_K) && in->src_reg == 0;
}

/* First instruction of the first subprogram (or insn_cnt). */
static size_t main_end(const struct testcase *t)
{
	size_t end = t->insn_cnt;
	for (size_t i = 0; i < t->insn_cnt; i++) {
		const struct bpfrt_insn *in = &t->insns[i];
		bool call = in->code == (BPFRT_JMP | BPFRT_CALL | BPFRT_K) &&
			    in->src_reg == BPFRT_PSEUDO_CALL;
		bool func = BPFRT_INSN_IS_LDDW(in) && in->src_reg == BPFRT_PSEUDO_FUNC;
		long target = (long)i + in->imm + 1;
		if ((call || func) && target > 0 && (size_t)target < end)
			end = (size_t)target;
	}
	return end;
}

/* The kernel program: prolog + body, optionally with the high-half epilogue. */
static size_t build_kernel_prog(const struct testcase *t, bool high, struct bpfrt_insn *out)
{
	int size = (int)t->mem_size;
	size_t n = 0;

	out[n++] = I(BPFRT_LDX | BPFRT_MEM | BPFRT_W, 2, 1, 4, 0); /* r2 = data_end */
	out[n++] = I(BPFRT_LDX | BPFRT_MEM | BPFRT_W, 1, 1, 0, 0); /* r1 = data */
	out[n++] = I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, 3, 1, 0, 0);
	out[n++] = I(BPFRT_ALU64 | BPFRT_ADD | BPFRT_K, 3, 0, 0, size);
	out[n++] = I(BPFRT_JMP | BPFRT_JLE | BPFRT_X, 3, 2, 2, 0); /* in bounds: on */
	out[n++] = I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, 0, 0, 0, 0);
	out[n++] = I(BPFRT_JMP | BPFRT_EXIT, 0, 0, 0, 0);
	out[n++] = I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, 2, 0, 0, size);
	out[n++] = I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, 3, 0, 0, 0);
	size_t end = high ? main_end(t) : t->insn_cnt;

	for (size_t i = 0; i < t->insn_cnt; i++) {
		if (high && i == end) {
			out[n++] = I(BPFRT_ALU64 | BPFRT_RSH | BPFRT_K, 0, 0, 0, 32);
			out[n++] = I(BPFRT_JMP | BPFRT_EXIT, 0, 0, 0, 0);
		}
		struct bpfrt_insn in = t->insns[i];
		if (high && i < end) {
			long target = (long)i + in.imm + 1;
			bool call = in.code == (BPFRT_JMP | BPFRT_CALL | BPFRT_K) &&
				    in.src_reg == BPFRT_PSEUDO_CALL;
			bool func = BPFRT_INSN_IS_LDDW(&in) && in.src_reg == BPFRT_PSEUDO_FUNC;
			if (in.code == (BPFRT_JMP | BPFRT_EXIT))
				in = I(BPFRT_JMP | BPFRT_JA, 0, 0, (int16_t)(end - i - 1), 0);
			else if ((call || func) && target >= (long)end)
				in.imm += 2;
		}
		out[n++] = in;
	}
	if (high && end == t->insn_cnt) {
		out[n++] = I(BPFRT_ALU64 | BPFRT_RSH | BPFRT_K, 0, 0, 0, 32);
		out[n++] = I(BPFRT_JMP | BPFRT_EXIT, 0, 0, 0, 0);
	}
	return n;
}

/* The verifier's verdict: the last log line before its statistics. */
static const char *log_verdict(char *log)
{
	char *stats = strstr(log, "\nprocessed ");
	if (stats)
		*stats = '\0';
	size_t n = strlen(log);
	while (n && (log[n - 1] == '\n' || log[n - 1] == ' '))
		log[--n] = '\0';
	char *nl = strrchr(log, '\n');
	return nl ? nl + 1 : log;
}

/* Runs `t` on one of our engines on a copy of its memory; true when r0 and
 * the memory afterwards are the kernel's. */
static bool compare_ours(struct bpfrt_vm *vm, const struct testcase *t, enum bpfrt_backend be,
			 struct kbpf_result lo, struct kbpf_result hi, const unsigned char *kmem,
			 const char *engine)
{
	unsigned char ours[MAX_MEM];
	char vlog[512] = "";
	struct bpfrt_prog_opts po = {
		.sz = sizeof(po), .name = t->name, .backend = be, .log_buf = vlog,
		.log_size = sizeof(vlog),
		.mode = be == BPFRT_BACKEND_JIT ? BPFRT_EXEC_TRUSTED : BPFRT_EXEC_CHECKED,
	};
	struct bpfrt_prog *prog = bpfrt_prog__load(vm, t->insns, t->insn_cnt, &po);
	uint64_t r0 = 0;
	int err = prog ? 0 : -errno;

	if (prog) {
		struct bpfrt_run_opts ro = {.sz = sizeof(ro), .log_buf = vlog, .log_size = sizeof(vlog)};
		memcpy(ours, t->mem, t->mem_size);
		err = bpfrt_prog__run(prog, t->mem_size ? ours : NULL, t->mem_size, &r0, &ro);
		bpfrt_prog__free(prog);
	}
	if (err) {
		vlog[strcspn(vlog, "\n")] = '\0';
		printf("  DISAGREE  %-34s kernel r0 low 0x%08x, our %s failed: %s (%s)\n", t->name,
		       lo.retval, engine, strerror(-err), vlog);
		return false;
	}
	bool high_ok = hi.outcome == KBPF_OK;
	bool mem_same = memcmp(kmem, ours, t->mem_size) == 0;
	if ((uint32_t)r0 == lo.retval && (!high_ok || (uint32_t)(r0 >> 32) == hi.retval) && mem_same)
		return true;
	printf("  DISAGREE  %-34s kernel r0 0x%08x%08x%s, our %s 0x%016llx%s\n", t->name,
	       high_ok ? hi.retval : 0, lo.retval, high_ok ? "" : " (low half only)", engine,
	       (unsigned long long)r0, mem_same ? "" : ", memory differs");
	return false;
}

#ifdef HAVE_VERIFIER
/* Our verifier in kernel_compat mode (the kernel's loop budget, shift and
 * callx rules) on the conformance convention (r1: ctx_size bytes of
 * memory) must reach the kernel's verdict on the program behind its prolog.
 * A child the kernel lost gives no verdict. */
static bool our_verdict(const struct bpfrt_insn *insns, size_t cnt,
			struct bpfrt_verify_opts *o, bool kernel_ok, const char *name,
			const char *form)
{
	int err = bpfrt_verify(insns, cnt, o);
	if ((err == 0) == kernel_ok)
		return true;
	size_t n = strlen(o->log_buf);
	while (n && o->log_buf[n - 1] == '\n')
		o->log_buf[--n] = '\0';
	const char *last = strrchr(o->log_buf, '\n');
	printf("  VERDICT   %-34s kernel %s, our verifier (%s) %s%s\n", name,
	       kernel_ok ? "accepts" : "rejects", form, err ? "rejects: " : "accepts",
	       err ? (last ? last + 1 : o->log_buf) : "");
	return false;
}

static void compare_verdict(const struct testcase *t, const struct kbpf_result *k,
			    const struct kbpf_prog *kp, struct counts *c)
{
	static char vlog[4096];
	struct bpfrt_verify_opts o = {
		.sz = sizeof(o), .attach = BPFRT_ATTACH_UNSPEC, .ctx_size = (uint32_t)t->mem_size,
		.kernel_compat = true, .gpl = true, .log_level = 1, .log_buf = vlog,
		.log_size = sizeof(vlog),
	};
	bool kernel_ok = k->outcome == KBPF_OK || k->outcome == KBPF_RUN_FAILED;

	if (!kernel_ok && k->outcome != KBPF_REJECTED)
		return;
	if (our_verdict(t->insns, t->insn_cnt, &o, kernel_ok, t->name, "memory"))
		c->verdict_same++;
	else
		c->verdict_differs++;
	o.attach = BPFRT_ATTACH_XDP;
	o.ctx_size = 0;
	if (our_verdict(kp->insns, kp->insn_cnt, &o, kernel_ok, t->name, "xdp"))
		c->xdp_same++;
	else
		c->xdp_differs++;
}
#endif

static void run_case(struct bpfrt_vm *vm, struct testcase *t, struct counts *c)
{
	static struct bpfrt_insn kinsns[2][MAX_INSNS + 16];
	static char log[1 << 16];
	unsigned char packet[MAX_MEM + XDP_MIN_PACKET], out_lo[MAX_MEM + XDP_MIN_PACKET],
		out_hi[MAX_MEM + XDP_MIN_PACKET];
	uint32_t pkt_size = t->mem_size < XDP_MIN_PACKET ? XDP_MIN_PACKET : (uint32_t)t->mem_size;

	memset(packet, 0, sizeof(packet));
	memcpy(packet, t->mem, t->mem_size);
	struct kbpf_prog kp[2] = {
		{.insns = kinsns[0], .prog_type = BPF_PROG_TYPE_XDP, .log_buf = log,
		 .log_size = sizeof(log)},
		{.insns = kinsns[1], .prog_type = BPF_PROG_TYPE_XDP},
	};
	struct kbpf_run run[2] = {
		{.data_in = packet, .data_size_in = pkt_size, .data_out = out_lo,
		 .data_size_out = sizeof(out_lo)},
		{.data_in = packet, .data_size_in = pkt_size, .data_out = out_hi,
		 .data_size_out = sizeof(out_hi)},
	};
	struct kbpf_result kr[2];
	kp[0].insn_cnt = build_kernel_prog(t, false, kinsns[0]);
	kp[1].insn_cnt = build_kernel_prog(t, true, kinsns[1]);
	kbpf_prog_run_batch(kp, run, 2, 0, kr); /* one child for both */
	struct kbpf_result lo = kr[0], hi = kr[1];
#ifdef HAVE_VERIFIER
	compare_verdict(t, &lo, &kp[0], c);
#endif
	if (lo.outcome == KBPF_REJECTED) {
		c->rejected++;
		printf("  rejected  %-34s %s\n", t->name, log_verdict(log));
		return;
	}
	if (lo.outcome == KBPF_KILLED || lo.outcome == KBPF_TIMEOUT || lo.outcome == KBPF_CHILD_ERR) {
		c->killed++;
		printf("  killed    %-34s %s (signal %d)\n", t->name, kbpf_outcome_name(lo.outcome),
		       lo.signal);
		return;
	}
	if (lo.outcome == KBPF_RUN_FAILED) {
		c->run_failed++;
		printf("  run-fail  %-34s %s\n", t->name, strerror(-lo.err));
		return;
	}
	c->accepted++;

	bool high_ok = hi.outcome == KBPF_OK;
	uint64_t kr0 = (uint64_t)(high_ok ? hi.retval : 0) << 32 | lo.retval;
	if (lo.retval != (uint32_t)t->expected ||
	    (high_ok && hi.retval != (uint32_t)(t->expected >> 32)))
		printf("  note      %-34s the kernel gives 0x%016llx, the file expects 0x%016llx\n",
		       t->name, (unsigned long long)kr0, (unsigned long long)t->expected);
	if (!vm) { /* --kernel-only: the kernel against the expected results */
		c->agree += kr0 == t->expected;
		c->disagree += kr0 != t->expected;
		return;
	}

	/* Ours: the interpreter in checked mode and, where built, the JIT
	 * (trusted: the kernel's verifier accepted the program). */
	bool same = compare_ours(vm, t, BPFRT_BACKEND_INTERP, lo, hi, out_lo, "interp");
	c->agree += same;
	c->disagree += !same;
	if (bpfrt_vm__has_backend(vm, BPFRT_BACKEND_JIT)) {
		same = compare_ours(vm, t, BPFRT_BACKEND_JIT, lo, hi, out_lo, "JIT");
		c->jit_agree += same;
		c->jit_disagree += !same;
	}
	if (hi.outcome != KBPF_OK)
		printf("  note      %-34s high-half variant %s: compared the low 32 bits\n", t->name,
		       kbpf_outcome_name(hi.outcome));
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	const char *corpus = argc > 1 ? argv[1] : BPFRT_CONFORMANCE_CORPUS;
	if (argc > 2)
		bpf_asm = argv[2];

	int err = kbpf_available();
	if (err) {
		printf("kernel_diff: kernel bpf() unavailable (%s): skipped\n", strerror(-err));
		return 77;
	}
	bool kernel_only = argc > 3 && strcmp(argv[3], "--kernel-only") == 0;
	struct bpfrt_vm *vm = bpfrt_vm__new();
	static const struct bpfrt_insn ret0[] = {
		I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, 0, 0, 0, 0), I(BPFRT_JMP | BPFRT_EXIT, 0, 0, 0, 0)};
	struct bpfrt_prog *probe = bpfrt_prog__load(vm, ret0, 2, NULL);
	uint64_t r0;
	if (kernel_only) {
		bpfrt_prog__free(probe);
		bpfrt_vm__free(vm);
		vm = NULL;
	} else if (!probe || bpfrt_prog__run(probe, NULL, 0, &r0, NULL) != 0) {
		printf("kernel_diff: our interpreter is not available (%s): skipped\n",
		       strerror(probe ? EOPNOTSUPP : errno));
		bpfrt_prog__free(probe);
		bpfrt_vm__free(vm);
		return 77;
	}
	else
		bpfrt_prog__free(probe);

	DIR *d = opendir(corpus);
	if (!d) {
		printf("kernel_diff: %s: %s\n", corpus, strerror(errno));
		return 1;
	}
	char *names[1024];
	size_t nnames = 0;
	struct dirent *e;
	while ((e = readdir(d)) && nnames < 1024) {
		size_t l = strlen(e->d_name);
		if (l > 5 && strcmp(e->d_name + l - 5, ".data") == 0)
			names[nnames++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, nnames, sizeof(names[0]), cmp_names);

	static struct testcase t;
	static char text[1 << 16];
	struct counts c = {0};
	for (size_t i = 0; i < nnames; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", corpus, names[i]);
		snprintf(t.name, sizeof(t.name), "%s", names[i]);
		c.files++;
		if (parse_data(path, &t, text, sizeof(text)) || assemble_cached(path, text, &t)) {
			c.asm_failed++;
			printf("  no-asm    %s\n", t.name);
			continue;
		}
		bool helpers = false;
		for (size_t k = 0; k < t.insn_cnt; k++)
			helpers |= is_helper_call(&t.insns[k]);
		if (helpers) {
			c.helper_calls++;
			continue;
		}
		run_case(vm, &t, &c);
	}
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);

	printf("kernel_diff: %d files: %d call test helpers (not compared), %d not assembled;\n"
	       "  kernel accepted %d: interpreter %d agree, %d disagree; JIT %d agree, "
	       "%d disagree%s;\n"
	       "  kernel rejected %d; run failed %d; child killed %d\n",
	       c.files, c.helper_calls, c.asm_failed, c.accepted, c.agree, c.disagree, c.jit_agree,
	       c.jit_disagree, vm && !bpfrt_vm__has_backend(vm, BPFRT_BACKEND_JIT) ? " (not built)" : "",
	       c.rejected, c.run_failed, c.killed);
	bpfrt_vm__free(vm);
#ifdef HAVE_VERIFIER
	printf("  verifier (kernel_compat) verdicts: %d as the kernel's, %d differ; "
	       "as xdp programs: %d as the kernel's, %d differ\n",
	       c.verdict_same, c.verdict_differs, c.xdp_same, c.xdp_differs);
#endif
	if (kernel_only)
		return 77;
	return c.disagree || c.jit_disagree || c.asm_failed || c.verdict_differs || c.xdp_differs ||
			       c.accepted == 0
		       ? 1
		       : 0;
}
