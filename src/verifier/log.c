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

#include "bpfrt/asm.h"
#include "helpers/helpers.h"
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

/* Whether messages of `level` are wanted: not once the buffer is full (a
 * level-2 walk of a million instructions would format every state into
 * nothing). */
bool log_enabled(const struct verifier_env *env, uint32_t level)
{
	return env->log && env->log->buf && !env->log->truncated && env->log->level >= level;
}

/* The instruction in the kernel's syntax, as the kernel's log has it:
 * "3: (85) call bpf_map_lookup_elem#1". */
void log_insn(struct verifier_env *env, uint32_t idx)
{
	char buf[160];
	if (idx >= env->insn_cnt)
		return;
	const struct bpfrt_insn *insn = &env->insns[idx];
	const struct isa_form *f = isa_form_of(insn);
	if (f && f->op == ISA_OP_CALL_HELPER)
		snprintf(buf, sizeof(buf), "call %s#%d", helper_kernel_name((uint32_t)insn->imm),
			 insn->imm);
	else
		bpfrt_disasm_insn(insn, env->insn_cnt - idx, BPFRT_SYNTAX_KERNEL, buf, sizeof(buf));
	log_write(env->log, "%u: (%02x) %s\n", idx, insn->code, buf);
}

/* The line info record covering insn idx: the last one at or before it. */
static const struct bpfrt_line_info *linfo_at(const struct verifier_env *env, uint32_t idx)
{
	const struct bpfrt_line_info *li = env->opts->line_info;
	size_t lo = 0, hi = li ? env->opts->line_info_cnt : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (li[mid].insn_idx <= idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &li[lo - 1] : NULL;
}

void log_linfo(struct verifier_env *env, uint32_t idx, bool again)
{
	const struct bpfrt_line_info *li = linfo_at(env, idx);
	if (!li || (!again && li == env->last_linfo))
		return;
	env->last_linfo = li;
	const char *line = li->line ? li->line : "";
	while (*line == ' ' || *line == '\t')
		line++;
	log_write(env->log, "; %s @ %s:%u\n", line, li->file ? li->file : "?", li->line_num);
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
	log_write(log, " %s=%s%s(", name, reg_type_str(r, t, sizeof(t)),
		  r->type == PTR_TO_BTF_ID ? btf_ptr_name(env, r) : "");
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
