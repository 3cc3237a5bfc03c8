// SPDX-License-Identifier: MIT
/* BPF-to-BPF calls: two programs share a static and a global subprogram in
 * .text; one subprogram calls another. Result: fib-like arithmetic on the
 * context's first word. */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

static __noinline __u64 square(__u64 x)
{
	return x * x;
}

__noinline __u64 sum_squares(__u64 a, __u64 b)
{
	return square(a) + square(b);
}

SEC("tc")
int subprog_tc(void *ctx)
{
	__u32 v = *(__u32 *)ctx;

	return (int)sum_squares(v, v + 1);
}

SEC("tp/syscalls/sys_enter_openat")
int subprog_tp(void *ctx)
{
	__u32 v = *(__u32 *)ctx;

	return (int)(square(v) + 1);
}

char LICENSE[] SEC("license") = "GPL";
