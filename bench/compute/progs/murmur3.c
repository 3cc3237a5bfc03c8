/* SPDX-License-Identifier: MIT */
/* MurmurHash3 x86_32 over the context, 32-bit blocks, eight seeds. */
#include "workload.h"

INLINE u32 murmur3_32(const u8 *p, u32 seed)
{
	u32 h = seed;
	for (u32 i = 0; i < CTX_LEN; i += 4) {
		u32 k = load32(p + i);
		k *= 0xcc9e2d51u;
		k = rotl32(k, 15);
		k *= 0x1b873593u;
		h ^= k;
		h = rotl32(h, 13);
		h = h * 5 + 0xe6546b64u;
	}
	h ^= CTX_LEN;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

WORKLOAD(murmur3)
{
	if (data + CTX_LEN > end)
		return 0;
	u64 acc = 0;
	for (u32 seed = 0; seed < 8; seed++)
		acc = (acc << 4) ^ murmur3_32(data, seed * 0x9e3779b9u);
	return acc;
}
