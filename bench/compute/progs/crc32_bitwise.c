/* SPDX-License-Identifier: MIT */
/* CRC-32 (IEEE, reflected), bit by bit, no table. The kernel verifier on
 * the machines we measure on oopses on this loop: the kernel column skips it. */
#include "workload.h"

WORKLOAD(crc32_bitwise)
{
	if (data + CTX_LEN > end)
		return 0;
	u32 crc = 0xffffffffu;
	for (u32 i = 0; i < CTX_LEN; i++) {
		crc ^= data[i];
		for (int b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}
