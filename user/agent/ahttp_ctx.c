/* Trace context of HTTP spans, decided when a request's head has been
 * seen (before its response, so that what happens meanwhile can refer to
 * it).
 *
 * SERVER: a valid incoming traceparent is continued (its trace id, its
 * parent id as the remote parent, its sampled flag for parent-based
 * samplers; tracestate kept); otherwise a new trace.
 *
 * CLIENT (rawtel cannot inject headers, so it can only find the parent):
 *   1. the request carries a valid traceparent (the application forwards
 *      the one it received, as nginx does, or propagates its own): if
 *      exactly one server request in progress in the process has that
 *      trace id (looked for on the sending thread first, then in the
 *      whole process), it is the parent; otherwise the header's own
 *      context is: its trace id, its parent id as remote parent. Either
 *      way the span is in the trace the server downstream continues.
 *   2. no traceparent: if the sending thread is serving exactly one
 *      request (its head seen, its response not over), that request is
 *      the parent. A thread serving several at once (an event loop such
 *      as an nginx worker under concurrency) gives no parent: rawtel
 *      cannot tell which one caused it, and a wrong parent is worse
 *      than none. Single-threaded event loops serving one request at a
 *      time fall under the same rule (their one thread is the process).
 *   3. otherwise a new trace.
 * A database or cache call (adb_rec.c) is a client request without a
 * traceparent: the same rules, from rule 2 (ahttp_ctx_call). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_int.h"
#include "http.h"
#include "rawtel/fmt.h"
#include "rawtel/rand.h"

static const char *const sampler_names[] = {
	[SAMPLER_PB_ALWAYS_ON] = "parentbased_always_on",
	[SAMPLER_ALWAYS_ON] = "always_on",
	[SAMPLER_ALWAYS_OFF] = "always_off",
	[SAMPLER_RATIO] = "traceidratio",
	[SAMPLER_PB_ALWAYS_OFF] = "parentbased_always_off",
	[SAMPLER_PB_RATIO] = "parentbased_traceidratio",
};

void ahttp_sampler_env(uint8_t *sampler, double *ratio)
{
	const char *s = getenv("OTEL_TRACES_SAMPLER"), *arg = getenv("OTEL_TRACES_SAMPLER_ARG");
	uint8_t k;

	*sampler = SAMPLER_PB_ALWAYS_ON;
	*ratio = 1.0;
	if (!s || !*s)
		return;		/* the argument applies to a sampler set here only */
	for (k = 0; k < sizeof(sampler_names) / sizeof(sampler_names[0]); k++)
		if (!strcmp(s, sampler_names[k]))
			break;
	if (k == sizeof(sampler_names) / sizeof(sampler_names[0])) {
		fmt_fprintf(stderr, "rawtel: OTEL_TRACES_SAMPLER=%s is not a sampler rawtel knows; using "
			"parentbased_always_on\n", s);
		return;
	}
	*sampler = k;
	if ((k == SAMPLER_RATIO || k == SAMPLER_PB_RATIO) && arg && *arg) {
		char *end;
		double r = fmt_strtod(arg, &end);
		if (*end || !(r >= 0 && r <= 1))
			fmt_fprintf(stderr, "rawtel: OTEL_TRACES_SAMPLER_ARG=%s is not a ratio from 0 to 1; "
				"using 1.0\n", arg);
		else
			*ratio = r;
	}
}

/* TraceIdRatioBased: the trace id's last 8 bytes (big-endian, top bit
 * dropped) against ratio * 2^63, as the SDKs compute it, so every
 * process of a trace decides the same. */
static bool ratio_keeps(double ratio, const uint8_t id[16])
{
	uint64_t x = 0;

	if (ratio >= 1)
		return true;
	for (int i = 8; i < 16; i++)
		x = x << 8 | id[i];
	return (x >> 1) < (uint64_t)(ratio * 9223372036854775808.0);
}

bool ahttp_sample(uint8_t sampler, double ratio, const uint8_t id[16], int parent)
{
	switch (sampler) {
	case SAMPLER_ALWAYS_ON:
		return true;
	case SAMPLER_ALWAYS_OFF:
		return false;
	case SAMPLER_RATIO:
		return ratio_keeps(ratio, id);
	case SAMPLER_PB_ALWAYS_OFF:
		return parent > 0;
	case SAMPLER_PB_RATIO:
		return parent >= 0 ? parent > 0 : ratio_keeps(ratio, id);
	default:	/* parentbased_always_on */
		return parent != 0;
	}
}

int ahttp_ignored(const struct agent *a, const char *path, int what)
{
	for (uint32_t i = 0; i < a->o->n_ignore; i++)
		if ((a->o->ignore[i].what & what) &&
		    http1_route_match(a->o->ignore[i].pattern, path, strlen(path)))
			return 1;
	return 0;
}

static void decide(struct ahttp_state *h, struct ahttp_ctx *c, int parent_sampled)
{
	const struct agent_opts *o = h->a->o;

	if (!(c->flags & (CTX_IGNORED | CTX_SELF)) &&
	    ahttp_sample(o->sampler, o->sampler_ratio, c->trace_id, parent_sampled))
		c->flags |= CTX_SAMPLED;
}

/* A context of its own: no parent yet, a new span id. */
static void ctx_new(struct ahttp_ctx *out)
{
	memset(out, 0, sizeof(*out));
	out->act = -1;
	rand_id(out->span_id, 8);
}

/* The trace of the request's traceparent, its parent remote; without
 * one, a new trace. Returns the parent's sampled flag, -1 when none. */
static int ctx_trace(struct ahttp_ctx *out, const struct http1_traceparent *tp)
{
	if (!tp) {
		rand_id(out->trace_id, 16);
		return -1;
	}
	memcpy(out->trace_id, tp->trace_id, 16);
	memcpy(out->parent_id, tp->parent_id, 8);
	out->flags = CTX_PARENT | CTX_REMOTE;
	return tp->flags & 1;
}

static const struct http1_traceparent *tp_of(const struct http1_exchange *x)
{
	return x->tp_state == HTTP1_TP_VALID ? &x->tp : NULL;
}

void ahttp_ctx_server(struct ahttp_state *h, const struct http1_exchange *x, struct ahttp_ctx *out)
{
	int parent;

	ctx_new(out);
	parent = ctx_trace(out, tp_of(x));
	/* a collector receiving what rawtel exports: tracing that would make
	 * more to export, forever */
	if (!strncmp(x->user_agent, "rawtel/", 7))
		out->flags |= CTX_SELF;
	else if (x->path[0] && ahttp_ignored(h->a, x->path, HTTP_IGN_TRACES))
		out->flags |= CTX_IGNORED;
	decide(h, out, parent);
}

void ahttp_ctx_root(struct ahttp_state *h, struct ahttp_ctx *out)
{
	ctx_new(out);
	decide(h, out, ctx_trace(out, NULL));
}

static void child_of(struct ahttp_ctx *out, const struct ahttp_act *p)
{
	memcpy(out->trace_id, p->trace_id, 16);
	memcpy(out->parent_id, p->span_id, 8);
	out->flags = CTX_PARENT;
}

void ahttp_ctx_client(struct ahttp_state *h, struct ahttp_proc *p, const struct http1_exchange *x,
		     struct ahttp_ctx *out)
{
	ahttp_ctx_call(h, p, tp_of(x), out);
}

/* The request in progress that a call of p's current thread is the child
 * of (rules 1 and 2 above), NULL when none. */
static const struct ahttp_act *parent_of(const struct ahttp_state *h, const struct ahttp_proc *p,
					 const struct http1_traceparent *tpp)
{
	const struct ahttp_act *same = NULL, *tp_thread = NULL, *tp_proc = NULL;
	int n_same = 0, n_tp_thread = 0, n_tp_proc = 0;
	bool tp = tpp != NULL;

	/* a client process (pgbench, a load generator) serves no request:
	 * none of its calls scans */
	if (!p->n_acts)
		return NULL;
	for (int i = 0; i < HTTP_ACTS; i++) {
		const struct ahttp_act *a = &p->acts[i];
		bool mine = a->conn && h->cur_tid && a->tid == h->cur_tid;
		bool same_trace = a->conn && tp && !memcmp(a->trace_id, tpp->trace_id, 16);

		if (mine) {
			n_same++;
			same = a;
		}
		if (mine && same_trace) {
			n_tp_thread++;
			tp_thread = a;
		}
		if (same_trace) {
			n_tp_proc++;
			tp_proc = a;
		}
	}
	if (tp)
		return n_tp_thread == 1 ? tp_thread : !n_tp_thread && n_tp_proc == 1 ? tp_proc : NULL;
	return n_same == 1 ? same : NULL;
}

void ahttp_ctx_call(struct ahttp_state *h, struct ahttp_proc *p, const struct http1_traceparent *tpp,
		    struct ahttp_ctx *out)
{
	const struct ahttp_act *parent = parent_of(h, p, tpp);
	int psampled;

	ctx_new(out);
	if (parent) {
		child_of(out, parent);
		psampled = parent->sampled;
	} else {
		psampled = ctx_trace(out, tpp);
	}
	decide(h, out, psampled);
}

bool ahttp_ctx_child(struct ahttp_state *h, struct ahttp_proc *p, struct ahttp_ctx *out)
{
	const struct ahttp_act *parent = parent_of(h, p, NULL);

	if (!parent)
		return false;
	ctx_new(out);
	child_of(out, parent);
	decide(h, out, parent->sampled);
	return true;
}

void ahttp_act_begin(struct ahttp_state *h, struct ahttp_proc *p, uint64_t conn, struct ahttp_ctx *ctx)
{
	struct ahttp_act *a = NULL;

	for (int i = 0; i < HTTP_ACTS && !a; i++)
		if (!p->acts[i].conn)
			a = &p->acts[i];
	if (!a) {
		/* more requests in progress than this: this one cannot be a
		 * parent (its children start traces of their own) */
		h->ev[HEV_ACT_FULL]++;
		return;
	}
	a->conn = conn;
	p->n_acts += conn != 0;
	a->tid = h->cur_tid;
	a->gen++;
	a->sampled = (ctx->flags & CTX_SAMPLED) != 0;
	memcpy(a->trace_id, ctx->trace_id, 16);
	memcpy(a->span_id, ctx->span_id, 8);
	ctx->act = (int8_t)(a - p->acts);
	ctx->act_gen = a->gen;
}

void ahttp_act_end(struct ahttp_proc *p, const struct ahttp_ctx *ctx)
{
	if (ctx->act >= 0 && p->acts[ctx->act].gen == ctx->act_gen && p->acts[ctx->act].conn) {
		p->acts[ctx->act].conn = 0;
		p->n_acts--;
	}
}
