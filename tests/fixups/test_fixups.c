/* SPDX-License-Identifier: MIT */
/* The fixups stage: map pointers and values into lddw, helper and kfunc
 * resolution, call targets, and the messages naming the instruction. */
#include <errno.h>
#include <linux/bpf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixups/fixups.h"
#include "helpers/kfuncs.h"

#define LDDW(dst, src, imm_lo, imm_hi)                                                             \
	{ .code = BPFRT_LD | BPFRT_IMM | BPFRT_DW, .dst_reg = dst, .src_reg = src, .imm = imm_lo }, \
	{ .imm = imm_hi }
#define CALL(src, id) { .code = BPFRT_JMP | BPFRT_CALL, .src_reg = src, .imm = id }
#define EXIT { .code = BPFRT_JMP | BPFRT_EXIT }

static uint64_t imm64(const struct bpfrt_insn *insn)
{
	return (uint32_t)insn[0].imm | ((uint64_t)(uint32_t)insn[1].imm << 32);
}

static int dummy_map_a, dummy_map_b;
static uint8_t value_b[64];
static const struct fixup_map maps[] = {
	{ .map = &dummy_map_a, .name = "hash" },
	{ .map = &dummy_map_b, .value = value_b, .value_size = sizeof(value_b), .name = ".data" },
};
static const struct fixup_env env = { .maps = maps, .map_cnt = 2 };

static void maps_and_values_become_pointers(void **state)
{
	(void)state;
	struct bpfrt_insn p[] = {
		LDDW(1, BPFRT_PSEUDO_MAP_FD, 0, 0),	    LDDW(2, BPFRT_PSEUDO_MAP_IDX, 1, 0),
		LDDW(3, BPFRT_PSEUDO_MAP_VALUE, 1, 16), LDDW(4, BPFRT_PSEUDO_MAP_IDX_VALUE, 1, 63),
		LDDW(5, 0, 7, 9),			    EXIT,
	};
	char log[128] = "";

	assert_int_equal(fixups_apply(p, 11, &env, log, sizeof(log)), 0);
	assert_int_equal(p[0].src_reg, 0);
	assert_int_equal(imm64(&p[0]), (uintptr_t)&dummy_map_a);
	assert_int_equal(imm64(&p[2]), (uintptr_t)&dummy_map_b);
	assert_int_equal(imm64(&p[4]), (uintptr_t)&value_b[16]);
	assert_int_equal(imm64(&p[6]), (uintptr_t)&value_b[63]);
	assert_int_equal(p[6].src_reg, 0);
	assert_int_equal(imm64(&p[8]), 7 | (9ull << 32));
}

static void bad_map_references_are_refused_untouched(void **state)
{
	(void)state;
	struct bpfrt_insn p[] = { LDDW(1, BPFRT_PSEUDO_MAP_IDX, 1, 0), LDDW(1, BPFRT_PSEUDO_MAP_IDX, 2, 0), EXIT };
	struct bpfrt_insn copy[5];
	char log[128] = "";

	memcpy(copy, p, sizeof(p));
	assert_int_equal(fixups_apply(p, 5, &env, log, sizeof(log)), -EINVAL);
	assert_string_equal(log, "insn 2: map 2 does not exist (2 maps)");
	assert_memory_equal(p, copy, sizeof(p));

	struct bpfrt_insn v[] = { LDDW(1, BPFRT_PSEUDO_MAP_VALUE, 1, 64), EXIT };
	assert_int_equal(fixups_apply(v, 3, &env, log, sizeof(log)), -EINVAL);
	assert_string_equal(log, "insn 0: offset 64 outside the 64-byte value of map .data");

	struct bpfrt_insn h[] = { LDDW(1, BPFRT_PSEUDO_MAP_VALUE, 0, 0), EXIT };
	assert_int_equal(fixups_apply(h, 3, &env, log, sizeof(log)), -EINVAL);
	assert_string_equal(log, "insn 0: map hash has no direct value access");

	struct bpfrt_insn t[] = { { .code = BPFRT_LD | BPFRT_IMM | BPFRT_DW, .src_reg = 1 } };
	assert_int_equal(fixups_apply(t, 1, &env, log, sizeof(log)), -EINVAL);
	assert_string_equal(log, "insn 0: lddw without its second slot");
}

static void helper_ids_are_checked(void **state)
{
	(void)state;
	char log[128] = "";
	struct bpfrt_insn ok[] = { CALL(0, BPF_FUNC_ktime_get_ns), EXIT };
	struct bpfrt_insn unknown[] = { EXIT, CALL(0, 999), EXIT };

	assert_int_equal(fixups_apply(ok, 2, NULL, log, sizeof(log)), 0);
	assert_int_equal(fixups_apply(unknown, 3, NULL, log, sizeof(log)), -EINVAL);
	assert_string_equal(log, "insn 1: unknown helper id 999");
}

static void kfuncs_resolve_by_name(void **state)
{
	(void)state;
	char log[128] = "";
	struct bpfrt_insn p[] = { CALL(BPFRT_PSEUDO_KFUNC_CALL, 0), CALL(BPFRT_PSEUDO_KFUNC_CALL, 77), EXIT };
	const struct fixup_kfunc_site sites[] = { { 0, "bpf_dynptr_size" }, { 1, "bpf_throw" } };
	struct fixup_env e = { .kfunc_sites = sites, .kfunc_site_cnt = 2 };

	assert_int_equal(fixups_apply(p, 3, &e, log, sizeof(log)), 0);
	assert_int_equal(p[0].src_reg, 0);
	assert_int_equal(p[0].imm, BPFRT_KFUNC_ID_BASE + kfunc_find_by_name("bpf_dynptr_size"));
	assert_int_equal(p[1].imm, BPFRT_KFUNC_ID_BASE + kfunc_find_by_name("bpf_throw"));

	struct bpfrt_insn q[] = { CALL(BPFRT_PSEUDO_KFUNC_CALL, 0), EXIT };
	const struct fixup_kfunc_site bad[] = { { 0, "bpf_no_such_kfunc" } };
	e.kfunc_sites = bad;
	e.kfunc_site_cnt = 1;
	assert_int_equal(fixups_apply(q, 2, &e, log, sizeof(log)), -ENOENT);
	assert_string_equal(log, "insn 0: unknown kfunc bpf_no_such_kfunc");

	/* Pre-resolved by the loader: imm is the table index. */
	struct bpfrt_insn r[] = { CALL(BPFRT_PSEUDO_KFUNC_CALL, 1), EXIT };
	assert_int_equal(fixups_apply(r, 2, NULL, log, sizeof(log)), 0);
	assert_int_equal(r[0].imm, BPFRT_KFUNC_ID_BASE + 1);
}

static void call_targets_stay_inside(void **state)
{
	(void)state;
	char log[128] = "";
	struct bpfrt_insn ok[] = { CALL(BPFRT_PSEUDO_CALL, 1), EXIT, EXIT };
	struct bpfrt_insn out[] = { CALL(BPFRT_PSEUDO_CALL, 5), EXIT };
	struct bpfrt_insn cb[] = { LDDW(2, BPFRT_PSEUDO_FUNC, -3, 0), EXIT };
	struct bpfrt_insn cbok[] = { EXIT, LDDW(2, BPFRT_PSEUDO_FUNC, -2, 0), EXIT };

	assert_int_equal(fixups_apply(ok, 3, NULL, log, sizeof(log)), 0);
	assert_int_equal(ok[0].imm, 1);
	assert_int_equal(fixups_apply(out, 2, NULL, log, sizeof(log)), -EINVAL);
	assert_string_equal(log, "insn 0: call target 6 outside the program");
	assert_int_equal(fixups_apply(cb, 3, NULL, log, sizeof(log)), -EINVAL);
	assert_string_equal(log, "insn 0: callback target -2 outside the program");
	assert_int_equal(fixups_apply(cbok, 4, NULL, log, sizeof(log)), 0);
	assert_int_equal(cbok[1].src_reg, 0);
	assert_int_equal(imm64(&cbok[1]), 0);
}

/* A stand-in map lookup: r0 = r2; r0 += 8; r1 = 0 (three instructions). */
static int fake_gen_lookup(const void *map, struct bpfrt_insn *insns, size_t cap)
{
	const struct bpfrt_insn code[] = {
		{ .code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_X, .dst_reg = 0, .src_reg = 2 },
		{ .code = BPFRT_ALU64 | BPFRT_ADD | BPFRT_K, .dst_reg = 0, .imm = 8 },
		{ .code = BPFRT_ALU64 | BPFRT_MOV | BPFRT_K, .dst_reg = 1, .imm = 0 },
	};

	if (map != &dummy_map_a)
		return 0; /* only map 0 has an inline form */
	assert_true(cap >= 3);
	memcpy(insns, code, sizeof(code));
	return 3;
}

#define JEQ_IMM(dst, imm_, off_)                                                                   \
	{ .code = BPFRT_JMP | BPFRT_JEQ | BPFRT_K, .dst_reg = dst, .imm = imm_, .off = off_ }

static void lookups_of_known_maps_are_inlined(void **state)
{
	(void)state;
	struct bpfrt_insn p[] = {
		JEQ_IMM(3, 0, 4),		   /* 0: over the site, to 5 */
		LDDW(1, BPFRT_PSEUDO_MAP_IDX, 0, 0), /* 1-2 */
		CALL(0, 1),			   /* 3: inlined */
		JEQ_IMM(0, 0, -5),		   /* 4: back to 0 */
		LDDW(1, BPFRT_PSEUDO_MAP_IDX, 1, 0), /* 5-6: map 1: no inline form */
		CALL(0, 1),			   /* 7 */
		EXIT,				   /* 8 */
	};
	struct fixup_env e = { .maps = maps, .map_cnt = 2, .gen_lookup = fake_gen_lookup };
	struct bpfrt_insn *insns = malloc(sizeof(p));
	size_t cnt = 9;

	memcpy(insns, p, sizeof(p));
	assert_int_equal(fixups_inline(&insns, &cnt, &e), 0);
	assert_int_equal(cnt, 11);
	assert_int_equal(insns[0].off, 6); /* to the old 5, now 7 */
	assert_int_equal(insns[3].code, BPFRT_ALU64 | BPFRT_MOV | BPFRT_X);
	assert_int_equal(insns[5].code, BPFRT_ALU64 | BPFRT_MOV | BPFRT_K);
	assert_int_equal(insns[6].off, -7); /* back to 0 */
	assert_int_equal(insns[9].code, BPFRT_JMP | BPFRT_CALL);
	free(insns);
}

static void lookups_after_a_jump_target_stay_calls(void **state)
{
	(void)state;
	struct bpfrt_insn p[] = {
		LDDW(1, BPFRT_PSEUDO_MAP_IDX, 0, 0), /* 0-1 */
		JEQ_IMM(3, 0, 0),		   /* 2: lands on 3 */
		CALL(0, 1),			   /* 3: a jump target: r1 unknown */
		LDDW(1, BPFRT_PSEUDO_MAP_IDX, 0, 0), /* 4-5 */
		{ .code = BPFRT_ALU64 | BPFRT_ADD | BPFRT_K, .dst_reg = 1, .imm = 0 }, /* 6 */
		CALL(0, 1),			   /* 7: r1 was written */
		EXIT,
	};
	struct fixup_env e = { .maps = maps, .map_cnt = 2, .gen_lookup = fake_gen_lookup };
	struct bpfrt_insn *insns = malloc(sizeof(p));
	size_t cnt = 9;

	memcpy(insns, p, sizeof(p));
	assert_int_equal(fixups_inline(&insns, &cnt, &e), 0);
	assert_int_equal(cnt, 9);
	assert_memory_equal(insns, p, sizeof(p));
	free(insns);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(maps_and_values_become_pointers),
		cmocka_unit_test(bad_map_references_are_refused_untouched),
		cmocka_unit_test(helper_ids_are_checked),
		cmocka_unit_test(kfuncs_resolve_by_name),
		cmocka_unit_test(call_targets_stay_inside),
		cmocka_unit_test(lookups_of_known_maps_are_inlined),
		cmocka_unit_test(lookups_after_a_jump_target_stay_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
