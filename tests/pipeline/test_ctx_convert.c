/* SPDX-License-Identifier: MIT */
/* Context conversion of packet programs: which loads are rewritten. */
#include <linux/bpf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixups/fixups.h"

#define LDXW(dst, src, o) { .code = BPFRT_LDX | BPFRT_MEM | BPFRT_W, .dst_reg = dst, .src_reg = src, .off = o }
#define MOV(dst, src) { .code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, .dst_reg = dst, .src_reg = src }
#define MOVI(dst, v) { .code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, .dst_reg = dst, .imm = v }
#define JEQI(dst, v, o) { .code = BPFRT_JMP | BPFRT_JEQ | BPFRT_K, .dst_reg = dst, .imm = v, .off = o }
#define EXIT { .code = BPFRT_JMP | BPFRT_EXIT }

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

	assert_int_equal(fixups_convert_ctx(p, sizeof(p) / sizeof(p[0]), FIXUP_CTX_XDP, &n), 0);
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

	assert_int_equal(fixups_convert_ctx(p, 4, FIXUP_CTX_SKB, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].off, offsetof(struct bpfrt_skb_ctx, data));
	assert_int_equal(p[1].off, offsetof(struct bpfrt_skb_ctx, data_end));
	assert_int_equal(p[2].code, BPFRT_LDX | BPFRT_MEM | BPFRT_W);
	/* Other kinds: nothing changes. */
	struct bpfrt_insn q[] = { LDXW(2, 1, 0), EXIT };

	assert_int_equal(fixups_convert_ctx(q, 2, FIXUP_CTX_NONE, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(q[0].code, BPFRT_LDX | BPFRT_MEM | BPFRT_W);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xdp_loads),
		cmocka_unit_test(test_skb_loads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
