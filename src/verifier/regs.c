/* SPDX-License-Identifier: MIT */
/* Register states: marking, naming, ids for null checks and linked scalars. */
#include <stdio.h>
#include <string.h>

#include "verifier/state.h"

static const char *const type_names[REG_TYPE_COUNT] = {
	[NOT_INIT] = "?",
	[SCALAR_VALUE] = "scalar",
	[PTR_TO_CTX] = "ctx",
	[CONST_PTR_TO_MAP] = "map_ptr",
	[PTR_TO_MAP_VALUE] = "map_value",
	[PTR_TO_MAP_KEY] = "map_key",
	[PTR_TO_STACK] = "fp",
	[PTR_TO_MEM] = "mem",
	[PTR_TO_FUNC] = "func",
	[PTR_TO_PACKET_META] = "pkt_meta",
	[PTR_TO_PACKET] = "pkt",
	[PTR_TO_PACKET_END] = "pkt_end",
	[PTR_TO_BTF_ID] = "ptr_",
	[PTR_TO_CPUMASK] = "ptr_bpf_cpumask",
	[PTR_TO_TP_BUFFER] = "tp_buffer",
	[CONST_PTR_TO_DYNPTR] = "dynptr_ptr",
};

const char *reg_type_str(const struct reg_state *r, char *buf, unsigned size)
{
	const char *base = r->type < REG_TYPE_COUNT ? type_names[r->type] : "?";
	bool btf = r->type == PTR_TO_BTF_ID;
	snprintf(buf, size, "%s%s%s%s%s%s", (r->flags & MEM_RDONLY) ? "rdonly_" : "",
		 (r->flags & MEM_RINGBUF) ? "ringbuf_" : "",
		 (r->flags & PTR_UNTRUSTED) ? "untrusted_" : "",
		 (r->flags & PTR_TRUSTED) ? "trusted_" : "", base,
		 !(r->flags & PTR_MAYBE_NULL) ? "" : btf ? "or_null_" : "_or_null");
	return buf;
}

void mark_reg_not_init(struct reg_state *r)
{
	memset(r, 0, sizeof(*r));
	r->type = NOT_INIT;
	mark_reg_unbounded(r);
	r->var_off = tnum_unknown;
}

void mark_reg_unknown(struct reg_state *r)
{
	memset(r, 0, sizeof(*r));
	r->type = SCALAR_VALUE;
	r->var_off = tnum_unknown;
	mark_reg_unbounded(r);
}

void mark_reg_known(struct reg_state *r, uint64_t value)
{
	memset(r, 0, sizeof(*r));
	r->type = SCALAR_VALUE;
	r->var_off = tnum_const(value);
	r->smin_value = r->smax_value = (int64_t)value;
	r->umin_value = r->umax_value = value;
	r->s32_min_value = r->s32_max_value = (int32_t)value;
	r->u32_min_value = r->u32_max_value = (uint32_t)value;
}

void mark_reg_known_zero(struct reg_state *r)
{
	mark_reg_known(r, 0);
}

/* A pointer with offset 0 (fixed and variable). */
void mark_ptr(struct reg_state *r, enum reg_type type)
{
	mark_reg_known_zero(r);
	r->type = (uint8_t)type;
}

bool reg_is_const(const struct reg_state *r)
{
	return r->type == SCALAR_VALUE && tnum_is_const(r->var_off);
}

uint32_t new_id(struct verifier_env *env)
{
	return ++env->id_gen;
}

void copy_reg_linked(struct verifier_env *env, struct reg_state *dst, struct reg_state *src)
{
	/* Scalars copied with mov share an id, so that a later branch on one
	 * refines both (kernel: find_equal_scalars). Constants need no link. */
	if (src->type == SCALAR_VALUE && !src->id && !tnum_is_const(src->var_off))
		src->id = new_id(env);
	*dst = *src;
}

void for_each_reg_with_id(struct vstate *st, uint32_t id,
			  void (*fn)(struct reg_state *r, void *arg), void *arg)
{
	if (!id)
		return;
	for (uint32_t f = 0; f <= st->curframe; f++) {
		struct func_state *fs = st->frame[f];
		for (int i = 0; i < MAX_BPF_REG; i++)
			if (fs->regs[i].id == id)
				fn(&fs->regs[i], arg);
		for (uint32_t s = 0; s < fs->nslots; s++)
			if (fs->stack[s].kind[7] == STACK_SPILL && fs->stack[s].spilled.id == id)
				fn(&fs->stack[s].spilled, arg);
	}
}
