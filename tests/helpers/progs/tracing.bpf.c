// SPDX-License-Identifier: MIT
/* fentry/fexit helpers on a frame of u64 arguments, and the session and
 * exception kfuncs. fentry, fexit and fsession programs must return 0 (the
 * kernel's rule): they report a failed check in res.err. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

extern void bpf_throw(__u64 cookie) __ksym;
extern __u64 *bpf_session_cookie(void *ctx) __ksym;
extern _Bool bpf_session_is_return(void *ctx) __ksym;

struct {
	__u64 nargs, arg1, ip, cookie, ret, err;
} res;

SEC("fentry/target_func")
int args(__u64 *ctx)
{
	__u64 v;

	res.nargs = bpf_get_func_arg_cnt(ctx);
	if (bpf_get_func_arg(ctx, 1, &v)) {
		res.err = 1;
		return 0;
	}
	res.arg1 = v;
	if (bpf_get_func_arg(ctx, res.nargs, &v) != -22) {
		res.err = 2;
		return 0;
	}
	res.ip = bpf_get_func_ip(ctx);
	res.cookie = bpf_get_attach_cookie(ctx);
	return 0;
}

SEC("fexit/target_func")
int result(__u64 *ctx)
{
	res.err = bpf_get_func_ret(ctx, &res.ret);
	return 0;
}

/* Entry run of a session: keeps a value in the session cookie. */
SEC("fsession/target_func")
int session(__u64 *ctx)
{
	__u64 *cookie = bpf_session_cookie(ctx);

	if (bpf_session_is_return(ctx))
		return 0;
	*cookie = 0x5e55;
	res.err = *cookie == 0x5e55 ? 0 : 3;
	return 0;
}

SEC("uprobe")
int throws(void *ctx)
{
	bpf_throw(7);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
