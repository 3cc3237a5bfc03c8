// SPDX-License-Identifier: MIT
/* BTF-typed tracing (the kernel's types come from vmlinux BTF on both
 * sides: test_realprogs gives bpfrt /sys/kernel/btf/vmlinux as the target
 * BTF): a tp_btf scheduler tracepoint counting switches by the previous
 * task's state and reading the next task through bpf_probe_read_kernel,
 * a wakeup counter, and fentry/fexit on do_nanosleep (the kernel here may
 * refuse trampolines: test_realprogs then skips its side and counts it). */
#include "real.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} switch_states SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} sleeps SEC(".maps");

__u64 wakeups;

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, void *prev, void *next, unsigned int prev_state)
{
	__u32 key = preempt ? 3 : prev_state & 1 ? 1 : prev_state & 2 ? 2 : 0;
	__u64 *n = bpf_map_lookup_elem(&switch_states, &key), word = 0;

	if (n)
		*n += 1;
	bpf_probe_read_kernel(&word, sizeof(word), next);
	return word != 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(on_wakeup, void *p)
{
	__sync_fetch_and_add(&wakeups, 1);
	return 0;
}

SEC("fentry/do_nanosleep")
int BPF_PROG(sleep_enter, void *t, int mode)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 ts = bpf_ktime_get_ns();

	if (mode >= 0)
		bpf_map_update_elem(&sleeps, &tid, &ts, BPF_ANY);
	return 0; /* fentry and fexit programs return 0 */
}

SEC("fexit/do_nanosleep")
int BPF_PROG(sleep_exit, void *t, int mode, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *ts = bpf_map_lookup_elem(&sleeps, &tid);

	if (!ts)
		return 0;
	__u64 d = bpf_ktime_get_ns() - *ts;
	if (ret == 0 && d > 1000)
		bpf_map_delete_elem(&sleeps, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
