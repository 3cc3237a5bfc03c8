/* Variants of an opcode-table form for the assembler tests: the fields its
 * text says get values from small tables (edge values included), the rest
 * stay zero. */
#ifndef BPFRT_TESTS_ASM_FORM_VARIANTS_H
#define BPFRT_TESTS_ASM_FORM_VARIANTS_H

#include <stdint.h>
#include <string.h>

#include "isa/opcodes.h"
#include "isa/syntax.h"

static const int32_t imms[] = { 0, 1, -1, 7, 4096, 4097, -4097, 0x7fffffff, INT32_MIN, 0x12345678 };
static const int16_t offs[] = { 0, 1, -1, 8, -8, 32767, -32768, 4 };

/* A variant of form f: used fields from the tables above, the rest zero. */
static inline size_t form_variant(const struct isa_form *f, unsigned v, struct bpfrt_insn out[2])
{
	memset(out, 0, 2 * sizeof(*out));
	out[0].code = f->code;
	const struct syn_layout *l = &syn_layouts[f->syntax];
	for (unsigned i = 0; i < l->n; i++) {
		switch (l->opnd[i]) {
		case SYN_REG_DST:
			out[0].dst_reg = (uint8_t)(v % 11);
			break;
		case SYN_REG_SRC:
			out[0].src_reg = (uint8_t)((v + 3) % 11);
			break;
		case SYN_MEM_DST:
			out[0].dst_reg = (uint8_t)(v % 12);
			out[0].off = offs[v % 8];
			break;
		case SYN_MEM_SRC:
			out[0].src_reg = (uint8_t)(v % 12);
			out[0].off = offs[v % 8];
			break;
		case SYN_IMM:
		case SYN_TGT_IMM:
			out[0].imm = imms[v % 10];
			break;
		case SYN_TGT_OFF:
			out[0].off = offs[v % 8];
			break;
		case SYN_IMM64:
			out[0].imm = imms[v % 10];
			out[1].imm = imms[(v + 3) % 10];
			break;
		}
	}
	if (f->match == ISA_MATCH_OFF)
		out[0].off = (int16_t)f->match_value;
	else if (f->match == ISA_MATCH_IMM)
		out[0].imm = f->match_value;
	else if (f->match == ISA_MATCH_SRC)
		out[0].src_reg = (uint8_t)f->match_value;
	if (f->syntax == ISA_SYN_LDDW) {
		const struct syn_pseudo *ps = syn_pseudo_of(out[0].src_reg);
		if (ps && !ps->value)
			out[1].imm = 0;
	}
	return f->syntax == ISA_SYN_LDDW ? 2 : 1;
}

#endif
