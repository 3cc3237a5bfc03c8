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
/* Large zeroed arrays (per-instruction data): huge pages where the system
 * gives them. big_free takes the size big_zalloc was given. */
void *big_zalloc(size_t size);
void big_free(void *b, size_t size);
/* The block resized from `old` to `size` bytes, its contents kept (realloc). */
void *pool_grow(struct pool *p, void *b, size_t old, size_t size);

#endif /* BPFRT_VERIFIER_POOL_H */
