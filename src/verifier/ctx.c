/* SPDX-License-Identifier: MIT */
/*
 * Context access by attach kind. Each attach mechanism states which fields
 * of its context exist and which it genuinely provides (MISSION.md: no
 * context field is ever made up); a read of a field the mechanism cannot
 * provide is rejected with a message naming the field and what to do.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <linux/bpf.h>
#undef MAX_BPF_REG /* the UAPI's; state.h has the verifier's */

#include "verifier/state.h"

/* x86-64 struct pt_regs as BPF programs see it (kernel layout). */
enum { PT_REGS_FIELDS = 21 };
static const char *const pt_regs_names[PT_REGS_FIELDS] = {
	"r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9", "r8", "ax",
	"cx",  "dx",  "si",  "di",  "orig_ax", "ip", "cs", "flags", "sp", "ss",
};

/* Bit per pt_regs field (in the order above) that a mechanism saves. */
/* A tracepoint record: its common fields, then the event's. */
enum { TP_RECORD_COMMON = 8, TP_RECORD_MAX = BPFRT_TP_RECORD_MAX };

#define F(i) (1u << (i))
#define PT_ALL ((1u << PT_REGS_FIELDS) - 1)
#define PT_ARGS (F(14) | F(13) | F(12) | F(11) | F(9) | F(8)) /* di si dx cx r8 r9 */
#define PT_SP_IP (F(19) | F(16))
#define PT_RET (F(10) | F(12))				       /* ax dx */

enum ctx_layout {
	CTX_NONE,    /* a kernel-only context: not runnable in user space */
	CTX_RAW,     /* a memory block (r1) and its size (r2) */
	CTX_PT_REGS, /* struct pt_regs, read-only */
	CTX_ARGS,    /* u64 args[nr_args] (+ return value), read-only */
	CTX_BYTES,   /* a tracepoint record (ctx_size bytes, 0: up to 8192), read-only */
	CTX_PACKET,  /* struct xdp_md or struct __sk_buff: fields table below */
	CTX_RAW_TP,  /* raw_tp, tp_btf: u64 args[], read-only (btf_ptr.c) */
};

struct ctx_desc {
	const char *name;
	const char *how; /* what the mechanism saves, for messages */
	enum ctx_layout layout;
	uint32_t genuine; /* CTX_PT_REGS: fields provided */
	uint32_t extra;	  /* bytes after pt_regs (perf_event: sample_period, addr); a
			   * context with them reads registers whole, as the kernel's
			   * pe_prog_is_valid_access (kprobes may read parts) */
	bool has_ret;	  /* CTX_ARGS: the return value follows the arguments */
};

/*
 * Packet contexts: the UAPI structs, field by field, with what each program
 * kind may do with a field (the kernel's xdp_is_valid_access,
 * tc_cls_act_is_valid_access, sk_filter_is_valid_access,
 * cg_skb_is_valid_access and bpf_skb_is_valid_access). data / data_end / data_meta load as packet
 * pointers (packet.c). The other fields are what the runner passes in its
 * context (bpfrt_runtime__run, as BPF_PROG_TEST_RUN: len, protocol and
 * pkt_type from the packet, ifindex 1, the rest zero; src/runtime/pkt_run.c).
 */
enum pkt_access {
	PA_NONE = 0,	 /* not accessible */
	PA_READ,	 /* read: narrow loads of 1, 2 or 4 bytes (u64 fields: 8) */
	PA_RW,		 /* and written with the field's size */
	PA_CB,		 /* cb[]: any aligned size inside cb, read and write */
	PA_EXACT,	 /* read only with the field's size */
	PA_RW_EXACT,	 /* read and written with the field's size only */
	PA_NOT_PROVIDED, /* a kernel object bpfrt has none of */
};

struct pkt_ctx_field {
	const char *name;
	uint16_t off, size;
	uint8_t type;	   /* what a load gives: SCALAR_VALUE or PTR_TO_PACKET* */
	uint8_t access[4]; /* enum pkt_access per column: xdp, tc, socket, cgroup_skb */
};

enum { COL_XDP, COL_TC, COL_SOCKET, COL_CGROUP_SKB };

#define XF(f, t, a) { #f, offsetof(struct xdp_md, f), 4, t, { a, 0, 0, 0 } }
static const struct pkt_ctx_field xdp_fields[] = {
	XF(data, PTR_TO_PACKET, PA_EXACT),
	XF(data_end, PTR_TO_PACKET_END, PA_EXACT),
	XF(data_meta, PTR_TO_PACKET_META, PA_EXACT),
	XF(ingress_ifindex, SCALAR_VALUE, PA_EXACT),
	XF(rx_queue_index, SCALAR_VALUE, PA_EXACT),
	/* egress_ifindex: devmap programs only */
};

/* cgroup_skb: the kernel's cg_skb_is_valid_access for a CAP_BPF loader
 * (data and data_end readable, tstamp writable). */
#define SF(f, sz, t, tc, sock, cg) \
	{ #f, offsetof(struct __sk_buff, f), sz, t, { 0, tc, sock, cg } }
static const struct pkt_ctx_field skb_fields[] = {
	SF(len, 4, SCALAR_VALUE, PA_READ, PA_READ, PA_READ),
	SF(pkt_type, 4, SCALAR_VALUE, PA_READ, PA_READ, PA_READ),
	SF(mark, 4, SCALAR_VALUE, PA_RW, PA_READ, PA_RW),
	SF(queue_mapping, 4, SCALAR_VALUE, PA_RW, PA_READ, PA_READ),
	SF(protocol, 4, SCALAR_VALUE, PA_READ, PA_READ, PA_READ),
	SF(vlan_present, 4, SCALAR_VALUE, PA_READ, PA_READ, PA_READ),
	SF(vlan_tci, 4, SCALAR_VALUE, PA_READ, PA_READ, PA_READ),
	SF(vlan_proto, 4, SCALAR_VALUE, PA_READ, PA_READ, PA_READ),
	SF(priority, 4, SCALAR_VALUE, PA_RW, PA_READ, PA_RW),
	SF(ingress_ifindex, 4, SCALAR_VALUE, PA_READ, PA_READ, PA_READ),
	SF(ifindex, 4, SCALAR_VALUE, PA_READ, PA_READ, PA_READ),
	SF(tc_index, 4, SCALAR_VALUE, PA_RW, PA_READ, PA_READ),
	SF(cb, 20, SCALAR_VALUE, PA_CB, PA_CB, PA_CB),
	SF(hash, 4, SCALAR_VALUE, PA_READ, PA_READ, PA_READ),
	SF(tc_classid, 4, SCALAR_VALUE, PA_RW, PA_NONE, PA_NONE),
	SF(data, 4, PTR_TO_PACKET, PA_EXACT, PA_NONE, PA_EXACT),
	SF(data_end, 4, PTR_TO_PACKET_END, PA_EXACT, PA_NONE, PA_EXACT),
	SF(napi_id, 4, SCALAR_VALUE, PA_READ, PA_READ, PA_READ),
	/* the socket's addresses: sk_skb and cgroup_skb programs; bpfrt has
	 * no kernel socket behind a packet */
	SF(family, 4, SCALAR_VALUE, PA_NONE, PA_NONE, PA_NOT_PROVIDED),
	SF(remote_ip4, 4, SCALAR_VALUE, PA_NONE, PA_NONE, PA_NOT_PROVIDED),
	SF(local_ip4, 4, SCALAR_VALUE, PA_NONE, PA_NONE, PA_NOT_PROVIDED),
	SF(remote_ip6, 16, SCALAR_VALUE, PA_NONE, PA_NONE, PA_NOT_PROVIDED),
	SF(local_ip6, 16, SCALAR_VALUE, PA_NONE, PA_NONE, PA_NOT_PROVIDED),
	SF(remote_port, 4, SCALAR_VALUE, PA_NONE, PA_NONE, PA_NOT_PROVIDED),
	SF(local_port, 4, SCALAR_VALUE, PA_NONE, PA_NONE, PA_NOT_PROVIDED),
	SF(data_meta, 4, PTR_TO_PACKET_META, PA_EXACT, PA_NONE, PA_NONE),
	SF(tstamp, 8, SCALAR_VALUE, PA_RW_EXACT, PA_NONE, PA_RW_EXACT),
	SF(wire_len, 4, SCALAR_VALUE, PA_READ, PA_NONE, PA_NONE),
	SF(gso_segs, 4, SCALAR_VALUE, PA_READ, PA_READ, PA_READ),
	SF(sk, 8, SCALAR_VALUE, PA_NOT_PROVIDED, PA_NOT_PROVIDED, PA_NOT_PROVIDED),
	SF(gso_size, 4, SCALAR_VALUE, PA_READ, PA_READ, PA_READ),
	SF(tstamp_type, 1, SCALAR_VALUE, PA_EXACT, PA_NONE, PA_NONE),
	SF(hwtstamp, 8, SCALAR_VALUE, PA_EXACT, PA_NONE, PA_EXACT),
};

struct pkt_ctx_desc {
	const struct pkt_ctx_field *fields;
	uint32_t nfields;
	uint32_t size;	/* sizeof the UAPI struct */
	uint8_t column; /* which access column of the table */
};

#define N(a) (uint32_t)(sizeof(a) / sizeof((a)[0]))
static const struct pkt_ctx_desc xdp_pkt = { xdp_fields, N(xdp_fields), sizeof(struct xdp_md),
					     COL_XDP };
static const struct pkt_ctx_desc tc_pkt = { skb_fields, N(skb_fields), sizeof(struct __sk_buff),
					    COL_TC };
static const struct pkt_ctx_desc socket_pkt = { skb_fields, N(skb_fields),
						sizeof(struct __sk_buff), COL_SOCKET };
static const struct pkt_ctx_desc cgroup_skb_pkt = { skb_fields, N(skb_fields),
						    sizeof(struct __sk_buff), COL_CGROUP_SKB };

static const struct ctx_desc raw_ctx = { "raw", "a memory block", CTX_RAW, 0, 0, false };
static const struct ctx_desc int3_ctx = { "int3 probe", "int3 probes save every register",
					  CTX_PT_REGS, PT_ALL, 0, false };
static const struct ctx_desc entry_ctx = {
	"trampoline", "trampolines at a function entry save only the argument registers "
		      "(di si dx cx r8 r9), sp and ip",
	CTX_PT_REGS, PT_ARGS | PT_SP_IP, 0, false
};
static const struct ctx_desc ret_ctx = {
	"return probe", "return probes save only the return value (ax dx), sp and ip",
	CTX_PT_REGS, PT_RET | PT_SP_IP, 0, false
};
static const struct ctx_desc args_ctx = { "fentry", "an array of u64 arguments", CTX_ARGS, 0, 0,
					  false };
static const struct ctx_desc args_ret_ctx = {
	"fexit", "an array of u64 arguments and the return value", CTX_ARGS, 0, 0, true
};
static const struct ctx_desc raw_tp_ctx = { "raw_tp", "an array of u64 arguments", CTX_RAW_TP,
					    0, 0, false };
static const struct ctx_desc perf_ctx = { "perf_event", "sampled registers", CTX_PT_REGS, PT_ALL,
					  16, false };
static const struct ctx_desc tp_ctx = { "tracepoint", "the tracepoint's record", CTX_BYTES, 0, 0,
					false };
static const struct ctx_desc none_ctx = { "kernel-only", "nothing", CTX_NONE, 0, 0, false };
static const struct ctx_desc xdp_ctx = { "xdp", "struct xdp_md", CTX_PACKET, 0, 0, false };
static const struct ctx_desc tc_ctx = { "tc", "struct __sk_buff", CTX_PACKET, 0, 0, false };
static const struct ctx_desc socket_ctx = { "socket", "struct __sk_buff", CTX_PACKET, 0, 0,
					    false };
static const struct ctx_desc cgroup_skb_ctx = { "cgroup_skb", "struct __sk_buff", CTX_PACKET, 0,
						0, false };

static const struct ctx_desc *desc_of(const struct verifier_env *env)
{
	bool tramp = env->opts->probe_mech == BPFRT_PROBE_TRAMPOLINE;
	switch (env->opts->attach) {
	case BPFRT_ATTACH_UNSPEC:
		return &raw_ctx;
	case BPFRT_ATTACH_UPROBE:
	case BPFRT_ATTACH_UPROBE_MULTI:
	case BPFRT_ATTACH_UPROBE_SESSION:
	case BPFRT_ATTACH_USDT:
	case BPFRT_ATTACH_KPROBE:
	case BPFRT_ATTACH_KPROBE_MULTI:
	case BPFRT_ATTACH_KPROBE_SESSION:
		return tramp ? &entry_ctx : &int3_ctx;
	case BPFRT_ATTACH_URETPROBE:
	case BPFRT_ATTACH_URETPROBE_MULTI:
	case BPFRT_ATTACH_KRETPROBE:
	case BPFRT_ATTACH_KRETPROBE_MULTI:
		return &ret_ctx;
	case BPFRT_ATTACH_FENTRY:
		return &args_ctx;
	case BPFRT_ATTACH_RAW_TP:
		return &raw_tp_ctx;
	case BPFRT_ATTACH_FEXIT:
	case BPFRT_ATTACH_FSESSION:
	case BPFRT_ATTACH_FMOD_RET:
		return &args_ret_ctx;
	case BPFRT_ATTACH_TRACEPOINT:
		return &tp_ctx;
	case BPFRT_ATTACH_PERF_EVENT:
		return &perf_ctx;
	case BPFRT_ATTACH_XDP:
		return &xdp_ctx;
	case BPFRT_ATTACH_TC:
		return &tc_ctx;
	case BPFRT_ATTACH_SOCKET:
		return &socket_ctx;
	case BPFRT_ATTACH_CGROUP_SKB:
		return &cgroup_skb_ctx;
	default:
		return &none_ctx;
	}
}

int ctx_check_kind(struct verifier_env *env)
{
	if (desc_of(env)->layout != CTX_NONE)
		return btf_target_init(env);
	verbose(env, "attach kind %d (%s) has a kernel-only context the verifier does not model\n",
		env->opts->attach, bpfrt_attach_kind_name(env->opts->attach));
	return -EINVAL;
}

void ctx_init_regs(struct verifier_env *env, struct reg_state *regs)
{
	const struct ctx_desc *d = desc_of(env);
	if (d->layout == CTX_RAW) {
		mark_ptr(&regs[1], PTR_TO_MEM);
		regs[1].mem_size = env->opts->ctx_size;
		mark_reg_known(&regs[2], env->opts->ctx_size);
		return;
	}
	mark_ptr(&regs[1], PTR_TO_CTX);
}

static uint32_t nr_args(const struct verifier_env *env)
{
	if (env->opts->nr_args)
		return env->opts->nr_args;
	return env->target_proto ? btf_target_nargs(env) : 6;
}

static int bad_access(struct verifier_env *env, int off, int size)
{
	verbose(env, "invalid bpf_context access off=%d size=%d\n", off, size);
	return -EACCES;
}

/* A load or store of [off, off+size) of a packet context. */
static int pkt_ctx_access(struct verifier_env *env, const struct ctx_desc *cd, uint32_t regno,
			  int off, int size, enum access t, struct reg_state *dst)
{
	const struct reg_state *r = &cur_regs(env)[regno];
	enum bpfrt_attach_kind k = env->opts->attach;
	const struct pkt_ctx_desc *d = k == BPFRT_ATTACH_XDP		? &xdp_pkt
				       : k == BPFRT_ATTACH_TC		? &tc_pkt
				       : k == BPFRT_ATTACH_CGROUP_SKB ? &cgroup_skb_pkt
									: &socket_pkt;
	const struct pkt_ctx_field *f = NULL;
	if (r->off) {
		verbose(env, "dereference of modified ctx ptr R%u off=%d disallowed\n", regno,
			r->off);
		return -EACCES;
	}
	if ((uint32_t)off >= d->size || off % size)
		return bad_access(env, off, size);
	for (uint32_t i = 0; i < d->nfields; i++)
		if ((uint32_t)off >= d->fields[i].off &&
		    (uint32_t)off < d->fields[i].off + d->fields[i].size)
			f = &d->fields[i];
	uint8_t a = f ? f->access[d->column] : PA_NONE;
	bool ok;
	switch (a) {
	case PA_READ:
		ok = t == ACCESS_READ && size <= f->size && off + size <= f->off + f->size;
		break;
	case PA_RW:
		ok = t == ACCESS_READ ? size <= f->size && off + size <= f->off + f->size
				      : size == f->size;
		break;
	case PA_CB:
		ok = off + size <= f->off + f->size;
		break;
	case PA_EXACT:
		ok = t == ACCESS_READ && size == f->size;
		break;
	case PA_RW_EXACT:
		ok = size == f->size;
		break;
	case PA_NOT_PROVIDED:
		verbose(env, "invalid bpf_context access off=%d size=%d: %s->%s is a kernel object "
			     "bpfrt does not provide\n",
			off, size, cd->how, f->name);
		return -EACCES;
	default:
		ok = false;
	}
	if (!ok) {
		if (f && a != PA_NONE && t == ACCESS_WRITE && (a == PA_READ || a == PA_EXACT))
			verbose(env, "invalid bpf_context access off=%d size=%d: %s->%s is read-only "
				     "in %s programs\n",
				off, size, cd->how, f->name, cd->name);
		else
			bad_access(env, off, size);
		return -EACCES;
	}
	if (t == ACCESS_READ && f->type != SCALAR_VALUE) {
		mark_ptr(dst, (enum reg_type)f->type);
		return 0;
	}
	mark_reg_unknown(dst);
	coerce_reg_to_size(dst, size);
	return 0;
}

/*
 * A tracepoint's record, as the kernel's tp_prog_is_valid_access: aligned
 * reads in [8, 8192) (PERF_MAX_TRACE_SIZE); its first 8 bytes, the common
 * fields, hold the kernel's pt_regs pointer there. When the record's size is
 * known (opts.ctx_size, from the event's tracefs format), the bytes past it
 * are not part of the record and are refused naming the size.
 */
static int tp_record_access(struct verifier_env *env, int off, int size)
{
	uint32_t known = env->opts->ctx_size;
	if (off % size || (uint32_t)off >= TP_RECORD_MAX)
		return bad_access(env, off, size);
	if (off < TP_RECORD_COMMON) {
		verbose(env, "invalid bpf_context access off=%d size=%d: the first %d bytes of a "
			     "tracepoint record (its common fields) are not readable\n",
			off, size, TP_RECORD_COMMON);
		return -EACCES;
	}
	if (known && (uint64_t)off + (uint64_t)size > known) {
		verbose(env, "invalid bpf_context access off=%d size=%d: the tracepoint's record is "
			     "%u bytes\n",
			off, size, known);
		return -EACCES;
	}
	return 0;
}

int ctx_check_access(struct verifier_env *env, uint32_t regno, int off, int size,
		     enum access t, struct reg_state *dst)
{
	const struct ctx_desc *d = desc_of(env);
	if (off < 0 || size <= 0)
		return bad_access(env, off, size);
	if (d->layout == CTX_PACKET)
		return pkt_ctx_access(env, d, regno, off, size, t, dst);
	if (t == ACCESS_WRITE) {
		verbose(env, "invalid bpf_context access off=%d size=%d: the %s context is read-only\n",
			off, size, d->name);
		return -EACCES;
	}
	switch (d->layout) {
	case CTX_PT_REGS: {
		int end = PT_REGS_FIELDS * 8 + (int)d->extra;
		if (off + size > end || (off % size))
			return bad_access(env, off, size);
		int field = off / 8;
		if ((off + size - 1) / 8 != field || (d->extra && field < PT_REGS_FIELDS && size != 8))
			return bad_access(env, off, size);
		if (field < PT_REGS_FIELDS && !(d->genuine & (1u << field))) {
			verbose(env,
				"invalid bpf_context access off=%d size=%d: pt_regs->%s is not provided by %s attachments (%s); attach with an int3 uprobe to read it\n",
				off, size, pt_regs_names[field], d->name, d->how);
			return -EACCES;
		}
		break;
	}
	case CTX_ARGS: {
		uint32_t n = nr_args(env) + d->has_ret;
		if (off % 8 || size > 8)
			return bad_access(env, off, size);
		if ((uint32_t)off / 8 >= n) {
			verbose(env,
				"invalid bpf_context access off=%d size=%d: %s programs get %u u64 arguments%s\n",
				off, size, d->name, nr_args(env), d->has_ret ? " and the return value" : "");
			return -EACCES;
		}
		if (size == 8) {
			/* the parameter's type: a BTF pointer or a scalar */
			uint32_t arg = (uint32_t)off / 8;
			btf_ctx_arg(env, arg, arg == nr_args(env), dst);
			return 0;
		}
		break;
	}
	case CTX_RAW_TP:
		return btf_raw_tp_access(env, off, size, dst);
	case CTX_BYTES:
		if (tp_record_access(env, off, size))
			return -EACCES;
		break;
	default:
		return bad_access(env, off, size);
	}
	mark_reg_unknown(dst);
	coerce_reg_to_size(dst, size);
	return 0;
}
