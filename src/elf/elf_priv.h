/* SPDX-License-Identifier: MIT */
/*
 * The ELF loader's internals: the object and program handles, and the
 * loader state that lives only while an object is being opened.
 *
 * Opening runs in passes, one file each: object.c reads the ELF (sections,
 * symbols, license, BTF), maps.c builds map specs (.maps, `maps`, global
 * data), btf_ext.c parses .BTF.ext, reloc.c collects relocations and
 * assembles each program with its subprograms, sec_def.c reads section
 * names. Every pass checks what it reads against the section it came from
 * and stops at the first problem with one message naming the section and
 * offset (elf_fail).
 */
#ifndef BPFRT_ELF_PRIV_H
#define BPFRT_ELF_PRIV_H

#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/object.h"

struct btf;

struct bpfrt_program {
	char *name;
	char *section;
	enum bpfrt_attach_kind kind;
	struct bpfrt_attach_target target;
	char *target_buf; /* storage for target's strings */
	uint32_t prog_type;
	uint32_t attach_type;
	bool sleepable;
	struct bpfrt_insn *insns;
	size_t insn_cnt, main_cnt;
	struct bpfrt_func_info *func_info;
	size_t func_info_cnt;
	struct bpfrt_line_info *line_info;
	size_t line_info_cnt;
	struct bpfrt_kfunc_call *kfuncs;
	size_t kfunc_cnt;
	struct bpfrt_core_relo *core;
	size_t core_cnt;
};

struct bpfrt_object {
	char *name;
	char *license;
	uint32_t kversion;
	struct btf *btf;
	struct bpfrt_program *progs;
	size_t prog_cnt;
	struct bpfrt_map_spec *maps;
	size_t map_cnt;
};

/* What a section is to the loader. */
enum elf_sec_kind {
	SEC_OTHER = 0, /* ignored (DWARF, .llvm_addrsig, ...) */
	SEC_PROG,      /* executable, not .text: programs */
	SEC_TEXT,      /* .text: subprograms */
	SEC_MAPS,      /* .maps: BTF-defined maps */
	SEC_LEGACY_MAPS,
	SEC_DATA,
	SEC_RODATA,
	SEC_BSS,
	SEC_LICENSE,
	SEC_VERSION,
	SEC_BTF,
	SEC_BTF_EXT,
	SEC_REL,
	SEC_SYMTAB,
};

/* One relocation of an instruction, in its section's instruction indexes. */
enum elf_reloc_type {
	RELO_MAP,	/* ld_imm64 of a map: PSEUDO_MAP_IDX */
	RELO_DATA,	/* ld_imm64 into global data: PSEUDO_MAP_IDX_VALUE */
	RELO_CALL,	/* call of a .text function */
	RELO_FUNC_ADDR, /* ld_imm64 of a .text function: PSEUDO_FUNC */
	RELO_KFUNC,	/* call of an extern __ksym function */
};

struct elf_reloc {
	uint32_t insn_idx;
	enum elf_reloc_type type;
	uint32_t map_idx;     /* MAP, DATA */
	uint32_t data_off;    /* DATA: offset into the value */
	uint32_t target_idx;  /* CALL, FUNC_ADDR: .text insn index */
	const char *sym_name; /* KFUNC */
	uint64_t rel_off;     /* where in the .rel section, for messages */
};

/* .BTF.ext records of one kind for one section, in bytes as in the file. */
struct elf_ext_sec {
	const char *sec_name;
	const uint8_t *recs;
	uint32_t cnt;
};

struct elf_ext_info {
	uint32_t rec_size;
	struct elf_ext_sec *secs;
	size_t sec_cnt;
	uint64_t base; /* offset of the first record block in .BTF.ext */
};

struct elf_sec {
	const char *name;
	GElf_Shdr shdr;
	enum elf_sec_kind kind;
	const uint8_t *data; /* NULL for NOBITS */
	size_t size;
	int map_idx;	     /* global data: its map, else -1 */
	struct elf_reloc *relos; /* SEC_PROG/SEC_TEXT: sorted by insn_idx */
	size_t relo_cnt;
};

/* A function symbol inside an executable section (a program or a subprogram). */
struct elf_func {
	const char *name;
	size_t shndx;
	uint32_t start, cnt; /* in instruction slots */
};

struct elf_loader {
	struct bpfrt_object *obj;
	Elf *elf;
	size_t size; /* of the ELF image */
	char *log;
	size_t log_size;
	bool failed;

	struct elf_sec *secs;
	size_t sec_cnt;
	size_t symtab_idx, strtab_idx, text_idx, maps_idx, legacy_maps_idx;
	size_t btf_idx, btf_ext_idx;
	Elf_Data *symdata;
	size_t sym_cnt;

	struct elf_func *funcs; /* all function symbols, by (shndx, start) */
	size_t func_cnt;

	struct elf_ext_info func_info, line_info, core_relo;
	uint32_t btf_ext_hdr_len;
	/* map specs of .maps and `maps`: where their symbols are */
	size_t *map_shndx;
	uint64_t *map_off;
	uint32_t *map_size;	 /* of each definition */
	int64_t *map_values_off; /* of its `values` member, or -1 */
};

/* Writes "section 'NAME' offset 0xOFF: message" (or without the offset
 * when off is (uint64_t)-1, or without the section when shndx is
 * (size_t)-1) into the log; only the first failure is kept. Returns err. */
int elf_fail(struct elf_loader *l, int err, size_t shndx, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
#define ELF_NO_OFF ((uint64_t)-1)
#define ELF_NO_SEC ((size_t)-1)

/* Symbol `idx` of .symtab, with its name (never NULL). -EINVAL with a
 * message naming `ref_shndx`/`ref_off` when out of range. */
int elf_symbol(struct elf_loader *l, size_t idx, GElf_Sym *sym, const char **name,
	       size_t ref_shndx, uint64_t ref_off);

/* maps.c */
int elf_collect_maps(struct elf_loader *l);
/* The map defined at (shndx, off) in .maps or `maps`, or -1. */
int elf_map_at(const struct elf_loader *l, size_t shndx, uint64_t off);
/* .rel.maps (rel section `ri`): maps of maps' initial values. */
int elf_collect_map_relos(struct elf_loader *l, size_t ri);

/* btf_ext.c */
int elf_parse_btf_ext(struct elf_loader *l);
/* The records of `info` for section `name`, or NULL. */
const struct elf_ext_sec *elf_ext_find(const struct elf_ext_info *info, const char *name);

/* reloc.c */
int elf_collect_relos(struct elf_loader *l);
/* The index (in bpfrt_object__prog order) of the program whose function
 * starts at (shndx, off), or -1; valid once the relocations' pass has
 * collected the functions. */
int elf_prog_at(const struct elf_loader *l, size_t shndx, uint64_t off);
int elf_build_programs(struct elf_loader *l);

/* sec_def.c: fills kind, target, types and sleepable from prog->section.
 * -ENOMEM, or 0 (unknown names get BPFRT_ATTACH_UNSPEC). */
int elf_sec_def_apply(struct bpfrt_program *prog);
bool elf_sec_is_data(const char *name, enum elf_sec_kind *kind);

#endif /* BPFRT_ELF_PRIV_H */
