/* SPDX-License-Identifier: MIT */
/*
 * The verifier log, in the kernel's manner: instruction index, the
 * instruction, register state, one sentence of why. Messages raised while
 * checking an instruction collect in env->msg; the walk writes them after
 * the instruction they belong to.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "isa/opcodes.h"
#include "verifier/log.h"
#include "verifier/state.h"

void log_vwrite(struct verifier_log *log, const char *fmt, va_list ap)
{
	if (!log || !log->buf || !log->size || log->truncated)
		return;
	size_t room = log->size - log->len;
	int n = vsnprintf(log->buf + log->len, room, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= room) {
		log->len = log->size - 1;
		log->truncated = true;
		if (log->size > 4)
			memcpy(log->buf + log->size - 4, "...", 4);
		return;
	}
	log->len += (size_t)n;
}

void log_write(struct verifier_log *log, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vwrite(log, fmt, ap);
	va_end(ap);
}

void verbose(struct verifier_env *env, const char *fmt, ...)
{
	va_list ap;
	size_t room = sizeof(env->msg) - env->msg_len;
	if (room <= 1)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(env->msg + env->msg_len, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		env->msg_len += (size_t)n < room ? (size_t)n : room - 1;
}

void log_flush_msg(struct verifier_env *env)
{
	if (env->msg_len)
		log_write(env->log, "%s", env->msg);
	env->msg_len = 0;
	env->msg[0] = 0;
}

bool log_enabled(const struct verifier_env *env, uint32_t level)
{
	return env->log && env->log->buf && env->log->level >= level;
}

/* A minimal formatter in the conformance syntax (until the disassembler). */
void format_insn(const struct bpfrt_insn *insn, size_t remaining, char *buf, size_t size)
{
	const struct isa_form *f = isa_form_of(insn);
	if (!f) {
		snprintf(buf, size, ".invalid %02x", insn->code);
		return;
	}
	const char *m = f->mnemonic;
	unsigned d = insn->dst_reg, s = insn->src_reg;
	int off = insn->off, imm = insn->imm;
	switch (f->syntax) {
	case ISA_SYN_ALU_K: snprintf(buf, size, "%s %%r%u, %d", m, d, imm); break;
	case ISA_SYN_ALU_X: snprintf(buf, size, "%s %%r%u, %%r%u", m, d, s); break;
	case ISA_SYN_UNARY: snprintf(buf, size, "%s %%r%u", m, d); break;
	case ISA_SYN_JA: snprintf(buf, size, "%s %+d", m, off); break;
	case ISA_SYN_JA32: snprintf(buf, size, "%s %+d", m, imm); break;
	case ISA_SYN_JCOND_K: snprintf(buf, size, "%s %%r%u, %d, %+d", m, d, imm, off); break;
	case ISA_SYN_JCOND_X: snprintf(buf, size, "%s %%r%u, %%r%u, %+d", m, d, s, off); break;
	case ISA_SYN_CALL: snprintf(buf, size, "%s %d", m, imm); break;
	case ISA_SYN_CALL_LOCAL: snprintf(buf, size, "%s local %+d", m, imm); break;
	case ISA_SYN_CALLX: snprintf(buf, size, "%s %%r%u", m, d); break;
	case ISA_SYN_EXIT: snprintf(buf, size, "%s", m); break;
	case ISA_SYN_LDDW: {
		uint64_t v = (uint32_t)imm;
		if (remaining > 1)
			v |= (uint64_t)(uint32_t)insn[1].imm << 32;
		if (s)
			snprintf(buf, size, "%s %%r%u, %" PRIu64 " (pseudo %u)", m, d, v, s);
		else
			snprintf(buf, size, "%s %%r%u, %#" PRIx64, m, d, v);
		break;
	}
	case ISA_SYN_LDX: snprintf(buf, size, "%s %%r%u, [%%r%u%+d]", m, d, s, off); break;
	case ISA_SYN_ST: snprintf(buf, size, "%s [%%r%u%+d], %d", m, d, off, imm); break;
	case ISA_SYN_STX: snprintf(buf, size, "%s [%%r%u%+d], %%r%u", m, d, off, s); break;
	case ISA_SYN_ATOMIC:
		snprintf(buf, size, "lock %s%s [%%r%u%+d], %%r%u", isa_form_has(f, ISA_F_FETCH) &&
			 f->op != ISA_OP_ATOMIC_XCHG64 && f->op != ISA_OP_ATOMIC_XCHG32 &&
			 f->op != ISA_OP_ATOMIC_CMPXCHG64 && f->op != ISA_OP_ATOMIC_CMPXCHG32 ? "fetch " : "",
			 m, d, off, s);
		break;
	case ISA_SYN_LDABS: snprintf(buf, size, "%s %d", m, imm); break;
	case ISA_SYN_LDIND: snprintf(buf, size, "%s %%r%u, %d", m, s, imm); break;
	default: snprintf(buf, size, "%s", m); break;
	}
}

void log_insn(struct verifier_env *env, uint32_t idx)
{
	char buf[96];
	if (idx >= env->insn_cnt)
		return;
	format_insn(&env->insns[idx], env->insn_cnt - idx, buf, sizeof(buf));
	log_write(env->log, "%u: (%02x) %s\n", idx, env->insns[idx].code, buf);
}

/* "R1=scalar(umax=255,var_off=(0x0; 0xff))" style, the kernel's. */
static void log_reg(struct verifier_env *env, const char *name, const struct reg_state *r)
{
	char t[48], tn[48];
	struct verifier_log *log = env->log;
	if (r->type == SCALAR_VALUE && tnum_is_const(r->var_off)) {
		log_write(log, " %s=%" PRId64, name, (int64_t)r->var_off.value);
		return;
	}
	if (r->type == PTR_TO_STACK && tnum_is_const(r->var_off) && !r->var_off.value) {
		log_write(log, " %s=fp%d", name, r->off);
		return;
	}
	log_write(log, " %s=%s(", name, reg_type_str(r, t, sizeof(t)));
	const char *sep = "";
	if (r->type != SCALAR_VALUE) {
		if (r->type == PTR_TO_MAP_VALUE || r->type == PTR_TO_MAP_KEY ||
		    r->type == CONST_PTR_TO_MAP) {
			const struct bpfrt_verify_map *m =
				r->map_idx < env->opts->map_cnt ? &env->opts->maps[r->map_idx] : NULL;
			log_write(log, "map=%u,ks=%u,vs=%u", r->map_idx, m ? m->key_size : 0,
				  m ? m->value_size : 0);
			sep = ",";
		}
		if (r->type == PTR_TO_MEM) {
			log_write(log, "%ssz=%u", sep, r->mem_size);
			sep = ",";
		}
		if (r->off) {
			log_write(log, "%soff=%d", sep, r->off);
			sep = ",";
		}
		if (r->id) {
			log_write(log, "%sid=%u", sep, r->id);
			sep = ",";
		}
		if (r->ref_obj_id) {
			log_write(log, "%sref_obj_id=%u", sep, r->ref_obj_id);
			sep = ",";
		}
		if (r->type == PTR_TO_PACKET || r->type == PTR_TO_PACKET_META) {
			log_write(log, "%sr=%d", sep, r->range);
			sep = ",";
		}
	} else if (r->id) {
		log_write(log, "id=%u", r->id);
		sep = ",";
	}
	if (!tnum_is_const(r->var_off) || r->type == SCALAR_VALUE) {
		if (r->smin_value != INT64_MIN && r->smin_value != (int64_t)r->umin_value)
			log_write(log, "%ssmin=%" PRId64, sep, r->smin_value), sep = ",";
		if (r->smax_value != INT64_MAX && r->smax_value != (int64_t)r->umax_value)
			log_write(log, "%ssmax=%" PRId64, sep, r->smax_value), sep = ",";
		if (r->umin_value)
			log_write(log, "%sumin=%" PRIu64, sep, r->umin_value), sep = ",";
		if (r->umax_value != UINT64_MAX)
			log_write(log, "%sumax=%" PRIu64, sep, r->umax_value), sep = ",";
		if (!tnum_is_unknown(r->var_off))
			log_write(log, "%svar_off=%s", sep, tnum_str(r->var_off, tn, sizeof(tn)));
	}
	log_write(log, ")");
}

void log_state(struct verifier_env *env, const struct vstate *st, bool all_frames)
{
	char name[24];
	uint32_t from = all_frames ? 0 : st->curframe;
	for (uint32_t f = from; f <= st->curframe; f++) {
		const struct func_state *fs = st->frame[f];
		if (st->curframe)
			log_write(env->log, " frame%u:", f);
		for (int r = 0; r < MAX_BPF_REG; r++) {
			if (fs->regs[r].type == NOT_INIT)
				continue;
			snprintf(name, sizeof(name), "R%d", r);
			log_reg(env, name, &fs->regs[r]);
		}
		for (uint32_t s = 0; s < fs->nslots; s++) {
			const struct stack_slot *sl = &fs->stack[s];
			int off = -8 * (int)(s + 1);
			if (sl->kind[7] == STACK_SPILL) {
				snprintf(name, sizeof(name), "fp%d", off);
				log_reg(env, name, &sl->spilled);
				continue;
			}
			char kinds[9];
			bool any = false;
			for (int b = 0; b < 8; b++) {
				static const char k[] = { '?', 'r', 'm', '0', 'd', 'i', '?', '?' };
				kinds[b] = k[sl->kind[7 - b] & 7];
				any |= sl->kind[7 - b] != STACK_INVALID;
			}
			kinds[8] = 0;
			if (any)
				log_write(env->log, " fp%d=%s", off, kinds);
		}
	}
	log_write(env->log, "\n");
}
