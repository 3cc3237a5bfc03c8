/* SPDX-License-Identifier: MIT */
/*
 * known_gaps.txt (beside this header): one entry a line, '#' comments.
 * test_verdict_diff reads the "case", "gen" and "precise" entries,
 * test_realprogs (tests/realprogs) the "real" and "precise real" ones.
 */
#ifndef BPFRT_TESTS_KNOWN_GAPS_H
#define BPFRT_TESTS_KNOWN_GAPS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An entry of test_realprogs'. */
static inline bool known_gap_is_real(const char *line)
{
	return !strncmp(line, "real ", 5) || !strncmp(line, "precise real ", 13);
}

/* The entries (comments and empty lines left out) that `mine` accepts, at
 * most `max`, copied into gaps[]; their count (0 without the file). */
static inline size_t known_gaps_read(const char *path, bool (*mine)(const char *line),
				     char **gaps, size_t max)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t n = 0;
	if (!f)
		return 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (line[0] && line[0] != '#' && mine(line) && (gaps[n] = strdup(line)))
			n++;
	}
	fclose(f);
	return n;
}

#endif
