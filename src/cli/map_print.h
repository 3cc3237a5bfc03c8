/* SPDX-License-Identifier: MIT */
/* Keys and values in hex, and map dumps, for `bpfrt map` and `bpfrt prog run`. */
#ifndef BPFRT_CLI_MAP_PRINT_H
#define BPFRT_CLI_MAP_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/runtime.h"

struct bpfrt_map;


/* Parses exactly `want` bytes written in hex ("01 00 00 00", "01000000",
 * "0x01000000"). 0, -EINVAL (not hex), -E2BIG / -ERANGE (too many / few). */
int cli_parse_hex(const char *s, uint8_t *out, size_t want);
/* One entry: `key: 01 00 00 00  value: ...` or a JSON object (`first`
 * says whether a comma goes before it). */
void cli_print_entry(const struct bpfrt_map *m, const void *key, const void *value, bool json,
		     bool first);
/* Every entry, then `Found N elements` (JSON: an array). A ring buffer's
 * dump prints (and consumes) its records. 0 or -errno. */
int cli_dump_map(struct bpfrt_map *m, bool json);

/* Why an update of `m` failed: strerror, or for maps of maps what the
 * value (an inner map's id, as `bpfrt map list` shows) got wrong. */
const char *cli_update_error(const struct bpfrt_map *m, int err);

/* --verify auto|require|off. 0 or -EINVAL. */
int cli_parse_verify(const char *s, enum bpfrt_runtime_verify *out);

#endif
