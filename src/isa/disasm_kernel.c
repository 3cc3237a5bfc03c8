/* SPDX-License-Identifier: MIT */
/*
 * The kernel/llvm-objdump syntax, one writer per operand syntax:
 *
 *   r0 += 1   w0 = (s8)w1   r0 = be16 r0   if r1 == 0x0 goto +3   call 1
 *   r0 = *(u32 *)(r1 + 4)   *(u64 *)(r10 - 8) = r1   r1 = 0x1 ll
 *   lock *(u64 *)(r1 + 0) += r2   r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)
 *
 * Registers are w in 32-bit ALU, JMP32 and atomic forms, as llvm writes them;
 * llvm-mc reads this text (test_llvm_mc), except `call pc+N`, `call kfunc N`,
 * the ld_imm64 pseudo sources and `skb[rS + imm]`, which it cannot say.
 */
#include "isa/disasm_int.h"

static char reg_prefix(const struct isa_form *f)
{
	return (f->flags & (ISA_F_ALU32 | ISA_F_JMP32)) ? 'w' : 'r';
}

/* "*(u32 *)(r1 + 4)" or, inside an atomic call, "(u32 *)(r1 + 4)" */
static void mem(struct disasm_out *o, const struct isa_form *f, unsigned base, int16_t off,
		bool deref)
{
	out_printf(o, "%s(%s *)(r%u %c %d)", deref ? "*" : "",
		   syn_size_type(f->size, f->flags & ISA_F_SIGNED), base, off < 0 ? '-' : '+',
		   off < 0 ? -off : off);
}

static void alu(struct disasm_out *o, const struct isa_form *f, const struct bpfrt_insn *insn)
{
	char w = reg_prefix(f);
	if (f->match == ISA_MATCH_OFF && (f->flags & ISA_F_SIGNED) && f->match_value >= 8 &&
	    f->syntax == ISA_SYN_ALU_X && !syn_kernel_operator(f)) {
		/* movsx: the offset is the source width */
		out_printf(o, "%c%u = (s%d)%c%u", w, insn->dst_reg, f->match_value, w, insn->src_reg);
		return;
	}
	out_printf(o, "%c%u %s ", w, insn->dst_reg, syn_kernel_operator(f));
	if (f->syntax == ISA_SYN_ALU_X)
		out_printf(o, "%c%u", w, insn->src_reg);
	else
		disasm_imm(o, insn->imm);
}

/* Atomics as llvm writes them: "lock *(u32 *)(r1 + 8) += w2", "r2 =
 * atomic_fetch_or((u64 *)(r1 + 8), r2)", "w2 = xchg32_32(r1 + 8, w2)",
 * "r0 = cmpxchg_64(r1 + 8, r0, r2)"; w registers for 32-bit ones. */
static void atomic(struct disasm_out *o, const struct isa_form *f, const struct bpfrt_insn *insn)
{
	int n = (int)syn_base_len(f);
	char w = f->size == 8 ? 'r' : 'w';
	if (!(f->flags & ISA_F_FETCH)) {
		out_printf(o, "lock ");
		mem(o, f, insn->dst_reg, insn->off, true);
		out_printf(o, " %s %c%u", syn_kernel_operator(f), w, insn->src_reg);
		return;
	}
	if (syn_atomic_writes_fetch(f)) {
		out_printf(o, "%c%u = atomic_fetch_%.*s(", w, insn->src_reg, n, f->mnemonic);
		mem(o, f, insn->dst_reg, insn->off, false);
		out_printf(o, ", %c%u)", w, insn->src_reg);
		return;
	}
	bool cmpxchg = f->flags & ISA_F_WRITES_R0;
	out_printf(o, "%c%u = %.*s%s(r%u %c %d, ", w, cmpxchg ? 0 : insn->src_reg, n, f->mnemonic,
		   f->size == 8 ? "_64" : "32_32", insn->dst_reg, insn->off < 0 ? '-' : '+',
		   insn->off < 0 ? -insn->off : insn->off);
	if (cmpxchg)
		out_printf(o, "%c0, ", w);
	out_printf(o, "%c%u)", w, insn->src_reg);
}

void disasm_kernel(struct disasm_out *o, const struct isa_form *f, const struct bpfrt_insn *insn,
		   const char *label)
{
	char w = reg_prefix(f);
	switch ((enum isa_syntax)f->syntax) {
	case ISA_SYN_ALU_K:
	case ISA_SYN_ALU_X:
		alu(o, f, insn);
		break;
	case ISA_SYN_UNARY:
		if (f->match == ISA_MATCH_IMM) /* byte swaps: "r0 = be16 r0" */
			out_printf(o, "r%u = %s r%u", insn->dst_reg, f->mnemonic, insn->dst_reg);
		else
			out_printf(o, "%c%u = -%c%u", w, insn->dst_reg, w, insn->dst_reg);
		break;
	case ISA_SYN_JA:
		out_printf(o, "goto ");
		disasm_target(o, label, insn->off);
		break;
	case ISA_SYN_MAY_GOTO: /* llvm's spelling; the kernel's log writes pc+N */
		out_printf(o, "may_goto ");
		disasm_target(o, label, insn->off);
		break;
	case ISA_SYN_JA32:
		out_printf(o, "gotol ");
		disasm_target(o, label, insn->imm);
		break;
	case ISA_SYN_JCOND_K:
		out_printf(o, "if %c%u %s 0x%x goto ", w, insn->dst_reg, syn_kernel_operator(f),
			   (uint32_t)insn->imm);
		disasm_target(o, label, insn->off);
		break;
	case ISA_SYN_JCOND_X:
		out_printf(o, "if %c%u %s %c%u goto ", w, insn->dst_reg, syn_kernel_operator(f), w,
			   insn->src_reg);
		disasm_target(o, label, insn->off);
		break;
	case ISA_SYN_CALL:
		out_printf(o, "call %s%d", syn_call_keyword(f) ? "kfunc " : "", insn->imm);
		break;
	case ISA_SYN_CALL_LOCAL:
		out_printf(o, "call %s", label ? "" : "pc");
		disasm_target(o, label, insn->imm);
		break;
	case ISA_SYN_CALLX:
		out_printf(o, "callx r%u", insn->dst_reg);
		break;
	case ISA_SYN_EXIT:
		out_printf(o, "exit");
		break;
	case ISA_SYN_LDDW:
		out_printf(o, "r%u = ", insn->dst_reg);
		disasm_imm64(o, insn, label);
		out_printf(o, " ll");
		break;
	case ISA_SYN_LDX:
		out_printf(o, "r%u = ", insn->dst_reg);
		mem(o, f, insn->src_reg, insn->off, true);
		break;
	case ISA_SYN_ST:
		mem(o, f, insn->dst_reg, insn->off, true);
		out_printf(o, " = ");
		disasm_imm(o, insn->imm);
		break;
	case ISA_SYN_STX:
		mem(o, f, insn->dst_reg, insn->off, true);
		out_printf(o, " = r%u", insn->src_reg);
		break;
	case ISA_SYN_ATOMIC:
		atomic(o, f, insn);
		break;
	case ISA_SYN_LDABS:
		out_printf(o, "r0 = *(%s *)skb[%d]", syn_size_type(f->size, false), insn->imm);
		break;
	case ISA_SYN_LDIND:
		out_printf(o, "r0 = *(%s *)skb[r%u %c %lld]", syn_size_type(f->size, false),
			   insn->src_reg, insn->imm < 0 ? '-' : '+',
			   insn->imm < 0 ? -(long long)insn->imm : (long long)insn->imm);
		break;
	}
}
