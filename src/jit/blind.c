/* SPDX-License-Identifier: MIT */
/*
 * Constant blinding (the kernel's bpf_jit_blind_constants, bpf_jit_harden):
 * a rewrite of the program before translation so that no immediate the
 * program chose appears in the machine code, where an attacker could plant
 * instruction bytes (JIT spraying). Each such immediate becomes
 *
 *	ax = imm ^ rnd; ax ^= rnd; <the operation with ax as its source>
 *
 * with rnd random per instruction and ax the JIT's scratch register
 * JIT_REG_AX (BPF register 11, which no program may name). Blinded:
 * ALU/ALU64 add, sub, and, or, xor, mul, mov, div, mod (and the signed
 * forms) with an immediate, conditional jumps against an immediate, stores
 * of an immediate and ld_imm64 of plain constants. Not blinded, as in the
 * kernel: shift counts, byte-swap widths, helper ids, offsets, atomics'
 * operation codes; nor an ld_imm64 whose value could be an instruction
 * index (below the instruction count: a callback's, which the JIT reads).
 * Branch and call offsets are moved to the longer program.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "isa/opcodes.h"
#include "jit/jit.h"

#define AX JIT_REG_AX

static struct bpfrt_insn mk(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpfrt_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

/* xorshift64*: per-instruction keys from one random seed per program */
static uint32_t next_key(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (uint32_t)((*s * 0x2545f4914f6cdd1dull) >> 32);
}

static bool blinds_alu(const struct bpfrt_insn *in)
{
	uint8_t cls = BPFRT_CLASS(in->code), op = BPFRT_OP(in->code);
	if ((cls != BPFRT_ALU && cls != BPFRT_ALU64) || BPFRT_SRC(in->code) != BPFRT_K)
		return false;
	return op == BPFRT_ADD || op == BPFRT_SUB || op == BPFRT_AND || op == BPFRT_OR ||
	       op == BPFRT_XOR || op == BPFRT_MUL || op == BPFRT_MOV || op == BPFRT_DIV ||
	       op == BPFRT_MOD;
}

/* Slots the blinded form of instruction `in` takes (0: left as it is). */
static size_t blinded_len(const struct isa_form *f, const struct bpfrt_insn *in, size_t cnt)
{
	if (blinds_alu(in) && !(BPFRT_OP(in->code) == BPFRT_MOV && in->off))
		return 3;
	if (f->syntax == ISA_SYN_JCOND_K || f->syntax == ISA_SYN_ST)
		return 3;
	if (f->op == ISA_OP_LDDW) {
		uint64_t v = (uint32_t)in[0].imm | (uint64_t)(uint32_t)in[1].imm << 32;
		return v < cnt ? 0 : 7;
	}
	return 0;
}

/* The instruction a branch or local call at `i` goes to, or -1. */
static int64_t target_of(const struct isa_form *f, const struct bpfrt_insn *in, size_t i)
{
	if (f->syntax == ISA_SYN_JA || f->syntax == ISA_SYN_JCOND_K || f->syntax == ISA_SYN_JCOND_X ||
	    f->syntax == ISA_SYN_MAY_GOTO)
		return (int64_t)i + 1 + in->off;
	if (f->syntax == ISA_SYN_JA32 || f->syntax == ISA_SYN_CALL_LOCAL)
		return (int64_t)i + 1 + in->imm;
	return -1;
}

/* Writes the blinded form of in[0] (len slots) at out. `branch_at`: the
 * slot of out that branches, for the offset fix-up (or -1). */
static void emit_blinded(const struct isa_form *f, const struct bpfrt_insn *in, uint64_t *seed,
			 struct bpfrt_insn *out, int *branch_at)
{
	uint32_t r = next_key(seed);
	uint8_t cls = BPFRT_CLASS(in->code);
	*branch_at = -1;
	if (f->op == ISA_OP_LDDW) {
		uint32_t r2 = next_key(seed);
		out[0] = mk(BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, AX, 0, 0, (int32_t)(r ^ (uint32_t)in[1].imm));
		out[1] = mk(BPFRT_ALU64 | BPFRT_XOR | BPFRT_K, AX, 0, 0, (int32_t)r);
		out[2] = mk(BPFRT_ALU64 | BPFRT_LSH | BPFRT_K, AX, 0, 0, 32);
		out[3] = mk(BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, in->dst_reg, AX, 0, 0);
		out[4] = mk(BPFRT_ALU | BPFRT_MOV | BPFRT_K, AX, 0, 0, (int32_t)(r2 ^ (uint32_t)in[0].imm));
		out[5] = mk(BPFRT_ALU | BPFRT_XOR | BPFRT_K, AX, 0, 0, (int32_t)r2);
		out[6] = mk(BPFRT_ALU64 | BPFRT_OR | BPFRT_X, in->dst_reg, AX, 0, 0);
		return;
	}
	/* ax = imm, sign-extended to 64 bits as the operation reads it (for
	 * the 32-bit forms only the low half matters) */
	out[0] = mk(BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, AX, 0, 0, (int32_t)(r ^ (uint32_t)in->imm));
	out[1] = mk(BPFRT_ALU64 | BPFRT_XOR | BPFRT_K, AX, 0, 0, (int32_t)r);
	if (f->syntax == ISA_SYN_ST) /* st [dst + off], imm -> stx [dst + off], ax */
		out[2] = mk((uint8_t)(BPFRT_STX | BPFRT_MEM | BPFRT_SIZE(in->code)), in->dst_reg, AX,
			    in->off, 0);
	else
		out[2] = mk((uint8_t)(in->code | BPFRT_X), in->dst_reg, AX, in->off, 0);
	if (cls == BPFRT_JMP || cls == BPFRT_JMP32)
		*branch_at = 2;
}

int jit_blind(const struct bpfrt_insn *in, size_t cnt, struct jit_blinded *out, char *log,
	      size_t log_size)
{
	memset(out, 0, sizeof(*out));
	uint32_t *pos = malloc((cnt + 1) * sizeof(*pos));
	if (!pos)
		return -ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < cnt; i++) {
		pos[i] = (uint32_t)n;
		const struct isa_form *f = isa_form_of(&in[i]);
		size_t len = f ? blinded_len(f, &in[i], cnt) : 0;
		if (BPFRT_INSN_IS_LDDW(&in[i]) && i + 1 < cnt) {
			/* blinded, both slots become seven instructions and the
			 * second slot maps to the last (nothing branches there) */
			n += len ? 6 : 1;
			pos[++i] = (uint32_t)n++;
			continue;
		}
		n += len ? len : 1;
	}
	pos[cnt] = (uint32_t)n;
	struct bpfrt_insn *p = calloc(n ? n : 1, sizeof(*p));
	if (!p) {
		free(pos);
		return -ENOMEM;
	}
	uint64_t seed = 0;
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed) || !seed)
		seed = (uint64_t)(uintptr_t)p ^ 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < cnt; i++) {
		const struct isa_form *f = isa_form_of(&in[i]);
		size_t len = f ? blinded_len(f, &in[i], cnt) : 0;
		int branch_at = -1;
		if (BPFRT_INSN_IS_LDDW(&in[i]) && i + 1 < cnt) {
			if (len) {
				emit_blinded(f, &in[i], &seed, &p[pos[i]], &branch_at);
			} else {
				p[pos[i]] = in[i];
				p[pos[i] + 1] = in[i + 1];
			}
			i++;
			continue;
		}
		if (len) {
			emit_blinded(f, &in[i], &seed, &p[pos[i]], &branch_at);
		} else {
			p[pos[i]] = in[i];
			if (f && target_of(f, &in[i], i) >= 0)
				branch_at = 0;
		}
		if (branch_at < 0)
			continue;
		int64_t t = target_of(f, &in[i], i);
		if (t < 0 || t > (int64_t)cnt) {
			free(p);
			free(pos);
			snprintf(log, log_size, "insn %zu: branch target out of range", i);
			return -EINVAL;
		}
		struct bpfrt_insn *b = &p[pos[i] + (size_t)branch_at];
		int64_t d = (int64_t)pos[t] - (int64_t)(pos[i] + (size_t)branch_at) - 1;
		if (f->syntax == ISA_SYN_JA32 || f->syntax == ISA_SYN_CALL_LOCAL) {
			b->imm = (int32_t)d;
		} else if (d < INT16_MIN || d > INT16_MAX) {
			free(p);
			free(pos);
			snprintf(log, log_size,
				 "insn %zu: the jump no longer fits 16 bits once constants are blinded",
				 i);
			return -E2BIG;
		} else {
			b->off = (int16_t)d;
		}
	}
	out->insns = p;
	out->cnt = n;
	out->pos = pos;
	return 0;
}

size_t jit_piece_at(const uint32_t *starts, size_t n, uint64_t v)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi + 1) / 2;
		if (starts[mid] <= v)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

size_t jit_blind_orig(const struct jit_blinded *b, size_t orig_cnt, size_t idx)
{
	return jit_piece_at(b->pos, orig_cnt, idx);
}

void jit_blinded_free(struct jit_blinded *b)
{
	free(b->insns);
	free(b->pos);
	memset(b, 0, sizeof(*b));
}
