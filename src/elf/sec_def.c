/* SPDX-License-Identifier: MIT */
/*
 * Section names: what a program attaches to, the libbpf way.
 *
 * One row per SEC() prefix libbpf knows (libbpf.c section_defs[]): the
 * prefix, our attach kind, the kernel's program and attach types, and how
 * the rest of the name is read. A name matches a row when it equals the
 * prefix or continues with '/'; rows marked SLEEPABLE also match the ".s"
 * variant ("uprobe.s/..."). Longer prefixes come first where one prefix
 * starts another ("uprobe.multi" before "uprobe").
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "elf_priv.h"

/* Attach types newer than the UAPI headers we build against (Linux 6.1). */
#define ATT_TCX_INGRESS 46
#define ATT_TCX_EGRESS 47
#define ATT_UPROBE_MULTI 48
#define ATT_KPROBE_SESSION 56
#define ATT_UPROBE_SESSION 57
#define PROG_NETFILTER 32

/* How the target after "PREFIX/" is split. */
enum target_form {
	T_NONE,	    /* no target */
	T_RAW,	    /* kept as is */
	T_FUNC,	    /* FUNC[+OFF] */
	T_BIN_FUNC, /* BINARY:FUNC[+OFF] */
	T_USDT,	    /* BINARY:PROVIDER:NAME */
	T_TP,	    /* CATEGORY/NAME */
};

enum { SLEEPABLE = 1 };

struct sec_def {
	const char *prefix;
	enum bpfrt_attach_kind kind;
	uint32_t prog_type, attach_type;
	enum target_form form;
	unsigned flags;
};

static const struct sec_def sec_defs[] = {
	{ "uprobe.multi", BPFRT_ATTACH_UPROBE_MULTI, BPF_PROG_TYPE_KPROBE, ATT_UPROBE_MULTI, T_BIN_FUNC, SLEEPABLE },
	{ "uretprobe.multi", BPFRT_ATTACH_URETPROBE_MULTI, BPF_PROG_TYPE_KPROBE, ATT_UPROBE_MULTI, T_BIN_FUNC, SLEEPABLE },
	{ "uprobe.session", BPFRT_ATTACH_UPROBE_SESSION, BPF_PROG_TYPE_KPROBE, ATT_UPROBE_SESSION, T_BIN_FUNC, SLEEPABLE },
	{ "uprobe", BPFRT_ATTACH_UPROBE, BPF_PROG_TYPE_KPROBE, 0, T_BIN_FUNC, SLEEPABLE },
	{ "uretprobe", BPFRT_ATTACH_URETPROBE, BPF_PROG_TYPE_KPROBE, 0, T_BIN_FUNC, SLEEPABLE },
	{ "usdt", BPFRT_ATTACH_USDT, BPF_PROG_TYPE_KPROBE, 0, T_USDT, SLEEPABLE },
	{ "kprobe.multi", BPFRT_ATTACH_KPROBE_MULTI, BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, T_RAW, 0 },
	{ "kretprobe.multi", BPFRT_ATTACH_KRETPROBE_MULTI, BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, T_RAW, 0 },
	{ "kprobe.session", BPFRT_ATTACH_KPROBE_SESSION, BPF_PROG_TYPE_KPROBE, ATT_KPROBE_SESSION, T_RAW, 0 },
	{ "kprobe", BPFRT_ATTACH_KPROBE, BPF_PROG_TYPE_KPROBE, 0, T_FUNC, 0 },
	{ "kretprobe", BPFRT_ATTACH_KRETPROBE, BPF_PROG_TYPE_KPROBE, 0, T_FUNC, 0 },
	{ "ksyscall", BPFRT_ATTACH_KPROBE, BPF_PROG_TYPE_KPROBE, 0, T_FUNC, 0 },
	{ "kretsyscall", BPFRT_ATTACH_KRETPROBE, BPF_PROG_TYPE_KPROBE, 0, T_FUNC, 0 },
	{ "fentry", BPFRT_ATTACH_FENTRY, BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, T_FUNC, SLEEPABLE },
	{ "fexit", BPFRT_ATTACH_FEXIT, BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, T_FUNC, SLEEPABLE },
	/* The 2026 fsession attach type has no number in our UAPI headers. */
	{ "fsession", BPFRT_ATTACH_FSESSION, BPF_PROG_TYPE_TRACING, 0, T_FUNC, SLEEPABLE },
	{ "fmod_ret", BPFRT_ATTACH_FMOD_RET, BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, T_FUNC, SLEEPABLE },
	{ "tracepoint", BPFRT_ATTACH_TRACEPOINT, BPF_PROG_TYPE_TRACEPOINT, 0, T_TP, 0 },
	{ "tp_btf", BPFRT_ATTACH_RAW_TP, BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, T_RAW, 0 },
	{ "tp", BPFRT_ATTACH_TRACEPOINT, BPF_PROG_TYPE_TRACEPOINT, 0, T_TP, 0 },
	{ "raw_tracepoint.w", BPFRT_ATTACH_RAW_TP, BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, T_RAW, 0 },
	{ "raw_tracepoint", BPFRT_ATTACH_RAW_TP, BPF_PROG_TYPE_RAW_TRACEPOINT, 0, T_RAW, 0 },
	{ "raw_tp.w", BPFRT_ATTACH_RAW_TP, BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, T_RAW, 0 },
	{ "raw_tp", BPFRT_ATTACH_RAW_TP, BPF_PROG_TYPE_RAW_TRACEPOINT, 0, T_RAW, 0 },
	{ "perf_event", BPFRT_ATTACH_PERF_EVENT, BPF_PROG_TYPE_PERF_EVENT, 0, T_NONE, 0 },
	{ "socket", BPFRT_ATTACH_SOCKET, BPF_PROG_TYPE_SOCKET_FILTER, 0, T_NONE, 0 },
	{ "xdp.frags", BPFRT_ATTACH_XDP, BPF_PROG_TYPE_XDP, BPF_XDP, T_RAW, 0 },
	{ "xdp", BPFRT_ATTACH_XDP, BPF_PROG_TYPE_XDP, BPF_XDP, T_RAW, 0 },
	{ "tcx/ingress", BPFRT_ATTACH_TC, BPF_PROG_TYPE_SCHED_CLS, ATT_TCX_INGRESS, T_NONE, 0 },
	{ "tcx/egress", BPFRT_ATTACH_TC, BPF_PROG_TYPE_SCHED_CLS, ATT_TCX_EGRESS, T_NONE, 0 },
	{ "tc", BPFRT_ATTACH_TC, BPF_PROG_TYPE_SCHED_CLS, 0, T_RAW, 0 },
	{ "classifier", BPFRT_ATTACH_TC, BPF_PROG_TYPE_SCHED_CLS, 0, T_NONE, 0 },
	{ "action", BPFRT_ATTACH_TC, BPF_PROG_TYPE_SCHED_ACT, 0, T_NONE, 0 },
	{ "cgroup_skb/ingress", BPFRT_ATTACH_CGROUP_SKB, BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS, T_NONE, 0 },
	{ "cgroup_skb/egress", BPFRT_ATTACH_CGROUP_SKB, BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, T_NONE, 0 },
	{ "cgroup/skb", BPFRT_ATTACH_CGROUP_SKB, BPF_PROG_TYPE_CGROUP_SKB, 0, T_NONE, 0 },
	{ "cgroup/sock_create", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, T_NONE, 0 },
	{ "cgroup/sock_release", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_RELEASE, T_NONE, 0 },
	{ "cgroup/sock", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, T_NONE, 0 },
	{ "cgroup/post_bind4", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET4_POST_BIND, T_NONE, 0 },
	{ "cgroup/post_bind6", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET6_POST_BIND, T_NONE, 0 },
	{ "cgroup/dev", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE, T_NONE, 0 },
	{ "cgroup/bind4", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND, T_NONE, 0 },
	{ "cgroup/bind6", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_BIND, T_NONE, 0 },
	{ "cgroup/connect4", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, T_NONE, 0 },
	{ "cgroup/connect6", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT, T_NONE, 0 },
	{ "cgroup/sendmsg4", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_SENDMSG, T_NONE, 0 },
	{ "cgroup/sendmsg6", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG, T_NONE, 0 },
	{ "cgroup/recvmsg4", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_RECVMSG, T_NONE, 0 },
	{ "cgroup/recvmsg6", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_RECVMSG, T_NONE, 0 },
	{ "cgroup/getpeername4", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETPEERNAME, T_NONE, 0 },
	{ "cgroup/getpeername6", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETPEERNAME, T_NONE, 0 },
	{ "cgroup/getsockname4", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETSOCKNAME, T_NONE, 0 },
	{ "cgroup/getsockname6", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETSOCKNAME, T_NONE, 0 },
	{ "cgroup/sysctl", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, T_NONE, 0 },
	{ "cgroup/getsockopt", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT, T_NONE, 0 },
	{ "cgroup/setsockopt", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT, T_NONE, 0 },
	{ "sockops", BPFRT_ATTACH_CGROUP, BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS, T_NONE, 0 },
	{ "sk_skb/stream_parser", BPFRT_ATTACH_OTHER, BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_PARSER, T_NONE, 0 },
	{ "sk_skb/stream_verdict", BPFRT_ATTACH_OTHER, BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_VERDICT, T_NONE, 0 },
	{ "sk_skb", BPFRT_ATTACH_OTHER, BPF_PROG_TYPE_SK_SKB, 0, T_NONE, 0 },
	{ "sk_msg", BPFRT_ATTACH_OTHER, BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT, T_NONE, 0 },
	{ "sk_lookup", BPFRT_ATTACH_OTHER, BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, T_NONE, 0 },
	{ "sk_reuseport", BPFRT_ATTACH_OTHER, BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT, T_NONE, 0 },
	{ "flow_dissector", BPFRT_ATTACH_OTHER, BPF_PROG_TYPE_FLOW_DISSECTOR, BPF_FLOW_DISSECTOR, T_NONE, 0 },
	{ "lwt_in", BPFRT_ATTACH_OTHER, BPF_PROG_TYPE_LWT_IN, 0, T_NONE, 0 },
	{ "lwt_out", BPFRT_ATTACH_OTHER, BPF_PROG_TYPE_LWT_OUT, 0, T_NONE, 0 },
	{ "lwt_xmit", BPFRT_ATTACH_OTHER, BPF_PROG_TYPE_LWT_XMIT, 0, T_NONE, 0 },
	{ "lwt_seg6local", BPFRT_ATTACH_OTHER, BPF_PROG_TYPE_LWT_SEG6LOCAL, 0, T_NONE, 0 },
	{ "lirc_mode2", BPFRT_ATTACH_OTHER, BPF_PROG_TYPE_LIRC_MODE2, BPF_LIRC_MODE2, T_NONE, 0 },
	{ "lsm_cgroup", BPFRT_ATTACH_OTHER, BPF_PROG_TYPE_LSM, BPF_LSM_CGROUP, T_RAW, 0 },
	{ "lsm", BPFRT_ATTACH_OTHER, BPF_PROG_TYPE_LSM, BPF_LSM_MAC, T_RAW, SLEEPABLE },
	{ "iter", BPFRT_ATTACH_OTHER, BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, T_RAW, SLEEPABLE },
	{ "freplace", BPFRT_ATTACH_OTHER, BPF_PROG_TYPE_EXT, 0, T_RAW, 0 },
	{ "struct_ops", BPFRT_ATTACH_OTHER, BPF_PROG_TYPE_STRUCT_OPS, 0, T_RAW, SLEEPABLE },
	{ "syscall", BPFRT_ATTACH_OTHER, BPF_PROG_TYPE_SYSCALL, 0, T_NONE, 0 },
	{ "netfilter", BPFRT_ATTACH_OTHER, PROG_NETFILTER, 0, T_NONE, 0 },
};

static const char *const kind_names[BPFRT_ATTACH_KIND_COUNT] = {
	[BPFRT_ATTACH_UNSPEC] = "unspec",
	[BPFRT_ATTACH_UPROBE] = "uprobe",
	[BPFRT_ATTACH_URETPROBE] = "uretprobe",
	[BPFRT_ATTACH_UPROBE_MULTI] = "uprobe.multi",
	[BPFRT_ATTACH_URETPROBE_MULTI] = "uretprobe.multi",
	[BPFRT_ATTACH_UPROBE_SESSION] = "uprobe.session",
	[BPFRT_ATTACH_USDT] = "usdt",
	[BPFRT_ATTACH_KPROBE] = "kprobe",
	[BPFRT_ATTACH_KRETPROBE] = "kretprobe",
	[BPFRT_ATTACH_KPROBE_MULTI] = "kprobe.multi",
	[BPFRT_ATTACH_KRETPROBE_MULTI] = "kretprobe.multi",
	[BPFRT_ATTACH_KPROBE_SESSION] = "kprobe.session",
	[BPFRT_ATTACH_FENTRY] = "fentry",
	[BPFRT_ATTACH_FEXIT] = "fexit",
	[BPFRT_ATTACH_FSESSION] = "fsession",
	[BPFRT_ATTACH_FMOD_RET] = "fmod_ret",
	[BPFRT_ATTACH_TRACEPOINT] = "tracepoint",
	[BPFRT_ATTACH_RAW_TP] = "raw_tp",
	[BPFRT_ATTACH_PERF_EVENT] = "perf_event",
	[BPFRT_ATTACH_SOCKET] = "socket",
	[BPFRT_ATTACH_XDP] = "xdp",
	[BPFRT_ATTACH_TC] = "tc",
	[BPFRT_ATTACH_CGROUP_SKB] = "cgroup_skb",
	[BPFRT_ATTACH_CGROUP] = "cgroup",
	[BPFRT_ATTACH_OTHER] = "other",
};

const char *bpfrt_attach_kind_name(enum bpfrt_attach_kind kind)
{
	if ((unsigned)kind >= BPFRT_ATTACH_KIND_COUNT)
		return NULL;
	return kind_names[kind];
}

/* Does `name` start with `prefix` followed by the end, '/', or (when the
 * row allows it) ".s" and then the end or '/'? Returns the rest after the
 * '/' (or "" when none), NULL when it does not match. */
static const char *match(const struct sec_def *d, const char *name, bool *sleepable)
{
	size_t n = strlen(d->prefix);
	if (strncmp(name, d->prefix, n))
		return NULL;
	const char *p = name + n;
	*sleepable = false;
	if ((d->flags & SLEEPABLE) && p[0] == '.' && p[1] == 's' && (p[2] == '/' || !p[2])) {
		*sleepable = true;
		p += 2;
	}
	if (!*p)
		return p;
	return *p == '/' ? p + 1 : NULL;
}

/* Splits "A:B+OFF" style targets in place. */
static void split_func_off(char *s, struct bpfrt_attach_target *t)
{
	char *plus = strrchr(s, '+');
	if (plus && plus[1]) {
		char *end;
		unsigned long long off = strtoull(plus + 1, &end, 0);
		if (!*end) {
			*plus = 0;
			t->offset = off;
		}
	}
	t->func = *s ? s : NULL;
}

static void parse_target(const struct sec_def *d, char *s, struct bpfrt_attach_target *t)
{
	char *colon;
	switch (d->form) {
	case T_NONE:
	case T_RAW:
		break;
	case T_FUNC:
		split_func_off(s, t);
		break;
	case T_BIN_FUNC:
		/* The binary may itself hold ':' only in odd paths; libbpf
		 * splits at the last ':' before the function. */
		colon = strrchr(s, ':');
		if (!colon) {
			t->binary = *s ? s : NULL;
			break;
		}
		*colon = 0;
		t->binary = *s ? s : NULL;
		split_func_off(colon + 1, t);
		break;
	case T_USDT:
		colon = strrchr(s, ':');
		if (!colon)
			break;
		*colon = 0;
		t->name = colon + 1;
		colon = strrchr(s, ':');
		if (!colon) {
			t->provider = s;
			break;
		}
		*colon = 0;
		t->provider = colon + 1;
		t->binary = *s ? s : NULL;
		break;
	case T_TP: {
		char *slash = strchr(s, '/');
		if (slash) {
			*slash = 0;
			t->category = s;
			t->name = slash + 1;
		}
		break;
	}
	}
}

int elf_sec_def_apply(struct bpfrt_program *prog)
{
	for (size_t i = 0; i < sizeof(sec_defs) / sizeof(sec_defs[0]); i++) {
		const struct sec_def *d = &sec_defs[i];
		bool sleepable;
		const char *rest = match(d, prog->section, &sleepable);
		if (!rest)
			continue;
		prog->kind = d->kind;
		prog->prog_type = d->prog_type;
		prog->attach_type = d->attach_type;
		prog->sleepable = sleepable;
		if (!*rest)
			return 0;
		/* raw, then a second copy to split: both live in target_buf */
		size_t n = strlen(rest) + 1;
		prog->target_buf = malloc(2 * n);
		if (!prog->target_buf)
			return -ENOMEM;
		memcpy(prog->target_buf, rest, n);
		memcpy(prog->target_buf + n, rest, n);
		prog->target.raw = prog->target_buf;
		parse_target(d, prog->target_buf + n, &prog->target);
		return 0;
	}
	prog->kind = BPFRT_ATTACH_UNSPEC;
	return 0;
}

/* Global data sections: .data, .data.*, .rodata, .rodata.*, .bss, .bss.*. */
bool elf_sec_is_data(const char *name, enum elf_sec_kind *kind)
{
	static const struct {
		const char *prefix;
		enum elf_sec_kind kind;
	} data_secs[] = {
		{ ".data", SEC_DATA },
		{ ".rodata", SEC_RODATA },
		{ ".bss", SEC_BSS },
	};
	for (size_t i = 0; i < sizeof(data_secs) / sizeof(data_secs[0]); i++) {
		size_t n = strlen(data_secs[i].prefix);
		if (!strncmp(name, data_secs[i].prefix, n) && (!name[n] || name[n] == '.')) {
			*kind = data_secs[i].kind;
			return true;
		}
	}
	return false;
}
