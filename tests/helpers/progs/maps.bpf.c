// SPDX-License-Identifier: MIT
/* Map helpers through real programs: each returns 0 on success or the
 * number of the check that failed. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 4);
	__type(value, __u32);
} queue SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 4);
	__type(value, __u32);
} stack SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} arr SEC(".maps");

struct locked {
	struct bpf_spin_lock lock;
	__u64 count;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct locked);
} locks SEC(".maps");

SEC("uprobe")
int hash_ops(void *ctx)
{
	__u32 k = 1;
	__u64 v = 10, *p;

	if (bpf_map_update_elem(&hash, &k, &v, BPF_NOEXIST))
		return 1;
	if (bpf_map_update_elem(&hash, &k, &v, BPF_NOEXIST) != -17 /* EEXIST */)
		return 2;
	p = bpf_map_lookup_elem(&hash, &k);
	if (!p || *p != 10)
		return 3;
	*p = 11;
	k = 2;
	if (bpf_map_update_elem(&hash, &k, &v, BPF_EXIST) != -2 /* ENOENT */)
		return 4;
	if (bpf_map_update_elem(&hash, &k, &v, BPF_ANY))
		return 5;
	if (bpf_map_delete_elem(&hash, &k))
		return 6;
	if (bpf_map_lookup_elem(&hash, &k))
		return 7;
	if (bpf_map_delete_elem(&hash, &k) != -2)
		return 8;
	return 0;
}

SEC("uprobe")
int queue_stack_ops(void *ctx)
{
	__u32 v, one = 1, two = 2, three = 3;

	if (bpf_map_push_elem(&queue, &one, 0) || bpf_map_push_elem(&queue, &two, 0) ||
	    bpf_map_push_elem(&queue, &three, 0))
		return 1;
	if (bpf_map_push_elem(&stack, &one, 0) || bpf_map_push_elem(&stack, &two, 0) ||
	    bpf_map_push_elem(&stack, &three, 0))
		return 2;
	if (bpf_map_peek_elem(&queue, &v) || v != 1)
		return 3;
	if (bpf_map_pop_elem(&queue, &v) || v != 1)
		return 4;
	if (bpf_map_pop_elem(&stack, &v) || v != 3)
		return 5;
	if (bpf_map_peek_elem(&stack, &v) || v != 2)
		return 6;
	return 0;
}

SEC("uprobe")
int percpu_ops(void *ctx)
{
	__u32 k = 0;
	__u64 *p = bpf_map_lookup_elem(&pcpu, &k), *q;

	if (!p)
		return 1;
	*p += 5;
	q = bpf_map_lookup_percpu_elem(&pcpu, &k, bpf_get_smp_processor_id());
	if (q != p)
		return 2;
	if (bpf_map_lookup_percpu_elem(&pcpu, &k, 100000))
		return 3;
	return 0;
}

static long sum_elem(void *map, __u32 *key, __u64 *val, __u64 *sum)
{
	*sum += *val;
	return *key == 2; /* stop after the third element */
}

SEC("uprobe")
int for_each(void *ctx)
{
	__u64 sum = 0, v;
	__u32 k;

	k = 0, v = 10;
	bpf_map_update_elem(&arr, &k, &v, BPF_ANY);
	k = 1, v = 20;
	bpf_map_update_elem(&arr, &k, &v, BPF_ANY);
	k = 2, v = 30;
	bpf_map_update_elem(&arr, &k, &v, BPF_ANY);
	k = 3, v = 40;
	bpf_map_update_elem(&arr, &k, &v, BPF_ANY);
	long n = bpf_for_each_map_elem(&arr, sum_elem, &sum, 0);
	if (n != 3)
		return 1;
	if (sum != 60)
		return 2;
	return 0;
}

static long add_index(__u32 i, __u64 *sum)
{
	*sum += i;
	return i == 9; /* stop after ten */
}

SEC("uprobe")
int loop(void *ctx)
{
	__u64 sum = 0;
	long n = bpf_loop(100, add_index, &sum, 0);

	if (n != 10)
		return 1;
	if (sum != 45)
		return 2;
	if (bpf_loop(1, add_index, &sum, 1) != -22 /* EINVAL: flags */)
		return 3;
	return 0;
}

SEC("uprobe")
int spin(void *ctx)
{
	__u32 k = 0;
	struct locked *l = bpf_map_lookup_elem(&locks, &k);

	if (!l)
		return 1;
	bpf_spin_lock(&l->lock);
	l->count++;
	bpf_spin_unlock(&l->lock);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
