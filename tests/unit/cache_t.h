/* Helpers of the Redis and Memcached parser tests (test_redis*.c,
 * test_memcached*.c): a conversation as steps, fed through a parser's
 * rawtel/proto.h interface as the client or as the server, whole, a byte
 * per syscall, or with captures smaller than the totals; the exchanges
 * reported, each as one line "op|text|status|ns|flags|rows" to compare
 * with a table. Include t.h first. */
#ifndef RAWTEL_CACHE_T_H
#define RAWTEL_CACHE_T_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/db.h"
#include "rawtel/proto.h"

/* One syscall: 'c' the client sent it, 's' the server; `len` bytes of
 * which `cap` are captured (0: all). */
struct step {
	char who;
	const char *data;
	size_t len;
	size_t cap;
};

#define XMAX 1200

struct xlog {
	int n;
	struct proto_stats st;
	char line[XMAX][400];
	struct db_exchange last;
	uint64_t req_bytes[XMAX], resp_bytes[XMAX];
};

static void xlog_on(void *arg, const struct db_exchange *x)
{
	struct xlog *l = arg;

	if (l->n < XMAX) {
		snprintf(l->line[l->n], sizeof(l->line[0]), "%s|%.300s|%s|%s|%x|%lld", x->op,
			 x->text, x->status, x->ns, x->flags, (long long)x->rows);
		l->req_bytes[l->n] = x->req_bytes;
		l->resp_bytes[l->n] = x->resp_bytes;
	}
	l->last = *x;
	l->n++;
}

/* How a conversation is cut into syscalls. */
enum { CUT_WHOLE, CUT_BYTES };

static enum proto_dir step_dir(const struct step *s, enum proto_role role)
{
	return (s->who == 'c') == (role == PROTO_CLIENT) ? PROTO_SEND : PROTO_RECV;
}

/* Feeds the steps into a fresh connection and closes it; returns the
 * number of feed() calls that did not return PROTO_MORE. */
static inline int conv_run(const struct proto_parser *pp, enum proto_role role,
		    const struct step *st, size_t n, int cut, struct xlog *l)
{
	static struct proto_opts o;
	void *conn = calloc(1, pp->conn_size);
	uint64_t ts = 100;
	int bad = 0;

	memset(l, 0, sizeof(*l));
	memset(&o, 0, sizeof(o));
	o.on_db = xlog_on;
	o.arg = l;
	o.stats = &l->st;
	pp->init(conn, 7, role, &o);
	for (size_t i = 0; i < n; i++) {
		const struct step *s = &st[i];
		size_t cap = s->cap ? s->cap : s->len;
		enum proto_dir d = step_dir(s, role);

		ts += 10;
		if (cut == CUT_BYTES && cap == s->len) {
			for (size_t k = 0; k < s->len; k++)
				bad += pp->feed(conn, d, ts, s->data + k, 1, 1) != PROTO_MORE;
		} else {
			bad += pp->feed(conn, d, ts, s->data, cap, s->len) != PROTO_MORE;
		}
	}
	pp->close(conn, ts + 10);
	free(conn);
	return bad;
}

/* The log holds exactly the lines of `want` (NULL-terminated); on a
 * difference, *why says where. */
static inline int xlog_is(const struct xlog *l, const char *const *want, char *why, size_t size)
{
	int i = 0;

	for (; want[i]; i++) {
		if (i >= l->n) {
			snprintf(why, size, "only %d exchanges, wanted \"%s\"", l->n, want[i]);
			return 0;
		}
		if (strcmp(l->line[i], want[i])) {
			snprintf(why, size, "exchange %d is \"%s\", wanted \"%s\"", i, l->line[i],
				 want[i]);
			return 0;
		}
	}
	if (l->n != i) {
		snprintf(why, size, "%d exchanges, wanted %d (extra: \"%s\")", l->n, i,
			 l->n < XMAX ? l->line[i] : "");
		return 0;
	}
	return 1;
}

/* The conversation gives `want` as the client and as the server, whole
 * and (cuts 2) a byte per syscall. */
#define CONV_CHECK(pp, st, n, want) CONV_CHECK_CUTS(pp, st, n, want, 2)
#define CONV_CHECK_CUTS(pp, st, n, want, cuts)                                    \
	do {                                                                      \
		static struct xlog l_;                                            \
		char why_[600];                                                   \
		for (int r_ = 0; r_ < 2; r_++)                                    \
			for (int c_ = 0; c_ < (cuts); c_++) {                          \
				T_EQ_INT(conv_run(pp, r_ ? PROTO_CLIENT : PROTO_SERVER, \
						  st, n, c_, &l_), 0);            \
				if (!xlog_is(&l_, want, why_, sizeof(why_)))      \
					T_FAILF("role %d cut %d: %s", r_, c_, why_); \
			}                                                         \
	} while (0)

/* The commands st[0] and the replies st[1] cut in two at k (the replies
 * at k modulo their length, at least 1). */
static inline void conv_split(const struct step *st, size_t k, struct step two[4])
{
	size_t j = k % st[1].len ? k % st[1].len : 1;

	two[0] = (struct step){ 'c', st[0].data, k, 0 };
	two[1] = (struct step){ 'c', st[0].data + k, st[0].len - k, 0 };
	two[2] = (struct step){ 's', st[1].data, j, 0 };
	two[3] = (struct step){ 's', st[1].data + j, st[1].len - j, 0 };
}

/* CONV_CHECK of the two steps st[] as they are, then with both streams
 * cut in two at every position. */
#define CONV_CHECK_SPLITS(pp, st, want)                                          \
	do {                                                                      \
		struct step two_[4];                                              \
		CONV_CHECK(pp, st, 2, want);                                      \
		for (size_t k_ = 1; k_ < (st)[0].len; k_++) {                     \
			conv_split(st, k_, two_);                                 \
			CONV_CHECK(pp, two_, 4, want);                            \
		}                                                                 \
	} while (0)

/* A recording replayed as CONV_CHECK does: both roles, whole and a byte
 * per syscall (rec_steps below) */
#define REC_CHECK(pp, rel, want)                                                  \
	do {                                                                      \
		static struct step rst_[100];                                     \
		int rn_ = rec_steps(rel, rst_, 100);                              \
		CONV_CHECK(pp, rst_, (size_t)rn_, want);                          \
	} while (0)

/* A recording (tests/fixtures/PROTO/NAME.rec: lines "c HEX" / "s HEX")
 * as steps; the buffers live until the next call. Returns the count, or
 * -1 when the file cannot be read. */
static inline int rec_load(const char *rel, struct step *st, size_t max)
{
	static char *bufs[4096];
	static size_t nbufs;
	char path[512], *line = NULL;
	const char *top = getenv("RAWTEL_TOP");
	size_t cap = 0, n = 0;
	FILE *f;

	for (size_t i = 0; i < nbufs; i++)
		free(bufs[i]);
	nbufs = 0;
	snprintf(path, sizeof(path), "%s/%s", top ? top : ".", rel);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (n < max && nbufs < 4096 && getline(&line, &cap, f) > 2) {
		size_t h = strcspn(line + 2, "\n") / 2;
		char *b = malloc(h + 1);

		for (size_t i = 0; i < h; i++) {
			unsigned v;

			sscanf(line + 2 + 2 * i, "%2x", &v);
			b[i] = (char)v;
		}
		bufs[nbufs++] = b;
		st[n++] = (struct step){ line[0], b, h, 0 };
	}
	free(line);
	fclose(f);
	return (int)n;
}

/* rec_load into st[max]: the count; unreadable, the case fails and ends
 * there (no replay of steps that are not). */
static inline int rec_steps(const char *rel, struct step *st, size_t max)
{
	int n = rec_load(rel, st, max);

	if (n <= 0) {
		T_FAILF("cannot read %s (run from the top of the tree)", rel);
		longjmp(t_jmp, 1);
	}
	return n;
}

/* First bytes and what detect() says of them, as a request (req: what a
 * server receives, what a client sends) or as a reply. */
struct detect_case {
	const char *s;
	int req, want;
};

static inline void detect_check(const struct proto_parser *pp, const struct detect_case *t,
				size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(t[i].s);
		const uint8_t *p = (const uint8_t *)t[i].s;

		T_EQ_INT(pp->detect(PROTO_SERVER, t[i].req ? PROTO_RECV : PROTO_SEND, p, len, len),
			 t[i].want);
		T_EQ_INT(pp->detect(PROTO_CLIENT, t[i].req ? PROTO_SEND : PROTO_RECV, p, len, len),
			 t[i].want);
	}
}

/* close() and tick() on a client connection: three commands written at
 * once, the first one's reply, then the two others overdue (max_wait 50):
 * reported without a reply, in order; a late reply does not report them
 * again; a command cut by the close is reported by it, cut. */
struct tick_case {
	const char *cmds, *reply, *late, *partial;	/* partial: cut short */
	const char *want1, *want2, *want3;		/* lines 1..3 */
};

static inline void tick_check(const struct proto_parser *pp, const struct tick_case *k)
{
	static struct xlog l;
	struct proto_opts o = { .on_db = xlog_on, .arg = &l, .stats = &l.st, .max_wait_ns = 50 };
	void *c = calloc(1, pp->conn_size);
	size_t n = strlen(k->cmds);

	memset(&l, 0, sizeof(l));
	pp->init(c, 1, PROTO_CLIENT, &o);
	T_EQ_INT(pp->feed(c, PROTO_SEND, 100, k->cmds, n, n), PROTO_MORE);
	n = strlen(k->reply);
	T_EQ_INT(pp->feed(c, PROTO_RECV, 110, k->reply, n, n), PROTO_MORE);
	pp->tick(c, 140);
	T_EQ_INT(l.n, 1);
	pp->tick(c, 160);
	T_EQ_INT(l.n, 3);
	T_EQ_STR(l.line[1], k->want1);
	T_EQ_STR(l.line[2], k->want2);
	n = strlen(k->late);
	T_EQ_INT(pp->feed(c, PROTO_RECV, 170, k->late, n, n), PROTO_MORE);
	T_EQ_INT(l.n, 3);
	n = strlen(k->partial);
	T_EQ_INT(pp->feed(c, PROTO_SEND, 180, k->partial, n, n), PROTO_MORE);
	pp->close(c, 190);
	T_EQ_INT(l.n, 4);
	T_EQ_STR(l.line[3], k->want3);
	T_EQ_INT(l.last.end_ns, 190);
	free(c);
}

#endif
