/* util_sort: heapsort in place, for the few sorts rawtel does (Huffman
 * leaves, metric families, rotated file names, sockets, symbols). musl's
 * qsort (smoothsort) is 2 KB of the static binary; this is a few hundred
 * bytes, needs no memory, and is O(n log n) in the worst case too. Like
 * qsort it is not stable: every caller's order is total or ties do not
 * matter. */
#include "rawtel/util.h"

static void swap_bytes(unsigned char *a, unsigned char *b, size_t size)
{
	while (size--) {
		unsigned char t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

/* Move the element at i down the heap of n until neither child is larger. */
static void sift_down(unsigned char *base, size_t i, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			return;
		if (c + 1 < n && cmp(base + c * size, base + (c + 1) * size) < 0)
			c++;
		if (cmp(base + i * size, base + c * size) >= 0)
			return;
		swap_bytes(base + i * size, base + c * size, size);
		i = c;
	}
}

void util_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	unsigned char *b = base;

	for (size_t i = n / 2; i-- > 0;)
		sift_down(b, i, n, size, cmp);
	/* the largest goes last, the heap shrinks by one */
	while (n > 1) {
		n--;
		swap_bytes(b, b + n * size, size);
		sift_down(b, 0, n, size, cmp);
	}
}
