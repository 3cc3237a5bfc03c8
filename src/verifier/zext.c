/* SPDX-License-Identifier: MIT */
/*
 * Zero-extension facts (the kernel's insn_aux_data.zext_dst): a 32-bit
 * definition (ALU32, a narrow load, a 32-bit atomic fetch, ...) gets
 * FACT_ZEXT only when some path from it reads the register's upper half
 * before the register is written again. An engine that leaves junk in the
 * upper half of an unmarked definition (a 32-bit CPU, or the fixups'
 * rnd_hi32 test mode) runs the program unchanged.
 *
 * The kernel finds these reads during the walk (mark_insn_zext when
 * is_reg64() says a use reads 64 bits, through the subreg_def each
 * register carries). bpfrt solves the same question statically: a
 * backward liveness of "upper half read" over the control-flow graph
 * (isa_liveness_solve), like the register liveness pruning uses. Every
 * path is counted, reached or not, so it can only mark more. Which uses
 * read 64 bits follows the kernel's is_reg64():
 *
 *   - 64-bit ALU operands (ALU64 class, le64/be64; not bswap16/32),
 *     64-bit jump operands (JMP class; JMP32 reads 32 bits);
 *   - memory bases (loads, stores, atomics) and the stored value of an
 *     8-byte store or atomic (a spill of 8 bytes reads all 64 bits: the
 *     fill gets them back);
 *   - a helper's or kfunc's arguments (those its prototype names, as the
 *     kernel's check_func_arg reads them), r1-r5 at callx (and its
 *     target), r6 and the index register of legacy packet loads, r0 at
 *     every exit;
 *   - at a call of a subprogram, the arguments the callee itself reads as
 *     64 bits before writing them (its entry's live set: computed for all
 *     subprograms together until no call site's set grows);
 *   - `mov32 r, r` and `le32 r` that the verifier proved a no-op
 *     (FACT_U_UPPER proven): the JIT elides them, so they pass the
 *     register's upper half on.
 * Any write of the register (32 or 64 bits) ends the search: the junk of
 * an earlier definition is overwritten there.
 */
#include <errno.h>
#include <stdlib.h>

#include "isa/liveness.h"
#include "isa/opcodes.h"
#include "verifier/facts.h"

#define BIT(r) ((uint16_t)(1u << ((r) & 15)))

/* 32-bit ALU forms: the ALU class except le64/be64, and bswap16/32 (the
 * kernel's is_reg64 for ALU64 | END). */
static bool narrow_alu(const struct bpfrt_insn *in)
{
	uint8_t cls = BPFRT_CLASS(in->code), op = BPFRT_OP(in->code);

	if (op == BPFRT_END)
		return in->imm != 64;
	return cls == BPFRT_ALU;
}

int fact_def32_reg(const struct bpfrt_insn *in)
{
	const struct isa_form *f = isa_form_of(in);

	if (!f)
		return -1;
	switch (f->syntax) {
	case ISA_SYN_ALU_K:
	case ISA_SYN_ALU_X:
	case ISA_SYN_UNARY:
		return narrow_alu(in) && isa_form_has(f, ISA_F_WRITES_DST) ? in->dst_reg : -1;
	case ISA_SYN_LDX: /* ldxs* sign-extend to 64 bits */
		return f->size < 8 && !isa_form_has(f, ISA_F_SIGNED) ? in->dst_reg : -1;
	case ISA_SYN_ATOMIC:
		if (f->size != 4 || !isa_form_has(f, ISA_F_FETCH))
			return -1;
		return isa_form_has(f, ISA_F_WRITES_R0) ? BPFRT_REG_0 : in->src_reg;
	case ISA_SYN_LDABS:
	case ISA_SYN_LDIND:
		return f->size < 8 ? BPFRT_REG_0 : -1;
	default:
		return -1;
	}
}

struct zext_walk {
	const struct verifier_facts *facts;
	size_t cnt;
	uint16_t *call_args;	     /* per local call: the callee's 64-bit argument reads */
	const uint16_t *helper_args; /* per helper/kfunc call: its prototype's, or NULL */
};

/* Whether insn i is a `mov32 r, r` / `le32 r` the verifier proved a no-op. */
static bool elided_zext(const struct bpfrt_insn *in, const struct isa_form *f,
			const struct insn_fact *x)
{
	bool self = (f->op == ISA_OP_MOV32_X && in->dst_reg == in->src_reg && !in->off) ||
		    f->op == ISA_OP_LE32;
	return self && fact_proven(x, FACT_U_UPPER);
}

static void read64(const struct bpfrt_insn *in, const struct isa_form *f, size_t i, void *arg,
		   uint16_t *use, uint16_t *def)
{
	const struct zext_walk *z = arg;
	uint16_t u, d;

	isa_insn_regs(in, f, ISA_LIVE_VERIFIED, true, &u, &d);
	switch (f->syntax) {
	case ISA_SYN_ALU_K:
	case ISA_SYN_ALU_X:
	case ISA_SYN_UNARY:
		if (narrow_alu(in) && !elided_zext(in, f, &z->facts->insn[i]))
			u = 0;
		break;
	case ISA_SYN_JCOND_K:
	case ISA_SYN_JCOND_X:
		if (isa_form_has(f, ISA_F_JMP32))
			u = 0;
		break;
	case ISA_SYN_STX:
	case ISA_SYN_ATOMIC:
		if (f->size < 8) /* the base is read whole, the value's low part only */
			u = BIT(in->dst_reg);
		break;
	case ISA_SYN_CALL_LOCAL:
		u = z->call_args[i];
		break;
	case ISA_SYN_CALL: /* a helper or kfunc: its prototype's arguments */
		if (z->helper_args)
			u = (uint16_t)((u & ~ISA_REGS_ARGS) | (z->helper_args[i] & ISA_REGS_ARGS));
		break;
	default: /* callx (r1-r5), exit (r0), loads' and stores' bases: 64 bits */
		break;
	}
	*use = u & ISA_REGS_ALL;
	*def = d;
}

/* Index of a local call's target, or -1. */
static int64_t local_target(const struct bpfrt_insn *in, size_t i, size_t cnt)
{
	const struct isa_form *f = isa_form_of(in);
	int64_t t = (int64_t)i + 1 + in->imm;

	if (!f || f->op != ISA_OP_CALL_LOCAL || t < 0 || (uint64_t)t >= cnt)
		return -1;
	return t;
}

int facts_mark_zext(const struct bpfrt_insn *insns, size_t cnt, struct verifier_facts *facts,
		    const uint16_t *helper_args)
{
	struct zext_walk z = { facts, cnt, calloc(cnt + 1, sizeof(uint16_t)), helper_args };
	uint16_t *in = calloc(cnt + 1, sizeof(*in)), *out = calloc(cnt + 1, sizeof(*out));
	int err = -ENOMEM;
	bool grew = true;

	if (!facts || facts->insn_cnt != cnt) {
		err = -EINVAL;
		goto done;
	}
	if (!z.call_args || !in || !out)
		goto done;
	/* nothing to mark (no 32-bit definition): skip the solve, whose
	 * fresh memory costs more than the walk for large programs */
	bool any = false;
	for (size_t i = 0; i < cnt && !any; i++) {
		facts->insn[i].flags &= (uint8_t)~FACT_ZEXT;
		any = fact_def32_reg(&insns[i]) >= 0;
	}
	if (!any) {
		err = 0;
		goto done;
	}
	/* Calls start by assuming the callee reads no argument; each round
	 * takes the callees' entry sets from the last, until none grows (the
	 * sets only grow, so this ends: in practice a round per call level). */
	while (grew) {
		if ((err = isa_liveness_solve(insns, cnt, read64, &z, in, out)))
			goto done;
		grew = false;
		for (size_t i = 0; i < cnt; i++) {
			int64_t t = local_target(&insns[i], i, cnt);
			uint16_t want;

			if (t < 0)
				continue;
			want = (uint16_t)(z.call_args[i] | (in[t] & ISA_REGS_ARGS));
			grew |= want != z.call_args[i];
			z.call_args[i] = want;
		}
	}
	for (size_t i = 0; i < cnt; i++) {
		int r = fact_def32_reg(&insns[i]);

		facts->insn[i].flags &= (uint8_t)~FACT_ZEXT;
		if (r >= 0 && (out[i] & BIT(r)))
			facts->insn[i].flags |= FACT_ZEXT;
		if (BPFRT_INSN_IS_LDDW(&insns[i]))
			i++;
	}
	err = 0;
done:
	free(z.call_args);
	free(in);
	free(out);
	return err;
}
