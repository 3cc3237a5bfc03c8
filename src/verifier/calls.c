/* SPDX-License-Identifier: MIT */
/*
 * Calls: helpers (arguments checked against the helper table's prototypes,
 * map/helper compatibility, references, callbacks run by bpf_loop and
 * for_each_map_elem), BPF-to-BPF calls with a frame per call, exits, and
 * the 512-byte stack limit across call chains.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/helpers.h"
#include "isa/opcodes.h"
#include "verifier/calls.h"
#include "verifier/state.h"

/* Map types (kernel enum bpf_map_type) and the helpers tied to them. */
enum {
	MAP_HASH = 1, MAP_ARRAY = 2, MAP_PROG_ARRAY = 3, MAP_PERF_EVENT_ARRAY = 4,
	MAP_PERCPU_HASH = 5, MAP_PERCPU_ARRAY = 6, MAP_STACK_TRACE = 7, MAP_LRU_HASH = 9,
	MAP_LRU_PERCPU_HASH = 10, MAP_QUEUE = 22, MAP_STACK = 23, MAP_RINGBUF = 27,
	MAP_ARRAY_OF_MAPS = 12, MAP_HASH_OF_MAPS = 13, MAP_BLOOM_FILTER = 30,
};
enum {
	FN_map_lookup_elem = 1, FN_map_update_elem = 2, FN_map_delete_elem = 3,
	FN_tail_call = 12, FN_perf_event_output = 25, FN_get_stackid = 27,
	FN_map_push_elem = 87, FN_map_pop_elem = 88, FN_map_peek_elem = 89,
	FN_ringbuf_output = 130, FN_ringbuf_reserve = 131, FN_ringbuf_query = 134,
	FN_for_each_map_elem = 164, FN_loop = 181, FN_ringbuf_reserve_dynptr = 198,
	FN_spin_lock = 93, FN_spin_unlock = 94, FN_map_lookup_percpu_elem = 195,
};

/* Which map types a map-taking helper accepts (bit per type; 0: the
 * generic key/value maps). */
#define MT(t) (1ULL << (t))
#define KV_MAPS                                                                            \
	(MT(MAP_HASH) | MT(MAP_ARRAY) | MT(MAP_PERCPU_HASH) | MT(MAP_PERCPU_ARRAY) |       \
	 MT(MAP_LRU_HASH) | MT(MAP_LRU_PERCPU_HASH))
static const struct {
	uint32_t func;
	uint64_t maps;
} map_func_table[] = {
	/* from a program, maps of maps are only looked up (as the kernel) */
	{ FN_map_lookup_elem, KV_MAPS | MT(MAP_ARRAY_OF_MAPS) | MT(MAP_HASH_OF_MAPS) },
	{ FN_map_update_elem, KV_MAPS },
	{ FN_map_delete_elem, KV_MAPS },
	{ FN_for_each_map_elem, KV_MAPS },
	{ FN_tail_call, MT(MAP_PROG_ARRAY) },
	{ FN_perf_event_output, MT(MAP_PERF_EVENT_ARRAY) },
	{ FN_get_stackid, MT(MAP_STACK_TRACE) },
	{ FN_map_push_elem, MT(MAP_QUEUE) | MT(MAP_STACK) | MT(MAP_BLOOM_FILTER) },
	{ FN_map_pop_elem, MT(MAP_QUEUE) | MT(MAP_STACK) },
	{ FN_map_peek_elem, MT(MAP_QUEUE) | MT(MAP_STACK) | MT(MAP_BLOOM_FILTER) },
	{ FN_ringbuf_output, MT(MAP_RINGBUF) },
	{ FN_ringbuf_reserve, MT(MAP_RINGBUF) },
	{ FN_ringbuf_query, MT(MAP_RINGBUF) },
	{ FN_ringbuf_reserve_dynptr, MT(MAP_RINGBUF) },
	{ FN_map_lookup_percpu_elem,
	  MT(MAP_PERCPU_HASH) | MT(MAP_PERCPU_ARRAY) | MT(MAP_LRU_PERCPU_HASH) },
};

static int check_map_func(struct verifier_env *env, const struct helper_proto *p,
			  uint32_t map_idx)
{
	uint32_t type = env->opts->maps[map_idx].type;
	for (size_t i = 0; i < sizeof(map_func_table) / sizeof(map_func_table[0]); i++) {
		if (map_func_table[i].func != p->id)
			continue;
		if (type < 64 && (map_func_table[i].maps & MT(type)))
			return 0;
		break;
	}
	/* helpers not in the table take any map (e.g. bpf_map_sum_elem_count) */
	bool listed = false;
	for (size_t i = 0; i < sizeof(map_func_table) / sizeof(map_func_table[0]); i++)
		listed |= map_func_table[i].func == p->id;
	if (!listed)
		return 0;
	verbose(env, "cannot pass map_type %u into func %s#%u\n", type, helper_kernel_name(p->id),
		p->id);
	return -EINVAL;
}

static bool is_map_of_maps(const struct bpfrt_verify_map *m)
{
	return m->type == MAP_ARRAY_OF_MAPS || m->type == MAP_HASH_OF_MAPS;
}

/* A lookup in a map of maps gives one of its inner maps, or NULL: a map
 * pointer of the inner template's shape (kernel: CONST_PTR_TO_MAP with the
 * inner map's meta). */
static int ret_inner_map(struct verifier_env *env, struct reg_state *r0,
			 const struct bpfrt_verify_map *outer)
{
	if (!outer->inner_map || outer->inner_map > env->opts->map_cnt) {
		verbose(env, "map of maps without a known inner map template\n");
		return -EINVAL;
	}
	mark_ptr(r0, CONST_PTR_TO_MAP);
	r0->flags = PTR_MAYBE_NULL;
	r0->map_idx = outer->inner_map - 1;
	r0->id = new_id(env);
	return 0;
}

void call_meta_init(struct call_meta *meta, const char *fname)
{
	*meta = (struct call_meta){ .fname = fname, .map_idx = -1, .mem_regno = -1,
				    .const_size = -1, .const_key = -1, .callback_subprog = -1,
				    .uninit_dynptr_regno = -1, .iter_regno = -1, .lock_map = -1 };
}

int arg_type_err(struct verifier_env *env, uint32_t regno, const struct reg_state *r,
			const char *expected)
{
	char b[48];
	verbose(env, "R%u type=%s expected=%s\n", regno, reg_type_str(r, b, sizeof(b)), expected);
	return -EACCES;
}

/* A trusted BTF pointer is memory a helper may read, not write (the
 * kernel's check_reg_type() for mem_types without MEM_RDONLY). */
static int btf_mem_write_err(struct verifier_env *env, const struct helper_proto *p,
			     uint32_t regno)
{
	const struct reg_state *r = &cur_regs(env)[regno];
	char b[48];
	/* kfuncs (p NULL): check_helper_mem's "only read is supported" */
	if (!p || r->type != PTR_TO_BTF_ID || !(r->flags & PTR_TRUSTED) ||
	    (r->flags & PTR_UNTRUSTED) || (r->flags & PTR_MAYBE_NULL))
		return 0;
	verbose(env, "%s() may write into memory pointed by R%u type=%s\n",
		helper_kernel_name(p->id), regno, reg_type_str(r, b, sizeof(b)));
	return -EACCES;
}

/* An array map's key read from the stack when it is a known constant,
 * else -1: a lookup of a key below max_entries cannot fail. As the
 * kernel's get_constant_map_key: the key_size bytes from the key to the
 * end of its slot are zero bytes, or they are exactly a spilled constant
 * scalar (then made precise, so no state with another key prunes this
 * one). Not for an inner map template with BPF_F_INNER_MAP: the inner
 * maps may be smaller (kernel fix "bpf: Keep dynamic inner array lookups
 * nullable", 2026). */
static int64_t const_stack_key(struct verifier_env *env, const struct reg_state *r,
			       const struct bpfrt_verify_map *m)
{
	if ((m->type != MAP_ARRAY && m->type != MAP_PERCPU_ARRAY) ||
	    (m->flags & (1u << 12) /* BPF_F_INNER_MAP */) ||
	    r->type != PTR_TO_STACK || !tnum_is_const(r->var_off) ||
	    r->frameno > env->cur->curframe)
		return -1;
	int64_t off = (int64_t)r->off + (int64_t)r->var_off.value;
	struct func_state *f = env->cur->frame[r->frameno];
	if (off >= 0 || off < -(int64_t)f->nslots * 8)
		return -1;
	uint32_t spi = (uint32_t)((-off - 1) / 8);
	int first = (int)((-off - 1) % 8); /* kind[first] .. kind[0]: to the slot's end */
	const struct stack_slot *s = &f->stack[spi];
	uint32_t zero = 0, spill = 0;
	for (int i = first; i >= 0 && s->kind[i] == STACK_ZERO; i--)
		zero++;
	if (zero >= m->key_size)
		return 0;
	if (s->kind[7] != STACK_SPILL || s->spilled.type != SCALAR_VALUE)
		return -1;
	for (int i = first; i >= 0 && s->kind[i] == STACK_SPILL; i--)
		spill++;
	if (spill != m->key_size || !tnum_is_const(s->spilled.var_off))
		return -1;
	int err = mark_slot_precision(env, r->frameno, spi);
	if (err) {
		env->err = err;
		return -2;
	}
	return (int64_t)s->spilled.var_off.value;
}

int check_arg(struct verifier_env *env, const struct helper_proto *p, uint32_t regno,
	      enum helper_arg kind, struct call_meta *meta)
{
	struct reg_state *r = &cur_regs(env)[regno];
	const struct bpfrt_verify_opts *o = env->opts;
	if (kind == HELPER_ARG_NONE)
		return 0;
	if (r->type == NOT_INIT) {
		verbose(env, "R%u !read_ok\n", regno);
		return -EACCES;
	}
	switch (kind) {
	case HELPER_ARG_ANYTHING:
		return 0;
	case HELPER_ARG_CONST_MAP_PTR:
		if (r->type != CONST_PTR_TO_MAP || (r->flags & PTR_MAYBE_NULL))
			return arg_type_err(env, regno, r, "map_ptr");
		meta->map_idx = (int)r->map_idx;
		return p ? check_map_func(env, p, r->map_idx) : 0;
	case HELPER_ARG_PTR_TO_MAP_KEY:
	case HELPER_ARG_PTR_TO_MAP_VALUE:
	case HELPER_ARG_PTR_TO_UNINIT_MAP_VALUE: {
		if (meta->map_idx < 0) {
			verbose(env, "invalid map_ptr to access map->%s\n",
				kind == HELPER_ARG_PTR_TO_MAP_KEY ? "key" : "value");
			return -EACCES;
		}
		const struct bpfrt_verify_map *m = &o->maps[meta->map_idx];
		uint32_t size = kind == HELPER_ARG_PTR_TO_MAP_KEY ? m->key_size : m->value_size;
		if (r->type == PTR_TO_BTF_ID) /* the kernel's map_key_value_types */
			return arg_type_err(env, regno, r, "fp, pkt, pkt_meta, map_key, map_value");
		int err = check_helper_mem(env, regno, NULL, size,
					   kind == HELPER_ARG_PTR_TO_UNINIT_MAP_VALUE, false);
		if (!err && kind == HELPER_ARG_PTR_TO_MAP_KEY) {
			meta->const_key = const_stack_key(env, r, m);
			if (meta->const_key == -2)
				return env->err;
		}
		return err;
	}
	case HELPER_ARG_PTR_TO_MEM:
	case HELPER_ARG_PTR_TO_MEM_OR_NULL:
	case HELPER_ARG_PTR_TO_UNINIT_MEM:
	case HELPER_ARG_PTR_TO_UNINIT_MEM_OR_NULL:
		if (mark_chain_precision(env, regno)) /* a scalar must be NULL */
			return env->err = -ENOMEM;
		meta->mem_regno = (int)regno;
		meta->mem_uninit = kind == HELPER_ARG_PTR_TO_UNINIT_MEM ||
				   kind == HELPER_ARG_PTR_TO_UNINIT_MEM_OR_NULL;
		meta->mem_or_null = kind == HELPER_ARG_PTR_TO_MEM_OR_NULL ||
				    kind == HELPER_ARG_PTR_TO_UNINIT_MEM_OR_NULL;
		if (r->type == SCALAR_VALUE && !(meta->mem_or_null && reg_is_const(r) &&
						 !r->var_off.value))
			return arg_type_err(env, regno, r, "fp, map_value, mem");
		return meta->mem_uninit ? btf_mem_write_err(env, p, regno) : 0;
	case HELPER_ARG_CONST_SIZE:
	case HELPER_ARG_CONST_SIZE_OR_ZERO:
		if (r->type != SCALAR_VALUE)
			return arg_type_err(env, regno, r, "scalar");
		if (mark_chain_precision(env, regno))
			return env->err = -ENOMEM;
		if (meta->mem_regno < 0) {
			verbose(env, "R%u size argument without a memory argument\n", regno);
			return -EACCES;
		}
		meta->const_size = reg_is_const(r) ? (int64_t)r->var_off.value : -1;
		if (!p && meta->mem_or_null) {
			/* a kfunc's optional buffer (`buffer__opt`): NULL whatever the size */
			const struct reg_state *m = &cur_regs(env)[meta->mem_regno];
			if (m->type == SCALAR_VALUE && reg_is_const(m) && !m->var_off.value)
				return 0;
		}
		return check_helper_mem(env, (uint32_t)meta->mem_regno, r, 0, meta->mem_uninit,
					kind == HELPER_ARG_CONST_SIZE_OR_ZERO);
	case HELPER_ARG_CONST_ALLOC_SIZE_OR_ZERO:
		if (mark_chain_precision(env, regno))
			return env->err = -ENOMEM;
		if (!reg_is_const(r)) {
			verbose(env, "R%u is not a known constant'\n", regno);
			return -EACCES;
		}
		meta->alloc_size = (int64_t)r->var_off.value;
		return 0;
	case HELPER_ARG_PTR_TO_CPUMASK:
		if (r->type != PTR_TO_CPUMASK) {
			char b[48];
			verbose(env, "arg#%u expected pointer to struct bpf_cpumask, not %s\n", regno - 1,
				reg_type_str(r, b, sizeof(b)));
			return -EINVAL;
		}
		if (r->flags & PTR_MAYBE_NULL) { /* the kernel's message */
			verbose(env, "Possibly NULL pointer passed to trusted arg%u\n", regno - 1);
			return -EACCES;
		}
		return 0;
	case HELPER_ARG_PTR_TO_CTX:
		if (r->type == PTR_TO_CTX ||
		    (o->attach == BPFRT_ATTACH_UNSPEC && r->type == PTR_TO_MEM && !(r->flags & MEM_RINGBUF))) {
			if (r->off || !tnum_equals_const(r->var_off, 0)) {
				verbose(env, "dereference of modified ctx ptr R%u off=%d disallowed\n",
					regno, r->off);
				return -EACCES;
			}
			return 0;
		}
		return arg_type_err(env, regno, r, "ctx");
	case HELPER_ARG_PTR_TO_CONST_STR: {
		if (r->type != PTR_TO_MAP_VALUE || !(r->flags & MEM_RDONLY)) {
			verbose(env, "R%u does not point to a readonly map'\n", regno);
			return -EACCES;
		}
		if (!tnum_is_const(r->var_off)) {
			verbose(env, "R%u is not a constant address'\n", regno);
			return -EACCES;
		}
		int err = check_helper_mem(env, regno, NULL, 1, false, false);
		if (err)
			return err;
		/* The helper reads up to the NUL: it must be inside the value,
		 * which only a frozen map's known bytes can prove. */
		const struct bpfrt_verify_map *m = &o->maps[r->map_idx];
		int64_t at = (int64_t)r->off + (int64_t)r->var_off.value;
		const uint8_t *p = frozen_bytes(env, r, 0, (int)(m->value_size - at));
		if (!p) {
			verbose(env, "R%u does not point to a frozen map's constant string\n", regno);
			return -EACCES;
		}
		if (!memchr(p, 0, m->value_size - (size_t)at)) {
			verbose(env, "string is not zero-terminated\n");
			return -EACCES;
		}
		return 0;
	}
	case HELPER_ARG_PTR_TO_FUNC:
		if (r->type != PTR_TO_FUNC)
			return arg_type_err(env, regno, r, "func");
		meta->callback_subprog = (int)r->subprog;
		return 0;
	case HELPER_ARG_PTR_TO_STACK_OR_NULL:
		if (mark_chain_precision(env, regno))
			return env->err = -ENOMEM;
		if (reg_is_const(r) && !r->var_off.value)
			return 0;
		if (r->type != PTR_TO_STACK)
			return arg_type_err(env, regno, r, "fp");
		meta->ctx_regno = regno;
		return 0;
	case HELPER_ARG_PTR_TO_RINGBUF_MEM:
		if (r->type != PTR_TO_MEM || !(r->flags & MEM_RINGBUF) || (r->flags & PTR_MAYBE_NULL))
			return arg_type_err(env, regno, r, "ringbuf_mem");
		if (r->off || !tnum_equals_const(r->var_off, 0)) {
			verbose(env, "R%u must have zero offset when passed to release func\n", regno);
			return -EACCES;
		}
		meta->release_ref = r->ref_obj_id;
		return 0;
	case HELPER_ARG_PTR_TO_SPIN_LOCK:
		return lock_check_arg(env, regno, meta);
	case HELPER_ARG_PTR_TO_LONG:
		if (btf_mem_write_err(env, p, regno))
			return -EACCES;
		return check_helper_mem(env, regno, NULL, 8, true, false);
	case HELPER_ARG_PTR_TO_DYNPTR:
	case HELPER_ARG_PTR_TO_DYNPTR_UNINIT:
	case HELPER_ARG_PTR_TO_DYNPTR_RINGBUF:
		return dynptr_check_arg(env, regno, kind, meta);
	default:
		verbose(env, "R%u unsupported argument kind %d\n", regno, kind);
		return -EINVAL;
	}
}

void clobber_caller_saved(struct reg_state *regs)
{
	for (int i = 1; i <= 5; i++)
		mark_reg_not_init(&regs[i]);
}

static void invalidate_ref(struct reg_state *r, void *arg)
{
	(void)arg;
	mark_reg_unknown(r);
}

uint32_t acquire_reference(struct verifier_env *env, int insn_idx)
{
	struct vstate *st = env->cur;
	if (st->refcnt >= MAX_REFS) {
		verbose(env, "too many references held (max %d)\n", MAX_REFS);
		return 0;
	}
	uint32_t ref = new_id(env);
	st->refs[st->refcnt].id = ref;
	st->refs[st->refcnt].insn_idx = (uint32_t)insn_idx;
	st->refcnt++;
	return ref;
}

int release_reference(struct verifier_env *env, uint32_t ref)
{
	struct vstate *st = env->cur;
	for (uint32_t i = 0; i < st->refcnt; i++) {
		if (st->refs[i].id != ref)
			continue;
		st->refs[i] = st->refs[--st->refcnt];
		for (uint32_t f = 0; f <= st->curframe; f++) {
			struct func_state *fs = st->frame[f];
			for (int r = 0; r < MAX_BPF_REG; r++)
				if (fs->regs[r].ref_obj_id == ref)
					invalidate_ref(&fs->regs[r], NULL);
			for (uint32_t s = 0; s < fs->nslots; s++) {
				struct stack_slot *sl = &fs->stack[s];
				if (sl->spilled.ref_obj_id != ref)
					continue;
				if (sl->kind[7] == STACK_SPILL) {
					invalidate_ref(&sl->spilled, NULL);
				} else if (sl->kind[0] == STACK_DYNPTR || sl->kind[0] == STACK_ITER) {
					/* the object is gone: its bytes are invalid */
					memset(sl->kind, STACK_INVALID, 8);
					memset(&sl->spilled, 0, sizeof(sl->spilled));
				}
			}
		}
		return 0;
	}
	verbose(env, "reference has not been acquired before\n");
	return -EINVAL;
}

static struct func_state *new_frame(struct verifier_env *env, uint32_t subprog, uint32_t callsite,
				    uint32_t frameno)
{
	struct func_state *f = frame_new(env);
	if (!f)
		return NULL;
	f->regs[BPFRT_REG_FP].frameno = (uint8_t)frameno;
	f->subprog = subprog;
	f->callsite = callsite;
	f->frameno = frameno;
	return f;
}

/* The arguments the helper passes its callback. */
static void callback_args(struct func_state *f, const struct func_state *caller)
{
	struct reg_state *r = f->regs;
	const struct reg_state *cr = caller->regs;
	if (f->cb_helper == FN_loop) {
		/* long callback(u64 index, void *ctx) */
		mark_reg_unknown(&r[1]);
		coerce_reg_to_size(&r[1], 4);
		r[2] = cr[3];
		return;
	}
	/* long callback(map, key, value, ctx) */
	mark_ptr(&r[1], CONST_PTR_TO_MAP);
	mark_ptr(&r[2], PTR_TO_MAP_KEY);
	mark_ptr(&r[3], PTR_TO_MAP_VALUE);
	r[1].map_idx = r[2].map_idx = r[3].map_idx = f->cb_map;
	r[4] = cr[3];
}

/* Enters a callback subprogram from helper call at insn_idx. */
static int enter_callback(struct verifier_env *env, const struct helper_proto *p,
			  const struct call_meta *meta, int insn_idx, int *next_idx)
{
	struct vstate *st = env->cur;
	if (st->curframe + 1 >= MAX_FRAMES) {
		verbose(env, "the call stack of %u frames is too deep\n", st->curframe + 2);
		return -E2BIG;
	}
	uint32_t sp = (uint32_t)meta->callback_subprog;
	struct func_state *f = new_frame(env, sp, (uint32_t)insn_idx, st->curframe + 1);
	if (!f)
		return env->err;
	f->in_callback = true;
	f->cb_helper = p->id;
	f->cb_map = meta->map_idx >= 0 ? (uint32_t)meta->map_idx : 0;
	callback_args(f, cur_frame(env));
	st->frame[++st->curframe] = f;
	env->facts->insn[insn_idx].flags |= FACT_CALLBACK;
	*next_idx = (int)env->subprogs[sp].start;
	return 0;
}

static const struct bpfrt_verify_helper *embedder_helper(struct verifier_env *env, uint32_t id)
{
	for (size_t i = 0; i < env->opts->helper_cnt; i++)
		if (env->opts->helpers[i].id == id)
			return &env->opts->helpers[i];
	return NULL;
}

int do_helper_call(struct verifier_env *env, const struct bpfrt_insn *insn, int insn_idx,
		   uint32_t helper_id, int *next_idx)
{
	struct reg_state *regs = cur_regs(env);
	struct insn_fact *fact = &env->facts->insn[insn_idx];
	(void)insn;
	*next_idx = insn_idx + 1;
	if (fact->flags & FACT_CALL_HELPER && (uint32_t)fact->call_target != helper_id)
		fact->call_target = -1; /* callx with different targets on different paths */
	else
		fact->call_target = (int32_t)helper_id;
	fact->flags |= FACT_CALL_HELPER;

	const struct bpfrt_verify_helper *eh = embedder_helper(env, helper_id);
	if (eh) {
		for (uint32_t i = 1; i <= eh->nargs && i <= 5; i++) {
			if (regs[i].type == NOT_INIT) {
				verbose(env, "R%u !read_ok\n", i);
				return -EACCES;
			}
		}
		clobber_caller_saved(regs);
		mark_reg_unknown(&regs[0]);
		return 0;
	}
	const struct helper_proto *p = helper_proto_find(helper_id);
	if (!p) {
		const char *name = helper_kernel_name(helper_id);
		if (!strcmp(name, "unknown"))
			verbose(env, "invalid func unknown#%u\n", helper_id);
		else /* a kernel helper bpfrt does not provide */
			verbose(env, "unknown func %s#%u\n", name, helper_id);
		return -EINVAL;
	}
	if (!helper_allowed(p, env->opts->attach)) {
		verbose(env, "program of this type cannot use helper %s#%u\n",
			helper_kernel_name(helper_id), helper_id);
		return -EINVAL;
	}
	if ((p->flags & HELPER_F_GPL_ONLY) && !env->opts->gpl) {
		verbose(env, "cannot call GPL-restricted function from non-GPL compatible program\n");
		return -EINVAL;
	}
	bool is_lock = p->id == FN_spin_lock, is_unlock = p->id == FN_spin_unlock;
	int err = lock_check_call(env, p->name, is_unlock);
	if (err)
		return err;
	struct call_meta meta;
	call_meta_init(&meta, p->name);
	env->helper_pkt_access = (p->flags & HELPER_F_PKT_ACCESS) && pkt_access_ok(env, false);
	for (int i = 0; i < 5; i++) {
		enum helper_arg k = p->args[i];
		if (k == HELPER_ARG_NONE)
			break;
		err = check_arg(env, p, (uint32_t)i + 1, k, &meta);
		if (err)
			return err;
		/* a memory argument not followed by its size is a fixed-size one */
	}
	env->helper_pkt_access = false;
	if (meta.release_ref && (err = release_reference(env, meta.release_ref)))
		return err;
	if ((err = dynptr_finish_call(env, &meta, insn_idx)))
		return err;
	if ((is_lock || is_unlock) && (err = lock_finish_call(env, is_lock, &meta)))
		return err;
	if (p->flags & HELPER_F_TAIL_CALL)
		env->subprogs[subprog_of(env, (uint32_t)insn_idx)].has_tail_call = true;

	if ((p->flags & HELPER_F_CALLBACK) && meta.callback_subprog >= 0) {
		/* The helper may run the callback zero times: that path returns
		 * at once; the walk then enters the callback. */
		struct vstate *none = state_dup(env, env->cur);
		if (!none)
			return env->err = -ENOMEM;
		struct reg_state *nr = none->frame[none->curframe]->regs;
		clobber_caller_saved(nr);
		mark_reg_unknown(&nr[0]);
		err = push_state(env, none, (uint32_t)insn_idx + 1, (uint32_t)insn_idx);
		if (err)
			return err;
		return enter_callback(env, p, &meta, insn_idx, next_idx);
	}

	clobber_caller_saved(regs);
	if (helper_changes_pkt_data(p->id))
		clear_all_pkt_pointers(env->cur); /* packet.c */
	struct reg_state *r0 = &regs[0];
	switch (p->ret) {
	case HELPER_RET_VOID:
		mark_reg_not_init(r0);
		break;
	case HELPER_RET_PTR_TO_MAP_VALUE_OR_NULL:
		if (meta.map_idx < 0) {
			verbose(env, "kernel subsystem misconfigured verifier\n");
			return -EINVAL;
		}
		if (is_map_of_maps(&env->opts->maps[meta.map_idx])) {
			int err = ret_inner_map(env, r0, &env->opts->maps[meta.map_idx]);
			if (err)
				return err;
			break;
		}
		mark_ptr(r0, PTR_TO_MAP_VALUE);
		r0->flags = PTR_MAYBE_NULL;
		if (p->id == FN_map_lookup_elem && meta.const_key >= 0 &&
		    meta.const_key < env->opts->maps[meta.map_idx].max_entries)
			r0->flags = 0; /* an array element that exists */
		if (env->opts->maps[meta.map_idx].flags & (1u << 7))
			r0->flags |= MEM_RDONLY;
		r0->map_idx = (uint32_t)meta.map_idx;
		r0->id = new_id(env);
		break;
	case HELPER_RET_PTR_TO_MEM_OR_NULL:
		mark_ptr(r0, PTR_TO_MEM);
		r0->flags = PTR_MAYBE_NULL | MEM_RINGBUF;
		r0->mem_size = meta.alloc_size > 0 ? (uint32_t)meta.alloc_size : 0;
		r0->id = new_id(env);
		break;
	case HELPER_RET_PTR_TO_DYNPTR_MEM_OR_NULL:
		dynptr_mark_slice(env, r0, &meta, meta.alloc_size, false);
		break;
	default:
		mark_reg_unknown(r0);
		break;
	}
	if (p->flags & HELPER_F_ACQUIRE) {
		/* the reference is the pointer's id: its null branch drops it */
		uint32_t ref = acquire_reference(env, insn_idx);
		if (!ref)
			return -EINVAL;
		if (r0->id)
			env->cur->refs[env->cur->refcnt - 1].id = ref = r0->id;
		r0->ref_obj_id = ref;
	}
	return 0;
}

int do_local_call(struct verifier_env *env, int insn_idx, uint32_t target, int *next_idx)
{
	struct vstate *st = env->cur;
	int g = global_call(env, insn_idx, target, next_idx);
	if (g)
		return g < 0 ? g : 0;
	int sp = find_subprog(env, target);
	if (sp < 0) {
		verbose(env, "call to invalid destination %u\n", target);
		return -EINVAL;
	}
	if (st->curframe + 1 >= MAX_FRAMES) {
		verbose(env, "the call stack of %u frames is too deep !\n", st->curframe + 2);
		return -E2BIG;
	}
	struct func_state *caller = cur_frame(env);
	struct func_state *f = new_frame(env, (uint32_t)sp, (uint32_t)insn_idx, st->curframe + 1);
	if (!f)
		return env->err;
	for (int i = 1; i <= 5; i++)
		f->regs[i] = caller->regs[i];
	st->frame[++st->curframe] = f;
	struct insn_fact *fact = &env->facts->insn[insn_idx];
	fact->flags |= FACT_CALL_LOCAL;
	fact->call_target = (int32_t)target;
	*next_idx = (int)target;
	return 0;
}

int do_exit(struct verifier_env *env, int *insn_idx, bool *path_done)
{
	struct vstate *st = env->cur;
	struct reg_state *r0 = &cur_regs(env)[0];
	char b[48];
	*path_done = false;
	if (r0->type == NOT_INIT && !st->curframe && cur_frame(env)->subprog)
		mark_reg_unknown(r0); /* a global function returning void */
	if (r0->type == NOT_INIT) {
		verbose(env, "R0 !read_ok\n");
		return -EACCES;
	}
	if (!st->curframe) {
		if (r0->type != SCALAR_VALUE) {
			verbose(env, cur_frame(env)->subprog /* a global function: the kernel's words */
					     ? "At subprogram exit the register R0 is not a scalar value (%s)\n"
					     : "At program exit the register R0 is not a known value (%s)\n",
				reg_type_str(r0, b, sizeof(b)));
			return -EINVAL;
		}
		int err = check_resource_leak(env, "BPF_EXIT instruction in main prog");
		if (err)
			return err;
		if (!cur_frame(env)->subprog && (err = check_return_range(env)))
			return err;
		*path_done = true;
		return 0;
	}
	struct func_state *callee = cur_frame(env);
	struct func_state *caller = st->frame[st->curframe - 1];
	/* A caller's stack pointer outlives the callee; the kernel refuses
	 * any stack pointer all the same (kernel_compat). */
	if (r0->type == PTR_TO_STACK && (r0->frameno == st->curframe || env->opts->kernel_compat)) {
		verbose(env, "cannot return stack pointer to the caller\n");
		return -EINVAL;
	}
	if (callee->in_callback) {
		int err = mark_chain_precision(env, 0); /* its range is checked */
		if (err)
			return err;
		if (r0->type != SCALAR_VALUE || r0->smin_value < 0 || r0->smax_value > 1) {
			verbose(env,
				"At callback return the register R0 has smin=%lld smax=%lld should have been in [0, 1]\n",
				(long long)r0->smin_value, (long long)r0->smax_value);
			return -EINVAL;
		}
		/* The helper may call it again: walk another call from here
		 * (pruned at the callback's start once nothing changes). */
		uint32_t sp = callee->subprog;
		struct func_state *again =
			new_frame(env, sp, callee->callsite, st->curframe);
		if (!again)
			return env->err;
		again->in_callback = true;
		again->cb_helper = callee->cb_helper;
		again->cb_map = callee->cb_map;
		callback_args(again, caller);
		st->frame[st->curframe] = again;
		/* *insn_idx is past the exit here: the branch comes from the exit */
		err = push_branch(env, env->subprogs[sp].start, (uint32_t)*insn_idx - 1);
		st->frame[st->curframe] = callee;
		frame_free(env, again);
		if (err)
			return err;
		/* ... and return to the caller, r0 being the helper's result */
		clobber_caller_saved(caller->regs);
		mark_reg_unknown(&caller->regs[0]);
	} else {
		caller->regs[0] = *r0;
		clobber_caller_saved(caller->regs);
	}
	*insn_idx = (int)callee->callsite + 1;
	st->frame[st->curframe] = NULL;
	st->curframe--;
	frame_free(env, callee);
	return 0;
}

/* ---- the stack limit across call chains ---- */

static uint32_t frame_size(const struct subprog_info *s)
{
	return (s->stack_depth + 15) & ~15u;
}

static int chain_depth(struct verifier_env *env, uint32_t sp, uint32_t depth, uint32_t level,
		       uint32_t *max)
{
	if (level > MAX_FRAMES) {
		verbose(env, "the call stack of %u frames is too deep\n", level);
		return -E2BIG;
	}
	depth += frame_size(&env->subprogs[sp]);
	if (depth > *max)
		*max = depth;
	if (depth > BPFRT_STACK_SIZE) {
		verbose(env, "combined stack size of %u calls is %u. Too large\n", level, depth);
		return -EACCES;
	}
	const struct subprog_info *s = &env->subprogs[sp];
	for (uint32_t i = s->start; i < s->end; i++) {
		const struct insn_fact *f = &env->facts->insn[i];
		int32_t target = -1;
		if ((f->flags & FACT_CALL_LOCAL) && f->call_target >= 0)
			target = f->call_target;
		else if (BPFRT_INSN_IS_LDDW(&env->insns[i]) &&
			 env->insns[i].src_reg == BPFRT_PSEUDO_FUNC && (f->flags & FACT_SEEN))
			target = (int32_t)i + env->insns[i].imm + 1;
		if (target < 0)
			continue;
		int callee = find_subprog(env, (uint32_t)target);
		if (callee < 0)
			continue;
		int err = chain_depth(env, (uint32_t)callee, depth, level + 1, max);
		if (err)
			return err;
	}
	return 0;
}

int check_max_stack_depth(struct verifier_env *env)
{
	uint32_t max = 0;
	int err = chain_depth(env, 0, 0, 1, &max);
	env->facts->max_stack_depth = max;
	return err;
}
