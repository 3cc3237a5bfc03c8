/* SPDX-License-Identifier: MIT */
/* The runtime's call of the verifier: the object's maps (with their value
 * BTF), functions and licence as the verifier sees them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <linux/bpf.h>

#include "helpers/kfuncs.h"
#include "runtime/runtime_priv.h"
#include "runtime/verify.h"
#include "verifier/facts.h"

/* The kernel's license_is_gpl_compatible(). */
static bool gpl_compatible(const char *license)
{
	static const char *const ok[] = {
		"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL",
		"Dual MPL/GPL",
	};

	for (size_t i = 0; license && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(license, ok[i]))
			return true;
	return false;
}

int verify_resolve_kfuncs(const struct bpfrt_program *prog, struct bpfrt_insn *insns, size_t cnt,
			  char *why, size_t why_size)
{
	size_t nk = 0;
	const struct bpfrt_kfunc_call *kc = bpfrt_program__kfunc_calls(prog, &nk);

	for (size_t i = 0; i < nk; i++) {
		int idx = kfunc_find_by_name(kc[i].name);

		if (idx < 0 || kc[i].insn_idx >= cnt) {
			snprintf(why, why_size, "insn %u: unknown kfunc %s", kc[i].insn_idx,
				 kc[i].name);
			return -ENOENT;
		}
		insns[kc[i].insn_idx].imm = idx;
	}
	return 0;
}

/* The offset of the struct bpf_spin_lock member of the value type, -1 if
 * none (the kernel looks at the value struct's own members). */
static int32_t spin_lock_off(const struct btf *btf, uint32_t type_id)
{
	const struct btf_type *t = btf__type_by_id(btf, btf__resolve_type(btf, type_id) > 0 ?
						 (uint32_t)btf__resolve_type(btf, type_id) : type_id);

	if (!t || !btf_is_struct(t))
		return -1;
	const struct btf_member *m = btf_members(t);
	for (uint16_t i = 0; i < btf_vlen(t); i++, m++) {
		int id = btf__resolve_type(btf, m->type);
		const struct btf_type *mt = id > 0 ? btf__type_by_id(btf, (uint32_t)id) : NULL;
		const char *name = mt ? btf__name_by_offset(btf, mt->name_off) : NULL;

		if (mt && btf_is_struct(mt) && name && !strcmp(name, "bpf_spin_lock"))
			return (int32_t)(btf_member_bit_offset(t, i) / 8);
	}
	return -1;
}

/* The context types a global function may take (the kernel's
 * btf_is_prog_ctx_type, for the attach kinds bpfrt runs). */
static bool is_ctx_type(const struct btf *btf, const struct btf_type *t, const char *param)
{
	static const char *const ctx_structs[] = { "pt_regs", "user_pt_regs", "bpf_perf_event_data",
						   "xdp_md", "__sk_buff", "bpf_raw_tracepoint_args" };
	const char *name = btf__name_by_offset(btf, t->name_off);

	if (btf_is_void(t) || (btf_is_int(t) && t->size == 8)) /* void *ctx, u64 *ctx */
		return param && strstr(param, "ctx");
	for (size_t i = 0; btf_is_struct(t) && name && i < sizeof(ctx_structs) / sizeof(*ctx_structs);
	     i++)
		if (!strcmp(name, ctx_structs[i]))
			return true;
	return false;
}

/* The type behind typedefs and qualifiers; NULL for void. */
static const struct btf_type *skip_mods(const struct btf *btf, uint32_t id, uint32_t *out_id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (out_id)
		*out_id = id;
	return t;
}

/* The object's `arg:` decl tags on function parameters
 * (`__attribute__((btf_decl_tag("arg:nonnull")))`, libbpf's __arg_nonnull),
 * gathered once: their type ids. */
struct arg_tags {
	uint32_t *ids;
	size_t n;
};

static int arg_tags_collect(const struct btf *btf, struct arg_tags *at)
{
	uint32_t cnt = btf__type_cnt(btf);

	at->n = 0;
	at->ids = NULL;
	for (uint32_t id = 1; id < cnt; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *v = btf_is_decl_tag(t) ? btf__name_by_offset(btf, t->name_off) : NULL;

		if (!v || strncmp(v, "arg:", 4) || btf_decl_tag(t)->component_idx < 0)
			continue;
		uint32_t *ids = realloc(at->ids, (at->n + 1) * sizeof(*ids));
		if (!ids) {
			free(at->ids);
			at->ids = NULL;
			return -ENOMEM;
		}
		at->ids = ids;
		at->ids[at->n++] = id;
	}
	return 0;
}

/* The `arg:` tags of parameter `idx` of FUNC `func_id`, as the kernel's
 * btf_prepare_func_args() reads them: a bit per tag it knows, TAG_UNKNOWN
 * for any other. */
enum {
	TAG_CTX = 1 << 0,
	TAG_NONNULL = 1 << 1,
	TAG_TRUSTED = 1 << 2,
	TAG_UNTRUSTED = 1 << 3,
	TAG_NULLABLE = 1 << 4,
	TAG_ARENA = 1 << 5,
	TAG_UNKNOWN = 1 << 6,
};

static unsigned arg_tags(const struct btf *btf, const struct arg_tags *at, uint32_t func_id,
			 uint32_t idx)
{
	static const char *const names[] = { "ctx", "nonnull", "trusted", "untrusted", "nullable",
					     "arena" };
	unsigned tags = 0;

	for (size_t i = 0; i < at->n; i++) {
		const struct btf_type *t = btf__type_by_id(btf, at->ids[i]);
		const char *v = btf__name_by_offset(btf, t->name_off) + 4;
		unsigned bit = TAG_UNKNOWN;

		if (t->type != func_id || btf_decl_tag(t)->component_idx != (int)idx)
			continue;
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (!strcmp(v, names[k]))
				bit = 1u << k;
		tags |= bit;
	}
	return tags;
}

/* A pointer parameter with tags beyond arg:ctx and arg:nonnull, as the
 * kernel's btf_prepare_func_args(): arg:trusted first, then arg:untrusted,
 * arg:arena, and a generic memory pointer must not be arg:nullable.
 * false: an ordinary (ctx or memory) parameter. */
static bool tagged_pointer(const struct btf *btf, const struct btf_type *pt, unsigned tags,
			   struct bpfrt_verify_arg *arg)
{
	const char *name = pt ? btf__name_by_offset(btf, pt->name_off) : NULL;
	bool scalar = !pt || btf_is_void(pt) || btf_is_int(pt) || btf_is_any_enum(pt);

	arg->type = NULL;
	arg->type_kind = pt ? btf_kind(pt) : 0;
	if (!scalar)
		arg->type = name ? name : "";
	if (tags & TAG_TRUSTED) {
		if (tags & TAG_NONNULL) {
			arg->kind = BPFRT_VARG_INVALID;
			arg->why = "has invalid combination of tags";
		} else {
			arg->kind = (tags & TAG_NULLABLE) ? BPFRT_VARG_TRUSTED_OR_NULL
							  : BPFRT_VARG_TRUSTED;
			arg->type = name ? name : "";
		}
		return true;
	}
	/* tags that go with no other */
	static const struct {
		unsigned tag;
		enum bpfrt_verify_arg_kind kind;
		const char *why;
	} alone[] = {
		{ TAG_UNTRUSTED, BPFRT_VARG_UNTRUSTED, "untrusted cannot be combined with any other tags" },
		{ TAG_ARENA, BPFRT_VARG_ARENA, "arena cannot be combined with any other tags" },
	};
	for (size_t i = 0; i < sizeof(alone) / sizeof(alone[0]); i++) {
		if (!(tags & alone[i].tag))
			continue;
		arg->kind = (tags & ~alone[i].tag) ? BPFRT_VARG_INVALID : alone[i].kind;
		arg->why = alone[i].why;
		return true;
	}
	if (tags & TAG_NULLABLE) {
		arg->kind = BPFRT_VARG_INVALID;
		arg->why = "has invalid combination of tags";
		return true;
	}
	return false;
}

/* The signature of function `fi` as the verifier takes it; false when it is
 * not global or its signature is not one the verifier can take (then it is
 * walked at every call, which is as sound). */
static bool func_signature(const struct btf *btf, const struct arg_tags *at,
			   const struct bpfrt_func_info *fi, struct bpfrt_verify_func *out)
{
	const struct btf_type *f = btf__type_by_id(btf, fi->type_id);
	const struct btf_type *proto = f && btf_is_func(f) ? btf__type_by_id(btf, f->type) : NULL;

	if (!proto || !btf_is_func_proto(proto) || btf_vlen(f) != BTF_FUNC_GLOBAL /* a FUNC's vlen is its linkage */ ||
	    btf_vlen(proto) > 5)
		return false;
	const struct btf_type *ret = skip_mods(btf, proto->type, NULL);
	if (proto->type && !(ret && (btf_is_int(ret) || btf_is_enum(ret))))
		return false;
	*out = (struct bpfrt_verify_func){ .insn_idx = fi->insn_idx, .global = true,
					   .nargs = btf_vlen(proto), .name = fi->name };
	const struct btf_param *p = btf_params(proto);
	for (uint32_t i = 0; i < out->nargs; i++, p++) {
		const struct btf_type *t = skip_mods(btf, p->type, NULL);
		unsigned tags = arg_tags(btf, at, fi->type_id, i);
		uint32_t pid;

		if (tags & TAG_UNKNOWN) {
			out->args[i].kind = BPFRT_VARG_INVALID;
			out->args[i].why = "has unsupported set of tags";
			continue;
		}
		if (tags && (!t || !btf_is_ptr(t))) {
			out->args[i].kind = BPFRT_VARG_INVALID;
			out->args[i].why = "has pointer tag, but is not a pointer type";
			continue;
		}
		if (t && (btf_is_int(t) || btf_is_enum(t) || btf_is_enum64(t))) {
			out->args[i].kind = BPFRT_VARG_SCALAR;
			continue;
		}
		if (!t || !btf_is_ptr(t))
			return false;
		const struct btf_type *pt = skip_mods(btf, t->type, &pid);
		static const struct btf_type void_type;
		if ((tags & TAG_CTX) ||
		    is_ctx_type(btf, pt ? pt : &void_type, btf__name_by_offset(btf, p->name_off))) {
			out->args[i].kind = BPFRT_VARG_CTX;
			if (tags & ~TAG_CTX) {
				out->args[i].kind = BPFRT_VARG_INVALID;
				out->args[i].why = "has invalid combination of tags";
			}
			continue;
		}
		const char *pname = pid ? btf__name_by_offset(btf, pt->name_off) : NULL;
		if (pid && (btf_is_struct(pt) || (btf_is_fwd(pt) && !btf_kflag(pt))) && pname &&
		    !strcmp(pname, "bpf_dynptr")) {
			/* the kernel's btf_is_dynptr_ptr() */
			out->args[i].kind = tags ? BPFRT_VARG_INVALID : BPFRT_VARG_DYNPTR;
			out->args[i].why = "has invalid combination of tags";
			continue;
		}
		if (tagged_pointer(btf, pid ? pt : NULL, tags, &out->args[i]))
			continue;
		__s64 size = pt ? btf__resolve_size(btf, pid) : -1;
		if (size <= 0 || size > 1 << 20)
			return false;
		out->args[i].kind = (tags & TAG_NONNULL) ? BPFRT_VARG_MEM_NONNULL : BPFRT_VARG_MEM;
		out->args[i].size = (uint32_t)size;
	}
	return true;
}

static int build_funcs(const struct btf *btf, const struct bpfrt_program *prog,
		       struct bpfrt_verify_opts *vo)
{
	size_t n = 0, k = 0;
	const struct bpfrt_func_info *fi = bpfrt_program__func_info(prog, &n);
	struct bpfrt_verify_func *funcs;

	if (!btf || !n)
		return 0;
	struct arg_tags at;
	if (arg_tags_collect(btf, &at))
		return -ENOMEM;
	funcs = calloc(n, sizeof(*funcs));
	if (!funcs) {
		free(at.ids);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		if (fi[i].insn_idx && func_signature(btf, &at, &fi[i], &funcs[k]))
			k++;
	free(at.ids);
	vo->funcs = funcs;
	vo->func_cnt = k;
	return 0;
}

int verify_input_build(const struct bpfrt_object *obj, const struct bpfrt_program *prog,
		       struct bpfrt_verify_opts *vo)
{
	size_t map_cnt = bpfrt_object__map_cnt(obj);
	const struct btf *btf = bpfrt_object__btf(obj);
	struct bpfrt_verify_map *maps = calloc(map_cnt + 1, sizeof(*maps));

	if (!maps)
		return -ENOMEM;
	for (size_t i = 0; i < map_cnt; i++) {
		const struct bpfrt_map_spec *s = bpfrt_object__map(obj, i);
		bool vbtf = btf && s->btf_value_type_id;

		maps[i] = (struct bpfrt_verify_map){
			.type = s->type,
			.key_size = s->key_size,
			.value_size = s->value_size,
			.max_entries = s->max_entries,
			.flags = s->map_flags,
			.frozen_data = s->frozen && s->init_size >= s->value_size ? s->init_data : NULL,
			.value_btf = vbtf,
			.spin_lock_off = vbtf ? spin_lock_off(btf, s->btf_value_type_id) : -1,
			.inner_map = s->inner_map_idx >= 0 ? (uint32_t)s->inner_map_idx + 1 : 0,
		};
	}
	vo->maps = maps;
	vo->map_cnt = map_cnt;
	vo->attach = bpfrt_program__attach_kind(prog);
	vo->expected_attach_type = bpfrt_program__expected_attach_type(prog);
	vo->prog_type = bpfrt_program__type(prog);
	vo->gpl = gpl_compatible(bpfrt_object__license(obj));
	vo->line_info = bpfrt_program__line_info(prog, &vo->line_info_cnt);
	if (build_funcs(btf, prog, vo)) {
		verify_input_free(vo);
		return -ENOMEM;
	}
	return 0;
}

void verify_input_target(struct bpfrt_verify_opts *vo, const struct bpfrt_program *prog,
			 const struct btf *btf, const char *func)
{
	enum bpfrt_attach_kind k = bpfrt_program__attach_kind(prog);
	const struct bpfrt_attach_target *at = bpfrt_program__attach_target(prog);
	bool tp_btf = k == BPFRT_ATTACH_RAW_TP &&
		      bpfrt_program__expected_attach_type(prog) == BPF_TRACE_RAW_TP;
	bool traces = k == BPFRT_ATTACH_FENTRY || k == BPFRT_ATTACH_FEXIT ||
		      k == BPFRT_ATTACH_FMOD_RET || k == BPFRT_ATTACH_FSESSION || tp_btf;

	vo->target_btf = traces ? btf : NULL;
	/* tp_btf/NAME: the tracepoint's name (its btf_trace_NAME typedef) */
	vo->target_func = func ? func : !at ? NULL : tp_btf ? at->raw : at->func;
	vo->target_func_id = 0;
}

void verify_input_free(struct bpfrt_verify_opts *vo)
{
	free((void *)vo->maps);
	free((void *)vo->funcs);
	vo->maps = NULL;
	vo->map_cnt = 0;
	vo->funcs = NULL;
	vo->func_cnt = 0;
}

int runtime_verify(const struct bpfrt_object *obj, const struct bpfrt_program *prog,
		   const struct btf *target_btf, uint32_t tp_record_size,
		   const struct bpfrt_insn *insns, size_t cnt,
		   char *log, size_t log_size, struct verifier_facts **facts)
{
	struct bpfrt_verify_opts vo = {
		.sz = sizeof(vo),
		.log_level = 1,
		.log_buf = log,
		.log_size = log_size,
	};
	int err = verify_input_build(obj, prog, &vo);

	if (err)
		return err;
	verify_input_target(&vo, prog, target_btf, NULL);
	if (vo.attach == BPFRT_ATTACH_TRACEPOINT)
		vo.ctx_size = tp_record_size;
	err = verifier_run(insns, cnt, &vo, facts);
	verify_input_free(&vo);
	return err;
}
