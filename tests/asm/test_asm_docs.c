/* docs/asm.md (DOC in the environment) stays true: in its table of form
 * families, both spellings of each row assemble to the same bytes, and the
 * conformance one is what the disassembler writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpfrt/asm.h"

/* The text of the next `...` cell after *p, with "\|" unescaped. */
static int cell(const char **p, char *out, size_t size)
{
	const char *s = strchr(*p, '`');
	if (!s)
		return -1;
	const char *e = strchr(s + 1, '`');
	if (!e)
		return -1;
	size_t n = 0;
	for (const char *q = s + 1; q < e && n + 1 < size; q++) {
		if (q[0] == '\\' && q[1] == '|')
			continue;
		out[n++] = *q;
	}
	out[n] = 0;
	*p = e + 1;
	return 0;
}

static void table_rows_agree(void **state)
{
	(void)state;
	FILE *f = fopen(getenv("DOC"), "r");
	assert_non_null(f);
	char line[512];
	int rows = 0;
	while (fgets(line, sizeof(line), f)) {
		const char *p = line;
		char name[64], conf[200], kern[200];
		if (strncmp(line, "| `", 3) || cell(&p, name, sizeof(name)) ||
		    cell(&p, conf, sizeof(conf)) || cell(&p, kern, sizeof(kern)) ||
		    strchr(name, ' ') || strchr(name, '['))
			continue;
		struct bpfrt_insn *a = NULL, *b = NULL;
		size_t na = 0, nb = 0;
		char log[256];
		struct bpfrt_asm_opts opts = { .sz = sizeof(opts), .log_buf = log,
					       .log_size = sizeof(log) };
		if (bpfrt_asm(conf, &opts, &a, &na) || bpfrt_asm(kern, &opts, &b, &nb))
			fail_msg("%s: %s", name, log);
		assert_int_equal(na, nb);
		if (memcmp(a, b, na * sizeof(*a)))
			fail_msg("%s: '%s' and '%s' differ", name, conf, kern);
		char text[200];
		assert_int_equal(bpfrt_disasm_insn(a, na, BPFRT_SYNTAX_CONFORMANCE, text, sizeof(text)),
				 (int)na);
		assert_string_equal(text, conf);
		assert_int_equal(bpfrt_disasm_insn(a, na, BPFRT_SYNTAX_KERNEL, text, sizeof(text)),
				 (int)na);
		assert_string_equal(text, kern);
		free(a);
		free(b);
		rows++;
	}
	fclose(f);
	assert_true(rows >= 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_rows_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
