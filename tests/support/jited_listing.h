/* SPDX-License-Identifier: MIT */
/* A JIT listing (bpfrt_prog__dump_jited) collected into one string, for
 * tests that look for instructions in it. */
#ifndef BPFRT_TESTS_JITED_LISTING_H
#define BPFRT_TESTS_JITED_LISTING_H

#include <stdlib.h>
#include <string.h>

struct listing {
	char *text;
	size_t len;
};

/* bpfrt_prog__dump_jited's line callback: appends the line to the
 * struct listing `arg` (aborts the test on allocation failure). */
static inline void collect(void *arg, const char *line)
{
	struct listing *l = arg;
	size_t n = strlen(line);
	char *t = realloc(l->text, l->len + n + 2);
	if (!t)
		abort();
	l->text = t;
	memcpy(l->text + l->len, line, n);
	l->len += n;
	l->text[l->len++] = '\n';
	l->text[l->len] = '\0';
}

#endif /* BPFRT_TESTS_JITED_LISTING_H */
