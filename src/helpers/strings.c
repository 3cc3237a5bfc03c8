/* SPDX-License-Identifier: MIT */
/* bpf_strncmp (kernel/bpf/helpers.c): the verifier has checked s1 for
 * s1_sz readable bytes and s2 as a NUL-terminated string in read-only map
 * memory. */
#include <stddef.h>
#include <stdint.h>

#include "helpers/impl.h"

/* long bpf_strncmp(const char *s1, u32 s1_sz, const char *s2): the
 * kernel's strncmp (lib/string.c): -1, 0 or 1, comparing unsigned bytes
 * up to s1_sz or the first NUL. */
HELPER_FN(strncmp)
{
	const unsigned char *a = (const unsigned char *)(uintptr_t)r1;
	const unsigned char *b = (const unsigned char *)(uintptr_t)r3;

	(void)r4, (void)r5, (void)rc;
	for (uint32_t i = 0; i < (uint32_t)r2; i++) {
		if (a[i] != b[i])
			return a[i] < b[i] ? (uint64_t)-1 : 1;
		if (!a[i])
			break;
	}
	return 0;
}
