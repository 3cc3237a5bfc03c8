/* SPDX-License-Identifier: MIT */
/*
 * Fixups: the stage after verification that rewrites a program's
 * instructions into what the engines run (the kernel's kernel/bpf/fixups.c).
 * It is the only stage that rewrites instructions.
 *
 *   lddw rD, map (MAP_FD / MAP_IDX)          -> lddw rD, <struct bpfrt_map *>
 *   lddw rD, map value + off (MAP_VALUE ...) -> lddw rD, <address of the value + off>
 *   call helper id                           -> checked: known and implemented
 *   call kfunc (src 2)                       -> call helper BPFRT_KFUNC_ID_BASE + index
 *   call helper BPFRT_KFUNC_ID_BASE + index  -> checked: a kfunc available in user space
 *                                               (verified programs: fixups_calls wrote it)
 *   lddw rD, func (PSEUDO_FUNC, callbacks)   -> lddw rD, <absolute insn index>
 *   call local                               -> checked: target inside the program
 *
 * Map "fds" are indexes into the environment's map table, as for MAP_IDX:
 * the runtime has no file descriptors; objects number their maps in order.
 */
#ifndef BPFRT_FIXUPS_FIXUPS_H
#define BPFRT_FIXUPS_FIXUPS_H

#include <stddef.h>
#include <stdint.h>

#include "bpfrt/insn.h"

/* One map the program may reference, by its index. */
struct fixup_map {
	void *map;	     /* what `lddw rD, map` loads (struct bpfrt_map *) */
	uint8_t *value;	     /* the value a MAP_VALUE lddw points into, or NULL
			      * when the map has no direct value access */
	uint32_t value_size; /* bytes at `value` */
	const char *name;    /* for messages */
};

/* A kfunc call site named by the loader (extern ... __ksym in the object). */
struct fixup_kfunc_site {
	size_t insn;	  /* index of the call instruction */
	const char *name; /* kfunc name, e.g. "bpf_dynptr_size" */
};

struct fixup_env {
	const struct fixup_map *maps;
	size_t map_cnt;
	/* Kfunc calls: a call whose index appears here is resolved by name;
	 * any other kfunc call's imm is already a kfunc table index
	 * (kfunc_find_by_name()). */
	const struct fixup_kfunc_site *kfunc_sites;
	size_t kfunc_site_cnt;
	/* Helper inlining (fixups_inline): writes the instructions of an
	 * inline bpf_map_lookup_elem on `map` (a fixup_map.map) into insns:
	 * in r2 = key, out r0 = value or 0, r1 clobbered. Returns the count,
	 * 0 when the map has no inline form. NULL: nothing is inlined. */
	int (*gen_lookup)(const void *map, struct bpfrt_insn *insns, size_t cap);
	/* Optional (fixups_inline, fixups_rnd_hi32): where each old slot
	 * went (a malloc'ed array of insn_cnt + 1 new indexes; an inlined
	 * call's slot maps to the first instruction of its code), left NULL
	 * when no instruction moved. Set it to NULL before the first pass;
	 * a later pass composes its moves into the map. For what is indexed
	 * by instruction (source lines, the verifier's facts). */
	size_t **slot_map;
};

/* Rewrites `insns` in place. 0, or -EINVAL / -ENOENT / -EOPNOTSUPP with one
 * line in `log` naming the instruction index and the problem (unknown
 * helper id, helper not available in user space, unknown kfunc name, map
 * index out of range, value offset out of range, call target outside the
 * program). `log` may be NULL. Nothing is rewritten on failure. */
int fixups_apply(struct bpfrt_insn *insns, size_t insn_cnt, const struct fixup_env *env,
		 char *log, size_t log_size);

/* Replaces each `call map_lookup_elem` whose map is known (r1 loaded by
 * `lddw r1, map` in the same straight-line run) with env->gen_lookup's
 * instructions, adjusting branch offsets. Runs before fixups_apply (it
 * reads the map references). *insns is malloc'ed and may be replaced;
 * *insn_cnt grows. 0 (also when nothing or nothing safely could be
 * inlined) or -ENOMEM. */
int fixups_inline(struct bpfrt_insn **insns, size_t *insn_cnt, const struct fixup_env *env);

/*
 * Packet program contexts. The UAPI structs (struct xdp_md, struct
 * __sk_buff) hold data, data_end and data_meta as u32 although they are
 * pointers at run time: the kernel converts those loads. bpfrt's run-time
 * context is the UAPI struct (its other fields as the program reads them)
 * followed by the three pointers as u64; fixups_convert_ctx() rewrites
 * `ldxw rD, [ctx + offsetof(uapi, data)]` into `ldxdw rD, [ctx +
 * offsetof(bpfrt ctx, data)]` (same instruction count, no jump moves).
 * The runtime builds these from the packet (bpfrt_runtime__run).
 */
struct bpfrt_xdp_ctx {
	uint8_t uapi[24]; /* struct xdp_md (ingress_ifindex, rx_queue_index, ...) */
	uint64_t data, data_end, data_meta;
};

struct bpfrt_skb_ctx {
	uint8_t uapi[192]; /* struct __sk_buff (len, protocol, mark, cb, ...) */
	uint64_t data, data_end, data_meta;
};

enum fixup_ctx_kind {
	FIXUP_CTX_NONE = 0,
	FIXUP_CTX_XDP, /* struct xdp_md -> struct bpfrt_xdp_ctx */
	FIXUP_CTX_SKB, /* struct __sk_buff -> struct bpfrt_skb_ctx */
};

struct verifier_facts;

/* Rewrites the context pointer loads of `kind` in place. With the
 * verifier's `facts` (a verified program), every load of a pointer field
 * the verifier saw reach the context (FACT_MEM_CTX: through any register,
 * a spilled copy, in any subprogram) is converted. Without (facts NULL: an
 * unverified program), a load is converted when its base register holds
 * the context pointer (r1 at entry, or a copy) on every path to it; loads
 * through a context pointer spilled to the stack or passed to a subprogram
 * are not found. *converted: how many loads were rewritten. 0, -EINVAL
 * (facts of another program) or -ENOMEM. */
int fixups_convert_ctx(struct bpfrt_insn *insns, size_t cnt, enum fixup_ctx_kind kind,
		       const struct verifier_facts *facts, size_t *converted);

/* Conditional jumps the verifier saw go one way only (facts: taken, or
 * falling through, on every path) become `ja` that way, in place: no
 * instruction moves. *wired: how many. 0, or -EINVAL (facts of another
 * program). Nothing without facts (an unverified program). */
int fixups_dead_branches(struct bpfrt_insn *insns, size_t cnt, const struct verifier_facts *facts,
			 size_t *wired);

/* Calls as the verifier resolved them (calls.c), in place: a kfunc call
 * becomes `call BPFRT_KFUNC_ID_BASE + index`, a callx whose register held
 * the same helper id on every path becomes `call id`, both from the facts'
 * call_target; helper and local calls must agree with their facts.
 * *resolved: how many were rewritten. 0 (nothing without facts), or
 * -EINVAL (facts of another program). */
int fixups_calls(struct bpfrt_insn *insns, size_t cnt, const struct verifier_facts *facts,
		 size_t *resolved);

/* The kernel's BPF_F_TEST_RND_HI32 (rnd_hi32.c), a test of the verifier's
 * FACT_ZEXT: after every 32-bit definition not marked FACT_ZEXT, three
 * instructions put random junk (from `seed`) into the destination's upper
 * half; a right analysis leaves the program's results unchanged. Runs on
 * the instructions the facts are about (after the in-place passes, before
 * fixups_inline); *insns (malloc'ed) is replaced and *cnt grows, slot_map
 * as fixup_env.slot_map. *junked (may be NULL): the definitions followed by
 * junk. 0 (nothing without facts), -EINVAL (facts of another program),
 * -E2BIG (a jump would no longer fit 16 bits), -ENOMEM. */
int fixups_rnd_hi32(struct bpfrt_insn **insns, size_t *cnt, const struct verifier_facts *facts,
		    uint64_t seed, size_t **slot_map, size_t *junked);

#endif /* BPFRT_FIXUPS_FIXUPS_H */
