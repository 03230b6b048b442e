/* A dynamic Huffman block's header (RFC 1951 3.2.7): both codes' lengths
 * in one sequence, runs coded with 16 (repeat the last 3-6 times), 17
 * (3-10 zeros) and 18 (11-138 zeros), under a third code sent first. */
#include <string.h>

#include "deflate_int.h"

/* The order the code length code's lengths are sent in. */
static const uint8_t cl_order[DF_NCL] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
};
static const uint8_t cl_extra[DF_NCL] = { [16] = 2, [17] = 3, [18] = 7 };

static void df_tok(struct df_dyn *d, int sym, int extra)
{
	d->tok[d->ntok] = (uint8_t)sym;
	d->tokx[d->ntok++] = (uint8_t)extra;
}

static void df_runs(struct df_dyn *d, const uint8_t *lens, int n)
{
	d->ntok = 0;
	for (int i = 0; i < n;) {
		int v = lens[i], run = 1;

		while (i + run < n && lens[i + run] == v)
			run++;
		i += run;
		if (v == 0) {
			for (; run >= 11; run -= run > 138 ? 138 : run)
				df_tok(d, 18, (run > 138 ? 138 : run) - 11);
			if (run >= 3)
				df_tok(d, 17, run - 3), run = 0;
		} else {
			df_tok(d, v, 0), run--;
			for (; run >= 3; run -= run > 6 ? 6 : run)
				df_tok(d, 16, (run > 6 ? 6 : run) - 3);
		}
		for (; run > 0; run--)
			df_tok(d, v, 0);
	}
}

uint64_t df_dyn_build(struct df_dyn *d, const uint32_t *fll, const uint32_t *fd)
{
	uint8_t all[DF_NLL + DF_ND];
	uint32_t fcl[DF_NCL] = { 0 };
	uint64_t bits;

	df_lengths(fll, DF_NLL, 15, d->t.ll);
	df_lengths(fd, DF_ND, 15, d->t.d);
	df_codes(d->t.ll, DF_NLL, d->t.llc);
	df_codes(d->t.d, DF_ND, d->t.dc);
	for (d->hlit = DF_NLL; d->hlit > 257 && !d->t.ll[d->hlit - 1]; d->hlit--)
		;
	for (d->hdist = DF_ND; d->hdist > 1 && !d->t.d[d->hdist - 1]; d->hdist--)
		;
	memcpy(all, d->t.ll, (size_t)d->hlit);
	memcpy(all + d->hlit, d->t.d, (size_t)d->hdist);
	df_runs(d, all, d->hlit + d->hdist);
	for (int k = 0; k < d->ntok; k++)
		fcl[d->tok[k]]++;
	df_lengths(fcl, DF_NCL, 7, d->cl);
	df_codes(d->cl, DF_NCL, d->clc);
	for (d->hclen = DF_NCL; d->hclen > 4 && !d->cl[cl_order[d->hclen - 1]]; d->hclen--)
		;
	bits = 3 + 5 + 5 + 4 + 3 * (uint64_t)d->hclen;
	for (int k = 0; k < d->ntok; k++)
		bits += d->cl[d->tok[k]] + cl_extra[d->tok[k]];
	return bits;
}

void df_dyn_head(struct df_bits *w, const struct df_dyn *d, int final)
{
	df_put(w, final ? 5 : 4, 3);	/* BFINAL, then BTYPE 10 */
	df_put(w, (uint32_t)(d->hlit - 257), 5);
	df_put(w, (uint32_t)(d->hdist - 1), 5);
	df_put(w, (uint32_t)(d->hclen - 4), 4);
	for (int k = 0; k < d->hclen; k++)
		df_put(w, d->cl[cl_order[k]], 3);
	for (int k = 0; k < d->ntok; k++) {
		df_put(w, d->clc[d->tok[k]], d->cl[d->tok[k]]);
		df_put(w, d->tokx[k], cl_extra[d->tok[k]]);
	}
}
