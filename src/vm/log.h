/* SPDX-License-Identifier: MIT */
/*
 * A caller-supplied log buffer (bpfrt_prog_opts.log_buf, bpfrt_run_opts.log_buf):
 * lines are appended and always NUL-terminated; what does not fit is cut.
 * A log with no buffer swallows everything, so callers need not check.
 */
#ifndef BPFRT_VM_LOG_H
#define BPFRT_VM_LOG_H

#include <stddef.h>

struct vm_log {
	char *buf;
	size_t size;
	size_t len;
};

static inline struct vm_log vm_log_init(char *buf, size_t size)
{
	struct vm_log log = { .buf = size ? buf : NULL, .size = size, .len = 0 };
	if (log.buf)
		log.buf[0] = '\0';
	return log;
}

/* Appends one formatted line (a newline is added). */
void vm_log_line(struct vm_log *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* BPFRT_VM_LOG_H */
