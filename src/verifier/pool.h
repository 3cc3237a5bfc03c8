/* SPDX-License-Identifier: MIT */
/* The memory of one verification's states (pool.c). */
#ifndef BPFRT_VERIFIER_POOL_H
#define BPFRT_VERIFIER_POOL_H

#include <stddef.h>

struct pool;

struct pool *pool_new(void);
/* Frees every chunk: blocks still handed out go with them. */
void pool_destroy(struct pool *p);
/* A block of `size` bytes (uninitialised, zeroed); NULL when out of memory. */
void *pool_alloc(struct pool *p, size_t size);
void *pool_zalloc(struct pool *p, size_t size);
/* Gives back a block of `size` bytes (the size it was allocated with). */
void pool_free(struct pool *p, void *b, size_t size);
/* Populates the whole pages inside [b, b + size) at once, for a large
 * block that will be written all over (a hint: errors are ignored). */
void mem_populate(void *b, size_t size);
/* The block resized from `old` to `size` bytes, its contents kept (realloc). */
void *pool_grow(struct pool *p, void *b, size_t old, size_t size);

#endif /* BPFRT_VERIFIER_POOL_H */
