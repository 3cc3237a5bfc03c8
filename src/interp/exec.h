/* SPDX-License-Identifier: MIT */
/*
 * The executor's body, written once and included by exec.c twice: with
 * CHECKED 1 (bounds checks, instruction budget) as interp_exec_checked and
 * CHECKED 0 as interp_exec_trusted. Dispatch is computed goto through a
 * label table indexed by the op's code; building with INTERP_SWITCH=1 turns
 * the same body into a switch (OP() becomes a case label, NEXT a jump back to
 * the switch) for compilers without labels-as-values.
 *
 * Semantics are RFC 9669's; the places where C would differ are spelled out:
 * division by zero gives 0 and modulo by zero leaves dst (§4.1), signed
 * INT_MIN / -1 gives INT_MIN and its modulo 0, shift amounts are masked to
 * the operand width, 32-bit results are zero-extended.
 */

#if INTERP_SWITCH
#define OP(name) case ISA_OP_##name:
#define FOP(name) case IOP_##name:
#define DISPATCH() goto dispatch
#else
#define OP(name) op_##name:
#define FOP(name) op_##name:
#define DISPATCH()                                                                        \
	do {                                                                              \
		BUDGET();                                                                 \
		goto *labels[op->code];                                                   \
	} while (0)
#endif

#if CHECKED
#define BUDGET()                                                                          \
	do {                                                                              \
		if (__builtin_expect(budget-- == 0, 0))                                   \
			goto out_of_budget;                                               \
	} while (0)
/* addr..addr+size must lie in the live stack frames, the ctx or a region. */
#define CHECK(addr, size, kind)                                                           \
	do {                                                                              \
		if (!((addr) >= stack_lo && (addr) <= stack_hi - (size)) &&               \
		    !interp_mem_ok(rc, st, (addr), (size), (kind) != ACCESS_LOAD)) {      \
			fault_addr = (addr), fault_size = (size), fault_kind = (kind);    \
			goto fault;                                                       \
		}                                                                         \
	} while (0)
#define CHECK_ALIGNED(addr, size)                                                         \
	do {                                                                              \
		if ((addr) & ((size) - 1)) {                                              \
			fault_addr = (addr), fault_size = (size), fault_kind = ACCESS_ALIGN; \
			goto fault;                                                       \
		}                                                                         \
	} while (0)
#else
#define BUDGET() ((void)0)
#define CHECK(addr, size, kind) ((void)0)
#define CHECK_ALIGNED(addr, size) ((void)0)
#endif

/* Fused ops: the instructions they stand for beyond the first count
 * against the budget too. */
#if CHECKED
#define EXTRA(n)                                                                          \
	do {                                                                              \
		if (__builtin_expect(budget < (n), 0))                                    \
			goto out_of_budget;                                               \
		budget -= (n);                                                            \
	} while (0)
#else
#define EXTRA(n) ((void)0)
#endif
#define SKIP(n)                                                                           \
	do {                                                                              \
		op += (n);                                                                \
		DISPATCH();                                                               \
	} while (0)

#define NEXT()                                                                            \
	do {                                                                              \
		op++;                                                                     \
		DISPATCH();                                                               \
	} while (0)
#define JUMP()                                                                            \
	do {                                                                              \
		op = base + op->tgt;                                                      \
		DISPATCH();                                                               \
	} while (0)

#define DST reg[op->dst]
#define SRC reg[op->src]
#define IMM ((uint64_t)(int64_t)op->imm) /* sign-extended to 64 bits */

int EXEC_NAME(const struct interp_prog *ip, const struct bpfrt_prog *prog,
	      struct bpfrt_run_ctx *rc, struct interp_state *st, uint32_t start,
	      const uint64_t *args, uint64_t *ret)
{
#if !INTERP_SWITCH
	static const void *const labels[IOP_COUNT] = {
		[ISA_OP_INVALID] = &&op_INVALID,
#define LABEL(name, ...) [ISA_OP_##name] = &&op_##name,
		ISA_FORMS(LABEL)
#undef LABEL
#define FLABEL(name) [IOP_##name] = &&op_##name,
		INTERP_FUSED(FLABEL)
#undef FLABEL
	};
#endif
	const struct iop *base = ip->ops;
	const struct iop *op = base + start;
	int err = 0;
	const struct bpfrt_vm *vm = prog->vm;
	uint64_t reg[11];
	/* The frames of BPF-to-BPF calls: frame 0 (main) at the top of the
	 * stack area, each call 512 bytes below. */
	uint8_t stack[BPFRT_MAX_CALL_DEPTH * BPFRT_STACK_SIZE] __attribute__((aligned(16)));
	struct {
		const struct iop *ret, *base; /* a tail call may have changed the program */
		const struct bpfrt_prog *prog;
		uint64_t saved[5]; /* r6-r10 */
	} frames[BPFRT_MAX_CALL_DEPTH];
	unsigned depth = 0;
	/* may_goto's budget of each frame's call (as the kernel's fixups keep
	 * it in a hidden stack slot; here outside the program's memory) */
	uint64_t loops[BPFRT_MAX_CALL_DEPTH];
	bpfrt_helper_fn fn = NULL;
	uint64_t helper_id = 0;
#if CHECKED
	uint64_t budget = st->budget;
	uint64_t stack_hi = (uint64_t)(uintptr_t)(stack + sizeof(stack));
	uint64_t stack_lo = stack_hi - BPFRT_STACK_SIZE;
	uint64_t fault_addr = 0;
	unsigned fault_size = 0;
	enum interp_access fault_kind = ACCESS_LOAD;
#endif

	reg[0] = reg[6] = reg[7] = reg[8] = reg[9] = 0;
	if (args) {
		memcpy(&reg[1], args, 5 * sizeof(reg[0]));
	} else {
		reg[1] = (uint64_t)(uintptr_t)rc->ctx;
		reg[2] = rc->ctx_size;
		reg[3] = reg[4] = reg[5] = 0;
	}
	reg[10] = (uint64_t)(uintptr_t)(stack + sizeof(stack));
	loops[0] = ISA_MAX_LOOPS;
#if CHECKED
	st->stack_hi = stack_hi;
	/* An unverified program must not read what the host left there. */
	memset(stack + sizeof(stack) - BPFRT_STACK_SIZE, 0, BPFRT_STACK_SIZE);
#endif

#if INTERP_SWITCH
dispatch:
	BUDGET();
	switch (op->code) {
#else
	DISPATCH();
#endif

	/* ALU. In the 32-bit forms a and b are u32 and the result is
	 * truncated to 32 bits, which zero-extends it into dst. */
#define ALU_PLAIN(N, E64, E32)                                                            \
	OP(N##64_K) { uint64_t a = DST, b = IMM; DST = (E64); NEXT(); }                   \
	OP(N##64_X) { uint64_t a = DST, b = SRC; DST = (E64); NEXT(); }                   \
	OP(N##32_K) { uint32_t a = (uint32_t)DST, b = (uint32_t)op->imm; DST = (uint32_t)(E32); NEXT(); } \
	OP(N##32_X) { uint32_t a = (uint32_t)DST, b = (uint32_t)SRC; DST = (uint32_t)(E32); NEXT(); }
	/* t = a; t op= b as one op: a is op->src, b op[1]'s immediate or source. */
#define ALU_BIN(N, E64, E32)                                                              \
	ALU_PLAIN(N, E64, E32)                                                            \
	FOP(MOVX_##N##64_K) { uint64_t a = SRC, b = (uint64_t)(int64_t)op[1].imm; EXTRA(1); DST = (E64); SKIP(2); } \
	FOP(MOVX_##N##64_X) { uint64_t a = SRC, b = reg[op[1].src]; EXTRA(1); DST = (E64); SKIP(2); } \
	FOP(MOVX_##N##32_K) { uint32_t a = (uint32_t)SRC, b = (uint32_t)op[1].imm; EXTRA(1); DST = (uint32_t)(E32); SKIP(2); } \
	FOP(MOVX_##N##32_X) { uint32_t a = (uint32_t)SRC, b = (uint32_t)reg[op[1].src]; EXTRA(1); DST = (uint32_t)(E32); SKIP(2); }

	ALU_BIN(ADD, a + b, a + b)
	ALU_BIN(SUB, a - b, a - b)
	ALU_BIN(MUL, a * b, a * b)
	ALU_BIN(DIV, b ? a / b : 0, b ? a / b : 0)
	ALU_BIN(MOD, b ? a % b : a, b ? a % b : a)
	ALU_BIN(SDIV, sdiv64(a, b), sdiv32(a, b))
	ALU_BIN(SMOD, smod64(a, b), smod32(a, b))
	ALU_BIN(OR, a | b, a | b)
	ALU_BIN(AND, a & b, a & b)
	ALU_BIN(XOR, a ^ b, a ^ b)
	ALU_BIN(LSH, a << (b & 63), a << (b & 31))
	ALU_BIN(RSH, a >> (b & 63), a >> (b & 31))
	ALU_BIN(ARSH, (uint64_t)((int64_t)a >> (b & 63)), (uint32_t)((int32_t)a >> (b & 31)))
	ALU_PLAIN(MOV, ((void)a, b), ((void)a, b))
#undef ALU_PLAIN
#undef ALU_BIN

	/* t = a; t >>= k1; a <<= k2; a |= t: op->dst is t, op->src is a. */
	FOP(ROTL64)
	{
		uint64_t v = SRC, t = v >> (op[1].imm & 63);
		EXTRA(3);
		DST = t;
		SRC = (v << (op[2].imm & 63)) | t;
		SKIP(4);
	}
	FOP(ROTL32)
	{
		uint32_t v = (uint32_t)SRC, t = v >> (op[1].imm & 31);
		EXTRA(3);
		DST = t;
		SRC = (uint32_t)((v << (op[2].imm & 31)) | t);
		SKIP(4);
	}

	OP(NEG64) { DST = -DST; NEXT(); }
	OP(NEG32) { DST = (uint32_t)-(uint32_t)DST; NEXT(); }
	OP(MOVSX8_64) { DST = (uint64_t)(int64_t)(int8_t)SRC; NEXT(); }
	OP(MOVSX16_64) { DST = (uint64_t)(int64_t)(int16_t)SRC; NEXT(); }
	OP(MOVSX32_64) { DST = (uint64_t)(int64_t)(int32_t)SRC; NEXT(); }
	OP(MOVSX8_32) { DST = (uint32_t)(int32_t)(int8_t)SRC; NEXT(); }
	OP(MOVSX16_32) { DST = (uint32_t)(int32_t)(int16_t)SRC; NEXT(); }
	/* Byte order: the host is little-endian (x86-64, arm64 as built). */
	OP(LE16) { DST = (uint16_t)DST; NEXT(); }
	OP(LE32) { DST = (uint32_t)DST; NEXT(); }
	OP(LE64) { NEXT(); }
	OP(BE16)
	OP(BSWAP16) { DST = __builtin_bswap16((uint16_t)DST); NEXT(); }
	OP(BE32)
	OP(BSWAP32) { DST = __builtin_bswap32((uint32_t)DST); NEXT(); }
	OP(BE64)
	OP(BSWAP64) { DST = __builtin_bswap64(DST); NEXT(); }

	OP(LDDW)
	{
		DST = (uint64_t)(uint32_t)op->imm | (uint64_t)(uint32_t)op[1].imm << 32;
		op += 2;
		DISPATCH();
	}

	/* Jumps. */
	OP(JA)
	OP(JA32) JUMP();
	OP(MAY_GOTO)
	{
		if (!loops[depth])
			JUMP();
		loops[depth]--;
		NEXT();
	}
#define JCOND(N, CMP, T64, T32)                                                           \
	OP(N##_K) { if ((T64)DST CMP (T64)IMM) JUMP(); NEXT(); }                          \
	OP(N##_X) { if ((T64)DST CMP (T64)SRC) JUMP(); NEXT(); }                          \
	OP(N##32_K) { if ((T32)DST CMP (T32)op->imm) JUMP(); NEXT(); }                    \
	OP(N##32_X) { if ((T32)DST CMP (T32)SRC) JUMP(); NEXT(); }                        \
	/* r += imm; if r CMP b goto: op[1] is the jump (its dst is r). */               \
	FOP(ADDK_##N##_K)                                                                 \
	{                                                                                 \
		EXTRA(1);                                                                 \
		DST += IMM;                                                               \
		if ((T64)DST CMP (T64)(uint64_t)(int64_t)op[1].imm) {                     \
			op = base + op[1].tgt;                                            \
			DISPATCH();                                                       \
		}                                                                         \
		SKIP(2);                                                                  \
	}                                                                                 \
	FOP(ADDK_##N##_X)                                                                 \
	{                                                                                 \
		EXTRA(1);                                                                 \
		DST += IMM;                                                               \
		if ((T64)DST CMP (T64)reg[op[1].src]) {                                   \
			op = base + op[1].tgt;                                            \
			DISPATCH();                                                       \
		}                                                                         \
		SKIP(2);                                                                  \
	}
	JCOND(JEQ, ==, uint64_t, uint32_t)
	JCOND(JNE, !=, uint64_t, uint32_t)
	JCOND(JGT, >, uint64_t, uint32_t)
	JCOND(JGE, >=, uint64_t, uint32_t)
	JCOND(JLT, <, uint64_t, uint32_t)
	JCOND(JLE, <=, uint64_t, uint32_t)
	JCOND(JSGT, >, int64_t, int32_t)
	JCOND(JSGE, >=, int64_t, int32_t)
	JCOND(JSLT, <, int64_t, int32_t)
	JCOND(JSLE, <=, int64_t, int32_t)
	JCOND(JSET, &, uint64_t, uint32_t)
#undef JCOND

	/* Memory. */
#define LOAD(N, T, EXT)                                                                   \
	OP(N)                                                                             \
	{                                                                                 \
		uint64_t addr = SRC + (uint64_t)(int64_t)op->off;                         \
		CHECK(addr, sizeof(T), ACCESS_LOAD);                                      \
		DST = (uint64_t)(EXT)(*(const T *)(uintptr_t)addr);                       \
		NEXT();                                                                   \
	}                                                                                 \
	FOP(N##_FP)                                                                       \
	{                                                                                 \
		uint64_t addr = SRC + (uint64_t)(int64_t)op->off;                         \
		DST = (uint64_t)(EXT)(*(const T *)(uintptr_t)addr);                       \
		NEXT();                                                                   \
	}
	LOAD(LDXDW, u64_u, uint64_t)
	LOAD(LDXW, u32_u, uint32_t)
	LOAD(LDXH, u16_u, uint16_t)
	LOAD(LDXB, uint8_t, uint8_t)
	LOAD(LDXSW, s32_u, int64_t)
	LOAD(LDXSH, s16_u, int64_t)
	LOAD(LDXSB, int8_t, int64_t)
#undef LOAD
	/* Fault-safe loads (BTF pointers): a bad address reads 0. */
#define PROBE_LOAD(N, FN)                                                                 \
	FOP(PROBE_##N)                                                                    \
	{                                                                                 \
		uint64_t addr = SRC + (uint64_t)(int64_t)op->off;                         \
		DST = addr < PROBE_MEM_MIN_ADDR ? 0 : FN(addr);                           \
		NEXT();                                                                   \
	}
	PROBE_LOAD(LDXDW, probe_load_u64)
	PROBE_LOAD(LDXW, probe_load_u32)
	PROBE_LOAD(LDXH, probe_load_u16)
	PROBE_LOAD(LDXB, probe_load_u8)
	PROBE_LOAD(LDXSW, probe_load_s32)
	PROBE_LOAD(LDXSH, probe_load_s16)
	PROBE_LOAD(LDXSB, probe_load_s8)
#undef PROBE_LOAD
#define STORE(N, T, VAL)                                                                  \
	OP(N)                                                                             \
	{                                                                                 \
		uint64_t addr = DST + (uint64_t)(int64_t)op->off;                         \
		CHECK(addr, sizeof(T), ACCESS_STORE);                                     \
		*(T *)(uintptr_t)addr = (T)(VAL);                                         \
		NEXT();                                                                   \
	}                                                                                 \
	FOP(N##_FP)                                                                       \
	{                                                                                 \
		uint64_t addr = DST + (uint64_t)(int64_t)op->off;                         \
		*(T *)(uintptr_t)addr = (T)(VAL);                                         \
		NEXT();                                                                   \
	}
	STORE(STDW, u64_u, IMM)
	STORE(STW, u32_u, op->imm)
	STORE(STH, u16_u, op->imm)
	STORE(STB, uint8_t, op->imm)
	STORE(STXDW, u64_u, SRC)
	STORE(STXW, u32_u, SRC)
	STORE(STXH, u16_u, SRC)
	STORE(STXB, uint8_t, SRC)
#undef STORE

	/* Atomics: sequentially consistent, as the kernel's JIT's lock-prefixed
	 * instructions. 32-bit fetches zero-extend the old value. */
#define ATOMIC(N, T, BUILTIN, FETCH)                                                      \
	OP(N)                                                                             \
	{                                                                                 \
		uint64_t addr = DST + (uint64_t)(int64_t)op->off;                         \
		CHECK(addr, sizeof(T), ACCESS_ATOMIC);                                    \
		CHECK_ALIGNED(addr, sizeof(T));                                           \
		T old = BUILTIN((T *)(uintptr_t)addr, (T)SRC, __ATOMIC_SEQ_CST);          \
		if (FETCH)                                                                \
			SRC = old;                                                        \
		NEXT();                                                                   \
	}
#define ATOMIC_PAIR(N, BUILTIN, FETCH)                                                    \
	ATOMIC(N##64, uint64_t, BUILTIN, FETCH)                                           \
	ATOMIC(N##32, uint32_t, BUILTIN, FETCH)
	ATOMIC_PAIR(ATOMIC_ADD, __atomic_fetch_add, 0)
	ATOMIC_PAIR(ATOMIC_OR, __atomic_fetch_or, 0)
	ATOMIC_PAIR(ATOMIC_AND, __atomic_fetch_and, 0)
	ATOMIC_PAIR(ATOMIC_XOR, __atomic_fetch_xor, 0)
	ATOMIC_PAIR(ATOMIC_FETCH_ADD, __atomic_fetch_add, 1)
	ATOMIC_PAIR(ATOMIC_FETCH_OR, __atomic_fetch_or, 1)
	ATOMIC_PAIR(ATOMIC_FETCH_AND, __atomic_fetch_and, 1)
	ATOMIC_PAIR(ATOMIC_FETCH_XOR, __atomic_fetch_xor, 1)
	ATOMIC_PAIR(ATOMIC_XCHG, __atomic_exchange_n, 1)
#undef ATOMIC_PAIR
#undef ATOMIC
#define CMPXCHG(N, T)                                                                     \
	OP(N)                                                                             \
	{                                                                                 \
		uint64_t addr = DST + (uint64_t)(int64_t)op->off;                         \
		CHECK(addr, sizeof(T), ACCESS_ATOMIC);                                    \
		CHECK_ALIGNED(addr, sizeof(T));                                           \
		T expected = (T)reg[0];                                                   \
		__atomic_compare_exchange_n((T *)(uintptr_t)addr, &expected, (T)SRC, false, \
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);          \
		reg[0] = expected; /* the old value either way */                        \
		NEXT();                                                                   \
	}
	CMPXCHG(ATOMIC_CMPXCHG64, uint64_t)
	CMPXCHG(ATOMIC_CMPXCHG32, uint32_t)
#undef CMPXCHG

	/* Legacy packet loads (RFC 9669 §5.5): from the ctx, network byte order;
	 * out of bounds ends the program with r0 = 0, as in the kernel. */
#define LDPKT(N, SZ, OFFSET, SWAP)                                                        \
	OP(N)                                                                             \
	{                                                                                 \
		uint64_t o = (OFFSET);                                                    \
		if (!rc->ctx || o > rc->ctx_size || SZ > rc->ctx_size - o) {              \
			*ret = 0;                                                         \
			goto done;                                                        \
		}                                                                         \
		const uint8_t *p = (const uint8_t *)rc->ctx + o;                          \
		reg[0] = SWAP;                                                            \
		NEXT();                                                                   \
	}
	LDPKT(LDABSW, 4, (uint32_t)op->imm, __builtin_bswap32(*(const u32_u *)p))
	LDPKT(LDABSH, 2, (uint32_t)op->imm, __builtin_bswap16(*(const u16_u *)p))
	LDPKT(LDABSB, 1, (uint32_t)op->imm, *p)
	LDPKT(LDINDW, 4, (uint32_t)(SRC + op->imm), __builtin_bswap32(*(const u32_u *)p))
	LDPKT(LDINDH, 2, (uint32_t)(SRC + op->imm), __builtin_bswap16(*(const u16_u *)p))
	LDPKT(LDINDB, 1, (uint32_t)(SRC + op->imm), *p)
#undef LDPKT

	/* Calls. */
	OP(CALL_HELPER)
	{
		helper_id = (uint32_t)op->imm;
		fn = vm_helper_fn(vm, helper_id);
	call_helper:
		if (!fn)
			goto bad_helper;
		/* What a callback run from the helper (bpf_loop) needs. */
		st->depth = depth;
#if CHECKED
		st->stack_lo = stack_lo;
		st->budget = budget;
#endif
		reg[0] = fn(reg[1], reg[2], reg[3], reg[4], reg[5], rc);
#if CHECKED
		budget = st->budget;
#endif
		if (__builtin_expect(rc->aborted, 0)) {
			if (st->err) { /* a callback failed */
				err = st->err;
				goto done;
			}
			if (rc->tail_prog)
				goto tail_call;
			*ret = rc->abort_r0;
			goto done;
		}
		NEXT();
	}
	OP(CALLX)
	{
		/* The conformance corpus' callx: the helper id is in dst. */
		helper_id = DST;
		fn = vm_helper_fn(vm, helper_id);
		goto call_helper;
	}
	OP(CALL_LOCAL)
	{
		if (st->base_depth + depth + 1 >= BPFRT_MAX_CALL_DEPTH)
			goto too_deep;
		frames[depth].ret = op + 1;
		frames[depth].base = base;
		frames[depth].prog = prog;
		memcpy(frames[depth].saved, &reg[6], sizeof(frames[depth].saved));
		depth++;
		loops[depth] = ISA_MAX_LOOPS;
		reg[10] -= BPFRT_STACK_SIZE;
#if CHECKED
		stack_lo -= BPFRT_STACK_SIZE;
		memset((void *)(uintptr_t)stack_lo, 0, BPFRT_STACK_SIZE);
#endif
		JUMP();
	}
	OP(EXIT)
	{
	exit_function:
		if (depth == 0) {
			*ret = reg[0];
			goto done;
		}
		depth--;
		memcpy(&reg[6], frames[depth].saved, sizeof(frames[depth].saved));
#if CHECKED
		stack_lo += BPFRT_STACK_SIZE;
#endif
		op = frames[depth].ret;
		base = frames[depth].base;
		prog = frames[depth].prog;
		vm = prog->vm;
		DISPATCH();
	}

	OP(INVALID)
	OP(CALL_KFUNC)
	OP(LDDW_MAP_FD)
	OP(LDDW_MAP_VALUE)
	OP(LDDW_BTF_ID)
	OP(LDDW_FUNC)
	OP(LDDW_MAP_IDX)
	OP(LDDW_MAP_IDX_VALUE)
#if INTERP_SWITCH
	default:
#endif
		vm_log_line(rc->log, "insn %zu: cannot run this instruction (code 0x%02x)",
			    (size_t)(op - base), prog->insns[op - base].code);
		err = -EINVAL;
		goto done;
#if INTERP_SWITCH
	}
#endif

tail_call:
	/* bpf_tail_call (vm_run_tail): an interpreted target of the same mode
	 * replaces the current function in place, in its frame; any other
	 * runs to completion and the current function exits with its r0. */
	if (rc->tail_prog->backend == &vm_backend_interp && rc->tail_prog->mode == prog->mode) {
		prog = rc->tail_prog;
		rc->prog = prog;
		rc->tail_prog = NULL;
		rc->aborted = false;
		vm = prog->vm;
		base = ((const struct interp_prog *)prog->backend_data)->ops;
		op = base;
		loops[depth] = ISA_MAX_LOOPS;
		reg[0] = reg[3] = reg[4] = reg[5] = 0;
		reg[1] = (uint64_t)(uintptr_t)rc->ctx;
		reg[2] = rc->ctx_size;
		DISPATCH();
	}
	err = vm_run_tail(rc, &reg[0]);
	if (err)
		goto done;
	goto exit_function;
bad_helper:
	vm_log_line(rc->log, "insn %zu: call to unknown helper id %llu", (size_t)(op - base),
		    (unsigned long long)helper_id);
	err = -EINVAL;
	goto done;
too_deep:
	vm_log_line(rc->log, "insn %zu: call depth exceeds %d frames", (size_t)(op - base),
		    BPFRT_MAX_CALL_DEPTH);
	err = -E2BIG;
	goto done;
#if CHECKED
out_of_budget:
	vm_log_line(rc->log, "insn %zu: instruction budget of %llu exhausted",
		    (size_t)(op - base), (unsigned long long)rc->insn_budget);
	err = -ELOOP;
	goto done;
fault:
	interp_log_fault(rc, (size_t)(op - base), fault_kind, fault_addr, fault_size);
	err = -EFAULT;
	goto done;
#endif
done:
#if CHECKED
	st->budget = budget;
#endif
	return err;
}

#undef OP
#undef FOP
#undef DISPATCH
#undef BUDGET
#undef CHECK
#undef CHECK_ALIGNED
#undef NEXT
#undef EXTRA
#undef SKIP
#undef JUMP
#undef DST
#undef SRC
#undef IMM
