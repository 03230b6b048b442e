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

/* ---- the parse: which tokens cover the text most cheaply --------------
 * Each token is weighed at what the coder would pay for it now (the
 * model's probabilities as they stand), over a span of positions at a
 * time: the cheapest path of literals and matches through the span wins
 * (the kern/ text packs 7% smaller than taking the longest match, looking
 * two positions ahead, did). The format and the decoder are the same. */
#define LZ_NICE 1000		/* a match this long is taken as it comes */
#define LZ_SPAN 65536		/* positions weighed at once */
#define LZ_CANDS 32		/* match lengths weighed per position */
#define LZ_INF UINT32_MAX

struct lz_node {
	uint32_t cost;		/* of the cheapest path here from the span's start,
				 * in 1/64 bits */
	uint32_t len;		/* the token that ends here: 0 a literal */
	uint32_t from;		/* where it starts, in the span */
	unsigned was_match, is_rep;
	size_t dist;		/* a match's distance */
	size_t rep;		/* the last distance, after the token */
};

struct lz_parse {
	const uint8_t *in;
	size_t n;
	struct lz_model *m;
	struct lz_match mt;
	size_t indexed;		/* positions below this are in mt */
	struct lz_node node[LZ_SPAN + LZ_NICE + 1];
	uint32_t path[LZ_SPAN + 1];
	uint16_t bit_cost[1 << RC_BITS];	/* of a bit of probability p */
	uint32_t len_cost[2][LZ_NICE];	/* of a length: new, rep (this span) */
};

/* -log2(p / 2^12) in 1/64 bits, by the bits of log2 found by squaring (no
 * libm for a build tool) */
static void lz_cost_init(uint16_t *tab)
{
	for (uint32_t p = 1; p < (1u << RC_BITS); p++) {
		uint32_t ip = 0, frac = 0;
		uint64_t x = p;

		while (x >> (ip + 1))
			ip++;
		x = ((uint64_t)p << 30) >> ip;	/* p / 2^ip in [1, 2), 30 bits */
		for (int b = 0; b < 12; b++) {
			x = (x * x) >> 30;
			frac <<= 1;
			if (x >> 31) {
				x >>= 1;
				frac |= 1;
			}
		}
		/* (12 - log2 p) * 64, log2 p = ip + frac / 4096 */
		tab[p] = (uint16_t)(((RC_BITS - ip) * 4096 - frac) * 64 / 4096);
	}
	tab[0] = tab[1];
}

static uint32_t lz_bit_cost(const struct lz_parse *ps, uint16_t p, unsigned bit)
{
	return ps->bit_cost[bit ? (1u << RC_BITS) - p : p];
}

static uint32_t lz_byte_cost(const struct lz_parse *ps, const uint16_t *p, unsigned v)
{
	uint32_t c = 0;

	for (unsigned m = 1, i = 8; i--;) {
		unsigned b = v >> i & 1;
		c += lz_bit_cost(ps, p[m], b);
		m = m << 1 | b;
	}
	return c;
}

static uint32_t lz_len_cost(const struct lz_parse *ps, unsigned rep, size_t len)
{
	len -= LZ_MIN;
	return lz_byte_cost(ps, ps->m->len[rep][0], (unsigned)(len >> 8)) +
	       lz_byte_cost(ps, ps->m->len[rep][1 + (len >> 8 != 0)], len & 0xff);
}

static uint32_t lz_dist_cost(const struct lz_parse *ps, size_t dist)
{
	uint32_t c = 0;

	for (int k = 0; k < 3; k++)
		c += lz_byte_cost(ps, ps->m->dist[k][(dist >> (24 - 8 * k)) != 0],
				  (unsigned)(dist >> (16 - 8 * k)) & 0xff);
	return c;
}

static void lz_index_to(struct lz_parse *ps, size_t p)
{
	for (; ps->indexed < p; ps->indexed++)
		lz_insert(&ps->mt, ps->indexed);
}

/* Node t reached from node j by a token, when that is cheaper; nodes past
 * *reach are first set unreached. */
static void lz_relax(struct lz_parse *ps, size_t *reach, uint32_t j, size_t t, uint32_t cost,
		     uint32_t len, unsigned is_rep, size_t dist)
{
	struct lz_node *nd = ps->node;

	for (; *reach < t; (*reach)++)
		nd[*reach + 1].cost = LZ_INF;
	if (cost < nd[t].cost)
		nd[t] = (struct lz_node){ cost, len, j, len != 0, is_rep,
					  dist, len && !is_rep ? dist : nd[j].rep };
}

/* Every token from node j (text position i + j) weighed; 1 when a match of
 * LZ_NICE bytes starts there, which ends the span. */
static int lz_step(struct lz_parse *ps, size_t i, uint32_t j, size_t *reach)
{
	const struct lz_node *cur = &ps->node[j];
	const struct lz_model *m = ps->m;
	struct lz_cand c[LZ_CANDS];
	size_t p = i + j, lim = ps->n - p < LZ_MAX ? ps->n - p : LZ_MAX;
	uint8_t prev = p ? ps->in[p - 1] : 0;
	size_t rl = cur->rep && cur->rep <= p ?
		    lz_same(ps->in + p - cur->rep, ps->in + p, lim) : 0;
	int nc;

	lz_index_to(ps, p);
	nc = lz_matches(&ps->mt, p, LZ_MAX, c, LZ_CANDS);
	if (rl >= LZ_NICE || (nc && c[nc - 1].len >= LZ_NICE))
		return 1;
	lz_relax(ps, reach, j, j + 1, cur->cost + lz_bit_cost(ps, m->is_match[cur->was_match][prev], 0) +
		 lz_byte_cost(ps, m->lit[prev], ps->in[p]), 0, 0, 0);
	uint32_t base = cur->cost + lz_bit_cost(ps, m->is_match[cur->was_match][prev], 1);
	if (rl >= LZ_MIN) {
		uint32_t rb = base + lz_bit_cost(ps, m->is_rep[cur->was_match], 1);
		for (size_t l = LZ_MIN; l <= rl; l++)
			lz_relax(ps, reach, j, j + l, rb + ps->len_cost[1][l], (uint32_t)l, 1,
				 cur->rep);
	}
	base += lz_bit_cost(ps, m->is_rep[cur->was_match], 0);
	/* each length at the nearest distance that reaches it */
	for (size_t k = 0, l = LZ_MIN; k < (size_t)nc; k++) {
		uint32_t db = base + lz_dist_cost(ps, c[k].dist);
		for (; l <= c[k].len; l++)
			lz_relax(ps, reach, j, j + l, db + ps->len_cost[0][l], (uint32_t)l, 0,
				 c[k].dist);
	}
	return 0;
}

/* One token at in[i]: a literal (len 0) or a match. */
static void lz_put(struct rc_enc *e, struct lz_model *m, const uint8_t *in, size_t i,
		   unsigned *was_match, size_t *rep, size_t len, unsigned is_rep, size_t dist)
{
	uint8_t prev = i ? in[i - 1] : 0;

	rc_bit(e, &m->is_match[*was_match][prev], len != 0);
	if (!len) {
		rc_byte(e, m->lit[prev], in[i]);
		*was_match = 0;
		return;
	}
	rc_bit(e, &m->is_rep[*was_match], is_rep);
	if (!is_rep)
		for (int k = 0; k < 3; k++)
			rc_byte(e, m->dist[k][(dist >> (24 - 8 * k)) != 0],
				(unsigned)(dist >> (16 - 8 * k)) & 0xff);
	rc_byte(e, m->len[is_rep][0], (unsigned)(len - LZ_MIN) >> 8);
	rc_byte(e, m->len[is_rep][1 + ((len - LZ_MIN) >> 8 != 0)],
		(unsigned)(len - LZ_MIN) & 0xff);
	if (!is_rep)
		*rep = dist;
	*was_match = 1;
}

/* The cheapest path from in[i] through the span, which ends where a match
 * of LZ_NICE bytes starts; the bytes it covers (0: one starts at in[i]). */
static size_t lz_span(struct lz_parse *ps, size_t i, size_t rep, unsigned was_match)
{
	size_t stop = ps->n - i < LZ_SPAN ? ps->n - i : LZ_SPAN, reach = 0;

	ps->node[0] = (struct lz_node){ .rep = rep, .was_match = was_match };
	for (size_t l = LZ_MIN; l < LZ_NICE; l++) {
		ps->len_cost[0][l] = lz_len_cost(ps, 0, l);
		ps->len_cost[1][l] = lz_len_cost(ps, 1, l);
	}
	for (uint32_t j = 0; j < stop; j++)
		if (lz_step(ps, i, j, &reach))
			return j;
	return stop;	/* every node up to it was reached: a literal always is */
}

/* The long match at in[i]: at the last distance when that is at most 2
 * bytes shorter (it costs no distance). */
static size_t lz_put_long(struct lz_parse *ps, struct rc_enc *e, size_t i, size_t *rep,
			  unsigned *was_match)
{
	struct lz_cand c[LZ_CANDS];
	size_t lim = ps->n - i < LZ_MAX ? ps->n - i : LZ_MAX;
	size_t rl = *rep && *rep <= i ? lz_same(ps->in + i - *rep, ps->in + i, lim) : 0;
	int nc = lz_matches(&ps->mt, i, LZ_MAX, c, LZ_CANDS);
	size_t best = nc ? c[nc - 1].len : 0;
	unsigned use_rep = rl >= LZ_MIN && rl + 2 >= best;

	lz_put(e, ps->m, ps->in, i, was_match, rep, use_rep ? rl : best, use_rep,
	       use_rep ? *rep : c[nc - 1].dist);
	return use_rep ? rl : best;
}

long lz_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	struct lz_parse *ps = malloc(sizeof(*ps));
	struct rc_enc e = { .out = out, .cap = cap, .pending = 1, .range = 0xffffffffu };
	size_t i = 0, rep = 0;
	unsigned was_match = 0;
	long ret = -ENOMEM;

	if (!ps)
		return ret;
	*ps = (struct lz_parse){ .in = in, .n = n, .m = lz_model_new() };
	if (!ps->m || lz_match_init(&ps->mt, in, n, LZ_WINDOW, LZ_CHAIN, LZ_MAX)) {
		free(ps->m);
		free(ps);
		return ret;
	}
	lz_cost_init(ps->bit_cost);
	while (i < n) {
		size_t end = lz_span(ps, i, rep, was_match), np = 0;

		if (!end) {
			i += lz_put_long(ps, &e, i, &rep, &was_match);
			continue;
		}
		for (uint32_t j = (uint32_t)end; j; j = ps->node[j].from)
			ps->path[np++] = j;
		while (np--) {
			const struct lz_node *t = &ps->node[ps->path[np]];
			lz_put(&e, ps->m, in, i + t->from, &was_match, &rep, t->len, t->is_rep,
			       t->dist);
		}
		i += end;
	}
	for (int k = 0; k < 5; k++)
		rc_shift(&e);
	ret = e.o <= cap ? (long)e.o : -ENOSPC;
	lz_match_free(&ps->mt);
	free(ps->m);
	free(ps);
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

/* The decoder mirrors lz_put; it stops at the first impossible match. */
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
