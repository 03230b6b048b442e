/* The input format of the connection fuzz targets (fuzz_http1.c,
 * fuzz_pg.c, fuzz_mysql.c, fuzz_cache.h): a connection's syscalls.
 *   byte 0: options (the target's; bit 0 the client role)
 *   then records: ctrl, gap, data. ctrl bit 7 is the direction, the low
 *   7 bits the captured length (0-119), or 120: a tick, 121: the close;
 *   gap picks how many unseen bytes follow (0, 1, 2, 3, 5, 8, 100, 4096,
 *   65536, then the target's largest).
 * Records are read with fuzz_next() and turned into syscalls, whole or a
 * captured byte each, with fuzz_split(); and a string an exchange holds
 * is checked with fuzz_str_bad(), an HTTP exchange's strings and status
 * with fuzz_http_bad(). */
#ifndef RAWTEL_FUZZ_FEED_H
#define RAWTEL_FUZZ_FEED_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum { FUZZ_DATA, FUZZ_TICK, FUZZ_CLOSE };

struct fuzz_in {
	const uint8_t *d;
	size_t n, i;		/* i: the next record (start at 1) */
	uint64_t ts;		/* +10 per record */
	uint64_t gap_max;	/* the largest gap */
};

struct fuzz_rec {
	uint8_t ctrl;
	uint8_t len;		/* captured bytes at p */
	const uint8_t *p;
	uint64_t gap;		/* unseen bytes after them */
	uint64_t ts;
};

/* The next record's kind (FUZZ_*), or -1 at the input's end. */
static inline int fuzz_next(struct fuzz_in *in, struct fuzz_rec *r)
{
	static const uint64_t gaps[] = {
		0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 5, 8, 100, 4096, 65536, 0,
	};
	const size_t ng = sizeof(gaps) / sizeof(gaps[0]);
	uint8_t g;

	if (in->i + 2 > in->n)
		return -1;
	r->ctrl = in->d[in->i];
	r->len = r->ctrl & 0x7f;
	g = in->d[in->i + 1];
	r->gap = g % ng == ng - 1 ? in->gap_max : gaps[g % ng];
	in->i += 2;
	in->ts += 10;
	r->ts = in->ts;
	if (r->len == 120)
		return FUZZ_TICK;
	if (r->len == 121)
		return FUZZ_CLOSE;
	if (r->len > 119)
		r->len = 119;
	if (r->len > in->n - in->i)
		r->len = (uint8_t)(in->n - in->i);
	r->p = in->d + in->i;
	in->i += r->len;
	return FUZZ_DATA;
}

typedef int (*fuzz_feed_fn)(void *arg, const struct fuzz_rec *r, const uint8_t *p, size_t cap,
			    uint64_t total);

/* A data record as one syscall, or (bytewise) one per captured byte, the
 * gap after the last; the first refusal (feed < 0) is returned. */
static inline int fuzz_split(const struct fuzz_rec *r, int bytewise, fuzz_feed_fn feed, void *arg)
{
	if (!bytewise || r->len <= 1)
		return feed(arg, r, r->p, r->len, r->len + r->gap);
	for (uint8_t k = 0; k < r->len; k++)
		if (feed(arg, r, r->p + k, 1, 1 + (k + 1 == r->len ? r->gap : 0)) < 0)
			return -1;
	return 0;
}

/* Why a string field of `size` bytes is bad (not terminated, not
 * printable ASCII), or NULL. */
static inline const char *fuzz_str_bad(const char *s, size_t size)
{
	const char *nul = memchr(s, 0, size);

	if (!nul)
		return "string not terminated";
	for (; s < nul; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return "string not printable ASCII";
	return NULL;
}

/* How many exchanges the whole run and the bytewise run must agree on:
 * those before the first that either saw after framing was lost (clean[i]
 * 0), at most max; a and b count each run's clean[]. */
static inline int fuzz_agreed(const int *clean_a, int a, const int *clean_b, int b, int max)
{
	int k = a < b ? a : b, i = 0;

	if (k > max)
		k = max;
	while (i < k && clean_a[i] && clean_b[i])
		i++;
	return i;
}

/* The first of the k exchanges the two runs agree on (arrays a and b of
 * `size`-byte exchanges) that same() finds different; -1 when none. */
static inline int fuzz_first_differ(const void *a, const void *b, size_t size, int k,
				    int (*same)(const void *a, const void *b))
{
	for (int i = 0; i < k; i++)
		if (!same((const char *)a + (size_t)i * size, (const char *)b + (size_t)i * size))
			return i;
	return -1;
}

/* The whole run w and the bytewise run s of one input (a target's struct
 * run: n, n_clean, lost, clean[], x[]) agree: the same exchanges up to the
 * first that either saw after framing was lost, and as many of them when
 * neither lost it; else die(why, the exchange or NULL). */
#define FUZZ_RUNS_AGREE(w, s, max, same, die)                                         \
	do {                                                                          \
		int bad_ = fuzz_first_differ((w).x, (s).x, sizeof((w).x[0]),           \
					     fuzz_agreed((w).clean, (w).n_clean,        \
							 (s).clean, (s).n_clean, max), \
					     same);                                     \
		if (bad_ >= 0)                                                        \
			die("a byte per syscall gave another exchange", &(s).x[bad_]); \
		if (!(w).lost && !(s).lost && (w).n != (s).n)                         \
			die("a byte per syscall gave another number of exchanges", NULL); \
	} while (0)

/* A string field of an exchange: where it is and how large. */
struct fuzz_str {
	size_t off, size;
};
#define FUZZ_STR(type, field) { offsetof(type, field), sizeof(((type *)0)->field) }

/* Why an HTTP exchange x is bad: one of its n string fields s (not
 * terminated, not printable ASCII), or its status (0 or 100-999); NULL
 * when neither. */
static inline const char *fuzz_http_bad(const void *x, const struct fuzz_str *s, size_t n,
					unsigned status)
{
	for (size_t i = 0; i < n; i++) {
		const char *why = fuzz_str_bad((const char *)x + s[i].off, s[i].size);

		if (why)
			return why;
	}
	if (status && (status < 100 || status > 999))
		return "status out of range";
	return NULL;
}

#endif
