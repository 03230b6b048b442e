/* The hash-chain matcher of include/rawtel/lz_match.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/lz_match.h"

#define LZ_HASH (1 << 15)

static uint32_t lz_hash(const uint8_t *p)
{
	return ((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]) * 2654435761u >> 17;
}

int lz_match_init(struct lz_match *m, const uint8_t *in, size_t n, uint32_t window, int chain,
		  size_t nice)
{
	*m = (struct lz_match){ in, n, window, chain, nice, NULL, NULL, 1 };
	/* a slot per position within the window, or per input byte when
	 * that is fewer (a window wider than the input costs no memory) */
	while (m->ring <= window && m->ring < n)
		m->ring <<= 1;
	m->head = malloc(LZ_HASH * sizeof(*m->head));
	m->prev = malloc(m->ring * sizeof(*m->prev));
	if (!m->head || !m->prev || n > INT32_MAX) {
		lz_match_free(m);
		return -ENOMEM;
	}
	memset(m->head, 0xff, LZ_HASH * sizeof(*m->head));
	return 0;
}

void lz_match_free(struct lz_match *m)
{
	free(m->head);
	free(m->prev);
	m->head = m->prev = NULL;
}

void lz_insert(struct lz_match *m, size_t i)
{
	if (i + LZ_MATCH_MIN <= m->n) {
		uint32_t h = lz_hash(m->in + i);

		m->prev[i & (m->ring - 1)] = m->head[h];
		m->head[h] = (int32_t)i;
	}
}

/* A ring slot is overwritten only by a position m->ring later, and the
 * window (or the input's end) keeps every candidate closer than that: the
 * chain is exact. */
size_t lz_longest(const struct lz_match *m, size_t i, size_t max, size_t *dist)
{
	const uint8_t *in = m->in;
	size_t best = 0;
	int tries = m->chain;

	if (max > m->n - i)
		max = m->n - i;
	if (max < LZ_MATCH_MIN)
		return 0;
	for (int32_t c = m->head[lz_hash(in + i)]; c >= 0 && i - (size_t)c <= m->window && tries--;
	     c = m->prev[(size_t)c & (m->ring - 1)]) {
		size_t l = 0;

		if (best == max)
			break;
		if (in[(size_t)c + best] != in[i + best])
			continue;	/* cannot be longer */
		while (l < max && in[(size_t)c + l] == in[i + l])
			l++;
		if (l > best) {
			best = l;
			*dist = i - (size_t)c;
			if (l >= m->nice)
				break;
		}
	}
	return best >= LZ_MATCH_MIN ? best : 0;
}

int lz_matches(const struct lz_match *m, size_t i, size_t max, struct lz_cand *out, int cap)
{
	const uint8_t *in = m->in;
	size_t best = LZ_MATCH_MIN - 1;
	int tries = m->chain, k = 0;

	if (max > m->n - i)
		max = m->n - i;
	if (max < LZ_MATCH_MIN || cap < 1)
		return 0;
	for (int32_t c = m->head[lz_hash(in + i)]; c >= 0 && i - (size_t)c <= m->window && tries--;
	     c = m->prev[(size_t)c & (m->ring - 1)]) {
		size_t l = 0;

		if (best == max)
			break;
		if (in[(size_t)c + best] != in[i + best])
			continue;	/* cannot be longer */
		while (l < max && in[(size_t)c + l] == in[i + l])
			l++;
		if (l > best) {
			best = l;
			k -= k == cap;	/* full: the longest replaces the last */
			out[k++] = (struct lz_cand){ l, i - (size_t)c };
			if (l >= m->nice)
				break;
		}
	}
	return k;
}
