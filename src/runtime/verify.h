/* SPDX-License-Identifier: MIT */
/*
 * What the verifier is told about one program of an object, built once for
 * the runtime and for `bpfrt verify`: its maps with what their value BTF
 * says (where a struct bpf_spin_lock is), the BTF signatures of its global
 * functions, and its kfunc calls resolved by name to kfunc table indexes.
 */
#ifndef BPFRT_RUNTIME_VERIFY_H
#define BPFRT_RUNTIME_VERIFY_H

#include <stddef.h>

#include "bpfrt/object.h"
#include "bpfrt/verifier.h"

/* Sets imm of each kfunc call in `insns` (a copy of prog's) to the kfunc's
 * index in src/helpers/kfuncs.c's table. -ENOENT naming the first unknown
 * kfunc in `why`. */
int verify_resolve_kfuncs(const struct bpfrt_program *prog, struct bpfrt_insn *insns, size_t cnt,
			  char *why, size_t why_size);
/* Fills vo's maps, map_cnt, funcs, func_cnt, gpl and attach for `prog` of
 * `obj` (arrays owned by vo until verify_input_free). 0 or -ENOMEM. */
int verify_input_build(const struct bpfrt_object *obj, const struct bpfrt_program *prog,
		       struct bpfrt_verify_opts *vo);
void verify_input_free(struct bpfrt_verify_opts *vo);
/* For a program that traces a function (fentry, fexit, fmod_ret,
 * fsession): vo's target_btf = btf and target_func = func, or the
 * program's section target when func is NULL. Others: no target. */
void verify_input_target(struct bpfrt_verify_opts *vo, const struct bpfrt_program *prog,
			 const struct btf *btf, const char *func);

#endif
