/* SPDX-License-Identifier: MIT */
#include "isa/asm_int.h"

bool asm_kernel_syntax_line(const struct asm_cur *c)
{
	(void)c;
	return false;
}

int asm_kernel_line(struct asm_state *st)
{
	return asm_error(st, st->cur.p, "kernel syntax is not supported yet");
}
