/* SPDX-License-Identifier: MIT */
/* Operand layouts and spellings shared by the assembler and disassembler. */
#include <stddef.h>
#include <string.h>

#include "isa/syntax.h"

#define L1(a, u) { 1, { a }, u }
#define L2(a, b, u) { 2, { a, b }, u }
#define L3(a, b, c, u) { 3, { a, b, c }, u }

const struct syn_layout syn_layouts[] = {
	[ISA_SYN_ALU_K] = L2(SYN_REG_DST, SYN_IMM, "%rD, imm"),
	[ISA_SYN_ALU_X] = L2(SYN_REG_DST, SYN_REG_SRC, "%rD, %rS"),
	[ISA_SYN_UNARY] = L1(SYN_REG_DST, "%rD"),
	[ISA_SYN_JA] = L1(SYN_TGT_OFF, "+off|label"),
	[ISA_SYN_JA32] = L1(SYN_TGT_IMM, "+imm|label"),
	[ISA_SYN_JCOND_K] = L3(SYN_REG_DST, SYN_IMM, SYN_TGT_OFF, "%rD, imm, +off|label"),
	[ISA_SYN_JCOND_X] = L3(SYN_REG_DST, SYN_REG_SRC, SYN_TGT_OFF, "%rD, %rS, +off|label"),
	[ISA_SYN_CALL] = L1(SYN_IMM, "[kfunc] id"),
	[ISA_SYN_CALL_LOCAL] = L1(SYN_TGT_IMM, "local +imm|label"),
	[ISA_SYN_CALLX] = L1(SYN_REG_DST, "%rD"),
	[ISA_SYN_EXIT] = { 0, { 0 }, "" },
	[ISA_SYN_LDDW] = L2(SYN_REG_DST, SYN_IMM64, "%rD, imm64|map[fd:N]|map[idx:N][0]+off|btf_id[N]|subprog[label]"),
	[ISA_SYN_LDX] = L2(SYN_REG_DST, SYN_MEM_SRC, "%rD, [%rS+off]"),
	[ISA_SYN_ST] = L2(SYN_MEM_DST, SYN_IMM, "[%rD+off], imm"),
	[ISA_SYN_STX] = L2(SYN_MEM_DST, SYN_REG_SRC, "[%rD+off], %rS"),
	[ISA_SYN_ATOMIC] = L2(SYN_MEM_DST, SYN_REG_SRC, "[%rD+off], %rS"),
	[ISA_SYN_LDABS] = L1(SYN_IMM, "imm"),
	[ISA_SYN_LDIND] = L2(SYN_REG_SRC, SYN_IMM, "%rS, imm"),
	[ISA_SYN_MAY_GOTO] = L1(SYN_TGT_OFF, "+off|label"),
};

static const struct {
	const char *mnemonic;
	const char *op;
} kernel_operators[] = {
	{ "add", "+=" },   { "sub", "-=" },   { "mul", "*=" },	  { "div", "/=" },
	{ "sdiv", "s/=" }, { "or", "|=" },    { "and", "&=" },	  { "lsh", "<<=" },
	{ "rsh", ">>=" },  { "mod", "%=" },   { "smod", "s%=" },  { "xor", "^=" },
	{ "mov", "=" },	   { "arsh", "s>>=" }, { "jeq", "==" },	  { "jgt", ">" },
	{ "jge", ">=" },   { "jset", "&" },   { "jne", "!=" },	  { "jsgt", "s>" },
	{ "jsge", "s>=" }, { "jlt", "<" },    { "jle", "<=" },	  { "jslt", "s<" },
	{ "jsle", "s<=" },
};

size_t syn_base_len(const struct isa_form *f)
{
	size_t n = strlen(f->mnemonic);
	if ((f->flags & (ISA_F_ALU32 | ISA_F_JMP32)) || (f->syntax == ISA_SYN_ATOMIC && f->size == 4))
		n -= 2; /* "add32" -> "add" */
	return n;
}

const char *syn_kernel_operator(const struct isa_form *f)
{
	size_t n = syn_base_len(f);
	for (size_t i = 0; i < sizeof(kernel_operators) / sizeof(kernel_operators[0]); i++) {
		const char *m = kernel_operators[i].mnemonic;
		if (strlen(m) == n && !strncmp(m, f->mnemonic, n))
			return kernel_operators[i].op;
	}
	return NULL;
}

bool syn_atomic_writes_fetch(const struct isa_form *f)
{
	if (f->syntax != ISA_SYN_ATOMIC || !(f->flags & ISA_F_FETCH))
		return false;
	for (int op = 1; op < ISA_OP_COUNT; op++) {
		const struct isa_form *g = &isa_forms[op];
		if (g->syntax == ISA_SYN_ATOMIC && !(g->flags & ISA_F_FETCH) &&
		    !strcmp(g->mnemonic, f->mnemonic))
			return true;
	}
	return false;
}

const char *syn_call_keyword(const struct isa_form *f)
{
	if (f->syntax == ISA_SYN_CALL_LOCAL)
		return "local";
	if (f->syntax == ISA_SYN_CALL && f->match_value == BPFRT_PSEUDO_KFUNC_CALL)
		return "kfunc";
	return NULL;
}

const struct syn_pseudo syn_pseudos[] = {
	{ BPFRT_PSEUDO_MAP_FD, "map[fd:", false, false },
	{ BPFRT_PSEUDO_MAP_VALUE, "map[fd:", true, false },
	{ BPFRT_PSEUDO_BTF_ID, "btf_id[", false, false },
	{ BPFRT_PSEUDO_FUNC, "subprog[", false, true },
	{ BPFRT_PSEUDO_MAP_IDX, "map[idx:", false, false },
	{ BPFRT_PSEUDO_MAP_IDX_VALUE, "map[idx:", true, false },
};
const unsigned syn_pseudo_count = sizeof(syn_pseudos) / sizeof(syn_pseudos[0]);

const struct syn_pseudo *syn_pseudo_of(uint8_t src)
{
	for (unsigned i = 0; i < syn_pseudo_count; i++) {
		if (syn_pseudos[i].src == src)
			return &syn_pseudos[i];
	}
	return NULL;
}

const char *syn_size_type(unsigned size, bool sign)
{
	switch (size) {
	case 1:
		return sign ? "s8" : "u8";
	case 2:
		return sign ? "s16" : "u16";
	case 4:
		return sign ? "s32" : "u32";
	default:
		return sign ? "s64" : "u64";
	}
}

const char *syn_operator_at(const char *p, size_t avail, bool jump)
{
	const char *best = NULL;
	for (size_t i = 0; i < sizeof(kernel_operators) / sizeof(kernel_operators[0]); i++) {
		const char *op = kernel_operators[i].op;
		size_t n = strlen(op);
		if ((kernel_operators[i].mnemonic[0] == 'j') == jump && n <= avail &&
		    !memcmp(p, op, n) && (!best || n > strlen(best)))
			best = op;
	}
	return best;
}
