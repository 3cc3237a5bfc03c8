/* SPDX-License-Identifier: MIT */
/*
 * The verifier's zero-extension facts tested as the kernel tests its own
 * (BPF_F_TEST_RND_HI32): every accepted runnable program of the verifier's
 * case corpus, the conformance corpus and the example objects runs in the
 * interpreter and the JIT (also with constant blinding) with and without junk in the upper half of each
 * 32-bit definition not marked FACT_ZEXT (fixups_rnd_hi32), and must give
 * the same results: run status, r0, the context's bytes and every map's
 * contents. A program that gives different results on two runs without
 * junk (a clock, a random helper) is left out, and counted.
 *
 * The teeth: with the marks cleared, junk reaches results (the first test,
 * and by hand: facts_mark_zext marking nothing fails the corpora).
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpfrt/asm.h"
#include "bpfrt/map.h"
#include "bpfrt/object.h"
#include "bpfrt/runtime.h"
#include "bpfrt/verifier.h"
#include "bpfrt/vm.h"
#include "fixups/fixups.h"
#include "maps/map_ops.h"
#include "runtime/runtime_priv.h"
#include "vcase.h"
#include "verifier/facts.h"
#include "verify_text.h"
#include "vm/prog.h"
#include "xorshift.h"

#define MAX_MAPS 8

/* What one run produced. */
struct outcome {
	int err;
	uint64_t r0;
	uint64_t digest; /* context bytes after the run and every map's contents */
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

/* Every map's key/value pairs, independent of their order (hash maps lay
 * them out by a per-map seed). */
static uint64_t maps_digest(struct bpfrt_map *const *maps, size_t n)
{
	uint64_t d = 0;

	for (size_t m = 0; m < n; m++) {
		uint32_t ks = bpfrt_map__key_size(maps[m]);
		size_t vs = bpfrt_map__user_value_size(maps[m]);
		uint8_t *key = calloc(1, ks + 1), *next = calloc(1, ks + 1), *val = calloc(1, vs + 1);
		bool first = true;

		for (int guard = 0; key && next && val && guard < 100000; guard++) {
			if (bpfrt_map__get_next_key(maps[m], first ? NULL : key, next, ks))
				break;
			first = false;
			memcpy(key, next, ks);
			if (bpfrt_map__lookup_elem(maps[m], key, ks, val, vs, 0))
				continue;
			d += fnv(fnv(0xcbf29ce484222325ULL + m, key, ks), val, vs);
		}
		free(key), free(next), free(val);
	}
	return d;
}

/* The engines every program runs in. */
static const struct engine {
	enum bpfrt_backend be;
	bool harden; /* constant blinding (its scratch register beside the junk) */
	const char *name;
} engines[] = {
	{ BPFRT_BACKEND_INTERP, false, "interp" },
	{ BPFRT_BACKEND_JIT, false, "jit" },
	{ BPFRT_BACKEND_JIT, true, "jit-harden" },
};
#define ENGINES (sizeof(engines) / sizeof(engines[0]))

static bool same(const struct outcome *a, const struct outcome *b)
{
	return a->err == b->err && a->r0 == b->r0 && a->digest == b->digest;
}

/* ---- raw programs (verifier cases, conformance) ---- */

static int gen_lookup(const void *map, struct bpfrt_insn *insns, size_t cap)
{
	return map_gen_lookup(map, insns, cap);
}

struct raw {
	const struct bpfrt_insn *insns;
	size_t cnt;
	const struct bpfrt_verify_opts *vo;
	const uint8_t *ctx; /* vo->ctx_size bytes */
	const struct verifier_facts *facts;
};

/* The runtime's pipeline for a verified raw program: fixups (rnd_hi32
 * with `seed`, none for 0), then a trusted run in `be` on fresh maps and a
 * copy of the context. *junked: sites that got junk. -EOPNOTSUPP when
 * the program cannot run here (a map type not created here, JIT not
 * built). */
static int run_raw(struct bpfrt_vm *vm, const struct raw *r, const struct engine *en,
		   uint64_t seed, struct outcome *o, size_t *junked)
{
	const struct bpfrt_verify_opts *vo = r->vo;
	struct bpfrt_map *maps[MAX_MAPS] = { 0 };
	struct fixup_map fm[MAX_MAPS];
	struct fixup_env env = { .maps = fm, .map_cnt = vo->map_cnt, .gen_lookup = gen_lookup };
	size_t cnt = r->cnt, *slot_map = NULL, ctx_size = vo->ctx_size;
	struct bpfrt_insn *insns = malloc((cnt + 1) * sizeof(*insns));
	uint8_t *ctx = malloc(ctx_size + 1), *vfacts = NULL;
	struct bpfrt_prog *prog = NULL;
	char why[512] = "";
	int err = -ENOMEM;

	env.slot_map = &slot_map;
	if (!insns || !ctx)
		goto out;
	err = -EOPNOTSUPP;
	if (vo->map_cnt > MAX_MAPS)
		goto out;
	for (size_t i = 0; i < vo->map_cnt; i++) {
		const struct bpfrt_verify_map *s = &vo->maps[i];
		uint32_t zero = 0;

		if (s->inner_map || !bpfrt_map_type_supported(s->type) ||
		    !(maps[i] = bpfrt_map__create(s->type, "m", s->key_size, s->value_size,
						  s->max_entries, NULL)))
			goto out;
		fm[i] = (struct fixup_map){ .map = maps[i], .name = "m" };
		if (s->type == BPFRT_MAP_TYPE_ARRAY) {
			fm[i].value = map_lookup_elem(maps[i], &zero, 0);
			fm[i].value_size = s->value_size;
			if (s->frozen_data)
				memcpy(fm[i].value, s->frozen_data, s->value_size);
		}
	}
	memcpy(insns, r->insns, cnt * sizeof(*insns));
	memcpy(ctx, r->ctx, ctx_size);
	if ((err = fixups_dead_branches(insns, cnt, r->facts, NULL)) ||
	    (seed && (err = fixups_rnd_hi32(&insns, &cnt, r->facts, seed, &slot_map, junked))) ||
	    (err = fixups_inline(&insns, &cnt, &env)) ||
	    (err = fixups_apply(insns, cnt, &env, why, sizeof(why)))) {
		print_message("fixups: %d %s\n", err, why);
		err = err == -EOPNOTSUPP || err == -ENOENT ? -EOPNOTSUPP : err;
		goto out;
	}
	err = -ENOMEM;
	if (!(vfacts = runtime_backend_facts(r->facts, r->cnt, slot_map, cnt)))
		goto out;
	struct bpfrt_prog_opts po = { .sz = sizeof(po), .mode = BPFRT_EXEC_TRUSTED,
				      .backend = en->be, .jit_harden = en->harden,
				      .log_buf = why, .log_size = sizeof(why) };
	struct vm_load_extra extra = { .facts = vfacts };
	if (!(prog = vm_prog_load(vm, insns, cnt, &po, &extra))) {
		err = errno == EOPNOTSUPP ? -EOPNOTSUPP : -errno;
		if (err != -EOPNOTSUPP)
			print_message("load: %s\n", why);
		goto out;
	}
	struct bpfrt_run_opts ro = { .sz = sizeof(ro) };
	o->r0 = 0;
	o->err = bpfrt_prog__run(prog, ctx, ctx_size, &o->r0, &ro);
	o->digest = fnv(maps_digest(maps, vo->map_cnt), ctx, ctx_size);
	err = 0;
out:
	bpfrt_prog__free(prog);
	for (size_t i = 0; i < MAX_MAPS; i++)
		bpfrt_map__free(maps[i]);
	free(vfacts);
	free(slot_map);
	free(insns);
	free(ctx);
	return err;
}

struct tally {
	int ran, nondet, skipped, differ;
	size_t junked;
};

/* Helpers whose results differ from run to run (a clock, random
 * numbers): a second run may agree by chance, so such programs are left
 * out by their calls. */
static const int32_t nondet_ids[] = { 5 /* ktime_get_ns */, 7 /* get_prandom_u32 */,
				      8 /* get_smp_processor_id */, 125 /* ktime_get_boot_ns */,
				      160 /* ktime_get_coarse_ns */, 190 /* jiffies64 */,
				      208 /* ktime_get_tai_ns */ };
static bool calls_one_of(const struct bpfrt_insn *insns, size_t cnt, const int32_t *ids,
			 size_t n)
{
	for (size_t i = 0; i < cnt; i++)
		for (size_t k = 0; k < n; k++)
			if (insns[i].code == (BPFRT_JMP | BPFRT_CALL) && !insns[i].src_reg &&
			    insns[i].imm == ids[k])
				return true;
	return false;
}

/* One program through the engines, with and without junk. */
static void check_raw(struct bpfrt_vm *vm, const char *name, const struct bpfrt_insn *insns,
		      size_t cnt, const struct bpfrt_verify_opts *vo_in, uint64_t seed,
		      struct tally *t)
{
	struct bpfrt_verify_opts vo = *vo_in;
	struct verifier_facts *facts = NULL;
	uint8_t *ctx = malloc(vo.ctx_size + 1);
	uint64_t s = seed;
	struct raw r = { insns, cnt, &vo, ctx, NULL };

	vo.log_buf = NULL, vo.log_size = 0, vo.log_level = 0;
	if (!ctx)
		fail();
	if (calls_one_of(insns, cnt, nondet_ids, sizeof(nondet_ids) / sizeof(nondet_ids[0]))) {
		t->nondet++;
		free(ctx);
		return;
	}
	for (size_t i = 0; i < vo.ctx_size; i++)
		ctx[i] = (uint8_t)xorshift64s(&s);
	if (verifier_run(insns, cnt, &vo, &facts)) {
		t->skipped++;
		free(ctx);
		return;
	}
	r.facts = facts;
	for (size_t e = 0; e < ENGINES; e++) {
		struct outcome base, again, junk;
		size_t n = 0;
		int err = run_raw(vm, &r, &engines[e], 0, &base, NULL);

		if (err == -EOPNOTSUPP) {
			t->skipped++;
			break;
		}
		if (err)
			fail_msg("%s: %d", name, err);
		assert_int_equal(run_raw(vm, &r, &engines[e], 0, &again, NULL), 0);
		if (!same(&base, &again)) {
			t->nondet++;
			break;
		}
		assert_int_equal(run_raw(vm, &r, &engines[e], seed | 1, &junk, &n), 0);
		t->ran++;
		t->junked += n;
		if (!same(&base, &junk)) {
			print_message("%s (%s): err %d r0 %#llx digest %#llx; with junk in %zu "
				      "upper halves: err %d r0 %#llx digest %#llx\n",
				      name, engines[e].name, base.err,
				      (unsigned long long)base.r0, (unsigned long long)base.digest, n,
				      junk.err, (unsigned long long)junk.r0,
				      (unsigned long long)junk.digest);
			t->differ++;
		}
	}
	verifier_facts_free(facts);
	free(ctx);
}

/* ---- the teeth: marks cleared, junk shows ---- */

static void cleared_marks_show(void **state)
{
	(void)state;
	struct bpfrt_vm *vm = bpfrt_vm__new();
	struct bpfrt_insn *p;
	size_t cnt;
	/* ldxw r3, mov32, add32 r2, ldxw r0: read as 32 bits; add32 r0: exit returns it */
	struct verifier_facts *f = verify_text("ldxw %r3, [%r1]\nmov32 %r2, %r3\nadd32 %r2, 1\n"
					       "ldxw %r0, [%r1+4]\nadd32 %r0, %r2\nexit\n",
					       8, &p, &cnt);
	struct bpfrt_verify_opts vo = { .sz = sizeof(vo), .ctx_size = 8 };
	uint8_t ctx[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct raw r = { p, cnt, &vo, ctx, f };
	struct outcome base, junk;
	size_t n = 0;

	for (size_t e = 0; e < ENGINES; e++) {
		const struct engine *be = &engines[e];

		if (run_raw(vm, &r, be, 0, &base, NULL) == -EOPNOTSUPP)
			continue;
		assert_int_equal(run_raw(vm, &r, be, 7, &junk, &n), 0);
		/* ldxw r3, mov32, add32 r2, ldxw r0 (all read as 32 bits); not
		 * add32 r0, which exit returns */
		assert_int_equal(n, 4);
		assert_true(same(&base, &junk));
		assert_int_equal(junk.r0, 0x08070605u + 0x04030201u + 1);
		/* the same program believed to need no zero-extension at all */
		for (size_t i = 0; i < cnt; i++)
			f->insn[i].flags &= (uint8_t)~FACT_ZEXT;
		assert_int_equal(run_raw(vm, &r, be, 7, &junk, &n), 0);
		assert_int_equal(n, 5);
		assert_false(same(&base, &junk));
		assert_int_equal((uint32_t)junk.r0, (uint32_t)base.r0);
		assert_int_not_equal(junk.r0 >> 32, 0);
		assert_int_equal(facts_mark_zext(p, cnt, f, NULL), 0);
	}
	/* the sequence after an unmarked def, and the slot map */
	struct bpfrt_insn *q = malloc(cnt * sizeof(*q));
	size_t qcnt = cnt, *map = NULL;
	memcpy(q, p, cnt * sizeof(*q));
	assert_int_equal(fixups_rnd_hi32(&q, &qcnt, f, 7, &map, &n), 0);
	assert_int_equal(qcnt, cnt + 3 * n);
	assert_memory_equal(&q[0], &p[0], sizeof(*p));
	assert_int_equal(q[1].code, BPFRT_ALU64 | BPFRT_END);
	assert_int_equal(q[1].imm, 64);
	assert_int_equal(q[2].code, BPFRT_ALU64 | BPFRT_OR | BPFRT_K);
	assert_true(q[2].imm > 0);
	assert_memory_equal(&q[3], &q[1], sizeof(*q));
	assert_int_equal(map[1], 4);
	assert_int_equal(map[3], 12);
	assert_int_equal(map[4], 16); /* add32 r0 (marked): no junk after it */
	assert_int_equal(map[5], 17);
	assert_int_equal(map[cnt], qcnt);
	/* facts of another program */
	assert_int_equal(fixups_rnd_hi32(&q, &qcnt, f, 7, NULL, NULL), -EINVAL);
	free(map);
	free(q);
	verifier_facts_free(f);
	free(p);
	bpfrt_vm__free(vm);
}

/* ---- the verifier's case corpus ---- */

struct case_walk {
	struct bpfrt_vm *vm;
	struct tally t;
	uint64_t seed;
};

static void one_case(const char *file, struct vcase *c, void *arg)
{
	struct case_walk *w = arg;
	struct bpfrt_insn *insns = NULL;
	size_t cnt = 0;
	char why[256], name[256];

	/* accepted programs with the raw context; helpers an embedder would
	 * register have no implementation here */
	if (c->expect != 1 || c->o.attach != BPFRT_ATTACH_UNSPEC || c->o.helper_cnt ||
	    vcase_assemble(c, &insns, &cnt, why, sizeof(why))) {
		w->t.skipped++;
		free(insns);
		return;
	}
	snprintf(name, sizeof(name), "%s: %s", file, c->name);
	check_raw(w->vm, name, insns, cnt, &c->o, ++w->seed * 0x9e3779b97f4a7c15ULL, &w->t);
	free(insns);
}

static void case_corpus(void **state)
{
	(void)state;
	struct case_walk w = { .vm = bpfrt_vm__new() };

	assert_int_equal(bpfrt_vm__register_kernel_helpers(w.vm), 0);
	assert_true(vcase_read_dir(BPFRT_VERIFIER_CASES, one_case, &w) > 0);
	print_message("cases: %d runs compared (%zu junk sites), %d non-deterministic, %d not "
		      "runnable here, %d differ\n",
		      w.t.ran, w.t.junked, w.t.nondet, w.t.skipped, w.t.differ);
	assert_int_equal(w.t.differ, 0);
	assert_true(w.t.ran >= 600);
	assert_true(w.t.junked >= 40);
	bpfrt_vm__free(w.vm);
}

/* ---- the conformance corpus ---- */

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET) &&
	    (s = malloc((size_t)n + 1)) && fread(s, 1, (size_t)n, f) == (size_t)n)
		s[n] = 0;
	else
		free(s), s = NULL;
	fclose(f);
	return s;
}

/* The text of section `name` ("-- asm") up to the next one. */
static char *section(const char *text, const char *name)
{
	char hdr[32];
	const char *p, *e;

	snprintf(hdr, sizeof(hdr), "-- %s", name);
	if (!(p = strstr(text, hdr)) || !(p = strchr(p, '\n')))
		return NULL;
	p++;
	e = strstr(p, "\n-- ");
	return strndup(p, e ? (size_t)(e - p + 1) : strlen(p));
}

static void conformance_corpus(void **state)
{
	(void)state;
	DIR *d = opendir(BPFRT_CONFORMANCE_CORPUS);
	struct bpfrt_vm *vm = bpfrt_vm__new();
	struct tally t = { 0 };
	struct dirent *e;
	uint64_t seed = 0;

	if (!d)
		skip();
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char *text, *asm_text = NULL, *mem = NULL;
		struct bpfrt_insn *insns = NULL;
		size_t cnt = 0, ctx_size = 0;
		uint8_t ctx[4096];

		if (len < 5 || strcmp(e->d_name + len - 5, ".data"))
			continue;
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", BPFRT_CONFORMANCE_CORPUS, e->d_name);
		assert_non_null(text = read_all(path));
		asm_text = section(text, "asm");
		mem = section(text, "mem");
		/* the corpus' own helpers (ids 0-5) are the conformance plugin's */
		if (!asm_text || strstr(asm_text, "call") ||
		    bpfrt_asm(asm_text, &(struct bpfrt_asm_opts){ .sz = sizeof(struct bpfrt_asm_opts) },
			      &insns, &cnt)) {
			t.skipped++;
		} else {
			for (const char *q = mem; q && *q && ctx_size < sizeof(ctx);) {
				unsigned v;
				int used;

				if (*q == '#') {
					q += strcspn(q, "\n");
				} else if (sscanf(q, "%2x%n", &v, &used) == 1 && used == 2) {
					ctx[ctx_size++] = (uint8_t)v;
					q += 2;
				} else {
					q++;
				}
			}
			struct bpfrt_verify_opts vo = { .sz = sizeof(vo), .ctx_size = (uint32_t)ctx_size };
			/* the program's memory as its context: run_raw copies it */
			struct verifier_facts *f = NULL;
			if (!verifier_run(insns, cnt, &vo, &f)) {
				struct raw r = { insns, cnt, &vo, ctx, f };
				for (size_t k = 0; k < ENGINES; k++) {
					const struct engine *be = &engines[k];
					struct outcome base, junk;
					size_t n = 0;

					if (run_raw(vm, &r, be, 0, &base, NULL)) {
						t.skipped++;
						continue;
					}
					assert_int_equal(run_raw(vm, &r, be, ++seed * 77 + 1, &junk, &n), 0);
					t.ran++;
					t.junked += n;
					if (!same(&base, &junk)) {
						print_message("%s (%s): r0 %#llx, with junk %#llx\n",
							      e->d_name, be->name,
							      (unsigned long long)base.r0,
							      (unsigned long long)junk.r0);
						t.differ++;
					}
				}
			} else {
				t.skipped++;
			}
			verifier_facts_free(f);
		}
		free(insns);
		free(asm_text);
		free(mem);
		free(text);
	}
	closedir(d);
	print_message("conformance: %d runs compared (%zu junk sites), %d not run, %d differ\n",
		      t.ran, t.junked, t.skipped, t.differ);
	assert_int_equal(t.differ, 0);
	assert_true(t.ran >= 400);
	assert_true(t.junked >= 300);
	bpfrt_vm__free(vm);
}

/* ---- the example objects, through the runtime ---- */

static bool packet_kind(enum bpfrt_attach_kind k)
{
	return k == BPFRT_ATTACH_XDP || k == BPFRT_ATTACH_TC || k == BPFRT_ATTACH_SOCKET ||
	       k == BPFRT_ATTACH_CGROUP_SKB;
}

/* Runs program `idx` of `path` in a fresh runtime. -EOPNOTSUPP: it does
 * not load here. */
static int run_object_prog(const char *path, size_t idx, const struct engine *en, uint64_t seed,
			   struct outcome *o)
{
	struct bpfrt_object *obj = bpfrt_object__open_file(path, NULL);
	struct bpfrt_runtime_opts ro = { .sz = sizeof(ro), .backend = en->be, .jit_harden = en->harden,
					 .verify = BPFRT_VERIFY_REQUIRE };
	struct bpfrt_runtime *rt = obj ? bpfrt_runtime__new(obj, &ro) : NULL;
	int err = -EOPNOTSUPP;

	if (!rt)
		goto out;
	runtime_test_rnd_hi32(rt, seed);
	const struct bpfrt_program *src = bpfrt_object__prog(obj, idx);
	struct bpfrt_prog *prog = bpfrt_runtime__prog(rt, bpfrt_program__name(src));
	if (!prog)
		goto out;
	/* a packet: an Ethernet/IPv4/UDP frame's worth of fixed bytes;
	 * others: a zeroed context (pointers in it are NULL) */
	static uint8_t ctx[8192];
	size_t ctx_size = packet_kind(bpfrt_program__attach_kind(src)) ? 98 : sizeof(ctx);
	uint64_t s = 0x1234567;
	memset(ctx, 0, sizeof(ctx));
	for (size_t i = 0; ctx_size == 98 && i < ctx_size; i++)
		ctx[i] = (uint8_t)xorshift64s(&s);
	if (ctx_size == 98)
		ctx[12] = 0x08, ctx[13] = 0, ctx[14] = 0x45, ctx[23] = 17;
	uint8_t out[512];
	struct bpfrt_runtime_run_opts rro = { .sz = sizeof(rro), .data_out = out,
					      .data_size_out = sizeof(out) };
	o->r0 = 0;
	o->err = bpfrt_runtime__run(rt, prog, ctx, ctx_size, &o->r0, &rro);
	struct bpfrt_map *maps[64];
	size_t nm = bpfrt_runtime__map_cnt(rt);
	for (size_t i = 0; i < nm && i < 64; i++)
		maps[i] = bpfrt_runtime__map(rt, i);
	o->digest = fnv(maps_digest(maps, nm < 64 ? nm : 64), out,
			rro.data_out ? (rro.data_size_out < sizeof(out) ? rro.data_size_out : 0) : 0);
	err = 0;
out:
	bpfrt_runtime__free(rt);
	bpfrt_object__close(obj);
	return err;
}

static void example_objects(void **state)
{
	(void)state;
	DIR *d = opendir(BPF_EXAMPLES_DIR);
	struct tally t = { 0 };
	struct dirent *e;

	if (!d)
		skip();
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char path[1024];

		if (len < 3 || strcmp(e->d_name + len - 2, ".o"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", BPF_EXAMPLES_DIR, e->d_name);
		struct bpfrt_object *obj = bpfrt_object__open_file(path, NULL);
		size_t np = obj ? bpfrt_object__prog_cnt(obj) : 0;
		bool nondet[64] = { false };
		for (size_t i = 0; i < np && i < 64; i++) {
			const struct bpfrt_program *src = bpfrt_object__prog(obj, i);
			nondet[i] = calls_one_of(bpfrt_program__insns(src), bpfrt_program__insn_cnt(src),
						 nondet_ids, sizeof(nondet_ids) / sizeof(nondet_ids[0]));
		}
		bpfrt_object__close(obj);
		for (size_t i = 0; i < np && i < 64; i++) {
			if (nondet[i]) {
				t.nondet++;
				continue;
			}
			for (size_t k = 0; k < ENGINES; k++) {
				const struct engine *be = &engines[k];
				struct outcome base, again, junk;

				if (run_object_prog(path, i, be, 0, &base)) {
					t.skipped++;
					continue;
				}
				assert_int_equal(run_object_prog(path, i, be, 0, &again), 0);
				if (!same(&base, &again)) {
					t.nondet++;
					continue;
				}
				assert_int_equal(run_object_prog(path, i, be, 0x5eed + i, &junk), 0);
				t.ran++;
				if (!same(&base, &junk)) {
					print_message("%s prog %zu (%s): err %d r0 %#llx, with junk: "
						      "err %d r0 %#llx\n",
						      e->d_name, i, be->name, base.err,
						      (unsigned long long)base.r0, junk.err,
						      (unsigned long long)junk.r0);
					t.differ++;
				}
			}
		}
	}
	closedir(d);
	print_message("examples: %d runs compared, %d non-deterministic, %d not loaded, %d differ\n",
		      t.ran, t.nondet, t.skipped, t.differ);
	assert_int_equal(t.differ, 0);
	assert_true(t.ran >= 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cleared_marks_show),
		cmocka_unit_test(case_corpus),
		cmocka_unit_test(conformance_corpus),
		cmocka_unit_test(example_objects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
