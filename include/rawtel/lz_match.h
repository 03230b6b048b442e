/* The LZ77 matcher (hash chains over the positions within a window) that
 * the kern/ text packer (user/util/lz.c) and the DEFLATE encoder
 * (user/otlp/deflate.c) share. */
#ifndef RAWTEL_LZ_MATCH_H
#define RAWTEL_LZ_MATCH_H

#include <stddef.h>
#include <stdint.h>

#define LZ_MATCH_MIN 3	/* shorter repeats are no match */
struct lz_match {
	const uint8_t *in;
	size_t n;
	uint32_t window;	/* farthest distance */
	int chain;		/* candidates tried per position */
	size_t nice;		/* a match this long ends the search */
	int32_t *head, *prev;	/* newest position per hash; the one before per position */
	size_t ring;		/* prev's slots: a power of two over window or n */
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
/* Every match at position i longer than the nearer ones (up to cap, the
 * longest kept last): lengths increasing, distances too, as the chain
 * walks back; how many. For a parser that weighs each length. */
struct lz_cand {
	size_t len, dist;
};
int lz_matches(const struct lz_match *m, size_t i, size_t max, struct lz_cand *out, int cap);

#endif
