/* SPDX-License-Identifier: MIT */
/*
 * Map operations from a BPF program, for bench-maps-kernel: each program does
 * OPS lookups or updates over KEYS keys (all present: the tables are filled
 * from user space first) and returns a checksum, so every engine's result can
 * be compared. XDP programs that never touch their context: the kernel runs
 * them with BPF_PROG_TEST_RUN, bpfrt with bpfrt_runtime__run.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define OPS 256
#define KEYS 64

#define MAP(name, kind, entries)                 \
	struct {                                 \
		__uint(type, kind);              \
		__uint(max_entries, entries);    \
		__type(key, __u32);              \
		__type(value, __u64);            \
	} name SEC(".maps")

MAP(array, BPF_MAP_TYPE_ARRAY, KEYS);
MAP(hash, BPF_MAP_TYPE_HASH, KEYS * 2);
MAP(lru_hash, BPF_MAP_TYPE_LRU_HASH, KEYS * 4);
MAP(percpu_array, BPF_MAP_TYPE_PERCPU_ARRAY, KEYS);

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} ringbuf SEC(".maps");

static __always_inline __u64 lookups(void *map)
{
	__u64 sum = 0;
	for (__u32 i = 0; i < OPS; i++) {
		__u32 k = (i * 7) & (KEYS - 1);
		__u64 *v = bpf_map_lookup_elem(map, &k);
		if (v)
			sum += *v;
	}
	return sum;
}

static __always_inline __u64 updates(void *map)
{
	__u64 fails = 0;
	for (__u32 i = 0; i < OPS; i++) {
		__u32 k = (i * 7) & (KEYS - 1);
		__u64 v = i;
		fails += bpf_map_update_elem(map, &k, &v, BPF_ANY) != 0;
	}
	return OPS - fails;
}

/* Each operation twice: an XDP program for the kernel's BPF_PROG_TEST_RUN,
 * and NAME_u in a uprobe section, which bpfrt runs trusted without building
 * a packet context per run (bpfrt verifies the XDP copy too, but its runs
 * would then time the packet setup as well as the map operations). */
#define PROG(name, expr)                                                       \
	SEC("xdp") int name(struct xdp_md *ctx) { return (int)(expr); }        \
	SEC("uprobe") int name##_u(void *ctx) { return (int)(expr); }

static __always_inline __u32 ringbuf_outputs(void)
{
	__u32 ok = 0;
	for (__u32 i = 0; i < OPS; i++) {
		__u64 ev = i;
		ok += bpf_ringbuf_output(&ringbuf, &ev, sizeof(ev), BPF_RB_NO_WAKEUP) == 0;
	}
	return ok;
}

PROG(array_lookup, lookups(&array))
PROG(hash_lookup, lookups(&hash))
PROG(lru_hash_lookup, lookups(&lru_hash))
PROG(percpu_array_lookup, lookups(&percpu_array))
PROG(array_update, updates(&array))
PROG(hash_update, updates(&hash))
PROG(lru_hash_update, updates(&lru_hash))
/* OPS 8-byte records; the consumer busy-polls, so no wakeups. */
PROG(ringbuf_output, ringbuf_outputs())

char LICENSE[] SEC("license") = "GPL";
