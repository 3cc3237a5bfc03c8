/* SPDX-License-Identifier: MIT */
/* Reads of memory that may not be mapped, without faulting (probe_read.c). */
#ifndef BPFRT_HELPERS_SAFE_READ_H
#define BPFRT_HELPERS_SAFE_READ_H

#include <stddef.h>

/* Copies up to `size` bytes from `src`; returns how many could be read
 * (fewer when the range runs into unmapped or unreadable memory). */
size_t safe_read(void *dst, const void *src, size_t size);
/* safe_read() through a pipe (write() fails with EFAULT on a bad source):
 * what safe_read() falls back to when process_vm_readv() is forbidden. */
size_t safe_read_pipe(void *dst, const void *src, size_t size);
/* Copies a NUL-terminated string of at most size - 1 characters and its
 * NUL; returns the length including the NUL (bpf_probe_read_str), or
 * -EFAULT when a fault comes before the NUL. size 0 returns 0. */
long safe_read_str(char *dst, const char *src, size_t size);

#endif
