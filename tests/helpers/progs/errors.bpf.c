// SPDX-License-Identifier: MIT
/* Programs the runtime must refuse at load, naming what is wrong. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int bpf_no_such_kfunc(int x) __ksym;
static long (*const no_such_helper)(void) = (void *)999;
static long (*const kernel_only_helper)(void) = (void *)BPF_FUNC_get_current_task;

SEC("uprobe")
int bad_kfunc(void *ctx)
{
	return bpf_no_such_kfunc(1);
}

SEC("uprobe")
int bad_helper(void *ctx)
{
	return no_such_helper();
}

SEC("uprobe")
int kernel_helper(void *ctx)
{
	return kernel_only_helper();
}

char LICENSE[] SEC("license") = "GPL";
