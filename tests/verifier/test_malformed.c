/* SPDX-License-Identifier: MIT */
/*
 * Bad input never crashes the loader or the verifier (issue 5): clang
 * objects with bytes of their .BTF.ext (line info), .BTF, program text,
 * relocations or anywhere changed at random, or cut short, are opened and
 * every program is verified as `bpfrt verify` does. Each step must return
 * 0 or -errno, and a refusal must leave a message in its log. Seeded
 * (MALFORMED_SEED, MALFORMED_ROUNDS; MALFORMED_SAVE=FILE keeps the last
 * input); run under the ASan build for the
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(malformed_objects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
