/* SPDX-License-Identifier: MIT */
/*
 * Fault-safe loads for both engines (the kernel's BPF_PROBE_MEM): loads the
 * verifier recorded as reading through a BTF pointer (FACT_MEM_BTF ->
 * VM_FACT_PROBE_MEM) may meet NULL, an unmapped page or any bad address;
 * such a load gives 0 and the program goes on.
 *
 * As in the kernel, by an exception table: each fault-safe load instruction
 * is listed with where to resume after it and which register it loads. A
 * process-wide SIGSEGV/SIGBUS handler, installed on first use, looks the
 * faulting instruction pointer up in the registered tables; when it is
 * listed, it zeroes the register in the signal's ucontext and resumes after
 * the load. Any other fault goes to the handler that was installed before
 * (a sanitizer's, the program's), or to the default action. A handler
 * installed after ours replaces it until the next registration (the next
 * program loaded with fault-safe loads), which installs ours again on top
 * of it and chains to it. The JIT
 * registers one table per compiled program (its loads' code offsets); the
 * interpreter calls small load functions whose loads are in a table of
 * their own. No system call per load: a fault costs a signal, a good load
 * nothing.
 *
 * The handler and the list of tables are the library's only process-wide
 * state besides the tracing recursion guard (STYLE.md 6): a signal handler
 * is process-wide by nature. A registered table must stay unchanged until
 * unregistered; unregistering while code of that table runs is the
 * caller's bug (as unmapping the code would be).
 */
#ifndef BPFRT_VM_PROBE_MEM_H
#define BPFRT_VM_PROBE_MEM_H

#include <stddef.h>
#include <stdint.h>

/* Addresses below this (vm.mmap_min_addr's default on x86-64: nothing is
 * mapped there without privilege) read 0 without a load: NULL and the
 * fields of a NULL struct pointer, the common bad address, then cost no
 * fault (which costs microseconds). Both engines test it first. */
#define PROBE_MEM_MIN_ADDR 0x10000

/* One fault-safe load: offsets from probe_table.start. */
struct probe_entry {
	uint32_t insn;	 /* the load instruction */
	uint32_t resume; /* the instruction after it */
	uint8_t reg;	 /* x86-64 register number (0 rax .. 15 r15) it loads */
};

struct probe_table {
	uintptr_t start, end; /* code range */
	const struct probe_entry *entries; /* sorted by insn */
	size_t cnt;
};

/* Installs the fault handler (unless it is the current one) and lists
 * `t`. 0, -ENOMEM, or the errno of a failed sigaction(). */
int probe_mem_register(const struct probe_table *t);
void probe_mem_unregister(const struct probe_table *t);

/* Loads of 1, 2, 4, 8 bytes at addr, zero- or sign-extended to 64 bits;
 * 0 when addr cannot be read (the interpreter's fault-safe loads). Call
 * probe_mem_init() before (it registers their table once and installs
 * the handler as probe_mem_register() does). */
int probe_mem_init(void);
uint64_t probe_load_u8(uint64_t addr);
uint64_t probe_load_u16(uint64_t addr);
uint64_t probe_load_u32(uint64_t addr);
uint64_t probe_load_u64(uint64_t addr);
uint64_t probe_load_s8(uint64_t addr);
uint64_t probe_load_s16(uint64_t addr);
uint64_t probe_load_s32(uint64_t addr);

/* The same loads through safe_read() (a system call per load, no fault
 * handler): the interpreter's probe_load_* on machines without exception
 * tables, and on x86-64 in a build configured with
 * -DBPFRT_PROBE_MEM_PORTABLE=ON. Compiled everywhere, so that they are
 * tested everywhere (tests/pipeline/test_probe_mem_portable.c). */
uint64_t probe_load_portable_u8(uint64_t addr);
uint64_t probe_load_portable_u16(uint64_t addr);
uint64_t probe_load_portable_u32(uint64_t addr);
uint64_t probe_load_portable_u64(uint64_t addr);
uint64_t probe_load_portable_s8(uint64_t addr);
uint64_t probe_load_portable_s16(uint64_t addr);
uint64_t probe_load_portable_s32(uint64_t addr);

#endif /* BPFRT_VM_PROBE_MEM_H */
