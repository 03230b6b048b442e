/* The agent's output side: log records and spans into the per-signal
 * batches, under their process's resource, and a batch encoded and
 * handed to the sink when it is full or its timer fires. Every handler
 * (logs.c, spans.c, tcp.c, ahttp_*.c, selfmet.c) ends here; this file
 * knows only struct agent, otlp and the sink, so nothing calls back up
 * into the lifecycle (agent.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "agent_int.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/sink_parts.h"
#include "rawtel/stage.h"

uint64_t agent_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t agent_wall_ns(const struct agent *a, uint64_t ev_ts)
{
	return (uint64_t)((int64_t)ev_ts + a->s.wall_off_ns);
}

/* The traces store: a block as big as the request of a full batch (512
 * spans of ~500 bytes), so the allocator reuses one for the other; its
 * head room fits a process's resource and the scope. */
#define AGENT_STORE (512u << 10)
#define AGENT_STORE_HEAD 2048

static int proto_for(const struct agent *a, int sig)
{
	return a->o->to_files ? a->o->sink.output_format : sink_config_protocol(&a->o->sink, sig);
}

/* Protobuf is encoded straight into the request the sink keeps (no copy
 * of the body); JSON, or a batch over its bound, into a->enc and copied
 * into one. The block is a power of two: the allocator keeps the last big
 * blocks freed (the requests just delivered) for the next ones they fit,
 * whose pages are then not faulted in anew. Spans one process made are
 * already in a->store, the request but for its head: that block goes as
 * it is (copying and faulting in a fresh one was a third of rawtel's CPU
 * for a busy HTTP/2 server). */
static int encode_submit(struct agent *a, int sig, int proto)
{
	struct otlp_batch *b = a->b[sig];
	size_t off = 0, cap = 4096, in = otlp_encode_pb_store(b);
	struct sink_req *q = NULL;
	struct otlp_buf o, *enc;
	int r;

	stage_enter(STAGE_ENCODE);
	while (cap < otlp_encode_pb_bound(b))
		cap *= 2;
	/* a small batch is copied into a block its size: the store (512 KiB
	 * of address space) goes only full enough to be worth it */
	if (in >= AGENT_STORE / 4) {
		q = a->store;
		cap = in;
	} else if (proto == SINK_PROTO_PROTOBUF) {
		q = sink_req_alloc(cap);
	}
	if (q)
		otlp_buf_init_fixed(&o, q->mem, cap);
	for (;;) {
		enc = q ? &o : &a->enc;
		enc->len = 0;
		r = proto == SINK_PROTO_JSON ? otlp_encode_json(b, enc) : otlp_encode_pb_at(b, enc, &off);
		if (!r || !q)
			break;
		if (q != a->store)
			free(q);	/* over the bound: into a->enc */
		q = NULL;
	}
	if (q && q == a->store) {
		/* the request now: the next spans go in another */
		a->store = NULL;
		otlp_batch_set_store(b, NULL, 0, 0);
	}
	stage_leave();
	stage_enter(STAGE_EXPORT);
	if (!r && !q) {
		/* in a->enc: the sink keeps a copy */
		if ((q = sink_req_alloc(enc->len)))
			memcpy(q->mem, enc->p + off, enc->len);
		else
			r = err_set(ENOMEM, "out of memory queueing a %zu-byte request", enc->len);
		off = 0;
	}
	if (!r) {
		q->items = otlp_batch_items(b);	/* counted if the sink drops it */
		r = sink_submit_req(a->sink, sig, q, off, enc->len, proto);
	}
	stage_leave();
	return r;
}

void agent_flush(struct agent *a, int sig)
{
	uint32_t n = otlp_batch_items(a->b[sig]);
	int proto = proto_for(a, sig), r;

	if (!n || !a->sink) {
		/* --prometheus alone: only the aggregator is read */
		otlp_batch_reset(a->b[sig]);
		return;
	}
	r = encode_submit(a, sig, proto);
	if (r) {
		/* the sink counts what it drops itself; this is what never
		 * reached it */
		a->dropped[sig] += n;
		fmt_fprintf(stderr, "rawtel: %u %s not exported: %s\n", n, sink_signal_name(sig),
			err_msg());
	} else {
		a->exported[sig] += n;
	}
	otlp_batch_reset(a->b[sig]);
	/* the next spans go in a store (the first batch's are copied) */
	if (sig == OTLP_TRACES && !a->store && proto == SINK_PROTO_PROTOBUF &&
	    (a->store = sink_req_alloc(AGENT_STORE)))
		otlp_batch_set_store(a->b[sig], a->store->mem, AGENT_STORE, AGENT_STORE_HEAD);
}

/* Add a log record or span under the process's resource: a full batch is
 * sent and the item tried once more in a fresh one. */
static int add_item(struct agent *a, int sig, struct agent_proc *pr, const void *item,
		    uint32_t batch_max)
{
	struct otlp_batch *b = a->b[sig];
	int r = 0;

	for (int attempt = 0; attempt < 2; attempt++) {
		int res = procs_resource(pr, b), sc = res;
		if (res >= 0)
			sc = otlp_batch_add_scope(b, res, &a->scope);
		/* spans for a protobuf export are encoded as they come */
		r = sc < 0 ? sc : sig == OTLP_LOGS ? otlp_batch_add_log(b, sc, item)
			: proto_for(a, sig) == SINK_PROTO_PROTOBUF ? otlp_batch_add_span_pb(b, sc, item)
								   : otlp_batch_add_span(b, sc, item);
		if (r != -ENOSPC || attempt || !otlp_batch_items(b))
			break;
		agent_flush(a, sig);	/* full: send it, start anew */
	}
	if (r) {
		a->dropped[sig]++;
		return r;
	}
	if (otlp_batch_items(b) >= batch_max)
		agent_flush(a, sig);
	return 0;
}

int agent_add_log(struct agent *a, struct agent_proc *pr, const struct otlp_log *l)
{
	return add_item(a, OTLP_LOGS, pr, l, a->o->blrp.batch);
}

int agent_add_span(struct agent *a, struct agent_proc *pr, const struct otlp_span *s)
{
	return add_item(a, OTLP_TRACES, pr, s, a->o->bsp.batch);
}

int agent_proc_agg(struct agent *a, struct agent_proc *pr)
{
	if (pr->agg_res < 0)
		pr->agg_res = otlp_agg_add_resource(a->agg, &pr->res);
	return pr->agg_res;
}
