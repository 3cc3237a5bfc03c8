/* SPDX-License-Identifier: MIT */
/* Byte histogram of the context (64 buckets on the stack, variable index)
 * and a checksum of it. */
#include "workload.h"

WORKLOAD(bytecount)
{
	if (data + CTX_LEN > end)
		return 0;
	u32 h[64];
	for (int k = 0; k < 64; k++)
		h[k] = 0;
	for (int pass = 0; pass < 2; pass++)
		for (u32 i = 0; i < CTX_LEN; i++)
			h[(data[i] + pass) & 63] += data[i] >> 6;
	u64 sum = 0;
	for (int k = 0; k < 64; k++)
		sum = sum * 131 + h[k];
	return sum;
}
