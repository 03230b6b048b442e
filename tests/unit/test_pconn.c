/* The protocol-generic connection layer: a connection's protocol from its
 * first bytes (either direction), HTTP/1 and PostgreSQL side by side,
 * TLS and unknown bytes given up once (told, counted, then ignored),
 * gaps passed through, the table's bound and idle connections. */
#include "pg_t.h"
#include "rawtel/http1.h"
#include "rawtel/pconn.h"

struct seen {
	int http, db, gave_up;
	uint64_t gave_id[8];
	enum pconn_outcome why[8];
	char last[PT_LINE];
	char path[64];
};

static void on_http(void *arg, const struct http1_exchange *x)
{
	struct seen *s = arg;

	s->http++;
	snprintf(s->path, sizeof(s->path), "%s", x->path);
}

static void on_db(void *arg, const struct db_exchange *x)
{
	struct seen *s = arg;

	s->db++;
	pt_fmt(x, s->last, sizeof(s->last));
}

static void on_give_up(void *arg, uint64_t id, enum pconn_outcome why)
{
	struct seen *s = arg;

	if (s->gave_up < 8) {
		s->gave_id[s->gave_up] = id;
		s->why[s->gave_up] = why;
	}
	s->gave_up++;
}

struct fix {
	struct seen s;
	struct http1_opts ho;
	struct http1_stats hst;
	struct pconn_opts o;
	struct pconn *t;
};

static void fix_new(struct fix *f, unsigned max)
{
	memset(f, 0, sizeof(*f));
	f->ho.on_exchange = on_http;
	f->ho.arg = &f->s;
	f->ho.stats = &f->hst;
	f->o.protos = 1u << PROTO_HTTP1 | 1u << PROTO_POSTGRES;
	f->o.db.on_db = on_db;
	f->o.db.arg = &f->s;
	f->o.http = &f->ho;
	f->o.on_give_up = on_give_up;
	f->o.arg = &f->s;
	f->o.max_conns = max;
	f->o.idle_ns = 1000;
	T_ASSERT(pconn_new(&f->t, &f->o) == 0);
}

static int feed(struct fix *f, uint64_t id, enum proto_role role, enum proto_dir dir, uint64_t ts,
		const void *p, size_t n)
{
	return pconn_feed(f->t, id, role, 0, dir, ts, p, n, n);
}

#define REQ "GET /x HTTP/1.1\r\nHost: a\r\n\r\n"
#define RESP "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"

/* A PostgreSQL client's startup and one query, and the server's answers */
static void pg_talk(struct fix *f, uint64_t id, uint64_t ts)
{
	struct pb b = { .n = 0 };

	pb_startup(&b, 0x30000, "user", "u", "database", "shop", NULL);
	T_EQ_INT(feed(f, id, PROTO_CLIENT, PROTO_SEND, ts, b.b, b.n), PROTO_MORE);
	b.n = 0;
	pb_msg(&b, 'R', LIT("\0\0\0\0"), NULL);
	pb_rfq(&b);
	T_EQ_INT(feed(f, id, PROTO_CLIENT, PROTO_RECV, ts + 1, b.b, b.n), PROTO_MORE);
	b.n = 0;
	pb_msg(&b, 'Q', STR("SELECT 1"), NULL);
	T_EQ_INT(feed(f, id, PROTO_CLIENT, PROTO_SEND, ts + 2, b.b, b.n), PROTO_MORE);
	b.n = 0;
	pb_row(&b);
	pb_cc(&b, "SELECT 1");
	pb_rfq(&b);
	T_EQ_INT(feed(f, id, PROTO_CLIENT, PROTO_RECV, ts + 3, b.b, b.n), PROTO_MORE);
}

static void both_protocols(void)
{
	struct fix f;
	const struct pconn_stats *st;

	fix_new(&f, 0);
	T_EQ_INT(feed(&f, 1, PROTO_SERVER, PROTO_RECV, 10, REQ, strlen(REQ)), PROTO_MORE);
	pg_talk(&f, 2, 11);
	T_EQ_INT(feed(&f, 1, PROTO_SERVER, PROTO_SEND, 20, RESP, strlen(RESP)), PROTO_MORE);
	T_EQ_INT(f.s.http, 1);
	T_EQ_STR(f.s.path, "/x");
	T_EQ_INT(f.s.db, 1);
	T_EQ_STR(f.s.last, "- ns=shop op= stmt= status= rows=1 batch=1 text=SELECT 1");
	T_EQ_INT(pconn_proto(f.t, 1), PROTO_HTTP1);
	T_EQ_INT(pconn_proto(f.t, 2), PROTO_POSTGRES);
	st = pconn_stats(f.t);
	T_CHECK(st->conns[PROTO_HTTP1] == 1 && st->conns[PROTO_POSTGRES] == 1);
	T_CHECK(st->proto[PROTO_POSTGRES].exchanges == 1);
	T_EQ_INT(f.s.gave_up, 0);
	pconn_free(f.t, 30);
}

/* The response first (tracing began mid-call): a client's status line */
static void response_first(void)
{
	struct fix f;

	fix_new(&f, 0);
	T_EQ_INT(feed(&f, 5, PROTO_CLIENT, PROTO_RECV, 1, RESP, strlen(RESP)), PROTO_MORE);
	T_EQ_INT(pconn_proto(f.t, 5), PROTO_HTTP1);
	T_EQ_INT(f.s.http, 1);		/* reported as "request not seen" */
	pconn_free(f.t, 2);
}

/* A lone 'N' (the answer to SSLRequest) can only be PostgreSQL's */
static void sole_maybe(void)
{
	struct fix f;

	fix_new(&f, 0);
	T_EQ_INT(feed(&f, 6, PROTO_CLIENT, PROTO_RECV, 1, "N", 1), PROTO_MORE);
	T_EQ_INT(pconn_proto(f.t, 6), PROTO_POSTGRES);
	pconn_free(f.t, 2);
}

static void tls_given_up(void)
{
	struct fix f;
	static const uint8_t hello[] = { 0x16, 0x03, 0x01, 0x00, 0x10, 1, 2, 3 };

	fix_new(&f, 0);
	T_EQ_INT(feed(&f, 7, PROTO_CLIENT, PROTO_SEND, 1, hello, sizeof(hello)), PROTO_DONE);
	T_ASSERT(f.s.gave_up == 1);
	T_CHECK(f.s.gave_id[0] == 7 && f.s.why[0] == PCONN_TLS);
	/* later bytes, even HTTP-looking ones, are ignored */
	T_EQ_INT(feed(&f, 7, PROTO_CLIENT, PROTO_SEND, 2, REQ, strlen(REQ)), PROTO_DONE);
	T_EQ_INT(f.s.gave_up, 1);
	T_EQ_INT(f.s.http, 0);
	T_CHECK(pconn_stats(f.t)->outcome[PCONN_TLS] == 1 && pconn_stats(f.t)->ignored == 1);
	T_EQ_INT(pconn_proto(f.t, 7), PROTO_NONE);
	/* closed, the id is new again */
	pconn_close(f.t, 7, 3);
	T_EQ_INT(feed(&f, 7, PROTO_SERVER, PROTO_RECV, 4, REQ, strlen(REQ)), PROTO_MORE);
	pconn_free(f.t, 5);
}

/* Bytes no parser knows: a few syscalls, then given up; gaps meanwhile
 * do not count */
static void unknown_given_up(void)
{
	struct fix f;
	static const uint8_t bin[] = { 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1 };

	fix_new(&f, 0);
	for (int i = 0; i < PCONN_DETECT_RECORDS - 1; i++) {
		T_EQ_INT(feed(&f, 8, PROTO_SERVER, i & 1, 1, bin, sizeof(bin)), PROTO_MORE);
		T_EQ_INT(pconn_feed(f.t, 8, PROTO_SERVER, 0, PROTO_RECV, 1, NULL, 0, 100), PROTO_MORE);
	}
	T_EQ_INT(f.s.gave_up, 0);
	T_EQ_INT(feed(&f, 8, PROTO_SERVER, PROTO_RECV, 2, bin, sizeof(bin)), PROTO_DONE);
	T_CHECK(f.s.gave_up == 1 && f.s.why[0] == PCONN_UNKNOWN);
	T_CHECK(pconn_stats(f.t)->outcome[PCONN_UNKNOWN] == 1);
	pconn_free(f.t, 3);
}

/* A decided connection gets the gaps: HTTP/1 skips a body it knows */
static void gaps_pass(void)
{
	struct fix f;
	const char *req = "POST /p HTTP/1.1\r\nContent-Length: 100\r\n\r\n";

	fix_new(&f, 0);
	T_EQ_INT(feed(&f, 9, PROTO_SERVER, PROTO_RECV, 1, req, strlen(req)), PROTO_MORE);
	T_EQ_INT(pconn_feed(f.t, 9, PROTO_SERVER, 0, PROTO_RECV, 2, NULL, 0, 100), PROTO_MORE);
	T_EQ_INT(feed(&f, 9, PROTO_SERVER, PROTO_SEND, 3, RESP, strlen(RESP)), PROTO_MORE);
	T_EQ_INT(f.s.http, 1);
	T_CHECK(f.hst.gap_bytes == 100 && f.hst.sync_lost == 0);
	pconn_free(f.t, 4);
}

/* Full: the least recently fed goes, what it waited for reported */
static void bounded(void)
{
	struct fix f;

	fix_new(&f, 2);
	T_EQ_INT(feed(&f, 1, PROTO_SERVER, PROTO_RECV, 1, REQ, strlen(REQ)), PROTO_MORE);
	T_EQ_INT(feed(&f, 2, PROTO_SERVER, PROTO_RECV, 2, REQ, strlen(REQ)), PROTO_MORE);
	T_EQ_INT(feed(&f, 1, PROTO_SERVER, PROTO_RECV, 3, REQ, strlen(REQ)), PROTO_MORE);
	T_EQ_INT(feed(&f, 3, PROTO_SERVER, PROTO_RECV, 4, REQ, strlen(REQ)), PROTO_MORE);
	T_CHECK(pconn_stats(f.t)->evicted == 1);
	T_EQ_INT(f.s.http, 1);		/* connection 2's request, no response */
	T_EQ_INT(pconn_proto(f.t, 2), PROTO_NONE);
	T_EQ_INT(pconn_proto(f.t, 1), PROTO_HTTP1);
	/* idle past idle_ns: closed at the tick, the others stay */
	T_EQ_INT(feed(&f, 3, PROTO_SERVER, PROTO_RECV, 2000, REQ, strlen(REQ)), PROTO_MORE);
	pconn_tick(f.t, 2500);
	T_EQ_INT(pconn_proto(f.t, 1), PROTO_NONE);
	T_EQ_INT(pconn_proto(f.t, 3), PROTO_HTTP1);
	T_EQ_INT(f.s.http, 3);		/* connection 1's two requests */
	pconn_free(f.t, 3000);
}

/* A protocol not enabled is never chosen */
static void only_enabled(void)
{
	struct fix f;
	struct pb b = { .n = 0 };

	fix_new(&f, 0);
	pconn_free(f.t, 0);
	f.o.protos = 1u << PROTO_HTTP1;
	T_ASSERT(pconn_new(&f.t, &f.o) == 0);
	pb_startup(&b, 0x30000, "user", "u", NULL);
	for (int i = 0; i < PCONN_DETECT_RECORDS; i++)
		feed(&f, 4, PROTO_CLIENT, PROTO_SEND, 1, b.b, b.n);
	T_CHECK(f.s.gave_up == 1 && f.s.why[0] == PCONN_UNKNOWN);
	T_CHECK(pconn_stats(f.t)->conns[PROTO_POSTGRES] == 0);
	pconn_free(f.t, 2);
}

int main(void)
{
	T_RUN(both_protocols);
	T_RUN(response_first);
	T_RUN(sole_maybe);
	T_RUN(tls_given_up);
	T_RUN(unknown_given_up);
	T_RUN(gaps_pass);
	T_RUN(bounded);
	T_RUN(only_enabled);
	return t_done();
}
