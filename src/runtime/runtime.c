/* SPDX-License-Identifier: MIT */
/*
 * An object's run-time: maps created from its specs, programs loaded on
 * demand through fixups into one VM (bpfrt/runtime.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpfrt/runtime.h"
#include "bpfrt/verifier.h"
#include "fixups/fixups.h"
#include "helpers/kfuncs.h"
#include "runtime/pkt_run.h"
#include "runtime/verify.h"
#include "helpers/trace_frame.h"
#include "maps/map_ops.h"
#include "runtime/runtime_priv.h"
#include "verifier/facts.h"
#include "util/opts.h"
#include "vm/prog.h"

#define VERIFIER_LOG_SIZE (64 * 1024)
/* The context a verified program gets at least (zero-padded): more than
 * any attach kind's context (struct pt_regs, bpf_perf_event_data, ...),
 * except a tracepoint's record, which gets the size it was verified for
 * (ctx_min_size). */
#define RT_MIN_CTX_SIZE 512

struct rt_prog {
	struct bpfrt_program *src; /* the object's program */
	struct bpfrt_prog *prog;   /* loaded, or NULL */
	int err;		   /* the load error, once tried */
	bool verified;		   /* accepted by the verifier: runs trusted */
};

struct bpfrt_runtime {
	const struct bpfrt_object *obj;
	struct bpfrt_vm *vm;
	enum bpfrt_backend backend;
	bool jit_harden;
	const struct btf *target_btf; /* the caller's: fentry/fexit argument types */
	uint32_t tp_record_size;      /* tracepoint programs' record (0: not known) */
	uint64_t rnd_hi32;	      /* runtime_test_rnd_hi32's seed, 0: off */
	enum bpfrt_runtime_verify verify;
	struct bpfrt_map **maps;
	struct fixup_map *fmaps; /* the maps as fixups see them */
	struct bpfrt_mem_region *regions; /* checked mode: every map's memory */
	size_t map_cnt;
	struct rt_prog *progs;
	size_t prog_cnt;
	char log[1024];
};

static int rt_fail(char *buf, size_t size, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int rt_fail(char *buf, size_t size, int err, const char *fmt, ...)
{
	if (buf && size) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(buf, size, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* Creates map `idx` from its spec; global data get their initial value.
 * A map of maps' inner template is created first (it may come later in
 * the object: the BTF "OUTER.inner" specs are last). */
static int create_map(struct bpfrt_runtime *rt, size_t idx, char *log, size_t log_size)
{
	const struct bpfrt_map_spec *s = bpfrt_object__map(rt->obj, idx);
	char why[256] = "";
	int err;

	if (rt->maps[idx])
		return 0;
	if (s->inner_map_idx >= 0) {
		size_t t = (size_t)s->inner_map_idx;

		if (t >= rt->map_cnt || t == idx)
			return rt_fail(log, log_size, -EINVAL, "map %s: no inner map template %zu",
				       s->name, t);
		if ((err = create_map(rt, t, log, log_size)))
			return err;
	}
	struct bpfrt_map_create_opts o = {
		.sz = sizeof(o),
		.map_flags = s->map_flags,
		.map_extra = s->map_extra,
		.log_buf = why,
		.log_size = sizeof(why),
		.inner_map = s->inner_map_idx >= 0 ? rt->maps[s->inner_map_idx] : NULL,
	};
	bool data = s->origin == BPFRT_MAP_DATA || s->origin == BPFRT_MAP_RODATA ||
		    s->origin == BPFRT_MAP_BSS;
	struct bpfrt_map *m;
	uint32_t zero = 0;

	m = bpfrt_map__create((enum bpfrt_map_type)s->type, s->name, s->key_size, s->value_size,
			      s->max_entries, &o);
	if (!m)
		return rt_fail(log, log_size, -errno, "map %s: %s", s->name,
			       why[0] ? why : strerror(errno));
	rt->maps[idx] = m;
	rt->fmaps[idx] = (struct fixup_map){ .map = m, .name = bpfrt_map__name(m) };
	rt->regions[idx] = (struct bpfrt_mem_region){
		.addr = m->region, .size = m->region_sz, .writable = true,
	};
	if (s->type == BPFRT_MAP_TYPE_ARRAY) { /* direct value access: element 0 */
		rt->fmaps[idx].value = map_lookup_elem(m, &zero, 0);
		rt->fmaps[idx].value_size = s->value_size;
	}
	if (!data)
		return 0;
	if (s->init_data && s->init_size) {
		uint8_t *v = calloc(1, s->value_size);

		if (!v)
			return -ENOMEM;
		memcpy(v, s->init_data, s->init_size < s->value_size ? s->init_size : s->value_size);
		err = bpfrt_map__update_elem(m, &zero, sizeof(zero), v, s->value_size, 0);
		free(v);
		if (err)
			return rt_fail(log, log_size, err, "map %s: initial value: %s", s->name,
				       strerror(-err));
	}
	if (s->frozen && (err = bpfrt_map__freeze(m)))
		return rt_fail(log, log_size, err, "map %s: freeze: %s", s->name, strerror(-err));
	return 0;
}

/* Maps of maps: the user side names inner maps by their id (what lookups
 * give back), among the object's maps. */
static struct bpfrt_map *resolve_map(void *ctx, uint32_t id)
{
	struct bpfrt_runtime *rt = ctx;

	for (size_t i = 0; i < rt->map_cnt; i++)
		if (rt->maps[i] && bpfrt_map__id(rt->maps[i]) == id)
			return rt->maps[i];
	return NULL;
}

/* A prog array's initial value: program t at key k, loaded now (as
 * libbpf loads the whole object before it fills prog arrays). */
static int put_initial_prog(struct bpfrt_runtime *rt, const struct bpfrt_map_spec *s,
			    struct bpfrt_map *m, uint32_t k, int32_t t, char *log, size_t log_size)
{
	struct bpfrt_prog *prog;
	int err;

	if ((size_t)t >= rt->prog_cnt)
		return rt_fail(log, log_size, -EINVAL, "map %s: initial value [%u] is program %d",
			       s->name, k, t);
	prog = bpfrt_runtime__prog(rt, bpfrt_program__name(rt->progs[t].src));
	if (!prog)
		return rt_fail(log, log_size, -errno, "map %s: initial value [%u]: %s", s->name, k,
			       rt->log);
	if ((err = bpfrt_map__set_prog(m, k, prog, (uint32_t)t)))
		return rt_fail(log, log_size, err, "map %s: initial value [%u]: %s", s->name, k,
			       strerror(-err));
	return 0;
}

/* Maps of maps get their resolver; maps of maps and prog arrays their
 * initial values (init_slots[k] at key k, as libbpf's init_*_slots). */
static int fill_slots(struct bpfrt_runtime *rt, size_t idx, char *log, size_t log_size)
{
	const struct bpfrt_map_spec *s = bpfrt_object__map(rt->obj, idx);
	struct bpfrt_map *m = rt->maps[idx];
	int err;

	if (s->type == BPFRT_MAP_TYPE_PROG_ARRAY) {
		for (uint32_t k = 0; k < s->init_slot_cnt; k++)
			if (s->init_slots[k] >= 0 &&
			    (err = put_initial_prog(rt, s, m, k, s->init_slots[k], log, log_size)))
				return err;
		return 0;
	}
	if (s->type != BPFRT_MAP_TYPE_ARRAY_OF_MAPS && s->type != BPFRT_MAP_TYPE_HASH_OF_MAPS)
		return 0;
	if ((err = bpfrt_map__set_map_resolver(m, resolve_map, rt)))
		return err;
	for (uint32_t k = 0; k < s->init_slot_cnt; k++) {
		int32_t t = s->init_slots[k];

		if (t < 0)
			continue;
		if ((size_t)t >= rt->map_cnt)
			return rt_fail(log, log_size, -EINVAL, "map %s: initial value [%u] is map %d",
				       s->name, k, t);
		err = bpfrt_map__update_inner(m, &k, sizeof(k), rt->maps[t], BPFRT_ANY);
		if (err)
			return rt_fail(log, log_size, err, "map %s: initial value [%u] = %s: %s",
				       s->name, k, bpfrt_object__map(rt->obj, (size_t)t)->name,
				       err == -EINVAL ? "does not fit the inner map template"
						      : strerror(-err));
	}
	return 0;
}

/* Prog arrays: the user side names programs by their index in the object. */
static struct bpfrt_prog *resolve_prog(void *ctx, uint32_t id)
{
	struct bpfrt_runtime *rt = ctx;

	if (id >= rt->prog_cnt)
		return NULL;
	return bpfrt_runtime__prog(rt, bpfrt_program__name(rt->progs[id].src));
}

struct bpfrt_runtime *bpfrt_runtime__new(const struct bpfrt_object *obj,
					 const struct bpfrt_runtime_opts *opts)
{
	struct bpfrt_runtime *rt;
	char *log = OPTS_GET(opts, log_buf, NULL);
	size_t log_size = OPTS_GET(opts, log_size, 0);
	int err = -ENOMEM;

	if (!obj) {
		errno = EINVAL;
		return NULL;
	}
	if (log && log_size)
		log[0] = '\0';
	rt = calloc(1, sizeof(*rt));
	if (!rt)
		goto fail_errno;
	rt->obj = obj;
	rt->backend = OPTS_GET(opts, backend, BPFRT_BACKEND_INTERP);
	rt->jit_harden = OPTS_GET(opts, jit_harden, false);
	rt->target_btf = OPTS_GET(opts, target_btf, NULL);
	rt->tp_record_size = OPTS_GET(opts, tp_record_size, 0);
	if (rt->tp_record_size > BPFRT_TP_RECORD_MAX)
		rt->tp_record_size = BPFRT_TP_RECORD_MAX;
	rt->verify = OPTS_GET(opts, verify, BPFRT_VERIFY_AUTO);
	rt->map_cnt = bpfrt_object__map_cnt(obj);
	rt->prog_cnt = bpfrt_object__prog_cnt(obj);
	rt->maps = calloc(rt->map_cnt + 1, sizeof(*rt->maps));
	rt->fmaps = calloc(rt->map_cnt + 1, sizeof(*rt->fmaps));
	rt->regions = calloc(rt->map_cnt + 1, sizeof(*rt->regions));
	rt->progs = calloc(rt->prog_cnt + 1, sizeof(*rt->progs));
	rt->vm = bpfrt_vm__new();
	if (!rt->maps || !rt->fmaps || !rt->regions || !rt->progs || !rt->vm)
		goto fail;
	if ((err = bpfrt_vm__register_kernel_helpers(rt->vm)))
		goto fail;
	bpfrt_vm__set_trace_output(rt->vm, OPTS_GET(opts, trace_fn, NULL),
				   OPTS_GET(opts, trace_ctx, NULL));
	for (size_t i = 0; i < rt->prog_cnt; i++)
		rt->progs[i].src = bpfrt_object__prog(obj, i);
	for (size_t i = 0; i < rt->map_cnt; i++)
		if ((err = create_map(rt, i, log, log_size)))
			goto fail;
	for (size_t i = 0; i < rt->map_cnt; i++)
		if (bpfrt_map__type(rt->maps[i]) == BPFRT_MAP_TYPE_PROG_ARRAY)
			bpfrt_map__set_prog_resolver(rt->maps[i], resolve_prog, rt);
	for (size_t i = 0; i < rt->map_cnt; i++)
		if ((err = fill_slots(rt, i, log, log_size)))
			goto fail;
	return rt;
fail:
	bpfrt_runtime__free(rt);
	errno = -err;
	return NULL;
fail_errno:
	errno = ENOMEM;
	return NULL;
}

void bpfrt_runtime__free(struct bpfrt_runtime *rt)
{
	if (!rt)
		return;
	/* Prog arrays point at programs: empty them before the programs go. */
	for (size_t i = 0; i < rt->map_cnt; i++)
		if (rt->maps && rt->maps[i] &&
		    bpfrt_map__type(rt->maps[i]) == BPFRT_MAP_TYPE_PROG_ARRAY)
			for (uint32_t k = 0; k < bpfrt_map__max_entries(rt->maps[i]); k++)
				bpfrt_map__set_prog(rt->maps[i], k, NULL, 0);
	for (size_t i = 0; rt->progs && i < rt->prog_cnt; i++)
		bpfrt_prog__free(rt->progs[i].prog);
	for (size_t i = 0; rt->maps && i < rt->map_cnt; i++)
		bpfrt_map__free(rt->maps[i]);
	bpfrt_vm__free(rt->vm);
	free(rt->maps);
	free(rt->fmaps);
	free(rt->regions);
	free(rt->progs);
	free(rt);
}

struct bpfrt_vm *bpfrt_runtime__vm(const struct bpfrt_runtime *rt)
{
	return rt->vm;
}

const struct bpfrt_object *bpfrt_runtime__object(const struct bpfrt_runtime *rt)
{
	return rt->obj;
}

size_t bpfrt_runtime__map_cnt(const struct bpfrt_runtime *rt)
{
	return rt->map_cnt;
}

struct bpfrt_map *bpfrt_runtime__map(const struct bpfrt_runtime *rt, size_t idx)
{
	if (idx >= rt->map_cnt) {
		errno = ENOENT;
		return NULL;
	}
	return rt->maps[idx];
}

struct bpfrt_map *bpfrt_runtime__find_map(const struct bpfrt_runtime *rt, const char *name)
{
	int idx = bpfrt_object__find_map(rt->obj, name);

	if (idx < 0) {
		errno = ENOENT;
		return NULL;
	}
	return bpfrt_runtime__map(rt, (size_t)idx);
}

const char *bpfrt_runtime__log(const struct bpfrt_runtime *rt)
{
	return rt->log;
}

static struct rt_prog *find_rt_prog(struct bpfrt_runtime *rt, const char *name)
{
	for (size_t i = 0; i < rt->prog_cnt; i++)
		if (strcmp(bpfrt_program__name(rt->progs[i].src), name) == 0)
			return &rt->progs[i];
	return NULL;
}

static void trim_newline(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

/* The reason of a rejection: the verifier log's last line before its
 * statistics ("processed N insns ..."). */
static const char *reason(char *log)
{
	char *stats = strstr(log, "\nprocessed "), *p;

	if (stats)
		*stats = '\0';
	trim_newline(log);
	p = strrchr(log, '\n');
	return p ? p + 1 : log;
}

/* The verifier's judgement: sets p->verified; with BPFRT_VERIFY_AUTO a
 * rejection is noted in rt->log and the program runs checked. 0 or the
 * error that stops the load. */
static int judge(struct bpfrt_runtime *rt, struct rt_prog *p, const struct bpfrt_insn *insns,
		 size_t cnt, struct verifier_facts **facts)
{
	const char *name = bpfrt_program__name(p->src);
	char *vlog = malloc(VERIFIER_LOG_SIZE);
	int err;

	if (!vlog)
		return -ENOMEM;
	vlog[0] = '\0';
	err = runtime_verify(rt->obj, p->src, rt->target_btf, rt->tp_record_size, insns, cnt, vlog,
			     VERIFIER_LOG_SIZE, facts);
	p->verified = err == 0;
	if (err == -ENOMEM) {
		rt_fail(rt->log, sizeof(rt->log), err, "program %s: out of memory", name);
	} else if (err && rt->verify == BPFRT_VERIFY_REQUIRE) {
		rt_fail(rt->log, sizeof(rt->log), err, "program %s: rejected by the verifier: %s",
			name, reason(vlog));
	} else if (err == -EOPNOTSUPP) {
		err = 0; /* no verifier in this build: checked, as with BPFRT_VERIFY_OFF */
	} else if (err) {
		rt_fail(rt->log, sizeof(rt->log), 0,
			"program %s: not verified (%s); it runs checked", name, reason(vlog));
		err = 0;
	}
	free(vlog);
	return err;
}

bool bpfrt_runtime__prog_verified(const struct bpfrt_runtime *rt, const char *name)
{
	for (size_t i = 0; name && i < rt->prog_cnt; i++)
		if (!strcmp(bpfrt_program__name(rt->progs[i].src), name))
			return rt->progs[i].verified && rt->progs[i].prog;
	return false;
}

static int rt_gen_lookup(const void *map, struct bpfrt_insn *insns, size_t cap)
{
	return map_gen_lookup(map, insns, cap);
}

/* Packet programs whose context the fixups convert (fixups.h). */
static enum fixup_ctx_kind ctx_kind(enum bpfrt_attach_kind k)
{
	if (k == BPFRT_ATTACH_XDP)
		return FIXUP_CTX_XDP;
	if (k == BPFRT_ATTACH_TC || k == BPFRT_ATTACH_SOCKET || k == BPFRT_ATTACH_CGROUP_SKB)
		return FIXUP_CTX_SKB;
	return FIXUP_CTX_NONE;
}

/* The object's source lines of the program, moved to where fixups put
 * their instructions (slot_map, or NULL when none moved). */
static int source_lines(const struct bpfrt_program *src, const size_t *slot_map,
			struct bpfrt_line_info **out, size_t *cnt)
{
	const struct bpfrt_line_info *li = bpfrt_program__line_info(src, cnt);

	*out = NULL;
	if (!li || !*cnt)
		return 0;
	*out = malloc(*cnt * sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (size_t i = 0; i < *cnt; i++) {
		(*out)[i] = li[i];
		if (slot_map && li[i].insn_idx <= bpfrt_program__insn_cnt(src))
			(*out)[i].insn_idx = (uint32_t)slot_map[li[i].insn_idx];
	}
	return 0;
}

/* What the backends may rely on (vm/prog.h VM_FACT_*), per instruction of
 * the loaded program, from the verifier's facts about the `vcnt`
 * instructions it saw (slot_map: where fixups moved them). */
uint8_t *runtime_backend_facts(const struct verifier_facts *f, size_t vcnt, const size_t *slot_map,
			       size_t cnt)
{
	uint8_t *out = calloc(cnt ? cnt : 1, 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < vcnt && i < f->insn_cnt; i++) {
		const struct insn_fact *x = &f->insn[i];
		uint8_t v = 0;

		if (slot_map && slot_map[i + 1] - slot_map[i] != 1 && (x->flags & FACT_CALL_HELPER))
			continue; /* an inlined call: other instructions now */
		/* else the instruction itself comes first (rnd_hi32's junk follows it) */
		if (fact_proven(x, FACT_U_DIV_ZERO))
			v |= VM_FACT_DIV_NONZERO;
		if (fact_proven(x, FACT_U_DIV_MINUS1))
			v |= VM_FACT_DIV_NOT_MINUS1;
		if (fact_proven(x, FACT_U_UPPER))
			v |= VM_FACT_UPPER_ZERO;
		if (x->mem_kind == FACT_MEM_BTF)
			v |= VM_FACT_PROBE_MEM;
		out[slot_map ? slot_map[i] : i] = v;
	}
	return out;
}

/* The verifier's stack depth per subprogram for the backends
 * (vm_load_extra.stack_depth): 1 + bytes at each subprogram's first
 * instruction of the loaded program. */
static uint16_t *backend_depths(const struct verifier_facts *f, size_t vcnt, const size_t *slot_map,
				size_t cnt)
{
	uint16_t *out = calloc(cnt ? cnt : 1, sizeof(*out));

	for (uint32_t k = 0; out && k < f->subprog_cnt; k++) {
		const struct subprog_fact *s = &f->subprogs[k];
		size_t at = s->start < vcnt && slot_map ? slot_map[s->start] : s->start;

		if (s->start >= vcnt || at >= cnt || s->stack_depth > BPFRT_STACK_SIZE) {
			free(out); /* facts that do not fit the program: use none */
			return NULL;
		}
		out[at] = (uint16_t)(s->stack_depth + 1);
	}
	return out;
}

/* Verification, fixups and backend load for one program. */
static int load_prog(struct bpfrt_runtime *rt, struct rt_prog *p)
{
	const char *name = bpfrt_program__name(p->src);
	size_t cnt = bpfrt_program__insn_cnt(p->src);
	struct bpfrt_insn *insns = malloc((cnt + 1) * sizeof(*insns));
	struct fixup_env env = {
		.maps = rt->fmaps, .map_cnt = rt->map_cnt, .gen_lookup = rt_gen_lookup,
	};
	struct verifier_facts *facts = NULL;
	char why[400] = "";
	int err = -ENOMEM;
	size_t *slot_map = NULL, vcnt = cnt;
	struct bpfrt_line_info *lines = NULL;
	uint8_t *vfacts = NULL;
	uint16_t *vdepths = NULL;
	struct vm_load_extra extra = { 0 };

	env.slot_map = &slot_map;
	if (!insns)
		goto out;
	memcpy(insns, bpfrt_program__insns(p->src), cnt * sizeof(*insns));
	rt->log[0] = '\0';
	/* Kfuncs by name, before the verifier judges the calls (as libbpf
	 * resolves them before the kernel's verifier): imm = the kfunc's index
	 * in src/helpers/kfuncs.c's table. */
	if ((err = verify_resolve_kfuncs(p->src, insns, cnt, why, sizeof(why)))) {
		rt_fail(rt->log, sizeof(rt->log), err, "program %s: %s", name, why);
		goto out;
	}
	if (rt->verify != BPFRT_VERIFY_OFF && (err = judge(rt, p, insns, cnt, &facts)) < 0)
		goto out;
	/* Verified programs: dead branches wired, the context loads the verifier saw (facts);
	 * others: the fixups' own scan. */
	if ((err = fixups_dead_branches(insns, cnt, facts, NULL)) ||
	    (err = fixups_calls(insns, cnt, facts, NULL)) ||
	    (err = fixups_convert_ctx(insns, cnt, ctx_kind(bpfrt_program__attach_kind(p->src)),
				      facts, NULL)) ||
	    (rt->rnd_hi32 && facts &&
	     (err = fixups_rnd_hi32(&insns, &cnt, facts, rt->rnd_hi32, &slot_map, NULL))) ||
	    (err = fixups_inline(&insns, &cnt, &env)) ||
	    (err = fixups_apply(insns, cnt, &env, why, sizeof(why)))) {
		if (err == -ENOMEM)
			snprintf(why, sizeof(why), "out of memory");
		rt_fail(rt->log, sizeof(rt->log), err, "program %s: %s", name, why);
		goto out;
	}
	struct bpfrt_prog_opts o = {
		.sz = sizeof(o),
		.name = name,
		.mode = p->verified ? BPFRT_EXEC_TRUSTED : BPFRT_EXEC_CHECKED,
		.backend = rt->backend,
		.jit_harden = rt->jit_harden,
		.log_buf = why,
		.log_size = sizeof(why),
	};
	if ((err = source_lines(p->src, slot_map, &lines, &extra.line_info_cnt)))
		goto out;
	extra.line_info = lines;
	if (p->verified && facts && !(extra.facts = vfacts = runtime_backend_facts(facts, vcnt, slot_map, cnt))) {
		err = -ENOMEM;
		goto out;
	}
	if (p->verified && facts)
		extra.stack_depth = vdepths = backend_depths(facts, vcnt, slot_map, cnt);
	p->prog = vm_prog_load(rt->vm, insns, cnt, &o, &extra);
	if (!p->prog && !p->verified && rt->log[0]) {
		/* the JIT refuses checked programs: say why it is not verified */
		char *tail = strstr(rt->log, "; it runs checked");
		size_t n;

		err = -errno;
		if (tail)
			*tail = '\0';
		n = strlen(rt->log);
		snprintf(rt->log + n, sizeof(rt->log) - n, "; the %s runs verified programs only",
			 rt->backend == BPFRT_BACKEND_JIT ? "JIT" : "backend");
	} else if (!p->prog) {
		err = -errno;
		trim_newline(why);
		rt_fail(rt->log, sizeof(rt->log), err, "program %s: %s", name,
			why[0] ? why : strerror(errno));
	}
out:
	verifier_facts_free(facts);
	free(insns);
	free(slot_map);
	free(lines);
	free(vfacts);
	free(vdepths);
	return err;
}

void runtime_test_rnd_hi32(struct bpfrt_runtime *rt, uint64_t seed)
{
	rt->rnd_hi32 = seed;
}

struct bpfrt_prog *bpfrt_runtime__prog(struct bpfrt_runtime *rt, const char *name)
{
	struct rt_prog *p = name ? find_rt_prog(rt, name) : NULL;

	if (!p) {
		rt_fail(rt->log, sizeof(rt->log), 0, "no program named %s", name ? name : "(null)");
		errno = ENOENT;
		return NULL;
	}
	if (!p->prog && !p->err)
		p->err = load_prog(rt, p);
	if (!p->prog) {
		errno = -p->err;
		return NULL;
	}
	return p->prog;
}

static struct rt_prog *rt_prog_of(struct bpfrt_runtime *rt, const struct bpfrt_prog *prog)
{
	for (size_t i = 0; i < rt->prog_cnt; i++)
		if (rt->progs[i].prog == prog)
			return &rt->progs[i];
	return NULL;
}

static bool has_trace_frame(enum bpfrt_attach_kind k)
{
	return k == BPFRT_ATTACH_FENTRY || k == BPFRT_ATTACH_FEXIT ||
	       k == BPFRT_ATTACH_FSESSION || k == BPFRT_ATTACH_FMOD_RET;
}

/* The bytes of context a verified program of this kind may read: a
 * tracepoint's record as verified (the kernel's 8192 when its size is not
 * known), RT_MIN_CTX_SIZE covers the others. */
static size_t ctx_min_size(const struct bpfrt_runtime *rt, enum bpfrt_attach_kind k)
{
	if (k != BPFRT_ATTACH_TRACEPOINT)
		return RT_MIN_CTX_SIZE;
	return rt->tp_record_size ? rt->tp_record_size : BPFRT_TP_RECORD_MAX;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int bpfrt_runtime__run(struct bpfrt_runtime *rt, const struct bpfrt_prog *prog, void *ctx,
		       size_t ctx_size, uint64_t *ret, struct bpfrt_runtime_run_opts *opts)
{
	struct rt_prog *p = rt_prog_of(rt, prog);
	uint64_t repeat = OPTS_GET(opts, repeat, 1), t0, r0 = 0;
	struct bpfrt_run_opts ro = {
		.sz = sizeof(ro),
		.regions = rt->regions,
		.region_cnt = rt->map_cnt,
		.log_buf = OPTS_GET(opts, log_buf, NULL),
		.log_size = OPTS_GET(opts, log_size, 0),
	};
	struct trace_frame *frame = NULL;
	struct bpfrt_mem_region *regions = NULL;
	struct pkt_frame pkt = { 0 };
	uint64_t small_ctx[RT_MIN_CTX_SIZE / 8], *pad = small_ctx;
	void *user_ctx = NULL;
	size_t user_ctx_size = 0;
	int err = 0;

	if (!p || !ret)
		return -EINVAL;
	if (!repeat)
		repeat = 1;
	enum bpfrt_attach_kind attach = bpfrt_program__attach_kind(p->src);
	enum fixup_ctx_kind kind = ctx_kind(attach);

	if (kind != FIXUP_CTX_NONE) {
		/* ctx is the packet (BPF_PROG_TEST_RUN's data_in), copied into a
		 * frame with head- and tailroom (pkt_run.h); the program gets
		 * the context struct around it, checked programs the frame. */
		if ((err = pkt_frame_init(&pkt, kind, attach == BPFRT_ATTACH_SOCKET ||
						   attach == BPFRT_ATTACH_CGROUP_SKB,
					  ctx, ctx_size)))
			return err;
		regions = malloc((rt->map_cnt + 1) * sizeof(*regions));
		if (!regions) {
			pkt_frame_fini(&pkt);
			return -ENOMEM;
		}
		memcpy(regions, rt->regions, rt->map_cnt * sizeof(*regions));
		regions[rt->map_cnt] = (struct bpfrt_mem_region){ pkt.buf, pkt.size, true };
		ro.regions = regions;
		ro.region_cnt = rt->map_cnt + 1;
		ctx = pkt_frame_ctx(&pkt, &ctx_size);
	}
	if (has_trace_frame(bpfrt_program__attach_kind(p->src))) {
		/* The arguments, then one more word for the return value. */
		size_t nargs = ctx_size / 8;

		if (nargs > TRACE_MAX_ARGS || ctx_size % 8) {
			rt_fail(ro.log_buf, ro.log_size, 0,
				"the context of a %s program is its u64 arguments: at most %d, "
				"not %zu bytes", bpfrt_attach_kind_name(bpfrt_program__attach_kind(p->src)),
				TRACE_MAX_ARGS, ctx_size);
			return ctx_size % 8 ? -EINVAL : -E2BIG;
		}
		frame = calloc(1, sizeof(*frame) + (TRACE_MAX_ARGS + 1) * 8);
		if (!frame)
			return -ENOMEM;
		frame->nr_args = nargs;
		memcpy(frame->args, ctx, ctx_size);
		ctx = frame->args;
		ctx_size = (nargs + 1) * 8;
		/* Checked programs reach the frame's words below ctx through the
		 * kfuncs' pointers (bpf_session_cookie): one more region. */
		regions = malloc((rt->map_cnt + 1) * sizeof(*regions));
		if (!regions) {
			free(frame);
			return -ENOMEM;
		}
		memcpy(regions, rt->regions, rt->map_cnt * sizeof(*regions));
		regions[rt->map_cnt] = (struct bpfrt_mem_region){ frame, sizeof(*frame), true };
		ro.regions = regions;
		ro.region_cnt = rt->map_cnt + 1;
	}
	size_t min_size = ctx_min_size(rt, attach);
	if (p->verified && !frame && kind == FIXUP_CTX_NONE && ctx_size < min_size) {
		/* BPF_PROG_TEST_RUN's zeroed context: a verified program reads
		 * its context's fields (pt_regs, a tracepoint's record, ...)
		 * unchecked, so a shorter or missing ctx is padded with zeroes
		 * to what it was verified for (written back after the run). */
		if (min_size > sizeof(small_ctx) && !(pad = calloc(1, min_size))) {
			free(regions);
			return -ENOMEM;
		}
		memset(pad, 0, min_size);
		if (ctx_size)
			memcpy(pad, ctx, ctx_size);
		user_ctx = ctx;
		user_ctx_size = ctx_size;
		ctx = pad;
		ctx_size = min_size;
	}
	t0 = now_ns();
	/* As the kernel's test run, repeats run on the same packet: what one
	 * run moved or wrote, the next sees. */
	for (uint64_t i = 0; i < repeat && !err; i++)
		err = vm_prog_run(prog, ctx, ctx_size, &r0, &ro, pkt.buf ? &pkt : NULL, frame);
	if (OPTS_HAS(opts, duration_ns))
		opts->duration_ns = (now_ns() - t0) / repeat;
	*ret = r0;
	if (user_ctx && user_ctx_size)
		memcpy(user_ctx, pad, user_ctx_size);
	if (!err && pkt.buf && OPTS_HAS(opts, data_size_out)) {
		size_t size = OPTS_GET(opts, data_out, NULL) ? opts->data_size_out : 0;

		err = pkt_frame_output(&pkt, opts->data_out, &size);
		opts->data_size_out = size;
	}
	if (!pkt.buf && OPTS_HAS(opts, data_size_out)) /* not a packet program: no packet */
		opts->data_out = NULL, opts->data_size_out = 0;
	pkt_frame_fini(&pkt);
	free(frame);
	free(regions);
	if (pad != small_ctx)
		free(pad);
	return err;
}
