/* SPDX-License-Identifier: MIT */
/*
 * For loading one program of an object into the kernel with libbpf: the
 * programs its prog arrays' initial values name (`{ [i] = &prog }`), which
 * must be loaded too (libbpf fails the object when a slot names a program
 * it did not load). Maps of maps need nothing: libbpf creates their inner
 * map templates from the BTF `values` member itself.
 */
#ifndef BPFRT_TESTS_TAIL_TARGETS_H
#define BPFRT_TESTS_TAIL_TARGETS_H

#include <linux/bpf.h>
#include <stdint.h>

#include "bpfrt/object.h"

/* Bit i: program i of the object (the first 64). */
static inline uint64_t tail_call_targets(const struct bpfrt_object *obj)
{
	uint64_t also = 0;
	for (size_t m = 0; m < bpfrt_object__map_cnt(obj); m++) {
		const struct bpfrt_map_spec *s = bpfrt_object__map(obj, m);
		if (s->type != BPF_MAP_TYPE_PROG_ARRAY)
			continue;
		for (uint32_t k = 0; k < s->init_slot_cnt; k++)
			if (s->init_slots[k] >= 0 && s->init_slots[k] < 64)
				also |= 1ULL << s->init_slots[k];
	}
	return also;
}

#endif
