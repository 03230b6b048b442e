/* HTTP in rawtel run (user/agent/ahttp_*.c): the http probe's socket and
 * data records, fed per process to the HTTP/1 parser (rawtel/http1.h),
 * become SERVER and CLIENT spans with W3C trace context and the
 * http.{server,client}.request.duration histograms.
 *
 *   ahttp_rec.c      records in: processes, connections, feeding, ticks
 *   ahttp_ctx.c      trace context: continuing traceparent, parents of
 *                    client requests, the sampler
 *   ahttp_span.c     an exchange as a span and a metric point
 *   ahttp_reorder.c  the perf-buffer path's reorder buffer
 *   adb_rec.c        the same connections' database and cache operations
 *                    (the layer's DB parsers), to adb_span.c (adb.h)
 *
 * Bounded: at most HTTP_PROCS_MAX processes, each with at most
 * --http-max-conns connections (the parser's table and ours), HTTP_ACTS
 * requests in progress and a route table capped by --route-cap; the
 * reorder buffer holds at most REORDER_MAX_RECS records. */
#ifndef RAWTEL_AGENT_HTTP_H
#define RAWTEL_AGENT_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawtel/http1.h"
#include "rawtel/idtab.h"
#include "rawtel/pconn.h"
#include "rawtel/tls.h"

struct agent;
struct agent_proc;
struct otlp_kv;
struct otlp_span;
struct tls_facts;

#define HTTP_PROCS_MAX 256
#define HTTP_ACTS 64		/* server requests in progress per process */
#define HTTP_CONNS_DEFAULT 1024

/* What an --ignore-route pattern excludes. */
#define HTTP_IGN_TRACES 1
#define HTTP_IGN_METRICS 2

enum http_sampler {
	SAMPLER_PB_ALWAYS_ON,	/* the default */
	SAMPLER_ALWAYS_ON,
	SAMPLER_ALWAYS_OFF,
	SAMPLER_RATIO,
	SAMPLER_PB_ALWAYS_OFF,
	SAMPLER_PB_RATIO,
};

/* A request's span context, decided when its head has been seen. */
#define CTX_SAMPLED 1
#define CTX_PARENT 2		/* parent_id is set */
#define CTX_REMOTE 4		/* ... and came from a traceparent header */
#define CTX_IGNORED 8		/* --ignore-route: no span */
#define CTX_SELF 16		/* rawtel's own export at a collector: nothing */
struct ahttp_ctx {
	uint64_t start_ns;	/* the request's start: ties it to its report */
	uint8_t trace_id[16], span_id[8], parent_id[8];
	uint8_t flags;		/* CTX_* */
	int8_t act;		/* server: its slot in ahttp_proc.acts, else -1 */
	uint16_t act_gen;
};

/* The duration histogram's series of a connection's last exchange
 * measured (otlp_agg_record_double_ref), and the attributes it was for
 * (ahttp_span.c): a connection's exchanges mostly share them. A set
 * longer than AHTTP_MKEY_MAX bytes is looked up every time. */
#define AHTTP_MKEY_MAX 160
struct ahttp_mcache {
	uint64_t ref;
	uint8_t len;
	uint8_t key[AHTTP_MKEY_MAX];
};

/* A connection as the http probe described it. */
struct ahttp_conn {
	uint64_t id;		/* 0: free slot */
	uint64_t last_ts;	/* newest record fed (reorder: late ones) */
	uint8_t role;		/* enum http1_role */
	uint8_t known;		/* a sock record gave the peer: addresses valid */
	uint8_t n_ctx;
	uint8_t own;		/* a collector receiving rawtel's exports */
	uint8_t tls;		/* its exchanges came as TLS plaintext
				 * (DATA_F_TLS, DATA_F_KTLS) or it is a
				 * kTLS socket: url.scheme https */
	uint8_t ktls;		/* kernel TLS (SOCK_K_KTLS): counted */
	uint16_t family, lport, rport;
	uint8_t laddr[16], raddr[16];
	struct ahttp_ctx ctx[HTTP1_PIPELINE];	/* requests awaiting report */
	/* ahttp_span.c: raddr as text, made once rather than per span, and
	 * what it was made from (a later sock record may change raddr) */
	char peer[48];
	uint16_t peer_family;
	uint8_t peer_addr[16];
	struct ahttp_mcache mc;	/* HTTP's or a DB protocol's histogram */
};

/* A server request in progress: what a client request its thread sends
 * meanwhile becomes the child of. */
struct ahttp_act {
	uint64_t conn;		/* 0: free */
	uint32_t tid;
	uint16_t gen;
	uint8_t sampled;	/* its span is: its children's parent-based choice */
	uint8_t trace_id[16], span_id[8];
};

struct ahttp_proc {
	uint32_t pid;
	uint8_t n_acts;		/* acts in use: none, no scan for a parent */
	uint64_t used;		/* LRU clock */
	struct pconn *t;		/* its connections (rawtel/pconn.h) */
	struct http1_routes *routes;
	struct idtab conns;		/* struct ahttp_conn by id, grows */
	char comm[16];		/* from sock records: the resource when gone */
	struct ahttp_act acts[HTTP_ACTS];
};

/* Counters of rawtel.http.events beyond the parser's own. */
enum ahttp_ev {
	HEV_REORDER_LATE,	/* arrived after newer records of its connection */
	HEV_LOST_STATE,		/* records or reports without state: no memory,
				 * or the state evicted for room */
	HEV_PROC_EVICTED,	/* processes whose state was dropped for room */
	HEV_ACT_FULL,		/* server requests beyond HTTP_ACTS in progress */
	HEV_UNSAMPLED,		/* spans the sampler did not keep */
	HEV_IGNORED,		/* spans left out by --ignore-route */
	HEV_SELF,		/* rawtel's own exports, seen by a collector */
	HEV_GAP,		/* payload lost in the kernel (ring full, say),
				 * fed as a gap (sockcap: DATA_F_GAP) */
	HEV_TLS,		/* TLS plaintext records on a known connection */
	HEV_TLS_UNBOUND,	/* ...on none proven: parsed on the SSL object's
				 * own, no peer (rawtel.tls.binding unproven) */
	HEV_TLS_HANDSHAKE,	/* TLS handshakes read from the wire, ended */
	HEV_TLS_UNFINISHED,	/* ...not seen to end (an alert, a close, the
				 * records not followed) */
	HEV_KTLS,		/* connections keyed for kernel TLS (SOCK_K_KTLS):
				 * their socket bytes parsed as plaintext */
	HEV_N
};

struct ahttp_state {
	struct agent *a;
	struct http1_opts po;		/* shared by every table */
	struct http1_stats st;
	struct pconn_opts co;		/* the same, for the connection layer */
	struct pconn_stats cst;		/* every process's tables */
	uint64_t ev[HEV_N];
	struct ahttp_proc *procs[HTTP_PROCS_MAX];
	uint32_t n_procs;
	uint64_t clock;
	uint32_t self_pid;
	/* the call into the parser in progress: whose table, which thread,
	 * and why a request given up without a response was given up */
	struct ahttp_proc *cur;
	uint32_t cur_tid;
	const char *why;
	struct ahttp_reorder *ro;		/* perf buffers only */
	struct ah2_state *h2;		/* HTTP/2 streams in progress (ah2.h) */
	struct atls *tls;		/* TLS handshake facts by connection (atls.c) */
	uint64_t released;		/* newest timestamp the reorder let go */
	bool quiet;			/* shutting down: reports go nowhere */
};

/* ---- ahttp_rec.c ---- */
int ahttp_init(struct agent *a);
void ahttp_free(struct agent *a);
/* A sock or data record, as the probe delivered it. */
void ahttp_on_record(struct agent *a, const void *rec, size_t len);
/* The process ended: its connections close. */
void ahttp_on_exit(struct agent *a, uint32_t pid, uint64_t ts);
/* Timers: held records out (reorder), connections aged (tables). */
void ahttp_drain_tick(struct agent *a);
void ahttp_tick(struct agent *a);
/* Shutdown: everything held is fed and every waiting request reported. */
void ahttp_finish(struct agent *a);

/* A request's context waits on its connection for its report (the oldest
 * dropped when HTTP1_PIPELINE wait); taken back by its start: the first
 * waiting that started then (requests of one syscall share a start:
 * order decides). 1 when found. */
void ahttp_ctx_push(struct ahttp_proc *p, struct ahttp_conn *c, const struct ahttp_ctx *ctx);
int ahttp_ctx_take(struct ahttp_conn *c, uint64_t start, struct ahttp_ctx *out);

/* ---- atls.c ---- */
/* The connection layer's on_tls (arg h, within a feed: h->cur set). */
void atls_on_tls(void *arg, uint64_t id, const struct tls_facts *f);
/* The tls.* attributes of connection conn of process pid, if its
 * handshake was read, after kv[n] (at most max in all): the new n. proto:
 * what its plaintext spoke (TLS 1.3's ALPN). */
uint32_t atls_attrs(const struct ahttp_state *h, uint32_t pid, uint64_t conn,
		    enum proto_id proto, struct otlp_kv *kv, uint32_t n, uint32_t max);
void atls_free(struct ahttp_state *h);

/* ---- adb_rec.c ---- */
/* The connection layer's DB callbacks (proto_opts.on_db...), arg h. */
void adb_opts(struct ahttp_state *h, struct proto_opts *o);

/* ---- ahttp_ctx.c ---- */
/* The sampler from OTEL_TRACES_SAMPLER(_ARG); a bad value is a warning
 * and the default, as the SDK specification asks. */
void ahttp_sampler_env(uint8_t *sampler, double *ratio);
/* The decision for a span of trace `id` whose parent is sampled (1), not
 * sampled (0), or which has none (-1). */
bool ahttp_sample(uint8_t sampler, double ratio, const uint8_t id[16], int parent);
/* Span contexts for a request whose head the parser has seen (an empty
 * exchange for one reported without its request). */
void ahttp_ctx_server(struct ahttp_state *h, const struct http1_exchange *x, struct ahttp_ctx *out);
void ahttp_ctx_client(struct ahttp_state *h, struct ahttp_proc *p, const struct http1_exchange *x,
		     struct ahttp_ctx *out);
/* The same for any call the process makes, given its traceparent (NULL:
 * none): a DB or cache request too. */
void ahttp_ctx_call(struct ahttp_state *h, struct ahttp_proc *p, const struct http1_traceparent *tp,
		    struct ahttp_ctx *out);
/* A context of its own: a new trace, no parent (a server's view of a DB
 * operation, or a call whose request was not seen). */
void ahttp_ctx_root(struct ahttp_state *h, struct ahttp_ctx *out);
/* ahttp_ctx_call without a traceparent when it finds a parent: false,
 * `out` untouched, when the call would be a new trace (a DB request's
 * context is kept only with a parent: no ids made for nothing). */
bool ahttp_ctx_child(struct ahttp_state *h, struct ahttp_proc *p, struct ahttp_ctx *out);
/* A server request in progress on thread h->cur_tid from now on, and over
 * (its slot free again). */
void ahttp_act_begin(struct ahttp_state *h, struct ahttp_proc *p, uint64_t conn,
		    struct ahttp_ctx *ctx);
void ahttp_act_end(struct ahttp_proc *p, const struct ahttp_ctx *ctx);
/* 1 when the path matches an --ignore-route pattern excluding `what`. */
int ahttp_ignored(const struct agent *a, const char *path, int what);

/* ---- ahttp_span.c ---- */
/* Counts an exchange by its context (self, ignored, unsampled); 0: it
 * makes nothing at all. */
int ahttp_ctx_count(struct ahttp_state *h, const struct ahttp_ctx *ctx);
/* One exchange reported by the parser of process p, one its context
 * counts as making something (ahttp_ctx_count). */
void ahttp_exchange(struct ahttp_state *h, struct ahttp_proc *p, struct ahttp_conn *c,
		   const struct ahttp_ctx *ctx, const struct http1_exchange *x);

/* c's peer address as text, made once per address (ahttp_span.c). */
const char *ahttp_peer_str(struct ahttp_conn *c);
/* Whether c's socket has no known peer (an accept without its sockaddr,
 * its socket gone before rawtel found it): rawtel.http.partial says
 * peer_unknown. TLS no socket is proven for says so itself. */
static inline bool ahttp_peer_unknown(const struct ahttp_conn *c)
{
	return !c->known && !(c->id & TLS_SSL_ID);
}
/* A duration point (v seconds) of resource res, instrument inst, through
 * the series mc remembers when the attributes are the same as its last
 * (mc NULL: looked up). */
void ahttp_record(struct agent *a, int res, int inst, const struct otlp_kv *kv, uint32_t n,
		  double v, struct ahttp_mcache *mc);

/* What every span of an exchange starts with (HTTP, DB): its context's
 * ids, kind, times on the wall clock, sampled; the rest is zero. */
void ahttp_span_init(const struct agent *a, const struct ahttp_ctx *ctx, bool server,
		     uint64_t start_ns, uint64_t end_ns, struct otlp_span *s);

/* ---- ahttp_out.c ---- */
/* What an HTTP version says about its exchange's span beyond the
 * attributes; the version's hooks fill name and error. */
struct ahttp_out {
	const struct ahttp_ctx *ctx;
	bool server;
	uint64_t start_ns, end_ns;
	int tp_state;		/* the traceparent's (HTTP1_TP_*) */
	const char *tracestate;	/* the one that came with it */
	uint64_t conn;		/* the connection, for its tls.* */
	const char *name;
	bool err;		/* status ERROR */
	const char *err_msg;	/* its description; NULL: none */
};
/* What any version's exchange x on connection c gives: both kinds of
 * exchange name these fields alike. */
#define AHTTP_OUT(ctx_, c_, x_)                                                         \
	{ .ctx = (ctx_), .start_ns = (x_)->start_ns, .end_ns = (x_)->end_ns,            \
	  .tp_state = (x_)->tp_state, .tracestate = (x_)->tracestate, .conn = (c_)->id }
/* error.type (err NULL: none) and a server's http.route ("": not
 * matched) after kv[0..n): the new n. */
uint32_t ahttp_kv_outcome(struct otlp_kv *kv, uint32_t n, const char *err, bool server,
			  const char *route);
/* One version's hooks, on its own description of the exchange (e). */
struct ahttp_ver {
	enum proto_id proto;	/* what the connection's plaintext spoke */
	uint32_t max_attrs;	/* the span's, tls.* included */
	/* the metric's attributes, the span's first ones too: how many */
	uint32_t (*metric_attrs)(const void *e, struct otlp_kv *kv);
	/* the duration point */
	void (*record)(struct ahttp_state *h, struct agent_proc *pr, const void *e,
		       const struct otlp_kv *kv, uint32_t n);
	/* the span's attributes after kv[0..n): the new n */
	uint32_t (*span_attrs)(void *e, struct otlp_kv *kv, uint32_t n);
	/* the span's name, error and its description into o */
	void (*span_name)(void *e, struct ahttp_out *o);
};
/* An exchange of process p that makes a metric point (metric) or a span
 * (o->ctx sampled), or both. */
void ahttp_emit(struct ahttp_state *h, const struct ahttp_proc *p, const struct ahttp_ver *v,
		void *e, struct ahttp_out *o, bool metric);

/* ---- ahttp_reorder.c ---- */
/* Records from per-CPU perf buffers come CPU by CPU: a connection's
 * syscalls on two CPUs may arrive swapped. Records are held here for a
 * window and let go in timestamp order. */
#define REORDER_MAX_RECS 4096
#define REORDER_MAX_BYTES (2u << 20)
#define REORDER_WINDOW_NS 50000000ull
struct ahttp_reorder;
typedef void (*ahttp_reorder_cb)(void *ctx, const void *rec, size_t len);
int ahttp_reorder_new(struct ahttp_reorder **out);
void ahttp_reorder_free(struct ahttp_reorder *r);
/* Hold a copy of rec (its time: ts); when the buffer is full the oldest
 * records go out first. -ENOMEM when no copy can be made. */
int ahttp_reorder_push(struct ahttp_reorder *r, const void *rec, size_t len, uint64_t ts,
		       ahttp_reorder_cb cb, void *ctx);
/* Let go, oldest first, every record held whose time is at most `upto`
 * (UINT64_MAX: all of them). */
void ahttp_reorder_release(struct ahttp_reorder *r, uint64_t upto, ahttp_reorder_cb cb, void *ctx);
uint32_t ahttp_reorder_held(const struct ahttp_reorder *r);

#endif
