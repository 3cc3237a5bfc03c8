/* SPDX-License-Identifier: MIT */
/* Calling a helper of the table (src/helpers/protos.c) as an engine does,
 * for cmocka tests of helpers (include <cmocka.h> first). */
#ifndef BPFRT_TESTS_HELPER_CALL_H
#define BPFRT_TESTS_HELPER_CALL_H

#include <stdint.h>

#include "helpers/helpers.h"

/* r0 of helper `id` with r1..r5 = a..e; fails the test when the table has
 * no implementation for it. */
static inline uint64_t helper_call(uint32_t id, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
				   uint64_t e, struct bpfrt_run_ctx *rc)
{
	const struct helper_proto *p = helper_proto_find(id);

	assert_non_null(p);
	assert_non_null(p->fn);
	return p->fn(a, b, c, d, e, rc);
}

#endif /* BPFRT_TESTS_HELPER_CALL_H */
