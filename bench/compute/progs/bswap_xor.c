/* SPDX-License-Identifier: MIT */
/* Byte work over the context, in place: byte-swap each 64-bit word, mix it
 * with a rolling key, store it back. Changes the context on every run. */
#include "workload.h"

WORKLOAD(bswap_xor)
{
	if (data + CTX_LEN > end)
		return 0;
	u64 key = 0x9e3779b97f4a7c15ull;
	for (int pass = 0; pass < 4; pass++) {
		for (u32 i = 0; i < CTX_LEN; i += 8) {
			u64 w = __builtin_bswap64(load64(data + i)) ^ key;
			key = rotl64(key, 7) + w;
			*(u64 *)(data + i) = w;
		}
	}
	return key;
}
