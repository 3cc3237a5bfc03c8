/* SPDX-License-Identifier: MIT */
/* The instruction form table and the per-instruction validator. */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>

#include "isa/opcodes.h"

const struct isa_form isa_forms[ISA_OP_COUNT] = {
	[ISA_OP_INVALID] = { .op = ISA_OP_INVALID, .mnemonic = "(invalid)", .name = "INVALID" },
#define ISA_ENTRY(NAME, CODE, MATCH, VALUE, MN, SYN, CPU, SIZE, FLAGS)                       \
	[ISA_OP_##NAME] = { .op = ISA_OP_##NAME,                                          \
			    .code = (CODE),                                               \
			    .match = (MATCH),                                             \
			    .syntax = (SYN),                                              \
			    .isa_version = (CPU),                                         \
			    .size = (SIZE),                                               \
			    .flags = (FLAGS),                                             \
			    .match_value = (VALUE),                                       \
			    .mnemonic = (MN),                                             \
			    .name = #NAME },
	ISA_FORMS(ISA_ENTRY)
#undef ISA_ENTRY
};

/* Forms sharing an opcode byte are chained: first_form[code] is the first,
 * next_form[op] the following one. Built once; lookups are then O(chain). */
static uint8_t first_form[256];
static uint8_t next_form[ISA_OP_COUNT];
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static void build_index(void)
{
	_Static_assert(ISA_OP_COUNT < 256, "op ids must fit the chain index");
	for (int op = ISA_OP_COUNT - 1; op > ISA_OP_INVALID; op--) {
		uint8_t code = isa_forms[op].code;
		next_form[op] = first_form[code];
		first_form[code] = (uint8_t)op;
	}
}

static int32_t selecting_field(const struct bpfrt_insn *insn, enum isa_match match)
{
	switch (match) {
	case ISA_MATCH_OFF:
		return insn->off;
	case ISA_MATCH_IMM:
		return insn->imm;
	case ISA_MATCH_SRC:
		return insn->src_reg;
	default:
		return 0;
	}
}

const struct isa_form *isa_form_of(const struct bpfrt_insn *insn)
{
	pthread_once(&index_once, build_index);
	for (unsigned op = first_form[insn->code]; op != ISA_OP_INVALID; op = next_form[op]) {
		const struct isa_form *f = &isa_forms[op];
		if (f->match == ISA_MATCH_NONE || selecting_field(insn, f->match) == f->match_value)
			return f;
	}
	return NULL;
}

/* Which fields an operand syntax uses; every other field must be zero. */
enum { USES_DST = 1, USES_SRC = 2, USES_OFF = 4, USES_IMM = 8 };

static const uint8_t syntax_fields[] = {
	[ISA_SYN_ALU_K] = USES_DST | USES_IMM,
	[ISA_SYN_ALU_X] = USES_DST | USES_SRC,
	[ISA_SYN_UNARY] = USES_DST,
	[ISA_SYN_JA] = USES_OFF,
	[ISA_SYN_JA32] = USES_IMM,
	[ISA_SYN_JCOND_K] = USES_DST | USES_OFF | USES_IMM,
	[ISA_SYN_JCOND_X] = USES_DST | USES_SRC | USES_OFF,
	[ISA_SYN_CALL] = USES_IMM,
	[ISA_SYN_CALL_LOCAL] = USES_IMM,
	[ISA_SYN_CALLX] = USES_DST,
	[ISA_SYN_EXIT] = 0,
	[ISA_SYN_LDDW] = USES_DST | USES_IMM,
	[ISA_SYN_LDX] = USES_DST | USES_SRC | USES_OFF,
	[ISA_SYN_ST] = USES_DST | USES_OFF | USES_IMM,
	[ISA_SYN_STX] = USES_DST | USES_SRC | USES_OFF,
	[ISA_SYN_ATOMIC] = USES_DST | USES_SRC | USES_OFF,
	[ISA_SYN_LDABS] = USES_IMM,
	[ISA_SYN_LDIND] = USES_SRC | USES_IMM,
	[ISA_SYN_MAY_GOTO] = USES_OFF,
};

static bool is_mem_base_or_value(unsigned reg, const struct isa_form *f, bool is_dst)
{
	/* r11 (stack arguments) is only a base register of plain loads and stores. */
	if (reg == BPFRT_REG_PARAMS) {
		bool base = (f->syntax == ISA_SYN_LDX && !is_dst) ||
			    ((f->syntax == ISA_SYN_ST || f->syntax == ISA_SYN_STX) && is_dst);
		return base && !(f->flags & ISA_F_SIGNED);
	}
	return reg <= BPFRT_REG_10;
}

int isa_insn_check(const struct bpfrt_insn *insn, const struct bpfrt_insn *next,
		   const char **why)
{
	const struct isa_form *f = isa_form_of(insn);
	if (!f) {
		*why = "unknown opcode";
		return -EINVAL;
	}
	uint8_t uses = syntax_fields[f->syntax];
	/* Selecting fields are used by definition. */
	if (f->match == ISA_MATCH_OFF)
		uses |= USES_OFF;
	if (f->match == ISA_MATCH_IMM)
		uses |= USES_IMM;
	if (f->match == ISA_MATCH_SRC)
		uses |= USES_SRC;

	if (!(uses & USES_DST) && insn->dst_reg) {
		*why = "reserved field dst_reg is not 0";
		return -EINVAL;
	}
	if (!(uses & USES_SRC) && insn->src_reg) {
		*why = "reserved field src_reg is not 0";
		return -EINVAL;
	}
	if (!(uses & USES_OFF) && insn->off) {
		*why = "reserved field off is not 0";
		return -EINVAL;
	}
	if (!(uses & USES_IMM) && insn->imm) {
		*why = "reserved field imm is not 0";
		return -EINVAL;
	}
	if ((uses & USES_DST) && !is_mem_base_or_value(insn->dst_reg, f, true)) {
		*why = "invalid destination register";
		return -EINVAL;
	}
	if ((uses & USES_SRC) && f->match != ISA_MATCH_SRC &&
	    !is_mem_base_or_value(insn->src_reg, f, false)) {
		*why = "invalid source register";
		return -EINVAL;
	}
	/* RFC 9669 §2.3: r10 is read-only. */
	if (((f->flags & ISA_F_WRITES_DST) && insn->dst_reg == BPFRT_REG_FP) ||
	    ((f->flags & ISA_F_FETCH) && insn->src_reg == BPFRT_REG_FP)) {
		*why = "frame pointer r10 is read-only";
		return -EINVAL;
	}
	if (f->syntax == ISA_SYN_LDDW) {
		if (!next) {
			*why = "ld_imm64 is missing its second slot";
			return -EINVAL;
		}
		if (next->code || next->dst_reg || next->src_reg || next->off) {
			*why = "ld_imm64 second slot has nonzero reserved fields";
			return -EINVAL;
		}
	}
	return 0;
}
