/* libFuzzer target for the assembler and disassembler. The input is taken
 * both as text (it must assemble or fail with a placed error; what
 * assembles must round-trip through both listing syntaxes) and as raw
 * instruction slots (their listing must assemble back to them). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/asm.h"

static void round_trip(const struct bpfrt_insn *insns, size_t cnt)
{
	for (int syntax = 0; syntax < 2; syntax++) {
		struct bpfrt_disasm_opts opts = { .sz = sizeof(opts), .syntax = syntax,
						  .flags = syntax ? BPFRT_DISASM_SLOTS : 0 };
		char *text = NULL;
		if (bpfrt_disasm(insns, cnt, &opts, &text) < 0)
			abort();
		struct bpfrt_insn *again = NULL;
		size_t n = 0;
		if (bpfrt_asm(text, NULL, &again, &n) || n != cnt ||
		    (cnt && memcmp(again, insns, cnt * sizeof(*insns))))
			abort();
		free(again);
		free(text);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	char log[256];
	struct bpfrt_asm_opts opts = { .sz = sizeof(opts), .filename = "f", .log_buf = log,
				       .log_size = sizeof(log) };
	struct bpfrt_insn *insns = NULL;
	size_t cnt = 0;
	if (!bpfrt_asm(text, &opts, &insns, &cnt)) {
		round_trip(insns, cnt);
		free(insns);
	} else if (strncmp(log, "f:", 2)) {
		abort(); /* every error names its place */
	}
	free(text);

	size_t slots = size / sizeof(struct bpfrt_insn);
	struct bpfrt_insn *raw = malloc(slots * sizeof(*raw) + 1);
	if (raw) {
		memcpy(raw, data, slots * sizeof(*raw));
		round_trip(raw, slots);
		free(raw);
	}
	return 0;
}
