/* SPDX-License-Identifier: MIT */
/*
 * The value a program may return, per attach kind: the kernel's
 * check_return_code / return_retval_range (Linux 6.18; fsession from the
 * kernels that have it). Kinds not listed return any scalar: xdp, tc and
 * socket verdicts, tracepoint, perf_event, kprobe/uprobe (not sessions),
 * raw_tp, tp_btf and fmod_ret (whose value replaces the function's).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/bpf.h>
#undef MAX_BPF_REG /* the UAPI's; state.h has the verifier's */

#include "verifier/state.h"

#define ANY_ATTACH UINT32_MAX

static const struct {
	enum bpfrt_attach_kind kind;
	uint32_t attach_type; /* opts.expected_attach_type, or ANY_ATTACH */
	int32_t min, max;
} retval_rules[] = {
	/* egress may also say "congestion" (2: drop + cn, 3: pass + cn) */
	{ BPFRT_ATTACH_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, 0, 3 },
	{ BPFRT_ATTACH_CGROUP_SKB, ANY_ATTACH, 0, 1 },
	/* fentry, fexit and fsession cannot change what the function returns */
	{ BPFRT_ATTACH_FENTRY, ANY_ATTACH, 0, 0 },
	{ BPFRT_ATTACH_FEXIT, ANY_ATTACH, 0, 0 },
	{ BPFRT_ATTACH_FSESSION, ANY_ATTACH, 0, 0 },
	/* session entries: 0 runs the return handler, 1 skips it */
	{ BPFRT_ATTACH_KPROBE_SESSION, ANY_ATTACH, 0, 1 },
	{ BPFRT_ATTACH_UPROBE_SESSION, ANY_ATTACH, 0, 1 },
};

int check_return_range(struct verifier_env *env)
{
	const struct bpfrt_verify_opts *o = env->opts;
	size_t i, n = sizeof(retval_rules) / sizeof(retval_rules[0]);
	for (i = 0; i < n; i++)
		if (retval_rules[i].kind == o->attach &&
		    (retval_rules[i].attach_type == ANY_ATTACH ||
		     retval_rules[i].attach_type == o->expected_attach_type))
			break;
	if (i == n)
		return 0;
	int err = mark_chain_precision(env, 0);
	if (err)
		return err;
	const struct reg_state *r0 = &cur_regs(env)[0];
	if (r0->smin_value >= retval_rules[i].min && r0->smax_value <= retval_rules[i].max)
		return 0;
	/* the kernel's verbose_invalid_scalar */
	verbose(env, "At program exit the register R0 has");
	if (r0->smin_value > INT64_MIN)
		verbose(env, " smin=%lld", (long long)r0->smin_value);
	if (r0->smax_value < INT64_MAX)
		verbose(env, " smax=%lld", (long long)r0->smax_value);
	if (r0->smin_value == INT64_MIN && r0->smax_value == INT64_MAX)
		verbose(env, " unknown scalar value");
	verbose(env, " should have been in [%d, %d]\n", retval_rules[i].min, retval_rules[i].max);
	return -EINVAL;
}
