/* SPDX-License-Identifier: MIT */
/*
 * For tests that load objects into the kernel through libbpf inside
 * kbpf_in_child(): libbpf kept silent (a rejected load is the test's to
 * report), and the kernel side run or the test failed.
 */
#ifndef BPFRT_TESTS_LIBBPF_SIDE_H
#define BPFRT_TESTS_LIBBPF_SIDE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <bpf/libbpf.h>
#include <cmocka.h>

#include "kbpf.h"

static inline int libbpf_side_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

/* Runs fn(NULL, out) in a child (20 s timeout); fails the test unless it
 * finished and returned 0. */
static inline void libbpf_side_run(int (*fn)(void *arg, void *shm), void *out, size_t size)
{
	int status = -1;
	enum kbpf_outcome o = kbpf_in_child(fn, NULL, out, size, 20000, &status);
	if (o != KBPF_OK || status)
		fail_msg("kernel side: %s, status %d", kbpf_outcome_name(o), status);
}

#endif
