/* SPDX-License-Identifier: MIT */
/*
 * Loading: copy the instructions, check every one against the opcode table,
 * check control flow (jump and local call targets inside the program and not
 * into the second slot of an ld_imm64, no falling off the end) and that
 * every helper called is registered, then hand the program to its backend.
 * Each complaint is one log line starting "insn N:".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/object.h"
#include "isa/opcodes.h"
#include "vm/backend.h"
#include "vm/log.h"
#include "vm/prog.h"

/* The index control reaches from insn `pc` when its branch is taken. */
static int64_t branch_target(const struct bpfrt_insn *insn, const struct isa_form *f, size_t pc)
{
	int64_t delta = (f->syntax == ISA_SYN_JA32 || f->syntax == ISA_SYN_CALL_LOCAL) ? insn->imm
										    : insn->off;
	return (int64_t)pc + 1 + delta;
}

static int check_insns(const struct bpfrt_vm *vm, const struct bpfrt_insn *insns, size_t cnt,
		       struct vm_log *log)
{
	/* second[i]: slot i is the immediate half of an ld_imm64. */
	uint8_t *second = calloc(cnt, 1);
	if (!second)
		return -ENOMEM;
	int err = 0;
	for (size_t pc = 0; pc < cnt && !err; pc++) {
		const struct bpfrt_insn *insn = &insns[pc];
		const char *why = NULL;
		if (isa_insn_check(insn, pc + 1 < cnt ? insn + 1 : NULL, &why)) {
			vm_log_line(log, "insn %zu: %s (code 0x%02x)", pc, why, insn->code);
			err = -EINVAL;
			break;
		}
		if (BPFRT_INSN_IS_LDDW(insn))
			second[++pc] = 1;
	}
	for (size_t pc = 0; pc < cnt && !err; pc++) {
		if (second[pc])
			continue;
		const struct bpfrt_insn *insn = &insns[pc];
		const struct isa_form *f = isa_form_of(insn);
		switch (f->op) {
		case ISA_OP_CALL_HELPER:
			if (!vm_helper_fn(vm, (uint32_t)insn->imm)) {
				vm_log_line(log, "insn %zu: call to unknown helper id %d", pc, insn->imm);
				err = -EINVAL;
			}
			continue;
		case ISA_OP_CALL_KFUNC:
			vm_log_line(log, "insn %zu: kfunc calls (id %d) are not supported", pc,
				    insn->imm);
			err = -EINVAL;
			continue;
		case ISA_OP_LDDW_MAP_FD:
		case ISA_OP_LDDW_MAP_VALUE:
		case ISA_OP_LDDW_BTF_ID:
		case ISA_OP_LDDW_FUNC:
		case ISA_OP_LDDW_MAP_IDX:
		case ISA_OP_LDDW_MAP_IDX_VALUE:
			vm_log_line(log,
				    "insn %zu: ld_imm64 with pseudo source %u must be resolved before "
				    "loading",
				    pc, insn->src_reg);
			err = -EINVAL;
			continue;
		default:
			break;
		}
		if (isa_form_has(f, ISA_F_BRANCH)) {
			int64_t t = branch_target(insn, f, pc);
			const char *what = f->op == ISA_OP_CALL_LOCAL ? "call" : "jump";
			if (t < 0 || (uint64_t)t >= cnt) {
				vm_log_line(log, "insn %zu: %s target %lld is outside the program (0..%zu)",
					    pc, what, (long long)t, cnt - 1);
				err = -EINVAL;
			} else if (second[t]) {
				vm_log_line(log,
					    "insn %zu: %s target %lld is the second slot of an ld_imm64",
					    pc, what, (long long)t);
				err = -EINVAL;
			}
		}
	}
	/* The last instruction must not fall through past the end. */
	if (!err) {
		size_t last = cnt - 1;
		if (second[last])
			last--;
		const struct isa_form *f = isa_form_of(&insns[last]);
		if (f->op != ISA_OP_EXIT && f->op != ISA_OP_JA && f->op != ISA_OP_JA32) {
			vm_log_line(log, "insn %zu: the last instruction falls through past the end",
				    last);
			err = -EINVAL;
		}
	}
	free(second);
	return err;
}

struct bpfrt_prog *bpfrt_prog__load(struct bpfrt_vm *vm, const struct bpfrt_insn *insns,
				    size_t insn_cnt, const struct bpfrt_prog_opts *opts)
{
	struct vm_load_extra extra = {
		.line_info = OPTS_GET(opts, line_info, NULL),
		.line_info_cnt = OPTS_GET(opts, line_info_cnt, 0),
	};
	return vm_prog_load(vm, insns, insn_cnt, opts, &extra);
}

static int copy_extra(struct bpfrt_prog *prog, const struct vm_load_extra *extra)
{
	if (!extra)
		return 0;
	if (extra->line_info_cnt) {
		prog->line_info = malloc(extra->line_info_cnt * sizeof(*prog->line_info));
		if (!prog->line_info)
			return -ENOMEM;
		memcpy(prog->line_info, extra->line_info,
		       extra->line_info_cnt * sizeof(*prog->line_info));
		prog->line_info_cnt = extra->line_info_cnt;
	}
	if (extra->facts) {
		prog->facts = malloc(prog->insn_cnt);
		if (!prog->facts)
			return -ENOMEM;
		memcpy(prog->facts, extra->facts, prog->insn_cnt);
	}
	if (extra->stack_depth) {
		prog->stack_depth = malloc(prog->insn_cnt * sizeof(*prog->stack_depth));
		if (!prog->stack_depth)
			return -ENOMEM;
		memcpy(prog->stack_depth, extra->stack_depth,
		       prog->insn_cnt * sizeof(*prog->stack_depth));
	}
	return 0;
}

struct bpfrt_prog *vm_prog_load(struct bpfrt_vm *vm, const struct bpfrt_insn *insns,
				size_t insn_cnt, const struct bpfrt_prog_opts *opts,
				const struct vm_load_extra *extra)
{
	if (!vm || !insns || (opts && opts->sz < sizeof(size_t))) {
		errno = EINVAL;
		return NULL;
	}
	struct vm_log log = vm_log_init(OPTS_GET(opts, log_buf, NULL), OPTS_GET(opts, log_size, 0));
	enum bpfrt_exec_mode mode = OPTS_GET(opts, mode, BPFRT_EXEC_CHECKED);
	enum bpfrt_backend which = OPTS_GET(opts, backend, BPFRT_BACKEND_INTERP);
	const char *name = OPTS_GET(opts, name, NULL);
	int err;

	if (insn_cnt == 0) {
		vm_log_line(&log, "program is empty");
		errno = EINVAL;
		return NULL;
	}
	if (insn_cnt > BPFRT_MAX_INSNS) {
		vm_log_line(&log, "program has %zu instructions, more than %d", insn_cnt,
			    BPFRT_MAX_INSNS);
		errno = E2BIG;
		return NULL;
	}
	if (mode != BPFRT_EXEC_CHECKED && mode != BPFRT_EXEC_TRUSTED) {
		vm_log_line(&log, "unknown execution mode %d", (int)mode);
		errno = EINVAL;
		return NULL;
	}
	const struct vm_backend *backend = vm_backend_get(which);
	if (!backend) {
		vm_log_line(&log, "backend %s is not built into this bpfrt",
			    which == BPFRT_BACKEND_JIT ? "jit" : "(unknown)");
		errno = EOPNOTSUPP;
		return NULL;
	}
	err = check_insns(vm, insns, insn_cnt, &log);
	if (err) {
		errno = -err;
		return NULL;
	}

	struct bpfrt_prog *prog = calloc(1, sizeof(*prog));
	if (!prog)
		goto nomem;
	prog->vm = vm;
	prog->mode = mode;
	prog->insn_cnt = insn_cnt;
	prog->insns = malloc(insn_cnt * sizeof(*insns));
	prog->name = strdup(name ? name : "prog");
	if (!prog->insns || !prog->name)
		goto nomem;
	memcpy(prog->insns, insns, insn_cnt * sizeof(*insns));
	if (copy_extra(prog, extra))
		goto nomem;
	prog->backend = backend;
	prog->jit_harden = OPTS_GET(opts, jit_harden, false);
	err = backend->prepare(prog, &log);
	if (err) {
		bpfrt_prog__free(prog);
		errno = -err;
		return NULL;
	}
	return prog;
nomem:
	vm_log_line(&log, "out of memory");
	bpfrt_prog__free(prog);
	errno = ENOMEM;
	return NULL;
}
