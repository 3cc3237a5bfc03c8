/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 code for each BPF instruction form. BPF registers live in x86
 * registers (jit_x86.h), so most instructions become one x86 instruction
 * on those registers; division, variable shifts and fetching atomics need
 * fixed x86 registers and borrow the scratch registers r9-r11.
 */
#include <errno.h>
#include <stdlib.h>

#include "jit/x86_64/translate.h"
#include "vm/prog.h"
#include "vm/run_ctx.h"

#define R(bpf) jit_reg_map[bpf]

/* BPF ALU operation (BPFRT_OP >> 4) -> x86 two-operand ALU op, or -1. */
static const int8_t alu_op[16] = {
	[BPFRT_ADD >> 4] = X86_ADD, [BPFRT_SUB >> 4] = X86_SUB, [BPFRT_OR >> 4] = X86_OR,
	[BPFRT_AND >> 4] = X86_AND, [BPFRT_XOR >> 4] = X86_XOR,
};

static const int8_t shift_op[16] = {
	[BPFRT_LSH >> 4] = X86_SHL, [BPFRT_RSH >> 4] = X86_SHR, [BPFRT_ARSH >> 4] = X86_SAR,
};

/* BPF jump condition (BPFRT_OP >> 4) -> x86 condition code. */
static const int8_t jump_cc[16] = {
	[BPFRT_JEQ >> 4] = X86_CC_E,  [BPFRT_JGT >> 4] = X86_CC_A,   [BPFRT_JGE >> 4] = X86_CC_AE,
	[BPFRT_JSET >> 4] = X86_CC_NE, [BPFRT_JNE >> 4] = X86_CC_NE, [BPFRT_JSGT >> 4] = X86_CC_G,
	[BPFRT_JSGE >> 4] = X86_CC_GE, [BPFRT_JLT >> 4] = X86_CC_B,  [BPFRT_JLE >> 4] = X86_CC_BE,
	[BPFRT_JSLT >> 4] = X86_CC_L,  [BPFRT_JSLE >> 4] = X86_CC_LE,
};

/* Zero-extends the low 32 bits (what a 32-bit no-op must still do). */
static void zext32(struct x86_buf *b, int r)
{
	emit_mov_rr(b, 4, r, r);
}

/* dst = dst OP imm for add/sub/or/and/xor. */
static void alu_k(struct x86_buf *b, enum x86_alu op, int sz, int dst, int32_t imm)
{
	if (imm == 0 && op != X86_AND) {
		if (sz == 4)
			zext32(b, dst);
		return;
	}
	if (imm == 0) {
		emit_alu_rr(b, X86_XOR, 4, dst, dst);
		return;
	}
	if (op == X86_AND && imm == -1) {
		if (sz == 4)
			zext32(b, dst);
		return;
	}
	emit_alu_ri(b, op, sz, dst, imm);
}

/* Variable shift: BMI2's shlx/shrx/sarx take any registers; without them
 * x86 wants the count in cl, and rcx is BPF r4. */
static void shift_x(struct jit_compiler *c, enum x86_shift op, int sz, int dst, int src)
{
	struct x86_buf *b = &c->buf;
	if (c->bmi2) {
		emit_shiftx(b, op, sz, dst, dst, src);
	} else if (src == X86_RCX) {
		emit_shift_cl(b, op, sz, dst);
	} else if (dst == X86_RCX) {
		emit_mov_rr(b, 8, JIT_AUX2, X86_RCX);
		emit_mov_rr(b, 8, X86_RCX, src);
		emit_shift_cl(b, op, sz, JIT_AUX2);
		emit_mov_rr(b, 8, X86_RCX, JIT_AUX2);
	} else {
		emit_mov_rr(b, 8, JIT_AUX2, X86_RCX);
		emit_mov_rr(b, 8, X86_RCX, src);
		emit_shift_cl(b, op, sz, dst);
		emit_mov_rr(b, 8, X86_RCX, JIT_AUX2);
	}
}

/* x86 division and widening multiplication work in rax:rdx, which hold
 * BPF r0 and r3: kept in the scratch registers meanwhile, unless the
 * result goes there anyway. */
static void borrow_rax_rdx(struct x86_buf *b, int dst)
{
	if (dst != X86_RAX)
		emit_mov_rr(b, 8, JIT_AUX1, X86_RAX);
	if (dst != X86_RDX)
		emit_mov_rr(b, 8, JIT_AUX0, X86_RDX);
}

static void return_rax_rdx(struct x86_buf *b, int dst)
{
	if (dst != X86_RAX)
		emit_mov_rr(b, 8, X86_RAX, JIT_AUX1);
	if (dst != X86_RDX)
		emit_mov_rr(b, 8, X86_RDX, JIT_AUX0);
}

/* dst = dst / src or dst % src with a non-zero divisor in `src` (which is
 * not -1 for signed operations). Uses rax:rdx, preserving BPF r0 and r3. */
static void divide(struct x86_buf *b, int sz, bool is_signed, bool is_mod, int dst, int src)
{
	if (src == X86_RAX || src == X86_RDX) {
		emit_mov_rr(b, 8, JIT_AUX2, src);
		src = JIT_AUX2;
	}
	borrow_rax_rdx(b, dst);
	if (dst != X86_RAX)
		emit_mov_rr(b, 8, X86_RAX, dst);
	if (is_signed) {
		emit_cdq(b, sz);
		emit_unary(b, X86_IDIV, sz, src);
	} else {
		emit_alu_rr(b, X86_XOR, 4, X86_RDX, X86_RDX);
		emit_unary(b, X86_DIV, sz, src);
	}
	int res = is_mod ? X86_RDX : X86_RAX;
	if (dst != res)
		emit_mov_rr(b, 8, dst, res);
	return_rax_rdx(b, dst);
}

/* What division by zero and signed overflow give (RFC 9669 §4.1): x / 0 =
 * 0, x % 0 = x; INT_MIN / -1 = INT_MIN (= -INT_MIN), x % -1 = 0. 32-bit
 * forms zero-extend in every case. */
static void div_by_zero(struct x86_buf *b, int sz, bool is_mod, int dst)
{
	if (!is_mod)
		emit_alu_rr(b, X86_XOR, 4, dst, dst);
	else if (sz == 4)
		zext32(b, dst);
}

static void div_by_minus1(struct x86_buf *b, int sz, bool is_mod, int dst)
{
	if (is_mod)
		emit_alu_rr(b, X86_XOR, 4, dst, dst);
	else
		emit_unary(b, X86_NEG, sz, dst);
}

static int log2_exact(uint64_t v)
{
	if (!v || (v & (v - 1)))
		return -1;
	return __builtin_ctzll(v);
}

/* Division by a constant as a multiplication by its reciprocal (Hacker's
 * Delight ch. 10, libdivide's unsigned variant), as compilers do: BPF has
 * no high-half multiply, so clang leaves 64-bit constant divisions to the
 * engine. */
struct magic {
	uint64_t m;
	int shift;
	bool add; /* unsigned: q = (((n - t) >> 1) + t) >> shift, t = mulhi(m, n) */
};

/* Unsigned 64-bit: d >= 3, not a power of two. */
static struct magic magic_u64(uint64_t d)
{
	int s = 63 - __builtin_clzll(d); /* floor(log2 d) */
	unsigned __int128 num = (unsigned __int128)1 << (64 + s);
	uint64_t m = (uint64_t)(num / d), rem = (uint64_t)(num % d);
	if (d - rem < (1ull << s))
		return (struct magic){m + 1, s, false};
	uint64_t twice = rem + rem;
	m += m;
	if (twice >= d || twice < rem)
		m += 1;
	return (struct magic){m + 1, s, true};
}

/* Signed 64-bit: |d| >= 3, not a power of two (Hacker's Delight 10-1).
 * q = mulhs(m, n) (+ n when d > 0 > m, - n when d < 0 < m), >> shift
 * (arithmetic), + 1 when negative. */
static struct magic magic_s64(int64_t d)
{
	const uint64_t two63 = 1ull << 63;
	uint64_t ad = d < 0 ? -(uint64_t)d : (uint64_t)d;
	uint64_t t = two63 + ((uint64_t)d >> 63);
	uint64_t anc = t - 1 - t % ad;
	int p = 63;
	uint64_t q1 = two63 / anc, r1 = two63 - q1 * anc;
	uint64_t q2 = two63 / ad, r2 = two63 - q2 * ad, delta;
	do {
		p++;
		q1 *= 2;
		r1 *= 2;
		if (r1 >= anc) {
			q1++;
			r1 -= anc;
		}
		q2 *= 2;
		r2 *= 2;
		if (r2 >= ad) {
			q2++;
			r2 -= ad;
		}
		delta = ad - r2;
	} while (q1 < delta || (q1 == delta && r1 == 0));
	uint64_t m = q2 + 1;
	return (struct magic){d < 0 ? -m : m, p - 64, false};
}

/* 64-bit dst / d or dst % d for a constant d that magic_u64/magic_s64
 * accept (|d| < 2^31, so q * d fits an imul immediate). rax:rdx are
 * borrowed as in divide(). */
static void div_magic(struct x86_buf *b, bool is_signed, bool is_mod, int dst, int64_t d)
{
	struct magic g = is_signed ? magic_s64(d) : magic_u64((uint64_t)d);
	int n = dst;
	if (dst == X86_RAX || dst == X86_RDX) {
		emit_mov_rr(b, 8, JIT_AUX2, dst);
		n = JIT_AUX2;
	}
	borrow_rax_rdx(b, dst);
	emit_mov_ri(b, 8, X86_RAX, (int64_t)g.m);
	emit_unary(b, is_signed ? X86_IMUL1 : X86_MUL, 8, n); /* rdx = high half */
	int q = X86_RDX;
	if (is_signed) {
		if (d > 0 && (int64_t)g.m < 0)
			emit_alu_rr(b, X86_ADD, 8, X86_RDX, n);
		else if (d < 0 && (int64_t)g.m > 0)
			emit_alu_rr(b, X86_SUB, 8, X86_RDX, n);
		if (g.shift)
			emit_shift_ri(b, X86_SAR, 8, X86_RDX, (uint8_t)g.shift);
		emit_mov_rr(b, 8, X86_RAX, X86_RDX);
		emit_shift_ri(b, X86_SHR, 8, X86_RAX, 63);
		emit_alu_rr(b, X86_ADD, 8, X86_RDX, X86_RAX);
	} else if (g.add) {
		emit_mov_rr(b, 8, X86_RAX, n);
		emit_alu_rr(b, X86_SUB, 8, X86_RAX, X86_RDX);
		emit_shift_ri(b, X86_SHR, 8, X86_RAX, 1);
		emit_alu_rr(b, X86_ADD, 8, X86_RAX, X86_RDX);
		if (g.shift)
			emit_shift_ri(b, X86_SHR, 8, X86_RAX, (uint8_t)g.shift);
		q = X86_RAX;
	} else if (g.shift) {
		emit_shift_ri(b, X86_SHR, 8, X86_RDX, (uint8_t)g.shift);
	}
	if (is_mod) {
		/* n - q * d */
		emit_imul_rri(b, 8, q, q, (int32_t)d);
		emit_alu_rr(b, X86_SUB, 8, n, q);
		if (n != dst)
			emit_mov_rr(b, 8, dst, n);
	} else {
		emit_mov_rr(b, 8, dst, q);
	}
	return_rax_rdx(b, dst);
}

static void div_k(struct x86_buf *b, int sz, bool is_signed, bool is_mod, int dst, int32_t imm)
{
	if (imm == 0) {
		div_by_zero(b, sz, is_mod, dst);
		return;
	}
	if (is_signed && imm == -1) {
		div_by_minus1(b, sz, is_mod, dst);
		return;
	}
	/* The divisor as the operation sees it: 32-bit forms use the low 32
	 * bits of imm, 64-bit forms its sign extension. */
	uint64_t d = sz == 4 ? (uint32_t)imm : (uint64_t)(int64_t)imm;
	int sh = is_signed ? -1 : log2_exact(d);
	if (sh >= 0) {
		if (is_mod)
			alu_k(b, X86_AND, sz, dst, (int32_t)(d - 1));
		else if (sh)
			emit_shift_ri(b, X86_SHR, sz, dst, (uint8_t)sh);
		else if (sz == 4)
			zext32(b, dst);
		return;
	}
	uint64_t ad = imm < 0 ? -(uint64_t)(int64_t)imm : (uint64_t)imm;
	if (sz == 8 && ad >= 3 && (ad & (ad - 1)) && (is_signed || imm > 0)) {
		div_magic(b, is_signed, is_mod, dst, imm);
		return;
	}
	emit_mov_ri(b, sz == 4 ? 4 : 8, JIT_AUX2, sz == 4 ? (int64_t)d : (int64_t)imm);
	divide(b, sz, is_signed, is_mod, dst, JIT_AUX2);
}

/* Division by a register. The verifier's facts (VM_FACT_DIV_*) leave out
 * the checks for a divisor it proved never 0 or never -1. */
static void div_x(struct x86_buf *b, int sz, bool is_signed, bool is_mod, int dst, int src,
		  unsigned facts)
{
	bool zero_check = !(facts & VM_FACT_DIV_NONZERO);
	bool m1_check = is_signed && !(facts & VM_FACT_DIV_NOT_MINUS1);
	size_t to_zero = 0, to_minus1 = 0, done2 = 0;
	if (zero_check) {
		emit_test_rr(b, sz, src, src);
		to_zero = emit_jcc8_fwd(b, X86_CC_E);
	}
	if (m1_check) {
		emit_alu_ri(b, X86_CMP, sz, src, -1);
		to_minus1 = emit_jcc8_fwd(b, X86_CC_E);
	}
	divide(b, sz, is_signed, is_mod, dst, src);
	if (!zero_check && !m1_check)
		return;
	size_t done1 = emit_jmp8_fwd(b);
	if (zero_check) {
		x86_patch8(b, to_zero);
		div_by_zero(b, sz, is_mod, dst);
		if (m1_check)
			done2 = emit_jmp8_fwd(b);
	}
	if (m1_check) {
		x86_patch8(b, to_minus1);
		div_by_minus1(b, sz, is_mod, dst);
	}
	if (done2)
		x86_patch8(b, done2);
	x86_patch8(b, done1);
}

/* The atomic operations without a single x86 instruction (fetch-or,
 * fetch-and, fetch-xor): a compare-exchange loop through rax. */
static void atomic_fetch_loop(struct x86_buf *b, enum x86_alu op, int sz, int base, int16_t off,
			      int src)
{
	if (base == X86_RAX) {
		emit_mov_rr(b, 8, JIT_AUX1, X86_RAX);
		base = JIT_AUX1;
	}
	emit_mov_rr(b, 8, JIT_AUX0, X86_RAX); /* BPF r0 */
	int val = src == X86_RAX ? JIT_AUX0 : src;
	emit_load(b, sz, false, X86_RAX, base, off);
	size_t loop = b->len;
	emit_mov_rr(b, 8, JIT_AUX2, X86_RAX);
	emit_alu_rr(b, op, sz, JIT_AUX2, val);
	emit_lock_cmpxchg(b, sz, base, off, JIT_AUX2);
	emit_jcc(b, X86_CC_NE, (int64_t)loop);
	/* src = old value (zero-extended for 32 bits: the load and cmpxchg
	 * wrote eax) */
	if (src != X86_RAX) {
		emit_mov_rr(b, 8, src, X86_RAX);
		emit_mov_rr(b, 8, X86_RAX, JIT_AUX0);
	}
}

static void atomic(struct x86_buf *b, enum isa_op op, int sz, int base, int16_t off, int src)
{
	switch (op) {
	case ISA_OP_ATOMIC_ADD64: case ISA_OP_ATOMIC_ADD32:
		emit_lock_alu(b, X86_ADD, sz, base, off, src);
		break;
	case ISA_OP_ATOMIC_OR64: case ISA_OP_ATOMIC_OR32:
		emit_lock_alu(b, X86_OR, sz, base, off, src);
		break;
	case ISA_OP_ATOMIC_AND64: case ISA_OP_ATOMIC_AND32:
		emit_lock_alu(b, X86_AND, sz, base, off, src);
		break;
	case ISA_OP_ATOMIC_XOR64: case ISA_OP_ATOMIC_XOR32:
		emit_lock_alu(b, X86_XOR, sz, base, off, src);
		break;
	case ISA_OP_ATOMIC_FETCH_ADD64: case ISA_OP_ATOMIC_FETCH_ADD32:
		emit_lock_xadd(b, sz, base, off, src);
		break;
	case ISA_OP_ATOMIC_FETCH_OR64: case ISA_OP_ATOMIC_FETCH_OR32:
		atomic_fetch_loop(b, X86_OR, sz, base, off, src);
		break;
	case ISA_OP_ATOMIC_FETCH_AND64: case ISA_OP_ATOMIC_FETCH_AND32:
		atomic_fetch_loop(b, X86_AND, sz, base, off, src);
		break;
	case ISA_OP_ATOMIC_FETCH_XOR64: case ISA_OP_ATOMIC_FETCH_XOR32:
		atomic_fetch_loop(b, X86_XOR, sz, base, off, src);
		break;
	case ISA_OP_ATOMIC_XCHG64: case ISA_OP_ATOMIC_XCHG32:
		emit_xchg(b, sz, base, off, src);
		break;
	default: /* cmpxchg: compares with r0 = rax, old value into r0 */
		emit_lock_cmpxchg(b, sz, base, off, src);
		if (sz == 4)
			zext32(b, X86_RAX); /* success leaves rax's upper half */
		break;
	}
}

static void byte_swap(struct x86_buf *b, enum isa_op op, int dst)
{
	switch (op) {
	case ISA_OP_LE16:
		emit_movzx(b, 2, dst, dst);
		break;
	case ISA_OP_LE32:
		zext32(b, dst);
		break;
	case ISA_OP_LE64:
		break;
	case ISA_OP_BE16: case ISA_OP_BSWAP16:
		emit_shift_ri(b, X86_ROR, 2, dst, 8);
		emit_movzx(b, 2, dst, dst);
		break;
	case ISA_OP_BE32: case ISA_OP_BSWAP32:
		emit_bswap(b, 4, dst);
		break;
	default:
		emit_bswap(b, 8, dst);
		break;
	}
}

/* After a call that may have aborted: leave when rc->aborted is set. */
static void check_abort(struct jit_compiler *c, size_t i)
{
	emit_cmp_mem8_i(&c->buf, JIT_REG_CTX, offsetof(struct bpfrt_run_ctx, aborted), 0);
	emit_jcc(&c->buf, X86_CC_NE, jit_target(c, i, c->stub[JIT_STUB_ABORT]));
}

/* After a call of bpf_tail_call, which asks for the tail call by aborting
 * (jit_x86.h: tail calls in place): the glue decides, then this function
 * leaves for the target's tail entry, or returns the r0 of a target run
 * by another engine, or unwinds. */
static void tail_call(struct jit_compiler *c, const struct jit_func *fn, size_t i)
{
	struct x86_buf *b = &c->buf;
	emit_cmp_mem8_i(b, JIT_REG_CTX, offsetof(struct bpfrt_run_ctx, aborted), 0);
	size_t fell = emit_jcc8_fwd(b, X86_CC_E); /* no tail call: r0 = -ENOENT */
	emit_mov_rr(b, 8, X86_RDI, JIT_REG_CTX);
	emit_movabs(b, JIT_AUX2, (uint64_t)(uintptr_t)jit_tail_call_glue);
	emit_call_r(b, JIT_AUX2);
	emit_test_rr(b, 8, X86_RAX, X86_RAX);
	emit_jcc(b, X86_CC_E, jit_target(c, i, c->stub[JIT_STUB_ABORT]));
	emit_alu_ri(b, X86_CMP, 8, X86_RAX, 1);
	size_t ran = emit_jcc8_fwd(b, X86_CC_E);
	emit_mov_rr(b, 8, JIT_AUX1, X86_RAX);
	emit_load(b, 8, false, X86_RDI, JIT_REG_CTX, offsetof(struct bpfrt_run_ctx, ctx));
	emit_load(b, 8, false, X86_RSI, JIT_REG_CTX, offsetof(struct bpfrt_run_ctx, ctx_size));
	emit_mov_rr(b, 8, X86_RDX, JIT_REG_CTX);
	jit_emit_leave(c, fn);
	emit_jmp_r(b, JIT_AUX1);
	x86_patch8(b, ran);
	emit_load(b, 8, false, X86_RAX, JIT_REG_CTX, offsetof(struct bpfrt_run_ctx, abort_r0));
	jit_emit_epilogue(c, fn);
	x86_patch8(b, fell);
}

/* Calls `native`, or the function in *slot when slot is set. */
static void call_native(struct jit_compiler *c, const struct jit_func *fn, size_t i,
			const void *native, const void *slot)
{
	struct x86_buf *b = &c->buf;
	emit_mov_rr(b, 8, X86_R9, JIT_REG_CTX); /* sixth argument: the run context */
	emit_movabs(b, JIT_AUX2, (uint64_t)(uintptr_t)(slot ? slot : native));
	if (slot)
		emit_call_m(b, JIT_AUX2, 0);
	else
		emit_call_r(b, JIT_AUX2);
	if (c->flags[i] & JIT_I_TAIL_CALL)
		tail_call(c, fn, i);
	else
		check_abort(c, i);
}

/* Legacy packet loads (RFC 9669 §5.5): r0 = ntoh(*(size *)(ctx + off))
 * with off = imm or src + imm (32 bits); outside the context the program
 * ends with r0 = 0, as the interpreter does. */
static void load_packet(struct jit_compiler *c, size_t i, const struct isa_form *f, int src,
			int32_t imm)
{
	struct x86_buf *b = &c->buf;
	if (f->syntax == ISA_SYN_LDIND)
		emit_lea(b, 4, JIT_AUX2, src, imm);
	else
		emit_mov_ri(b, 4, JIT_AUX2, (uint32_t)imm);
	emit_lea(b, 8, JIT_AUX1, JIT_AUX2, f->size);
	emit_alu_rm(b, X86_CMP, 8, JIT_AUX1, JIT_REG_CTX, offsetof(struct bpfrt_run_ctx, ctx_size));
	emit_jcc(b, X86_CC_A, jit_target(c, i, c->stub[JIT_STUB_ZERO]));
	emit_alu_rm(b, X86_ADD, 8, JIT_AUX2, JIT_REG_CTX, offsetof(struct bpfrt_run_ctx, ctx));
	emit_load(b, f->size, false, X86_RAX, JIT_AUX2, 0);
	if (f->size == 2) {
		emit_shift_ri(b, X86_ROR, 2, X86_RAX, 8);
		emit_movzx(b, 2, X86_RAX, X86_RAX);
	} else if (f->size == 4) {
		emit_bswap(b, 4, X86_RAX);
	}
}

static void call_local(struct jit_compiler *c, size_t i, size_t t)
{
	struct x86_buf *b = &c->buf;
	size_t depth = offsetof(struct jit_state, depth);
	emit_load(b, 8, false, JIT_AUX2, JIT_REG_CTX, offsetof(struct bpfrt_run_ctx, engine));
	emit_cmp_mem_i(b, 4, JIT_AUX2, depth, BPFRT_MAX_CALL_DEPTH - 1);
	size_t ok = emit_jcc8_fwd(b, X86_CC_B);
	emit_call_rel(b, jit_target(c, i, c->stub[JIT_STUB_DEPTH])); /* never returns */
	x86_patch8(b, ok);
	emit_add_mem_i(b, 4, JIT_AUX2, depth, 1);
	uint32_t f = c->func_of[t];
	emit_call_rel(b, c->next_func_addr[f] >= 0 && f <= c->func_of[i]
				 ? c->next_func_addr[f]
				 : jit_target(c, i, c->func_addr[f]));
	emit_load(b, 8, false, JIT_AUX2, JIT_REG_CTX, offsetof(struct bpfrt_run_ctx, engine));
	emit_add_mem_i(b, 4, JIT_AUX2, depth, -1);
	if (c->tail_in_sub) {
		/* The callee may have tail-called another program, which
		 * returned here: this one runs again. */
		emit_movabs(b, JIT_AUX1, (uint64_t)(uintptr_t)c->jp);
		emit_store(b, 8, JIT_AUX2, offsetof(struct jit_state, jp), JIT_AUX1);
		emit_movabs(b, JIT_AUX1, (uint64_t)(uintptr_t)c->env->owner);
		emit_store(b, 8, JIT_REG_CTX, offsetof(struct bpfrt_run_ctx, prog), JIT_AUX1);
	}
}

/* A conditional jump over an unconditional one: the inverted condition
 * jumps straight to the second one's target (one taken branch per loop
 * iteration instead of two, for the `if (done) break;` loops clang
 * writes). */
static size_t jumps_over_ja(const struct jit_compiler *c, size_t i, size_t *ja_target)
{
	size_t j = i + 1;
	if (c->insns[i].off != 1 || j >= c->n || !c->form[j] ||
	    (c->flags[j] & (JIT_I_TARGET | JIT_I_ENTRY)))
		return 0;
	const struct bpfrt_insn *ja = &c->insns[j];
	int64_t off = c->form[j]->op == ISA_OP_JA ? ja->off : c->form[j]->op == ISA_OP_JA32 ? ja->imm : 0;
	if (!off)
		return 0;
	*ja_target = (size_t)((int64_t)j + 1 + off);
	return j;
}

static void cond_jump(struct jit_compiler *c, size_t *ip, const struct isa_form *f)
{
	size_t i = *ip;
	const struct bpfrt_insn *in = &c->insns[i];
	struct x86_buf *b = &c->buf;
	size_t t = (size_t)((int64_t)i + 1 + in->off);
	int sz = (f->flags & ISA_F_JMP32) ? 4 : 8;
	bool is_set = BPFRT_OP(in->code) == BPFRT_JSET;
	int dst = R(in->dst_reg);
	if (t == i + 1)
		return; /* a compare has no effect of its own */
	if (f->syntax == ISA_SYN_JCOND_X) {
		if (is_set)
			emit_test_rr(b, sz, dst, R(in->src_reg));
		else
			emit_alu_rr(b, X86_CMP, sz, dst, R(in->src_reg));
	} else if (is_set) {
		if (in->imm == 0)
			return; /* never taken */
		emit_test_ri(b, sz, dst, in->imm);
	} else if (in->imm == 0) {
		/* test r, r sets the flags as cmp r, 0 does (CF = OF = 0) */
		emit_test_rr(b, sz, dst, dst);
	} else {
		emit_alu_ri(b, X86_CMP, sz, dst, in->imm);
	}
	enum x86_cc cc = (enum x86_cc)jump_cc[BPFRT_OP(in->code) >> 4];
	size_t ja_target, ja = jumps_over_ja(c, i, &ja_target);
	if (ja) {
		emit_jcc(b, cc ^ 1, jit_insn_target(c, i, ja_target));
		*ip = ja;
		c->next_addr[ja] = (int64_t)b->len;
		return;
	}
	emit_jcc(b, cc, jit_insn_target(c, i, t));
}

/* A fault-safe load: one x86 load listed in the exception table, so that
 * a fault in it zeroes dst and resumes after it (vm/probe_mem.h); an
 * address below PROBE_MEM_MIN_ADDR (NULL's fields) reads 0 without it:
 *	lea r11, [src + off]; cmp r11, MIN; jb low	(off 0: cmp src, MIN)
 *	mov dst, [src + off]	; listed
 *	jmp done
 * low: xor dst, dst
 * done: */
static int probe_load(struct jit_compiler *c, const struct isa_form *f, int dst, int src,
		      int16_t off)
{
	struct x86_buf *b = &c->buf;
	int addr = src;
	if (off) { /* else the base is the address */
		emit_lea(b, 8, JIT_AUX2, src, off);
		addr = JIT_AUX2;
	}
	emit_alu_ri(b, X86_CMP, 8, addr, PROBE_MEM_MIN_ADDR);
	size_t low = emit_jcc8_fwd(b, X86_CC_B);
	size_t at = b->len;
	emit_load(b, f->size, f->flags & ISA_F_SIGNED, dst, src, off);
	size_t resume = b->len;
	size_t done = emit_jmp8_fwd(b);
	x86_patch8(b, low);
	emit_alu_rr(b, X86_XOR, 4, dst, dst);
	x86_patch8(b, done);
	if (c->nprobes == c->probes_cap) {
		size_t cap = c->probes_cap ? 2 * c->probes_cap : 16;
		struct probe_entry *p = realloc(c->probes, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		c->probes = p;
		c->probes_cap = cap;
	}
	c->probes[c->nprobes++] = (struct probe_entry){ .insn = (uint32_t)at,
							.resume = (uint32_t)resume,
							.reg = (uint8_t)dst };
	return 0;
}

int jit_translate_insn(struct jit_compiler *c, const struct jit_func *fn, size_t *ip)
{
	size_t i = *ip;
	const struct bpfrt_insn *in = &c->insns[i];
	const struct isa_form *f = c->form[i];
	struct x86_buf *b = &c->buf;
	int sz = (f->flags & ISA_F_ALU32) ? 4 : 8;
	int dst = in->dst_reg <= JIT_REG_AX ? R(in->dst_reg) : -1; /* AX: scan allowed it */
	int src = in->src_reg <= JIT_REG_AX ? R(in->src_reg) : -1;
	unsigned bop = BPFRT_OP(in->code) >> 4;
	unsigned facts = c->env->facts ? c->env->facts[i] : 0; /* VM_FACT_* */

	if (jit_fold(c, ip))
		return 0;
	switch (f->op) {
	case ISA_OP_MOV64_K: case ISA_OP_MOV32_K:
		emit_mov_ri(b, sz, dst, in->imm);
		return 0;
	case ISA_OP_MOV64_X: case ISA_OP_MOV32_X:
		/* w = w zero-extends, unless the verifier proved nothing to clear */
		if (dst != src || (sz == 4 && !(facts & VM_FACT_UPPER_ZERO)))
			emit_mov_rr(b, sz, dst, src);
		return 0;
	case ISA_OP_ADD64_K: case ISA_OP_ADD32_K: case ISA_OP_SUB64_K: case ISA_OP_SUB32_K:
	case ISA_OP_OR64_K: case ISA_OP_OR32_K: case ISA_OP_AND64_K: case ISA_OP_AND32_K:
	case ISA_OP_XOR64_K: case ISA_OP_XOR32_K:
		alu_k(b, (enum x86_alu)alu_op[bop], sz, dst, in->imm);
		return 0;
	case ISA_OP_ADD64_X: case ISA_OP_ADD32_X: case ISA_OP_SUB64_X: case ISA_OP_SUB32_X:
	case ISA_OP_OR64_X: case ISA_OP_OR32_X: case ISA_OP_AND64_X: case ISA_OP_AND32_X:
	case ISA_OP_XOR64_X: case ISA_OP_XOR32_X:
		emit_alu_rr(b, (enum x86_alu)alu_op[bop], sz, dst, src);
		return 0;
	case ISA_OP_MUL64_K: case ISA_OP_MUL32_K:
		emit_imul_rri(b, sz, dst, dst, in->imm);
		return 0;
	case ISA_OP_MUL64_X: case ISA_OP_MUL32_X:
		emit_imul_rr(b, sz, dst, src);
		return 0;
	case ISA_OP_LSH64_K: case ISA_OP_LSH32_K: case ISA_OP_RSH64_K: case ISA_OP_RSH32_K:
	case ISA_OP_ARSH64_K: case ISA_OP_ARSH32_K: {
		uint8_t n = (uint8_t)(in->imm & (sz * 8 - 1));
		if (n)
			emit_shift_ri(b, (enum x86_shift)shift_op[bop], sz, dst, n);
		else if (sz == 4)
			zext32(b, dst);
		return 0;
	}
	case ISA_OP_LSH64_X: case ISA_OP_LSH32_X: case ISA_OP_RSH64_X: case ISA_OP_RSH32_X:
	case ISA_OP_ARSH64_X: case ISA_OP_ARSH32_X:
		shift_x(c, (enum x86_shift)shift_op[bop], sz, dst, src);
		return 0;
	case ISA_OP_DIV64_K: case ISA_OP_DIV32_K: case ISA_OP_MOD64_K: case ISA_OP_MOD32_K:
	case ISA_OP_SDIV64_K: case ISA_OP_SDIV32_K: case ISA_OP_SMOD64_K: case ISA_OP_SMOD32_K:
		div_k(b, sz, f->flags & ISA_F_SIGNED, bop == BPFRT_MOD >> 4, dst, in->imm);
		return 0;
	case ISA_OP_DIV64_X: case ISA_OP_DIV32_X: case ISA_OP_MOD64_X: case ISA_OP_MOD32_X:
	case ISA_OP_SDIV64_X: case ISA_OP_SDIV32_X: case ISA_OP_SMOD64_X: case ISA_OP_SMOD32_X:
		div_x(b, sz, f->flags & ISA_F_SIGNED, bop == BPFRT_MOD >> 4, dst, src, facts);
		return 0;
	case ISA_OP_NEG64: case ISA_OP_NEG32:
		emit_unary(b, X86_NEG, sz, dst);
		return 0;
	case ISA_OP_MOVSX8_64: case ISA_OP_MOVSX16_64: case ISA_OP_MOVSX32_64:
	case ISA_OP_MOVSX8_32: case ISA_OP_MOVSX16_32:
		emit_movsx(b, sz, in->off / 8, dst, src);
		return 0;
	case ISA_OP_LE16: case ISA_OP_LE32: case ISA_OP_LE64: case ISA_OP_BE16: case ISA_OP_BE32:
	case ISA_OP_BE64: case ISA_OP_BSWAP16: case ISA_OP_BSWAP32: case ISA_OP_BSWAP64:
		if (f->op == ISA_OP_LE32 && (facts & VM_FACT_UPPER_ZERO))
			return 0; /* a zero-extension of what is already zero-extended */
		byte_swap(b, f->op, dst);
		return 0;
	case ISA_OP_JA:
		if (in->off)
			emit_jmp(b, jit_insn_target(c, i, (size_t)((int64_t)i + 1 + in->off)));
		return 0;
	case ISA_OP_JA32:
		if (in->imm)
			emit_jmp(b, jit_insn_target(c, i, (size_t)((int64_t)i + 1 + in->imm)));
		return 0;
	case ISA_OP_MAY_GOTO: /* budget spent: jump; else spend one unit */
		emit_cmp_mem_i(b, 8, X86_RSP, fn->loop_slot, 0);
		emit_jcc(b, X86_CC_E, jit_insn_target(c, i, (size_t)((int64_t)i + 1 + in->off)));
		emit_add_mem_i(b, 8, X86_RSP, fn->loop_slot, -1);
		return 0;
	case ISA_OP_CALL_HELPER:
		call_native(c, fn, i, (const void *)c->helper[i],
			    c->env->helper_slot ? c->env->helper_slot(c->env->helper_arg,
								      (uint32_t)in->imm)
						: NULL);
		return 0;
	case ISA_OP_CALLX:
		/* The register holds a helper id (as the conformance corpus'
		 * callx test expects); jit_callx_trampoline() resolves it. */
		emit_load(b, 8, false, JIT_AUX2, JIT_REG_CTX, offsetof(struct bpfrt_run_ctx, engine));
		emit_store(b, 8, JIT_AUX2, offsetof(struct jit_state, callx_id), dst);
		call_native(c, fn, i, (const void *)jit_callx_trampoline, NULL);
		return 0;
	case ISA_OP_CALL_LOCAL:
		call_local(c, i, (size_t)((int64_t)i + 1 + in->imm));
		return 0;
	case ISA_OP_EXIT:
		jit_emit_epilogue(c, fn);
		return 0;
	case ISA_OP_LDDW:
		emit_mov_ri(b, 8, dst, (int64_t)((uint64_t)(uint32_t)in->imm |
						 (uint64_t)(uint32_t)c->insns[i + 1].imm << 32));
		return 0;
	default:
		break;
	}
	switch (f->syntax) {
	case ISA_SYN_JCOND_K: case ISA_SYN_JCOND_X:
		cond_jump(c, ip, f);
		return 0;
	case ISA_SYN_LDX:
		if (facts & VM_FACT_PROBE_MEM)
			return probe_load(c, f, dst, src, in->off);
		emit_load(b, f->size, f->flags & ISA_F_SIGNED, dst, src, in->off);
		return 0;
	case ISA_SYN_ST:
		emit_store_imm(b, f->size, dst, in->off, in->imm);
		return 0;
	case ISA_SYN_STX:
		emit_store(b, f->size, dst, in->off, src);
		return 0;
	case ISA_SYN_ATOMIC:
		atomic(b, f->op, f->size, dst, in->off, src);
		return 0;
	case ISA_SYN_LDABS: case ISA_SYN_LDIND:
		load_packet(c, i, f, src, in->imm);
		return 0;
	default:
		jit_log(c, i, "%s is not supported by the JIT", f->name);
		return -EOPNOTSUPP;
	}
}
