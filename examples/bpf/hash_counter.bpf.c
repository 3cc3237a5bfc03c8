// SPDX-License-Identifier: MIT
/* Counts calls per first argument in a hash map: the uprobe counterpart of
 * `bpftrace -e 'uprobe:...:f { @[arg0] = count(); }'`. Returns the new count. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u64);
} counts SEC(".maps");

SEC("uprobe")
int count_calls(struct pt_regs *ctx)
{
	__u64 key = PT_REGS_PARM1(ctx);
	__u64 one = 1, *val;

	val = bpf_map_lookup_elem(&counts, &key);
	if (val) {
		__sync_fetch_and_add(val, 1);
		return (int)*val;
	}
	bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
