/* A rawtel run agent without a kernel: synthetic sock and data records
 * fed to the http code (user/agent/http*.c), spans and metrics read back
 * from its batches. Shared by the test_agent_http*.c files. */
#ifndef AGENT_HTTP_T_H
#define AGENT_HTTP_T_H

#include <stdlib.h>

#include "../../user/agent/agent_int.h"
#include "rawtel/err.h"
#include "t.h"

#define PID 4242
#define TID 4242

struct th {
	struct agent_opts o;
	struct agent *a;
	const struct otlp_span *spans[512];
	int n;
	struct otlp_batch *mb;
	const struct otlp_metric *metrics[64];
	const struct otlp_resource *mres[64];
	int nm;
};

static inline void th_opts(struct agent_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->bsp = (struct agent_bp){ 5000, 1u << 20, 1u << 20 };
	o->blrp = o->bsp;
	o->sampler = SAMPLER_PB_ALWAYS_ON;
	o->sampler_ratio = 1;
	o->http = true;
}

/* th_opts first, then any changes to t->o, then this. perf: through the
 * reorder buffer. */
static inline void th_start(struct th *t, bool perf)
{
	struct otlp_batch_limits lim = { 8u << 20, 1024, 1024 };
	struct agent *a = calloc(1, sizeof(*a));

	T_ASSERT(a);
	t->a = a;
	t->n = t->nm = 0;
	a->o = &t->o;
	a->scope = (struct otlp_scope){ OTLP_S("rawtel"), OTLP_S("test"), NULL, 0, 0, { NULL, 0 } };
	snprintf(a->host, sizeof(a->host), "testhost");
	T_ASSERT(procs_init(&a->procs, &t->o, a->host) == 0);
	for (int s = 0; s < 3; s++)
		T_ASSERT(otlp_batch_new(&a->b[s], (enum otlp_signal)s, &lim) == 0);
	T_ASSERT(otlp_batch_new(&t->mb, OTLP_METRICS, &lim) == 0);
	T_ASSERT(selfmet_init(a) == 0);
	a->s.ring.perf = perf;
	/* event clock + 1 s = wall clock */
	a->s.wall_off_ns = 1000000000;
	T_ASSERT(ahttp_init(a) == 0);
}

static inline void th_stop(struct th *t)
{
	struct agent *a = t->a;

	ahttp_free(a);
	for (int s = 0; s < 3; s++)
		otlp_batch_free(a->b[s]);
	otlp_batch_free(t->mb);
	otlp_agg_free(a->agg);
	procs_free(&a->procs);
	free(a);
}

static int th_span_cb(void *ctx, const struct otlp_resource *r, const struct otlp_scope *s,
		      const void *item)
{
	struct th *t = ctx;

	(void)r;
	(void)s;
	if (t->n < 512)
		t->spans[t->n++] = item;
	return 0;
}

/* The spans exported so far, in order. */
static inline int th_spans(struct th *t)
{
	t->n = 0;
	otlp_batch_walk(t->a->b[OTLP_TRACES], th_span_cb, t);
	return t->n;
}

static int th_metric_cb(void *ctx, const struct otlp_resource *r, const struct otlp_scope *s,
			const void *item)
{
	struct th *t = ctx;

	(void)s;
	if (t->nm < 64) {
		t->mres[t->nm] = r;
		t->metrics[t->nm++] = item;
	}
	return 0;
}

/* Collect the aggregator into t->mb (cumulative). */
static inline void th_collect(struct th *t)
{
	otlp_batch_reset(t->mb);
	t->nm = 0;
	T_ASSERT(otlp_agg_collect(t->a->agg, t->mb) >= 0);
	otlp_batch_walk(t->mb, th_metric_cb, t);
}

static inline const struct otlp_metric *th_metric(struct th *t, const char *name)
{
	for (int i = 0; i < t->nm; i++)
		if (t->metrics[i]->name.len == strlen(name) &&
		    !memcmp(t->metrics[i]->name.p, name, strlen(name)))
			return t->metrics[i];
	return NULL;
}

/* An attribute as text ("" when absent: use th_has to tell). */
static inline const char *th_attr(const struct otlp_kv *kv, uint32_t n, const char *k)
{
	static char buf[8][1100];
	static int next;
	char *b = buf[next++ % 8];

	for (uint32_t i = 0; i < n; i++) {
		if (kv[i].key.len != strlen(k) || memcmp(kv[i].key.p, k, kv[i].key.len))
			continue;
		if (kv[i].v.type == OTLP_V_INT)
			snprintf(b, 1100, "%lld", (long long)kv[i].v.u.i);
		else if (kv[i].v.type == OTLP_V_BOOL)
			snprintf(b, 1100, "%s", kv[i].v.u.boolean ? "true" : "false");
		else
			snprintf(b, 1100, "%.*s", (int)kv[i].v.len, kv[i].v.u.s);
		return b;
	}
	return "";
}

static inline int th_has(const struct otlp_kv *kv, uint32_t n, const char *k)
{
	for (uint32_t i = 0; i < n; i++)
		if (kv[i].key.len == strlen(k) && !memcmp(kv[i].key.p, k, kv[i].key.len))
			return 1;
	return 0;
}

#define SA(s, k) th_attr((s)->attrs, (s)->n_attrs, k)
#define SHAS(s, k) th_has((s)->attrs, (s)->n_attrs, k)

/* Each attribute of `want` (key, value, ... NULL) has that text. */
static inline void th_attrs_are(const struct otlp_kv *kv, uint32_t n, const char *const *want)
{
	for (; *want; want += 2) {
		const char *v = th_attr(kv, n, want[0]);

		if (strcmp(v, want[1]))
			T_FAILF("attribute %s: \"%s\" != \"%s\"", want[0], v, want[1]);
	}
}

/* TH_ATTRS(span or point, "key", "value", ...) */
#define TH_ATTRS(s, ...) \
	th_attrs_are((s)->attrs, (s)->n_attrs, (const char *const[]){ __VA_ARGS__, NULL })

static inline const char *th_name(const struct otlp_span *s)
{
	static char b[4][300];
	static int next;
	char *o = b[next++ % 4];

	snprintf(o, 300, "%.*s", (int)s->name.len, s->name.p);
	return o;
}

static inline void th_hex(const uint8_t *id, int n, char *out)
{
	for (int i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", id[i]);
}

/* ---- records ---- */
static inline void th_sock(struct th *t, uint32_t pid, uint32_t tid, uint64_t conn, int kind,
			   uint64_t ts, uint16_t lport, uint16_t rport, uint8_t peer_last)
{
	struct ev_sock e;

	memset(&e, 0, sizeof(e));
	e.h = (struct ev_hdr){ EV_SOCK, SOCK_REC_SIZE, SOCK_F_LOCAL | SOCK_F_REMOTE, ts, tid, pid };
	e.conn = conn;
	e.fd = (int32_t)(conn & 0xffff);
	e.lfd = kind == SOCK_K_ACCEPT ? 3 : -1;
	e.kind = (uint8_t)kind;
	e.role = kind == SOCK_K_CONNECT ? SOCK_ROLE_CLIENT : SOCK_ROLE_SERVER;
	e.family = RT_AF_INET;
	e.lport = lport;
	e.rport = rport;
	e.laddr[10] = e.laddr[11] = 0xff;
	e.laddr[12] = 10, e.laddr[15] = 1;
	e.raddr[10] = e.raddr[11] = 0xff;
	e.raddr[12] = 10, e.raddr[15] = peer_last;
	memcpy(e.comm, "testsrv", 8);
	ahttp_on_record(t->a, &e, sizeof(e));
}

/* total bytes moved, the first `cap` captured (cap < 0: all, up to 512) */
static inline void th_data_cap(struct th *t, uint32_t pid, uint32_t tid, uint64_t conn, int dir,
			       uint64_t start, uint64_t ts, const void *bytes, size_t total, int cap)
{
	static struct ev_data d;
	size_t c = cap < 0 ? (total < DATA_CAP_DEFAULT ? total : DATA_CAP_DEFAULT) : (size_t)cap;

	memset(&d, 0, DATA_OFF_BYTES);
	d.h = (struct ev_hdr){ EV_DATA, (uint16_t)(DATA_OFF_BYTES + c), 0, ts, tid, pid };
	d.conn = conn;
	d.fd = (int32_t)(conn & 0xffff);
	d.dir = (uint8_t)dir;
	d.call = dir == DATA_DIR_RECV ? DATA_CALL_READ : DATA_CALL_WRITE;
	d.cap = (uint16_t)c;
	d.total = total;
	d.start = start;
	if (c)
		memcpy(d.bytes, bytes, c);
	ahttp_on_record(t->a, &d, DATA_OFF_BYTES + c);
}

static inline void th_data(struct th *t, uint32_t pid, uint32_t tid, uint64_t conn, int dir,
			   uint64_t start, uint64_t ts, const char *s)
{
	th_data_cap(t, pid, tid, conn, dir, start, ts, s, strlen(s), -1);
}

/* a call of process PID's thread TID that took 1 us and returned at ts */
static inline void RECV(struct th *t, uint64_t conn, uint64_t ts, const char *s)
{
	th_data(t, PID, TID, conn, DATA_DIR_RECV, ts - 1000, ts, s);
}
static inline void SEND(struct th *t, uint64_t conn, uint64_t ts, const char *s)
{
	th_data(t, PID, TID, conn, DATA_DIR_SEND, ts - 1000, ts, s);
}

#endif
