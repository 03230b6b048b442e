/* What the database parser targets (fuzz_pg.c, fuzz_mysql.c,
 * fuzz_cache.h) keep of a run over their input (fuzz_feed.h), the checks
 * every exchange passes, their entry's body, and die(). Define FUZZ_NAME (the target's
 * name in messages) before including. */
#ifndef RAWTEL_FUZZ_DB_H
#define RAWTEL_FUZZ_DB_H

#include <stdio.h>
#include <stdlib.h>

#include "rawtel/db.h"
#include "rawtel/proto.h"
#include "fuzz_feed.h"

#define MAXX 64

struct run {
	int n, n_clean;
	int lost;		/* framing lost or a syscall passed over, by the end */
	struct proto_stats st;
	struct db_exchange x[MAXX];
	int clean[MAXX];	/* reported before any such loss */
};

/* An invariant broke: say which, then stop (libFuzzer keeps the input). */
static void die(const char *why, const struct db_exchange *x)
{
	fprintf(stderr, "%s: %s", FUZZ_NAME, why);
	if (x)
		fprintf(stderr,
			" (op \"%s\" flags %#x status \"%s\" rows %lld batch %u times %llu %llu"
			" text \"%s\")",
			x->op, x->flags, x->status, (long long)x->rows, x->batch,
			(unsigned long long)x->start_ns, (unsigned long long)x->end_ns, x->text);
	fprintf(stderr, "\n");
	abort();
}

/* Why op, text, stmt, ns or status (the first bad one) is bad, or NULL. */
static inline const char *fuzz_db_strs(const struct db_exchange *x)
{
	const char *why;

	if ((why = fuzz_str_bad(x->op, sizeof(x->op))) ||
	    (why = fuzz_str_bad(x->text, sizeof(x->text))) ||
	    (why = fuzz_str_bad(x->stmt, sizeof(x->stmt))) ||
	    (why = fuzz_str_bad(x->ns, sizeof(x->ns))))
		return why;
	return fuzz_str_bad(x->status, sizeof(x->status));
}

/* The checks every target makes of an exchange: its strings (op, text,
 * stmt, ns, status), no flag at or above bit FLAG_BITS, times in order. */
static inline void fuzz_db_sane(const struct db_exchange *x, unsigned flag_bits)
{
	const char *why = fuzz_db_strs(x);

	if (why)
		die(why, x);
	if (x->flags >> flag_bits)
		die("unknown flag", x);
	if (x->start_ns > x->end_ns)
		die("timestamps out of order", x);
}

/* The exchange counted, and kept while there is room. */
static inline void fuzz_db_keep(struct run *r, const struct db_exchange *x, int clean)
{
	if (r->n < MAXX) {
		r->x[r->n] = *x;
		r->clean[r->n] = clean;
		r->n_clean += clean;
	}
	r->n++;
}

/* Up to the first loss in either, the whole and the byte-per-syscall runs
 * reported the same exchanges (`same` says which fields count). */
static inline void fuzz_db_compare(const struct run *whole, const struct run *split,
			    int (*same)(const struct db_exchange *, const struct db_exchange *))
{
	int k = whole->n_clean < split->n_clean ? whole->n_clean : split->n_clean;

	for (int i = 0; i < k && i < MAXX; i++) {
		if (!whole->clean[i] || !split->clean[i])
			break;
		if (!same(&whole->x[i], &split->x[i]))
			die("a byte per syscall gave another exchange", &split->x[i]);
	}
}

/* The target's run of the input: whole, then a byte per syscall (RUN, the
 * target's run()), the two compared with SAME. */
static inline void fuzz_db_both(const uint8_t *data, size_t size,
				void (*run)(const uint8_t *, size_t, int, struct run *),
				int (*same)(const struct db_exchange *, const struct db_exchange *))
{
	static struct run whole, split;

	run(data, size, 0, &whole);
	run(data, size, 1, &split);
	fuzz_db_compare(&whole, &split, same);
}

#endif
