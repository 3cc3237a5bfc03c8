/* SPDX-License-Identifier: MIT */
/*
 * A test's runtime of one object (bpfrt/runtime.h): verified programs only
 * (BPFRT_VERIFY_REQUIRE) on the given backend, as the kernel differential
 * tests run them against BPF_PROG_TEST_RUN.
 */
#ifndef BPFRT_TESTS_RUNTIME_OPEN_H
#define BPFRT_TESTS_RUNTIME_OPEN_H

#include <stddef.h>

#include "bpfrt/object.h"
#include "bpfrt/runtime.h"

/* The runtime, *obj its object (close it after freeing the runtime), or
 * NULL with why in log (nothing left open). */
static inline struct bpfrt_runtime *runtime_open(const char *path, enum bpfrt_backend backend,
						 struct bpfrt_object **obj, char *log,
						 size_t log_size)
{
	struct bpfrt_object_opts oo = { .sz = sizeof(oo), .log_buf = log, .log_size = log_size };
	struct bpfrt_runtime_opts ro = { .sz = sizeof(ro), .backend = backend,
					 .verify = BPFRT_VERIFY_REQUIRE, .log_buf = log,
					 .log_size = log_size };
	*obj = bpfrt_object__open_file(path, &oo);
	struct bpfrt_runtime *rt = *obj ? bpfrt_runtime__new(*obj, &ro) : NULL;
	if (!rt) {
		bpfrt_object__close(*obj);
		*obj = NULL;
	}
	return rt;
}

#endif
