/* malloc, free, calloc and realloc of the static binary (built with
 * RAWTEL_OWN_MALLOC, which `make static` sets; other builds keep the C
 * library's, and the sanitizers theirs). musl's allocator was 7.6 KB of
 * the static binary; rawtel is single-threaded since its resolver runs on
 * the event loop, and it allocates little, mostly bounded buffers. Blocks
 * of 16 B to 64 KB (header included) come in power-of-two classes, each
 * with a free list, carved in order from 1 MB anonymous mappings (pages
 * never carved are never touched, so they cost no memory); a freed block
 * waits in its class for the next request of that size. Bigger blocks are
 * mappings of their own; the last two freed (up to SPARE_MAX each) are
 * kept for the next big mallocs they fit, older ones are unmapped. The
 * sink copies every export request (~500 spans, ~450 KB) into such a
 * block: mapped and unmapped each time, its pages were faulted in and
 * zeroed by the kernel anew, a third of rawtel's system time at
 * saturation. Two: at saturation the next request is encoded while the
 * one before is still in flight; with one kept, every other request took
 * a new mapping (HTTP/2 at saturation: a fifth of rawtel's CPU in page
 * faults, munmap and its TLB flushes). */
#ifdef RAWTEL_OWN_MALLOC
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HDR 16			/* keeps blocks 16-byte aligned */
#define CLASSES 13		/* 16 << 12 = 64 KB */
#define ARENA (1 << 20)
#define SPARE_MAX (4u << 20)	/* kept mapped: bounds the memory the spare holds */

static void *free_list[CLASSES];
static size_t *spare[2];	/* freed big blocks, their lengths in [0] */
static char *arena;
static size_t arena_left;

static size_t *map(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

/* a big block of n bytes (header and page rounding included): a spare
 * when it fits without wasting more than half of it, else a new mapping.
 * calloc (zero set) takes only new mappings, which come zeroed: a big,
 * sparse table must not have every page written. Spares that do not fit
 * a malloc are unmapped first: the next big malloc is most likely as big
 * as this one, and kept they would be more requests' pages resident while
 * the export queue is full (a lagging collector: issue 15's peak RSS). */
static size_t *big_block(size_t n, int zero)
{
	size_t *h;

	for (int i = 0; i < 2 && !zero; i++)
		if ((h = spare[i]) && h[0] >= n && h[0] / 2 <= n) {
			spare[i] = NULL;
			return h;
		}
	for (int i = 0; i < 2 && !zero; i++)
		if ((h = spare[i])) {
			spare[i] = NULL;
			munmap(h, h[0]);
		}
	if ((h = map(n)))
		h[0] = n;
	return h;
}

/* header: [0] the next free block, or a mapping's length; [1] the class.
 * *fresh says the block comes from memory never handed out before, which
 * mmap gave zeroed: calloc then leaves it alone, so a big, sparsely used
 * table costs only the pages that are written (a memset touched them all:
 * 14 MB of anonymous RSS at start-up against 3 MB with the C library's).
 * Called with *fresh set when the caller wants zeroed memory. */
static void *alloc_block(size_t n, int *fresh)
{
	size_t c = 0, *h;

	if (n > PTRDIFF_MAX - 4096) {
		errno = ENOMEM;
		return NULL;
	}
	while (((size_t)16 << c) < n + HDR && c < CLASSES)
		c++;
	if (c == CLASSES) {
		n = (n + HDR + 4095) & ~(size_t)4095;
		if (!(h = big_block(n, *fresh)))
			return NULL;
		h[1] = CLASSES;
		return h + HDR / sizeof(size_t);
	}
	if (free_list[c]) {
		h = free_list[c];
		free_list[c] = (void *)h[0];
		*fresh = 0;
	} else {
		if (arena_left < (size_t)16 << c) {
			if (!(arena = (char *)map(ARENA)))
				return NULL;
			arena_left = ARENA;
		}
		h = (size_t *)arena;
		arena += (size_t)16 << c;
		arena_left -= (size_t)16 << c;
		*fresh = 1;
	}
	h[1] = c;
	return h + HDR / sizeof(size_t);
}

void *malloc(size_t n)
{
	int fresh = 0;

	return alloc_block(n, &fresh);
}

/* the header of a block malloc gave (not of NULL: no arithmetic on it) */
static size_t *head(void *p)
{
	return (size_t *)p - HDR / sizeof(size_t);
}

void free(void *p)
{
	size_t *h;

	if (!p)
		return;
	h = head(p);
	if (h[1] == CLASSES) {
		/* kept, the older of the two kept unmapped */
		if (h[0] <= SPARE_MAX) {
			size_t *old = spare[1];

			spare[1] = spare[0];
			spare[0] = h;
			h = old;
		}
		if (h)
			munmap(h, h[0]);
		return;
	}
	h[0] = (size_t)free_list[h[1]];
	free_list[h[1]] = h;
}

void *calloc(size_t n, size_t size)
{
	void *p;
	int fresh = 1;

	if (__builtin_mul_overflow(n, size, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	if ((p = alloc_block(n, &fresh)) && !fresh)
		memset(p, 0, n);
	return p;
}

void *realloc(void *p, size_t n)
{
	size_t *h, cap;
	void *q;

	if (!p)
		return malloc(n);
	h = head(p);
	cap = (h[1] == CLASSES ? h[0] : (size_t)16 << h[1]) - HDR;
	if (n <= cap)
		return p;
	if ((q = malloc(n))) {
		memcpy(q, p, cap);
		free(p);
	}
	return q;
}
#endif
