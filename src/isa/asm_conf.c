/* SPDX-License-Identifier: MIT */
/*
 * One line of the conformance syntax (bpf_conformance's bpf_assembler.cc):
 *
 *   mov %r0, 1            ldxw %r0, [%r1+4]      jeq %r1, 0, +3 | label
 *   lock fetch add [%r10-8], %r1                 call 5 | call local f | call %r1
 *
 * The mnemonic selects candidate forms in the opcode table; each is tried
 * with its operand layout (syntax.h) and the first that parses is encoded.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "isa/asm_int.h"

/* Spellings the conformance assembler also accepts for a table mnemonic. */
static const struct {
	const char *alias, *mnemonic;
} aliases[] = {
	{ "swap16", "bswap16" },
	{ "swap32", "bswap32" },
	{ "swap64", "bswap64" },
};

static bool mnemonic_is(const char *table, const char *s, size_t len)
{
	if (strlen(table) == len && !memcmp(table, s, len))
		return true;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (!strcmp(aliases[i].mnemonic, table) && strlen(aliases[i].alias) == len &&
		    !memcmp(aliases[i].alias, s, len))
			return true;
	}
	return false;
}

static int mem_operand(struct asm_state *st, uint8_t *reg, int16_t *off)
{
	struct asm_cur *c = &st->cur;
	lex_skip_ws(c);
	const char *at = c->p;
	if (!lex_char(c, '['))
		return asm_expected(st, at, "expected a memory operand [%%rN+off]");
	int err = lex_reg(st, "%r", reg);
	if (err)
		return err < 0 ? err : asm_error(st, c->p, "expected a register");
	*off = 0;
	lex_skip_ws(c);
	if (c->p < c->end && (*c->p == '+' || *c->p == '-')) {
		struct asm_num n;
		err = lex_num(st, &n);
		if (err)
			return err < 0 ? err : asm_error(st, c->p + 1, "expected a number after '%c'", *c->p);
		if ((err = num_off16(st, &n, off)))
			return err;
	}
	if (!lex_char(c, ']'))
		return asm_error(st, c->p, "expected ']'");
	return 0;
}

static int operand(struct asm_state *st, enum syn_opnd kind, struct bpfrt_insn pair[2])
{
	struct asm_cur *c = &st->cur;
	struct asm_num n;
	uint8_t reg = 0;
	int err;
	lex_skip_ws(c);
	const char *at = c->p;
	switch (kind) {
	case SYN_REG_DST:
	case SYN_REG_SRC:
		err = lex_reg(st, "%r", &reg);
		if (err > 0)
			return asm_expected(st, at, "expected a register");
		if (kind == SYN_REG_DST)
			pair[0].dst_reg = reg;
		else
			pair[0].src_reg = reg;
		return err;
	case SYN_IMM:
		err = lex_num(st, &n);
		if (err > 0)
			return asm_expected(st, at, "expected a number");
		return err ? err : num_imm32(st, &n, &pair[0].imm);
	case SYN_TGT_OFF:
	case SYN_TGT_IMM:
		err = lex_target(st, &pair[0], st->cnt, kind == SYN_TGT_IMM);
		if (err > 0)
			return asm_expected(st, at, "expected +offset or a label");
		return err;
	case SYN_MEM_DST:
	case SYN_MEM_SRC:
		err = mem_operand(st, &reg, &pair[0].off);
		if (kind == SYN_MEM_DST)
			pair[0].dst_reg = reg;
		else
			pair[0].src_reg = reg;
		return err;
	case SYN_IMM64:
		return lex_imm64(st, pair, st->cnt);
	}
	return -EINVAL;
}

/* Encodes the rest of the line with form f's operands. */
static int try_form(struct asm_state *st, const struct isa_form *f)
{
	struct asm_cur *c = &st->cur;
	struct bpfrt_insn pair[2] = { { .code = f->code } };
	if (f->match == ISA_MATCH_OFF)
		pair[0].off = (int16_t)f->match_value;
	else if (f->match == ISA_MATCH_IMM)
		pair[0].imm = f->match_value;
	else if (f->match == ISA_MATCH_SRC && f->syntax != ISA_SYN_LDDW)
		pair[0].src_reg = (uint8_t)f->match_value; /* ld_imm64: its value says */
	const struct syn_layout *l = &syn_layouts[f->syntax];
	for (unsigned i = 0; i < l->n; i++) {
		/* Commas are optional, as in bpf_assembler.cc (it splits on blanks). */
		if (i)
			lex_char(c, ',');
		int err = operand(st, l->opnd[i], pair);
		if (err)
			return err;
	}
	if (!lex_eol(c))
		return asm_error(st, c->p, "unexpected '%.*s' after the operands",
				 (int)(c->end - c->p), c->p);
	return asm_emit(st, pair, f->syntax == ISA_SYN_LDDW ? 2 : 1);
}

/* The call kinds written after "call": "helper" (default), "local",
 * "kfunc" (bpf_conformance writes "runtime"). */
static bool call_kind_fits(const struct isa_form *f, const char *kw, size_t len)
{
	const char *want = syn_call_keyword(f);
	if (!len)
		return !want;
	if (len == 6 && !memcmp(kw, "helper", 6))
		return !want;
	if (len == 7 && !memcmp(kw, "runtime", 7))
		kw = "kfunc", len = 5;
	return want && strlen(want) == len && !memcmp(want, kw, len);
}

int asm_conf_line(struct asm_state *st)
{
	struct asm_cur *c = &st->cur;
	const char *mn;
	size_t len = lex_ident(c, &mn);
	if (!len)
		return asm_error(st, c->p, "expected an instruction or a label");
	bool lock = len == 4 && !memcmp(mn, "lock", 4), fetch = false;
	if (lock) {
		fetch = lex_word(c, "fetch");
		lex_skip_ws(c);
		len = lex_ident(c, &mn);
		if (!len)
			return asm_error(st, c->p, "expected an atomic operation after 'lock'");
	}
	const char *kw = NULL;
	size_t kwlen = 0;
	if (len == 4 && !memcmp(mn, "call", 4)) {
		static const char *const kinds[] = { "helper", "local", "kfunc", "runtime" };
		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && !kw; i++) {
			struct asm_cur save = *c;
			if (lex_word(c, kinds[i]) && !lex_eol(c)) {
				kw = kinds[i];
				kwlen = strlen(kw);
			} else {
				*c = save;
			}
		}
	}
	const char *after = c->p;
	size_t nfixups = st->nfixups;
	bool known = false, tie = false;
	const char *first_at = NULL;
	char usage[160] = "";
	int err = -EINVAL;
	for (int op = 1; op < ISA_OP_COUNT; op++) {
		const struct isa_form *f = &isa_forms[op];
		if (!mnemonic_is(f->mnemonic, mn, len) || lock != (f->syntax == ISA_SYN_ATOMIC))
			continue;
		/* "lock fetch add" is the fetching form; xchg and cmpxchg always
		 * fetch, with or without the word. */
		if (lock && (fetch ? !(f->flags & ISA_F_FETCH) : syn_atomic_writes_fetch(f)))
			continue;
		if ((f->syntax == ISA_SYN_CALL || f->syntax == ISA_SYN_CALL_LOCAL ||
		     f->syntax == ISA_SYN_CALLX) && !call_kind_fits(f, kw, kwlen))
			continue;
		known = true;
		size_t u = strlen(usage);
		snprintf(usage + u, sizeof(usage) - u, "%s%.*s %s", u ? " | " : "", (int)len, mn,
			 syn_layouts[f->syntax].usage);
		c->p = after;
		st->nfixups = nfixups;
		err = try_form(st, f);
		if (!err) {
			asm_error_clear(st);
			return 0;
		}
		if (err == -ENOMEM)
			return err;
		if (!first_at)
			first_at = st->err_at;
		else if (st->err_at == first_at && st->err_soft)
			tie = true;
	}
	if (!known)
		return asm_error(st, mn, "unknown %s '%.*s'",
				 lock ? "atomic operation" : kw ? "call kind" : "mnemonic",
				 (int)(kw ? kwlen : len), kw ? kw : mn);
	if (tie) {
		st->err_at = NULL;
		return asm_error(st, first_at, "invalid operand for '%.*s' (%s)", (int)len, mn, usage);
	}
	return err;
}
