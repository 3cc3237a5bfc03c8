/* SPDX-License-Identifier: MIT */
/*
 * The interpreter's pre-decoded program. Loading turns each instruction slot
 * into one `struct iop`: the operation (an enum isa_op, or one of the fused
 * operations below), the registers, the offset, the immediate, and for
 * branches and local calls the target as an op index, so the executor never
 * decodes opcode bytes or computes targets. Op i is instruction slot i, so
 * a fault names the instruction by the op's index.
 */
#ifndef BPFRT_INTERP_INTERP_H
#define BPFRT_INTERP_INTERP_H

#include <stddef.h>
#include <stdint.h>

#include "isa/opcodes.h"
#include "vm/log.h"

/* Operations beyond the ISA's forms: fused pairs that pay in loops. A fused
 * op at index i does the work of ops i and i+1 (op i+1 stays a plain op for
 * jumps that land on it). */
#define INTERP_FUSED(X) /* filled in by fuse.c's patterns */

enum interp_op {
	IOP_FIRST_FUSED = ISA_OP_COUNT - 1,
#define IOP_ENUM(name) IOP_##name,
	INTERP_FUSED(IOP_ENUM)
#undef IOP_ENUM
	IOP_COUNT
};

struct iop {
	uint16_t code; /* enum isa_op or enum interp_op */
	uint8_t dst;
	uint8_t src;
	int16_t off;
	uint16_t pad;
	int32_t imm;
	uint32_t tgt; /* branch/call target op index */
};

struct interp_prog {
	struct iop *ops;
	size_t cnt;
};

struct bpfrt_prog;
struct bpfrt_run_ctx;

/* Pre-decodes prog->insns. 0, -ENOMEM, or -EOPNOTSUPP (log names the insn). */
int interp_decode(const struct bpfrt_prog *prog, struct interp_prog **out, struct vm_log *log);
void interp_free(struct interp_prog *ip);

/* One executor activation: the run's, or a callback's run from a helper
 * (vm_backend.call). Linked through rc->engine, innermost first, so a
 * callback sees the frames and budget of the code that called the helper. */
struct interp_state {
	struct interp_state *outer;
	uint64_t stack_lo, stack_hi; /* checked: live stack while a helper runs */
	uint64_t budget;	     /* checked: instructions left */
	unsigned base_depth;	     /* frames used by outer activations */
	unsigned depth;		     /* frames of this one beyond its first, at a helper call */
	int err;		     /* set when a callback failed: the run stops with it */
};

/* The executors: checked (bounds, budget) and trusted. They start at op
 * `start` with r1..r5 = args, or r1 = ctx and r2 = ctx_size when args is NULL. */
int interp_exec_checked(const struct interp_prog *ip, const struct bpfrt_prog *prog,
			struct bpfrt_run_ctx *rc, struct interp_state *st, uint32_t start,
			const uint64_t *args, uint64_t *r0);
int interp_exec_trusted(const struct interp_prog *ip, const struct bpfrt_prog *prog,
			struct bpfrt_run_ctx *rc, struct interp_state *st, uint32_t start,
			const uint64_t *args, uint64_t *r0);

#endif /* BPFRT_INTERP_INTERP_H */
