/* The assembler: encodings of the conformance syntax and its extensions,
 * labels, and errors with their exact file:line:col. */
#include <errno.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpfrt/asm.h"

#define I(c, d, s, o, i) ((struct bpfrt_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

static void expect(const char *text, const struct bpfrt_insn *want, size_t n)
{
	char log[256] = "";
	struct bpfrt_asm_opts opts = { .sz = sizeof(opts), .log_buf = log, .log_size = sizeof(log) };
	struct bpfrt_insn *insns = NULL;
	size_t cnt = 0;
	int err = bpfrt_asm(text, &opts, &insns, &cnt);
	if (err)
		fail_msg("'%s': %s", text, log);
	assert_int_equal(cnt, n);
	for (size_t i = 0; i < n; i++) {
		if (memcmp(&insns[i], &want[i], sizeof(want[i])))
			fail_msg("'%s' slot %zu: got %02x %x %x %d %d, want %02x %x %x %d %d", text, i,
				 insns[i].code, insns[i].dst_reg, insns[i].src_reg, insns[i].off,
				 insns[i].imm, want[i].code, want[i].dst_reg, want[i].src_reg,
				 want[i].off, want[i].imm);
	}
	free(insns);
}
#define EXPECT(text, ...)                                                                   \
	do {                                                                                \
		const struct bpfrt_insn w_[] = { __VA_ARGS__ };                             \
		expect(text, w_, sizeof(w_) / sizeof(w_[0]));                               \
	} while (0)

static void expect_error(const char *text, const char *want)
{
	char log[256] = "";
	struct bpfrt_asm_opts opts = { .sz = sizeof(opts), .filename = "t.asm", .log_buf = log,
				       .log_size = sizeof(log) };
	struct bpfrt_insn *insns = NULL;
	size_t cnt = 0;
	if (bpfrt_asm(text, &opts, &insns, &cnt) != -EINVAL)
		fail_msg("'%s' assembled", text);
	assert_null(insns);
	if (strncmp(log, want, strlen(want)))
		fail_msg("'%s': got \"%s\", want \"%s...\"", text, log, want);
}

static void conformance_forms(void **state)
{
	(void)state;
	EXPECT("mov %r0, 1", I(0xb7, 0, 0, 0, 1));
	EXPECT("mov32 %r1, -16", I(0xb4, 1, 0, 0, -16));
	EXPECT("add %r0, %r5", I(0x0f, 0, 5, 0, 0));
	EXPECT("sdiv32 %r1, %r2", I(0x3c, 1, 2, 1, 0));
	EXPECT("smod %r1, 3", I(0x97, 1, 0, 1, 3));
	EXPECT("movsx1664 %r0, %r1", I(0xbf, 0, 1, 16, 0));
	EXPECT("neg32 %r3", I(0x84, 3, 0, 0, 0));
	EXPECT("be16 %r0", I(0xdc, 0, 0, 0, 16));
	EXPECT("le64 %r0", I(0xd4, 0, 0, 0, 64));
	EXPECT("bswap32 %r2", I(0xd7, 2, 0, 0, 32));
	EXPECT("swap64 %r2", I(0xd7, 2, 0, 0, 64));
	EXPECT("ldxw %r0, [%r1+4]", I(0x61, 0, 1, 4, 0));
	EXPECT("ldxdw %r0, [%r1]", I(0x79, 0, 1, 0, 0));
	EXPECT("ldxsb %r0, [%r10-1]", I(0x91, 0, 10, -1, 0));
	EXPECT("stw [%r10-4], 0x80000001", I(0x62, 10, 0, -4, (int32_t)0x80000001));
	EXPECT("stxdw [%r10 - 8], %r0", I(0x7b, 10, 0, -8, 0));
	EXPECT("jeq %r1, 0, +3", I(0x15, 1, 0, 3, 0));
	EXPECT("jsle32 %r1, %r2, -1", I(0xde, 1, 2, -1, 0));
	EXPECT("ja +2", I(0x05, 0, 0, 2, 0));
	EXPECT("ja32 -5", I(0x06, 0, 0, 0, -5));
	EXPECT("may_goto +2", I(0xe5, 0, 0, 2, 0));
	EXPECT("call 5", I(0x85, 0, 0, 0, 5));
	EXPECT("call helper 6", I(0x85, 0, 0, 0, 6));
	EXPECT("call local +3", I(0x85, 0, 1, 0, 3));
	EXPECT("call kfunc 77", I(0x85, 0, 2, 0, 77));
	EXPECT("call runtime 77", I(0x85, 0, 2, 0, 77));
	EXPECT("call %r2", I(0x8d, 2, 0, 0, 0));
	EXPECT("exit", I(0x95, 0, 0, 0, 0));
	EXPECT("lddw %r0, 0x8877665544332211", I(0x18, 0, 0, 0, 0x44332211),
	       I(0, 0, 0, 0, (int32_t)0x88776655));
	EXPECT("lddw %r1, -2", I(0x18, 1, 0, 0, -2), I(0, 0, 0, 0, -1));
	EXPECT("lock add [%r10-8], %r1", I(0xdb, 10, 1, -8, 0x00));
	EXPECT("lock fetch or32 [%r10-8], %r1", I(0xc3, 10, 1, -8, 0x41));
	EXPECT("lock xchg [%r10-8], %r1", I(0xdb, 10, 1, -8, 0xe1));
	EXPECT("lock cmpxchg32 [%r10-8], %r1", I(0xc3, 10, 1, -8, 0xf1));
	EXPECT("ldabsh 12", I(0x28, 0, 0, 0, 12));
	EXPECT("ldindb %r3, 2", I(0x50, 0, 3, 0, 2));
}

static void extensions(void **state)
{
	(void)state;
	EXPECT("lddw %r1, map[fd:3]", I(0x18, 1, 1, 0, 3), I(0, 0, 0, 0, 0));
	EXPECT("lddw %r1, map[fd:3][0]+16", I(0x18, 1, 2, 0, 3), I(0, 0, 0, 0, 16));
	EXPECT("lddw %r1, map[idx:0]", I(0x18, 1, 5, 0, 0), I(0, 0, 0, 0, 0));
	EXPECT("lddw %r1, map[idx:2][0]+8", I(0x18, 1, 6, 0, 2), I(0, 0, 0, 0, 8));
	EXPECT("lddw %r1, btf_id[42]", I(0x18, 1, 3, 0, 42), I(0, 0, 0, 0, 0));
	EXPECT("lddw %r1, subprog[f]\nexit\nf: exit", I(0x18, 1, 4, 0, 2), I(0, 0, 0, 0, 0),
	       I(0x95, 0, 0, 0, 0), I(0x95, 0, 0, 0, 0));
	EXPECT("stxdw [%r11-8], %r6", I(0x7b, 11, 6, -8, 0));
	EXPECT("ldxdw %r1, [%r11+8]", I(0x79, 1, 11, 8, 0));
	EXPECT(".invalid 8f 01 02 00 ff ff ff ff", I(0x8f, 1, 0, 2, -1));
	EXPECT("  # only a comment\n; another\n// and another\n", );
}

static void labels(void **state)
{
	(void)state;
	EXPECT("L0: mov %r0, 0\n ja L1\n lddw %r1, 1\nL1:\n jne %r0, 0, L0\n exit",
	       I(0xb7, 0, 0, 0, 0), I(0x05, 0, 0, 2, 0), I(0x18, 1, 0, 0, 1), I(0, 0, 0, 0, 0),
	       I(0x55, 0, 0, -5, 0), I(0x95, 0, 0, 0, 0));
	/* "exit" names the first exit unless defined. */
	EXPECT("jeq %r1, 0, exit\nmov %r0, 1\nexit", I(0x15, 1, 0, 1, 0), I(0xb7, 0, 0, 0, 1),
	       I(0x95, 0, 0, 0, 0));
	EXPECT("call local f\nexit\nf:\nja32 f\nexit", I(0x85, 0, 1, 0, 1), I(0x95, 0, 0, 0, 0),
	       I(0x06, 0, 0, 0, -1), I(0x95, 0, 0, 0, 0));
}

static void kernel_syntax(void **state)
{
	(void)state;
	EXPECT("r0 = 1\nw1 += w2\nr3 = *(u32 *)(r1 + 0x4)\n*(u64 *)(r10 - 8) = w1",
	       I(0xb7, 0, 0, 0, 1), I(0x0c, 1, 2, 0, 0), I(0x61, 3, 1, 4, 0), I(0x7b, 10, 1, -8, 0));
	EXPECT("if r1 == 0x0 goto +0x3 <LBB0_2>", I(0x15, 1, 0, 3, 0));
	EXPECT("goto pc-1", I(0x05, 0, 0, -1, 0));
	/* may_goto as the kernel's log and llvm-objdump write it, and to a label */
	EXPECT("may_goto pc+2", I(0xe5, 0, 0, 2, 0));
	EXPECT("may_goto +0x2 <LBB0_3>", I(0xe5, 0, 0, 2, 0));
	EXPECT("l: may_goto out\ngoto l\nout: exit", I(0xe5, 0, 0, 1, 0), I(0x05, 0, 0, -2, 0),
	       I(0x95, 0, 0, 0, 0));
	EXPECT("w2 = atomic_fetch_add((u32 *)(r1 + 0), w2)", I(0xc3, 1, 2, 0, 0x01));
	EXPECT("r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)", I(0xdb, 1, 2, 0, 0x01));
	/* The kernel verifier log's spellings of the fetching atomics. */
	EXPECT("r2 = atomic64_fetch_add((u64 *)(r1 + 0), r2)", I(0xdb, 1, 2, 0, 0x01));
	EXPECT("r2 = atomic_xchg((u32 *)(r1 - 4), r2)", I(0xc3, 1, 2, -4, 0xe1));
	EXPECT("r0 = atomic64_cmpxchg((u64 *)(r1 + 0), r0, r2)", I(0xdb, 1, 2, 0, 0xf1));
	/* llvm's. */
	EXPECT("w0 = cmpxchg32_32(r1 + 8, w0, w2)", I(0xc3, 1, 2, 8, 0xf1));
	EXPECT("r3 = xchg_64(r1, r3)", I(0xdb, 1, 3, 0, 0xe1));
	EXPECT("w1 = *(u8 *)(r2 + 4)", I(0x71, 1, 2, 4, 0));
	EXPECT("r1 = 0x0 ll", I(0x18, 1, 0, 0, 0), I(0, 0, 0, 0, 0));
	EXPECT("r1 = -1 ll", I(0x18, 1, 0, 0, -1), I(0, 0, 0, 0, -1));
	EXPECT("r0 = -r0\nw0 = -w0", I(0x87, 0, 0, 0, 0), I(0x84, 0, 0, 0, 0));
	EXPECT("r1 = *(u64 *)(r11 + 8)", I(0x79, 1, 11, 8, 0));
	EXPECT("f: call f", I(0x85, 0, 1, 0, -1));
	EXPECT("   3: r0 = 1", I(0xb7, 0, 0, 0, 1)); /* a --slots listing */
	/* Mixed with the conformance syntax. */
	EXPECT("mov %r0, 1\nr0 += 2\nexit", I(0xb7, 0, 0, 0, 1), I(0x07, 0, 0, 0, 2),
	       I(0x95, 0, 0, 0, 0));
}

static void errors_have_positions(void **state)
{
	(void)state;
	expect_error("mov %r0, 1\n  frob %r0", "t.asm:2:3: unknown mnemonic 'frob'");
	expect_error("ldxw %r0, 4", "t.asm:1:11: expected a memory operand");
	expect_error("add %r0, foo", "t.asm:1:10: invalid operand for 'add'");
	expect_error("mov %r0, 0x100000000", "t.asm:1:10: immediate does not fit in 32 bits");
	expect_error("ldxw %r0, [%r1+40000]", "t.asm:1:15: offset does not fit in 16 bits");
	expect_error("jeq %r1, 0, nowhere\nexit", "t.asm:1:13: undefined label 'nowhere'");
	expect_error("a:\na: exit", "t.asm:2:1: label 'a' already defined at line 1");
	expect_error("mov %r16, 1", "t.asm:1:5: no register %r16");
	expect_error("exit %r0", "t.asm:1:6: unexpected '%r0' after the operands");
	expect_error("mov %r0, 12abc", "t.asm:1:10: invalid number");
	expect_error("lock frob [%r1], %r2", "t.asm:1:6: unknown atomic operation 'frob'");
	expect_error("lddw %r1, map[fd:x]", "t.asm:1:18: expected a number");
	expect_error(".bogus", "t.asm:1:1: unknown directive '.bogus'");
	expect_error(".invalid 00 11", "t.asm:1:15: .invalid takes 8 bytes");
	expect_error("\tjne %r0, 0, +40000", "t.asm:1:14: jump offset does not fit in 16 bits");
	expect_error("ldxw %r0, [%r1+x]", "t.asm:1:16: expected a number after '+'");
	/* A label beyond a 16-bit offset. */
	enum { FAR = 33000 };
	char *far = malloc(FAR * 5 + 64), *p = far;
	assert_non_null(far);
	p += sprintf(p, "top: exit\n");
	for (int i = 0; i < FAR; i++)
		p += sprintf(p, "exit\n");
	char *tail = p;
	sprintf(p, "  ja top\n");
	expect_error(far, "t.asm:33002:6: label 'top' is out of reach of a 16-bit offset (use ja32)");
	sprintf(tail, "  ja32 top\n");
	struct bpfrt_insn *insns;
	size_t cnt;
	assert_int_equal(bpfrt_asm(far, NULL, &insns, &cnt), 0);
	assert_int_equal(insns[cnt - 1].imm, -(int)cnt);
	free(insns);
	free(far);
	/* The kernel syntax. */
	expect_error("r0 = *(u24 *)(r1 + 4)", "t.asm:1:8: expected u8, u16, u32, u64");
	expect_error("r0 += w1", "t.asm:1:4: both registers must be r or both w");
	expect_error("if r1 === 0 goto +1", "t.asm:1:9: expected a number");
	expect_error("if r1 == 0 goto", "t.asm:1:16: expected +offset or a label");
	expect_error("r0 = 0x100000000", "t.asm:1:6: immediate does not fit in 32 bits");
	expect_error("*(u32 *)(r1 + 2) += 1", "t.asm:1:18: expected '='");
	expect_error("r1 = atomic64_fetch_nand((u64 *)(r1 + 0), r1)",
		     "t.asm:1:6: unknown atomic operation 'atomic64_fetch_nand'");
	expect_error("r3 = r0 ll", "t.asm:1:9: unexpected 'll'");
	expect_error("w1 = *(u64 *)(r2 + 0)", "t.asm:1:6: no instruction has this form");
	expect_error("r2 = be16 r3", "t.asm:1:6: byte swaps are 'rD = be16 rD'");
	/* Without a file name. */
	char log[64];
	struct bpfrt_asm_opts opts = { .sz = sizeof(opts), .log_buf = log, .log_size = sizeof(log) };
	assert_int_equal(bpfrt_asm("nop", &opts, &insns, &cnt), -EINVAL);
	assert_string_equal(log, "<input>:1:1: unknown mnemonic 'nop'");
	/* A tiny log is truncated, never overrun. */
	char tiny[8];
	opts.log_buf = tiny;
	opts.log_size = sizeof(tiny);
	assert_int_equal(bpfrt_asm("nop", &opts, &insns, &cnt), -EINVAL);
	assert_string_equal(tiny, "<input>");
	assert_int_equal(bpfrt_asm("nop", NULL, &insns, &cnt), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conformance_forms),
		cmocka_unit_test(extensions),
		cmocka_unit_test(labels),
		cmocka_unit_test(kernel_syntax),
		cmocka_unit_test(errors_have_positions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
