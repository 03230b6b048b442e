/* The static binary's allocator (user/util/alloc.c), built here under
 * other names (ta_*) so that it runs beside the sanitizers' own: a long
 * random sequence of malloc, calloc, realloc and free over many live
 * blocks, each filled with its own pattern and checked before it is
 * freed or moved (a block handed out twice, or overlapping another, shows
 * as a broken pattern); alignment; reuse of a freed block; the big blocks
 * mapped alone; sizes that cannot be had. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "t.h"

#define RAWTEL_OWN_MALLOC
#define malloc ta_malloc
#define free ta_free
#define calloc ta_calloc
#define realloc ta_realloc
void *ta_malloc(size_t n);
void ta_free(void *p);
void *ta_calloc(size_t n, size_t size);
void *ta_realloc(void *p, size_t n);
#include "../../user/util/alloc.c"
#undef malloc
#undef free
#undef calloc
#undef realloc

#define SLOTS 512

struct slot {
	unsigned char *p;
	size_t n;
	unsigned char tag;
};

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

/* mostly small, some up to the largest class, a few mapped alone */
static size_t rnd_size(void)
{
	uint32_t r = rnd() % 100;

	if (r < 70)
		return rnd() % 200;
	if (r < 95)
		return rnd() % 70000;
	return 70000 + rnd() % 300000;
}

static int intact(const struct slot *s, size_t upto)
{
	for (size_t i = 0; i < upto; i++)
		if (s->p[i] != (unsigned char)(s->tag + i))
			return 0;
	return 1;
}

static void fill(struct slot *s, size_t from)
{
	for (size_t i = from; i < s->n; i++)
		s->p[i] = (unsigned char)(s->tag + i);
}

static void test_random(void)
{
	static struct slot sl[SLOTS];
	int bad = 0;

	for (int op = 0; op < 40000 && !bad; op++) {
		struct slot *s = &sl[rnd() % SLOTS];
		size_t n = rnd_size();

		if (s->p && !intact(s, s->n)) {
			T_FAILF("op %d: a live block of %zu bytes was overwritten", op, s->n);
			bad = 1;
		} else if (!s->p) {
			int z = rnd() % 4 == 0;

			s->p = z ? ta_calloc(1, n) : ta_malloc(n);
			if (!s->p || (uintptr_t)s->p % 16) {
				T_FAILF("op %d: %p for %zu bytes", op, (void *)s->p, n);
				bad = 1;
				continue;
			}
			for (size_t i = 0; z && i < n && !bad; i++)
				if (s->p[i]) {
					T_FAILF("op %d: calloc'd byte %zu is %u", op, i, s->p[i]);
					bad = 1;
				}
			s->n = n;
			s->tag = (unsigned char)rnd();
			fill(s, 0);
		} else if (rnd() % 2) {
			unsigned char *q = ta_realloc(s->p, n);
			size_t keep = n < s->n ? n : s->n;

			if (!q) {
				T_FAILF("op %d: realloc to %zu failed", op, n);
				bad = 1;
				continue;
			}
			s->p = q;
			if (!intact(s, keep)) {
				T_FAILF("op %d: realloc lost the first %zu bytes", op, keep);
				bad = 1;
			}
			s->n = n;
			fill(s, keep);
		} else {
			ta_free(s->p);
			s->p = NULL;
		}
	}
	for (int i = 0; i < SLOTS; i++)
		ta_free(sl[i].p);
}

static void test_classes(void)
{
	void *a = ta_malloc(100), *b, *big;
	size_t *h;

	T_ASSERT(a != NULL);
	/* a freed block is the next of its class */
	ta_free(a);
	b = ta_malloc(90);
	T_CHECK(b == a, "a freed 128-byte block not reused");
	/* growing within the class keeps the block */
	T_CHECK(ta_realloc(b, 112) == b, "realloc within the class moved");
	ta_free(b);
	/* past the largest class: a mapping of its own, page-rounded */
	big = ta_malloc(200000);
	T_ASSERT(big != NULL);
	h = (size_t *)big - 2;
	if (h[1] != CLASSES || h[0] % 4096 || h[0] < 200000 + 16)
		T_FAILF("big block header: length %zu, class %zu", h[0], h[1]);
	memset(big, 7, 200000);
	ta_free(big);
	/* the freed big block is the spare: the next big malloc it fits takes
	 * it (no new mapping to fault in), calloc does not (it wants zeroes) */
	b = ta_calloc(1, 150000);
	T_CHECK(b != NULL && b != big && ((unsigned char *)b)[149999] == 0, "calloc took the spare");
	a = ta_malloc(200000);
	T_CHECK(a == big, "the spare was not reused");
	ta_free(b);
	big = ta_malloc(70000);
	T_CHECK(big != b, "a spare over twice the size was reused");
	ta_free(big);
	ta_free(a);
	/* two kept: at saturation the next export request is encoded while
	 * the one before is still in flight */
	a = ta_malloc(300000);
	b = ta_malloc(300000);
	T_ASSERT(a != NULL && b != NULL);
	ta_free(a);
	ta_free(b);
	big = ta_malloc(290000);
	h = ta_malloc(290000);
	T_CHECK((big == a && (void *)h == b) || (big == b && (void *)h == a), "the two spares were not both reused");
	ta_free(big);
	ta_free(h);
	T_CHECK(ta_realloc(NULL, 10) != NULL, "realloc(NULL) is malloc");
	ta_free(NULL);
}

static void test_limits(void)
{
	errno = 0;
	T_CHECK(ta_malloc(SIZE_MAX - 8) == NULL && errno == ENOMEM, "malloc(SIZE_MAX - 8)");
	errno = 0;
	T_CHECK(ta_calloc(SIZE_MAX / 2, 4) == NULL && errno == ENOMEM, "calloc overflow");
}

int main(void)
{
	T_RUN(test_random);
	T_RUN(test_classes);
	T_RUN(test_limits);
	return t_done();
}
