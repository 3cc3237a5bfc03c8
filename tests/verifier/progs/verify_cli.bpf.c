// SPDX-License-Identifier: MIT
/* `bpfrt verify` on an object (tests/verifier/CMakeLists.txt): `good` is
 * accepted, `bad` indexes a map value past its end on the path where the
 * index was not checked, `configured` reads a .rodata flag that prunes a
 * branch which would be refused. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[4]);
} values SEC(".maps");

const volatile int debug = 0;

SEC("uprobe")
int good(void *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&values, &key);
	if (!v)
		return 0;
	return v[1] & 0xff;
}

SEC("uprobe")
int bad(void *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&values, &key);
	__u64 i = bpf_get_prandom_u32();
	if (!v)
		return 0;
	if (i > 5)
		return (int)v[i];
	return 0;
}

SEC("uprobe")
int configured(void *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&values, &key);
	if (!v)
		return 0;
	if (debug)
		return (int)v[bpf_get_prandom_u32()];
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
