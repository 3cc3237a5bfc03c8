/* SPDX-License-Identifier: MIT */
/*
 * Relocations and program assembly.
 *
 * Pass 1 (elf_collect_relos) reads every .rel section that applies to code
 * and turns each entry into an elf_reloc of its section's instruction
 * index, checking the offset, the symbol and the instruction it patches.
 * Pass 2 (elf_build_programs) copies each program's instructions, appends
 * every .text function it reaches through calls or function addresses
 * (in the order first reached, as libbpf does), and applies the
 * relocations of each copied range at its new place:
 *
 *   call of a .text function   imm = new target - (call + 1), src PSEUDO_CALL
 *   ld_imm64 of a function      src PSEUDO_FUNC, imm = new target - (insn + 1)
 *   ld_imm64 of a map           src PSEUDO_MAP_IDX, imm = map index
 *   ld_imm64 into global data   src PSEUDO_MAP_IDX_VALUE, imm = map index,
 *                               second imm = offset in the value
 *   call of an extern __ksym    src PSEUDO_KFUNC_CALL, imm 0, name recorded
 *
 * .BTF.ext records of each range are carried over the same way.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elf_priv.h"

#define R_BPF_64_64 1
#define R_BPF_64_32 10

#define CODE_CALL (BPFRT_JMP | BPFRT_CALL)
#define CODE_LDDW (BPFRT_LD | BPFRT_IMM | BPFRT_DW)

static int cmp_func(const void *a, const void *b)
{
	const struct elf_func *x = a, *y = b;
	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int cmp_relo(const void *a, const void *b)
{
	const struct elf_reloc *x = a, *y = b;
	return x->insn_idx < y->insn_idx ? -1 : x->insn_idx > y->insn_idx;
}

static bool is_code(const struct elf_sec *s)
{
	return s->kind == SEC_PROG || s->kind == SEC_TEXT;
}

static struct bpfrt_insn insn_at(const struct elf_sec *s, size_t idx)
{
	struct bpfrt_insn in;
	memcpy(&in, s->data + idx * sizeof(in), sizeof(in));
	return in;
}

static int collect_funcs(struct elf_loader *l)
{
	for (size_t i = 1; i < l->sec_cnt; i++) {
		const struct elf_sec *s = &l->secs[i];
		if (is_code(s) && s->size % sizeof(struct bpfrt_insn))
			return elf_fail(l, -EINVAL, i, s->size & ~(uint64_t)7,
					"size %#zx is not a multiple of 8: an instruction straddles the section end",
					s->size);
	}
	l->funcs = calloc(l->sym_cnt ? l->sym_cnt : 1, sizeof(*l->funcs));
	if (!l->funcs)
		return -ENOMEM;
	for (size_t i = 1; i < l->sym_cnt; i++) {
		GElf_Sym sym;
		const char *name;
		if (elf_symbol(l, i, &sym, &name, l->symtab_idx, ELF_NO_OFF))
			return -EINVAL;
		if (GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF)
			continue;
		if (sym.st_shndx >= l->sec_cnt || !is_code(&l->secs[sym.st_shndx]))
			return elf_fail(l, -EINVAL, l->symtab_idx, ELF_NO_OFF,
					"function '%s' is in section %u, which holds no code", name,
					sym.st_shndx);
		const struct elf_sec *s = &l->secs[sym.st_shndx];
		if (sym.st_value % 8 || sym.st_size % 8 || !sym.st_size || sym.st_value > s->size ||
		    sym.st_size > s->size - sym.st_value)
			return elf_fail(l, -EINVAL, sym.st_shndx, sym.st_value,
					"function '%s' (%llu bytes) does not fit the section", name,
					(unsigned long long)sym.st_size);
		l->funcs[l->func_cnt++] = (struct elf_func){ name, sym.st_shndx, (uint32_t)(sym.st_value / 8),
							     (uint32_t)(sym.st_size / 8) };
	}
	qsort(l->funcs, l->func_cnt, sizeof(*l->funcs), cmp_func);
	return 0;
}

/* Classifies one relocation entry of section `ri` applying to code section `ti`. */
static int read_relo(struct elf_loader *l, size_t ri, size_t ti, const GElf_Rel *rel, uint64_t at,
		     struct elf_reloc *r)
{
	const struct elf_sec *ts = &l->secs[ti];
	uint32_t type = GELF_R_TYPE(rel->r_info);
	GElf_Sym sym;
	const char *name;
	if (rel->r_offset % 8 || rel->r_offset >= ts->size)
		return elf_fail(l, -EINVAL, ri, at, "relocation offset %#llx is outside section '%s' (%#zx bytes)",
				(unsigned long long)rel->r_offset, ts->name, ts->size);
	if (elf_symbol(l, GELF_R_SYM(rel->r_info), &sym, &name, ri, at))
		return -EINVAL;
	size_t idx = rel->r_offset / 8;
	struct bpfrt_insn in = insn_at(ts, idx);
	*r = (struct elf_reloc){ .insn_idx = (uint32_t)idx, .rel_off = at };
	size_t shndx = sym.st_shndx;
	if (shndx != SHN_UNDEF && shndx >= l->sec_cnt)
		return elf_fail(l, -EINVAL, ri, at, "symbol '%s' has a bad section index %zu", name, shndx);
	if (type == R_BPF_64_32) {
		if (in.code != CODE_CALL)
			return elf_fail(l, -EINVAL, ri, at, "call relocation on a non-call instruction (code %#x) at %#llx",
					in.code, (unsigned long long)rel->r_offset);
		if (shndx == SHN_UNDEF) {
			r->type = RELO_KFUNC;
			r->sym_name = name;
			return 0;
		}
		if (shndx != l->text_idx || in.src_reg != BPFRT_PSEUDO_CALL)
			return elf_fail(l, -EINVAL, ri, at, "call of '%s' in section '%s', not a .text function",
					name, l->secs[shndx].name);
		int64_t t = (int64_t)(sym.st_value / 8) + in.imm + 1;
		if (sym.st_value % 8 || t < 0 || (uint64_t)t >= l->secs[shndx].size / 8)
			return elf_fail(l, -EINVAL, ri, at, "call of '%s' targets %lld, outside .text", name,
					(long long)t);
		r->type = RELO_CALL;
		r->target_idx = (uint32_t)t;
		return 0;
	}
	if (type != R_BPF_64_64)
		return elf_fail(l, -EINVAL, ri, at, "unsupported relocation type %u for code", type);
	if (in.code != CODE_LDDW || idx + 1 >= ts->size / 8)
		return elf_fail(l, -EINVAL, ri, at, "relocation of '%s' is not on a whole ld_imm64 (code %#x at %#llx)",
				name, in.code, (unsigned long long)rel->r_offset);
	if (shndx == SHN_UNDEF)
		return elf_fail(l, -ENOTSUP, ri, at, "extern variable '%s' is not supported", name);
	const struct elf_sec *ss = &l->secs[shndx];
	if (shndx == l->maps_idx || shndx == l->legacy_maps_idx) {
		int m = elf_map_at(l, shndx, sym.st_value);
		if (m < 0)
			return elf_fail(l, -EINVAL, ri, at, "'%s' at %s+%#llx is not a map definition", name,
					ss->name, (unsigned long long)sym.st_value);
		r->type = RELO_MAP;
		r->map_idx = (uint32_t)m;
		return 0;
	}
	if (ss->kind == SEC_DATA || ss->kind == SEC_RODATA || ss->kind == SEC_BSS) {
		uint64_t off = sym.st_value + (uint64_t)(int64_t)in.imm;
		if (ss->map_idx < 0 || off >= ss->size)
			return elf_fail(l, -EINVAL, ri, at, "'%s'+%#llx is outside global data section '%s' (%#zx bytes)",
					name, (unsigned long long)off, ss->name, ss->size);
		r->type = RELO_DATA;
		r->map_idx = (uint32_t)ss->map_idx;
		r->data_off = (uint32_t)off;
		return 0;
	}
	if (shndx == l->text_idx) {
		uint64_t off = sym.st_value + (uint64_t)(int64_t)in.imm;
		if (off % 8 || off >= ss->size)
			return elf_fail(l, -EINVAL, ri, at, "address of '%s'+%#llx is not a .text instruction",
					name, (unsigned long long)off);
		r->type = RELO_FUNC_ADDR;
		r->target_idx = (uint32_t)(off / 8);
		return 0;
	}
	return elf_fail(l, -EINVAL, ri, at, "relocation against '%s' in section '%s' is not supported",
			name, ss->name);
}

int elf_collect_relos(struct elf_loader *l)
{
	int err = collect_funcs(l);
	if (err)
		return err;
	for (size_t ri = 1; ri < l->sec_cnt; ri++) {
		const struct elf_sec *rs = &l->secs[ri];
		if (rs->kind != SEC_REL)
			continue;
		size_t ti = rs->shdr.sh_info;
		if (ti == 0 || ti >= l->sec_cnt)
			return elf_fail(l, -EINVAL, ri, ELF_NO_OFF, "applies to section index %zu, out of range", ti);
		if (rs->shdr.sh_link != l->symtab_idx)
			return elf_fail(l, -EINVAL, ri, ELF_NO_OFF, "symbol table link %u is not .symtab",
					rs->shdr.sh_link);
		struct elf_sec *ts = &l->secs[ti];
		if (ti == l->maps_idx && (err = elf_collect_map_relos(l, ri)))
			return err;
		if (!is_code(ts))
			continue; /* .rel.BTF, .rel.debug_*: not needed to load */
		if (rs->shdr.sh_entsize != sizeof(Elf64_Rel) || rs->size % sizeof(Elf64_Rel))
			return elf_fail(l, -EINVAL, ri, ELF_NO_OFF, "bad relocation entry size");
		if (ts->relos)
			return elf_fail(l, -EINVAL, ri, ELF_NO_OFF, "second relocation section for '%s'", ts->name);
		size_t n = rs->size / sizeof(Elf64_Rel);
		ts->relos = calloc(n ? n : 1, sizeof(*ts->relos));
		if (!ts->relos)
			return -ENOMEM;
		Elf_Data *d = elf_getdata(elf_getscn(l->elf, ri), NULL);
		for (size_t k = 0; k < n; k++) {
			GElf_Rel rel;
			uint64_t at = k * sizeof(Elf64_Rel);
			if (!d || !gelf_getrel(d, (int)k, &rel))
				return elf_fail(l, -EINVAL, ri, at, "unreadable relocation");
			if ((err = read_relo(l, ri, ti, &rel, at, &ts->relos[k])))
				return err;
			ts->relo_cnt++;
		}
		qsort(ts->relos, n, sizeof(*ts->relos), cmp_relo);
		for (size_t k = 1; k < n; k++)
			if (ts->relos[k].insn_idx == ts->relos[k - 1].insn_idx)
				return elf_fail(l, -EINVAL, ri, ts->relos[k].rel_off,
						"second relocation for the instruction at %#llx",
						(unsigned long long)ts->relos[k].insn_idx * 8);
	}
	return 0;
}

/* --- assembly ------------------------------------------------------------ */

struct range {
	size_t func;	   /* index into l->funcs */
	uint32_t out_base; /* where its first instruction went */
};

struct builder {
	struct elf_loader *l;
	struct bpfrt_program *p;
	struct range *ranges;
	size_t range_cnt;
	size_t insn_cap, fi_cap, li_cap, kf_cap, co_cap;
};

static int grow(void **v, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t cap2 = *cap ? *cap : 16;
	while (cap2 < need)
		cap2 *= 2;
	void *n = realloc(*v, cap2 * elem);
	if (!n)
		return -ENOMEM;
	*v = n;
	*cap = cap2;
	return 0;
}

/* Appends function `fi`'s instructions; returns its range index or -errno. */
static int add_range(struct builder *b, size_t fi)
{
	const struct elf_func *f = &b->l->funcs[fi];
	const struct elf_sec *s = &b->l->secs[f->shndx];
	size_t n = b->p->insn_cnt;
	if (n + f->cnt > (1u << 24))
		return elf_fail(b->l, -E2BIG, f->shndx, (uint64_t)f->start * 8, "program too large");
	void *rv = b->ranges;
	if (!(rv = realloc(b->ranges, (b->range_cnt + 1) * sizeof(*b->ranges))))
		return -ENOMEM;
	b->ranges = rv;
	if (grow((void **)&b->p->insns, &b->insn_cap, n + f->cnt, sizeof(struct bpfrt_insn)))
		return -ENOMEM;
	memcpy(b->p->insns + n, s->data + (size_t)f->start * 8, (size_t)f->cnt * 8);
	b->p->insn_cnt = n + f->cnt;
	b->ranges[b->range_cnt] = (struct range){ fi, (uint32_t)n };
	return (int)b->range_cnt++;
}

/* The new index of .text instruction `t`, appending its function if needed. */
static int resolve_text(struct builder *b, size_t shndx, uint64_t at, uint32_t t, uint32_t *out)
{
	struct elf_loader *l = b->l;
	size_t fi;
	for (fi = 0; fi < l->func_cnt; fi++)
		if (l->funcs[fi].shndx == l->text_idx && l->funcs[fi].start == t)
			break;
	if (fi == l->func_cnt)
		return elf_fail(l, -EINVAL, shndx, at, ".text instruction %u is not the start of a function", t);
	for (size_t r = 0; r < b->range_cnt; r++)
		if (b->ranges[r].func == fi) {
			*out = b->ranges[r].out_base;
			return 0;
		}
	int r = add_range(b, fi);
	if (r < 0)
		return r;
	*out = b->ranges[r].out_base;
	return 0;
}

static const struct elf_reloc *find_relo(const struct elf_sec *s, uint32_t idx)
{
	size_t lo = 0, hi = s->relo_cnt;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->relos[mid].insn_idx < idx)
			lo = mid + 1;
		else if (s->relos[mid].insn_idx > idx)
			hi = mid;
		else
			return &s->relos[mid];
	}
	return NULL;
}

static int relocate_range(struct builder *b, size_t r)
{
	struct elf_loader *l = b->l;
	const struct elf_func *f = &l->funcs[b->ranges[r].func];
	const struct elf_sec *s = &l->secs[f->shndx];
	uint32_t base = b->ranges[r].out_base;
	for (uint32_t i = f->start; i < f->start + f->cnt; i++) {
		uint32_t o = base + (i - f->start);
		struct bpfrt_insn *in = &b->p->insns[o];
		uint64_t at = (uint64_t)i * 8;
		bool lddw = in->code == CODE_LDDW;
		if (lddw && i + 1 >= f->start + f->cnt)
			return elf_fail(l, -EINVAL, f->shndx, at, "ld_imm64 straddles the end of function '%s'",
					f->name);
		const struct elf_reloc *rel = find_relo(s, i);
		uint32_t t, tgt;
		int err;
		if (rel) {
			switch (rel->type) {
			case RELO_MAP:
			case RELO_DATA:
				in->src_reg = rel->type == RELO_MAP ? BPFRT_PSEUDO_MAP_IDX
								    : BPFRT_PSEUDO_MAP_IDX_VALUE;
				in->imm = (int32_t)rel->map_idx;
				in[1].imm = rel->type == RELO_MAP ? 0 : (int32_t)rel->data_off;
				break;
			case RELO_KFUNC: {
				if (grow((void **)&b->p->kfuncs, &b->kf_cap, b->p->kfunc_cnt + 1,
					 sizeof(*b->p->kfuncs)))
					return -ENOMEM;
				int id = l->obj->btf ? btf__find_by_name_kind(l->obj->btf, rel->sym_name,
									      BTF_KIND_FUNC) : -1;
				char *kname = strdup(rel->sym_name);
				if (!kname)
					return -ENOMEM;
				b->p->kfuncs[b->p->kfunc_cnt++] = (struct bpfrt_kfunc_call){
					o, kname, id > 0 ? (uint32_t)id : 0
				};
				in->src_reg = BPFRT_PSEUDO_KFUNC_CALL;
				in->imm = 0;
				break;
			}
			case RELO_CALL:
			case RELO_FUNC_ADDR:
				t = rel->target_idx;
				if ((err = resolve_text(b, f->shndx, at, t, &tgt)))
					return err;
				in = &b->p->insns[o]; /* insns may have moved */
				in->imm = (int32_t)tgt - (int32_t)(o + 1);
				if (rel->type == RELO_FUNC_ADDR) {
					in->src_reg = BPFRT_PSEUDO_FUNC;
					in[1].imm = 0;
				}
				break;
			}
		} else if (in->code == CODE_CALL && in->src_reg == BPFRT_PSEUDO_CALL) {
			/* A call inside one section that clang resolved itself. */
			int64_t ti = (int64_t)i + in->imm + 1;
			if (ti >= f->start && ti < f->start + f->cnt) {
				/* within the function: offsets unchanged */
			} else if (f->shndx == l->text_idx && ti >= 0 && (uint64_t)ti < s->size / 8) {
				if ((err = resolve_text(b, f->shndx, at, (uint32_t)ti, &tgt)))
					return err;
				in = &b->p->insns[o];
				in->imm = (int32_t)tgt - (int32_t)(o + 1);
			} else {
				return elf_fail(l, -EINVAL, f->shndx, at,
						"call target %lld is outside function '%s' and has no relocation",
						(long long)ti, f->name);
			}
		}
		if (lddw)
			i++;
	}
	return 0;
}

/* Copies the .BTF.ext records of every range into the program. */
static int carry_ext(struct builder *b)
{
	struct elf_loader *l = b->l;
	const struct btf *btf = l->obj->btf;
	struct bpfrt_program *p = b->p;
	for (size_t r = 0; r < b->range_cnt; r++) {
		const struct elf_func *f = &l->funcs[b->ranges[r].func];
		const char *sname = l->secs[f->shndx].name;
		const struct elf_ext_info *infos[3] = { &l->func_info, &l->line_info, &l->core_relo };
		for (int k = 0; k < 3; k++) {
			const struct elf_ext_sec *es = elf_ext_find(infos[k], sname);
			for (uint32_t j = 0; es && j < es->cnt; j++) {
				const uint8_t *rec = es->recs + (size_t)j * infos[k]->rec_size;
				uint32_t v[4];
				memcpy(v, rec, k == 0 ? 8 : 16);
				if (v[0] % 8)
					return elf_fail(l, -EINVAL, l->btf_ext_idx,
							(uint64_t)(rec - l->secs[l->btf_ext_idx].data),
							"record offset %u in '%s' is not an instruction", v[0], sname);
				uint32_t idx = v[0] / 8;
				if (idx < f->start || idx >= f->start + f->cnt)
					continue;
				uint32_t o = b->ranges[r].out_base + idx - f->start;
				const char *s;
				if (k == 0) {
					if (grow((void **)&p->func_info, &b->fi_cap, p->func_info_cnt + 1,
						 sizeof(*p->func_info)))
						return -ENOMEM;
					const struct btf_type *t = btf__type_by_id(btf, v[1]);
					s = t ? btf__name_by_offset(btf, t->name_off) : NULL;
					p->func_info[p->func_info_cnt++] =
						(struct bpfrt_func_info){ o, v[1], s ? s : "" };
				} else if (k == 1) {
					if (grow((void **)&p->line_info, &b->li_cap, p->line_info_cnt + 1,
						 sizeof(*p->line_info)))
						return -ENOMEM;
					const char *file = btf__name_by_offset(btf, v[1]);
					s = btf__name_by_offset(btf, v[2]);
					p->line_info[p->line_info_cnt++] = (struct bpfrt_line_info){
						o, file ? file : "", s ? s : "", v[3] >> 10, v[3] & 0x3ff
					};
				} else {
					if (grow((void **)&p->core, &b->co_cap, p->core_cnt + 1, sizeof(*p->core)))
						return -ENOMEM;
					s = btf__name_by_offset(btf, v[2]);
					p->core[p->core_cnt++] =
						(struct bpfrt_core_relo){ o, v[1], s ? s : "", v[3] };
				}
			}
		}
	}
	return 0;
}

static int build_one(struct elf_loader *l, size_t fi, struct bpfrt_program *p)
{
	const struct elf_func *f = &l->funcs[fi];
	if (!(p->name = strdup(f->name)) || !(p->section = strdup(l->secs[f->shndx].name)))
		return -ENOMEM;
	int err = elf_sec_def_apply(p);
	if (err)
		return err;
	struct builder b = { .l = l, .p = p };
	err = add_range(&b, fi);
	for (size_t r = 0; err >= 0 && r < b.range_cnt; r++)
		err = relocate_range(&b, r);
	if (err >= 0)
		err = carry_ext(&b);
	p->main_cnt = f->cnt;
	free(b.ranges);
	return err < 0 ? err : 0;
}

int elf_prog_at(const struct elf_loader *l, size_t shndx, uint64_t off)
{
	int idx = 0;
	for (size_t i = 0; i < l->func_cnt; i++) {
		const struct elf_func *f = &l->funcs[i];
		if (l->secs[f->shndx].kind != SEC_PROG)
			continue;
		if (f->shndx == shndx && (uint64_t)f->start * 8 == off)
			return idx;
		idx++;
	}
	return -1;
}

int elf_build_programs(struct elf_loader *l)
{
	size_t n = 0;
	for (size_t i = 0; i < l->func_cnt; i++)
		n += l->secs[l->funcs[i].shndx].kind == SEC_PROG;
	l->obj->progs = calloc(n ? n : 1, sizeof(*l->obj->progs));
	if (!l->obj->progs)
		return -ENOMEM;
	for (size_t i = 0; i < l->func_cnt; i++) {
		if (l->secs[l->funcs[i].shndx].kind != SEC_PROG)
			continue;
		int err = build_one(l, i, &l->obj->progs[l->obj->prog_cnt++]);
		if (err)
			return err;
	}
	return 0;
}
