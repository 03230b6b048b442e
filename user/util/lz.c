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

long lz_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	int32_t *head = malloc(LZ_HASH * sizeof(*head));
	int32_t *prev = malloc((n ? n : 1) * sizeof(*prev));
	size_t o = 0, flag_at = 0, i = 0;
	int items = 8;

	if (!head || !prev) {
		free(head);
		free(prev);
		return -ENOMEM;
	}
	memset(head, 0xff, LZ_HASH * sizeof(*head));
	while (i < n) {
		size_t best = 0, dist = 0;

		if (items == 8) {	/* a new group */
			if (o >= cap)
				goto full;
			flag_at = o;
			out[o++] = 0;
			items = 0;
		}
		if (i + LZ_MIN <= n) {
			uint32_t h = lz_hash(in + i);
			int tries = LZ_CHAIN;
			for (int32_t c = head[h]; c >= 0 && i - (size_t)c <= LZ_WINDOW && tries--;
			     c = prev[c]) {
				size_t l = 0, lim = n - i < LZ_MAX ? n - i : LZ_MAX;
				while (l < lim && in[(size_t)c + l] == in[i + l])
					l++;
				if (l > best) {
					best = l;
					dist = i - (size_t)c;
				}
			}
		}
		if (best >= LZ_MIN) {
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
		/* index every position passed, so later matches can start there */
		for (size_t end = i + best; i < end; i++) {
			if (i + LZ_MIN <= n) {
				uint32_t h = lz_hash(in + i);
				prev[i] = head[h];
				head[h] = (int32_t)i;
			}
		}
	}
	free(head);
	free(prev);
	return (long)o;
full:
	free(head);
	free(prev);
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
