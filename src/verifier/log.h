/* SPDX-License-Identifier: MIT */
/* The verifier log buffer (the caller's), see log.c. */
#ifndef BPFRT_VERIFIER_LOG_H
#define BPFRT_VERIFIER_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/insn.h"

struct verifier_log {
	char *buf;
	size_t size, len;
	uint32_t level;
	bool truncated;
};

struct verifier_env;

void log_write(struct verifier_log *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vwrite(struct verifier_log *log, const char *fmt, va_list ap);
/* Moves the messages gathered for the current instruction into the log. */
void log_flush_msg(struct verifier_env *env);

#endif /* BPFRT_VERIFIER_LOG_H */
