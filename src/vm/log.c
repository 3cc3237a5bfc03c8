/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>

#include "vm/log.h"

void vm_log_line(struct vm_log *log, const char *fmt, ...)
{
	if (!log || !log->buf || log->len + 1 >= log->size)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(log->buf + log->len, log->size - log->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	log->len += (size_t)n;
	if (log->len + 1 >= log->size) {
		log->len = log->size - 1;
		return;
	}
	log->buf[log->len++] = '\n';
	log->buf[log->len] = '\0';
}
