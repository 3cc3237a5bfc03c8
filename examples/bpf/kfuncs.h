/* SPDX-License-Identifier: MIT */
/* The kfuncs bpfrt provides, declared as a program needs them (vmlinux.h
 * declares them for kernel builds; the uapi header of every distribution
 * does not have struct bpf_iter_num). */
#ifndef BPFRT_EXAMPLES_KFUNCS_H
#define BPFRT_EXAMPLES_KFUNCS_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_iter_num {
	__u64 __opaque[1];
} __attribute__((aligned(8)));

extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym;
extern void *bpf_dynptr_slice(const struct bpf_dynptr *p, __u64 offset, void *buffer__opt,
			      __u32 buffer__szk) __ksym;
extern void *bpf_dynptr_slice_rdwr(const struct bpf_dynptr *p, __u64 offset, void *buffer__opt,
				   __u32 buffer__szk) __ksym;
extern __u32 bpf_dynptr_size(const struct bpf_dynptr *p) __ksym;
extern int bpf_dynptr_clone(const struct bpf_dynptr *p, struct bpf_dynptr *clone__uninit) __ksym;

/* CPU sets (kernel/bpf/cpumask.c): created and acquired ones are
 * references the program must release. The kernel's test/weight take a
 * const struct cpumask *; bpfrt has one kind of set. */
struct bpf_cpumask;
extern struct bpf_cpumask *bpf_cpumask_create(void) __ksym;
extern struct bpf_cpumask *bpf_cpumask_acquire(struct bpf_cpumask *cpumask) __ksym;
extern void bpf_cpumask_release(struct bpf_cpumask *cpumask) __ksym;
extern void bpf_cpumask_set_cpu(__u32 cpu, struct bpf_cpumask *cpumask) __ksym;
extern void bpf_cpumask_clear_cpu(__u32 cpu, struct bpf_cpumask *cpumask) __ksym;
extern int bpf_cpumask_test_cpu(__u32 cpu, const struct bpf_cpumask *cpumask) __ksym;
extern __u32 bpf_cpumask_weight(const struct bpf_cpumask *cpumask) __ksym;

/* The ring buffer the examples and tests write to. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

#endif
