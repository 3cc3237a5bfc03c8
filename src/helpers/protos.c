/* SPDX-License-Identifier: MIT */
/*
 * The helper table. Ids are the kernel's (enum bpf_func_id in
 * <linux/bpf.h>); prototypes follow the kernel's `struct bpf_func_proto`
 * of the same name (kernel/bpf/helpers.c, kernel/trace/bpf_trace.c,
 * kernel/bpf/ringbuf.c, kernel/bpf/stackmap.c, kernel/bpf/bpf_iter.c), with
 * the kernel's type flags folded into our flat argument kinds:
 *
 *   ARG_PTR_TO_MEM | MEM_RDONLY                   -> PTR_TO_MEM
 *   ARG_PTR_TO_MEM | PTR_MAYBE_NULL | MEM_RDONLY  -> PTR_TO_MEM_OR_NULL
 *   ARG_PTR_TO_MAP_VALUE | MEM_UNINIT             -> PTR_TO_UNINIT_MAP_VALUE
 *   ARG_PTR_TO_RINGBUF_MEM | OBJ_RELEASE          -> PTR_TO_RINGBUF_MEM + F_RELEASE
 *   ARG_PTR_TO_FIXED_SIZE_MEM | MEM_UNINIT (u64)  -> PTR_TO_LONG
 *   RET_PTR_TO_MEM | PTR_MAYBE_NULL | MEM_RINGBUF -> PTR_TO_MEM_OR_NULL + F_ACQUIRE
 *
 * Rows are kept in id order; helper_proto_find() relies on it.
 */
#include <linux/bpf.h>
#include <string.h>

#include "helpers/helpers.h"
#include "helpers/impl.h"

#define A(k) HELPER_ARG_##k
#define R(k) HELPER_RET_##k
#define GPL HELPER_F_GPL_ONLY
#define PKT HELPER_F_PKT_ACCESS

/*
 * Which program kinds may call a helper: the kernel's get_func_proto of
 * each program type (bpf_base_func_proto, bpf_tracing_func_proto and
 * kprobe_prog_func_proto, tp_prog_func_proto, pe_prog_func_proto,
 * raw_tp_prog_func_proto, tracing_prog_func_proto in kernel/trace/
 * bpf_trace.c; sk_filter_func_proto, tc_cls_act_func_proto,
 * xdp_func_proto, cg_skb_func_proto in net/core/filter.c), as a root
 * (CAP_BPF, CAP_PERFMON) loader sees them on Linux 6.18.
 */
#define P(k) HELPER_PROG_BIT(HELPER_PROG_##k)
#define ALL HELPER_PROGS_ALL
/* tracing kinds: probe_read, stacks, func_ip, cookies */
#define TRACE (P(KPROBE) | P(TRACEPOINT) | P(PERF_EVENT) | P(RAW_TP) | P(TRACING))
/* trampoline programs only (bpf_prog_has_trampoline): func args, ret */
#define TRAMP P(TRACING)
/* bpf_base_func_proto helpers bpf_tracing_func_proto leaves out */
#define NET (P(SOCKET) | P(TC) | P(XDP) | P(CGROUP_SKB))
/* programs on a struct __sk_buff */
#define SKB (P(SOCKET) | P(TC) | P(CGROUP_SKB))

/* H(name, progs, ret, flags, args...): the row for BPF_FUNC_name. */
#define H(nm, pr, r, fl, ...)                                                                      \
	{ .id = BPF_FUNC_##nm, .name = #nm, .progs = pr, .ret = r, .flags = fl,                    \
	  .args = { __VA_ARGS__ }, .fn = HELPER_IMPL_##nm }

static const struct helper_proto protos[] = {
	H(map_lookup_elem, ALL, R(PTR_TO_MAP_VALUE_OR_NULL), PKT, A(CONST_MAP_PTR), A(PTR_TO_MAP_KEY)),
	H(map_update_elem, ALL, R(INTEGER), PKT, A(CONST_MAP_PTR), A(PTR_TO_MAP_KEY),
	  A(PTR_TO_MAP_VALUE), A(ANYTHING)),
	H(map_delete_elem, ALL, R(INTEGER), PKT, A(CONST_MAP_PTR), A(PTR_TO_MAP_KEY)),
	/* bpf_probe_read_compat_proto: on x86-64 a user address reads as user */
	H(probe_read, TRACE, R(INTEGER), GPL, A(PTR_TO_UNINIT_MEM), A(CONST_SIZE_OR_ZERO), A(ANYTHING)),
	H(ktime_get_ns, ALL, R(INTEGER), 0),
	H(trace_printk, ALL, R(INTEGER), GPL, A(PTR_TO_MEM), A(CONST_SIZE)),
	H(get_prandom_u32, ALL, R(INTEGER), 0),
	H(get_smp_processor_id, ALL, R(INTEGER), 0),
	/* Packet helpers (net/core/filter.c; packet.c): they work on the
	 * runtime's packet frame, and the verifier invalidates packet
	 * pointers at calls of those that move the packet. */
	H(skb_store_bytes, P(TC), R(INTEGER), 0, A(PTR_TO_CTX), A(ANYTHING), A(PTR_TO_MEM),
	  A(CONST_SIZE), A(ANYTHING)),
	H(l3_csum_replace, P(TC), R(INTEGER), 0, A(PTR_TO_CTX), A(ANYTHING), A(ANYTHING),
	  A(ANYTHING), A(ANYTHING)),
	H(l4_csum_replace, P(TC), R(INTEGER), 0, A(PTR_TO_CTX), A(ANYTHING), A(ANYTHING),
	  A(ANYTHING), A(ANYTHING)),
	/* The kernel's proto has no function: the fixups and engines do it. */
	H(tail_call, ALL, R(VOID), HELPER_F_TAIL_CALL, A(PTR_TO_CTX), A(CONST_MAP_PTR), A(ANYTHING)),
	H(get_current_pid_tgid, ALL, R(INTEGER), 0),
	H(get_current_uid_gid, ALL, R(INTEGER), 0),
	H(get_current_comm, ALL, R(INTEGER), 0, A(PTR_TO_UNINIT_MEM), A(CONST_SIZE)),
	H(perf_event_output, ALL, R(INTEGER), GPL, A(PTR_TO_CTX), A(CONST_MAP_PTR), A(ANYTHING),
	  A(PTR_TO_MEM), A(CONST_SIZE_OR_ZERO)),
	H(skb_load_bytes, SKB, R(INTEGER), 0, A(PTR_TO_CTX), A(ANYTHING), A(PTR_TO_UNINIT_MEM),
	  A(CONST_SIZE)),
	H(get_stackid, TRACE, R(INTEGER), GPL, A(PTR_TO_CTX), A(CONST_MAP_PTR), A(ANYTHING)),
	H(csum_diff, P(TC) | P(XDP), R(INTEGER), PKT, A(PTR_TO_MEM_OR_NULL), A(CONST_SIZE_OR_ZERO),
	  A(PTR_TO_MEM_OR_NULL), A(CONST_SIZE_OR_ZERO), A(ANYTHING)),
	H(skb_pull_data, P(TC), R(INTEGER), 0, A(PTR_TO_CTX), A(ANYTHING)),
	H(get_numa_node_id, ALL, R(INTEGER), 0),
	H(xdp_adjust_head, P(XDP), R(INTEGER), 0, A(PTR_TO_CTX), A(ANYTHING)),
	H(probe_read_str, TRACE, R(INTEGER), GPL, A(PTR_TO_UNINIT_MEM), A(CONST_SIZE_OR_ZERO),
	  A(ANYTHING)),
	H(xdp_adjust_meta, P(XDP), R(INTEGER), 0, A(PTR_TO_CTX), A(ANYTHING)),
	H(xdp_adjust_tail, P(XDP), R(INTEGER), 0, A(PTR_TO_CTX), A(ANYTHING)),
	H(get_stack, TRACE, R(INTEGER), GPL, A(PTR_TO_CTX), A(PTR_TO_UNINIT_MEM), A(CONST_SIZE_OR_ZERO),
	  A(ANYTHING)),
	H(map_push_elem, ALL, R(INTEGER), 0, A(CONST_MAP_PTR), A(PTR_TO_MAP_VALUE), A(ANYTHING)),
	H(map_pop_elem, ALL, R(INTEGER), 0, A(CONST_MAP_PTR), A(PTR_TO_UNINIT_MAP_VALUE)),
	H(map_peek_elem, ALL, R(INTEGER), 0, A(CONST_MAP_PTR), A(PTR_TO_UNINIT_MAP_VALUE)),
	H(spin_lock, ALL, R(VOID), 0, A(PTR_TO_SPIN_LOCK)),
	H(spin_unlock, ALL, R(VOID), 0, A(PTR_TO_SPIN_LOCK)),
	H(probe_read_user, ALL, R(INTEGER), GPL, A(PTR_TO_UNINIT_MEM), A(CONST_SIZE_OR_ZERO),
	  A(ANYTHING)),
	/* In user space there is no kernel memory: reads the process' own. */
	H(probe_read_kernel, ALL, R(INTEGER), GPL, A(PTR_TO_UNINIT_MEM), A(CONST_SIZE_OR_ZERO),
	  A(ANYTHING)),
	H(probe_read_user_str, ALL, R(INTEGER), GPL, A(PTR_TO_UNINIT_MEM), A(CONST_SIZE_OR_ZERO),
	  A(ANYTHING)),
	H(probe_read_kernel_str, ALL, R(INTEGER), GPL, A(PTR_TO_UNINIT_MEM), A(CONST_SIZE_OR_ZERO),
	  A(ANYTHING)),
	H(jiffies64, ALL, R(INTEGER), 0),
	H(ktime_get_boot_ns, ALL, R(INTEGER), 0),
	H(ringbuf_output, ALL, R(INTEGER), 0, A(CONST_MAP_PTR), A(PTR_TO_MEM), A(CONST_SIZE_OR_ZERO),
	  A(ANYTHING)),
	H(ringbuf_reserve, ALL, R(PTR_TO_MEM_OR_NULL), HELPER_F_ACQUIRE, A(CONST_MAP_PTR),
	  A(CONST_ALLOC_SIZE_OR_ZERO), A(ANYTHING)),
	H(ringbuf_submit, ALL, R(VOID), HELPER_F_RELEASE, A(PTR_TO_RINGBUF_MEM), A(ANYTHING)),
	H(ringbuf_discard, ALL, R(VOID), HELPER_F_RELEASE, A(PTR_TO_RINGBUF_MEM), A(ANYTHING)),
	H(ringbuf_query, ALL, R(INTEGER), 0, A(CONST_MAP_PTR), A(ANYTHING)),
	H(ktime_get_coarse_ns, NET, R(INTEGER), 0),
	H(for_each_map_elem, ALL, R(INTEGER), HELPER_F_CALLBACK, A(CONST_MAP_PTR), A(PTR_TO_FUNC),
	  A(PTR_TO_STACK_OR_NULL), A(ANYTHING)),
	H(snprintf, ALL, R(INTEGER), GPL, A(PTR_TO_UNINIT_MEM_OR_NULL), A(CONST_SIZE_OR_ZERO),
	  A(PTR_TO_CONST_STR), A(PTR_TO_MEM_OR_NULL), A(CONST_SIZE_OR_ZERO)),
	/* bpf_get_func_ip_proto_tracing */
	H(get_func_ip, TRACE, R(INTEGER), GPL, A(PTR_TO_CTX)),
	/* bpf_get_attach_cookie_proto_trace */
	H(get_attach_cookie, TRACE, R(INTEGER), 0, A(PTR_TO_CTX)),
	H(trace_vprintk, ALL, R(INTEGER), GPL, A(PTR_TO_MEM), A(CONST_SIZE), A(PTR_TO_MEM_OR_NULL),
	  A(CONST_SIZE_OR_ZERO)),
	H(loop, ALL, R(INTEGER), HELPER_F_CALLBACK, A(ANYTHING), A(PTR_TO_FUNC), A(PTR_TO_STACK_OR_NULL),
	  A(ANYTHING)),
	H(strncmp, ALL, R(INTEGER), 0, A(PTR_TO_MEM), A(CONST_SIZE), A(PTR_TO_CONST_STR)),
	H(get_func_arg, TRAMP, R(INTEGER), GPL, A(PTR_TO_CTX), A(ANYTHING), A(PTR_TO_LONG)),
	H(get_func_ret, TRAMP, R(INTEGER), GPL, A(PTR_TO_CTX), A(PTR_TO_LONG)),
	H(get_func_arg_cnt, TRAMP, R(INTEGER), GPL, A(PTR_TO_CTX)),
	H(xdp_get_buff_len, P(XDP), R(INTEGER), 0, A(PTR_TO_CTX)),
	H(xdp_load_bytes, P(XDP), R(INTEGER), 0, A(PTR_TO_CTX), A(ANYTHING), A(PTR_TO_UNINIT_MEM),
	  A(CONST_SIZE)),
	H(xdp_store_bytes, P(XDP), R(INTEGER), 0, A(PTR_TO_CTX), A(ANYTHING), A(PTR_TO_MEM),
	  A(CONST_SIZE)),
	H(map_lookup_percpu_elem, ALL, R(PTR_TO_MAP_VALUE_OR_NULL), 0, A(CONST_MAP_PTR),
	  A(PTR_TO_MAP_KEY), A(ANYTHING)),
	H(dynptr_from_mem, ALL, R(INTEGER), 0, A(PTR_TO_UNINIT_MEM), A(CONST_SIZE_OR_ZERO), A(ANYTHING),
	  A(PTR_TO_DYNPTR_UNINIT)),
	/* the dynptr holds the reference (released by submit/discard_dynptr) */
	H(ringbuf_reserve_dynptr, ALL, R(INTEGER), 0, A(CONST_MAP_PTR), A(ANYTHING), A(ANYTHING),
	  A(PTR_TO_DYNPTR_UNINIT)),
	H(ringbuf_submit_dynptr, ALL, R(VOID), HELPER_F_RELEASE, A(PTR_TO_DYNPTR_RINGBUF), A(ANYTHING)),
	H(ringbuf_discard_dynptr, ALL, R(VOID), HELPER_F_RELEASE, A(PTR_TO_DYNPTR_RINGBUF),
	  A(ANYTHING)),
	H(dynptr_read, ALL, R(INTEGER), 0, A(PTR_TO_UNINIT_MEM), A(CONST_SIZE_OR_ZERO), A(PTR_TO_DYNPTR),
	  A(ANYTHING), A(ANYTHING)),
	H(dynptr_write, ALL, R(INTEGER), 0, A(PTR_TO_DYNPTR), A(ANYTHING), A(PTR_TO_MEM),
	  A(CONST_SIZE_OR_ZERO), A(ANYTHING)),
	H(dynptr_data, ALL, R(PTR_TO_DYNPTR_MEM_OR_NULL), 0, A(PTR_TO_DYNPTR), A(ANYTHING),
	  A(CONST_ALLOC_SIZE_OR_ZERO)),
	H(ktime_get_tai_ns, ALL, R(INTEGER), 0),
};

#define PROTO_CNT (sizeof(protos) / sizeof(protos[0]))

const struct helper_proto *helper_proto_find(uint32_t id)
{
	size_t lo = 0, hi = PROTO_CNT;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (protos[mid].id == id)
			return &protos[mid];
		if (protos[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct helper_proto *helper_proto_by_name(const char *name)
{
	if (!name)
		return NULL;
	if (strncmp(name, "bpf_", 4) == 0)
		name += 4;
	for (size_t i = 0; i < PROTO_CNT; i++)
		if (strcmp(protos[i].name, name) == 0)
			return &protos[i];
	return NULL;
}

/* The kernel program type whose helper set each attach kind has. bpfrt's
 * own kinds follow the kernel's nearest: uprobes and USDT are kprobe
 * programs (as in the kernel), sampling is perf_event. UNSPEC (the raw
 * context of embedders and bpf_conformance) may call every helper. */
static const uint8_t prog_of_kind[BPFRT_ATTACH_KIND_COUNT] = {
	[BPFRT_ATTACH_UNSPEC] = HELPER_PROG_ANY,
	[BPFRT_ATTACH_UPROBE] = HELPER_PROG_KPROBE,
	[BPFRT_ATTACH_URETPROBE] = HELPER_PROG_KPROBE,
	[BPFRT_ATTACH_UPROBE_MULTI] = HELPER_PROG_KPROBE,
	[BPFRT_ATTACH_URETPROBE_MULTI] = HELPER_PROG_KPROBE,
	[BPFRT_ATTACH_UPROBE_SESSION] = HELPER_PROG_KPROBE,
	[BPFRT_ATTACH_USDT] = HELPER_PROG_KPROBE,
	[BPFRT_ATTACH_KPROBE] = HELPER_PROG_KPROBE,
	[BPFRT_ATTACH_KRETPROBE] = HELPER_PROG_KPROBE,
	[BPFRT_ATTACH_KPROBE_MULTI] = HELPER_PROG_KPROBE,
	[BPFRT_ATTACH_KRETPROBE_MULTI] = HELPER_PROG_KPROBE,
	[BPFRT_ATTACH_KPROBE_SESSION] = HELPER_PROG_KPROBE,
	[BPFRT_ATTACH_FENTRY] = HELPER_PROG_TRACING,
	[BPFRT_ATTACH_FEXIT] = HELPER_PROG_TRACING,
	[BPFRT_ATTACH_FSESSION] = HELPER_PROG_TRACING,
	[BPFRT_ATTACH_FMOD_RET] = HELPER_PROG_TRACING,
	[BPFRT_ATTACH_TRACEPOINT] = HELPER_PROG_TRACEPOINT,
	[BPFRT_ATTACH_RAW_TP] = HELPER_PROG_RAW_TP,
	[BPFRT_ATTACH_PERF_EVENT] = HELPER_PROG_PERF_EVENT,
	[BPFRT_ATTACH_SOCKET] = HELPER_PROG_SOCKET,
	[BPFRT_ATTACH_XDP] = HELPER_PROG_XDP,
	[BPFRT_ATTACH_TC] = HELPER_PROG_TC,
	[BPFRT_ATTACH_CGROUP_SKB] = HELPER_PROG_CGROUP_SKB,
	[BPFRT_ATTACH_CGROUP] = HELPER_PROG_NONE,
	[BPFRT_ATTACH_OTHER] = HELPER_PROG_NONE,
};

bool helper_allowed(const struct helper_proto *p, enum bpfrt_attach_kind kind)
{
	if ((unsigned)kind >= BPFRT_ATTACH_KIND_COUNT)
		return false;
	uint8_t k = prog_of_kind[kind];
	if (k == HELPER_PROG_ANY)
		return true;
	return k != HELPER_PROG_NONE && (p->progs & HELPER_PROG_BIT(k));
}

/* Every helper name the kernel's UAPI header knows, as the kernel's log
 * prints it (kernel/bpf/disasm.c func_id_str): bpfrt's own rows and the
 * kernel helpers bpfrt does not provide alike. */
#define KERNEL_NAME(x, ...) [BPF_FUNC_##x] = "bpf_" #x
static const char *const kernel_names[] = { __BPF_FUNC_MAPPER(KERNEL_NAME) };
#undef KERNEL_NAME

const char *helper_kernel_name(uint32_t id)
{
	if (id < sizeof(kernel_names) / sizeof(kernel_names[0]) && kernel_names[id])
		return kernel_names[id];
	return "unknown";
}

const struct helper_proto *helper_proto_table(uint32_t *count)
{
	if (count)
		*count = PROTO_CNT;
	return protos;
}
