// SPDX-License-Identifier: MIT
/* Ring buffer, perf event output and stacks. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 32 * sizeof(__u64));
} stacks SEC(".maps");

SEC("uprobe")
int ringbuf(void *ctx)
{
	__u64 v = 0x1111111111111111ULL;
	__u64 *p;

	if (bpf_ringbuf_output(&rb, &v, sizeof(v), 0))
		return 1;
	p = bpf_ringbuf_reserve(&rb, sizeof(*p), 0);
	if (!p)
		return 2;
	*p = 0x2222222222222222ULL;
	bpf_ringbuf_submit(p, 0);
	p = bpf_ringbuf_reserve(&rb, sizeof(*p), 0);
	if (!p)
		return 3;
	*p = 0x3333333333333333ULL;
	bpf_ringbuf_discard(p, 0);
	/* three 8-byte records with their 8-byte headers: a discarded one
	 * keeps its space until the consumer passes it, as in the kernel */
	if (bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA) != 48)
		return 4;
	p = bpf_ringbuf_reserve(&rb, 8192, 0); /* larger than the ring */
	if (p) {
		bpf_ringbuf_discard(p, 0);
		return 5;
	}
	return 0;
}

SEC("uprobe")
int perf_output(void *ctx)
{
	__u32 v = 0xabcd;

	/* 0 with a consumer, -ENOENT without (the kernel: no perf event) */
	return bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &v, sizeof(v));
}

SEC("uprobe")
int stack(void *ctx)
{
	__u64 buf[8];
	long n = bpf_get_stack(ctx, buf, sizeof(buf), BPF_F_USER_STACK);

	if (n <= 0 || n % 8 || n > sizeof(buf) || !buf[0])
		return 1;
	if (bpf_get_stack(ctx, buf, sizeof(buf), 1ULL << 20) != -22)
		return 2;
	long id = bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK);
	if (id < 0 || id >= 16)
		return 3;
	/* another call site: its stack may differ (a JIT) or not (the
	 * interpreter); with REUSE_STACKID it always gets an id */
	return bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK | BPF_F_REUSE_STACKID) >= 0 ? 0 : 4;
}

char LICENSE[] SEC("license") = "GPL";
