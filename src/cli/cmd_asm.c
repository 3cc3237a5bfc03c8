/* SPDX-License-Identifier: MIT */
/* `bpfrt asm IN.asm [-o OUT.bin] [--hex]`: text to raw instructions. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpfrt/asm.h"
#include "cli.h"

static void asm_usage(FILE *out)
{
	fprintf(out,
		"usage: bpfrt asm IN.asm [-o OUT.bin] [--hex]\n\n"
		"Assembles IN.asm ('-' reads stdin) into raw little-endian 8-byte\n"
		"instructions (ld_imm64 takes two). Lines may be in the conformance syntax\n"
		"(mov %%r0, 1; ldxw %%r0, [%%r1+4]) or the kernel syntax (r0 = *(u32 *)(r1 + 4));\n"
		"see docs/asm.md.\n\n"
		"  -o OUT.bin   write the instructions to OUT.bin (default: stdout, not a terminal)\n"
		"  --hex        write them as space-separated hex bytes on one line instead\n"
		"  -h, --help   this text\n");
}

int cmd_asm(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	bool hex = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			asm_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--hex")) {
			hex = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_error("asm: unknown option '%s' (see 'bpfrt asm --help')", argv[i]);
		} else if (!in) {
			in = argv[i];
		} else {
			return cli_error("asm: one input file only ('%s')", argv[i]);
		}
	}
	if (!in) {
		asm_usage(stderr);
		return 2;
	}
	uint8_t *text;
	size_t size;
	int err = cli_read_file(in, &text, &size);
	if (err)
		return cli_error("%s: %s", in, strerror(-err));
	if (memchr(text, 0, size)) {
		free(text);
		return cli_error("%s: not a text file (it has NUL bytes)", in);
	}
	char *str = realloc(text, size + 1);
	if (!str) {
		free(text);
		return cli_error("%s: %s", in, strerror(ENOMEM));
	}
	str[size] = 0;
	char log[512] = "";
	struct bpfrt_asm_opts opts = { .sz = sizeof(opts),
				       .filename = strcmp(in, "-") ? in : "<stdin>",
				       .log_buf = log,
				       .log_size = sizeof(log) };
	struct bpfrt_insn *insns = NULL;
	size_t cnt = 0;
	err = bpfrt_asm(str, &opts, &insns, &cnt);
	free(str);
	if (err)
		return cli_error("%s", log[0] ? log : strerror(-err));

	FILE *f = stdout;
	if (out && !(f = fopen(out, hex ? "w" : "wb"))) {
		err = errno;
		free(insns);
		return cli_error("%s: %s", out, strerror(err));
	}
	if (!out && !hex && isatty(STDOUT_FILENO)) {
		free(insns);
		return cli_error("asm: not writing binary to a terminal; use -o OUT.bin or --hex");
	}
	const uint8_t *bytes = (const uint8_t *)insns;
	if (hex) {
		for (size_t i = 0; i < cnt * 8; i++)
			fprintf(f, i ? " %02x" : "%02x", bytes[i]);
		fputc('\n', f);
	} else if (cnt) {
		fwrite(bytes, 8, cnt, f);
	}
	free(insns);
	bool bad = ferror(f);
	if (out)
		bad |= fclose(f) != 0;
	else
		bad |= fflush(f) != 0;
	if (bad)
		return cli_error("%s: write failed", out ? out : "<stdout>");
	return 0;
}
