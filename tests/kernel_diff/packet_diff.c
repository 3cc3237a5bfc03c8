/* SPDX-License-Identifier: MIT */
/*
 * Generated packet programs, the kernel's verifier against ours: XDP and
 * tc (sched_cls) programs that move a packet pointer by a constant (or a masked variable),
 * compare it with data_end (or data_meta with data) by every operator in
 * either operand order (sometimes as JMP32, sometimes twice), and access
 * the packet at random offsets and sizes in either branch. Each is loaded
 * into the kernel (in forked children, 16 at a time: kbpf) and verified by
 * ours (kernel_compat); every verdict must be the same. A disagreement
 * prints the program's seed and number and both logs' last lines.
 *
 * The context tables too: every aligned load and store of 1, 2, 4 and 8
 * bytes of struct xdp_md (xdp) and struct __sk_buff (tc, socket,
 * cgroup_skb) must get the kernel's verdict, except __sk_buff->sk and the
 * socket's addresses (family .. local_port), which bpfrt refuses (no kernel
 * socket in user space).
 *
 * Programs both accept then run on packets of a few lengths, in the kernel
 * (BPF_PROG_TEST_RUN) and in bpfrt trusted, as the runtime runs verified
 * programs (context loads converted from the verifier's facts; the packet
 * in a buffer of its exact length, so the sanitizer build sees any read
 * past it): interpreter and JIT must return the kernel's r0.
 *
 * Exits 77 when bpf() is unavailable. Usage: test_packet_diff [COUNT [SEED]]
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "bpfrt/verifier.h"
#include "bpfrt/vm.h"
#include "fixups/fixups.h"
#include "kbpf.h"
#include "support/vlog_reason.h"
#include "verifier/facts.h"

#define MAX_GEN 48

#define I(c, d, s, o, i)                                                                           \
	((struct bpfrt_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define LDXW(d, s, o) I(BPFRT_LDX | BPFRT_MEM | BPFRT_W, d, s, o, 0)
#define MOV(d, s) I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, d, s, 0, 0)
#define MOVK(d, k) I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, d, 0, 0, k)
#define ADDK(d, k) I(BPFRT_ALU64 | BPFRT_ADD | BPFRT_K, d, 0, 0, k)
#define EXIT I(BPFRT_JMP | BPFRT_EXIT, 0, 0, 0, 0)

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng_state >> 33) % n;
}

static const uint8_t ops[] = { BPFRT_JGT, BPFRT_JGE, BPFRT_JLT, BPFRT_JLE, BPFRT_JEQ, BPFRT_JNE };
static const uint8_t sizes[] = { BPFRT_B, BPFRT_H, BPFRT_W, BPFRT_DW };

static int32_t cur_k; /* the constant r4 = r2 + k of the program */

/* A random access through r2 (the base) or r4 (the moved pointer), or none;
 * mostly near the compared end, where the verdict is decided. */
static size_t gen_access(struct bpfrt_insn *p, size_t n)
{
	uint32_t what = rnd(5);
	uint32_t si = rnd(4);
	uint8_t sz = sizes[si];
	int bytes = 1 << si;
	uint8_t reg = rnd(2) ? 2 : 4;
	int near = (reg == 2 && cur_k < 64 ? cur_k : 0) - bytes + (int)rnd(3) - 1;
	int16_t off = (int16_t)(rnd(3) ? near : (int)rnd(30) - 4);

	if (what == 0)
		return n;
	if (what == 4)
		p[n++] = I(BPFRT_ST | BPFRT_MEM | sz, reg, 0, off, 1);
	else
		p[n++] = I(BPFRT_LDX | BPFRT_MEM | sz, 0, reg, off, 0);
	return n;
}

/* A comparison of r4 with r3 jumping `skip` instructions ahead. */
static struct bpfrt_insn gen_cmp(int16_t skip)
{
	uint8_t cls = rnd(12) ? BPFRT_JMP : BPFRT_JMP32;
	uint8_t op = ops[rnd(rnd(4) ? 4 : 6)];
	bool swap = rnd(2);

	return I(cls | op | BPFRT_X, swap ? 3 : 4, swap ? 4 : 3, skip, 0);
}

/* The context offsets of data_meta, data, data_end: xdp_md or __sk_buff. */
static int16_t fld(bool tc, int which)
{
	static const int16_t xdp[] = { offsetof(struct xdp_md, data_meta),
				       offsetof(struct xdp_md, data),
				       offsetof(struct xdp_md, data_end) };
	static const int16_t skb[] = { offsetof(struct __sk_buff, data_meta),
				       offsetof(struct __sk_buff, data),
				       offsetof(struct __sk_buff, data_end) };
	return tc ? skb[which] : xdp[which];
}

static size_t gen(struct bpfrt_insn *p, bool tc)
{
	static const int32_t ks[] = { -1, 0, 1, 2, 4, 7, 8, 14, 16, 20, 0xfffe, 0xffff, 0x10000 };
	static const int32_t masks[] = { 0, 1, 15, 255, 0xffff };
	bool meta = rnd(6) == 0;
	size_t n = 0;

	/* r2 = the moving pointer's base, r3 = the bound */
	p[n++] = LDXW(2, 1, fld(tc, meta ? 0 : 1));
	p[n++] = LDXW(3, 1, fld(tc, meta ? 1 : 2));
	if (rnd(4) == 0) { /* a variable offset: one byte proved, read, masked, added */
		p[n++] = MOV(4, 2);
		p[n++] = ADDK(4, 1);
		p[n++] = I(BPFRT_JMP | BPFRT_JGT | BPFRT_X, 4, 3, 2, 0);
		p[n++] = I(BPFRT_LDX | BPFRT_MEM | BPFRT_B, 5, 2, 0, 0);
		p[n++] = I(BPFRT_JMP | BPFRT_JA, 0, 0, 2, 0);
		p[n++] = MOVK(0, 0);
		p[n++] = EXIT;
		p[n++] = I(BPFRT_ALU64 | BPFRT_AND | BPFRT_K, 5, 0, 0, masks[rnd(5)]);
		p[n++] = I(BPFRT_ALU64 | BPFRT_ADD | BPFRT_X, 2, 5, 0, 0);
	}
	cur_k = ks[rnd(sizeof(ks) / sizeof(ks[0]))];
	p[n++] = MOV(4, 2);
	if (rnd(4) == 0 && cur_k > 1) { /* in two steps */
		int32_t a = (int32_t)rnd((uint32_t)cur_k);
		p[n++] = ADDK(4, a);
		p[n++] = ADDK(4, cur_k - a);
	} else {
		p[n++] = ADDK(4, cur_k);
	}
	bool spill = rnd(4) == 0; /* r2 spilled before the comparison, filled after */
	if (spill)
		p[n++] = I(BPFRT_STX | BPFRT_MEM | BPFRT_DW, 10, 2, -8, 0);
	/* fall-through block: [access] r0 = 1; exit (at most 3 insns) */
	struct bpfrt_insn fall[4];
	size_t nf = gen_access(fall, 0);
	fall[nf++] = MOVK(0, 1);
	fall[nf++] = EXIT;
	p[n++] = gen_cmp((int16_t)nf);
	memcpy(p + n, fall, nf * sizeof(fall[0]));
	n += nf;
	/* taken block: [fill] [access] [second comparison guarding an access] r0 = 2; exit */
	if (spill)
		p[n++] = I(BPFRT_LDX | BPFRT_MEM | BPFRT_DW, 2, 10, -8, 0);
	n = gen_access(p, n);
	if (rnd(3) == 0) {
		struct bpfrt_insn inner[2];
		size_t ni = gen_access(inner, 0);
		p[n++] = gen_cmp((int16_t)ni);
		memcpy(p + n, inner, ni * sizeof(inner[0]));
		n += ni;
	}
	p[n++] = MOVK(0, 2);
	p[n++] = EXIT;
	return n;
}

static const uint32_t run_lens[] = { 14, 17, 22, 40 };
#define NLENS (sizeof(run_lens) / sizeof(run_lens[0]))

/* r0 of `insns` (verified) run trusted by bpfrt on a packet of `len`
 * bytes; -1 when it could not run. */
static int64_t run_ours(struct bpfrt_vm *vm, const struct bpfrt_insn *insns, size_t cnt,
			bool tc, enum bpfrt_backend be, uint32_t len)
{
	struct bpfrt_verify_opts o = { .sz = sizeof(o),
				       .attach = tc ? BPFRT_ATTACH_TC : BPFRT_ATTACH_XDP,
				       .kernel_compat = true, .gpl = true };
	struct verifier_facts *facts = NULL;
	struct bpfrt_insn conv[MAX_GEN];
	int64_t res = -1;

	memcpy(conv, insns, cnt * sizeof(*conv));
	if (verifier_run(conv, cnt, &o, &facts) ||
	    fixups_convert_ctx(conv, cnt, tc ? FIXUP_CTX_SKB : FIXUP_CTX_XDP, facts, NULL)) {
		verifier_facts_free(facts);
		return -1;
	}
	verifier_facts_free(facts);
	struct bpfrt_prog_opts po = { .sz = sizeof(po), .mode = BPFRT_EXEC_TRUSTED, .backend = be };
	struct bpfrt_prog *prog = bpfrt_prog__load(vm, conv, cnt, &po);
	uint8_t *pkt = malloc(len);
	if (prog && pkt) {
		struct bpfrt_xdp_ctx xdp;
		struct bpfrt_skb_ctx skb;
		uint64_t r0 = 0, data = (uint64_t)(uintptr_t)pkt;
		memset(&xdp, 0, sizeof(xdp));
		memset(&skb, 0, sizeof(skb));
		memset(pkt, 0x5a, len);
		xdp.data = xdp.data_meta = skb.data = skb.data_meta = data;
		xdp.data_end = skb.data_end = data + len;
		struct bpfrt_run_opts ro = { .sz = sizeof(ro) };
		if (bpfrt_prog__run(prog, tc ? (void *)&skb : (void *)&xdp,
				    tc ? sizeof(skb) : sizeof(xdp), &r0, &ro) == 0)
			res = (int64_t)(uint32_t)r0;
	}
	free(pkt);
	bpfrt_prog__free(prog);
	return res;
}

/* Runs `n` accepted programs on NLENS packet lengths in the kernel (one
 * child) and in bpfrt; counts the runs whose r0 agree. */
static void compare_runs(struct bpfrt_vm *vm, bool jit, struct bpfrt_insn (*p)[MAX_GEN],
			 const size_t *cnt, const bool *tc, size_t n, unsigned *same,
			 unsigned *differ)
{
	struct kbpf_prog kp[KBPF_MAX_BATCH];
	struct kbpf_run kr[KBPF_MAX_BATCH];
	struct kbpf_result res[KBPF_MAX_BATCH];
	static uint8_t pkts[KBPF_MAX_BATCH][64];
	size_t m = 0;

	memset(kp, 0, sizeof(kp));
	memset(kr, 0, sizeof(kr));

	for (size_t i = 0; i < n; i++)
		for (size_t l = 0; l < NLENS; l++, m++) {
			memset(pkts[m], 0x5a, sizeof(pkts[m]));
			kp[m] = (struct kbpf_prog){ .insns = p[i], .insn_cnt = cnt[i],
						    .prog_type = tc[i] ? BPF_PROG_TYPE_SCHED_CLS
								       : BPF_PROG_TYPE_XDP };
			kr[m] = (struct kbpf_run){ .data_in = pkts[m], .data_size_in = run_lens[l] };
		}
	kbpf_prog_run_batch(kp, kr, m, 20000, res);
	for (size_t k = 0; k < m; k++) {
		if (res[k].outcome != KBPF_OK)
			continue;
		uint32_t len = run_lens[k % NLENS];
		bool t = tc[k / NLENS];
		int64_t ri = run_ours(vm, kp[k].insns, kp[k].insn_cnt, t, BPFRT_BACKEND_INTERP, len);
		int64_t rj = jit ? run_ours(vm, kp[k].insns, kp[k].insn_cnt, t, BPFRT_BACKEND_JIT, len)
				 : ri;
		if (ri == res[k].retval && rj == res[k].retval) {
			(*same)++;
			continue;
		}
		(*differ)++;
		printf("  RUN       %s, packet of %u bytes: the kernel returns %u, interpreter %lld, "
		       "JIT %lld\n", t ? "tc" : "xdp", len, res[k].retval, (long long)ri,
		       (long long)rj);
		for (size_t q = 0; q < kp[k].insn_cnt; q++)
			printf("    %02zu: %02x %u %u %+d %d\n", q, kp[k].insns[q].code,
			       kp[k].insns[q].dst_reg, kp[k].insns[q].src_reg, kp[k].insns[q].off,
			       kp[k].insns[q].imm);
	}
}

/* The context sweep: one load or store per program, 16 programs a child. */
static void ctx_sweep(unsigned *same, unsigned *differ)
{
	static const struct {
		uint32_t prog_type;
		enum bpfrt_attach_kind attach;
		int size;
		const char *name;
	} kinds[] = {
		{ BPF_PROG_TYPE_XDP, BPFRT_ATTACH_XDP, sizeof(struct xdp_md), "xdp" },
		{ BPF_PROG_TYPE_SCHED_CLS, BPFRT_ATTACH_TC, sizeof(struct __sk_buff), "tc" },
		{ BPF_PROG_TYPE_SOCKET_FILTER, BPFRT_ATTACH_SOCKET, sizeof(struct __sk_buff),
		  "socket" },
		{ BPF_PROG_TYPE_CGROUP_SKB, BPFRT_ATTACH_CGROUP_SKB, sizeof(struct __sk_buff),
		  "cgroup_skb" },
	};
	static struct bpfrt_insn progs[KBPF_MAX_BATCH][3];
	struct kbpf_prog kp[KBPF_MAX_BATCH];
	struct kbpf_result kr[KBPF_MAX_BATCH];
	size_t n = 0;
	char log[512];

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (int si = 0; si < 4; si++)
			for (int off = 0; off < kinds[k].size; off += 1 << si)
				for (int store = 0; store < 2; store++) {
					struct bpfrt_insn *p = progs[n];
					p[0] = store ? I(BPFRT_ST | BPFRT_MEM | sizes[si], 1, 0, off, 0)
						     : I(BPFRT_LDX | BPFRT_MEM | sizes[si], 0, 1, off, 0);
					p[1] = MOVK(0, 0);
					p[2] = EXIT;
					kp[n++] = (struct kbpf_prog){ .insns = p, .insn_cnt = 3,
								      .prog_type = kinds[k].prog_type };
					bool last = k + 1 == sizeof(kinds) / sizeof(kinds[0]) && si == 3 &&
						    off + (1 << si) >= kinds[k].size && store;
					if (n < KBPF_MAX_BATCH && !last)
						continue;
					kbpf_prog_run_batch(kp, NULL, n, 20000, kr);
					for (size_t i = 0; i < n; i++) {
						size_t kk = 0;
						while (kinds[kk].prog_type != kp[i].prog_type)
							kk++;
						struct bpfrt_verify_opts o = {
							.sz = sizeof(o), .attach = kinds[kk].attach,
							.kernel_compat = true, .gpl = true, .log_level = 1,
							.log_buf = log, .log_size = sizeof(log),
						};
						const struct bpfrt_insn *q = kp[i].insns;
						if (kr[i].outcome != KBPF_OK && kr[i].outcome != KBPF_REJECTED)
							continue;
						bool kok = kr[i].outcome == KBPF_OK;
						bool ok = bpfrt_verify(q, 3, &o) == 0;
						/* kernel sockets (__sk_buff->sk, the socket's
						 * addresses): refused on purpose */
						bool sk = !ok && strstr(log, "bpfrt does not provide");
						if (ok == kok || (sk && kok)) {
							(*same)++;
							continue;
						}
						(*differ)++;
						printf("  CTX       %s %s of %d bytes at %d: the kernel %s, ours %s%s\n",
						       kinds[kk].name,
						       BPFRT_CLASS(q[0].code) == BPFRT_ST ? "store" : "load",
						       1 << (BPFRT_SIZE(q[0].code) == BPFRT_B ? 0 : BPFRT_SIZE(q[0].code) == BPFRT_H ? 1 : BPFRT_SIZE(q[0].code) == BPFRT_W ? 2 : 3),
						       q[0].off, kok ? "accepts" : "rejects",
						       ok ? "accepts" : "rejects: ", ok ? "" : vlog_reason(log));
					}
					n = 0;
				}
}

int main(int argc, char **argv)
{
	unsigned count = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 2000;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 20261130;
	int err = kbpf_available();

	if (err) {
		printf("packet_diff: kernel bpf() unavailable (%s): skipped\n", strerror(-err));
		return 77;
	}
	static struct bpfrt_insn progs[KBPF_MAX_BATCH][MAX_GEN];
	static char klogs[KBPF_MAX_BATCH][4096];
	static char ours[4096];
	unsigned same = 0, differ = 0, no_verdict = 0, kaccept = 0;
	unsigned runs_same = 0, runs_differ = 0;
	struct bpfrt_vm *vm = bpfrt_vm__new();
	bool jit = vm && bpfrt_vm__has_backend(vm, BPFRT_BACKEND_JIT);
	/* accepted programs waiting to be run, NLENS runs each per batch */
	static struct bpfrt_insn acc[KBPF_MAX_BATCH / NLENS][MAX_GEN];
	size_t acc_cnt[KBPF_MAX_BATCH / NLENS], nacc = 0;
	bool acc_tc[KBPF_MAX_BATCH / NLENS], ptc[KBPF_MAX_BATCH];
	unsigned ntc = 0;

	rng_state = seed;
	for (unsigned base = 0; base < count; base += KBPF_MAX_BATCH) {
		struct kbpf_prog kp[KBPF_MAX_BATCH];
		struct kbpf_result kr[KBPF_MAX_BATCH];
		size_t n = count - base < KBPF_MAX_BATCH ? count - base : KBPF_MAX_BATCH;

		for (size_t i = 0; i < n; i++) {
			ptc[i] = rnd(2);
			ntc += ptc[i];
			kp[i] = (struct kbpf_prog){ .insns = progs[i], .insn_cnt = gen(progs[i], ptc[i]),
						    .prog_type = ptc[i] ? BPF_PROG_TYPE_SCHED_CLS
									: BPF_PROG_TYPE_XDP,
						    .log_buf = klogs[i],
						    .log_size = sizeof(klogs[i]) };
		}
		kbpf_prog_run_batch(kp, NULL, n, 20000, kr);
		for (size_t i = 0; i < n; i++) {
			if (kr[i].outcome != KBPF_OK && kr[i].outcome != KBPF_REJECTED) {
				no_verdict++;
				continue;
			}
			struct bpfrt_verify_opts o = {
				.sz = sizeof(o), .attach = ptc[i] ? BPFRT_ATTACH_TC : BPFRT_ATTACH_XDP,
				.kernel_compat = true,
				.gpl = true, .log_level = 1, .log_buf = ours, .log_size = sizeof(ours),
			};
			bool kok = kr[i].outcome == KBPF_OK;
			bool ok = bpfrt_verify(kp[i].insns, kp[i].insn_cnt, &o) == 0;

			kaccept += kok;
			if (ok == kok) {
				same++;
				if (ok && vm) {
					memcpy(acc[nacc], kp[i].insns, kp[i].insn_cnt * sizeof(acc[0][0]));
					acc_tc[nacc] = ptc[i];
					acc_cnt[nacc++] = kp[i].insn_cnt;
				}
				if (nacc == KBPF_MAX_BATCH / NLENS ||
				    (nacc && base + i + 1 == count)) {
					compare_runs(vm, jit, acc, acc_cnt, acc_tc, nacc, &runs_same,
						     &runs_differ);
					nacc = 0;
				}
				continue;
			}
			differ++;
			printf("  DISAGREE  %s program %u (seed %llu): the kernel %s (%s), ours %s (%s)\n",
			       ptc[i] ? "tc" : "xdp", base + (unsigned)i, (unsigned long long)seed,
			       kok ? "accepts" : "rejects", kok ? "" : vlog_reason(klogs[i]),
			       ok ? "accepts" : "rejects", ok ? "" : vlog_reason(ours));
			for (size_t k = 0; k < kp[i].insn_cnt; k++)
				printf("    %02zu: %02x %u %u %+d %d\n", k, kp[i].insns[k].code,
				       kp[i].insns[k].dst_reg, kp[i].insns[k].src_reg,
				       kp[i].insns[k].off, kp[i].insns[k].imm);
		}
	}
	if (nacc)
		compare_runs(vm, jit, acc, acc_cnt, acc_tc, nacc, &runs_same, &runs_differ);
	bpfrt_vm__free(vm);
	unsigned ctx_same = 0, ctx_differ = 0;
	ctx_sweep(&ctx_same, &ctx_differ);
	printf("packet_diff: %u generated programs (%u tc, the rest xdp): %u verdicts as the "
	       "kernel's (it accepts %u), "
	       "%u differ, %u without a kernel verdict;\n"
	       "  runs of accepted programs (interpreter%s): %u as the kernel's, %u differ;\n"
	       "  context loads and stores (xdp, tc, socket, cgroup_skb): %u as the kernel's, %u differ\n",
	       count, ntc, same, kaccept, differ, no_verdict, jit ? " and JIT" : "", runs_same,
	       runs_differ, ctx_same, ctx_differ);
	return differ || runs_differ || ctx_differ || !same || !ctx_same ? 1 : 0;
}
