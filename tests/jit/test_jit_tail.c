/* SPDX-License-Identifier: MIT */
/*
 * bpf_tail_call through the JIT and the interpreter (vm_run_tail's rules):
 * the count limit (33 tail calls succeed, the 34th falls through), an
 * empty slot and an index out of range fall through, a tail call from a
 * subprogram replaces only that function (its caller gets the target's
 * r0), targets run by the other engine, and the frame is reused: every
 * link of a 33-long chain sees the same native stack pointer, and a chain
 * runs on a thread with a small stack. Each case runs with every pair of
 * engines for caller and target and must give the same result.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "support/asm_load.h"
#include "bpfrt/asm.h"
#include "bpfrt/map.h"
#include "bpfrt/vm.h"

#define HELPER_SP 200 /* records where its caller's native stack is */

static struct bpfrt_vm *vm;
static struct bpfrt_map *jmp;
static uintptr_t sps[64];
static size_t nsp;

static uint64_t helper_sp(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			  struct bpfrt_run_ctx *rc)
{
	(void)r1, (void)r2, (void)r3, (void)r4, (void)r5, (void)rc;
	if (nsp < 64)
		sps[nsp++] = (uintptr_t)__builtin_frame_address(0);
	return 0;
}

/* `text` with %MAP% replaced by the prog array's address. */
static struct bpfrt_prog *load(const char *text, enum bpfrt_backend be)
{
	char src[4096], addr[32];
	snprintf(addr, sizeof(addr), "%llu", (unsigned long long)(uintptr_t)jmp);
	const char *m = strstr(text, "%MAP%");
	if (m)
		snprintf(src, sizeof(src), "%.*s%s%s", (int)(m - text), text, addr, m + 5);
	else
		snprintf(src, sizeof(src), "%s", text);
	return asm_load(vm, src, be);
}

static int setup(void **state)
{
	(void)state;
	vm = bpfrt_vm__new();
	assert_non_null(vm);
	assert_int_equal(bpfrt_vm__register_kernel_helpers(vm), 0);
	assert_int_equal(bpfrt_vm__register_helper(vm, HELPER_SP, "sp", helper_sp), 0);
	jmp = bpfrt_map__create(BPFRT_MAP_TYPE_PROG_ARRAY, "jmp", 4, 4, 4, NULL);
	assert_non_null(jmp);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	bpfrt_map__free(jmp);
	bpfrt_vm__free(vm);
	return 0;
}

static void clear_slots(void)
{
	for (uint32_t i = 0; i < 4; i++)
		bpfrt_map__set_prog(jmp, i, NULL, 0);
}

static uint64_t run(struct bpfrt_prog *p, uint64_t *ctx)
{
	uint64_t r0 = 0;
	char log[256] = "";
	struct bpfrt_run_opts o = {.sz = sizeof(o), .log_buf = log, .log_size = sizeof(log)};
	int err = bpfrt_prog__run(p, ctx, 8, &r0, &o);
	if (err)
		fail_msg("run: %d %s", err, log);
	return r0;
}

static const enum bpfrt_backend engines[] = {BPFRT_BACKEND_INTERP, BPFRT_BACKEND_JIT};

/* Counts its runs in *ctx and tail-calls slot 0 (itself); r0 = 7 once a
 * tail call falls through, with r6 kept across the failing call. */
static const char *self_chain =
	"ldxdw %r2, [%r1]\nadd %r2, 1\nstxdw [%r1], %r2\n"
	"mov %r6, %r1\n"
	"call 200\n"
	"mov %r1, %r6\nlddw %r2, %MAP%\nmov %r3, 0\ncall 12\n"
	"ldxdw %r0, [%r6]\nadd %r0, 1000\nexit\n";

static void count_limit(void **state)
{
	(void)state;
	for (size_t e = 0; e < 2; e++) {
		struct bpfrt_prog *p = load(self_chain, engines[e]);
		bpfrt_map__set_prog(jmp, 0, p, 1);
		uint64_t n = 0;
		nsp = 0;
		/* the first run and 33 tail calls; the 34th falls through */
		assert_int_equal(run(p, &n), 1034);
		assert_int_equal(n, 34);
		/* the frame is reused: every link's helper call sees one rsp */
		assert_int_equal(nsp, 34);
		for (size_t i = 1; i < nsp; i++)
			assert_int_equal(sps[i], sps[0]);
		/* the count is per run */
		n = 0;
		assert_int_equal(run(p, &n), 1034);
		clear_slots();
		bpfrt_prog__free(p);
	}
}

/* Tail-calls slot *ctx; the fall-through r0 is the helper's -ENOENT + 1. */
static const char *by_index =
	"ldxdw %r3, [%r1]\nlddw %r2, %MAP%\ncall 12\nadd %r0, 1\nexit\n";
static const char *forty_two = "mov %r0, 42\nexit\n";

static void fall_through(void **state)
{
	(void)state;
	for (size_t e = 0; e < 2; e++)
		for (size_t t = 0; t < 2; t++) {
			struct bpfrt_prog *p = load(by_index, engines[e]);
			struct bpfrt_prog *q = load(forty_two, engines[t]);
			bpfrt_map__set_prog(jmp, 1, q, 2);
			uint64_t idx = 1;
			assert_int_equal(run(p, &idx), 42);
			idx = 0; /* empty slot */
			assert_int_equal(run(p, &idx), (uint64_t)-ENOENT + 1);
			idx = 4; /* max_entries is 4 */
			assert_int_equal(run(p, &idx), (uint64_t)-ENOENT + 1);
			idx = 1ull << 32 | 1; /* the index is a u32 */
			assert_int_equal(run(p, &idx), 42);
			clear_slots();
			bpfrt_prog__free(p);
			bpfrt_prog__free(q);
		}
}

/* main: r6 = 100; r0 = f(ctx) + r6. f tail-calls slot 1, which returns
 * 42 to main (kernel rule: the tail call replaces f only). r6-r9 of main
 * survive; main's stack slot too. */
static const char *from_subprog =
	"mov %r6, 100\nmov %r7, 7\nstdw [%r10-8], 5\n"
	"call local f\n"
	"ldxdw %r1, [%r10-8]\nadd %r0, %r1\nadd %r0, %r6\nadd %r0, %r7\nexit\n"
	"f:\nmov %r6, 1\nmov %r7, 2\nstdw [%r10-8], 9\n"
	"lddw %r2, %MAP%\nmov %r3, 1\ncall 12\nmov %r0, 0\nexit\n";

/* A target that calls a subprogram and uses its stack and r6. */
static const char *target_with_call =
	"mov %r6, 30\nstdw [%r10-16], 2\ncall local g\nldxdw %r1, [%r10-16]\n"
	"add %r0, %r1\nadd %r0, %r6\nexit\n"
	"g:\nmov %r6, 1\nmov %r0, 10\nexit\n";

static void subprogram(void **state)
{
	(void)state;
	for (size_t e = 0; e < 2; e++)
		for (size_t t = 0; t < 2; t++) {
			struct bpfrt_prog *p = load(from_subprog, engines[e]);
			struct bpfrt_prog *q = load(target_with_call, engines[t]);
			bpfrt_map__set_prog(jmp, 1, q, 2);
			uint64_t ctx = 0;
			/* 42 from the target, + 5 + 100 + 7 in main */
			assert_int_equal(run(p, &ctx), 42 + 5 + 100 + 7);
			/* twice: nothing of the first run's switch stays */
			assert_int_equal(run(p, &ctx), 42 + 5 + 100 + 7);
			clear_slots();
			bpfrt_prog__free(p);
			bpfrt_prog__free(q);
		}
}

/* A chain across engines: slot k+1 from slot k, alternating engines; each
 * link adds its number to *ctx. */
static void mixed_chain(void **state)
{
	(void)state;
	static const char *link =
		"ldxdw %r2, [%r1]\nadd %r2, 1\nstxdw [%r1], %r2\nmov %r3, %r2\n"
		"lddw %r2, %MAP%\ncall 12\nmov %r0, 77\nexit\n";
	struct bpfrt_prog *p[4];
	for (int k = 0; k < 4; k++) {
		p[k] = load(link, engines[k & 1]);
		bpfrt_map__set_prog(jmp, (uint32_t)k, p[k], (uint32_t)k + 1);
	}
	for (int k = 0; k < 4; k++) {
		uint64_t ctx = (uint64_t)k;
		/* slot k runs k+1, ... 3; the tail call from 3 to 4 falls through */
		assert_int_equal(run(p[k], &ctx), 77);
		assert_int_equal(ctx, 4);
	}
	clear_slots();
	for (int k = 0; k < 4; k++)
		bpfrt_prog__free(p[k]);
}

/* The chain of 33 on a thread whose stack is far smaller than 34 nested
 * runs would need. */
static void *chain_thread(void *arg)
{
	struct bpfrt_prog *p = arg;
	uint64_t n = 0, r0 = 0;
	int err = bpfrt_prog__run(p, &n, 8, &r0, NULL);
	return (void *)(uintptr_t)(err ? 0 : r0);
}

static void small_stack(void **state)
{
	(void)state;
	for (size_t e = 0; e < 2; e++) {
		struct bpfrt_prog *p = load(self_chain, engines[e]);
		bpfrt_map__set_prog(jmp, 0, p, 1);
		pthread_attr_t attr;
		pthread_t th;
		void *ret;
		pthread_attr_init(&attr);
		/* the interpreter's own frame holds 8 stacks of 512 bytes:
		 * 34 nested runs would need well over this */
#if defined(__SANITIZE_ADDRESS__)
		pthread_attr_setstacksize(&attr, 1024 * 1024);
#else
		pthread_attr_setstacksize(&attr, 96 * 1024);
#endif
		assert_int_equal(pthread_create(&th, &attr, chain_thread, p), 0);
		assert_int_equal(pthread_join(th, &ret), 0);
		pthread_attr_destroy(&attr);
		assert_int_equal((uintptr_t)ret, 1034);
		clear_slots();
		bpfrt_prog__free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(count_limit), cmocka_unit_test(fall_through),
		cmocka_unit_test(subprogram),  cmocka_unit_test(mixed_chain),
		cmocka_unit_test(small_stack),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
