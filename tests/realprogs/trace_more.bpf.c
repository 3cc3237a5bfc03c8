// SPDX-License-Identifier: MIT
/* More of what tracing tools use: bpf_get_current_task with the task's
 * fields read through it, bpf_strncmp against a command name, tail calls
 * between kprobe programs, bpf_loop whose callback calls a subprogram,
 * an open-coded numeric iterator (bpf_iter_num kfuncs) and bpf_snprintf. */
#include "real.h"
#include "kfuncs.h" /* examples/bpf: bpf_iter_num */

struct task_fields {
	__u8 pad[2048];
	__u32 pid;
	__u32 tgid;
};

SEC("kprobe/do_nanosleep")
int cur_task_pid(struct pt_regs *ctx)
{
	struct task_fields *t = (void *)bpf_get_current_task();
	__u32 tgid = 0;

	bpf_probe_read_kernel(&tgid, sizeof(tgid), &t->tgid);
	return tgid == (bpf_get_current_pid_tgid() >> 32);
}

SEC("kprobe/do_nanosleep")
int comm_is_sleep(struct pt_regs *ctx)
{
	char comm[16];

	bpf_get_current_comm(comm, sizeof(comm));
	return bpf_strncmp(comm, 5, "sleep") == 0;
}

SEC("kprobe/do_nanosleep")
int kp_stage2(struct pt_regs *ctx)
{
	return 2;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int(void *));
} stages SEC(".maps") = {
	.values = { [1] = (void *)&kp_stage2 },
};

SEC("kprobe/do_nanosleep")
int kp_stage1(struct pt_regs *ctx)
{
	bpf_tail_call(ctx, &stages, (__u32)PT_REGS_PARM1(ctx) & 3);
	return 1;
}

static __noinline __u64 square(__u64 x)
{
	return x * x;
}

static long sum_squares(__u64 i, void *data)
{
	*(__u64 *)data += square(i);
	return 0;
}

SEC("perf_event")
int loop_calls(void *ctx)
{
	__u64 total = 0, n = bpf_get_prandom_u32() & 31;

	bpf_loop(n, sum_squares, &total, 0);
	return total > 1000;
}

SEC("perf_event")
int iter_num_sum(void *ctx)
{
	struct bpf_iter_num it;
	int *v, sum = 0;

	bpf_iter_num_new(&it, 0, 20);
	while ((v = bpf_iter_num_next(&it)))
		sum += *v;
	bpf_iter_num_destroy(&it);
	return sum == 190;
}

static const char fmt[] = "pid %d ret %ld";

SEC("kretprobe/do_nanosleep")
int ret_format(struct pt_regs *ctx)
{
	char out[32];
	__u64 args[2] = { bpf_get_current_pid_tgid() >> 32, PT_REGS_RC(ctx) };

	return bpf_snprintf(out, sizeof(out), fmt, args, sizeof(args)) > 0;
}

char LICENSE[] SEC("license") = "GPL";
