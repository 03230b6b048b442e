/* rawtel run's database spans and metrics (user/agent/adb_span.c) from
 * synthetic exchanges as the parsers report them: names, kinds,
 * attributes, status, errors per system, the duration histograms, and no
 * literal of a statement anywhere unless raw text was asked for. */
#include <sys/socket.h>

#include "agent_case.h"
#include "rawtel/db.h"

#define S 1000000000ull
#define MS 1000000ull

static struct db_exchange mkx(enum proto_id p, const char *op, const char *text, const char *ns)
{
	struct db_exchange x;

	memset(&x, 0, sizeof(x));
	x.conn_id = 7;
	x.proto = p;
	x.start_ns = 2 * S;
	x.end_ns = 2 * S + 3 * MS;
	x.batch = 1;
	x.rows = -1;
	snprintf(x.op, sizeof(x.op), "%s", op);
	snprintf(x.text, sizeof(x.text), "%s", text);
	snprintf(x.ns, sizeof(x.ns), "%s", ns);
	return x;
}

static void v4(uint8_t a[16], int last)
{
	memset(a, 0, 16);
	a[10] = a[11] = 0xff;
	a[12] = 10;
	a[15] = (uint8_t)last;
}

/* pid 4242 at 10.0.0.1:51000, calling 10.0.0.9:port; sampled, child of
 * span 0x11.. in trace 0xaa.. */
static struct adb_conn client(uint16_t port)
{
	struct adb_conn c;

	memset(&c, 0, sizeof(c));
	c.pid = PID;
	memcpy(c.comm, "app", 4);
	c.role = PROTO_CLIENT;
	c.known = true;
	c.family = AF_INET;
	c.lport = 51000;
	c.rport = port;
	v4(c.laddr, 1);
	v4(c.raddr, 9);
	memset(c.ctx.trace_id, 0xaa, 16);
	memset(c.ctx.span_id, 0x22, 8);
	memset(c.ctx.parent_id, 0x11, 8);
	c.ctx.flags = CTX_SAMPLED | CTX_PARENT;
	return c;
}

/* The database server pid 4242 at 10.0.0.1:5432, a client at
 * 10.0.0.2:40000; a root span. */
static struct adb_conn server(void)
{
	struct adb_conn c = client(40000);

	c.role = PROTO_SERVER;
	c.lport = 5432;
	v4(c.raddr, 2);
	c.ctx.flags = CTX_SAMPLED;
	return c;
}

/* A test: the agent, and the connection its exchanges go on */
struct dbt {
	struct th t;
	struct adb_conn c;
};

static void begin(struct dbt *d, struct adb_conn c)
{
	th_opts(&d->t.o);
	th_start(&d->t, false);
	d->c = c;
}

/* x, as the parsers report it, on d's connection */
static void put(struct dbt *d, struct db_exchange x)
{
	adb_exchange(d->t.a, &d->c, &x);
}

/* Span i of d's, once there are exactly n: of the kind its connection's
 * role makes it and, unless name is NULL, this name. */
static const struct otlp_span *span(struct dbt *d, int n, int i, const char *name)
{
	int kind = d->c.role == PROTO_SERVER ? OTLP_KIND_SERVER : OTLP_KIND_CLIENT;

	return th_span_is(&d->t, n, i, kind, name);
}

/* The only point of a histogram (NULL when there is not exactly one). */
static const struct otlp_hist_point *point(struct th *t, const char *name)
{
	const struct otlp_metric *m;

	th_collect(t);
	m = th_metric(t, name);
	return m && m->type == OTLP_HISTOGRAM && m->n_points == 1 ? &m->hists[0] : NULL;
}

/* The client duration histogram's first point, once it holds n points. */
static const struct otlp_hist_point *client_points(struct th *t, uint32_t n)
{
	const struct otlp_metric *m;

	th_collect(t);
	m = th_metric(t, "db.client.operation.duration");
	T_ASSERT(m);
	T_EQ_INT(m->n_points, n);
	return &m->hists[0];
}

/* The exchange failed with `status`. */
static void failed(struct db_exchange *x, const char *status)
{
	x->flags = DB_X_ERROR;
	snprintf(x->status, sizeof(x->status), "%s", status);
}

#define PA(p, k) th_attr((p)->attrs, (p)->n_attrs, k)

/* A PostgreSQL statement that returned or affected one row, alone on
 * connection c: its span, named `name`. */
static const struct otlp_span *pg_one_row(struct dbt *d, struct adb_conn c, const char *text,
					  const char *ns, const char *name)
{
	struct db_exchange x = mkx(PROTO_POSTGRES, "", text, ns);

	begin(d, c);
	x.rows = 1;
	put(d, x);
	return span(d, 1, 0, name);
}

static void test_pg_select(void)
{
	struct dbt d;
	const struct otlp_span *s;
	const struct otlp_hist_point *p;

	s = pg_one_row(&d, client(5432),
		       "SELECT name FROM users WHERE id = 42 AND email = 'bob@example.com'", "shop",
		       "SELECT users");
	TH_ATTRS(s,
		 "db.system.name", "postgresql",
		 "db.namespace", "shop",
		 "db.operation.name", "SELECT",
		 "db.collection.name", "users",
		 "db.query.summary", "SELECT users",
		 "db.query.text", "SELECT name FROM users WHERE id = ? AND email = ?",
		 "db.response.returned_rows", "1",
		 "server.address", "10.0.0.9",
		 "server.port", "5432",
		 "network.peer.address", "10.0.0.9",
		 "network.peer.port", "5432");
	T_EQ_INT(s->n_attrs, 11);
	T_EQ_INT(s->status_code, OTLP_STATUS_UNSET);
	/* event clock + 1 s */
	T_EQ_INT(s->start_ns, 3 * S);
	T_EQ_INT(s->end_ns, 3 * S + 3 * MS);
	T_CHECK(!memcmp(s->trace_id, d.c.ctx.trace_id, 16) &&
		!memcmp(s->span_id, d.c.ctx.span_id, 8));
	T_CHECK(!memcmp(s->parent_span_id, d.c.ctx.parent_id, 8));
	T_EQ_INT(s->flags, OTLP_FLAG_SAMPLED | OTLP_FLAG_HAS_IS_REMOTE);
	p = point(&d.t, "db.client.operation.duration");
	T_ASSERT(p);
	T_CHECK(!th_metric(&d.t, "db.server.operation.duration"));
	T_EQ_INT(p->count, 1);
	T_CHECK(p->sum > 0.0029 && p->sum < 0.0031);
	T_EQ_INT(p->n_bounds, 9);
	T_CHECK(p->bounds[0] == 0.001 && p->bounds[3] == 0.05 && p->bounds[8] == 10);
	T_EQ_INT(p->bucket_counts[1], 1);	/* (0.001, 0.005] */
	T_EQ_INT(p->n_attrs, 7);
	TH_ATTRS(p,
		 "db.system.name", "postgresql",
		 "db.namespace", "shop",
		 "db.operation.name", "SELECT",
		 "db.collection.name", "users",
		 "db.query.summary", "SELECT users",
		 "server.address", "10.0.0.9",
		 "server.port", "5432");
	th_stop(&d.t);
}

static void test_pg_errors(void)
{
	struct dbt d;
	struct db_exchange x = mkx(PROTO_POSTGRES, "", "SELECT * FROM missing_table", "shop");
	const struct otlp_span *s;

	begin(&d, client(5432));
	failed(&x, "42P01");
	put(&d, x);
	/* a warning (class 01) is no failure; no data (02) is */
	x = mkx(PROTO_POSTGRES, "", "UPDATE t SET a = 1", "shop");
	memcpy(x.status, "01000", 6);
	put(&d, x);
	memcpy(x.status, "02000", 6);
	put(&d, x);
	s = span(&d, 3, 0, "SELECT missing_table");
	T_EQ_STR(SA(s, "db.response.status_code"), "42P01");
	T_EQ_STR(SA(s, "error.type"), "42P01");
	T_EQ_INT(s->status_code, OTLP_STATUS_ERROR);
	T_EQ_INT(s->status_msg.len, 0);
	TH_NO_ATTRS(s, "db.response.returned_rows");
	s = span(&d, 3, 1, NULL);
	T_EQ_STR(SA(s, "db.response.status_code"), "01000");
	TH_NO_ATTRS(s, "error.type");
	T_EQ_INT(s->status_code, OTLP_STATUS_UNSET);
	s = span(&d, 3, 2, NULL);
	T_EQ_STR(SA(s, "error.type"), "02000");
	T_EQ_INT(s->status_code, OTLP_STATUS_ERROR);
	/* the metric by error: three series */
	client_points(&d.t, 3);
	th_stop(&d.t);
}

static void test_mysql_error(void)
{
	struct dbt d;
	struct db_exchange x = mkx(PROTO_MYSQL, "", "SELECT * FROM `shop`.`nope` WHERE k = \"v\"",
				   "shop");
	const struct otlp_span *s;
	const struct otlp_hist_point *p;

	begin(&d, client(3306));
	failed(&x, "1146");
	put(&d, x);
	x.flags |= DB_X_MARIADB;
	put(&d, x);
	s = span(&d, 2, 0, "SELECT `shop`.`nope`");
	TH_ATTRS(s,
		 "db.system.name", "mysql",
		 "db.collection.name", "`shop`.`nope`",
		 "db.query.text", "SELECT * FROM `shop`.`nope` WHERE k = ?",
		 "db.response.status_code", "1146",
		 "error.type", "1146");
	T_EQ_INT(s->status_code, OTLP_STATUS_ERROR);
	T_EQ_STR(SA(span(&d, 2, 1, NULL), "db.system.name"), "mariadb");
	p = client_points(&d.t, 2);
	T_EQ_STR(PA(p, "error.type"), "1146");
	T_EQ_STR(PA(p, "db.response.status_code"), "1146");
	th_stop(&d.t);
}

static void test_redis(void)
{
	struct dbt d;
	struct db_exchange x = mkx(PROTO_REDIS, "LPUSH", "LPUSH mykey \"a secret value\"", "");
	const struct otlp_span *s;
	const struct otlp_hist_point *p;

	begin(&d, client(6379));
	failed(&x, "WRONGTYPE");
	put(&d, x);
	put(&d, mkx(PROTO_REDIS, "GET", "GET session:42", "2"));
	/* no collection, no namespace: the server is the target */
	s = span(&d, 2, 0, "LPUSH 10.0.0.9:6379");
	TH_ATTRS(s,
		 "db.system.name", "redis",
		 "db.operation.name", "LPUSH",
		 "db.query.text", "LPUSH ? ?",
		 "db.response.status_code", "WRONGTYPE",
		 "error.type", "WRONGTYPE");
	T_EQ_INT(s->status_code, OTLP_STATUS_ERROR);
	TH_NO_ATTRS(s, "db.query.summary", "db.collection.name", "db.namespace");
	s = span(&d, 2, 1, "GET 2");
	T_EQ_STR(SA(s, "db.namespace"), "2");
	T_EQ_STR(SA(s, "db.query.text"), "GET ?");
	TH_NO_ATTRS(s, "error.type");
	p = client_points(&d.t, 2);
	T_EQ_STR(PA(p, "db.operation.name"), "LPUSH");
	T_EQ_STR(PA(p, "error.type"), "WRONGTYPE");
	th_stop(&d.t);
}

static void test_memcached(void)
{
	struct dbt d;
	struct db_exchange x = mkx(PROTO_MEMCACHED, "set", "set k 0 60 5 noreply", "");
	const struct otlp_span *s;
	const struct otlp_hist_point *p;

	begin(&d, client(11211));
	put(&d, mkx(PROTO_MEMCACHED, "get", "get user:1 token:abcdef", ""));
	/* noreply: a span without a reply that is no failure; no point */
	x.flags = DB_X_NOREPLY | DB_X_NO_RESPONSE;
	put(&d, x);
	s = span(&d, 2, 0, "get 10.0.0.9:11211");
	TH_ATTRS(s,
		 "db.system.name", "memcached",
		 "db.operation.name", "get",
		 "db.query.text", "get ? ?");
	T_EQ_INT(s->status_code, OTLP_STATUS_UNSET);
	s = span(&d, 2, 1, NULL);
	T_EQ_STR(SA(s, "db.query.text"), "set ? ? ? ? noreply");
	TH_NO_ATTRS(s, "rawtel.db.partial", "error.type");
	p = point(&d.t, "db.client.operation.duration");
	T_ASSERT(p);
	T_EQ_INT(p->count, 1);
	T_EQ_STR(PA(p, "db.operation.name"), "get");
	th_stop(&d.t);
}

static void test_prepared(void)
{
	struct dbt d;
	struct db_exchange x = mkx(PROTO_POSTGRES, "", "SELECT * FROM accounts WHERE id = $1",
				   "bank");
	const struct otlp_span *s;

	begin(&d, client(5432));
	x.flags = DB_X_PREPARED;
	memcpy(x.stmt, "S_1", 4);
	x.rows = 0;
	put(&d, x);
	/* executed, but prepared before rawtel started */
	x = mkx(PROTO_POSTGRES, "", "", "bank");
	x.flags = DB_X_STMT_UNKNOWN;
	memcpy(x.stmt, "S_7", 4);
	put(&d, x);
	s = span(&d, 2, 0, "SELECT accounts");
	TH_ATTRS(s,
		 "db.query.text", "SELECT * FROM accounts WHERE id = $1",
		 "db.response.returned_rows", "0");
	TH_NO_ATTRS(s, "rawtel.db.statement", "rawtel.db.partial");
	s = span(&d, 2, 1, "EXECUTE bank");
	TH_ATTRS(s,
		 "db.operation.name", "EXECUTE",
		 "rawtel.db.statement", "S_7",
		 "rawtel.db.partial", "statement_unknown");
	TH_NO_ATTRS(s, "db.query.text", "db.query.summary");
	th_stop(&d.t);
}

static void test_server_span(void)
{
	struct dbt d;
	const struct otlp_span *s;
	const struct otlp_hist_point *p;

	s = pg_one_row(&d, server(), "INSERT INTO log (msg) VALUES ('hello')", "app", "INSERT log");
	TH_ATTRS(s,
		 "server.address", "10.0.0.1",
		 "server.port", "5432",
		 "network.peer.address", "10.0.0.2",
		 "network.peer.port", "40000",
		 "db.query.text", "INSERT INTO log (msg) VALUES (?)");
	/* affected, not returned, rows */
	TH_NO_ATTRS(s, "db.response.returned_rows");
	T_CHECK(!memcmp(s->parent_span_id, "\0\0\0\0\0\0\0\0", 8));
	p = point(&d.t, "db.server.operation.duration");
	T_ASSERT(p);
	T_CHECK(!th_metric(&d.t, "db.client.operation.duration"));
	TH_NO_ATTRS(p, "server.address", "network.peer.port");
	T_EQ_STR(PA(p, "db.operation.name"), "INSERT");
	th_stop(&d.t);
}

/* Partial exchanges, batches, sampling, pushes. */
static void test_partial(void)
{
	struct dbt d;
	struct db_exchange x = mkx(PROTO_POSTGRES, "", "", "shop");
	const struct otlp_span *s;

	begin(&d, client(5432));
	x.flags = DB_X_NO_REQUEST | DB_X_SIZE_UNKNOWN;
	put(&d, x);
	x = mkx(PROTO_POSTGRES, "", "SELECT 1; SELECT 2", "shop");
	x.flags = DB_X_NO_RESPONSE | DB_X_TRUNC;
	x.batch = 2;
	put(&d, x);
	x = mkx(PROTO_REDIS, "", "PING", "");
	x.flags = DB_X_PUSH;
	put(&d, x);
	/* nothing known but the namespace */
	s = span(&d, 2, 0, "shop");
	T_EQ_STR(SA(s, "rawtel.db.partial"), "request_not_seen,sizes");
	TH_NO_ATTRS(s, "db.operation.name", "error.type");
	s = span(&d, 2, 1, "BATCH");
	TH_ATTRS(s,
		 "db.query.summary", "BATCH",
		 "db.operation.batch.size", "2",
		 "db.operation.name", "BATCH",
		 "db.query.text", "SELECT ?; SELECT ?",
		 "rawtel.db.partial", "response_not_seen,text_cut");
	T_EQ_INT(s->status_code, OTLP_STATUS_UNSET);
	th_collect(&d.t);
	T_CHECK(!th_metric(&d.t, "db.client.operation.duration"));
	/* not sampled: the point, no span; a batch of one statement */
	d.c.ctx.flags = 0;
	x = mkx(PROTO_MYSQL, "", "INSERT INTO t VALUES (1)", "");
	x.batch = 3;
	put(&d, x);
	T_EQ_INT(th_spans(&d.t), 2);
	T_ASSERT(point(&d.t, "db.client.operation.duration"));
	T_EQ_STR(PA(point(&d.t, "db.client.operation.duration"), "db.query.summary"),
		 "BATCH INSERT t");
	T_EQ_STR(PA(point(&d.t, "db.client.operation.duration"), "db.operation.name"),
		 "BATCH INSERT");
	th_stop(&d.t);
}

/* Each text holds MARK in a literal or comment: it must be nowhere in the
 * output, unless raw text is asked for. */
#define MARK "s3cr3tZ"
static const struct {
	enum proto_id p;
	const char *op, *text;
} secret_texts[] = {
	{ PROTO_POSTGRES, "", "SELECT * FROM u WHERE pw = '" MARK "'" },
	{ PROTO_POSTGRES, "", "SELECT E'x\\'" MARK "' FROM u" },
	{ PROTO_POSTGRES, "", "SELECT $q$" MARK "$q$ FROM u" },
	{ PROTO_POSTGRES, "", "UPDATE u SET a = 1 /* " MARK " */ WHERE id IN (1, 2)" },
	{ PROTO_POSTGRES, "", "SELECT 1 -- " MARK },
	{ PROTO_POSTGRES, "", "INSERT INTO u VALUES ('" MARK },
	{ PROTO_MYSQL, "", "SELECT * FROM u WHERE a = \"" MARK "\" # " MARK },
	{ PROTO_MYSQL, "", "SELECT 'it\\'s " MARK "'" },
	{ PROTO_REDIS, "AUTH", "AUTH " MARK },
	{ PROTO_REDIS, "SET", "SET k \"" MARK " with blanks\"" },
	{ PROTO_MEMCACHED, "get", "get " MARK },
};

static bool kv_has_mark(const struct otlp_kv *kv, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (kv[i].v.type == OTLP_V_STRING && memmem(kv[i].v.u.s, kv[i].v.len, MARK, 7))
			return true;
	return false;
}

static int marks(struct th *t)
{
	int found = 0, n = th_spans(t);
	const struct otlp_metric *m;

	for (int i = 0; i < n; i++)
		found += memmem(t->spans[i]->name.p, t->spans[i]->name.len, MARK, 7) ||
			 kv_has_mark(t->spans[i]->attrs, t->spans[i]->n_attrs);
	th_collect(t);
	m = th_metric(t, "db.client.operation.duration");
	for (uint32_t i = 0; m && i < m->n_points; i++)
		found += kv_has_mark(m->hists[i].attrs, m->hists[i].n_attrs);
	return found;
}

static void test_no_literals(void)
{
	const size_t n = sizeof(secret_texts) / sizeof(secret_texts[0]);
	struct dbt d;

	for (int raw = 0; raw < 2; raw++) {
		begin(&d, client(5432));
		d.c.raw_text = raw;
		for (size_t i = 0; i < n; i++)
			put(&d, mkx(secret_texts[i].p, secret_texts[i].op, secret_texts[i].text, ""));
		T_EQ_INT(th_spans(&d.t), (int)n);
		/* raw: every text as sent, in db.query.text only */
		T_EQ_INT(marks(&d.t), raw ? (int)n : 0);
		th_stop(&d.t);
	}
}

/* Names when little is known; IPv6 peers; strings without their NUL. */
static void test_fallbacks(void)
{
	struct dbt d;
	struct db_exchange x = mkx(PROTO_REDIS, "", "", "");
	const struct otlp_span *s;

	begin(&d, client(6379));
	d.c.known = false;
	x.flags = DB_X_NO_REQUEST;
	put(&d, x);
	/* the command from the text when the parser gave none */
	d.c.known = true;
	d.c.family = AF_INET6;
	memset(d.c.raddr, 0, 16);
	d.c.raddr[0] = 0xfd;
	d.c.raddr[15] = 1;
	d.c.rport = 11211;
	put(&d, mkx(PROTO_MEMCACHED, "", "incr counter 5", ""));
	/* every string full to its last byte: ignored, never read past */
	x = mkx(PROTO_POSTGRES, "", "SELECT 1", "");
	memset(x.op, 'o', sizeof(x.op));
	memset(x.ns, 'n', sizeof(x.ns));
	memset(x.status, 'E', sizeof(x.status));
	memset(x.stmt, 's', sizeof(x.stmt));
	memset(x.text, 'a', sizeof(x.text));
	x.flags = DB_X_ERROR | DB_X_STMT_UNKNOWN;
	put(&d, x);
	s = span(&d, 3, 0, "redis");
	TH_NO_ATTRS(s, "server.address", "network.peer.address");
	T_EQ_STR(SA(s, "rawtel.db.partial"), "request_not_seen");
	s = span(&d, 3, 1, "incr fd00::1:11211");
	TH_ATTRS(s,
		 "db.operation.name", "incr",
		 "db.query.text", "incr ? ?",
		 "server.address", "fd00::1");
	s = span(&d, 3, 2, NULL);
	T_EQ_STR(SA(s, "error.type"), "_OTHER");
	TH_NO_ATTRS(s, "db.namespace", "db.response.status_code", "rawtel.db.statement");
	/* 1023 bytes of one name: a word too long for a summary */
	T_EQ_INT(strlen(SA(s, "db.query.text")), 1023);
	th_stop(&d.t);
}

/* Texts again and again, more of them than the SQL cache holds: each
 * span still has its own text's description (a hit is a full compare). */
static void test_repeats(void)
{
	struct dbt d;
	char want[64];
	int n = 0;

	begin(&d, client(5432));
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 100; i++) {
			char text[64];

			snprintf(text, sizeof(text), "SELECT a FROM t%d WHERE x = %d", i, i * 7);
			put(&d, mkx(i % 2 ? PROTO_MYSQL : PROTO_POSTGRES, "", text, ""));
		}
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 100; i++, n++) {
			const struct otlp_span *s;

			snprintf(want, sizeof(want), "SELECT t%d", i);
			s = span(&d, 300, n, want);
			snprintf(want, sizeof(want), "SELECT a FROM t%d WHERE x = ?", i);
			T_EQ_STR(SA(s, "db.query.text"), want);
			T_EQ_STR(SA(s, "db.system.name"), i % 2 ? "mysql" : "postgresql");
		}
	th_stop(&d.t);
}

/* Through the records (user/agent/adb_rec.c): a thread serving an HTTP
 * request (conn 1) queries PostgreSQL (conn 2): the DB CLIENT span is the
 * SERVER span's child; a query from another thread is not. */
static void pg_bytes(struct th *t, uint32_t tid, int dir, uint64_t ts, const void *b, size_t n)
{
	th_data_cap(t, PID, tid, 2, dir, ts - 1000, ts, b, n, -1);
}

static void pg_query(struct th *t, uint32_t tid, uint64_t ts)
{
	static const char q[] = "Q\0\0\0\x0dSELECT 1";		/* with its NUL */
	static const char r[] = "C\0\0\0\x0dSELECT 1\0Z\0\0\0\x05I";

	pg_bytes(t, tid, DATA_DIR_SEND, ts, q, sizeof(q));
	pg_bytes(t, tid, DATA_DIR_RECV, ts + 10, r, sizeof(r) - 1);
}

static void test_child_of_http(void)
{
	static const char startup[] = "\0\0\0\x20\0\x03\0\0user\0app\0database\0shop\0";
	static const char ready[] = "R\0\0\0\x08\0\0\0\0Z\0\0\0\x05I";
	const char *req = "GET /front HTTP/1.1\r\nHost: h\r\n\r\n";
	const char *resp = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	const struct otlp_span *db, *srv;
	struct th t;

	th_opts(&t.o);
	t.o.protos = 1u << PROTO_HTTP1 | 1u << PROTO_POSTGRES;
	th_start(&t, false);
	th_sock(&t, PID, 7, 1, SOCK_K_ACCEPT, 1 * S, 80, 40000, 2);
	th_sock(&t, PID, 7, 2, SOCK_K_CONNECT, 1 * S, 50000, 5432, 3);
	pg_bytes(&t, 7, DATA_DIR_SEND, 1 * S + 10, startup, sizeof(startup));
	pg_bytes(&t, 7, DATA_DIR_RECV, 1 * S + 20, ready, sizeof(ready) - 1);
	th_data(&t, PID, 7, 1, DATA_DIR_RECV, 2 * S, 2 * S + 1, req);
	pg_query(&t, 7, 2 * S + 100);
	th_data(&t, PID, 7, 1, DATA_DIR_SEND, 2 * S + 200, 2 * S + 201, resp);
	T_ASSERT(th_spans(&t) == 2);
	db = t.spans[0];
	srv = t.spans[1];
	T_EQ_INT(db->kind, OTLP_KIND_CLIENT);
	T_EQ_INT(srv->kind, OTLP_KIND_SERVER);
	T_EQ_STR(PA(db, "db.namespace"), "shop");
	T_EQ_STR(PA(db, "db.query.text"), "SELECT ?");
	T_CHECK(!memcmp(db->trace_id, srv->trace_id, 16));
	T_CHECK(!memcmp(db->parent_span_id, srv->span_id, 8));
	/* another thread's query meanwhile: a trace of its own */
	th_data(&t, PID, 7, 1, DATA_DIR_RECV, 3 * S, 3 * S + 1, req);
	pg_query(&t, 8, 3 * S + 100);
	th_data(&t, PID, 7, 1, DATA_DIR_SEND, 3 * S + 200, 3 * S + 201, resp);
	T_ASSERT(th_spans(&t) == 4);
	db = t.spans[2];
	T_EQ_INT(db->kind, OTLP_KIND_CLIENT);
	T_CHECK(memcmp(db->trace_id, t.spans[3]->trace_id, 16));
	T_CHECK(!memcmp(db->parent_span_id, "\0\0\0\0\0\0\0\0", 8));
	/* no request in progress: none either */
	pg_query(&t, 7, 4 * S);
	T_ASSERT(th_spans(&t) == 5);
	T_CHECK(!memcmp(t.spans[4]->parent_span_id, "\0\0\0\0\0\0\0\0", 8));
	th_stop(&t);
}

int main(void)
{
	T_RUN(test_pg_select);
	T_RUN(test_pg_errors);
	T_RUN(test_mysql_error);
	T_RUN(test_redis);
	T_RUN(test_memcached);
	T_RUN(test_prepared);
	T_RUN(test_server_span);
	T_RUN(test_partial);
	T_RUN(test_no_literals);
	T_RUN(test_fallbacks);
	T_RUN(test_repeats);
	T_RUN(test_child_of_http);
	return t_done();
}
