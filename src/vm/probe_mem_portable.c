/* SPDX-License-Identifier: MIT */
/* Fault-safe loads without exception tables: each load is a safe_read()
 * (process_vm_readv on this process, or a pipe where that is forbidden),
 * which fails instead of faulting. An address below PROBE_MEM_MIN_ADDR
 * reads 0 without a system call, as the engines test it first. A load
 * that is only partly readable (across the end of a mapping) reads 0, as
 * a faulting load does. See probe_mem.h. */
#include <stdint.h>

#include "helpers/safe_read.h"
#include "vm/probe_mem.h"

#define SAFE_LOAD(n, T, U)                                                                \
	uint64_t probe_load_portable_##n(uint64_t addr)                                   \
	{                                                                                 \
		T v;                                                                      \
		if (addr < PROBE_MEM_MIN_ADDR ||                                          \
		    safe_read(&v, (const void *)(uintptr_t)addr, sizeof(v)) != sizeof(v)) \
			return 0;                                                         \
		return (uint64_t)(U)v;                                                    \
	}
SAFE_LOAD(u8, uint8_t, uint64_t)
SAFE_LOAD(u16, uint16_t, uint64_t)
SAFE_LOAD(u32, uint32_t, uint64_t)
SAFE_LOAD(u64, uint64_t, uint64_t)
SAFE_LOAD(s8, int8_t, int64_t)
SAFE_LOAD(s16, int16_t, int64_t)
SAFE_LOAD(s32, int32_t, int64_t)
