/* SPDX-License-Identifier: MIT */
/*
 * A seeded generator of BPF programs for the verdict differential test:
 * scalar arithmetic, stack stores and loads, lookups in map 0 (array, 32-byte
 * values) and map 1 (hash, 8-byte values) with and without null checks,
 * pointer arithmetic with bounded and unbounded offsets, forward branches
 * and small counted loops. Most programs are safe, some are not (on purpose:
 * an unchecked pointer, an offset one too far, an uninitialised register or
 * stack slot). The context (r1) is never read: r1 and r2 are set first.
 */
#ifndef BPFRT_TESTS_VERDICT_GEN_H
#define BPFRT_TESTS_VERDICT_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "bpfrt/insn.h"

/* Writes the program of `seed` (at most max slots); returns its length. */
size_t gen_program(uint64_t seed, struct bpfrt_insn *insns, size_t max);

#endif /* BPFRT_TESTS_VERDICT_GEN_H */
