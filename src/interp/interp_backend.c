/* SPDX-License-Identifier: MIT */
/* Placeholder until the pre-decoding interpreter lands. */
#include <errno.h>

#include "vm/backend.h"

static int interp_prepare(struct bpfrt_prog *prog, struct vm_log *log)
{
	(void)prog;
	vm_log_line(log, "the interpreter is not built yet");
	return -EOPNOTSUPP;
}

static void interp_release(struct bpfrt_prog *prog)
{
	(void)prog;
}

static int interp_run(const struct bpfrt_prog *prog, struct bpfrt_run_ctx *rc, uint64_t *r0)
{
	(void)prog, (void)rc, (void)r0;
	return -EOPNOTSUPP;
}

const struct vm_backend vm_backend_interp = {
	.name = "interp",
	.prepare = interp_prepare,
	.release = interp_release,
	.run = interp_run,
};
