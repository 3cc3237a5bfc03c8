/* Round trips: every form of the opcode table, with many field values,
 * disassembles to text that assembles back to the same bytes, in both
 * syntaxes; whole listings with labels do too; and so do random bytes
 * (whatever no text can say becomes a .invalid line). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpfrt/asm.h"
#include "isa/opcodes.h"
#include "isa/syntax.h"
#include "form_variants.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void assemble_same(const char *text, const struct bpfrt_insn *want, size_t n)
{
	char log[256] = "";
	struct bpfrt_asm_opts opts = { .sz = sizeof(opts), .log_buf = log, .log_size = sizeof(log) };
	struct bpfrt_insn *got = NULL;
	size_t cnt = 0;
	if (bpfrt_asm(text, &opts, &got, &cnt))
		fail_msg("'%s' does not assemble: %s", text, log);
	if (cnt != n || memcmp(got, want, n * sizeof(*want))) {
		for (size_t i = 0; i < n && i < cnt; i++) {
			if (memcmp(&got[i], &want[i], sizeof(*want)))
				fail_msg("'%s' slot %zu: %02x %u %u %d %d, want %02x %u %u %d %d", text,
					 i, got[i].code, got[i].dst_reg, got[i].src_reg, got[i].off,
					 got[i].imm, want[i].code, want[i].dst_reg, want[i].src_reg,
					 want[i].off, want[i].imm);
		}
		fail_msg("'%.200s': %zu slots, want %zu", text, cnt, n);
	}
	free(got);
}

static void every_form_round_trips(enum bpfrt_syntax syntax)
{
	for (int op = 1; op < ISA_OP_COUNT; op++) {
		for (unsigned v = 0; v < 24; v++) {
			struct bpfrt_insn insn[2];
			size_t n = form_variant(&isa_forms[op], v, insn);
			char text[256];
			int slots = bpfrt_disasm_insn(insn, n, syntax, text, sizeof(text));
			if (slots != (int)n)
				fail_msg("%s variant %u: disasm gave %d (%s)", isa_forms[op].name, v,
					 slots, text);
			assert_true(strlen(text) < 100); /* asm.h promises 128 bytes suffice */
			assemble_same(text, insn, n);
		}
	}
}

static void forms_round_trip_conformance(void **state)
{
	(void)state;
	every_form_round_trips(BPFRT_SYNTAX_CONFORMANCE);
}

static void forms_round_trip_kernel(void **state)
{
	(void)state;
	every_form_round_trips(BPFRT_SYNTAX_KERNEL);
}

static void listing_round_trips(enum bpfrt_syntax syntax, unsigned flags, bool random_bytes)
{
	enum { N = 600 };
	struct bpfrt_insn prog[N + 1];
	size_t n = 0;
	while (n < N) {
		if (random_bytes) {
			uint32_t w[2] = { next_rand(), next_rand() };
			if (next_rand() % 4 == 0) /* make valid opcodes likely */
				w[0] = (w[0] & ~0xffu) | isa_forms[1 + next_rand() % (ISA_OP_COUNT - 1)].code;
			memcpy(&prog[n++], w, 8);
			continue;
		}
		const struct isa_form *f = &isa_forms[1 + next_rand() % (ISA_OP_COUNT - 1)];
		struct bpfrt_insn insn[2];
		size_t k = form_variant(f, next_rand(), insn);
		/* Jumps to somewhere in the program, so the listing gets labels. */
		int32_t to = (int32_t)(next_rand() % (N + 2)) - (int32_t)n - 1;
		const struct syn_layout *l = &syn_layouts[f->syntax];
		for (unsigned i = 0; i < l->n; i++) {
			if (l->opnd[i] == SYN_TGT_OFF)
				insn[0].off = (int16_t)to;
			if (l->opnd[i] == SYN_TGT_IMM)
				insn[0].imm = to;
		}
		if (insn[0].src_reg == BPFRT_PSEUDO_FUNC && f->syntax == ISA_SYN_LDDW)
			insn[0].imm = to;
		memcpy(&prog[n], insn, k * sizeof(*insn));
		n += k;
	}
	struct bpfrt_disasm_opts opts = { .sz = sizeof(opts), .syntax = syntax, .flags = flags };
	char *text = NULL;
	int invalid = bpfrt_disasm(prog, n, &opts, &text);
	assert_true(invalid >= 0);
	if (!random_bytes)
		assert_int_equal(invalid, 0);
	assert_non_null(strstr(text, random_bytes ? ".invalid" : "L"));
	assemble_same(text, prog, n);
	free(text);
}

static void listings_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < 5; i++) {
		listing_round_trips(BPFRT_SYNTAX_CONFORMANCE, 0, false);
		listing_round_trips(BPFRT_SYNTAX_KERNEL, BPFRT_DISASM_SLOTS, false);
	}
}

static void random_bytes_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < 20; i++) {
		listing_round_trips(BPFRT_SYNTAX_CONFORMANCE, BPFRT_DISASM_SLOTS, true);
		listing_round_trips(BPFRT_SYNTAX_KERNEL, 0, true);
	}
}

static void kernel_syntax_spellings(void **state)
{
	(void)state;
	static const struct {
		struct bpfrt_insn insn[2];
		const char *text;
	} cases[] = {
		{ { { 0x61, 0, 1, 4, 0 } }, "r0 = *(u32 *)(r1 + 4)" },
		{ { { 0x15, 1, 0, 3, 0 } }, "if r1 == 0x0 goto +3" },
		{ { { 0x04, 0, 0, 0, 1 } }, "w0 += 1" },
		{ { { 0x85, 0, 0, 0, 1 } }, "call 1" },
		{ { { 0x18, 1, 0, 0, 0x44332211 }, { 0, 0, 0, 0, 0x11 } }, "r1 = 0x1144332211 ll" },
		{ { { 0xdb, 1, 2, 0, 0 } }, "lock *(u64 *)(r1 + 0) += r2" },
		{ { { 0xdb, 1, 2, 0, 0x01 } }, "r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)" },
		{ { { 0xc3, 1, 2, -8, 0xf1 } }, "w0 = cmpxchg32_32(r1 - 8, w0, w2)" },
		{ { { 0xbc, 3, 4, 8, 0 } }, "w3 = (s8)w4" },
		{ { { 0xdb, 1, 2, 8, 0xe1 } }, "r2 = xchg_64(r1 + 8, r2)" },
		{ { { 0xc3, 1, 2, 0, 0x00 } }, "lock *(u32 *)(r1 + 0) += w2" },
		{ { { 0xdc, 0, 0, 0, 16 } }, "r0 = be16 r0" },
		{ { { 0x91, 0, 10, -1, 0 } }, "r0 = *(s8 *)(r10 - 1)" },
		{ { { 0x3f, 1, 2, 1, 0 } }, "r1 s/= r2" },
		{ { { 0x85, 0, 1, 0, -3 } }, "call pc-3" },
		{ { { 0x8d, 3, 0, 0, 0 } }, "callx r3" },
		{ { { 0x06, 0, 0, 0, 70000 } }, "gotol +70000" },
		{ { { 0xe5, 0, 0, 2, 0 } }, "may_goto +2" },
		{ { { 0xe5, 0, 0, -4, 0 } }, "may_goto -4" },
		{ { { 0x18, 2, 2, 0, 5 }, { 0, 0, 0, 0, 12 } }, "r2 = map[fd:5][0]+12 ll" },
		{ { { 0x50, 0, 3, 0, -2 } }, "r0 = *(u8 *)skb[r3 - 2]" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[128];
		size_t n = isa_insn_slots(&cases[i].insn[0]);
		assert_int_equal(bpfrt_disasm_insn(cases[i].insn, n, BPFRT_SYNTAX_KERNEL, text,
						   sizeof(text)),
				 (int)n);
		assert_string_equal(text, cases[i].text);
	}
	/* An unknown opcode and a truncated ld_imm64 are named by their bytes. */
	struct bpfrt_insn bad[1] = { { 0x8f, 1, 0, 2, -1 } }, half[1] = { { 0x18, 1, 0, 0, 5 } };
	char text[128];
	assert_int_equal(bpfrt_disasm_insn(bad, 1, BPFRT_SYNTAX_KERNEL, text, sizeof(text)), -EINVAL);
	assert_string_equal(text, ".invalid 8f 01 02 00 ff ff ff ff");
	/* may_goto with a register or an imm is no may_goto */
	struct bpfrt_insn mg[1] = { { 0xe5, 0, 1, 2, 0 } };
	assert_int_equal(bpfrt_disasm_insn(mg, 1, BPFRT_SYNTAX_KERNEL, text, sizeof(text)), -EINVAL);
	assert_string_equal(text, ".invalid e5 10 02 00 00 00 00 00");
	mg[0] = (struct bpfrt_insn){ 0xe5, 0, 0, 2, 1 };
	assert_int_equal(bpfrt_disasm_insn(mg, 1, BPFRT_SYNTAX_CONFORMANCE, text, sizeof(text)), -EINVAL);
	assert_int_equal(bpfrt_disasm_insn(half, 1, BPFRT_SYNTAX_CONFORMANCE, text, sizeof(text)),
			 -EINVAL);
	/* Output is truncated to the buffer, never overrun. */
	char tiny[5];
	assert_int_equal(bpfrt_disasm_insn(cases[0].insn, 1, BPFRT_SYNTAX_KERNEL, tiny, sizeof(tiny)), 1);
	assert_string_equal(tiny, "r0 =");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(forms_round_trip_conformance),
		cmocka_unit_test(forms_round_trip_kernel),
		cmocka_unit_test(kernel_syntax_spellings),
		cmocka_unit_test(listings_round_trip),
		cmocka_unit_test(random_bytes_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
