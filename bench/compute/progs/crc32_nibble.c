/* SPDX-License-Identifier: MIT */
/* CRC-32 (IEEE, reflected) with a 16-entry nibble table on the stack. */
#include "workload.h"

WORKLOAD(crc32_nibble)
{
	if (data + CTX_LEN > end)
		return 0;
	volatile u32 t[16]; /* volatile: built by stores, not copied from .rodata */
	t[0] = 0x00000000u, t[1] = 0x1db71064u, t[2] = 0x3b6e20c8u, t[3] = 0x26d930acu;
	t[4] = 0x76dc4190u, t[5] = 0x6b6b51f4u, t[6] = 0x4db26158u, t[7] = 0x5005713cu;
	t[8] = 0xedb88320u, t[9] = 0xf00f9344u, t[10] = 0xd6d6a3e8u, t[11] = 0xcb61b38cu;
	t[12] = 0x9b64c2b0u, t[13] = 0x86d3d2d4u, t[14] = 0xa00ae278u, t[15] = 0xbdbdf21cu;
	u32 crc = 0xffffffffu;
	for (int pass = 0; pass < 2; pass++) {
		for (u32 i = 0; i < CTX_LEN; i++) {
			crc ^= data[i];
			crc = (crc >> 4) ^ t[crc & 15];
			crc = (crc >> 4) ^ t[crc & 15];
		}
	}
	return ~crc;
}
