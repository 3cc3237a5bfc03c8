/* SPDX-License-Identifier: MIT */
/* Post-verification rewriting: see fixups.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixups/fixups.h"
#include "helpers/helpers.h"
#include "helpers/kfuncs.h"

static int fail(char *log, size_t log_size, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *log, size_t log_size, int err, const char *fmt, ...)
{
	if (log && log_size) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(log, log_size, fmt, ap);
		va_end(ap);
	}
	return err;
}

static const char *kfunc_site_name(const struct fixup_env *env, size_t insn)
{
	for (size_t i = 0; i < env->kfunc_site_cnt; i++)
		if (env->kfunc_sites[i].insn == insn)
			return env->kfunc_sites[i].name;
	return NULL;
}

static void set_imm64(struct bpfrt_insn *insn, uint64_t v)
{
	insn[0].src_reg = 0;
	insn[0].imm = (int32_t)(uint32_t)v;
	insn[1].imm = (int32_t)(uint32_t)(v >> 32);
}

/* A map reference at insn i: the map entry, or NULL after logging why. */
static const struct fixup_map *map_ref(const struct fixup_env *env, size_t i, int32_t idx,
				       char *log, size_t log_size)
{
	if (idx < 0 || (size_t)idx >= env->map_cnt || !env->maps[idx].map) {
		fail(log, log_size, -EINVAL, "insn %zu: map %d does not exist (%zu maps)", i, idx,
		     env->map_cnt);
		return NULL;
	}
	return &env->maps[idx];
}

static int fix_lddw(struct bpfrt_insn *insn, size_t i, size_t cnt, const struct fixup_env *env,
		    char *log, size_t log_size)
{
	const struct fixup_map *m;

	if (i + 1 >= cnt)
		return fail(log, log_size, -EINVAL, "insn %zu: lddw without its second slot", i);
	switch (insn->src_reg) {
	case BPFRT_PSEUDO_MAP_FD:
	case BPFRT_PSEUDO_MAP_IDX:
		if (!(m = map_ref(env, i, insn->imm, log, log_size)))
			return -EINVAL;
		set_imm64(insn, (uint64_t)(uintptr_t)m->map);
		return 0;
	case BPFRT_PSEUDO_MAP_VALUE:
	case BPFRT_PSEUDO_MAP_IDX_VALUE: {
		uint32_t off = (uint32_t)insn[1].imm;

		if (!(m = map_ref(env, i, insn->imm, log, log_size)))
			return -EINVAL;
		if (!m->value)
			return fail(log, log_size, -EINVAL,
				    "insn %zu: map %s has no direct value access", i,
				    m->name ? m->name : "?");
		if (off >= m->value_size)
			return fail(log, log_size, -EINVAL,
				    "insn %zu: offset %u outside the %u-byte value of map %s", i,
				    off, m->value_size, m->name ? m->name : "?");
		set_imm64(insn, (uint64_t)(uintptr_t)(m->value + off));
		return 0;
	}
	case BPFRT_PSEUDO_FUNC: {
		int64_t target = (int64_t)i + 1 + insn->imm;

		if (target < 0 || (size_t)target >= cnt)
			return fail(log, log_size, -EINVAL,
				    "insn %zu: callback target %lld outside the program", i,
				    (long long)target);
		/* The engines call callbacks by instruction index (vm_backend.call). */
		set_imm64(insn, (uint64_t)target);
		return 0;
	}
	case BPFRT_PSEUDO_BTF_ID:
		return fail(log, log_size, -EOPNOTSUPP,
			    "insn %zu: kernel symbol (BTF id %d) has no user-space equivalent", i,
			    insn->imm);
	default:
		return 0;
	}
}

static int fix_call(struct bpfrt_insn *insn, size_t i, size_t cnt, const struct fixup_env *env,
		    char *log, size_t log_size)
{
	switch (insn->src_reg) {
	case 0: {
		const struct helper_proto *p = helper_proto_find((uint32_t)insn->imm);

		if (insn->imm >= BPFRT_KFUNC_ID_BASE) { /* a kfunc fixups_calls resolved */
			const struct kfunc_proto *k =
				kfunc_get((uint32_t)insn->imm - BPFRT_KFUNC_ID_BASE);

			if (!k)
				return fail(log, log_size, -ENOENT, "insn %zu: unknown kfunc id %d",
					    i, insn->imm);
			if (!k->fn)
				return fail(log, log_size, -EOPNOTSUPP,
					    "insn %zu: kfunc %s is not available in user space", i,
					    k->name);
			return 0;
		}

		if (!p)
			return fail(log, log_size, -EINVAL, "insn %zu: unknown helper id %d", i,
				    insn->imm);
		if (!p->fn)
			return fail(log, log_size, -EOPNOTSUPP,
				    "insn %zu: helper bpf_%s (id %d) is not available in user space",
				    i, p->name, insn->imm);
		return 0;
	}
	case BPFRT_PSEUDO_CALL: {
		int64_t target = (int64_t)i + 1 + insn->imm;

		if (target < 0 || (size_t)target >= cnt)
			return fail(log, log_size, -EINVAL,
				    "insn %zu: call target %lld outside the program", i,
				    (long long)target);
		return 0;
	}
	case BPFRT_PSEUDO_KFUNC_CALL: {
		const char *name = kfunc_site_name(env, i);
		int idx = name ? kfunc_find_by_name(name) : insn->imm;
		const struct kfunc_proto *k = idx >= 0 ? kfunc_get((uint32_t)idx) : NULL;

		if (!k) {
			if (name)
				return fail(log, log_size, -ENOENT, "insn %zu: unknown kfunc %s", i,
					    name);
			return fail(log, log_size, -ENOENT, "insn %zu: unknown kfunc index %d",
				    i, insn->imm);
		}
		if (!k->fn)
			return fail(log, log_size, -EOPNOTSUPP,
				    "insn %zu: kfunc %s is not available in user space", i,
				    k->name);
		insn->src_reg = 0;
		insn->imm = BPFRT_KFUNC_ID_BASE + idx;
		return 0;
	}
	default:
		return fail(log, log_size, -EINVAL, "insn %zu: call with unknown src_reg %u", i,
			    insn->src_reg);
	}
}

int fixups_apply(struct bpfrt_insn *insns, size_t insn_cnt, const struct fixup_env *env,
		 char *log, size_t log_size)
{
	static const struct fixup_env none;
	struct bpfrt_insn *out;
	int err = 0;

	if (!insns && insn_cnt)
		return -EINVAL;
	if (!env)
		env = &none;
	/* Work on a copy so a failure leaves the program untouched. */
	out = malloc((insn_cnt ? insn_cnt : 1) * sizeof(*out));
	if (!out)
		return -ENOMEM;
	memcpy(out, insns, insn_cnt * sizeof(*out));
	for (size_t i = 0; i < insn_cnt && !err; i++) {
		struct bpfrt_insn *insn = &out[i];

		if (BPFRT_INSN_IS_LDDW(insn)) {
			err = fix_lddw(insn, i, insn_cnt, env, log, log_size);
			i++;
		} else if (insn->code == (BPFRT_JMP | BPFRT_CALL)) {
			err = fix_call(insn, i, insn_cnt, env, log, log_size);
		}
	}
	if (!err)
		memcpy(insns, out, insn_cnt * sizeof(*out));
	free(out);
	return err;
}
