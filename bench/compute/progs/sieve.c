/* SPDX-License-Identifier: MIT */
/* Sieve of Eratosthenes over a bitset on the stack; counts the primes. */
#include "workload.h"

#define SIEVE_WORDS 48
#define SIEVE_N (SIEVE_WORDS * 64)

WORKLOAD(sieve)
{
	if (data + CTX_LEN > end)
		return 0;
	u64 bits[SIEVE_WORDS]; /* set bit: composite */
	for (int k = 0; k < SIEVE_WORDS; k++)
		bits[k] = 0;
	bits[0] = data[0] & 3; /* 0 and 1 (the context says so: nothing to fold) */
	for (u32 i = 2; i * i < SIEVE_N; i++) {
		if ((bits[i >> 6] >> (i & 63)) & 1)
			continue;
		for (u32 j = i * i; j < SIEVE_N; j += i)
			bits[j >> 6] |= 1ull << (j & 63);
	}
	u64 count = 0;
	for (int k = 0; k < SIEVE_WORDS; k++)
		count += popcount64(~bits[k]);
	return count;
}
