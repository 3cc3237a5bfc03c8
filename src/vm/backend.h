/* SPDX-License-Identifier: MIT */
/*
 * The backend seam: an engine that runs loaded programs (the interpreter in
 * src/interp/, the JIT in src/jit/) is one table of operations. src/vm knows
 * each backend only by its table's symbol (vm_backend_interp,
 * vm_backend_jit), never its internals.
 *
 * A backend module registers itself by defining its table and, for the JIT,
 * by adding `target_compile_definitions(bpfrt PRIVATE BPFRT_HAVE_JIT=1)` in
 * its CMakeLists.txt (so a build without it links). Loading a program for a
 * backend that is not built in fails with -EOPNOTSUPP and a log line.
 *
 * Life cycle: bpfrt_prog__load validates the instructions (every form
 * checked, jump and call targets in range, helper ids registered), then calls
 * prepare(); bpfrt_prog__run builds a struct bpfrt_run_ctx (vm/run_ctx.h)
 * and calls run(); bpfrt_prog__free calls release(). run() may be called
 * from several threads at once on one program: per-run state lives in the
 * run ctx or on the caller's stack, never in the prog.
 */
#ifndef BPFRT_VM_BACKEND_H
#define BPFRT_VM_BACKEND_H

#include <stdint.h>

#include "vm/log.h"
#include "vm/prog.h"

struct bpfrt_run_ctx;

struct vm_backend {
	const char *name; /* "interp", "jit": for messages */
	/* Translates prog->insns (already validated) into prog->backend_data.
	 * prog->mode says checked or trusted; a backend that cannot honour it
	 * returns -EOPNOTSUPP with a log line. 0 or -errno; detail in `log`
	 * naming the instruction index. */
	int (*prepare)(struct bpfrt_prog *prog, struct vm_log *log);
	/* Frees prog->backend_data. Called once, also after a failed prepare. */
	void (*release)(struct bpfrt_prog *prog);
	/* Runs the program: r1 = rc->ctx, r2 = rc->ctx_size, a fresh stack.
	 * Stores r0 in *r0. 0, or -EFAULT/-ELOOP/-EINVAL/-E2BIG as documented
	 * for bpfrt_prog__run, with a line in rc->log. */
	int (*run)(const struct bpfrt_prog *prog, struct bpfrt_run_ctx *rc, uint64_t *r0);
	/* Optional; for helpers that call back into the program (bpf_loop,
	 * bpf_for_each_map_elem): runs the subprogram starting at instruction
	 * `insn` of the program `rc` is running, with r1..r5 = args, on a new
	 * frame below the helper's caller, and stores its r0. Called from a
	 * helper during run(). 0 or -errno (-E2BIG: call depth). After fixups
	 * a callback's ld_imm64 (BPF_PSEUDO_FUNC) loads that insn index. */
	int (*call)(const struct bpfrt_prog *prog, struct bpfrt_run_ctx *rc, uint32_t insn,
		    const uint64_t args[5], uint64_t *r0);
};

extern const struct vm_backend vm_backend_interp;
#ifdef BPFRT_HAVE_JIT
extern const struct vm_backend vm_backend_jit;
#endif

/* The backend for `which`, or NULL when it is not built in. */
const struct vm_backend *vm_backend_get(enum bpfrt_backend which);

#endif /* BPFRT_VM_BACKEND_H */
