/* SPDX-License-Identifier: MIT */
/* 4x4 u32 matrix products on the stack, 64 rounds. */
#include "workload.h"

#define M 4

WORKLOAD(matmul)
{
	if (data + CTX_LEN > end)
		return 0;
	u32 a[M][M], b[M][M], c[M][M];
	for (int i = 0; i < M; i++)
		for (int j = 0; j < M; j++) {
			a[i][j] = load32(data + 4 * (i * M + j));
			b[i][j] = load32(data + 128 + 4 * (i * M + j));
		}
	for (int r = 0; r < 64; r++) {
		for (int i = 0; i < M; i++)
			for (int j = 0; j < M; j++) {
				u32 s = 0;
				for (int k = 0; k < M; k++)
					s += a[i][k] * b[k][j];
				c[i][j] = s;
			}
		for (int i = 0; i < M; i++)
			for (int j = 0; j < M; j++)
				a[i][j] = c[i][j] ^ (u32)r;
	}
	u64 h = 0;
	for (int i = 0; i < M; i++)
		for (int j = 0; j < M; j++)
			h = h * 31 + a[i][j];
	return h;
}
