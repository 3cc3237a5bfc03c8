/* SPDX-License-Identifier: MIT */
/* A plain counted loop: add, multiply, shift, xor; no memory traffic. */
#include "workload.h"

WORKLOAD(loop)
{
	if (data + CTX_LEN > end)
		return 0;
	u64 s = load64(data) | 1, x = load64(data + 8);
	for (u32 i = 0; i < 20000; i++) {
		s += i * x;
		x = (x << 1) ^ (x >> 3) ^ i;
	}
	return s ^ x;
}
