/* SPDX-License-Identifier: MIT */
/* Which backends are built in. */
#include <stddef.h>

#include "vm/backend.h"

const struct vm_backend *vm_backend_get(enum bpfrt_backend which)
{
	switch (which) {
	case BPFRT_BACKEND_INTERP:
		return &vm_backend_interp;
	case BPFRT_BACKEND_JIT:
#ifdef BPFRT_HAVE_JIT
		return &vm_backend_jit;
#else
		return NULL;
#endif
	}
	return NULL;
}
