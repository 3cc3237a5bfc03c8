/* SPDX-License-Identifier: MIT */
/*
 * Map specifications: BTF-defined maps in .maps, struct bpf_map_def in a
 * legacy `maps` section, and global data sections as single-entry arrays.
 *
 * A BTF-defined map is a variable of an anonymous struct whose members
 * encode the attributes (bpf_helpers.h __uint/__type/__array):
 *   int (*type)[N]   -> N          (type, max_entries, map_flags, key_size,
 *                                   value_size, numa_node, pinning, map_extra)
 *   T *key, T *value -> sizeof(T) and T's BTF id
 *   T *values[]      -> inner map definition (map-in-map) or programs
 * libbpf reads them the same way (parse_btf_map_def). A map of maps may
 * give initial values, `.values = { [i] = &other_map }`, and a prog array
 * `.values = { [i] = &prog }`: relocations in .rel.maps against other
 * .maps symbols or program functions (elf_collect_map_relos), which
 * become the spec's init_slots (libbpf's init_slots).
 *
 * Legacy definitions longer than five words (samples/bpf's bpf_load.c
 * layout) may name a map of maps' template in a sixth, inner_map_idx:
 * the index of a definition in the `maps` section.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/map.h"
#include "elf_priv.h"

#define R_BPF_64_ABS64 2 /* data relocations: .values = { &map } */


struct map_list {
	struct bpfrt_map_spec *v;
	size_t *shndx;
	uint64_t *off;
	uint32_t *size;	    /* of the definition */
	int64_t *values_off; /* of its `values` member, or -1 */
	size_t n, cap;
};

/* Grows *arr to cap elements of elem bytes; false when out of memory
 * (*arr is left as it was, still owned by the list). */
static bool grow(void **arr, size_t cap, size_t elem)
{
	void *p = realloc(*arr, cap * elem);
	if (p)
		*arr = p;
	return p != NULL;
}

static struct bpfrt_map_spec *map_add(struct map_list *ml, const char *name, size_t shndx,
				      uint64_t off)
{
	if (ml->n == ml->cap) {
		size_t cap = ml->cap ? ml->cap * 2 : 8;
		if (!grow((void **)&ml->v, cap, sizeof(*ml->v)) ||
		    !grow((void **)&ml->shndx, cap, sizeof(*ml->shndx)) ||
		    !grow((void **)&ml->off, cap, sizeof(*ml->off)) ||
		    !grow((void **)&ml->size, cap, sizeof(*ml->size)) ||
		    !grow((void **)&ml->values_off, cap, sizeof(*ml->values_off)))
			return NULL;
		ml->cap = cap;
	}
	struct bpfrt_map_spec *m = &ml->v[ml->n];
	memset(m, 0, sizeof(*m));
	m->inner_map_idx = -1;
	if (!(m->name = strdup(name)))
		return NULL;
	ml->shndx[ml->n] = shndx;
	ml->off[ml->n] = off;
	ml->size[ml->n] = 0;
	ml->values_off[ml->n] = -1;
	ml->n++;
	return m;
}

/* The type behind typedefs and modifiers, or NULL. */
static const struct btf_type *skip_mods(const struct btf *btf, uint32_t id, uint32_t *res_id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	for (int depth = 0; t && depth < 32; depth++) {
		if (!btf_is_mod(t) && !btf_is_typedef(t)) {
			if (res_id)
				*res_id = id;
			return t;
		}
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return NULL;
}

/* `int (*name)[N]` -> N; an anonymous one-value enum (libbpf __ulong) -> its value. */
static bool field_int(const struct btf *btf, const struct btf_member *m, uint64_t *val)
{
	const struct btf_type *t = skip_mods(btf, m->type, NULL);
	if (t && btf_is_enum(t) && btf_vlen(t) == 1) {
		*val = (uint32_t)btf_enum(t)->val;
		return true;
	}
	if (!t || !btf_is_ptr(t))
		return false;
	const struct btf_type *a = btf__type_by_id(btf, t->type);
	if (!a || !btf_is_array(a))
		return false;
	*val = btf_array(a)->nelems;
	return true;
}

struct map_ctx {
	struct elf_loader *l;
	const struct btf *btf;
	size_t shndx;
	uint64_t off;
	const char *name;
	int64_t values_off; /* out: where `values` starts in the definition, or -1 */
};

static int parse_map_def(struct map_ctx *c, const struct btf_type *def, struct bpfrt_map_spec *m,
			 uint32_t *inner_def_id)
{
	struct elf_loader *l = c->l;
	const struct btf_member *mb = btf_members(def);
	*inner_def_id = 0;
	c->values_off = -1;
	for (unsigned i = 0; i < btf_vlen(def); i++, mb++) {
		const char *f = btf__name_by_offset(c->btf, mb->name_off);
		uint64_t v = 0;
		if (!f || !*f)
			return elf_fail(l, -EINVAL, c->shndx, c->off, "map '%s': unnamed field", c->name);
		static const char *const ints[] = { "type", "max_entries", "map_flags", "key_size",
						    "value_size", "numa_node", "pinning", "map_extra" };
		size_t k;
		for (k = 0; k < sizeof(ints) / sizeof(ints[0]) && strcmp(f, ints[k]); k++)
			;
		if (k < sizeof(ints) / sizeof(ints[0])) {
			if (!field_int(c->btf, mb, &v))
				return elf_fail(l, -EINVAL, c->shndx, c->off,
						"map '%s': field '%s' is not an __uint() value", c->name, f);
			uint32_t *dst[] = { &m->type, &m->max_entries, &m->map_flags, &m->key_size,
					    &m->value_size, &m->numa_node, &m->pinning, NULL };
			if (dst[k])
				*dst[k] = (uint32_t)v;
			else
				m->map_extra = v;
			continue;
		}
		bool is_key = !strcmp(f, "key");
		if (is_key || !strcmp(f, "value")) {
			const struct btf_type *t = skip_mods(c->btf, mb->type, NULL);
			if (!t || !btf_is_ptr(t))
				return elf_fail(l, -EINVAL, c->shndx, c->off,
						"map '%s': field '%s' is not a __type() pointer", c->name, f);
			long long sz = btf__resolve_size(c->btf, t->type);
			if (sz < 0 || sz > UINT32_MAX)
				return elf_fail(l, -EINVAL, c->shndx, c->off,
						"map '%s': %s type %u has no size", c->name, f, t->type);
			uint32_t *size = is_key ? &m->key_size : &m->value_size;
			if (*size && *size != sz)
				return elf_fail(l, -EINVAL, c->shndx, c->off,
						"map '%s': %s size %u and %s type size %lld disagree",
						c->name, f, *size, f, sz);
			*size = (uint32_t)sz;
			*(is_key ? &m->btf_key_type_id : &m->btf_value_type_id) = t->type;
			continue;
		}
		if (!strcmp(f, "values")) {
			const struct btf_type *a = skip_mods(c->btf, mb->type, NULL);
			const struct btf_type *p = a && btf_is_array(a) ?
							   skip_mods(c->btf, btf_array(a)->type, NULL) : NULL;
			uint32_t inner_id = 0;
			const struct btf_type *in = p && btf_is_ptr(p) ? skip_mods(c->btf, p->type, &inner_id)
								       : NULL;
			if (!in || !(btf_is_struct(in) || btf_is_func_proto(in)))
				return elf_fail(l, -EINVAL, c->shndx, c->off,
						"map '%s': field 'values' is not an __array() of maps or programs",
						c->name);
			if (btf_is_struct(in))
				*inner_def_id = inner_id;
			c->values_off = btf_member_bit_offset(def, i) / 8;
			continue;
		}
		return elf_fail(l, -EINVAL, c->shndx, c->off, "map '%s': unknown field '%s'", c->name, f);
	}
	if (!m->type || !bpfrt_map_type_name(m->type))
		return elf_fail(l, -EINVAL, c->shndx, c->off, "map '%s': unknown map type %u", c->name,
				m->type);
	return 0;
}


/* The offset of the symbol `name` in section `shndx` (a map definition);
 * *off is left alone when there is no such symbol. 0 or -EINVAL. */
static int map_sym_off(struct elf_loader *l, size_t shndx, const char *name, uint64_t *off)
{
	for (size_t i = 1; i < l->sym_cnt; i++) {
		GElf_Sym sym;
		const char *s;
		if (elf_symbol(l, i, &sym, &s, shndx, ELF_NO_OFF))
			return -EINVAL;
		if (sym.st_shndx == shndx && GELF_ST_TYPE(sym.st_info) != STT_SECTION &&
		    !strcmp(s, name)) {
			*off = sym.st_value;
			return 0;
		}
	}
	return 0;
}

static int collect_btf_maps(struct elf_loader *l, struct map_list *ml, struct map_list *inner)
{
	size_t idx = l->maps_idx;
	const struct btf *btf = l->obj->btf;
	if (!btf)
		return elf_fail(l, -EINVAL, idx, ELF_NO_OFF, "BTF-defined maps need a .BTF section");
	int ds_id = btf__find_by_name_kind(btf, ".maps", BTF_KIND_DATASEC);
	if (ds_id <= 0)
		return elf_fail(l, -EINVAL, idx, ELF_NO_OFF, "no .maps DATASEC in .BTF");
	const struct btf_type *ds = btf__type_by_id(btf, ds_id);
	const struct btf_var_secinfo *vi = btf_var_secinfos(ds);
	for (unsigned i = 0; i < btf_vlen(ds); i++, vi++) {
		const struct btf_type *var = btf__type_by_id(btf, vi->type);
		const char *name = var ? btf__name_by_offset(btf, var->name_off) : NULL;
		if (!var || !btf_is_var(var) || !name || !*name)
			return elf_fail(l, -EINVAL, idx, vi->offset, ".BTF: .maps entry %u is not a named variable", i);
		/* clang leaves DATASEC offsets 0 in the object; the symbol has
		 * the real one (libbpf fixes the DATASEC the same way). */
		uint64_t off = vi->offset;
		if (map_sym_off(l, idx, name, &off))
			return -EINVAL;
		if (off + vi->size > l->secs[idx].size)
			return elf_fail(l, -EINVAL, idx, off,
					"map '%s' (%u bytes) lies past the section end", name, vi->size);
		const struct btf_type *def = skip_mods(btf, var->type, NULL);
		if (!def || !btf_is_struct(def))
			return elf_fail(l, -EINVAL, idx, vi->offset, "map '%s' is not a struct", name);
		struct map_ctx c = { l, btf, idx, off, name, -1 };
		struct bpfrt_map_spec *m = map_add(ml, name, idx, off);
		uint32_t inner_id;
		if (!m)
			return -ENOMEM;
		int err = parse_map_def(&c, def, m, &inner_id);
		if (err)
			return err;
		m->origin = BPFRT_MAP_BTF;
		ml->size[ml->n - 1] = vi->size;
		ml->values_off[ml->n - 1] = c.values_off;
		if (inner_id) {
			if (m->type != BPFRT_MAP_TYPE_ARRAY_OF_MAPS && m->type != BPFRT_MAP_TYPE_HASH_OF_MAPS)
				return elf_fail(l, -EINVAL, idx, vi->offset,
						"map '%s': inner map given for a map of type %u", name,
						m->type);
			char iname[256];
			snprintf(iname, sizeof(iname), "%s.inner", name);
			struct bpfrt_map_spec *im = map_add(inner, iname, 0, 0);
			if (!im)
				return -ENOMEM;
			struct map_ctx ic = { l, btf, idx, off, iname, -1 };
			uint32_t nested;
			if ((err = parse_map_def(&ic, btf__type_by_id(btf, inner_id), im, &nested)))
				return err;
			if (nested)
				return elf_fail(l, -EINVAL, idx, vi->offset,
						"map '%s': nested map-in-map is not supported", name);
			im->origin = BPFRT_MAP_BTF;
			m->inner_map_idx = (int32_t)(inner->n - 1); /* rebased later */
			if (!m->value_size)
				m->value_size = sizeof(uint32_t);
		} else if (m->type == BPFRT_MAP_TYPE_PROG_ARRAY && !m->value_size) {
			m->key_size = m->key_size ? m->key_size : sizeof(uint32_t);
			m->value_size = sizeof(uint32_t);
		}
	}
	return 0;
}

/* struct bpf_map_def { u32 type, key_size, value_size, max_entries, map_flags; ... } */
static int collect_legacy_maps(struct elf_loader *l, struct map_list *ml)
{
	size_t idx = l->legacy_maps_idx;
	const struct elf_sec *s = &l->secs[idx];
	size_t nsyms = 0;
	for (size_t i = 1; i < l->sym_cnt; i++) {
		GElf_Sym sym;
		const char *name;
		if (elf_symbol(l, i, &sym, &name, l->symtab_idx, ELF_NO_OFF))
			return -EINVAL;
		if (sym.st_shndx == idx && GELF_ST_TYPE(sym.st_info) != STT_SECTION)
			nsyms++;
	}
	if (!nsyms)
		return s->size ? elf_fail(l, -EINVAL, idx, ELF_NO_OFF, "no map symbols") : 0;
	size_t def_sz = s->size / nsyms, first = ml->n;
	if (s->size % nsyms || def_sz < 5 * sizeof(uint32_t) || !s->data)
		return elf_fail(l, -EINVAL, idx, ELF_NO_OFF,
				"%zu bytes do not hold %zu struct bpf_map_def", s->size, nsyms);
	for (size_t i = 1; i < l->sym_cnt; i++) {
		GElf_Sym sym;
		const char *name;
		if (elf_symbol(l, i, &sym, &name, l->symtab_idx, ELF_NO_OFF))
			return -EINVAL;
		if (sym.st_shndx != idx || GELF_ST_TYPE(sym.st_info) == STT_SECTION)
			continue;
		if (sym.st_value % def_sz || sym.st_value + def_sz > s->size)
			return elf_fail(l, -EINVAL, idx, sym.st_value,
					"map '%s' is not at a %zu-byte definition boundary", name, def_sz);
		uint32_t f[5];
		memcpy(f, s->data + sym.st_value, sizeof(f));
		struct bpfrt_map_spec *m = map_add(ml, name, idx, sym.st_value);
		if (!m)
			return -ENOMEM;
		m->origin = BPFRT_MAP_LEGACY;
		m->type = f[0];
		m->key_size = f[1];
		m->value_size = f[2];
		m->max_entries = f[3];
		m->map_flags = f[4];
		ml->size[ml->n - 1] = (uint32_t)def_sz;
		if (!m->type || !bpfrt_map_type_name(m->type))
			return elf_fail(l, -EINVAL, idx, sym.st_value, "map '%s': unknown map type %u",
					name, m->type);
		if ((m->type == BPFRT_MAP_TYPE_ARRAY_OF_MAPS || m->type == BPFRT_MAP_TYPE_HASH_OF_MAPS) &&
		    def_sz >= 6 * sizeof(uint32_t)) /* inner_map_idx, resolved below */
			memcpy(&m->inner_map_idx, s->data + sym.st_value + 5 * sizeof(uint32_t),
			       sizeof(uint32_t));
	}
	/* inner_map_idx: the index of a definition in section order */
	for (size_t i = first; i < ml->n; i++) {
		struct bpfrt_map_spec *m = &ml->v[i];
		uint64_t at = (uint64_t)(uint32_t)m->inner_map_idx * def_sz;
		if (m->inner_map_idx < 0 ||
		    (m->type != BPFRT_MAP_TYPE_ARRAY_OF_MAPS && m->type != BPFRT_MAP_TYPE_HASH_OF_MAPS))
			continue;
		m->inner_map_idx = -1;
		for (size_t k = first; k < ml->n; k++)
			if (ml->off[k] == at && k != i)
				m->inner_map_idx = (int32_t)k;
		if (m->inner_map_idx < 0)
			return elf_fail(l, -EINVAL, idx, ml->off[i],
					"map '%s': inner_map_idx names no other map definition", m->name);
	}
	return 0;
}

static int collect_data_maps(struct elf_loader *l, struct map_list *ml)
{
	for (size_t i = 1; i < l->sec_cnt; i++) {
		struct elf_sec *s = &l->secs[i];
		if ((s->kind != SEC_DATA && s->kind != SEC_RODATA && s->kind != SEC_BSS) || !s->size)
			continue;
		if (s->size > UINT32_MAX)
			return elf_fail(l, -EINVAL, i, ELF_NO_OFF, "global data of %zu bytes is too large",
					s->size);
		struct bpfrt_map_spec *m = map_add(ml, s->name, i, 0);
		if (!m)
			return -ENOMEM;
		static const enum bpfrt_map_origin origin[] = {
			[SEC_DATA] = BPFRT_MAP_DATA, [SEC_RODATA] = BPFRT_MAP_RODATA, [SEC_BSS] = BPFRT_MAP_BSS
		};
		m->origin = origin[s->kind];
		m->type = BPFRT_MAP_TYPE_ARRAY;
		m->key_size = sizeof(uint32_t);
		m->value_size = (uint32_t)s->size;
		m->max_entries = 1;
		m->map_flags = BPFRT_F_MMAPABLE;
		if (s->kind == SEC_RODATA) {
			m->map_flags |= BPFRT_F_RDONLY_PROG;
			m->frozen = true;
		}
		if (l->obj->btf) {
			int id = btf__find_by_name_kind(l->obj->btf, s->name, BTF_KIND_DATASEC);
			m->btf_value_type_id = id > 0 ? (uint32_t)id : 0;
		}
		if (s->data) {
			void *init = malloc(s->size);
			if (!init)
				return -ENOMEM;
			memcpy(init, s->data, s->size);
			m->init_data = init;
			m->init_size = s->size;
		}
		s->map_idx = (int)(ml->n - 1);
	}
	return 0;
}

int elf_collect_maps(struct elf_loader *l)
{
	struct map_list ml = { 0 }, inner = { 0 };
	int err = 0;
	if (l->maps_idx)
		err = collect_btf_maps(l, &ml, &inner);
	/* in section (= source) order, not clang's DATASEC order */
	for (size_t i = 1; !err && i < ml.n; i++)
		for (size_t k = i; k > 0 && ml.off[k - 1] > ml.off[k]; k--) {
			struct bpfrt_map_spec m = ml.v[k];
			uint64_t o = ml.off[k];
			uint32_t z = ml.size[k];
			int64_t vo = ml.values_off[k];
			ml.v[k] = ml.v[k - 1], ml.off[k] = ml.off[k - 1];
			ml.size[k] = ml.size[k - 1], ml.values_off[k] = ml.values_off[k - 1];
			ml.v[k - 1] = m, ml.off[k - 1] = o;
			ml.size[k - 1] = z, ml.values_off[k - 1] = vo;
		}
	if (!err && l->legacy_maps_idx)
		err = collect_legacy_maps(l, &ml);
	if (!err)
		err = collect_data_maps(l, &ml);
	size_t base = ml.n;
	for (size_t i = 0; !err && i < inner.n; i++) {
		struct bpfrt_map_spec *m = map_add(&ml, inner.v[i].name, 0, 0);
		if (!m) {
			err = -ENOMEM;
			break;
		}
		const char *name = m->name;
		*m = inner.v[i];
		free((char *)inner.v[i].name);
		m->name = name;
		inner.v[i].name = NULL;
	}
	for (size_t i = 0; i < base; i++)
		if (ml.v[i].inner_map_idx >= 0 && ml.v[i].origin == BPFRT_MAP_BTF)
			ml.v[i].inner_map_idx += (int32_t)base;
	for (size_t i = 0; i < inner.n; i++)
		free((char *)inner.v[i].name);
	free(inner.v);
	free(inner.shndx);
	free(inner.off);
	free(inner.size);
	free(inner.values_off);
	l->obj->maps = ml.v;
	l->obj->map_cnt = ml.n;
	l->map_shndx = ml.shndx;
	l->map_off = ml.off;
	l->map_size = ml.size;
	l->map_values_off = ml.values_off;
	return err;
}

int elf_map_at(const struct elf_loader *l, size_t shndx, uint64_t off)
{
	for (size_t i = 0; i < l->obj->map_cnt; i++)
		if (l->map_shndx[i] == shndx && l->map_off[i] == off && shndx)
			return (int)i;
	return -1;
}

/* The .maps definition holding byte `off`, or -1. */
static int map_holding(const struct elf_loader *l, uint64_t off)
{
	for (size_t i = 0; i < l->obj->map_cnt; i++)
		if (l->map_shndx[i] == l->maps_idx && off >= l->map_off[i] &&
		    off - l->map_off[i] < l->map_size[i])
			return (int)i;
	return -1;
}

/* One `.values = { [i] = &map }` entry: outer's init_slots[i] = target. */
static int set_init_slot(struct elf_loader *l, size_t ri, uint64_t at, const GElf_Rel *rel)
{
	GElf_Sym sym;
	const char *name;
	int o = map_holding(l, rel->r_offset);
	if (elf_symbol(l, GELF_R_SYM(rel->r_info), &sym, &name, ri, at))
		return -EINVAL;
	if (o < 0)
		return elf_fail(l, -EINVAL, ri, at, "relocation at .maps+%#llx is in no map definition",
				(unsigned long long)rel->r_offset);
	struct bpfrt_map_spec *m = &l->obj->maps[o];
	uint64_t in = rel->r_offset - l->map_off[o];
	bool progs = m->type == BPFRT_MAP_TYPE_PROG_ARRAY;
	if (!progs && m->type != BPFRT_MAP_TYPE_ARRAY_OF_MAPS && m->type != BPFRT_MAP_TYPE_HASH_OF_MAPS)
		return elf_fail(l, -ENOTSUP, ri, at,
				"map '%s': initial values are for maps of maps and prog arrays", m->name);
	if (GELF_R_TYPE(rel->r_info) != R_BPF_64_ABS64 || l->map_values_off[o] < 0 ||
	    in < (uint64_t)l->map_values_off[o] || (in - (uint64_t)l->map_values_off[o]) % 8)
		return elf_fail(l, -EINVAL, ri, at, "map '%s': relocation at +%#llx is not a 'values' slot",
				m->name, (unsigned long long)in);
	int t = progs			     ? elf_prog_at(l, sym.st_shndx, sym.st_value)
		: sym.st_shndx == l->maps_idx ? elf_map_at(l, l->maps_idx, sym.st_value)
					      : -1;
	if (t < 0)
		return elf_fail(l, -EINVAL, ri, at, "map '%s': initial value '%s' is not a %s", m->name,
				name, progs ? "program" : "map");
	if (m->type == BPFRT_MAP_TYPE_HASH_OF_MAPS && m->key_size != sizeof(uint32_t))
		return elf_fail(l, -EINVAL, ri, at,
				"map '%s': a hash of maps with initial values needs a 4-byte key", m->name);
	uint64_t slot = (in - (uint64_t)l->map_values_off[o]) / 8;
	if (slot >= m->init_slot_cnt) {
		int32_t *v = realloc((void *)m->init_slots, (slot + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		for (size_t k = m->init_slot_cnt; k <= slot; k++)
			v[k] = -1;
		m->init_slots = v;
		m->init_slot_cnt = (uint32_t)slot + 1;
	}
	((int32_t *)m->init_slots)[slot] = t;
	return 0;
}

int elf_collect_map_relos(struct elf_loader *l, size_t ri)
{
	const struct elf_sec *rs = &l->secs[ri];
	Elf_Data *d = elf_getdata(elf_getscn(l->elf, ri), NULL);
	if (rs->shdr.sh_entsize != sizeof(Elf64_Rel) || rs->size % sizeof(Elf64_Rel))
		return elf_fail(l, -EINVAL, ri, ELF_NO_OFF, "bad relocation entry size");
	for (size_t k = 0; k < rs->size / sizeof(Elf64_Rel); k++) {
		GElf_Rel rel;
		uint64_t at = k * sizeof(Elf64_Rel);
		int err;
		if (!d || !gelf_getrel(d, (int)k, &rel))
			return elf_fail(l, -EINVAL, ri, at, "unreadable relocation");
		if ((err = set_init_slot(l, ri, at, &rel)))
			return err;
	}
	return 0;
}
