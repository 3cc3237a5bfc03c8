/* Test helpers: an example object's bytes and where its parts are, to
 * build malformed objects by patching them. */
#ifndef TESTS_ELF_BYTES_H
#define TESTS_ELF_BYTES_H

#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct obj_bytes {
	uint8_t *data;
	size_t size;
};

static inline int obj_read(const char *path, struct obj_bytes *b)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b->data = malloc(n > 0 ? (size_t)n : 1);
	b->size = b->data && n > 0 ? fread(b->data, 1, (size_t)n, f) : 0;
	fclose(f);
	return b->size == (size_t)n ? 0 : -1;
}

static inline Elf64_Ehdr *obj_ehdr(struct obj_bytes *b)
{
	return (Elf64_Ehdr *)b->data;
}

static inline Elf64_Shdr *obj_shdr(struct obj_bytes *b, size_t idx)
{
	Elf64_Ehdr *eh = obj_ehdr(b);
	return (Elf64_Shdr *)(b->data + eh->e_shoff + idx * eh->e_shentsize);
}

/* Index of the section named `name`, or 0. */
static inline size_t obj_find(struct obj_bytes *b, const char *name)
{
	Elf64_Ehdr *eh = obj_ehdr(b);
	Elf64_Shdr *strs = obj_shdr(b, eh->e_shstrndx);
	for (size_t i = 1; i < eh->e_shnum; i++)
		if (!strcmp((const char *)b->data + strs->sh_offset + obj_shdr(b, i)->sh_name, name))
			return i;
	return 0;
}

static inline uint8_t *obj_sec_data(struct obj_bytes *b, size_t idx)
{
	return b->data + obj_shdr(b, idx)->sh_offset;
}

/* The symbol named `name` in .symtab, or NULL. */
static inline Elf64_Sym *obj_sym(struct obj_bytes *b, const char *name)
{
	Elf64_Ehdr *eh = obj_ehdr(b);
	for (size_t i = 1; i < eh->e_shnum; i++) {
		Elf64_Shdr *sh = obj_shdr(b, i);
		if (sh->sh_type != SHT_SYMTAB)
			continue;
		const char *strs = (const char *)b->data + obj_shdr(b, sh->sh_link)->sh_offset;
		Elf64_Sym *syms = (Elf64_Sym *)(b->data + sh->sh_offset);
		for (size_t k = 0; k < sh->sh_size / sizeof(Elf64_Sym); k++)
			if (!strcmp(strs + syms[k].st_name, name))
				return &syms[k];
	}
	return NULL;
}

#endif
