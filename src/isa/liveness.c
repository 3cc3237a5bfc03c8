/* SPDX-License-Identifier: MIT */
/*
 * Register liveness as a backward dataflow problem solved with a worklist:
 * an instruction's live-in set is what it reads plus what is live after it
 * and it does not write; a change is pushed to its predecessors only, so
 * the work stays linear in practice even for long programs with many back
 * edges (round-robin sweeps can need a sweep per nested loop).
 */
#include <errno.h>
#include <stdlib.h>

#include "isa/liveness.h"

#define BIT(r) ((uint16_t)(1u << ((r) & 15)))
#define R0 1u
#define FP BIT(BPFRT_REG_FP)

void isa_insn_regs(const struct bpfrt_insn *in, const struct isa_form *f, enum isa_live_mode mode,
		   bool in_main, uint16_t *use, uint16_t *def)
{
	unsigned fl = f->flags, u = 0, d = 0;
	bool any = mode == ISA_LIVE_ANY;
	switch (f->syntax) {
	case ISA_SYN_ALU_K: case ISA_SYN_ALU_X: case ISA_SYN_UNARY:
		u = (fl & ISA_F_READS_DST ? BIT(in->dst_reg) : 0) |
		    (fl & ISA_F_READS_SRC ? BIT(in->src_reg) : 0);
		d = fl & ISA_F_WRITES_DST ? BIT(in->dst_reg) : 0;
		break;
	case ISA_SYN_JCOND_X:
		u = BIT(in->dst_reg) | BIT(in->src_reg);
		break;
	case ISA_SYN_JCOND_K:
		u = BIT(in->dst_reg);
		break;
	case ISA_SYN_JA: case ISA_SYN_JA32: case ISA_SYN_MAY_GOTO:
		break;
	case ISA_SYN_CALLX:
	case ISA_SYN_CALL_LOCAL:
	case ISA_SYN_CALL:
		u = ISA_REGS_ARGS;
		if (f->syntax == ISA_SYN_CALLX)
			u |= BIT(in->dst_reg);
		/* BPF gives a callee no r0 or r6-r9, but an unverified one may
		 * read its caller's, as the interpreter lets it */
		if (any && f->syntax != ISA_SYN_CALL)
			u = ISA_REGS_ALL;
		d = R0 | ISA_REGS_ARGS;
		break;
	case ISA_SYN_EXIT:
		/* An unverified subprogram's caller may read r1-r5 after it. */
		u = R0 | (any && !in_main ? ISA_REGS_ARGS : 0);
		break;
	case ISA_SYN_LDDW:
		d = BIT(in->dst_reg);
		break;
	case ISA_SYN_LDX:
		u = BIT(in->src_reg);
		d = BIT(in->dst_reg);
		break;
	case ISA_SYN_ST:
		u = BIT(in->dst_reg);
		break;
	case ISA_SYN_STX:
		u = BIT(in->dst_reg) | BIT(in->src_reg);
		break;
	case ISA_SYN_ATOMIC:
		u = BIT(in->dst_reg) | BIT(in->src_reg);
		if (fl & ISA_F_WRITES_R0)
			u |= R0, d = R0; /* cmpxchg compares with r0, old value into r0 */
		else if (fl & ISA_F_FETCH)
			d = BIT(in->src_reg);
		break;
	case ISA_SYN_LDIND:
	case ISA_SYN_LDABS:
		/* the packet is r6's (the context), the value lands in r0 */
		u = BIT(BPFRT_REG_6) | (f->syntax == ISA_SYN_LDIND ? BIT(in->src_reg) : 0);
		d = R0;
		break;
	default:
		u = ISA_REGS_ALL;
		break;
	}
	*use = (uint16_t)(u & ISA_REGS_ALL);
	*def = (uint16_t)(d & ISA_REGS_ALL);
}

/* Where a jump goes, or -1 for an instruction that does not jump. */
static int64_t jump_target(const struct bpfrt_insn *in, const struct isa_form *f, size_t i)
{
	switch (f->syntax) {
	case ISA_SYN_JA32:
		return (int64_t)i + 1 + in->imm;
	case ISA_SYN_JA: case ISA_SYN_JCOND_K: case ISA_SYN_JCOND_X: case ISA_SYN_MAY_GOTO:
		return (int64_t)i + 1 + in->off;
	default:
		return -1;
	}
}

static bool falls_through(const struct isa_form *f)
{
	return f->syntax != ISA_SYN_EXIT && f->syntax != ISA_SYN_JA && f->syntax != ISA_SYN_JA32;
}

struct live_graph {
	const struct isa_form **form; /* NULL: a slot no instruction starts at */
	uint32_t *pred_start;	      /* CSR: predecessors of i are pred[pred_start[i]..[i+1]) */
	uint32_t *pred;
};

/* Each instruction's successors: fall-through and jump target (-1: none,
 * cnt: leaves the program). */
static void successors(const struct bpfrt_insn *insns, size_t cnt, const struct isa_form *f,
		       size_t i, int64_t succ[2])
{
	succ[0] = succ[1] = -1;
	if (falls_through(f))
		succ[0] = (int64_t)(i + isa_insn_slots(&insns[i]));
	int64_t t = jump_target(&insns[i], f, i);
	if (t >= 0 || f->syntax == ISA_SYN_JA || f->syntax == ISA_SYN_JA32 ||
	    f->syntax == ISA_SYN_JCOND_K || f->syntax == ISA_SYN_JCOND_X ||
	    f->syntax == ISA_SYN_MAY_GOTO)
		succ[1] = t;
	for (int k = 0; k < 2; k++)
		if (succ[k] != -1 && (succ[k] < 0 || succ[k] > (int64_t)cnt))
			succ[k] = (int64_t)cnt;
}

static int build_graph(const struct bpfrt_insn *insns, size_t cnt, struct live_graph *g)
{
	g->form = calloc(cnt + 1, sizeof(*g->form));
	g->pred_start = calloc(cnt + 2, sizeof(*g->pred_start));
	g->pred = calloc(2 * cnt + 1, sizeof(*g->pred));
	if (!g->form || !g->pred_start || !g->pred)
		return -ENOMEM;
	for (size_t i = 0; i < cnt; i++) {
		const struct isa_form *f = isa_form_of(&insns[i]);
		if (f && f->syntax == ISA_SYN_LDDW && i + 1 >= cnt)
			f = NULL;
		g->form[i] = f;
		if (f && f->syntax == ISA_SYN_LDDW)
			i++; /* its second slot starts nothing */
	}
	/* count, prefix-sum, fill: predecessors in compressed rows */
	for (int pass = 0; pass < 2; pass++) {
		uint32_t *fill = pass ? calloc(cnt + 1, sizeof(*fill)) : NULL;
		if (pass && !fill)
			return -ENOMEM;
		for (size_t i = 0; i < cnt; i++) {
			int64_t succ[2];
			if (!g->form[i])
				continue;
			successors(insns, cnt, g->form[i], i, succ);
			for (int k = 0; k < 2; k++) {
				if (succ[k] < 0 || succ[k] >= (int64_t)cnt)
					continue;
				if (!pass)
					g->pred_start[succ[k] + 1]++;
				else
					g->pred[g->pred_start[succ[k]] + fill[succ[k]]++] = (uint32_t)i;
			}
		}
		if (!pass)
			for (size_t i = 0; i < cnt; i++)
				g->pred_start[i + 1] += g->pred_start[i];
		free(fill);
	}
	return 0;
}

int isa_liveness_solve(const struct bpfrt_insn *insns, size_t cnt, isa_live_fn fn, void *arg,
		       uint16_t *live_in, uint16_t *live_out)
{
	struct live_graph g = { 0 };
	uint16_t *in = calloc(cnt + 1, sizeof(*in)), *out = calloc(cnt + 1, sizeof(*out));
	uint32_t *work = calloc(cnt + 1, sizeof(*work));
	uint8_t *queued = calloc(cnt + 1, 1);
	int err = in && out && work && queued ? build_graph(insns, cnt, &g) : -ENOMEM;
	if (err)
		goto out;
	/* Leaving the program (or landing where no instruction starts) is
	 * the unknown: everything may be read there. */
	in[cnt] = ISA_REGS_ALL;
	size_t top = 0;
	for (size_t i = 0; i < cnt; i++) {
		in[i] = ISA_REGS_ALL;
		if (g.form[i]) {
			in[i] = FP;
			work[top++] = (uint32_t)i, queued[i] = 1;
		}
	}
	while (top) {
		size_t i = work[--top];
		queued[i] = 0;
		const struct isa_form *f = g.form[i];
		int64_t succ[2];
		uint16_t o = FP, use, def;
		successors(insns, cnt, f, i, succ);
		for (int k = 0; k < 2; k++)
			if (succ[k] >= 0)
				o |= in[succ[k]];
		fn(&insns[i], f, i, arg, &use, &def);
		out[i] = o;
		uint16_t li = (uint16_t)(use | (o & ~def) | FP);
		if (li == in[i])
			continue;
		in[i] = li;
		for (uint32_t p = g.pred_start[i]; p < g.pred_start[i + 1]; p++)
			if (!queued[g.pred[p]])
				work[top++] = g.pred[p], queued[g.pred[p]] = 1;
	}
	for (size_t i = 0; i < cnt; i++) {
		if (live_in)
			live_in[i] = in[i];
		if (live_out)
			live_out[i] = g.form[i] ? out[i] : ISA_REGS_ALL;
	}
out:
	free(in), free(out), free(work), free(queued);
	free(g.form), free(g.pred_start), free(g.pred);
	return err;
}

struct reg_mode {
	enum isa_live_mode mode;
	size_t main_len;
	const uint16_t *call_args;
};

static void reg_use_def(const struct bpfrt_insn *insn, const struct isa_form *f, size_t i,
			void *arg, uint16_t *use, uint16_t *def)
{
	const struct reg_mode *m = arg;
	isa_insn_regs(insn, f, m->mode, i < m->main_len, use, def);
	if (m->call_args && f->syntax == ISA_SYN_CALL)
		*use = (uint16_t)((*use & ~ISA_REGS_ARGS) | (m->call_args[i] & ISA_REGS_ARGS));
}

int isa_reg_liveness(const struct bpfrt_insn *insns, size_t cnt, enum isa_live_mode mode,
		     size_t main_len, uint16_t *live_in, uint16_t *live_out)
{
	return isa_reg_liveness_calls(insns, cnt, mode, main_len, NULL, live_in, live_out);
}

int isa_reg_liveness_calls(const struct bpfrt_insn *insns, size_t cnt, enum isa_live_mode mode,
			   size_t main_len, const uint16_t *call_args, uint16_t *live_in,
			   uint16_t *live_out)
{
	struct reg_mode m = { mode, main_len, call_args };
	return isa_liveness_solve(insns, cnt, reg_use_def, &m, live_in, live_out);
}
