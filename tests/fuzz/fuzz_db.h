/* What the database parser targets (fuzz_pg.c, fuzz_mysql.c,
 * fuzz_cache.h) keep of a run over their input (fuzz_feed.h), and the
 * string check every exchange passes. */
#ifndef RAWTEL_FUZZ_DB_H
#define RAWTEL_FUZZ_DB_H

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

/* Why op, text, stmt, ns or status (the first bad one) is bad, or NULL. */
static const char *fuzz_db_strs(const struct db_exchange *x)
{
	const char *why;

	if ((why = fuzz_str_bad(x->op, sizeof(x->op))) ||
	    (why = fuzz_str_bad(x->text, sizeof(x->text))) ||
	    (why = fuzz_str_bad(x->stmt, sizeof(x->stmt))) ||
	    (why = fuzz_str_bad(x->ns, sizeof(x->ns))))
		return why;
	return fuzz_str_bad(x->status, sizeof(x->status));
}

/* The exchange counted, and kept while there is room. */
static void fuzz_db_keep(struct run *r, const struct db_exchange *x, int clean)
{
	if (r->n < MAXX) {
		r->x[r->n] = *x;
		r->clean[r->n] = clean;
		r->n_clean += clean;
	}
	r->n++;
}

#endif
