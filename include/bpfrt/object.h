/* SPDX-License-Identifier: MIT */
/*
 * bpfrt/object.h — BPF ELF objects as clang and libbpf users write them.
 *
 * Opens an object built with `clang -O2 -g -target bpf` and turns it into
 * programs and map specifications, the way libbpf's bpf_object__open does:
 *
 *   - every executable section named the libbpf way (SEC("uprobe/..."),
 *     SEC("fentry/..."), SEC("xdp"), ...) holds one program per function
 *     symbol; the section name gives the attach kind and target;
 *   - .text holds subprograms; each program gets a copy of every subprogram
 *     it calls (directly or through others) appended after its own code, and
 *     the call's imm is fixed to the new relative offset (also for ld_imm64
 *     of a function, BPFRT_PSEUDO_FUNC, used for callbacks);
 *   - an ld_imm64 of a map becomes src_reg = BPFRT_PSEUDO_MAP_IDX with
 *     imm = the map's index in the object; an ld_imm64 of global data
 *     becomes src_reg = BPFRT_PSEUDO_MAP_IDX_VALUE, imm = map index and the
 *     second slot's imm = the offset into the value;
 *   - .data, .rodata, .bss, .data.* and .rodata.* are single-entry array
 *     maps whose value is the section; .rodata* maps are read-only for the
 *     program (BPF_F_RDONLY_PROG) and frozen, as libbpf makes them;
 *   - BTF-defined maps in .maps and legacy struct bpf_map_def in `maps`;
 *   - a call to `extern ... __ksym` function becomes a call with
 *     src_reg = BPFRT_PSEUDO_KFUNC_CALL and imm = 0, and the kfunc's name is
 *     recorded for the call site (the fixups stage resolves it);
 *   - .BTF.ext function and line info and CO-RE relocations are kept per
 *     program, in the program's own instruction indexes.
 *
 * CO-RE relocations are recorded, not applied: the instructions keep the
 * offsets and sizes clang computed from the object's own BTF, which are the
 * right ones when the target is the same user-space type (resolution
 * against another target BTF is for a later stage).
 *
 * Everything returned by the accessors belongs to the object and lives until
 * bpfrt_object__close(). Map type ids are the kernel's (enum bpf_map_type);
 * bpfrt/map.h names them.
 */
#ifndef BPFRT_OBJECT_H
#define BPFRT_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/insn.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bpfrt_object;  /* an opened ELF object: its programs and map specs */
struct bpfrt_program; /* one program of an object, relocated */
struct btf;	      /* libbpf's BTF handle (bpf/btf.h) */

struct bpfrt_object_opts {
	size_t sz;	  /* sizeof(struct bpfrt_object_opts) */
	const char *name; /* object name for messages; default: file name */
	char *log_buf;	  /* on failure: one line naming the section and offset */
	size_t log_size;
};

/* Opens the ELF object at `path`, or the `size` bytes at `buf` (copied; the
 * caller may free it afterwards). NULL + errno on failure: EINVAL (malformed
 * object; the log names the section and offset), ENOTSUP (a feature bpfrt
 * does not load, e.g. extern variables), ENOMEM, or the open error. */
BPFRT_API struct bpfrt_object *bpfrt_object__open_file(const char *path,
						       const struct bpfrt_object_opts *opts);
BPFRT_API struct bpfrt_object *bpfrt_object__open_mem(const void *buf, size_t size,
						      const struct bpfrt_object_opts *opts);
/* Frees the object and everything it handed out. NULL is a no-op. */
BPFRT_API void bpfrt_object__close(struct bpfrt_object *obj);

BPFRT_API const char *bpfrt_object__name(const struct bpfrt_object *obj);
/* The `license` section's string ("" when absent). */
BPFRT_API const char *bpfrt_object__license(const struct bpfrt_object *obj);
/* The `version` section's value (0 when absent). */
BPFRT_API uint32_t bpfrt_object__kversion(const struct bpfrt_object *obj);
/* The object's .BTF, or NULL when it has none. Owned by the object. */
BPFRT_API const struct btf *bpfrt_object__btf(const struct bpfrt_object *obj);

/* --- programs ----------------------------------------------------------- */

/* What a section name says a program attaches to (libbpf's SEC() names). */
enum bpfrt_attach_kind {
	BPFRT_ATTACH_UNSPEC = 0,
	BPFRT_ATTACH_UPROBE,	      /* uprobe[.s]/BINARY:FUNC[+OFF] */
	BPFRT_ATTACH_URETPROBE,	      /* uretprobe[.s]/BINARY:FUNC */
	BPFRT_ATTACH_UPROBE_MULTI,    /* uprobe.multi[.s]/BINARY:PATTERN */
	BPFRT_ATTACH_URETPROBE_MULTI, /* uretprobe.multi[.s]/BINARY:PATTERN */
	BPFRT_ATTACH_UPROBE_SESSION,  /* uprobe.session[.s]/BINARY:PATTERN */
	BPFRT_ATTACH_USDT,	      /* usdt[.s]/BINARY:PROVIDER:NAME */
	BPFRT_ATTACH_KPROBE,	      /* kprobe/FUNC[+OFF] */
	BPFRT_ATTACH_KRETPROBE,	      /* kretprobe/FUNC */
	BPFRT_ATTACH_KPROBE_MULTI,    /* kprobe.multi/PATTERN */
	BPFRT_ATTACH_KRETPROBE_MULTI, /* kretprobe.multi/PATTERN */
	BPFRT_ATTACH_KPROBE_SESSION,  /* kprobe.session/PATTERN */
	BPFRT_ATTACH_FENTRY,	      /* fentry[.s]/FUNC */
	BPFRT_ATTACH_FEXIT,	      /* fexit[.s]/FUNC */
	BPFRT_ATTACH_FSESSION,	      /* fsession[.s]/FUNC */
	BPFRT_ATTACH_FMOD_RET,	      /* fmod_ret[.s]/FUNC */
	BPFRT_ATTACH_TRACEPOINT,      /* tracepoint/CATEGORY/NAME, tp/... */
	BPFRT_ATTACH_RAW_TP,	      /* raw_tp/NAME, raw_tracepoint/NAME, tp_btf/NAME */
	BPFRT_ATTACH_PERF_EVENT,      /* perf_event */
	BPFRT_ATTACH_SOCKET,	      /* socket */
	BPFRT_ATTACH_XDP,	      /* xdp[.frags] */
	BPFRT_ATTACH_TC,	      /* tc, tcx/ingress, classifier, action, ... */
	BPFRT_ATTACH_CGROUP_SKB,      /* cgroup_skb/ingress, cgroup_skb/egress, cgroup/skb */
	BPFRT_ATTACH_CGROUP,	      /* cgroup/... (sock, sock_addr, sysctl, ...) */
	BPFRT_ATTACH_OTHER,	      /* a known kernel-only kind (lsm, iter, struct_ops, ...) */
	BPFRT_ATTACH_KIND_COUNT
};

/* The attach target parsed from the section name. Absent parts are NULL
 * (strings) or 0. E.g. "uprobe//usr/bin/x:main+4": binary "/usr/bin/x",
 * func "main", offset 4; "usdt/x:prov:name": binary, provider, name;
 * "tracepoint/syscalls/sys_enter_write": category "syscalls", name
 * "sys_enter_write"; "fentry/f" and "kprobe/f+8": func (and offset). */
struct bpfrt_attach_target {
	const char *raw; /* the part after the prefix and '/', or NULL */
	const char *binary;
	const char *func;
	uint64_t offset;
	const char *provider;
	const char *category;
	const char *name;
};

/* A .BTF.ext record, in the program's instruction indexes (slots). */
struct bpfrt_func_info {
	uint32_t insn_idx;
	uint32_t type_id;  /* BTF_KIND_FUNC in the object's BTF */
	const char *name;  /* that function's name */
};

struct bpfrt_line_info {
	uint32_t insn_idx;
	const char *file;  /* source file name */
	const char *line;  /* the source line's text ("" if unknown) */
	uint32_t line_num;
	uint32_t col;
};

/* A call to a kfunc declared `extern ... __ksym`: the insn has
 * src_reg = BPFRT_PSEUDO_KFUNC_CALL, imm = 0. */
struct bpfrt_kfunc_call {
	uint32_t insn_idx;
	const char *name;
	uint32_t btf_id; /* the extern's BTF_KIND_FUNC in the object's BTF, 0 if none */
};

/* A CO-RE relocation (struct bpf_core_relo), recorded, not applied. */
struct bpfrt_core_relo {
	uint32_t insn_idx;
	uint32_t type_id;	/* root type in the object's BTF */
	const char *access_str; /* "0:1:2" access spec */
	uint32_t kind;		/* enum bpf_core_relo_kind */
};

BPFRT_API size_t bpfrt_object__prog_cnt(const struct bpfrt_object *obj);
/* The idx-th program in section order, or NULL (errno ENOENT). */
BPFRT_API struct bpfrt_program *bpfrt_object__prog(const struct bpfrt_object *obj, size_t idx);
/* The program named `name`, or NULL (errno ENOENT). */
BPFRT_API struct bpfrt_program *bpfrt_object__find_prog(const struct bpfrt_object *obj,
							const char *name);

BPFRT_API const char *bpfrt_program__name(const struct bpfrt_program *prog);
BPFRT_API const char *bpfrt_program__section(const struct bpfrt_program *prog);
BPFRT_API enum bpfrt_attach_kind bpfrt_program__attach_kind(const struct bpfrt_program *prog);
/* The kind's name as in section names ("uprobe", "xdp", ...). */
BPFRT_API const char *bpfrt_attach_kind_name(enum bpfrt_attach_kind kind);
BPFRT_API const struct bpfrt_attach_target *
bpfrt_program__attach_target(const struct bpfrt_program *prog);
/* The kernel's enum bpf_prog_type and enum bpf_attach_type for the section
 * (0 when the kernel has none). */
BPFRT_API uint32_t bpfrt_program__type(const struct bpfrt_program *prog);
BPFRT_API uint32_t bpfrt_program__expected_attach_type(const struct bpfrt_program *prog);
/* Sleepable (a ".s" section such as "uprobe.s/..."). */
BPFRT_API bool bpfrt_program__sleepable(const struct bpfrt_program *prog);

/* The relocated instructions: the program, then the subprograms it calls. */
BPFRT_API const struct bpfrt_insn *bpfrt_program__insns(const struct bpfrt_program *prog);
BPFRT_API size_t bpfrt_program__insn_cnt(const struct bpfrt_program *prog);
/* Slots that belong to the program itself; subprograms follow. */
BPFRT_API size_t bpfrt_program__main_insn_cnt(const struct bpfrt_program *prog);

BPFRT_API const struct bpfrt_func_info *bpfrt_program__func_info(const struct bpfrt_program *prog,
								 size_t *cnt);
BPFRT_API const struct bpfrt_line_info *bpfrt_program__line_info(const struct bpfrt_program *prog,
								 size_t *cnt);
/* The line info covering instruction `insn_idx` (the last record at or
 * before it within the same function), or NULL. */
BPFRT_API const struct bpfrt_line_info *bpfrt_program__line_at(const struct bpfrt_program *prog,
							       uint32_t insn_idx);
BPFRT_API const struct bpfrt_kfunc_call *
bpfrt_program__kfunc_calls(const struct bpfrt_program *prog, size_t *cnt);
BPFRT_API const struct bpfrt_core_relo *bpfrt_program__core_relos(const struct bpfrt_program *prog,
								  size_t *cnt);

/* --- maps --------------------------------------------------------------- */

enum bpfrt_map_origin {
	BPFRT_MAP_BTF = 0,   /* BTF-defined, in .maps */
	BPFRT_MAP_LEGACY,    /* struct bpf_map_def in `maps` */
	BPFRT_MAP_DATA,	     /* global data: .data, .data.* */
	BPFRT_MAP_RODATA,    /* global data: .rodata, .rodata.* */
	BPFRT_MAP_BSS,	     /* global data: .bss */
};

/* A map as the object describes it. Fields may be appended in later
 * versions; the struct is always allocated by the object. */
struct bpfrt_map_spec {
	const char *name;	/* symbol name, or the section name for global data */
	enum bpfrt_map_origin origin;
	uint32_t type;		/* kernel enum bpf_map_type (BPF_MAP_TYPE_HASH = 1, ...) */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;	/* BPF_F_* as written; global data: MMAPABLE (+ RDONLY_PROG) */
	uint64_t map_extra;
	uint32_t numa_node;
	uint32_t pinning;	/* noted, ignored */
	uint32_t btf_key_type_id;   /* 0 when not given as a type */
	uint32_t btf_value_type_id; /* global data: the DATASEC */
	bool frozen;		/* .rodata: user space cannot write after load */
	int32_t inner_map_idx;	/* map of maps: index of its inner map template (BTF: the
				 * "OUTER.inner" spec; legacy: inner_map_idx), else -1 */
	const void *init_data;	/* global data: initial value (NULL: zeroes) */
	size_t init_size;
	/* Map of maps and prog array: initial values (`.values = { [i] =
	 * &map }`, `{ [i] = &prog }`): init_slots[i] is the index of the map
	 * (bpfrt_object__map) or the program (bpfrt_object__prog) to put at
	 * key i, or -1. */
	const int32_t *init_slots;
	uint32_t init_slot_cnt;
};

BPFRT_API size_t bpfrt_object__map_cnt(const struct bpfrt_object *obj);
/* The idx-th map: .maps in order, legacy maps, then global data sections;
 * inner map specs of map-in-map definitions come last and have a name
 * "OUTER.inner". NULL (errno ENOENT) when out of range. */
BPFRT_API const struct bpfrt_map_spec *bpfrt_object__map(const struct bpfrt_object *obj,
							 size_t idx);
/* The index of the map named `name`, or -ENOENT. */
BPFRT_API int bpfrt_object__find_map(const struct bpfrt_object *obj, const char *name);

#ifdef __cplusplus
}
#endif
#endif /* BPFRT_OBJECT_H */
