/* SPDX-License-Identifier: MIT */
/*
 * Code pages and the run-time side of JIT-ed code: entering it from C,
 * the callx trampoline, tail calls, and turning unwinds into error codes.
 *
 * Code pages are W^X: mapped read+write, filled, then switched to
 * read+exec with mprotect(); they are never writable and executable at
 * once (tests/jit/test_jit_wx.c reads /proc/self/maps to check).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "jit/x86_64/jit_x86.h"
#include "vm/log.h"
#include "vm/run_ctx.h"

int jit_code_map(struct jit_prog *jp, const uint8_t *code, size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = (size + page - 1) / page * page;
	void *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return -ENOMEM;
	memcpy(mem, code, size);
	/* int3 in the tail of the last page */
	memset((uint8_t *)mem + size, 0xcc, len - size);
	if (mprotect(mem, len, PROT_READ | PROT_EXEC)) {
		int err = -errno;
		munmap(mem, len);
		return err;
	}
	jp->code = mem;
	jp->code_size = size;
	jp->map_size = len;
	return 0;
}

void jit_code_unmap(struct jit_prog *jp)
{
	if (jp->code)
		munmap(jp->code, jp->map_size);
	jp->code = NULL;
}

/* The instruction whose code holds the return address `pc`. */
static size_t insn_at(const struct jit_prog *jp, uint64_t pc)
{
	return jit_piece_at(jp->offsets, jp->insn_cnt, pc - (uintptr_t)jp->code - 1);
}

static void log_error(const struct jit_state *st, struct bpfrt_run_ctx *rc)
{
	const struct jit_prog *jp = st->jp; /* the program running (tail calls) */
	if (!st->err_pc || st->err_pc < (uintptr_t)jp->code ||
	    st->err_pc > (uintptr_t)jp->code + jp->code_size)
		return; /* failed elsewhere: that place logged */
	size_t insn = insn_at(jp, st->err_pc);
	if (jp->env.blinded.pos)
		insn = jit_blind_orig(&jp->env.blinded, jp->env.orig_cnt, insn);
	if (st->err == -E2BIG)
		vm_log_line(rc->log, "insn %zu: call depth exceeds %d frames", insn,
			    BPFRT_MAX_CALL_DEPTH);
	else if (st->err == -EINVAL)
		vm_log_line(rc->log, "insn %zu: callx to unknown helper id %llu", insn,
			    (unsigned long long)st->callx_id);
}

typedef uint64_t (*jit_entry_fn)(void *ctx, uint64_t ctx_size, struct bpfrt_run_ctx *rc);

int jit_run(const struct jit_prog *jp, struct bpfrt_run_ctx *rc, uint64_t *ret)
{
	struct jit_state st = {.jp = jp, .unwind_pc = (uintptr_t)(jp->code + jp->unwind_pops)};
	void *saved = rc->engine;
	rc->engine = &st;
	jit_entry_fn entry = (jit_entry_fn)(uintptr_t)jp->code;
	uint64_t r0 = entry(rc->ctx, rc->ctx_size, rc);
	rc->engine = saved;
	if (st.err) {
		log_error(&st, rc);
		return st.err;
	}
	*ret = r0;
	return 0;
}

typedef uint64_t (*jit_callback_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
				    struct bpfrt_run_ctx *, const void *fn);

int jit_call(const struct jit_prog *jp, struct bpfrt_run_ctx *rc, uint32_t insn,
	     const uint64_t args[5], uint64_t *ret)
{
	struct jit_state *st = rc->engine;
	if (!st || st->jp != jp || jp->callback_entry < 0)
		return -EINVAL;
	const void *fn = NULL;
	for (size_t k = 1; k < jp->nfuncs && !fn; k++)
		if (jp->func_insn[k] == insn)
			fn = jp->code + jp->func_code[k];
	if (!fn)
		return -EINVAL;
	if (st->depth + 1 >= BPFRT_MAX_CALL_DEPTH)
		return -E2BIG;
	/* The callback entry is an unwinding point with main's pops; a tail
	 * call inside the callback changes the running program until the
	 * callback returns. */
	uint64_t unwind_sp = st->unwind_sp, unwind_pc = st->unwind_pc;
	const struct bpfrt_prog *running = rc->prog;
	uint32_t depth = st->depth++;
	st->unwind_pc = (uintptr_t)(jp->code + jp->unwind_pops);
	jit_callback_fn entry = (jit_callback_fn)(uintptr_t)(jp->code + jp->callback_entry);
	uint64_t r0 = entry(args[0], args[1], args[2], args[3], args[4], rc, fn);
	st->unwind_sp = unwind_sp;
	st->unwind_pc = unwind_pc;
	st->jp = jp;
	rc->prog = running;
	st->depth = depth;
	if (st->err)
		return st->err;
	*ret = r0;
	return 0;
}

/* callx: the helper whose id the JIT-ed code stored in the state. An
 * unknown id ends the run with -EINVAL through the abort path. */
uint64_t jit_callx_trampoline(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			      struct bpfrt_run_ctx *rc)
{
	struct jit_state *st = rc->engine;
	const struct jit_env *env = &st->jp->env;
	bpfrt_helper_fn fn = NULL;
	if (st->callx_id < BPFRT_MAX_HELPERS && env->helper)
		fn = env->helper(env->helper_arg, (uint32_t)st->callx_id);
	if (!fn) {
		st->err = -EINVAL;
		st->err_pc = (uintptr_t)__builtin_return_address(0);
		rc->aborted = true;
		return 0;
	}
	return fn(r1, r2, r3, r4, r5, rc);
}

uintptr_t jit_tail_call_glue(struct bpfrt_run_ctx *rc)
{
	struct jit_state *st = rc->engine;
	const struct bpfrt_prog *target = rc->tail_prog;
	if (!target)
		return 0; /* a helper's abort */
	const struct jit_prog *tjp = jit_prog_of(target);
	if (tjp) {
		rc->tail_prog = NULL;
		rc->aborted = false;
		rc->prog = target;
		st->jp = tjp;
		return (uintptr_t)(tjp->code + tjp->tail_entry);
	}
	uint64_t r0;
	int err = vm_run_tail(rc, &r0);
	if (err) {
		st->err = err;
		rc->aborted = true;
		return 0;
	}
	rc->abort_r0 = r0;
	return 1;
}

const struct jit_env *jit_env_of(const struct jit_prog *jp)
{
	return &jp->env;
}
