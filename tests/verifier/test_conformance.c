/* SPDX-License-Identifier: MIT */
/*
 * Every program of the bpf_conformance corpus must be accepted, verified as
 * the conformance plugin runs it: attach kind UNSPEC (r1 = the `-- mem`
 * block, r2 = its size) and the corpus' helpers 0-5 (README of the corpus)
 * registered by the embedder with their argument counts.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpfrt/asm.h"
#include "bpfrt/verifier.h"

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	if (s)
		s[n] = 0;
	fclose(f);
	return s;
}

/* The text of section `name` ("-- asm"), NUL-terminated in a copy. */
static char *section(const char *text, const char *name)
{
	char hdr[32];
	snprintf(hdr, sizeof(hdr), "-- %s", name);
	const char *p = strstr(text, hdr);
	if (!p)
		return NULL;
	p = strchr(p, '\n');
	if (!p)
		return strdup("");
	p++;
	const char *e = strstr(p, "\n-- ");
	size_t n = e ? (size_t)(e - p + 1) : strlen(p);
	return strndup(p, n);
}

static size_t hex_bytes(const char *s)
{
	size_t n = 0;
	for (const char *p = s; *p;) {
		if (*p == '#') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (strchr("0123456789abcdefABCDEF", *p) && p[1] &&
		    strchr("0123456789abcdefABCDEF", p[1])) {
			n++;
			p += 2;
			continue;
		}
		p++;
	}
	return n;
}

static const struct bpfrt_verify_helper corpus_helpers[] = {
	{ 0, 5 }, { 1, 2 }, { 2, 0 }, { 3, 1 }, { 4, 2 }, { 5, 1 },
};

static void every_corpus_program_is_accepted(void **state)
{
	(void)state;
	DIR *d = opendir(BPFRT_CONFORMANCE_CORPUS);
	if (!d)
		skip();
	struct dirent *e;
	int total = 0, failed = 0;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 5, ".data"))
			continue;
		char path[1024], log[8192], alog[512];
		snprintf(path, sizeof(path), "%s/%s", BPFRT_CONFORMANCE_CORPUS, e->d_name);
		char *text = read_all(path);
		assert_non_null(text);
		char *asm_text = section(text, "asm"), *mem = section(text, "mem");
		struct bpfrt_insn *insns = NULL;
		size_t cnt = 0;
		struct bpfrt_asm_opts ao = { .sz = sizeof(ao), .filename = e->d_name,
					     .log_buf = alog, .log_size = sizeof(alog) };
		total++;
		if (!asm_text || bpfrt_asm(asm_text, &ao, &insns, &cnt)) {
			printf("%s: does not assemble: %s\n", e->d_name, alog);
			failed++;
		} else {
			struct bpfrt_verify_opts o = {
				.sz = sizeof(o),
				.attach = BPFRT_ATTACH_UNSPEC,
				.ctx_size = mem ? (uint32_t)hex_bytes(mem) : 0,
				.helpers = corpus_helpers,
				.helper_cnt = sizeof(corpus_helpers) / sizeof(corpus_helpers[0]),
				.log_level = 1,
				.log_buf = log,
				.log_size = sizeof(log),
			};
			int err = bpfrt_verify(insns, cnt, &o);
			if (err) {
				printf("%s: rejected (%d):\n%s\n", e->d_name, err, log);
				failed++;
			}
		}
		free(insns);
		free(asm_text);
		free(mem);
		free(text);
	}
	closedir(d);
	printf("%d of %d corpus programs accepted\n", total - failed, total);
	assert_int_equal(total, 313);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_corpus_program_is_accepted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
