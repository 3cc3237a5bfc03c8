/* SPDX-License-Identifier: MIT */
/* The assembler's scanner: blanks, identifiers, numbers, registers, jump
 * targets and ld_imm64 values, for both syntaxes. */
#include <errno.h>
#include <string.h>

#include "isa/asm_int.h"

void lex_skip_ws(struct asm_cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\v' ||
				 *c->p == '\f'))
		c->p++;
}

bool lex_eol(struct asm_cur *c)
{
	lex_skip_ws(c);
	return c->p >= c->end;
}

bool lex_char(struct asm_cur *c, char ch)
{
	lex_skip_ws(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

bool lex_str(struct asm_cur *c, const char *s)
{
	lex_skip_ws(c);
	size_t n = strlen(s);
	if ((size_t)(c->end - c->p) >= n && !memcmp(c->p, s, n)) {
		c->p += n;
		return true;
	}
	return false;
}

bool lex_is_ident_start(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == '.';
}

bool lex_is_ident_char(char ch)
{
	return lex_is_ident_start(ch) || (ch >= '0' && ch <= '9') || ch == '$';
}

size_t lex_ident(struct asm_cur *c, const char **s)
{
	lex_skip_ws(c);
	const char *p = c->p;
	if (p >= c->end || !lex_is_ident_start(*p))
		return 0;
	while (p < c->end && lex_is_ident_char(*p))
		p++;
	*s = c->p;
	size_t n = (size_t)(p - c->p);
	c->p = p;
	return n;
}

bool lex_peek_word(const struct asm_cur *c, const char *w)
{
	struct asm_cur tmp = *c;
	const char *s;
	size_t n = lex_ident(&tmp, &s);
	return n && n == strlen(w) && !memcmp(s, w, n);
}

bool lex_word(struct asm_cur *c, const char *w)
{
	if (!lex_peek_word(c, w))
		return false;
	const char *s;
	lex_ident(c, &s);
	return true;
}

static int digit_value(char ch, unsigned base)
{
	int v = -1;
	if (ch >= '0' && ch <= '9')
		v = ch - '0';
	else if (ch >= 'a' && ch <= 'f')
		v = ch - 'a' + 10;
	else if (ch >= 'A' && ch <= 'F')
		v = ch - 'A' + 10;
	return v >= 0 && (unsigned)v < base ? v : -1;
}

int lex_num(struct asm_state *st, struct asm_num *n)
{
	struct asm_cur *c = &st->cur;
	lex_skip_ws(c);
	const char *p = c->p;
	n->at = p;
	n->neg = false;
	n->hex = false;
	if (p < c->end && (*p == '+' || *p == '-')) {
		n->neg = *p == '-';
		p++;
		while (p < c->end && (*p == ' ' || *p == '\t'))
			p++;
	}
	unsigned base = 10;
	if (c->end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		n->hex = true;
		p += 2;
		if (p >= c->end || digit_value(*p, 16) < 0)
			return asm_error(st, n->at, "expected hex digits after '0x'");
	} else if (p >= c->end || digit_value(*p, 10) < 0) {
		return 1;
	}
	uint64_t v = 0;
	for (; p < c->end && digit_value(*p, base) >= 0; p++) {
		unsigned d = (unsigned)digit_value(*p, base);
		if (v > (UINT64_MAX - d) / base)
			return asm_error(st, n->at, "number does not fit in 64 bits");
		v = v * base + d;
	}
	if (p < c->end && lex_is_ident_char(*p))
		return asm_error(st, n->at, "invalid number");
	n->mag = v;
	c->p = p;
	return 0;
}

int lex_reg(struct asm_state *st, const char *prefix, uint8_t *reg)
{
	struct asm_cur *c = &st->cur;
	lex_skip_ws(c);
	size_t plen = strlen(prefix);
	const char *p = c->p;
	if ((size_t)(c->end - p) <= plen || memcmp(p, prefix, plen) || digit_value(p[plen], 10) < 0)
		return 1;
	const char *q = p + plen;
	unsigned v = 0;
	while (q < c->end && digit_value(*q, 10) >= 0 && v < 100)
		v = v * 10 + (unsigned)(*q++ - '0');
	if (q < c->end && lex_is_ident_char(*q))
		return 1; /* an identifier such as r0x, not a register */
	if (v > 15)
		return asm_error(st, p, "no register %.*s (r0-r10, r11 as a stack-argument base)",
				 (int)(q - p), p);
	*reg = (uint8_t)v;
	c->p = q;
	return 0;
}

int num_imm32(struct asm_state *st, const struct asm_num *n, int32_t *out)
{
	if (n->neg ? n->mag > (uint64_t)INT32_MAX + 1 : n->mag > (n->hex ? UINT32_MAX : INT32_MAX))
		return asm_error(st, n->at, "immediate does not fit in 32 bits");
	*out = (int32_t)(uint32_t)(n->neg ? -n->mag : n->mag);
	return 0;
}

int num_off16(struct asm_state *st, const struct asm_num *n, int16_t *out)
{
	if (n->neg ? n->mag > (uint64_t)INT16_MAX + 1 : n->mag > (n->hex ? UINT16_MAX : INT16_MAX))
		return asm_error(st, n->at, "offset does not fit in 16 bits");
	*out = (int16_t)(uint16_t)(n->neg ? -n->mag : n->mag);
	return 0;
}

int num_imm64(struct asm_state *st, const struct asm_num *n, uint64_t *out)
{
	if (n->neg && n->mag > (uint64_t)INT64_MAX + 1)
		return asm_error(st, n->at, "immediate does not fit in 64 bits");
	*out = n->neg ? -n->mag : n->mag;
	return 0;
}

int lex_target(struct asm_state *st, struct bpfrt_insn *insn, size_t slot, bool imm)
{
	struct asm_num n;
	int err = lex_num(st, &n);
	if (err <= 0) {
		if (err)
			return err;
		/* Jump offsets are signed: +40000 does not reach 40000 slots ahead. */
		uint64_t lim = imm ? (uint64_t)INT32_MAX : (uint64_t)INT16_MAX;
		if (n.mag > lim + n.neg)
			return asm_error(st, n.at, "jump offset does not fit in %s",
					 imm ? "32 bits" : "16 bits");
		int64_t v = n.neg ? -(int64_t)n.mag : (int64_t)n.mag;
		if (imm)
			insn->imm = (int32_t)v;
		else
			insn->off = (int16_t)v;
		return 0;
	}
	const char *name;
	size_t len = lex_ident(&st->cur, &name);
	if (!len)
		return 1;
	return asm_add_fixup(st, slot, name, len, imm);
}

/* "map[fd:3]", "map[idx:0][0]+16", "btf_id[7]", "subprog[label]" */
static int lex_pseudo(struct asm_state *st, struct bpfrt_insn pair[2], size_t slot)
{
	struct asm_cur *c = &st->cur;
	const char *at = c->p;
	const struct syn_pseudo *ps = NULL;
	for (unsigned i = 0; i < syn_pseudo_count && !ps; i++) {
		if (lex_str(c, syn_pseudos[i].prefix))
			ps = &syn_pseudos[i];
	}
	if (!ps)
		return asm_error(st, at,
				 "expected a number, map[fd:N], map[idx:N], btf_id[N] or subprog[label]");
	int err;
	struct asm_num n;
	if (ps->target) {
		err = lex_target(st, &pair[0], slot, true);
		if (err > 0)
			return asm_error(st, c->p, "expected a label or +offset");
	} else {
		err = lex_num(st, &n);
		if (err > 0)
			return asm_error(st, c->p, "expected a number");
		if (!err)
			err = num_imm32(st, &n, &pair[0].imm);
	}
	if (err)
		return err;
	if (!lex_char(c, ']'))
		return asm_error(st, c->p, "expected ']'");
	if (lex_char(c, '[')) {
		/* map[...][0]+off: the pseudo kind that takes a value offset. */
		const struct syn_pseudo *pv = NULL;
		for (unsigned i = 0; i < syn_pseudo_count; i++) {
			if (syn_pseudos[i].value && !strcmp(syn_pseudos[i].prefix, ps->prefix))
				pv = &syn_pseudos[i];
		}
		if (!pv)
			return asm_error(st, c->p - 1, "'%s...]' takes no value offset", ps->prefix);
		ps = pv;
		if (!lex_char(c, '0') || !lex_char(c, ']'))
			return asm_error(st, c->p, "expected '0]' (map values are element 0)");
		lex_skip_ws(c);
		if (c->p < c->end && *c->p != '+' && *c->p != '-')
			return asm_error(st, c->p, "expected +offset");
		if (c->p < c->end) {
			err = lex_num(st, &n);
			if (err > 0)
				return asm_error(st, c->p, "expected +offset");
			if (err || (err = num_imm32(st, &n, &pair[1].imm)))
				return err;
		}
	}
	pair[0].src_reg = ps->src;
	return 0;
}

int lex_imm64(struct asm_state *st, struct bpfrt_insn pair[2], size_t slot)
{
	struct asm_num n;
	int err = lex_num(st, &n);
	if (err > 0)
		return lex_pseudo(st, pair, slot);
	uint64_t v = 0;
	if (err || (err = num_imm64(st, &n, &v)))
		return err;
	pair[0].imm = (int32_t)(uint32_t)v;
	pair[1].imm = (int32_t)(uint32_t)(v >> 32);
	return 0;
}
