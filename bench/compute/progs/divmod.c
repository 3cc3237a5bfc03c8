/* SPDX-License-Identifier: MIT */
/* An arithmetic mix: 64- and 32-bit unsigned div/mod, signed div/mod, mul. */
#include "workload.h"

WORKLOAD(divmod)
{
	if (data + CTX_LEN > end)
		return 0;
	u64 a = load64(data), b = load64(data + 8) | 1, acc = 0;
	for (u32 i = 0; i < 3000; i++) {
		u64 d = (b + i) | 1;
		acc += a / d;
		acc ^= a % (d + 6);
		u32 x = (u32)acc, y = (u32)(i * 7) | 1;
		acc += x / y + x % 13;
		s64 sa = (s64)(acc ^ a);
		acc += (u64)(sa / -7) + (u64)(sa % 1000003);
		a = a * 6364136223846793005ull + 1442695040888963407ull;
	}
	return acc;
}
