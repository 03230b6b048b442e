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
 * error is claimed). Exchanges without their request or with an unknown
 * outcome are left out of the duration histograms: their durations are
 * not the request's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_int.h"
#include "http.h"

#define MAX_ATTRS 20

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
 * connection is enough. */
static const char *peer_str(struct ahttp_conn *c)
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
static void partial(uint32_t f, bool unknown, char *out, size_t size)
{
	static const struct { uint32_t flag; const char *name; } tab[] = {
		{ HTTP1_X_NO_REQUEST, "request_not_seen" }, { HTTP1_X_REQ_TRUNC, "request_head" },
		{ HTTP1_X_RESP_TRUNC, "response_head" }, { HTTP1_X_VALUE_TRUNC, "value_cut" },
		{ HTTP1_X_REQ_SIZE_UNKNOWN | HTTP1_X_RESP_SIZE_UNKNOWN, "sizes" },
	};
	size_t n = 0;

	out[0] = 0;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (f & tab[i].flag)
			n += (size_t)snprintf(out + n, size - n, "%s%s", n ? "," : "", tab[i].name);
	if (unknown)
		snprintf(out + n, size - n, "%s%s", n ? "," : "", "outcome_unknown");
}

static void record(struct ahttp_state *h, struct agent_proc *pr, bool server,
		   const struct otlp_kv *kv, uint32_t n, const struct http1_exchange *x)
{
	struct agent *a = h->a;
	int res = agent_proc_agg(a, pr);

	if (res >= 0)
		otlp_agg_record_double(a->agg, res,
				       a->inst[server ? INST_HTTP_SERVER_DURATION : INST_HTTP_CLIENT_DURATION],
				       kv, n, (double)(x->end_ns - x->start_ns) / 1e9);
}

void ahttp_exchange(struct ahttp_state *h, struct ahttp_proc *p, struct ahttp_conn *c,
		   const struct ahttp_ctx *ctx, const struct http1_exchange *x)
{
	struct agent *a = h->a;
	bool server = c->role == HTTP1_SERVER, no_req = x->flags & HTTP1_X_NO_REQUEST;
	bool no_resp = x->flags & HTTP1_X_NO_RESPONSE, unknown = no_resp && !h->why;
	bool other = no_req || (x->flags & HTTP1_X_METHOD_OTHER);
	const char *method = other ? "_OTHER" : x->method, *err = NULL;
	char route[HTTP1_ROUTE_MAX] = "", name[HTTP1_ROUTE_MAX + 32], code[8], ver[4] = "1.x";
	const char *peer = "";
	char url[HTTP1_HOST_MAX + HTTP1_PATH_MAX + HTTP1_QUERY_MAX + 80], part[96];
	struct otlp_kv kv[MAX_ATTRS], mkv[8];
	uint32_t n = 0, mn = 0;
	int minor = x->req_minor >= 0 ? x->req_minor : x->resp_minor, status = no_resp ? 0 : x->status;
	bool span = ctx->flags & CTX_SAMPLED, metric;
	struct host host;
	uint32_t flags = x->flags;
	uint64_t req_body = x->req_body_bytes, resp_body = x->resp_body_bytes;
	struct agent_proc *pr;
	char comm[17];
	size_t route_len = 0, mlen;

	if (ctx->flags & CTX_SELF) {
		h->ev[HEV_SELF]++;
		return;
	}
	if (ctx->flags & CTX_IGNORED)
		h->ev[HEV_IGNORED]++;
	else if (!span)
		h->ev[HEV_UNSAMPLED]++;
	metric = !no_req && !unknown && !(x->path[0] && ahttp_ignored(a, x->path, HTTP_IGN_METRICS));
	if (!span && !metric)
		return;
	if (server && !no_req && x->path[0] == '/')
		route_len = http1_route(p->routes, x->path, strlen(x->path), route, sizeof(route));
	if (no_resp)
		err = h->why;
	else if (status >= 500 || (!server && status >= 400))
		snprintf(code, sizeof(code), "%d", status), err = code;
	else if (x->flags & HTTP1_X_RESP_ABORTED)
		err = "response_aborted";
	if (minor >= 0 && minor <= 9)
		ver[2] = (char)('0' + minor);
	host_split(x->host, &host);
	if (c->known)
		peer = peer_str(c);

	/* the metric's attributes: bounded (route cap, status, the peer) */
	mkv[mn++] = otlp_kv_str("http.request.method", method);
	mkv[mn++] = otlp_kv_str("url.scheme", "http");
	if (minor >= 0)
		mkv[mn++] = otlp_kv_str("network.protocol.version", ver);
	if (status)
		mkv[mn++] = otlp_kv_int("http.response.status_code", status);
	if (err)
		mkv[mn++] = otlp_kv_str("error.type", err);
	if (server && route[0]) {
		mkv[mn++] = otlp_kv_str("http.route", route);
	} else if (!server) {
		mkv[mn++] = otlp_kv_str("server.address", host.name[0] ? host.name : c->known ? peer : "");
		mkv[mn++] = otlp_kv_int("server.port", host.port >= 0 ? host.port : c->rport);
	}
	/* the process's entry, looked up once for the metric and the span */
	pfmt_comm(comm, p->comm);
	pr = procs_get(&a->procs, p->pid, comm);
	if (metric)
		record(h, pr, server, mkv, mn, x);
	if (!span)
		return;

	for (uint32_t i = 0; i < mn; i++)
		kv[n++] = mkv[i];
	if (x->flags & HTTP1_X_METHOD_OTHER)
		kv[n++] = otlp_kv_str("http.request.method_original", x->method);
	if (server) {
		if (!no_req)
			kv[n++] = otlp_kv_str("url.path", x->path);
		if (x->has_query)
			kv[n++] = otlp_kv_str("url.query", x->query);
		if (host.name[0]) {
			kv[n++] = otlp_kv_str("server.address", host.name);
			kv[n++] = otlp_kv_int("server.port", host.port >= 0 ? host.port : c->lport);
		}
		if (c->known) {
			kv[n++] = otlp_kv_str("client.address", peer);
			kv[n++] = otlp_kv_int("client.port", c->rport);
		}
	} else if (!no_req) {
		/* the URL the request went to; its query as url.query would be */
		int port = host.port >= 0 ? host.port : c->rport;
		const char *hn = host.name[0] ? host.name : peer;
		bool v6 = strchr(hn, ':') && hn[0] != '[';
		snprintf(url, sizeof(url), "http://%s%s%s", v6 ? "[" : "", hn, v6 ? "]" : "");
		if (port != 80 && port > 0)
			snprintf(url + strlen(url), sizeof(url) - strlen(url), ":%d", port);
		snprintf(url + strlen(url), sizeof(url) - strlen(url), "%s%s%s", x->path,
			 x->has_query ? "?" : "", x->has_query ? x->query : "");
		kv[n++] = otlp_kv_str("url.full", url);
	}
	if (c->known) {
		kv[n++] = otlp_kv_str("network.peer.address", peer);
		kv[n++] = otlp_kv_int("network.peer.port", c->rport);
	}
	if (x->user_agent[0])
		kv[n++] = otlp_kv_str("user_agent.original", x->user_agent);
	/* a body whose end was not seen (a server answering before it has
	 * read the request body, as nginx's `return` does; framing lost in
	 * bytes not captured) still has the size its Content-Length declared,
	 * the figure instrumented servers report too; unless the connection
	 * closed inside it */
	if (!no_req && (x->flags & HTTP1_X_REQ_SIZE_UNKNOWN) && x->req_content_length >= 0) {
		flags &= ~HTTP1_X_REQ_SIZE_UNKNOWN;
		req_body = (uint64_t)x->req_content_length;
	}
	if (!no_resp && (x->flags & HTTP1_X_RESP_SIZE_UNKNOWN) && x->resp_content_length >= 0 &&
	    !(x->flags & HTTP1_X_RESP_ABORTED)) {
		flags &= ~HTTP1_X_RESP_SIZE_UNKNOWN;
		resp_body = (uint64_t)x->resp_content_length;
	}
	if (!no_req && !(flags & HTTP1_X_REQ_SIZE_UNKNOWN))
		kv[n++] = otlp_kv_int("http.request.body.size", (int64_t)req_body);
	if (!no_resp && !(flags & HTTP1_X_RESP_SIZE_UNKNOWN))
		kv[n++] = otlp_kv_int("http.response.body.size", (int64_t)resp_body);
	partial(flags, unknown, part, sizeof(part));
	if (part[0])
		kv[n++] = otlp_kv_str("rawtel.http.partial", part);

	/* "{method} {route}" for a server with a route, else "{method}";
	 * an unknown method is "HTTP" there */
	mlen = strlen(other ? "HTTP" : x->method);
	memcpy(name, other ? "HTTP" : x->method, mlen);
	if (route_len) {
		/* fits: HTTP1_METHOD_MAX + HTTP1_ROUTE_MAX < sizeof(name) */
		name[mlen++] = ' ';
		memcpy(name + mlen, route, route_len);
		mlen += route_len;
	}
	name[mlen] = 0;

	struct otlp_span s;
	memset(&s, 0, sizeof(s));
	memcpy(s.trace_id, ctx->trace_id, 16);
	memcpy(s.span_id, ctx->span_id, 8);
	if (ctx->flags & CTX_PARENT)
		memcpy(s.parent_span_id, ctx->parent_id, 8);
	/* the tracestate that came with the traceparent used */
	if (x->tp_state == HTTP1_TP_VALID && (server ? (ctx->flags & CTX_REMOTE) : 1))
		s.trace_state = otlp_s(x->tracestate);
	s.name = otlp_s(name);
	s.kind = server ? OTLP_KIND_SERVER : OTLP_KIND_CLIENT;
	s.start_ns = agent_wall_ns(a, x->start_ns);
	s.end_ns = agent_wall_ns(a, x->end_ns > x->start_ns ? x->end_ns : x->start_ns);
	s.attrs = kv;
	s.n_attrs = n;
	if (err) {
		s.status_code = OTLP_STATUS_ERROR;
		/* a status code says it all; a transport error is its name */
		if (err != code)
			s.status_msg = otlp_s(err);
	}
	s.flags = OTLP_FLAG_SAMPLED | OTLP_FLAG_HAS_IS_REMOTE |
		  (ctx->flags & CTX_REMOTE ? OTLP_FLAG_IS_REMOTE : 0);
	agent_add_span(a, pr, &s);
}
