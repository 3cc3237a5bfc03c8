/* SPDX-License-Identifier: MIT */
/*
 * Liveness: which registers and which stack slots of the current frame may
 * still be read before being written, at each instruction. Pruning skips
 * the dead ones (prune.c), so values a path no longer needs do not keep
 * two states apart.
 *
 * Both are static backward dataflow over the control-flow graph, not the
 * kernel's read marks propagated along parent chains during the walk: the
 * result does not depend on the order the walk explores paths in, needs no
 * marks kept current in every stored state, and a check added later cannot
 * forget to mark a read. The price is that it must be conservative where
 * only the walk knows (a pointer to the stack in some register): see
 * compute_stack_liveness.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/helpers.h"
#include "helpers/kfuncs.h"
#include "isa/liveness.h"
#include "isa/opcodes.h"
#include "verifier/state.h"

static bool is_call(const struct isa_form *f)
{
	return f->op == ISA_OP_CALL_HELPER || f->op == ISA_OP_CALL_LOCAL ||
	       f->op == ISA_OP_CALLX || f->op == ISA_OP_CALL_KFUNC;
}

static uint32_t proto_nargs(const enum helper_arg *args)
{
	uint32_t n = 0;
	while (n < 5 && args[n] != HELPER_ARG_NONE)
		n++;
	return n;
}

static const struct bpfrt_verify_helper *embedder_helper(const struct verifier_env *env,
							 uint32_t id)
{
	for (size_t i = 0; i < env->opts->helper_cnt; i++)
		if (env->opts->helpers[i].id == id)
			return &env->opts->helpers[i];
	return NULL;
}

/* The registers a call by id reads: its prototype's arguments (an
 * embedder's helper, the helper table, the kfunc table), as the kernel's
 * compute_live_registers; r1-r5 for an id not known (refused anyway). */
uint16_t call_arg_regs(const struct verifier_env *env, uint32_t idx)
{
	const struct bpfrt_insn *insn = &env->insns[idx];
	uint32_t n = 5;
	if (insn_form(env, idx)->op == ISA_OP_CALL_KFUNC) {
		const struct kfunc_proto *k = insn->imm >= 0 ? kfunc_get((uint32_t)insn->imm) : NULL;
		if (k)
			n = proto_nargs(k->args);
	} else {
		const struct helper_proto *p = helper_proto_find((uint32_t)insn->imm);
		if (p)
			n = proto_nargs(p->args);
		const struct bpfrt_verify_helper *eh = embedder_helper(env, (uint32_t)insn->imm);
		if (eh)
			n = eh->nargs < 5 ? eh->nargs : 5;
	}
	return (uint16_t)(((1u << n) - 1) << 1);
}

/* Registers: the ISA's analysis under the BPF calling convention, which
 * the walk enforces (a callee sees r1-r5 only and leaves r0 only; a
 * helper or kfunc reads only its arguments). */
int compute_liveness(struct verifier_env *env)
{
	uint32_t n = env->insn_cnt;
	size_t size = (n ? n : 1) * sizeof(uint16_t);
	uint16_t *in = big_zalloc(size), *args = big_zalloc(size);
	int err = in && args ? 0 : -ENOMEM;
	for (uint32_t k = 0; !err && k < n; k++) {
		const struct isa_form *f = insn_form(env, k);
		if (f && (f->op == ISA_OP_CALL_HELPER || f->op == ISA_OP_CALL_KFUNC))
			args[k] = call_arg_regs(env, k);
	}
	if (!err)
		err = isa_reg_liveness_calls(env->insns, n, ISA_LIVE_VERIFIED, n, args, in, NULL);
	for (uint32_t k = 0; !err && k < n; k++)
		env->aux[k].live_in = in[k];
	big_free(in, size);
	big_free(args, size);
	return err;
}

/* ---- stack slots ----
 *
 * First, forwards over each subprogram: which registers may point into the
 * subprogram's own frame, and where (FP_NO: not into it, an offset: exactly
 * fp+off, FP_ANY: maybe, somewhere). Then backwards: a slot is live where a
 * later instruction may read it before an 8-byte write through fp+off
 * overwrites it. Reads through an FP_ANY register and calls handed a
 * pointer into the frame (helpers, callbacks and callees read through it)
 * read every slot. A frame pointer stored anywhere but a known slot of the
 * frame (through a pointer from elsewhere, or by a callee) makes every
 * 8-byte load FP_ANY: such a pointer can only come back that way.
 */

#define FP_NO INT32_MIN
#define FP_ANY (INT32_MIN + 1)
#define FP_MAX_OFF (1 << 20)

struct fp_state {
	int32_t r[MAX_BPF_REG];
	uint64_t ptr_slots; /* slots that may hold a pointer into the frame */
	bool seen;
};

static bool maybe_fp(int32_t v)
{
	return v != FP_NO;
}

static int32_t fp_join(int32_t a, int32_t b)
{
	return a == b ? a : FP_ANY;
}

static bool state_join(struct fp_state *dst, const struct fp_state *src)
{
	if (!dst->seen) {
		*dst = *src;
		dst->seen = true;
		return true;
	}
	bool changed = false;
	for (int r = 0; r < MAX_BPF_REG; r++) {
		int32_t j = fp_join(dst->r[r], src->r[r]);
		changed |= j != dst->r[r];
		dst->r[r] = j;
	}
	uint64_t p = dst->ptr_slots | src->ptr_slots;
	changed |= p != dst->ptr_slots;
	dst->ptr_slots = p;
	return changed;
}

/* Slot of byte `off` (< 0) of the frame; -1 outside it. */
static int spi_at(int64_t off)
{
	return off < 0 && off >= -BPFRT_STACK_SIZE ? (int)((-off - 1) / 8) : -1;
}

/* Slots covering [off, off + size), or all when off is unknown. */
static uint64_t slots_of(int32_t base, int32_t off, int size)
{
	if (base == FP_ANY)
		return ~0ULL;
	uint64_t m = 0;
	for (int64_t b = (int64_t)base + off; b < (int64_t)base + off + size; b++)
		if (spi_at(b) >= 0)
			m |= 1ULL << spi_at(b);
	return m;
}

static bool call_gets_fp(const struct fp_state *s)
{
	for (int r = 1; r <= 5; r++)
		if (maybe_fp(s->r[r]))
			return true;
	return false;
}

/* The walk gives a helper's result a helper return type (a scalar, a map
 * value, memory), never a pointer into the frame, and a helper copies
 * bytes, not pointers: a call of one that runs no BPF code (no callback
 * argument) neither returns nor stores a frame pointer. Helpers the
 * embedder declares return a scalar. *proto: the table's row (NULL for an
 * embedder's helper). */
static bool plain_helper(const struct verifier_env *env, const struct bpfrt_insn *insn,
			 const struct isa_form *f, const struct helper_proto **proto)
{
	*proto = NULL;
	if (f->op != ISA_OP_CALL_HELPER)
		return false;
	if (embedder_helper(env, (uint32_t)insn->imm))
		return true;
	const struct helper_proto *p = helper_proto_find((uint32_t)insn->imm);
	if (!p)
		return false;
	for (int a = 0; a < 5; a++)
		if (p->args[a] == HELPER_ARG_PTR_TO_FUNC)
			return false;
	*proto = p;
	return true;
}

/* A call that reads no slot of the frame: a table helper whose every
 * argument that may point into the frame is memory it only writes
 * (bpf_probe_read_*, get_current_comm, skb_load_bytes...: the kernel's
 * MEM_UNINIT arguments, which the walk marks written) or is not used. */
static bool call_reads_no_slot(const struct verifier_env *env, const struct bpfrt_insn *insn,
			       const struct isa_form *f, const struct fp_state *s)
{
	const struct helper_proto *p;
	if (!plain_helper(env, insn, f, &p) || !p)
		return false;
	for (int r = 1; r <= 5; r++) {
		enum helper_arg k = p->args[r - 1];
		if (maybe_fp(s->r[r]) && k != HELPER_ARG_NONE && k != HELPER_ARG_PTR_TO_UNINIT_MEM &&
		    k != HELPER_ARG_PTR_TO_UNINIT_MEM_OR_NULL && k != HELPER_ARG_PTR_TO_LONG)
			return false;
	}
	return true;
}

/* One instruction forwards. *escape: a frame pointer was stored where it
 * cannot be followed. */
static void fp_step(const struct verifier_env *env, const struct bpfrt_insn *insn,
		    const struct isa_form *f, const struct fp_state *in, struct fp_state *out,
		    bool escaped, bool *escape)
{
	*out = *in;
	uint8_t cls = BPFRT_CLASS(insn->code), op = BPFRT_OP(insn->code);
	int32_t *dst = &out->r[insn->dst_reg & 15];
	int32_t src = in->r[insn->src_reg & 15], d = in->r[insn->dst_reg & 15];
	bool x = BPFRT_SRC(insn->code) == BPFRT_X;
	switch (cls) {
	case BPFRT_ALU:
		*dst = FP_NO; /* 32-bit: a pointer's low half is a number */
		return;
	case BPFRT_ALU64:
		if (op == BPFRT_MOV) {
			*dst = x && !isa_form_has(f, ISA_F_SIGNED) ? src : FP_NO;
		} else if ((op == BPFRT_ADD || op == BPFRT_SUB) && !x) {
			int64_t v = (int64_t)d + (op == BPFRT_ADD ? insn->imm : -(int64_t)insn->imm);
			if (d != FP_NO && d != FP_ANY)
				*dst = v > -FP_MAX_OFF && v < FP_MAX_OFF ? (int32_t)v : FP_ANY;
		} else {
			*dst = maybe_fp(d) || (x && maybe_fp(src)) ? FP_ANY : FP_NO;
		}
		return;
	case BPFRT_LD:
		*dst = FP_NO;
		return;
	case BPFRT_LDX: {
		uint64_t slots = slots_of(src, insn->off, f->size);
		bool ptr = f->size == 8 && (escaped || (maybe_fp(src) && (in->ptr_slots & slots)));
		*dst = ptr ? FP_ANY : FP_NO;
		return;
	}
	case BPFRT_ST:
	case BPFRT_STX: {
		int32_t val = cls == BPFRT_STX ? src : FP_NO;
		if (BPFRT_MODE(insn->code) == BPFRT_ATOMIC && isa_form_has(f, ISA_F_FETCH)) {
			bool cmpx = f->op == ISA_OP_ATOMIC_CMPXCHG64 || f->op == ISA_OP_ATOMIC_CMPXCHG32;
			int32_t *fetched = cmpx ? &out->r[0] : &out->r[insn->src_reg & 15];
			*fetched = f->size == 8 && (escaped || (maybe_fp(d) && (in->ptr_slots &
						slots_of(d, insn->off, f->size)))) ? FP_ANY : FP_NO;
			if (cmpx && maybe_fp(in->r[0]))
				val = FP_ANY; /* cmpxchg stores r0 */
		}
		if (!maybe_fp(val))
			return;
		/* through a pointer that may lead elsewhere: it escapes */
		if (d == FP_NO || d == FP_ANY)
			*escape = true;
		out->ptr_slots |= slots_of(d, insn->off, f->size);
		return;
	}
	default:
		break;
	}
	if (is_call(f)) {
		const struct helper_proto *p;
		bool plain = plain_helper(env, insn, f, &p);
		bool fp = call_gets_fp(in) && !plain;
		for (int r = 1; r <= 5; r++)
			out->r[r] = FP_NO;
		out->r[0] = !plain && (fp || escaped) ? FP_ANY : FP_NO;
		if (fp) {
			/* the callee may store the pointers anywhere it can reach */
			out->ptr_slots = ~0ULL;
			*escape = true;
		}
	}
}

/* Slots read (gen) and overwritten whole (kill) by one instruction. */
static void slot_use(const struct verifier_env *env, const struct bpfrt_insn *insn,
		     const struct isa_form *f, const struct fp_state *in, uint64_t *gen,
		     uint64_t *kill)
{
	uint8_t cls = BPFRT_CLASS(insn->code);
	int32_t src = in->r[insn->src_reg & 15], d = in->r[insn->dst_reg & 15];
	*gen = *kill = 0;
	if (cls == BPFRT_LDX && maybe_fp(src))
		*gen = slots_of(src, insn->off, f->size);
	else if (cls == BPFRT_STX && BPFRT_MODE(insn->code) == BPFRT_ATOMIC && maybe_fp(d))
		*gen = slots_of(d, insn->off, f->size);
	else if ((cls == BPFRT_ST || cls == BPFRT_STX) && d != FP_NO && d != FP_ANY &&
		 f->size == 8 && !(((int64_t)d + insn->off) % 8))
		*kill = slots_of(d, insn->off, 8);
	else if (is_call(f) && call_gets_fp(in) && !call_reads_no_slot(env, insn, f, in))
		*gen = ~0ULL;
}

static int subprog_stack_liveness(struct verifier_env *env, uint32_t start, uint32_t end,
				  struct fp_state *st)
{
	const struct bpfrt_insn *insns = env->insns;
	uint32_t n = end - start;
	memset(st, 0, n * sizeof(*st));
	for (int r = 0; r < MAX_BPF_REG; r++)
		st[0].r[r] = FP_NO;
	st[0].r[BPFRT_REG_FP] = 0;
	st[0].seen = true;
	bool escaped = false, changed = true;
	int rounds = 0;
	/* forwards, to a fixpoint (escaped only grows, states only widen) */
	while (changed) {
		if (++rounds > 64)
			return -1;
		changed = false;
		bool esc = escaped;
		for (uint32_t k = 0; k < n; k++) {
			uint32_t i = start + k;
			const struct isa_form *f = insn_form(env, i);
			if (!st[k].seen || env->aux[i].second_slot || !f)
				continue;
			struct fp_state out;
			fp_step(env, &insns[i], f, &st[k], &out, escaped, &esc);
			if (f->op == ISA_OP_EXIT)
				continue;
			bool uncond = f->op == ISA_OP_JA || f->op == ISA_OP_JA32;
			uint32_t ft = i + isa_insn_slots(&insns[i]);
			if (!uncond && ft < end)
				changed |= state_join(&st[ft - start], &out);
			if (isa_form_has(f, ISA_F_BRANCH) && f->op != ISA_OP_CALL_LOCAL) {
				int64_t t = jump_target(&insns[i], f, i);
				if (t >= start && t < end)
					changed |= state_join(&st[t - start], &out);
			}
		}
		changed |= esc != escaped;
		escaped = esc;
	}
	for (uint32_t k = 0; k < n; k++) {
		const struct isa_form *f = insn_form(env, start + k);
		env->aux[start + k].call_stack_arg = f && is_call(f) && st[k].seen &&
						     call_gets_fp(&st[k]);
		env->aux[start + k].live_stack = 0;
	}
	/* backwards, to a fixpoint */
	for (changed = true, rounds = 0; changed;) {
		if (++rounds > 64)
			return -1;
		changed = false;
		for (uint32_t k = n; k-- > 0;) {
			uint32_t i = start + k;
			const struct isa_form *f = insn_form(env, i);
			if (!st[k].seen || env->aux[i].second_slot || !f)
				continue;
			uint64_t out = 0, gen, kill;
			if (f->op != ISA_OP_EXIT) {
				bool uncond = f->op == ISA_OP_JA || f->op == ISA_OP_JA32;
				uint32_t ft = i + isa_insn_slots(&insns[i]);
				if (!uncond && ft < end)
					out |= env->aux[ft].live_stack;
				if (isa_form_has(f, ISA_F_BRANCH) && f->op != ISA_OP_CALL_LOCAL) {
					int64_t t = jump_target(&insns[i], f, i);
					if (t >= start && t < end)
						out |= env->aux[t].live_stack;
				}
			}
			slot_use(env, &insns[i], f, &st[k], &gen, &kill);
			uint64_t in = (out & ~kill) | gen;
			if (in != env->aux[i].live_stack) {
				env->aux[i].live_stack = in;
				changed = true;
			}
		}
	}
	return 0;
}

int compute_stack_liveness(struct verifier_env *env)
{
	uint32_t max = 0;
	for (uint32_t s = 0; s < env->subprog_cnt; s++)
		if (env->subprogs[s].end - env->subprogs[s].start > max)
			max = env->subprogs[s].end - env->subprogs[s].start;
	size_t size = (max ? max : 1) * sizeof(struct fp_state);
	struct fp_state *st = big_zalloc(size);
	if (!st)
		return env->err = -ENOMEM;
	for (uint32_t s = 0; s < env->subprog_cnt; s++) {
		uint32_t a = env->subprogs[s].start, b = env->subprogs[s].end;
		if (subprog_stack_liveness(env, a, b, st)) {
			/* no fixpoint: everything live, every call may read it */
			for (uint32_t i = a; i < b; i++) {
				env->aux[i].live_stack = ~0ULL;
				env->aux[i].call_stack_arg = true;
			}
		}
	}
	big_free(st, size);
	return 0;
}
