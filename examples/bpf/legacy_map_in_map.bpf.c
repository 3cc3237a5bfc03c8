// SPDX-License-Identifier: MIT
/* A map of maps in a legacy `maps` section, as samples/bpf's bpf_load.c
 * defines them: struct bpf_map_def with inner_map_idx, the index (in
 * section order) of the definition its inner maps follow. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def_inner {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
	unsigned int inner_map_idx;
	unsigned int numa_node;
};

struct bpf_map_def_inner SEC("maps") counters = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 2,
};

struct bpf_map_def_inner SEC("maps") per_cpu_set = {
	.type = BPF_MAP_TYPE_ARRAY_OF_MAPS,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 4,
	.inner_map_idx = 0, /* counters */
};

/* Counts in element 1 of the inner map at key 2: 1 when there is none. */
SEC("kprobe/do_sys_open")
int count_in_set(void *ctx)
{
	__u32 key = 2, idx = 1;
	void *in = bpf_map_lookup_elem(&per_cpu_set, &key);
	__u64 *v;

	if (!in)
		return 1;
	v = bpf_map_lookup_elem(in, &idx);
	if (!v)
		return 2;
	*v += 10;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
