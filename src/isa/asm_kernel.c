/* SPDX-License-Identifier: MIT */
/*
 * One line of the kernel/llvm-objdump syntax, as disasm_kernel.c writes it:
 *
 *   r0 += 1    w0 = (s8)w1    r0 = -r0    r0 = be16 r0    r1 = 0x1 ll
 *   r0 = *(u32 *)(r1 + 4)    *(u64 *)(r10 - 8) = r1    if r1 == 0x0 goto +3
 *   goto L1    gotol +5    may_goto +2    call 1    call pc+3    call kfunc 7    callx r1
 *   lock *(u64 *)(r1 + 0) += r2    r2 = atomic64_fetch_add((u64 *)(r1 + 0), r2)
 *
 * The line's shape tells the operand syntax; the operator, width and access
 * size then pick the form from the opcode table.
 */
#include <errno.h>
#include <string.h>

#include "isa/asm_int.h"

/* The form of operand syntax `syn` with these properties (0/NULL: any). */
struct want {
	enum isa_syntax syn;
	unsigned flags_mask, flags;
	unsigned size;
	const char *op;	  /* kernel operator */
	const char *base; /* mnemonic without "32" */
	size_t base_len;
	int match_value; /* -1: any */
};

static const struct isa_form *find(const struct want *w)
{
	for (int op = 1; op < ISA_OP_COUNT; op++) {
		const struct isa_form *f = &isa_forms[op];
		if (f->syntax != w->syn || (f->flags & w->flags_mask) != w->flags ||
		    (w->size && f->size != w->size) || (w->match_value >= 0 && f->match_value != w->match_value))
			continue;
		const char *kop = syn_kernel_operator(f);
		if (w->op && (!kop || strcmp(kop, w->op)))
			continue;
		if (w->base && (syn_base_len(f) != w->base_len || memcmp(f->mnemonic, w->base, w->base_len)))
			continue;
		return f;
	}
	return NULL;
}

static void set_match(const struct isa_form *f, struct bpfrt_insn *insn)
{
	insn->code = f->code;
	if (f->match == ISA_MATCH_OFF)
		insn->off = (int16_t)f->match_value;
	else if (f->match == ISA_MATCH_IMM)
		insn->imm = f->match_value;
	else if (f->match == ISA_MATCH_SRC && f->syntax != ISA_SYN_LDDW)
		insn->src_reg = (uint8_t)f->match_value;
}

/* "r3" or "w3": the number; *wide tells which. */
static int reg(struct asm_state *st, uint8_t *r, bool *wide)
{
	const char *at = (lex_skip_ws(&st->cur), st->cur.p);
	for (int i = 0; i < 2; i++) {
		int err = lex_reg(st, i ? "w" : "r", r);
		if (err <= 0) {
			if (wide)
				*wide = !i;
			return err;
		}
	}
	return asm_expected(st, at, "expected a register");
}

static int expect_char(struct asm_state *st, char ch)
{
	if (lex_char(&st->cur, ch))
		return 0;
	return asm_error(st, st->cur.p, "expected '%c'", ch);
}

static int number(struct asm_state *st, struct asm_num *n)
{
	int err = lex_num(st, n);
	return err > 0 ? asm_expected(st, st->cur.p, "expected a number") : err;
}

/* "u32" / "s8": the access size in bytes and whether it is signed. */
static int type(struct asm_state *st, unsigned *size, bool *sign)
{
	const char *t;
	size_t n = lex_ident(&st->cur, &t);
	for (unsigned sz = 1; sz <= 8; sz *= 2) {
		for (int sg = 0; sg < 2; sg++) {
			const char *name = syn_size_type(sz, sg);
			if (n == strlen(name) && !memcmp(t, name, n)) {
				*size = sz;
				*sign = sg;
				return 0;
			}
		}
	}
	return asm_error(st, n ? t : st->cur.p, "expected u8, u16, u32, u64, s8, s16 or s32");
}

/* "(u32 *)(r1 + 4)" after the '*' of a dereference or inside an atomic call. */
static int mem(struct asm_state *st, unsigned *size, bool *sign, uint8_t *base, int16_t *off)
{
	int err;
	if ((err = expect_char(st, '(')) || (err = type(st, size, sign)) ||
	    (err = expect_char(st, '*')) || (err = expect_char(st, ')')) ||
	    (err = expect_char(st, '(')) || (err = reg(st, base, NULL)))
		return err;
	*off = 0;
	lex_skip_ws(&st->cur);
	if (st->cur.p < st->cur.end && *st->cur.p != ')') {
		struct asm_num n;
		if ((err = number(st, &n)) || (err = num_off16(st, &n, off)))
			return err;
	}
	return expect_char(st, ')');
}

static int end_of_line(struct asm_state *st)
{
	/* llvm-objdump's target annotation, "goto +3 <LBB0_2>": skipped */
	struct asm_cur save = st->cur;
	const char *name;
	if (lex_char(&st->cur, '<') && lex_ident(&st->cur, &name) && lex_char(&st->cur, '>') &&
	    lex_eol(&st->cur))
		return 0;
	st->cur = save;
	if (!lex_eol(&st->cur))
		return asm_error(st, st->cur.p, "unexpected '%.*s'", (int)(st->cur.end - st->cur.p),
				 st->cur.p);
	return 0;
}

static int emit(struct asm_state *st, const struct bpfrt_insn *insn, unsigned n)
{
	int err = end_of_line(st);
	return err ? err : asm_emit(st, insn, n);
}

static int no_form(struct asm_state *st, const char *at)
{
	return asm_error(st, at, "no instruction has this form");
}

/* "*(u32 *)(r10 - 8) = 5 | r1" and "lock *(u64 *)(r1 + 0) += r2" */
static int store(struct asm_state *st, bool lock)
{
	struct bpfrt_insn insn = { 0 };
	unsigned size;
	bool sign;
	uint8_t d, r = 0;
	const char *at = st->cur.p;
	int err = expect_char(st, '*');
	if (err || (err = mem(st, &size, &sign, &d, &insn.off)))
		return err;
	insn.dst_reg = d;
	lex_skip_ws(&st->cur);
	const char *op_at = st->cur.p;
	const char *op = syn_operator_at(op_at, (size_t)(st->cur.end - op_at), false);
	if (!op || (!lock && strcmp(op, "=")) || (lock && !strcmp(op, "=")))
		return asm_error(st, op_at, lock ? "expected an operator such as +=" : "expected '='");
	st->cur.p += strlen(op);
	struct asm_num n;
	const struct isa_form *f;
	if (lock || !reg(st, &r, NULL)) {
		if (lock && (err = reg(st, &r, NULL)))
			return err;
		insn.src_reg = r;
		f = find(&(struct want){ .syn = lock ? ISA_SYN_ATOMIC : ISA_SYN_STX, .size = size,
					 .flags_mask = ISA_F_FETCH, .op = lock ? op : NULL,
					 .match_value = -1 });
	} else {
		asm_error_clear(st);
		if ((err = number(st, &n)) || (err = num_imm32(st, &n, &insn.imm)))
			return err;
		f = find(&(struct want){ .syn = ISA_SYN_ST, .size = size, .match_value = -1 });
	}
	if (!f || sign)
		return no_form(st, at);
	set_match(f, &insn);
	return emit(st, &insn, 1);
}

/* "r1 + 8" (llvm's xchg_64/cmpxchg_64 write the address without a type). */
static int plain_addr(struct asm_state *st, uint8_t *base, int16_t *off)
{
	int err = reg(st, base, NULL);
	struct asm_num n;
	*off = 0;
	lex_skip_ws(&st->cur);
	if (!err && st->cur.p < st->cur.end && *st->cur.p != ',' &&
	    !(err = number(st, &n)))
		err = num_off16(st, &n, off);
	return err;
}

/* After "rD = ", the fetching atomics as calls, in the kernel's spelling
 * ("atomic64_fetch_add((u64 *)(r1 + 0), r2)", "atomic_xchg", "atomic64_cmpxchg(
 * ..., r0, r2)") and llvm's ("atomic_fetch_add" for both widths, "xchg_64(r1 +
 * 0, r2)", "xchg32_32", "cmpxchg_64", "cmpxchg32_32", w registers for 32). */
static int atomic_call(struct asm_state *st, uint8_t dst, bool wide, const char *name, size_t len)
{
	struct bpfrt_insn insn = { 0 };
	const char *p = name, *end = name + len;
	unsigned size = 0; /* from the name, when it says */
	bool fetch = false, typed = true, sign = false;
	if (len > 6 && !memcmp(p, "atomic", 6)) {
		p += 6;
		if (end - p >= 2 && !memcmp(p, "64", 2))
			p += 2, size = 8;
		if (p >= end || *p++ != '_')
			goto unknown;
		fetch = end - p > 6 && !memcmp(p, "fetch_", 6);
		if (fetch)
			p += 6;
	} else {
		typed = false; /* llvm: xchg_64, xchg32_32, cmpxchg_64, cmpxchg32_32 */
		if (len > 3 && !memcmp(end - 3, "_64", 3))
			size = 8, end -= 3;
		else if (len > 5 && !memcmp(end - 5, "32_32", 5))
			size = 4, end -= 5;
		else
			goto unknown;
	}
	unsigned msize;
	uint8_t d, r, r0;
	int err = expect_char(st, '(');
	if (!err)
		err = typed ? mem(st, &msize, &sign, &d, &insn.off) : plain_addr(st, &d, &insn.off);
	if (err || (err = expect_char(st, ',')))
		return err;
	if (!typed)
		msize = size;
	insn.dst_reg = d;
	const struct isa_form *f = find(&(struct want){
		.syn = ISA_SYN_ATOMIC, .size = msize, .flags_mask = ISA_F_FETCH, .flags = ISA_F_FETCH,
		.base = p, .base_len = (size_t)(end - p), .match_value = -1 });
	if (!f || sign || syn_atomic_writes_fetch(f) != fetch || (size && size != msize) ||
	    (!wide && msize == 8))
		goto unknown;
	if (f->flags & ISA_F_WRITES_R0) { /* cmpxchg: "r0 = ...(ptr, r0, rS)" */
		if ((err = reg(st, &r0, NULL)) || (err = expect_char(st, ',')))
			return err;
		if (dst || r0)
			return asm_error(st, name, "cmpxchg compares with and returns in r0");
	}
	if ((err = reg(st, &r, NULL)) || (err = expect_char(st, ')')))
		return err;
	insn.src_reg = r;
	if (!(f->flags & ISA_F_WRITES_R0) && dst != insn.src_reg)
		return asm_error(st, name, "the fetched value goes to the source register r%u",
				 insn.src_reg);
	set_match(f, &insn);
	return emit(st, &insn, 1);
unknown:
	return asm_error(st, name, "unknown atomic operation '%.*s'", (int)len, name);
}

/* "r0 = *(u32 *)skb[12]" and "r0 = *(u8 *)skb[r3 + 2]" after "skb". */
static int packet_load(struct asm_state *st, uint8_t dst, unsigned size, const char *at)
{
	struct bpfrt_insn insn = { 0 };
	struct asm_num n;
	int err = expect_char(st, '[');
	if (err)
		return err;
	uint8_t r = 0;
	bool ind = !reg(st, &r, NULL);
	insn.src_reg = r;
	asm_error_clear(st);
	lex_skip_ws(&st->cur);
	if (!ind || (st->cur.p < st->cur.end && *st->cur.p != ']')) {
		if ((err = number(st, &n)) || (err = num_imm32(st, &n, &insn.imm)))
			return err;
	}
	if ((err = expect_char(st, ']')))
		return err;
	const struct isa_form *f = find(&(struct want){
		.syn = ind ? ISA_SYN_LDIND : ISA_SYN_LDABS, .size = size, .match_value = -1 });
	if (!f || dst)
		return asm_error(st, at, f ? "packet loads write r0" : "no packet load of this size");
	set_match(f, &insn);
	return emit(st, &insn, 1);
}

/* Everything after "rD = " */
static int assign(struct asm_state *st, uint8_t dst, bool wide)
{
	struct asm_cur *c = &st->cur;
	struct bpfrt_insn pair[2] = { { .dst_reg = dst } };
	const struct isa_form *f;
	int err;
	lex_skip_ws(c);
	const char *at = c->p;
	if (lex_char(c, '*')) { /* load */
		unsigned size;
		bool sign;
		if (lex_char(c, '(') && !type(st, &size, &sign) && lex_char(c, '*') &&
		    lex_char(c, ')') && lex_word(c, "skb"))
			return sign ? no_form(st, at) : packet_load(st, dst, size, at);
		c->p = at + 1;
		asm_error_clear(st);
		uint8_t base;
		if ((err = mem(st, &size, &sign, &base, &pair[0].off)))
			return err;
		pair[0].src_reg = base;
		f = find(&(struct want){ .syn = ISA_SYN_LDX, .size = size, .flags_mask = ISA_F_SIGNED,
					 .flags = sign ? ISA_F_SIGNED : 0, .match_value = -1 });
		if (!f || (!wide && size == 8)) /* llvm writes w for the narrower loads */
			return no_form(st, at);
		set_match(f, &pair[0]);
		return emit(st, pair, 1);
	}
	uint8_t r = 0;
	bool rw = false;
	if (lex_char(c, '(')) { /* movsx: "(s8)r1" */
		unsigned size;
		bool sign;
		if ((err = type(st, &size, &sign)) || (err = expect_char(st, ')')) ||
		    (err = reg(st, &r, &rw)))
			return err;
		pair[0].src_reg = r;
		f = find(&(struct want){ .syn = ISA_SYN_ALU_X, .flags_mask = ISA_F_ALU32 | ISA_F_SIGNED,
					 .flags = ISA_F_SIGNED | (wide ? 0 : ISA_F_ALU32),
					 .match_value = (int)size * 8 });
		if (!f || !sign || rw != wide)
			return no_form(st, at);
		set_match(f, &pair[0]);
		return emit(st, pair, 1);
	}
	const char *name;
	size_t len;
	struct asm_cur save = *c;
	if (lex_char(c, '-') && !reg(st, &r, &rw)) { /* neg */
		f = find(&(struct want){ .syn = ISA_SYN_UNARY, .flags_mask = ISA_F_ALU32,
					 .flags = wide ? 0 : ISA_F_ALU32, .match_value = 0 });
		if (r != dst || rw != wide || !f)
			return asm_error(st, at, "negation is 'rD = -rD'");
		set_match(f, &pair[0]);
		return emit(st, pair, 1);
	}
	*c = save;
	asm_error_clear(st);
	if ((len = lex_ident(c, &name))) {
		if ((len > 6 && !memcmp(name, "atomic", 6)) || memmem(name, len, "xchg_", 5) ||
		    memmem(name, len, "xchg32_", 7))
			return atomic_call(st, dst, wide, name, len);
		/* byte swaps: "r0 = be16 r0" */
		for (int op = 1; op < ISA_OP_COUNT; op++) {
			f = &isa_forms[op];
			if (f->syntax != ISA_SYN_UNARY || f->match != ISA_MATCH_IMM ||
			    strlen(f->mnemonic) != len || memcmp(f->mnemonic, name, len))
				continue;
			if ((err = reg(st, &r, &rw)))
				return err;
			if (r != dst || !rw || !wide)
				return asm_error(st, at, "byte swaps are 'rD = %s rD'", f->mnemonic);
			set_match(f, &pair[0]);
			return emit(st, pair, 1);
		}
		*c = save; /* map[...], btf_id[...], subprog[...] */
	}
	if (!reg(st, &r, &rw)) { /* mov */
		pair[0].src_reg = r;
		f = find(&(struct want){ .syn = ISA_SYN_ALU_X, .flags_mask = ISA_F_ALU32,
					 .flags = wide ? 0 : ISA_F_ALU32, .op = "=", .match_value = 0 });
		if (rw != wide)
			return asm_error(st, at, "both registers must be r or both w");
		set_match(f, &pair[0]);
		return emit(st, pair, 1);
	}
	asm_error_clear(st);
	/* A number: mov, or ld_imm64 with " ll" (also any pseudo source). */
	struct asm_cur before = *c;
	struct asm_num n;
	err = lex_num(st, &n);
	bool ll = !err && lex_word(c, "ll");
	if (err > 0 || ll) {
		*c = before;
		if (!wide)
			return no_form(st, at);
		if ((err = lex_imm64(st, pair, st->cnt)))
			return err;
		lex_word(c, "ll");
		pair[0].code = isa_forms[ISA_OP_LDDW].code;
		return emit(st, pair, 2);
	}
	if (err || (err = num_imm32(st, &n, &pair[0].imm)))
		return err;
	f = find(&(struct want){ .syn = ISA_SYN_ALU_K, .flags_mask = ISA_F_ALU32,
				 .flags = wide ? 0 : ISA_F_ALU32, .op = "=", .match_value = 0 });
	set_match(f, &pair[0]);
	return emit(st, pair, 1);
}

/* "rD op= rS | imm" */
static int alu(struct asm_state *st, uint8_t dst, bool wide, const char *op, const char *at)
{
	struct bpfrt_insn insn = { .dst_reg = dst };
	uint8_t r = 0;
	bool rw = false, x = !reg(st, &r, &rw);
	struct asm_num n;
	int err = 0;
	if (x) {
		if (rw != wide)
			return asm_error(st, at, "both registers must be r or both w");
		insn.src_reg = r;
	} else {
		asm_error_clear(st);
		if ((err = number(st, &n)) || (err = num_imm32(st, &n, &insn.imm)))
			return err;
	}
	const struct isa_form *f = find(&(struct want){
		.syn = x ? ISA_SYN_ALU_X : ISA_SYN_ALU_K, .flags_mask = ISA_F_ALU32,
		.flags = wide ? 0 : ISA_F_ALU32, .op = op, .match_value = -1 });
	if (!f)
		return no_form(st, at);
	set_match(f, &insn);
	return emit(st, &insn, 1);
}

/* "if rD op imm|rS goto target" */
static int cond_jump(struct asm_state *st)
{
	struct asm_cur *c = &st->cur;
	struct bpfrt_insn insn = { 0 };
	bool wide = false, rw = false, x;
	uint8_t d, r = 0;
	int err = reg(st, &d, &wide);
	if (err)
		return err;
	insn.dst_reg = d;
	lex_skip_ws(c);
	const char *op_at = c->p;
	const char *op = syn_operator_at(c->p, (size_t)(c->end - c->p), true);
	if (!op)
		return asm_error(st, op_at, "expected a comparison such as == or s<");
	c->p += strlen(op);
	struct asm_num n;
	x = !reg(st, &r, &rw);
	insn.src_reg = r;
	if (x && rw != wide)
		return asm_error(st, op_at, "both registers must be r or both w");
	if (!x) {
		asm_error_clear(st);
		if ((err = number(st, &n)) || (err = num_imm32(st, &n, &insn.imm)))
			return err;
	}
	if (!lex_word(c, "goto"))
		return asm_error(st, c->p, "expected 'goto'");
	lex_word(c, "pc");
	if ((err = lex_target(st, &insn, st->cnt, false)))
		return err > 0 ? asm_expected(st, c->p, "expected +offset or a label") : err;
	const struct isa_form *f = find(&(struct want){
		.syn = x ? ISA_SYN_JCOND_X : ISA_SYN_JCOND_K, .flags_mask = ISA_F_JMP32,
		.flags = wide ? 0 : ISA_F_JMP32, .op = op, .match_value = -1 });
	set_match(f, &insn);
	return emit(st, &insn, 1);
}

/* goto, gotol, may_goto, call, callx, exit */
static int control(struct asm_state *st, const char *w, size_t len)
{
	struct asm_cur *c = &st->cur;
	struct bpfrt_insn insn = { 0 };
	enum isa_syntax syn;
	int match = -1, err;
	if (len == 5 && !memcmp(w, "callx", 5)) {
		uint8_t d;
		if ((err = reg(st, &d, NULL)))
			return err;
		insn.dst_reg = d;
		syn = ISA_SYN_CALLX;
	} else if (len == 4 && !memcmp(w, "call", 4)) {
		struct asm_num n;
		bool kfunc = lex_word(c, "kfunc");
		bool pc = !kfunc && lex_word(c, "pc");
		err = pc ? 1 : lex_num(st, &n);
		if (err < 0)
			return err;
		if (err) { /* "call pc+3" or "call label": a BPF-to-BPF call */
			if (kfunc)
				return asm_expected(st, c->p, "expected a kfunc id");
			if ((err = lex_target(st, &insn, st->cnt, true)))
				return err > 0 ? asm_expected(st, c->p, "expected a number, pc+offset or a label") : err;
			syn = ISA_SYN_CALL_LOCAL;
		} else {
			if ((err = num_imm32(st, &n, &insn.imm)))
				return err;
			syn = ISA_SYN_CALL;
			match = kfunc ? BPFRT_PSEUDO_KFUNC_CALL : 0;
		}
	} else if (len == 4 && !memcmp(w, "exit", 4)) {
		syn = ISA_SYN_EXIT;
	} else {
		bool l = len == 5; /* gotol */
		lex_word(c, "pc");
		if ((err = lex_target(st, &insn, st->cnt, l)))
			return err > 0 ? asm_expected(st, c->p, "expected +offset or a label") : err;
		syn = l ? ISA_SYN_JA32 : len == 8 ? ISA_SYN_MAY_GOTO : ISA_SYN_JA;
	}
	const struct isa_form *f = find(&(struct want){ .syn = syn, .match_value = match });
	set_match(f, &insn);
	return emit(st, &insn, 1);
}

bool asm_kernel_syntax_line(const struct asm_cur *c)
{
	struct asm_cur t = *c;
	lex_skip_ws(&t);
	if (t.p < t.end && *t.p == '*')
		return true;
	const char *w;
	size_t n = lex_ident(&t, &w);
	if (!n)
		return false;
	static const char *const words[] = { "if", "goto", "gotol", "callx", "may_goto" };
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (n == strlen(words[i]) && !memcmp(w, words[i], n))
			return true;
	}
	if (n == 4 && !memcmp(w, "lock", 4))
		return lex_char(&t, '*');
	if (n == 4 && !memcmp(w, "call", 4)) {
		/* "call pc+3" and "call label"; "call 5" and "call kfunc 5" read the same. */
		const char *k;
		size_t kn = lex_ident(&t, &k);
		return kn && !(kn == 5 && !memcmp(k, "local", 5)) && !(kn == 6 && !memcmp(k, "helper", 6)) &&
		       !(kn == 7 && !memcmp(k, "runtime", 7));
	}
	/* "r0 ..." / "w0 ...": a register, then an operator */
	return (w[0] == 'r' || w[0] == 'w') && n > 1 && strspn(w + 1, "0123456789") == n - 1;
}

int asm_kernel_line(struct asm_state *st)
{
	struct asm_cur *c = &st->cur;
	lex_skip_ws(c);
	const char *line = c->p;
	if (*c->p == '*')
		return store(st, false);
	const char *w;
	size_t n = lex_ident(c, &w);
	if (!n)
		return asm_error(st, c->p, "expected an instruction");
	if (n == 4 && !memcmp(w, "lock", 4))
		return store(st, true);
	if (n == 2 && !memcmp(w, "if", 2))
		return cond_jump(st);
	if (w[0] != 'r' && w[0] != 'w')
		return control(st, w, n);
	c->p = line;
	uint8_t dst = 0;
	bool wide = false;
	int err = reg(st, &dst, &wide);
	if (err)
		return err;
	lex_skip_ws(c);
	const char *op_at = c->p;
	const char *op = syn_operator_at(c->p, (size_t)(c->end - c->p), false);
	if (!op)
		return asm_error(st, op_at, "expected an assignment such as = or +=");
	c->p += strlen(op);
	if (!strcmp(op, "="))
		return assign(st, dst, wide);
	return alu(st, dst, wide, op, op_at);
}
