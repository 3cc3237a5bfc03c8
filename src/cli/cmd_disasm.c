/* SPDX-License-Identifier: MIT */
/* `bpfrt disasm IN.bin [--syntax conformance|kernel]`: raw instructions to text. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/asm.h"
#include "cli.h"

static void disasm_usage(FILE *out)
{
	fprintf(out,
		"usage: bpfrt disasm IN.bin [--syntax conformance|kernel] [--slots] [--hex]\n\n"
		"Lists the raw little-endian 8-byte instructions of IN.bin ('-' reads stdin),\n"
		"with L<slot>: labels at jump and call targets. The listing assembles back to\n"
		"the same bytes with 'bpfrt asm'. Slots that are no valid instruction are\n"
		"shown as '.invalid' lines and make the exit status 1.\n\n"
		"  --syntax S   conformance (mov %%r0, 1; the default) or kernel (r0 = 1)\n"
		"  --slots      prefix every instruction with its slot number\n"
		"  --hex        IN holds hex bytes as text (\"b7 00 00 00 01 00 00 00 ...\")\n"
		"  -h, --help   this text\n");
}

/* Hex text ("b7 00 ...", as bpf_asm and the conformance runner write it) to bytes. */
static int from_hex(const char *in, uint8_t *data, size_t *size)
{
	size_t n = 0;
	for (size_t i = 0; i < *size;) {
		if (isspace(data[i]) || data[i] == ',') {
			i++;
			continue;
		}
		if (i + 1 >= *size || !isxdigit(data[i]) || !isxdigit(data[i + 1]))
			return cli_error("%s: byte %zu: expected two hex digits", in, i);
		char pair[3] = { (char)data[i], (char)data[i + 1], 0 };
		data[n++] = (uint8_t)strtoul(pair, NULL, 16);
		i += 2;
	}
	*size = n;
	return 0;
}

int cmd_disasm(int argc, char **argv)
{
	const char *in = NULL;
	struct bpfrt_disasm_opts opts = { .sz = sizeof(opts) };
	bool hex = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			disasm_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--syntax") && i + 1 < argc) {
			const char *s = argv[++i];
			if (!strcmp(s, "conformance"))
				opts.syntax = BPFRT_SYNTAX_CONFORMANCE;
			else if (!strcmp(s, "kernel"))
				opts.syntax = BPFRT_SYNTAX_KERNEL;
			else
				return cli_error("disasm: unknown syntax '%s' (conformance or kernel)", s);
		} else if (!strcmp(argv[i], "--slots")) {
			opts.flags |= BPFRT_DISASM_SLOTS;
		} else if (!strcmp(argv[i], "--hex")) {
			hex = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_error("disasm: unknown option '%s' (see 'bpfrt disasm --help')",
					 argv[i]);
		} else if (!in) {
			in = argv[i];
		} else {
			return cli_error("disasm: one input file only ('%s')", argv[i]);
		}
	}
	if (!in) {
		disasm_usage(stderr);
		return 2;
	}
	uint8_t *data;
	size_t size;
	int err = cli_read_file(in, &data, &size);
	if (err)
		return cli_error("%s: %s", in, strerror(-err));
	if (hex && from_hex(in, data, &size)) {
		free(data);
		return 1;
	}
	if (size % 8) {
		free(data);
		return cli_error("%s: %zu bytes is not a whole number of 8-byte instructions", in,
				 size);
	}
	char *text = NULL;
	int invalid = bpfrt_disasm((const struct bpfrt_insn *)data, size / 8, &opts, &text);
	free(data);
	if (invalid < 0)
		return cli_error("%s: %s", in, strerror(-invalid));
	fputs(text, stdout);
	free(text);
	if (invalid)
		return cli_error("%s: %d slot%s not a valid instruction (.invalid)", in, invalid,
				 invalid == 1 ? " is" : "s are");
	return 0;
}
