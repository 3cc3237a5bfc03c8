/* SPDX-License-Identifier: MIT */
/*
 * .BTF.ext: function info, line info and CO-RE relocations.
 *
 * libbpf parses this section only inside bpf_object__open and exposes no
 * records, so this is a small reader of its documented layout
 * (Documentation/bpf/btf.rst, "BTF.ext section"):
 *
 *   header   { u16 magic 0xeb9f; u8 version 1; u8 flags; u32 hdr_len;
 *              u32 func_info_off, func_info_len, line_info_off, line_info_len;
 *              [u32 core_relo_off, core_relo_len] }  offsets after hdr_len
 *   region   { u32 rec_size; blocks... }
 *   block    { u32 sec_name_off (.BTF string); u32 num_info; records... }
 *
 * Records keep instruction offsets in bytes from their section's start;
 * reloc.c turns them into program instruction indexes. Every length is
 * checked against the section before it is read.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elf_priv.h"

#define BTF_EXT_MAGIC 0xeB9F

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static int parse_region(struct elf_loader *l, const char *what, uint64_t off, uint64_t len,
			uint32_t min_rec, struct elf_ext_info *info)
{
	const struct elf_sec *s = &l->secs[l->btf_ext_idx];
	size_t idx = l->btf_ext_idx;
	if (!len)
		return 0;
	if (off > s->size || len > s->size - off || len < 4)
		return elf_fail(l, -EINVAL, idx, off, "%s (%llu bytes) does not fit the section", what,
				(unsigned long long)len);
	const uint8_t *p = s->data + off, *end = p + len;
	uint32_t rec_size = rd32(p);
	if (rec_size < min_rec || rec_size & 3)
		return elf_fail(l, -EINVAL, idx, off, "%s record size %u is invalid", what, rec_size);
	info->rec_size = rec_size;
	p += 4;
	/* count blocks first */
	size_t cnt = 0;
	for (const uint8_t *q = p; q < end; cnt++) {
		uint64_t at = (uint64_t)(q - s->data);
		if (end - q < 8)
			return elf_fail(l, -EINVAL, idx, at, "%s block header is truncated", what);
		uint32_t n = rd32(q + 4);
		if (!n)
			return elf_fail(l, -EINVAL, idx, at, "%s block has no records", what);
		if ((uint64_t)n * rec_size > (uint64_t)(end - q - 8))
			return elf_fail(l, -EINVAL, idx, at, "%s block of %u records is truncated", what, n);
		q += 8 + (size_t)n * rec_size;
	}
	info->secs = calloc(cnt ? cnt : 1, sizeof(*info->secs));
	if (!info->secs)
		return -ENOMEM;
	for (size_t i = 0; i < cnt; i++) {
		uint64_t at = (uint64_t)(p - s->data);
		const char *name = btf__name_by_offset(l->obj->btf, rd32(p));
		if (!name || !*name)
			return elf_fail(l, -EINVAL, idx, at, "%s block names no section (string offset %u)",
					what, rd32(p));
		info->secs[i] = (struct elf_ext_sec){ name, p + 8, rd32(p + 4) };
		p += 8 + (size_t)info->secs[i].cnt * rec_size;
	}
	info->sec_cnt = cnt;
	return 0;
}

int elf_parse_btf_ext(struct elf_loader *l)
{
	if (!l->btf_ext_idx)
		return 0;
	const struct elf_sec *s = &l->secs[l->btf_ext_idx];
	if (!l->obj->btf)
		return elf_fail(l, -EINVAL, l->btf_ext_idx, ELF_NO_OFF, "present without .BTF");
	if (s->size < 24 || !s->data)
		return elf_fail(l, -EINVAL, l->btf_ext_idx, 0, "header is truncated (%zu bytes)", s->size);
	uint16_t magic;
	memcpy(&magic, s->data, 2);
	if (magic != BTF_EXT_MAGIC || s->data[2] != 1)
		return elf_fail(l, -EINVAL, l->btf_ext_idx, 0, "bad magic %#x or version %u", magic,
				s->data[2]);
	uint32_t hdr_len = rd32(s->data + 4);
	if (hdr_len < 24 || hdr_len > s->size || hdr_len & 3)
		return elf_fail(l, -EINVAL, l->btf_ext_idx, 4, "bad header length %u", hdr_len);
	int err = parse_region(l, "func_info", (uint64_t)hdr_len + rd32(s->data + 8), rd32(s->data + 12),
			       8, &l->func_info);
	if (!err)
		err = parse_region(l, "line_info", (uint64_t)hdr_len + rd32(s->data + 16),
				   rd32(s->data + 20), 16, &l->line_info);
	if (!err && hdr_len >= 32)
		err = parse_region(l, "core_relo", (uint64_t)hdr_len + rd32(s->data + 24),
				   rd32(s->data + 28), 16, &l->core_relo);
	return err;
}

const struct elf_ext_sec *elf_ext_find(const struct elf_ext_info *info, const char *name)
{
	for (size_t i = 0; i < info->sec_cnt; i++)
		if (!strcmp(info->secs[i].sec_name, name))
			return &info->secs[i];
	return NULL;
}
