/* SPDX-License-Identifier: MIT */
/*
 * Inside the assembler: the state of one bpfrt_asm() call, the line scanner
 * and the operand parser shared by the two syntaxes.
 *
 * asm.c drives the lines, keeps labels and fixups and formats errors;
 * asm_lex.c scans tokens and operands; asm_conf.c encodes a line of the
 * conformance syntax and asm_kernel.c one of the kernel syntax.
 */
#ifndef BPFRT_ISA_ASM_INT_H
#define BPFRT_ISA_ASM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/insn.h"
#include "isa/syntax.h"

/* The current line: [line, end) with comments cut off; p is the cursor. */
struct asm_cur {
	const char *line;
	const char *p;
	const char *end;
	unsigned lineno;
};

struct asm_label {
	const char *name;
	size_t len;
	size_t slot;
	unsigned lineno, col;
};

/* A label reference to resolve once every label is known. */
struct asm_fixup {
	const char *name;
	size_t len;
	size_t slot;	 /* instruction whose field gets the offset */
	bool imm;	 /* the offset goes into imm (else off) */
	unsigned lineno, col;
};

struct asm_state {
	const char *file;
	char *log;
	size_t log_size;
	struct asm_cur cur;
	struct bpfrt_insn *insns;
	size_t cnt, cap;
	struct asm_label *labels;
	size_t nlabels, cap_labels;
	size_t *index; /* hash of label names (asm.c) */
	size_t cap_index;
	struct asm_fixup *fixups;
	size_t nfixups, cap_fixups;
	size_t first_exit; /* "exit" names the first exit unless a label says otherwise */
	bool has_exit;
	const char *err_at; /* the pending error of the current line */
	bool err_soft;	    /* it says an operand is of the wrong kind */
	char err_msg[200];
};

/* Formats "file:line:col: message" for position `at` in the current line
 * into the log. Returns -EINVAL. */
int asm_error(struct asm_state *st, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The same for an operand of the wrong kind ("expected a register"): a
 * form that parsed the operand and found its value wrong says more. */
int asm_expected(struct asm_state *st, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Forgets the pending error of the line (a later form matched). */
void asm_error_clear(struct asm_state *st);

/* Appends instruction slots; -ENOMEM. */
int asm_emit(struct asm_state *st, const struct bpfrt_insn *insns, unsigned n);

/* Records that the instruction at `slot` jumps to the label `name`. */
int asm_add_fixup(struct asm_state *st, size_t slot, const char *name, size_t len, bool imm);

/* Line encoders: 0 or -errno (the error is logged). */
int asm_conf_line(struct asm_state *st);
int asm_kernel_line(struct asm_state *st);
/* Whether the current line (at the cursor) is written in the kernel syntax. */
bool asm_kernel_syntax_line(const struct asm_cur *c);

/* --- scanner (asm_lex.c); every function skips blanks first --- */

/* A number: magnitude, sign and where it was written. */
struct asm_num {
	uint64_t mag;
	bool neg;
	bool hex; /* hex may give the unsigned bit pattern (0xffffffff); decimal is signed */
	const char *at;
};

void lex_skip_ws(struct asm_cur *c);
bool lex_eol(struct asm_cur *c);
/* Consumes `ch` if it is next. */
bool lex_char(struct asm_cur *c, char ch);
/* Consumes the string `s` if it is next (no word-boundary check). */
bool lex_str(struct asm_cur *c, const char *s);
/* An identifier [A-Za-z_.][A-Za-z0-9_.$]*: its length (0: none, not consumed). */
size_t lex_ident(struct asm_cur *c, const char **s);
/* Consumes the identifier `w` if it is next. */
bool lex_word(struct asm_cur *c, const char *w);
/* Whether the next identifier is `w` (not consumed). */
bool lex_peek_word(const struct asm_cur *c, const char *w);
bool lex_is_ident_start(char ch);
bool lex_is_ident_char(char ch);
/* A number with an optional sign: [+-](0x hex | decimal). Returns 1 when
 * there is none (nothing consumed), 0, or an error (logged). */
int lex_num(struct asm_state *st, struct asm_num *n);
/* A register: `prefix` is "%r", "r" or "w". Returns 1 when none is next. */
int lex_reg(struct asm_state *st, const char *prefix, uint8_t *reg);

/* Range checks; each logs an error at n->at on failure. */
int num_imm32(struct asm_state *st, const struct asm_num *n, int32_t *out);
int num_off16(struct asm_state *st, const struct asm_num *n, int16_t *out);
int num_imm64(struct asm_state *st, const struct asm_num *n, uint64_t *out);

/* A jump target: a signed number or a label. Fills insn->off or ->imm (by
 * `imm`) or records a fixup for slot `slot`. Returns 1 when none is next. */
int lex_target(struct asm_state *st, struct bpfrt_insn *insn, size_t slot, bool imm);

/* The ld_imm64 value after "lddw %rD," or "rD =": a number or a pseudo
 * source (map[fd:N], map[idx:N][0]+off, btf_id[N], subprog[label]). Fills
 * both slots' imm and slot 0's src_reg. */
int lex_imm64(struct asm_state *st, struct bpfrt_insn pair[2], size_t slot);

#endif /* BPFRT_ISA_ASM_INT_H */
