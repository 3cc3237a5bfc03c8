/* SPDX-License-Identifier: MIT */
/*
 * bpf_spin_lock / bpf_spin_unlock pairing, as the kernel's verifier checks
 * it: the lock is the struct bpf_spin_lock field of a map value (the map's
 * value BTF, from the loader, says where: bpfrt_verify_map.spin_lock_off),
 * one lock is held at a time, no helper, kfunc or global function is called
 * while it is held (static subprograms may be), the unlock names the same
 * lock, and the program does not exit or throw holding it.
 */
#include <errno.h>

#include "verifier/calls.h"

int lock_check_call(struct verifier_env *env, const char *what, bool is_unlock)
{
	(void)what;
	if (env->cur->lock_map && !is_unlock) {
		verbose(env, "function calls are not allowed while holding a lock\n");
		return -EINVAL;
	}
	return 0;
}

int check_resource_leak(struct verifier_env *env, const char *prefix)
{
	const struct vstate *st = env->cur;
	if (st->refcnt) {
		verbose(env, "Unreleased reference id=%u alloc_insn=%u\n", st->refs[0].id,
			st->refs[0].insn_idx);
		verbose(env, "%s would lead to reference leak\n", prefix);
		return -EINVAL;
	}
	if (st->lock_map) {
		verbose(env, "%s cannot be used inside bpf_spin_lock-ed region\n", prefix);
		return -EINVAL;
	}
	return 0;
}

int lock_check_access(struct verifier_env *env, const struct reg_state *r, int off, int size)
{
	const struct bpfrt_verify_map *m = &env->opts->maps[r->map_idx];
	if (!m->value_btf || m->spin_lock_off < 0)
		return 0;
	int64_t lo = (int64_t)r->off + off + r->smin_value;
	int64_t hi = (int64_t)r->off + off + (int64_t)r->umax_value + size;
	if (lo < m->spin_lock_off + 4 && hi > m->spin_lock_off) {
		verbose(env, "bpf_spin_lock cannot be accessed directly by load/store\n");
		return -EACCES;
	}
	return 0;
}

/* The kernel's is_tracing_prog_type(): kprobe (uprobe, usdt), tracepoint,
 * perf_event and raw tracepoint programs. */
static bool is_tracing(enum bpfrt_attach_kind k)
{
	return (k >= BPFRT_ATTACH_UPROBE && k <= BPFRT_ATTACH_KPROBE_SESSION) ||
	       k == BPFRT_ATTACH_TRACEPOINT || k == BPFRT_ATTACH_RAW_TP ||
	       k == BPFRT_ATTACH_PERF_EVENT;
}

int lock_check_arg(struct verifier_env *env, uint32_t regno, struct call_meta *meta)
{
	const struct reg_state *r = &cur_regs(env)[regno];
	enum bpfrt_attach_kind kind = env->opts->attach;
	/* The kernel keeps locks from programs that may interrupt a holder on
	 * the same CPU; bpfrt does too for perf_event (sampling signals), and
	 * for every kind the kernel names in kernel_compat. */
	if (kind == BPFRT_ATTACH_SOCKET && env->opts->kernel_compat) {
		verbose(env, "socket filter progs cannot use bpf_spin_lock yet\n");
		return -EINVAL;
	}
	if (kind == BPFRT_ATTACH_PERF_EVENT || (is_tracing(kind) && env->opts->kernel_compat)) {
		verbose(env, "tracing progs cannot use bpf_spin_lock yet\n");
		return -EINVAL;
	}
	if (r->type != PTR_TO_MAP_VALUE || (r->flags & PTR_MAYBE_NULL))
		return arg_type_err(env, regno, r, "map_value");
	if (!tnum_is_const(r->var_off)) {
		verbose(env,
			"R%u doesn't have constant offset. bpf_spin_lock has to be at the constant offset\n",
			regno);
		return -EINVAL;
	}
	const struct bpfrt_verify_map *m = &env->opts->maps[r->map_idx];
	if (!m->value_btf) {
		verbose(env, "map 'map[idx:%u]' has to have BTF in order to use bpf_spin_lock\n",
			r->map_idx);
		return -EINVAL;
	}
	if (m->spin_lock_off < 0) {
		verbose(env, "map 'map[idx:%u]' has no valid bpf_spin_lock\n", r->map_idx);
		return -EINVAL;
	}
	int64_t off = r->off + (int64_t)r->var_off.value;
	if (off != m->spin_lock_off) {
		verbose(env, "off %lld doesn't point to 'struct bpf_spin_lock' that is at %d\n",
			(long long)off, m->spin_lock_off);
		return -EINVAL;
	}
	meta->lock_map = (int)r->map_idx;
	meta->lock_off = (int32_t)off;
	meta->lock_id = r->id;
	return 0;
}

int lock_finish_call(struct verifier_env *env, bool lock, const struct call_meta *meta)
{
	struct vstate *st = env->cur;
	if (lock) {
		if (st->lock_map) {
			verbose(env, "Locking two bpf_spin_locks are not allowed\n");
			return -EINVAL;
		}
		st->lock_map = (uint32_t)meta->lock_map + 1;
		st->lock_off = meta->lock_off;
		st->lock_id = meta->lock_id;
		return 0;
	}
	if (!st->lock_map) {
		verbose(env, "bpf_spin_unlock without taking a lock\n");
		return -EINVAL;
	}
	if (st->lock_map != (uint32_t)meta->lock_map + 1 || st->lock_off != meta->lock_off ||
	    st->lock_id != meta->lock_id) {
		verbose(env, "bpf_spin_unlock of different lock\n");
		return -EINVAL;
	}
	st->lock_map = 0;
	st->lock_off = 0;
	st->lock_id = 0;
	return 0;
}
