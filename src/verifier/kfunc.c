/* SPDX-License-Identifier: MIT */
/*
 * Kfunc calls (call with src_reg BPF_PSEUDO_KFUNC_CALL, imm = the index in
 * src/helpers/kfuncs.c's table, set by the runtime from the extern's name
 * before verification): checked against the table's prototypes as helper
 * calls are against protos.c — argument kinds, the kernel's KF_* flags
 * (KF_ACQUIRE, KF_RELEASE, KF_RET_NULL, KF_TRUSTED_ARGS, KF_RCU, the
 * iterator flags), dynptr arguments and slices, session-only kfuncs, and
 * bpf_throw, which ends the path (no reference or lock may be held).
 * BTF-typed pointers (btf_ptr.c) are taken where the kernel's prototype is
 * a kernel struct (a `const struct cpumask *`) when trusted: a tp_btf
 * argument, not an fentry one nor a pointer read through one.
 */
#include <errno.h>

#include "bpfrt/object.h"
#include "helpers/kfuncs.h"
#include "verifier/calls.h"

int kfunc_check_insn(struct verifier_env *env, uint32_t insn_idx)
{
	int32_t imm = env->insns[insn_idx].imm;
	const struct kfunc_proto *k = imm >= 0 ? kfunc_get((uint32_t)imm) : NULL;
	if (!k) {
		verbose(env, "calling kernel function %d is not allowed\n", imm);
		return -EINVAL;
	}
	if (k->flags & KFUNC_F_ITER_NEXT)
		env->aux[insn_idx].iter_next = env->aux[insn_idx].prune_point = true;
	return 0;
}

static bool is_session(enum bpfrt_attach_kind k)
{
	return k == BPFRT_ATTACH_FSESSION || k == BPFRT_ATTACH_KPROBE_SESSION ||
	       k == BPFRT_ATTACH_UPROBE_SESSION;
}

/* Writable slices are for programs that may write packets (and for
 * bpfrt's raw-memory programs). */
static bool may_write_packets(enum bpfrt_attach_kind k)
{
	return k == BPFRT_ATTACH_UNSPEC || k == BPFRT_ATTACH_XDP || k == BPFRT_ATTACH_TC;
}

/* KF_TRUSTED_ARGS, KF_RCU: the program's own objects (a bpf_cpumask) as
 * the program got them, not moved. */
static int check_trusted(struct verifier_env *env, uint32_t regno)
{
	const struct reg_state *r = &cur_regs(env)[regno];
	if (reg_is_pointer(r) && r->type != PTR_TO_STACK &&
	    (r->off || !tnum_equals_const(r->var_off, 0))) {
		verbose(env, "R%u must have zero offset when passed to trusted arg\n", regno);
		return -EACCES;
	}
	return 0;
}

static int size_regno(const struct kfunc_proto *k)
{
	for (int i = 0; i < 5; i++)
		if (k->args[i] == HELPER_ARG_CONST_SIZE || k->args[i] == HELPER_ARG_CONST_SIZE_OR_ZERO)
			return i + 1;
	return 0;
}

int do_kfunc_call(struct verifier_env *env, int insn_idx, int *next_idx, bool *path_done)
{
	int32_t imm = env->insns[insn_idx].imm;
	const struct kfunc_proto *k = kfunc_get((uint32_t)imm);
	struct insn_fact *fact = &env->facts->insn[insn_idx];
	struct reg_state *regs = cur_regs(env);
	int err;

	*next_idx = insn_idx + 1;
	*path_done = false;
	if (!k) {
		verbose(env, "calling kernel function %d is not allowed\n", imm);
		return -EINVAL;
	}
	fact->flags |= FACT_CALL_HELPER;
	fact->call_target = (int32_t)(BPFRT_KFUNC_ID_BASE + (uint32_t)imm);
	if ((k->flags & KFUNC_F_SESSION) && !is_session(env->opts->attach)) {
		verbose(env, "calling kernel function %s is not allowed in %s programs\n", k->name,
			bpfrt_attach_kind_name(env->opts->attach));
		return -EACCES;
	}
	if ((err = lock_check_call(env, k->name, false)))
		return err;
	if ((k->flags & KFUNC_F_RDWR_SLICE) && !may_write_packets(env->opts->attach)) {
		/* the kernel's may_access_direct_pkt_data(BPF_WRITE) */
		verbose(env, "the prog does not allow writes to packet data\n");
		return -EACCES;
	}
	struct call_meta meta;
	call_meta_init(&meta, k->name);
	meta.kfunc = true;
	uint32_t release_ref = 0;
	for (uint32_t i = 0; i < 5 && k->args[i] != HELPER_ARG_NONE; i++) {
		uint32_t regno = i + 1;
		if (k->args[i] == HELPER_ARG_ANYTHING && regs[regno].type != SCALAR_VALUE) {
			/* a kfunc's integer argument */
			verbose(env, "R%u is not a scalar\n", regno);
			return -EINVAL;
		}
		if (k->args[i] == HELPER_ARG_PTR_TO_CPUMASK && regs[regno].type == PTR_TO_BTF_ID) {
			/* a pointer of the target's BTF: trusted (or RCU) as the
			 * flags ask, and a struct cpumask where one is taken */
			err = btf_kfunc_arg(env, regno, k->name, k->flags & KFUNC_F_TRUSTED_ARGS,
					    k->flags & KFUNC_F_RCU,
					    (k->flags & KFUNC_F_CPUMASK) ? "cpumask" : NULL,
					    CPUMASK_BYTES);
			if (err)
				return err;
			continue;
		}
		if (k->args[i] == HELPER_ARG_PTR_TO_ITER) {
			if (regs[regno].type == NOT_INIT) {
				verbose(env, "R%u !read_ok\n", regno);
				return -EACCES;
			}
			err = iter_check_arg(env, regno, k->flags, &meta);
		} else {
			err = check_arg(env, NULL, regno, k->args[i], &meta);
		}
		if (!err && (k->flags & (KFUNC_F_TRUSTED_ARGS | KFUNC_F_RCU)))
			err = check_trusted(env, regno);
		if (err)
			return err;
		if ((k->flags & KFUNC_F_RELEASE) && !release_ref && regs[regno].ref_obj_id)
			release_ref = regs[regno].ref_obj_id;
	}
	if ((k->flags & KFUNC_F_RELEASE) && !release_ref && !meta.release_ref) {
		verbose(env, "release kernel function %s expects refcounted PTR_TO_BTF_ID\n",
			k->name);
		return -EINVAL;
	}
	if (meta.release_ref && (err = release_reference(env, meta.release_ref)))
		return err;
	if (release_ref && (err = release_reference(env, release_ref)))
		return err;
	if ((err = dynptr_finish_call(env, &meta, insn_idx)))
		return err;
	if (k->flags & (KFUNC_F_ITER_NEW | KFUNC_F_ITER_NEXT | KFUNC_F_ITER_DESTROY)) {
		if ((err = iter_finish_call(env, k->flags, &meta, insn_idx)))
			return err;
		if (k->flags & KFUNC_F_ITER_NEXT)
			return 0; /* r0 set on both paths */
	}
	if (k->flags & KFUNC_F_THROWS) {
		/* bpf_throw: the program ends here */
		if ((err = check_resource_leak(env, k->name)))
			return err;
		*path_done = true;
		return 0;
	}
	clobber_caller_saved(regs);
	struct reg_state *r0 = &regs[0];
	switch (k->ret) {
	case KFUNC_RET_VOID:
		mark_reg_not_init(r0);
		break;
	case KFUNC_RET_PTR_TO_MEM:
		if (meta.const_size < 0) {
			verbose(env, "R%d must be a known constant\n", size_regno(k));
			return -EACCES;
		}
		dynptr_mark_slice(env, r0, &meta, meta.const_size,
				  !(k->flags & KFUNC_F_RDWR_SLICE));
		break;
	case KFUNC_RET_PTR_TO_CPUMASK:
		mark_ptr(r0, PTR_TO_CPUMASK);
		break;
	case KFUNC_RET_PTR_TO_U64:
	case KFUNC_RET_PTR_TO_INT:
		mark_ptr(r0, PTR_TO_MEM);
		r0->mem_size = k->ret == KFUNC_RET_PTR_TO_U64 ? 8 : 4;
		if (k->ret == KFUNC_RET_PTR_TO_INT)
			r0->flags |= MEM_RDONLY;
		break;
	default:
		mark_reg_unknown(r0);
		break;
	}
	if (reg_is_pointer(r0) && (k->flags & KFUNC_F_RET_NULL)) {
		r0->flags |= PTR_MAYBE_NULL;
		if (!r0->id)
			r0->id = new_id(env);
	} else if (reg_is_pointer(r0)) {
		r0->flags &= (uint8_t)~PTR_MAYBE_NULL;
	}
	if (k->flags & KFUNC_F_ACQUIRE) {
		uint32_t ref = acquire_reference(env, insn_idx);
		if (!ref)
			return -EINVAL;
		if (r0->id && (r0->flags & PTR_MAYBE_NULL))
			env->cur->refs[env->cur->refcnt - 1].id = ref = r0->id;
		r0->ref_obj_id = ref;
	}
	return 0;
}
