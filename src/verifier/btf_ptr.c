/* SPDX-License-Identifier: MIT */
/*
 * BTF-typed pointers (PTR_TO_BTF_ID) for fentry/fexit contexts, as the
 * kernel's btf_ctx_access() and btf_struct_access(): with the traced
 * function's BTF (bpfrt_verify_opts.target_btf), an argument that points to
 * a struct or union loads from the context as a pointer of that type, and
 * the program reads its fields directly. Each load is checked against the
 * struct's members (nested structs and unions, arrays, bitfields) and gives
 * a scalar of the member's size or, for a pointer member to a struct,
 * another BTF pointer. Stores are refused. The pointers are not trusted:
 * they may be NULL or dangling (the traced function's argument is whatever
 * it was called with), so the engines make these loads fault-safe (a bad
 * address reads 0, the kernel's BPF_PROBE_MEM: FACT_MEM_BTF); no NULL check
 * is needed, as in the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>
#include <linux/bpf.h>
#undef MAX_BPF_REG /* the UAPI's; state.h has the verifier's */

#include "verifier/state.h"

/* The type behind typedefs and qualifiers (id in *id); NULL for void. */
static const struct btf_type *skip_mods(const struct btf *btf, uint32_t tid, uint32_t *id)
{
	const struct btf_type *t = btf__type_by_id(btf, tid);
	for (int n = 0; t && (btf_is_mod(t) || btf_is_typedef(t)) && n < 32; n++) {
		tid = t->type;
		t = btf__type_by_id(btf, tid);
	}
	if (id)
		*id = tid;
	return tid ? t : NULL;
}

/* The kernel's btf_type_str(): "STRUCT", "ARRAY", ... */
static const char *kind_str(const struct btf_type *t)
{
	static const char *const kinds[] = {
		"UNKNOWN", "INT",	  "PTR", "ARRAY", "STRUCT",  "UNION",    "ENUM",
		"FWD",	   "TYPEDEF",	  "VOLATILE", "CONST", "RESTRICT", "FUNC", "FUNC_PROTO",
		"VAR",	   "DATASEC",	  "FLOAT", "DECL_TAG", "TYPE_TAG", "ENUM64",
	};
	unsigned k = t ? btf_kind(t) : 0;
	return k < sizeof(kinds) / sizeof(kinds[0]) ? kinds[k] : "UNKNOWN";
}

static const char *type_name(const struct btf *btf, const struct btf_type *t)
{
	const char *n = t ? btf__name_by_offset(btf, t->name_off) : NULL;
	return n && *n ? n : "(anon)";
}

const char *btf_ptr_name(const struct verifier_env *env, const struct reg_state *r)
{
	if (!env->btf)
		return "?";
	return type_name(env->btf, btf__type_by_id(env->btf, r->btf_id));
}

/* tp_btf/NAME: the tracepoint's `btf_trace_NAME` typedef, a pointer to a
 * prototype whose first parameter (the kernel's `void *__data`) is not in
 * the context, as the kernel's bpf_check_attach_target(); else a FUNC NAME. */
static const struct btf_type *tp_btf_proto(struct verifier_env *env, const struct btf *btf,
					   const char *name)
{
	char tname[128];
	if (!name || snprintf(tname, sizeof(tname), "btf_trace_%s", name) >= (int)sizeof(tname))
		return NULL;
	int id = btf__find_by_name_kind(btf, tname, BTF_KIND_TYPEDEF);
	const struct btf_type *t = id > 0 ? btf__type_by_id(btf, (uint32_t)id) : NULL;
	t = t ? skip_mods(btf, t->type, NULL) : NULL;
	t = t && btf_is_ptr(t) ? skip_mods(btf, t->type, NULL) : NULL;
	if (!t || !btf_is_func_proto(t) || !btf_vlen(t))
		return NULL;
	env->target_skip = 1;
	return t;
}

int btf_target_init(struct verifier_env *env)
{
	const struct bpfrt_verify_opts *o = env->opts;
	const struct btf *btf = o->target_btf;
	const struct btf_type *t = NULL;
	enum bpfrt_attach_kind k = o->attach;

	/* the kernel's prog_args_trusted(): tp_btf arguments are trusted,
	 * fentry/fexit ones are not */
	env->tp_btf = k == BPFRT_ATTACH_RAW_TP && o->expected_attach_type == BPF_TRACE_RAW_TP;
	if (!btf)
		return 0;
	if (k != BPFRT_ATTACH_FENTRY && k != BPFRT_ATTACH_FEXIT && k != BPFRT_ATTACH_FMOD_RET &&
	    k != BPFRT_ATTACH_FSESSION && !env->tp_btf) {
		verbose(env, "target BTF is for fentry/fexit/fmod_ret/fsession programs, not %s%s\n",
			bpfrt_attach_kind_name(k),
			k == BPFRT_ATTACH_RAW_TP ? " (tp_btf programs: expected attach type "
						   "BPF_TRACE_RAW_TP)" : "");
		return -EINVAL;
	}
	uint32_t id = o->target_func_id;
	if (!id && env->tp_btf)
		t = tp_btf_proto(env, btf, o->target_func);
	if (!id && !t) {
		int found = o->target_func ? btf__find_by_name_kind(btf, o->target_func,
								    BTF_KIND_FUNC)
					   : -ENOENT;
		if (found <= 0) {
			verbose(env, "attach target %s not found in the target BTF\n",
				o->target_func ? o->target_func : "(none given)");
			return -EINVAL;
		}
		id = (uint32_t)found;
	}
	if (!t)
		t = btf__type_by_id(btf, id);
	if (t && btf_is_func(t))
		t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_func_proto(t)) {
		verbose(env, "attach target type id %u is not a function\n", id);
		return -EINVAL;
	}
	env->btf = btf;
	env->target_proto = t;
	return 0;
}

/* The traced function's parameters the context holds (past target_skip). */
static uint32_t nparams(const struct verifier_env *env)
{
	const struct btf_type *p = env->target_proto;
	uint32_t n = p ? btf_vlen(p) : 0;
	/* a variadic function's last parameter has type 0 */
	if (n && !btf_params(p)[n - 1].type)
		n--;
	return n > env->target_skip ? n - env->target_skip : 0;
}

static const struct btf_param *param_of(const struct verifier_env *env, uint32_t i)
{
	return &btf_params(env->target_proto)[i + env->target_skip];
}

/* The u64 slots parameter i takes, as the kernel's btf_ctx_arg_idx(): a
 * pointer one, anything else its size rounded up to 8 bytes (a struct of
 * up to 16 bytes passed by value takes two, as it takes two registers). */
static uint32_t param_slots(const struct verifier_env *env, uint32_t i)
{
	uint32_t tid = param_of(env, i)->type;
	const struct btf_type *t = skip_mods(env->btf, tid, NULL);
	int64_t size = t && !btf_is_ptr(t) ? btf__resolve_size(env->btf, tid) : 8;
	if (size < 0 || size > 1 << 20)
		size = 8;
	return (uint32_t)(size + 7) / 8;
}

/* The parameter whose slots hold context slot `slot` (nparams() past the
 * last); *first: `slot` is its first. */
static uint32_t slot_param(const struct verifier_env *env, uint32_t slot, bool *first)
{
	uint32_t n = nparams(env), at = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k = param_slots(env, i);
		if (slot < at + k) {
			*first = slot == at;
			return i;
		}
		at += k;
	}
	*first = slot == at;
	return n;
}

uint32_t btf_target_nargs(const struct verifier_env *env)
{
	uint32_t slots = 0;
	for (uint32_t i = 0; i < nparams(env); i++)
		slots += param_slots(env, i);
	return slots;
}

/* The parameter's name ends in `suffix` (the kernel's btf_param_match_suffix). */
static bool param_suffix(const struct btf *btf, const struct btf_param *p, const char *suffix)
{
	const char *n = btf__name_by_offset(btf, p->name_off);
	size_t ln = n ? strlen(n) : 0, ls = strlen(suffix);
	return ln > ls && !strcmp(n + ln - ls, suffix);
}

void btf_ctx_arg(struct verifier_env *env, uint32_t arg, bool ret, struct reg_state *dst)
{
	const struct btf_type *p = env->target_proto;
	const struct btf_param *param = NULL;
	uint32_t tid, sid;

	mark_reg_unknown(dst);
	if (!p)
		return;
	if (ret && env->opts->attach == BPFRT_ATTACH_FMOD_RET)
		return; /* the previous fmod_ret program's return: an int */
	bool first;
	uint32_t i = ret ? 0 : slot_param(env, arg, &first);
	if (ret) {
		tid = p->type;
	} else if (i < nparams(env) && first) {
		param = param_of(env, i);
		tid = param->type;
	} else {
		return; /* past the parameters, or a struct's later slot */
	}
	const struct btf_type *t = skip_mods(env->btf, tid, NULL);
	if (!t || !btf_is_ptr(t))
		return;
	const struct btf_type *s = skip_mods(env->btf, t->type, &sid);
	if (!s || !btf_is_composite(s))
		return; /* void *, char *, pointers to pointers: numbers */
	mark_ptr(dst, PTR_TO_BTF_ID);
	dst->btf_id = sid;
	if (env->tp_btf)
		dst->flags |= PTR_TRUSTED;
	if (param && env->tp_btf && param_suffix(env->btf, param, "__nullable")) {
		/* a tracepoint argument declared NULL-able: checked before use */
		dst->flags |= PTR_MAYBE_NULL;
		dst->id = new_id(env);
	}
}

/* The kernel's bpf_tracing_ctx_access() and, for tp_btf with the
 * tracepoint's BTF, btf_ctx_access(): up to 12 u64 arguments, read only,
 * aligned loads; a pointer argument is read whole. */
int btf_raw_tp_access(struct verifier_env *env, int off, int size, struct reg_state *dst)
{
	const char *tname = env->opts->target_func ? env->opts->target_func : "?";
	uint32_t n = env->opts->nr_args;

	mark_reg_unknown(dst);
	if (off >= 8 * 12 || off % size) {
		verbose(env, "invalid bpf_context access off=%d size=%d\n", off, size);
		return -EACCES;
	}
	if (!env->target_proto && !off && env->opts->prog_type == BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE) {
		/* raw_tp.w: argument 0 points to the tracepoint's writable
		 * buffer, read whole (the kernel's raw_tp_writable_prog_is_valid_access) */
		if (size != 8) {
			verbose(env, "invalid bpf_context access off=%d size=%d\n", off, size);
			return -EACCES;
		}
		mark_ptr(dst, PTR_TO_TP_BUFFER);
		return 0;
	}
	if (!env->target_proto) {
		/* raw_tp: numbers; the tracepoint's argument count, when given */
		if (n && (uint32_t)off / 8 >= n) {
			verbose(env,
				"invalid bpf_context access off=%d size=%d: raw_tp programs get %u u64 arguments\n",
				off, size, n);
			return -EACCES;
		}
		coerce_reg_to_size(dst, size);
		return 0;
	}
	if (off % 8) {
		verbose(env, "func '%s' offset %d is not multiple of 8\n", tname, off);
		return -EACCES;
	}
	bool first;
	uint32_t arg = slot_param(env, (uint32_t)off / 8, &first);
	if (arg >= nparams(env)) {
		verbose(env, "func '%s' doesn't have %u-th argument\n", tname, arg + 1);
		return -EACCES;
	}
	const struct btf_type *t = skip_mods(env->btf, param_of(env, arg)->type, NULL);
	if (t && btf_is_ptr(t)) {
		if (size != 8) {
			verbose(env, "func '%s' size %d must be 8\n", tname, size);
			return -EACCES;
		}
		btf_ctx_arg(env, (uint32_t)off / 8, false, dst);
		return 0;
	}
	if (!t || !(btf_is_int(t) || btf_is_any_enum(t) || btf_is_composite(t))) {
		verbose(env, "func '%s' arg%u '%s' has type %s. Only pointer access is allowed\n",
			tname, arg, t ? btf__name_by_offset(env->btf, t->name_off) : "", kind_str(t));
		return -EACCES;
	}
	coerce_reg_to_size(dst, size);
	return 0;
}

enum walk { WALK_ERR = -1, WALK_SCALAR, WALK_PTR, WALK_PTR_UNTRUSTED };

/* An array member as its element type (multi-dimensional arrays
 * linearised, as the kernel's __btf_resolve_size): *nelems elements of
 * *esize bytes. */
static const struct btf_type *array_elem(const struct btf *btf, const struct btf_type *t,
					 uint32_t *eid, uint32_t *nelems, int64_t *esize)
{
	uint64_t n = 1;
	for (int d = 0; t && btf_is_array(t) && d < 32; d++) {
		n *= btf_array(t)->nelems;
		t = skip_mods(btf, btf_array(t)->type, eid);
	}
	*nelems = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	*esize = t ? btf__resolve_size(btf, *eid) : -1;
	return t;
}

/* The kernel's btf_struct_walk(): which member [off, off+size) of struct
 * `tid` reads. WALK_PTR sets *next to the pointed-to struct. */
static int struct_walk(struct verifier_env *env, uint32_t tid, uint32_t off, uint32_t size,
		       uint32_t *next, uint8_t *flags)
{
	const struct btf *btf = env->btf;
	const struct btf_type *t = skip_mods(btf, tid, &tid);

	for (int depth = 0; depth < 64; depth++) {
		const char *tname = type_name(btf, t);
		if (!t || !btf_is_composite(t)) {
			verbose(env, "Type '%s' is not a struct\n", tname);
			return WALK_ERR;
		}
		uint32_t vlen = btf_vlen(t);
		if (btf_is_union(t) && vlen != 1)
			*flags |= PTR_UNTRUSTED; /* which member is live is not known */
		if ((uint64_t)off + size > t->size) {
			/* a flexible array of structs at the end may be read past
			 * the struct's size (the kernel's relaxation) */
			const struct btf_member *last = vlen ? &btf_members(t)[vlen - 1] : NULL;
			const struct btf_type *a = last ? skip_mods(btf, last->type, NULL) : NULL;
			uint32_t moff = last ? btf_member_bit_offset(t, vlen - 1) / 8 : 0;
			uint32_t eid;
			const struct btf_type *e = a && btf_is_array(a) && !btf_array(a)->nelems
							   ? skip_mods(btf, btf_array(a)->type, &eid)
							   : NULL;
			if (!e || !btf_is_composite(e) || !e->size || off < moff) {
				verbose(env, "access beyond struct %s at off %u size %u\n", tname, off,
					size);
				return WALK_ERR;
			}
			off = (off - moff) % e->size;
			t = e;
			continue;
		}
		const struct btf_member *m = btf_members(t);
		bool descended = false;
		for (uint32_t i = 0; i < vlen; i++, m++) {
			uint32_t moff = btf_member_bit_offset(t, i) / 8;
			uint32_t bits = btf_member_bitfield_size(t, i);
			if (off + size <= moff)
				break;
			if (bits) {
				/* a bitfield: only a read covering all of it */
				uint32_t end = (btf_member_bit_offset(t, i) + bits + 7) / 8;
				if (off <= moff && end <= off + size)
					return WALK_SCALAR;
				continue;
			}
			if (off < moff)
				break; /* a hole */
			uint32_t mid;
			const struct btf_type *mt = skip_mods(btf, m->type, &mid);
			const char *mname = btf__name_by_offset(btf, m->name_off);
			int64_t msize = mt ? btf__resolve_size(btf, mid) : -1;
			if (msize < 0) {
				verbose(env, "field %s doesn't have size\n", mname ? mname : "?");
				return WALK_ERR;
			}
			uint64_t mtrue_end = (uint64_t)moff + (uint64_t)msize;
			if (off >= mtrue_end)
				continue;
			if (btf_is_array(mt)) {
				uint32_t n;
				int64_t esz;
				if (moff == mtrue_end)
					continue; /* an empty array */
				mt = array_elem(btf, mt, &mid, &n, &esz);
				if (!mt || esz <= 0 || !n) {
					verbose(env, "field %s doesn't have size\n", mname ? mname : "?");
					return WALK_ERR;
				}
				moff += (off - moff) / (uint32_t)esz * (uint32_t)esz;
				msize = esz;
			}
			if (btf_is_composite(mt)) {
				/* the access is inside the nested struct or union */
				t = mt;
				off -= moff;
				descended = true;
				break;
			}
			if (btf_is_ptr(mt)) {
				if ((uint64_t)msize != size || off != moff) {
					verbose(env,
						"cannot access ptr member %s with moff %u in struct %s with off %u size %u\n",
						mname ? mname : "?", moff, tname, off, size);
					return WALK_ERR;
				}
				uint32_t sid;
				const struct btf_type *s = skip_mods(btf, mt->type, &sid);
				if (s && btf_is_composite(s)) {
					*next = sid;
					return WALK_PTR;
				}
				/* void *, char *, pointers to pointers: read-only
				 * untrusted memory (Linux 6.17+) */
				return WALK_PTR_UNTRUSTED;
			}
			/* an int or an array of ints may be read as any part of it */
			if ((uint64_t)off + size > mtrue_end && !(*flags & PTR_UNTRUSTED)) {
				verbose(env,
					"access beyond the end of member %s (mend:%u) in struct %s with off %u size %u\n",
					mname ? mname : "?", (uint32_t)mtrue_end, tname, off, size);
				return WALK_ERR;
			}
			return WALK_SCALAR;
		}
		if (!descended) {
			verbose(env, "struct %s doesn't have field at offset %u\n", tname, off);
			return WALK_ERR;
		}
	}
	verbose(env, "struct %s is nested too deeply\n", type_name(btf, t));
	return WALK_ERR;
}

int btf_ptr_access(struct verifier_env *env, uint32_t regno, int off, int size, enum access t,
		   struct reg_state *dst)
{
	const struct reg_state *r = &cur_regs(env)[regno];
	const char *name = btf_ptr_name(env, r);
	int64_t at = (int64_t)r->off + off;
	uint32_t next = 0;
	uint8_t flags = r->flags & PTR_UNTRUSTED;

	if (at < 0) {
		verbose(env, "R%u is ptr_%s invalid negative access: off=%d\n", regno, name,
			(int)at);
		return -EACCES;
	}
	if (!tnum_is_const(r->var_off) || r->var_off.value) {
		char tn[48];
		verbose(env, "R%u is ptr_%s invalid variable offset: off=%d, var_off=%s\n", regno,
			name, (int)at, tnum_str(r->var_off, tn, sizeof(tn)));
		return -EACCES;
	}
	if (t == ACCESS_WRITE) {
		verbose(env, "only read is supported\n");
		return -EACCES;
	}
	switch (struct_walk(env, r->btf_id, (uint32_t)at, (uint32_t)size, &next, &flags)) {
	case WALK_PTR:
		mark_ptr(dst, PTR_TO_BTF_ID);
		dst->btf_id = next;
		dst->flags = flags;
		return 0;
	case WALK_PTR_UNTRUSTED:
		mark_ptr(dst, PTR_TO_MEM);
		dst->flags = MEM_RDONLY | PTR_UNTRUSTED;
		return 0;
	case WALK_SCALAR:
		mark_reg_unknown(dst);
		return 0;
	default:
		return -EACCES;
	}
}

/* The kernel's btf_struct_ids_match() (not strict): the struct at byte
 * `off` of struct `id`, descending through the members that hold `off`
 * (a struct's first member is at its own address), named `want`. */
static const struct btf_type *struct_at(const struct btf *btf, uint32_t id, uint32_t off,
					const char *want)
{
	for (int depth = 0; depth < 32; depth++) {
		const struct btf_type *t = skip_mods(btf, id, &id);
		if (!t || !btf_is_composite(t))
			return NULL;
		if (!off && !strcmp(type_name(btf, t), want))
			return t;
		const struct btf_member *m = btf_members(t);
		bool found = false;
		for (uint32_t i = 0; i < btf_vlen(t) && !found; i++, m++) {
			uint32_t moff = btf_member_bit_offset(t, i) / 8, mid;
			const struct btf_type *mt = skip_mods(btf, m->type, &mid);
			if (btf_member_bitfield_size(t, i) || !mt || !btf_is_composite(mt) ||
			    off < moff || off >= moff + mt->size)
				continue;
			id = mid;
			off -= moff;
			found = true;
		}
		if (!found)
			return NULL;
	}
	return NULL;
}

/* The kernel's __check_ptr_off_reg() with a fixed offset allowed: not a
 * negative one, nor a variable one. */
static int ptr_off_check(struct verifier_env *env, const struct reg_state *r, uint32_t regno)
{
	char b[48], tn[48];

	reg_type_str(r, b, sizeof(b));
	if (r->off < 0) {
		verbose(env, "negative offset %s ptr R%u off=%d disallowed\n", b, regno, r->off);
		return -EACCES;
	}
	if (!tnum_equals_const(r->var_off, 0)) {
		verbose(env, "variable %s access var_off=%s disallowed\n", b,
			tnum_str(r->var_off, tn, sizeof(tn)));
		return -EACCES;
	}
	return 0;
}

int btf_kfunc_arg(struct verifier_env *env, uint32_t regno, const char *func, bool trusted,
		  bool rcu, const char *want, uint32_t min_size)
{
	const struct reg_state *r = &cur_regs(env)[regno];
	char b[48];
	uint32_t argno = regno - 1;

	reg_type_str(r, b, sizeof(b));
	if ((trusted || rcu) && (r->flags & PTR_MAYBE_NULL)) {
		verbose(env, "Possibly NULL pointer passed to trusted arg%u\n", argno);
		return -EACCES;
	}
	/* the kernel's is_trusted_reg(): a reference, or PTR_TRUSTED alone
	 * (pointers walked from an argument are neither) */
	bool is_trusted = r->ref_obj_id || ((r->flags & PTR_TRUSTED) && !(r->flags & PTR_UNTRUSTED));
	if ((trusted || rcu) && !is_trusted) {
		verbose(env, rcu ? "R%u must be a rcu pointer\n" : "R%u must be referenced or trusted\n",
			regno);
		return -EINVAL;
	}
	if (!(trusted || rcu) && (r->flags & PTR_UNTRUSTED)) {
		verbose(env, "arg#%u is %s expected ptr_ or socket\n", argno, b);
		return -EINVAL;
	}
	if (ptr_off_check(env, r, regno))
		return -EACCES;
	const struct btf_type *reg_t = btf__type_by_id(env->btf, r->btf_id);
	const struct btf_type *t = want ? struct_at(env->btf, r->btf_id, (uint32_t)r->off, want)
					: NULL;
	if (!t) {
		verbose(env,
			"kernel function %s args#%u expected pointer to STRUCT %s but R%u has a pointer to %s %s\n",
			func, argno, want ? want : "bpf_cpumask", regno, kind_str(reg_t),
			type_name(env->btf, reg_t));
		if (!want)
			verbose(env, "(only a %s the program made itself is one)\n", "bpf_cpumask");
		return -EINVAL;
	}
	if (t->size < min_size) {
		verbose(env,
			"kernel function %s args#%u expected pointer to STRUCT %s of at least %u bytes, R%u's has %u\n",
			func, argno, want, min_size, regno, t->size);
		return -EINVAL;
	}
	return 0;
}

/* The kernel's bpf_core_essential_name_len(): a `___flavor` suffix is not
 * part of the name. */
static size_t essential_len(const char *n)
{
	size_t len = strlen(n);
	for (size_t i = len > 5 ? len - 5 : 0; i > 0; i--)
		if (n[i] == '_' && n[i + 1] == '_' && n[i + 2] == '_')
			return i;
	return len;
}

int btf_arg_type_id(struct verifier_env *env, uint32_t argno, const char *name, uint32_t kind)
{
	static const struct btf_type unknown;
	const struct btf *btf = env->btf;
	struct btf_type local = { .info = (kind & 0x1f) << 24 };
	size_t n = name ? essential_len(name) : 0;
	uint32_t found = 0, cnt = 0;

	for (uint32_t id = 1; btf && name && id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *tn = btf__name_by_offset(btf, t->name_off);
		if (btf_kind(t) != kind || !tn || essential_len(tn) != n || strncmp(tn, name, n))
			continue;
		found = id;
		cnt++;
	}
	if (cnt == 1)
		return (int)found;
	/* the kernel's btf_get_ptr_to_btf_id(): the type must have exactly
	 * one match in its vmlinux BTF, here the target BTF */
	verbose(env, "arg#%u reference type('%s %s') %s%s\n", argno,
		kind_str(kind < 20 ? &local : &unknown), name ? name : "",
		cnt ? "is ambiguous" : "has no matches",
		btf ? "" : " (no target BTF: bpfrt has no kernel types)");
	return cnt ? -ESRCH : -ENOENT;
}

int btf_trusted_arg(struct verifier_env *env, uint32_t regno, uint32_t want_id, bool nullable)
{
	const struct reg_state *r = &cur_regs(env)[regno];
	char b[48];
	uint8_t flags = r->flags & (uint8_t)~(nullable ? PTR_MAYBE_NULL : 0);

	/* the kernel's check_reg_type() with btf_ptr_types: ptr_,
	 * trusted_ptr_ or rcu_ptr_ (bpfrt has no RCU pointers) */
	if (r->type != PTR_TO_BTF_ID || (flags & (uint8_t)~PTR_TRUSTED)) {
		verbose(env, "R%u type=%s expected=ptr_, trusted_ptr_, rcu_ptr_\n", regno,
			reg_type_str(r, b, sizeof(b)));
		return -EACCES;
	}
	const struct btf_type *want = btf__type_by_id(env->btf, want_id);
	if (!struct_at(env->btf, r->btf_id, r->off < 0 ? 0 : (uint32_t)r->off,
		       type_name(env->btf, want))) {
		verbose(env, "R%u is of type %s but %s is expected\n", regno, btf_ptr_name(env, r),
			type_name(env->btf, want));
		return -EACCES;
	}
	/* check_func_arg_reg_off() */
	return ptr_off_check(env, r, regno);
}

/* The kernel's check_tp_buffer_access(): any constant, non-negative
 * offset; the furthest byte is recorded for the attach to check against
 * the tracepoint's writable size. */
int tp_buffer_access(struct verifier_env *env, uint32_t regno, int off, int size)
{
	const struct reg_state *r = &cur_regs(env)[regno];
	int64_t at = (int64_t)r->off + off;
	char tn[48];

	if (at < 0) {
		verbose(env, "R%u invalid tracepoint buffer access: off=%d, size=%d\n", regno,
			(int)at, size);
		return -EACCES;
	}
	if (!tnum_is_const(r->var_off) || r->var_off.value) {
		verbose(env, "R%u invalid variable buffer offset: off=%d, var_off=%s\n", regno,
			(int)at, tnum_str(r->var_off, tn, sizeof(tn)));
		return -EACCES;
	}
	if (at + size > UINT32_MAX)
		return -EACCES;
	if ((uint32_t)(at + size) > env->max_tp_access)
		env->max_tp_access = (uint32_t)(at + size);
	return 0;
}
