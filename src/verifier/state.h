/* SPDX-License-Identifier: MIT */
/*
 * The verifier's abstract state: what every register and stack byte may hold
 * at one instruction of one path, and the environment one verification runs
 * in. Modelled on the kernel's bpf_reg_state / bpf_func_state /
 * bpf_verifier_state, trimmed to what bpfrt checks.
 */
#ifndef BPFRT_VERIFIER_STATE_H
#define BPFRT_VERIFIER_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "bpfrt/verifier.h"
#include "verifier/facts.h"
#include "verifier/pool.h"
#include "verifier/tnum.h"

struct isa_form;

#define MAX_BPF_REG 11 /* r0..r10 */
#define MAX_COUNTED 16 /* counted loops per program (loops.c) */
#define MAX_FRAMES BPFRT_MAX_CALL_DEPTH
#define STACK_SLOTS (BPFRT_STACK_SIZE / 8)
#define MAX_REFS 16

/* What a register holds. Pointers carry a fixed offset `off` and a variable
 * offset described by var_off and the bounds. */
enum reg_type {
	NOT_INIT = 0,
	SCALAR_VALUE,
	PTR_TO_CTX,	  /* the context; only constant offsets may be accessed */
	CONST_PTR_TO_MAP, /* a map from ld_imm64 */
	PTR_TO_MAP_VALUE, /* a value of map `map_idx` */
	PTR_TO_MAP_KEY,	  /* a key handed to a for_each callback */
	PTR_TO_STACK,	  /* frame `frameno`'s stack; off is relative to its r10 */
	PTR_TO_MEM,	  /* mem_size bytes: raw context, ringbuf records */
	PTR_TO_FUNC,	  /* a subprogram (ld_imm64 PSEUDO_FUNC), for callbacks */
	/* Packet programs (xdp, tc, ...; packet.c): pointers into the packet
	 * from the context's data_meta / data / data_end. `range` bytes from
	 * the base of the pointer's id are known to be inside the packet. */
	PTR_TO_PACKET_META,
	PTR_TO_PACKET,
	PTR_TO_PACKET_END,
	/* A struct or union of the traced function's BTF (btf_ptr.c):
	 * fentry/fexit arguments and the pointer members read through them.
	 * btf_id names the type; loads only, made fault-safe. */
	PTR_TO_BTF_ID,
	/* A struct bpf_cpumask from bpf_cpumask_create (helpers/cpumask.c):
	 * opaque, passed to the cpumask kfuncs only, a reference. */
	PTR_TO_CPUMASK,
	/* raw_tp.w: the tracepoint's writable buffer (argument 0), accessed
	 * at constant offsets; its size is checked at attach (btf_ptr.c). */
	PTR_TO_TP_BUFFER,
	/* A global function's `struct bpf_dynptr *` argument (dynptr.c): the
	 * caller's initialised dynptr, used as a local one, never read as
	 * data, initialised or released. */
	CONST_PTR_TO_DYNPTR,
	REG_TYPE_COUNT
};

/* Flags on pointer types (kernel PTR_MAYBE_NULL, MEM_RDONLY, MEM_RINGBUF). */
enum {
	PTR_MAYBE_NULL = 1 << 0,
	MEM_RDONLY = 1 << 1,
	MEM_RINGBUF = 1 << 2,
	PTR_UNTRUSTED = 1 << 3, /* PTR_TO_BTF_ID read through a union */
	PTR_TRUSTED = 1 << 4,	/* PTR_TO_BTF_ID valid for the whole run (tp_btf arguments) */
};

struct reg_state {
	uint8_t type;	 /* enum reg_type */
	uint8_t flags;	 /* PTR_MAYBE_NULL, ... */
	uint8_t frameno; /* PTR_TO_STACK: whose stack */
	uint8_t precise; /* stored states: its exact value matters (precision.c) */
	int32_t off;	 /* pointers: fixed offset */
	/* Scalars: the value. Pointers: the variable part of the offset. */
	struct tnum var_off;
	int64_t smin_value, smax_value;
	uint64_t umin_value, umax_value;
	int32_t s32_min_value, s32_max_value;
	uint32_t u32_min_value, u32_max_value;
	/* Null-check propagation: pointers from one lookup share an id.
	 * Scalars: registers copied from one another share an id (linked
	 * registers), so a branch on one refines the others. */
	uint32_t id;
	uint32_t ref_obj_id; /* acquired reference this pointer belongs to */
	/* The object this one was derived from (a dynptr slice: the dynptr's
	 * id): destroying the parent invalidates it. */
	uint32_t parent_id;
	uint32_t map_idx;    /* CONST_PTR_TO_MAP, PTR_TO_MAP_VALUE/KEY */
	union {
		uint32_t mem_size; /* PTR_TO_MEM */
		uint32_t btf_id;   /* PTR_TO_BTF_ID: type id in env->btf */
	};
	uint32_t subprog;    /* PTR_TO_FUNC: subprogram index */
	/* PTR_TO_PACKET(_META): bytes [base, base + range) of the pointers
	 * sharing its id are in the packet (off is from that base); the
	 * negative AT_PKT_END / BEYOND_PKT_END record a failed check. */
	int32_t range;
};

/* Kind of each stack byte (kernel STACK_*). */
enum slot_kind {
	STACK_INVALID = 0, /* never written */
	STACK_SPILL,	   /* part of a spilled register (spilled_ptr of the slot) */
	STACK_MISC,	   /* some initialised data */
	STACK_ZERO,	   /* known zero */
	STACK_DYNPTR,	   /* part of a struct bpf_dynptr (two slots) */
	STACK_ITER,	   /* part of an iterator (struct bpf_iter_num: one slot) */
};

/* Iterator states (kernel bpf_iter_state). */
enum { ITER_INVALID = 0, ITER_ACTIVE, ITER_DRAINED };

struct stack_slot {
	uint8_t kind[8];
	/* STACK_SPILL (kind[7]): the register. STACK_DYNPTR / STACK_ITER: the
	 * object's id and ref_obj_id (ringbuf dynptrs, iterators). */
	struct reg_state spilled;
	uint8_t obj_type;   /* dynptr: enum dynptr_type; iterator: its kfunc family */
	uint8_t obj_first;  /* dynptr: this slot holds its first 8 bytes */
	uint8_t iter_state; /* ITER_ACTIVE, ITER_DRAINED */
	uint32_t iter_depth; /* iterator: next calls that returned an element on this path */
};

struct func_state {
	struct reg_state regs[MAX_BPF_REG];
	uint32_t callsite;   /* insn index of the call that made this frame */
	uint32_t subprog;    /* which subprogram runs in it */
	uint32_t frameno;
	/* Callback frames (bpf_loop, for_each): the return value must be 0/1
	 * and control returns into the helper call. */
	bool in_callback;
	uint32_t cb_helper, cb_map; /* callback frames: which helper, which map */
	/* stack[i] holds r10-8*(i+1) .. r10-8*i-1; byte `off` (< 0) is
	 * stack[(-off-1)/8].kind[(-off-1)%8]. nslots grow as accessed. */
	uint32_t nslots;
	struct stack_slot *stack;
};

struct ref_state {
	uint32_t id;
	uint32_t insn_idx; /* where it was acquired */
};

/* How the walk arrived at an instruction, for walking a path backwards
 * (precision.c): from the previous instruction, by a jump, into or out of
 * a subprogram or callback. */
enum hist_edge {
	EDGE_SEQ = 0,	/* from the previous instruction, same frame */
	EDGE_JUMP,	/* from a jump, same frame */
	EDGE_CALL,	/* entered a subprogram from its call */
	EDGE_RET,	/* returned from a subprogram's exit */
	EDGE_CB_ENTER,	/* entered a callback from the helper call running it */
	EDGE_CB_AGAIN,	/* the callback's next call, from its previous exit */
	EDGE_CB_RET,	/* returned from a callback's exit past the helper call */
};

enum {
	HIST_STACK = 1 << 0,  /* a fixed-offset stack access: frame, spi valid */
};

/* One executed instruction of a path whose predecessor is not the previous
 * instruction, or which accessed a stack slot (kernel jmp_history). */
struct hist_entry {
	uint32_t idx;  /* the instruction */
	uint32_t prev; /* the one executed before it */
	uint8_t edge;  /* enum hist_edge: how idx was reached from prev */
	uint8_t flags; /* HIST_* */
	uint8_t frame; /* HIST_STACK: whose stack */
	uint8_t spi;   /* HIST_STACK: which slot */
};

struct vstate {
	struct func_state *frame[MAX_FRAMES];
	uint32_t curframe;
	uint32_t insn_idx;
	uint32_t refcnt;
	struct ref_state refs[MAX_REFS];
	/* The bpf_spin_lock held (spinlock.c): map, offset of the lock in the
	 * value and the id of the value pointer; lock_map 0 when none. */
	uint32_t lock_map; /* map index + 1 */
	int32_t lock_off;
	uint32_t lock_id;
	/* The last state stored on this path (kernel: parent). */
	struct stored_state *parent_ss;
	/* The path since parent_ss was stored (its segment): seg_cnt
	 * instructions from start_idx, the notable ones in hist; how insn_idx
	 * was reached (arr_prev, arr_edge). See precision.c. */
	struct hist_entry *hist;
	uint32_t hist_len, hist_cap;
	uint32_t seg_cnt, start_idx;
	uint32_t arr_prev;
	uint8_t arr_edge;
	/* Registers of the current frame whose precision walk back would
	 * change nothing now (precision.c): it was done, and nothing it
	 * depends on happened since. */
	uint16_t prec_done;
	/* The counted loops the path is in (loops.c): since when (an id
	 * given at the entry through the head) and in which frame. */
	uint16_t stay_mask;
	uint8_t stay_frame[MAX_COUNTED];
	uint32_t stay_id[MAX_COUNTED];
	/* Turns this path took through a may_goto's fall-through (kernel
	 * may_goto_depth): states of different turns at a may_goto converge
	 * as an iterator's do (prune.c). */
	uint32_t may_goto_depth;
};

struct subprog_info {
	uint32_t start;	      /* first insn */
	uint32_t end;	      /* one past the last insn */
	uint32_t stack_depth; /* bytes, deepest access seen */
	bool is_callback;
	bool has_tail_call;
	bool global_called;   /* a global function some walk called (global.c) */
	bool global_done;     /* ... and verified from its signature */
	uint16_t cond_regs;   /* registers some conditional jump of it compares */
};

struct verifier_log;
struct btf_type;

/* The state list stored at one prune point. */
struct stored_state {
	struct vstate st;
	struct stored_state *next, *prev; /* neighbours in its insn's list */
	struct stored_state *parent; /* the stored state this one descends from */
	/* The nearest ancestor stored at a loop head, callback start or
	 * iterator next (the only ones a loop check looks for), and the
	 * number of ancestors: loop checks skip to it. */
	struct stored_state *head_parent;
	uint32_t depth;
	/* Paths (the current one and pending branches) still exploring its
	 * subtree; 0 once its subtree is fully verified. */
	uint32_t branches;
	uint32_t miss_cnt;
	uint32_t hit_cnt;
	bool all_precise; /* every scalar of it and its ancestors is precise */
	bool evicted; /* out of its insn's list, freed once its branches are done */
	/* Back edges (backedge.c) whose path goes through it: its precision
	 * marks may still grow, so it covers only by every scalar's range,
	 * and is kept; and those it covered. */
	uint32_t pending;
	uint32_t targets;
};

/* One instruction's verifier-private data. */
struct insn_aux {
	const struct isa_form *form; /* isa_form_of() the insn, once (cfg.c) */
	bool prune_point;
	bool loop_head;	  /* target of a back edge */
	bool callback_head; /* start of a callback subprogram */
	bool seen;
	bool second_slot; /* the second half of an ld_imm64 */
	uint16_t live_in; /* registers live before it (bit per register) */
	uint64_t live_stack; /* its frame's stack slots live before it (liveness.c) */
	bool call_stack_arg; /* a call that may be handed a pointer to its frame's stack */
	/* stored states, the latest first: verified ones (branches 0) and
	 * those whose subtree is in progress */
	struct stored_state *states;
	uint32_t nstates; /* stored states in the list */
	uint32_t visits;  /* times the walk reached it (loop-head widening) */
	bool iter_next;	  /* a call of an iterator's next kfunc (iter.c) */
	bool counted;	  /* a loop head whose termination a counter proves (loops.c) */
	uint8_t wrap_check; /* `r += k` counting a loop: 64 or 32 (bits), else 0 */
	uint8_t back_edge;  /* bit 0: its fallthrough is a back edge, bit 1: its jump */
	uint8_t loop_no;    /* a counted loop head: its number */
	uint16_t in_loops;  /* the counted loops whose body holds it (bit per number) */
	bool may_goto;	  /* a may_goto (jmp.c) */
};

#define MAX_THRESHOLDS 64

struct verifier_env {
	const struct bpfrt_insn *insns;
	uint32_t insn_cnt;
	const struct bpfrt_verify_opts *opts;
	struct insn_aux *aux;
	struct verifier_facts *facts;
	struct subprog_info subprogs[256];
	uint32_t subprog_cnt;
	struct vstate *cur;
	struct pool *pool; /* the states' memory (pool.c) */
	uint32_t id_gen;
	uint64_t insns_processed;
	uint64_t jmps_processed, prev_jmps, prev_insns; /* when a state was last stored */
	uint64_t budget;
	uint32_t total_states, peak_states, cur_states;
	uint32_t max_states_per_insn; /* longest list of stored states at one insn */
	struct stored_state *evicted; /* evicted from their list, still in progress */
	struct backedge *backedges; /* paths a state with pending marks covered (backedge.c) */
	bool settle; /* a state some back edge names is verified: settle them */
	int64_t thresholds[MAX_THRESHOLDS]; /* counted loops' bounds: widening stops there */
	uint32_t nthresholds;
	uint32_t ncounted; /* counted loops */
	/* counted loops whose counter goes up to an exit `r == B` (loops.c):
	 * each entry through the head must start r below B, congruent */
	struct eq_exit {
		int64_t bound, step;
		uint8_t reg, w32, on;
	} eq_exit[MAX_COUNTED];
	uint32_t stay_gen; /* the last id given to a stay in a counted loop */
	bool widen;	    /* widen loop-carried scalars at loop heads */
	bool widened;	    /* widening was applied */
	int err;	    /* first fatal error (-ENOMEM) */
	bool helper_pkt_access; /* the helper being checked may take packet memory */
	/* fentry/fexit with target BTF (btf_ptr.c): the traced function's
	 * prototype; NULL without. */
	const struct btf *btf;
	const struct btf_type *target_proto; /* struct btf_type of libbpf */
	bool tp_btf;	     /* a tp_btf program: arguments trusted */
	uint32_t max_tp_access; /* raw_tp.w: bytes of the buffer accessed */
	uint8_t target_skip; /* leading parameters not in the context (btf_trace_X's __data) */
	struct verifier_log *log;
	uint32_t prev_insn; /* for the log */
	const struct bpfrt_line_info *last_linfo; /* the source line printed last */
	/* The pending branches (a stack of states to explore). */
	struct pending {
		struct vstate *st;
		uint32_t insn_idx;
		uint32_t prev_insn;
	} *stack;
	uint32_t stack_len, stack_cap;
	char msg[1024];			 /* the current instruction's messages */
	size_t msg_len;
};

/* The decoded form of insn idx: valid once cfg.c checked the program. */
static inline const struct isa_form *insn_form(const struct verifier_env *env, uint32_t idx)
{
	return env->aux[idx].form;
}

static inline struct func_state *cur_frame(const struct verifier_env *env)
{
	return env->cur->frame[env->cur->curframe];
}

static inline struct reg_state *cur_regs(const struct verifier_env *env)
{
	return cur_frame(env)->regs;
}

static inline bool reg_is_pointer(const struct reg_state *r)
{
	return r->type != NOT_INIT && r->type != SCALAR_VALUE;
}

/* Read-only untrusted memory of unknown size (the kernel's
 * PTR_TO_MEM | MEM_RDONLY | PTR_UNTRUSTED): loads are fault-safe. */
static inline bool reg_is_probe_mem(const struct reg_state *r)
{
	return r->type == PTR_TO_MEM && (r->flags & PTR_UNTRUSTED);
}

/* ---- regs.c ---- */
const char *reg_type_str(const struct reg_state *r, char *buf, unsigned size);
void mark_reg_not_init(struct reg_state *r);
void mark_reg_unknown(struct reg_state *r);
void mark_reg_known(struct reg_state *r, uint64_t value);
void mark_reg_known_zero(struct reg_state *r);
void mark_ptr(struct reg_state *r, enum reg_type type);
bool reg_is_const(const struct reg_state *r);
/* Copies with a fresh id when `src` is a scalar without one (linked regs). */
void copy_reg_linked(struct verifier_env *env, struct reg_state *dst, struct reg_state *src);
uint32_t new_id(struct verifier_env *env);
/* Every register whose id is `id` in every frame: apply fn. */
void for_each_reg_with_id(struct vstate *st, uint32_t id,
			  void (*fn)(struct reg_state *r, void *arg), void *arg);

/* ---- bounds.c ---- */
void reg_bounds_sync(struct reg_state *r);
void reg_bounds_from_tnum(struct reg_state *r);
void mark_reg_unbounded(struct reg_state *r);
void reg_set_range(struct reg_state *r, int64_t smin, int64_t smax);
void zext_32_to_64(struct reg_state *r);
void coerce_reg_to_size(struct reg_state *r, int size);
void coerce_reg_to_size_sx(struct reg_state *r, int size);
/* r as a load of `size` bytes of it gives it: zero- or sign-extended. */
void coerce_loaded(struct reg_state *r, int size, bool sign_ext);
void coerce_subreg_to_size_sx(struct reg_state *r, int size);
bool reg_bounds_sane(const struct reg_state *r);
/* dst = dst OP src for scalars; op is BPFRT_ADD.., alu32 for 32-bit ops. */
void scalar_alu(struct reg_state *dst, const struct reg_state *src, uint8_t op, bool alu32);
/* Branch: 1 taken, 0 not taken, -1 unknown (scalars). */
int scalar_branch_taken(const struct reg_state *a, const struct reg_state *b, uint8_t op,
			bool is_jmp32);
/* Refines a (and b) assuming `a op b` holds. */
void scalar_refine(struct reg_state *a, struct reg_state *b, uint8_t op, bool is_jmp32);
/* Inverse condition for the fall-through branch. */
uint8_t jmp_negate(uint8_t op);

/* ---- stack.c ---- */
int stack_write(struct verifier_env *env, struct func_state *f, int off, int size,
		const struct reg_state *val, uint32_t value_regno, bool is_imm_zero, int insn_idx);
/* Bytes a spill covers from the start of its slot; 0: no spill there. */
int spill_size(const struct stack_slot *s);
int stack_read(struct verifier_env *env, struct func_state *f, int off, int size,
	       struct reg_state *dst, bool sign_ext);
int stack_var_access(struct verifier_env *env, struct func_state *f, uint32_t regno, int min_off,
		     int max_off, int size, bool write, struct reg_state *dst);
/* Checks that [off, off+size) of the stack is initialised (helper memory args). */
int stack_check_init(struct verifier_env *env, struct func_state *f, int min_off, int size,
		     uint32_t regno, bool write);
int grow_stack(struct verifier_env *env, struct func_state *f, int off);

/* ---- dynptr.c (stack objects: dynptrs and iterators) ---- */
/* Slot `spi` of a dynptr or iterator is being overwritten by a store: a
 * local dynptr is destroyed (its slices die), anything else refused. */
int stack_obj_overwrite(struct verifier_env *env, struct func_state *f, uint32_t spi);
/* Every register (and spill) whose parent_id is `id` becomes unknown. */
void invalidate_children(struct vstate *st, uint32_t id);

/* ---- iter.c ---- */
/* Some iterator active in both states has advanced (the kernel's
 * iter_active_depths_differ): cur is a later turn of old's loop. */
bool iter_depths_differ(const struct vstate *old, const struct vstate *cur);

/* ---- mem.c ---- */
/* Checks and performs a load (t == READ, dst set) or store through `regno`. */
enum access { ACCESS_READ, ACCESS_WRITE };
int check_mem_access(struct verifier_env *env, int insn_idx, uint32_t regno, int off, int size,
		     enum access t, int value_regno, const struct reg_state *wval, bool sign_ext);
/* The bytes at r + off .. + size of a frozen read-only map value (.rodata),
 * NULL when r does not point at a constant offset of one. */
const uint8_t *frozen_bytes(struct verifier_env *env, const struct reg_state *r, int off,
			    int size);
/* Helper memory arguments: [ptr, ptr+size) readable (or writable). */
int check_helper_mem(struct verifier_env *env, uint32_t regno, const struct reg_state *size_reg,
		     int64_t size, bool write, bool zero_ok);

/* ---- ctx.c ---- */
int ctx_check_access(struct verifier_env *env, uint32_t regno, int off, int size,
		     enum access t, struct reg_state *dst);
void ctx_init_regs(struct verifier_env *env, struct reg_state *regs);
/* Rejects attach kinds whose context only the kernel has. */
int ctx_check_kind(struct verifier_env *env);

/* ---- btf_ptr.c ---- */
/* Resolves opts->target_btf / target_func (0, or -EINVAL with a message). */
int btf_target_init(struct verifier_env *env);
/* Parameter `arg` of the traced function, or its return value: what a
 * u64 load of it gives, a BTF pointer or a scalar. */
void btf_ctx_arg(struct verifier_env *env, uint32_t arg, bool ret, struct reg_state *dst);
uint32_t btf_target_nargs(const struct verifier_env *env);
/* A load (or refused store) of [r->off + off, + size) through a
 * PTR_TO_BTF_ID: *dst a scalar (not yet sized) or a BTF pointer. */
int btf_ptr_access(struct verifier_env *env, uint32_t regno, int off, int size, enum access t,
		   struct reg_state *dst);
/* The name of r's struct ("task_struct"), for the log. */
const char *btf_ptr_name(const struct verifier_env *env, const struct reg_state *r);
/* A load of [off, off+size) of a raw_tp or tp_btf context (u64 args). */
int btf_raw_tp_access(struct verifier_env *env, int off, int size, struct reg_state *dst);
/* raw_tp.w: an access of [r->off + off, + size) of the writable buffer. */
int tp_buffer_access(struct verifier_env *env, uint32_t regno, int off, int size);
/* A BTF pointer as a kfunc's struct argument: trusted (KF_TRUSTED_ARGS)
 * or RCU-protected (KF_RCU) as the flags ask, pointing at a struct `want`
 * of at least `min_size` bytes (want NULL: none of the target's will do). */
int btf_kfunc_arg(struct verifier_env *env, uint32_t regno, const char *func, bool trusted,
		  bool rcu, const char *want, uint32_t min_size);
/* A global function's arg:trusted / arg:untrusted pointee (`name` of BTF
 * kind `kind` in the program's BTF) in the target BTF, as the kernel's
 * btf_get_ptr_to_btf_id(): its id, or -errno with a message. */
int btf_arg_type_id(struct verifier_env *env, uint32_t argno, const char *name, uint32_t kind);
/* Register `regno` as an arg:trusted argument of struct `want_id`
 * (nullable: or NULL), as the kernel's check_reg_type(). */
int btf_trusted_arg(struct verifier_env *env, uint32_t regno, uint32_t want_id, bool nullable);

/* ---- packet.c ---- */
enum { AT_PKT_END = -1, BEYOND_PKT_END = -2 };
static inline bool reg_is_pkt(const struct reg_state *r)
{
	return r->type == PTR_TO_PACKET || r->type == PTR_TO_PACKET_META;
}
static inline bool reg_is_pkt_any(const struct reg_state *r)
{
	return reg_is_pkt(r) || r->type == PTR_TO_PACKET_END;
}
/* Loads and stores through a packet pointer ([off, off+size) after its
 * fixed offset); helper memory arguments too (helper: its name, or NULL). */
int check_packet_access(struct verifier_env *env, uint32_t regno, int off, int64_t size,
			bool zero_ok);
/* ptr +/- scalar for packet pointers: the kernel's offset sanity checks,
 * ids and ranges. *handled: false when ptr is no packet pointer. */
bool reg_sane_offset(struct verifier_env *env, const struct reg_state *r, const char *kind);
int pkt_ptr_arith(struct verifier_env *env, struct reg_state *dst, const struct reg_state *ptr,
		  const struct reg_state *scalar, uint8_t op, uint32_t regno, bool *handled);
/* Branch on two packet pointers: 1 taken, 0 not, -1 unknown. */
int pkt_branch_taken(const struct reg_state *dst, const struct reg_state *src, uint8_t op);
/* pkt vs pkt_end (and pkt_meta vs pkt) comparisons: the range each branch
 * proves. false when the insn compares no such pair. */
bool pkt_try_match(struct vstate *this_branch, struct vstate *other_branch,
		   const struct bpfrt_insn *insn);
/* After a helper that may move the packet: every packet pointer dies. */
bool helper_changes_pkt_data(uint32_t helper_id);
/* Does subprogram sp or a callee call such a helper (global functions)? */
bool subprog_changes_pkt_data(const struct verifier_env *env, uint32_t sp);
void clear_all_pkt_pointers(struct vstate *st);
/* Pruning: is cur's packet pointer covered by old's? */
bool pkt_regsafe(const struct reg_state *old, const struct reg_state *cur);
/* May the program's attach kind read (write) the packet directly? */
bool pkt_access_ok(const struct verifier_env *env, bool write);

/* ---- alu.c ---- */
/* res's variable offset and bounds: ptr's variable part OP scalar. */
void ptr_var_offset(struct reg_state *res, const struct reg_state *ptr,
		    const struct reg_state *scalar, uint8_t op);
int do_alu(struct verifier_env *env, const struct bpfrt_insn *insn, int insn_idx);
int do_ld_imm64(struct verifier_env *env, const struct bpfrt_insn *insn, int insn_idx);

/* ---- jmp.c ---- */
/* Returns the other branch state via *other (to push) or NULL if dead. */
int do_cond_jmp(struct verifier_env *env, const struct bpfrt_insn *insn, int *insn_idx);
int do_may_goto(struct verifier_env *env, const struct bpfrt_insn *insn, int idx, int *next);

/* ---- calls.c ---- */
int do_helper_call(struct verifier_env *env, const struct bpfrt_insn *insn, int insn_idx,
		   uint32_t helper_id, int *next_idx);
int do_local_call(struct verifier_env *env, int insn_idx, uint32_t target, int *next_idx);
int do_exit(struct verifier_env *env, int *insn_idx, bool *path_done);
int check_max_stack_depth(struct verifier_env *env);

/* ---- retval.c ---- */
/* At the main program's exit: r0 within the range the attach kind allows
 * (cgroup_skb 0..1 or 0..3 on egress, fentry/fexit 0, sessions 0..1). */
int check_return_range(struct verifier_env *env);

/* ---- kfunc.c ---- */
/* Static check of a kfunc call (cfg.c): the index names a known kfunc. */
int kfunc_check_insn(struct verifier_env *env, uint32_t insn_idx);
int do_kfunc_call(struct verifier_env *env, int insn_idx, int *next_idx, bool *path_done);

/* ---- spinlock.c ---- */
/* Rejects calls (helpers, kfuncs, global functions) while a lock is held,
 * except bpf_spin_unlock. */
int lock_check_call(struct verifier_env *env, const char *what, bool is_unlock);
/* Where the program ends (its exit, bpf_throw): no reference, no lock
 * held (the kernel's check_resource_leak; `prefix` names the place). */
int check_resource_leak(struct verifier_env *env, const char *prefix);
/* A load or store of map value bytes [off, off+size) through r: not the
 * value's struct bpf_spin_lock. */
int lock_check_access(struct verifier_env *env, const struct reg_state *r, int off, int size);

/* ---- analysis.c ---- */
/* Walks every path from insn `idx` starting in state env->cur. */
int do_walk(struct verifier_env *env, int idx);

/* ---- global.c ---- */
/* A call of a global function: arguments checked against its signature,
 * r0 an unknown scalar; 1 when `target` is global, 0 when not, <0 error. */
int global_call(struct verifier_env *env, int insn_idx, uint32_t target, int *next_idx);
/* Verifies each global function reached, once, from its signature. */
int check_global_funcs(struct verifier_env *env);
const struct bpfrt_verify_func *global_func_of(const struct verifier_env *env, uint32_t start);

/* ---- cfg.c ---- */
int check_cfg(struct verifier_env *env);
/* loops.c: counted loops (termination proven by a counter) */
int find_counted_loops(struct verifier_env *env);
int counter_wrap_check(struct verifier_env *env, uint32_t idx);
void loop_stay_update(struct verifier_env *env, uint32_t idx);
bool same_stay(const struct verifier_env *env, const struct vstate *a, const struct vstate *b,
	       uint32_t head);
uint64_t threshold_above(const struct verifier_env *env, uint64_t v, int bits, bool sign);
uint64_t threshold_below(const struct verifier_env *env, uint64_t v, int bits, bool sign);
uint32_t subprog_of(const struct verifier_env *env, uint32_t insn_idx);
int find_subprog(const struct verifier_env *env, uint32_t start);
/* Jump or call target of a branch instruction, or -1. */
int64_t jump_target(const struct bpfrt_insn *insn, const struct isa_form *f, uint32_t idx);

/* ---- analysis.c: pending paths ---- */
/* Pushes st (a state of its own, given over) as a pending branch that
 * continues at insn_idx after prev_idx. */
int push_state(struct verifier_env *env, struct vstate *st, uint32_t insn_idx, uint32_t prev_idx);
/* Pushes a copy of the current state, continuing at insn_idx. */
int push_branch(struct verifier_env *env, uint32_t insn_idx, uint32_t prev_idx);

/* ---- vstate.c, prune.c ---- */
/* 1: the current state is covered by a stored one (prune the path), 0: go
 * on, <0 error. May widen the current state at loop heads. */
int is_state_visited(struct verifier_env *env, uint32_t insn_idx);
struct vstate *state_dup(struct verifier_env *env, const struct vstate *src);
int state_copy(struct verifier_env *env, struct vstate *dst, const struct vstate *src);
void state_free(struct verifier_env *env, struct vstate *st);
/* A fresh frame: registers not initialised but r10, no stack; NULL when out
 * of memory (env->err set). */
struct func_state *frame_new(struct verifier_env *env);
void frame_free(struct verifier_env *env, struct func_state *f);
void state_free_frames(struct verifier_env *env, struct vstate *st);
void stored_free(struct verifier_env *env, struct stored_state *ss);
void free_stored_states(struct verifier_env *env);

/* ---- precision.c ---- */
/* The check at the current instruction depends on the exact value of
 * scalar register `regno` of the current frame: mark it precise in the
 * stored states it flows from (kernel mark_chain_precision). Every check
 * that accepts or rejects on a scalar's value must call this, or pruning
 * would take imprecise scalars as equal. Returns 0 or -ENOMEM. */
int mark_chain_precision(struct verifier_env *env, uint32_t regno);
int mark_slot_precision(struct verifier_env *env, uint32_t fr, uint32_t spi);
/* cur is pruned against the verified `old`: what is precise in old must
 * be precise along cur's path too (kernel propagate_precision). */
int propagate_precision(struct verifier_env *env, const struct vstate *old, uint32_t insn_idx);
/* Every scalar of the current path's stored states precise (the fallback). */
void mark_all_precise(struct verifier_env *env);
/* propagate_precision() into the path of st; *changed (if given) when a
 * mark is new. */
int propagate_precision_into(struct verifier_env *env, const struct vstate *old,
			     uint32_t insn_idx, struct vstate *st, bool *changed);

/* ---- backedge.c ---- */
/* The current path is pruned against `equal` (at insn idx), a state still
 * in progress or whose marks are pending: its precision marks now, and
 * again once they are final. 0 or -ENOMEM. */
int backedge_add(struct verifier_env *env, struct stored_state *equal, uint32_t idx);
/* Propagates the marks of verified states into the back edges they
 * covered until nothing changes; releases those no state in progress can
 * change any more. */
int backedges_settle(struct verifier_env *env);
void backedges_free(struct verifier_env *env);
/* prune.c: kernel_compat, the turn an iterator's next or a may_goto at
 * idx pushed: its imprecise changed scalars unknown, as the kernel. */
void widen_queued(struct verifier_env *env, struct vstate *q, uint32_t idx);
/* prune.c: frees an evicted state nothing needs any more. */
void stored_release(struct verifier_env *env, struct stored_state *ss);
/* Records the executed instruction in the path's history (analysis.c). */
int hist_record(struct verifier_env *env, uint32_t idx, uint8_t flags, uint8_t frame,
		uint8_t spi);
int hist_copy(struct verifier_env *env, struct vstate *dst, const struct vstate *src);

/* ---- liveness.c ---- */
int compute_liveness(struct verifier_env *env);
/* r1-r5 bits a helper or kfunc call at idx reads: its prototype's arguments. */
uint16_t call_arg_regs(const struct verifier_env *env, uint32_t idx);
int compute_stack_liveness(struct verifier_env *env);
/* prune.c: the registers and slots of frame f of st pruning compares. */
void frame_liveness(const struct verifier_env *env, const struct vstate *st, uint32_t f,
		    uint32_t insn_idx, uint16_t *regs, uint64_t *slots);

/* ---- log.c ---- */
void verbose(struct verifier_env *env, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_insn(struct verifier_env *env, uint32_t insn_idx);
/* "; source line @ file:line" for insn_idx when the program has line info
 * and the line differs from the last one printed (always when again). */
void log_linfo(struct verifier_env *env, uint32_t insn_idx, bool again);
void log_state(struct verifier_env *env, const struct vstate *st, bool all_frames);
bool log_enabled(const struct verifier_env *env, uint32_t level);

#endif /* BPFRT_VERIFIER_STATE_H */
