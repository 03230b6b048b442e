/* LZ77 coding of the embedded kern/ text (see include/rawtel/lz.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/lz.h"

#define LZ_MIN 3
#define LZ_MAX (LZ_MIN + 255)
#define LZ_WINDOW 65535
#define LZ_HASH (1 << 15)
#define LZ_CHAIN 256		/* candidates tried per position (build time) */

static uint32_t lz_hash(const uint8_t *p)
{
	return ((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]) * 2654435761u >> 17;
}

int lz_match_init(struct lz_match *m, const uint8_t *in, size_t n, uint32_t window, int chain,
		  size_t nice)
{
	*m = (struct lz_match){ in, n, window, chain, nice, NULL, NULL };
	m->head = malloc(LZ_HASH * sizeof(*m->head));
	m->prev = malloc(LZ_RING * sizeof(*m->prev));
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
	if (i + LZ_MIN <= m->n) {
		uint32_t h = lz_hash(m->in + i);

		m->prev[i & (LZ_RING - 1)] = m->head[h];
		m->head[h] = (int32_t)i;
	}
}

/* A ring slot is overwritten only by a position LZ_RING later, and the
 * window keeps every candidate closer than that: the chain is exact. */
size_t lz_longest(const struct lz_match *m, size_t i, size_t max, size_t *dist)
{
	const uint8_t *in = m->in;
	size_t best = 0;
	int tries = m->chain;

	if (max > m->n - i)
		max = m->n - i;
	if (max < LZ_MIN)
		return 0;
	for (int32_t c = m->head[lz_hash(in + i)]; c >= 0 && i - (size_t)c <= m->window && tries--;
	     c = m->prev[(size_t)c & (LZ_RING - 1)]) {
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
	return best >= LZ_MIN ? best : 0;
}

long lz_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	struct lz_match m;
	size_t o = 0, flag_at = 0, i = 0;
	int items = 8;

	if (lz_match_init(&m, in, n, LZ_WINDOW, LZ_CHAIN, LZ_MAX))
		return -ENOMEM;
	while (i < n) {
		size_t dist = 0, best = lz_longest(&m, i, LZ_MAX, &dist);

		if (items == 8) {	/* a new group */
			if (o >= cap)
				goto full;
			flag_at = o;
			out[o++] = 0;
			items = 0;
		}
		if (best) {
			if (o + 3 > cap)
				goto full;
			out[flag_at] |= (uint8_t)(1u << items);
			out[o++] = (uint8_t)dist;
			out[o++] = (uint8_t)(dist >> 8);
			out[o++] = (uint8_t)(best - LZ_MIN);
		} else {
			best = 1;
			if (o >= cap)
				goto full;
			out[o++] = in[i];
		}
		items++;
		for (size_t end = i + best; i < end; i++)
			lz_insert(&m, i);
	}
	lz_match_free(&m);
	return (long)o;
full:
	lz_match_free(&m);
	return -ENOSPC;
}

int lz_decode(const uint8_t *in, size_t len, uint8_t *out, size_t n)
{
	size_t i = 0, o = 0;

	while (i < len) {
		uint8_t flags = in[i++];
		for (int k = 0; k < 8 && i < len; k++) {
			if (flags & (1u << k)) {
				size_t dist, l;
				if (i + 3 > len)
					return -EINVAL;
				dist = (size_t)in[i] | (size_t)in[i + 1] << 8;
				l = (size_t)in[i + 2] + LZ_MIN;
				i += 3;
				if (!dist || dist > o || l > n - o)
					return -EINVAL;
				/* byte by byte: a match may overlap what it copies */
				for (size_t e = o + l; o < e; o++)
					out[o] = out[o - dist];
			} else {
				if (o >= n)
					return -EINVAL;
				out[o++] = in[i++];
			}
		}
	}
	return o == n ? 0 : -EINVAL;
}
