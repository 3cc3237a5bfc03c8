// SPDX-License-Identifier: MIT
/* A tracepoint program: counts openat(2) calls per flags value, as
 * `bpftrace -e 'tracepoint:syscalls:sys_enter_openat { @[args.flags] = count(); }'`,
 * and keeps the last call's syscall number and mode. It reads the event's
 * record (48 bytes, its tracefs format: common fields, then __syscall_nr,
 * dfd, filename, flags, mode). Returns the new count. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct sys_enter_openat {
	__u64 common; /* common_type, _flags, _preempt_count, _pid: not readable */
	__s32 syscall_nr;
	__u32 pad;
	__s64 dfd;
	__u64 filename;
	__u64 flags;
	__u64 mode;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);
	__type(value, __u64);
} opens_by_flags SEC(".maps");

__u64 last_nr, last_mode;

SEC("tracepoint/syscalls/sys_enter_openat")
int count_openat(struct sys_enter_openat *ctx)
{
	__u64 key = ctx->flags, one = 1, *n;

	last_nr = (__u64)ctx->syscall_nr;
	last_mode = ctx->mode;
	n = bpf_map_lookup_elem(&opens_by_flags, &key);
	if (n) {
		__sync_fetch_and_add(n, 1);
		return (int)*n;
	}
	bpf_map_update_elem(&opens_by_flags, &key, &one, BPF_NOEXIST);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
