// SPDX-License-Identifier: MIT
/* Tracepoint record bounds (test_tp_record, test_verifier_objects_kernel):
 * the kernel lets a tracepoint program read [8, 8192) of its record, so
 * far_read is accepted when the record's size is not known (and bpfrt must
 * then give it 8192 bytes), past_max is refused by both verifiers. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_openat")
int far_read(void *ctx)
{
	return (int)*(volatile __u64 *)(ctx + 8184);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int past_max(void *ctx)
{
	return (int)*(volatile __u64 *)(ctx + 8192);
}

char LICENSE[] SEC("license") = "GPL";
