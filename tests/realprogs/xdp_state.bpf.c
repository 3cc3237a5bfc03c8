// SPDX-License-Identifier: MIT
/* Shared state in XDP programs: a rate limiter whose bucket sits in a hash
 * map value with a bpf_spin_lock, ring buffer events (reserve/submit and
 * bpf_ringbuf_output), perf event output of the packet's head, and tail
 * calls through a prog array whose slots libbpf fills ({ [i] = &prog }). */
#include "real.h"

struct bucket {
	struct bpf_spin_lock lock;
	__u32 tokens;
	__u32 drops;
	__u64 seen;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct bucket);
} buckets SEC(".maps");

struct event {
	__u32 len;
	__u16 proto;
	__u8 head[18];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_out SEC(".maps");

SEC("xdp")
int xdp_ratelimit(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct bucket *b, init = {};
	__u32 key, ok;

	if ((void *)(eth + 1) > end)
		return XDP_DROP;
	key = eth->h_source[5];
	b = bpf_map_lookup_elem(&buckets, &key);
	if (!b) {
		init.tokens = 2;
		bpf_map_update_elem(&buckets, &key, &init, BPF_NOEXIST);
		b = bpf_map_lookup_elem(&buckets, &key);
		if (!b)
			return XDP_ABORTED;
	}
	bpf_spin_lock(&b->lock);
	b->seen++;
	ok = b->tokens > 0;
	if (ok)
		b->tokens--;
	else
		b->drops++;
	bpf_spin_unlock(&b->lock);
	return ok ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int xdp_ringbuf_events(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct event *e, copy = {};

	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return XDP_ABORTED;
	e->len = end - data;
	e->proto = bpf_ntohs(eth->h_proto);
	__builtin_memcpy(e->head, eth, 14);
	e->head[14] = e->head[15] = e->head[16] = e->head[17] = 0;
	copy = *e;
	if (copy.proto == ETH_P_ARP) {
		bpf_ringbuf_discard(e, 0);
		return XDP_DROP;
	}
	bpf_ringbuf_submit(e, 0);
	copy.len |= 0x80000000u;
	bpf_ringbuf_output(&events, &copy, sizeof(copy), 0);
	return XDP_PASS;
}

SEC("xdp")
int xdp_perf_sample(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u64 len = end - data;
	struct {
		__u32 len, cpu;
	} meta = { (__u32)len, 0 };

	if (len < 14)
		return XDP_PASS;
	/* the packet's first 64 bytes follow the metadata (flags' high bits) */
	__u64 flags = BPF_F_CURRENT_CPU | ((len < 64 ? len : 64) << 32);
	long err = bpf_perf_event_output(ctx, &perf_out, flags, &meta, sizeof(meta));
	return err ? XDP_PASS : XDP_TX; /* no reader: -ENOENT */
}

/* tail calls: a dispatcher jumps by IP protocol to a handler program */
SEC("xdp")
int xdp_tail_tcp(struct xdp_md *ctx)
{
	return XDP_TX;
}

SEC("xdp")
int xdp_tail_udp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	return end - data > 100 ? XDP_DROP : XDP_PASS;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 32);
	__uint(key_size, sizeof(__u32));
	__array(values, int(void *));
} proto_jump SEC(".maps") = {
	.values = {
		[IPPROTO_TCP] = (void *)&xdp_tail_tcp,
		[IPPROTO_UDP] = (void *)&xdp_tail_udp,
	},
};

SEC("xdp")
int xdp_tail_dispatch(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	bpf_tail_call(ctx, &proto_jump, ip->protocol & 31);
	return XDP_ABORTED + 10; /* no handler */
}

char LICENSE[] SEC("license") = "GPL";
