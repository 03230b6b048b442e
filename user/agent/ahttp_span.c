/* An HTTP exchange as a SERVER or CLIENT span and a point of the
 * http.{server,client}.request.duration histogram, per the semantic
 * conventions (attributes, names, status, error.type).
 *
 * error.type: the status code for 5xx (server) or 4xx/5xx (client);
 * without a response: "connection_closed" (the connection or the process
 * ended first), "timeout" (no response begun within 120 s); a response
 * cut by the close: "response_aborted". Those set the span status ERROR.
 *
 * What the parser could not see is said in rawtel.http.partial (a comma
 * list): request_not_seen (tracing began mid-connection: no method, path
 * or route; name "HTTP"), request_head / response_head (a head not all
 * seen: fields may be missing), value_cut (a kept value was cut), sizes
 * (body sizes unknown, not exported), outcome_unknown (rawtel stopped
 * watching before the response: at exit, or state evicted for room; no
 * error is claimed), peer_unknown (the connection's peer could not be
 * had: no client.address or network.peer.*, never a guessed one).
 * Exchanges without their request or with an unknown outcome are left out
 * of the duration histograms: their durations are not the request's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_int.h"
#include "http.h"
#include "rawtel/fmt.h"

#define MAX_ATTRS 27		/* 7 of them tls.* (atls.c) */
/* beside HTTP1_X_*, for partial() */
#define X_OUTCOME_UNKNOWN (1u << 30)
#define X_PEER_UNKNOWN (1u << 31)

struct host {
	char name[HTTP1_HOST_MAX];
	int port;		/* -1: none given */
};

/* The port after a host's colon: 1 to 5 digits (the common case, without
 * strtol), else what strtol makes of it; -1 when none. */
static long port_of(const char *s)
{
	long p = 0;
	size_t i;
	char *end;

	for (i = 0; i < 5 && s[i] >= '0' && s[i] <= '9'; i++)
		p = p * 10 + (s[i] - '0');
	if (i && !s[i])
		return p <= 65535 ? p : -1;
	p = strtol(s, &end, 10);
	return !*end && end != s && p >= 0 && p <= 65535 ? p : -1;
}

/* "name[:port]" or "[v6]:port" */
static void host_split(const char *s, struct host *h)
{
	const char *colon = strrchr(s, ':'), *close = colon ? strchr(s, ']') : NULL;
	size_t n = strlen(s);

	h->port = -1;
	if (colon && (!close || colon > close)) {
		long p = port_of(colon + 1);
		if (p >= 0) {
			h->port = (int)p;
			n = (size_t)(colon - s);
		}
	}
	if (n >= sizeof(h->name))
		n = sizeof(h->name) - 1;
	memcpy(h->name, s, n);
	h->name[n] = 0;
}

/* The peer's address as text: inet_ntop is a sprintf, once per
 * connection is enough (HTTP/1's and HTTP/2's spans). */
const char *ahttp_peer_str(struct ahttp_conn *c)
{
	if (!c->peer[0] || c->peer_family != c->family || memcmp(c->peer_addr, c->raddr, 16)) {
		char buf[64];
		const char *a = tcp_addr_str(c->family, c->raddr, buf, sizeof(buf));
		size_t n = strlen(a);

		if (n >= sizeof(c->peer))
			n = sizeof(c->peer) - 1;
		memcpy(c->peer, a, n);
		c->peer[n] = 0;
		c->peer_family = c->family;
		memcpy(c->peer_addr, c->raddr, 16);
	}
	return c->peer;
}

/* "a,b": what the flags say was not seen */
static void partial(uint32_t f, char *out, size_t size)
{
	static const struct { uint32_t flag; const char *name; } tab[] = {
		{ HTTP1_X_NO_REQUEST, "request_not_seen" }, { HTTP1_X_REQ_TRUNC, "request_head" },
		{ HTTP1_X_RESP_TRUNC, "response_head" }, { HTTP1_X_VALUE_TRUNC, "value_cut" },
		{ HTTP1_X_REQ_SIZE_UNKNOWN | HTTP1_X_RESP_SIZE_UNKNOWN, "sizes" },
		{ X_OUTCOME_UNKNOWN, "outcome_unknown" }, { X_PEER_UNKNOWN, "peer_unknown" },
	};
	size_t n = 0;

	out[0] = 0;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (f & tab[i].flag)
			n += (size_t)fmt_snprintf(out + n, size - n, "%s%s", n ? "," : "", tab[i].name);
}

/* What the blocks below share about one exchange, worked out once; the
 * span's attributes point into its text. */
struct ex {
	const struct http1_exchange *x;
	struct ahttp_conn *c;
	const struct ahttp_ctx *ctx;
	bool server;		/* else a client request */
	bool no_req;		/* the request was not seen */
	bool no_resp;		/* no response: h->why says why, if known */
	bool unknown;		/* no response, and no reason: rawtel stopped
				 * watching first (outcome_unknown) */
	bool other;		/* method not seen or not standard: _OTHER */
	int minor;		/* HTTP/1.<minor>; -1 when no head said */
	int status;		/* 0 without a response */
	const char *err;	/* error.type; NULL when none */
	char code[8];		/* err's text when it is the status code */
	char ver[4];		/* network.protocol.version */
	char route[HTTP1_ROUTE_MAX];
	size_t route_len;
	struct host host;	/* the Host header, split */
	const char *peer;	/* the peer's address; "" when not known */
	char url[HTTP1_HOST_MAX + HTTP1_PATH_MAX + HTTP1_QUERY_MAX + 80];
	char part[96];		/* rawtel.http.partial */
	char name[HTTP1_ROUTE_MAX + 32];
};

/* The exchange's kind and what is missing from it. */
static void ex_init(struct ex *e, const struct ahttp_state *h, struct ahttp_conn *c,
		    const struct ahttp_ctx *ctx, const struct http1_exchange *x)
{
	e->x = x;
	e->c = c;
	e->ctx = ctx;
	e->server = c->role == HTTP1_SERVER;
	e->no_req = x->flags & HTTP1_X_NO_REQUEST;
	e->no_resp = x->flags & HTTP1_X_NO_RESPONSE;
	e->unknown = e->no_resp && !h->why;
	e->other = e->no_req || (x->flags & HTTP1_X_METHOD_OTHER);
	e->minor = x->req_minor >= 0 ? x->req_minor : x->resp_minor;
	e->status = e->no_resp ? 0 : x->status;
}

/* Route, error.type, version, host and peer: for an exchange that is
 * exported (matching a route may add it to the process's table). */
static void ex_describe(struct ex *e, const struct ahttp_state *h, struct ahttp_proc *p)
{
	const struct http1_exchange *x = e->x;

	e->route[0] = 0;
	e->route_len = 0;
	if (e->server && !e->no_req && x->path[0] == '/')
		e->route_len = http1_route(p->routes, x->path, strlen(x->path), e->route,
					   sizeof(e->route));
	e->err = NULL;
	if (e->no_resp) {
		e->err = h->why;
	} else if (e->status >= 500 || (!e->server && e->status >= 400)) {
		fmt_snprintf(e->code, sizeof(e->code), "%d", e->status);
		e->err = e->code;
	} else if (x->flags & HTTP1_X_RESP_ABORTED) {
		e->err = "response_aborted";
	}
	memcpy(e->ver, "1.x", 4);
	if (e->minor >= 0 && e->minor <= 9)
		e->ver[2] = (char)('0' + e->minor);
	host_split(x->host, &e->host);
	e->peer = e->c->known ? ahttp_peer_str(e->c) : "";
}

/* The metric's attributes: bounded (route cap, status, the peer). They
 * are the span's first ones too. */
static uint32_t metric_attrs(const void *arg, struct otlp_kv *kv)
{
	const struct ex *e = arg;
	const struct ahttp_conn *c = e->c;
	uint32_t n = 0;

	kv[n++] = otlp_kv_str("http.request.method", e->other ? "_OTHER" : e->x->method);
	kv[n++] = otlp_kv_str("url.scheme", c->tls ? "https" : "http");
	if (e->minor >= 0)
		kv[n++] = otlp_kv_str("network.protocol.version", e->ver);
	if (e->status)
		kv[n++] = otlp_kv_int("http.response.status_code", e->status);
	n = ahttp_kv_outcome(kv, n, e->err, e->server, e->route);
	if (!e->server) {
		const char *addr = e->host.name[0] ? e->host.name : c->known ? e->peer : "";

		kv[n++] = otlp_kv_str("server.address", addr);
		/* a connection unknown (TLS no socket was proven for): no port
		 * but the Host header's */
		if (e->host.port >= 0 || c->rport)
			kv[n++] = otlp_kv_int("server.port", e->host.port >= 0 ? e->host.port : c->rport);
	}
	return n;
}

/* A value's bytes into a key: most are short, and a copy of a length
 * unknown when compiled is a `rep movsb` in the static x86 build, whose
 * start-up was half of recording a point. Elsewhere memcpy is a call to
 * libc's copy, as it is. */
static void key_copy(uint8_t *d, const uint8_t *p, size_t n)
{
#if defined(__x86_64__) || defined(__i386__)
	uint64_t a, b;

	if (n >= 8 && n <= 16) {
		memcpy(&a, p, 8);
		memcpy(&b, p + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &b, 8);
		return;
	}
	if (n < 8) {
		for (size_t i = 0; i < n; i++)
			d[i] = p[i];
		return;
	}
#endif
	memcpy(d, p, n);
}

/* What a metric attribute set is made of, exactly, for comparing it
 * with the connection's last one: per attribute its key's address (a
 * literal of this file), type and value; the resource and instrument
 * first. 0 when it would not fit. */
static size_t mkey_make(const struct otlp_kv *kv, uint32_t n, int res, int inst, uint8_t *out)
{
	size_t len = 0;

	memcpy(out, &res, sizeof(res));
	memcpy(out + sizeof(res), &inst, sizeof(inst));
	len = sizeof(res) + sizeof(inst);
	for (uint32_t i = 0; i < n; i++) {
		size_t vlen = kv[i].v.type == OTLP_V_STRING ? kv[i].v.len : sizeof(kv[i].v.u.i);

		if (len + sizeof(kv[i].key.p) + 3 + vlen > AHTTP_MKEY_MAX || vlen > 255)
			return 0;
		memcpy(out + len, &kv[i].key.p, sizeof(kv[i].key.p));
		len += sizeof(kv[i].key.p);
		out[len++] = (uint8_t)kv[i].v.type;
		out[len++] = (uint8_t)vlen;
		key_copy(out + len, kv[i].v.type == OTLP_V_STRING ? (const void *)kv[i].v.u.s
								 : (const void *)&kv[i].v.u.i, vlen);
		len += vlen;
	}
	return len;
}

/* Two keys of len bytes alike: a word at a time (the static build's
 * memcmp goes a byte at a time, and a key is about a hundred) */
static bool key_eq(const uint8_t *a, const uint8_t *b, size_t len)
{
#if !defined(__x86_64__) && !defined(__i386__)
	/* elsewhere libc's, as it was: the arm64 binary has no room */
	return !memcmp(a, b, len);
#else
	uint64_t x, y, diff = 0;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		diff |= x ^ y;
	}
	for (; i < len; i++)
		diff |= (uint64_t)(a[i] ^ b[i]);
	return !diff;
#endif
}

void ahttp_record(struct agent *a, int res, int inst, const struct otlp_kv *kv, uint32_t n,
		  double v, struct ahttp_mcache *mc)
{
	uint8_t key[AHTTP_MKEY_MAX];
	size_t len;
	uint64_t ref;
	bool same;

	if (!mc) {
		otlp_agg_record_double(a->agg, res, inst, kv, n, v);
		return;
	}
	len = mkey_make(kv, n, res, inst, key);
	same = len && len == mc->len && key_eq(key, mc->key, len);
	ref = same ? mc->ref : 0;
	otlp_agg_record_double_ref(a->agg, res, inst, kv, n, v, &ref);
	mc->ref = ref;
	if (!same) {
		memcpy(mc->key, key, len);
		mc->len = (uint8_t)len;
	}
}

static void record(struct ahttp_state *h, struct agent_proc *pr, const void *arg,
		   const struct otlp_kv *kv, uint32_t n)
{
	const struct ex *e = arg;
	const struct http1_exchange *x = e->x;
	struct agent *a = h->a;
	int res = agent_proc_agg(a, pr);

	if (res >= 0)
		ahttp_record(a, res,
			     a->inst[e->server ? INST_HTTP_SERVER_DURATION : INST_HTTP_CLIENT_DURATION],
			     kv, n, (double)(x->end_ns - x->start_ns) / 1e9, &e->c->mc);
}

/* The URL the client request went to; its query as url.query would be. */
static void url_full(struct ex *e)
{
	const struct http1_exchange *x = e->x;
	int port = e->host.port >= 0 ? e->host.port : e->c->rport;
	const char *hn = e->host.name[0] ? e->host.name : e->peer;
	bool v6 = strchr(hn, ':') && hn[0] != '[';
	size_t len;

	fmt_snprintf(e->url, sizeof(e->url), "%s://%s%s%s", e->c->tls ? "https" : "http", v6 ? "[" : "",
		 hn, v6 ? "]" : "");
	len = strlen(e->url);
	if (port != (e->c->tls ? 443 : 80) && port > 0)
		fmt_snprintf(e->url + len, sizeof(e->url) - len, ":%d", port);
	len = strlen(e->url);
	fmt_snprintf(e->url + len, sizeof(e->url) - len, "%s%s%s", x->path, x->has_query ? "?" : "",
		 x->has_query ? x->query : "");
}

/* Where the request went: the server's path, query, host and client, or
 * the client's URL. */
static uint32_t target_attrs(struct ex *e, struct otlp_kv *kv, uint32_t n)
{
	const struct http1_exchange *x = e->x;
	const struct ahttp_conn *c = e->c;

	if (e->server) {
		if (!e->no_req)
			kv[n++] = otlp_kv_str("url.path", x->path);
		if (x->has_query)
			kv[n++] = otlp_kv_str("url.query", x->query);
		if (e->host.name[0]) {
			int port = e->host.port >= 0 ? e->host.port : c->lport;

			kv[n++] = otlp_kv_str("server.address", e->host.name);
			if (port > 0)
				kv[n++] = otlp_kv_int("server.port", port);
		}
		if (c->known) {
			kv[n++] = otlp_kv_str("client.address", e->peer);
			kv[n++] = otlp_kv_int("client.port", c->rport);
		}
	} else if (!e->no_req) {
		url_full(e);
		kv[n++] = otlp_kv_str("url.full", e->url);
	}
	return n;
}

/* Body sizes and rawtel.http.partial. A body whose end was not seen (a
 * server answering before it has read the request body, as nginx's
 * `return` does; framing lost in bytes not captured) still has the size
 * its Content-Length declared, the figure instrumented servers report
 * too; unless the connection closed inside it. */
static uint32_t size_attrs(struct ex *e, struct otlp_kv *kv, uint32_t n)
{
	const struct http1_exchange *x = e->x;
	uint32_t flags = x->flags;
	uint64_t req_body = x->req_body_bytes, resp_body = x->resp_body_bytes;

	if (!e->no_req && (flags & HTTP1_X_REQ_SIZE_UNKNOWN) && x->req_content_length >= 0) {
		flags &= ~HTTP1_X_REQ_SIZE_UNKNOWN;
		req_body = (uint64_t)x->req_content_length;
	}
	if (!e->no_resp && (flags & HTTP1_X_RESP_SIZE_UNKNOWN) && x->resp_content_length >= 0 &&
	    !(flags & HTTP1_X_RESP_ABORTED)) {
		flags &= ~HTTP1_X_RESP_SIZE_UNKNOWN;
		resp_body = (uint64_t)x->resp_content_length;
	}
	if (!e->no_req && !(flags & HTTP1_X_REQ_SIZE_UNKNOWN))
		kv[n++] = otlp_kv_int("http.request.body.size", (int64_t)req_body);
	if (!e->no_resp && !(flags & HTTP1_X_RESP_SIZE_UNKNOWN))
		kv[n++] = otlp_kv_int("http.response.body.size", (int64_t)resp_body);
	flags |= (e->unknown ? X_OUTCOME_UNKNOWN : 0) | (ahttp_peer_unknown(e->c) ? X_PEER_UNKNOWN : 0);
	partial(flags, e->part, sizeof(e->part));
	if (e->part[0])
		kv[n++] = otlp_kv_str("rawtel.http.partial", e->part);
	return n;
}

/* The span's attributes after the metric's first `n`. */
static uint32_t span_attrs(void *arg, struct otlp_kv *kv, uint32_t n)
{
	struct ex *e = arg;
	const struct http1_exchange *x = e->x;

	if (x->flags & HTTP1_X_METHOD_OTHER)
		kv[n++] = otlp_kv_str("http.request.method_original", x->method);
	n = target_attrs(e, kv, n);
	if (e->c->known) {
		kv[n++] = otlp_kv_str("network.peer.address", e->peer);
		kv[n++] = otlp_kv_int("network.peer.port", e->c->rport);
	}
	if (x->user_agent[0])
		kv[n++] = otlp_kv_str("user_agent.original", x->user_agent);
	return size_attrs(e, kv, n);
}

/* The span's name, "{method} {route}" for a server with a route, else
 * "{method}" (an unknown method is "HTTP" there), and its error. */
static void span_name(void *arg, struct ahttp_out *o)
{
	struct ex *e = arg;
	const char *method = e->other ? "HTTP" : e->x->method;
	size_t len = strlen(method);

	memcpy(e->name, method, len);
	if (e->route_len) {
		/* fits: HTTP1_METHOD_MAX + HTTP1_ROUTE_MAX < sizeof(name) */
		e->name[len++] = ' ';
		memcpy(e->name + len, e->route, e->route_len);
		len += e->route_len;
	}
	e->name[len] = 0;
	o->name = e->name;
	o->err = e->err != NULL;
	/* a status code says it all; a transport error is its name */
	o->err_msg = e->err != e->code ? e->err : NULL;
}

static const struct ahttp_ver h1_ver = {
	.proto = PROTO_HTTP1, .max_attrs = MAX_ATTRS, .metric_attrs = metric_attrs,
	.record = record, .span_attrs = span_attrs, .span_name = span_name,
};

void ahttp_span_init(const struct agent *a, const struct ahttp_ctx *ctx, bool server,
		     uint64_t start_ns, uint64_t end_ns, struct otlp_span *s)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->trace_id, ctx->trace_id, 16);
	memcpy(s->span_id, ctx->span_id, 8);
	if (ctx->flags & CTX_PARENT)
		memcpy(s->parent_span_id, ctx->parent_id, 8);
	s->kind = server ? OTLP_KIND_SERVER : OTLP_KIND_CLIENT;
	s->start_ns = agent_wall_ns(a, start_ns);
	s->end_ns = agent_wall_ns(a, end_ns > start_ns ? end_ns : start_ns);
	s->flags = OTLP_FLAG_SAMPLED | OTLP_FLAG_HAS_IS_REMOTE |
		   (ctx->flags & CTX_REMOTE ? OTLP_FLAG_IS_REMOTE : 0);
}

/* Count an exchange by what its context says (rawtel's own export,
 * ignored, unsampled); 0 when it makes nothing at all. */
int ahttp_ctx_count(struct ahttp_state *h, const struct ahttp_ctx *ctx)
{
	if (ctx->flags & CTX_SELF) {
		h->ev[HEV_SELF]++;
		return 0;
	}
	if (ctx->flags & CTX_IGNORED)
		h->ev[HEV_IGNORED]++;
	else if (!(ctx->flags & CTX_SAMPLED))
		h->ev[HEV_UNSAMPLED]++;
	return 1;
}

void ahttp_exchange(struct ahttp_state *h, struct ahttp_proc *p, struct ahttp_conn *c,
		   const struct ahttp_ctx *ctx, const struct http1_exchange *x)
{
	struct ahttp_out o = AHTTP_OUT(ctx, c, x);
	bool metric;
	struct ex e;

	ex_init(&e, h, c, ctx, x);
	metric = !e.no_req && !e.unknown &&
		 !(x->path[0] && ahttp_ignored(h->a, x->path, HTTP_IGN_METRICS));
	if (!(ctx->flags & CTX_SAMPLED) && !metric)
		return;
	ex_describe(&e, h, p);
	o.server = e.server;
	ahttp_emit(h, p, &h1_ver, &e, &o, metric);
}
