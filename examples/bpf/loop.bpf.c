// SPDX-License-Identifier: MIT
/* Loops: a bounded loop the verifier must walk and a bpf_loop callback (an
 * ld_imm64 of a subprogram). Sums 1..n for n in the context's first word. */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

struct loop_ctx {
	__u64 sum;
};

static int add_one(__u32 i, void *data)
{
	struct loop_ctx *lc = data;

	lc->sum += i + 1;
	return 0;
}

SEC("perf_event")
int bounded_loop(void *ctx)
{
	__u32 n = (__u32)*(__u64 *)ctx; /* perf_event: registers are read whole */
	__u64 sum = 0;

	for (__u32 i = 1; i <= 64; i++) {
		if (i > n)
			break;
		sum += i;
	}
	return (int)sum;
}

SEC("perf_event")
int callback_loop(void *ctx)
{
	struct loop_ctx lc = { 0 };
	__u32 n = (__u32)*(__u64 *)ctx; /* perf_event: registers are read whole */

	bpf_loop(n & 63, add_one, &lc, 0);
	return (int)lc.sum;
}

char LICENSE[] SEC("license") = "GPL";
