// SPDX-License-Identifier: MIT
/* Global (non-static) functions: the verifier checks each once, from its
 * BTF signature, and every call against that signature. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct pair {
	__u64 a, b;
};

/* A pointer argument is `sizeof(struct pair)` bytes or NULL. */
__noinline int pair_sum(struct pair *p)
{
	if (!p)
		return -1;
	return (int)(p->a + p->b);
}

/* Tagged arg:nonnull (libbpf's __arg_nonnull): never NULL, so no check;
 * each caller must pass memory, not NULL or a pointer that may be NULL. */
__noinline int pair_max(struct pair *p __attribute__((btf_decl_tag("arg:nonnull"))))
{
	return (int)(p->a > p->b ? p->a : p->b);
}

/* Tagged arg:ctx (libbpf's __arg_ctx): the context, whatever its type. */
__noinline int second_arg(void *regs __attribute__((btf_decl_tag("arg:ctx"))))
{
	return (int)PT_REGS_PARM2((struct pt_regs *)regs);
}

__noinline int scale(int x, int k)
{
	return x * k;
}

/* The context as an argument: the probed function's first argument. */
__noinline int first_arg(struct pt_regs *ctx)
{
	return (int)PT_REGS_PARM1(ctx);
}

__u64 seen;

SEC("uprobe")
int global_calls(struct pt_regs *ctx)
{
	struct pair p = { .a = 3, .b = 4 };
	int s = pair_sum(&p);

	if (s != 7 || pair_sum(NULL) != -1)
		return 1;
	if (scale(s, 6) != 42)
		return 2;
	if (pair_max(&p) != 4)
		return 3;
	seen = first_arg(ctx) + second_arg(ctx);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
