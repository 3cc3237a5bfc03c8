/* SPDX-License-Identifier: MIT */
/*
 * What the call checkers share: the facts gathered from one call's
 * arguments (helpers and kfuncs alike), and the reference bookkeeping.
 * Private to calls.c, kfunc.c, dynptr.c, iter.c, spinlock.c, global.c.
 */
#ifndef BPFRT_VERIFIER_CALLS_H
#define BPFRT_VERIFIER_CALLS_H

#include "helpers/helpers.h"
#include "verifier/state.h"

struct call_meta {
	const char *fname; /* the helper's or kfunc's name, for messages */
	bool kfunc;	   /* a kfunc call (the kernel words some messages differently) */
	int map_idx;	   /* from the CONST_MAP_PTR argument, -1 none */
	int mem_regno;
	bool mem_uninit, mem_or_null;
	int64_t alloc_size;
	int64_t const_size; /* the last size argument when a known constant, else -1 */
	int64_t const_key;  /* array maps: the key when a known constant, else -1 */
	int callback_subprog;
	uint32_t release_ref;
	uint32_t ctx_regno; /* callback context argument (bpf_loop r3, for_each r3) */
	/* dynptrs: the initialised one passed (its type, id and reference),
	 * and the register of one to initialise (-1 none) */
	bool has_dynptr;
	uint8_t dynptr_type;
	uint32_t dynptr_id, dynptr_ref;
	int uninit_dynptr_regno;
	/* iterators: the register of the iterator argument (-1 none) */
	int iter_regno;
	/* bpf_spin_lock/unlock: the lock's map, offset and value id */
	int lock_map;
	int32_t lock_off;
	uint32_t lock_id;
};

void call_meta_init(struct call_meta *meta, const char *fname);
/* Checks argument `regno` (1..5) of kind `kind`. `p` is the helper (for
 * map compatibility), NULL for kfuncs. */
int check_arg(struct verifier_env *env, const struct helper_proto *p, uint32_t regno,
	      enum helper_arg kind, struct call_meta *meta);
int arg_type_err(struct verifier_env *env, uint32_t regno, const struct reg_state *r,
		 const char *expected);
void clobber_caller_saved(struct reg_state *regs);
/* A new reference acquired at insn_idx; 0 (with a message) when too many. */
uint32_t acquire_reference(struct verifier_env *env, int insn_idx);
/* Drops reference `ref`: registers, spills and stack objects holding it
 * become invalid. */
int release_reference(struct verifier_env *env, uint32_t ref);

/* ---- dynptr.c ---- */
/* The slot index of an `nslots`-slot stack object register regno points
 * to (constant, 8-aligned offset), or <0 with a message. */
int stack_obj_spi(struct verifier_env *env, uint32_t regno, uint32_t nslots, const char *what,
		  bool kfunc, struct func_state **fp);
int dynptr_check_arg(struct verifier_env *env, uint32_t regno, enum helper_arg kind,
		     struct call_meta *meta);
/* After every argument was checked: initialises the dynptr meta names. */
int dynptr_finish_call(struct verifier_env *env, struct call_meta *meta, int insn_idx);
/* r0 as a slice of the dynptr argument: `size` bytes or NULL. */
void dynptr_mark_slice(struct verifier_env *env, struct reg_state *r0, const struct call_meta *meta,
		       int64_t size, bool rdonly);

/* ---- iter.c ---- */
int iter_check_arg(struct verifier_env *env, uint32_t regno, uint32_t kflags,
		   struct call_meta *meta);
/* The iterator kfunc's effect; *pushed set when next split the path. */
int iter_finish_call(struct verifier_env *env, uint32_t kflags, const struct call_meta *meta,
		     int insn_idx);

/* ---- spinlock.c ---- */
int lock_check_arg(struct verifier_env *env, uint32_t regno, struct call_meta *meta);
int lock_finish_call(struct verifier_env *env, bool lock, const struct call_meta *meta);

#endif /* BPFRT_VERIFIER_CALLS_H */
