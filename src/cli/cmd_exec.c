/* SPDX-License-Identifier: MIT */
/*
 * `bpfrt exec`: load one program and run it once on a memory buffer; print
 * r0. The program is raw instruction bytes (.bin, 8 bytes a slot), assembler
 * text (.asm, .s: either syntax bpfrt_asm reads) or a conformance test file
 * (.data: its `-- asm` section, and its `-- mem` unless --mem is given).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/asm.h"
#include "bpfrt/vm.h"
#include "cli.h"

static void exec_usage(FILE *out)
{
	fprintf(out,
		"usage: bpfrt exec [OPTIONS] PROGRAM\n"
		"\n"
		"Runs PROGRAM once with r1 = the memory buffer and r2 = its size, and prints r0\n"
		"in hex. PROGRAM is raw instructions (.bin), assembler text (.asm, .s) or a\n"
		"conformance test file (.data); '-' reads raw instructions from stdin.\n"
		"\n"
		"options:\n"
		"  --mem HEX|@FILE  the memory: hex bytes (\"00 01 ff\" or \"0001ff\") or a file's bytes\n"
		"  --interp         run with the interpreter (default)\n"
		"  --jit            run with the JIT (trusted mode unless --checked)\n"
		"  --jit-harden     the JIT with constant blinding (no program immediate in the code)\n"
		"  --trusted        no bounds checks or budget (for verified programs)\n"
		"  --checked        bounds checks and a budget (default for --interp)\n"
		"  --budget N       checked mode: stop after N instructions (default 2^26)\n"
		"  --help           this text\n");
}

/* Hex bytes, spaces allowed between bytes. -EINVAL on anything else. */
static int parse_hex(const char *s, uint8_t **out, size_t *len)
{
	uint8_t *buf = malloc(strlen(s) / 2 + 1);
	size_t n = 0;
	int hi = -1;
	if (!buf)
		return -ENOMEM;
	for (; *s; s++) {
		int v;
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			if (hi >= 0)
				buf[n++] = (uint8_t)hi, hi = -1; /* "1 2" = 01 02 */
			continue;
		}
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'f')
			v = (*s | 0x20) - 'a' + 10;
		else {
			free(buf);
			return -EINVAL;
		}
		if (hi < 0) {
			hi = v;
		} else {
			buf[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0)
		buf[n++] = (uint8_t)hi;
	*out = buf;
	*len = n;
	return 0;
}

/* The text of section `name` ("-- name" up to the next "-- " line) of a
 * conformance test file, malloc'ed, or NULL when absent. */
static char *data_section(const char *text, const char *name)
{
	char head[64];
	snprintf(head, sizeof(head), "-- %s", name);
	for (const char *line = text; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		while (len && (line[len - 1] == ' ' || line[len - 1] == '\r'))
			len--;
		if (len == strlen(head) && !strncmp(line, head, len)) {
			const char *start = eol ? eol + 1 : line + len, *end = start;
			while (*end && strncmp(end, "-- ", 3)) {
				const char *e = strchr(end, '\n');
				end = e ? e + 1 : end + strlen(end);
			}
			return strndup(start, (size_t)(end - start));
		}
		line = eol ? eol + 1 : NULL;
	}
	return NULL;
}

/* Reads PROGRAM into instructions; for .data files also the memory. */
static int read_program(const char *path, struct bpfrt_insn **insns, size_t *cnt, char **mem_hex)
{
	uint8_t *data;
	size_t size;
	int err = cli_read_file(path, &data, &size);
	if (err)
		return cli_error("exec: %s: %s", path, strerror(-err));
	bool data_file = cli_has_suffix(path, ".data");
	if (data_file || cli_has_suffix(path, ".asm") || cli_has_suffix(path, ".s")) {
		char *text = strndup((const char *)data, size), *src = text;
		free(data);
		if (!text)
			return cli_error("exec: %s: out of memory", path);
		if (data_file) {
			src = data_section(text, "asm");
			*mem_hex = data_section(text, "mem");
			if (!src) {
				free(text);
				return cli_error("exec: %s: no '-- asm' section", path);
			}
		}
		char log[512] = "";
		struct bpfrt_asm_opts ao = { .sz = sizeof(ao), .filename = path, .log_buf = log,
					     .log_size = sizeof(log) };
		err = bpfrt_asm(src, &ao, insns, cnt);
		if (src != text)
			free(src);
		free(text);
		if (err) {
			log[strcspn(log, "\n")] = '\0';
			return cli_error("exec: %s", log[0] ? log : strerror(-err));
		}
		return 0;
	}
	if (size >= 4 && !memcmp(data, "\177ELF", 4)) {
		free(data);
		return cli_error("exec: %s: an ELF object; 'bpfrt prog load' reads those, exec "
				 "takes raw instructions or assembler text",
				 path);
	}
	if (size % sizeof(struct bpfrt_insn)) {
		free(data);
		return cli_error("exec: %s: %zu bytes is not a whole number of 8-byte instructions",
				 path, size);
	}
	*insns = (struct bpfrt_insn *)data;
	*cnt = size / sizeof(struct bpfrt_insn);
	return 0;
}

static int read_mem(const char *arg, uint8_t **mem, size_t *size)
{
	int err;
	if (arg[0] == '@') {
		err = cli_read_file(arg + 1, mem, size);
		if (err)
			return cli_error("exec: --mem %s: %s", arg + 1, strerror(-err));
		return 0;
	}
	err = parse_hex(arg, mem, size);
	if (err)
		return cli_error("exec: --mem: '%s' is not hex bytes", arg);
	return 0;
}

static const char *first_line(char *log, const char *fallback)
{
	log[strcspn(log, "\n")] = '\0';
	return log[0] ? log : fallback;
}

int cmd_exec(int argc, char **argv)
{
	const char *path = NULL, *mem_arg = NULL;
	bool jit = false, harden = false, trusted = false, checked = false;
	uint64_t budget = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			exec_usage(stdout);
			return 0;
		} else if (!strcmp(a, "--mem") || !strcmp(a, "--budget")) {
			if (i + 1 >= argc)
				return cli_error("exec: %s needs a value", a);
			if (!strcmp(a, "--mem")) {
				mem_arg = argv[++i];
			} else {
				char *end;
				errno = 0;
				budget = strtoull(argv[++i], &end, 0);
				if (errno || *end || !budget || argv[i][0] == '-')
					return cli_error("exec: --budget: '%s' is not a positive number",
							 argv[i]);
			}
		} else if (!strcmp(a, "--interp")) {
			jit = false;
		} else if (!strcmp(a, "--jit")) {
			jit = true;
		} else if (!strcmp(a, "--jit-harden")) {
			jit = harden = true;
		} else if (!strcmp(a, "--trusted")) {
			trusted = true;
		} else if (!strcmp(a, "--checked")) {
			checked = true;
		} else if (a[0] == '-' && a[1]) {
			return cli_error("exec: unknown option '%s' (see 'bpfrt exec --help')", a);
		} else if (path) {
			return cli_error("exec: more than one program ('%s' and '%s')", path, a);
		} else {
			path = a;
		}
	}
	if (!path) {
		exec_usage(stderr);
		return 2;
	}
	if (trusted && checked)
		return cli_error("exec: --trusted and --checked exclude each other");
	if (budget && (trusted || (jit && !checked)))
		return cli_error("exec: --budget applies to checked mode only");

	struct bpfrt_insn *insns = NULL;
	size_t cnt = 0;
	char *data_mem = NULL;
	uint8_t *mem = NULL;
	size_t mem_size = 0;
	int rc = read_program(path, &insns, &cnt, &data_mem);
	if (rc)
		return rc;
	if (mem_arg)
		rc = read_mem(mem_arg, &mem, &mem_size);
	else if (data_mem && parse_hex(data_mem, &mem, &mem_size))
		rc = cli_error("exec: %s: the '-- mem' section is not hex bytes", path);
	free(data_mem);
	if (rc) {
		free(insns);
		return rc;
	}

	struct bpfrt_vm *vm = bpfrt_vm__new();
	if (!vm || bpfrt_vm__register_kernel_helpers(vm)) {
		free(insns);
		free(mem);
		bpfrt_vm__free(vm);
		return cli_error("exec: out of memory");
	}
	char log[1024] = "";
	struct bpfrt_prog_opts lo = {
		.sz = sizeof(lo),
		.name = path,
		.mode = trusted || (jit && !checked) ? BPFRT_EXEC_TRUSTED : BPFRT_EXEC_CHECKED,
		.backend = jit ? BPFRT_BACKEND_JIT : BPFRT_BACKEND_INTERP,
		.log_buf = log,
		.log_size = sizeof(log),
		.jit_harden = harden,
	};
	struct bpfrt_prog *prog = bpfrt_prog__load(vm, insns, cnt, &lo);
	if (!prog) {
		rc = cli_error("exec: %s: %s", path, first_line(log, strerror(errno)));
	} else {
		struct bpfrt_run_opts ro = { .sz = sizeof(ro), .insn_budget = budget,
					     .log_buf = log, .log_size = sizeof(log) };
		uint64_t r0 = 0;
		int err = bpfrt_prog__run(prog, mem_size ? mem : NULL, mem_size, &r0, &ro);
		if (err)
			rc = cli_error("exec: %s: %s", path, first_line(log, strerror(-err)));
		else
			printf("0x%" PRIx64 "\n", r0);
	}
	bpfrt_prog__free(prog);
	bpfrt_vm__free(vm);
	free(insns);
	free(mem);
	return rc;
}
