/* SPDX-License-Identifier: MIT */
/* Fault-safe loads by exception tables and a chaining fault handler: see
 * probe_mem.h. The interpreter's loads are assembler stubs listed in a
 * table of their own on x86-64; elsewhere, and in BPFRT_PROBE_MEM_PORTABLE
 * builds, they are probe_load_portable_* (probe_mem_portable.c). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "vm/probe_mem.h"

#if defined(__x86_64__) && defined(__linux__)
#define PROBE_MEM_TABLES 1 /* exception tables and the fault handler */
#ifndef BPFRT_PROBE_MEM_PORTABLE
#define PROBE_MEM_STUBS 1 /* the interpreter's loads: listed stubs */
#endif
#endif

#ifdef PROBE_MEM_STUBS
/* The interpreter's loads: one function per kind, its load instruction at
 * NAME_at and the `ret` after it at NAME_end (the table's entries). */
#define PROBE_STUB(name, insn)                                                            \
	".globl " #name "\n.hidden " #name "\n.type " #name ",@function\n" #name ":\n"    \
	".globl " #name "_at\n.hidden " #name "_at\n" #name "_at:\n\t" insn "\n"          \
	".globl " #name "_end\n.hidden " #name "_end\n" #name "_end:\n\tret\n"            \
	".size " #name ", .-" #name "\n"
__asm__(".text\n"
	PROBE_STUB(probe_load_u8, "movzbl (%rdi), %eax")
	PROBE_STUB(probe_load_u16, "movzwl (%rdi), %eax")
	PROBE_STUB(probe_load_u32, "movl (%rdi), %eax")
	PROBE_STUB(probe_load_u64, "movq (%rdi), %rax")
	PROBE_STUB(probe_load_s8, "movsbq (%rdi), %rax")
	PROBE_STUB(probe_load_s16, "movswq (%rdi), %rax")
	PROBE_STUB(probe_load_s32, "movslq (%rdi), %rax"));

#define STUB_SYMS(X) X(u8) X(u16) X(u32) X(u64) X(s8) X(s16) X(s32)
#define DECL(n) extern const char probe_load_##n##_at[], probe_load_##n##_end[];
STUB_SYMS(DECL)
#undef DECL
#endif

#ifdef PROBE_MEM_TABLES

/* The registered tables: a list of slots, never freed (a slot is reused
 * once its table is unregistered), so the handler can walk it at any
 * moment without a lock. */
struct slot {
	_Atomic(const struct probe_table *) t;
	struct slot *next;
};
static _Atomic(struct slot *) slots;
static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction old_segv, old_bus;

/* x86-64 register number -> its index in the ucontext's gregs. */
static const int8_t greg_of[16] = {
	REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
	REG_R8,	 REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

static const struct probe_entry *lookup(uintptr_t ip, uintptr_t *start)
{
	for (struct slot *s = atomic_load(&slots); s; s = s->next) {
		const struct probe_table *t = atomic_load(&s->t);
		if (!t || ip < t->start || ip >= t->end)
			continue;
		uint32_t off = (uint32_t)(ip - t->start);
		size_t lo = 0, hi = t->cnt;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (t->entries[mid].insn < off)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < t->cnt && t->entries[lo].insn == off) {
			*start = t->start;
			return &t->entries[lo];
		}
	}
	return NULL;
}

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	uintptr_t start;
	const struct probe_entry *e = lookup((uintptr_t)uc->uc_mcontext.gregs[REG_RIP], &start);
	if (e && e->reg < 16) {
		uc->uc_mcontext.gregs[greg_of[e->reg]] = 0;
		uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(start + e->resume);
		return;
	}
	/* not ours: whoever handled it before */
	const struct sigaction *old = sig == SIGSEGV ? &old_segv : &old_bus;
	if ((old->sa_flags & SA_SIGINFO) && old->sa_sigaction) {
		old->sa_sigaction(sig, si, ucv);
		return;
	}
	if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
		old->sa_handler(sig);
		return;
	}
	/* the default action: the faulting instruction runs again and
	 * faults without us; a signal sent by kill() is sent again */
	signal(sig, SIG_DFL);
	if (si->si_code <= 0)
		raise(sig);
}

/* Our handler for sig, unless it is already: whoever installed one after
 * us (a test framework, the host program) is then chained to in turn.
 * Checked at every registration, never per load. */
static int install(int sig, struct sigaction *old)
{
	struct sigaction cur, sa;
	if (sigaction(sig, NULL, &cur))
		return -errno;
	if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_fault)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, old) ? -errno : 0;
}

static int ensure_handler(void)
{
	pthread_mutex_lock(&install_lock);
	int err = install(SIGSEGV, &old_segv);
	if (!err)
		err = install(SIGBUS, &old_bus);
	pthread_mutex_unlock(&install_lock);
	return err;
}

int probe_mem_register(const struct probe_table *t)
{
	int err = ensure_handler();
	if (err)
		return err;
	for (struct slot *s = atomic_load(&slots); s; s = s->next) {
		const struct probe_table *none = NULL;
		if (atomic_compare_exchange_strong(&s->t, &none, t))
			return 0;
	}
	struct slot *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	atomic_init(&s->t, t);
	s->next = atomic_load(&slots);
	while (!atomic_compare_exchange_weak(&slots, &s->next, s))
		;
	return 0;
}

void probe_mem_unregister(const struct probe_table *t)
{
	for (struct slot *s = atomic_load(&slots); s && t; s = s->next) {
		const struct probe_table *mine = t;
		if (atomic_compare_exchange_strong(&s->t, &mine, NULL))
			return;
	}
}

#endif /* PROBE_MEM_TABLES */

#ifdef PROBE_MEM_STUBS
static struct probe_entry stub_entries[7];
static struct probe_table stub_table;
static pthread_once_t stub_once = PTHREAD_ONCE_INIT;
static int stub_err;

static void stub_init(void)
{
	static const char *const at[] = {
#define AT(n) probe_load_##n##_at,
		STUB_SYMS(AT)
#undef AT
	};
	static const char *const end[] = {
#define END(n) probe_load_##n##_end,
		STUB_SYMS(END)
#undef END
	};
	stub_table.start = (uintptr_t)at[0];
	stub_table.end = (uintptr_t)end[6] + 1;
	for (int i = 0; i < 7; i++)
		stub_entries[i] = (struct probe_entry){
			.insn = (uint32_t)((uintptr_t)at[i] - stub_table.start),
			.resume = (uint32_t)((uintptr_t)end[i] - stub_table.start),
			.reg = 0, /* rax */
		};
	stub_table.entries = stub_entries;
	stub_table.cnt = 7;
	stub_err = probe_mem_register(&stub_table);
}

int probe_mem_init(void)
{
	pthread_once(&stub_once, stub_init);
	return stub_err ? stub_err : ensure_handler();
}

#else /* the interpreter's loads read through safe_read() */

#define PORTABLE(n)                                           \
	uint64_t probe_load_##n(uint64_t addr)                \
	{                                                     \
		return probe_load_portable_##n(addr);         \
	}
PORTABLE(u8)
PORTABLE(u16)
PORTABLE(u32)
PORTABLE(u64)
PORTABLE(s8)
PORTABLE(s16)
PORTABLE(s32)
#undef PORTABLE

int probe_mem_init(void)
{
	return 0;
}
#endif /* PROBE_MEM_STUBS */

#ifndef PROBE_MEM_TABLES /* no exception tables (and no JIT) */
int probe_mem_register(const struct probe_table *t)
{
	(void)t;
	return 0;
}

void probe_mem_unregister(const struct probe_table *t)
{
	(void)t;
}
#endif
