/* SPDX-License-Identifier: MIT */
/*
 * Bad input never crashes the loader or the verifier (issue 5): clang
 * objects with bytes of their .BTF.ext (line info), .BTF, program text,
 * relocations or anywhere changed at random, or cut short, are opened and
 * every program is verified as `bpfrt verify` does; and random instruction
 * streams of valid opcodes (any registers incl. r11, jumps anywhere, helper
 * ids, map references, in both modes). Each step must return 0 or -errno,
 * and a refusal must leave a message in its log. Seeded
 * (MALFORMED_SEED, MALFORMED_ROUNDS; MALFORMED_SAVE=FILE keeps the last
 * input, MALFORMED_ONLY=N verifies random program N only, MALFORMED_SLOW reports programs verified in more than 0.5 s); run under the ASan build for the
 * memory errors a plain run would miss.
 */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpfrt/object.h"
#include "bpfrt/verifier.h"
#include "isa/opcodes.h"
#include "runtime/verify.h"

struct range {
	size_t off, size;
};

static uint64_t rng;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static uint8_t *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("%s: cannot open", path);
	fseek(f, 0, SEEK_END);
	*size = (size_t)ftell(f);
	rewind(f);
	uint8_t *b = malloc(*size);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, *size, f), *size);
	fclose(f);
	return b;
}

/* The file ranges of the sections named `name` or starting with `prefix`. */
static size_t sections(uint8_t *data, size_t size, const char *name, const char *prefix,
		       struct range *out, size_t cap)
{
	size_t n = 0, shstrndx;
	Elf *e = elf_memory((char *)data, size);
	assert_non_null(e);
	assert_int_equal(elf_getshdrstrndx(e, &shstrndx), 0);
	for (Elf_Scn *s = NULL; (s = elf_nextscn(e, s)) && n < cap;) {
		GElf_Shdr sh;
		gelf_getshdr(s, &sh);
		const char *nm = elf_strptr(e, shstrndx, sh.sh_name);
		if (!nm || sh.sh_type == SHT_NOBITS || !sh.sh_size)
			continue;
		if ((name && !strcmp(nm, name)) || (prefix && !strncmp(nm, prefix, strlen(prefix))))
			out[n++] = (struct range){ sh.sh_offset, sh.sh_size };
	}
	elf_end(e);
	return n;
}

/* Opens the object and verifies each program; 1 if any got that far. */
static int open_and_verify(const uint8_t *data, size_t size)
{
	static char log[1 << 16];
	char olog[512] = "";
	struct bpfrt_object_opts oo = { .sz = sizeof(oo), .log_buf = olog, .log_size = sizeof(olog) };
	struct bpfrt_object *obj = bpfrt_object__open_mem(data, size, &oo);
	if (!obj) {
		if (!olog[0])
			fail_msg("the loader refused an object without a message");
		return 0;
	}
	for (size_t i = 0; i < bpfrt_object__prog_cnt(obj); i++) {
		struct bpfrt_program *p = bpfrt_object__prog(obj, i);
		size_t cnt = bpfrt_program__insn_cnt(p);
		struct bpfrt_insn *insns = malloc((cnt ? cnt : 1) * sizeof(*insns));
		struct bpfrt_verify_opts o = { .sz = sizeof(o), .log_level = next() % 3,
					       .log_buf = log, .log_size = sizeof(log) };
		char why[256] = "";
		assert_non_null(insns);
		assert_int_equal(verify_input_build(obj, p, &o), 0);
		memcpy(insns, bpfrt_program__insns(p), cnt * sizeof(*insns));
		if (verify_resolve_kfuncs(p, insns, cnt, why, sizeof(why))) {
			if (!why[0])
				fail_msg("a kfunc refused without a message");
		} else {
			log[0] = 0;
			int err = bpfrt_verify(insns, cnt, &o);
			if (err > 0 || err < -4095)
				fail_msg("bpfrt_verify returned %d", err);
			if (err && !log[0])
				fail_msg("%s: rejected (%d) without a message", bpfrt_program__name(p), err);
		}
		verify_input_free(&o);
		free(insns);
	}
	bpfrt_object__close(obj);
	return 1;
}

static void mutate(const char *path, unsigned rounds)
{
	static const struct {
		const char *name, *prefix;
	} where[] = { { ".BTF.ext", NULL }, { ".BTF", NULL }, { NULL, ".rel" },
		      { NULL, "uprobe" }, { NULL, "." }, { NULL, "" } };
	size_t size, opened = 0;
	uint8_t *orig = read_all(path, &size), *b = malloc(size);
	assert_non_null(b);
	for (unsigned r = 0; r < rounds; r++) {
		struct range rs[64];
		size_t len = size;
		memcpy(b, orig, size);
		unsigned w = next() % (sizeof(where) / sizeof(where[0]) + 1);
		if (w == sizeof(where) / sizeof(where[0])) {
			len = next() % size; /* cut short */
		} else {
			size_t n = sections(orig, size, where[w].name, where[w].prefix, rs, 64);
			if (!n)
				continue;
			struct range x = rs[next() % n];
			for (unsigned k = 1 + next() % 8; k--;)
				b[x.off + next() % x.size] = (uint8_t)next();
		}
		const char *save = getenv("MALFORMED_SAVE"); /* the last input, to debug */
		FILE *f = save ? fopen(save, "wb") : NULL;
		if (f) {
			fwrite(b, 1, len, f);
			fclose(f);
		}
		opened += open_and_verify(b, len);
	}
	if (getenv("MALFORMED_VERBOSE"))
		printf("%s: %zu of %u opened\n", path, opened, rounds);
	/* most mutations must still open: the verifier saw them */
	if (opened < rounds / 4)
		fail_msg("%s: only %zu of %u mutated objects opened", path, opened, rounds);
	free(orig);
	free(b);
}

static void malformed_objects(void **state)
{
	(void)state;
	static const char *const objs[] = { VERIFY_CLI_OBJ, BPF_EXAMPLES_DIR "/subprog.v4.o",
					    BPF_EXAMPLES_DIR "/dynptr_iter.v4.o",
					    BPF_EXAMPLES_DIR "/global_func.v4.o",
					    BPF_EXAMPLES_DIR "/map_in_map.v4.o" };
	const char *s = getenv("MALFORMED_SEED"), *n = getenv("MALFORMED_ROUNDS");
	rng = s ? strtoull(s, NULL, 0) | 1 : 0x9e3779b97f4a7c15ull;
	unsigned rounds = n ? (unsigned)strtoul(n, NULL, 0) : 150;
	elf_version(EV_CURRENT);
	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++)
		mutate(objs[i], rounds);
}

/* A random value for a field: mostly small, sometimes an edge. */
static int32_t field(int32_t lo, int32_t hi)
{
	static const int32_t edge[] = { 0, 1, -1, 8, -8, 512, -512, 0x7fffffff, INT32_MIN, 0xffff };
	if (next() % 8 == 0)
		return edge[next() % (sizeof(edge) / sizeof(edge[0]))];
	return lo + (int32_t)(next() % (uint32_t)(hi - lo + 1));
}

static void random_programs(void **state)
{
	(void)state;
	static char log[1 << 16];
	static const struct bpfrt_verify_map maps[] = {
		{ .type = 2, .key_size = 4, .value_size = 16, .max_entries = 4 },
		{ .type = 1, .key_size = 8, .value_size = 8, .max_entries = 16 },
		{ .type = 27, .max_entries = 4096 },
	};
	const char *s = getenv("MALFORMED_SEED"), *r = getenv("MALFORMED_ROUNDS");
	rng = s ? strtoull(s, NULL, 0) | 1 : 0x2545f4914f6cdd1dull;
	unsigned rounds = (r ? (unsigned)strtoul(r, NULL, 0) : 150) * 8, accepted = 0;
	for (unsigned k = 0; k < rounds; k++) {
		struct bpfrt_insn p[64] = { 0 }; /* prelude 10 + 41 + lddw 1 + 2 */
		size_t n = 0, want = 1 + next() % 40;
		bool clean = next() % 8; /* most programs: well-formed insns, an exit */
		/* a prelude, so that the walk gets past reading registers:
		 * r0, r2-r5, r8, r9 small constants, r6 = ctx, r7 = fp-16 */
		static const uint8_t consts[] = { 0, 2, 3, 4, 5, 8, 9 };
		for (size_t c = 0; c < sizeof(consts) && next() % 4; c++)
			p[n++] = (struct bpfrt_insn){ .code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_K,
						      .dst_reg = consts[c], .imm = field(-4, 16) };
		if (n) {
			p[n++] = (struct bpfrt_insn){ .code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_X,
						      .dst_reg = 6, .src_reg = 1 };
			p[n++] = (struct bpfrt_insn){ .code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_X,
						      .dst_reg = 7, .src_reg = 10 };
			p[n++] = (struct bpfrt_insn){ .code = BPFRT_ALU64 | BPFRT_ADD | BPFRT_K,
						      .dst_reg = 7, .imm = -16 };
		}
		want += n;
		while (n < want) {
			const struct isa_form *f = &isa_forms[1 + next() % (ISA_OP_COUNT - 1)];
			if (clean && isa_form_has(f, ISA_F_LEGACY))
				continue;
			struct bpfrt_insn *x = &p[n];
			x->code = f->code;
			x->dst_reg = (uint8_t)(next() % 12);
			x->src_reg = (uint8_t)(next() % 12);
			bool jump = f->syntax == ISA_SYN_JA || f->syntax == ISA_SYN_JCOND_K ||
				    f->syntax == ISA_SYN_JCOND_X || f->syntax == ISA_SYN_MAY_GOTO;
			x->off = (int16_t)(jump ? field(-(int32_t)n - 2, (int32_t)(want - n))
						: field(-520, 24));
			x->imm = f->syntax == ISA_SYN_CALL ? field(0, 40)
				 : f->syntax == ISA_SYN_CALL_LOCAL || f->syntax == ISA_SYN_JA32
					 ? field(-(int32_t)n - 2, (int32_t)(want - n))
					 : field(-16, 64);
			if (f->match == ISA_MATCH_OFF)
				x->off = (int16_t)f->match_value;
			else if (f->match == ISA_MATCH_IMM)
				x->imm = f->match_value;
			else if (f->match == ISA_MATCH_SRC)
				x->src_reg = (uint8_t)f->match_value;
			/* mostly well-formed: clear what isa_insn_check names */
			const char *why;
			for (int t = 0; clean && t < 6 && isa_insn_check(x, NULL, &why); t++) {
				if (strstr(why, "read-only"))
					x->dst_reg = x->src_reg = 0;
				else if (strstr(why, "dst_reg") || strstr(why, "destination"))
					x->dst_reg = 0;
				else if (strstr(why, "src_reg") || strstr(why, "source"))
					x->src_reg = 0;
				else if (strstr(why, "off"))
					x->off = 0;
				else if (strstr(why, "imm"))
					x->imm = 0;
				else
					break;
			}
			n += f->syntax == ISA_SYN_LDDW ? 2 : 1;
			if (f->syntax == ISA_SYN_LDDW && n - 1 < sizeof(p) / sizeof(p[0]))
				p[n - 1].imm = (int32_t)next();
		}
		if ((clean || next() % 2) && n + 2 <= sizeof(p) / sizeof(p[0])) {
			p[n++] = (struct bpfrt_insn){ .code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_K };
			p[n++] = (struct bpfrt_insn){ .code = BPFRT_JMP | BPFRT_EXIT };
		}
		struct bpfrt_verify_opts o = { .sz = sizeof(o), .ctx_size = 64, .maps = maps,
					       .map_cnt = 3, .kernel_compat = next() % 2,
					       .log_level = next() % 3, .log_buf = log,
					       .log_size = sizeof(log), .gpl = true };
		const char *only = getenv("MALFORMED_ONLY"); /* one round, to debug */
		if (only && k != strtoul(only, NULL, 0))
			continue;
		const char *save = getenv("MALFORMED_SAVE"); /* the last input, to debug */
		FILE *sf = save ? fopen(save, "wb") : NULL;
		if (sf) {
			fprintf(sf, "kernel_compat %d log_level %u\n", o.kernel_compat, o.log_level);
			fwrite(p, sizeof(p[0]), n, sf);
			fclose(sf);
		}
		log[0] = 0;
		struct bpfrt_verify_stats vs = { .sz = sizeof(vs) };
		o.stats = &vs;
		int err = bpfrt_verify(p, n, &o);
		if (getenv("MALFORMED_SLOW") && vs.time_ns > 500000000ull)
			printf("round %u: %llu ms, %llu insns, level %u, compat %d\n", k,
			       (unsigned long long)(vs.time_ns / 1000000),
			       (unsigned long long)vs.insns_processed, o.log_level, o.kernel_compat);
		if (err > 0 || err < -4095)
			fail_msg("round %u: bpfrt_verify returned %d", k, err);
		if (err && !log[0])
			fail_msg("round %u: rejected (%d) without a message", k, err);
		accepted += !err;
	}
	if (getenv("MALFORMED_VERBOSE"))
		printf("random programs: %u of %u accepted\n", accepted, rounds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(malformed_objects),
		cmocka_unit_test(random_programs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
