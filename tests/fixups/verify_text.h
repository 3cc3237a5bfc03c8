/* SPDX-License-Identifier: MIT */
/* Fixups tests: assemble text and verify it (r1: ctx_size bytes of raw
 * context); the facts, or the test fails with the log. */
#ifndef BPFRT_TESTS_FIXUPS_VERIFY_TEXT_H
#define BPFRT_TESTS_FIXUPS_VERIFY_TEXT_H

#include <stdlib.h>

#include "bpfrt/asm.h"
#include "bpfrt/verifier.h"
#include "verifier/facts.h"

static inline struct verifier_facts *verify_text(const char *text, uint32_t ctx_size,
						 struct bpfrt_insn **insns, size_t *cnt)
{
	char log[4096] = "";
	struct bpfrt_asm_opts ao = { .sz = sizeof(ao), .log_buf = log, .log_size = sizeof(log) };
	if (bpfrt_asm(text, &ao, insns, cnt))
		fail_msg("asm: %s", log);
	struct bpfrt_verify_opts vo = { .sz = sizeof(vo), .ctx_size = ctx_size, .log_buf = log,
					.log_size = sizeof(log) };
	struct verifier_facts *f = NULL;
	if (verifier_run(*insns, *cnt, &vo, &f))
		fail_msg("verifier: %s", log);
	return f;
}

#endif
