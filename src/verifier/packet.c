/* SPDX-License-Identifier: MIT */
/*
 * Packet pointers, as the kernel's verifier has them. A packet program's
 * context gives three pointers (ctx.c): data_meta (PTR_TO_PACKET_META),
 * data (PTR_TO_PACKET) and data_end (PTR_TO_PACKET_END). Nothing may be
 * accessed through a packet pointer until a comparison with data_end (or,
 * for the meta area, with data) proves how far the packet reaches:
 *
 *	r2 = data; r3 = data_end
 *	r4 = r2; r4 += 14
 *	if r4 > r3 goto drop	; falling through: data + 14 <= data_end
 *	r0 = *(u16 *)(r2 + 12)	; r2's range is 14: bytes [0, 14) are in
 *
 * Pointers derived from one another by constant offsets share an id; the
 * comparison gives every register and spilled slot of that id the range
 * (find_good_pkt_pointers), counted from the id's base, so `off + size <=
 * range` is the access check. Adding a variable starts a new id with no
 * range. A failed comparison leaves AT_PKT_END / BEYOND_PKT_END, which
 * decides a later comparison of the same pointer. Helpers that may move
 * the packet (bpf_xdp_adjust_head, ...) turn every packet pointer into a
 * scalar. Offsets stay below MAX_PACKET_OFF so ranges cannot wrap.
 */
#include <errno.h>
#include <inttypes.h>

#include "isa/opcodes.h"
#include "verifier/state.h"

#define MAX_PACKET_OFF 0xffff
#define MAX_VAR_OFF (1 << 29) /* kernel BPF_MAX_VAR_OFF */

static const char *pkt_name(uint8_t type)
{
	return type == PTR_TO_PACKET_META ? "pkt_meta"
	       : type == PTR_TO_PACKET	  ? "pkt"
					  : "pkt_end";
}

bool pkt_access_ok(const struct verifier_env *env, bool write)
{
	switch (env->opts->attach) {
	case BPFRT_ATTACH_XDP:
	case BPFRT_ATTACH_TC:
		return true;
	case BPFRT_ATTACH_CGROUP_SKB: /* read only (may_access_direct_pkt_data) */
		return !write;
	default:
		return false;
	}
}

int check_packet_access(struct verifier_env *env, uint32_t regno, int off, int64_t size,
			bool zero_ok)
{
	const struct reg_state *r = &cur_regs(env)[regno];
	/* A variable offset was added into the id's base: only the fixed
	 * part counts against the range, and it must not go below it. */
	if (r->smin_value < 0) {
		verbose(env,
			"R%u min value is negative, either use unsigned index or do a if (index >=0) check.\n",
			regno);
		return -EACCES;
	}
	int64_t end = (int64_t)off + size;
	if (r->range < 0 || off < 0 || (size == 0 && !zero_ok) || size < 0 || end > r->range) {
		verbose(env, "invalid access to packet, off=%d size=%" PRId64
			", R%u(id=%u,off=%d,r=%d)\n",
			off, size, regno, r->id, off, r->range);
		verbose(env, "R%u offset is outside of the packet\n", regno);
		return -EACCES;
	}
	return 0;
}

int pkt_ptr_arith(struct verifier_env *env, struct reg_state *dst, const struct reg_state *ptr,
		  const struct reg_state *scalar, uint8_t op, uint32_t regno, bool *handled)
{
	*handled = reg_is_pkt_any(ptr);
	if (!*handled)
		return 0;
	if (ptr->type == PTR_TO_PACKET_END) {
		verbose(env, "R%u pointer arithmetic on pkt_end prohibited\n", regno);
		return -EACCES;
	}
	if (!reg_sane_offset(env, scalar, pkt_name(ptr->type)) ||
	    !reg_sane_offset(env, ptr, pkt_name(ptr->type)))
		return -EACCES;
	if (op != BPFRT_ADD && op != BPFRT_SUB) {
		static const char *const names[16] = { "+=", "-=", "*=", "/=", "|=", "&=", "<<=",
						       ">>=", "neg", "%=", "^=", "=", "s>>=",
						       "endian", "?", "?" };
		bool bitwise = op == BPFRT_AND || op == BPFRT_OR || op == BPFRT_XOR;
		verbose(env, bitwise ? "R%u bitwise operator %s on pointer prohibited\n"
				     : "R%u pointer arithmetic with %s operator prohibited\n",
			regno, names[op >> 4]);
		return -EACCES;
	}
	struct reg_state res = *ptr;
	if (reg_is_const(scalar)) {
		/* a constant moves the fixed offset; id and range stay */
		int64_t v = (int64_t)scalar->var_off.value;
		res.off = (int32_t)(op == BPFRT_ADD ? ptr->off + v : ptr->off - v);
	} else {
		/* the result is a new base: a new id, no range yet; beyond the
		 * kernel, adding s in [0, umax] keeps what the old range still
		 * covers past the new base (range - umax): a loop's widened
		 * index into a checked packet (docs/verifier.md, "Loops") */
		int32_t keep = 0;
		if (!env->opts->kernel_compat && op == BPFRT_ADD && scalar->smin_value >= 0 &&
		    ptr->range > 0 && scalar->umax_value < (uint64_t)ptr->range)
			keep = ptr->range - (int32_t)scalar->umax_value;
		ptr_var_offset(&res, ptr, scalar, op);
		res.id = new_id(env);
		if (op == BPFRT_ADD || scalar->smin_value < 0)
			res.range = keep;
	}
	if (!reg_sane_offset(env, &res, pkt_name(ptr->type)))
		return -EACCES;
	*dst = res;
	return 0;
}

static uint8_t flip_op(uint8_t op)
{
	switch (op) {
	case BPFRT_JGT: return BPFRT_JLT;
	case BPFRT_JLT: return BPFRT_JGT;
	case BPFRT_JGE: return BPFRT_JLE;
	case BPFRT_JLE: return BPFRT_JGE;
	case BPFRT_JSGT: return BPFRT_JSLT;
	case BPFRT_JSLT: return BPFRT_JSGT;
	case BPFRT_JSGE: return BPFRT_JSLE;
	case BPFRT_JSLE: return BPFRT_JSGE;
	default: return op;
	}
}

int pkt_branch_taken(const struct reg_state *dst, const struct reg_state *src, uint8_t op)
{
	const struct reg_state *pkt;
	if (src->type == PTR_TO_PACKET_END) {
		pkt = dst;
	} else if (dst->type == PTR_TO_PACKET_END) {
		pkt = src;
		op = flip_op(op);
	} else {
		return -1;
	}
	if (pkt->range >= 0)
		return -1;
	switch (op) {
	case BPFRT_JLE: /* pkt <= pkt_end */
	case BPFRT_JGT: /* pkt > pkt_end */
		if (pkt->range == BEYOND_PKT_END)
			return op == BPFRT_JGT;
		break;
	case BPFRT_JLT: /* pkt < pkt_end */
	case BPFRT_JGE: /* pkt >= pkt_end */
		return op == BPFRT_JGE;
	}
	return -1;
}

/* Every packet pointer of `type` and the id of `dst` in the state now has
 * range at least dst's offset (plus one when the bound is strict). */
static void find_good_pkt_pointers(struct vstate *st, const struct reg_state *dst,
				   bool right_open)
{
	if (dst->off < 0 || (dst->off == 0 && right_open))
		return; /* no range from this */
	if (dst->umax_value > MAX_PACKET_OFF || dst->umax_value + (uint64_t)dst->off > MAX_PACKET_OFF)
		return; /* ptr + huge may compare below pkt_end by wrapping */
	int32_t range = dst->off + right_open;
	uint8_t type = dst->type;
	uint32_t id = dst->id;
	for (uint32_t f = 0; f <= st->curframe; f++) {
		struct func_state *fs = st->frame[f];
		for (int i = 0; i < MAX_BPF_REG; i++) {
			struct reg_state *r = &fs->regs[i];
			if (r->type == type && r->id == id && r->range < range)
				r->range = range;
		}
		for (uint32_t s = 0; s < fs->nslots; s++) {
			struct reg_state *r = &fs->stack[s].spilled;
			if (fs->stack[s].kind[7] == STACK_SPILL && r->type == type && r->id == id &&
			    r->range < range)
				r->range = range;
		}
	}
}

/* pkt > pkt_end (open: at least one byte beyond) or pkt >= pkt_end. */
static void mark_pkt_end(struct vstate *st, uint32_t regno, bool open)
{
	struct reg_state *r = &st->frame[st->curframe]->regs[regno];
	if (r->type != PTR_TO_PACKET)
		return; /* the kernel has no such marks for pkt_meta */
	r->range = open ? BEYOND_PKT_END : AT_PKT_END;
}

static bool is_init_pkt(const struct reg_state *r, uint8_t type)
{
	return r->type == type && r->off == 0 && tnum_equals_const(r->var_off, 0);
}

bool pkt_try_match(struct vstate *this_branch, struct vstate *other_branch,
		   const struct bpfrt_insn *insn)
{
	if (BPFRT_SRC(insn->code) != BPFRT_X || BPFRT_CLASS(insn->code) == BPFRT_JMP32)
		return false;
	const struct reg_state *regs = this_branch->frame[this_branch->curframe]->regs;
	const struct reg_state *dst = &regs[insn->dst_reg], *src = &regs[insn->src_reg];
	/* lhs is the moving pointer (pkt' vs pkt_end, or pkt_meta' vs pkt) */
	bool lhs = (dst->type == PTR_TO_PACKET && src->type == PTR_TO_PACKET_END) ||
		   (dst->type == PTR_TO_PACKET_META && is_init_pkt(src, PTR_TO_PACKET));
	bool rhs = (dst->type == PTR_TO_PACKET_END && src->type == PTR_TO_PACKET) ||
		   (is_init_pkt(dst, PTR_TO_PACKET) && src->type == PTR_TO_PACKET_META);
	if (!lhs && !rhs)
		return false;
	uint8_t op = BPFRT_OP(insn->code);
	if (rhs)
		op = flip_op(op); /* now: moving op bound */
	uint32_t regno = lhs ? insn->dst_reg : insn->src_reg;
	struct reg_state moving = lhs ? *dst : *src;
	/* Which branch proves `moving <= bound` (range off) or `moving <
	 * bound` (range off + 1); the other one records how the check failed. */
	switch (op) {
	case BPFRT_JGT: /* taken: moving > bound */
		find_good_pkt_pointers(this_branch, &moving, false);
		mark_pkt_end(other_branch, regno, true);
		break;
	case BPFRT_JGE: /* taken: moving >= bound */
		find_good_pkt_pointers(this_branch, &moving, true);
		mark_pkt_end(other_branch, regno, false);
		break;
	case BPFRT_JLT: /* taken: moving < bound */
		find_good_pkt_pointers(other_branch, &moving, true);
		mark_pkt_end(this_branch, regno, false);
		break;
	case BPFRT_JLE: /* taken: moving <= bound */
		find_good_pkt_pointers(other_branch, &moving, false);
		mark_pkt_end(this_branch, regno, true);
		break;
	default:
		return false;
	}
	return true;
}

/* The kernel's bpf_helper_changes_pkt_data(): helpers that may move or
 * reallocate the packet (ids of enum bpf_func_id). */
static const uint32_t pkt_changing_helpers[] = {
	9,   /* skb_store_bytes */
	10,  /* l3_csum_replace */
	11,  /* l4_csum_replace */
	13,  /* clone_redirect */
	18,  /* skb_vlan_push */
	19,  /* skb_vlan_pop */
	31,  /* skb_change_proto */
	38,  /* skb_change_tail */
	39,  /* skb_pull_data */
	43,  /* skb_change_head */
	44,  /* xdp_adjust_head */
	50,  /* skb_adjust_room */
	54,  /* xdp_adjust_meta */
	63,  /* msg_pull_data */
	65,  /* xdp_adjust_tail */
	73,  /* lwt_push_encap */
	74,  /* lwt_seg6_store_bytes */
	75,  /* lwt_seg6_adjust_srh */
	76,  /* lwt_seg6_action */
	90,  /* msg_push_data */
	91,  /* msg_pop_data */
	128, /* store_hdr_opt */
};

bool helper_changes_pkt_data(uint32_t helper_id)
{
	for (size_t i = 0; i < sizeof(pkt_changing_helpers) / sizeof(pkt_changing_helpers[0]); i++)
		if (pkt_changing_helpers[i] == helper_id)
			return true;
	return false;
}

/* Does subprogram sp, or one it calls, call a helper that moves the
 * packet? (The kernel's changes_pkt_data of subprograms: a global
 * function's call is not walked, so its caller learns it here.) */
static bool changes_pkt_data_from(const struct verifier_env *env, uint32_t sp, uint8_t *seen)
{
	if (seen[sp])
		return false;
	seen[sp] = 1;
	const struct subprog_info *s = &env->subprogs[sp];
	for (uint32_t i = s->start; i < s->end && i < env->insn_cnt; i++) {
		const struct bpfrt_insn *in = &env->insns[i];
		const struct isa_form *f = isa_form_of(in);
		if (!f)
			continue;
		if (f->op == ISA_OP_CALL_HELPER && helper_changes_pkt_data((uint32_t)in->imm))
			return true;
		if (f->op == ISA_OP_CALL_LOCAL) {
			int callee = find_subprog(env, (uint32_t)((int64_t)i + in->imm + 1));
			if (callee >= 0 && changes_pkt_data_from(env, (uint32_t)callee, seen))
				return true;
		}
	}
	return false;
}

bool subprog_changes_pkt_data(const struct verifier_env *env, uint32_t sp)
{
	uint8_t seen[sizeof(env->subprogs) / sizeof(env->subprogs[0])] = { 0 };
	return sp < env->subprog_cnt && changes_pkt_data_from(env, sp, seen);
}

void clear_all_pkt_pointers(struct vstate *st)
{
	for (uint32_t f = 0; f <= st->curframe; f++) {
		struct func_state *fs = st->frame[f];
		for (int i = 0; i < MAX_BPF_REG; i++)
			if (reg_is_pkt_any(&fs->regs[i]))
				mark_reg_unknown(&fs->regs[i]);
		for (uint32_t s = 0; s < fs->nslots; s++)
			if (fs->stack[s].kind[7] == STACK_SPILL &&
			    reg_is_pkt_any(&fs->stack[s].spilled))
				mark_reg_unknown(&fs->stack[s].spilled);
	}
}

bool pkt_regsafe(const struct reg_state *old, const struct reg_state *cur)
{
	/* At least the old range: what was safe stays safe. The marks of
	 * failed checks decide branches, so they must match exactly (the
	 * kernel lets a non-negative range cover them; a path with range 0
	 * may take a branch the marked one never explored). */
	if (old->range < 0 || cur->range < 0) {
		if (old->range != cur->range)
			return false;
	} else if (old->range > cur->range) {
		return false;
	}
	/* both based on data (id 0) or both on a variable offset, as the
	 * kernel's check_ids() wants */
	return old->off == cur->off && !old->id == !cur->id;
}
