/* util_sort (user/util/sort.c) against the C library's qsort: with a
 * total order both must give the same array, for every size up to 300
 * and a large one, in random, sorted, reversed and all-equal inputs, with
 * elements of 1, 4 and 24 bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/util.h"
#include "t.h"

struct wide {
	uint64_t key;
	uint32_t tie;
	char pad[12];
};

static int cmp_u8(const void *a, const void *b)
{
	return *(const uint8_t *)a - *(const uint8_t *)b;
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_wide(const void *a, const void *b)
{
	const struct wide *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->tie < y->tie ? -1 : x->tie > y->tie;
}

static uint32_t rnd(void)
{
	static uint32_t s = 12345;

	s ^= s << 13, s ^= s >> 17, s ^= s << 5;
	return s;
}

/* Fill base with n elements in `shape`, sort a copy each way, compare. */
static int same_as_qsort(size_t n, size_t size, int (*cmp)(const void *, const void *), int shape)
{
	unsigned char *a = malloc(n * size + 1), *b = malloc(n * size + 1);
	int ok;

	for (size_t i = 0; i < n * size; i++)
		a[i] = (unsigned char)(shape == 0 ? rnd() : shape == 1 ? i / size % 7 : 3);
	for (size_t i = 0; i < n && size == sizeof(struct wide); i++)
		((struct wide *)a)[i].tie = (uint32_t)i;	/* a total order */
	if (shape == 1)
		qsort(a, n, size, cmp);	/* sorted input */
	memcpy(b, a, n * size);
	qsort(a, n, size, cmp);
	util_sort(b, n, size, cmp);
	ok = !memcmp(a, b, n * size);
	free(a);
	free(b);
	return ok;
}

static void test_against_qsort(void)
{
	for (int shape = 0; shape < 3; shape++)
		for (size_t n = 0; n <= 300; n++) {
			if (!same_as_qsort(n, 4, cmp_i32, shape) ||
			    !same_as_qsort(n, sizeof(struct wide), cmp_wide, shape))
				T_FAILF("n=%zu shape %d differs from qsort", n, shape);
			/* bytes: only equal values tie, and equal bytes are alike */
			if (!same_as_qsort(n, 1, cmp_u8, shape))
				T_FAILF("n=%zu shape %d (bytes) differs from qsort", n, shape);
		}
	T_CHECK(same_as_qsort(100000, 4, cmp_i32, 0));
	T_CHECK(same_as_qsort(20000, sizeof(struct wide), cmp_wide, 0));
}

static void test_reversed(void)
{
	int32_t v[1000];

	for (int i = 0; i < 1000; i++)
		v[i] = 1000 - i;
	util_sort(v, 1000, sizeof(v[0]), cmp_i32);
	for (int i = 0; i < 1000; i++)
		if (v[i] != i + 1)
			T_FAILF("v[%d] = %d", i, v[i]);
}

int main(void)
{
	T_RUN(test_against_qsort);
	T_RUN(test_reversed);
	return t_done();
}
