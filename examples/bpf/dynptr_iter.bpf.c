// SPDX-License-Identifier: MIT
/* Programs the verifier proves with stack objects: open-coded iterators
 * (bpf_iter_num_*), local and ring buffer dynptrs with their slices, and a
 * counter under a bpf_spin_lock. Each returns 0 when its checks hold. */
#include "kfuncs.h"

struct counter {
	struct bpf_spin_lock lock;
	__u32 hits;
	__u64 total;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct counter);
} counters SEC(".maps");

__u64 sum_seen, pairs_seen;

/* 0 + 1 + ... + 99, and a nested loop that leaves early. */
SEC("uprobe")
int iter_sum(void *ctx)
{
	struct bpf_iter_num it, in;
	__u64 sum = 0, pairs = 0;
	int *v, *w;

	bpf_iter_num_new(&it, 0, 100);
	while ((v = bpf_iter_num_next(&it)))
		sum += *v;
	bpf_iter_num_destroy(&it);

	bpf_iter_num_new(&it, 0, 10);
	while ((v = bpf_iter_num_next(&it))) {
		bpf_iter_num_new(&in, 0, 10);
		while ((w = bpf_iter_num_next(&in))) {
			if (*w > *v)
				break;
			pairs++;
		}
		bpf_iter_num_destroy(&in);
	}
	bpf_iter_num_destroy(&it);
	sum_seen = sum;
	pairs_seen = pairs; /* 55; a value the result does not depend on */
	return sum == 4950 ? 0 : 1;
}

/* The memory of a local dynptr: a map value (global data), as the kernel
 * requires (a dynptr over the stack could outlive the stack frame). */
__u8 buf[16];

/* A dynptr over a buffer: written, read back, sliced, cloned. */
SEC("uprobe")
int dynptr_local(void *ctx)
{
	struct bpf_dynptr d, c;
	__u32 in = 0xabcd1234, out = 0;
	__u32 *p;

	if (bpf_dynptr_from_mem(buf, sizeof(buf), 0, &d))
		return 1;
	if (bpf_dynptr_size(&d) != 16)
		return 2;
	if (bpf_dynptr_write(&d, 4, &in, sizeof(in), 0))
		return 3;
	if (bpf_dynptr_read(&out, sizeof(out), &d, 4, 0) || out != in)
		return 4;
	p = bpf_dynptr_slice(&d, 4, NULL, sizeof(*p));
	if (!p || *p != in)
		return 5;
	/* writable slices: bpf_dynptr_data (bpf_dynptr_slice_rdwr is for
	 * programs that may write packets) */
	p = bpf_dynptr_data(&d, 8, sizeof(*p));
	if (!p)
		return 6;
	*p = 7;
	if (buf[8] != 7)
		return 7;
	if (bpf_dynptr_clone(&d, &c) || bpf_dynptr_size(&c) != 16)
		return 8;
	if (bpf_dynptr_write(&d, 20, &in, sizeof(in), 0) == 0)
		return 9; /* past the end: refused at run time */
	return 0;
}

/* A ring buffer record through a dynptr: reserved, filled, submitted. */
SEC("uprobe")
int dynptr_ringbuf(void *ctx)
{
	struct bpf_dynptr d;
	__u64 *rec;
	int err = 0;

	bpf_ringbuf_reserve_dynptr(&events, 16, 0, &d);
	rec = bpf_dynptr_data(&d, 0, 16);
	if (rec) {
		rec[0] = 0x1122334455667788ull;
		rec[1] = 42;
	} else {
		err = 1;
	}
	bpf_ringbuf_submit_dynptr(&d, 0);
	if (!err && bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) < 16)
		err = 2;
	/* a reservation that is given back */
	bpf_ringbuf_reserve_dynptr(&events, 8, 0, &d);
	bpf_ringbuf_discard_dynptr(&d, 0);
	return err;
}

/* A counter updated under the value's lock. */
SEC("uprobe")
int locked_count(void *ctx)
{
	__u32 key = 0;
	struct counter *c = bpf_map_lookup_elem(&counters, &key);
	__u32 hits;

	if (!c)
		return 1;
	bpf_spin_lock(&c->lock);
	hits = ++c->hits;
	c->total += 10;
	bpf_spin_unlock(&c->lock);
	return hits ? 0 : 2;
}

char LICENSE[] SEC("license") = "GPL";
