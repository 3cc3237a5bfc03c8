/* SPDX-License-Identifier: MIT */
/* Runs a command line as a user would, for tests of the `bpfrt` command.
 * Include after <cmocka.h>. */
#ifndef BPFRT_TESTS_CLI_RUN_H
#define BPFRT_TESTS_CLI_RUN_H

#include <stdarg.h>
#include <stdio.h>
#include <sys/wait.h>

/* Runs the shell command line printf(fmt, ...); returns its exit status
 * (-1 when it did not exit) and puts its standard output in out. */
static inline int cli_run(char *out, size_t size, const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, size - 1, p);
	out[n] = 0;
	int status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#endif /* BPFRT_TESTS_CLI_RUN_H */
