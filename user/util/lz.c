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

/* The cheapest parse (build time: cost is no concern): every position's
 * longest match first, then backwards, the fewest bits to the end from
 * each position: a literal (9 bits with its flag) or a match of any
 * length up to the longest (25 bits; a prefix of a match is a match). */
static int lz_plan(const uint8_t *in, size_t n, uint16_t *len, uint16_t *dist)
{
	struct lz_match m;
	uint64_t *cost = malloc((n + 1) * sizeof(*cost));

	if (!cost || lz_match_init(&m, in, n, LZ_WINDOW, LZ_CHAIN, LZ_MAX)) {
		free(cost);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		size_t d = 0;

		len[i] = (uint16_t)lz_longest(&m, i, LZ_MAX, &d);
		dist[i] = (uint16_t)d;
		lz_insert(&m, i);
	}
	lz_match_free(&m);
	cost[n] = 0;
	for (size_t i = n; i-- > 0;) {
		size_t best = 1, l;

		cost[i] = cost[i + 1] + 9;
		for (l = LZ_MIN; l <= len[i]; l++)
			if (cost[i + l] + 25 < cost[i])
				cost[i] = cost[i + l] + 25, best = l;
		len[i] = (uint16_t)(best > 1 ? best : 0);
	}
	free(cost);
	return 0;
}

long lz_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	uint16_t *len = malloc((n + 1) * sizeof(*len)), *dist = malloc((n + 1) * sizeof(*dist));
	size_t o = 0, flag_at = 0, i = 0;
	int items = 8;
	long r = -ENOSPC;

	if (!len || !dist || lz_plan(in, n, len, dist)) {
		r = -ENOMEM;
		goto out;
	}
	while (i < n) {
		if (items == 8) {	/* a new group */
			if (o >= cap)
				goto out;
			flag_at = o;
			out[o++] = 0;
			items = 0;
		}
		if (o + (len[i] ? 3 : 1) > cap)
			goto out;
		if (len[i]) {
			out[flag_at] |= (uint8_t)(1u << items);
			out[o++] = (uint8_t)dist[i];
			out[o++] = (uint8_t)(dist[i] >> 8);
			out[o++] = (uint8_t)(len[i] - LZ_MIN);
		} else {
			out[o++] = in[i];
		}
		items++;
		i += len[i] ? len[i] : 1;
	}
	r = (long)o;
out:
	free(len);
	free(dist);
	return r;
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
