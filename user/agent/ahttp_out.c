/* The steps an HTTP exchange takes to the metric and the span once its
 * version has worked out what it is (ahttp_span.c for HTTP/1, ah2_span.c
 * for HTTP/2): the same for both, so kept once; each version supplies its
 * own attributes, name and error through struct ahttp_ver. */
#include <string.h>

#include "agent_int.h"
#include "http.h"

#define AHTTP_MAX_ATTRS 29	/* the larger version's (ahttp_ver.max_attrs) */

uint32_t ahttp_kv_outcome(struct otlp_kv *kv, uint32_t n, const char *err, bool server,
			  const char *route)
{
	if (err)
		kv[n++] = otlp_kv_str("error.type", err);
	if (server && route[0])
		kv[n++] = otlp_kv_str("http.route", route);
	return n;
}

static void span_out(struct ahttp_state *h, struct agent_proc *pr, const struct ahttp_out *o,
		     const struct otlp_kv *kv, uint32_t n)
{
	struct otlp_span s;

	ahttp_span_init(h->a, o->ctx, o->server, o->start_ns, o->end_ns, &s);
	/* the tracestate that came with the traceparent used */
	if (o->tp_state == HTTP1_TP_VALID && (o->server ? (o->ctx->flags & CTX_REMOTE) : 1))
		s.trace_state = otlp_s(o->tracestate);
	s.name = otlp_s(o->name);
	s.attrs = kv;
	s.n_attrs = n;
	if (o->err) {
		s.status_code = OTLP_STATUS_ERROR;
		if (o->err_msg)
			s.status_msg = otlp_s(o->err_msg);
	}
	agent_add_span(h->a, pr, &s);
}

void ahttp_emit(struct ahttp_state *h, const struct ahttp_proc *p, const struct ahttp_ver *v,
		void *e, struct ahttp_out *o, bool metric)
{
	struct otlp_kv kv[AHTTP_MAX_ATTRS];
	uint32_t n = v->metric_attrs(e, kv);
	struct agent_proc *pr;
	char comm[17];

	/* the process's entry, looked up once for the metric and the span */
	pfmt_comm(comm, p->comm);
	pr = procs_get(&h->a->procs, p->pid, comm);
	if (metric)
		v->record(h, pr, e, kv, n);
	if (!(o->ctx->flags & CTX_SAMPLED))
		return;
	n = v->span_attrs(e, kv, n);
	n = atls_attrs(h, p->pid, o->conn, v->proto, kv, n, v->max_attrs);
	v->span_name(e, o);
	span_out(h, pr, o, kv, n);
}
