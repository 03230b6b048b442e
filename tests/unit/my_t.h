/* Helpers of the MySQL parser's tests (test_mysql*.c): conversations as
 * steps (who sent which bytes, how many more went unseen), run through
 * proto_mysql as either role, whole or in pieces, with every exchange
 * printed as one line to compare. */
#ifndef RAWTEL_MY_T_H
#define RAWTEL_MY_T_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/db.h"
#include "rawtel/proto.h"

#define MY_T_MAXX 64
#define MY_T_STEPS 256

/* One syscall: 'C' the client sent it, 'S' the server; `gap` more bytes
 * went unseen after the n captured. */
struct mstep {
	char who;
	uint32_t n;
	uint64_t gap;
	uint8_t *p;
};

struct mconv {
	size_t n;
	struct mstep s[MY_T_STEPS];
};

struct mrec {
	int n;
	int state;		/* the last feed's result */
	struct proto_stats st;
	uint64_t start[MY_T_MAXX], end[MY_T_MAXX];
	uint32_t flags[MY_T_MAXX];
	int mariadb;		/* exchanges flagged DB_X_MARIADB (not in line) */
	char line[MY_T_MAXX][1400];
};

static inline void mconv_free(struct mconv *cv)
{
	for (size_t i = 0; i < cv->n; i++)
		free(cv->s[i].p);
	cv->n = 0;
}

/* Append a syscall of n bytes (and gap unseen ones). */
static inline void mstep_add(struct mconv *cv, char who, const void *p, size_t n, uint64_t gap)
{
	struct mstep *s;

	if (cv->n >= MY_T_STEPS)
		abort();
	s = &cv->s[cv->n++];
	s->who = who;
	s->n = (uint32_t)n;
	s->gap = gap;
	s->p = malloc(n ? n : 1);
	if (!s->p)
		abort();
	memcpy(s->p, p, n);
}

/* A packet: header then payload, appended at out; returns its size. */
static inline size_t mpkt(uint8_t *out, uint8_t seq, const void *payload, size_t n)
{
	out[0] = (uint8_t)n;
	out[1] = (uint8_t)(n >> 8);
	out[2] = (uint8_t)(n >> 16);
	out[3] = seq;
	memcpy(out + 4, payload, n);
	return n + 4;
}

static inline void mrec_cb(void *arg, const struct db_exchange *x)
{
	struct mrec *r = arg;

	if (r->n < MY_T_MAXX) {
		snprintf(r->line[r->n], sizeof(r->line[0]),
			 "%s|%s|stmt=%s|ns=%s|st=%s/%s|rows=%lld|b=%u|f=%#x|%llu/%llu",
			 x->op, x->text, x->stmt, x->ns, x->status, x->sqlstate,
			 (long long)x->rows, x->batch, x->flags & ~DB_X_MARIADB,
			 (unsigned long long)x->req_bytes, (unsigned long long)x->resp_bytes);
		r->flags[r->n] = x->flags & ~DB_X_MARIADB;
		r->mariadb += !!(x->flags & DB_X_MARIADB);
		r->start[r->n] = x->start_ns;
		r->end[r->n] = x->end_ns;
	}
	r->n++;
}

/* Feed the conversation as `role`; every captured run cut in pieces of
 * `piece` bytes (0: whole); step `split` (if < n) cut once at `at`.
 * Returns the connection (freed by the caller) when keep is set. */
static inline void *mrun(const struct mconv *cv, int role, size_t piece, size_t split,
			 size_t at, struct mrec *r, const struct proto_opts *base, int keep)
{
	const struct proto_parser *pp = &proto_mysql;
	/* static: a connection kept (keep) still points at it */
	static struct proto_opts o;
	void *c = aligned_alloc(64, (pp->conn_size + 63) / 64 * 64);
	uint64_t ts = 1000;

	if (!c)
		abort();
	o = base ? *base : (struct proto_opts){ 0 };
	memset(r, 0, sizeof(*r));
	o.on_db = mrec_cb;
	o.arg = r;
	o.stats = &r->st;
	memset(c, 0, pp->conn_size);
	pp->init(c, 7, (enum proto_role)role, &o);
	for (size_t i = 0; i < cv->n; i++) {
		const struct mstep *s = &cv->s[i];
		enum proto_dir dir = (s->who == 'C') == (role == PROTO_SERVER) ? PROTO_RECV
									   : PROTO_SEND;
		size_t off = 0;

		ts += 10;
		if (!s->n)
			r->state = pp->feed(c, dir, ts, NULL, 0, s->gap);
		while (off < s->n) {
			size_t k = s->n - off;
			uint64_t total;

			if (piece && piece < k)
				k = piece;
			else if (!piece && i == split && !off && at && at < s->n)
				k = at;
			total = k + (off + k == s->n ? s->gap : 0);
			r->state = pp->feed(c, dir, ts++, s->p + off, k, total);
			off += k;
		}
	}
	if (!keep) {
		pp->close(c, ts + 10);
		free(c);
		return NULL;
	}
	return c;
}

/* One whole step fed to c as `role` at ts. */
static inline int mfeed(void *c, int role, const struct mstep *s, uint64_t ts)
{
	enum proto_dir dir = (s->who == 'C') == (role == PROTO_SERVER) ? PROTO_RECV : PROTO_SEND;

	return proto_mysql.feed(c, dir, ts, s->n ? s->p : NULL, s->n, s->n + s->gap);
}

/* Read a recording (tests/fixtures/relay.py's lines) into cv. */
static inline int mconv_load(struct mconv *cv, const char *name)
{
	char path[512], *line = NULL;
	size_t cap = 0;
	const char *top = getenv("RAWTEL_TOP");
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/fixtures/mysql/%s", top ? top : ".", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	cv->n = 0;
	while (getline(&line, &cap, f) > 2) {
		size_t hex = strlen(line + 2), n = 0;
		uint8_t *b = malloc(hex / 2 + 1);

		if (!b)
			abort();
		for (size_t i = 2; i + 1 < 2 + hex && line[i] != '\n'; i += 2) {
			unsigned v;

			if (sscanf(line + i, "%2x", &v) != 1)
				break;
			b[n++] = (uint8_t)v;
		}
		mstep_add(cv, line[0], b, n, 0);
		free(b);
	}
	free(line);
	fclose(f);
	return 0;
}

#endif
