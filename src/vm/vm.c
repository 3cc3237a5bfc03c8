/* SPDX-License-Identifier: MIT */
/* VM handles, the helper table, and running a loaded program. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vm/backend.h"
#include "vm/log.h"
#include "vm/prog.h"
#include "vm/run_ctx.h"

#define DEFAULT_INSN_BUDGET (UINT64_C(1) << 26)

struct bpfrt_vm *bpfrt_vm__new(void)
{
	struct bpfrt_vm *vm = calloc(1, sizeof(*vm));
	if (!vm)
		errno = ENOMEM;
	return vm;
}

void bpfrt_vm__free(struct bpfrt_vm *vm)
{
	free(vm);
}

int bpfrt_vm__register_helper(struct bpfrt_vm *vm, uint32_t id, const char *name,
			      bpfrt_helper_fn fn)
{
	if (!vm || id >= BPFRT_MAX_HELPERS || !fn)
		return -EINVAL;
	vm->helpers[id].fn = fn;
	vm->helpers[id].name = name;
	return 0;
}

bool bpfrt_vm__has_backend(const struct bpfrt_vm *vm, int backend)
{
	(void)vm;
	return vm_backend_get(backend) != NULL;
}

size_t bpfrt_prog__insn_cnt(const struct bpfrt_prog *prog)
{
	return prog->insn_cnt;
}

const struct bpfrt_insn *bpfrt_prog__insns(const struct bpfrt_prog *prog)
{
	return prog->insns;
}

const struct bpfrt_line_info *bpfrt_prog__line_info(const struct bpfrt_prog *prog, size_t *cnt)
{
	*cnt = prog->line_info_cnt;
	return prog->line_info;
}

const char *bpfrt_prog__name(const struct bpfrt_prog *prog)
{
	return prog->name;
}

enum bpfrt_exec_mode bpfrt_prog__mode(const struct bpfrt_prog *prog)
{
	return prog->mode;
}

const char *bpfrt_prog__backend_name(const struct bpfrt_prog *prog)
{
	return prog->backend->name;
}

void bpfrt_prog__free(struct bpfrt_prog *prog)
{
	if (!prog)
		return;
	if (prog->backend)
		prog->backend->release(prog);
	free(prog->insns);
	free(prog->name);
	free(prog->line_info);
	free(prog->facts);
	free(prog->stack_depth);
	free(prog);
}

int bpfrt_prog__run(const struct bpfrt_prog *prog, void *ctx, size_t ctx_size, uint64_t *ret,
		    const struct bpfrt_run_opts *opts)
{
	return vm_prog_run(prog, ctx, ctx_size, ret, opts, NULL, NULL);
}

int vm_prog_run(const struct bpfrt_prog *prog, void *ctx, size_t ctx_size, uint64_t *ret,
		const struct bpfrt_run_opts *opts, void *pkt, void *trace)
{
	if (!prog || !ret || (opts && opts->sz < sizeof(size_t)))
		return -EINVAL;
	struct vm_log log = vm_log_init(OPTS_GET(opts, log_buf, NULL), OPTS_GET(opts, log_size, 0));
	uint64_t budget = OPTS_GET(opts, insn_budget, 0);
	struct bpfrt_run_ctx rc = {
		.prog = prog,
		.user_data = OPTS_GET(opts, user_data, NULL),
		.regions = OPTS_GET(opts, regions, NULL),
		.region_cnt = OPTS_GET(opts, region_cnt, 0),
		.ctx = ctx,
		.ctx_size = ctx ? ctx_size : 0,
		.ctx_readonly = OPTS_GET(opts, ctx_readonly, false),
		.insn_budget = budget ? budget : DEFAULT_INSN_BUDGET,
		.log = &log,
		.pkt = pkt,
		.trace = trace,
	};
	uint64_t r0 = 0;
	int err = prog->backend->run(prog, &rc, &r0);
	if (!err)
		*ret = r0;
	return err;
}

int vm_run_tail(struct bpfrt_run_ctx *rc, uint64_t *r0)
{
	const struct bpfrt_prog *target = rc->tail_prog, *prog = rc->prog;
	void *engine = rc->engine;

	rc->tail_prog = NULL;
	rc->aborted = false;
	rc->prog = target;
	rc->engine = NULL; /* a run of its own, not a callback */
	*r0 = 0;
	int err = target->backend->run(target, rc, r0);
	rc->prog = prog;
	rc->engine = engine;
	rc->aborted = false; /* an abort ended the target, which was the end */
	return err;
}

void *bpfrt_run_ctx__user_data(const struct bpfrt_run_ctx *rc)
{
	return rc->user_data;
}

void bpfrt_run_ctx__abort(struct bpfrt_run_ctx *rc, uint64_t r0)
{
	rc->aborted = true;
	rc->abort_r0 = r0;
}
