/* SPDX-License-Identifier: MIT */
/*
 * bpfrt-conformance-plugin: runs one program for the bpf_conformance runner.
 *
 *   bpfrt-conformance-plugin "MEM HEX BYTES" [--jit] [--jit-harden] [--trusted] [--checked]
 *
 * The program's bytes come on stdin as space-separated hex; r0 goes to
 * stdout in hex. A load or run failure prints the log and exits 1. The six
 * helpers the public corpora expect are registered (see
 * shared/conformance/README.md). Default: interpreter, checked mode; --jit
 * selects the JIT, which runs trusted programs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/vm.h"

static uint64_t h_pack(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
		       struct bpfrt_run_ctx *rc)
{
	(void)rc;
	return (a & 0xff) << 32 | (b & 0xff) << 24 | (c & 0xff) << 16 | (d & 0xff) << 8 |
	       (e & 0xff);
}

static uint64_t h_xor42(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
			struct bpfrt_run_ctx *rc)
{
	(void)c, (void)d, (void)e, (void)rc;
	uint8_t *p = (uint8_t *)(uintptr_t)a;
	for (uint64_t i = 0; p && i < b; i++)
		p[i] ^= 42;
	return 0;
}

static uint64_t h_nop(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
		      struct bpfrt_run_ctx *rc)
{
	(void)a, (void)b, (void)c, (void)d, (void)e, (void)rc;
	return 0;
}

static uint64_t h_sqrti(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
			struct bpfrt_run_ctx *rc)
{
	(void)b, (void)c, (void)d, (void)e, (void)rc;
	/* Integer square root by bisection: the largest r with r*r <= a. */
	uint64_t lo = 0, hi = a < 2 ? a : (a / 2 < UINT32_MAX ? a / 2 : UINT32_MAX);
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo + 1) / 2;
		if (mid * mid <= a)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static uint64_t h_strcmp(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
			 struct bpfrt_run_ctx *rc)
{
	(void)c, (void)d, (void)e, (void)rc;
	return (uint64_t)(int64_t)strcmp((const char *)(uintptr_t)a, (const char *)(uintptr_t)b);
}

static uint64_t h_unwind(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
			 struct bpfrt_run_ctx *rc)
{
	(void)b, (void)c, (void)d, (void)e;
	if (a == 0)
		bpfrt_run_ctx__abort(rc, 0);
	return a;
}

/* Parses space-separated hex bytes into a malloc'ed buffer. */
static int parse_hex(const char *s, uint8_t **out, size_t *len)
{
	size_t cap = strlen(s) / 2 + 1, n = 0;
	uint8_t *buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	while (*s) {
		if (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t') {
			s++;
			continue;
		}
		char *end;
		unsigned long v = strtoul(s, &end, 16);
		if (end == s || v > 0xff || n >= cap) {
			free(buf);
			return -EINVAL;
		}
		buf[n++] = (uint8_t)v;
		s = end;
	}
	*out = buf;
	*len = n;
	return 0;
}

static char *read_stdin(void)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n - 1, stdin);
		if (n < cap - 1)
			break;
		char *bigger = realloc(buf, cap * 2);
		if (!bigger)
			free(buf);
		buf = bigger;
		cap *= 2;
	}
	if (buf)
		buf[n] = '\0';
	return buf;
}

int main(int argc, char **argv)
{
	struct bpfrt_prog_opts lopts = { .sz = sizeof(lopts), .name = "conformance" };
	/* The runner drops an empty memory argument: then options come first. */
	const char *mem_hex = argc > 1 && strncmp(argv[1], "--", 2) ? argv[1] : "";
	for (int i = mem_hex[0] || (argc > 1 && !argv[1][0]) ? 2 : 1; i < argc; i++) {
		if (!strcmp(argv[i], "--jit")) {
			lopts.backend = BPFRT_BACKEND_JIT;
			lopts.mode = BPFRT_EXEC_TRUSTED;
		} else if (!strcmp(argv[i], "--jit-harden")) {
			lopts.backend = BPFRT_BACKEND_JIT;
			lopts.mode = BPFRT_EXEC_TRUSTED;
			lopts.jit_harden = true;
		} else if (!strcmp(argv[i], "--trusted")) {
			lopts.mode = BPFRT_EXEC_TRUSTED;
		} else if (!strcmp(argv[i], "--checked")) {
			lopts.mode = BPFRT_EXEC_CHECKED;
		} else if (!strcmp(argv[i], "--elf")) {
			fprintf(stderr, "bpfrt-conformance-plugin: --elf input is not supported\n");
			return 1;
		} else if (argv[i][0]) {
			fprintf(stderr,
				"bpfrt-conformance-plugin: unknown option '%s' (usage: "
				"bpfrt-conformance-plugin \"MEM HEX\" [--jit] [--jit-harden] [--trusted] "
				"[--checked] < program-hex)\n",
				argv[i]);
			return 2;
		}
	}

	uint8_t *mem = NULL, *code = NULL;
	size_t mem_len = 0, code_len = 0;
	char *text = read_stdin();
	if (parse_hex(mem_hex, &mem, &mem_len) || !text || parse_hex(text, &code, &code_len)) {
		fprintf(stderr, "bpfrt-conformance-plugin: bad hex in the memory argument or on stdin\n");
		return 1;
	}
	free(text);
	if (code_len % sizeof(struct bpfrt_insn)) {
		fprintf(stderr, "bpfrt-conformance-plugin: program is %zu bytes, not a multiple of 8\n",
			code_len);
		return 1;
	}
	struct bpfrt_insn *insns = calloc(code_len / 8 + 1, sizeof(*insns));
	if (!insns)
		return 1;
	memcpy(insns, code, code_len);

	struct bpfrt_vm *vm = bpfrt_vm__new();
	if (!vm)
		return 1;
	static const struct {
		const char *name;
		bpfrt_helper_fn fn;
	} helpers[] = { { "pack", h_pack },	{ "xor42", h_xor42 },	{ "nop", h_nop },
			{ "sqrti", h_sqrti }, { "strcmp", h_strcmp }, { "unwind", h_unwind } };
	for (uint32_t id = 0; id < sizeof(helpers) / sizeof(helpers[0]); id++)
		bpfrt_vm__register_helper(vm, id, helpers[id].name, helpers[id].fn);

	char log[4096] = "";
	lopts.log_buf = log;
	lopts.log_size = sizeof(log);
	struct bpfrt_prog *prog = bpfrt_prog__load(vm, insns, code_len / 8, &lopts);
	if (!prog) {
		fprintf(stderr, "bpfrt-conformance-plugin: load failed (%s): %s", strerror(errno),
			log[0] ? log : "\n");
		return 1;
	}
	struct bpfrt_run_opts ropts = { .sz = sizeof(ropts), .log_buf = log, .log_size = sizeof(log) };
	uint64_t r0 = 0;
	int err = bpfrt_prog__run(prog, mem_len ? mem : NULL, mem_len, &r0, &ropts);
	if (err) {
		fprintf(stderr, "bpfrt-conformance-plugin: run failed (%s): %s", strerror(-err),
			log[0] ? log : "\n");
		return 1;
	}
	printf("%" PRIx64 "\n", r0);
	bpfrt_prog__free(prog);
	bpfrt_vm__free(vm);
	free(insns);
	free(code);
	free(mem);
	return 0;
}
