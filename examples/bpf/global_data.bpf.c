// SPDX-License-Identifier: MIT
/* Global data: a read-only configuration (.rodata), an initialised counter
 * (.data), a zeroed array (.bss) and a custom data section (.data.stats).
 * Each becomes a single-entry array map; .rodata is frozen. The context's
 * first word selects a slot. */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 slot_mask = 7;	/* .rodata: set before load */
const volatile __u64 scale = 3;
__u64 calls = 100;			/* .data */
__u64 slots[8];				/* .bss */
__u64 bytes_seen SEC(".data.stats") = 0;

SEC("socket")
int global_data(void *ctx)
{
	__u32 idx = *(__u32 *)ctx & slot_mask;

	calls++;
	slots[idx & 7] += scale;
	bytes_seen += 4;
	return (int)slots[idx & 7];
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
