/* LZ77 with adaptive binary range coding, for the embedded kern/ text
 * (see include/rawtel/lz.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/lz.h"
#include "rawtel/lz_match.h"

#define LZ_MIN LZ_MATCH_MIN
#define LZ_MAX (LZ_MIN + 65535)	/* a third of the matches were longer than 258 */
#define LZ_WINDOW 0xffffff	/* the units reuse runs from far back */
#define LZ_CHAIN 65536		/* candidates tried per position (build time) */

#define RC_TOP (1u << 24)	/* the range is renormalized below this */
#define RC_BITS 12		/* a probability is n / 2^12 that the bit is 0 */
#define RC_MOVE 4		/* adaptation speed: 1/16 of the distance (the text
				 * is short for its contexts: 1/32 learned too slowly,
				 * 200 bytes more) */

/* Every probability the coder adapts (initially 1/2). Literals are coded
 * in the context of the byte before them: the text is C-like source. */
struct lz_model {
	uint16_t is_match[2][256];	/* by: the token before was a match, and
					 * the byte before (a line's start) */
	uint16_t is_rep[2];	/* a match at the distance of the one before,
				 * by: the token before was a match */
	uint16_t len[2][3][256];	/* length - 3, high byte then low (by: the
					 * high byte is 0): new, rep */
	uint16_t dist[3][2][256];	/* distance: its 3 bytes, high first, each
					 * by: the bytes before it are all 0 (near) */
	uint16_t lit[256][256];
};

static struct lz_model *lz_model_new(void)
{
	struct lz_model *m = malloc(sizeof(*m));
	uint16_t *p = (uint16_t *)m;

	for (size_t i = 0; m && i < sizeof(*m) / sizeof(*p); i++)
		p[i] = 1u << (RC_BITS - 1);
	return m;
}

struct rc_enc {
	uint8_t *out;
	size_t cap, o, pending;	/* bytes held back for a carry: cache, 0xff.. */
	uint64_t low;
	uint32_t range;
	uint8_t cache;
};

static void rc_shift(struct rc_enc *e)
{
	if ((uint32_t)e->low < 0xff000000u || e->low >> 32) {
		uint8_t carry = (uint8_t)(e->low >> 32), b = e->cache;
		do {
			if (e->o < e->cap)
				e->out[e->o] = (uint8_t)(b + carry);
			e->o++;
			b = 0xff;
		} while (--e->pending);
		e->cache = (uint8_t)(e->low >> 24);
	}
	e->pending++;
	e->low = (e->low & 0x00ffffffu) << 8;
}

static void rc_bit(struct rc_enc *e, uint16_t *p, unsigned bit)
{
	uint32_t bound = (e->range >> RC_BITS) * *p;

	if (!bit) {
		e->range = bound;
		*p = (uint16_t)(*p + (((1u << RC_BITS) - *p) >> RC_MOVE));
	} else {
		e->low += bound;
		e->range -= bound;
		*p = (uint16_t)(*p - (*p >> RC_MOVE));
	}
	while (e->range < RC_TOP) {
		e->range <<= 8;
		rc_shift(e);
	}
}

/* a byte, most significant bit first, each bit in the context of the
 * ones before it (p[1..255]) */
static void rc_byte(struct rc_enc *e, uint16_t *p, unsigned v)
{
	for (unsigned m = 1, i = 8; i--;) {
		unsigned b = v >> i & 1;
		rc_bit(e, &p[m], b);
		m = m << 1 | b;
	}
}

static size_t lz_same(const uint8_t *a, const uint8_t *b, size_t lim)
{
	size_t l = 0;

	while (l < lim && a[l] == b[l])
		l++;
	return l;
}

/* One token at in[i]: a literal, or a match (at the last distance when
 * that is at most 2 bytes shorter: it costs no distance); the bytes it
 * covers. */
static size_t lz_token(struct rc_enc *e, struct lz_model *m, const uint8_t *in, size_t n,
		       size_t i, size_t *rep, unsigned *was_match, size_t best, size_t dist)
{
	size_t lim = n - i < LZ_MAX ? n - i : LZ_MAX;
	size_t rl = *rep && *rep <= i ? lz_same(in + i - *rep, in + i, lim) : 0;
	unsigned use_rep = rl >= LZ_MIN && rl + 2 >= best;

	if (best < LZ_MIN && !use_rep) {
		rc_bit(e, &m->is_match[*was_match][i ? in[i - 1] : 0], 0);
		rc_byte(e, m->lit[i ? in[i - 1] : 0], in[i]);
		*was_match = 0;
		return 1;
	}
	rc_bit(e, &m->is_match[*was_match][i ? in[i - 1] : 0], 1);
	rc_bit(e, &m->is_rep[*was_match], use_rep);
	if (use_rep) {
		best = rl;
	} else {
		for (int k = 0; k < 3; k++)
			rc_byte(e, m->dist[k][(dist >> (24 - 8 * k)) != 0],
				(unsigned)(dist >> (16 - 8 * k)) & 0xff);
		*rep = dist;
	}
	rc_byte(e, m->len[use_rep][0], (unsigned)(best - LZ_MIN) >> 8);
	rc_byte(e, m->len[use_rep][1 + ((best - LZ_MIN) >> 8 != 0)],
		(unsigned)(best - LZ_MIN) & 0xff);
	*was_match = 1;
	return best;
}

long lz_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	struct lz_match mt;
	struct lz_model *m = lz_model_new();
	struct rc_enc e = { .out = out, .cap = cap, .pending = 1, .range = 0xffffffffu };
	size_t i = 0, rep = 0;
	unsigned was_match = 0;
	long ret = -ENOMEM;

	if (!m || lz_match_init(&mt, in, n, LZ_WINDOW, LZ_CHAIN, LZ_MAX)) {
		free(m);
		return ret;
	}
	while (i < n) {
		size_t dist = 0, best = lz_longest(&mt, i, LZ_MAX, &dist), d2 = 0;

		/* lazily: a literal here when the next position matches longer,
		 * or the one after by 2 bytes (200 bytes fewer than looking one
		 * ahead for 2 bytes more) */
		if (best && i + 1 < n && lz_longest(&mt, i + 1, LZ_MAX, &d2) > best)
			best = 0;
		else if (best && i + 2 < n && lz_longest(&mt, i + 2, LZ_MAX, &d2) > best + 1)
			best = 0;
		size_t end = i + lz_token(&e, m, in, n, i, &rep, &was_match, best, dist);

		/* index every position passed, so later matches can start there */
		for (; i < end; i++)
			lz_insert(&mt, i);
	}
	for (int k = 0; k < 5; k++)
		rc_shift(&e);
	ret = e.o <= cap ? (long)e.o : -ENOSPC;
	lz_match_free(&mt);
	free(m);
	return ret;
}

struct rc_dec {
	const uint8_t *in;
	size_t len, i;
	uint32_t range, code;
	int bad;		/* read past the end */
};

static uint32_t rd_next(struct rc_dec *d)
{
	if (d->i >= d->len) {
		d->bad = 1;
		return 0;
	}
	return d->in[d->i++];
}

static unsigned rd_bit(struct rc_dec *d, uint16_t *p)
{
	uint32_t bound = (d->range >> RC_BITS) * *p;
	unsigned bit = d->code >= bound;

	if (!bit) {
		d->range = bound;
		*p = (uint16_t)(*p + (((1u << RC_BITS) - *p) >> RC_MOVE));
	} else {
		d->code -= bound;
		d->range -= bound;
		*p = (uint16_t)(*p - (*p >> RC_MOVE));
	}
	while (d->range < RC_TOP) {
		d->range <<= 8;
		d->code = d->code << 8 | rd_next(d);
	}
	return bit;
}

static unsigned rd_byte(struct rc_dec *d, uint16_t *p)
{
	unsigned m = 1;

	while (m < 256)
		m = m << 1 | rd_bit(d, &p[m]);
	return m & 0xff;
}

/* The decoder mirrors lz_token; it stops at the first impossible match. */
int lz_decode(const uint8_t *in, size_t len, uint8_t *out, size_t n)
{
	struct lz_model *m = lz_model_new();
	struct rc_dec d = { .in = in, .len = len, .range = 0xffffffffu };
	size_t o = 0, rep = 0;
	unsigned was_match = 0;

	if (!m)
		return -ENOMEM;
	d.bad = rd_next(&d) != 0;	/* the encoder's first byte is always 0 */
	for (int k = 0; k < 4; k++)
		d.code = d.code << 8 | rd_next(&d);
	while (o < n && !d.bad) {
		size_t l;
		unsigned r;

		if (!rd_bit(&d, &m->is_match[was_match][o ? out[o - 1] : 0])) {
			out[o] = (uint8_t)rd_byte(&d, m->lit[o ? out[o - 1] : 0]);
			o++;
			was_match = 0;
			continue;
		}
		r = rd_bit(&d, &m->is_rep[was_match]);
		for (int k = 0; !r && k < 3; k++)
			rep = (k ? rep << 8 : 0) | rd_byte(&d, m->dist[k][k && rep]);
		l = rd_byte(&d, m->len[r][0]) << 8;
		l += rd_byte(&d, m->len[r][1 + (l != 0)]) + LZ_MIN;
		if (!rep || rep > o || l > n - o)
			break;
		/* byte by byte where a match overlaps what it copies; most
		 * do not (the kern/ text repeats from far back): memcpy */
		if (rep >= l) {
			memcpy(out + o, out + o - rep, l);
			o += l;
		}
		for (size_t e = o + l; o < e && rep < l; o++)
			out[o] = out[o - rep];
		was_match = 1;
	}
	free(m);
	return !d.bad && o == n && d.i == len ? 0 : -EINVAL;
}
