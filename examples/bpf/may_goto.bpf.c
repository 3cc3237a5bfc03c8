// SPDX-License-Identifier: MIT
/* may_goto: loops whose end the verifier cannot see, ended by a budget.
 * `can_loop` is true while the current call's budget (8M turns, the
 * kernel's BPF_MAX_LOOPS) lasts and spends one turn each time it is true;
 * the kernel's bpf_experimental.h has the same macro. */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

#define can_loop                                                  \
	({                                                        \
		__label__ spent, go_on;                           \
		_Bool more = 1;                                   \
		asm volatile goto("may_goto %l[spent]" :::: spent); \
		goto go_on;                                       \
	spent:                                                    \
		more = 0;                                         \
	go_on:                                                    \
		more;                                             \
	})

/* Counts the turns of the budget: 8388608. */
SEC("perf_event")
int budget(void *ctx)
{
	__u32 n = 0;

	while (can_loop)
		n++;
	return (int)n;
}

/* Collatz steps of 27 | the context's first word (111 for a zeroed
 * context): no bound the verifier could prove. */
SEC("perf_event")
int collatz(void *ctx)
{
	__u64 n = *(__u64 *)ctx | 27;
	__u32 steps = 0;

	while (n != 1 && can_loop) {
		n = (n & 1) ? 3 * n + 1 : n / 2;
		steps++;
	}
	return (int)steps;
}

char LICENSE[] SEC("license") = "GPL";
