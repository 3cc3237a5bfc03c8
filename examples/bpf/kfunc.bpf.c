// SPDX-License-Identifier: MIT
/* A session program declaring kfuncs (extern ... __ksym): runs on entry and
 * exit of the traced function, keeping a per-call cookie; counts the calls
 * slower than 1 ms (fsession programs return 0, as fentry/fexit). */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

extern int bpf_session_is_return(void *ctx) __ksym;
extern __u64 *bpf_session_cookie(void *ctx) __ksym;

__u64 slow_calls;

SEC("fsession/handle_request")
int session(void *ctx)
{
	__u64 *cookie = bpf_session_cookie(ctx);

	if (!bpf_session_is_return(ctx)) {
		*cookie = bpf_ktime_get_ns();
		return 0;
	}
	if (bpf_ktime_get_ns() - *cookie > 1000000)
		__sync_fetch_and_add(&slow_calls, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
