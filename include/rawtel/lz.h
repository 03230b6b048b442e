/* A small LZ77 coder for the kern/ text embedded in the binary: macro
 * expansions repeat long runs, which this shrinks several-fold. The
 * encoder runs at build time (scripts/kern-pack.c); rawtel's static build
 * links the decoder, and the matcher for gzip (the encoder is dropped by
 * --gc-sections).
 * Format: groups of a flag byte and up to 8 items; flag bit i (LSB first)
 * 0: one literal byte; 1: a match of 3 bytes: u16 distance (1..65535,
 * little-endian) then length - 3 (0..255). */
#ifndef RAWTEL_LZ_H
#define RAWTEL_LZ_H

#include <stddef.h>
#include <stdint.h>

/* The matcher (hash chains over the last 64 KiB of positions) that
 * lz_encode and the DEFLATE encoder (user/otlp/deflate.c) share. */
#define LZ_RING (1u << 16)
struct lz_match {
	const uint8_t *in;
	size_t n;
	uint32_t window;	/* farthest distance, < LZ_RING */
	int chain;		/* candidates tried per position */
	size_t nice;		/* a match this long ends the search */
	int32_t *head, *prev;	/* newest position per hash; the one before per position */
};

/* 0 or -ENOMEM; inputs up to 2 GiB. */
int lz_match_init(struct lz_match *m, const uint8_t *in, size_t n, uint32_t window, int chain,
		  size_t nice);
void lz_match_free(struct lz_match *m);
/* Index position i (every position passed, in order, for later matches
 * to start there); nothing within 3 bytes of the end. */
void lz_insert(struct lz_match *m, size_t i);
/* The longest match (up to max bytes) for position i among the indexed
 * ones, first found on ties; its length (0 when none) and *dist. */
size_t lz_longest(const struct lz_match *m, size_t i, size_t max, size_t *dist);

/* Encode n bytes; returns the size written to out (cap >= n + n/8 + 1
 * always suffices), or -ENOSPC. */
long lz_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap);
/* Decode into out (exactly `n` bytes expected); 0, or -EINVAL for input
 * that is malformed or does not produce exactly n bytes. */
int lz_decode(const uint8_t *in, size_t len, uint8_t *out, size_t n);

#endif
