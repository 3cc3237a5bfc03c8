/* SPDX-License-Identifier: MIT */
/*
 * bpfrt/asm.h — assembler and disassembler.
 *
 * Assembly reads the conformance syntax (`mov %r0, 1`, `ldxw %r0, [%r1+4]`,
 * `jeq %r1, 0, +3`, labels, `#` comments) and the kernel/llvm-objdump syntax
 * (`r0 = *(u32 *)(r1 + 4)`), line by line; disassembly writes either, and
 * what it writes assembles back to the same bytes. docs/asm.md has both.
 * No global state: every call may run concurrently with any other.
 */
#ifndef BPFRT_ASM_H
#define BPFRT_ASM_H

#include <stddef.h>
#include <stdint.h>

#include "bpfrt/insn.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bpfrt_asm_opts {
	size_t sz;	      /* sizeof(struct bpfrt_asm_opts) */
	const char *filename; /* for messages; default "<input>" */
	char *log_buf;	      /* on error: "file:line:col: message" */
	size_t log_size;
};

/* Assembles `text` (NUL-terminated) into a malloc'ed array of instruction
 * slots (*insns, *cnt; ld_imm64 takes two). The caller frees *insns (NULL
 * when the text has no instruction). -EINVAL on bad text (the log gets the
 * first error as "file:line:col: message"), -ENOMEM.
 *
 * Besides the conformance syntax: `lddw %r1, map[fd:N]`, `map[fd:N][0]+OFF`,
 * `map[idx:N]`, `map[idx:N][0]+OFF`, `btf_id[N]`, `subprog[label]` (ld_imm64
 * pseudo sources); `call kfunc N` (`call runtime N`); `%r11` as the base of
 * stack-argument loads and stores; `.invalid B0 .. B7` (one slot given as its
 * 8 bytes in hex); comments `#`, `;`, `//`; `name:` labels, and `exit` names
 * the first exit when no label has that name. docs/asm.md has both syntaxes. */
BPFRT_API int bpfrt_asm(const char *text, const struct bpfrt_asm_opts *opts,
			struct bpfrt_insn **insns, size_t *cnt);

/* Disassembles the instruction at insns[0] (`remaining` slots available)
 * into buf (NUL-terminated, truncated to `size`; 128 bytes always suffice),
 * without a newline. Jump and call targets are written as offsets (+3).
 * Returns the number of slots it took (1 or 2), or -EINVAL for a slot no
 * instruction text can say: an unknown opcode, nonzero unused fields, or
 * ld_imm64 without a valid second slot (buf then holds a `.invalid` line
 * naming the slot's 8 bytes, which assembles back to them). */
BPFRT_API int bpfrt_disasm_insn(const struct bpfrt_insn *insns, size_t remaining,
				enum bpfrt_syntax syntax, char *buf, size_t size);

/* Listing options. */
enum {
	BPFRT_DISASM_SLOTS = 1 << 0, /* prefix lines with the slot number ("   12: ") */
};

struct bpfrt_disasm_opts {
	size_t sz;		   /* sizeof(struct bpfrt_disasm_opts) */
	enum bpfrt_syntax syntax; /* default BPFRT_SYNTAX_CONFORMANCE */
	unsigned flags;		   /* BPFRT_DISASM_* */
};

/* Disassembles a whole program into a malloc'ed text (*text; the caller
 * frees it): one line per instruction, and an "L<slot>:" line before every
 * jump or call target, which the instructions then name instead of an
 * offset. Slots that no instruction text can say become `.invalid` lines.
 * The text assembles back to the same bytes (slot-number prefixes too).
 * Returns the number of `.invalid` slots (0 for a clean program), or
 * -EINVAL / -ENOMEM. */
BPFRT_API int bpfrt_disasm(const struct bpfrt_insn *insns, size_t cnt,
			   const struct bpfrt_disasm_opts *opts, char **text);

#ifdef __cplusplus
}
#endif
#endif /* BPFRT_ASM_H */
