/* SPDX-License-Identifier: MIT */
/*
 * bpfrt's side of the verdict test's runs: a generated XDP program (its
 * maps by index: 0 the array of one 32-byte value, 1 the hash of 8-byte
 * values holding GEN_HASH_KEYS keys) verified in the given mode, rewritten
 * by the fixups as the runtime rewrites an object's program (context
 * loads, inlined lookups, map pointers), loaded trusted with the verifier's
 * backend facts, run once on a copy of the packet.
 */
#ifndef BPFRT_TESTS_VERDICT_RUN_H
#define BPFRT_TESTS_VERDICT_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "bpfrt/verifier.h"
#include "bpfrt/vm.h"

#define GEN_HASH_KEYS 12

/* The value of key k of the hash map (in the kernel's map too). */
static inline uint64_t gen_hash_value(uint32_t k)
{
	return (uint64_t)k * 3;
}

/* 0 and *r0, or -errno with why (our verifier, the fixups, the load or
 * the run refused it). Fresh maps each time. */
int vrun(struct bpfrt_vm *vm, const struct bpfrt_insn *insns, size_t cnt,
	 const struct bpfrt_verify_opts *vo, enum bpfrt_backend be, const uint8_t *pkt,
	 uint32_t len, uint64_t *r0, char *why, size_t why_size);

#endif /* BPFRT_TESTS_VERDICT_RUN_H */
