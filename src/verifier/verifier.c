/* SPDX-License-Identifier: MIT */
/*
 * The entry: checks the options, runs the static checks and the walk, and
 * hands back the facts. A program the kernel-like walk gives up on (its
 * budget exhausted by a loop walked iteration by iteration) is walked again
 * with loop widening unless kernel_compat is set.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "isa/opcodes.h"
#include "verifier/log.h"
#include "verifier/state.h"

#define KERNEL_BUDGET 1000000ULL	  /* kernel BPF_COMPLEXITY_LIMIT_INSNS */
#define WIDEN_BUDGET KERNEL_BUDGET
#define MAX_INSNS (1u << 20)		  /* kernel BPF_MAXINSNS for privileged */

int do_check(struct verifier_env *env);
void free_pending(struct verifier_env *env);

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void verifier_facts_free(struct verifier_facts *facts)
{
	if (!facts)
		return;
	big_free(facts->insn, (facts->insn_cnt ? facts->insn_cnt : 1) * sizeof(*facts->insn));
	free(facts->subprogs);
	free(facts);
}

static struct verifier_facts *facts_new(size_t cnt)
{
	struct verifier_facts *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->insn_cnt = cnt;
	f->insn = big_zalloc((cnt ? cnt : 1) * sizeof(*f->insn));
	if (!f->insn) {
		free(f);
		return NULL;
	}
	return f;
}

/* One attempt: static checks and the walk. `widen`: widen at loop heads if
 * the program has loops. */
static int run_once(struct verifier_env *env, bool widen)
{
	int err = ctx_check_kind(env);
	if (!err)
		err = check_cfg(env);
	env->widen = false;
	for (uint32_t i = 0; widen && !err && i < env->insn_cnt; i++)
		env->widen |= env->aux[i].loop_head;
	env->budget = env->widen ? WIDEN_BUDGET : KERNEL_BUDGET;
	if (!err)
		err = do_check(env);
	if (!err)
		err = check_global_funcs(env);
	if (!err)
		err = check_max_stack_depth(env);
	if (env->err)
		err = env->err;
	return err;
}

static void env_reset(struct verifier_env *env)
{
	free_pending(env);
	backedges_free(env);
	free_stored_states(env);
	memset(env->aux, 0, env->insn_cnt * sizeof(*env->aux));
	memset(env->facts->insn, 0, env->insn_cnt * sizeof(*env->facts->insn));
	env->subprog_cnt = 0;
	env->id_gen = 0;
	env->insns_processed = 0;
	env->jmps_processed = env->prev_jmps = env->prev_insns = 0;
	env->total_states = env->peak_states = env->cur_states = 0;
	env->max_states_per_insn = 0;
	env->err = 0;
	env->widened = false;
	env->settle = false;
	env->msg_len = 0;
	env->msg[0] = 0;
	env->prev_insn = 0;
	env->last_linfo = NULL;
}

static void log_error(struct verifier_env *env, int err)
{
	struct verifier_log *log = env->log;
	if (!log->buf || !env->msg_len)
		return;
	if (env->prev_insn < env->insn_cnt && err != -E2BIG) {
		log_linfo(env, env->prev_insn, true);
		log_insn(env, env->prev_insn);
		if (log->level >= 1 && env->cur) {
			log_write(log, "%u:", env->prev_insn);
			log_state(env, env->cur, true);
		}
	}
	log_flush_msg(env);
}

/* The error of the walk with loop widening, as log_error writes it, in a
 * buffer of its own (NULL without a log). */
static char *widen_error(struct verifier_env *env, int err)
{
	struct verifier_log *log = env->log;
	struct verifier_log side = { .size = 8192, .level = log->level };
	if (!log->buf || !(side.buf = malloc(side.size)))
		return NULL;
	side.buf[0] = 0;
	env->log = &side;
	log_error(env, err);
	env->log = log;
	return side.buf;
}

/* FACT_ZEXT (zext.c), helpers and kfuncs reading their prototypes'
 * arguments. */
static int mark_zext(struct verifier_env *env)
{
	size_t size = (env->insn_cnt ? env->insn_cnt : 1) * sizeof(uint16_t);
	uint16_t *args = big_zalloc(size);
	if (!args)
		return -ENOMEM;
	for (uint32_t k = 0; k < env->insn_cnt; k++) {
		const struct isa_form *f = insn_form(env, k);
		if (f && (f->op == ISA_OP_CALL_HELPER || f->op == ISA_OP_CALL_KFUNC))
			args[k] = call_arg_regs(env, k);
	}
	int err = facts_mark_zext(env->insns, env->insn_cnt, env->facts, args);
	big_free(args, size);
	return err;
}

int verifier_run(const struct bpfrt_insn *insns, size_t cnt, const struct bpfrt_verify_opts *o,
		 struct verifier_facts **facts_out)
{
	struct bpfrt_verify_opts opts = { .sz = sizeof(opts) };
	if (o) {
		if (o->sz < offsetof(struct bpfrt_verify_opts, stats) || o->sz > 4096)
			return -EINVAL;
		memcpy(&opts, o, o->sz < sizeof(opts) ? o->sz : sizeof(opts));
	}
	struct verifier_log log = { .buf = opts.log_buf, .size = opts.log_buf ? opts.log_size : 0,
				    .level = opts.log_level };
	if (log.buf && log.size)
		log.buf[0] = 0;
	if ((unsigned)opts.attach >= BPFRT_ATTACH_KIND_COUNT || (unsigned)opts.probe_mech > 1 || (opts.map_cnt && !opts.maps) ||
	    (opts.helper_cnt && !opts.helpers) || (opts.func_cnt && !opts.funcs) || (cnt && !insns)) {
		log_write(&log, "invalid verifier options\n");
		return -EINVAL;
	}
	if (!cnt) {
		log_write(&log, "empty program\n");
		return -EINVAL;
	}
	if (cnt > MAX_INSNS) {
		log_write(&log, "program of %zu insns is too large (max %u)\n", cnt, MAX_INSNS);
		return -E2BIG;
	}
	uint64_t t0 = now_ns();
	struct verifier_env *env = calloc(1, sizeof(*env));
	if (!env)
		return -ENOMEM;
	env->insns = insns;
	env->insn_cnt = (uint32_t)cnt;
	env->opts = &opts;
	env->log = &log;
	env->aux = big_zalloc(cnt * sizeof(*env->aux));
	env->facts = facts_new(cnt);
	env->pool = pool_new();
	int err = -ENOMEM;
	if (!env->aux || !env->facts || !env->pool)
		goto out;
	/* Programs with loops are first walked with loop widening (cheaper,
	 * and it proves loops the kernel's budget cannot); if that fails, the
	 * kernel-like walk decides (and writes the log). */
	err = run_once(env, !opts.kernel_compat);
	char *widen_why = NULL;
	if (err && env->widen && err != -ENOMEM) {
		if (err != -E2BIG)
			widen_why = widen_error(env, err);
		env_reset(env);
		err = run_once(env, false);
	}
	if (err && err != -ENOMEM)
		log_error(env, err);
	/* the kernel-like walk ran out of budget: what stopped the widening
	 * walk is then the finding (an unsafe access inside a long loop) */
	if (err == -E2BIG && widen_why)
		log_write(&log, "The walk with loop widening stopped at:\n%s", widen_why);
	free(widen_why);
	uint64_t dt = now_ns() - t0;
	if (opts.log_level >= 1 && log.buf) {
		/* the kernel's stats lines (BPF_LOG_STATS); mark_read: the kernel
		 * counts read marks, bpfrt's liveness is static (none) */
		log_write(&log,
			  "processed %llu insns (limit %llu) max_states_per_insn %u total_states %u peak_states %u mark_read 0\n"
			  "verification time %llu usec\nstack depth ",
			  (unsigned long long)env->insns_processed,
			  (unsigned long long)env->budget, env->max_states_per_insn,
			  env->total_states, env->peak_states, (unsigned long long)(dt / 1000));
		for (uint32_t i = 0; i < env->subprog_cnt; i++)
			log_write(&log, "%s%u", i ? "+" : "", (env->subprogs[i].stack_depth + 7) & ~7u);
		log_write(&log, "%s\n", env->subprog_cnt ? "" : "0");
	}
	if (opts.stats && opts.stats->sz >= sizeof(struct bpfrt_verify_stats)) {
		opts.stats->insns_processed = env->insns_processed;
		opts.stats->total_states = env->total_states;
		opts.stats->peak_states = env->peak_states;
		opts.stats->max_stack_depth = env->facts->max_stack_depth;
		opts.stats->time_ns = dt;
		opts.stats->widened = env->widened && !err;
		opts.stats->max_tp_access = env->max_tp_access;
	}
	if (!err && facts_out) {
		struct verifier_facts *f = env->facts;
		f->insns_processed = env->insns_processed;
		f->widened = env->widened;
		f->subprog_cnt = env->subprog_cnt;
		f->subprogs = calloc(env->subprog_cnt, sizeof(*f->subprogs));
		if (!f->subprogs) {
			err = -ENOMEM;
			goto out;
		}
		for (uint32_t i = 0; i < env->subprog_cnt; i++) {
			f->subprogs[i].start = env->subprogs[i].start;
			f->subprogs[i].stack_depth = (env->subprogs[i].stack_depth + 7) & ~7u;
		}
		if ((err = mark_zext(env)))
			goto out;
		*facts_out = f;
		env->facts = NULL;
	}
	if (err == -EACCES || err == -EFAULT)
		err = -EINVAL;
out:
	free_pending(env);
	backedges_free(env);
	free_stored_states(env);
	pool_destroy(env->pool);
	big_free(env->aux, env->insn_cnt * sizeof(*env->aux));
	verifier_facts_free(env->facts);
	free(env);
	return err;
}

int bpfrt_verify(const struct bpfrt_insn *insns, size_t cnt, const struct bpfrt_verify_opts *opts)
{
	return verifier_run(insns, cnt, opts, NULL);
}
