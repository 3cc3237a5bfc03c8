// SPDX-License-Identifier: MIT
/* Several BTF-defined maps in one .maps section: maps of maps (an array
 * and a hash of arrays, with their inner definition and initial values
 * naming other maps), a prog array for tail calls and an LRU hash with
 * flags, plus a string in .rodata.str1.1 from bpf_printk. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
};

struct inner inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps") = {
	.values = { [0] = &inner_a, [1] = &inner_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, struct inner);
} by_id SEC(".maps") = {
	.values = { [7] = &inner_b },
};

int tail_target(void *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, int(void *));
} jump_table SEC(".maps") = {
	.values = { [0] = &tail_target },
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 128);
	__uint(map_flags, BPF_F_NO_COMMON_LRU);
	__type(key, __u32);
	__type(value, __u32);
} recent SEC(".maps");

SEC("socket")
int tail_target(void *ctx)
{
	return 42;
}

SEC("socket")
int dispatch(void *ctx)
{
	__u32 key = *(__u32 *)ctx & 1, idx = 0;
	void *in = bpf_map_lookup_elem(&outer, &key);
	__u64 *v;

	if (in) {
		v = bpf_map_lookup_elem(in, &idx);
		if (v)
			*v += 1;
	}
	bpf_map_update_elem(&recent, &key, &key, BPF_ANY);
	bpf_printk("dispatch %u", key);
	bpf_tail_call(ctx, &jump_table, key);
	return 0;
}

/* The hash of maps: key 7 holds inner_b; its element 1 counts calls. */
SEC("socket")
int count_by_id(void *ctx)
{
	__u32 key = 7, idx = 1;
	void *in = bpf_map_lookup_elem(&by_id, &key);
	__u64 *v;

	if (!in)
		return -1;
	v = bpf_map_lookup_elem(in, &idx);
	if (!v)
		return -2;
	return ++*v;
}

char LICENSE[] SEC("license") = "GPL";
