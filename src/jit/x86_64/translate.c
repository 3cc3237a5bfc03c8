/* SPDX-License-Identifier: MIT */
/*
 * BPF -> x86-64 translation.
 *
 * A pre-scan splits the program into functions (the main one and every
 * target of a BPF-to-BPF call), marks jump targets, and works out per
 * function which callee-saved registers it touches and how deep its stack
 * goes. Then the program is emitted in passes, as the kernel's JIT does:
 * the first pass uses long branches everywhere; each later pass knows where
 * every instruction landed in the previous one and picks short branches
 * where the distance allows. Code only shrinks from pass to pass, so the
 * offsets converge; the pass whose offsets equal the previous pass's is the
 * final code.
 *
 * Per-instruction code lives in translate_ops.c; this file owns the passes,
 * functions, prologues, epilogues and the unwinding stubs.
 */
#include <cpuid.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/x86_64/translate.h"
#include "vm/run_ctx.h"

const int8_t jit_reg_map[12] = {
	X86_RAX, X86_RDI, X86_RSI, X86_RDX, X86_RCX, X86_R8,
	X86_RBX, X86_R13, X86_R14, X86_R15, X86_RBP,
	JIT_AUX2, /* JIT_REG_AX: blinded constants only */
};

#define MAX_PASSES 32

static void log_va(char *log, size_t log_size, const char *prefix, size_t idx, const char *fmt,
		   va_list ap)
{
	if (!log || !log_size)
		return;
	int n = prefix ? snprintf(log, log_size, prefix, idx) : 0;
	if (n < 0 || (size_t)n >= log_size)
		return;
	vsnprintf(log + n, log_size - (size_t)n, fmt, ap);
}

void jit_log(struct jit_compiler *c, size_t idx, const char *fmt, ...)
{
	if (c->env->blinded.pos) /* name the instruction the program has */
		idx = jit_blind_orig(&c->env->blinded, c->env->orig_cnt, idx);
	va_list ap;
	va_start(ap, fmt);
	log_va(c->log, c->log_size, "insn %zu: ", idx, fmt, ap);
	va_end(ap);
}

/* A failure of the whole program (no one instruction to blame). */
static int log_prog(char *log, size_t log_size, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int log_prog(char *log, size_t log_size, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_va(log, log_size, NULL, 0, fmt, ap);
	va_end(ap);
	return err;
}

static bool syn_uses_dst(enum isa_syntax s)
{
	return s == ISA_SYN_ALU_K || s == ISA_SYN_ALU_X || s == ISA_SYN_UNARY ||
	       s == ISA_SYN_JCOND_K || s == ISA_SYN_JCOND_X || s == ISA_SYN_CALLX ||
	       s == ISA_SYN_LDDW || s == ISA_SYN_LDX || s == ISA_SYN_ST || s == ISA_SYN_STX ||
	       s == ISA_SYN_ATOMIC;
}

static bool syn_uses_src(enum isa_syntax s)
{
	return s == ISA_SYN_ALU_X || s == ISA_SYN_JCOND_X || s == ISA_SYN_LDX || s == ISA_SYN_STX ||
	       s == ISA_SYN_ATOMIC || s == ISA_SYN_LDIND;
}

/* The instruction a branch at `i` goes to, or -1 when `i` does not branch
 * within the program's code (calls, exits). */
static int64_t branch_target(const struct bpfrt_insn *insn, const struct isa_form *f, size_t i)
{
	switch (f->syntax) {
	case ISA_SYN_JA:
	case ISA_SYN_JCOND_K:
	case ISA_SYN_JCOND_X:
	case ISA_SYN_MAY_GOTO:
		return (int64_t)i + 1 + insn->off;
	case ISA_SYN_JA32:
	case ISA_SYN_CALL_LOCAL:
		return (int64_t)i + 1 + insn->imm;
	default:
		return -1;
	}
}

/* Callee-saved registers in push order; the function pushes those it
 * uses. */
static const int8_t saved_regs[] = {X86_RBP, X86_RBX, X86_R12, X86_R13, X86_R14, X86_R15};

static int scan(struct jit_compiler *c)
{
	size_t n = c->n;
	c->flags[0] |= JIT_I_ENTRY;
	for (size_t i = 0; i < n; i++) {
		const struct bpfrt_insn *in = &c->insns[i];
		if (c->flags[i] & JIT_I_SLOT2)
			continue;
		const char *why = "unknown opcode";
		const struct bpfrt_insn *next = i + 1 < n ? &c->insns[i + 1] : NULL;
		const struct isa_form *f = isa_form_of(in);
		struct bpfrt_insn chk = *in; /* blinded: AX checked as any register */
		if ((c->env->flags & JIT_F_BLINDED) && chk.dst_reg == JIT_REG_AX)
			chk.dst_reg = 0;
		if ((c->env->flags & JIT_F_BLINDED) && chk.src_reg == JIT_REG_AX)
			chk.src_reg = 0;
		if (!f || isa_insn_check(&chk, next, &why)) {
			jit_log(c, i, "%s", why);
			return -EINVAL;
		}
		c->form[i] = f;
		if (f->syntax == ISA_SYN_LDDW)
			c->flags[i + 1] |= JIT_I_SLOT2;
		int max_reg = (c->env->flags & JIT_F_BLINDED) ? JIT_REG_AX : BPFRT_REG_10;
		if ((syn_uses_dst(f->syntax) && in->dst_reg > max_reg) ||
		    (syn_uses_src(f->syntax) && f->match != ISA_MATCH_SRC && in->src_reg > max_reg)) {
			jit_log(c, i, "stack arguments (r11) are not supported by the JIT");
			return -EOPNOTSUPP;
		}
		int64_t t = branch_target(in, f, i);
		if (f->flags & ISA_F_BRANCH) {
			if (t < 0 || t >= (int64_t)n) {
				jit_log(c, i, "%s target %lld out of range", f->syntax == ISA_SYN_CALL_LOCAL ?
						       "call" : "jump", (long long)t);
				return -EINVAL;
			}
			c->flags[t] |= f->syntax == ISA_SYN_CALL_LOCAL ? JIT_I_ENTRY : JIT_I_TARGET;
			if (f->syntax != ISA_SYN_CALL_LOCAL && t <= (int64_t)i)
				c->flags[t] |= JIT_I_LOOP;
		}
		switch (f->op) {
		case ISA_OP_CALL_HELPER:
			c->helper[i] = c->env->helper ? c->env->helper(c->env->helper_arg, (uint32_t)in->imm)
						      : NULL;
			if (!c->helper[i]) {
				jit_log(c, i, "call to unknown helper %d", in->imm);
				return -EINVAL;
			}
			if (c->env->is_tail_call && c->env->is_tail_call(c->env->helper_arg,
									  (uint32_t)in->imm))
				c->flags[i] |= JIT_I_TAIL_CALL;
			/* fall through */
		case ISA_OP_CALL_LOCAL:
		case ISA_OP_CALLX:
			c->need_rc = true;
			break;
		case ISA_OP_CALL_KFUNC:
			jit_log(c, i, "kfunc calls are not supported by the JIT");
			return -EOPNOTSUPP;
		case ISA_OP_LDDW:
			break;
		default:
			if (f->syntax == ISA_SYN_LDDW) {
				jit_log(c, i, "ld_imm64 pseudo kind %u not resolved by fixups", in->src_reg);
				return -EOPNOTSUPP;
			}
			if (f->flags & ISA_F_LEGACY)
				c->need_rc = true; /* bounds come from the run context */
			break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if ((c->flags[i] & (JIT_I_TARGET | JIT_I_ENTRY)) && (c->flags[i] & JIT_I_SLOT2)) {
			jit_log(c, i, "branch into the middle of ld_imm64");
			return -EINVAL;
		}
	}
	return 0;
}

static bool ends_flow(const struct isa_form *f)
{
	return f && (f->op == ISA_OP_EXIT || f->op == ISA_OP_JA || f->op == ISA_OP_JA32);
}

/* Callbacks (bpf_loop and friends): after fixups a callback's ld_imm64
 * holds the instruction index of its function (vm_backend.call), which
 * looks like any other constant. An index is taken for a function entry
 * when the code before it cannot fall into it and no branch crosses it;
 * then it cannot be reached in any other way, and compiling it as a
 * function of its own is right whether or not it is a callback. */
static void find_callbacks(struct jit_compiler *c)
{
	size_t n = c->n;
	for (size_t i = 0; i + 1 < n; i++) {
		if (!c->form[i] || c->form[i]->op != ISA_OP_LDDW)
			continue;
		uint64_t v = (uint64_t)(uint32_t)c->insns[i].imm |
			     (uint64_t)(uint32_t)c->insns[i + 1].imm << 32;
		if (v == 0 || v >= n || (c->flags[v] & (JIT_I_SLOT2 | JIT_I_ENTRY)) ||
		    !ends_flow(c->form[v - 1]))
			continue;
		c->flags[v] |= JIT_I_ENTRY | JIT_I_CALLBACK;
	}
	for (bool changed = true; changed;) {
		changed = false;
		size_t fi = 0;
		for (size_t i = 0; i < n; i++) {
			fi += i && (c->flags[i] & JIT_I_ENTRY);
			c->func_of[i] = (uint32_t)fi;
		}
		for (size_t i = 0; i < n; i++) {
			const struct isa_form *f = c->form[i];
			if (!f || !(f->flags & ISA_F_BRANCH) || f->syntax == ISA_SYN_CALL_LOCAL)
				continue;
			size_t t = (size_t)branch_target(&c->insns[i], f, i);
			if (c->func_of[t] == c->func_of[i])
				continue;
			size_t lo = t < i ? t : i, hi = t < i ? i : t;
			for (size_t k = lo + 1; k <= hi; k++)
				if (c->flags[k] & JIT_I_CALLBACK) {
					c->flags[k] &= ~(JIT_I_ENTRY | JIT_I_CALLBACK);
					changed = true;
				}
		}
	}
	for (size_t i = 0; i < n; i++)
		c->has_callbacks |= (c->flags[i] & JIT_I_CALLBACK) != 0;
	for (size_t i = 0; i < n; i++)
		c->tail_in_sub |= (c->flags[i] & JIT_I_TAIL_CALL) && c->func_of[i] != 0;
}

/* The stack depth the verifier found for function `fn`, or -1 to size it
 * from the r10 accesses (unverified, or anything inconsistent). The
 * function must start where a checked subprogram starts; a function that
 * holds more than one subprogram's start takes the deepest. A depth
 * shallower than a fixed-offset r10 access (`scanned` bytes deep) is
 * inconsistent, since the verifier's depth covers every access it
 * checked; so is one that is not a multiple of 8 or beyond the stack. */
static int64_t verified_depth(const struct jit_compiler *c, const struct jit_func *fn,
			      int64_t scanned)
{
	const uint16_t *sd = c->env->stack_depth;
	if (!sd || !sd[fn->start])
		return -1;
	int64_t depth = 0;
	for (size_t i = fn->start; i < fn->end; i++)
		if (sd[i] && sd[i] - 1 > depth)
			depth = sd[i] - 1;
	if (depth > BPFRT_STACK_SIZE || depth % 8 || depth < scanned)
		return -1;
	return depth;
}

/* Splits into functions and sizes each one's frame. */
static int plan_functions(struct jit_compiler *c)
{
	size_t nf = 0;
	for (size_t i = 0; i < c->n; i++)
		nf += (c->flags[i] & JIT_I_ENTRY) != 0;
	c->funcs = calloc(nf, sizeof(*c->funcs));
	if (!c->funcs)
		return -ENOMEM;
	c->nfuncs = nf;
	size_t fi = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (c->flags[i] & JIT_I_ENTRY) {
			if (fi)
				c->funcs[fi - 1].end = (uint32_t)i;
			c->funcs[fi++].start = (uint32_t)i;
		}
		c->func_of[i] = (uint32_t)(fi - 1);
	}
	c->funcs[nf - 1].end = (uint32_t)c->n;

	/* Main last: an unwind (abort, error) leaves from any depth straight
	 * through main's epilogue, so main also saves every callee-saved
	 * register the other functions use. */
	unsigned others = 0;
	for (size_t k = nf; k-- > 0;) {
		struct jit_func *fn = &c->funcs[k];
		unsigned used = 0; /* bit per BPF register */
		int64_t depth = 0;
		bool fp_escapes = false, may_goto = false;
		for (size_t i = fn->start; i < fn->end; i++) {
			const struct isa_form *f = c->form[i];
			if (!f)
				continue;
			const struct bpfrt_insn *in = &c->insns[i];
			bool d = syn_uses_dst(f->syntax), s = syn_uses_src(f->syntax) &&
							    f->match != ISA_MATCH_SRC;
			if (d)
				used |= 1u << in->dst_reg;
			if (s)
				used |= 1u << in->src_reg;
			if (f->op == ISA_OP_CALL_HELPER || f->op == ISA_OP_CALL_LOCAL || f->op == ISA_OP_CALLX)
				fn->calls = true;
			may_goto |= f->op == ISA_OP_MAY_GOTO;
			/* r10 as a memory base with a constant offset: the frame
			 * needs that deep. Any other use lets the address escape,
			 * so the whole 512 bytes are reserved, unless the
			 * verifier says how deep the function's stack is. */
			int base = f->syntax == ISA_SYN_LDX ? in->src_reg : in->dst_reg;
			bool mem = f->syntax == ISA_SYN_LDX || f->syntax == ISA_SYN_ST ||
				   f->syntax == ISA_SYN_STX || f->syntax == ISA_SYN_ATOMIC;
			if (mem && base == BPFRT_REG_FP) {
				if (in->off >= 0 || in->off + f->size > 0)
					fp_escapes = true;
				else if (-in->off > depth)
					depth = -in->off;
				if (f->syntax != ISA_SYN_LDX && s && in->src_reg == BPFRT_REG_FP)
					fp_escapes = true;
			} else if ((d && in->dst_reg == BPFRT_REG_FP) || (s && in->src_reg == BPFRT_REG_FP)) {
				fp_escapes = true;
			}
		}
		fn->main = k == 0;
		fn->uses_fp = (used >> BPFRT_REG_FP) & 1;
		int64_t stack = fp_escapes ? BPFRT_STACK_SIZE : (depth + 7) & ~7;
		if (stack > BPFRT_STACK_SIZE)
			stack = BPFRT_STACK_SIZE;
		int64_t verified = verified_depth(c, fn, (depth + 7) & ~7);
		if (verified >= 0)
			stack = verified;
		unsigned saves = used | (k == 0 ? others : 0);
		others |= used;
		fn->npush = 0;
		for (size_t r = 0; r < sizeof(saved_regs); r++) {
			int x = saved_regs[r];
			bool push = false;
			if (x == JIT_REG_CTX)
				push = fn->main && c->need_rc;
			else
				for (int b = BPFRT_REG_6; b <= BPFRT_REG_10; b++)
					push |= ((saves >> b) & 1) && jit_reg_map[b] == x;
			if (push)
				fn->pushed[fn->npush++] = (int8_t)x;
		}
		/* rsp is 8 mod 16 at entry; keep it 16-aligned at calls. The
		 * may_goto budget takes 8 bytes below the program's stack (the
		 * kernel's fixups put it there too; not in the 512). */
		uint32_t frame = (uint32_t)stack + (may_goto ? 8 : 0);
		if (fn->calls) {
			frame = (frame + 15) & ~15u;
			if (!(fn->npush & 1))
				frame += 8;
		}
		fn->frame = frame;
		fn->loop_slot = may_goto ? (int32_t)(frame - (uint32_t)stack - 8) : -1;
	}
	return 0;
}

/* Where a branch from instruction `i` to `t` should aim in this pass:
 * exact for code already emitted, else the previous pass's offset moved by
 * what this pass has saved so far (an over-estimate of the distance, so
 * sizes only shrink). -1 in the first pass. */
int64_t jit_target(const struct jit_compiler *c, size_t i, int64_t prev_target)
{
	if (prev_target < 0 || c->addr[i] < 0)
		return -1;
	return prev_target + (c->next_addr[i] - c->addr[i]);
}

int64_t jit_insn_target(const struct jit_compiler *c, size_t i, size_t t)
{
	if (t <= i)
		return c->next_addr[t];
	return jit_target(c, i, c->addr[t]);
}

static void emit_pops(struct x86_buf *b, const struct jit_func *fn)
{
	for (int r = fn->npush - 1; r >= 0; r--)
		emit_pop(b, fn->pushed[r]);
}

void jit_emit_leave(struct jit_compiler *c, const struct jit_func *fn)
{
	struct x86_buf *b = &c->buf;
	if (fn->uses_fp)
		emit_mov_rr(b, 8, X86_RSP, X86_RBP);
	else if (fn->frame)
		emit_alu_ri(b, X86_ADD, 8, X86_RSP, (int32_t)fn->frame);
	emit_pops(b, fn);
}

void jit_emit_epilogue(struct jit_compiler *c, const struct jit_func *fn)
{
	jit_emit_leave(c, fn);
	emit_ret(&c->buf);
}

static void emit_prologue(struct jit_compiler *c, const struct jit_func *fn)
{
	struct x86_buf *b = &c->buf;
	if (fn->main && c->need_rc) {
		/* rdx holds the run context (jit_run's third argument). The
		 * unwinding point: rsp after the pushes below. */
		emit_load(b, 8, false, JIT_AUX2, X86_RDX, offsetof(struct bpfrt_run_ctx, engine));
		emit_lea(b, 8, JIT_AUX1, X86_RSP, -8 * fn->npush);
		emit_store(b, 8, JIT_AUX2, offsetof(struct jit_state, unwind_sp), JIT_AUX1);
	}
	if (fn->main)
		c->next_stub[JIT_STUB_TAIL_ENTRY] = (int64_t)b->len;
	for (int r = 0; r < fn->npush; r++)
		emit_push(b, fn->pushed[r]);
	if (fn->main && c->need_rc)
		emit_mov_rr(b, 8, JIT_REG_CTX, X86_RDX);
	if (fn->uses_fp)
		emit_mov_rr(b, 8, X86_RBP, X86_RSP);
	if (fn->frame)
		emit_alu_ri(b, X86_SUB, 8, X86_RSP, (int32_t)fn->frame);
	if (fn->loop_slot >= 0)
		emit_store_imm(b, 8, X86_RSP, fn->loop_slot, (int32_t)ISA_MAX_LOOPS);
}

/* The entry helpers use to run a callback (jit_call):
 *	uint64_t entry(a1, a2, a3, a4, a5, rc, fn)
 * It pushes what the main function pushes and makes its own rsp the
 * unwinding point, so that an abort inside the callback returns here (to
 * the helper, which sees rc->aborted) instead of leaving through the
 * helper's C frames. jit_call() restores the main function's point. */
static void emit_callback_entry(struct jit_compiler *c)
{
	struct x86_buf *b = &c->buf;
	const struct jit_func *m = &c->funcs[0];
	c->next_stub[JIT_STUB_CALLBACK] = (int64_t)b->len;
	for (int r = 0; r < m->npush; r++)
		emit_push(b, m->pushed[r]);
	emit_mov_rr(b, 8, JIT_REG_CTX, X86_R9);
	emit_load(b, 8, false, JIT_AUX2, JIT_REG_CTX, offsetof(struct bpfrt_run_ctx, engine));
	emit_store(b, 8, JIT_AUX2, offsetof(struct jit_state, unwind_sp), X86_RSP);
	emit_load(b, 8, false, JIT_AUX2, X86_RSP, 8 * m->npush + 8); /* fn, the 7th argument */
	bool pad = !(m->npush & 1);
	if (pad)
		emit_alu_ri(b, X86_SUB, 8, X86_RSP, 8);
	emit_call_r(b, JIT_AUX2);
	if (pad)
		emit_alu_ri(b, X86_ADD, 8, X86_RSP, 8);
	emit_pops(b, m);
	emit_ret(b);
}

/* The run-time error and unwinding stubs after the last function. */
static void emit_stubs(struct jit_compiler *c)
{
	struct x86_buf *b = &c->buf;
	/* called from the call site, whose address names the instruction */
	c->next_stub[JIT_STUB_DEPTH] = (int64_t)b->len;
	emit_pop(b, JIT_AUX1);
	emit_load(b, 8, false, JIT_AUX2, JIT_REG_CTX, offsetof(struct bpfrt_run_ctx, engine));
	emit_store(b, 8, JIT_AUX2, offsetof(struct jit_state, err_pc), JIT_AUX1);
	emit_store_imm(b, 4, JIT_AUX2, offsetof(struct jit_state, err), -E2BIG);
	size_t hole1 = emit_jmp8_fwd(b);
	/* legacy packet load out of bounds: the program ends with r0 = 0 */
	c->next_stub[JIT_STUB_ZERO] = (int64_t)b->len;
	emit_alu_rr(b, X86_XOR, 4, X86_RAX, X86_RAX);
	size_t hole2 = emit_jmp8_fwd(b);
	c->next_stub[JIT_STUB_ABORT] = (int64_t)b->len;
	emit_load(b, 8, false, X86_RAX, JIT_REG_CTX, offsetof(struct bpfrt_run_ctx, abort_r0));
	x86_patch8(b, hole1);
	x86_patch8(b, hole2);
	/* Unwind: back to the frame of the main function the run entered
	 * (after tail calls, another program's), whatever the depth. */
	emit_load(b, 8, false, JIT_AUX2, JIT_REG_CTX, offsetof(struct bpfrt_run_ctx, engine));
	emit_load(b, 8, false, X86_RSP, JIT_AUX2, offsetof(struct jit_state, unwind_sp));
	emit_jmp_m(b, JIT_AUX2, offsetof(struct jit_state, unwind_pc));
	c->next_stub[JIT_STUB_POPS] = (int64_t)b->len;
	emit_pops(b, &c->funcs[0]);
	emit_ret(b);
	if (c->has_callbacks)
		emit_callback_entry(c);
}

static int emit_pass(struct jit_compiler *c)
{
	struct x86_buf *b = &c->buf;
	b->len = 0;
	b->overflow = false;
	c->nprobes = 0;
	for (size_t k = 0; k < c->nfuncs; k++) {
		const struct jit_func *fn = &c->funcs[k];
		c->next_func_addr[k] = (int64_t)b->len;
		emit_prologue(c, fn);
		for (size_t i = fn->start; i < fn->end; i++) {
			if ((c->flags[i] & JIT_I_LOOP) && c->align_loops)
				emit_nops(b, (16 - b->len % 16) % 16);
			c->next_addr[i] = (int64_t)b->len;
			if (c->flags[i] & JIT_I_SLOT2)
				continue;
			int err = jit_translate_insn(c, fn, &i);
			if (err)
				return err;
		}
		/* A function that runs off its end traps instead of running
		 * into the next one. */
		emit_u8(b, 0x0f);
		emit_u8(b, 0x0b);
	}
	c->next_addr[c->n] = (int64_t)b->len;
	if (c->need_rc)
		emit_stubs(c);
	return 0;
}

static bool same(const int64_t *a, const int64_t *b, size_t n)
{
	return memcmp(a, b, n * sizeof(*a)) == 0;
}

static void compiler_free(struct jit_compiler *c)
{
	free(c->form);
	free(c->flags);
	free(c->func_of);
	free(c->funcs);
	free(c->helper);
	free(c->live_out);
	free(c->scale);
	free(c->addr);
	free(c->next_addr);
	free(c->func_addr);
	free(c->next_func_addr);
	free(c->buf.p);
	free(c->probes);
}

static int compile(struct jit_compiler *c, struct jit_prog *jp)
{
	size_t n = c->n;
	c->form = calloc(n, sizeof(*c->form));
	c->flags = calloc(n, 1);
	c->func_of = calloc(n, sizeof(*c->func_of));
	c->helper = calloc(n, sizeof(*c->helper));
	c->addr = malloc((n + 1) * sizeof(*c->addr));
	c->next_addr = malloc((n + 1) * sizeof(*c->addr));
	c->scale = calloc(n, 1);
	if (!c->form || !c->flags || !c->func_of || !c->helper || !c->addr || !c->next_addr ||
	    !c->scale)
		return -ENOMEM;
	int err = scan(c);
	if (!err) {
		find_callbacks(c);
		err = plan_functions(c);
	}
	if (!err)
		err = jit_liveness(c);
	if (err)
		return err;
	jit_plan_folds(c);
	c->func_addr = malloc(c->nfuncs * sizeof(*c->func_addr));
	c->next_func_addr = malloc(c->nfuncs * sizeof(*c->func_addr));
	c->buf.cap = 64 * n + 256;
	c->buf.p = malloc(c->buf.cap);
	if (!c->func_addr || !c->next_func_addr || !c->buf.p)
		return -ENOMEM;
	for (size_t i = 0; i <= n; i++)
		c->addr[i] = -1;
	for (size_t k = 0; k < c->nfuncs; k++)
		c->func_addr[k] = -1;
	for (int s = 0; s < JIT_STUB_COUNT; s++)
		c->stub[s] = -1;

	for (int pass = 0;; pass++) {
		if (pass == MAX_PASSES) {
			return log_prog(c->log, c->log_size, -E2BIG,
					"branch offsets did not converge in %d passes", MAX_PASSES);
		}
		/* Padding grows when code before a loop head shrinks, which can
		 * keep offsets from settling: past a few passes, stop aligning
		 * and code only shrinks again. */
		c->align_loops = pass < MAX_PASSES / 2;
		err = emit_pass(c);
		if (err)
			return err;
		if (c->buf.overflow) {
			/* Grow and redo this pass; offsets of the last one stand. */
			free(c->buf.p);
			c->buf.cap = c->buf.len * 2;
			c->buf.p = malloc(c->buf.cap);
			if (!c->buf.p)
				return -ENOMEM;
			pass--;
			continue;
		}
		bool done = same(c->addr, c->next_addr, n + 1) &&
			    same(c->func_addr, c->next_func_addr, c->nfuncs) &&
			    same(c->stub, c->next_stub, JIT_STUB_COUNT);
		int64_t *t = c->addr;
		c->addr = c->next_addr;
		c->next_addr = t;
		t = c->func_addr;
		c->func_addr = c->next_func_addr;
		c->next_func_addr = t;
		memcpy(c->stub, c->next_stub, sizeof(c->stub));
		if (done)
			break;
	}

	jp->offsets = malloc((n + 1) * sizeof(*jp->offsets));
	if (!jp->offsets)
		return -ENOMEM;
	for (size_t i = 0; i <= n; i++)
		jp->offsets[i] = (uint32_t)c->addr[i];
	jp->insn_cnt = n;
	jp->nfuncs = c->nfuncs;
	jp->func_insn = malloc(c->nfuncs * sizeof(*jp->func_insn));
	jp->func_code = malloc(c->nfuncs * sizeof(*jp->func_code));
	if (!jp->func_insn || !jp->func_code)
		return -ENOMEM;
	for (size_t k = 0; k < c->nfuncs; k++) {
		jp->func_insn[k] = c->funcs[k].start;
		jp->func_code[k] = (uint32_t)c->func_addr[k];
	}
	jp->callback_entry = c->has_callbacks && c->need_rc ? c->stub[JIT_STUB_CALLBACK] : -1;
	jp->tail_entry = (uint32_t)c->stub[JIT_STUB_TAIL_ENTRY];
	jp->unwind_pops = c->need_rc ? (uint32_t)c->stub[JIT_STUB_POPS] : 0;
	err = jit_code_map(jp, c->buf.p, c->buf.len);
	if (err || !c->nprobes)
		return err;
	jp->probes.entries = c->probes; /* in code order: sorted */
	jp->probes.cnt = c->nprobes;
	jp->probes.start = (uintptr_t)jp->code;
	jp->probes.end = (uintptr_t)jp->code + jp->code_size;
	c->probes = NULL;
	err = probe_mem_register(&jp->probes);
	if (err) {
		free((void *)jp->probes.entries);
		jp->probes.entries = NULL;
		jp->probes.cnt = 0;
		log_prog(c->log, c->log_size, err,
			 "cannot install the fault handler of fault-safe loads");
	}
	return err;
}

static bool cpu_has_movbe(void)
{
	unsigned a, b, c, d;
	return __get_cpuid(1, &a, &b, &c, &d) && (c & bit_MOVBE);
}

int jit_compile(const struct bpfrt_insn *insns, size_t cnt, const struct jit_env *env,
		struct jit_prog **out, char *log, size_t log_size)
{
	*out = NULL;
	if (log && log_size)
		log[0] = '\0';
	if (!cnt)
		return log_prog(log, log_size, -EINVAL, "no instructions");
	if (cnt > (1u << 24))
		return log_prog(log, log_size, -E2BIG, "%zu instructions: the JIT takes at most %u",
				cnt, 1u << 24);
	struct jit_prog *jp = calloc(1, sizeof(*jp));
	if (!jp)
		return log_prog(log, log_size, -ENOMEM, "out of memory");
	jp->env = *env;
	struct jit_compiler c = {
		.insns = insns, .n = cnt, .env = &jp->env, .log = log, .log_size = log_size, .jp = jp,
		.bmi2 = !(env->flags & JIT_F_NO_BMI2) && __builtin_cpu_supports("bmi2"),
		.movbe = !(env->flags & JIT_F_NO_MOVBE) && cpu_has_movbe(),
	};
	int err = compile(&c, jp);
	compiler_free(&c);
	jp->env.facts = NULL; /* the caller's, read while compiling only */
	jp->env.stack_depth = NULL;
	if (err && log && log_size && !log[0])
		log_prog(log, log_size, err, "%s", err == -ENOMEM ? "out of memory"
						    : "cannot map the code executable");
	if (err) {
		jit_free(jp);
		return err;
	}
	*out = jp;
	return 0;
}

void jit_free(struct jit_prog *jp)
{
	if (!jp)
		return;
	if (jp->probes.cnt) {
		probe_mem_unregister(&jp->probes);
		free((void *)jp->probes.entries);
	}
	jit_code_unmap(jp);
	jit_blinded_free(&jp->env.blinded);
	free(jp->offsets);
	free(jp->func_insn);
	free(jp->func_code);
	free(jp);
}

const uint8_t *jit_code(const struct jit_prog *jp, size_t *size)
{
	*size = jp->code_size;
	return jp->code;
}

size_t jit_insn_offset(const struct jit_prog *jp, size_t idx)
{
	return idx <= jp->insn_cnt ? jp->offsets[idx] : jp->code_size;
}
