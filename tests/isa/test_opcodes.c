/* The opcode table: every form is found by its own encoding, every opcode
 * byte RFC 9669 defines has a form, and the validator rejects what it must. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "isa/opcodes.h"

/* An instruction that selects form f, with its used fields at plausible values. */
static struct bpfrt_insn encode_form(const struct isa_form *f)
{
	struct bpfrt_insn insn = { .code = f->code };
	switch (f->match) {
	case ISA_MATCH_OFF:
		insn.off = (int16_t)f->match_value;
		break;
	case ISA_MATCH_IMM:
		insn.imm = f->match_value;
		break;
	case ISA_MATCH_SRC:
		insn.src_reg = (uint8_t)f->match_value;
		break;
	}
	return insn;
}

static void every_form_is_found_by_its_encoding(void **state)
{
	(void)state;
	for (int op = 1; op < ISA_OP_COUNT; op++) {
		struct bpfrt_insn insn = encode_form(&isa_forms[op]);
		const struct isa_form *f = isa_form_of(&insn);
		assert_non_null(f);
		assert_int_equal(f->op, op);
		assert_string_equal(f->name, isa_forms[op].name);
	}
}

static void rfc9669_opcode_bytes_all_have_forms(void **state)
{
	(void)state;
	/* Every opcode byte listed in RFC 9669 appendix A (with its legacy
	 * packet loads), and the kernel's may_goto (0xe5). */
	static const uint8_t rfc_codes[] = {
		0x04, 0x05, 0x06, 0x07, 0x0c, 0x0f, 0x14, 0x15, 0x16, 0x17, 0x18, 0x1c, 0x1d, 0x1e,
		0x1f, 0x20, 0x24, 0x25, 0x26, 0x27, 0x28, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x34, 0x35,
		0x36, 0x37, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x44, 0x45, 0x46, 0x47, 0x48, 0x4c, 0x4d,
		0x4e, 0x4f, 0x50, 0x54, 0x55, 0x56, 0x57, 0x5c, 0x5d, 0x5e, 0x5f, 0x61, 0x62, 0x63,
		0x64, 0x65, 0x66, 0x67, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x71, 0x72, 0x73,
		0x74, 0x75, 0x76, 0x77, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f, 0x81, 0x84, 0x85,
		0x87, 0x89, 0x8d, 0x91, 0x94, 0x95, 0x97, 0x9c, 0x9f, 0xa4, 0xa5, 0xa6, 0xa7, 0xac,
		0xad, 0xae, 0xaf, 0xb4, 0xb5, 0xb6, 0xb7, 0xbc, 0xbd, 0xbe, 0xbf, 0xc3, 0xc4, 0xc5,
		0xc6, 0xc7, 0xcc, 0xcd, 0xce, 0xcf, 0xd4, 0xd5, 0xd6, 0xd7, 0xdb, 0xdc, 0xdd, 0xde,
		0xe5,
	};
	bool has_form[256] = { false };
	for (int op = 1; op < ISA_OP_COUNT; op++)
		has_form[isa_forms[op].code] = true;
	for (size_t i = 0; i < sizeof(rfc_codes); i++) {
		if (!has_form[rfc_codes[i]])
			fail_msg("opcode 0x%02x has no form", rfc_codes[i]);
	}
	/* And nothing else. */
	int total = 0;
	for (int c = 0; c < 256; c++)
		total += has_form[c];
	assert_int_equal(total, (int)sizeof(rfc_codes));
}

static void forms_are_unique(void **state)
{
	(void)state;
	for (int a = 1; a < ISA_OP_COUNT; a++) {
		for (int b = a + 1; b < ISA_OP_COUNT; b++) {
			const struct isa_form *fa = &isa_forms[a], *fb = &isa_forms[b];
			if (fa->code != fb->code)
				continue;
			/* Same byte: they must be told apart by one field. */
			assert_int_equal(fa->match, fb->match);
			assert_int_not_equal(fa->match, ISA_MATCH_NONE);
			assert_int_not_equal(fa->match_value, fb->match_value);
		}
	}
}

static void validator_rejects_what_it_must(void **state)
{
	(void)state;
	const char *why = NULL;
	struct bpfrt_insn unknown = { .code = 0x8f };
	assert_int_equal(isa_insn_check(&unknown, NULL, &why), -EINVAL);
	assert_string_equal(why, "unknown opcode");

	struct bpfrt_insn bad_div = { .code = BPFRT_ALU64 | BPFRT_X | BPFRT_DIV, .off = 2 };
	assert_null(isa_form_of(&bad_div));

	struct bpfrt_insn bad_swap = { .code = BPFRT_ALU64 | BPFRT_END, .imm = 24 };
	assert_null(isa_form_of(&bad_swap));

	struct bpfrt_insn reserved = { .code = BPFRT_JMP | BPFRT_EXIT, .imm = 1 };
	assert_int_equal(isa_insn_check(&reserved, NULL, &why), -EINVAL);
	assert_string_equal(why, "reserved field imm is not 0");

	struct bpfrt_insn write_fp = { .code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, .dst_reg = 10 };
	assert_int_equal(isa_insn_check(&write_fp, NULL, &why), -EINVAL);
	assert_string_equal(why, "frame pointer r10 is read-only");

	struct bpfrt_insn bad_reg = { .code = BPFRT_ALU64 | BPFRT_ADD | BPFRT_X, .dst_reg = 1,
				      .src_reg = 12 };
	assert_int_equal(isa_insn_check(&bad_reg, NULL, &why), -EINVAL);

	struct bpfrt_insn lddw = { .code = BPFRT_LD | BPFRT_IMM | BPFRT_DW, .dst_reg = 1 };
	assert_int_equal(isa_insn_check(&lddw, NULL, &why), -EINVAL);
	struct bpfrt_insn second = { .imm = 7 };
	assert_int_equal(isa_insn_check(&lddw, &second, &why), 0);

	/* r11 is a base register for plain stores and loads only. */
	struct bpfrt_insn stack_arg = { .code = BPFRT_STX | BPFRT_MEM | BPFRT_DW, .dst_reg = 11,
					.src_reg = 6, .off = -8 };
	assert_int_equal(isa_insn_check(&stack_arg, NULL, &why), 0);
	struct bpfrt_insn r11_alu = { .code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, .dst_reg = 0,
				      .src_reg = 11 };
	assert_int_equal(isa_insn_check(&r11_alu, NULL, &why), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_form_is_found_by_its_encoding),
		cmocka_unit_test(rfc9669_opcode_bytes_all_have_forms),
		cmocka_unit_test(forms_are_unique),
		cmocka_unit_test(validator_rejects_what_it_must),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
