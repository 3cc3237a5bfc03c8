/* SPDX-License-Identifier: MIT */
/* Calling a BPF callback (a subprogram of the running program) from a helper. */
#ifndef BPFRT_HELPERS_CALLBACK_H
#define BPFRT_HELPERS_CALLBACK_H

#include <stdint.h>

#include "bpfrt/vm.h"

/* Runs the callback whose ld_imm64 value is `fn` (an insn index after
 * fixups) with r1..r5 = a..e. 0 and *r0, or -errno (-EOPNOTSUPP: the
 * engine cannot call back). */
int helper_callback(struct bpfrt_run_ctx *rc, uint64_t fn, uint64_t a, uint64_t b, uint64_t c,
		    uint64_t d, uint64_t e, uint64_t *r0);

#endif
