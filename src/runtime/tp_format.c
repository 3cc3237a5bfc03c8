/* SPDX-License-Identifier: MIT */
/*
 * A tracepoint's record size from its tracefs format
 * (/sys/kernel/tracing/events/CATEGORY/NAME/format): the end of its last
 * field. Lines look like
 *	field:int dfd;	offset:16;	size:8;	signed:1;
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/runtime.h"
#include "bpfrt/verifier.h"

/* The number after `key` on the line [line, eol), or -1. */
static long field_num(const char *line, const char *eol, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = line; p + n <= eol; p++) {
		if (memcmp(p, key, n))
			continue;
		char *end;
		long v = strtol(p + n, &end, 10);
		return end != p + n && end <= eol && *end == ';' && v >= 0 ? v : -1;
	}
	return -1;
}

int bpfrt_tp_format_record_size(const char *format, uint32_t *size)
{
	unsigned long end = 0;
	int fields = 0;
	if (!format || !size)
		return -EINVAL;
	for (const char *line = format; *line;) {
		const char *eol = strchr(line, '\n');
		if (!eol)
			eol = line + strlen(line);
		const char *f = line;
		while (f < eol && (*f == ' ' || *f == '\t'))
			f++;
		if (eol - f > 6 && !memcmp(f, "field:", 6)) {
			long off = field_num(f, eol, "offset:"), sz = field_num(f, eol, "size:");
			if (off < 0 || sz < 0)
				return -EINVAL;
			if ((unsigned long)off + (unsigned long)sz > end)
				end = (unsigned long)off + (unsigned long)sz;
			fields++;
		}
		line = *eol ? eol + 1 : eol;
	}
	if (!fields)
		return -EINVAL;
	if (end > BPFRT_TP_RECORD_MAX)
		return -E2BIG;
	*size = (uint32_t)end;
	return 0;
}
