// SPDX-License-Identifier: MIT
/* Programs the verifier must refuse: stack objects and locks misused. The
 * section of each says nothing; test_objects.c holds the expected message. */
#include "kfuncs.h" /* examples/bpf */

struct counter {
	struct bpf_spin_lock lock;
	__u64 total;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct counter);
} counters SEC(".maps");

/* the iterator is never destroyed */
SEC("uprobe")
int iter_leak(void *ctx)
{
	struct bpf_iter_num it;
	int *v, n = 0;

	bpf_iter_num_new(&it, 0, 10);
	while ((v = bpf_iter_num_next(&it)))
		n += *v;
	return n;
}

/* the ring buffer dynptr is not submitted when the slice is NULL */
SEC("uprobe")
int dynptr_leak(void *ctx)
{
	struct bpf_dynptr d;
	__u64 *rec;

	bpf_ringbuf_reserve_dynptr(&events, 8, 0, &d);
	rec = bpf_dynptr_data(&d, 0, 8);
	if (!rec)
		return 1;
	*rec = 1;
	bpf_ringbuf_submit_dynptr(&d, 0);
	return 0;
}

/* the slice is written after its record was submitted */
SEC("uprobe")
int slice_after_submit(void *ctx)
{
	struct bpf_dynptr d;
	__u64 *volatile rec;

	bpf_ringbuf_reserve_dynptr(&events, 8, 0, &d);
	rec = bpf_dynptr_data(&d, 0, 8);
	bpf_ringbuf_submit_dynptr(&d, 0);
	if (rec)
		*rec = 1;
	return 0;
}

/* a helper is called while the lock is held */
SEC("uprobe")
int call_under_lock(void *ctx)
{
	__u32 key = 0;
	struct counter *c = bpf_map_lookup_elem(&counters, &key);

	if (!c)
		return 1;
	bpf_spin_lock(&c->lock);
	c->total += bpf_ktime_get_ns();
	bpf_spin_unlock(&c->lock);
	return 0;
}

struct pair {
	__u64 a, b;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct pair);
} pairs SEC(".maps");

__noinline int pair_sum_nonnull(struct pair *p __attribute__((btf_decl_tag("arg:nonnull"))))
{
	return (int)(p->a + p->b);
}

/* a global function's struct argument may be NULL: read unchecked */
__noinline int pair_sum_unchecked(struct pair *p)
{
	return (int)(p->a + p->b);
}

/* a lookup that may fail passed to an arg:nonnull parameter */
SEC("uprobe")
int nonnull_maybe_null(void *ctx)
{
	__u32 key = 0;

	return pair_sum_nonnull(bpf_map_lookup_elem(&pairs, &key));
}

SEC("uprobe")
int nullable_unchecked(void *ctx)
{
	struct pair p = { .a = 1 };

	p.b = bpf_get_prandom_u32();
	return pair_sum_unchecked(&p);
}

char LICENSE[] SEC("license") = "GPL";
