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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isa/opcodes.h"
#include "vm/log.h"

/* Operations beyond the ISA's forms: superinstructions for the sequences
 * clang emits in loops (fuse.c finds them). A fused op at index i does the
 * work of ops i..i+n-1; those stay plain ops for jumps that land on them,
 * and the fused op reads its operands from them (op[1], op[2], ...).
 *
 *   MOVX_<op><64|32>_<K|X>  t = a; t op= b           -> t = a op b
 *   ADDK_<jcc>_<K|X>        r += imm; if r jcc b goto  -> one dispatch
 *   ROTL64, ROTL32          t = a; t >>= k1; a <<= k2; a |= t  (a rotate)
 *   <load/store>_FP         an access at r10 + off inside the current frame:
 *                           r10 is read-only, so checked mode need not check
 *
 * and the fault-safe loads the verifier asked for (VM_FACT_PROBE_MEM, the
 * kernel's BPF_PROBE_MEM: loads through BTF pointers), PROBE_<load>: a bad
 * address reads 0 (vm/probe_mem.h).
 */
#define INTERP_ALU_FUSABLE(M, X)                                                          \
	M(X, ADD) M(X, SUB) M(X, MUL) M(X, DIV) M(X, MOD) M(X, SDIV) M(X, SMOD) M(X, OR)  \
	M(X, AND) M(X, XOR) M(X, LSH) M(X, RSH) M(X, ARSH)
#define INTERP_JCC_FUSABLE(M, X)                                                          \
	M(X, JEQ) M(X, JNE) M(X, JGT) M(X, JGE) M(X, JLT) M(X, JLE) M(X, JSGT) M(X, JSGE) \
	M(X, JSLT) M(X, JSLE) M(X, JSET)
#define INTERP_FUSED_MOVX(X, N) X(MOVX_##N##64_K) X(MOVX_##N##64_X) X(MOVX_##N##32_K) X(MOVX_##N##32_X)
#define INTERP_FUSED_ADDJ(X, J) X(ADDK_##J##_K) X(ADDK_##J##_X)
#define INTERP_FUSED(X)                                                                   \
	INTERP_ALU_FUSABLE(INTERP_FUSED_MOVX, X)                                          \
	INTERP_JCC_FUSABLE(INTERP_FUSED_ADDJ, X)                                          \
	X(ROTL64) X(ROTL32)                                                                \
	INTERP_MEM_FP(X)                                                                   \
	INTERP_PROBE(X)
#define INTERP_PROBE(X)                                                                   \
	X(PROBE_LDXDW) X(PROBE_LDXW) X(PROBE_LDXH) X(PROBE_LDXB) X(PROBE_LDXSW)           \
	X(PROBE_LDXSH) X(PROBE_LDXSB)
#define INTERP_MEM_FP(X)                                                                  \
	X(LDXDW_FP) X(LDXW_FP) X(LDXH_FP) X(LDXB_FP) X(LDXSW_FP) X(LDXSH_FP) X(LDXSB_FP)  \
	X(STDW_FP) X(STW_FP) X(STH_FP) X(STB_FP) X(STXDW_FP) X(STXW_FP) X(STXH_FP)        \
	X(STXB_FP)

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
/* Turns sequences into superinstructions (fuse.c). */
void interp_fuse(struct iop *ops, size_t cnt);

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
