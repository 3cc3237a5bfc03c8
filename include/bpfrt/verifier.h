/* SPDX-License-Identifier: MIT */
/*
 * bpfrt/verifier.h — prove a BPF program safe before it runs.
 *
 * The verifier walks every path of the program with an abstract state per
 * register and stack byte (pointer kinds, known bits, signed and unsigned
 * 32/64-bit bounds) in the manner of the Linux kernel's verifier, and accepts
 * the program only if no path can read uninitialised data, access memory out
 * of bounds, pass a helper a wrong argument, leak a reference, or run
 * forever. Rejections are explained in the caller's log buffer with the
 * kernel's kind of messages (`R1 invalid mem access 'scalar'`).
 *
 *	struct bpfrt_verify_stats st = { .sz = sizeof(st) };
 *	struct bpfrt_verify_opts o = { .sz = sizeof(o), .attach = BPFRT_ATTACH_UNSPEC,
 *				       .ctx_size = 64, .log_buf = buf, .log_size = n,
 *				       .stats = &st };
 *	int err = bpfrt_verify(insns, cnt, &o);
 */
#ifndef BPFRT_VERIFIER_H
#define BPFRT_VERIFIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/insn.h"
#include "bpfrt/object.h" /* struct btf */

#ifdef __cplusplus
extern "C" {
#endif

/*
 * What r1 points to at entry follows from the program's attach kind
 * (bpfrt/object.h: BPFRT_ATTACH_UPROBE, _FENTRY, ...) and, for register
 * frames, from the mechanism that will run it. Each has a context table
 * saying which fields exist and which the mechanism genuinely provides;
 * reading a field it cannot provide is rejected with a message saying so
 * (docs/verifier.md lists the tables). BPFRT_ATTACH_UNSPEC is the
 * ubpf/bpf_conformance convention: r1 points to ctx_size bytes of readable
 * and writable memory and r2 holds ctx_size.
 */
enum bpfrt_probe_mech {
	/* int3 probes and perf samples: the full frame from the signal's
	 * ucontext, every pt_regs field genuine. */
	BPFRT_PROBE_INT3 = 0,
	/* a trampoline at a patched function entry: only the argument
	 * registers (di si dx cx r8 r9), sp and ip. */
	BPFRT_PROBE_TRAMPOLINE,
};

/* A map a program refers to with ld_imm64 (src_reg PSEUDO_MAP_FD or
 * PSEUDO_MAP_IDX: imm is the index into bpfrt_verify_opts.maps; the fixups
 * stage later puts the real map there). Fields as the kernel's bpf_attr. */
struct bpfrt_verify_map {
	uint32_t type; /* kernel enum bpf_map_type (1 hash, 2 array, 27 ringbuf, ...) */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t flags; /* BPF_F_RDONLY_PROG (1 << 7) makes the value read-only */
	/* Frozen read-only array maps (.rodata): the value's bytes, so loads
	 * at constant offsets give constants, as in the kernel. May be NULL. */
	const void *frozen_data;
	/* The value's BTF as the loader found it: value_btf says it is known,
	 * spin_lock_off is then the offset of its struct bpf_spin_lock field
	 * (-1: none). bpf_spin_lock needs it, as in the kernel. */
	bool value_btf;
	int32_t spin_lock_off;
	/* A map of maps (array or hash of maps): 1 + the index in maps[] of
	 * the template its inner maps follow, so a lookup gives a map pointer
	 * of that shape (or NULL); 0: not known, lookups are refused. */
	uint32_t inner_map;
};

/* A helper the embedder registered itself (bpfrt_vm__register_helper):
 * takes `nargs` initialised values in r1.., returns a scalar. Overrides the
 * built-in helper table for that id. */
struct bpfrt_verify_helper {
	uint32_t id;
	uint32_t nargs; /* 0..5 */
};

/* A function of the program as its BTF says (.BTF.ext func_info and its
 * BTF_KIND_FUNC). A global (non-static, BTF_FUNC_GLOBAL) function is
 * verified once, on its own, from its signature; each call of it is checked
 * against the signature and returns an unknown scalar, as in the kernel.
 * Functions not listed, or not global, are walked at each call. */
enum bpfrt_verify_arg_kind {
	BPFRT_VARG_SCALAR = 0, /* an integer */
	BPFRT_VARG_CTX,	       /* the program's context */
	BPFRT_VARG_MEM,	       /* pointer to `size` readable and writable bytes, or NULL */
	BPFRT_VARG_MEM_NONNULL, /* the same, never NULL (the parameter's `arg:nonnull` tag) */
	/* `arg:trusted`: a trusted pointer to the struct or union `type`
	 * names in the target BTF (bpfrt_verify_opts.target_btf, the
	 * kernel's vmlinux), never NULL; with `arg:nullable` too: or NULL,
	 * which the function must check. */
	BPFRT_VARG_TRUSTED,
	BPFRT_VARG_TRUSTED_OR_NULL,
	/* `arg:untrusted`: the caller may pass anything; the function reads
	 * `type` of the target BTF through it, fault-safe, or, `type` NULL
	 * (a void or scalar pointee), read-only memory of unknown size. */
	BPFRT_VARG_UNTRUSTED,
	/* `arg:arena`: a scalar (an arena address; bpfrt has no arena
	 * maps), an unknown scalar in the function. */
	BPFRT_VARG_ARENA,
	/* A `struct bpf_dynptr *`: the caller passes an initialised dynptr;
	 * the function uses it as a local one (not initialise or release). */
	BPFRT_VARG_DYNPTR,
	/* A signature the kernel refuses (tags it does not know, or that do
	 * not go together): every call fails with "arg#N <why>". */
	BPFRT_VARG_INVALID,
};

struct bpfrt_verify_func {
	uint32_t insn_idx; /* its first instruction */
	bool global;
	uint32_t nargs;	   /* 0..5 */
	struct bpfrt_verify_arg {
		enum bpfrt_verify_arg_kind kind;
		uint32_t size; /* BPFRT_VARG_MEM */
		/* BPFRT_VARG_TRUSTED*, _UNTRUSTED: the pointee's name (a
		 * `___flavor` suffix is ignored, as in CO-RE) and BTF kind
		 * (BTF_KIND_STRUCT, _UNION, _FWD) in the program's BTF */
		const char *type;
		uint32_t type_kind;
		const char *why; /* BPFRT_VARG_INVALID */
	} args[5];
	const char *name; /* for the log; may be NULL */
};

/* Filled on return (accepted or not) when bpfrt_verify_opts.stats is set. */
struct bpfrt_verify_stats {
	size_t sz;		   /* sizeof(struct bpfrt_verify_stats), set by the caller */
	uint64_t insns_processed; /* instructions walked over all paths */
	uint32_t total_states;	   /* states stored for pruning */
	uint32_t peak_states;
	uint32_t max_stack_depth;  /* deepest call chain's stack, bytes */
	uint64_t time_ns;
	bool widened;		   /* accepted only thanks to loop widening */
	/* raw_tp.w programs: the bytes of the tracepoint's writable buffer
	 * the program accesses, at most (the kernel's max_tp_access, which it
	 * checks against the tracepoint's writable size at attach). */
	uint32_t max_tp_access;
};

/* The most a tracepoint record holds (the kernel's PERF_MAX_TRACE_SIZE:
 * 8192 in Linux 6.18, 2048 in older kernels), the bytes its programs may
 * read when its size is not known. */
#define BPFRT_TP_RECORD_MAX 8192

struct bpfrt_verify_opts {
	size_t sz; /* sizeof(struct bpfrt_verify_opts) */
	enum bpfrt_attach_kind attach;	/* default UNSPEC: raw memory context */
	enum bpfrt_probe_mech probe_mech; /* register-frame kinds: who fills pt_regs */
	/* UNSPEC: context bytes. TRACEPOINT: the size of the event's record
	 * (bpfrt_tp_format_record_size() of its tracefs format); programs read
	 * [8, ctx_size) of it. 0: not known, the kernel's [8, 8192). */
	uint32_t ctx_size;
	uint32_t nr_args;  /* FENTRY/FEXIT/RAW_TP: argument count (default 6) */
	const struct bpfrt_verify_map *maps;
	size_t map_cnt;
	const struct bpfrt_verify_helper *helpers;
	size_t helper_cnt;
	bool gpl; /* GPL-compatible licence: GPL-only helpers allowed */
	/*
	 * Mirror the kernel: a 1 million instruction budget walking loops
	 * iteration by iteration, no widening, constant shifts past the width,
	 * unreachable instructions and callx rejected. Off by default: bpfrt
	 * then retries a program that exhausts the budget with loop-carried
	 * scalars widened at loop heads (sound; see docs/verifier.md).
	 */
	bool kernel_compat;
	/* The log: level 1 explains a rejection (the path to it with register
	 * states), level 2 prints every instruction's state. Always NUL-
	 * terminated when log_size > 0; truncated logs end in "...". */
	uint32_t log_level;
	char *log_buf;
	size_t log_size;
	struct bpfrt_verify_stats *stats; /* optional */
	/* BTF signatures of the program's functions (global ones are
	 * verified once, from their signature); optional. */
	const struct bpfrt_verify_func *funcs;
	size_t func_cnt;
	/* .BTF.ext line info of the program (bpfrt_program__line_info), in
	 * instruction order; optional. The log then shows the source line
	 * before the instruction a rejection happens at, as the kernel does
	 * ("; if (x > 5) @ prog.bpf.c:12"), and at level 2 whenever the walk
	 * reaches another line. */
	const struct bpfrt_line_info *line_info;
	size_t line_info_cnt;
	/*
	 * FENTRY/FEXIT/FMOD_RET/FSESSION: the traced function's types, as
	 * the kernel takes them from vmlinux BTF. target_btf holds them
	 * (libbpf's handle: from the target's .BTF with btf__parse_elf(),
	 * raw bytes with btf__new(), or built with btf__add_*() from DWARF);
	 * the function is target_func_id (a BTF_KIND_FUNC or FUNC_PROTO) or,
	 * when 0, the BTF_KIND_FUNC named target_func. Each argument that
	 * is a pointer to a struct or union then loads from the context as
	 * a BTF-typed pointer (`ptr_NAME`) whose fields the program may read
	 * directly, the loads made fault-safe (a bad address reads 0), as
	 * the kernel's BPF_PROBE_MEM; fexit's return value likewise. nr_args
	 * defaults to the prototype's parameter count. Without target_btf
	 * arguments are scalars (read pointers with bpf_probe_read_*).
	 * target_btf must outlive the call only.
	 */
	const struct btf *target_btf;
	const char *target_func;
	uint32_t target_func_id;
	/* The kernel's enum bpf_attach_type of the program
	 * (bpfrt_program__expected_attach_type), where the kind's rules
	 * depend on it: a cgroup_skb program on BPF_CGROUP_INET_EGRESS may
	 * return 0..3, on ingress 0..1. */
	uint32_t expected_attach_type;
	/* The kernel's enum bpf_prog_type (bpfrt_program__type), where it
	 * says more than the attach kind: BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE
	 * (raw_tp.w) makes a raw_tp program's argument 0 a pointer to the
	 * tracepoint's writable buffer. 0: not given. */
	uint32_t prog_type;
};

/* Verifies `cnt` instruction slots. 0: accepted. -EINVAL: rejected (the log
 * says where and why), -E2BIG: too complex (budget exhausted) or too large,
 * -ENOMEM. Never crashes on any input; thread-safe (no global state). */
BPFRT_API int bpfrt_verify(const struct bpfrt_insn *insns, size_t cnt,
			   const struct bpfrt_verify_opts *opts);

#ifdef __cplusplus
}
#endif
#endif /* BPFRT_VERIFIER_H */
