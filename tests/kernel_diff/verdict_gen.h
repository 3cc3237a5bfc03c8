/* SPDX-License-Identifier: MIT */
/*
 * A seeded generator of XDP programs for the verdict differential test.
 * Every program starts by proving GEN_PKT_LEN bytes of packet at r6 (r6 is
 * never written afterwards) and spilling the context at r10-72; its unknown
 * values are packet bytes, so a program both verifiers accept runs the same
 * in the kernel and in bpfrt on the same packet.
 *
 * Shapes: scalar arithmetic (64- and 32-bit, sdiv/smod, division by a
 * register that may be zero, movsx, bswap, neg), stack stores and loads
 * (partial spills and fills, sign-extending loads), lookups in map 0
 * (array, 32-byte values) and map 1 (hash, 8-byte values) with and without
 * null checks, accesses to the stack, a map value or the packet at an
 * index computed from packet bytes and bounded (or not) by 64- and 32-bit,
 * signed and unsigned compares with constants or registers, on the index or
 * a copy of it (linked scalars), through spills and fills; packet ranges
 * re-proved from the context with variable offsets; forward branches; small
 * loops whose counter indexes memory; calls of BPF-to-BPF subprograms that
 * access memory through a pointer argument or return a bounded index.
 * Most programs are safe, some are not (on purpose: a bound one too wide, a
 * signed compare where an unsigned one is needed, an unchecked pointer, an
 * uninitialised register or stack slot).
 */
#ifndef BPFRT_TESTS_VERDICT_GEN_H
#define BPFRT_TESTS_VERDICT_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "bpfrt/insn.h"

#define GEN_PKT_LEN 64 /* bytes the prologue proves at r6 */

/* Writes the program of `seed` (at most max slots); returns its length. */
size_t gen_program(uint64_t seed, struct bpfrt_insn *insns, size_t max);

/* The packet the program of `seed` runs on (GEN_PKT_LEN bytes). */
void gen_packet(uint64_t seed, uint8_t *pkt);

#endif /* BPFRT_TESTS_VERDICT_GEN_H */
