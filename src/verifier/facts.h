/* SPDX-License-Identifier: MIT */
/*
 * What the verifier proved, per instruction, for the stages after it: the
 * fixups stage (which rewrites instructions) and the backends (which must
 * not re-derive it). Filled only for accepted programs.
 */
#ifndef BPFRT_VERIFIER_FACTS_H
#define BPFRT_VERIFIER_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/verifier.h"

/* The pointer kind a load/store/atomic accessed on every path. */
enum fact_mem {
	FACT_MEM_NONE = 0,  /* not a memory access, or never reached */
	FACT_MEM_STACK,
	FACT_MEM_CTX,
	FACT_MEM_MAP_VALUE, /* a map value (or key handed to a callback) */
	FACT_MEM_MEM,	    /* raw memory: the RAW context, ringbuf records */
	FACT_MEM_MIXED,	    /* different kinds on different paths */
	FACT_MEM_PACKET,    /* the packet (data_meta .. data_end) */
	/* A BTF-typed pointer (fentry/fexit arguments and what they point
	 * to): a load the engines make fault-safe, a bad address reading 0
	 * (the kernel's BPF_PROBE_MEM). Never mixed with another kind. */
	FACT_MEM_BTF,
};

enum {
	FACT_SEEN = 1 << 0,	     /* reached on some path (else dead code) */
	FACT_ZEXT = 1 << 1,	     /* 32-bit def whose upper half is read later (zext.c) */
	FACT_BRANCH_TAKEN = 1 << 2,  /* conditional jump: taken on some path */
	FACT_BRANCH_FALLS = 1 << 3,  /* conditional jump: falls through on some path */
	FACT_CALL_HELPER = 1 << 4,   /* call (or callx) of helper call_target */
	FACT_CALL_LOCAL = 1 << 5,    /* call of the subprogram at insn call_target */
	FACT_CALLBACK = 1 << 6,	     /* helper call that runs a callback subprogram */
};

/* Proofs about operands for the backends. Recorded inverted, as "some
 * visit could not prove it", so that one failing path clears the proof;
 * fact_proven() reads them. A register a proof rests on is marked precise,
 * so pruning never takes a path where it does not hold for one where it
 * does. */
enum {
	FACT_U_DIV_ZERO = 1 << 0,   /* div/mod by register: the divisor may be 0 */
	FACT_U_DIV_MINUS1 = 1 << 1, /* sdiv/smod by register: the divisor may be -1 */
	FACT_U_UPPER = 1 << 2,	    /* mov32 r, r / le32 r: r's upper half may be non-zero */
};

struct insn_fact {
	uint8_t mem_kind;     /* enum fact_mem */
	uint8_t flags;	      /* FACT_* */
	uint16_t subprog;     /* index of the subprogram holding the insn */
	int32_t call_target;  /* helper id or subprogram start insn */
	uint8_t unproven;     /* FACT_U_*: what some visit could not prove */
};

/* Whether every path reaching the instruction proved FACT_U_* `what`
 * false (its divisor non-zero, ...). False for unreached instructions and
 * for instructions the proof is not about. */
static inline bool fact_proven(const struct insn_fact *f, unsigned what)
{
	return (f->flags & FACT_SEEN) && !(f->unproven & what);
}

struct subprog_fact {
	uint32_t start;	      /* first insn */
	uint32_t stack_depth; /* bytes of stack it uses (rounded up to 8) */
};

struct verifier_facts {
	size_t insn_cnt;
	struct insn_fact *insn; /* insn_cnt entries (second ld_imm64 slots zero) */
	uint32_t subprog_cnt;
	struct subprog_fact *subprogs;
	uint32_t max_stack_depth; /* deepest call chain, bytes */
	uint64_t insns_processed;
	bool widened;
};

/* Verifies like bpfrt_verify() and on success hands back the facts
 * (*facts, freed with verifier_facts_free). */
int verifier_run(const struct bpfrt_insn *insns, size_t cnt, const struct bpfrt_verify_opts *opts,
		 struct verifier_facts **facts);
void verifier_facts_free(struct verifier_facts *facts);

/* The register a 32-bit definition writes (ALU32 and bswap16/32, narrow
 * zero-extending loads, 32-bit atomic fetches, legacy packet loads): the
 * kernel's insn_has_def32. -1 for any other instruction. */
int fact_def32_reg(const struct bpfrt_insn *insn);

/* Sets FACT_ZEXT on the 32-bit definitions whose upper half some later
 * instruction reads as 64 bits, clears it elsewhere (zext.c has the rule).
 * verifier_run does it for accepted programs; FACT_U_UPPER must be final.
 * call_args (may be NULL: all of r1-r5): per instruction, the argument
 * registers a helper or kfunc call there reads (its prototype's). 0,
 * -EINVAL (facts of another program) or -ENOMEM. */
int facts_mark_zext(const struct bpfrt_insn *insns, size_t cnt, struct verifier_facts *facts,
		    const uint16_t *call_args);

#endif /* BPFRT_VERIFIER_FACTS_H */
