/* SPDX-License-Identifier: MIT */
/*
 * ALU instructions (scalar arithmetic and pointer arithmetic) and ld_imm64.
 */
#include <errno.h>
#include <inttypes.h>

#include "isa/opcodes.h"
#include "verifier/state.h"

#define MAX_PTR_OFF (1 << 29)

static const char *op_name(uint8_t op)
{
	static const char *const names[16] = { "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=",
					       "neg", "%=", "^=", "=", "s>>=", "endian", "?", "?" };
	return names[op >> 4];
}

static int check_read(struct verifier_env *env, uint32_t regno)
{
	if (cur_regs(env)[regno].type == NOT_INIT) {
		verbose(env, "R%u !read_ok\n", regno);
		return -EACCES;
	}
	return 0;
}

void ptr_var_offset(struct reg_state *res, const struct reg_state *ptr,
		    const struct reg_state *scalar, uint8_t op)
{
	/* the variable part of the offset is a scalar of its own */
	struct reg_state var = *ptr;
	var.type = SCALAR_VALUE;
	var.id = 0;
	var.off = 0;
	scalar_alu(&var, scalar, op, false);
	res->var_off = var.var_off;
	res->smin_value = var.smin_value;
	res->smax_value = var.smax_value;
	res->umin_value = var.umin_value;
	res->umax_value = var.umax_value;
	res->s32_min_value = var.s32_min_value;
	res->s32_max_value = var.s32_max_value;
	res->u32_min_value = var.u32_min_value;
	res->u32_max_value = var.u32_max_value;
}

/* The kernel's check_reg_sane_offset(): offsets of a pointer `kind` (its
 * name in the messages) stay within +-2^29 — a known value, the fixed
 * offset and the lower bound — before any access checks them. */
bool reg_sane_offset(struct verifier_env *env, const struct reg_state *r, const char *kind)
{
	bool known = tnum_is_const(r->var_off);
	int64_t val = (int64_t)r->var_off.value;
	if (known && (val >= MAX_PTR_OFF || val <= -MAX_PTR_OFF)) {
		verbose(env, "math between %s pointer and %" PRId64 " is not allowed\n", kind, val);
		return false;
	}
	if (r->off >= MAX_PTR_OFF || r->off <= -MAX_PTR_OFF) {
		verbose(env, "%s pointer offset %d is not allowed\n", kind, r->off);
		return false;
	}
	if (r->smin_value == INT64_MIN) {
		verbose(env, "math between %s pointer and register with unbounded min value is not allowed\n",
			kind);
		return false;
	}
	if (r->smin_value >= MAX_PTR_OFF || r->smin_value <= -MAX_PTR_OFF) {
		verbose(env, "value %" PRId64 " makes %s pointer be out of bounds\n", r->smin_value,
			kind);
		return false;
	}
	return true;
}

/* ptr (dst) OP= scalar (src) for ADD and SUB. */
static int ptr_arith(struct verifier_env *env, struct reg_state *dst, const struct reg_state *ptr,
		     const struct reg_state *scalar, uint8_t op, uint32_t dst_regno)
{
	char b[48];
	if (ptr->flags & PTR_MAYBE_NULL) {
		verbose(env, "R%u pointer arithmetic on %s prohibited, null-check it first\n",
			dst_regno, reg_type_str(ptr, b, sizeof(b)));
		return -EACCES;
	}
	bool pkt;
	int err = pkt_ptr_arith(env, dst, ptr, scalar, op, dst_regno, &pkt);
	if (pkt)
		return err;
	if (ptr->type == CONST_PTR_TO_MAP || ptr->type == PTR_TO_FUNC ||
	    ptr->type == CONST_PTR_TO_DYNPTR) {
		verbose(env, "R%u pointer arithmetic on %s prohibited\n", dst_regno,
			reg_type_str(ptr, b, sizeof(b)));
		return -EACCES;
	}
	if (op != BPFRT_ADD && op != BPFRT_SUB) {
		verbose(env, "R%u pointer arithmetic with %s operator prohibited\n", dst_regno,
			op_name(op));
		return -EACCES;
	}
	if (reg_is_probe_mem(ptr)) {
		/* read-only untrusted memory is read fault-safe: its offset
		 * need not be tracked (the kernel's adjust_ptr_min_max_vals) */
		*dst = *ptr;
		return 0;
	}
	struct reg_state res = *ptr;
	if (reg_is_const(scalar)) {
		int64_t v = (int64_t)scalar->var_off.value, off;
		if (op == BPFRT_SUB)
			v = -v;
		off = (int64_t)ptr->off + v;
		if (v <= -MAX_PTR_OFF || v >= MAX_PTR_OFF || off <= -MAX_PTR_OFF ||
		    off >= MAX_PTR_OFF) {
			verbose(env, "R%u pointer offset %" PRId64 " out of range\n", dst_regno, off);
			return -EACCES;
		}
		res.off = (int32_t)off;
	} else {
		/* the kernel's check_reg_sane_offset() on the scalar and the
		 * result: variable offsets stay within +-2^29 */
		const char *kind = reg_type_str(ptr, b, sizeof(b));
		if (!reg_sane_offset(env, scalar, kind))
			return -EACCES;
		ptr_var_offset(&res, ptr, scalar, op);
		res.id = 0;
		if (!reg_sane_offset(env, &res, kind))
			return -EACCES;
	}
	*dst = res;
	return 0;
}

static int alu_pointer(struct verifier_env *env, const struct bpfrt_insn *insn, uint8_t op,
		       bool alu32, struct reg_state *dst, struct reg_state *src)
{
	char b[48];
	bool dptr = reg_is_pointer(dst), sptr = reg_is_pointer(src);
	/* pointer minus pointer of one kind (stack, packet, map value...) is
	 * a number, also in 32 bits: the kernel's adjust_reg_min_max_vals
	 * decides so before it refuses 32-bit pointer arithmetic. Clang makes
	 * `__u32 len = ctx->data_end - ctx->data` a 32-bit sub. The kernel
	 * leaves all 64 bits unknown; outside kernel_compat the upper half is
	 * known to be zero. */
	if (dptr && sptr) {
		if (op == BPFRT_SUB && !((dst->flags | src->flags) & PTR_MAYBE_NULL) &&
		    (dst->type == src->type || (reg_is_pkt_any(dst) && reg_is_pkt_any(src)))) {
			mark_reg_unknown(dst);
			if (alu32 && !env->opts->kernel_compat)
				coerce_reg_to_size(dst, 4);
			return 0;
		}
		verbose(env, "R%u pointer %s pointer prohibited\n", insn->dst_reg, op_name(op));
		return -EACCES;
	}
	if (alu32) {
		verbose(env, "R%u 32-bit pointer arithmetic prohibited\n", insn->dst_reg);
		return -EACCES;
	}
	if (dptr && op == BPFRT_SUB && dst->type == PTR_TO_STACK && env->opts->kernel_compat) {
		/* the kernel's JITs may not handle it; ours do */
		verbose(env, "R%u subtraction from stack pointer prohibited\n", insn->dst_reg);
		return -EACCES;
	}
	/* the scalar moves the pointer: its value matters */
	int err;
	if (dptr) {
		if (BPFRT_SRC(insn->code) == BPFRT_X && (err = mark_chain_precision(env, insn->src_reg)))
			return err;
		return ptr_arith(env, dst, dst, src, op, insn->dst_reg);
	}
	/* scalar OP pointer */
	if (op == BPFRT_ADD) {
		if ((err = mark_chain_precision(env, insn->dst_reg)))
			return err;
		return ptr_arith(env, dst, src, dst, op, insn->dst_reg);
	}
	if (op == BPFRT_SUB) {
		verbose(env, "R%u tried to subtract pointer from scalar\n", insn->dst_reg);
		return -EACCES;
	}
	verbose(env, "R%u pointer arithmetic with %s operator prohibited (%s)\n", insn->dst_reg,
		op_name(op), reg_type_str(src, b, sizeof(b)));
	return -EACCES;
}

static int do_mov(struct verifier_env *env, const struct bpfrt_insn *insn,
		  const struct isa_form *f, bool alu32)
{
	struct reg_state *regs = cur_regs(env);
	struct reg_state *dst = &regs[insn->dst_reg];
	if (BPFRT_SRC(insn->code) == BPFRT_K) {
		mark_reg_known(dst, alu32 ? (uint32_t)insn->imm : (uint64_t)(int64_t)insn->imm);
		return 0;
	}
	struct reg_state *src = &regs[insn->src_reg];
	int err = check_read(env, insn->src_reg);
	if (err)
		return err;
	if (isa_form_has(f, ISA_F_SIGNED)) { /* movsx */
		if (src->type != SCALAR_VALUE) {
			verbose(env, "R%u sign-extension part of pointer\n", insn->src_reg);
			return -EACCES;
		}
		/* a value the extension leaves as it is stays linked to its
		 * source (the kernel's no_sext) */
		if (src->umax_value < (1ULL << (insn->off - 1))) {
			copy_reg_linked(env, dst, src);
		} else {
			*dst = *src;
			dst->id = 0;
		}
		if (alu32)
			coerce_subreg_to_size_sx(dst, insn->off / 8);
		else
			coerce_reg_to_size_sx(dst, insn->off / 8);
		return 0;
	}
	if (!alu32) {
		copy_reg_linked(env, dst, src);
		return 0;
	}
	if (src->type != SCALAR_VALUE) {
		/* a pointer's low half is just a number */
		mark_reg_unknown(dst);
		coerce_reg_to_size(dst, 4);
		return 0;
	}
	/* w = w of a value that fits in 32 bits copies it: linked, as the
	 * kernel links them */
	if (src->umax_value <= UINT32_MAX) {
		copy_reg_linked(env, dst, src);
		return 0;
	}
	struct reg_state v = *src;
	v.id = 0;
	zext_32_to_64(&v);
	*dst = v;
	return 0;
}

static uint64_t bswap_width(uint64_t v, unsigned width)
{
	return width == 16 ? __builtin_bswap16((uint16_t)v)
	       : width == 32 ? __builtin_bswap32((uint32_t)v)
			     : __builtin_bswap64(v);
}

static int do_unary(struct verifier_env *env, const struct bpfrt_insn *insn,
		    const struct isa_form *f)
{
	struct reg_state *dst = &cur_regs(env)[insn->dst_reg];
	if (dst->type != SCALAR_VALUE) {
		verbose(env, "R%u pointer arithmetic prohibited\n", insn->dst_reg);
		return -EACCES;
	}
	dst->id = 0;
	if (f->op == ISA_OP_NEG64 || f->op == ISA_OP_NEG32) {
		struct reg_state zero;
		mark_reg_known_zero(&zero);
		struct reg_state v = *dst;
		scalar_alu(&zero, &v, BPFRT_SUB, f->op == ISA_OP_NEG32);
		*dst = zero;
		return 0;
	}
	/* byte order */
	unsigned width = (unsigned)insn->imm;
	bool swaps = f->op != ISA_OP_LE16 && f->op != ISA_OP_LE32 && f->op != ISA_OP_LE64;
	if (reg_is_const(dst)) {
		uint64_t v = dst->var_off.value;
		if (swaps)
			v = bswap_width(v, width);
		else
			v = width == 64 ? v : v & ((1ULL << width) - 1);
		mark_reg_known(dst, v);
		return 0;
	}
	if (swaps) {
		/* the known bits move with their bytes (the kernel's
		 * tnum_bswap16/32/64): bswap64 of a u32 has a zero low half */
		struct tnum t = tnum_cast(dst->var_off, (uint8_t)(width / 8));
		mark_reg_unknown(dst);
		dst->var_off = (struct tnum){ .value = bswap_width(t.value, width),
					      .mask = bswap_width(t.mask, width) };
		reg_bounds_sync(dst);
		return 0;
	}
	coerce_reg_to_size(dst, (int)width / 8);
	return 0;
}

/* What the backends may skip here (facts.h FACT_U_*): the zero and -1
 * checks of a division by a register, the zero-extension of `w = w` and
 * le32. Instructions the proof is not about record nothing. */
static int record_proofs(struct verifier_env *env, const struct bpfrt_insn *insn, int insn_idx,
			 bool alu32)
{
	const struct isa_form *f = insn_form(env, (uint32_t)insn_idx);
	const struct reg_state *regs = cur_regs(env);
	uint8_t op = BPFRT_OP(insn->code), *unproven = &env->facts->insn[insn_idx].unproven;
	bool div = (op == BPFRT_DIV || op == BPFRT_MOD) && BPFRT_SRC(insn->code) == BPFRT_X;
	bool zext = (op == BPFRT_MOV && alu32 && BPFRT_SRC(insn->code) == BPFRT_X &&
		     insn->dst_reg == insn->src_reg && !insn->off) ||
		    f->op == ISA_OP_LE32;
	int err = 0;

	if (div) {
		const struct reg_state *d = &regs[insn->src_reg];
		bool scalar = d->type == SCALAR_VALUE;
		bool nonzero = scalar && (alu32 ? d->u32_min_value > 0 || d->s32_min_value > 0 ||
							  d->s32_max_value < 0
						: d->umin_value > 0 || d->smin_value > 0 ||
							  d->smax_value < 0);
		bool not_m1 = scalar && (alu32 ? d->s32_min_value > -1 || d->s32_max_value < -1
					       : d->smin_value > -1 || d->smax_value < -1);
		if (!nonzero)
			*unproven |= FACT_U_DIV_ZERO;
		if (isa_form_has(f, ISA_F_SIGNED) && !not_m1)
			*unproven |= FACT_U_DIV_MINUS1;
		if (nonzero || (isa_form_has(f, ISA_F_SIGNED) && not_m1))
			err = mark_chain_precision(env, insn->src_reg);
	} else if (zext) {
		const struct reg_state *r = &regs[insn->dst_reg];
		if (r->type == SCALAR_VALUE && r->umax_value <= UINT32_MAX)
			err = mark_chain_precision(env, insn->dst_reg);
		else
			*unproven |= FACT_U_UPPER;
	}
	return err;
}

/* The kernel's is_safe_to_compute_dst_reg_range: which scalar operations
 * it computes bounds for (kernel_compat mirrors it). */
static bool kernel_tracks(uint8_t op, bool alu32, const struct reg_state *src)
{
	switch (op) {
	case BPFRT_ADD: case BPFRT_SUB: case BPFRT_MUL:
	case BPFRT_AND: case BPFRT_OR: case BPFRT_XOR:
		return true;
	case BPFRT_LSH: case BPFRT_RSH: case BPFRT_ARSH: {
		bool k = alu32 ? tnum_subreg_is_const(src->var_off) &&
					 src->u32_min_value == src->u32_max_value
			       : reg_is_const(src);
		return k && src->umax_value < (alu32 ? 32u : 64u);
	}
	default:
		return false;
	}
}

/* Set a scalar to v, all 64 bits or (low32) only the low 32 (the kernel's
 * __mark_reg_known / __mark_reg32_known): its id goes, its marks stay. */
static void set_known(struct reg_state *r, uint64_t v, bool low32)
{
	if (low32) {
		r->var_off = tnum_const_subreg(r->var_off, (uint32_t)v);
		r->s32_min_value = r->s32_max_value = (int32_t)v;
		r->u32_min_value = r->u32_max_value = (uint32_t)v;
		reg_bounds_sync(r);
	} else {
		r->var_off = tnum_const(v);
		r->smin_value = r->smax_value = (int64_t)v;
		r->umin_value = r->umax_value = v;
		r->s32_min_value = r->s32_max_value = (int32_t)v;
		r->u32_min_value = r->u32_max_value = (uint32_t)v;
	}
	r->id = 0;
}

/* The kernel's maybe_fork_scalars (6.18.y, 6.19): `r &= K` or `r |= K` on
 * a scalar in [-1, 0] (its 64-bit range, else its low 32 bits) -- the
 * select LLVM writes as `s>>= 63; &= K` -- splits the path: this one goes
 * on with -1, a pushed one with 0, each with the operation's own result
 * (the kernel re-executes the insn on the pushed path, so OR gives K).
 * Default mode keeps one path: the result is one of the two constants
 * (their join), which is as good for the accesses it bounds and does not
 * double the paths of a loop doing it every turn (crc32_bitwise's
 * `poly & -(crc & 1)`). Returns 1 when it computed the result itself. */
static int fork_sign_mask(struct verifier_env *env, const struct bpfrt_insn *insn, int insn_idx,
			  const struct reg_state *src, uint8_t op, bool alu32)
{
	struct reg_state *dst = &cur_regs(env)[insn->dst_reg];
	bool low32;
	if (dst->smin_value == -1 && dst->smax_value == 0)
		low32 = false;
	else if (dst->s32_min_value == -1 && dst->s32_max_value == 0)
		low32 = true;
	else
		return 0;
	if (!env->opts->kernel_compat) {
		if (low32 && !alu32) /* the upper half is not one of two values */
			return 0;
		struct reg_state z = *dst, o = *dst;
		set_known(&z, 0, low32);
		set_known(&o, UINT64_MAX, low32);
		scalar_alu(&z, src, op, alu32);
		scalar_alu(&o, src, op, alu32);
		if (!reg_is_const(&z) || !reg_is_const(&o))
			return 0;
		uint64_t a = z.var_off.value, b = o.var_off.value;
		if (a > b) { /* a the smaller unsigned */
			uint64_t t = a;
			a = b;
			b = t;
		}
		mark_reg_unknown(dst);
		dst->var_off = (struct tnum){ .value = a & b, .mask = a ^ b };
		dst->umin_value = a;
		dst->umax_value = b;
		dst->smin_value = (int64_t)a < (int64_t)b ? (int64_t)a : (int64_t)b;
		dst->smax_value = (int64_t)a < (int64_t)b ? (int64_t)b : (int64_t)a;
		dst->u32_min_value = (uint32_t)a < (uint32_t)b ? (uint32_t)a : (uint32_t)b;
		dst->u32_max_value = (uint32_t)a < (uint32_t)b ? (uint32_t)b : (uint32_t)a;
		dst->s32_min_value = (int32_t)a < (int32_t)b ? (int32_t)a : (int32_t)b;
		dst->s32_max_value = (int32_t)a < (int32_t)b ? (int32_t)b : (int32_t)a;
		reg_bounds_sync(dst);
		return 1;
	}
	struct vstate *other = state_dup(env, env->cur);
	if (!other)
		return env->err = -ENOMEM;
	struct reg_state *zero = &other->frame[other->curframe]->regs[insn->dst_reg];
	set_known(zero, 0, low32);
	scalar_alu(zero, src, op, alu32);
	set_known(dst, UINT64_MAX, low32);
	return push_state(env, other, (uint32_t)insn_idx + 1, (uint32_t)insn_idx);
}

int do_alu(struct verifier_env *env, const struct bpfrt_insn *insn, int insn_idx)
{
	const struct isa_form *f = insn_form(env, (uint32_t)insn_idx);
	struct reg_state *regs = cur_regs(env);
	bool alu32 = BPFRT_CLASS(insn->code) == BPFRT_ALU;
	uint8_t op = BPFRT_OP(insn->code);
	int err;

	if (isa_form_has(f, ISA_F_READS_DST) && (err = check_read(env, insn->dst_reg)))
		return err;
	if (BPFRT_SRC(insn->code) == BPFRT_X && op != BPFRT_END && op != BPFRT_NEG &&
	    (err = check_read(env, insn->src_reg)))
		return err;
	if ((err = record_proofs(env, insn, insn_idx, alu32)))
		return err;
	if (op == BPFRT_MOV)
		return do_mov(env, insn, f, alu32);
	if (op == BPFRT_NEG || op == BPFRT_END)
		return do_unary(env, insn, f);

	struct reg_state *dst = &regs[insn->dst_reg];
	struct reg_state src;
	if (BPFRT_SRC(insn->code) == BPFRT_X) {
		if ((err = check_read(env, insn->src_reg)))
			return err;
		src = regs[insn->src_reg];
	} else {
		mark_reg_known(&src, alu32 ? (uint32_t)insn->imm : (uint64_t)(int64_t)insn->imm);
		if (env->opts->kernel_compat) {
			if ((op == BPFRT_DIV || op == BPFRT_MOD) && !insn->imm) {
				verbose(env, "div by zero\n");
				return -EINVAL;
			}
			if ((op == BPFRT_LSH || op == BPFRT_RSH || op == BPFRT_ARSH) &&
			    (uint32_t)insn->imm >= (alu32 ? 32u : 64u)) {
				verbose(env, "invalid shift %d\n", insn->imm);
				return -EINVAL;
			}
		}
	}
	if (reg_is_pointer(dst) || reg_is_pointer(&src))
		return alu_pointer(env, insn, op, alu32, dst, &src);
	bool shift = op == BPFRT_LSH || op == BPFRT_RSH || op == BPFRT_ARSH;
	if (env->opts->kernel_compat && !kernel_tracks(op, alu32, &src)) {
		/* the kernel does not track division (not even of constants)
		 * nor shifts by a register or past the width (not every
		 * architecture masks the amount; RFC 9669 and ours do): the
		 * result is unknown, all 64 bits of it even after a 32-bit
		 * operation (its adjust_scalar_min_max_vals returns before
		 * the zero-extension) */
		mark_reg_unknown(dst);
		return 0;
	}
	if (shift && reg_is_const(&src))
		mark_reg_known(&src, src.var_off.value & (alu32 ? 31 : 63));
	if ((op == BPFRT_AND || op == BPFRT_OR) && reg_is_const(&src) &&
	    (err = fork_sign_mask(env, insn, insn_idx, &src, op, alu32)))
		return err < 0 ? err : 0;
	scalar_alu(dst, &src, isa_form_has(f, ISA_F_SIGNED) && op != BPFRT_ARSH ? op | 1 : op,
		   alu32);
	return 0;
}

int do_ld_imm64(struct verifier_env *env, const struct bpfrt_insn *insn, int insn_idx)
{
	struct reg_state *dst = &cur_regs(env)[insn->dst_reg];
	const struct bpfrt_verify_opts *o = env->opts;
	uint64_t imm64 = (uint32_t)insn[0].imm | ((uint64_t)(uint32_t)insn[1].imm << 32);
	switch (insn->src_reg) {
	case 0:
		mark_reg_known(dst, imm64);
		return 0;
	case BPFRT_PSEUDO_MAP_FD:
	case BPFRT_PSEUDO_MAP_IDX:
	case BPFRT_PSEUDO_MAP_VALUE:
	case BPFRT_PSEUDO_MAP_IDX_VALUE: {
		uint32_t idx = (uint32_t)insn->imm;
		if (idx >= o->map_cnt) {
			verbose(env, "fd %d is not pointing to valid bpf_map\n", insn->imm);
			return -EINVAL;
		}
		if (insn->src_reg == BPFRT_PSEUDO_MAP_FD || insn->src_reg == BPFRT_PSEUDO_MAP_IDX) {
			mark_ptr(dst, CONST_PTR_TO_MAP);
			dst->map_idx = idx;
			return 0;
		}
		const struct bpfrt_verify_map *m = &o->maps[idx];
		uint32_t off = (uint32_t)insn[1].imm;
		if (m->type != 2 /* array */ || m->max_entries < 1) {
			verbose(env, "map %u has no direct value access (array maps only)\n", idx);
			return -EINVAL;
		}
		if (off >= m->value_size) {
			verbose(env, "invalid access to map value pointer, value_size=%u off=%u\n",
				m->value_size, off);
			return -EACCES;
		}
		mark_ptr(dst, PTR_TO_MAP_VALUE);
		dst->map_idx = idx;
		dst->off = (int32_t)off;
		if (m->flags & (1u << 7))
			dst->flags |= MEM_RDONLY;
		return 0;
	}
	case BPFRT_PSEUDO_FUNC: {
		int64_t target = (int64_t)insn_idx + insn->imm + 1;
		int sp = target >= 0 && target < env->insn_cnt ? find_subprog(env, (uint32_t)target)
							      : -1;
		if (sp < 0) {
			verbose(env, "function pointer to insn %" PRId64 " is not a subprogram\n",
				target);
			return -EINVAL;
		}
		mark_ptr(dst, PTR_TO_FUNC);
		dst->subprog = (uint32_t)sp;
		return 0;
	}
	default:
		verbose(env, "unsupported ld_imm64 kind src_reg=%u (BTF ksyms are not supported)\n",
			insn->src_reg);
		return -EINVAL;
	}
}
