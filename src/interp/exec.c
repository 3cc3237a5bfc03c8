/* SPDX-License-Identifier: MIT */
/*
 * The executors and the interpreter backend. exec.h holds the loop body;
 * it is compiled twice here, checked and trusted, so neither pays for the
 * other's tests.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "interp/interp.h"
#include "vm/backend.h"
#include "vm/probe_mem.h"
#include "vm/prog.h"
#include "vm/run_ctx.h"

#ifndef INTERP_SWITCH
#define INTERP_SWITCH 0
#endif

/* Unaligned, alias-anything access types: programs may do either. */
typedef uint64_t __attribute__((aligned(1), may_alias)) u64_u;
typedef uint32_t __attribute__((aligned(1), may_alias)) u32_u;
typedef uint16_t __attribute__((aligned(1), may_alias)) u16_u;
typedef int32_t __attribute__((aligned(1), may_alias)) s32_u;
typedef int16_t __attribute__((aligned(1), may_alias)) s16_u;

enum interp_access { ACCESS_LOAD, ACCESS_STORE, ACCESS_ATOMIC, ACCESS_ALIGN };

static inline bool in_range(uint64_t addr, uint64_t size, uint64_t lo, uint64_t len)
{
	return addr >= lo && addr - lo <= len && size <= len - (addr - lo);
}

/* Checked mode, outside the current stack: the ctx, one of the run's
 * regions, or the stack of code that called the helper running a callback. */
static bool interp_mem_ok(const struct bpfrt_run_ctx *rc, const struct interp_state *st,
			  uint64_t addr, uint64_t size, bool write)
{
	for (const struct interp_state *s = st->outer; s; s = s->outer)
		if (in_range(addr, size, s->stack_lo, s->stack_hi - s->stack_lo))
			return true;
	if (rc->ctx && in_range(addr, size, (uintptr_t)rc->ctx, rc->ctx_size))
		return !(write && rc->ctx_readonly);
	for (size_t i = 0; i < rc->region_cnt; i++) {
		const struct bpfrt_mem_region *r = &rc->regions[i];
		if (in_range(addr, size, (uintptr_t)r->addr, r->size))
			return !write || r->writable;
	}
	return false;
}

static void interp_log_fault(const struct bpfrt_run_ctx *rc, size_t pc, enum interp_access kind,
			     uint64_t addr, unsigned size)
{
	static const char *const what[] = {
		[ACCESS_LOAD] = "load",
		[ACCESS_STORE] = "store",
		[ACCESS_ATOMIC] = "atomic access",
		[ACCESS_ALIGN] = "misaligned atomic access",
	};
	const struct isa_form *f = isa_form_of(&rc->prog->insns[pc]);
	if (kind == ACCESS_ALIGN) {
		vm_log_line(rc->log, "insn %zu (%s): %s of %u bytes at 0x%" PRIx64, pc, f->name,
			    what[kind], size, addr);
		return;
	}
	vm_log_line(rc->log,
		    "insn %zu (%s): %s of %u bytes at 0x%" PRIx64
		    " is outside the stack, the context and the memory regions",
		    pc, f->name, what[kind], size, addr);
}

static inline uint64_t sdiv64(uint64_t a, uint64_t b)
{
	if (b == 0)
		return 0;
	if ((int64_t)b == -1)
		return -a; /* INT64_MIN / -1 wraps to INT64_MIN */
	return (uint64_t)((int64_t)a / (int64_t)b);
}

static inline uint64_t smod64(uint64_t a, uint64_t b)
{
	if (b == 0)
		return a;
	if ((int64_t)b == -1)
		return 0;
	return (uint64_t)((int64_t)a % (int64_t)b);
}

static inline uint32_t sdiv32(uint32_t a, uint32_t b)
{
	if (b == 0)
		return 0;
	if ((int32_t)b == -1)
		return -a;
	return (uint32_t)((int32_t)a / (int32_t)b);
}

static inline uint32_t smod32(uint32_t a, uint32_t b)
{
	if (b == 0)
		return a;
	if ((int32_t)b == -1)
		return 0;
	return (uint32_t)((int32_t)a % (int32_t)b);
}

#define CHECKED 1
#define EXEC_NAME interp_exec_checked
#include "interp/exec.h"
#undef CHECKED
#undef EXEC_NAME

#define CHECKED 0
#define EXEC_NAME interp_exec_trusted
#include "interp/exec.h"
#undef CHECKED
#undef EXEC_NAME

static int interp_prepare(struct bpfrt_prog *prog, struct vm_log *log)
{
	struct interp_prog *ip = NULL;
	int err = interp_decode(prog, &ip, log);
	if (err)
		return err;
	prog->backend_data = ip;
	return 0;
}

static void interp_release(struct bpfrt_prog *prog)
{
	interp_free(prog->backend_data);
	prog->backend_data = NULL;
}

static int interp_enter(const struct bpfrt_prog *prog, struct bpfrt_run_ctx *rc, uint32_t start,
			const uint64_t *args, uint64_t *r0)
{
	const struct interp_prog *ip = prog->backend_data;
	struct interp_state *outer = rc->engine;
	struct interp_state st = {
		.outer = outer,
		.budget = outer ? outer->budget : rc->insn_budget,
		.base_depth = outer ? outer->base_depth + outer->depth + 1 : 0,
	};
	if (st.base_depth >= BPFRT_MAX_CALL_DEPTH) {
		vm_log_line(rc->log, "insn %u: callback exceeds the call depth of %d frames", start,
			    BPFRT_MAX_CALL_DEPTH);
		return -E2BIG;
	}
	const struct bpfrt_prog *running = rc->prog; /* a tail call may change it */
	rc->engine = &st;
	int err = prog->mode == BPFRT_EXEC_TRUSTED
			  ? interp_exec_trusted(ip, prog, rc, &st, start, args, r0)
			  : interp_exec_checked(ip, prog, rc, &st, start, args, r0);
	rc->engine = outer;
	rc->prog = running;
	if (outer) {
		outer->budget = st.budget;
		if (err) {
			/* The whole run stops, not only the callback. */
			outer->err = err;
			rc->aborted = true;
		}
	}
	return err;
}

static int interp_run(const struct bpfrt_prog *prog, struct bpfrt_run_ctx *rc, uint64_t *r0)
{
	return interp_enter(prog, rc, 0, NULL, r0);
}

static int interp_call(const struct bpfrt_prog *prog, struct bpfrt_run_ctx *rc, uint32_t insn,
		       const uint64_t args[5], uint64_t *r0)
{
	const struct interp_prog *ip = prog->backend_data;
	/* Only the second slots of ld_imm64 decode to ISA_OP_INVALID. */
	if (!rc->engine || insn >= ip->cnt || ip->ops[insn].code == ISA_OP_INVALID) {
		vm_log_line(rc->log, "callback target %u is not an instruction of the program", insn);
		return -EINVAL;
	}
	return interp_enter(prog, rc, insn, args, r0);
}

const struct vm_backend vm_backend_interp = {
	.name = "interp",
	.prepare = interp_prepare,
	.release = interp_release,
	.run = interp_run,
	.call = interp_call,
};
