/* The DEFLATE encoder (rawtel/gzip.h): LZ77 with lazy matching on the
 * shared matcher, symbols buffered per block, each block written in the
 * smallest of the three forms. Settings near gzip -6: a chain of 128, no
 * lazy search after a match of 32 or more, and a 3-byte match farther
 * than 4 KiB not taken (its codes cost more than three literals). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "deflate_int.h"
#include "rawtel/gzip.h"
#include "rawtel/lz_match.h"

#define DF_WINDOW 32768
#define DF_MAX 258
#define DF_CHAIN 128
#define DF_LAZY 32
#define DF_FAR3 4096
#define DF_SYMS 16384		/* symbols per block */

struct df_state {
	struct lz_match m;
	struct df_bits w;
	uint16_t *lit, *dist;	/* literal byte or match length; 0 or distance */
	size_t nsym;
	size_t blk_start, covered;	/* the block's input bytes: [start, covered) */
};

static void df_freqs(const struct df_state *s, uint32_t *fll, uint32_t *fd)
{
	unsigned eb, ev;

	memset(fll, 0, DF_NLL * sizeof(*fll));
	memset(fd, 0, DF_ND * sizeof(*fd));
	for (size_t k = 0; k < s->nsym; k++) {
		if (!s->dist[k]) {
			fll[s->lit[k]]++;
			continue;
		}
		fll[df_len_code(s->lit[k], &eb, &ev)]++;
		fd[df_dist_code(s->dist[k], &eb, &ev)]++;
	}
	fll[256] = 1;
}

/* The symbols' size in bits with these lengths (end of block included). */
static uint64_t df_cost(const struct df_state *s, const struct df_tables *t)
{
	uint64_t bits = t->ll[256];
	unsigned eb, ev;

	for (size_t k = 0; k < s->nsym; k++) {
		if (!s->dist[k]) {
			bits += t->ll[s->lit[k]];
			continue;
		}
		bits += t->ll[df_len_code(s->lit[k], &eb, &ev)] + eb;
		bits += t->d[df_dist_code(s->dist[k], &eb, &ev)] + eb;
	}
	return bits;
}

static void df_symbols(struct df_state *s, const struct df_tables *t)
{
	unsigned eb, ev;

	for (size_t k = 0; k < s->nsym; k++) {
		int c;

		if (!s->dist[k]) {
			df_put(&s->w, t->llc[s->lit[k]], t->ll[s->lit[k]]);
			continue;
		}
		c = df_len_code(s->lit[k], &eb, &ev);
		df_put(&s->w, t->llc[c], t->ll[c]);
		df_put(&s->w, ev, eb);
		c = df_dist_code(s->dist[k], &eb, &ev);
		df_put(&s->w, t->dc[c], t->d[c]);
		df_put(&s->w, ev, eb);
	}
	df_put(&s->w, t->llc[256], t->ll[256]);
}

static void df_fixed(struct df_tables *t)
{
	for (int c = 0; c < DF_NLL + 2; c++)
		t->ll[c] = c < 144 ? 8 : c < 256 ? 9 : c < 280 ? 7 : 8;
	memset(t->d, 5, sizeof(t->d));
	df_codes(t->ll, DF_NLL + 2, t->llc);
	df_codes(t->d, DF_ND, t->dc);
}

/* The block's bytes as they are, in pieces of at most 65535. */
static void df_stored(struct df_state *s, const uint8_t *in, int final)
{
	size_t at = s->blk_start, left = s->covered - s->blk_start;

	do {
		size_t k = left < 65535 ? left : 65535;

		df_put(&s->w, final && k == left ? 1 : 0, 3);
		df_align(&s->w);
		df_put(&s->w, (uint32_t)k, 16);
		df_put(&s->w, (uint32_t)k ^ 0xffffu, 16);
		if (s->w.o + k <= s->w.cap)
			memcpy(s->w.out + s->w.o, in + at, k);
		else
			s->w.full = 1;
		s->w.o += s->w.full ? 0 : k;
		at += k;
		left -= k;
	} while (left);
}

/* Write the buffered symbols as one block, in the smallest form. */
static void df_block(struct df_state *s, const uint8_t *in, int final)
{
	static struct df_tables fixed;
	uint32_t fll[DF_NLL], fd[DF_ND];
	struct df_dyn dyn;
	uint64_t dyn_bits, fix_bits, raw_bits;
	size_t raw = s->covered - s->blk_start;

	if (!fixed.ll[0])
		df_fixed(&fixed);
	df_freqs(s, fll, fd);
	dyn_bits = df_dyn_build(&dyn, fll, fd) + df_cost(s, &dyn.t);
	fix_bits = 3 + df_cost(s, &fixed);
	/* a header and alignment per 65535 bytes */
	raw_bits = ((uint64_t)raw + 5 * (raw / 65535 + 1)) * 8 + 7;
	if (raw_bits < fix_bits && raw_bits < dyn_bits) {
		df_stored(s, in, final);
	} else if (fix_bits <= dyn_bits) {
		df_put(&s->w, final ? 3 : 2, 3);	/* BFINAL, BTYPE 01 */
		df_symbols(s, &fixed);
	} else {
		df_dyn_head(&s->w, &dyn, final);
		df_symbols(s, &dyn.t);
	}
	s->nsym = 0;
	s->blk_start = s->covered;
}

static void df_emit(struct df_state *s, const uint8_t *in, unsigned lit, unsigned dist)
{
	if (s->nsym == DF_SYMS)
		df_block(s, in, 0);
	s->lit[s->nsym] = (uint16_t)lit;
	s->dist[s->nsym++] = (uint16_t)dist;
	s->covered += dist ? lit : 1;
}

/* The lazy parse: a match found at i is taken only when the one at i + 1
 * is not longer; else i goes out as a literal and i + 1's match is held. */
static void df_parse(struct df_state *s, const uint8_t *in, size_t n)
{
	size_t prev_len = 0, prev_dist = 0;
	int held = 0;

	for (size_t i = 0; i < n;) {
		size_t len = 0, dist = 0;

		if (!(held && prev_len >= DF_LAZY))
			len = lz_longest(&s->m, i, DF_MAX, &dist);
		if (len == 3 && dist > DF_FAR3)
			len = 0;
		lz_insert(&s->m, i);
		if (held && prev_len >= 3 && len <= prev_len) {
			df_emit(s, in, (unsigned)prev_len, (unsigned)prev_dist);
			for (size_t e = i - 1 + prev_len; ++i < e;)
				lz_insert(&s->m, i);
			held = 0;
			continue;
		}
		if (held)
			df_emit(s, in, in[i - 1], 0);
		prev_len = len, prev_dist = dist, held = 1;
		i++;
	}
	if (held)
		df_emit(s, in, in[n - 1], 0);
}

long deflate_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	struct df_state s = { .w = { .out = out, .cap = cap } };
	long r = -ENOMEM;

	s.lit = malloc(DF_SYMS * sizeof(*s.lit));
	s.dist = malloc(DF_SYMS * sizeof(*s.dist));
	if (s.lit && s.dist && !lz_match_init(&s.m, in, n, DF_WINDOW, DF_CHAIN, DF_MAX)) {
		df_parse(&s, in, n);
		df_block(&s, in, 1);
		df_align(&s.w);
		r = s.w.full ? -ENOSPC : (long)s.w.o;
		lz_match_free(&s.m);
	}
	free(s.lit);
	free(s.dist);
	return r;
}
