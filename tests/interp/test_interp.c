/* SPDX-License-Identifier: MIT */
/* The VM API and the interpreter's semantics, in both modes. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bpfrt/vm.h"
#include "interp/insn_build.h"
#include "isa/opcodes.h"

static char log_buf[1024];

/* Loads and runs `insns` in `mode`; returns the run's error (or the load's). */
static int run_mode(const struct bpfrt_insn *insns, size_t n, enum bpfrt_exec_mode mode,
		    void *ctx, size_t ctx_size, uint64_t *r0)
{
	struct bpfrt_vm *vm = bpfrt_vm__new();
	assert_non_null(vm);
	struct bpfrt_prog_opts lo = { .sz = sizeof(lo), .mode = mode, .log_buf = log_buf,
				      .log_size = sizeof(log_buf) };
	struct bpfrt_prog *prog = bpfrt_prog__load(vm, insns, n, &lo);
	int err;
	if (!prog) {
		err = -errno;
	} else {
		struct bpfrt_run_opts ro = { .sz = sizeof(ro), .log_buf = log_buf,
					     .log_size = sizeof(log_buf) };
		err = bpfrt_prog__run(prog, ctx, ctx_size, r0, &ro);
	}
	bpfrt_prog__free(prog);
	bpfrt_vm__free(vm);
	return err;
}

/* Runs in both modes, expects success and the same r0, returns it. */
static uint64_t run_both(const struct bpfrt_insn *insns, size_t n, void *ctx, size_t ctx_size)
{
	uint64_t a = 0, b = 1;
	assert_int_equal(run_mode(insns, n, BPFRT_EXEC_CHECKED, ctx, ctx_size, &a), 0);
	assert_int_equal(run_mode(insns, n, BPFRT_EXEC_TRUSTED, ctx, ctx_size, &b), 0);
	assert_int_equal(a, b);
	return a;
}
#define RUN(...)                                                                          \
	({                                                                                \
		const struct bpfrt_insn p_[] = { __VA_ARGS__ };                           \
		run_both(p_, ARRAY_LEN(p_), NULL, 0);                                     \
	})

static int load_err(const struct bpfrt_insn *insns, size_t n)
{
	uint64_t r0;
	return run_mode(insns, n, BPFRT_EXEC_CHECKED, NULL, 0, &r0);
}
#define LOAD_ERR(...)                                                                     \
	({                                                                                \
		const struct bpfrt_insn p_[] = { __VA_ARGS__ };                           \
		load_err(p_, ARRAY_LEN(p_));                                              \
	})

static void test_load_errors(void **state)
{
	(void)state;
	struct bpfrt_vm *vm = bpfrt_vm__new();
	struct bpfrt_insn one = EXIT();
	assert_null(bpfrt_prog__load(vm, &one, 0, NULL));
	assert_int_equal(errno, EINVAL);
	bpfrt_vm__free(vm);

	assert_int_equal(LOAD_ERR(INSN(0xff, 0, 0, 0, 0), EXIT()), -EINVAL);
	assert_non_null(strstr(log_buf, "insn 0: unknown opcode"));
	assert_int_equal(LOAD_ERR(MOV64_IMM(0, 0), JA(5), EXIT()), -EINVAL);
	assert_non_null(strstr(log_buf, "insn 1: jump target 7 is outside the program"));
	assert_int_equal(LOAD_ERR(JA(1), LDDW(0, 1), EXIT()), -EINVAL);
	assert_non_null(strstr(log_buf, "second slot of an ld_imm64"));
	assert_int_equal(LOAD_ERR(CALL(77), EXIT()), -EINVAL);
	assert_non_null(strstr(log_buf, "insn 0: call to unknown helper id 77"));
	assert_int_equal(LOAD_ERR(MOV64_IMM(0, 0)), -EINVAL);
	assert_non_null(strstr(log_buf, "falls through past the end"));
	assert_int_equal(LOAD_ERR(CALL_LOCAL(5), EXIT()), -EINVAL);
	assert_non_null(strstr(log_buf, "insn 0: call target"));
	assert_int_equal(LOAD_ERR(MOV64_IMM(10, 0), EXIT()), -EINVAL);
	assert_non_null(strstr(log_buf, "read-only"));
}

static void test_alu_edges(void **state)
{
	(void)state;
	/* Division by zero gives 0, modulo by zero leaves dst. */
	assert_int_equal(RUN(MOV64_IMM(0, 7), MOV64_IMM(1, 0), ALU64_REG(BPFRT_DIV, 0, 1), EXIT()), 0);
	assert_int_equal(RUN(MOV64_IMM(0, 7), MOV64_IMM(1, 0), ALU64_REG(BPFRT_MOD, 0, 1), EXIT()), 7);
	/* 32-bit modulo by zero still zero-extends dst. */
	assert_int_equal(RUN(MOV64_IMM(0, -1), ALU32_IMM(BPFRT_MOD, 0, 0), EXIT()), 0xffffffffu);
	/* INT64_MIN / -1 = INT64_MIN, INT64_MIN % -1 = 0. */
	assert_int_equal(RUN(LDDW(0, 0x8000000000000000ull), MOV64_IMM(1, -1), SDIV64_REG(0, 1), EXIT()),
			 0x8000000000000000ull);
	assert_int_equal(RUN(LDDW(0, 0x8000000000000000ull), MOV64_IMM(1, -1), SMOD64_REG(0, 1), EXIT()),
			 0);
	assert_int_equal(RUN(MOV64_IMM(0, (int32_t)0x80000000), MOV64_IMM(1, -1), SDIV32_REG(0, 1), EXIT()),
			 0x80000000u);
	assert_int_equal(RUN(MOV64_IMM(0, -13), MOV64_IMM(1, 3), SMOD64_REG(0, 1), EXIT()), (uint64_t)-1);
	assert_int_equal(RUN(MOV64_IMM(0, -13), MOV64_IMM(1, 3), SDIV64_REG(0, 1), EXIT()), (uint64_t)-4);
	/* Shift amounts are masked. */
	assert_int_equal(RUN(MOV64_IMM(0, 1), MOV64_IMM(1, 65), ALU64_REG(BPFRT_LSH, 0, 1), EXIT()), 2);
	assert_int_equal(RUN(MOV64_IMM(0, 1), MOV64_IMM(1, 33), ALU32_REG(BPFRT_LSH, 0, 1), EXIT()), 2);
	assert_int_equal(RUN(MOV64_IMM(0, -16), ALU32_IMM(BPFRT_ARSH, 0, 2), EXIT()), 0xfffffffcu);
	assert_int_equal(RUN(MOV64_IMM(0, -16), ALU64_IMM(BPFRT_ARSH, 0, 2), EXIT()), (uint64_t)-4);
	/* 32-bit ops zero-extend; mov64 imm sign-extends. */
	assert_int_equal(RUN(MOV64_IMM(0, -1), ALU32_IMM(BPFRT_ADD, 0, 0), EXIT()), 0xffffffffu);
	assert_int_equal(RUN(MOV64_IMM(0, -1), EXIT()), UINT64_MAX);
	assert_int_equal(RUN(MOV64_IMM(0, 5), ALU32_IMM(BPFRT_NEG, 0, 0), EXIT()), 0xfffffffbu);
	/* Sign extension. */
	assert_int_equal(RUN(MOV64_IMM(1, 0x80), MOVSX64(0, 1, 8), EXIT()), (uint64_t)-128);
	assert_int_equal(RUN(MOV64_IMM(1, 0x8000), MOVSX64(0, 1, 16), EXIT()), (uint64_t)-32768);
	/* Byte order. */
	assert_int_equal(RUN(LDDW(0, 0x1122334455667788ull), ENDIAN(BPFRT_TO_BE, 0, 16), EXIT()), 0x8877);
	assert_int_equal(RUN(LDDW(0, 0x1122334455667788ull), ENDIAN(BPFRT_TO_LE, 0, 32), EXIT()),
			 0x55667788);
	assert_int_equal(RUN(LDDW(0, 0x1122334455667788ull), BSWAP(0, 64), EXIT()),
			 0x8877665544332211ull);
}

static void test_memory_and_atomics(void **state)
{
	(void)state;
	uint8_t ctx[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 0xff };
	const struct bpfrt_insn p[] = {
		LDX(BPFRT_W, 0, 1, 0),			   /* r0 = 0x04030201 */
		INSN(BPFRT_LDX | BPFRT_MEMSX | BPFRT_B, 2, 1, 8, 0), /* r2 = -1 */
		ALU64_REG(BPFRT_ADD, 0, 2),
		ST(BPFRT_DW, 10, -8, 10),
		MOV64_IMM(3, 5),
		ATOMIC(BPFRT_DW, 10, 3, -8, BPFRT_ADD | BPFRT_FETCH), /* r3 = 10, [fp-8] = 15 */
		LDX(BPFRT_DW, 4, 10, -8),
		ALU64_REG(BPFRT_ADD, 0, 3),
		ALU64_REG(BPFRT_ADD, 0, 4),
		EXIT(),
	};
	assert_int_equal(run_both(p, ARRAY_LEN(p), ctx, sizeof(ctx)), 0x04030201 - 1 + 10 + 15);

	/* cmpxchg32: r0 gets the old value, zero-extended. */
	uint32_t word[2] = { 0xdeadbeef, 0 };
	const struct bpfrt_insn q[] = {
		MOV64_IMM(0, 0),
		MOV64_IMM(2, 1),
		ATOMIC(BPFRT_W, 1, 2, 0, BPFRT_CMPXCHG),
		EXIT(),
	};
	assert_int_equal(run_both(q, ARRAY_LEN(q), word, sizeof(word)), 0xdeadbeef);
}

static void test_checked_faults(void **state)
{
	(void)state;
	uint64_t r0;
	uint8_t ctx[8] = { 0 };
	const struct bpfrt_insn oob[] = { MOV64_IMM(0, 0), LDX(BPFRT_W, 0, 1, 6), EXIT() };
	assert_int_equal(run_mode(oob, 3, BPFRT_EXEC_CHECKED, ctx, sizeof(ctx), &r0), -EFAULT);
	assert_non_null(strstr(log_buf, "insn 1 (LDXW): load of 4 bytes at 0x"));
	const struct bpfrt_insn null_store[] = { MOV64_IMM(1, 0), ST(BPFRT_B, 1, 0, 1), EXIT() };
	assert_int_equal(run_mode(null_store, 3, BPFRT_EXEC_CHECKED, NULL, 0, &r0), -EFAULT);
	assert_non_null(strstr(log_buf, "insn 1 (STB): store of 1 bytes at 0x0 is outside"));
	/* r10-based accesses inside the frame are not checked at run time;
	 * outside it they are, also from a callee's frame. */
	const struct bpfrt_insn edge[] = { ST(BPFRT_DW, 10, -512, 5), LDX(BPFRT_DW, 0, 10, -512), EXIT() };
	assert_int_equal(run_mode(edge, 3, BPFRT_EXEC_CHECKED, NULL, 0, &r0), 0);
	assert_int_equal(r0, 5);
	const struct bpfrt_insn above[] = { LDX(BPFRT_W, 0, 10, -2), EXIT() };
	assert_int_equal(run_mode(above, 2, BPFRT_EXEC_CHECKED, NULL, 0, &r0), -EFAULT);
	const struct bpfrt_insn callee[] = { CALL_LOCAL(1), EXIT(), LDX(BPFRT_DW, 0, 10, -1024), EXIT() };
	assert_int_equal(run_mode(callee, 4, BPFRT_EXEC_CHECKED, NULL, 0, &r0), -EFAULT);
	assert_non_null(strstr(log_buf, "insn 2 (LDXDW): load of 8 bytes"));
	/* Below the frame of the main program. */
	const struct bpfrt_insn below[] = { LDX(BPFRT_DW, 0, 10, -520), EXIT() };
	assert_int_equal(run_mode(below, 2, BPFRT_EXEC_CHECKED, NULL, 0, &r0), -EFAULT);
	/* Misaligned atomic. */
	const struct bpfrt_insn mis[] = { MOV64_IMM(2, 1), ATOMIC(BPFRT_DW, 10, 2, -12, BPFRT_ADD),
					  EXIT() };
	assert_int_equal(run_mode(mis, 3, BPFRT_EXEC_CHECKED, NULL, 0, &r0), -EFAULT);
	assert_non_null(strstr(log_buf, "misaligned"));
}

static void test_regions_and_readonly_ctx(void **state)
{
	(void)state;
	struct bpfrt_vm *vm = bpfrt_vm__new();
	uint64_t buf[2] = { 41, 0 };
	/* r3 = region address (passed in ctx), r0 = *r3 + 1, *r3 = r0 */
	const struct bpfrt_insn p[] = {
		LDX(BPFRT_DW, 3, 1, 0), LDX(BPFRT_DW, 0, 3, 0), ALU64_IMM(BPFRT_ADD, 0, 1),
		STX(BPFRT_DW, 3, 0, 0), EXIT(),
	};
	struct bpfrt_prog *prog = bpfrt_prog__load(vm, p, ARRAY_LEN(p), NULL);
	assert_non_null(prog);
	uint64_t ctx = (uintptr_t)buf, r0 = 0;
	struct bpfrt_mem_region reg = { .addr = buf, .size = sizeof(buf), .writable = true };
	struct bpfrt_run_opts ro = { .sz = sizeof(ro), .regions = &reg, .region_cnt = 1,
				     .log_buf = log_buf, .log_size = sizeof(log_buf) };
	assert_int_equal(bpfrt_prog__run(prog, &ctx, sizeof(ctx), &r0, &ro), 0);
	assert_int_equal(r0, 42);
	assert_int_equal(buf[0], 42);
	reg.writable = false;
	assert_int_equal(bpfrt_prog__run(prog, &ctx, sizeof(ctx), &r0, &ro), -EFAULT);
	assert_non_null(strstr(log_buf, "insn 3 (STXDW): store"));
	ro.region_cnt = 0;
	assert_int_equal(bpfrt_prog__run(prog, &ctx, sizeof(ctx), &r0, &ro), -EFAULT);
	assert_non_null(strstr(log_buf, "insn 1 (LDXDW): load"));

	const struct bpfrt_insn w[] = { ST(BPFRT_B, 1, 0, 1), MOV64_IMM(0, 0), EXIT() };
	struct bpfrt_prog *wp = bpfrt_prog__load(vm, w, ARRAY_LEN(w), NULL);
	struct bpfrt_run_opts ro2 = { .sz = sizeof(ro2), .ctx_readonly = true };
	assert_int_equal(bpfrt_prog__run(wp, &ctx, sizeof(ctx), &r0, &ro2), -EFAULT);
	ro2.ctx_readonly = false;
	assert_int_equal(bpfrt_prog__run(wp, &ctx, sizeof(ctx), &r0, &ro2), 0);
	bpfrt_prog__free(wp);
	bpfrt_prog__free(prog);
	bpfrt_vm__free(vm);
}

static void test_budget(void **state)
{
	(void)state;
	struct bpfrt_vm *vm = bpfrt_vm__new();
	const struct bpfrt_insn loop[] = { MOV64_IMM(0, 0), ALU64_IMM(BPFRT_ADD, 0, 1), JA(-2), EXIT() };
	struct bpfrt_prog *prog = bpfrt_prog__load(vm, loop, ARRAY_LEN(loop), NULL);
	assert_non_null(prog);
	uint64_t r0;
	struct bpfrt_run_opts ro = { .sz = sizeof(ro), .insn_budget = 1000, .log_buf = log_buf,
				     .log_size = sizeof(log_buf) };
	assert_int_equal(bpfrt_prog__run(prog, NULL, 0, &r0, &ro), -ELOOP);
	assert_non_null(strstr(log_buf, "instruction budget of 1000 exhausted"));
	/* A budget that suffices. */
	const struct bpfrt_insn ok[] = { MOV64_IMM(0, 3), EXIT() };
	struct bpfrt_prog *okp = bpfrt_prog__load(vm, ok, 2, NULL);
	ro.insn_budget = 2;
	assert_int_equal(bpfrt_prog__run(okp, NULL, 0, &r0, &ro), 0);
	assert_int_equal(r0, 3);
	ro.insn_budget = 1;
	assert_int_equal(bpfrt_prog__run(okp, NULL, 0, &r0, &ro), -ELOOP);
	bpfrt_prog__free(okp);
	bpfrt_prog__free(prog);
	bpfrt_vm__free(vm);
}

/* may_goto falls through ISA_MAX_LOOPS times, then jumps; each call starts
 * with a full budget (both modes). */
static void test_may_goto(void **state)
{
	(void)state;
	const struct bpfrt_insn mg = INSN(BPFRT_JMP | BPFRT_JCOND, 0, 0, 2, 0);
	assert_int_equal(RUN(MOV64_IMM(0, 0), mg, ALU64_IMM(BPFRT_ADD, 0, 1), JA(-3), EXIT()),
			 ISA_MAX_LOOPS);
	/* main: f() + f() */
	assert_int_equal(RUN(CALL_LOCAL(4), MOV64_REG(6, 0), CALL_LOCAL(2), ALU64_REG(BPFRT_ADD, 0, 6),
			     EXIT(), MOV64_IMM(0, 0), mg, ALU64_IMM(BPFRT_ADD, 0, 1), JA(-3), EXIT()),
			 2ull * ISA_MAX_LOOPS);
	/* src_reg, dst_reg or imm set: no may_goto */
	struct bpfrt_insn bad = mg;
	bad.src_reg = 1;
	assert_int_equal(LOAD_ERR(MOV64_IMM(0, 0), bad, EXIT(), EXIT()), -EINVAL);
	assert_non_null(strstr(log_buf, "reserved field src_reg is not 0"));
	bad = mg;
	bad.imm = 1;
	assert_int_equal(LOAD_ERR(MOV64_IMM(0, 0), bad, EXIT(), EXIT()), -EINVAL);
}

static void test_local_calls(void **state)
{
	(void)state;
	/* main: r6 = 100; call f; r0 += r6; exit.  f: r6 = 1; stack write; r0 = 5 */
	assert_int_equal(RUN(MOV64_IMM(6, 100), ST(BPFRT_DW, 10, -8, 7), CALL_LOCAL(4),
			     ALU64_REG(BPFRT_ADD, 0, 6), LDX(BPFRT_DW, 1, 10, -8),
			     ALU64_REG(BPFRT_ADD, 0, 1), EXIT(), MOV64_IMM(6, 1),
			     ST(BPFRT_DW, 10, -8, 99), MOV64_IMM(0, 5), EXIT()),
			 112);
	/* Unbounded recursion stops at the depth limit. */
	uint64_t r0;
	const struct bpfrt_insn rec[] = { CALL_LOCAL(-1), EXIT() };
	assert_int_equal(run_mode(rec, 2, BPFRT_EXEC_CHECKED, NULL, 0, &r0), -E2BIG);
	assert_non_null(strstr(log_buf, "call depth exceeds"));
	assert_int_equal(run_mode(rec, 2, BPFRT_EXEC_TRUSTED, NULL, 0, &r0), -E2BIG);
	/* Exactly BPFRT_MAX_CALL_DEPTH frames are fine: main + 7 nested calls. */
	const struct bpfrt_insn chain[] = {
		CALL_LOCAL(1), EXIT(), /* main -> 2 */
		CALL_LOCAL(1), EXIT(), CALL_LOCAL(1), EXIT(), CALL_LOCAL(1), EXIT(),
		CALL_LOCAL(1), EXIT(), CALL_LOCAL(1), EXIT(), CALL_LOCAL(1), EXIT(),
		MOV64_IMM(0, 9), EXIT(),
	};
	assert_int_equal(run_both(chain, ARRAY_LEN(chain), NULL, 0), 9);
	/* One more is too deep. */
	struct bpfrt_insn deeper[ARRAY_LEN(chain) + 2];
	deeper[0] = CALL_LOCAL(1);
	deeper[1] = EXIT();
	memcpy(deeper + 2, chain, sizeof(chain));
	assert_int_equal(run_mode(deeper, ARRAY_LEN(deeper), BPFRT_EXEC_CHECKED, NULL, 0, &r0), -E2BIG);
}

static uint64_t h_add(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
		      struct bpfrt_run_ctx *rc)
{
	uint64_t *calls = bpfrt_run_ctx__user_data(rc);
	__atomic_fetch_add(calls, 1, __ATOMIC_RELAXED);
	return a + b + c + d + e;
}

static uint64_t h_throw(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
			struct bpfrt_run_ctx *rc)
{
	(void)b, (void)c, (void)d, (void)e;
	bpfrt_run_ctx__abort(rc, a);
	return 0;
}

static void test_helpers(void **state)
{
	(void)state;
	struct bpfrt_vm *vm = bpfrt_vm__new();
	assert_int_equal(bpfrt_vm__register_helper(vm, BPFRT_MAX_HELPERS, "x", h_add), -EINVAL);
	assert_int_equal(bpfrt_vm__register_helper(vm, 1, "add", NULL), -EINVAL);
	assert_int_equal(bpfrt_vm__register_helper(vm, 1, "add", h_add), 0);
	assert_int_equal(bpfrt_vm__register_helper(vm, 2, "throw", h_throw), 0);
	const struct bpfrt_insn p[] = {
		MOV64_IMM(1, 1), MOV64_IMM(2, 2), MOV64_IMM(3, 3), MOV64_IMM(4, 4), MOV64_IMM(5, 5),
		CALL(1),
		MOV64_REG(1, 0), CALL(2), /* aborts with r0 = 15 */
		MOV64_IMM(0, 0), EXIT(),
	};
	for (int mode = 0; mode < 2; mode++) {
		struct bpfrt_prog_opts lo = { .sz = sizeof(lo), .mode = mode, .name = "helpers" };
		struct bpfrt_prog *prog = bpfrt_prog__load(vm, p, ARRAY_LEN(p), &lo);
		assert_non_null(prog);
		assert_string_equal(bpfrt_prog__name(prog), "helpers");
		assert_string_equal(bpfrt_prog__backend_name(prog), "interp");
		uint64_t calls = 0, r0 = 0;
		struct bpfrt_run_opts ro = { .sz = sizeof(ro), .user_data = &calls };
		assert_int_equal(bpfrt_prog__run(prog, NULL, 0, &r0, &ro), 0);
		assert_int_equal(r0, 15);
		assert_int_equal(calls, 1);
		bpfrt_prog__free(prog);
	}
	/* callx: the helper id is in the register. */
	const struct bpfrt_insn x[] = { MOV64_IMM(1, 4), MOV64_IMM(6, 2), INSN(BPFRT_JMP | BPFRT_X | BPFRT_CALL, 6, 0, 0, 0),
					MOV64_IMM(0, 1), EXIT() };
	struct bpfrt_prog *xp = bpfrt_prog__load(vm, x, ARRAY_LEN(x), NULL);
	uint64_t r0 = 0;
	assert_int_equal(bpfrt_prog__run(xp, NULL, 0, &r0, NULL), 0);
	assert_int_equal(r0, 4);
	bpfrt_prog__free(xp);
	const struct bpfrt_insn bad[] = { MOV64_IMM(6, 99), INSN(BPFRT_JMP | BPFRT_X | BPFRT_CALL, 6, 0, 0, 0),
					  EXIT() };
	xp = bpfrt_prog__load(vm, bad, ARRAY_LEN(bad), NULL);
	struct bpfrt_run_opts ro = { .sz = sizeof(ro), .log_buf = log_buf, .log_size = sizeof(log_buf) };
	assert_int_equal(bpfrt_prog__run(xp, NULL, 0, &r0, &ro), -EINVAL);
	assert_non_null(strstr(log_buf, "insn 1: call to unknown helper id 99"));
	bpfrt_prog__free(xp);
	bpfrt_vm__free(vm);
}

/* Superinstructions give the same results as the instructions they stand
 * for, also when a jump lands inside a fused sequence. */
static void test_fused_sequences(void **state)
{
	(void)state;
	uint64_t v = 0x0123456789abcdefull;
	/* rotl64(v, 7) through t = v; t >>= 57; v <<= 7; v |= t, plus t. */
	assert_int_equal(RUN(LDDW(1, 0x0123456789abcdefull), MOV64_REG(2, 1),
			     ALU64_IMM(BPFRT_RSH, 2, 57), ALU64_IMM(BPFRT_LSH, 1, 7),
			     ALU64_REG(BPFRT_OR, 1, 2), MOV64_REG(0, 1), ALU64_REG(BPFRT_XOR, 0, 2), EXIT()),
			 ((v << 7) | (v >> 57)) ^ (v >> 57));
	uint32_t w = 0x89abcdef;
	assert_int_equal(RUN(LDDW(1, 0xffffffff89abcdefull), ALU32_REG(BPFRT_MOV, 2, 1),
			     ALU32_IMM(BPFRT_RSH, 2, 17), ALU32_IMM(BPFRT_LSH, 1, 15),
			     ALU32_REG(BPFRT_OR, 1, 2), MOV64_REG(0, 1), EXIT()),
			 (uint32_t)((w << 15) | (w >> 17)));
	/* Three-address forms: t = a op b, and t = a; t op= t (not fused). */
	assert_int_equal(RUN(MOV64_IMM(1, 40), MOV64_IMM(2, 2), MOV64_REG(0, 1), ALU64_REG(BPFRT_ADD, 0, 2),
			     EXIT()), 42);
	assert_int_equal(RUN(MOV64_IMM(1, 21), MOV64_REG(0, 1), ALU64_REG(BPFRT_ADD, 0, 0), EXIT()), 42);
	assert_int_equal(RUN(MOV64_IMM(1, -1), ALU32_REG(BPFRT_MOV, 0, 1), ALU32_IMM(BPFRT_ADD, 0, 1), EXIT()),
			 0);
	assert_int_equal(RUN(MOV64_IMM(1, 85), MOV64_REG(0, 1), ALU64_IMM(BPFRT_MOD, 0, 0), EXIT()), 85);
	/* r1 += 1; if r1 != 10 goto loop, counting r0; then a jump into the
	 * middle of a fused pair runs its second op alone. */
	assert_int_equal(RUN(MOV64_IMM(0, 0), MOV64_IMM(1, 0), ALU64_IMM(BPFRT_ADD, 0, 3),
			     ALU64_IMM(BPFRT_ADD, 1, 1), JMP_IMM(BPFRT_JNE, 1, 10, -3), EXIT()), 30);
	assert_int_equal(RUN(MOV64_IMM(0, 0), MOV64_IMM(1, 5), JA(1), ALU64_IMM(BPFRT_ADD, 1, 100),
			     JMP_IMM(BPFRT_JSGT, 1, 4, 1), EXIT(), MOV64_IMM(0, 7), EXIT()), 7);
	assert_int_equal(RUN(MOV64_IMM(0, 0), MOV64_IMM(1, -5), MOV64_IMM(2, 0), ALU64_IMM(BPFRT_ADD, 1, 1),
			     JMP_REG(BPFRT_JSLT, 1, 2, -2), MOV64_REG(0, 1), EXIT()), 0);
	/* The budget counts every instruction a fused op stands for. */
	uint64_t r0;
	struct bpfrt_vm *vm = bpfrt_vm__new();
	const struct bpfrt_insn p[] = { MOV64_IMM(1, 0), ALU64_IMM(BPFRT_ADD, 1, 1),
					JMP_IMM(BPFRT_JNE, 1, 10, -2), MOV64_REG(0, 1), EXIT() };
	struct bpfrt_prog *prog = bpfrt_prog__load(vm, p, ARRAY_LEN(p), NULL);
	struct bpfrt_run_opts ro = { .sz = sizeof(ro), .insn_budget = 23 };
	assert_int_equal(bpfrt_prog__run(prog, NULL, 0, &r0, &ro), 0);
	assert_int_equal(r0, 10);
	ro.insn_budget = 22;
	assert_int_equal(bpfrt_prog__run(prog, NULL, 0, &r0, &ro), -ELOOP);
	bpfrt_prog__free(prog);
	bpfrt_vm__free(vm);
}

/* bpf_loop (kernel helper 181) calls a subprogram back through the
 * interpreter; the callback sees the caller's stack through its ctx. */
static void test_callbacks(void **state)
{
	(void)state;
	struct bpfrt_vm *vm = bpfrt_vm__new();
	assert_int_equal(bpfrt_vm__register_kernel_helpers(vm), 0);
	const struct bpfrt_insn p[] = {
		ST(BPFRT_DW, 10, -8, 0),
		MOV64_IMM(1, 10),
		LDDW(2, 10), /* the callback's insn index */
		MOV64_REG(3, 10),
		ALU64_IMM(BPFRT_ADD, 3, -8),
		MOV64_IMM(4, 0),
		CALL(181),
		LDX(BPFRT_DW, 0, 10, -8),
		EXIT(),
		/* insn 10, callback(i, ctx): *ctx += i; return 0 */
		MOV64_IMM(0, 0),
		LDX(BPFRT_DW, 3, 2, 0),
		ALU64_REG(BPFRT_ADD, 3, 1),
		STX(BPFRT_DW, 2, 3, 0),
		MOV64_IMM(0, 0),
		EXIT(),
	};
	for (int mode = 0; mode < 2; mode++) {
		struct bpfrt_prog_opts lo = { .sz = sizeof(lo), .mode = mode };
		struct bpfrt_prog *prog = bpfrt_prog__load(vm, p, ARRAY_LEN(p), &lo);
		assert_non_null(prog);
		uint64_t r0 = 0;
		assert_int_equal(bpfrt_prog__run(prog, NULL, 0, &r0, NULL), 0);
		assert_int_equal(r0, 45);
		bpfrt_prog__free(prog);
	}
	/* A fault in the callback stops the whole run. */
	struct bpfrt_insn q[ARRAY_LEN(p)];
	memcpy(q, p, sizeof(p));
	q[10] = LDX(BPFRT_DW, 3, 2, 4096);
	struct bpfrt_prog *prog = bpfrt_prog__load(vm, q, ARRAY_LEN(q), NULL);
	uint64_t r0 = 0;
	struct bpfrt_run_opts ro = { .sz = sizeof(ro), .log_buf = log_buf, .log_size = sizeof(log_buf) };
	assert_int_equal(bpfrt_prog__run(prog, NULL, 0, &r0, &ro), -EFAULT);
	assert_non_null(strstr(log_buf, "insn 10 (LDXDW): load"));
	bpfrt_prog__free(prog);
	/* The budget covers the callbacks too: 9 + 10 * 6 instructions. */
	prog = bpfrt_prog__load(vm, p, ARRAY_LEN(p), NULL);
	ro.insn_budget = 68;
	assert_int_equal(bpfrt_prog__run(prog, NULL, 0, &r0, &ro), -ELOOP);
	ro.insn_budget = 69;
	assert_int_equal(bpfrt_prog__run(prog, NULL, 0, &r0, &ro), 0);
	bpfrt_prog__free(prog);
	bpfrt_vm__free(vm);
}

/* Several threads run one program at once, each on its own ctx. */
struct thread_arg {
	const struct bpfrt_prog *prog;
	uint64_t seed, result;
	int err;
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;
	for (int i = 0; i < 200 && !a->err; i++) {
		uint64_t ctx[2] = { a->seed, 0 }, r0 = 0;
		a->err = bpfrt_prog__run(a->prog, ctx, sizeof(ctx), &r0, NULL);
		if (r0 != a->seed * 1000 || ctx[1] != r0)
			a->err = -1;
		a->result = r0;
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	struct bpfrt_vm *vm = bpfrt_vm__new();
	/* r0 = sum of ctx[0] 1000 times through the stack; ctx[1] = r0 */
	const struct bpfrt_insn p[] = {
		LDX(BPFRT_DW, 2, 1, 0), MOV64_IMM(0, 0), MOV64_IMM(3, 0),
		STX(BPFRT_DW, 10, 0, -8), LDX(BPFRT_DW, 0, 10, -8), ALU64_REG(BPFRT_ADD, 0, 2),
		ALU64_IMM(BPFRT_ADD, 3, 1), JMP_IMM(BPFRT_JLT, 3, 1000, -5),
		STX(BPFRT_DW, 1, 0, 8), EXIT(),
	};
	for (int mode = 0; mode < 2; mode++) {
		struct bpfrt_prog_opts lo = { .sz = sizeof(lo), .mode = mode };
		struct bpfrt_prog *prog = bpfrt_prog__load(vm, p, ARRAY_LEN(p), &lo);
		assert_non_null(prog);
		pthread_t t[4];
		struct thread_arg args[4];
		for (int i = 0; i < 4; i++) {
			args[i] = (struct thread_arg){ .prog = prog, .seed = (uint64_t)i * 7 + 1 };
			assert_int_equal(pthread_create(&t[i], NULL, thread_main, &args[i]), 0);
		}
		for (int i = 0; i < 4; i++) {
			pthread_join(t[i], NULL);
			assert_int_equal(args[i].err, 0);
			assert_int_equal(args[i].result, args[i].seed * 1000);
		}
		bpfrt_prog__free(prog);
	}
	bpfrt_vm__free(vm);
}

static void test_options_size(void **state)
{
	(void)state;
	/* An older, smaller options struct: fields past its size are defaults. */
	struct bpfrt_vm *vm = bpfrt_vm__new();
	const struct bpfrt_insn p[] = { MOV64_IMM(0, 1), EXIT() };
	struct bpfrt_prog_opts lo = { .sz = offsetof(struct bpfrt_prog_opts, mode), .mode = 77 };
	struct bpfrt_prog *prog = bpfrt_prog__load(vm, p, 2, &lo);
	assert_non_null(prog);
	assert_int_equal(bpfrt_prog__mode(prog), BPFRT_EXEC_CHECKED);
	bpfrt_prog__free(prog);
	lo.sz = sizeof(lo);
	assert_null(bpfrt_prog__load(vm, p, 2, &lo));
	assert_int_equal(errno, EINVAL);
	bpfrt_vm__free(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_alu_edges),
		cmocka_unit_test(test_memory_and_atomics),
		cmocka_unit_test(test_checked_faults),
		cmocka_unit_test(test_regions_and_readonly_ctx),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_local_calls),
		cmocka_unit_test(test_may_goto),
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_fused_sequences),
		cmocka_unit_test(test_callbacks),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_options_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
