/* SPDX-License-Identifier: MIT */
/*
 * bpf_probe_read_{user,kernel}[_str]: fault-safe reads of the process' own
 * memory. process_vm_readv() on our own pid copies through the kernel, so an
 * unmapped or unreadable address returns -EFAULT instead of a SIGSEGV (and
 * where a seccomp filter forbids it, write() into a pipe does the same). There
 * is no kernel memory in user space: the _kernel variants read the process
 * as the _user ones do (the tracing stage runs in the traced process).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "helpers/impl.h"
#include "helpers/safe_read.h"

/* Where process_vm_readv() is not allowed (a seccomp filter): write() of
 * the source into a pipe fails with EFAULT instead of faulting, too. */
size_t safe_read_pipe(void *dst, const void *src, size_t size)
{
	static _Thread_local int fds[2] = { -1, -1 };
	size_t done = 0;

	if (fds[0] < 0 && pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
		return 0;
	while (done < size) {
		size_t chunk = size - done < 4096 ? size - done : 4096;
		ssize_t w = write(fds[1], (const char *)src + done, chunk);

		if (w <= 0)
			break;
		if (read(fds[0], (char *)dst + done, (size_t)w) != w)
			break;
		done += (size_t)w;
	}
	return done;
}

size_t safe_read(void *dst, const void *src, size_t size)
{
	static _Atomic int use_pipe;
	struct iovec local = { .iov_base = dst, .iov_len = size };
	struct iovec remote = { .iov_base = (void *)src, .iov_len = size };
	ssize_t n;

	if (!size)
		return 0;
	if (use_pipe)
		return safe_read_pipe(dst, src, size);
	n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (n < 0 && (errno == ENOSYS || errno == EPERM)) {
		use_pipe = 1;
		return safe_read_pipe(dst, src, size);
	}
	return n < 0 ? 0 : (size_t)n;
}

long safe_read_str(char *dst, const char *src, size_t size)
{
	size_t done = 0;

	if (!size)
		return 0;
	/* Read up to page ends so a string that ends just before an unmapped
	 * page is still read. */
	while (done < size - 1) {
		uintptr_t addr = (uintptr_t)src + done;
		size_t chunk = 4096 - (addr & 4095), got;
		char *nul;

		if (chunk > size - 1 - done)
			chunk = size - 1 - done;
		got = safe_read(dst + done, (const void *)addr, chunk);
		nul = memchr(dst + done, '\0', got);
		if (nul)
			return nul - dst + 1;
		done += got;
		if (got < chunk) /* a fault before the NUL, as strncpy_from_user_nofault */
			return -EFAULT;
	}
	dst[size - 1] = '\0';
	return (long)size;
}

static uint64_t read_mem(uint64_t dst, uint64_t size, uint64_t src)
{
	if (safe_read((void *)(uintptr_t)dst, (const void *)(uintptr_t)src, size) == size)
		return 0;
	memset((void *)(uintptr_t)dst, 0, size);
	return (uint64_t)-EFAULT;
}

static uint64_t read_str(uint64_t dst, uint64_t size, uint64_t src)
{
	long n = safe_read_str((char *)(uintptr_t)dst, (const char *)(uintptr_t)src, size);

	if (n < 0)
		memset((void *)(uintptr_t)dst, 0, size);
	return (uint64_t)n;
}

#define UNUSED3 (void)r4, (void)r5, (void)rc

HELPER_FN(probe_read)
{
	UNUSED3;
	return read_mem(r1, r2, r3);
}

HELPER_FN(probe_read_str)
{
	UNUSED3;
	return read_str(r1, r2, r3);
}
