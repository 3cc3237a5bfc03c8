/* SPDX-License-Identifier: MIT */
/* Whole-program listings: jump and call targets get labels ("L12:") that
 * the instructions name instead of offsets. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/asm.h"
#include "isa/disasm_int.h"

/* The slot offset an instruction's target is written as, if it has one. */
static bool target_of(const struct isa_form *f, const struct bpfrt_insn *insn, int64_t *delta)
{
	const struct syn_layout *l = &syn_layouts[f->syntax];
	for (unsigned i = 0; i < l->n; i++) {
		if (l->opnd[i] == SYN_TGT_OFF) {
			*delta = insn->off;
			return true;
		}
		if (l->opnd[i] == SYN_TGT_IMM) {
			*delta = insn->imm;
			return true;
		}
	}
	const struct syn_pseudo *ps = f->syntax == ISA_SYN_LDDW ? syn_pseudo_of(insn->src_reg) : NULL;
	if (ps && ps->target) {
		*delta = insn->imm;
		return true;
	}
	return false;
}

/* How many slots the instruction at i takes in the listing. */
static size_t step(const struct bpfrt_insn *insns, size_t cnt, size_t i)
{
	return disasm_form(&insns[i], cnt - i) ? isa_insn_slots(&insns[i]) : 1;
}

static int append(char **text, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t ncap = *cap ? *cap : 4096;
		while (*len + n + 1 > ncap)
			ncap *= 2;
		char *p = realloc(*text, ncap);
		if (!p)
			return -ENOMEM;
		*text = p;
		*cap = ncap;
	}
	memcpy(*text + *len, s, n);
	*len += n;
	(*text)[*len] = 0;
	return 0;
}

int bpfrt_disasm(const struct bpfrt_insn *insns, size_t cnt, const struct bpfrt_disasm_opts *opts,
		 char **text)
{
	if ((!insns && cnt) || !text)
		return -EINVAL;
	enum bpfrt_syntax syntax = OPTS_GET(opts, syntax, BPFRT_SYNTAX_CONFORMANCE);
	unsigned flags = OPTS_GET(opts, flags, 0);
	/* starts[i]: an instruction starts at slot i; labelled[i]: it is a target. */
	uint8_t *starts = calloc(cnt + 1, 2);
	if (!starts)
		return -ENOMEM;
	uint8_t *labelled = starts + cnt + 1;
	for (size_t i = 0; i < cnt; i += step(insns, cnt, i))
		starts[i] = 1;
	starts[cnt] = 1; /* a label may follow the last instruction */
	for (size_t i = 0; i < cnt; i += step(insns, cnt, i)) {
		const struct isa_form *f = disasm_form(&insns[i], cnt - i);
		int64_t delta, t;
		if (f && target_of(f, &insns[i], &delta) && (t = (int64_t)i + 1 + delta) >= 0 &&
		    t <= (int64_t)cnt && starts[t])
			labelled[t] = 1;
	}
	char *out = NULL;
	size_t len = 0, cap = 0;
	int err = append(&out, &len, &cap, "", 0), invalid = 0;
	for (size_t i = 0; i <= cnt && !err;) {
		char line[320], label[32];
		struct disasm_out o = { line, sizeof(line), 0 };
		if (labelled[i]) {
			out_printf(&o, "L%zu:\n", i);
			err = append(&out, &len, &cap, line, strlen(line));
			o.len = 0;
		}
		if (i == cnt || err)
			break;
		const struct isa_form *f = disasm_form(&insns[i], cnt - i);
		int64_t delta, t;
		const char *lp = NULL;
		if (f && target_of(f, &insns[i], &delta) && (t = (int64_t)i + 1 + delta) >= 0 &&
		    t <= (int64_t)cnt && labelled[t]) {
			snprintf(label, sizeof(label), "L%lld", (long long)t);
			lp = label;
		}
		if (flags & BPFRT_DISASM_SLOTS)
			out_printf(&o, "%5zu: ", i);
		else
			out_printf(&o, "    ");
		if (disasm_one(&o, &insns[i], cnt - i, syntax, lp) < 0)
			invalid++;
		out_printf(&o, "\n");
		err = append(&out, &len, &cap, line, strlen(line));
		i += step(insns, cnt, i);
	}
	free(starts);
	if (err) {
		free(out);
		return err;
	}
	*text = out;
	return invalid;
}
