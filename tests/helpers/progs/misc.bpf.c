// SPDX-License-Identifier: MIT
/* printk, snprintf, time, task ids, probe_read and dynptrs. Results the
 * test compares with its own view are stored in globals. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* One struct, so the test knows the offsets. */
struct {
	__u64 pid_tgid, uid_gid, cpu;
	char comm[16];
	char text[32];
	__u64 src_addr; /* set by the test */
	__u64 read_val;
	char read_str[16];
} res;

extern int bpf_dynptr_size(const struct bpf_dynptr *p) __ksym;
extern void *bpf_dynptr_slice(const struct bpf_dynptr *p, __u64 offset, void *buffer__opt,
			      __u32 buffer__szk) __ksym;
extern int bpf_dynptr_adjust(const struct bpf_dynptr *p, __u32 start, __u32 end) __ksym;

SEC("uprobe")
int print(void *ctx)
{
	bpf_printk("hello %d %s", 42, "world");
	bpf_printk("four args %d %d %d %d", 1, 2, 3, 4);
	return 0;
}

SEC("uprobe")
int fmt(void *ctx)
{
	return BPF_SNPRINTF(res.text, sizeof(res.text), "%d-%s", 7, "x");
}

SEC("uprobe")
int clocks(void *ctx)
{
	__u64 a = bpf_ktime_get_ns(), b = bpf_ktime_get_ns();

	if (!a || b < a)
		return 1;
	if (!bpf_ktime_get_boot_ns())
		return 2;
	if (!bpf_ktime_get_coarse_ns())
		return 3;
	if (!bpf_ktime_get_tai_ns() || !bpf_jiffies64())
		return 5;
	if (bpf_get_numa_node_id() > 1024)
		return 6;
	__u32 r = bpf_get_prandom_u32(), differ = 0;
	for (int i = 0; i < 4; i++)
		differ |= bpf_get_prandom_u32() != r;
	return differ ? 0 : 4;
}

SEC("uprobe")
int ids(void *ctx)
{
	res.pid_tgid = bpf_get_current_pid_tgid();
	res.uid_gid = bpf_get_current_uid_gid();
	res.cpu = bpf_get_smp_processor_id();
	return bpf_get_current_comm(res.comm, sizeof(res.comm));
}

SEC("uprobe")
int probe(void *ctx)
{
	__u64 v;

	if (bpf_probe_read_user(&v, sizeof(v), (void *)8) != -14)
		return 1;
	if (bpf_probe_read_kernel(&v, sizeof(v), (void *)8) != -14 || v != 0)
		return 2;
	if (bpf_probe_read_user(&res.read_val, sizeof(res.read_val), (void *)res.src_addr))
		return 3;
	if (bpf_probe_read_user_str(res.read_str, sizeof(res.read_str), (void *)res.src_addr) <= 0)
		return 4;
	char s[4];
	if (bpf_probe_read_kernel_str(s, sizeof(s), (void *)res.src_addr) != 4 || s[3])
		return 5;
	if (bpf_probe_read_str(s, sizeof(s), (void *)8) != -14)
		return 6;
	if (bpf_probe_read(&v, sizeof(v), (void *)res.src_addr) || v != res.read_val)
		return 7;
	return 0;
}

SEC("uprobe")
int dynptr(void *ctx)
{
	char buf[16] = "0123456789abcde";
	struct bpf_dynptr d;
	char out[4];

	if (bpf_dynptr_from_mem(buf, sizeof(buf), 0, &d))
		return 1;
	if (bpf_dynptr_size(&d) != 16)
		return 2;
	if (bpf_dynptr_read(out, 4, &d, 2, 0) || out[0] != '2')
		return 3;
	if (bpf_dynptr_adjust(&d, 4, 8))
		return 4;
	char *s = bpf_dynptr_slice(&d, 1, 0, 2);
	if (!s || s[0] != '5')
		return 5;
	if (bpf_dynptr_write(&d, 0, "zz", 2, 0) || buf[4] != 'z')
		return 6;
	if (bpf_dynptr_read(out, 4, &d, 2, 0) != -7 /* E2BIG */)
		return 7;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
