/* SPDX-License-Identifier: MIT */
/*
 * Opening an object: the ELF header, the section table, the symbol table,
 * license, version and .BTF, then the other passes (maps, .BTF.ext,
 * relocations, programs), and the accessors of the handles.
 *
 * The input is copied and parsed with libelf (elf_memory); everything the
 * object keeps is copied out of it, so the ELF image is released when
 * opening ends.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_priv.h"
#include "util/opts.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

int elf_fail(struct elf_loader *l, int err, size_t shndx, uint64_t off, const char *fmt, ...)
{
	if (l->failed || !l->log || !l->log_size) {
		l->failed = true;
		return err;
	}
	l->failed = true;
	size_t n = 0;
	int w = 0;
	if (shndx != ELF_NO_SEC) {
		const char *name = shndx < l->sec_cnt && l->secs[shndx].name ? l->secs[shndx].name : NULL;
		if (name)
			w = snprintf(l->log, l->log_size, "section '%s'", name);
		else
			w = snprintf(l->log, l->log_size, "section #%zu", shndx);
		if (w > 0)
			n = (size_t)w < l->log_size ? (size_t)w : l->log_size - 1;
		if (off != ELF_NO_OFF && n < l->log_size) {
			w = snprintf(l->log + n, l->log_size - n, " offset %#llx",
				     (unsigned long long)off);
			if (w > 0)
				n += (size_t)w < l->log_size - n ? (size_t)w : l->log_size - n - 1;
		}
		if (n < l->log_size) {
			w = snprintf(l->log + n, l->log_size - n, ": ");
			if (w > 0)
				n += (size_t)w < l->log_size - n ? (size_t)w : l->log_size - n - 1;
		}
	}
	if (n < l->log_size) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(l->log + n, l->log_size - n, fmt, ap);
		va_end(ap);
	}
	/* names come from the file: keep the message one printable line */
	for (char *c = l->log; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return err;
}

int elf_symbol(struct elf_loader *l, size_t idx, GElf_Sym *sym, const char **name,
	       size_t ref_shndx, uint64_t ref_off)
{
	if (!l->symdata || idx >= l->sym_cnt || !gelf_getsym(l->symdata, (int)idx, sym))
		return elf_fail(l, -EINVAL, ref_shndx, ref_off, "symbol index %zu out of range (%zu symbols)",
				idx, l->sym_cnt);
	const char *s = elf_strptr(l->elf, l->strtab_idx, sym->st_name);
	if (!s)
		return elf_fail(l, -EINVAL, ref_shndx, ref_off, "symbol %zu has a bad name offset %u", idx,
				sym->st_name);
	/* Section symbols are nameless; use the section's name. */
	if (!*s && GELF_ST_TYPE(sym->st_info) == STT_SECTION && sym->st_shndx < l->sec_cnt &&
	    l->secs[sym->st_shndx].name)
		s = l->secs[sym->st_shndx].name;
	*name = s;
	return 0;
}

static int read_sections(struct elf_loader *l)
{
	size_t shstrndx;
	if (elf_getshdrnum(l->elf, &l->sec_cnt) || elf_getshdrstrndx(l->elf, &shstrndx))
		return elf_fail(l, -EINVAL, ELF_NO_SEC, 0, "bad section header table: %s",
				elf_errmsg(-1));
	l->secs = calloc(l->sec_cnt ? l->sec_cnt : 1, sizeof(*l->secs));
	if (!l->secs)
		return -ENOMEM;
	l->symtab_idx = l->text_idx = l->maps_idx = l->legacy_maps_idx = l->btf_idx =
		l->btf_ext_idx = 0;
	for (size_t i = 1; i < l->sec_cnt; i++) {
		struct elf_sec *s = &l->secs[i];
		s->map_idx = -1;
		Elf_Scn *scn = elf_getscn(l->elf, i);
		if (!scn || !gelf_getshdr(scn, &s->shdr))
			return elf_fail(l, -EINVAL, i, ELF_NO_OFF, "bad section header: %s", elf_errmsg(-1));
		s->name = elf_strptr(l->elf, shstrndx, s->shdr.sh_name);
		if (!s->name)
			return elf_fail(l, -EINVAL, i, ELF_NO_OFF, "bad section name offset %u",
					s->shdr.sh_name);
	}
	for (size_t i = 1; i < l->sec_cnt; i++) {
		struct elf_sec *s = &l->secs[i];
		const GElf_Shdr *sh = &s->shdr;
		enum elf_sec_kind data_kind;
		if (sh->sh_type == SHT_SYMTAB) {
			if (l->symtab_idx)
				return elf_fail(l, -EINVAL, i, ELF_NO_OFF, "more than one symbol table");
			s->kind = SEC_SYMTAB;
			l->symtab_idx = i;
		} else if (sh->sh_type == SHT_REL) {
			s->kind = SEC_REL;
		} else if (sh->sh_type == SHT_RELA) {
			return elf_fail(l, -EINVAL, i, ELF_NO_OFF, "RELA relocations are not used by BPF");
		} else if (sh->sh_type == SHT_PROGBITS && (sh->sh_flags & SHF_EXECINSTR)) {
			s->kind = strcmp(s->name, ".text") ? SEC_PROG : SEC_TEXT;
			if (s->kind == SEC_TEXT)
				l->text_idx = i;
		} else if (!strcmp(s->name, ".maps")) {
			s->kind = SEC_MAPS;
			l->maps_idx = i;
		} else if (!strcmp(s->name, "maps")) {
			s->kind = SEC_LEGACY_MAPS;
			l->legacy_maps_idx = i;
		} else if (!strcmp(s->name, "license")) {
			s->kind = SEC_LICENSE;
		} else if (!strcmp(s->name, "version")) {
			s->kind = SEC_VERSION;
		} else if (!strcmp(s->name, ".BTF")) {
			s->kind = SEC_BTF;
			l->btf_idx = i;
		} else if (!strcmp(s->name, ".BTF.ext")) {
			s->kind = SEC_BTF_EXT;
			l->btf_ext_idx = i;
		} else if ((sh->sh_flags & SHF_ALLOC) &&
			   (sh->sh_type == SHT_PROGBITS || sh->sh_type == SHT_NOBITS) &&
			   elf_sec_is_data(s->name, &data_kind)) {
			s->kind = sh->sh_type == SHT_NOBITS ? SEC_BSS : data_kind;
		}
		if (s->kind == SEC_OTHER)
			continue;
		if (sh->sh_type == SHT_NOBITS) {
			s->size = sh->sh_size;
			continue;
		}
		Elf_Data *d = elf_getdata(elf_getscn(l->elf, i), NULL);
		if (!d || d->d_size != sh->sh_size || (sh->sh_size && !d->d_buf))
			return elf_fail(l, -EINVAL, i, ELF_NO_OFF,
					"section data (%#llx bytes at %#llx) lies outside the file",
					(unsigned long long)sh->sh_size,
					(unsigned long long)sh->sh_offset);
		s->data = d->d_buf;
		s->size = d->d_size;
		if (s->kind == SEC_SYMTAB)
			l->symdata = d;
	}
	if (!l->symtab_idx)
		return elf_fail(l, -EINVAL, ELF_NO_SEC, 0, "the object has no symbol table");
	const GElf_Shdr *st = &l->secs[l->symtab_idx].shdr;
	if (st->sh_link == 0 || st->sh_link >= l->sec_cnt ||
	    l->secs[st->sh_link].shdr.sh_type != SHT_STRTAB)
		return elf_fail(l, -EINVAL, l->symtab_idx, ELF_NO_OFF,
				"string table link %u is not a string table", st->sh_link);
	l->strtab_idx = st->sh_link;
	if (st->sh_entsize != sizeof(Elf64_Sym))
		return elf_fail(l, -EINVAL, l->symtab_idx, ELF_NO_OFF, "bad symbol entry size %llu",
				(unsigned long long)st->sh_entsize);
	l->sym_cnt = l->secs[l->symtab_idx].size / sizeof(Elf64_Sym);
	return 0;
}

static int read_license_version(struct elf_loader *l)
{
	struct bpfrt_object *obj = l->obj;
	for (size_t i = 1; i < l->sec_cnt; i++) {
		const struct elf_sec *s = &l->secs[i];
		if (s->kind == SEC_LICENSE) {
			size_t n = s->data ? strnlen((const char *)s->data, s->size) : 0;
			if (n == s->size && n)
				return elf_fail(l, -EINVAL, i, n, "license string is not NUL-terminated");
			free(obj->license);
			obj->license = strndup(s->data ? (const char *)s->data : "", n);
			if (!obj->license)
				return -ENOMEM;
		} else if (s->kind == SEC_VERSION) {
			if (s->size != sizeof(uint32_t) || !s->data)
				return elf_fail(l, -EINVAL, i, ELF_NO_OFF,
						"version section has %zu bytes, expected 4", s->size);
			memcpy(&obj->kversion, s->data, sizeof(uint32_t));
		}
	}
	if (!obj->license && !(obj->license = strdup("")))
		return -ENOMEM;
	return 0;
}

/* libbpf reports why BTF is bad through its print callback, which by
 * default writes to stderr. While we parse, a callback of ours keeps the
 * last warning for our message instead; the mutex keeps concurrent opens
 * from restoring each other's callback. */
static pthread_mutex_t btf_print_lock = PTHREAD_MUTEX_INITIALIZER;
static char btf_print_msg[160];

static int btf_print_capture(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN) {
		vsnprintf(btf_print_msg, sizeof(btf_print_msg), fmt, ap);
		btf_print_msg[strcspn(btf_print_msg, "\n")] = 0;
	}
	return 0;
}

static int read_btf(struct elf_loader *l)
{
	if (!l->btf_idx)
		return 0;
	const struct elf_sec *s = &l->secs[l->btf_idx];
	if (s->size > UINT32_MAX || !s->data)
		return elf_fail(l, -EINVAL, l->btf_idx, ELF_NO_OFF, "invalid BTF (%zu bytes)", s->size);
	pthread_mutex_lock(&btf_print_lock);
	btf_print_msg[0] = 0;
	libbpf_print_fn_t old = libbpf_set_print(btf_print_capture);
	struct btf *btf = btf__new(s->data, (uint32_t)s->size);
	int err = btf ? 0 : errno;
	libbpf_set_print(old);
	char why[sizeof(btf_print_msg)];
	const char *msg = btf_print_msg;
	if (!strncmp(msg, "libbpf: ", 8))
		msg += 8;
	snprintf(why, sizeof(why), "%s", *msg ? msg : strerror(err ? err : EINVAL));
	pthread_mutex_unlock(&btf_print_lock);
	if (!btf)
		return elf_fail(l, -EINVAL, l->btf_idx, ELF_NO_OFF, "invalid BTF (libbpf: %s)", why);
	l->obj->btf = btf;
	return 0;
}

static int check_header(struct elf_loader *l)
{
	GElf_Ehdr eh;
	if (elf_kind(l->elf) != ELF_K_ELF || !gelf_getehdr(l->elf, &eh))
		return elf_fail(l, -EINVAL, ELF_NO_SEC, 0, "not an ELF object");
	if (eh.e_ident[EI_CLASS] != ELFCLASS64)
		return elf_fail(l, -EINVAL, ELF_NO_SEC, 0, "not a 64-bit ELF object");
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return elf_fail(l, -EINVAL, ELF_NO_SEC, 0,
				"big-endian BPF objects are not supported on this host");
	if (eh.e_machine != EM_BPF)
		return elf_fail(l, -EINVAL, ELF_NO_SEC, 0, "not a BPF object (e_machine %u)", eh.e_machine);
	if (eh.e_type != ET_REL)
		return elf_fail(l, -EINVAL, ELF_NO_SEC, 0, "not a relocatable object (e_type %u)", eh.e_type);
	size_t shnum;
	if (elf_getshdrnum(l->elf, &shnum) || eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    eh.e_shoff > l->size || shnum > (l->size - eh.e_shoff) / sizeof(Elf64_Shdr))
		return elf_fail(l, -EINVAL, ELF_NO_SEC, 0,
				"section header table (at %#llx) lies outside the file (%zu bytes)",
				(unsigned long long)eh.e_shoff, l->size);
	return 0;
}

static void free_program(struct bpfrt_program *p)
{
	free(p->name);
	free(p->section);
	free(p->target_buf);
	free(p->insns);
	free(p->func_info);
	free(p->line_info);
	for (size_t i = 0; i < p->kfunc_cnt; i++)
		free((char *)p->kfuncs[i].name);
	free(p->kfuncs);
	free(p->core);
}

void bpfrt_object__close(struct bpfrt_object *obj)
{
	if (!obj)
		return;
	for (size_t i = 0; i < obj->prog_cnt; i++)
		free_program(&obj->progs[i]);
	free(obj->progs);
	for (size_t i = 0; i < obj->map_cnt; i++) {
		free((char *)obj->maps[i].name);
		free((void *)obj->maps[i].init_data);
		free((void *)obj->maps[i].init_slots);
	}
	free(obj->maps);
	btf__free(obj->btf);
	free(obj->license);
	free(obj->name);
	free(obj);
}

static void free_loader(struct elf_loader *l)
{
	for (size_t i = 0; i < l->sec_cnt && l->secs; i++)
		free(l->secs[i].relos);
	free(l->secs);
	free(l->funcs);
	free(l->func_info.secs);
	free(l->line_info.secs);
	free(l->core_relo.secs);
	free(l->map_shndx);
	free(l->map_off);
	free(l->map_size);
	free(l->map_values_off);
	if (l->elf)
		elf_end(l->elf);
}

struct bpfrt_object *bpfrt_object__open_mem(const void *buf, size_t size,
					    const struct bpfrt_object_opts *opts)
{
	struct elf_loader l = { 0 };
	const char *name = "<memory>";
	if (OPTS_HAS(opts, log_size)) {
		l.log = opts->log_buf;
		l.log_size = opts->log_size;
		if (opts->name)
			name = opts->name;
	}
	if (l.log && l.log_size)
		l.log[0] = 0;
	if (!buf && size) {
		errno = EINVAL;
		return NULL;
	}
	int err = -ENOMEM;
	char *copy = malloc(size ? size : 1);
	l.obj = calloc(1, sizeof(*l.obj));
	if (!copy || !l.obj || !(l.obj->name = strdup(name)))
		goto out;
	if (size)
		memcpy(copy, buf, size);
	elf_version(EV_CURRENT);
	l.size = size;
	l.elf = elf_memory(copy, size);
	if (!l.elf) {
		err = elf_fail(&l, -EINVAL, ELF_NO_SEC, 0, "not an ELF object: %s", elf_errmsg(-1));
		goto out;
	}
	if ((err = check_header(&l)) || (err = read_sections(&l)) ||
	    (err = read_license_version(&l)) || (err = read_btf(&l)) ||
	    (err = elf_parse_btf_ext(&l)) || (err = elf_collect_maps(&l)) ||
	    (err = elf_collect_relos(&l)) || (err = elf_build_programs(&l)))
		goto out;
	err = 0;
out:
	free_loader(&l);
	free(copy);
	if (err) {
		if (err == -ENOMEM && !l.failed)
			elf_fail(&l, -ENOMEM, ELF_NO_SEC, 0, "out of memory");
		bpfrt_object__close(l.obj);
		errno = -err;
		return NULL;
	}
	return l.obj;
}

struct bpfrt_object *bpfrt_object__open_file(const char *path, const struct bpfrt_object_opts *opts)
{
	struct bpfrt_object_opts o = { .sz = sizeof(o) };
	if (OPTS_HAS(opts, log_size))
		o = *opts, o.sz = sizeof(o);
	if (!o.name) {
		const char *slash = strrchr(path, '/');
		o.name = slash ? slash + 1 : path;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		if (o.log_buf && o.log_size)
			snprintf(o.log_buf, o.log_size, "cannot open: %s", strerror(err));
		errno = err;
		return NULL;
	}
	size_t size = st.st_size > 0 ? (size_t)st.st_size : 0;
	uint8_t *buf = malloc(size ? size : 1);
	size_t got = 0;
	while (buf && got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!buf) {
		errno = ENOMEM;
		return NULL;
	}
	struct bpfrt_object *obj = bpfrt_object__open_mem(buf, got, &o);
	int err = errno;
	free(buf);
	errno = err;
	return obj;
}

const char *bpfrt_object__name(const struct bpfrt_object *obj) { return obj->name; }
const char *bpfrt_object__license(const struct bpfrt_object *obj) { return obj->license; }
uint32_t bpfrt_object__kversion(const struct bpfrt_object *obj) { return obj->kversion; }
const struct btf *bpfrt_object__btf(const struct bpfrt_object *obj) { return obj->btf; }
size_t bpfrt_object__prog_cnt(const struct bpfrt_object *obj) { return obj->prog_cnt; }
size_t bpfrt_object__map_cnt(const struct bpfrt_object *obj) { return obj->map_cnt; }

struct bpfrt_program *bpfrt_object__prog(const struct bpfrt_object *obj, size_t idx)
{
	if (idx >= obj->prog_cnt) {
		errno = ENOENT;
		return NULL;
	}
	return &obj->progs[idx];
}

struct bpfrt_program *bpfrt_object__find_prog(const struct bpfrt_object *obj, const char *name)
{
	for (size_t i = 0; i < obj->prog_cnt; i++)
		if (!strcmp(obj->progs[i].name, name))
			return &obj->progs[i];
	errno = ENOENT;
	return NULL;
}

const struct bpfrt_map_spec *bpfrt_object__map(const struct bpfrt_object *obj, size_t idx)
{
	if (idx >= obj->map_cnt) {
		errno = ENOENT;
		return NULL;
	}
	return &obj->maps[idx];
}

int bpfrt_object__find_map(const struct bpfrt_object *obj, const char *name)
{
	for (size_t i = 0; i < obj->map_cnt; i++)
		if (!strcmp(obj->maps[i].name, name))
			return (int)i;
	return -ENOENT;
}

const char *bpfrt_program__name(const struct bpfrt_program *p) { return p->name; }
const char *bpfrt_program__section(const struct bpfrt_program *p) { return p->section; }
enum bpfrt_attach_kind bpfrt_program__attach_kind(const struct bpfrt_program *p) { return p->kind; }
const struct bpfrt_attach_target *bpfrt_program__attach_target(const struct bpfrt_program *p)
{
	return &p->target;
}
uint32_t bpfrt_program__type(const struct bpfrt_program *p) { return p->prog_type; }
uint32_t bpfrt_program__expected_attach_type(const struct bpfrt_program *p) { return p->attach_type; }
bool bpfrt_program__sleepable(const struct bpfrt_program *p) { return p->sleepable; }
const struct bpfrt_insn *bpfrt_program__insns(const struct bpfrt_program *p) { return p->insns; }
size_t bpfrt_program__insn_cnt(const struct bpfrt_program *p) { return p->insn_cnt; }
size_t bpfrt_program__main_insn_cnt(const struct bpfrt_program *p) { return p->main_cnt; }

const struct bpfrt_func_info *bpfrt_program__func_info(const struct bpfrt_program *p, size_t *cnt)
{
	*cnt = p->func_info_cnt;
	return p->func_info;
}

const struct bpfrt_line_info *bpfrt_program__line_info(const struct bpfrt_program *p, size_t *cnt)
{
	*cnt = p->line_info_cnt;
	return p->line_info;
}

const struct bpfrt_kfunc_call *bpfrt_program__kfunc_calls(const struct bpfrt_program *p, size_t *cnt)
{
	*cnt = p->kfunc_cnt;
	return p->kfuncs;
}

const struct bpfrt_core_relo *bpfrt_program__core_relos(const struct bpfrt_program *p, size_t *cnt)
{
	*cnt = p->core_cnt;
	return p->core;
}

const struct bpfrt_line_info *bpfrt_program__line_at(const struct bpfrt_program *p,
						     uint32_t insn_idx)
{
	/* line info is sorted by insn_idx; a function's first record starts it */
	const struct bpfrt_line_info *best = NULL;
	for (size_t i = 0; i < p->line_info_cnt && p->line_info[i].insn_idx <= insn_idx; i++)
		best = &p->line_info[i];
	return best;
}
