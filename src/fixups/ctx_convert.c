/* SPDX-License-Identifier: MIT */
/* Context access conversion for packet programs: see fixups.h. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "fixups/fixups.h"
#include "verifier/facts.h"

/* One UAPI u32 field that is a pointer at run time, and its u64 slot in
 * the bpfrt context. */
struct ctx_ptr_field {
	uint16_t uapi_off;
	uint16_t rt_off;
};

static const struct ctx_ptr_field xdp_fields[] = {
	{ offsetof(struct xdp_md, data), offsetof(struct bpfrt_xdp_ctx, data) },
	{ offsetof(struct xdp_md, data_end), offsetof(struct bpfrt_xdp_ctx, data_end) },
	{ offsetof(struct xdp_md, data_meta), offsetof(struct bpfrt_xdp_ctx, data_meta) },
};

static const struct ctx_ptr_field skb_fields[] = {
	{ offsetof(struct __sk_buff, data), offsetof(struct bpfrt_skb_ctx, data) },
	{ offsetof(struct __sk_buff, data_end), offsetof(struct bpfrt_skb_ctx, data_end) },
	{ offsetof(struct __sk_buff, data_meta), offsetof(struct bpfrt_skb_ctx, data_meta) },
};

_Static_assert(sizeof(((struct bpfrt_xdp_ctx *)0)->uapi) == sizeof(struct xdp_md),
	       "bpfrt_xdp_ctx.uapi is struct xdp_md");
_Static_assert(sizeof(((struct bpfrt_skb_ctx *)0)->uapi) == sizeof(struct __sk_buff),
	       "bpfrt_skb_ctx.uapi is struct __sk_buff");

#define ALL_REGS 0x7ffu /* r0..r10 */

/* Registers written by insn (a bitmask), for the ctx register scan. */
static uint16_t defs(const struct bpfrt_insn *in)
{
	uint8_t cls = BPFRT_CLASS(in->code);

	switch (cls) {
	case BPFRT_ALU:
	case BPFRT_ALU64:
	case BPFRT_LDX:
	case BPFRT_LD:
		return (uint16_t)(1u << (in->dst_reg & 15));
	case BPFRT_STX:
		/* atomics with fetch write src (cmpxchg: r0) */
		if (BPFRT_MODE(in->code) == BPFRT_ATOMIC)
			return (uint16_t)((1u << (in->src_reg & 15)) | 1u);
		return 0;
	case BPFRT_JMP:
		if (BPFRT_OP(in->code) == BPFRT_CALL)
			return 0x3f; /* r0..r5 */
		return 0;
	default:
		return 0;
	}
}

/* Which registers surely hold the unmodified context pointer before each
 * instruction: r1 at entry, copied by `mov rD, rS`, lost on any other
 * write; a join keeps what every path agrees on. Instructions not reached
 * from insn 0 without calls (subprograms) get none. */
static int ctx_regs_scan(const struct bpfrt_insn *insns, size_t cnt, uint16_t *in)
{
	uint8_t *reached = calloc(cnt + 1, 1);
	size_t *work = malloc((cnt + 1) * sizeof(*work)), nw = 0;

	if (!reached || !work) {
		free(reached);
		free(work);
		return -ENOMEM;
	}
	for (size_t i = 0; i < cnt; i++)
		in[i] = ALL_REGS;
	if (cnt) {
		in[0] = 1u << 1;
		reached[0] = 1;
		work[nw++] = 0;
	}
	while (nw) {
		size_t i = work[--nw], succ[2], ns = 0;
		const struct bpfrt_insn *x = &insns[i];
		uint16_t out = in[i];
		uint8_t cls = BPFRT_CLASS(x->code), op = BPFRT_OP(x->code);

		reached[i] = 2; /* processed */
		if (cls == BPFRT_ALU64 && x->code == (BPFRT_ALU64 | BPFRT_MOV | BPFRT_X) &&
		    x->off == 0)
			out = (uint16_t)((out & ~(1u << x->dst_reg)) |
					 (((out >> x->src_reg) & 1u) << x->dst_reg));
		else
			out &= (uint16_t)~defs(x);
		if (BPFRT_INSN_IS_LDDW(x)) {
			succ[ns++] = i + 2;
		} else if (cls == BPFRT_JMP || cls == BPFRT_JMP32) {
			if (op == BPFRT_EXIT) {
				/* no successor */
			} else if (op == BPFRT_CALL) {
				succ[ns++] = i + 1;
			} else if (op == BPFRT_JA) {
				int64_t off = cls == BPFRT_JMP32 ? x->imm : x->off;

				succ[ns++] = (size_t)((int64_t)i + 1 + off);
			} else {
				succ[ns++] = i + 1;
				succ[ns++] = (size_t)((int64_t)i + 1 + x->off);
			}
		} else {
			succ[ns++] = i + 1;
		}
		for (size_t k = 0; k < ns; k++) {
			size_t s = succ[k];
			uint16_t m;

			if (s >= cnt)
				continue;
			m = reached[s] ? (uint16_t)(in[s] & out) : out;
			if (!reached[s] || m != in[s]) {
				in[s] = m;
				reached[s] = 1;
				work[nw++] = s;
				if (nw > cnt) { /* dedup: a fresh pass over the queue */
					nw = 0;
					for (size_t j = 0; j < cnt; j++)
						if (reached[j] == 1)
							work[nw++] = j;
				}
			}
		}
	}
	for (size_t i = 0; i < cnt; i++)
		if (!reached[i])
			in[i] = 0;
	free(reached);
	free(work);
	return 0;
}

/* Converts insns[i] if it is a u32 load of one of the pointer fields. */
static bool convert_load(struct bpfrt_insn *x, const struct ctx_ptr_field *f, size_t nf)
{
	if (x->code != (BPFRT_LDX | BPFRT_MEM | BPFRT_W))
		return false;
	for (size_t k = 0; k < nf; k++)
		if (x->off == f[k].uapi_off) {
			x->code = BPFRT_LDX | BPFRT_MEM | BPFRT_DW;
			x->off = (int16_t)f[k].rt_off;
			return true;
		}
	return false;
}

int fixups_convert_ctx(struct bpfrt_insn *insns, size_t cnt, enum fixup_ctx_kind kind,
		       const struct verifier_facts *facts, size_t *converted)
{
	const struct ctx_ptr_field *f;
	size_t nf, n = 0;
	uint16_t *in;
	int err;

	if (converted)
		*converted = 0;
	switch (kind) {
	case FIXUP_CTX_XDP:
		f = xdp_fields, nf = sizeof(xdp_fields) / sizeof(xdp_fields[0]);
		break;
	case FIXUP_CTX_SKB:
		f = skb_fields, nf = sizeof(skb_fields) / sizeof(skb_fields[0]);
		break;
	default:
		return 0;
	}
	if (facts) {
		/* The verifier accepted context accesses only at the context's
		 * own offset (no modified ctx pointers), and an insn that
		 * reaches it reaches it on every path (no FACT_MEM_MIXED). */
		if (facts->insn_cnt != cnt)
			return -EINVAL;
		for (size_t i = 0; i < cnt; i++)
			if (facts->insn[i].mem_kind == FACT_MEM_CTX)
				n += convert_load(&insns[i], f, nf);
		if (converted)
			*converted = n;
		return 0;
	}
	in = malloc((cnt + 1) * sizeof(*in));
	if (!in)
		return -ENOMEM;
	if ((err = ctx_regs_scan(insns, cnt, in))) {
		free(in);
		return err;
	}
	for (size_t i = 0; i < cnt; i++) {
		struct bpfrt_insn *x = &insns[i];

		if ((in[i] >> x->src_reg) & 1)
			n += convert_load(x, f, nf);
	}
	free(in);
	if (converted)
		*converted = n;
	return 0;
}
