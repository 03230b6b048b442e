/* An HTTP/2 stream as a span and a duration point (ah2.h).
 *
 * Plain HTTP/2: as HTTP/1 (ahttp_span.c), network.protocol.version "2":
 * name "{method} {route}" / "{method}", http.request.method, url.scheme
 * (:scheme), url.path (server) or url.full (client), server.address and
 * server.port from :authority, http.response.status_code, body sizes
 * (DATA payload, exact: from frame lengths), error.type (server 5xx,
 * client 4xx and 5xx, "stream_reset" for a RST_STREAM, "connection_closed"
 * or "timeout" without a response), http.{server,client}.request.duration.
 *
 * gRPC (content-type application/grpc*, or a grpc-status seen): the RPC
 * conventions as of v1.39 to v1.44 (reference protocols.md C2): name and
 * rpc.method the fully qualified method ("pkg.Service/Method", the :path
 * without its '/'), rpc.system.name "grpc", rpc.response.status_code the
 * status name ("OK", "NOT_FOUND") from grpc-status (trailers or
 * trailers-only), else from the HTTP status, a RST_STREAM code or a
 * refusing GOAWAY by the gRPC HTTP/2 mapping, a cancel once the call's
 * grpc-timeout had run out being DEADLINE_EXCEEDED as gRPC's own
 * libraries say (h2_grpc_status); error.type the status name
 * when it is an error: for a server UNKNOWN, DEADLINE_EXCEEDED,
 * UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS; for a client every
 * status but OK. The span status description is grpc-message (as sent,
 * percent-encoded). Messages each way (a streaming call is one span):
 * rawtel.rpc.request.messages / rawtel.rpc.response.messages (no
 * convention has counts). Histograms rpc.server.call.duration and
 * rpc.client.call.duration (s; the conventions' names for the call
 * duration since v1.39, which replaced rpc.{server,client}.duration in
 * ms), attributes rpc.system.name, rpc.method, rpc.response.status_code,
 * error.type, and for a client server.address and server.port.
 *
 * Names HPACK could not decode (rawtel joined the connection after its
 * encoder had indexed them) are never guessed: method "_OTHER", span name
 * "HTTP" or "grpc", and rawtel.http.partial says fields_unknown (the
 * parser counts them: rawtel.proto.events{protocol=http2,
 * event=undecoded}). rawtel.http.partial also says request_not_seen,
 * value_cut, messages (gRPC message counts are lower bounds),
 * response_end (the response's end was not seen: the span ends when the
 * stream was given up, and no duration point is made), outcome_unknown
 * (rawtel stopped watching first), peer_unknown (the connection's peer
 * could not be had: no client.address or network.peer.*, as for HTTP/1).
 * A gRPC call whose trailers could not be decoded has no
 * rpc.response.status_code rather than a guessed one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_int.h"
#include "ah2.h"
#include "rawtel/fmt.h"

#define MAX_ATTRS 29		/* 7 of them tls.* (atls.c) */

/* What the blocks below share about one stream, worked out once */
struct e2 {
	const struct h2_exchange *x;
	struct ahttp_conn *c;
	const struct ahttp_ctx *ctx;
	bool server, grpc, no_req, no_resp, unknown, names_lost, other;
	int status;		/* HTTP; 0 without a response */
	int code;		/* gRPC status; -1 none */
	const char *err;	/* error.type; NULL when none */
	const char *method;	/* rpc.method or http.request.method */
	char codes[24];		/* a status as text */
	char route[HTTP1_ROUTE_MAX];
	size_t route_len;
	char host[H2_AUTHORITY_MAX];
	int port;		/* :authority's; -1 none */
	const char *peer;	/* "" when not known */
	char url[H2_AUTHORITY_MAX + H2_PATH_MAX + 24];
	char part[96];
	char name[HTTP1_ROUTE_MAX + 32];
};

/* s after buf[len] (of size) as far as it fits: the length then (by
 * hand: a format's parsing per stream costs more than this) */
static size_t put(char *buf, size_t size, size_t len, const char *s)
{
	size_t n = strlen(s), room = size - 1 - len;

	if (n > room)
		n = room;
	memcpy(buf + len, s, n);
	buf[len + n] = 0;
	return len + n;
}

/* An attribute whose key's length is known when compiled (otlp_kv_str
 * measures both, per span) */
static struct otlp_kv kv_s(struct otlp_str k, const char *v)
{
	return (struct otlp_kv){ k, { OTLP_V_STRING, (uint32_t)strlen(v), { .s = v } } };
}

static struct otlp_kv kv_i(struct otlp_str k, int64_t v)
{
	return (struct otlp_kv){ k, { OTLP_V_INT, 0, { .i = v } } };
}
#define KV_STR(k, v) kv_s(OTLP_S(k), v)
#define KV_INT(k, v) kv_i(OTLP_S(k), v)

static bool grpc_error(bool server, int code)
{
	if (!server)
		return code != 0;
	return code == 2 || code == 4 || code == 12 || code == 13 || code == 14 || code == 15;
}

static bool method_known(const char *m)
{
	static const char *const known[] = { "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT",
		"OPTIONS", "TRACE", "PATCH" };

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(m, known[i]))
			return true;
	return false;
}

/* "pkg.Service/Method" from "/pkg.Service/Method"; NULL when the path is
 * not one */
static const char *rpc_method(const char *path)
{
	const char *slash = path[0] == '/' ? strchr(path + 1, '/') : NULL;

	return slash && slash > path + 1 && slash[1] && !strchr(slash + 1, '/') ? path + 1 : NULL;
}

static void authority_split(struct e2 *e)
{
	const char *a = e->x->authority, *colon = strrchr(a, ':'), *close = strchr(a, ']');
	size_t n = strlen(a);

	e->port = -1;
	if (colon && (!close || colon > close) && colon[1]) {
		char *end;
		long p = strtol(colon + 1, &end, 10);

		if (!*end && p >= 0 && p <= 65535) {
			e->port = (int)p;
			n = (size_t)(colon - a);
		}
	}
	memcpy(e->host, a, n);
	e->host[n] = 0;
}

/* Error and status: gRPC's or HTTP's rules */
static void e2_outcome(struct e2 *e, const struct ahttp_state *h)
{
	const struct h2_exchange *x = e->x;

	e->err = NULL;
	e->code = e->grpc ? h2_grpc_status(x) : -1;
	if (e->code >= 0) {
		if (h2_grpc_name(e->code))
			put(e->codes, sizeof(e->codes), 0, h2_grpc_name(e->code));
		else
			fmt_snprintf(e->codes, sizeof(e->codes), "%d", e->code);
		if (grpc_error(e->server, e->code))
			e->err = e->codes;
		return;
	}
	if (x->flags & (H2_X_RESET | H2_X_GOAWAY) && !(e->status && !(x->flags & H2_X_RESP_OPEN)))
		e->err = x->flags & H2_X_RESET ? "stream_reset" : "refused";
	else if (e->no_resp)
		e->err = h->why;
	else if (e->status >= 500 || (!e->server && e->status >= 400))
		e->err = fmt_snprintf(e->codes, sizeof(e->codes), "%d", e->status) > 0 ? e->codes : NULL;
}

static void e2_init(struct e2 *e, const struct ahttp_state *h, struct ahttp_proc *p,
		    struct ahttp_conn *c, const struct ahttp_ctx *ctx, const struct h2_exchange *x)
{
	e->x = x;
	e->c = c;
	e->ctx = ctx;
	e->server = c->role == HTTP1_SERVER;
	e->grpc = (x->flags & H2_X_GRPC) || x->grpc_status >= 0;
	e->no_req = x->flags & H2_X_NO_REQUEST;
	e->no_resp = (x->flags & H2_X_NO_RESPONSE) && !x->status;
	e->unknown = e->no_resp && !h->why && !(x->flags & (H2_X_RESET | H2_X_GOAWAY));
	e->names_lost = x->flags & (H2_X_UNKNOWN_FIELDS | H2_X_HEADERS_LOST);
	e->status = x->status;
	e->method = e->grpc ? rpc_method(x->path) : x->method[0] ? x->method : NULL;
	e->other = !e->method || (!e->grpc && !method_known(e->method));
	e->route[0] = 0;
	e->route_len = 0;
	if (!e->grpc && e->server && x->path[0] == '/')
		e->route_len = http1_route(p->routes, x->path, strlen(x->path), e->route,
					   sizeof(e->route));
	authority_split(e);
	/* the connection's text, made once rather than a sprintf per stream */
	e->peer = c->known ? ahttp_peer_str(c) : "";
	e2_outcome(e, h);
}

static uint32_t metric_attrs(const void *arg, struct otlp_kv *kv)
{
	const struct e2 *e = arg;
	uint32_t n = 0;

	if (e->grpc) {
		kv[n++] = KV_STR("rpc.system.name", "grpc");
		kv[n++] = KV_STR("rpc.method", e->other ? "_OTHER" : e->method);
		if (e->code >= 0)
			kv[n++] = KV_STR("rpc.response.status_code", e->codes);
	} else {
		kv[n++] = KV_STR("http.request.method", e->other ? "_OTHER" : e->method);
		kv[n++] = KV_STR("url.scheme", e->x->scheme[0] ? e->x->scheme : "http");
		kv[n++] = KV_STR("network.protocol.version", "2");
		if (e->status)
			kv[n++] = KV_INT("http.response.status_code", e->status);
	}
	n = ahttp_kv_outcome(kv, n, e->err, e->server, e->route);
	if (!e->server) {
		kv[n++] = KV_STR("server.address", e->host[0] ? e->host : e->peer);
		kv[n++] = KV_INT("server.port", e->port >= 0 ? e->port : e->c->rport);
	}
	return n;
}

/* "a,b": what was not seen */
static void partial(struct e2 *e)
{
	const struct { bool on; const char *name; } tab[] = {
		{ e->no_req, "request_not_seen" }, { e->names_lost, "fields_unknown" },
		{ (e->x->flags & H2_X_VALUE_TRUNC) != 0, "value_cut" },
		{ (e->x->flags & H2_X_GRPC_LOST) != 0, "messages" },
		{ !e->no_resp && (e->x->flags & H2_X_RESP_OPEN), "response_end" },
		{ e->unknown, "outcome_unknown" }, { ahttp_peer_unknown(e->c), "peer_unknown" } };
	size_t n = 0;

	e->part[0] = 0;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].on)
			n = put(e->part, sizeof(e->part), n ? put(e->part, sizeof(e->part), n, ",") : 0,
				tab[i].name);
}

/* Where the call went and what it carried */
static uint32_t span_attrs(void *arg, struct otlp_kv *kv, uint32_t n)
{
	struct e2 *e = arg;
	const struct h2_exchange *x = e->x;

	if (!e->grpc && e->method && e->other)
		kv[n++] = KV_STR("http.request.method_original", e->method);
	if (e->grpc) {
		kv[n++] = KV_STR("network.protocol.version", "2");
		kv[n++] = KV_INT("rawtel.rpc.request.messages", x->req_msgs);
		kv[n++] = KV_INT("rawtel.rpc.response.messages", x->resp_msgs);
	} else if (e->server && x->path[0]) {
		kv[n++] = KV_STR("url.path", x->path);
	} else if (x->path[0]) {
		fmt_snprintf(e->url, sizeof(e->url), "%s://%s%s", x->scheme[0] ? x->scheme : "http",
			 x->authority[0] ? x->authority : e->peer, x->path);
		kv[n++] = KV_STR("url.full", e->url);
	}
	if (e->server && e->host[0]) {
		kv[n++] = KV_STR("server.address", e->host);
		kv[n++] = KV_INT("server.port", e->port >= 0 ? e->port : e->c->lport);
	}
	if (e->c->known) {
		if (e->server) {
			kv[n++] = KV_STR("client.address", e->peer);
			kv[n++] = KV_INT("client.port", e->c->rport);
		}
		kv[n++] = KV_STR("network.peer.address", e->peer);
		kv[n++] = KV_INT("network.peer.port", e->c->rport);
	}
	if (x->user_agent[0])
		kv[n++] = KV_STR("user_agent.original", x->user_agent);
	if (!e->grpc && !e->no_req && !(x->flags & H2_X_REQ_OPEN))
		kv[n++] = KV_INT("http.request.body.size", (int64_t)x->req_bytes);
	if (!e->grpc && !e->no_resp && !(x->flags & H2_X_RESP_OPEN))
		kv[n++] = KV_INT("http.response.body.size", (int64_t)x->resp_bytes);
	partial(e);
	if (e->part[0])
		kv[n++] = KV_STR("rawtel.http.partial", e->part);
	return n;
}

/* The span's name, "{method} {route}", "{method}", "HTTP" or the gRPC
 * method, cut to fit, and its error: the status description is
 * grpc-message when there is one. */
static void span_name(void *arg, struct ahttp_out *o)
{
	struct e2 *e = arg;
	size_t len, size = sizeof(e->name);

	if (e->grpc) {
		put(e->name, size, 0, e->other ? "grpc" : e->method);
	} else if (e->other) {
		put(e->name, size, 0, "HTTP");
	} else {
		len = put(e->name, size, 0, e->method);
		if (e->route_len)
			put(e->name, size, put(e->name, size, len, " "), e->route);
	}
	o->name = e->name;
	o->err = e->err != NULL;
	if (e->grpc && e->x->grpc_message[0])
		o->err_msg = e->x->grpc_message;
	else if (e->err != e->codes)
		o->err_msg = e->err;
}

static void record(struct ahttp_state *h, struct agent_proc *pr, const void *arg,
		   const struct otlp_kv *kv, uint32_t n)
{
	const struct e2 *e = arg;
	struct agent *a = h->a;
	int res = agent_proc_agg(a, pr);
	enum agent_inst i = e->grpc ? e->server ? INST_RPC_SERVER_DURATION : INST_RPC_CLIENT_DURATION :
			    e->server ? INST_HTTP_SERVER_DURATION : INST_HTTP_CLIENT_DURATION;

	/* the connection's last series, as HTTP/1's: a connection's streams
	 * mostly share their attributes */
	if (res >= 0)
		ahttp_record(a, res, a->inst[i], kv, n, (double)(e->x->end_ns - e->x->start_ns) / 1e9,
			     &e->c->mc);
}

static const struct ahttp_ver h2_ver = {
	.proto = PROTO_HTTP2, .max_attrs = MAX_ATTRS, .metric_attrs = metric_attrs,
	.record = record, .span_attrs = span_attrs, .span_name = span_name,
};

void ah2_exchange(struct ahttp_state *h, struct ahttp_proc *p, struct ahttp_conn *c,
		  const struct ahttp_ctx *ctx, const struct h2_exchange *x)
{
	struct ahttp_out o = AHTTP_OUT(ctx, c, x);
	bool metric;
	struct e2 e;

	e2_init(&e, h, p, c, ctx, x);
	o.server = e.server;
	metric = !e.no_req && !e.unknown && !(x->flags & H2_X_RESP_OPEN) && x->end_ns >= x->start_ns &&
		 !(x->path[0] && ahttp_ignored(h->a, x->path, HTTP_IGN_METRICS));
	if ((ctx->flags & CTX_SAMPLED) || metric)
		ahttp_emit(h, p, &h2_ver, &e, &o, metric);
}
