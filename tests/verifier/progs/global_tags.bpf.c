// SPDX-License-Identifier: MIT
/* Global functions' argument tags (arg:untrusted, arg:arena, arg:nullable,
 * unknown and misplaced tags) as Linux 6.18 takes them: test_objects.c
 * holds bpfrt's verdicts, test_objects_kernel.c the kernel's, the same but
 * for null_to_nonnull and the kernel struct of walk_leaf*, which bpfrt
 * has no type for (docs/verifier.md). __weak keeps clang from folding
 * the calls away. arg:trusted needs kernel types: global_tags.case. */
#include "kfuncs.h" /* examples/bpf */

#define __arg_nonnull __attribute__((btf_decl_tag("arg:nonnull")))
#define __arg_nullable __attribute__((btf_decl_tag("arg:nullable")))
#define __arg_untrusted __attribute__((btf_decl_tag("arg:untrusted")))
#define __arg_arena __attribute__((btf_decl_tag("arg:arena")))
#define __arg_ctx __attribute__((btf_decl_tag("arg:ctx")))

struct pair {
	__u64 a, b;
};

__weak int pair_sum(struct pair *p __arg_nonnull)
{
	return (int)(p->a + p->b);
}

/* the kernel accepts a constant NULL here and reads through it; bpfrt
 * refuses it */
SEC("uprobe")
int null_to_nonnull(void *ctx)
{
	return pair_sum((void *)0);
}

__weak int read_untrusted(void *p __arg_untrusted)
{
	return *(int *)p;
}

SEC("uprobe")
int untrusted_void(void *ctx)
{
	struct pair p = { 1, 2 };

	return read_untrusted(&p) + read_untrusted((void *)8) + read_untrusted(ctx);
}

__weak int read_untrusted_char(char *p __arg_untrusted)
{
	return p ? p[100] : 0;
}

SEC("uprobe")
int untrusted_char(void *ctx)
{
	return read_untrusted_char((void *)0) + read_untrusted_char(ctx);
}

/* an unbounded offset: untrusted memory's offsets are not tracked */
__weak int read_untrusted_far(void *p __arg_untrusted)
{
	__u64 k = bpf_get_prandom_u32();

	return *(int *)(p + k * 0x100000001ULL - 100);
}

SEC("uprobe")
int untrusted_arith(void *ctx)
{
	return read_untrusted_far(ctx);
}

__weak int write_untrusted(void *p __arg_untrusted)
{
	*(int *)p = 1;
	return 0;
}

SEC("uprobe")
int untrusted_write(void *ctx)
{
	return write_untrusted(ctx);
}

struct task_struct;

__weak int untrusted_fwd(struct task_struct *p __arg_untrusted)
{
	return p != 0;
}

/* a struct only declared: no kernel type matches it */
SEC("uprobe")
int untrusted_task(void *ctx)
{
	return untrusted_fwd((void *)0);
}

__weak int arena_addr(void *p __arg_arena)
{
	return p != 0;
}

SEC("uprobe")
int arena_scalar(void *ctx)
{
	return arena_addr((void *)4096);
}

SEC("uprobe")
int arena_ptr(void *ctx)
{
	return arena_addr(ctx);
}

__weak int nullable_mem(struct pair *p __arg_nullable)
{
	return p ? (int)p->a : 0;
}

/* arg:nullable goes with arg:trusted only */
SEC("uprobe")
int nullable_alone(void *ctx)
{
	struct pair p = { 1, 2 };

	return nullable_mem(&p);
}

__weak int bogus_tag(void *p __attribute__((btf_decl_tag("arg:bogus"))))
{
	return p != 0;
}

SEC("uprobe")
int unknown_tag(void *ctx)
{
	return bogus_tag((void *)0);
}

__weak int ctx_and_nonnull(void *p __arg_nonnull __arg_ctx)
{
	return p != 0;
}

SEC("uprobe")
int ctx_nonnull(void *ctx)
{
	return ctx_and_nonnull(ctx);
}

__weak int tagged_int(int x __arg_nonnull)
{
	return x;
}

SEC("uprobe")
int tag_on_int(void *ctx)
{
	return tagged_int(1);
}

/* a struct bpf_dynptr * parameter: the caller's initialised dynptr, a
 * local one in the function */
__weak int dynptr_first(const struct bpf_dynptr *d)
{
	char buf[4];

	return bpf_dynptr_read(buf, sizeof(buf), d, 0, 0) ? 0 : buf[0];
}

SEC("uprobe")
int dynptr_arg(void *ctx)
{
	struct bpf_dynptr d;
	int n;

	bpf_ringbuf_reserve_dynptr(&events, 8, 0, &d);
	n = dynptr_first(&d);
	bpf_ringbuf_discard_dynptr(&d, 0);
	return n;
}

__weak int dynptr_drop(struct bpf_dynptr *d)
{
	bpf_ringbuf_discard_dynptr(d, 0);
	return 0;
}

SEC("uprobe")
int dynptr_arg_released(void *ctx)
{
	struct bpf_dynptr d;
	int n;

	bpf_ringbuf_reserve_dynptr(&events, 8, 0, &d);
	n = dynptr_drop(&d);
	bpf_ringbuf_discard_dynptr(&d, 0);
	return n;
}

/* A kernel struct (CO-RE: the kernel's struct file): its void * member
 * reads as read-only untrusted memory in 6.18 (bpfrt walks the same with
 * its target BTF, test_btf_ptr.c; here it has none: "has no matches"). */
struct file {
	void *private_data;
} __attribute__((preserve_access_index));

__weak int file_private(struct file *f __arg_untrusted)
{
	return *(int *)f->private_data;
}

SEC("uprobe")
int walk_leaf(void *ctx)
{
	return file_private((void *)0);
}

__weak int file_private_write(struct file *f __arg_untrusted)
{
	*(int *)f->private_data = 1;
	return 0;
}

SEC("uprobe")
int walk_leaf_write(void *ctx)
{
	return file_private_write((void *)0);
}

char LICENSE[] SEC("license") = "GPL";
