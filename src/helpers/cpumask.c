/* SPDX-License-Identifier: MIT */
/*
 * struct bpf_cpumask (kernel/bpf/cpumask.c): a CPU set a program creates,
 * fills and tests, reference counted. bpf_cpumask_create returns it with
 * one reference (or NULL), bpf_cpumask_acquire takes another, and
 * bpf_cpumask_release drops one, freeing the set with the last; the
 * verifier (KF_ACQUIRE / KF_RELEASE) makes a verified program release every
 * reference it takes. CPUs at or past the machine's count are ignored, as
 * the kernel's cpu_valid() does.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "helpers/kfuncs.h"

#define CPUMASK_BITS (CPUMASK_BYTES * 8)

struct bpf_cpumask {
	_Atomic uint64_t bits[CPUMASK_BITS / 64];
	atomic_uint refs;
};

#define MASK(r) ((struct bpf_cpumask *)(uintptr_t)(r))
#define UNUSED5 (void)r1, (void)r2, (void)r3, (void)r4, (void)r5, (void)rc

static bool cpu_valid(uint64_t cpu)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return cpu < CPUMASK_BITS && (n <= 0 || cpu < (uint64_t)n);
}

CPUMASK_KFN(create)
{
	struct bpf_cpumask *m = calloc(1, sizeof(*m));

	UNUSED5;
	if (m)
		atomic_init(&m->refs, 1);
	return (uint64_t)(uintptr_t)m;
}

CPUMASK_KFN(acquire)
{
	UNUSED5;
	atomic_fetch_add(&MASK(r1)->refs, 1);
	return r1;
}

CPUMASK_KFN(release)
{
	UNUSED5;
	if (atomic_fetch_sub(&MASK(r1)->refs, 1) == 1)
		free(MASK(r1));
	return 0;
}

CPUMASK_KFN(set_cpu)
{
	UNUSED5;
	if (cpu_valid(r1))
		atomic_fetch_or(&MASK(r2)->bits[r1 / 64], 1ull << (r1 % 64));
	return 0;
}

CPUMASK_KFN(clear_cpu)
{
	UNUSED5;
	if (cpu_valid(r1))
		atomic_fetch_and(&MASK(r2)->bits[r1 / 64], ~(1ull << (r1 % 64)));
	return 0;
}

CPUMASK_KFN(test_cpu)
{
	UNUSED5;
	return cpu_valid(r1) && (atomic_load(&MASK(r2)->bits[r1 / 64]) >> (r1 % 64) & 1);
}

CPUMASK_KFN(weight)
{
	uint64_t n = 0;

	UNUSED5;
	for (size_t i = 0; i < CPUMASK_BITS / 64; i++)
		n += (uint64_t)__builtin_popcountll(atomic_load(&MASK(r1)->bits[i]));
	return n;
}
