// SPDX-License-Identifier: MIT
/* Uprobe-style programs: entry and return probes on a target function with
 * parsed attach targets, a USDT probe, per-pid state in an array map and a
 * CO-RE read of a user structure (recorded; user-space targets keep the
 * compiled offsets). */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

struct request {
	__u32 id;
	__u32 len;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

SEC("uprobe//usr/bin/bpfrt-target:handle_request+4")
int on_request(struct pt_regs *ctx)
{
	struct request *req = (struct request *)PT_REGS_PARM1(ctx);
	__u32 key = 0, len = 0;
	__u64 *total;

	bpf_probe_read_user(&len, sizeof(len), &req->len);
	total = bpf_map_lookup_elem(&totals, &key);
	if (total)
		__sync_fetch_and_add(total, len);
	return 0;
}

SEC("uretprobe//usr/bin/bpfrt-target:handle_request")
int on_request_ret(struct pt_regs *ctx)
{
	__u32 key = 1;
	__u64 *total = bpf_map_lookup_elem(&totals, &key);

	if (total && PT_REGS_RC(ctx) == 0)
		__sync_fetch_and_add(total, 1);
	return 0;
}

SEC("usdt//usr/bin/bpfrt-target:bpfrt:request_done")
int on_done(struct pt_regs *ctx)
{
	return (int)bpf_get_current_pid_tgid();
}

char LICENSE[] SEC("license") = "GPL";
