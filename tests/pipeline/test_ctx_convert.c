/* SPDX-License-Identifier: MIT */
/* Context conversion of packet programs: which loads are rewritten. */
#include <errno.h>
#include <linux/bpf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixups/fixups.h"
#include "verifier/facts.h"

#define LDXW(dst, src, o) { .code = BPFRT_LDX | BPFRT_MEM | BPFRT_W, .dst_reg = dst, .src_reg = src, .off = o }
#define MOV(dst, src) { .code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, .dst_reg = dst, .src_reg = src }
#define MOVI(dst, v) { .code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, .dst_reg = dst, .imm = v }
#define JEQI(dst, v, o) { .code = BPFRT_JMP | BPFRT_JEQ | BPFRT_K, .dst_reg = dst, .imm = v, .off = o }
#define EXIT { .code = BPFRT_JMP | BPFRT_EXIT }
#define STXDW(dst, src, o) { .code = BPFRT_STX | BPFRT_MEM | BPFRT_DW, .dst_reg = dst, .src_reg = src, .off = o }
#define LDXDWI(dst, src, o) { .code = BPFRT_LDX | BPFRT_MEM | BPFRT_DW, .dst_reg = dst, .src_reg = src, .off = o }
#define SUB(dst, src) { .code = BPFRT_ALU64 | BPFRT_SUB | BPFRT_X, .dst_reg = dst, .src_reg = src }

static const uint8_t LDXDW = BPFRT_LDX | BPFRT_MEM | BPFRT_DW;

static void test_xdp_loads(void **state)
{
	(void)state;
	struct bpfrt_insn p[] = {
		LDXW(2, 1, offsetof(struct xdp_md, data_end)), /* 0: converted */
		MOV(6, 1),				       /* 1: r6 = ctx */
		JEQI(2, 0, 1),				       /* 2 */
		MOVI(6, 0),				       /* 3: r6 not ctx on this path */
		LDXW(3, 1, offsetof(struct xdp_md, data)),     /* 4: converted (r1 on both) */
		LDXW(4, 6, offsetof(struct xdp_md, data)),     /* 5: r6 mixed: kept */
		LDXW(5, 1, offsetof(struct xdp_md, ingress_ifindex)), /* 6: not a pointer: kept */
		MOVI(1, 0),				       /* 7 */
		LDXW(0, 1, offsetof(struct xdp_md, data)),     /* 8: r1 no longer ctx: kept */
		EXIT,
	};
	size_t n = 0;

	assert_int_equal(fixups_convert_ctx(p, sizeof(p) / sizeof(p[0]), FIXUP_CTX_XDP, NULL, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].code, LDXDW);
	assert_int_equal(p[0].off, offsetof(struct bpfrt_xdp_ctx, data_end));
	assert_int_equal(p[4].code, LDXDW);
	assert_int_equal(p[4].off, offsetof(struct bpfrt_xdp_ctx, data));
	assert_int_equal(p[5].code, BPFRT_LDX | BPFRT_MEM | BPFRT_W);
	assert_int_equal(p[6].off, offsetof(struct xdp_md, ingress_ifindex));
	assert_int_equal(p[8].code, BPFRT_LDX | BPFRT_MEM | BPFRT_W);
}

static void test_skb_loads(void **state)
{
	(void)state;
	struct bpfrt_insn p[] = {
		LDXW(2, 1, offsetof(struct __sk_buff, data)),
		LDXW(3, 1, offsetof(struct __sk_buff, data_end)),
		LDXW(4, 1, offsetof(struct __sk_buff, len)),
		EXIT,
	};
	size_t n = 0;

	assert_int_equal(fixups_convert_ctx(p, 4, FIXUP_CTX_SKB, NULL, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].off, offsetof(struct bpfrt_skb_ctx, data));
	assert_int_equal(p[1].off, offsetof(struct bpfrt_skb_ctx, data_end));
	assert_int_equal(p[2].code, BPFRT_LDX | BPFRT_MEM | BPFRT_W);
	/* Other kinds: nothing changes. */
	struct bpfrt_insn q[] = { LDXW(2, 1, 0), EXIT };

	assert_int_equal(fixups_convert_ctx(q, 2, FIXUP_CTX_NONE, NULL, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(q[0].code, BPFRT_LDX | BPFRT_MEM | BPFRT_W);
}

/* A verified program: the verifier's facts find context loads the scan
 * cannot (a context pointer spilled and filled), and only those. */
static void test_loads_from_facts(void **state)
{
	(void)state;
	struct bpfrt_insn p[] = {
		STXDW(10, 1, -8),				/* 0: spill ctx */
		LDXDWI(6, 10, -8),				/* 1: fill */
		LDXW(2, 6, offsetof(struct xdp_md, data)),	/* 2: converted */
		LDXW(3, 6, offsetof(struct xdp_md, data_end)), /* 3: converted */
		LDXW(4, 1, offsetof(struct xdp_md, rx_queue_index)), /* 4: no pointer */
		SUB(3, 2),					/* 5: r3 = length */
		MOV(0, 3),
		EXIT,
	};
	struct bpfrt_insn q[sizeof(p) / sizeof(p[0])];
	size_t cnt = sizeof(p) / sizeof(p[0]), n = 0;
	struct bpfrt_verify_opts o = { .sz = sizeof(o), .attach = BPFRT_ATTACH_XDP };
	struct verifier_facts *facts = NULL;

	memcpy(q, p, sizeof(p));
	assert_int_equal(fixups_convert_ctx(q, cnt, FIXUP_CTX_XDP, NULL, &n), 0);
	assert_int_equal(n, 0); /* the scan loses the spilled pointer */
	assert_int_equal(verifier_run(p, cnt, &o, &facts), 0);
	assert_int_equal(facts->insn[2].mem_kind, FACT_MEM_CTX);
	assert_int_equal(fixups_convert_ctx(p, cnt, FIXUP_CTX_XDP, facts, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(p[2].code, LDXDW);
	assert_int_equal(p[2].off, offsetof(struct bpfrt_xdp_ctx, data));
	assert_int_equal(p[3].off, offsetof(struct bpfrt_xdp_ctx, data_end));
	assert_int_equal(p[4].code, BPFRT_LDX | BPFRT_MEM | BPFRT_W);
	/* facts of another program are refused */
	assert_int_equal(fixups_convert_ctx(p, cnt - 1, FIXUP_CTX_XDP, facts, &n), -EINVAL);
	verifier_facts_free(facts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loads_from_facts),
		cmocka_unit_test(test_xdp_loads),
		cmocka_unit_test(test_skb_loads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
