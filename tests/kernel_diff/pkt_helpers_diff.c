/* SPDX-License-Identifier: MIT */
/*
 * The packet helpers against the kernel's: generated xdp, tc and socket
 * programs call bpf_xdp_adjust_head/meta/tail, bpf_xdp_get_buff_len,
 * bpf_xdp_load_bytes, bpf_xdp_store_bytes, bpf_skb_load_bytes,
 * bpf_skb_store_bytes, bpf_skb_pull_data, bpf_csum_diff and
 * bpf_l3/l4_csum_replace with arguments
 * around every limit (headroom, tailroom, ETH_HLEN, metadata alignment,
 * offsets past the packet and above INT_MAX, unknown flags, odd checksum
 * sizes), fold the context's fields (ifindex, pkt_type, len, ...), every
 * return value and every loaded byte into r0, then mark the first bytes of
 * the packet and of the metadata. Each runs on packets
 * of a few lengths, once and repeated, in the kernel (BPF_PROG_TEST_RUN
 * with data_out) and in bpfrt as the runtime runs verified programs (the
 * packet frame of src/runtime/pkt_run.c; interpreter and JIT): r0, the
 * output packet and its length must be the kernel's.
 *
 * Not compared (inherent): the kernel's skb->csum and hash state behind
 * BPF_F_RECOMPUTE_CSUM / BPF_F_INVALIDATE_HASH, which no program here can
 * read back; packets the kernel would split into fragments (above 3520
 * bytes for xdp) are not generated.
 *
 * Exits 77 when bpf() is unavailable. Usage: test_pkt_helpers_diff [COUNT [SEED]]
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
#include "runtime/pkt_run.h"
#include "verifier/facts.h"
#include "vm/prog.h"

#define MAX_GEN 96
#define OUT_CAP 4096

#define I(c, d, s, o, i)                                                                           \
	((struct bpfrt_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define LDXW(d, s, o) I(BPFRT_LDX | BPFRT_MEM | BPFRT_W, d, s, o, 0)
#define LDXDW(d, s, o) I(BPFRT_LDX | BPFRT_MEM | BPFRT_DW, d, s, o, 0)
#define MOV(d, s) I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, d, s, 0, 0)
#define MOVK(d, k) I(BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, d, 0, 0, k)
#define ADDK(d, k) I(BPFRT_ALU64 | BPFRT_ADD | BPFRT_K, d, 0, 0, k)
#define ADD(d, s) I(BPFRT_ALU64 | BPFRT_ADD | BPFRT_X, d, s, 0, 0)
#define MULK(d, k) I(BPFRT_ALU64 | BPFRT_MUL | BPFRT_K, d, 0, 0, k)
#define STDW(d, o, k) I(BPFRT_ST | BPFRT_MEM | BPFRT_DW, d, 0, o, k)
#define STW(d, o, k) I(BPFRT_ST | BPFRT_MEM | BPFRT_W, d, 0, o, k)
#define JGT(d, s, o) I(BPFRT_JMP | BPFRT_JGT | BPFRT_X, d, s, o, 0)
#define CALL(id) I(BPFRT_JMP | BPFRT_CALL, 0, 0, 0, id)
#define EXIT I(BPFRT_JMP | BPFRT_EXIT, 0, 0, 0, 0)

enum kind { K_XDP, K_TC, K_SOCKET, K_COUNT };
static const char *const kind_name[] = { "xdp", "tc", "socket" };
static const uint32_t prog_type[] = { BPF_PROG_TYPE_XDP, BPF_PROG_TYPE_SCHED_CLS,
				      BPF_PROG_TYPE_SOCKET_FILTER };
static const enum bpfrt_attach_kind attach[] = { BPFRT_ATTACH_XDP, BPFRT_ATTACH_TC,
						 BPFRT_ATTACH_SOCKET };

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng_state >> 33) % n;
}

#define PICK(a) (a)[rnd(sizeof(a) / sizeof((a)[0]))]

/* Packet lengths, and how often each run repeats (the last: three runs on
 * one packet, which the kernel does not reset between repeats). */
static const uint32_t run_lens[] = { 14, 20, 64, 200, 64 };
static const uint32_t run_repeat[] = { 1, 1, 1, 1, 3 };
#define NLENS (sizeof(run_lens) / sizeof(run_lens[0]))

/* r7 = r7 * 33 + r0: every helper's result counts. */
static size_t fold_r0(struct bpfrt_insn *p, size_t n)
{
	p[n++] = MULK(7, 33);
	p[n++] = ADD(7, 0);
	return n;
}

/* An offset or length around the packet's end (any of run_lens). */
static int32_t around_len(void)
{
	static const int32_t v[] = { 0, 1, 4, 6, 8, 12, 14, 16, 19, 20, 21, 48, 56, 60, 63, 64,
				     65, 184, 192, 199, 200, 201, 0xffff, 0x10000, 0x7fffffff,
				     (int32_t)0x80000000, -1 };
	return PICK(v);
}

static size_t gen_xdp_call(struct bpfrt_insn *p, size_t n)
{
	static const int32_t head[] = { -300, -256, -217, -216, -215, -200, -64, -8, -4, -1, 0,
					1, 4, 6, 13, 46, 47, 50, 186, 187, 0x7fffffff,
					(int32_t)0x80000000 };
	static const int32_t meta[] = { -256, -220, -216, -212, -64, -36, -32, -8, -6, -4, -2,
					-1, 0, 1, 4, 8, 32 };
	static const int32_t tail[] = { -300, -187, -186, -51, -50, -47, -46, -6, -1, 0, 1, 4,
					100, 3456, 3500, 3506, 3507, 3562, 3563, 3700, 0x7fffffff };
	static const int32_t ids[] = { BPF_FUNC_xdp_adjust_head, BPF_FUNC_xdp_adjust_meta,
				       BPF_FUNC_xdp_adjust_tail, BPF_FUNC_xdp_get_buff_len,
				       BPF_FUNC_xdp_load_bytes, BPF_FUNC_xdp_store_bytes };
	int32_t id = PICK(ids);

	p[n++] = MOV(1, 6);
	if (id == BPF_FUNC_xdp_get_buff_len) {
		p[n++] = CALL(id);
		return fold_r0(p, n);
	}
	if (id == BPF_FUNC_xdp_load_bytes || id == BPF_FUNC_xdp_store_bytes) {
		/* (ctx, off, fp - 16 or fp - 32, len): loaded bytes count too */
		bool load = id == BPF_FUNC_xdp_load_bytes;

		p[n++] = MOVK(2, around_len());
		p[n++] = MOV(3, 10);
		p[n++] = ADDK(3, load ? -16 : -32);
		p[n++] = MOVK(4, 1 + (int32_t)rnd(16));
		p[n++] = CALL(id);
		n = fold_r0(p, n);
		p[n++] = LDXDW(0, 10, -16);
		n = fold_r0(p, n);
		p[n++] = LDXDW(0, 10, -8);
		return fold_r0(p, n);
	}
	p[n++] = MOVK(2, id == BPF_FUNC_xdp_adjust_head   ? PICK(head)
			 : id == BPF_FUNC_xdp_adjust_meta ? PICK(meta)
							  : PICK(tail));
	p[n++] = CALL(id);
	return fold_r0(p, n);
}

static size_t gen_skb_call(struct bpfrt_insn *p, size_t n, bool socket)
{
	static const int32_t flags[] = { 0, BPF_F_RECOMPUTE_CSUM, BPF_F_INVALIDATE_HASH,
					 BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH, 4, 0x10 };
	static const int32_t csizes[] = { 0, 0, 1, 2, 3, 4, 5, 7, 8, 12, 16 };
	uint32_t what = socket ? 0 : rnd(5);
	int32_t len = 1 + (int32_t)rnd(16);

	p[n++] = MOV(1, 6);
	switch (what) {
	case 0: /* skb_load_bytes(skb, off, fp - 16, len): the bytes count too */
		p[n++] = MOVK(2, around_len());
		p[n++] = MOV(3, 10);
		p[n++] = ADDK(3, -16);
		p[n++] = MOVK(4, len);
		p[n++] = CALL(BPF_FUNC_skb_load_bytes);
		n = fold_r0(p, n);
		p[n++] = LDXDW(0, 10, -16);
		n = fold_r0(p, n);
		p[n++] = LDXDW(0, 10, -8);
		return fold_r0(p, n);
	case 1: /* skb_store_bytes(skb, off, fp - 32, len, flags) */
		p[n++] = MOVK(2, around_len());
		p[n++] = MOV(3, 10);
		p[n++] = ADDK(3, -32);
		p[n++] = MOVK(4, len);
		p[n++] = MOVK(5, PICK(flags));
		p[n++] = CALL(BPF_FUNC_skb_store_bytes);
		return fold_r0(p, n);
	case 2: /* skb_pull_data(skb, len) */
		p[n++] = MOVK(2, around_len());
		p[n++] = CALL(BPF_FUNC_skb_pull_data);
		return fold_r0(p, n);
	case 4: { /* l3/l4_csum_replace(skb, off, from, to, flags) */
		static const int32_t off[] = { 0, 1, 12, 16, 18, 19, 24, 62, 63, 64, 198, 199, 200,
					       0xfffe, 0x10000 };
		static const int32_t vals[] = { 0, 1, 0xffff, -1, 0x1234, 0x7fff0001, 0x10000 };
		static const int32_t fl[] = { 0, 1, 2, 3, 4, 8, 0x10 | 2, 0x10 | 4, 0x20 | 2, 0x20 | 4,
					      0x20 | 0x40 | 4, 0x20 | 0x40 | 2, 0x20 | 0x40 | 0,
					      0x40 | 4, 0x80 | 4, 0x100 | 4, 0x20 | 3, 0x20 | 0 };
		bool l4 = rnd(2);
		int32_t f = PICK(fl);

		if (!l4)
			f &= 0xf;
		p[n++] = MOVK(2, rnd(3) ? PICK(off) : 16 + 2 * (int32_t)rnd(2)); /* zero there */
		p[n++] = MOVK(3, rnd(4) ? PICK(vals) : (int32_t)rnd(0x10000));
		p[n++] = MOVK(4, rnd(4) ? PICK(vals) : (int32_t)rnd(0x10000));
		p[n++] = MOVK(5, f);
		p[n++] = CALL(l4 ? BPF_FUNC_l4_csum_replace : BPF_FUNC_l3_csum_replace);
		return fold_r0(p, n);
	}
	default: { /* csum_diff(fp - 32 | NULL, a, fp - 16 | NULL, b, seed) */
		int32_t a = PICK(csizes), b = PICK(csizes);

		if (a || rnd(2)) {
			p[n++] = MOV(1, 10);
			p[n++] = ADDK(1, -32);
		} else {
			p[n++] = MOVK(1, 0);
		}
		p[n++] = MOVK(2, a);
		if (b || rnd(2)) {
			p[n++] = MOV(3, 10);
			p[n++] = ADDK(3, -16);
		} else {
			p[n++] = MOVK(3, 0);
		}
		p[n++] = MOVK(4, b);
		p[n++] = MOVK(5, rnd(3) ? 0 : (int32_t)(rnd(0xffff) * 0x10001u));
		p[n++] = CALL(BPF_FUNC_csum_diff);
		return fold_r0(p, n);
	}
	}
}

/* r2 = the field at `a`, r3 = the field at `b`; if r2 + 4 <= r3 write
 * `mark` at r2. */
static size_t gen_mark(struct bpfrt_insn *p, size_t n, int16_t a, int16_t b, int32_t mark)
{
	p[n++] = LDXW(2, 6, a);
	p[n++] = LDXW(3, 6, b);
	p[n++] = MOV(4, 2);
	p[n++] = ADDK(4, 4);
	p[n++] = JGT(4, 3, 1);
	p[n++] = STW(2, 0, mark);
	return n;
}

/* r7 folds in the context's u32 fields at [from, to): the values the test
 * run gives (ifindex, pkt_type, len, protocol, ...). */
static size_t gen_ctx_fields(struct bpfrt_insn *p, size_t n, int16_t from, int16_t to)
{
	for (int16_t off = from; off < to; off += 4) {
		p[n++] = LDXW(0, 6, off);
		n = fold_r0(p, n);
	}
	return n;
}

static size_t gen(struct bpfrt_insn *p, enum kind k)
{
	size_t n = 0, calls = 1 + rnd(3);

	p[n++] = MOV(6, 1);
	p[n++] = MOVK(7, 0);
	if (k == K_XDP)
		n = gen_ctx_fields(p, n, offsetof(struct xdp_md, ingress_ifindex),
				   offsetof(struct xdp_md, rx_queue_index) + 4);
	else /* len ... tc_index */
		n = gen_ctx_fields(p, n, 0, offsetof(struct __sk_buff, tc_index) + 4);
	for (int16_t off = -32; off < 0; off += 8) /* the stack the skb helpers use */
		p[n++] = STDW(10, off, (int32_t)(rnd(0x10000) * 0x10001u));
	for (size_t c = 0; c < calls; c++)
		n = k == K_XDP ? gen_xdp_call(p, n) : gen_skb_call(p, n, k == K_SOCKET);
	if (k == K_XDP) {
		n = gen_mark(p, n, offsetof(struct xdp_md, data), offsetof(struct xdp_md, data_end),
			     (int32_t)0xa1b2c3d4);
		n = gen_mark(p, n, offsetof(struct xdp_md, data_meta), offsetof(struct xdp_md, data),
			     0x11223344);
	} else if (k == K_TC) {
		n = gen_mark(p, n, offsetof(struct __sk_buff, data),
			     offsetof(struct __sk_buff, data_end), (int32_t)0xa1b2c3d4);
	}
	if (k != K_XDP)
		n = gen_ctx_fields(p, n, offsetof(struct __sk_buff, len), 4);
	p[n++] = MOV(0, 7);
	p[n++] = EXIT;
	return n;
}

/* The packet of `len` bytes; its destination address (so pkt_type) by
 * `which`: multicast, broadcast, the device's own (host), another host. */
static void fill_packet(uint8_t *pkt, uint32_t len, size_t which)
{
	static const uint8_t dst0[] = { 0x03, 0xff, 0x00, 0x02 };

	for (uint32_t i = 0; i < len; i++)
		pkt[i] = (uint8_t)(i * 7 + 3);
	for (uint32_t i = 0; i < 6 && i < len; i++)
		pkt[i] = i ? (dst0[which % 4] == 0xff ? 0xff : 0) : dst0[which % 4];
	for (uint32_t i = 16; i < 20 && i < len; i++) /* zero checksums (l4: "none") */
		pkt[i] = 0;
	if (len >= 14) { /* an experimental Ethernet type: the kernel parses no IP header */
		pkt[12] = 0x88;
		pkt[13] = 0xb5;
	}
}

struct result {
	int err;
	uint32_t r0;
	size_t size;
	uint8_t out[OUT_CAP];
};

/* `insns` run by bpfrt as the runtime runs a verified program. err: -1
 * when our verifier rejects it. */
static void run_ours(struct bpfrt_vm *vm, const struct bpfrt_insn *insns, size_t cnt,
		     enum kind k, enum bpfrt_backend be, uint32_t len, size_t which,
		     uint32_t repeat, struct result *res,
		     char *vlog, size_t vlog_size)
{
	struct bpfrt_verify_opts o = { .sz = sizeof(o), .attach = attach[k], .kernel_compat = true,
				       .gpl = true, .log_level = 1, .log_buf = vlog,
				       .log_size = vlog_size };
	struct verifier_facts *facts = NULL;
	struct bpfrt_insn conv[MAX_GEN];
	enum fixup_ctx_kind kind = k == K_XDP ? FIXUP_CTX_XDP : FIXUP_CTX_SKB;
	uint8_t pkt[256];

	res->err = -1;
	memcpy(conv, insns, cnt * sizeof(*conv));
	if (verifier_run(conv, cnt, &o, &facts) ||
	    fixups_convert_ctx(conv, cnt, kind, facts, NULL)) {
		verifier_facts_free(facts);
		return;
	}
	verifier_facts_free(facts);
	struct bpfrt_prog_opts po = { .sz = sizeof(po), .mode = BPFRT_EXEC_TRUSTED, .backend = be };
	struct bpfrt_prog *prog = bpfrt_prog__load(vm, conv, cnt, &po);
	struct pkt_frame f;
	struct bpfrt_run_opts ro = { .sz = sizeof(ro) };
	uint64_t r0 = 0;
	size_t ctx_size;

	fill_packet(pkt, len, which);
	if (!prog || pkt_frame_init(&f, kind, k == K_SOCKET, pkt, len)) {
		res->err = -2;
		bpfrt_prog__free(prog);
		return;
	}
	void *ctx = pkt_frame_ctx(&f, &ctx_size);
	res->err = 0;
	for (uint32_t i = 0; i < repeat && !res->err; i++)
		res->err = vm_prog_run(prog, ctx, ctx_size, &r0, &ro, &f, NULL);
	res->r0 = (uint32_t)r0;
	res->size = sizeof(res->out);
	if (!res->err)
		res->err = pkt_frame_output(&f, res->out, &res->size);
	pkt_frame_fini(&f);
	bpfrt_prog__free(prog);
}

static void dump(const struct bpfrt_insn *p, size_t cnt)
{
	for (size_t q = 0; q < cnt; q++)
		printf("    %02zu: %02x %u %u %+d %d\n", q, p[q].code, p[q].dst_reg, p[q].src_reg,
		       p[q].off, p[q].imm);
}

static void dump_bytes(const char *who, const uint8_t *b, size_t n)
{
	printf("    %s (%zu):", who, n);
	for (size_t i = 0; i < n && i < 48; i++)
		printf(" %02x", b[i]);
	printf("%s\n", n > 48 ? " ..." : "");
}

struct counts {
	unsigned same, differ, kernel_rejects, ours_rejects, runs_failed;
};

/* One batch: `n` programs, NLENS runs each, in the kernel and in bpfrt. */
static void batch(struct bpfrt_vm *vm, bool jit, struct bpfrt_insn (*p)[MAX_GEN],
		  const size_t *cnt, const enum kind *kinds, size_t n, uint64_t seed,
		  unsigned base, struct counts *c)
{
	static uint8_t pkts[KBPF_MAX_BATCH][256];
	static uint8_t kout[KBPF_MAX_BATCH][OUT_CAP];
	static char klog[KBPF_MAX_BATCH][2048];
	static struct result ri, rj;
	static char vlog[8192];
	struct kbpf_prog kp[KBPF_MAX_BATCH];
	struct kbpf_run kr[KBPF_MAX_BATCH];
	struct kbpf_result res[KBPF_MAX_BATCH];
	size_t m = 0;

	memset(kp, 0, sizeof(kp));
	memset(kr, 0, sizeof(kr));
	for (size_t i = 0; i < n; i++)
		for (size_t l = 0; l < NLENS; l++, m++) {
			fill_packet(pkts[m], run_lens[l], l);
			kp[m] = (struct kbpf_prog){ .insns = p[i], .insn_cnt = cnt[i],
						    .prog_type = prog_type[kinds[i]],
						    .log_buf = klog[m], .log_size = sizeof(klog[m]) };
			kr[m] = (struct kbpf_run){ .data_in = pkts[m], .data_size_in = run_lens[l],
						   .data_out = kout[m], .data_size_out = OUT_CAP,
						   .repeat = run_repeat[l] };
		}
	kbpf_prog_run_batch(kp, kr, m, 20000, res);
	for (size_t k = 0; k < m; k++) {
		size_t prog = k / NLENS;
		enum kind kd = kinds[prog];
		uint32_t len = run_lens[k % NLENS], repeat = run_repeat[k % NLENS];

		if (res[k].outcome == KBPF_REJECTED) {
			c->kernel_rejects++;
			continue;
		}
		if (res[k].outcome != KBPF_OK) {
			c->runs_failed++;
			printf("  KERNEL    %s program %u (seed %llu), packet of %u bytes: %s (%d)\n",
			       kind_name[kd], base + (unsigned)prog, (unsigned long long)seed, len,
			       kbpf_outcome_name(res[k].outcome), res[k].err);
			continue;
		}
		run_ours(vm, p[prog], cnt[prog], kd, BPFRT_BACKEND_INTERP, len, k % NLENS, repeat,
			 &ri, vlog, sizeof(vlog));
		if (ri.err == -1) {
			c->ours_rejects++;
			if (k % NLENS == 0) {
				printf("  REJECTED  %s program %u (seed %llu): the kernel accepts, ours: %s\n",
				       kind_name[kd], base + (unsigned)prog, (unsigned long long)seed,
				       vlog_reason(vlog));
				dump(p[prog], cnt[prog]);
			}
			continue;
		}
		if (jit)
			run_ours(vm, p[prog], cnt[prog], kd, BPFRT_BACKEND_JIT, len, k % NLENS, repeat,
				 &rj, vlog, sizeof(vlog));
		else
			rj = ri;
		bool ok = true;
		for (const struct result *r = &ri; ok && r; r = r == &ri ? &rj : NULL)
			ok = !r->err && r->r0 == res[k].retval && r->size == kr[k].data_size_out &&
			     !memcmp(r->out, kout[k], r->size < OUT_CAP ? r->size : OUT_CAP);
		if (ok) {
			c->same++;
			continue;
		}
		c->differ++;
		printf("  DIFFER    %s program %u (seed %llu), packet of %u bytes, %u run(s): the kernel r0 %#x, "
		       "%u bytes; interpreter err %d r0 %#x, %zu bytes; JIT err %d r0 %#x, %zu bytes\n",
		       kind_name[kd], base + (unsigned)prog, (unsigned long long)seed, len, repeat,
		       res[k].retval, kr[k].data_size_out, ri.err, ri.r0, ri.size, rj.err, rj.r0,
		       rj.size);
		dump_bytes("kernel", kout[k], kr[k].data_size_out);
		dump_bytes("ours  ", ri.out, ri.size);
		dump(p[prog], cnt[prog]);
	}
}

int main(int argc, char **argv)
{
	unsigned count = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 600;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 20261130;
	int err = kbpf_available();

	if (err) {
		printf("pkt_helpers_diff: kernel bpf() unavailable (%s): skipped\n", strerror(-err));
		return 77;
	}
	static struct bpfrt_insn progs[KBPF_MAX_BATCH / NLENS][MAX_GEN];
	size_t cnt[KBPF_MAX_BATCH / NLENS];
	enum kind kinds[KBPF_MAX_BATCH / NLENS];
	unsigned per_kind[K_COUNT] = { 0 };
	struct counts c = { 0 };
	struct bpfrt_vm *vm = bpfrt_vm__new();

	if (!vm || bpfrt_vm__register_kernel_helpers(vm)) {
		printf("pkt_helpers_diff: no VM\n");
		return 1;
	}
	bool jit = bpfrt_vm__has_backend(vm, BPFRT_BACKEND_JIT);

	rng_state = seed;
	for (unsigned base = 0; base < count; base += KBPF_MAX_BATCH / NLENS) {
		size_t n = count - base < KBPF_MAX_BATCH / NLENS ? count - base
								 : KBPF_MAX_BATCH / NLENS;

		for (size_t i = 0; i < n; i++) {
			kinds[i] = (enum kind)rnd(K_COUNT);
			per_kind[kinds[i]]++;
			cnt[i] = gen(progs[i], kinds[i]);
		}
		batch(vm, jit, progs, cnt, kinds, n, seed, base, &c);
	}
	bpfrt_vm__free(vm);
	printf("pkt_helpers_diff: %u programs (%u xdp, %u tc, %u socket), %zu runs each (packets of 14 to 200 bytes, one run repeated three times): "
	       "%u runs as the kernel's (r0, output packet and length; interpreter%s), %u differ; "
	       "%u runs the kernel rejects, %u ours rejects, %u the kernel did not finish\n",
	       count, per_kind[K_XDP], per_kind[K_TC], per_kind[K_SOCKET], NLENS, c.same,
	       jit ? " and JIT" : "", c.differ, c.kernel_rejects, c.ours_rejects, c.runs_failed);
	return c.differ || c.ours_rejects || c.runs_failed || !c.same ? 1 : 0;
}
