/* SPDX-License-Identifier: MIT */
/*
 * struct bpf_dynptr as the kernel lays it out (struct bpf_dynptr_kern,
 * 16 bytes on the program's stack): data, then size with the type and the
 * read-only bit in its top bits, then offset.
 */
#ifndef BPFRT_HELPERS_DYNPTR_H
#define BPFRT_HELPERS_DYNPTR_H

#include <stdbool.h>
#include <stdint.h>

struct dynptr_kern {
	void *data;
	uint32_t size; /* bits 0-23 size, 28-30 type, 31 read-only */
	uint32_t offset;
} __attribute__((aligned(8)));

#define DYNPTR_SIZE_MASK 0xffffffu
#define DYNPTR_RDONLY_BIT (1u << 31)
#define DYNPTR_TYPE_SHIFT 28

enum dynptr_type { /* the kernel's enum bpf_dynptr_type */
	DYNPTR_TYPE_INVALID,
	DYNPTR_TYPE_LOCAL,
	DYNPTR_TYPE_RINGBUF,
};

static inline uint32_t dynptr_size(const struct dynptr_kern *p)
{
	return p->size & DYNPTR_SIZE_MASK;
}

static inline bool dynptr_is_rdonly(const struct dynptr_kern *p)
{
	return (p->size & DYNPTR_RDONLY_BIT) != 0;
}

static inline void dynptr_set_size(struct dynptr_kern *p, uint32_t size)
{
	p->size = (p->size & ~DYNPTR_SIZE_MASK) | (size & DYNPTR_SIZE_MASK);
}

static inline void dynptr_init(struct dynptr_kern *p, void *data, enum dynptr_type type,
			       uint32_t size, bool rdonly)
{
	p->data = data;
	p->offset = 0;
	p->size = (size & DYNPTR_SIZE_MASK) | ((uint32_t)type << DYNPTR_TYPE_SHIFT) |
		  (rdonly ? DYNPTR_RDONLY_BIT : 0);
}

#endif /* BPFRT_HELPERS_DYNPTR_H */
