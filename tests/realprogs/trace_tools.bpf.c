// SPDX-License-Identifier: MIT
/* libbpf-tools style tracing: opensnoop (an event with pid, comm and the
 * file name read with bpf_probe_read_user_str into a ring buffer),
 * biolatency-style latency histograms (start times in a hash by thread,
 * a log2 bucket computed without loops, per-CPU counters) and a
 * syscall-count tracepoint. The kernel structures are our own. */
#include "real.h"

#define TASK_COMM_LEN 16
#define NAME_MAX 255
#define MAX_SLOTS 27

struct open_event {
	__u64 ts;
	__u32 pid, tid;
	__s32 flags;
	__u32 uid;
	char comm[TASK_COMM_LEN];
	char fname[NAME_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} open_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

struct hist {
	__u32 slots[MAX_SLOTS];
};

struct hist_key {
	__u32 dev;
	__u32 op;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct hist_key);
	__type(value, struct hist);
} hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 512);
	__type(key, __u32);
	__type(value, __u64);
} syscall_counts SEC(".maps");

const volatile __u32 target_pid = 0;
const volatile bool targ_ms = false;

SEC("kprobe/do_sys_openat2")
int BPF_KPROBE(opensnoop_entry, int dfd, const char *filename, void *how)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 pid = id >> 32;
	struct open_event *e;

	if (target_pid && target_pid != pid)
		return 0;
	e = bpf_ringbuf_reserve(&open_events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->ts = bpf_ktime_get_ns();
	e->pid = pid;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->flags = dfd;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_user_str(e->fname, sizeof(e->fname), filename);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline __u64 log2_u32(__u32 v)
{
	__u32 shift, r;

	r = (v > 0xFFFF) << 4; v >>= r;
	shift = (v > 0xFF) << 3; v >>= shift; r |= shift;
	shift = (v > 0xF) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline __u64 log2l(__u64 v)
{
	__u32 hi = v >> 32;
	return hi ? log2_u32(hi) + 32 : log2_u32(v);
}

SEC("kprobe/blk_mq_start_request")
int BPF_KPROBE(lat_start, void *rq)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 ts = bpf_ktime_get_ns();

	bpf_map_update_elem(&start, &tid, &ts, BPF_ANY);
	return 0;
}

SEC("kretprobe/blk_mq_end_request")
int BPF_KRETPROBE(lat_done, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct hist_key hk = { .dev = 0, .op = ret < 0 };
	static const struct hist zero;
	struct hist *h;
	__u64 *tsp, slot;
	__s64 delta;

	tsp = bpf_map_lookup_elem(&start, &tid);
	if (!tsp)
		return 0;
	delta = (__s64)(bpf_ktime_get_ns() - *tsp);
	bpf_map_delete_elem(&start, &tid);
	if (delta < 0)
		return 0;
	delta /= targ_ms ? 1000000U : 1000U;
	h = bpf_map_lookup_elem(&hists, &hk);
	if (!h) {
		bpf_map_update_elem(&hists, &hk, &zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&hists, &hk);
		if (!h)
			return 0;
	}
	slot = log2l(delta);
	if (slot >= MAX_SLOTS)
		slot = MAX_SLOTS - 1;
	__sync_fetch_and_add(&h->slots[slot], 1);
	return 0;
}

struct trace_event_raw_sys_enter {
	__u64 common;
	long id;
	unsigned long args[6];
};

SEC("tracepoint/raw_syscalls/sys_enter")
int syscount(struct trace_event_raw_sys_enter *ctx)
{
	__u32 nr = ctx->id;
	__u64 *c;

	if (nr >= 512)
		return 0;
	c = bpf_map_lookup_elem(&syscall_counts, &nr);
	if (c)
		*c += 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
