/* SPDX-License-Identifier: MIT */
/* Inside the disassembler: the output buffer and the per-syntax writers. */
#ifndef BPFRT_ISA_DISASM_INT_H
#define BPFRT_ISA_DISASM_INT_H

#include <stddef.h>

#include "bpfrt/insn.h"
#include "isa/syntax.h"

/* Text goes to buf[0..size); len counts what was wanted (as snprintf). */
struct disasm_out {
	char *buf;
	size_t size;
	size_t len;
};

void out_printf(struct disasm_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The form of insns[0] if its text can say every field, else NULL. */
const struct isa_form *disasm_form(const struct bpfrt_insn *insns, size_t remaining);

/* Writes one instruction; `label` replaces its jump/call target when not
 * NULL. Returns the slots taken, or -EINVAL after writing a `.invalid` line. */
int disasm_one(struct disasm_out *o, const struct bpfrt_insn *insns, size_t remaining,
	       enum bpfrt_syntax syntax, const char *label);
void disasm_imm(struct disasm_out *o, int32_t v);
void disasm_target(struct disasm_out *o, const char *label, int32_t delta);
void disasm_imm64(struct disasm_out *o, const struct bpfrt_insn *insn, const char *label);
void disasm_raw(struct disasm_out *o, const struct bpfrt_insn *insn);
void disasm_kernel(struct disasm_out *o, const struct isa_form *f, const struct bpfrt_insn *insn,
		   const char *label);

#endif /* BPFRT_ISA_DISASM_INT_H */
