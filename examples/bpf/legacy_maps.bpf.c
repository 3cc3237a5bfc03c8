// SPDX-License-Identifier: MIT
/* A legacy `maps` section (struct bpf_map_def, pre-BTF style) and a
 * kernel version section, as older objects have them. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def_legacy {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def_legacy SEC("maps") legacy_array = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 4,
};

struct bpf_map_def_legacy SEC("maps") legacy_hash = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 16,
	.map_flags = BPF_F_NO_PREALLOC,
};

SEC("kprobe/do_sys_open")
int legacy(void *ctx)
{
	__u32 key = 1;
	__u64 *v = bpf_map_lookup_elem(&legacy_array, &key);

	if (v)
		*v += 1;
	bpf_map_update_elem(&legacy_hash, &key, &key, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
__u32 _version SEC("version") = 0x060100;
