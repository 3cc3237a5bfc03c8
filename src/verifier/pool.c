/* SPDX-License-Identifier: MIT */
/*
 * The memory of one verification's states: frames, stacks, path histories,
 * pending branches and stored states come from chunks carved in 16-byte
 * units; a freed block goes on the free list of its size and is handed out
 * again (a popped branch's frame becomes the next pushed one's). The chunks
 * go when the verification ends.
 *
 * Fresh memory is the cost to avoid: in this kind of virtual machine the
 * first touch of each fresh 4 KiB page costs tens of microseconds (a
 * shadow page table entry made by the host; populating with madvise does
 * not help), a 2 MiB huge page about as much as one of those. So the chunks
 * after the first, and the large per-instruction arrays (big_zalloc), are
 * 2 MiB-aligned mappings advised as huge pages: a program walked loop turn
 * by loop turn stores thousands of states, a long program has an aux entry
 * per instruction.
 *
 * Under AddressSanitizer every block is its own malloc, so that the
 * sanitizer still sees each one.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "verifier/pool.h"

#if defined(__SANITIZE_ADDRESS__)
#define POOL_PASSTHROUGH 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_PASSTHROUGH 1
#endif
#endif

#define UNIT 16
#define MAX_BLOCK 8192 /* larger blocks: malloc */
#define CLASSES (MAX_BLOCK / UNIT + 1)
#define FIRST_CHUNK (32u << 10) /* malloc: likely warm heap memory */
#define HUGE_PAGE (2u << 20)	/* the later chunks: one huge page each */
#define BIG_MIN (128u << 10)	/* big_zalloc below this: calloc */

struct chunk {
	struct chunk *next;
	size_t size; /* 0: the first chunk (malloc) */
};

struct pool {
	struct chunk *chunks;
	char *next, *end;     /* the unused part of the newest chunk */
	void *free[CLASSES];  /* freed blocks by size / UNIT */
};

struct pool *pool_new(void)
{
	return calloc(1, sizeof(struct pool));
}

#ifndef POOL_PASSTHROUGH
static size_t huge_round(size_t size)
{
	return (size + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
}
#endif

void *big_zalloc(size_t size)
{
#ifndef POOL_PASSTHROUGH
	if (size >= BIG_MIN) {
		/* map a huge page more than needed, keep the aligned part */
		size_t len = huge_round(size);
		char *m = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return NULL;
		char *a = (char *)(((uintptr_t)m + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
		if (a > m)
			munmap(m, (size_t)(a - m));
		if (a + len < m + len + HUGE_PAGE)
			munmap(a + len, (size_t)(m + len + HUGE_PAGE - (a + len)));
		(void)madvise(a, len, MADV_HUGEPAGE); /* a hint: 4 KiB pages without */
		return a;
	}
#endif
	return calloc(1, size ? size : 1);
}

void big_free(void *b, size_t size)
{
	if (!b)
		return;
#ifndef POOL_PASSTHROUGH
	if (size >= BIG_MIN) {
		munmap(b, huge_round(size));
		return;
	}
#endif
	(void)size;
	free(b);
}

void pool_destroy(struct pool *p)
{
	if (!p)
		return;
	for (struct chunk *c = p->chunks, *n; c; c = n) {
		n = c->next;
		if (c->size)
			big_free(c, c->size);
		else
			free(c);
	}
	free(p);
}

static inline size_t round_up(size_t size)
{
	return (size + UNIT - 1) & ~(size_t)(UNIT - 1);
}

#ifndef POOL_PASSTHROUGH
static void *carve(struct pool *p, size_t size)
{
	if ((size_t)(p->end - p->next) < size) {
		size_t want = p->chunks ? HUGE_PAGE : FIRST_CHUNK;
		struct chunk *c = p->chunks ? big_zalloc(want) : malloc(want);
		if (!c)
			return NULL;
		c->next = p->chunks;
		c->size = p->chunks ? want : 0;
		p->chunks = c;
		p->next = (char *)c + round_up(sizeof(*c));
		p->end = (char *)c + want;
	}
	char *b = p->next;
	p->next += size;
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
