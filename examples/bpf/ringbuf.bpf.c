// SPDX-License-Identifier: MIT
/* Ring buffer output: reserve/submit one event per call and copy a second
 * one with bpf_ringbuf_output. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct event {
	__u32 pid;
	__u32 kind;
	__u64 arg;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("uprobe//proc/self/exe:malloc")
int ringbuf_malloc(struct pt_regs *ctx)
{
	struct event *e, copy;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 1;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->kind = 1;
	e->arg = PT_REGS_PARM1(ctx);
	copy = *e;
	bpf_ringbuf_submit(e, 0);
	copy.kind = 2;
	return bpf_ringbuf_output(&events, &copy, sizeof(copy), 0) ? 2 : 0;
}

char LICENSE[] SEC("license") = "GPL";
