/* SPDX-License-Identifier: MIT */
/*
 * bpf_spin_lock / bpf_spin_unlock on the 4-byte struct bpf_spin_lock inside
 * a map value. The lock word is in shared map memory, so it works between
 * processes too. Test-and-test-and-set with a pause: critical sections of
 * BPF programs are short and may not call helpers.
 */
#include <stdatomic.h>

#include "helpers/impl.h"

#define UNUSED_ARGS (void)r1, (void)r2, (void)r3, (void)r4, (void)r5, (void)rc

HELPER_FN(spin_lock)
{
	_Atomic uint32_t *lock = (_Atomic uint32_t *)(uintptr_t)r1;

	UNUSED_ARGS;
	for (;;) {
		if (!atomic_exchange_explicit(lock, 1, memory_order_acquire))
			return 0;
		while (atomic_load_explicit(lock, memory_order_relaxed))
			__builtin_ia32_pause();
	}
}

HELPER_FN(spin_unlock)
{
	UNUSED_ARGS;
	atomic_store_explicit((_Atomic uint32_t *)(uintptr_t)r1, 0, memory_order_release);
	return 0;
}
