/* SPDX-License-Identifier: MIT */
/*
 * Global functions (BTF_FUNC_GLOBAL in the object's BTF), as the kernel
 * treats them: each is verified once, on its own, from its signature
 * (scalars unknown, the context, pointers to `size` bytes that may be NULL
 * or, tagged `arg:nonnull`, may not; `arg:trusted` BTF pointers, NULL too
 * with `arg:nullable`; `arg:untrusted` ones read fault-safe; `arg:arena`
 * scalars), not at every call; a call checks the arguments against the signature and
 * gets an unknown scalar back. Their stack still counts in the call chains.
 * The signatures come from the embedder (bpfrt_verify_opts.funcs; the
 * runtime reads them from .BTF and .BTF.ext).
 */
#include <errno.h>
#include <stdlib.h>

#include "verifier/calls.h"

const struct bpfrt_verify_func *global_func_of(const struct verifier_env *env, uint32_t start)
{
	for (size_t i = 0; i < env->opts->func_cnt; i++) {
		const struct bpfrt_verify_func *f = &env->opts->funcs[i];
		if (f->global && f->insn_idx == start && start && f->nargs <= 5)
			return f;
	}
	return NULL;
}

static const char *fname(const struct bpfrt_verify_func *f)
{
	return f->name ? f->name : "(anon)";
}

static bool is_ctx(const struct verifier_env *env, const struct reg_state *r)
{
	return r->type == PTR_TO_CTX ||
	       (env->opts->attach == BPFRT_ATTACH_UNSPEC && r->type == PTR_TO_MEM &&
		!(r->flags & MEM_RINGBUF) && !r->parent_id);
}

static int check_args(struct verifier_env *env, const struct bpfrt_verify_func *fn)
{
	struct reg_state *regs = cur_regs(env);
	for (uint32_t i = 0; i < fn->nargs; i++) {
		uint32_t regno = i + 1;
		struct reg_state *r = &regs[regno];
		if (r->type == NOT_INIT) {
			verbose(env, "R%u !read_ok\n", regno);
			return -EACCES;
		}
		switch (fn->args[i].kind) {
		case BPFRT_VARG_SCALAR:
			if (r->type != SCALAR_VALUE) {
				verbose(env, "R%u is not a scalar\n", regno);
				return -EINVAL;
			}
			break;
		case BPFRT_VARG_CTX:
			if (!is_ctx(env, r) || r->off || !tnum_equals_const(r->var_off, 0)) {
				verbose(env, "arg#%u expects pointer to ctx\n", i);
				return -EINVAL;
			}
			break;
		case BPFRT_VARG_MEM:
		case BPFRT_VARG_MEM_NONNULL: {
			bool nonnull = fn->args[i].kind == BPFRT_VARG_MEM_NONNULL;
			/* a scalar must be NULL: its value matters (precision.c) */
			if (mark_chain_precision(env, regno))
				return env->err = -ENOMEM;
			if (r->type == SCALAR_VALUE && reg_is_const(r) && !r->var_off.value) {
				if (!nonnull)
					break; /* NULL */
				/* Linux 6.18 lets a constant NULL through to an
				 * arg:nonnull parameter (check_mem_reg), which the
				 * function then dereferences unchecked: refused */
				verbose(env, "arg#%u is expected to be non-NULL\n", i);
				return -EINVAL;
			}
			/* the kernel's check_mem_reg(): packet memory too; a
			 * pointer that may be NULL is checked as if it were not */
			uint8_t flags = r->flags;
			r->flags &= (uint8_t)~PTR_MAYBE_NULL;
			env->helper_pkt_access = pkt_access_ok(env, true);
			int err = check_helper_mem(env, regno, NULL, fn->args[i].size, false, false);
			if (!err)
				err = check_helper_mem(env, regno, NULL, fn->args[i].size, true, false);
			env->helper_pkt_access = false;
			r->flags = flags;
			if (err) {
				verbose(env, "arg#%u expects pointer to %u bytes of memory%s\n", i,
					fn->args[i].size, nonnull ? "" : " or NULL");
				return err;
			}
			if (nonnull && (r->flags & PTR_MAYBE_NULL)) {
				verbose(env, "arg#%u is expected to be non-NULL\n", i);
				return -EINVAL;
			}
			break;
		}
		case BPFRT_VARG_TRUSTED:
		case BPFRT_VARG_TRUSTED_OR_NULL: {
			bool nullable = fn->args[i].kind == BPFRT_VARG_TRUSTED_OR_NULL;
			int id = btf_arg_type_id(env, i, fn->args[i].type, fn->args[i].type_kind);
			if (id < 0)
				return -EINVAL;
			if (mark_chain_precision(env, regno))
				return env->err = -ENOMEM;
			if (nullable && r->type == SCALAR_VALUE && reg_is_const(r) && !r->var_off.value)
				break; /* NULL */
			int err = btf_trusted_arg(env, regno, (uint32_t)id, nullable);
			if (err)
				return err;
			break;
		}
		case BPFRT_VARG_UNTRUSTED:
			/* anything: the function only reads through it, fault-safe
			 * (the kernel's btf_check_func_arg_match()) */
			if (fn->args[i].type &&
			    btf_arg_type_id(env, i, fn->args[i].type, fn->args[i].type_kind) < 0)
				return -EINVAL;
			break;
		case BPFRT_VARG_DYNPTR: {
			/* the kernel's process_dynptr_func() for ARG_PTR_TO_DYNPTR |
			 * MEM_RDONLY: an initialised dynptr */
			struct call_meta meta;
			call_meta_init(&meta, fname(fn));
			int err = dynptr_check_arg(env, regno, HELPER_ARG_PTR_TO_DYNPTR, &meta);
			if (err)
				return err;
			break;
		}
		case BPFRT_VARG_ARENA:
			/* bpfrt has no arena pointers: a scalar */
			if (r->type != SCALAR_VALUE) {
				verbose(env, "R%u is not a pointer to arena or scalar.\n", regno);
				return -EINVAL;
			}
			break;
		case BPFRT_VARG_INVALID:
			verbose(env, "arg#%u %s\n", i, fn->args[i].why ? fn->args[i].why : "is invalid");
			return -EINVAL;
		default:
			verbose(env, "arg#%u of %s: unknown kind %d\n", i, fname(fn), fn->args[i].kind);
			return -EINVAL;
		}
	}
	return 0;
}

int global_call(struct verifier_env *env, int insn_idx, uint32_t target, int *next_idx)
{
	const struct bpfrt_verify_func *fn = global_func_of(env, target);
	if (!fn)
		return 0;
	int sp = find_subprog(env, target);
	if (sp < 0) {
		verbose(env, "call to invalid destination %u\n", target);
		return -EINVAL;
	}
	if (env->cur->lock_map) {
		verbose(env, "global function calls are not allowed while holding a lock,\n"
			     "use static function instead\n");
		return -EINVAL;
	}
	/* the kernel adds "Caller passes invalid args into func#N": bpfrt
	 * keeps the reason last, for one-line errors */
	int err = check_args(env, fn);
	if (err)
		return err;
	if (log_enabled(env, 2))
		verbose(env, "Func#%d ('%s') is global and assumed valid.\n", sp, fname(fn));
	env->subprogs[sp].global_called = true;
	struct insn_fact *fact = &env->facts->insn[insn_idx];
	fact->flags |= FACT_CALL_LOCAL;
	fact->call_target = (int32_t)target;
	struct reg_state *regs = cur_regs(env);
	clobber_caller_saved(regs);
	mark_reg_unknown(&regs[0]);
	if (subprog_changes_pkt_data(env, (uint32_t)sp))
		clear_all_pkt_pointers(env->cur); /* packet.c */
	*next_idx = insn_idx + 1;
	return 1;
}

/* The state a global function starts in: its arguments from the signature. */
static int init_global_state(struct verifier_env *env, uint32_t sp,
			     const struct bpfrt_verify_func *fn)
{
	struct vstate *st = pool_zalloc(env->pool, sizeof(*st));
	struct func_state *f = frame_new(env);
	if (!st || !f) {
		pool_free(env->pool, st, sizeof(*st));
		frame_free(env, f);
		return env->err = -ENOMEM;
	}
	struct reg_state ctx[MAX_BPF_REG];
	for (int i = 0; i < MAX_BPF_REG; i++)
		mark_reg_not_init(&ctx[i]);
	ctx_init_regs(env, ctx);
	mark_ptr(&f->regs[BPFRT_REG_FP], PTR_TO_STACK);
	for (uint32_t i = 0; i < fn->nargs; i++) {
		struct reg_state *r = &f->regs[i + 1];
		switch (fn->args[i].kind) {
		case BPFRT_VARG_CTX:
			*r = ctx[1];
			break;
		case BPFRT_VARG_MEM:
			mark_ptr(r, PTR_TO_MEM);
			r->flags = PTR_MAYBE_NULL;
			r->mem_size = fn->args[i].size;
			r->id = new_id(env);
			break;
		case BPFRT_VARG_MEM_NONNULL:
			mark_ptr(r, PTR_TO_MEM);
			r->mem_size = fn->args[i].size;
			break;
		case BPFRT_VARG_TRUSTED:
		case BPFRT_VARG_TRUSTED_OR_NULL:
		case BPFRT_VARG_UNTRUSTED: {
			/* the kernel's do_check_common(): a BTF pointer, or for an
			 * untrusted void or scalar pointee read-only memory of
			 * unknown size; a reference the function may not release */
			bool trusted = fn->args[i].kind != BPFRT_VARG_UNTRUSTED;
			if (!trusted && !fn->args[i].type) {
				mark_ptr(r, PTR_TO_MEM);
				r->flags = MEM_RDONLY | PTR_UNTRUSTED;
				break;
			}
			int id = btf_arg_type_id(env, i, fn->args[i].type, fn->args[i].type_kind);
			if (id < 0) {
				pool_free(env->pool, st, sizeof(*st));
				frame_free(env, f);
				return -EINVAL;
			}
			mark_ptr(r, PTR_TO_BTF_ID);
			r->btf_id = (uint32_t)id;
			r->flags = trusted ? PTR_TRUSTED : PTR_UNTRUSTED;
			if (fn->args[i].kind == BPFRT_VARG_TRUSTED_OR_NULL)
				r->flags |= PTR_MAYBE_NULL;
			r->id = new_id(env);
			break;
		}
		case BPFRT_VARG_DYNPTR:
			mark_ptr(r, CONST_PTR_TO_DYNPTR);
			r->id = new_id(env);
			break;
		default: /* scalars, arena addresses */
			mark_reg_unknown(r);
			break;
		}
	}
	f->subprog = sp;
	st->frame[0] = f;
	env->cur = st;
	return 0;
}

int check_global_funcs(struct verifier_env *env)
{
	for (bool again = true; again;) {
		again = false;
		for (uint32_t sp = 1; sp < env->subprog_cnt; sp++) {
			struct subprog_info *s = &env->subprogs[sp];
			if (!s->global_called || s->global_done)
				continue;
			const struct bpfrt_verify_func *fn = global_func_of(env, s->start);
			s->global_done = again = true;
			if (log_enabled(env, 2))
				verbose(env, "Validating %s() func#%u...\n", fname(fn), sp);
			int err = init_global_state(env, sp, fn);
			if (!err)
				err = do_walk(env, (int)s->start);
			if (err)
				return err;
		}
	}
	return 0;
}
