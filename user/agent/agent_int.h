/* The agent's state, shared by its files (user/agent/). */
#ifndef RAWTEL_AGENT_INT_H
#define RAWTEL_AGENT_INT_H

#include "adb.h"
#include "agent.h"
#include "http.h"
#include "procs.h"
#include "rawtel/events.h"
#include "rawtel/loop.h"
#include "rawtel/probes.h"
#include "rawtel/proctab.h"

enum agent_inst {
	INST_RECEIVED,		/* rawtel.events.received {probe} */
	INST_LOST,		/* rawtel.events.lost {probe} */
	INST_DROPPED,		/* rawtel.records.dropped {signal} */
	INST_EXPORTED,		/* rawtel.export.items {signal} */
	INST_REQUESTS,		/* rawtel.export.requests {signal, outcome} */
	INST_EXPORT_DROPS,	/* rawtel.export.dropped {signal, reason} */
	INST_BYTES,		/* rawtel.export.bytes {signal} */
	INST_SPOOL,		/* rawtel.spool.bytes {signal} */
	INST_DNS_DURATION,	/* dns.lookup.duration, per observed process */
	INST_TCP_RETRANS,	/* tcp.retransmissions {peer} */
	INST_TCP_RESETS,	/* tcp.resets {peer, direction} */
	INST_TCP_CLOSED,	/* tcp.connections.closed {peer, error.type} */
	INST_TCP_DURATION,	/* tcp.connection.duration {peer, error.type} */
	INST_HTTP_SERVER_DURATION,	/* http.server.request.duration */
	INST_HTTP_CLIENT_DURATION,	/* http.client.request.duration */
	INST_HTTP_EVENTS,	/* rawtel.http.events {event} */
	INST_HTTP_GAP,		/* rawtel.http.gap_bytes */
	INST_DB_CLIENT_DURATION,	/* db.client.operation.duration (adb.h) */
	INST_DB_SERVER_DURATION,	/* db.server.operation.duration */
	INST_PROTO_CONNS,	/* rawtel.proto.connections {outcome} */
	INST_PROTO_EVENTS,	/* rawtel.proto.events {protocol, event} */
	INST_RPC_SERVER_DURATION,	/* rpc.server.call.duration (ah2_span.c) */
	INST_RPC_CLIENT_DURATION,	/* rpc.client.call.duration */
	INST_TLS_HANDSHAKE,	/* rawtel.tls.handshake.duration (atls.c) */
	INST_TLS_LIBS,		/* rawtel.tls.libraries {result} */
	INST_N
};

struct agent {
	const struct agent_opts *o;
	struct session s;
	struct loop *loop;
	struct sink *sink;
	struct otlp_batch *b[3];	/* by enum otlp_signal */
	struct otlp_buf enc;
	/* the traces batch's store (emit.c): its spans as protobuf, sent in
	 * this block when one process made them all */
	struct sink_req *store;
	struct otlp_agg *agg;
	struct otlp_scope scope;
	struct agent_procs procs;
	struct ahttp_state *http;	/* the http probe's state (ahttp_rec.c) */
	struct proctab seed;
	struct prom_srv *prom;		/* --prometheus (prom_srv.c) */
	struct agent_proc self;		/* rawtel's own resource */
	int self_res;
	struct agent_proc host_res;	/* the host's resource, for what no process owns */
	int inst[INST_N];
	char host[256];
	uint64_t received[EV_TYPE_MAX];
	uint64_t dropped[3];		/* items not batched or not encoded */
	uint64_t exported[3];		/* items handed to the sink */
	uint64_t last_received;
	int exit_code;
	bool sweeping;			/* in procs_sweep, after a collection */
};

/* ---- emit.c: the output side ---- */
uint64_t agent_now_ns(void);
/* An event's kernel timestamp as Unix time in ns. */
uint64_t agent_wall_ns(const struct agent *a, uint64_t ev_ts);
/* Add a log record under the process's resource; flushes when the batch
 * is full. */
int agent_add_log(struct agent *a, struct agent_proc *pr, const struct otlp_log *l);
/* The same for a span. */
int agent_add_span(struct agent *a, struct agent_proc *pr, const struct otlp_span *s);
/* The process's resource in the metrics aggregator (added on first use). */
int agent_proc_agg(struct agent *a, struct agent_proc *pr);
/* Encode the signal's batch and hand it to the sink. */
void agent_flush(struct agent *a, int sig);

/* ---- handlers, called by agent.c's dispatcher ---- */
/* exec, exit and open events as log records (user/agent/logs.c). */
void agent_on_exec(struct agent *a, const struct ev_exec *e, size_t len);
void agent_on_exit(struct agent *a, const struct ev_exit *e);
void agent_on_open(struct agent *a, const struct ev_open *e, size_t len);
/* dns and uprobe events (user/agent/spans.c). */
void agent_on_dns(struct agent *a, const struct ev_dns *e, size_t len);
void agent_on_uprobe(struct agent *a, const struct ev_uprobe *e);
/* tcp and retrans events (user/agent/tcp.c). */
void agent_on_tcp(struct agent *a, const struct ev_tcp *e);
void agent_on_retrans(struct agent *a, const struct ev_retrans *e);

/* Self-metrics (user/agent/selfmet.c). */
int selfmet_init(struct agent *a);
/* Record the current totals and export a metrics batch. */
void selfmet_export(struct agent *a);
/* Record the current totals and collect the aggregator into the metrics
 * batch, for a scrape (the caller renders and resets it); 0 or -errno. */
int selfmet_snapshot(struct agent *a);
/* selfmet_export, then forget processes whose last points went out. */
void selfmet_collect(struct agent *a);

/* The Prometheus endpoint (user/agent/prom_srv.c): listening on the loop
 * when --prometheus is set, closed before the loop is freed. */
int agent_prom_open(struct agent *a);
void agent_prom_close(struct agent *a);

#endif
