/* SPDX-License-Identifier: MIT */
/*
 * The JIT-ed code disassembled with Zydis, interleaved with the BPF
 * instructions it came from:
 *
 *	    3: add %r1, 8
 *	       0012  48 83 c7 08                    add rdi, 0x08
 *
 * Code before the first instruction's offset of a function (its prologue)
 * and after the last instruction (the unwinding stubs) is listed under
 * `prologue`/`stubs` lines. Where the object had .BTF.ext line info, the
 * source line comes before the instructions it starts at, as bpftool
 * prints it:
 *
 *	; return ctx->a + 8; [prog.bpf.c:12]
 *
 * (vm_source_lines).
 */
#include <Zydis/Zydis.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bpfrt/asm.h"
#include "bpfrt/object.h"
#include "vm/listing.h"
#include "jit/x86_64/jit_x86.h"

static void bpf_line(const struct bpfrt_insn *insns, size_t cnt, size_t idx,
		     enum bpfrt_syntax syntax, char *buf, size_t size)
{
	char text[160];
	bpfrt_disasm_insn(&insns[idx], cnt - idx, syntax, text, sizeof(text));
	snprintf(buf, size, "%5zu: %s", idx, text);
}

/* Disassembles [from, to) of the code, one line per x86 instruction. */
static int dump_range(const struct jit_prog *jp, const ZydisDecoder *dec, const ZydisFormatter *fmt,
		      size_t from, size_t to, jit_print_fn print, void *arg)
{
	char line[256], text[128];
	while (from < to) {
		ZydisDecodedInstruction zi;
		ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
		if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(dec, jp->code + from, to - from, &zi, ops))) {
			snprintf(line, sizeof(line), "       %04zx  %02x            (undecodable)", from,
				 jp->code[from]);
			print(arg, line);
			from++;
			continue;
		}
		if (!ZYAN_SUCCESS(ZydisFormatterFormatInstruction(fmt, &zi, ops, zi.operand_count_visible,
								  text, sizeof(text),
								  (ZyanU64)from,
								  NULL)))
			snprintf(text, sizeof(text), "?");
		char hex[64] = "";
		size_t h = 0;
		for (unsigned k = 0; k < zi.length && h + 4 < sizeof(hex); k++)
			h += (size_t)snprintf(hex + h, sizeof(hex) - h, "%02x ", jp->code[from + k]);
		snprintf(line, sizeof(line), "       %04zx  %-30s %s", from, hex, text);
		print(arg, line);
		from += zi.length;
	}
	return 0;
}

int jit_dump(const struct jit_prog *jp, const struct bpfrt_insn *insns, size_t cnt,
	     const struct bpfrt_line_info *lines, size_t nlines, enum bpfrt_syntax syntax,
	     jit_print_fn print, void *arg)
{
	if (cnt != jp->insn_cnt)
		return -EINVAL;
	ZydisDecoder dec;
	ZydisFormatter fmt;
	if (!ZYAN_SUCCESS(ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64)) ||
	    !ZYAN_SUCCESS(ZydisFormatterInit(&fmt, ZYDIS_FORMATTER_STYLE_INTEL)))
		return -EINVAL;
	char line[256];
	size_t next_line = 0;
	for (size_t k = 0; k < jp->nfuncs; k++) {
		size_t first = jp->func_insn[k];
		size_t last = k + 1 < jp->nfuncs ? jp->func_insn[k + 1] : cnt;
		size_t fend = k + 1 < jp->nfuncs ? jp->func_code[k + 1] : jp->offsets[cnt];
		snprintf(line, sizeof(line), "%s at insn %zu:", k ? "function" : "main", first);
		print(arg, line);
		size_t pos = jp->func_code[k];
		dump_range(jp, &dec, &fmt, pos, jp->offsets[first], print, arg);
		for (size_t i = first; i < last; i++) {
			if (i > first && BPFRT_INSN_IS_LDDW(&insns[i - 1]))
				continue; /* second slot */
			vm_source_lines(lines, nlines, &next_line, i, print, arg);
			bpf_line(insns, cnt, i, syntax, line, sizeof(line));
			print(arg, line);
			/* up to the next instruction with code of its own; a folded
			 * pair (mov + add as one lea) shows under its first half */
			size_t j = i + (BPFRT_INSN_IS_LDDW(&insns[i]) ? 2 : 1);
			size_t from = jp->offsets[i], to = j < last ? jp->offsets[j] : fend;
			if (from < pos)
				from = pos;
			dump_range(jp, &dec, &fmt, from, to, print, arg);
			if (to > pos)
				pos = to;
		}
	}
	if (jp->offsets[cnt] < jp->code_size) {
		print(arg, "stubs:");
		dump_range(jp, &dec, &fmt, jp->offsets[cnt], jp->code_size, print, arg);
	}
	return 0;
}
