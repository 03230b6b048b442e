/* The DEFLATE encoder's parts (user/otlp/deflate*.c). */
#ifndef RAWTEL_DEFLATE_INT_H
#define RAWTEL_DEFLATE_INT_H

#include <stddef.h>
#include <stdint.h>

#define DF_NLL 286		/* literal/length codes in use (RFC 1951 3.2.5) */
#define DF_ND 30		/* distance codes */
#define DF_NCL 19		/* code length codes */

/* LSB-first bit output; `full` once anything did not fit. */
struct df_bits {
	uint8_t *out;
	size_t cap, o;
	uint64_t acc;
	unsigned nbits;
	int full;
};

void df_put(struct df_bits *w, uint32_t bits, unsigned n);
/* To the next byte boundary, with zero bits. */
void df_align(struct df_bits *w);

/* Code lengths, at most `limit` bits, for the n symbols' frequencies; a
 * used symbol always gets a code, and at least two symbols do (so the
 * code is complete, as inflaters want). */
void df_lengths(const uint32_t *freq, int n, int limit, uint8_t *len);
/* Canonical codes (RFC 1951 3.2.2) from lengths, bit-reversed for output. */
void df_codes(const uint8_t *len, int n, uint16_t *code);

/* One block's codes: literal/length (two more than in use, for the fixed
 * code's 286 and 287) and distance. */
struct df_tables {
	uint8_t ll[DF_NLL + 2], d[DF_ND];
	uint16_t llc[DF_NLL + 2], dc[DF_ND];
};

/* A dynamic block's header: the code lengths run-length coded (RFC 1951
 * 3.2.7) with their own code. */
struct df_dyn {
	struct df_tables t;
	int hlit, hdist, hclen, ntok;
	uint8_t tok[DF_NLL + DF_ND], tokx[DF_NLL + DF_ND];	/* symbol 0..18, its extra */
	uint8_t cl[DF_NCL];
	uint16_t clc[DF_NCL];
};

/* Codes for the frequencies (deflate_dyn.c); the header's size in bits. */
uint64_t df_dyn_build(struct df_dyn *d, const uint32_t *fll, const uint32_t *fd);
void df_dyn_head(struct df_bits *w, const struct df_dyn *d, int final);

/* Length 3..258 and distance 1..32768 to their codes and extra bits. */
int df_len_code(unsigned len, unsigned *extra_bits, unsigned *extra);
int df_dist_code(unsigned dist, unsigned *extra_bits, unsigned *extra);

#endif
