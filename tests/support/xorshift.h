/* SPDX-License-Identifier: MIT */
/* xorshift64*: the seeded generator of the randomized tests, so that a
 * failure is reproduced from the seed it prints. */
#ifndef BPFRT_TESTS_XORSHIFT_H
#define BPFRT_TESTS_XORSHIFT_H

#include <stdint.h>

static inline uint64_t xorshift64s(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545F4914F6CDD1DULL;
}

#endif /* BPFRT_TESTS_XORSHIFT_H */
