/* SPDX-License-Identifier: MIT */
/*
 * Fault-safe loads (vm/probe_mem.h), end to end: an fentry-like program
 * verified with the traced function's BTF (support/btf_target.h) reads
 * args[0]->next->val and args[0]->in.b of a real struct bt_node of this
 * process, in the interpreter and the JIT; with NULL, a pointer into a
 * page without access, a kernel address, a non-canonical address and a NULL `next` the loads read
 * 0 instead of faulting. Also the load functions on their own, and that a
 * fault which is not a fault-safe load still reaches the handler installed
 * before (here the test's; cmocka's and, in the sanitizer build, ASan's
 * are chained to the same way).
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "bpfrt/asm.h"
#include "bpfrt/verifier.h"
#include "bpfrt/vm.h"
#include "support/btf_target.h"
#include "verifier/facts.h"
#include "vm/probe_mem.h"
#include "vm/prog.h"

static uint64_t unmapped; /* an address in a page without access */

static void test_load_functions(void **state)
{
	(void)state;
	assert_int_equal(probe_mem_init(), 0);
	static const uint64_t v = 0x8877665544332211ull;
	static const int64_t neg = -2;
	uint64_t a = (uint64_t)(uintptr_t)&v;
	assert_int_equal(probe_load_u64(a), v);
	assert_int_equal(probe_load_u32(a), 0x44332211u);
	assert_int_equal(probe_load_u16(a), 0x2211u);
	assert_int_equal(probe_load_u8(a + 7), 0x88u);
	assert_int_equal(probe_load_s8((uint64_t)(uintptr_t)&neg), UINT64_MAX - 1);
	assert_int_equal(probe_load_s16((uint64_t)(uintptr_t)&neg), UINT64_MAX - 1);
	assert_int_equal(probe_load_s32((uint64_t)(uintptr_t)&neg), UINT64_MAX - 1);
	assert_int_equal(probe_load_s8(a + 7), (uint64_t)(int64_t)(int8_t)0x88);
	uint64_t bad[] = { 0, 8, unmapped, 0x8000000000000000ull, UINT64_MAX - 3,
			   0xffffffff81000000ull /* a kernel address */ };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(probe_load_u64(bad[i]), 0);
		assert_int_equal(probe_load_u32(bad[i]), 0);
		assert_int_equal(probe_load_u16(bad[i]), 0);
		assert_int_equal(probe_load_u8(bad[i]), 0);
		assert_int_equal(probe_load_s32(bad[i]), 0);
		assert_int_equal(probe_load_s16(bad[i]), 0);
		assert_int_equal(probe_load_s8(bad[i]), 0);
	}
}

static sigjmp_buf jb;
static volatile sig_atomic_t caught;

static void test_handler(int sig, siginfo_t *si, void *uc)
{
	(void)si, (void)uc;
	caught = sig;
	siglongjmp(jb, 1);
}

/* A handler installed after probe_mem's (as cmocka's, around each test)
 * takes its place until the next registration, which puts probe_mem's
 * back on top, chaining to it. */
static void test_other_faults_chain(void **state)
{
	(void)state;
	struct sigaction sa, saved;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = test_handler;
	sa.sa_flags = SA_SIGINFO;
	assert_int_equal(sigaction(SIGSEGV, &sa, &saved), 0);
	assert_int_equal(probe_mem_init(), 0);
	caught = 0;
	if (!sigsetjmp(jb, 1)) {
		volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)unmapped;
		(void)*p;
		fail_msg("a load of an unmapped page did not fault");
	}
	assert_int_equal(caught, SIGSEGV);
	/* and fault-safe loads still work after */
	assert_int_equal(probe_load_u64(unmapped), 0);
	sigaction(SIGSEGV, &saved, NULL);
}

/* r0 = n->next->val + n->in.b + n->arr[3] (a byte of it, sign-extended) */
static const char *prog_text = "ldxdw %r2, [%r1+0]\n"
			       "ldxdw %r3, [%r2+8]\n"
			       "ldxdw %r0, [%r3+0]\n"
			       "ldxw %r4, [%r2+20]\n"
			       "add %r0, %r4\n"
			       "ldxsb %r4, [%r2+36]\n"
			       "add %r0, %r4\n"
			       "exit\n";

struct engine_progs {
	struct bpfrt_vm *vm;
	struct bpfrt_prog *p[2];
	size_t n;
};

/* The verified program and its backend facts (as the runtime makes them). */
static struct bpfrt_insn *v_insns;
static size_t v_cnt;
static uint8_t *v_facts;

static void verify_prog(void)
{
	if (v_insns)
		return;
	char log[4096] = "";
	struct bpfrt_asm_opts ao = { .sz = sizeof(ao), .log_buf = log, .log_size = sizeof(log) };
	struct bpfrt_insn *insns = NULL;
	size_t cnt = 0;
	if (bpfrt_asm(prog_text, &ao, &insns, &cnt))
		fail_msg("asm: %s", log);
	struct btf *btf = bt_btf_new();
	assert_non_null(btf);
	/* fmod_ret: its r0 is the result (fentry programs must return 0) */
	struct bpfrt_verify_opts vo = { .sz = sizeof(vo), .attach = BPFRT_ATTACH_FMOD_RET,
					.target_btf = btf, .target_func = "bt_target",
					.log_level = 1, .log_buf = log, .log_size = sizeof(log) };
	struct verifier_facts *f = NULL;
	if (verifier_run(insns, cnt, &vo, &f))
		fail_msg("rejected: %s", log);
	/* as the runtime makes them (runtime.c backend_facts) */
	uint8_t *vf = calloc(cnt, 1);
	assert_non_null(vf);
	size_t nprobe = 0;
	for (size_t i = 0; i < cnt; i++)
		if (f->insn[i].mem_kind == FACT_MEM_BTF) {
			vf[i] = VM_FACT_PROBE_MEM;
			nprobe++;
		}
	assert_int_equal(nprobe, 4);
	verifier_facts_free(f);
	btf__free(btf);
	v_insns = insns;
	v_cnt = cnt;
	v_facts = vf;
}

static struct bpfrt_prog *load_one(struct bpfrt_vm *vm, enum bpfrt_backend be, char *log,
				   size_t log_size)
{
	struct bpfrt_prog_opts o = { .sz = sizeof(o), .backend = be, .mode = BPFRT_EXEC_TRUSTED,
				     .log_buf = log, .log_size = log_size };
	struct vm_load_extra extra = { .facts = v_facts };
	return vm_prog_load(vm, v_insns, v_cnt, &o, &extra);
}

static void load_progs(struct engine_progs *e)
{
	char log[4096] = "";
	verify_prog();
	e->vm = bpfrt_vm__new();
	assert_non_null(e->vm);
	e->n = 0;
	for (int be = BPFRT_BACKEND_INTERP; be <= BPFRT_BACKEND_JIT; be++) {
		if (!bpfrt_vm__has_backend(e->vm, be))
			continue;
		e->p[e->n] = load_one(e->vm, (enum bpfrt_backend)be, log, sizeof(log));
		if (!e->p[e->n])
			fail_msg("load: %s", log);
		e->n++;
	}
}

static uint64_t run(const struct bpfrt_prog *p, uint64_t arg0)
{
	uint64_t args[3] = { arg0, 5, 0 }, r0 = 12345;
	assert_int_equal(bpfrt_prog__run(p, args, sizeof(args), &r0, NULL), 0);
	return r0;
}

static void test_fentry_reads(void **state)
{
	(void)state;
	struct engine_progs e;
	load_progs(&e);
#if defined(__x86_64__)
	assert_int_equal(e.n, 2); /* the interpreter and the JIT */
#endif
	assert_true(e.n >= 1);
	struct bt_node next = { .val = 1000 };
	struct bt_node n = { .val = 1, .next = &next, .in = { 2, 30 }, .arr = { 0, 0, 0, -4 } };
	for (size_t k = 0; k < e.n; k++) {
		const char *be = bpfrt_prog__backend_name(e.p[k]);
		assert_int_equal(run(e.p[k], (uintptr_t)&n), 1000 + 30 - 4);
		n.next = NULL; /* n->next->val reads 0 */
		uint64_t r = run(e.p[k], (uintptr_t)&n);
		if (r != 30 - 4)
			fail_msg("%s: NULL next gave %#llx", be, (unsigned long long)r);
		n.next = (struct bt_node *)(uintptr_t)unmapped;
		assert_int_equal(run(e.p[k], (uintptr_t)&n), 30 - 4);
		n.next = &next;
		/* bad arguments: every load reads 0 */
		uint64_t bad[] = { 0, unmapped, 0x8000000000000000ull, 1, 0xffffffff81000000ull };
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			uint64_t r0 = run(e.p[k], bad[i]);
			if (r0)
				fail_msg("%s: argument %#llx gave %llu", be, (unsigned long long)bad[i],
					 (unsigned long long)r0);
		}
		/* and good reads again after faults */
		assert_int_equal(run(e.p[k], (uintptr_t)&n), 1000 + 30 - 4);
	}
	for (size_t k = 0; k < e.n; k++)
		bpfrt_prog__free(e.p[k]);
	bpfrt_vm__free(e.vm);
}

/* Threads compiling, running (faulting) and freeing JIT-ed programs at
 * once: the table list is changed while other threads' faults walk it. */
enum { THREADS = 4, ROUNDS = 40 };

static void *churn(void *arg)
{
	struct bpfrt_vm *vm = arg;
	struct bt_node next = { .val = 1000 };
	struct bt_node n = { .val = 1, .next = &next, .in = { 2, 30 }, .arr = { 0, 0, 0, -4 } };
	uintptr_t bad = 0;
	char log[256];
	for (int r = 0; r < ROUNDS; r++) {
		enum bpfrt_backend be = r % 2 && bpfrt_vm__has_backend(vm, BPFRT_BACKEND_JIT)
						? BPFRT_BACKEND_JIT
						: BPFRT_BACKEND_INTERP;
		struct bpfrt_prog *p = load_one(vm, be, log, sizeof(log));
		uint64_t good[3] = { (uintptr_t)&n, 0, 0 }, badargs[3] = { unmapped, 0, 0 }, r0;
		if (!p || bpfrt_prog__run(p, good, sizeof(good), &r0, NULL) || r0 != 1026 ||
		    bpfrt_prog__run(p, badargs, sizeof(badargs), &r0, NULL) || r0)
			bad++;
		bpfrt_prog__free(p);
	}
	return (void *)bad;
}

static void test_threads(void **state)
{
	(void)state;
	verify_prog();
	struct bpfrt_vm *vm = bpfrt_vm__new();
	pthread_t t[THREADS];
	assert_non_null(vm);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, churn, vm), 0);
	uintptr_t bad = 0;
	for (int i = 0; i < THREADS; i++) {
		void *ret;
		pthread_join(t[i], &ret);
		bad += (uintptr_t)ret;
	}
	assert_int_equal(bad, 0);
	bpfrt_vm__free(vm);
}

static int setup(void **state)
{
	(void)state;
	long page = sysconf(_SC_PAGESIZE);
	/* kept reserved without access: an unmapped page could be reused
	 * (by the JIT's code) before the test reads it */
	void *m = mmap(NULL, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return -1;
	unmapped = (uint64_t)(uintptr_t)m + 16;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(v_insns);
	free(v_facts);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_functions),
		cmocka_unit_test(test_other_faults_chain),
		cmocka_unit_test(test_fentry_reads),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
