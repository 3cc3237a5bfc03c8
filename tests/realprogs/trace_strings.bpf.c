// SPDX-License-Identifier: MIT
/* String work in uprobes: a user string copied with
 * bpf_probe_read_user_str, scanned byte by byte for the basename (last
 * '/'), compared with a prefix (a strncmp-like loop), hashed (FNV-1a over
 * at most 64 bytes, loop kept rolled) into a hash map of counts; and a
 * bpf_loop over the string's characters. */
#include "real.h"

#define PATH_LEN 64

struct path_buf {
	char s[PATH_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_buf);
} bufs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 512);
	__type(key, __u64);
	__type(value, __u64);
} by_name SEC(".maps");

static const char prefix[] = "/tmp/";

SEC("uprobe")
int BPF_KPROBE(path_basename, const char *path)
{
	__u32 zero = 0, base = 0;
	struct path_buf *b = bpf_map_lookup_elem(&bufs, &zero);
	long n;

	if (!b)
		return 0;
	n = bpf_probe_read_user_str(b->s, sizeof(b->s), path);
	if (n <= 0)
		return 0;
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < PATH_LEN; i++) {
		if (i >= n || !b->s[i])
			break;
		if (b->s[i] == '/')
			base = i + 1;
	}
	return base;
}

static __noinline int has_prefix(const char *s, const char *pfx, __u32 len)
{
	for (__u32 i = 0; i < len && i < 16; i++)
		if (s[i] != pfx[i])
			return 0;
	return 1;
}

SEC("uprobe")
int BPF_KPROBE(path_count, const char *path)
{
	char buf[PATH_LEN];
	__u64 h = 0xcbf29ce484222325ull, one = 1, *v;

	if (bpf_probe_read_user_str(buf, sizeof(buf), path) <= 0)
		return 0;
	if (!has_prefix(buf, prefix, sizeof(prefix) - 1))
		return 0;
#pragma clang loop unroll(disable)
	for (int i = 0; i < PATH_LEN; i++) {
		if (!buf[i])
			break;
		h ^= (__u8)buf[i];
		h *= 0x100000001b3ull;
	}
	v = bpf_map_lookup_elem(&by_name, &h);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&by_name, &h, &one, BPF_ANY);
	return 1;
}

struct upper_ctx {
	char *s;
	__u32 upper, digits;
};

static long count_class(__u32 i, void *data)
{
	struct upper_ctx *c = data;
	char ch;

	if (i >= PATH_LEN)
		return 1;
	ch = c->s[i];
	if (!ch)
		return 1;
	if (ch >= 'A' && ch <= 'Z')
		c->upper++;
	else if (ch >= '0' && ch <= '9')
		c->digits++;
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(path_classes, const char *path)
{
	__u32 zero = 0;
	struct path_buf *b = bpf_map_lookup_elem(&bufs, &zero);
	struct upper_ctx c = {};

	if (!b || bpf_probe_read_user_str(b->s, sizeof(b->s), path) <= 0)
		return 0;
	c.s = b->s;
	bpf_loop(PATH_LEN, count_class, &c, 0);
	return c.upper * 100 + c.digits;
}

char LICENSE[] SEC("license") = "GPL";
