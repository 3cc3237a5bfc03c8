/* SPDX-License-Identifier: MIT */
/* Source lines in listings (listing.c). */
#ifndef BPFRT_VM_LISTING_H
#define BPFRT_VM_LISTING_H

#include <stddef.h>

#include "bpfrt/vm.h"

/* Prints the source lines that start at instruction `idx`, as
 * "; <text> [file:line]" (`lines` sorted by instruction; *next: the first
 * record not yet printed, 0 at the start of a listing). A record of the
 * same line as the one before it is skipped. */
void vm_source_lines(const struct bpfrt_line_info *lines, size_t nlines, size_t *next, size_t idx,
		     bpfrt_line_fn print, void *arg);

#endif
