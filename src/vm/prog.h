/* SPDX-License-Identifier: MIT */
/*
 * The VM and program handles behind include/bpfrt/vm.h, as the backends
 * (src/interp, src/jit) see them.
 */
#ifndef BPFRT_VM_PROG_H
#define BPFRT_VM_PROG_H

#include <stddef.h>
#include <stdint.h>

#include "bpfrt/vm.h"
#include "util/opts.h"

struct vm_helper {
	bpfrt_helper_fn fn; /* NULL: not registered */
	const char *name;
};

struct bpfrt_vm {
	struct vm_helper helpers[BPFRT_MAX_HELPERS];
	bpfrt_trace_output_fn trace_fn; /* bpf_trace_printk output, or NULL */
	void *trace_ctx;
};

struct vm_backend;

struct bpfrt_prog {
	struct bpfrt_vm *vm;
	struct bpfrt_insn *insns; /* validated copy; ld_imm64 takes two slots */
	size_t insn_cnt;
	char *name;
	enum bpfrt_exec_mode mode;
	const struct vm_backend *backend;
	void *backend_data; /* owned by the backend (prepare/release) */
};

/* The helper registered as `id`, or NULL. Helpers may be registered or
 * replaced after a program was loaded; engines look them up at call time. */
static inline bpfrt_helper_fn vm_helper_fn(const struct bpfrt_vm *vm, uint64_t id)
{
	return id < BPFRT_MAX_HELPERS ? vm->helpers[id].fn : NULL;
}

#endif /* BPFRT_VM_PROG_H */
