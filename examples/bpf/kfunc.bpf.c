// SPDX-License-Identifier: MIT
/* A session program declaring kfuncs (extern ... __ksym): runs on entry and
 * exit of the traced function, keeping a per-call cookie. */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

extern int bpf_session_is_return(void *ctx) __ksym;
extern __u64 *bpf_session_cookie(void *ctx) __ksym;

SEC("fsession/handle_request")
int session(void *ctx)
{
	__u64 *cookie = bpf_session_cookie(ctx);

	if (!bpf_session_is_return(ctx)) {
		*cookie = bpf_ktime_get_ns();
		return 0;
	}
	return bpf_ktime_get_ns() - *cookie > 1000000 ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
