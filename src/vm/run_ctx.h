/* SPDX-License-Identifier: MIT */
/*
 * The state of one program run, shared by the engines (interpreter, JIT)
 * and the helpers. Helpers get a pointer to it as their sixth argument; the
 * JIT reads `aborted` at its offset after every helper call.
 */
#ifndef BPFRT_VM_RUN_CTX_H
#define BPFRT_VM_RUN_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/vm.h"

struct vm_log;

struct bpfrt_run_ctx {
	const struct bpfrt_prog *prog;
	void *user_data;
	/* Set by bpfrt_run_ctx__abort(): the engine ends the program after the
	 * helper returns, with r0 = abort_r0. */
	bool aborted;
	uint64_t abort_r0;
	/* Checked mode: extra regions the program may access. */
	const struct bpfrt_mem_region *regions;
	size_t region_cnt;
	/* Engine-private state (the interpreter's frames, fault detail). */
	void *engine;
	/* The context: r1 and r2 at entry. */
	void *ctx;
	size_t ctx_size;
	/* Checked mode: stores to ctx fault; instructions left before -ELOOP. */
	bool ctx_readonly;
	uint64_t insn_budget;
	/* Where a fault is described (the insn index, the access, why). */
	struct vm_log *log;
};

#endif /* BPFRT_VM_RUN_CTX_H */
