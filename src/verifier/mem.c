/* SPDX-License-Identifier: MIT */
/*
 * Memory accesses through pointers: loads, stores and atomics of
 * instructions, and the memory arguments of helpers. Each pointer kind has a
 * region (the stack frame, a map value, a memory block, the context) and
 * every path's offset range must stay inside it.
 */
#include <errno.h>
#include <inttypes.h>

#include "verifier/state.h"

#define MAX_VAR_OFF (1 << 29) /* kernel BPF_MAX_VAR_OFF */

static const char *region_name(const struct reg_state *r)
{
	switch (r->type) {
	case PTR_TO_MAP_VALUE: return "map value";
	case PTR_TO_MAP_KEY: return "map key";
	default: return "memory";
	}
}

static uint32_t region_size(struct verifier_env *env, const struct reg_state *r)
{
	const struct bpfrt_verify_opts *o = env->opts;
	switch (r->type) {
	case PTR_TO_MAP_VALUE:
		return r->map_idx < o->map_cnt ? o->maps[r->map_idx].value_size : 0;
	case PTR_TO_MAP_KEY:
		return r->map_idx < o->map_cnt ? o->maps[r->map_idx].key_size : 0;
	default:
		return r->mem_size;
	}
}

/* [off + var range, + size) inside a region of `rsize` bytes. */
static int check_region(struct verifier_env *env, uint32_t regno, const struct reg_state *r,
			int off, int64_t size, bool zero_ok)
{
	uint32_t rsize = region_size(env, r);
	const char *what = region_name(r);
	int64_t lo = (int64_t)r->off + off;
	if (r->smin_value < 0) {
		verbose(env,
			"R%u min value is negative, either use unsigned index or do a if (index >=0) check.\n",
			regno);
		return -EACCES;
	}
	if (r->umax_value >= MAX_VAR_OFF) {
		verbose(env, "R%u unbounded memory access, make sure to bounds check any such access\n",
			regno);
		return -EACCES;
	}
	int64_t min = lo + r->smin_value, max = lo + (int64_t)r->umax_value;
	if (min < 0 || max + size > rsize || (size == 0 && !zero_ok)) {
		int64_t bad = min < 0 ? min : max;
		if (r->type == PTR_TO_MAP_VALUE)
			verbose(env, "invalid access to map value, value_size=%u off=%" PRId64
				" size=%" PRId64 "\n",
				rsize, bad, size);
		else if (r->type == PTR_TO_MAP_KEY)
			verbose(env, "invalid access to map key, key_size=%u off=%" PRId64
				" size=%" PRId64 "\n",
				rsize, bad, size);
		else
			verbose(env, "invalid access to %s, mem_size=%u off=%" PRId64 " size=%" PRId64 "\n",
				what, rsize, bad, size);
		if (r->umax_value || r->smin_value)
			verbose(env, "R%u max value is outside of the allowed memory range\n", regno);
		return -EACCES;
	}
	return 0;
}

static int check_stack_range(struct verifier_env *env, uint32_t regno, const struct reg_state *r,
			     int off, int64_t size, bool write, const char *kind, int64_t *min_out,
			     int64_t *max_out)
{
	int64_t min, max, base = (int64_t)r->off + off;
	if ((!tnum_is_const(r->var_off) &&
	     (r->smin_value < -BPFRT_STACK_SIZE || r->smax_value > BPFRT_STACK_SIZE)) ||
	    __builtin_add_overflow(base, r->smin_value, &min) ||
	    __builtin_add_overflow(base, r->smax_value, &max)) {
		verbose(env, "R%u unbounded indirect variable offset stack access\n", regno);
		return -EACCES;
	}
	if (min < -BPFRT_STACK_SIZE || max + size > 0 || size < 0) {
		if (tnum_is_const(r->var_off))
			verbose(env, "invalid %s stack R%u off=%" PRId64 " size=%" PRId64 "\n", kind,
				regno, min, size);
		else
			verbose(env, "invalid variable-offset %s stack R%u off=%" PRId64
				" size=%" PRId64 "\n",
				kind, regno, min, size);
		return -EACCES;
	}
	(void)write;
	*min_out = min;
	*max_out = max;
	return 0;
}

const uint8_t *frozen_bytes(struct verifier_env *env, const struct reg_state *r, int off,
			    int size)
{
	if (r->type != PTR_TO_MAP_VALUE || !(r->flags & MEM_RDONLY) ||
	    r->map_idx >= env->opts->map_cnt || !tnum_is_const(r->var_off))
		return NULL;
	const struct bpfrt_verify_map *m = &env->opts->maps[r->map_idx];
	int64_t at = (int64_t)r->off + off + (int64_t)r->var_off.value;
	if (!m->frozen_data || at < 0 || size < 0 || at + size > m->value_size)
		return NULL;
	return (const uint8_t *)m->frozen_data + at;
}

/* A load at a constant offset of a frozen read-only map value (.rodata)
 * reads bytes that can never change: a known scalar, as in the kernel, so
 * that branches on configuration constants are decided. */
static bool frozen_const(struct verifier_env *env, const struct reg_state *r, int off, int size,
			 struct reg_state *dst)
{
	const uint8_t *p = frozen_bytes(env, r, off, size);
	if (!p || size > 8)
		return false;
	uint64_t v = 0;
	for (int i = size; i-- > 0;) /* BPF memory is little-endian on our targets */
		v = v << 8 | p[i];
	mark_reg_known(dst, v);
	return true;
}

static void note_mem_kind(struct verifier_env *env, int insn_idx, const struct reg_state *r)
{
	uint8_t kind;
	switch (r->type) {
	case PTR_TO_STACK: kind = FACT_MEM_STACK; break;
	case PTR_TO_CTX: kind = FACT_MEM_CTX; break;
	case PTR_TO_MAP_VALUE: kind = FACT_MEM_MAP_VALUE; break;
	case PTR_TO_MAP_KEY: kind = FACT_MEM_MAP_VALUE; break;
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META: kind = FACT_MEM_PACKET; break;
	case PTR_TO_BTF_ID: kind = FACT_MEM_BTF; break;
	default: kind = reg_is_probe_mem(r) ? FACT_MEM_BTF : FACT_MEM_MEM; break;
	}
	struct insn_fact *f = &env->facts->insn[insn_idx];
	if (f->mem_kind == FACT_MEM_NONE)
		f->mem_kind = kind;
	else if (f->mem_kind != kind)
		f->mem_kind = FACT_MEM_MIXED;
}

/* The fixups rewrite context accesses (packet contexts' pointer fields)
 * and the engines make BTF pointer loads fault-safe: an instruction that
 * reaches the context or a BTF pointer on one path must reach it on all
 * (the kernel's reg_type_mismatch()). */
static int check_ctx_mismatch(struct verifier_env *env, int insn_idx, const struct reg_state *r)
{
	uint8_t prev = env->facts->insn[insn_idx].mem_kind;
	bool ctx = r->type == PTR_TO_CTX, btf = r->type == PTR_TO_BTF_ID || reg_is_probe_mem(r);
	if (prev == FACT_MEM_NONE ||
	    ((prev == FACT_MEM_CTX) == ctx && (prev == FACT_MEM_BTF) == btf))
		return 0;
	verbose(env, "same insn cannot be used with different pointers\n");
	return -EINVAL;
}

/* What a load of `size` bytes of unknown data gives. */
static void loaded_value(struct reg_state *val, int size, bool sign_ext)
{
	mark_reg_unknown(val);
	coerce_loaded(val, size, sign_ext);
}

static int invalid_mem(struct verifier_env *env, uint32_t regno, const struct reg_state *r)
{
	char b[48];
	verbose(env, "R%u invalid mem access '%s'\n", regno, reg_type_str(r, b, sizeof(b)));
	return -EACCES;
}

int check_mem_access(struct verifier_env *env, int insn_idx, uint32_t regno, int off, int size,
		     enum access t, int value_regno, const struct reg_state *wval, bool sign_ext)
{
	struct reg_state *regs = cur_regs(env);
	struct reg_state *r = &regs[regno];
	struct reg_state val;
	bool read = t == ACCESS_READ;
	int err;

	if (r->type == SCALAR_VALUE || r->type == NOT_INIT || (r->flags & PTR_MAYBE_NULL) ||
	    r->type == CONST_PTR_TO_MAP || r->type == PTR_TO_FUNC)
		return invalid_mem(env, regno, r);
	if ((err = check_ctx_mismatch(env, insn_idx, r)))
		return err;
	note_mem_kind(env, insn_idx, r);

	switch (r->type) {
	case PTR_TO_STACK: {
		if (r->frameno > env->cur->curframe) /* cannot happen: see stack_write */
			return invalid_mem(env, regno, r);
		struct func_state *f = env->cur->frame[r->frameno];
		int64_t min, max;
		err = check_stack_range(env, regno, r, off, size, !read, read ? "read from" : "write to",
					&min, &max);
		if (err)
			return err;
		if (env->opts->kernel_compat && tnum_is_const(r->var_off) && (min % size)) {
			verbose(env, "misaligned stack access off %" PRId64 " size %d\n", min, size);
			return -EACCES;
		}
		/* and a variable offset whose possible values are not all
		 * aligned (the kernel's check_generic_ptr_alignment: strict for
		 * the stack) */
		if (env->opts->kernel_compat && !tnum_is_const(r->var_off) &&
		    !tnum_is_aligned(tnum_add(r->var_off, tnum_const((uint64_t)(int64_t)(r->off + off))),
				     (uint64_t)size)) {
			char b[48];
			verbose(env, "misaligned stack access off %s+%d+%d size %d\n",
				tnum_str(r->var_off, b, sizeof(b)), r->off, off, size);
			return -EACCES;
		}
		if (tnum_is_const(r->var_off)) {
			if (read)
				return stack_read(env, f, (int)min, size,
						  value_regno >= 0 ? &regs[value_regno] : NULL,
						  sign_ext);
			return stack_write(env, f, (int)min, size, wval, (uint32_t)value_regno,
					   false, insn_idx);
		}
		struct reg_state *dst = value_regno >= 0 && read ? &regs[value_regno] : NULL;
		err = stack_var_access(env, f, regno, (int)min, (int)max, size, !read, dst);
		/* a sign-extending load gives the bytes sign-extended: it was
		 * taken as zero-extended ([0, 255] for -1; unsound) */
		if (!err && dst && sign_ext)
			coerce_reg_to_size_sx(dst, size);
		return err;
	}
	case PTR_TO_CTX:
		/* kernel_compat: the kernel refuses even a constant offset added
		 * to the context pointer (its ctx rewriting needs insn->off) */
		if (!tnum_is_const(r->var_off) || r->var_off.value ||
		    (env->opts->kernel_compat && r->off)) {
			char b[48];
			verbose(env, "dereference of modified ctx ptr R%u off=%d disallowed\n", regno,
				r->off);
			(void)b;
			return -EACCES;
		}
		err = ctx_check_access(env, regno, r->off + off, size, t, &val);
		if (err)
			return err;
		if (sign_ext && val.type != SCALAR_VALUE) {
			/* a pointer field cannot be sign-extended (the kernel
			 * refuses it; the fixups convert only plain loads of it) */
			verbose(env, "invalid bpf_context access off=%d size=%d\n", r->off + off, size);
			return -EACCES;
		}
		if (sign_ext)
			coerce_reg_to_size_sx(&val, size);
		break;
	case PTR_TO_MAP_VALUE:
	case PTR_TO_MAP_KEY:
	case PTR_TO_MEM:
		if (!read && (r->flags & MEM_RDONLY)) {
			if (r->type == PTR_TO_MAP_VALUE)
				verbose(env, "write into map forbidden, value_size=%u off=%d size=%d\n",
					region_size(env, r), r->off + off, size);
			else {
				char b[48];
				verbose(env, "R%u cannot write into %s\n", regno,
					reg_type_str(r, b, sizeof(b)));
			}
			return -EACCES;
		}
		/* read-only untrusted memory (an arg:untrusted void *) is
		 * read fault-safe, at any offset, as the kernel's probe loads */
		err = reg_is_probe_mem(r) ? 0 : check_region(env, regno, r, off, size, false);
		if (!err && r->type == PTR_TO_MAP_VALUE)
			err = lock_check_access(env, r, off, size);
		if (err)
			return err;
		if (read && frozen_const(env, r, off, size, &val)) {
			if (sign_ext)
				coerce_reg_to_size_sx(&val, size);
			break;
		}
		loaded_value(&val, size, sign_ext);
		break;
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
		if (!read && !pkt_access_ok(env, true)) {
			verbose(env, "cannot write into packet\n");
			return -EACCES;
		}
		err = check_packet_access(env, regno, r->off + off, size, false);
		if (err)
			return err;
		loaded_value(&val, size, sign_ext);
		break;
	case PTR_TO_TP_BUFFER:
		if (!read && value_regno >= 0 && reg_is_pointer(&regs[value_regno])) {
			verbose(env, "R%d leaks addr into tracepoint buffer\n", value_regno);
			return -EACCES;
		}
		err = tp_buffer_access(env, regno, off, size);
		if (err)
			return err;
		loaded_value(&val, size, sign_ext);
		break;
	case PTR_TO_BTF_ID:
		err = btf_ptr_access(env, regno, off, size, t, &val);
		if (err)
			return err;
		if (val.type == SCALAR_VALUE)
			coerce_loaded(&val, size, sign_ext);
		break;
	default:
		return invalid_mem(env, regno, r);
	}
	if (read && value_regno >= 0)
		regs[value_regno] = val;
	return 0;
}

int check_helper_mem(struct verifier_env *env, uint32_t regno, const struct reg_state *size_reg,
		     int64_t size, bool write, bool zero_ok)
{
	struct reg_state *r = &cur_regs(env)[regno];
	int64_t max_size = size;
	if (size_reg) {
		if (size_reg->smin_value < 0) {
			verbose(env,
				"R%u min value is negative, either use unsigned index or do a if (index >=0) check.\n",
				regno + 1);
			return -EACCES;
		}
		if (size_reg->umin_value == 0 && !zero_ok) {
			verbose(env, "R%u invalid zero-sized read\n", regno + 1);
			return -EACCES;
		}
		if (size_reg->umax_value >= MAX_VAR_OFF) {
			verbose(env,
				"R%u unbounded memory access, use 'var &= const' or 'if (var < const)'\n",
				regno + 1);
			return -EACCES;
		}
		max_size = (int64_t)size_reg->umax_value;
	}
	if (max_size == 0 && zero_ok && r->type == SCALAR_VALUE && reg_is_const(r) &&
	    r->var_off.value == 0)
		return 0; /* NULL with size 0 */
	/* BTF pointers of fentry arguments are not trusted: helpers read
	 * them with bpf_probe_read_kernel() (an anything argument), as in
	 * the kernel, not as memory arguments; nor read-only untrusted
	 * memory. A trusted one (tp_btf arguments) is, for reading. */
	bool trusted = r->type == PTR_TO_BTF_ID && (r->flags & PTR_TRUSTED) &&
		       !(r->flags & PTR_UNTRUSTED);
	if (r->type == SCALAR_VALUE || r->type == NOT_INIT || (r->flags & PTR_MAYBE_NULL) ||
	    r->type == CONST_PTR_TO_MAP || r->type == PTR_TO_FUNC || r->type == PTR_TO_CTX ||
	    (r->type == PTR_TO_BTF_ID && !trusted) || reg_is_probe_mem(r) ||
	    r->type == PTR_TO_TP_BUFFER) {
		char b[48];
		verbose(env, "R%u type=%s expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_\n",
			regno, reg_type_str(r, b, sizeof(b)));
		return -EACCES;
	}
	if (reg_is_pkt(r)) {
		if (!env->helper_pkt_access) {
			verbose(env, "helper access to the packet is not allowed\n");
			return -EACCES;
		}
		return check_packet_access(env, regno, r->off, max_size, zero_ok);
	}
	if (r->type == PTR_TO_PACKET_END) {
		char b[48];
		verbose(env, "R%u type=%s expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_\n",
			regno, reg_type_str(r, b, sizeof(b)));
		return -EACCES;
	}
	if (trusted) {
		/* the kernel's check_ptr_to_btf_access(): the bytes must be
		 * inside the struct's members; read only */
		struct reg_state dst;
		if (write) {
			verbose(env, "only read is supported\n");
			return -EACCES;
		}
		return max_size ? btf_ptr_access(env, regno, 0, (int)max_size, ACCESS_READ, &dst) : 0;
	}
	if (max_size == 0)
		return 0;
	if (r->type == PTR_TO_STACK) {
		int64_t min, max;
		if (r->frameno > env->cur->curframe)
			return invalid_mem(env, regno, r);
		int err = check_stack_range(env, regno, r, 0, max_size, write, "indirect access to",
					    &min, &max);
		if (err)
			return err;
		struct func_state *f = env->cur->frame[r->frameno];
		/* a helper writing through a variable offset surely writes only
		 * the bytes every offset covers (as a store, stack.c) */
		if (write && !tnum_is_const(r->var_off))
			return stack_var_access(env, f, regno, (int)min, (int)max, (int)max_size,
						true, NULL);
		return stack_check_init(env, f, (int)min, (int)(max - min + max_size), regno, write);
	}
	if (write && (r->flags & MEM_RDONLY)) {
		char b[48];
		if (r->type == PTR_TO_MAP_VALUE) /* the kernel's check_map_access_type */
			verbose(env, "write into map forbidden, value_size=%u off=%d size=%lld\n",
				region_size(env, r), r->off, (long long)max_size);
		else
			verbose(env, "R%u cannot write into %s\n", regno,
				reg_type_str(r, b, sizeof(b)));
		return -EACCES;
	}
	return check_region(env, regno, r, 0, max_size, zero_ok);
}
