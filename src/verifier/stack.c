/* SPDX-License-Identifier: MIT */
/*
 * The stack: per-byte kinds (invalid, spilled register, misc, zero), spills
 * and fills of whole registers (a filled scalar keeps its bounds, a filled
 * pointer stays a pointer), and variable-offset accesses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "verifier/state.h"

static inline uint32_t spi_of(int off)
{
	return (uint32_t)(-off - 1) / 8;
}
static inline uint32_t byte_of(int off)
{
	return (uint32_t)(-off - 1) % 8;
}

int grow_stack(struct verifier_env *env, struct func_state *f, int off)
{
	uint32_t need = spi_of(off) + 1;
	struct subprog_info *sp = &env->subprogs[f->subprog];
	if ((uint32_t)-off > sp->stack_depth)
		sp->stack_depth = (uint32_t)-off;
	if (need <= f->nslots)
		return 0;
	struct stack_slot *s = pool_grow(env->pool, f->stack, f->nslots * sizeof(*s),
					 need * sizeof(*s));
	if (!s)
		return env->err = -ENOMEM;
	memset(s + f->nslots, 0, (need - f->nslots) * sizeof(*s));
	f->stack = s;
	f->nslots = need;
	return 0;
}

static uint8_t *kind_at(struct func_state *f, int off)
{
	return &f->stack[spi_of(off)].kind[byte_of(off)];
}

static bool is_obj(uint8_t k)
{
	return k == STACK_DYNPTR || k == STACK_ITER;
}

/* Bytes [off, off+size) are about to be written: a dynptr there is
 * destroyed (refused when it holds a reference), an iterator refused. */
static int clobber_objs(struct verifier_env *env, struct func_state *f, int off, int size)
{
	for (int i = 0; i < size; i++) {
		uint32_t spi = spi_of(off + i);
		if (spi < f->nslots && is_obj(f->stack[spi].kind[0])) {
			int err = stack_obj_overwrite(env, f, spi);
			if (err)
				return err;
		}
	}
	return 0;
}

static int obj_read_err(struct verifier_env *env, int off, int i, int size)
{
	verbose(env, "invalid read from stack off %d+%d size %d\n", off, i, size);
	return -EACCES;
}

/* A byte of a spilled register is being overwritten: the rest of that
 * register's slot becomes plain data. */
static void scrub_spill(struct func_state *f, uint32_t spi)
{
	struct stack_slot *s = &f->stack[spi];
	if (s->kind[7] != STACK_SPILL)
		return;
	for (int i = 0; i < 8; i++)
		if (s->kind[i] == STACK_SPILL)
			s->kind[i] = STACK_MISC;
	memset(&s->spilled, 0, sizeof(s->spilled));
}

int stack_write(struct verifier_env *env, struct func_state *f, int off, int size,
		const struct reg_state *val, uint32_t value_regno, bool is_imm_zero, int insn_idx)
{
	(void)insn_idx;
	int err = grow_stack(env, f, off);
	if (err)
		return err;
	if ((err = clobber_objs(env, f, off, size)))
		return err;
	uint32_t spi = spi_of(off);
	bool is_ptr = val && reg_is_pointer(val);
	/* A pointer into a deeper frame must not outlive that frame: once the
	 * callee returns it would point into a stack that is gone. */
	if (val && val->type == PTR_TO_STACK &&
	    (val->frameno > f->frameno ||
	     (env->opts->kernel_compat && f->frameno != env->cur->curframe))) {
		verbose(env, "cannot spill pointers to stack into stack frame of the caller\n");
		return -EACCES;
	}
	if (size == 8 && !(off % 8) && val) {
		struct stack_slot *s = &f->stack[spi];
		memset(s->kind, STACK_SPILL, 8);
		s->spilled = *val;
		return 0;
	}
	if (is_ptr) {
		verbose(env, "invalid size of register spill R%u off %d size %d\n", value_regno, off,
			size);
		return -EACCES;
	}
	bool zero = is_imm_zero || (val && reg_is_const(val) && val->var_off.value == 0);
	/* the slot's bytes are known zero because the register is: that
	 * must hold on paths pruned here later (kernel: same) */
	if (zero && !is_imm_zero && val && value_regno < MAX_BPF_REG &&
	    &cur_regs(env)[value_regno] == val && (err = mark_chain_precision(env, value_regno)))
		return err;
	/* A narrower spill of a scalar at the start of a slot keeps what is
	 * known of the bytes stored (the kernel's save_register_state), so a
	 * u32 loop counter kept on the stack stays bounded. */
	if (size < 8 && !(off % 8) && val && val->type == SCALAR_VALUE && !zero) {
		struct stack_slot *s = &f->stack[spi];
		struct reg_state narrow = *val;
		coerce_reg_to_size(&narrow, size); /* memory holds the low bytes */
		if (val->umax_value >> (size * 8))
			narrow.id = 0; /* no longer equal to the register */
		scrub_spill(f, spi);
		memset(s->kind + 8 - size, STACK_SPILL, (size_t)size);
		s->spilled = narrow;
		return 0;
	}
	for (int i = 0; i < size; i++) {
		scrub_spill(f, spi_of(off + i));
		*kind_at(f, off + i) = zero ? STACK_ZERO : STACK_MISC;
	}
	return 0;
}

/* Bytes a spill covers from the start of its slot (8, or fewer for a
 * narrow spill of a scalar); 0 when the slot holds no spill. */
int spill_size(const struct stack_slot *s)
{
	int n = 0;
	while (n < 8 && s->kind[7 - n] == STACK_SPILL)
		n++;
	return n;
}

int stack_read(struct verifier_env *env, struct func_state *f, int off, int size,
	       struct reg_state *dst, bool sign_ext)
{
	uint32_t spi = spi_of(off);
	if (spi_of(off + size - 1) >= f->nslots || spi >= f->nslots) {
		verbose(env, "invalid read from stack off %d+0 size %d\n", off, size);
		return -EACCES;
	}
	struct stack_slot *s = &f->stack[spi];
	if (s->kind[7] == STACK_SPILL && s->kind[byte_of(off)] == STACK_SPILL) {
		const struct reg_state *sp = &s->spilled;
		int start = (int)(7 - byte_of(off)); /* byte offset within the slot */
		if (start + size > spill_size(s))
			goto plain; /* reads past a narrow spill */
		if (size == 8 && !start) {
			if (dst)
				*dst = *sp;
			return 0;
		}
		if (sp->type != SCALAR_VALUE) {
			verbose(env, "invalid size of register fill\n");
			return -EACCES;
		}
		if (dst) {
			if (reg_is_const(sp)) {
				mark_reg_known(dst, sp->var_off.value >> (start * 8));
			} else if (!start) {
				*dst = *sp;
				dst->id = 0;
			} else {
				mark_reg_unknown(dst);
			}
			coerce_loaded(dst, size, sign_ext);
		}
		return 0;
	}
plain:;
	bool zero = true;
	for (int i = 0; i < size; i++) {
		uint8_t k = *kind_at(f, off + i);
		if (k == STACK_INVALID || is_obj(k))
			return obj_read_err(env, off, i, size);
		if (k == STACK_SPILL) {
			const struct reg_state *sp = &f->stack[spi_of(off + i)].spilled;
			if (sp->type != SCALAR_VALUE) {
				verbose(env, "invalid size of register fill\n");
				return -EACCES;
			}
		}
		if (k != STACK_ZERO)
			zero = false;
	}
	if (dst) {
		if (zero) {
			mark_reg_known_zero(dst);
		} else {
			mark_reg_unknown(dst);
			coerce_loaded(dst, size, sign_ext);
		}
	}
	return 0;
}

int stack_var_access(struct verifier_env *env, struct func_state *f, uint32_t regno, int min_off,
		     int max_off, int size, bool write, struct reg_state *dst)
{
	int err = grow_stack(env, f, min_off);
	if (err)
		return err;
	if (write && (err = clobber_objs(env, f, min_off, max_off + size - min_off)))
		return err;
	for (int off = min_off; off < max_off + size; off++) {
		uint8_t *k = kind_at(f, off);
		if (!write && is_obj(*k))
			return obj_read_err(env, min_off, off - min_off, size);
		if (write) {
			/* Only the bytes every possible offset writes are surely
			 * written; the kernel (root) takes the whole range as
			 * written, but a byte never written stays so here: its
			 * read would see an earlier run's stack (found by the
			 * verdict fuzzer, seed 3722). */
			scrub_spill(f, spi_of(off));
			if (*k != STACK_INVALID || (off >= max_off && off < min_off + size))
				*k = STACK_MISC;
		} else if (*k == STACK_INVALID) {
			verbose(env, "invalid variable-offset read from stack R%u var_off %d+%d size %d\n",
				regno, min_off, off - min_off, size);
			return -EACCES;
		}
	}
	if (dst) {
		mark_reg_unknown(dst);
		coerce_reg_to_size(dst, size);
	}
	return 0;
}

int stack_check_init(struct verifier_env *env, struct func_state *f, int min_off, int size,
		     uint32_t regno, bool write)
{
	int err = grow_stack(env, f, min_off);
	if (err)
		return err;
	if (write && (err = clobber_objs(env, f, min_off, size)))
		return err;
	for (int i = 0; i < size; i++) {
		int off = min_off + i;
		uint8_t *k = kind_at(f, off);
		if (!write && is_obj(*k)) {
			verbose(env, "invalid read from stack R%u off %d+%d size %d\n", regno, min_off,
				i, size);
			return -EACCES;
		}
		if (write) {
			scrub_spill(f, spi_of(off));
			*k = STACK_MISC;
			continue;
		}
		if (*k == STACK_INVALID) {
			verbose(env, "invalid read from stack R%u off %d+%d size %d\n", regno, min_off,
				i, size);
			return -EACCES;
		}
	}
	return 0;
}
