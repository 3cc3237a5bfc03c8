/* SPDX-License-Identifier: MIT */
/*
 * The assembler's driver: splits the text into lines, cuts comments, defines
 * labels, hands each instruction line to the encoder of its syntax, resolves
 * label references at the end and formats errors as "file:line:col: message".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/asm.h"
#include "isa/asm_int.h"

static void vlog_at(struct asm_state *st, unsigned lineno, unsigned col, const char *fmt,
		    va_list ap)
{
	if (!st->log || !st->log_size || st->log[0])
		return; /* keep the first error */
	int n = snprintf(st->log, st->log_size, "%s:%u:%u: ", st->file, lineno, col);
	if (n >= 0 && (size_t)n < st->log_size)
		vsnprintf(st->log + n, st->log_size - (size_t)n, fmt, ap);
}

static int log_at(struct asm_state *st, unsigned lineno, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int log_at(struct asm_state *st, unsigned lineno, unsigned col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog_at(st, lineno, col, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static unsigned col_of(const struct asm_state *st, const char *at)
{
	return (unsigned)(at - st->cur.line) + 1;
}

/* Errors of the current line: the encoders may try several forms of one
 * mnemonic, so the error that got furthest into the line is the one kept,
 * and it is written to the log when the line is given up (asm_line_failed). */
static int verror(struct asm_state *st, bool soft, const char *at, const char *fmt, va_list ap)
{
	/* Furthest first; at the same place a wrong value beats a wrong kind. */
	if (st->err_at && (at < st->err_at || (at == st->err_at && soft && !st->err_soft)))
		return -EINVAL;
	vsnprintf(st->err_msg, sizeof(st->err_msg), fmt, ap);
	st->err_at = at;
	st->err_soft = soft;
	return -EINVAL;
}

int asm_error(struct asm_state *st, const char *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror(st, false, at, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int asm_expected(struct asm_state *st, const char *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror(st, true, at, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void asm_error_clear(struct asm_state *st)
{
	st->err_at = NULL;
	st->err_msg[0] = 0;
}

static int asm_line_failed(struct asm_state *st, int err)
{
	if (err == -ENOMEM)
		return err;
	if (!st->err_at)
		asm_error(st, st->cur.p, "invalid instruction");
	log_at(st, st->cur.lineno, col_of(st, st->err_at), "%s", st->err_msg);
	return -EINVAL;
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	void *p = realloc(*arr, ncap * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

int asm_emit(struct asm_state *st, const struct bpfrt_insn *insns, unsigned n)
{
	if (grow((void **)&st->insns, &st->cap, st->cnt + n, sizeof(*insns)))
		return -ENOMEM;
	memcpy(st->insns + st->cnt, insns, n * sizeof(*insns));
	st->cnt += n;
	return 0;
}

int asm_add_fixup(struct asm_state *st, size_t slot, const char *name, size_t len, bool imm)
{
	if (grow((void **)&st->fixups, &st->cap_fixups, st->nfixups + 1, sizeof(*st->fixups)))
		return -ENOMEM;
	st->fixups[st->nfixups++] = (struct asm_fixup){
		.name = name, .len = len, .slot = slot, .imm = imm,
		.lineno = st->cur.lineno, .col = col_of(st, name),
	};
	return 0;
}

/* Labels are found through an open-addressing table of indexes + 1 into
 * st->labels (0: empty), kept at most half full. */
static size_t hash_name(const char *name, size_t len)
{
	size_t h = 14695981039346656037ull;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 1099511628211ull;
	return h;
}

static size_t *label_slot(const struct asm_state *st, const char *name, size_t len)
{
	size_t mask = st->cap_index - 1;
	for (size_t h = hash_name(name, len) & mask;; h = (h + 1) & mask) {
		size_t i = st->index[h];
		if (!i || (st->labels[i - 1].len == len && !memcmp(st->labels[i - 1].name, name, len)))
			return &st->index[h];
	}
}

static const struct asm_label *find_label(const struct asm_state *st, const char *name,
					  size_t len)
{
	if (!st->cap_index)
		return NULL;
	size_t i = *label_slot(st, name, len);
	return i ? &st->labels[i - 1] : NULL;
}

static int grow_index(struct asm_state *st)
{
	size_t cap = st->cap_index ? st->cap_index * 2 : 64;
	size_t *index = calloc(cap, sizeof(*index));
	if (!index)
		return -ENOMEM;
	free(st->index);
	st->index = index;
	st->cap_index = cap;
	for (size_t i = 0; i < st->nlabels; i++)
		*label_slot(st, st->labels[i].name, st->labels[i].len) = i + 1;
	return 0;
}

static int define_label(struct asm_state *st, const char *name, size_t len)
{
	const struct asm_label *old = find_label(st, name, len);
	if (old)
		return asm_error(st, name, "label '%.*s' already defined at line %u", (int)len,
				 name, old->lineno);
	if (grow((void **)&st->labels, &st->cap_labels, st->nlabels + 1, sizeof(*st->labels)))
		return -ENOMEM;
	st->labels[st->nlabels++] = (struct asm_label){
		.name = name, .len = len, .slot = st->cnt,
		.lineno = st->cur.lineno, .col = col_of(st, name),
	};
	if (2 * st->nlabels > st->cap_index)
		return grow_index(st);
	*label_slot(st, name, len) = st->nlabels;
	return 0;
}

static int resolve_fixups(struct asm_state *st)
{
	for (size_t i = 0; i < st->nfixups; i++) {
		const struct asm_fixup *fx = &st->fixups[i];
		const struct asm_label *l = find_label(st, fx->name, fx->len);
		size_t target;
		if (l)
			target = l->slot;
		else if (fx->len == 4 && !memcmp(fx->name, "exit", 4) && st->has_exit)
			target = st->first_exit; /* as the conformance assembler does */
		else
			return log_at(st, fx->lineno, fx->col, "undefined label '%.*s'", (int)fx->len,
				      fx->name);
		int64_t delta = (int64_t)target - (int64_t)fx->slot - 1;
		struct bpfrt_insn *insn = &st->insns[fx->slot];
		if (fx->imm) {
			if (delta < INT32_MIN || delta > INT32_MAX)
				return log_at(st, fx->lineno, fx->col, "label '%.*s' is out of reach",
					      (int)fx->len, fx->name);
			insn->imm = (int32_t)delta;
		} else {
			if (delta < INT16_MIN || delta > INT16_MAX)
				return log_at(st, fx->lineno, fx->col,
					      "label '%.*s' is out of reach of a 16-bit offset (use ja32)",
					      (int)fx->len, fx->name);
			insn->off = (int16_t)delta;
		}
	}
	return 0;
}

/* ".invalid 8f 00 00 00 00 00 00 00": one slot given as its 8 bytes. */
static int raw_line(struct asm_state *st)
{
	struct asm_cur *c = &st->cur;
	uint8_t bytes[8];
	for (int i = 0; i < 8; i++) {
		struct asm_num n;
		const char *at = (lex_skip_ws(c), c->p);
		if (c->end - c->p >= 2 && strchr("0123456789abcdefABCDEF", c->p[0]) &&
		    strchr("0123456789abcdefABCDEF", c->p[1]) &&
		    (c->end - c->p == 2 || c->p[2] == ' ' || c->p[2] == '\t' || c->p[2] == ',')) {
			char hex[3] = { c->p[0], c->p[1], 0 };
			bytes[i] = (uint8_t)strtoul(hex, NULL, 16);
			c->p += 2;
		} else if (lex_num(st, &n) == 0 && !n.neg && n.mag <= 0xff) {
			bytes[i] = (uint8_t)n.mag;
		} else {
			return asm_error(st, at, ".invalid takes 8 bytes in hex");
		}
		lex_char(c, ',');
	}
	if (!lex_eol(c))
		return asm_error(st, c->p, "unexpected text after 8 bytes");
	struct bpfrt_insn insn;
	memcpy(&insn, bytes, sizeof(insn));
	return asm_emit(st, &insn, 1);
}

/* Cuts a comment: '#', ';' or "//" to the end of the line. */
static const char *comment_start(const char *p, const char *end)
{
	for (; p < end; p++) {
		if (*p == '#' || *p == ';' || (*p == '/' && p + 1 < end && p[1] == '/'))
			return p;
	}
	return end;
}

static int one_line(struct asm_state *st)
{
	struct asm_cur *c = &st->cur;
	/* A listing's slot number ("   12: "), as bpfrt_disasm writes it: skipped. */
	lex_skip_ws(c);
	const char *q = c->p;
	while (q < c->end && *q >= '0' && *q <= '9')
		q++;
	if (q > c->p && q < c->end && *q == ':')
		c->p = q + 1;
	/* Labels: "name:" (several may precede an instruction on the line). */
	for (;;) {
		struct asm_cur save = *c;
		const char *name;
		size_t len = lex_ident(c, &name);
		if (len && lex_char(c, ':')) {
			int err = define_label(st, name, len);
			if (err)
				return err;
			continue;
		}
		*c = save;
		break;
	}
	if (lex_eol(c))
		return 0;
	if (lex_word(c, ".invalid"))
		return raw_line(st);
	if (*c->p == '.') {
		const char *d;
		size_t len = lex_ident(c, &d);
		return asm_error(st, d, "unknown directive '%.*s'", (int)len, d);
	}
	size_t slot = st->cnt;
	int err = asm_kernel_syntax_line(c) ? asm_kernel_line(st) : asm_conf_line(st);
	if (!err && !st->has_exit && slot < st->cnt && st->insns[slot].code == (BPFRT_JMP | BPFRT_EXIT)) {
		st->has_exit = true;
		st->first_exit = slot;
	}
	return err;
}

int bpfrt_asm(const char *text, const struct bpfrt_asm_opts *opts, struct bpfrt_insn **insns,
	      size_t *cnt)
{
	if (!text || !insns || !cnt)
		return -EINVAL;
	struct asm_state st = {
		.file = OPTS_GET(opts, filename, NULL) ?: "<input>",
		.log = OPTS_GET(opts, log_buf, NULL),
		.log_size = OPTS_GET(opts, log_size, 0),
	};
	if (st.log && st.log_size)
		st.log[0] = 0;
	int err = 0;
	unsigned lineno = 0;
	for (const char *line = text; *line && !err;) {
		const char *nl = strchr(line, '\n');
		const char *end = nl ? nl : line + strlen(line);
		st.cur = (struct asm_cur){ line, line, comment_start(line, end), ++lineno };
		asm_error_clear(&st);
		err = one_line(&st);
		if (err)
			err = asm_line_failed(&st, err);
		line = nl ? nl + 1 : end;
	}
	if (!err)
		err = resolve_fixups(&st);
	free(st.labels);
	free(st.index);
	free(st.fixups);
	if (err) {
		free(st.insns);
		return err;
	}
	*insns = st.insns;
	*cnt = st.cnt;
	return 0;
}
