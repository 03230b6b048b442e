/* rawtel trace http, postgres, mysql, redis, memcached: one line per exchange, parsed from the
 * sock and data records by the connection layer (rawtel/pconn.h) and the
 * parsers of the probes selected (one capture for all of them); --raw
 * prints the records themselves. A connection the layer gives up is told
 * to the kernel, which stops copying its payloads.
 *
 * The http probe covers HTTP/1.x and HTTP/2 (gRPC included): the PROTO
 * column says which ("1.1", "2", "grpc"). An HTTP/2 line's STATUS is
 * what its spans say (h2_status): a gRPC call's status name, an HTTP
 * status, a reset's error; a name HPACK could not decode (rawtel joined
 * the connection late) prints as "?". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/db.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/h2.h"
#include "rawtel/http1.h"
#include "rawtel/pconn.h"
#include "rawtel/probes.h"
#include "rawtel/sockcap.h"
#include "rawtel/tls.h"

#define HT_INFO 16384		/* connections remembered (direct-mapped) */

/* what a sock record said of a connection, for its exchanges' lines */
struct ht_info {
	struct ev_sock s;
};

struct ht_state {
	const struct probe_out *o;
	struct pconn *t;		/* made at the first record */
	struct pconn_opts po;		/* po.protos: the probes started */
	struct http1_opts ho;
	struct ht_info *info;
	uint64_t last_ns;	/* the latest record's time */
};

static struct ht_info *info_of(struct ht_state *st, uint64_t conn)
{
	return &st->info[(conn * 0x9e3779b97f4a7c15ULL) >> 50 & (HT_INFO - 1)];
}

/* What the socket probe told of the connection a plaintext stream (TLS or
 * not) runs on, or NULL when that slot holds another connection */
static const struct ev_sock *sock_of(struct ht_state *st, uint64_t conn_id)
{
	uint64_t conn = conn_id & ~TLS_PLAIN_ID;
	struct ht_info *in = info_of(st, conn);

	return in->s.conn == conn ? &in->s : NULL;
}

/* The ROLE column: C or S, "Ctls"/"Stls" for a TLS connection's plaintext */
static const char *role_col(const struct ev_sock *s, bool tls)
{
	if (!s)
		return "?";
	if (s->role == SOCK_ROLE_CLIENT)
		return tls ? "Ctls" : "C";
	return tls ? "Stls" : "S";
}

const char *htline_addr(const struct ev_sock *s, bool local, char *buf, size_t size)
{
	char a[48];
	bool known = s->h.flags & (local ? SOCK_F_LOCAL : SOCK_F_REMOTE);

	if (!known)
		return "-";
	tcp_addr_str(s->family, local ? s->laddr : s->raddr, a, sizeof(a));
	fmt_snprintf(buf, size, strchr(a, ':') ? "[%s]:%u" : "%s:%u", a, local ? s->lport : s->rport);
	return buf;
}

static const char *const x_flags[] = { "no_request", "no_response", "req_trunc", "resp_trunc",
	"req_size_unknown", "resp_size_unknown", "resp_aborted", "close_delimited",
	"method_other", "value_trunc", "interim", "upgraded" };

/* ",key":value in JSON, " key=value" in text */
static void kv_u(const struct probe_out *o, const char *k, uint64_t v)
{
	fmt_fprintf(o->f, o->json ? ",\"%s\":%llu" : " %s=%llu", k, (unsigned long long)v);
}

static void kv_s(const struct probe_out *o, const char *k, const char *v, size_t max)
{
	fmt_fprintf(o->f, o->json ? ",\"%s\":" : " %s=", k);
	if (o->json)
		pfmt_json_str(o->f, v, max);
	else
		fmt_fprintf(o->f, "%.*s", (int)strnlen(v, max), v);
}

static void on_exchange(void *arg, const struct http1_exchange *x)
{
	struct ht_state *st = arg;
	const struct probe_out *o = st->o;
	bool tls = x->conn_id & TLS_PLAIN_ID;
	uint64_t conn = x->conn_id & ~TLS_PLAIN_ID;
	const struct ev_sock *s = sock_of(st, x->conn_id);
	char comm[17] = "?", pb[64], lb[64], tp[64], v[8];
	const char *peer = "-", *local = "-";
	uint64_t lat = x->end_ns > x->start_ns ? x->end_ns - x->start_ns : 0;
	const struct { const char *k; uint64_t v; } nums[] = {
		{ "status", x->status }, { "start_ns", x->start_ns }, { "req_end_ns", x->req_end_ns },
		{ "resp_start_ns", x->resp_start_ns }, { "end_ns", x->end_ns }, { "duration_ns", lat },
		{ "req_bytes", x->req_bytes }, { "req_body_bytes", x->req_body_bytes },
		{ "resp_bytes", x->resp_bytes }, { "resp_body_bytes", x->resp_body_bytes },
		{ "conn", conn }, { "lport", s ? s->lport : 0 }, { "rport", s ? s->rport : 0 } };

	if (s) {
		pfmt_comm(comm, s->comm);
		peer = htline_addr(s, false, pb, sizeof(pb));
		local = htline_addr(s, true, lb, sizeof(lb));
	}
	fmt_snprintf(v, sizeof(v), "1.%d", x->req_minor >= 0 ? x->req_minor : 1);
	if (!o->json) {
		pfmt_prefix(o, "http", x->start_ns, s ? s->h.pid : 0, comm);
		fmt_fprintf(o->f, "%-4s %-5s %-7s %-32s %-6u %11.3f %8llu %9llu %s\n", role_col(s, tls), v,
			x->method[0] ? x->method : "-", x->path[0] ? x->path : "-", x->status,
			(double)lat / 1e6, (unsigned long long)x->req_bytes,
			(unsigned long long)x->resp_bytes, peer);
		return;
	}
	pfmt_json_prefix(o, "http", x->start_ns, s ? s->h.pid : 0, s ? s->h.tid : 0, comm);
	kv_s(o, "role", !s ? "" : s->role == SOCK_ROLE_CLIENT ? "client" : "server", 8);
	kv_s(o, "proto", v, sizeof(v));
	fmt_fprintf(o->f, ",\"tls\":%s", tls ? "true" : "false");
	kv_s(o, "method", x->method, sizeof(x->method));
	kv_s(o, "path", x->path, sizeof(x->path));
	if (x->has_query)
		kv_s(o, "query", x->query, sizeof(x->query));
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		kv_u(o, nums[i].k, nums[i].v);
	fmt_snprintf(v, sizeof(v), "1.%d", x->req_minor);
	kv_s(o, "req_version", v, sizeof(v));
	fmt_snprintf(v, sizeof(v), "1.%d", x->resp_minor);
	kv_s(o, "resp_version", v, sizeof(v));
	kv_s(o, "host", x->host, sizeof(x->host));
	kv_s(o, "user_agent", x->user_agent, sizeof(x->user_agent));
	if (x->tp_state == HTTP1_TP_VALID && http1_traceparent_format(&x->tp, tp, sizeof(tp)) > 0)
		kv_s(o, "traceparent", tp, sizeof(tp));
	else if (x->tp_state == HTTP1_TP_INVALID)
		kv_s(o, "traceparent", "invalid", 8);
	fmt_fprintf(o->f, ",\"req_content_length\":%lld,\"resp_content_length\":%lld,\"flags\":[",
		(long long)x->req_content_length, (long long)x->resp_content_length);
	for (unsigned i = 0, n = 0; i < sizeof(x_flags) / sizeof(x_flags[0]); i++)
		if (x->flags & (1u << i))
			fmt_fprintf(o->f, "%s\"%s\"", n++ ? "," : "", x_flags[i]);
	fputc(']', o->f);
	kv_s(o, "local", local, 64);
	kv_s(o, "peer", peer, 64);
	fputs("}\n", o->f);
}

static void on_db(void *arg, const struct db_exchange *x)
{
	struct ht_state *st = arg;

	dbline_print(st->o, sock_of(st, x->conn_id), x);
}

static const char *const h2_flags[] = { "no_request", "no_response", "unknown_fields", "reset",
	"goaway", "trailers_only", "req_open", "resp_open", "value_trunc", "grpc", "grpc_lost",
	"body_gap", "upgraded", "closed", "aged", "headers_lost", "evicted" };

/* A name HPACK could not decode prints "?", never another name */
static const char *h2_name(const struct h2_exchange *x, const char *v)
{
	return v[0] ? v : x->unknown_fields || (x->flags & H2_X_HEADERS_LOST) ? "?" : "-";
}

/* The numbers of an HTTP/2 stream's JSON line */
static void h2_json_nums(const struct probe_out *o, const struct ev_sock *s,
			 const struct h2_exchange *x)
{
	const struct { const char *k; uint64_t v; } nums[] = {
		{ "stream", x->stream_id }, { "status", x->status },
		{ "start_ns", x->start_ns }, { "req_end_ns", x->req_end_ns },
		{ "resp_start_ns", x->resp_start_ns }, { "end_ns", x->end_ns },
		{ "duration_ns", x->end_ns > x->start_ns ? x->end_ns - x->start_ns : 0 },
		{ "req_bytes", x->req_bytes }, { "resp_bytes", x->resp_bytes },
		{ "req_msgs", x->req_msgs }, { "resp_msgs", x->resp_msgs },
		{ "unknown_fields", x->unknown_fields }, { "error_code", x->error_code },
		{ "conn", x->conn_id & ~TLS_PLAIN_ID }, { "lport", s ? s->lport : 0 },
		{ "rport", s ? s->rport : 0 } };

	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		kv_u(o, nums[i].k, nums[i].v);
	fmt_fprintf(o->f, ",\"grpc_status\":%d,\"tls\":%s", x->grpc_status,
		x->conn_id & TLS_PLAIN_ID ? "true" : "false");
}

static void h2_json(const struct probe_out *o, const struct ev_sock *s,
		    const struct h2_exchange *x, const char *proto, const char *status)
{
	char pb[64], lb[64], tp[64];

	kv_s(o, "role", !s ? "" : s->role == SOCK_ROLE_CLIENT ? "client" : "server", 8);
	kv_s(o, "proto", proto, 8);
	kv_s(o, "method", x->method, sizeof(x->method));
	kv_s(o, "path", x->path, sizeof(x->path));
	h2_json_nums(o, s, x);
	kv_s(o, "authority", x->authority, sizeof(x->authority));
	kv_s(o, "user_agent", x->user_agent, sizeof(x->user_agent));
	kv_s(o, "content_type", x->content_type, sizeof(x->content_type));
	kv_s(o, "grpc_message", x->grpc_message, sizeof(x->grpc_message));
	kv_s(o, "status_text", status, 32);
	if (x->tp_state == HTTP1_TP_VALID && http1_traceparent_format(&x->tp, tp, sizeof(tp)) > 0)
		kv_s(o, "traceparent", tp, sizeof(tp));
	else if (x->tp_state == HTTP1_TP_INVALID)
		kv_s(o, "traceparent", "invalid", 8);
	fputs(",\"flags\":[", o->f);
	for (unsigned i = 0, n = 0; i < sizeof(h2_flags) / sizeof(h2_flags[0]); i++)
		if (x->flags & (1u << i))
			fmt_fprintf(o->f, "%s\"%s\"", n++ ? "," : "", h2_flags[i]);
	fputc(']', o->f);
	kv_s(o, "local", s ? htline_addr(s, true, lb, sizeof(lb)) : "-", 64);
	kv_s(o, "peer", s ? htline_addr(s, false, pb, sizeof(pb)) : "-", 64);
	fputs("}\n", o->f);
}

/* What an HTTP/2 stream's STATUS says, as its spans do: a gRPC call's
 * status by name (h2_grpc_status: grpc-status, else what a reset, refusal
 * or HTTP status maps to), else the HTTP status, else how it ended: its
 * RST_STREAM's error, a refusing GOAWAY; "?" when the header block that
 * could have said was not decoded */
static const char *h2_status(const struct h2_exchange *x, char *buf, size_t n)
{
	const char *e = h2_error_name(x->error_code);
	int code;

	if (x->flags & H2_X_GRPC) {
		code = h2_grpc_status(x);
		if (code >= 0 && h2_grpc_name(code))
			return h2_grpc_name(code);
		if (code >= 0)
			fmt_snprintf(buf, n, "%d", code);
		return code >= 0 ? buf : h2_name(x, "");
	}
	if ((x->flags & H2_X_RESET) && (!x->status || (x->flags & H2_X_RESP_OPEN))) {
		if (e)
			fmt_snprintf(buf, n, "RST:%s", e);
		else
			fmt_snprintf(buf, n, "RST:%u", x->error_code);
	} else if ((x->flags & H2_X_GOAWAY) && !x->status) {
		return "GOAWAY";
	} else if (x->status) {
		fmt_snprintf(buf, n, "%u", x->status);
	} else {
		return h2_name(x, "");
	}
	return buf;
}

/* One HTTP/2 stream: the same line as HTTP/1's, PROTO "2" or "grpc" */
static void on_h2(void *arg, const struct h2_exchange *x)
{
	struct ht_state *st = arg;
	const struct probe_out *o = st->o;
	bool tls = x->conn_id & TLS_PLAIN_ID;
	const struct ev_sock *s = sock_of(st, x->conn_id);
	const char *proto = x->flags & H2_X_GRPC ? "grpc" : "2";
	char comm[17] = "?", pb[64], sb[32];
	uint64_t lat = x->end_ns > x->start_ns ? x->end_ns - x->start_ns : 0;
	const char *status = h2_status(x, sb, sizeof(sb));

	if (s)
		pfmt_comm(comm, s->comm);
	if (o->json) {
		pfmt_json_prefix(o, "http", x->start_ns, s ? s->h.pid : 0, s ? s->h.tid : 0, comm);
		h2_json(o, s, x, proto, status);
		return;
	}
	pfmt_prefix(o, "http", x->start_ns, s ? s->h.pid : 0, comm);
	fmt_fprintf(o->f, "%-4s %-5s %-7s %-32s %-6s %11.3f %8llu %9llu %s\n",
		role_col(s, tls), proto, h2_name(x, x->method),
		h2_name(x, x->path), status, (double)lat / 1e6, (unsigned long long)x->req_bytes,
		(unsigned long long)x->resp_bytes, s ? htline_addr(s, false, pb, sizeof(pb)) : "-");
}

/* the kernel stops copying what the layer no longer parses */
static void on_give_up(void *arg, uint64_t id, enum pconn_outcome why)
{
	struct ht_state *st = arg;

	(void)why;
	/* a plaintext stream: no copy of its own to stop */
	if (st->o->sockcap && !(id & TLS_PLAIN_ID))
		sockcap_nocopy(st->o->sockcap, id);
}

/* A TLS handshake read from the wire (the tls probe prints it) */
static void on_tls(void *arg, uint64_t id, const struct tls_facts *f)
{
	struct ht_state *st = arg;
	struct ht_info *in = info_of(st, id);

	tlsline_handshake(st->o, in->s.conn == id ? &in->s : NULL, id, f);
}

/* One state for every socket probe started: each adds its protocol */
static int start(struct probe_out *o, enum proto_id proto)
{
	struct ht_state *st = o->http;

	if (st) {
		st->po.protos |= 1u << proto;
		return 0;
	}
	st = calloc(1, sizeof(*st));
	if (!st || !(st->info = calloc(HT_INFO, sizeof(*st->info)))) {
		free(st);
		return err_set(ENOMEM, "http: out of memory");
	}
	st->o = o;
	st->ho.on_exchange = on_exchange;
	st->ho.arg = st;
	st->po.protos = 1u << proto;
	st->po.http = &st->ho;
	st->po.db.on_db = on_db;
	st->po.db.on_h2 = on_h2;
	st->po.db.arg = st;
	st->po.on_give_up = on_give_up;
	st->po.on_tls = on_tls;
	st->po.arg = st;
	st->po.max_conns = 4096;
	o->http = st;
	return 0;
}

/* HTTP/1.x and HTTP/2 (h2c, and gRPC over it) */
int htline_start_http(struct probe_out *o)
{
	int r = start(o, PROTO_HTTP1);

	if (!r)
		((struct ht_state *)o->http)->po.protos |= 1u << PROTO_HTTP2;
	return r;
}

int htline_start_postgres(struct probe_out *o)
{
	return start(o, PROTO_POSTGRES);
}

int htline_start_mysql(struct probe_out *o)
{
	return start(o, PROTO_MYSQL);
}

int htline_start_redis(struct probe_out *o)
{
	return start(o, PROTO_REDIS);
}

int htline_start_memcached(struct probe_out *o)
{
	return start(o, PROTO_MEMCACHED);
}

/* TLS calls and handshakes: no protocol of its own */
int htline_start_tls(struct probe_out *o)
{
	int r = start(o, PROTO_NONE);

	if (!r) {
		((struct ht_state *)o->http)->po.protos &= ~1u;
		o->tls_lines = true;
	}
	return r;
}

/* The table, once every probe has started (NULL: out of memory) */
static struct pconn *table(struct ht_state *st)
{
	if (!st->t && pconn_new(&st->t, &st->po))
		return NULL;
	return st->t;
}

void htline_tick(const struct probe_out *o, uint64_t now_ns)
{
	struct ht_state *st = o->http;

	if (st && st->t)
		pconn_tick(st->t, now_ns);
}

void htline_finish(struct probe_out *o)
{
	struct ht_state *st = o->http;

	if (!st)
		return;
	pconn_free(st->t, st->last_ns);
	free(st->info);
	free(st);
	o->http = NULL;
}

void htline_header(const struct probe_out *o)
{
	if (o->raw)
		fmt_fprintf(o->f, "%-12s %-7s %-16s %-5s %s\n", "TIME", "PID", "COMM", "REC", "DETAILS");
	else
		fmt_fprintf(o->f, "%-12s %-7s %-16s %-4s %-5s %-7s %-32s %-6s %11s %8s %9s %s\n",
			"TIME", "PID", "COMM", "ROLE", "PROTO", "METHOD", "TARGET", "STATUS",
			"LATENCY(ms)", "REQ", "RESP", "PEER");
}

static const char *const sock_kinds[] = { "?", "accept", "connect", "seed", "close", "exit", "inherit",
	"ktls" };
static const char *const data_calls[] = { "?", "read", "readv", "recvfrom", "recvmsg", "write",
	"writev", "sendto", "sendmsg", "sendfile", "SSL_read", "SSL_write", "SSL_read_ex",
	"SSL_write_ex", "gnutls_record_recv", "gnutls_record_send" };

/* the captured bytes: printable ASCII as is, the rest escaped */
static void print_bytes(FILE *f, const uint8_t *b, size_t n, bool json)
{
	for (size_t i = 0; i < n; i++) {
		if (json && (b[i] == '"' || b[i] == '\\'))
			fmt_fprintf(f, "\\%c", b[i]);
		else if (b[i] >= 0x20 && b[i] < 0x7f)
			fputc(b[i], f);
		else if (b[i] == '\r' || b[i] == '\n')
			fputs(b[i] == '\r' ? "\\r" : "\\n", f);
		else
			fmt_fprintf(f, json ? "\\u%04x" : "\\x%02x", b[i]);
	}
}

/* --raw: one line per record, the same keys in text and JSON */
static void raw_print(const struct probe_out *o, const void *rec, size_t len)
{
	const struct ev_hdr *h = rec;
	const struct ev_sock *s = rec;
	const struct ev_data *d = rec;
	char comm[17] = "-", lb[64], rb[64];
	bool sock = h->type == EV_SOCK;

	if (sock)
		pfmt_comm(comm, s->comm);
	if (o->json)
		pfmt_json_prefix(o, sock ? "sock" : "data", h->ts, h->pid, h->tid, comm);
	else
		pfmt_prefix(o, sock ? "sock" : "data", h->ts, h->pid, comm);
	if (!o->json)
		fputs(sock ? "sock" : "data", o->f);
	kv_u(o, "conn", sock ? s->conn : d->conn);
	kv_u(o, "flags", h->flags);
	if (sock) {
		kv_s(o, "kind", sock_kinds[s->kind < 8 ? s->kind : 0], 8);
		fmt_fprintf(o->f, o->json ? ",\"fd\":%d,\"lfd\":%d" : " fd=%d lfd=%d", s->fd, s->lfd);
		kv_s(o, "role", s->role == SOCK_ROLE_CLIENT ? "client" : "server", 8);
		kv_u(o, "family", s->family);
		kv_s(o, "local", htline_addr(s, true, lb, sizeof(lb)), 64);
		kv_s(o, "peer", htline_addr(s, false, rb, sizeof(rb)), 64);
		fputs(o->json ? "}\n" : "\n", o->f);
		return;
	}
	size_t cap = d->cap <= len - DATA_OFF_BYTES ? d->cap : len - DATA_OFF_BYTES;

	fmt_fprintf(o->f, o->json ? ",\"fd\":%d" : " fd=%d", d->fd);
	kv_s(o, "dir", d->dir == DATA_DIR_SEND ? "send" : "recv", 8);
	kv_s(o, "call", data_calls[d->call < 16 ? d->call : 0], 16);
	kv_u(o, "total", d->total);
	kv_u(o, "cap", d->cap);
	kv_u(o, "start_ns", d->start);
	kv_u(o, "seq", d->seq);
	fputs(o->json ? ",\"bytes\":\"" : " ", o->f);
	print_bytes(o->f, d->bytes, o->json || cap < 64 ? cap : 64, o->json);
	fputs(o->json ? "\"}\n" : "\n", o->f);
}

void htline_print(const struct probe_out *o, const void *rec, size_t len)
{
	struct ht_state *st = o->http;
	const struct ev_hdr *h = rec;
	struct pconn *t = st ? table(st) : NULL;

	if (o->raw || !t) {
		raw_print(o, rec, len);
		return;
	}
	if (h->ts > st->last_ns)
		st->last_ns = h->ts;
	if (h->type == EV_SOCK) {
		const struct ev_sock *s = rec;

		if (s->kind == SOCK_K_CLOSE) {
			pconn_close(t, s->conn, h->ts);
			pconn_close(t, s->conn | TLS_PLAIN_ID, h->ts);
		} else if (s->kind != SOCK_K_KTLS) {	/* (no addresses) */
			info_of(st, s->conn)->s = *s;
		}
		return;
	}
	const struct ev_data *d = rec;
	struct ht_info *in = info_of(st, d->conn);
	size_t cap = d->cap <= len - DATA_OFF_BYTES ? d->cap : len - DATA_OFF_BYTES;
	/* a kTLS socket's plaintext goes with the library's (rawtel/events.h) */
	uint64_t id = d->conn | (h->flags & (DATA_F_TLS | DATA_F_KTLS) ? TLS_PLAIN_ID : 0);
	bool client;

	if ((h->flags & DATA_F_TLS) && o->tls_lines) {
		char comm[17];
		bool known = d->conn && in->s.conn == d->conn;

		if (known)
			pfmt_comm(comm, in->s.comm);
		else
			tlsline_comm(h->pid, comm);
		tlsline_call(o, known ? &in->s : NULL, d, cap, comm);
	}
	/* its sock record pushed out, or TLS on no known connection */
	if (in->s.conn != d->conn || !d->conn)
		return;
	client = in->s.role == SOCK_ROLE_CLIENT;
	if ((h->flags & (DATA_F_GAP | DATA_F_RESET)) == (DATA_F_GAP | DATA_F_RESET)) {
		/* lost both ways: pairing starts afresh (sockcap.h) */
		pconn_close(t, d->conn, h->ts);
		return;
	}
	pconn_feed(t, id, client ? PROTO_CLIENT : PROTO_SERVER,
		   client ? in->s.rport : in->s.lport, d->dir == DATA_DIR_SEND ? PROTO_SEND : PROTO_RECV,
		   d->dir == DATA_DIR_SEND && client ? d->start : h->ts, d->bytes, cap,
		   d->total < cap ? cap : d->total);
}
