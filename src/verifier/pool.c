/* SPDX-License-Identifier: MIT */
/*
 * The memory of one verification's states: frames, stacks, path histories,
 * pending branches and stored states come from chunks carved in 16-byte
 * units; a freed block goes on the free list of its size and is handed out
 * again (a popped branch's frame becomes the next pushed one's). The chunks
 * go when the verification ends.
 *
 * Fresh memory is populated a window at a time (one madvise for the
 * window's pages instead of a page fault for each): in a virtual machine a
 * page fault costs tens of microseconds, and a program walked loop turn by
 * loop turn stores thousands of states.
 *
 * Under AddressSanitizer every block is its own malloc, so that the
 * sanitizer still sees each one.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "verifier/pool.h"

#if defined(__SANITIZE_ADDRESS__)
#define POOL_PASSTHROUGH 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_PASSTHROUGH 1
#endif
#endif

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define UNIT 16
#define MAX_BLOCK 8192 /* larger blocks: malloc */
#define CLASSES (MAX_BLOCK / UNIT + 1)
#define FIRST_CHUNK (32u << 10)
#define LAST_CHUNK (1u << 20) /* chunks double up to this */
#define WINDOW (32u << 10)    /* populated at a time, after the first one */

struct chunk {
	struct chunk *next;
	size_t size;
};

struct pool {
	struct chunk *chunks;
	char *next, *end;     /* the unused part of the newest chunk */
	char *populated;      /* ... populated up to here */
	size_t chunk_size;    /* of the next chunk */
	size_t handed;	      /* bytes carved so far */
	void *free[CLASSES];  /* freed blocks by size / UNIT */
};

struct pool *pool_new(void)
{
	return calloc(1, sizeof(struct pool));
}

void pool_destroy(struct pool *p)
{
	if (!p)
		return;
	for (struct chunk *c = p->chunks, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	free(p);
}

static inline size_t round_up(size_t size)
{
	return (size + UNIT - 1) & ~(size_t)(UNIT - 1);
}

void mem_populate(void *b, size_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t a = ((uintptr_t)b + (uintptr_t)page - 1) & ~(uintptr_t)(page - 1);
	uintptr_t e = ((uintptr_t)b + size) & ~(uintptr_t)(page - 1);
	if (e > a)
		(void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
}

#ifndef POOL_PASSTHROUGH
/* Populates [from, to) of fresh chunk memory (whole pages around it). */
static void populate(char *from, char *to)
{
	static long page;
	if (!page)
		page = sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)from & ~(uintptr_t)(page - 1);
	uintptr_t b = ((uintptr_t)to + (uintptr_t)page - 1) & ~(uintptr_t)(page - 1);
	(void)madvise((void *)a, b - a, MADV_POPULATE_WRITE); /* a hint: errors are fine */
}

static void *carve(struct pool *p, size_t size)
{
	if ((size_t)(p->end - p->next) < size) {
		size_t want = p->chunk_size ? p->chunk_size : FIRST_CHUNK;
		struct chunk *c = malloc(want);
		if (!c)
			return NULL;
		c->next = p->chunks;
		c->size = want;
		p->chunks = c;
		p->next = p->populated = (char *)c + round_up(sizeof(*c));
		p->end = (char *)c + want;
		p->chunk_size = want < LAST_CHUNK ? want * 2 : LAST_CHUNK;
	}
	char *b = p->next;
	p->next += size;
	p->handed += size;
	if (p->next > p->populated) {
		/* the first window is likely warm heap memory: left alone */
		char *to = p->populated + WINDOW > p->end ? p->end : p->populated + WINDOW;
		if (to < p->next)
			to = p->next;
		if (p->handed > WINDOW)
			populate(p->populated, to);
		p->populated = to;
	}
	return b;
}
#endif

void *pool_alloc(struct pool *p, size_t size)
{
#ifdef POOL_PASSTHROUGH
	(void)p;
	return malloc(size ? size : 1);
#else
	size = round_up(size ? size : 1);
	if (size > MAX_BLOCK)
		return malloc(size);
	void **fl = &p->free[size / UNIT];
	if (*fl) {
		void *b = *fl;
		*fl = *(void **)b;
		return b;
	}
	return carve(p, size);
#endif
}

void *pool_zalloc(struct pool *p, size_t size)
{
	void *b = pool_alloc(p, size);
	if (b)
		memset(b, 0, size);
	return b;
}

void pool_free(struct pool *p, void *b, size_t size)
{
	if (!b)
		return;
#ifdef POOL_PASSTHROUGH
	(void)p, (void)size;
	free(b);
#else
	size = round_up(size ? size : 1);
	if (size > MAX_BLOCK) {
		free(b);
		return;
	}
	void **fl = &p->free[size / UNIT];
	*(void **)b = *fl;
	*fl = b;
#endif
}

void *pool_grow(struct pool *p, void *b, size_t old, size_t size)
{
#ifdef POOL_PASSTHROUGH
	(void)p, (void)old;
	return realloc(b, size);
#else
	if (b && round_up(old ? old : 1) == round_up(size))
		return b;
	void *n = pool_alloc(p, size);
	if (!n)
		return NULL;
	if (b) {
		memcpy(n, b, old < size ? old : size);
		pool_free(p, b, old);
	}
	return n;
#endif
}
