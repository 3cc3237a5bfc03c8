/* SPDX-License-Identifier: MIT */
/*
 * bpfrt/vm.h — embedding API: create a VM, register helpers, load a program,
 * run it on a context.
 *
 * Conventions (as libbpf): functions return 0 or a negative errno; functions
 * returning a pointer return NULL and set errno. Options structs start with
 * their size (`.sz = sizeof(opts)`) so they can grow; a NULL options pointer
 * means defaults. The library never prints and never exits: detail about a
 * failure goes into the caller's log buffer when one is given.
 *
 *	struct bpfrt_vm *vm = bpfrt_vm__new();
 *	bpfrt_vm__register_helper(vm, 1, "my_helper", my_helper);
 *	struct bpfrt_prog *prog = bpfrt_prog__load(vm, insns, n, NULL);
 *	uint64_t r0;
 *	int err = bpfrt_prog__run(prog, buf, sizeof(buf), &r0, NULL);
 *	bpfrt_prog__free(prog);
 *	bpfrt_vm__free(vm);
 */
#ifndef BPFRT_VM_H
#define BPFRT_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/insn.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bpfrt_vm;      /* helper table and settings shared by its programs */
struct bpfrt_prog;    /* a loaded program; belongs to one VM */
struct bpfrt_run_ctx; /* one run's state, handed to helpers */
struct bpfrt_line_info; /* bpfrt/object.h */

/* A helper: r0 = fn(r1..r5). `rc` identifies the run (user data, abort). */
typedef uint64_t (*bpfrt_helper_fn)(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				    uint64_t r5, struct bpfrt_run_ctx *rc);

#define BPFRT_MAX_HELPERS 4096 /* helper ids are below this */
#define BPFRT_MAX_INSNS 1000000 /* instruction slots per program (the kernel's limit) */

/* A new VM with an empty helper table. NULL + errno (ENOMEM) on failure. */
BPFRT_API struct bpfrt_vm *bpfrt_vm__new(void);
/* Frees the VM. Its programs must have been freed first. NULL is a no-op. */
BPFRT_API void bpfrt_vm__free(struct bpfrt_vm *vm);

/* Registers (or replaces) helper `id`. `name` is kept by pointer and must
 * outlive the VM (a string literal). -EINVAL: id out of range or fn NULL. */
BPFRT_API int bpfrt_vm__register_helper(struct bpfrt_vm *vm, uint32_t id, const char *name,
					bpfrt_helper_fn fn);

/* Registers every kernel helper bpfrt implements under its kernel id
 * (enum bpf_func_id), and every kfunc under BPFRT_KFUNC_ID_BASE + its
 * index (src/helpers/kfuncs.h), where fixups send kfunc calls. 0 or -errno. */
BPFRT_API int bpfrt_vm__register_kernel_helpers(struct bpfrt_vm *vm);

/* Where bpf_trace_printk and bpf_trace_vprintk messages go (the kernel's
 * trace_pipe): `fn` gets each message (not NUL-terminated, usually ending
 * in a newline) from the thread that ran the helper. Default: discarded. */
typedef void (*bpfrt_trace_output_fn)(void *ctx, const char *msg, size_t len);
BPFRT_API void bpfrt_vm__set_trace_output(struct bpfrt_vm *vm, bpfrt_trace_output_fn fn,
					  void *ctx);

/* How memory accesses are treated. */

enum bpfrt_exec_mode {
	/* Every load, store and atomic is bounds-checked against the context,
	 * the stack and the regions given at run time; a runaway program is
	 * stopped by an instruction budget. For unverified programs. */
	BPFRT_EXEC_CHECKED = 0,
	/* No checks: only for programs a verifier has accepted. */
	BPFRT_EXEC_TRUSTED = 1,
};

/* Which engine runs the program. */
enum bpfrt_backend {
	BPFRT_BACKEND_INTERP = 0,
	BPFRT_BACKEND_JIT = 1,
};

struct bpfrt_prog_opts {
	size_t sz;		    /* sizeof(struct bpfrt_prog_opts) */
	const char *name;	    /* for messages; copied */
	enum bpfrt_exec_mode mode;  /* default BPFRT_EXEC_CHECKED */
	enum bpfrt_backend backend; /* default BPFRT_BACKEND_INTERP */
	char *log_buf;		    /* on failure: why, with the insn index */
	size_t log_size;
	/* Source lines of the instructions (bpfrt/object.h; e.g. another
	 * program's bpfrt_prog__line_info()), sorted by instruction: copied,
	 * their strings kept by pointer. For listings. */
	const struct bpfrt_line_info *line_info;
	size_t line_info_cnt;
	/* JIT: constant blinding (the kernel's bpf_jit_harden): no immediate
	 * of the program appears in the machine code; each is XOR-ed with a
	 * random key and restored at run time in a scratch register. Slower;
	 * off by default. Ignored by the interpreter. */
	bool jit_harden;
};

/* Validates and prepares `insn_cnt` instructions (copied). Errors:
 * -EINVAL (malformed instruction, jump out of range, unknown helper id:
 * the log names the instruction), -E2BIG (too many instructions),
 * -EOPNOTSUPP (the backend is not built in, or cannot run `mode`),
 * -ENOMEM. NULL + errno on failure. */
BPFRT_API struct bpfrt_prog *bpfrt_prog__load(struct bpfrt_vm *vm, const struct bpfrt_insn *insns,
					      size_t insn_cnt, const struct bpfrt_prog_opts *opts);
BPFRT_API void bpfrt_prog__free(struct bpfrt_prog *prog);

/* Whether `backend` (enum bpfrt_backend) is built into this library. */
BPFRT_API bool bpfrt_vm__has_backend(const struct bpfrt_vm *vm, int backend);

BPFRT_API size_t bpfrt_prog__insn_cnt(const struct bpfrt_prog *prog);
BPFRT_API const struct bpfrt_insn *bpfrt_prog__insns(const struct bpfrt_prog *prog);
/* The source lines of the instructions (struct bpfrt_line_info, see
 * bpfrt/object.h), sorted by instruction, when the loader knew them (a
 * runtime's programs from objects with .BTF.ext line info, or
 * bpfrt_prog_opts.line_info); NULL and *cnt 0 otherwise. */
BPFRT_API const struct bpfrt_line_info *bpfrt_prog__line_info(const struct bpfrt_prog *prog,
							     size_t *cnt);

/* Receives one line of a listing (no trailing newline). */
typedef void (*bpfrt_line_fn)(void *arg, const char *line);

/* Lists the program's instructions (in `syntax`, with slot numbers and
 * "L<slot>:" labels as bpfrt_disasm() writes them), each source line
 * (bpfrt_prog__line_info) before the instructions it starts at, as
 * bpftool prints them: "; <source text> [file:line]". 0, -EINVAL or
 * -ENOMEM. */
BPFRT_API int bpfrt_prog__dump_xlated(const struct bpfrt_prog *prog, enum bpfrt_syntax syntax,
				      bpfrt_line_fn line, void *arg);
/* The name given at load ("prog" by default); owned by the program. */
BPFRT_API const char *bpfrt_prog__name(const struct bpfrt_prog *prog);
BPFRT_API enum bpfrt_exec_mode bpfrt_prog__mode(const struct bpfrt_prog *prog);
/* "interp" or "jit". */
BPFRT_API const char *bpfrt_prog__backend_name(const struct bpfrt_prog *prog);

/* Extra memory a checked-mode program may access besides its context and
 * its stack (e.g. a buffer a helper returns a pointer into). */
struct bpfrt_mem_region {
	void *addr;
	size_t size;
	bool writable;
};

struct bpfrt_run_opts {
	size_t sz;				/* sizeof(struct bpfrt_run_opts) */
	void *user_data;			/* bpfrt_run_ctx__user_data() */
	const struct bpfrt_mem_region *regions; /* checked mode: extra memory */
	size_t region_cnt;
	uint64_t insn_budget;			/* checked mode; 0: default (1 << 26) */
	bool ctx_readonly;			/* checked mode: stores to ctx fault */
	char *log_buf;				/* on a fault: the insn, the access, why */
	size_t log_size;
};

/* Runs the program with r1 = ctx and r2 = ctx_size, r10 = top of a fresh
 * 512-byte stack, and stores r0 in *ret. Errors: -EFAULT (checked mode:
 * out-of-bounds or misaligned-to-nothing access; the log names the
 * instruction and the address), -ELOOP (instruction budget exhausted),
 * -EINVAL (call to an unregistered helper, bad callx target), -E2BIG (call
 * depth exceeded). Safe to call from several threads at once. */
BPFRT_API int bpfrt_prog__run(const struct bpfrt_prog *prog, void *ctx, size_t ctx_size,
			      uint64_t *ret, const struct bpfrt_run_opts *opts);

/* For helpers. */
BPFRT_API void *bpfrt_run_ctx__user_data(const struct bpfrt_run_ctx *rc);
/* Ends the program when the helper returns, as if it had executed `exit`
 * with r0 = `r0` (the conformance corpus' unwinding helper, bpf_throw). */
BPFRT_API void bpfrt_run_ctx__abort(struct bpfrt_run_ctx *rc, uint64_t r0);

#ifdef __cplusplus
}
#endif
#endif /* BPFRT_VM_H */
