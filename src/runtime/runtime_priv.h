/* SPDX-License-Identifier: MIT */
/* Inside the runtime (src/runtime/). */
#ifndef BPFRT_RUNTIME_PRIV_H
#define BPFRT_RUNTIME_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "bpfrt/object.h"

struct verifier_facts;

/* Verifies `insns` (program `prog` of `obj` as loaded, kfunc calls'
 * imm resolved to kfunc indexes; before fixups), with the traced code's
 * BTF for programs that trace a function (may be NULL) and a tracepoint
 * program's record size (0: not known). 0: accepted, and when
 * `facts` is not NULL the verifier's per-insn facts in *facts (freed with
 * verifier_facts_free); -EINVAL/-E2BIG: rejected, the verifier's log in
 * `log`; -ENOMEM; -EOPNOTSUPP: this build has no verifier. */
int runtime_verify(const struct bpfrt_object *obj, const struct bpfrt_program *prog,
		   const struct btf *target_btf, uint32_t tp_record_size,
		   const struct bpfrt_insn *insns, size_t cnt,
		   char *log, size_t log_size, struct verifier_facts **facts);

/* What the backends may rely on (vm/prog.h VM_FACT_*), per instruction
 * of the `cnt` loaded instructions, from the verifier's facts about the
 * `vcnt` it saw (slot_map: where fixups_inline moved them, or NULL). A
 * calloc'ed array, or NULL (ENOMEM). The kernel differential runs raw
 * programs as the runtime runs an object's. */
uint8_t *runtime_backend_facts(const struct verifier_facts *f, size_t vcnt, const size_t *slot_map,
			       size_t cnt);

/* The kernel's BPF_F_TEST_RND_HI32 for the programs `rt` loads from now
 * on: junk in the upper half of every 32-bit definition the verifier did
 * not mark FACT_ZEXT (fixups_rnd_hi32, from `seed`; 0: off). Verified
 * programs only. For tests of the zero-extension facts. */
struct bpfrt_runtime;
void runtime_test_rnd_hi32(struct bpfrt_runtime *rt, uint64_t seed);

#endif
