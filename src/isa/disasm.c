/* SPDX-License-Identifier: MIT */
/*
 * The disassembler: one instruction in the conformance syntax (driven by the
 * operand layouts of syntax.c) or in the kernel/llvm-objdump syntax.
 * Whatever it writes assembles back to the same bytes; slots that no text
 * can say (unknown opcodes, nonzero reserved fields) become `.invalid` lines.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bpfrt/asm.h"
#include "isa/disasm_int.h"

void out_printf(struct disasm_out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t room = o->len < o->size ? o->size - o->len : 0;
	int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

/* Small immediates in decimal, others as the hex of their 32 bits. */
void disasm_imm(struct disasm_out *o, int32_t v)
{
	if (v >= -4096 && v <= 4096)
		out_printf(o, "%d", v);
	else
		out_printf(o, "0x%x", (uint32_t)v);
}

void disasm_target(struct disasm_out *o, const char *label, int32_t delta)
{
	if (label)
		out_printf(o, "%s", label);
	else
		out_printf(o, "%+d", delta);
}

/* ld_imm64's value: a number, or the pseudo source its src_reg names. */
void disasm_imm64(struct disasm_out *o, const struct bpfrt_insn *insn, const char *label)
{
	const struct syn_pseudo *ps = syn_pseudo_of(insn->src_reg);
	if (!ps) {
		out_printf(o, "0x%llx",
			   (unsigned long long)((uint64_t)(uint32_t)insn[1].imm << 32 |
						(uint32_t)insn[0].imm));
		return;
	}
	out_printf(o, "%s", ps->prefix);
	if (ps->target)
		disasm_target(o, label, insn->imm);
	else
		out_printf(o, "%d", insn->imm);
	out_printf(o, "]");
	if (ps->value)
		out_printf(o, "[0]%+d", insn[1].imm);
}

/* Which fields the form's text says; the others must be zero. */
static bool fields_said(const struct isa_form *f, const struct bpfrt_insn *insn, size_t remaining)
{
	const struct syn_layout *l = &syn_layouts[f->syntax];
	bool dst = false, src = f->match == ISA_MATCH_SRC, off = f->match == ISA_MATCH_OFF,
	     imm = f->match == ISA_MATCH_IMM;
	for (unsigned i = 0; i < l->n; i++) {
		switch (l->opnd[i]) {
		case SYN_REG_DST:
			dst = true;
			break;
		case SYN_REG_SRC:
			src = true;
			break;
		case SYN_IMM:
		case SYN_TGT_IMM:
		case SYN_IMM64:
			imm = true;
			break;
		case SYN_TGT_OFF:
			off = true;
			break;
		case SYN_MEM_DST:
			dst = off = true;
			break;
		case SYN_MEM_SRC:
			src = off = true;
			break;
		}
	}
	if ((!dst && insn->dst_reg) || (!src && insn->src_reg) || (!off && insn->off) ||
	    (!imm && insn->imm))
		return false;
	if (f->syntax == ISA_SYN_LDDW) {
		const struct syn_pseudo *ps = syn_pseudo_of(insn->src_reg);
		if (remaining < 2 || insn[1].code || insn[1].dst_reg || insn[1].src_reg ||
		    insn[1].off || (ps && !ps->value && insn[1].imm))
			return false;
	}
	return true;
}

const struct isa_form *disasm_form(const struct bpfrt_insn *insn, size_t remaining)
{
	if (!remaining)
		return NULL;
	const struct isa_form *f = isa_form_of(insn);
	return f && fields_said(f, insn, remaining) ? f : NULL;
}

static void conformance(struct disasm_out *o, const struct isa_form *f,
			const struct bpfrt_insn *insn, const char *label)
{
	if (f->syntax == ISA_SYN_ATOMIC)
		out_printf(o, "lock %s", syn_atomic_writes_fetch(f) ? "fetch " : "");
	out_printf(o, "%s", f->mnemonic);
	const char *kw = syn_call_keyword(f);
	if (kw)
		out_printf(o, " %s", kw);
	const struct syn_layout *l = &syn_layouts[f->syntax];
	for (unsigned i = 0; i < l->n; i++) {
		out_printf(o, i ? ", " : " ");
		switch (l->opnd[i]) {
		case SYN_REG_DST:
			out_printf(o, "%%r%u", insn->dst_reg);
			break;
		case SYN_REG_SRC:
			out_printf(o, "%%r%u", insn->src_reg);
			break;
		case SYN_IMM:
			disasm_imm(o, insn->imm);
			break;
		case SYN_TGT_OFF:
			disasm_target(o, label, insn->off);
			break;
		case SYN_TGT_IMM:
			disasm_target(o, label, insn->imm);
			break;
		case SYN_MEM_DST:
		case SYN_MEM_SRC:
			out_printf(o, "[%%r%u", l->opnd[i] == SYN_MEM_DST ? insn->dst_reg : insn->src_reg);
			if (insn->off)
				out_printf(o, "%+d", insn->off);
			out_printf(o, "]");
			break;
		case SYN_IMM64:
			disasm_imm64(o, insn, label);
			break;
		}
	}
}

void disasm_raw(struct disasm_out *o, const struct bpfrt_insn *insn)
{
	uint8_t b[8];
	memcpy(b, insn, sizeof(b));
	out_printf(o, ".invalid %02x %02x %02x %02x %02x %02x %02x %02x", b[0], b[1], b[2], b[3],
		   b[4], b[5], b[6], b[7]);
}

int disasm_one(struct disasm_out *o, const struct bpfrt_insn *insns, size_t remaining,
	       enum bpfrt_syntax syntax, const char *label)
{
	const struct isa_form *f = disasm_form(insns, remaining);
	if (!f) {
		if (remaining)
			disasm_raw(o, insns);
		return -EINVAL;
	}
	if (syntax == BPFRT_SYNTAX_KERNEL)
		disasm_kernel(o, f, insns, label);
	else
		conformance(o, f, insns, label);
	return (int)isa_insn_slots(insns);
}

int bpfrt_disasm_insn(const struct bpfrt_insn *insns, size_t remaining, enum bpfrt_syntax syntax,
		      char *buf, size_t size)
{
	struct disasm_out o = { buf, size, 0 };
	if (buf && size)
		buf[0] = 0;
	if (!insns || !remaining)
		return -EINVAL;
	return disasm_one(&o, insns, remaining, syntax, NULL);
}
