/* SPDX-License-Identifier: MIT */
/* The conformance corpus' helpers (0-5, see ../shared/conformance/README.md)
 * as a jit_env, for tests that drive the JIT without the VM. */
#ifndef BPFRT_TESTS_JIT_TEST_ENV_H
#define BPFRT_TESTS_JIT_TEST_ENV_H

#include <string.h>

#include "jit/jit.h"
#include "vm/run_ctx.h"

static uint64_t th_pack(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
			struct bpfrt_run_ctx *rc)
{
	(void)rc;
	return (a & 0xff) << 32 | (b & 0xff) << 24 | (c & 0xff) << 16 | (d & 0xff) << 8 | (e & 0xff);
}

static uint64_t th_xor42(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
			 struct bpfrt_run_ctx *rc)
{
	(void)c, (void)d, (void)e, (void)rc;
	uint8_t *p = (uint8_t *)(uintptr_t)a;
	for (uint64_t i = 0; i < b; i++)
		p[i] ^= 42;
	return 0;
}

static uint64_t th_nop(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
		       struct bpfrt_run_ctx *rc)
{
	(void)a, (void)b, (void)c, (void)d, (void)e, (void)rc;
	return 0;
}

static uint64_t th_sqrt(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
			struct bpfrt_run_ctx *rc)
{
	(void)b, (void)c, (void)d, (void)e, (void)rc;
	uint64_t r = 0;
	while ((r + 1) * (r + 1) <= a && (r + 1) <= 0xffffffffu)
		r++;
	return r;
}

static uint64_t th_strcmp(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
			  struct bpfrt_run_ctx *rc)
{
	(void)c, (void)d, (void)e, (void)rc;
	return (uint64_t)(int64_t)strcmp((const char *)(uintptr_t)a, (const char *)(uintptr_t)b);
}

/* Returns its argument; 0 ends the program with r0 = 0. */
static uint64_t th_unwind(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
			  struct bpfrt_run_ctx *rc)
{
	(void)b, (void)c, (void)d, (void)e;
	if (a == 0) {
		rc->aborted = true;
		rc->abort_r0 = 0;
	}
	return a;
}

static bpfrt_helper_fn th_lookup(const void *arg, uint32_t id)
{
	(void)arg;
	static const bpfrt_helper_fn table[] = {th_pack, th_xor42, th_nop, th_sqrt, th_strcmp,
						th_unwind};
	return id < sizeof(table) / sizeof(table[0]) ? table[id] : NULL;
}

static const struct jit_env jit_test_env = {.helper = th_lookup};

#endif /* BPFRT_TESTS_JIT_TEST_ENV_H */
