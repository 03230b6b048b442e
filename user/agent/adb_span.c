/* A database or cache exchange as a span and a duration point (rules:
 * adb.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "adb.h"
#include "agent_int.h"
#include "rawtel/fmt.h"
#include "http.h"
#include "rawtel/sql.h"
#include "rawtel/tls.h"

#define MAX_ATTRS 27		/* 7 of them tls.* (atls.c) */

/* otlp_kv_str / otlp_kv_int with a literal key (its length known here,
 * not a strlen per attribute per span) and a string value never NULL */
#define KV_STR(k, v) kv_str(OTLP_S(k), (v))
#define KV_INT(k, v) kv_int(OTLP_S(k), (v))

static struct otlp_kv kv_str(struct otlp_str k, const char *v)
{
	return (struct otlp_kv){ k, { OTLP_V_STRING, (uint32_t)strlen(v), { .s = v } } };
}

static struct otlp_kv kv_int(struct otlp_str k, int64_t v)
{
	return (struct otlp_kv){ k, { OTLP_V_INT, 0, { .i = v } } };
}

const double adb_duration_bounds[ADB_N_BOUNDS] = { 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10 };

/* What the blocks below share about one exchange, worked out once; the
 * span's attributes point into it. */
struct dbx {
	const struct db_exchange *x;
	const struct adb_conn *c;
	bool server;		/* the observed process is the database */
	bool sql;		/* PostgreSQL or MySQL: text is SQL */
	bool err;
	const char *system;
	/* the exchange's strings, "" for one without its NUL (rawtel/db.h
	 * promises one; a parser's slip must not become a read past it) */
	const char *xop, *ns, *status, *stmt;
	const char *op;		/* db.operation.name; "" when none */
	const char *err_type;	/* error.type when err */
	/* from SQL text (op, collection, summary): the cache's, own, or none */
	const struct sql_info *info;
	struct sql_info own;
	const struct adb_sql *cached;	/* the SQL passes' results, if kept */
	char cmd_op[DB_OP_MAX];	/* a command line's first word */
	char batch_op[DB_OP_MAX + 8];	/* "BATCH {op}" */
	const char *summary;	/* info's, or batch_sum */
	char batch_sum[SQL_SUMMARY_MAX];
	char text[DB_TEXT_MAX];	/* db.query.text; "" when none */
	bool text_cut;
	char local[48], peer[48];
	const char *srv;	/* server.address: local or peer */
	int srv_port;
	char part[96];		/* rawtel.db.partial */
	char name[SQL_SUMMARY_MAX + 64];
};

static const char *system_name(const struct db_exchange *x)
{
	switch (x->proto) {
	case PROTO_POSTGRES:
		return "postgresql";
	case PROTO_MYSQL:
		return x->flags & DB_X_MARIADB ? "mariadb" : "mysql";
	case PROTO_REDIS:
		return "redis";
	case PROTO_MEMCACHED:
		return "memcached";
	default:
		return "other_sql";
	}
}

/* The text as db.query.text: sanitized unless raw text was asked for. */
static void text_of(struct dbx *e)
{
	const struct db_exchange *x = e->x;
	size_t len = strnlen(x->text, sizeof(x->text) - 1);
	uint32_t f = 0;

	e->text[0] = 0;
	if (!len)
		return;
	if (e->c->raw_text) {
		memcpy(e->text, x->text, len);
		e->text[len] = 0;
	} else if (e->cached) {
		memcpy(e->text, e->cached->san, strlen(e->cached->san) + 1);
		f = e->cached->san_flags;
	} else if (e->sql) {
		sql_sanitize(x->proto == PROTO_MYSQL ? SQL_MYSQL : SQL_POSTGRES, x->text, len,
			     e->text, sizeof(e->text), &f);
	} else {
		sql_cmd_sanitize(x->proto == PROTO_REDIS ? SQL_CMD_REDIS : SQL_CMD_MEMCACHED, x->text,
				 len, e->text, sizeof(e->text), &f);
	}
	e->text_cut = (x->flags & DB_X_TRUNC) || (f & SQL_F_TRUNC);
}

/* "BATCH {summary}" when one text stands for several operations (and
 * the summary is one statement's), else "BATCH"; cut at a blank to fit. */
static void batch_summary(struct dbx *e)
{
	size_t n;

	if (!e->summary[0] || (e->info->flags & SQL_F_MULTI)) {
		e->summary = "BATCH";
		return;
	}
	n = (size_t)fmt_snprintf(e->batch_sum, sizeof(e->batch_sum), "BATCH %s", e->summary);
	e->summary = e->batch_sum;
	if (n >= sizeof(e->batch_sum)) {
		char *sp = strrchr(e->batch_sum, ' ');

		/* the cut is inside a token: drop it (there is one blank at least) */
		*sp = 0;
	}
}

/* Operation, collection, summary. */
static void describe(struct dbx *e)
{
	const struct db_exchange *x = e->x;
	size_t len = strnlen(x->text, sizeof(x->text) - 1);

	/* pointed to, not copied: most exchanges take it from the cache,
	 * and a command line has none (its strings empty) */
	e->own.op[0] = e->own.collection[0] = e->own.summary[0] = 0;
	e->own.flags = 0;
	e->info = &e->own;
	e->op = e->xop;
	e->cached = e->sql ? adb_sql_get(x->proto == PROTO_MYSQL, x->text, len) : NULL;
	if (e->cached) {
		e->info = &e->cached->info;
	} else if (e->sql && len) {
		sql_describe(x->proto == PROTO_MYSQL ? SQL_MYSQL : SQL_POSTGRES, x->text, len, &e->own);
		e->info = &e->own;
	}
	if (e->sql && len) {
		if (e->info->op[0])
			e->op = e->info->op;
	} else if (!e->xop[0] && len) {
		size_t n = 0;

		while (n < len && !strchr(" \t\r\n", x->text[n]))
			n++;
		if (n < sizeof(e->cmd_op) && x->text[0] != '"' && x->text[0] != '\'') {
			memcpy(e->cmd_op, x->text, n);
			e->cmd_op[n] = 0;
			e->op = e->cmd_op;
		}
	}
	if (!e->op[0] && (x->flags & DB_X_STMT_UNKNOWN))
		e->op = "EXECUTE";
	e->summary = e->info->summary;
	if (x->batch > 1) {
		/* the conventions' batch names: "BATCH {op}" when all share
		 * it (one statement's text), else "BATCH" */
		fmt_snprintf(e->batch_op, sizeof(e->batch_op), "BATCH%s%s", e->op[0] ? " " : "", e->op);
		e->op = e->batch_op;
		batch_summary(e);
	}
}

/* error.type: PostgreSQL's classes 00 (success) and 01 (warning) are no
 * failure; any other code, or the parser's error flag, is. */
static void error_of(struct dbx *e)
{
	const char *code = e->status;

	if (e->x->proto == PROTO_POSTGRES && code[0])
		e->err = strncmp(code, "02", 2) >= 0;
	else
		e->err = (e->x->flags & DB_X_ERROR) || code[0];
	e->err_type = code[0] ? code : "_OTHER";
}

static void addr_text(const struct adb_conn *c, const uint8_t a[16], char *out, size_t size)
{
	char buf[64];

	fmt_snprintf(out, size, "%s", tcp_addr_str(c->family, a, buf, sizeof(buf)));
}

/* The peer's text as the connection keeps it (formatting it per exchange
 * was a fifth of a pgbench query's cost); the local address is needed
 * by a server's spans only. */
static void addresses(struct dbx *e)
{
	const struct adb_conn *c = e->c;

	e->local[0] = e->peer[0] = 0;
	e->srv = NULL;
	if (!c->known)
		return;
	if (c->peer) {
		size_t n = strnlen(c->peer, sizeof(e->peer) - 1);

		memcpy(e->peer, c->peer, n);
		e->peer[n] = 0;
	} else {
		addr_text(c, c->raddr, e->peer, sizeof(e->peer));
	}
	if (e->server)
		addr_text(c, c->laddr, e->local, sizeof(e->local));
	e->srv = e->server ? e->local : e->peer;
	e->srv_port = e->server ? c->lport : c->rport;
}

/* s appended to out[0..n) within size, NUL kept; the new length. The
 * span name's parts, cheaper than fmt_snprintf's format walk per span. */
static size_t put_str(char *out, size_t size, size_t n, const char *s)
{
	size_t k = strlen(s);

	if (n + 1 >= size)
		return n;
	if (k > size - 1 - n)
		k = size - 1 - n;
	memcpy(out + n, s, k);
	out[n + k] = 0;
	return n + k;
}

/* "a,b": what the exchange did not see */
static void partial(struct dbx *e)
{
	uint32_t f = e->x->flags;
	const char *tab[5] = {
		f & DB_X_NO_REQUEST ? "request_not_seen" : NULL,
		(f & DB_X_NO_RESPONSE) && !(f & DB_X_NOREPLY) ? "response_not_seen" : NULL,
		f & DB_X_STMT_UNKNOWN ? "statement_unknown" : NULL,
		e->text_cut ? "text_cut" : NULL,
		f & DB_X_SIZE_UNKNOWN ? "sizes" : NULL,
	};
	size_t n = 0;

	e->part[0] = 0;
	for (int i = 0; i < 5; i++) {
		if (!tab[i])
			continue;
		if (n)
			n = put_str(e->part, sizeof(e->part), n, ",");
		n = put_str(e->part, sizeof(e->part), n, tab[i]);
	}
}

/* "address:port" */
static void srv_target(const struct dbx *e, char *out, size_t size)
{
	char port[8], *p = port + sizeof(port) - 1;
	unsigned v = (uint16_t)e->srv_port;

	*p = 0;
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	put_str(out, size, put_str(out, size, put_str(out, size, 0, e->srv), ":"), p);
}

/* summary, else "{op} {target}", else "{target}", else the system */
static void span_name(struct dbx *e)
{
	const char *x_ns = e->ns, *target = e->info->collection[0] ? e->info->collection : x_ns;
	char addr[64];
	size_t n = 0;

	e->name[0] = 0;
	if (e->summary[0]) {
		put_str(e->name, sizeof(e->name), 0, e->summary);
		return;
	}
	if (!target[0] && e->srv) {
		srv_target(e, addr, sizeof(addr));
		target = addr;
	}
	if (e->op[0])
		n = put_str(e->name, sizeof(e->name), n, e->op);
	if (e->op[0] && target[0])
		n = put_str(e->name, sizeof(e->name), n, " ");
	if (target[0] || !e->op[0])
		put_str(e->name, sizeof(e->name), n, target[0] ? target : e->system);
}

static const char *field(const char *f, size_t size)
{
	/* its NUL is near the start: a loop, not a call per field */
	for (size_t i = 0; i < size; i++)
		if (!f[i])
			return f;
	return "";
}

static void dbx_init(struct dbx *e, const struct adb_conn *c, const struct db_exchange *x)
{
	e->x = x;
	e->xop = field(x->op, sizeof(x->op));
	e->ns = field(x->ns, sizeof(x->ns));
	e->status = field(x->status, sizeof(x->status));
	e->stmt = field(x->stmt, sizeof(x->stmt));
	e->c = c;
	e->server = c->role == PROTO_SERVER;
	e->sql = x->proto == PROTO_POSTGRES || x->proto == PROTO_MYSQL;
	e->system = system_name(x);
	e->text_cut = false;
	describe(e);
	error_of(e);
	addresses(e);
}

/* What only the span needs: the text (the costlier pass), what was not
 * seen, the name. */
static void dbx_span(struct dbx *e)
{
	text_of(e);
	partial(e);
	span_name(e);
}

/* The metric's attributes, bounded; the span's first ones too. */
static uint32_t metric_attrs(const struct dbx *e, struct otlp_kv *kv)
{
	uint32_t n = 0;

	kv[n++] = KV_STR("db.system.name", e->system);
	if (e->ns[0])
		kv[n++] = KV_STR("db.namespace", e->ns);
	if (e->op[0])
		kv[n++] = KV_STR("db.operation.name", e->op);
	if (e->info->collection[0])
		kv[n++] = KV_STR("db.collection.name", e->info->collection);
	if (e->summary[0])
		kv[n++] = KV_STR("db.query.summary", e->summary);
	if (e->status[0])
		kv[n++] = KV_STR("db.response.status_code", e->status);
	if (e->err)
		kv[n++] = KV_STR("error.type", e->err_type);
	if (!e->server && e->srv) {
		kv[n++] = KV_STR("server.address", e->srv);
		kv[n++] = KV_INT("server.port", e->srv_port);
	}
	return n;
}

static bool returns_rows(const char *op)
{
	static const char *const ops[] = { "SELECT", "SHOW", "FETCH", "VALUES", "EXPLAIN", "TABLE" };

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcasecmp(op, ops[i]))
			return true;
	return false;
}

/* The span's attributes after the metric's first `n`. */
static uint32_t span_attrs(const struct dbx *e, struct otlp_kv *kv, uint32_t n)
{
	const struct db_exchange *x = e->x;

	if (e->server && e->srv) {
		kv[n++] = KV_STR("server.address", e->srv);
		kv[n++] = KV_INT("server.port", e->srv_port);
	}
	if (e->srv) {
		kv[n++] = KV_STR("network.peer.address", e->peer);
		kv[n++] = KV_INT("network.peer.port", e->c->rport);
	}
	if (e->text[0])
		kv[n++] = KV_STR("db.query.text", e->text);
	if (x->batch > 1)
		kv[n++] = KV_INT("db.operation.batch.size", x->batch);
	if (e->sql && x->rows >= 0 && !(x->flags & DB_X_NO_RESPONSE) && returns_rows(e->op))
		kv[n++] = KV_INT("db.response.returned_rows", x->rows);
	if ((x->flags & DB_X_STMT_UNKNOWN) && e->stmt[0])
		kv[n++] = KV_STR("rawtel.db.statement", e->stmt);
	if (e->part[0])
		kv[n++] = KV_STR("rawtel.db.partial", e->part);
	return n;
}

static void fill_span(const struct agent *a, const struct dbx *e, const struct otlp_kv *kv,
		      uint32_t n, struct otlp_span *s)
{
	ahttp_span_init(a, &e->c->ctx, e->server, e->x->start_ns, e->x->end_ns, s);
	s->name = otlp_s(e->name);
	s->attrs = kv;
	s->n_attrs = n;
	if (e->err)
		s->status_code = OTLP_STATUS_ERROR;
}

void adb_exchange(struct agent *a, const struct adb_conn *c, const struct db_exchange *x)
{
	bool span = c->ctx.flags & CTX_SAMPLED;
	bool metric = !(x->flags & (DB_X_NO_REQUEST | DB_X_NO_RESPONSE | DB_X_NOREPLY));
	struct otlp_kv kv[MAX_ATTRS];
	struct otlp_span s;
	struct agent_proc *pr;
	struct dbx e;
	char comm[17];
	uint32_t n;
	int res;

	if ((x->flags & DB_X_PUSH) || (!span && !metric))
		return;
	dbx_init(&e, c, x);
	n = metric_attrs(&e, kv);
	pfmt_comm(comm, c->comm);
	pr = procs_get(&a->procs, c->pid, comm);
	res = metric ? agent_proc_agg(a, pr) : -1;
	if (res >= 0)
		ahttp_record(a, res, a->inst[e.server ? INST_DB_SERVER_DURATION : INST_DB_CLIENT_DURATION],
			     kv, n, x->end_ns > x->start_ns ? (double)(x->end_ns - x->start_ns) / 1e9 : 0,
			     c->mc);
	if (!span)
		return;
	dbx_span(&e);
	n = span_attrs(&e, kv, n);
	if (a->http)
		n = atls_attrs(a->http, c->pid, x->conn_id & ~TLS_PLAIN_ID, PROTO_NONE, kv, n,
			       MAX_ATTRS);
	fill_span(a, &e, kv, n, &s);
	agent_add_span(a, pr, &s);
}
