// SPDX-License-Identifier: MIT
/* A CPU set the program owns (struct bpf_cpumask): created (a reference,
 * or NULL), filled, a second reference taken and both released. CPUs past
 * the machine's count are ignored. Returns weight * 10 + test_cpu(0): 11. */
#include "kfuncs.h"

SEC("uprobe")
int cpus(void *ctx)
{
	struct bpf_cpumask *m = bpf_cpumask_create(), *again;
	__u32 n;
	int has0;

	if (!m)
		return -1;
	bpf_cpumask_set_cpu(0, m);
	bpf_cpumask_set_cpu(0, m);
	bpf_cpumask_set_cpu(1u << 20, m); /* no such CPU */
	again = bpf_cpumask_acquire(m);
	bpf_cpumask_release(m);
	n = bpf_cpumask_weight(again);
	has0 = bpf_cpumask_test_cpu(0, again);
	bpf_cpumask_clear_cpu(0, again);
	n = n * 10 + has0 + bpf_cpumask_weight(again) * 100;
	bpf_cpumask_release(again);
	return n;
}

char LICENSE[] SEC("license") = "GPL";
