// SPDX-License-Identifier: MIT
/* Several BTF-defined maps in one .maps section: a map-in-map (array of
 * arrays, its inner definition noted), a prog array for tail calls and an
 * LRU hash with flags, plus a string in .rodata.str1.1 from bpf_printk. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, int(void *));
} jump_table SEC(".maps");

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

char LICENSE[] SEC("license") = "GPL";
