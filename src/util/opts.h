/* SPDX-License-Identifier: MIT */
/*
 * Reading the size-carrying options structs of the public API.
 *
 * A caller built against an older header passes a smaller struct: a field
 * past its `sz` does not exist for it and reads as the default. Every module
 * reads options through these two macros so that rule is written once.
 */
#ifndef BPFRT_UTIL_OPTS_H
#define BPFRT_UTIL_OPTS_H

#include <stddef.h>

/* The caller's struct is large enough to hold `field`. */
#define OPTS_HAS(opts, field)                                                                  \
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), field) + sizeof((opts)->field))

/* `field`, or `def` when the caller's struct is too old to have it. */
#define OPTS_GET(opts, field, def) (OPTS_HAS(opts, field) ? (opts)->field : (def))

#endif /* BPFRT_UTIL_OPTS_H */
