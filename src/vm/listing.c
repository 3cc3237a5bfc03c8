/* SPDX-License-Identifier: MIT */
/*
 * Listings of a loaded program with its source lines (.BTF.ext line info
 * that the loader handed over): the instructions (bpfrt_prog__dump_xlated)
 * here, the JIT's code in src/jit/x86_64/dump.c; both print source lines
 * with vm_source_lines().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/asm.h"
#include "bpfrt/object.h"
#include "vm/listing.h"
#include "vm/prog.h"

void vm_source_lines(const struct bpfrt_line_info *lines, size_t nlines, size_t *next, size_t idx,
		     bpfrt_line_fn print, void *arg)
{
	char buf[512];
	while (*next < nlines && lines[*next].insn_idx < idx)
		++*next;
	for (; *next < nlines && lines[*next].insn_idx == idx; ++*next) {
		const struct bpfrt_line_info *l = &lines[*next];
		/* clang repeats a line for each piece of code it makes of it */
		if (*next && lines[*next - 1].insn_idx < idx && lines[*next - 1].line_num == l->line_num &&
		    lines[*next - 1].file == l->file)
			continue;
		const char *text = l->line ? l->line : "";
		const char *file = l->file ? l->file : "?", *base = strrchr(file, '/');
		while (*text == ' ' || *text == '\t')
			text++;
		snprintf(buf, sizeof(buf), "; %s [%s:%u]", text, base ? base + 1 : file, l->line_num);
		print(arg, buf);
	}
}

int bpfrt_prog__dump_xlated(const struct bpfrt_prog *prog, enum bpfrt_syntax syntax,
			    bpfrt_line_fn line, void *arg)
{
	if (!prog || !line)
		return -EINVAL;
	char *text = NULL;
	struct bpfrt_disasm_opts o = {.sz = sizeof(o), .syntax = syntax, .flags = BPFRT_DISASM_SLOTS};
	int err = bpfrt_disasm(prog->insns, prog->insn_cnt, &o, &text);
	if (err < 0)
		return err;
	size_t next = 0;
	for (char *p = text, *nl; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p) - 1;
		else
			*nl = '\0';
		/* instruction lines start with their slot ("   12: "), labels not */
		char *end;
		unsigned long slot = strtoul(p, &end, 10);
		if (end != p && *end == ':')
			vm_source_lines(prog->line_info, prog->line_info_cnt, &next, slot, line, arg);
		line(arg, p);
	}
	free(text);
	return 0;
}
