/* SPDX-License-Identifier: MIT */
/*
 * A bpf_conformance plugin that runs programs straight through the JIT
 * (jit_compile/jit_run), without the VM: the JIT's own conformance check,
 * independent of the interpreter. Protocol: argv[1] is the memory as hex
 * bytes, stdin the program's bytes as hex; prints r0 in hex.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/jit.h"
#include "jit_test_env.h"

static size_t parse_hex(const char *s, uint8_t **out)
{
	size_t cap = strlen(s) / 2 + 1, n = 0;
	uint8_t *b = malloc(cap);
	unsigned v;
	int used;
	while (b && sscanf(s, " %2x%n", &v, &used) == 1) {
		b[n++] = (uint8_t)v;
		s += used;
	}
	*out = b;
	return n;
}

int main(int argc, char **argv)
{
	static char text[1 << 20];
	size_t len = fread(text, 1, sizeof(text) - 1, stdin);
	text[len] = '\0';
	uint8_t *mem = NULL, *code = NULL;
	size_t mem_size = parse_hex(argc > 1 ? argv[1] : "", &mem);
	size_t code_size = parse_hex(text, &code);
	struct jit_prog *jp;
	char log[256];
	int err = jit_compile((const struct bpfrt_insn *)code, code_size / 8, &jit_test_env, &jp, log,
			      sizeof(log));
	if (err) {
		fprintf(stderr, "load: %s (%s)\n", strerror(-err), log);
		return 1;
	}
	struct bpfrt_run_ctx rc = {0};
	uint64_t r0;
	err = jit_run(jp, mem_size ? mem : NULL, mem_size, &rc, &r0);
	jit_free(jp);
	if (err) {
		fprintf(stderr, "run: %s\n", strerror(-err));
		return 1;
	}
	printf("%llx\n", (unsigned long long)r0);
	free(mem);
	free(code);
	return 0;
}
