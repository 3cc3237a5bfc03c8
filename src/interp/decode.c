/* SPDX-License-Identifier: MIT */
/*
 * Pre-decoding: one struct iop per instruction slot, with the operation
 * taken from the opcode table (isa_form_of) and branch targets resolved to
 * op indices. The VM loader has already validated every instruction and
 * target, so this only translates.
 */
#include <errno.h>
#include <stdlib.h>

#include "interp/interp.h"
#include "vm/probe_mem.h"
#include "vm/prog.h"


int interp_decode(const struct bpfrt_prog *prog, struct interp_prog **out, struct vm_log *log)
{
	size_t cnt = prog->insn_cnt;
	struct interp_prog *ip = calloc(1, sizeof(*ip));
	if (ip)
		ip->ops = calloc(cnt, sizeof(*ip->ops));
	if (!ip || !ip->ops) {
		vm_log_line(log, "out of memory");
		interp_free(ip);
		return -ENOMEM;
	}
	ip->cnt = cnt;
	for (size_t pc = 0; pc < cnt; pc++) {
		const struct bpfrt_insn *insn = &prog->insns[pc];
		const struct isa_form *f = isa_form_of(insn);
		struct iop *op = &ip->ops[pc];
		if (insn->dst_reg == BPFRT_REG_PARAMS || insn->src_reg == BPFRT_REG_PARAMS) {
			vm_log_line(log, "insn %zu: stack arguments (r11) are not supported by the "
					 "interpreter yet", pc);
			interp_free(ip);
			return -EOPNOTSUPP;
		}
		op->code = (uint16_t)f->op;
		op->dst = insn->dst_reg;
		op->src = f->match == ISA_MATCH_SRC ? 0 : insn->src_reg;
		op->off = insn->off;
		op->imm = insn->imm;
		if (f->syntax == ISA_SYN_LDDW) {
			/* The second slot carries the high half; it is never run. */
			pc++;
			ip->ops[pc].code = ISA_OP_INVALID;
			ip->ops[pc].imm = prog->insns[pc].imm;
			continue;
		}
		if (isa_form_has(f, ISA_F_BRANCH)) {
			int64_t delta = (f->syntax == ISA_SYN_JA32 || f->syntax == ISA_SYN_CALL_LOCAL)
						? insn->imm
						: insn->off;
			op->tgt = (uint32_t)((int64_t)pc + 1 + delta);
		}
	}
	interp_fuse(ip->ops, cnt);
	/* after fusing: no sequence starts with or covers a probe load */
	for (size_t pc = 0; prog->facts && pc < cnt; pc++) {
		static const uint16_t probe[ISA_OP_COUNT] = {
#define P(NAME) [ISA_OP_##NAME] = IOP_PROBE_##NAME,
			P(LDXDW) P(LDXW) P(LDXH) P(LDXB) P(LDXSW) P(LDXSH) P(LDXSB)
#undef P
		};
		uint16_t c = ip->ops[pc].code;
		if (!(prog->facts[pc] & VM_FACT_PROBE_MEM) || c >= ISA_OP_COUNT || !probe[c])
			continue;
		if (probe_mem_init()) {
			vm_log_line(log, "insn %zu: cannot install the fault handler of fault-safe "
					 "loads", pc);
			interp_free(ip);
			return -EOPNOTSUPP;
		}
		ip->ops[pc].code = probe[c];
	}
	*out = ip;
	return 0;
}

void interp_free(struct interp_prog *ip)
{
	if (!ip)
		return;
	free(ip->ops);
	free(ip);
}
