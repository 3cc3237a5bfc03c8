/* SPDX-License-Identifier: MIT */
/* Tests: assemble text and load it trusted into a VM for one engine
 * (cmocka fails the test on any error). */
#ifndef BPFRT_TESTS_ASM_LOAD_H
#define BPFRT_TESTS_ASM_LOAD_H

#include <stdlib.h>

#include "bpfrt/asm.h"
#include "bpfrt/vm.h"

static inline struct bpfrt_prog *asm_load(struct bpfrt_vm *vm, const char *text,
					  enum bpfrt_backend be)
{
	struct bpfrt_insn *insns;
	size_t cnt;
	char log[512] = "";
	struct bpfrt_asm_opts aopts = {.sz = sizeof(aopts), .log_buf = log, .log_size = sizeof(log)};
	if (bpfrt_asm(text, &aopts, &insns, &cnt))
		fail_msg("asm: %s", log);
	struct bpfrt_prog_opts opts = {.sz = sizeof(opts), .backend = be, .mode = BPFRT_EXEC_TRUSTED,
				       .log_buf = log, .log_size = sizeof(log)};
	struct bpfrt_prog *p = bpfrt_prog__load(vm, insns, cnt, &opts);
	if (!p)
		fail_msg("load: %s", log);
	free(insns);
	return p;
}

#endif
