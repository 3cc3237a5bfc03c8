// SPDX-License-Identifier: MIT
/* Reading kernel objects through pointers, as tools without CO-RE do:
 * nested structures read with bpf_probe_read_kernel (task -> mm -> exe
 * file -> name), a linked list walked with a bounded loop, a stack trace
 * id, perf event output of a fixed-size record; a raw tracepoint reading
 * its arguments array; a perf_event sampler keyed by a struct. */
#include "real.h"

struct qstr {
	__u32 hash, len;
	const unsigned char *name;
};

struct dentry {
	void *parent;
	struct qstr d_name;
};

struct path {
	void *mnt;
	struct dentry *dentry;
};

struct file {
	void *ops;
	struct path f_path;
};

struct mm_struct {
	__u64 start_code, end_code;
	struct file *exe_file;
};

struct task {
	__u32 pid, tgid;
	struct mm_struct *mm;
	struct task *parent;
	char comm[16];
};

struct list_node {
	struct list_node *next;
	__u32 value;
};

struct exec_rec {
	__u32 pid, ppid, depth, sum;
	__u64 code_size;
	char exe[32];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} recs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 128);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 127 * sizeof(__u64));
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_rec);
} scratch SEC(".maps");

SEC("kprobe/wake_up_new_task")
int BPF_KPROBE(task_info, struct task *t, struct list_node *list)
{
	__u32 zero = 0;
	struct exec_rec *r = bpf_map_lookup_elem(&scratch, &zero);
	struct mm_struct *mm;
	struct file *f;
	const unsigned char *name;
	struct task *p = t;

	if (!r)
		return 0;
	__builtin_memset(r, 0, sizeof(*r));
	bpf_probe_read_kernel(&r->pid, sizeof(r->pid), &t->tgid);
	bpf_probe_read_kernel(&p, sizeof(p), &t->parent);
	if (p)
		bpf_probe_read_kernel(&r->ppid, sizeof(r->ppid), &p->tgid);
	/* ancestors, at most 8 */
	p = t;
	for (int i = 0; i < 8; i++) {
		struct task *up = 0;
		if (bpf_probe_read_kernel(&up, sizeof(up), &p->parent) || !up || up == p)
			break;
		p = up;
		r->depth++;
	}
	bpf_probe_read_kernel(&mm, sizeof(mm), &t->mm);
	if (mm) {
		__u64 s = 0, e = 0;
		bpf_probe_read_kernel(&s, sizeof(s), &mm->start_code);
		bpf_probe_read_kernel(&e, sizeof(e), &mm->end_code);
		r->code_size = e - s;
		bpf_probe_read_kernel(&f, sizeof(f), &mm->exe_file);
		struct dentry *d = 0;
		if (f && !bpf_probe_read_kernel(&d, sizeof(d), &f->f_path.dentry) && d &&
		    !bpf_probe_read_kernel(&name, sizeof(name), &d->d_name.name))
			bpf_probe_read_kernel_str(r->exe, sizeof(r->exe), name);
	}
	/* a list of values, at most 16 nodes */
	for (int i = 0; i < 16 && list; i++) {
		__u32 v = 0;
		bpf_probe_read_kernel(&v, sizeof(v), &list->value);
		r->sum += v;
		bpf_probe_read_kernel(&list, sizeof(list), &list->next);
	}
	bpf_perf_event_output(ctx, &recs, BPF_F_CURRENT_CPU, r, sizeof(*r));
	return bpf_get_stackid(ctx, &stacks, 0) >= 0;
}

SEC("raw_tp/sched_switch")
int raw_switch(struct bpf_raw_tracepoint_args *ctx)
{
	struct task *prev = (struct task *)ctx->args[1], *next = (struct task *)ctx->args[2];
	char comm[16];
	__u32 pid = 0;

	bpf_probe_read_kernel(&pid, sizeof(pid), &next->pid);
	bpf_probe_read_kernel_str(comm, sizeof(comm), prev->comm);
	return comm[0] == 's' && pid > 100;
}

struct sample_key {
	__u32 pid;
	__s32 kstack, ustack;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct sample_key);
	__type(value, __u64);
} samples SEC(".maps");

SEC("perf_event")
int profile(struct bpf_perf_event_data *ctx)
{
	struct sample_key k = {};
	__u64 one = 1, *v;

	k.pid = bpf_get_current_pid_tgid() >> 32;
	k.kstack = bpf_get_stackid(ctx, &stacks, 0);
	k.ustack = bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK);
	bpf_get_current_comm(k.comm, sizeof(k.comm));
	if (PT_REGS_IP(&ctx->regs) & 1)
		k.pid |= 0x80000000u;
	v = bpf_map_lookup_elem(&samples, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&samples, &k, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
