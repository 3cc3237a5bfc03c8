/* SPDX-License-Identifier: MIT */
/*
 * The JIT as a VM backend (vm/backend.h): prepare compiles, run enters the
 * code, release unmaps it. The JIT runs trusted programs only; checked
 * mode (bounds-checked memory, an instruction budget) stays with the
 * interpreter, and asking the JIT for it fails with -EOPNOTSUPP.
 */
#include <errno.h>
#include <stdlib.h>

#include "bpfrt/jit.h"
#include "bpfrt/object.h"
#include "helpers/helpers.h"
#include "jit/jit.h"
#include "vm/backend.h"
#include "vm/run_ctx.h"

static bpfrt_helper_fn helper_fn(const void *vm, uint32_t id)
{
	return vm_helper_fn(vm, id);
}

static bpfrt_helper_fn const *helper_slot(const void *vm, uint32_t id)
{
	const struct bpfrt_vm *v = vm;
	return id < BPFRT_MAX_HELPERS ? &v->helpers[id].fn : NULL;
}

static bool is_tail_call(const void *vm, uint32_t id)
{
	const struct helper_proto *p = helper_proto_find(id);
	return p && (p->flags & HELPER_F_TAIL_CALL) && p->fn && vm_helper_fn(vm, id) == p->fn;
}

/* The verifier's facts moved to the blinded program: only instructions
 * blinding left alone keep theirs. */
static uint8_t *blinded_facts(const struct bpfrt_prog *prog, const struct jit_blinded *b)
{
	uint8_t *f = calloc(b->cnt ? b->cnt : 1, 1);
	for (size_t i = 0; f && i < prog->insn_cnt; i++)
		if (b->pos[i + 1] - b->pos[i] == 1)
			f[b->pos[i]] = prog->facts[i];
	return f;
}

/* The subprograms' stack depths moved to the blinded program: each at the
 * first of the instructions its first instruction became. */
static uint16_t *blinded_depths(const struct bpfrt_prog *prog, const struct jit_blinded *b)
{
	uint16_t *d = calloc(b->cnt ? b->cnt : 1, sizeof(*d));
	for (size_t i = 0; d && i < prog->insn_cnt; i++)
		if (prog->stack_depth[i] && b->pos[i] < b->cnt)
			d[b->pos[i]] = prog->stack_depth[i];
	return d;
}

static int jit_prepare(struct bpfrt_prog *prog, struct vm_log *log)
{
	if (prog->mode != BPFRT_EXEC_TRUSTED) {
		vm_log_line(log, "the JIT runs trusted (verified) programs only: load with "
				 "BPFRT_EXEC_TRUSTED, or use the interpreter for checked mode");
		return -EOPNOTSUPP;
	}
	struct jit_env env = {.helper = helper_fn, .helper_slot = helper_slot,
			      .is_tail_call = is_tail_call, .helper_arg = prog->vm, .owner = prog,
			      .facts = prog->facts, .stack_depth = prog->stack_depth};
	char why[256] = "";
	struct jit_prog *jp;
	uint8_t *facts = NULL;
	uint16_t *depths = NULL;
	int err = 0;
	if (prog->jit_harden) {
		err = jit_blind(prog->insns, prog->insn_cnt, &env.blinded, why, sizeof(why));
		if (!err && prog->facts && !(facts = blinded_facts(prog, &env.blinded)))
			err = -ENOMEM;
		if (!err && prog->stack_depth && !(depths = blinded_depths(prog, &env.blinded)))
			err = -ENOMEM;
		env.facts = facts;
		env.stack_depth = depths;
		env.orig_cnt = prog->insn_cnt;
		env.flags |= JIT_F_BLINDED;
	}
	const struct bpfrt_insn *insns = env.blinded.insns ? env.blinded.insns : prog->insns;
	size_t cnt = env.blinded.insns ? env.blinded.cnt : prog->insn_cnt;
	if (!err)
		err = jit_compile(insns, cnt, &env, &jp, why, sizeof(why)); /* owns env.blinded */
	else
		jit_blinded_free(&env.blinded);
	free(facts);
	free(depths);
	if (err) {
		vm_log_line(log, "jit: %s", why[0] ? why : "cannot compile");
		return err;
	}
	prog->backend_data = jp;
	return 0;
}

static void jit_release(struct bpfrt_prog *prog)
{
	jit_free(prog->backend_data);
	prog->backend_data = NULL;
}

static int jit_backend_run(const struct bpfrt_prog *prog, struct bpfrt_run_ctx *rc, uint64_t *r0)
{
	return jit_run(prog->backend_data, rc, r0); /* logs the instruction and why */
}

static int jit_backend_call(const struct bpfrt_prog *prog, struct bpfrt_run_ctx *rc, uint32_t insn,
			    const uint64_t args[5], uint64_t *r0)
{
	int err = jit_call(prog->backend_data, rc, insn, args, r0);
	if (err == -EINVAL)
		vm_log_line(rc->log, "callback: no function of the program starts at insn %u", insn);
	return err;
}

const struct vm_backend vm_backend_jit = {
	.name = "jit",
	.prepare = jit_prepare,
	.release = jit_release,
	.run = jit_backend_run,
	.call = jit_backend_call,
};

static bool is_jited(const struct bpfrt_prog *prog)
{
	return prog && prog->backend == &vm_backend_jit && prog->backend_data;
}

const struct jit_prog *jit_prog_of(const struct bpfrt_prog *prog)
{
	return is_jited(prog) ? prog->backend_data : NULL;
}

int bpfrt_prog__dump_jited(const struct bpfrt_prog *prog, enum bpfrt_syntax syntax,
			   bpfrt_line_fn line, void *arg)
{
	if (!is_jited(prog) || !line)
		return -EINVAL;
	const struct jit_blinded *b = &jit_env_of(prog->backend_data)->blinded;
	if (!b->insns)
		return jit_dump(prog->backend_data, prog->insns, prog->insn_cnt, prog->line_info,
				prog->line_info_cnt, syntax, line, arg);
	/* blinded: the listing is of the rewritten instructions */
	struct bpfrt_line_info *lines = malloc((prog->line_info_cnt + 1) * sizeof(*lines));
	if (!lines)
		return -ENOMEM;
	for (size_t i = 0; i < prog->line_info_cnt; i++) {
		lines[i] = prog->line_info[i];
		if (lines[i].insn_idx <= prog->insn_cnt)
			lines[i].insn_idx = (uint32_t)b->pos[lines[i].insn_idx];
	}
	int err = jit_dump(prog->backend_data, b->insns, b->cnt, lines, prog->line_info_cnt, syntax,
			   line, arg);
	free(lines);
	return err;
}

const void *bpfrt_prog__jited_code(const struct bpfrt_prog *prog, size_t *size)
{
	if (!is_jited(prog) || !size) {
		errno = EINVAL;
		return NULL;
	}
	return jit_code(prog->backend_data, size);
}
