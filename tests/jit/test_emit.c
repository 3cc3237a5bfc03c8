/* SPDX-License-Identifier: MIT */
/*
 * Every emit_* encoder, over every register (and, for memory operands,
 * every base with displacements that need no/8-bit/32-bit encodings),
 * decoded with Zydis: the mnemonic, each operand (register and its size,
 * memory base/index/displacement, immediate), the lock prefix and the
 * length must be what the encoder meant. Then every instruction form of
 * the opcode table is compiled with several register choices and the whole
 * output must decode cleanly, instruction after instruction.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <Zydis/Zydis.h>

#include "isa/opcodes.h"
#include "jit/x86_64/emit.h"
#include "jit/x86_64/jit_x86.h"

static uint64_t nop_helper(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
			   struct bpfrt_run_ctx *rc)
{
	(void)a, (void)b, (void)c, (void)d, (void)e, (void)rc;
	return 0;
}

static bpfrt_helper_fn lookup(const void *arg, uint32_t id)
{
	(void)arg;
	return id < 8 ? nop_helper : NULL;
}

static const struct jit_env jit_test_env = {.helper = lookup};

static ZydisDecoder dec;

enum { K_NONE, K_REG, K_MEM, K_IMM, K_REL };
struct xop {
	int kind;
	int sz; /* bytes; 0: do not check the size */
	int reg;
	int base, index;
	int64_t v; /* displacement, immediate or branch target */
	int scale; /* memory: log2 of the index's scale (0: [a + b] in either order) */
};
#define REG(s, r) ((struct xop){K_REG, (s), (r), 0, -1, 0, 0})
#define MEM(s, b, d) ((struct xop){K_MEM, (s), 0, (b), -1, (d), 0})
#define IMM(s, x) ((struct xop){K_IMM, (s), 0, 0, -1, (x), 0})
#define REL(t) ((struct xop){K_REL, 0, 0, 0, -1, (t), 0})
#define NOP ((struct xop){K_NONE, 0, 0, 0, -1, 0, 0})

static ZydisRegister zreg(int sz, int r)
{
	switch (sz) {
	case 8: return ZydisRegisterEncode(ZYDIS_REGCLASS_GPR64, (ZyanU8)r);
	case 4: return ZydisRegisterEncode(ZYDIS_REGCLASS_GPR32, (ZyanU8)r);
	case 2: return ZydisRegisterEncode(ZYDIS_REGCLASS_GPR16, (ZyanU8)r);
	default:
		return r < 4 ? ZYDIS_REGISTER_AL + r : r < 8 ? ZYDIS_REGISTER_SPL + (r - 4)
							 : ZYDIS_REGISTER_R8B + (r - 8);
	}
}

static uint8_t code[64];
static int checks;

/* Emits with `emit` into a fresh buffer at offset `at` (for branches),
 * then checks the one instruction there. */
#define BUF(at) (b = (struct x86_buf){.p = code, .len = (at), .cap = sizeof(code)})

static void check(struct x86_buf *b, size_t at, ZydisMnemonic mn, bool lock, struct xop o0,
		  struct xop o1, struct xop o2, const char *what)
{
	char ctx[256];
	int n = snprintf(ctx, sizeof(ctx), "%s:", what);
	for (size_t k = at; k < b->len && n < 200; k++)
		n += snprintf(ctx + n, sizeof(ctx) - (size_t)n, " %02x", code[k]);
	assert_false(b->overflow);
	ZydisDecodedInstruction zi;
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, code + at, b->len - at, &zi, ops)))
		fail_msg("%s: does not decode", ctx);
	if (zi.length != b->len - at)
		fail_msg("%s: decoded %u bytes of %zu", ctx, zi.length, b->len - at);
	if (zi.mnemonic != mn)
		fail_msg("%s: mnemonic %s, want %s", ctx, ZydisMnemonicGetString(zi.mnemonic),
			 ZydisMnemonicGetString(mn));
	if (lock != !!(zi.attributes & ZYDIS_ATTRIB_HAS_LOCK))
		fail_msg("%s: lock prefix %s", ctx, lock ? "missing" : "unexpected");
	struct xop want[3] = {o0, o1, o2};
	unsigned nwant = 0;
	while (nwant < 3 && want[nwant].kind != K_NONE)
		nwant++;
	if (zi.operand_count_visible != nwant)
		fail_msg("%s: %u operands, want %u", ctx, zi.operand_count_visible, nwant);
	for (unsigned k = 0; k < nwant; k++) {
		const ZydisDecodedOperand *op = &ops[k];
		const struct xop *w = &want[k];
		if (w->sz && w->kind != K_IMM && op->size != w->sz * 8)
			fail_msg("%s: operand %u has %u bits, want %d", ctx, k, op->size, w->sz * 8);
		switch (w->kind) {
		case K_REG:
			if (op->type != ZYDIS_OPERAND_TYPE_REGISTER || op->reg.value != zreg(w->sz, w->reg))
				fail_msg("%s: operand %u is not %s", ctx, k,
					 ZydisRegisterGetString(zreg(w->sz, w->reg)));
			break;
		case K_MEM: {
			if (op->type != ZYDIS_OPERAND_TYPE_MEMORY)
				fail_msg("%s: operand %u is not memory", ctx, k);
			int64_t disp = op->mem.disp.has_displacement ? op->mem.disp.value : 0;
			bool ok = disp == w->v;
			if (w->index < 0)
				ok &= op->mem.base == zreg(8, w->base) && op->mem.index == ZYDIS_REGISTER_NONE;
			else if (w->scale)
				ok &= op->mem.scale == 1 << w->scale && op->mem.base == zreg(8, w->base) &&
				      op->mem.index == zreg(8, w->index);
			else /* [a + b] in either order */
				ok &= op->mem.scale <= 1 &&
				      ((op->mem.base == zreg(8, w->base) && op->mem.index == zreg(8, w->index)) ||
				       (op->mem.base == zreg(8, w->index) && op->mem.index == zreg(8, w->base)));
			if (!ok)
				fail_msg("%s: operand %u: wrong address", ctx, k);
			break;
		}
		case K_IMM: {
			uint64_t mask = w->sz >= 8 ? ~0ull : (1ull << (w->sz * 8)) - 1;
			if (op->type != ZYDIS_OPERAND_TYPE_IMMEDIATE ||
			    (op->imm.value.u & mask) != ((uint64_t)w->v & mask))
				fail_msg("%s: operand %u: immediate %llx, want %llx", ctx, k,
					 (unsigned long long)op->imm.value.u, (unsigned long long)w->v);
			break;
		}
		case K_REL: {
			ZyanU64 abs;
			if (!ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&zi, op, at, &abs)) ||
			    (int64_t)abs != w->v)
				fail_msg("%s: branch target wrong, want %lld", ctx, (long long)w->v);
			break;
		}
		}
	}
	checks++;
}

#define CHECK(mn, lock, a, b_, c, what) check(&b, at, (mn), (lock), (a), (b_), (c), (what))

static const int sizes[] = {1, 2, 4, 8};
static const int32_t imms[] = {0, 1, -1, 2, 127, -128, 128, -129, 0x7fff, 0x12345678, INT32_MIN,
			       INT32_MAX};
static const int32_t disps[] = {0, 8, -8, 127, -128, 128, -512, 0x12345, INT32_MIN};

static void test_alu(void **state)
{
	(void)state;
	struct x86_buf b;
	static const ZydisMnemonic mn[] = {ZYDIS_MNEMONIC_ADD, ZYDIS_MNEMONIC_OR, ZYDIS_MNEMONIC_ADC,
					   ZYDIS_MNEMONIC_SBB, ZYDIS_MNEMONIC_AND, ZYDIS_MNEMONIC_SUB,
					   ZYDIS_MNEMONIC_XOR, ZYDIS_MNEMONIC_CMP};
	size_t at = 0;
	for (int op = 0; op < 8; op++)
		for (int s = 0; s < 4; s++)
			for (int d = 0; d < 16; d++) {
				int sz = sizes[s];
				for (int r = 0; r < 16; r++) {
					BUF(0);
					emit_alu_rr(&b, op, sz, d, r);
					CHECK(mn[op], false, REG(sz, d), REG(sz, r), NOP, "alu_rr");
				}
				for (size_t k = 0; k < sizeof(imms) / sizeof(imms[0]); k++) {
					int32_t imm = imms[k];
					if (sz < 4 && (imm < -32768 || imm > 32767))
						continue;
					if (sz == 1 && (imm < -128 || imm > 127))
						continue;
					BUF(0);
					emit_alu_ri(&b, op, sz, d, imm);
					CHECK(mn[op], false, REG(sz, d), IMM(sz, imm), NOP, "alu_ri");
				}
			}
}

static void test_test_mov(void **state)
{
	(void)state;
	struct x86_buf b;
	size_t at = 0;
	for (int d = 0; d < 16; d++) {
		for (int s = 0; s < 4; s++)
			for (int r = 0; r < 16; r++) {
				BUF(0);
				emit_test_rr(&b, sizes[s], d, r);
				CHECK(ZYDIS_MNEMONIC_TEST, false, REG(sizes[s], d), REG(sizes[s], r), NOP,
				      "test_rr");
			}
		for (int sz = 4; sz <= 8; sz += 4) {
			for (int r = 0; r < 16; r++) {
				BUF(0);
				emit_mov_rr(&b, sz, d, r);
				CHECK(ZYDIS_MNEMONIC_MOV, false, REG(sz, d), REG(sz, r), NOP, "mov_rr");
			}
			for (size_t k = 0; k < sizeof(imms) / sizeof(imms[0]); k++) {
				int32_t imm = imms[k];
				BUF(0);
				emit_test_ri(&b, sz, d, imm);
				int isz = imm >= 0 && imm <= 0x7f ? 1 : sz;
				CHECK(ZYDIS_MNEMONIC_TEST, false, REG(isz, d), IMM(isz == 8 ? 4 : isz, imm),
				      NOP, "test_ri");
			}
		}
		static const int64_t vals[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff, -1, -2,
					       INT32_MIN, 0x100000000, 0x123456789abcdef0};
		for (int sz = 4; sz <= 8; sz += 4)
			for (size_t k = 0; k < sizeof(vals) / sizeof(vals[0]); k++) {
				int64_t v = sz == 4 ? (int64_t)(uint32_t)vals[k] : vals[k];
				BUF(0);
				emit_mov_ri(&b, sz, d, vals[k]);
				if (v == 0)
					CHECK(ZYDIS_MNEMONIC_XOR, false, REG(4, d), REG(4, d), NOP, "mov_ri 0");
				else if (v > 0 && v <= UINT32_MAX)
					CHECK(ZYDIS_MNEMONIC_MOV, false, REG(4, d), IMM(4, v), NOP, "mov_ri u32");
				else
					CHECK(ZYDIS_MNEMONIC_MOV, false, REG(8, d), IMM(8, v), NOP, "mov_ri s64");
			}
		BUF(0);
		emit_movabs(&b, d, 0x1122334455667788ull);
		CHECK(ZYDIS_MNEMONIC_MOV, false, REG(8, d), IMM(8, 0x1122334455667788ll), NOP, "movabs");
		assert_int_equal(b.len, 10);
	}
}

static void test_mul_unary_shift(void **state)
{
	(void)state;
	struct x86_buf b;
	static const ZydisMnemonic un[] = {[X86_NOT] = ZYDIS_MNEMONIC_NOT, [X86_NEG] = ZYDIS_MNEMONIC_NEG,
					   [X86_MUL] = ZYDIS_MNEMONIC_MUL, [X86_IMUL1] = ZYDIS_MNEMONIC_IMUL,
					   [X86_DIV] = ZYDIS_MNEMONIC_DIV, [X86_IDIV] = ZYDIS_MNEMONIC_IDIV};
	static const ZydisMnemonic sh[] = {[X86_ROL] = ZYDIS_MNEMONIC_ROL, [X86_ROR] = ZYDIS_MNEMONIC_ROR,
					   [X86_SHL] = ZYDIS_MNEMONIC_SHL, [X86_SHR] = ZYDIS_MNEMONIC_SHR,
					   [X86_SAR] = ZYDIS_MNEMONIC_SAR};
	static const int shifts[] = {X86_ROL, X86_ROR, X86_SHL, X86_SHR, X86_SAR};
	size_t at = 0;
	for (int d = 0; d < 16; d++)
		for (int sz = 4; sz <= 8; sz += 4) {
			for (int r = 0; r < 16; r++) {
				BUF(0);
				emit_imul_rr(&b, sz, d, r);
				CHECK(ZYDIS_MNEMONIC_IMUL, false, REG(sz, d), REG(sz, r), NOP, "imul_rr");
				for (size_t k = 0; k < sizeof(imms) / sizeof(imms[0]); k++) {
					BUF(0);
					emit_imul_rri(&b, sz, d, r, imms[k]);
					CHECK(ZYDIS_MNEMONIC_IMUL, false, REG(sz, d), REG(sz, r),
					      IMM(sz, imms[k]), "imul_rri");
				}
			}
			for (int u = X86_NOT; u <= X86_IDIV; u++) {
				BUF(0);
				emit_unary(&b, u, sz, d);
				CHECK(un[u], false, REG(sz, d), NOP, NOP, "unary");
			}
			for (int k = 0; k < 5; k++) {
				for (int n = 1; n < sz * 8; n += 7) {
					BUF(0);
					emit_shift_ri(&b, shifts[k], sz, d, (uint8_t)n);
					CHECK(sh[shifts[k]], false, REG(sz, d), IMM(1, n), NOP, "shift_ri");
				}
				BUF(0);
				emit_shift_cl(&b, shifts[k], sz, d);
				CHECK(sh[shifts[k]], false, REG(sz, d), REG(1, X86_RCX), NOP, "shift_cl");
				static const ZydisMnemonic shx[] = {[X86_SHL] = ZYDIS_MNEMONIC_SHLX,
								    [X86_SHR] = ZYDIS_MNEMONIC_SHRX,
								    [X86_SAR] = ZYDIS_MNEMONIC_SARX};
				if (shifts[k] < X86_SHL)
					continue;
				for (int r = 0; r < 16; r++) {
					BUF(0);
					emit_shiftx(&b, shifts[k], sz, d, r, 15 - r);
					CHECK(shx[shifts[k]], false, REG(sz, d), REG(sz, r), REG(sz, 15 - r),
					      "shiftx");
				}
			}
			BUF(0);
			emit_bswap(&b, sz, d);
			CHECK(ZYDIS_MNEMONIC_BSWAP, false, REG(sz, d), NOP, NOP, "bswap");
		}
	for (int d = 0; d < 16; d++) {
		BUF(0);
		emit_shift_ri(&b, X86_ROR, 2, d, 8);
		CHECK(ZYDIS_MNEMONIC_ROR, false, REG(2, d), IMM(1, 8), NOP, "ror16");
	}
	BUF(0);
	emit_cdq(&b, 4);
	CHECK(ZYDIS_MNEMONIC_CDQ, false, NOP, NOP, NOP, "cdq");
	BUF(0);
	emit_cdq(&b, 8);
	CHECK(ZYDIS_MNEMONIC_CQO, false, NOP, NOP, NOP, "cqo");
}

static void test_memory(void **state)
{
	(void)state;
	struct x86_buf b;
	size_t at = 0;
	for (int base = 0; base < 16; base++)
		for (size_t k = 0; k < sizeof(disps) / sizeof(disps[0]); k++) {
			int32_t d = disps[k];
			for (int r = 0; r < 16; r++) {
				for (int sz = 4; sz <= 8; sz += 4) {
					BUF(0);
					emit_lea(&b, sz, r, base, d);
					CHECK(ZYDIS_MNEMONIC_LEA, false, REG(sz, r), MEM(0, base, d), NOP, "lea");
				}
				for (int s = 0; s < 4; s++) {
					int sz = sizes[s];
					BUF(0);
					emit_load(&b, sz, false, r, base, d);
					CHECK(sz < 4 ? ZYDIS_MNEMONIC_MOVZX : ZYDIS_MNEMONIC_MOV, false,
					      REG(sz < 8 ? 4 : 8, r), MEM(sz, base, d), NOP, "load");
					if (sz < 8) {
						BUF(0);
						emit_load(&b, sz, true, r, base, d);
						CHECK(sz < 4 ? ZYDIS_MNEMONIC_MOVSX : ZYDIS_MNEMONIC_MOVSXD, false,
						      REG(8, r), MEM(sz, base, d), NOP, "load sx");
					}
					for (int op = 0; op < 8; op++) {
						static const ZydisMnemonic am[] = {
							ZYDIS_MNEMONIC_ADD, ZYDIS_MNEMONIC_OR,	ZYDIS_MNEMONIC_ADC,
							ZYDIS_MNEMONIC_SBB, ZYDIS_MNEMONIC_AND, ZYDIS_MNEMONIC_SUB,
							ZYDIS_MNEMONIC_XOR, ZYDIS_MNEMONIC_CMP};
						BUF(0);
						emit_alu_rm(&b, op, sz, r, base, d);
						CHECK(am[op], false, REG(sz, r), MEM(sz, base, d), NOP, "alu_rm");
					}
					BUF(0);
					emit_store(&b, sz, base, d, r);
					CHECK(ZYDIS_MNEMONIC_MOV, false, MEM(sz, base, d), REG(sz, r), NOP, "store");
					if (sz < 4)
						continue;
					static const ZydisMnemonic lk[] = {[X86_ADD] = ZYDIS_MNEMONIC_ADD,
									   [X86_OR] = ZYDIS_MNEMONIC_OR,
									   [X86_AND] = ZYDIS_MNEMONIC_AND,
									   [X86_XOR] = ZYDIS_MNEMONIC_XOR};
					for (int op = X86_ADD; op <= X86_XOR; op++) {
						if (op != X86_ADD && op != X86_OR && op != X86_AND && op != X86_XOR)
							continue;
						BUF(0);
						emit_lock_alu(&b, op, sz, base, d, r);
						CHECK(lk[op], true, MEM(sz, base, d), REG(sz, r), NOP, "lock alu");
					}
					BUF(0);
					emit_lock_xadd(&b, sz, base, d, r);
					CHECK(ZYDIS_MNEMONIC_XADD, true, MEM(sz, base, d), REG(sz, r), NOP, "xadd");
					BUF(0);
					emit_lock_cmpxchg(&b, sz, base, d, r);
					CHECK(ZYDIS_MNEMONIC_CMPXCHG, true, MEM(sz, base, d), REG(sz, r), NOP,
					      "cmpxchg");
					BUF(0);
					emit_xchg(&b, sz, base, d, r);
					/* xchg with memory locks implicitly: no prefix */
					CHECK(ZYDIS_MNEMONIC_XCHG, false, MEM(sz, base, d), REG(sz, r), NOP, "xchg");
				}
				BUF(0);
				emit_lea_rr(&b, 8, r, base, (base + r + 1) & 15);
				struct xop m = MEM(0, base, 0);
				m.index = (base + r + 1) & 15;
				if (m.index == X86_RSP || m.base == m.index) {
					if (m.index == X86_RSP && base == X86_RSP)
						continue;
				}
				CHECK(ZYDIS_MNEMONIC_LEA, false, REG(8, r), m, NOP, "lea_rr");
				/* [base + index * 2^s + d], every index but rsp */
				int index = (base + 3 * r + 1) & 15;
				if (index == X86_RSP)
					continue;
				for (int s = 0; s < 4; s++) {
					struct xop mi = MEM(0, base, d);
					mi.index = index;
					mi.scale = s;
					if (!s && base == X86_RSP)
						continue;
					for (int sz = 4; sz <= 8; sz += 4) {
						BUF(0);
						emit_lea_idx(&b, sz, r, base, index, s, d);
						CHECK(ZYDIS_MNEMONIC_LEA, false, REG(sz, r), mi, NOP, "lea_idx");
					}
					for (int q = 0; q < 4; q++) {
						int sz = sizes[q];
						mi.sz = sz;
						BUF(0);
						emit_load_idx(&b, sz, false, r, base, index, s, d);
						CHECK(sz < 4 ? ZYDIS_MNEMONIC_MOVZX : ZYDIS_MNEMONIC_MOV, false,
						      REG(sz < 8 ? 4 : 8, r), mi, NOP, "load_idx");
						if (sz < 8) {
							BUF(0);
							emit_load_idx(&b, sz, true, r, base, index, s, d);
							CHECK(sz < 4 ? ZYDIS_MNEMONIC_MOVSX : ZYDIS_MNEMONIC_MOVSXD,
							      false, REG(8, r), mi, NOP, "load_idx sx");
						}
						if (sz >= 4) {
							BUF(0);
							emit_movbe_load(&b, sz, r, base, index, s, d);
							CHECK(ZYDIS_MNEMONIC_MOVBE, false, REG(sz, r), mi, NOP,
							      "movbe");
							BUF(0);
							emit_imul_rm_idx(&b, sz, r, base, index, s, d);
							CHECK(ZYDIS_MNEMONIC_IMUL, false, REG(sz, r), mi, NOP,
							      "imul_rm");
							static const ZydisMnemonic am[] = {
								ZYDIS_MNEMONIC_ADD, ZYDIS_MNEMONIC_OR,
								ZYDIS_MNEMONIC_ADC, ZYDIS_MNEMONIC_SBB,
								ZYDIS_MNEMONIC_AND, ZYDIS_MNEMONIC_SUB,
								ZYDIS_MNEMONIC_XOR, ZYDIS_MNEMONIC_CMP};
							int op = (r + s) & 7;
							BUF(0);
							emit_alu_rm_idx(&b, op, sz, r, base, index, s, d);
							CHECK(am[op], false, REG(sz, r), mi, NOP, "alu_rm_idx");
						}
						static const ZydisMnemonic mm[] = {
							ZYDIS_MNEMONIC_ADD, ZYDIS_MNEMONIC_OR,	ZYDIS_MNEMONIC_ADC,
							ZYDIS_MNEMONIC_SBB, ZYDIS_MNEMONIC_AND, ZYDIS_MNEMONIC_SUB,
							ZYDIS_MNEMONIC_XOR, ZYDIS_MNEMONIC_CMP};
						int mop = (r + s + sz) & 7;
						BUF(0);
						emit_alu_mr(&b, mop, sz, base, index, s, d, r);
						CHECK(mm[mop], false, mi, REG(sz, r), NOP, "alu_mr");
						int32_t iv = sz == 1 ? (d & 0x7f) : (d & 0xfff);
						BUF(0);
						emit_alu_mi(&b, mop, sz, base, index, s, d, iv);
						CHECK(mm[mop], false, mi, IMM(sz, iv), NOP, "alu_mi");
						BUF(0);
						emit_store_imm_idx(&b, sz, base, index, s, d, -3);
						CHECK(ZYDIS_MNEMONIC_MOV, false, mi, IMM(sz == 8 ? 4 : sz, -3), NOP,
						      "store_imm_idx");
						BUF(0);
						emit_store_idx(&b, sz, base, index, s, d, r);
						CHECK(ZYDIS_MNEMONIC_MOV, false, mi, REG(sz, r), NOP, "store_idx");
					}
					mi.sz = 0;
				}
			}
			for (int s = 0; s < 4; s++) {
				BUF(0);
				emit_store_imm(&b, sizes[s], base, d, -5);
				CHECK(ZYDIS_MNEMONIC_MOV, false, MEM(sizes[s], base, d),
				      IMM(sizes[s] == 8 ? 4 : sizes[s], -5), NOP, "store_imm");
			}
			BUF(0);
			emit_cmp_mem8_i(&b, base, d, 0);
			CHECK(ZYDIS_MNEMONIC_CMP, false, MEM(1, base, d), IMM(1, 0), NOP, "cmp_mem8");
			for (int sz = 4; sz <= 8; sz += 4)
				for (int32_t v = -300; v <= 300; v += 150) {
					BUF(0);
					emit_add_mem_i(&b, sz, base, d, v);
					CHECK(ZYDIS_MNEMONIC_ADD, false, MEM(sz, base, d), IMM(sz, v), NOP, "add_mem");
					BUF(0);
					emit_cmp_mem_i(&b, sz, base, d, v);
					CHECK(ZYDIS_MNEMONIC_CMP, false, MEM(sz, base, d), IMM(sz, v), NOP, "cmp_mem");
				}
		}
	for (int d = 0; d < 16; d++)
		for (int r = 0; r < 16; r++) {
			BUF(0);
			emit_movzx(&b, 1, d, r);
			CHECK(ZYDIS_MNEMONIC_MOVZX, false, REG(4, d), REG(1, r), NOP, "movzx8");
			BUF(0);
			emit_movzx(&b, 2, d, r);
			CHECK(ZYDIS_MNEMONIC_MOVZX, false, REG(4, d), REG(2, r), NOP, "movzx16");
			for (int sz = 4; sz <= 8; sz += 4)
				for (int from = 1; from <= (sz == 8 ? 4 : 2); from *= 2) {
					BUF(0);
					emit_movsx(&b, sz, from, d, r);
					CHECK(from == 4 ? ZYDIS_MNEMONIC_MOVSXD : ZYDIS_MNEMONIC_MOVSX, false,
					      REG(sz, d), REG(from, r), NOP, "movsx");
				}
		}
}

static void test_stack_and_branches(void **state)
{
	(void)state;
	struct x86_buf b;
	size_t at = 0;
	for (int r = 0; r < 16; r++) {
		BUF(0);
		emit_push(&b, r);
		CHECK(ZYDIS_MNEMONIC_PUSH, false, REG(8, r), NOP, NOP, "push");
		BUF(0);
		emit_pop(&b, r);
		CHECK(ZYDIS_MNEMONIC_POP, false, REG(8, r), NOP, NOP, "pop");
		BUF(0);
		emit_call_r(&b, r);
		CHECK(ZYDIS_MNEMONIC_CALL, false, REG(8, r), NOP, NOP, "call_r");
		for (size_t k = 0; k < sizeof(disps) / sizeof(disps[0]); k++) {
			BUF(0);
			emit_call_m(&b, r, disps[k]);
			CHECK(ZYDIS_MNEMONIC_CALL, false, MEM(8, r, disps[k]), NOP, NOP, "call_m");
		}
	}
	{
		BUF(0);
		emit_ret(&b);
		CHECK(ZYDIS_MNEMONIC_RET, false, NOP, NOP, NOP, "ret");
	}
	static const ZydisMnemonic jcc[16] = {
		ZYDIS_MNEMONIC_JO, ZYDIS_MNEMONIC_JNO, ZYDIS_MNEMONIC_JB, ZYDIS_MNEMONIC_JNB,
		ZYDIS_MNEMONIC_JZ, ZYDIS_MNEMONIC_JNZ, ZYDIS_MNEMONIC_JBE, ZYDIS_MNEMONIC_JNBE,
		ZYDIS_MNEMONIC_JS, ZYDIS_MNEMONIC_JNS, ZYDIS_MNEMONIC_JP, ZYDIS_MNEMONIC_JNP,
		ZYDIS_MNEMONIC_JL, ZYDIS_MNEMONIC_JNL, ZYDIS_MNEMONIC_JLE, ZYDIS_MNEMONIC_JNLE};
	/* targets around a branch at 1000: short both ways, the edges of
	 * rel8, and far */
	static const int64_t targets[] = {1000, 1002, 900, 1129, 1130, 874, 873, 100000, 0};
	static uint8_t big[1100];
	for (size_t k = 0; k < sizeof(targets) / sizeof(targets[0]); k++) {
		int64_t t = targets[k];
		bool short_ok = t - 1002 >= -128 && t - 1002 <= 127;
		for (int cc = 0; cc < 16; cc++) {
			b = (struct x86_buf){.p = big, .len = 1000, .cap = sizeof(big)};
			emit_jcc(&b, cc, t);
			memcpy(code, big + 1000, b.len - 1000);
			struct x86_buf c = {.p = code, .len = b.len - 1000, .cap = sizeof(code)};
			assert_int_equal(c.len, short_ok ? 2 : 6);
			/* decode at address 1000 */
			ZydisDecodedInstruction zi;
			ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
			assert_true(ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, code, c.len, &zi, ops)));
			assert_int_equal(zi.mnemonic, jcc[cc]);
			ZyanU64 abs;
			assert_true(ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&zi, &ops[0], 1000, &abs)));
			assert_int_equal(abs, t);
			checks++;
		}
		b = (struct x86_buf){.p = big, .len = 1000, .cap = sizeof(big)};
		emit_jmp(&b, t);
		emit_call_rel(&b, t);
		ZydisDecodedInstruction zi;
		ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
		size_t jl = short_ok ? 2 : 5;
		assert_true(ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, big + 1000, b.len - 1000, &zi, ops)));
		assert_int_equal(zi.mnemonic, ZYDIS_MNEMONIC_JMP);
		assert_int_equal(zi.length, jl);
		ZyanU64 abs;
		assert_true(ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&zi, &ops[0], 1000, &abs)));
		assert_int_equal(abs, t);
		assert_true(ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, big + 1000 + jl, 5, &zi, ops)));
		assert_int_equal(zi.mnemonic, ZYDIS_MNEMONIC_CALL);
		assert_true(ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&zi, &ops[0], 1000 + jl, &abs)));
		assert_int_equal(abs, t);
	}
	/* forward holes */
	BUF(0);
	size_t h = emit_jcc8_fwd(&b, X86_CC_E);
	emit_ret(&b);
	emit_ret(&b);
	assert_true(x86_patch8(&b, h));
	b.len = 2;
	at = 0;
	CHECK(ZYDIS_MNEMONIC_JZ, false, REL(4), NOP, NOP, "jcc8_fwd");
	struct x86_buf far = {.p = NULL, .len = 0, .cap = 0};
	h = emit_jmp8_fwd(&far);
	far.len += 200;
	assert_false(x86_patch8(&far, h));
}

/* Padding of every length decodes as nops, in as few instructions as the
 * 9-byte form allows. */
static void test_nops(void **state)
{
	(void)state;
	for (size_t n = 0; n <= 40; n++) {
		struct x86_buf b = {.p = code, .cap = sizeof(code)};
		emit_nops(&b, n);
		assert_int_equal(b.len, n);
		size_t at = 0, count = 0;
		while (at < n) {
			ZydisDecodedInstruction zi;
			ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
			assert_true(ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, code + at, n - at, &zi, ops)));
			assert_int_equal(zi.mnemonic, ZYDIS_MNEMONIC_NOP);
			at += zi.length;
			count++;
		}
		assert_int_equal(count, (n + 8) / 9);
	}
}

static void test_buffer_overflow(void **state)
{
	(void)state;
	uint8_t small[3];
	struct x86_buf b = {.p = small, .cap = sizeof(small)};
	emit_movabs(&b, X86_RAX, 1);
	assert_true(b.overflow);
	assert_int_equal(b.len, 10);
}

/* Every form of the opcode table, compiled with several register choices:
 * the code decodes from its first byte to its last. */
static void test_every_form_decodes(void **state)
{
	(void)state;
	char log[256];
	int compiled = 0;
	for (int op = 1; op < ISA_OP_COUNT; op++) {
		const struct isa_form *f = &isa_forms[op];
		for (int variant = 0; variant < 12; variant++) {
			struct bpfrt_insn p[6] = {0};
			struct bpfrt_insn *in = &p[0];
			in->code = f->code;
			int dst = variant % 10, src = (variant * 3 + 1) % 10;
			bool mem = f->syntax == ISA_SYN_LDX || f->syntax == ISA_SYN_ST ||
				   f->syntax == ISA_SYN_STX || f->syntax == ISA_SYN_ATOMIC;
			if (f->flags & ISA_F_WRITES_DST && dst == 10)
				dst = 1;
			in->dst_reg = f->syntax == ISA_SYN_JA || f->syntax == ISA_SYN_JA32 ||
						      f->syntax == ISA_SYN_CALL || f->syntax == ISA_SYN_CALL_LOCAL ||
						      f->syntax == ISA_SYN_EXIT || f->syntax == ISA_SYN_LDABS ||
						      f->syntax == ISA_SYN_LDIND || f->syntax == ISA_SYN_MAY_GOTO
					      ? 0
					      : (uint8_t)(mem && variant > 9 && f->syntax != ISA_SYN_LDX ? 10 : dst);
			bool uses_src = f->syntax == ISA_SYN_ALU_X || f->syntax == ISA_SYN_JCOND_X ||
					f->syntax == ISA_SYN_LDX || f->syntax == ISA_SYN_STX ||
					f->syntax == ISA_SYN_ATOMIC || f->syntax == ISA_SYN_LDIND;
			if (uses_src)
				in->src_reg = (uint8_t)((f->flags & ISA_F_FETCH) && src == 10 ? 2 : src);
			if (f->syntax == ISA_SYN_LDX && variant > 9)
				in->src_reg = 10;
			if (f->match == ISA_MATCH_OFF)
				in->off = (int16_t)f->match_value;
			else if (mem)
				in->off = variant > 9 ? -16 : (int16_t)(variant * 100 - 300);
			else if ((f->flags & ISA_F_BRANCH) && f->syntax != ISA_SYN_JA32 &&
				 f->syntax != ISA_SYN_CALL_LOCAL)
				in->off = 1;
			if (f->match == ISA_MATCH_IMM)
				in->imm = f->match_value;
			else if (f->match == ISA_MATCH_SRC)
				in->src_reg = (uint8_t)f->match_value;
			else if (f->syntax == ISA_SYN_JA32 || f->syntax == ISA_SYN_CALL_LOCAL)
				in->imm = 1;
			else if (f->syntax == ISA_SYN_CALL)
				in->imm = 5;
			else if (f->syntax != ISA_SYN_ALU_X && f->syntax != ISA_SYN_JCOND_X && !uses_src &&
				 f->syntax != ISA_SYN_UNARY && f->syntax != ISA_SYN_EXIT &&
				 f->syntax != ISA_SYN_CALLX && f->syntax != ISA_SYN_JA &&
				 f->syntax != ISA_SYN_MAY_GOTO)
				in->imm = variant * 1000003 - 5000000;
			if (f->syntax == ISA_SYN_ALU_K && (f->code & 0xf0) >= BPFRT_LSH &&
			    ((f->code & 0xf0) == BPFRT_LSH || (f->code & 0xf0) == BPFRT_RSH ||
			     (f->code & 0xf0) == BPFRT_ARSH))
				in->imm = variant * 5;
			size_t n = 1;
			if (f->syntax == ISA_SYN_LDDW)
				p[n++].imm = variant * 77;
			p[n++] = (struct bpfrt_insn){.code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, .imm = 1};
			p[n++] = (struct bpfrt_insn){.code = BPFRT_JMP | BPFRT_EXIT};
			struct jit_prog *jp;
			int err = jit_compile(p, n, &jit_test_env, &jp, log, sizeof(log));
			if (f->op == ISA_OP_CALL_KFUNC ||
			    (f->syntax == ISA_SYN_LDDW && f->op != ISA_OP_LDDW)) {
				assert_int_equal(err, -EOPNOTSUPP);
				assert_true(strlen(log) > 0);
				continue;
			}
			if (err)
				fail_msg("%s variant %d: %d %s", f->name, variant, err, log);
			size_t size;
			const uint8_t *x = jit_code(jp, &size);
			for (size_t at = 0; at < size;) {
				ZydisDecodedInstruction zi;
				ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
				if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, x + at, size - at, &zi, ops)))
					fail_msg("%s variant %d: undecodable at %zu", f->name, variant, at);
				at += zi.length;
			}
			jit_free(jp);
			compiled++;
		}
	}
	assert_true(compiled > 1500);
}

int main(void)
{
	ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alu),
		cmocka_unit_test(test_test_mov),
		cmocka_unit_test(test_mul_unary_shift),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_stack_and_branches),
		cmocka_unit_test(test_nops),
		cmocka_unit_test(test_buffer_overflow),
		cmocka_unit_test(test_every_form_decodes),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (!rc)
		printf("%d encodings checked\n", checks);
	return rc;
}
