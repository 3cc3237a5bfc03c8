/* SPDX-License-Identifier: MIT */
/* FNV-1a 64 over the context, four passes with chained seeds. */
#include "workload.h"

WORKLOAD(fnv1a)
{
	if (data + CTX_LEN > end)
		return 0;
	u64 h = 0xcbf29ce484222325ull;
	for (int pass = 0; pass < 4; pass++) {
		for (u32 i = 0; i < CTX_LEN; i++) {
			h ^= data[i];
			h *= 0x100000001b3ull;
		}
		h ^= (u64)pass << 56;
	}
	return h;
}
