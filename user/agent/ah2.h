/* HTTP/2 and gRPC in rawtel run (user/agent/ah2_*.c): the streams the
 * HTTP/2 parser (rawtel/h2.h) reports on the http probe's connections
 * (the same per-process tables as HTTP/1, ahttp_rec.c) become SERVER and
 * CLIENT spans, one per stream, with the trace context rules of HTTP/1
 * (ahttp_ctx.c: traceparent continued, client calls made while serving
 * become children).
 *
 *   ah2_rec.c   the parser's callbacks: a stream's context decided when
 *               its request headers are decoded, kept by (process,
 *               connection, stream) until its report
 *   ah2_span.c  a stream as an HTTP span, or a gRPC call as an RPC span,
 *               and its duration point
 *
 * Bounded: AH2_SLOTS streams in progress over all processes; past that
 * the oldest context in the probe window is given up (its stream later
 * gets a context of its own, counted as lost_state). */
#ifndef RAWTEL_AGENT_AH2_H
#define RAWTEL_AGENT_AH2_H

#include "http.h"
#include "rawtel/h2.h"

#define AH2_SLOTS 1024		/* streams in progress, all processes */
#define AH2_PROBE 8		/* slots looked at per stream */

struct ah2_slot {
	uint64_t conn;		/* 0: free */
	uint32_t pid, sid;
	uint64_t seq;		/* age: the oldest goes first */
	struct ahttp_ctx ctx;
};

struct ah2_state {
	uint64_t seq;
	struct ah2_slot slot[AH2_SLOTS];
};

/* ---- ah2_rec.c ---- */
/* The HTTP/2 callbacks in the layer's options (h->co.db); HTTP/2 enabled
 * with HTTP/1. 0 or -ENOMEM. */
int ah2_init(struct ahttp_state *h);
/* After every table is freed (their last reports made). */
void ah2_free(struct ahttp_state *h);

/* ---- ah2_span.c ---- */
/* One stream of process p, connection c, with its context, one the
 * context counts as making something (ahttp_ctx_count). */
void ah2_exchange(struct ahttp_state *h, struct ahttp_proc *p, struct ahttp_conn *c,
		  const struct ahttp_ctx *ctx, const struct h2_exchange *x);

#endif
