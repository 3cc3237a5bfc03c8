/* SPDX-License-Identifier: MIT */
/* The reason in a verifier log (the kernel's or ours): its last line
 * before the statistics ("processed N insns ..."). Cuts `log` there. */
#ifndef BPFRT_TESTS_VLOG_REASON_H
#define BPFRT_TESTS_VLOG_REASON_H

#include <string.h>

static inline const char *vlog_reason(char *log)
{
	char *stats = strstr(log, "\nprocessed ");
	if (stats)
		*stats = '\0';
	size_t n = strlen(log);
	while (n && log[n - 1] == '\n')
		log[--n] = '\0';
	char *nl = strrchr(log, '\n');
	return nl ? nl + 1 : log;
}

#endif /* BPFRT_TESTS_VLOG_REASON_H */
