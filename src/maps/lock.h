/* SPDX-License-Identifier: MIT */
/*
 * A spin lock that lives in shared memory (a u32, so it works across the
 * processes mapping a map). User space can be preempted while holding it,
 * so a waiter yields the CPU after a short spin.
 */
#ifndef BPFRT_MAPS_LOCK_H
#define BPFRT_MAPS_LOCK_H

#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>

typedef _Atomic uint32_t map_lock_t;

static inline void map_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static inline void map_lock(map_lock_t *l)
{
	for (unsigned spins = 0;; spins++) {
		if (!atomic_load_explicit(l, memory_order_relaxed) &&
		    !atomic_exchange_explicit(l, 1, memory_order_acquire))
			return;
		if (spins < 64)
			map_cpu_relax();
		else
			sched_yield();
	}
}

static inline void map_unlock(map_lock_t *l)
{
	atomic_store_explicit(l, 0, memory_order_release);
}

static inline uint32_t map_round8(uint32_t n)
{
	return (n + 7) & ~7U;
}

static inline uint32_t map_roundup_pow2(uint32_t n)
{
	return n <= 1 ? 1 : 1U << (32 - __builtin_clz(n - 1));
}

/* A 32-bit hash of a key: a multiply-xorshift over 8-byte words and
 * murmur3's 64-bit finaliser; seeded per map unless BPFRT_F_ZERO_SEED.
 * The fixed sizes of the common keys (4, 8, 16 bytes) let the compiler
 * unroll it when inlined. */
static inline uint32_t map_hash(const void *key, uint32_t len, uint64_t seed)
{
	const unsigned char *p = key;
	uint64_t h = seed ^ (len * 0x9e3779b97f4a7c15ULL);
	while (len >= 8) {
		uint64_t w;
		__builtin_memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		uint32_t w;
		__builtin_memcpy(&w, p, 4);
		h = (h ^ ((uint64_t)w << 16)) * 0xff51afd7ed558ccdULL;
		p += 4;
		len -= 4;
	}
	while (len--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (uint32_t)h;
}

#endif /* BPFRT_MAPS_LOCK_H */
