/* The PostgreSQL parser at its edges: detection against other protocols'
 * bytes, gaps inside bodies and over headers, resync after garbage, a
 * connection joined mid-stream, framing lost on a pipelining connection,
 * limits (long text, full queues, the statement table), ticks, closes. */
#include <errno.h>

#include "pg_conv.h"

struct det {
	const char *name;
	int role;		/* PROTO_SERVER / PROTO_CLIENT */
	char who;		/* whose bytes: 'c' or 's' */
	const char *bytes;
	size_t n;
	int want;
};
#define D(nm, role, who, s, want) { nm, role, who, s, sizeof(s) - 1, want }

static void detect_table(void)
{
	static const struct det t[] = {
		D("ssl", PROTO_SERVER, 'c', "\0\0\0\x08\x04\xd2\x16/", PROTO_YES),
		D("ssl client", PROTO_CLIENT, 'c', "\0\0\0\x08\x04\xd2\x16/", PROTO_YES),
		D("startup", PROTO_SERVER, 'c', "\0\0\0\x13\0\3\0\0user\0u\0\0", PROTO_YES),
		D("query", PROTO_SERVER, 'c', "Q\0\0\0\x0dSELECT 1\0", PROTO_YES),
		D("query cut", PROTO_SERVER, 'c', "Q\0\0\0\x0dSELE", PROTO_MAYBE),
		D("sync", PROTO_CLIENT, 'c', "S\0\0\0\4", PROTO_YES),
		D("auth ok", PROTO_SERVER, 's', "R\0\0\0\x08\0\0\0\0", PROTO_YES),
		D("ssl no", PROTO_CLIENT, 's', "N", PROTO_MAYBE),
		D("ready", PROTO_CLIENT, 's', "Z\0\0\0\5I", PROTO_YES),
		D("http req", PROTO_SERVER, 'c', "GET / HTTP/1.1\r\nHost: x\r\n\r\n", PROTO_NO),
		D("http post", PROTO_SERVER, 'c', "POST /a HTTP/1.1\r\n\r\n", PROTO_NO),
		D("http resp", PROTO_CLIENT, 's', "HTTP/1.1 200 OK\r\n\r\n", PROTO_NO),
		D("tls hello", PROTO_SERVER, 'c', "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
		  PROTO_NO),
		D("tls server", PROTO_CLIENT, 's', "\x16\x03\x03\x00\x5a\x02", PROTO_NO),
		D("redis", PROTO_SERVER, 'c', "*1\r\n$4\r\nPING\r\n", PROTO_NO),
		D("redis ok", PROTO_CLIENT, 's', "+OK\r\n", PROTO_NO),
		D("redis err", PROTO_CLIENT, 's', "-ERR unknown\r\n", PROTO_NO),
		D("memcached get", PROTO_SERVER, 'c', "get k\r\n", PROTO_NO),
		D("memcached set", PROTO_SERVER, 'c', "set k 0 0 1\r\nx\r\n", PROTO_NO),
		D("memcached end", PROTO_CLIENT, 's', "END\r\n", PROTO_NO),
		D("memcached value", PROTO_CLIENT, 's', "VALUE k 0 1\r\nx\r\nEND\r\n", PROTO_NO),
		D("memcached stored", PROTO_CLIENT, 's', "STORED\r\n", PROTO_NO),
		D("mysql query", PROTO_SERVER, 'c', "\x09\0\0\0\x03SELECT 1", PROTO_NO),
		D("mysql query Q", PROTO_SERVER, 'c', "Q\0\0\0\x03SELECT 1", PROTO_NO),
		D("mysql greeting", PROTO_CLIENT, 's', "\x4a\0\0\0\x0a" "8.0.32\0\x08\0\0\0",
		  PROTO_NO),
		D("mysql greeting R", PROTO_CLIENT, 's', "R\0\0\0\x0a" "5.7.44\0\x08\0\0\0",
		  PROTO_NO),
		D("empty", PROTO_SERVER, 'c', "", PROTO_NO),
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		enum proto_dir dir = (t[i].who == 'c') == (t[i].role == PROTO_SERVER) ?
					     PROTO_RECV : PROTO_SEND;
		int got = proto_postgres.detect((enum proto_role)t[i].role, dir,
						(const uint8_t *)t[i].bytes, t[i].n, t[i].n);

		if (got != t[i].want)
			T_FAILF("%s: detect %d, want %d", t[i].name, got, t[i].want);
	}
	T_EQ_STR(proto_postgres.name, "postgres");
	T_EQ_INT(proto_postgres.ports[0], 5432);
}

static void feed_args(void)
{
	struct pt t;

	pt_init(&t, PROTO_SERVER);
	T_EQ_INT(pt_feed_cap(&t, 'c', "Q", 2, 1), -EINVAL);
	T_EQ_INT(pt_feed_cap(&t, 'c', NULL, 1, 1), -EINVAL);
	T_EQ_INT(pt_feed_cap(&t, 'c', NULL, 0, 9), PROTO_MORE);
	pt_free(&t);
}

/* Start a connection with a hello; returns the conversation's pt. */
static void hello(struct pt *t, int role)
{
	struct conv v = { 0 };

	pt_init(t, role ? PROTO_CLIENT : PROTO_SERVER);
	cv_hello(&v, "u", "db");
	cv_run(t, &v, 0, 0);
}

static void query(struct pt *t, const char *sql)
{
	struct pb b = { .n = 0 };

	pb_msg(&b, 'Q', STR(sql), NULL);
	pt_feed(t, 'c', b.b, b.n);
}

static void reply(struct pt *t, const char *tag)
{
	struct pb b = { .n = 0 };

	pb_cc(&b, tag);
	pb_rfq(&b);
	pt_feed(t, 's', b.b, b.n);
}

/* A simple query and its reply, tagged as the query reads. */
static void query_reply(struct pt *t, const char *sql)
{
	query(t, sql);
	reply(t, sql);
}

/* The clock moves ns on, the parser is told. */
static void idle(struct pt *t, uint64_t ns)
{
	proto_postgres.tick(t->c, t->ts + ns);
	t->ts += ns;
}

/* Exactly the exchanges of `want` (NULL-ended) were reported. */
static void exchanges_are(const struct pt *t, const char *const *want)
{
	int n = 0;

	while (want[n])
		n++;
	T_EQ_INT(t->n, n);
	for (int i = 0; i < n && i < t->n; i++)
		if (strcmp(t->x[i], want[i]))
			T_FAILF("exchange %d: \"%s\" != \"%s\"", i, t->x[i], want[i]);
}
#define EXCHANGES(t, ...) exchanges_are(t, (const char *const[]){ __VA_ARGS__, NULL })

/* A big row whose middle was not captured: skipped exactly. */
static void gap_in_body(void)
{
	for (int role = 0; role < 2; role++) {
		struct pt t;
		struct pb b = { .n = 0 };
		static char big[3000];

		hello(&t, role);
		query(&t, "SELECT big");
		memset(big, 'x', sizeof(big));
		pb_msg(&b, 'D', LIT("\0\1\0\0\x0b\xb8"), RAW(big, sizeof(big)), NULL);
		pb_msg(&b, 'D', LIT("\0\1\0\0\0\1y"), NULL);
		pb_cc(&b, "SELECT 2");
		pb_rfq(&b);
		/* the first 100 bytes, the rest of the big row unseen, then the rest */
		pt_feed_cap(&t, 's', b.b, 100, 3011);
		pt_feed(&t, 's', b.b + 3011, b.n - 3011);
		EXCHANGES(&t,
			  "SIZE? ns=db op= stmt= status= rows=2 batch=1 text=SELECT big");
		T_EQ_INT(t.st.sync_lost, 0);
		T_EQ_INT(t.st.gap_bytes, 2911);
		pt_free(&t);
	}
}

/* A long query: its text cut at DB_TEXT_MAX - 1; cut by a gap: flagged. */
static void long_text(void)
{
	static char sql[3000];
	struct pt t;
	struct pb b = { .n = 0 };

	memset(sql, 'a', sizeof(sql) - 1);
	hello(&t, 0);
	query(&t, sql);
	reply(&t, "SELECT 0");
	T_EQ_INT(t.n, 1);
	T_EQ_INT(strlen(t.last.text), DB_TEXT_MAX - 1);
	T_CHECK(t.last.flags & DB_X_TRUNC);
	pb_msg(&b, 'Q', STR("SELECT 12345678"), NULL);
	pt_feed_cap(&t, 'c', b.b, 10, b.n);
	reply(&t, "SELECT 1");
	T_EQ_INT(t.n, 2);
	T_EQ_STR(t.last.text, "SELEC");
	T_CHECK(t.last.flags & DB_X_TRUNC);
	T_EQ_INT(t.last.req_bytes, b.n);
	pt_free(&t);
}

/* The reply's headers fell in a gap, and the client asked again: what
 * was lost may have ended the first reply or not (a client may pipeline),
 * so neither is paired; pairing starts again once the connection was
 * idle after a ReadyForQuery. */
static void gap_over_header(void)
{
	for (int role = 0; role < 2; role++) {
		struct pt t;
		struct pb b = { .n = 0 };

		hello(&t, role);
		query(&t, "SELECT 1");
		pb_row(&b);
		pb_cc(&b, "SELECT 1");
		pb_rfq(&b);
		pt_feed_cap(&t, 's', b.b, 3, b.n);
		query(&t, "SELECT nope");
		b.n = 0;
		pb_err(&b, "42703");
		pt_feed_cap(&t, 's', b.b, 8, b.n);
		b.n = 0;
		pb_rfq(&b);
		pt_feed(&t, 's', b.b, b.n);
		query_reply(&t, "SELECT 3");
		idle(&t, 2000000000);
		query_reply(&t, "SELECT 4");
		EXCHANGES(&t,
			  "NORESP,SIZE? ns=db op= stmt= status= rows=-1 batch=1 text=SELECT 1",
			  "NORESP,SIZE? ns=db op= stmt= status= rows=-1 batch=1 text=SELECT nope",
			  "NORESP ns=db op= stmt= status= rows=-1 batch=1 text=SELECT 3",
			  "- ns=db op= stmt= status= rows=4 batch=1 text=SELECT 4");
		T_EQ_INT(t.st.sync_lost, 1);
		pt_free(&t);
	}
}

/* COPY data whose message headers fell in a gap: only data can be lost
 * there, so the COPY still pairs with its reply. */
static void copy_in_gap(void)
{
	for (int role = 0; role < 2; role++) {
		struct pt t;
		struct pb b = { .n = 0 };

		hello(&t, role);
		query(&t, "COPY t FROM STDIN");
		pb_msg(&b, 'G', LIT("\0\0\0"), NULL);
		pt_feed(&t, 's', b.b, b.n);
		b.n = 0;
		for (int i = 0; i < 20; i++)
			pb_msg(&b, 'd', LIT("1\tone\n"), NULL);
		pt_feed_cap(&t, 'c', b.b, 7, b.n);
		pt_feed(&t, 'c', b.b, b.n / 20);
		b.n = 0;
		pb_msg(&b, 'c', NULL);
		pt_feed(&t, 'c', b.b, b.n);
		reply(&t, "COPY 21");
		EXCHANGES(&t,
			  "- ns=db op= stmt= status= rows=21 batch=1 text=COPY t FROM STDIN");
		T_EQ_INT(t.st.sync_lost, 1);
		T_EQ_INT(t.st.resyncs, 1);
		pt_free(&t);
	}
}

/* A long result whose headers fell in a gap: the rest still belongs to
 * the one query waiting. */
static void gap_then_rest(void)
{
	struct pt t;
	struct pb b = { .n = 0 };

	hello(&t, 1);
	query(&t, "SELECT many");
	for (int i = 0; i < 50; i++)
		pb_row(&b);
	pt_feed_cap(&t, 's', b.b, 20, b.n);
	b.n = 0;
	pb_row(&b);
	pb_cc(&b, "SELECT 51");
	pb_rfq(&b);
	pt_feed(&t, 's', b.b, b.n);
	EXCHANGES(&t,
		  "SIZE? ns=db op= stmt= status= rows=51 batch=1 text=SELECT many");
	pt_free(&t);
}

/* Garbage from either side is passed over; messages after it are found.
 * Garbage where requests could be (the client's side) stops pairing until
 * the connection was idle: a request may have been lost in it. */
static void garbage(void)
{
	static const uint8_t junk[] = { 0xff, 0xfe, 'Z', 0x7f, 0, 0, 1, 2, 3, 'Q', 9, 9, 9 };

	for (int role = 0; role < 2; role++) {
		struct pt t;

		hello(&t, role);
		query(&t, "SELECT 1");
		pt_feed(&t, 's', "\xff\xff\xff\xff\xff\xff", 6);
		pt_feed(&t, 's', junk, sizeof(junk));
		reply(&t, "SELECT 1");
		pt_feed(&t, 'c', junk, sizeof(junk));
		query_reply(&t, "SELECT 2");
		idle(&t, 2000000000);
		query_reply(&t, "SELECT 3");
		EXCHANGES(&t,
			  "SIZE? ns=db op= stmt= status= rows=1 batch=1 text=SELECT 1",
			  "NORESP ns=db op= stmt= status= rows=-1 batch=1 text=SELECT 2",
			  "- ns=db op= stmt= status= rows=3 batch=1 text=SELECT 3");
		T_EQ_INT(t.st.sync_lost, 2);
		T_EQ_INT(t.st.skipped, 1);
		T_EQ_INT(t.st.resyncs, 3);
		pt_free(&t);
	}
}

/* Joined mid-stream: the end of an earlier reply, a reply whose request
 * was not seen. Requests sent before may still be waiting (a client may
 * pipeline), so nothing pairs until the connection was idle after a
 * ReadyForQuery; then an Execute of a statement prepared before. */
static void joined(void)
{
	for (int role = 0; role < 2; role++) {
		struct pt t;
		struct pb b = { .n = 0 };

		pt_init(&t, role ? PROTO_CLIENT : PROTO_SERVER);
		pt_feed(&t, 's', "\0\1x", 3);
		reply(&t, "UPDATE 4");
		query_reply(&t, "SELECT 1");
		T_EQ_INT(t.n, 1);
		proto_postgres.tick(t.c, t.ts + 500000000);
		query_reply(&t, "SELECT 2");
		idle(&t, 2000000000);
		pb_msg(&b, 'B', STR(""), STR("old"), LIT("\0\0\0\0\0\0"), NULL);
		pb_msg(&b, 'E', STR(""), LIT("\0\0\0\0"), NULL);
		pb_msg(&b, 'S', NULL);
		pt_feed(&t, 'c', b.b, b.n);
		b.n = 0;
		pb_msg(&b, '2', NULL);
		pb_cc(&b, "INSERT 0 1");
		pb_rfq(&b);
		pt_feed(&t, 's', b.b, b.n);
		EXCHANGES(&t,
			  "NORESP ns= op= stmt= status= rows=-1 batch=1 text=SELECT 1",
			  "NORESP ns= op= stmt= status= rows=-1 batch=1 text=SELECT 2",
			  "UNKNOWN ns= op= stmt=old status= rows=1 batch=1 text=");
		T_EQ_INT(t.st.sync_lost, 0);
		T_EQ_INT(t.st.resyncs, 1);
		T_EQ_INT(t.st.skipped, 1);
		pt_free(&t);
	}
}

/* More queries in flight than pending slots: the extra ones are counted,
 * the others still pair with their own replies. */
static void queue_full(void)
{
	struct pt t;
	struct pb b = { .n = 0 };
	char sql[32];

	hello(&t, 1);
	for (int i = 0; i < 10; i++) {
		snprintf(sql, sizeof(sql), "SELECT %d", i);
		pb_msg(&b, 'Q', STR(sql), NULL);
	}
	pt_feed(&t, 'c', b.b, b.n);
	b.n = 0;
	for (int i = 0; i < 10; i++) {
		snprintf(sql, sizeof(sql), "SELECT %d", i);
		pb_cc(&b, sql);
		pb_rfq(&b);
	}
	pt_feed(&t, 's', b.b, b.n);
	T_EQ_INT(t.st.queue_full, 2);
	T_EQ_INT(t.n, 8);
	for (int i = 0; i < 8 && i < t.n; i++) {
		char want[128];

		snprintf(want, sizeof(want),
			 "- ns=db op= stmt= status= rows=%d batch=1 text=SELECT %d", i, i);
		T_EQ_STR(t.x[i], want);
	}
	query_reply(&t, "SELECT 10");
	T_EQ_STR(t.x[8], "- ns=db op= stmt= status= rows=10 batch=1 text=SELECT 10");
	pt_free(&t);
}

/* More named statements than the table holds: the least recently used
 * is forgotten. */
static void stmt_eviction(void)
{
	struct pt t;
	struct pb b = { .n = 0 };
	char name[16], sql[32];

	hello(&t, 0);
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		snprintf(sql, sizeof(sql), "SELECT %d", i);
		pb_msg(&b, 'P', STR(name), STR(sql), LIT("\0\0"), NULL);
	}
	pb_msg(&b, 'S', NULL);
	for (int i = 0; i < 10; i += 9) {
		snprintf(name, sizeof(name), "s%d", i);
		pb_msg(&b, 'B', STR(""), STR(name), LIT("\0\0\0\0\0\0"), NULL);
		pb_msg(&b, 'E', STR(""), LIT("\0\0\0\0"), NULL);
	}
	pb_msg(&b, 'S', NULL);
	pt_feed(&t, 'c', b.b, b.n);
	b.n = 0;
	for (int i = 0; i < 10; i++)
		pb_msg(&b, '1', NULL);
	pb_rfq(&b);
	for (int i = 0; i < 2; i++) {
		pb_msg(&b, '2', NULL);
		pb_cc(&b, "SELECT 1");
	}
	pb_rfq(&b);
	pt_feed(&t, 's', b.b, b.n);
	EXCHANGES(&t,
		  "UNKNOWN ns=db op= stmt=s0 status= rows=1 batch=1 text=",
		  "PREPARED ns=db op= stmt=s9 status= rows=1 batch=1 text=SELECT 9");
	pt_free(&t);
}

/* Overdue: reported once without a response; its late reply still pairs
 * (and is not reported again); the close reports what still waits. */
static void tick_and_close(void)
{
	struct pt t;

	hello(&t, 0);
	t.o.max_wait_ns = 1000;
	query(&t, "SELECT pg_sleep(9)");
	proto_postgres.tick(t.c, t.ts + 500);
	T_EQ_INT(t.n, 0);
	proto_postgres.tick(t.c, t.ts + 2000);
	EXCHANGES(&t,
		  "NORESP ns=db op= stmt= status= rows=-1 batch=1 text=SELECT pg_sleep(9)");
	t.ts += 3000;
	reply(&t, "SELECT 1");
	T_EQ_INT(t.n, 1);
	query_reply(&t, "SELECT 2");
	query(&t, "SELECT 3");
	proto_postgres.close(t.c, t.ts + 1);
	T_EQ_INT(t.n, 3);
	T_EQ_STR(t.x[1], "- ns=db op= stmt= status= rows=2 batch=1 text=SELECT 2");
	T_EQ_STR(t.x[2], "NORESP ns=db op= stmt= status= rows=-1 batch=1 text=SELECT 3");
	T_EQ_INT(t.st.no_response, 2);
	T_EQ_INT(t.nreq, 3);
	pt_free(&t);
}

/* A pipelining client whose replies lost their framing: nobody can say
 * which reply is whose, so none is paired until the connection is idle
 * after a ReadyForQuery; then pairing starts again. */
static void pipelined_loss(void)
{
	for (int role = 0; role < 2; role++) {
		struct pt t;
		struct pb b = { .n = 0 };

		hello(&t, role);
		t.o.max_wait_ns = 120000;
		pb_msg(&b, 'Q', STR("SELECT 1"), NULL);
		pb_msg(&b, 'Q', STR("SELECT 2"), NULL);
		pb_msg(&b, 'Q', STR("SELECT 3"), NULL);
		pt_feed(&t, 'c', b.b, b.n);
		b.n = 0;
		pb_row(&b);
		pb_cc(&b, "SELECT 1");
		pb_rfq(&b);
		pt_feed_cap(&t, 's', b.b, 2, b.n);
		reply(&t, "SELECT 2");
		query(&t, "SELECT 4");
		reply(&t, "SELECT 3");
		reply(&t, "SELECT 4");
		T_EQ_INT(t.n, 4);
		for (int i = 0; i < 4 && i < t.n; i++)
			T_CHECK(strstr(t.x[i], "NORESP") == t.x[i], "no pairing while unsure");
		proto_postgres.tick(t.c, t.ts + 2000);
		query_reply(&t, "SELECT 5");
		T_EQ_INT(t.n, 5);
		T_EQ_STR(t.x[4], "- ns=db op= stmt= status= rows=5 batch=1 text=SELECT 5");
		pt_free(&t);
	}
}

/* A reply that answers something other than what waits: out of step. */
static void out_of_step(void)
{
	struct pt t;
	struct pb b = { .n = 0 };

	hello(&t, 0);
	query(&t, "SELECT 1");
	pb_msg(&b, '1', NULL);
	pb_cc(&b, "SELECT 1");
	pb_rfq(&b);
	pt_feed(&t, 's', b.b, b.n);
	EXCHANGES(&t,
		  "NORESP,SIZE? ns=db op= stmt= status= rows=-1 batch=1 text=SELECT 1");
	T_EQ_INT(t.st.sync_lost, 1);
	pt_free(&t);
}

int main(void)
{
	T_RUN(detect_table);
	T_RUN(feed_args);
	T_RUN(gap_in_body);
	T_RUN(long_text);
	T_RUN(gap_over_header);
	T_RUN(copy_in_gap);
	T_RUN(gap_then_rest);
	T_RUN(garbage);
	T_RUN(joined);
	T_RUN(queue_full);
	T_RUN(stmt_eviction);
	T_RUN(tick_and_close);
	T_RUN(pipelined_loss);
	T_RUN(out_of_step);
	return t_done();
}
