/* SPDX-License-Identifier: MIT */
/*
 * bpfrt/jit.h — looking at what the JIT made of a program (load it with
 * `.backend = BPFRT_BACKEND_JIT` in struct bpfrt_prog_opts).
 */
#ifndef BPFRT_JIT_H
#define BPFRT_JIT_H

#include <stddef.h>
#include <stdint.h>

#include "bpfrt/vm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Lists the machine code of a JIT-ed program disassembled (Intel syntax,
 * Zydis), each BPF instruction (in `syntax`) followed by the x86-64
 * instructions it became; prologues are listed under their function's
 * first line, the shared unwinding stubs at the end. -EINVAL when `prog`
 * was not loaded with the JIT. */
BPFRT_API int bpfrt_prog__dump_jited(const struct bpfrt_prog *prog, enum bpfrt_syntax syntax,
				     bpfrt_line_fn line, void *arg);

/* The machine code of a JIT-ed program (read-only, executable) and its
 * size; NULL + errno EINVAL when `prog` was not loaded with the JIT. */
BPFRT_API const void *bpfrt_prog__jited_code(const struct bpfrt_prog *prog, size_t *size);

#ifdef __cplusplus
}
#endif
#endif /* BPFRT_JIT_H */
