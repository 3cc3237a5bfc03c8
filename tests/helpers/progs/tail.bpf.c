// SPDX-License-Identifier: MIT
/* bpf_tail_call: `entry` jumps through slot 0 of `jmp` (which the test
 * fills with `target`) and returns 1 only if the slot is empty. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} jmp SEC(".maps");

__u64 ran_after = 0;

SEC("uprobe")
int entry(void *ctx)
{
	bpf_tail_call(ctx, &jmp, 0);
	ran_after++;
	return 1;
}

SEC("uprobe")
int target(void *ctx)
{
	return 42;
}

char LICENSE[] SEC("license") = "GPL";
