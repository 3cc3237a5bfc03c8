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
struct bpfrt_line_info;

/* What a loader that knows more than the instructions hands the VM (the
 * runtime: source lines from the object, the verifier's facts). Indexes
 * are the loaded instructions'. */
struct vm_load_extra {
	/* Sorted by insn_idx; copied, their strings kept by pointer (they
	 * must outlive the program). */
	const struct bpfrt_line_info *line_info;
	size_t line_info_cnt;
	/* Per instruction: VM_FACT_* (what the verifier proved), or NULL. */
	const uint8_t *facts;
	/* Per instruction, or NULL: at the first instruction of each
	 * subprogram the verifier checked, 1 + the bytes of stack it uses
	 * (its deepest access, rounded up to 8; at most BPFRT_STACK_SIZE);
	 * 0 elsewhere. The JIT sizes frames with it (docs/jit.md). */
	const uint16_t *stack_depth;
};

/* What backends may rely on, per instruction, when a verifier said so
 * (vm_load_extra.facts; the runtime derives them from src/verifier/facts.h). */
enum {
	VM_FACT_DIV_NONZERO = 1 << 0,	  /* div/mod by register: the divisor is never 0 */
	VM_FACT_DIV_NOT_MINUS1 = 1 << 1, /* sdiv/smod by register: the divisor is never -1 */
	VM_FACT_UPPER_ZERO = 1 << 2,	  /* mov32 r, r / le32: r's upper half is already 0 */
	/* a load through a BTF pointer (FACT_MEM_BTF): fault-safe, a bad
	 * address reads 0 (vm/probe_mem.h) */
	VM_FACT_PROBE_MEM = 1 << 3,
};

struct bpfrt_prog {
	struct bpfrt_vm *vm;
	struct bpfrt_insn *insns; /* validated copy; ld_imm64 takes two slots */
	size_t insn_cnt;
	char *name;
	enum bpfrt_exec_mode mode;
	const struct vm_backend *backend;
	void *backend_data; /* owned by the backend (prepare/release) */
	struct bpfrt_line_info *line_info; /* source lines, sorted by insn (may be NULL) */
	size_t line_info_cnt;
	uint8_t *facts; /* VM_FACT_* per instruction, or NULL (unverified) */
	uint16_t *stack_depth; /* vm_load_extra.stack_depth's copy, or NULL */
	bool jit_harden; /* JIT: blind constants (bpfrt_prog_opts.jit_harden) */
};

/* bpfrt_prog__load with extras (NULL: none). */
struct bpfrt_prog *vm_prog_load(struct bpfrt_vm *vm, const struct bpfrt_insn *insns,
				size_t insn_cnt, const struct bpfrt_prog_opts *opts,
				const struct vm_load_extra *extra);

/* bpfrt_prog__run with a packet frame (run_ctx.h's pkt) for the packet
 * helpers, the runtime's packet runs (src/runtime/pkt_run.c), or a trace
 * frame (run_ctx.h's trace) for the tracing helpers; NULL: none. */
int vm_prog_run(const struct bpfrt_prog *prog, void *ctx, size_t ctx_size, uint64_t *ret,
		const struct bpfrt_run_opts *opts, void *pkt, void *trace);

/* The helper registered as `id`, or NULL. Helpers may be registered or
 * replaced after a program was loaded; engines look them up at call time. */
static inline bpfrt_helper_fn vm_helper_fn(const struct bpfrt_vm *vm, uint64_t id)
{
	return id < BPFRT_MAX_HELPERS ? vm->helpers[id].fn : NULL;
}

#endif /* BPFRT_VM_PROG_H */
