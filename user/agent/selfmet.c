/* rawtel's own health as metrics, always exported (a tracer that loses
 * data must say so): events received and lost per probe, records dropped
 * per signal, export requests by outcome, drops by reason, bytes, spool. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "agent_int.h"
#include "rawtel/err.h"
#include "rawtel/sockcap.h"
#include "rawtel/tls_late.h"

/* Connections live from milliseconds to hours: the bounds the .NET
 * conventions advise for their connection durations (kestrel, signalr) */
static const double tcp_duration_bounds[14] = { 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10,
						30, 60, 120, 300 };

static const struct otlp_instrument instruments[INST_N] = {
	[INST_RECEIVED] = { OTLP_S("rawtel.events.received"),
			    OTLP_S("Kernel events received by rawtel"), OTLP_S("{event}"),
			    OTLP_INST_OBS_COUNTER, 0, NULL, 0 },
	[INST_LOST] = { OTLP_S("rawtel.events.lost"),
			OTLP_S("Kernel events lost before reaching rawtel (ring buffer full)"),
			OTLP_S("{event}"), OTLP_INST_OBS_COUNTER, 0, NULL, 0 },
	[INST_DROPPED] = { OTLP_S("rawtel.records.dropped"),
			   OTLP_S("Telemetry records dropped in rawtel"),
			   OTLP_S("{record}"), OTLP_INST_OBS_COUNTER, 0, NULL, 0 },
	[INST_EXPORTED] = { OTLP_S("rawtel.export.items"),
			    OTLP_S("Telemetry records handed to the exporter"), OTLP_S("{record}"),
			    OTLP_INST_OBS_COUNTER, 0, NULL, 0 },
	[INST_REQUESTS] = { OTLP_S("rawtel.export.requests"),
			    OTLP_S("OTLP export requests by outcome"), OTLP_S("{request}"),
			    OTLP_INST_OBS_COUNTER, 0, NULL, 0 },
	[INST_EXPORT_DROPS] = { OTLP_S("rawtel.export.dropped"),
				OTLP_S("OTLP export requests dropped, by reason"),
				OTLP_S("{request}"), OTLP_INST_OBS_COUNTER, 0, NULL, 0 },
	[INST_BYTES] = { OTLP_S("rawtel.export.bytes"), OTLP_S("Request body bytes sent"),
			 OTLP_S("By"), OTLP_INST_OBS_COUNTER, 0, NULL, 0 },
	[INST_SPOOL] = { OTLP_S("rawtel.spool.bytes"),
			 OTLP_S("Bytes waiting in the on-disk spool"), OTLP_S("By"),
			 OTLP_INST_OBS_UPDOWN_COUNTER, 0, NULL, 0 },
	[INST_DNS_DURATION] = { OTLP_S("dns.lookup.duration"),
				OTLP_S("Measures the time taken to perform a DNS lookup."),
				OTLP_S("s"), OTLP_INST_HISTOGRAM, 1, otlp_duration_bounds, 14 },
	/* no semantic convention covers TCP connections yet: tcp.* names,
	 * attributes from the conventions (user/agent/tcp.c) */
	/* one retransmission may carry several segments (segmentation
	 * offload); the tracepoint does not say how many */
	[INST_TCP_RETRANS] = { OTLP_S("tcp.retransmissions"),
			       OTLP_S("TCP retransmissions sent (SYN-ACKs included)"),
			       OTLP_S("{retransmission}"), OTLP_INST_COUNTER, 0, NULL, 0 },
	[INST_TCP_RESETS] = { OTLP_S("tcp.resets"), OTLP_S("TCP resets sent and received"),
			      OTLP_S("{reset}"), OTLP_INST_COUNTER, 0, NULL, 0 },
	[INST_TCP_CLOSED] = { OTLP_S("tcp.connections.closed"), OTLP_S("TCP connections closed"),
			      OTLP_S("{connection}"), OTLP_INST_COUNTER, 0, NULL, 0 },
	[INST_TCP_DURATION] = { OTLP_S("tcp.connection.duration"),
				OTLP_S("Duration of TCP connections, from the first SYN to the close"),
				OTLP_S("s"), OTLP_INST_HISTOGRAM, 1, tcp_duration_bounds, 14 },
	[INST_HTTP_SERVER_DURATION] = { OTLP_S("http.server.request.duration"),
					OTLP_S("Duration of HTTP server requests."), OTLP_S("s"),
					OTLP_INST_HISTOGRAM, 1, otlp_duration_bounds, 14 },
	[INST_HTTP_CLIENT_DURATION] = { OTLP_S("http.client.request.duration"),
					OTLP_S("Duration of HTTP client requests."), OTLP_S("s"),
					OTLP_INST_HISTOGRAM, 1, otlp_duration_bounds, 14 },
	[INST_HTTP_EVENTS] = { OTLP_S("rawtel.http.events"),
			       OTLP_S("HTTP capture and parsing, by event (rawtel run --help)"),
			       OTLP_S("{event}"), OTLP_INST_OBS_COUNTER, 0, NULL, 0 },
	[INST_HTTP_GAP] = { OTLP_S("rawtel.http.gap_bytes"),
			    OTLP_S("HTTP payload bytes moved but not captured"), OTLP_S("By"),
			    OTLP_INST_OBS_COUNTER, 0, NULL, 0 },
	[INST_DB_CLIENT_DURATION] = { OTLP_S("db.client.operation.duration"),
				      OTLP_S("Duration of database client operations."), OTLP_S("s"),
				      OTLP_INST_HISTOGRAM, 1, adb_duration_bounds, ADB_N_BOUNDS },
	/* not in the semantic conventions: the database's own view (adb.h) */
	[INST_DB_SERVER_DURATION] = { OTLP_S("db.server.operation.duration"),
				      OTLP_S("Duration of database operations, seen by the server."),
				      OTLP_S("s"), OTLP_INST_HISTOGRAM, 1, adb_duration_bounds,
				      ADB_N_BOUNDS },
	[INST_PROTO_CONNS] = { OTLP_S("rawtel.proto.connections"),
			       OTLP_S("Connections by what the protocol detection found: a protocol, "
				      "unknown, tls, done (left its protocol), evicted"),
			       OTLP_S("{connection}"), OTLP_INST_OBS_COUNTER, 0, NULL, 0 },
	[INST_PROTO_EVENTS] = { OTLP_S("rawtel.proto.events"),
				OTLP_S("Protocol parsing, by protocol and event (struct proto_stats)"),
				OTLP_S("{event}"), OTLP_INST_OBS_COUNTER, 0, NULL, 0 },
	[INST_RPC_SERVER_DURATION] = { OTLP_S("rpc.server.call.duration"),
				       OTLP_S("Measures the duration of inbound remote procedure calls."),
				       OTLP_S("s"), OTLP_INST_HISTOGRAM, 1, otlp_duration_bounds, 14 },
	[INST_RPC_CLIENT_DURATION] = { OTLP_S("rpc.client.call.duration"),
				       OTLP_S("Measures the duration of outbound remote procedure calls."),
				       OTLP_S("s"), OTLP_INST_HISTOGRAM, 1, otlp_duration_bounds, 14 },
	/* no semantic convention: user/agent/atls.c */
	[INST_TLS_HANDSHAKE] = { OTLP_S("rawtel.tls.handshake.duration"),
				 OTLP_S("TLS handshakes seen on the wire, from the ClientHello to "
					"the end of the handshake"),
				 OTLP_S("s"), OTLP_INST_HISTOGRAM, 1, otlp_duration_bounds, 14 },
	[INST_TLS_LIBS] = { OTLP_S("rawtel.tls.libraries"),
			    OTLP_S("TLS library files whose read and write functions rawtel "
				   "probes, by result (attached, failed)"),
			    OTLP_S("{file}"), OTLP_INST_OBS_UPDOWN_COUNTER, 0, NULL, 0 },
};

/* rawtel.proto.events: a parser's counters, in struct proto_stats order */
static const char *const proto_events[] = {
	"exchanges", "no_request", "no_response", "errors", "sync_lost", "resyncs", "skipped",
	"gap_bytes", "given_up", "queue_full", "undecoded", "unseen",
};
_Static_assert(sizeof(proto_events) / sizeof(proto_events[0]) ==
	       sizeof(struct proto_stats) / 8, "one name per counter");

/* rawtel.http.events: the parser's counters (struct http1_stats, in its
 * order, gap_bytes apart), then the agent's (enum ahttp_ev) */
static const char *const http_events[] = {
	"exchanges", "no_request", "no_response", "sync_lost", "resyncs", "probe_misses",
	"skipped", NULL, "not_http", "upgraded", "queue_full", "late", "evicted",
	"unpaired", "reorder_late", "lost_state", "proc_evicted", "acts_full", "unsampled", "ignored",
	"self", "gap", "tls", "tls_unbound", "tls_handshakes", "tls_handshakes_unfinished",
	"ktls",
};
_Static_assert(sizeof(http_events) / sizeof(http_events[0]) ==
	       sizeof(struct http1_stats) / 8 + HEV_N, "one name per counter");

int selfmet_init(struct agent *a)
{
	struct otlp_agg_config c;
	int r;

	memset(&c, 0, sizeof(c));
	c.scope = a->scope;
	c.pref = a->o->temp_pref;
	/* rawtel itself, the host and every process with a series */
	c.max_resources = PROCS_MAX + 2;
	c.max_instruments = INST_N;
	c.max_series = 8192;
	if ((r = otlp_agg_new(&a->agg, &c)))
		return r;
	for (int i = 0; i < INST_N; i++) {
		a->inst[i] = otlp_agg_add_instrument(a->agg, &instruments[i]);
		if (a->inst[i] < 0)
			return a->inst[i];
	}
	procs_self_resource(&a->procs, &a->self);
	a->self_res = otlp_agg_add_resource(a->agg, &a->self.res);
	procs_host_resource(&a->procs, &a->host_res);
	return a->self_res < 0 ? a->self_res : 0;
}

static void rec(struct agent *a, int inst, const struct otlp_kv *kv, uint32_t n, uint64_t v)
{
	/* a full aggregator counts its own drops (otlp_agg_stats) */
	otlp_agg_record_int(a->agg, a->self_res, a->inst[inst], kv, n, (int64_t)v);
}

/* The connection layer's counters (rawtel/pconn.h): connections by
 * outcome, and each parser's events (HTTP/1's are rawtel.http.events) */
static void proto_export(struct agent *a, const struct pconn_stats *cs)
{
	static const char *const outcome[PCONN_OUTCOME_N] = { "unknown", "tls", "done" };
	struct otlp_kv kv[2];

	for (int i = 0; i < PCONN_OUTCOME_N; i++) {
		kv[0] = otlp_kv_str("outcome", outcome[i]);
		rec(a, INST_PROTO_CONNS, kv, 1, cs->outcome[i]);
	}
	kv[0] = otlp_kv_str("outcome", "evicted");
	rec(a, INST_PROTO_CONNS, kv, 1, cs->evicted);
	for (int p = 1; p < PROTO_N; p++) {
		const uint64_t *st = (const uint64_t *)(const void *)&cs->proto[p];

		if (!pconn_parsers[p])
			continue;
		kv[0] = otlp_kv_str("outcome", pconn_parsers[p]->name);
		rec(a, INST_PROTO_CONNS, kv, 1, cs->conns[p]);
		if (p == PROTO_HTTP1)
			continue;
		kv[0] = otlp_kv_str("protocol", pconn_parsers[p]->name);
		for (size_t i = 0; i < sizeof(proto_events) / sizeof(proto_events[0]); i++) {
			kv[1] = otlp_kv_str("event", proto_events[i]);
			rec(a, INST_PROTO_EVENTS, kv, 2, st[i]);
		}
	}
}

/* The TLS library files probed (user/probes/tls_targets.c, tls_late.c): one series
 * per result, whatever the number of files */
static void tls_libs_export(struct agent *a)
{
	unsigned ok, failed;
	struct otlp_kv kv;

	tls_late_libs(&a->s, &ok, &failed);
	kv = otlp_kv_str("result", "attached");
	rec(a, INST_TLS_LIBS, &kv, 1, ok);
	kv = otlp_kv_str("result", "failed");
	rec(a, INST_TLS_LIBS, &kv, 1, failed);
}

/* The totals as observable counters' observations. */
static void selfmet_observe(struct agent *a)
{
	static const char *const outcome[4] = { "sent", "succeeded", "failed", "retried" };

	uint64_t counted = 0;

	for (int i = 0; i < a->o->s.n_probes; i++) {
		const struct probe *p = a->o->s.probes[i];
		struct otlp_kv kv = otlp_kv_str("probe", p->name);
		/* both record types of a probe that has two (http: sock, data) */
		uint64_t lost = session_lost_probe(&a->s, p);
		uint64_t got = a->received[p->ev_type] + (p->ev_type2 ? a->received[p->ev_type2] : 0);

		rec(a, INST_RECEIVED, &kv, 1, got);
		rec(a, INST_LOST, &kv, 1, lost);
		counted += lost;
	}
	/* losses perf saw that the programs could not count (kernels before
	 * 5.4, where bpf_perf_event_output does not report a full buffer);
	 * on newer kernels the two counts are the same losses */
	if (a->s.ring.perf && a->s.ring.pb.lost > counted) {
		struct otlp_kv kv = otlp_kv_str("probe", "unknown");
		rec(a, INST_LOST, &kv, 1, a->s.ring.pb.lost - counted);
	}
	if (a->http) {
		/* the tables' evictions are the connection layer's now */
		struct http1_stats hs = a->http->st;
		const uint64_t *st = (const uint64_t *)(const void *)&hs;
		const size_t n_st = sizeof(hs) / 8;

		hs.evicted += a->http->cst.evicted;

		for (size_t i = 0; i < n_st + HEV_N; i++) {
			struct otlp_kv kv = otlp_kv_str("event", http_events[i]);
			uint64_t v = i < n_st ? st[i] : a->http->ev[i - n_st];
			if (http_events[i])
				rec(a, INST_HTTP_EVENTS, &kv, 1, v);
			else
				rec(a, INST_HTTP_GAP, NULL, 0, v);
		}
		/* data records dropped as late: their bytes were fed as a gap */
		struct sockcap_gaps g;
		struct otlp_kv kv = otlp_kv_str("event", "gap_late");

		sockcap_gaps(a->s.sockcap, &g);
		rec(a, INST_HTTP_EVENTS, &kv, 1, g.late);
		/* sockets older than rawtel found at a later process's first
		 * use, and those gone before their addresses could be read */
		uint64_t found, gone;
		sockcap_older_counts(a->s.sockcap, &found, &gone);
		kv = otlp_kv_str("event", "older_found");
		rec(a, INST_HTTP_EVENTS, &kv, 1, found);
		kv = otlp_kv_str("event", "older_lost");
		rec(a, INST_HTTP_EVENTS, &kv, 1, gone);
		proto_export(a, &a->http->cst);
		tls_libs_export(a);
	}
	for (int sig = 0; sig < SINK_NSIG; sig++) {
		struct otlp_kv kv[2] = { otlp_kv_str("signal", sink_signal_name(sig)) };
		struct sink_stats st;
		const uint64_t *by_outcome[4] = { &st.sent, &st.succeeded, &st.failed, &st.retried };

		/* --prometheus alone: no sink, nothing sent */
		if (a->sink)
			sink_stats(a->sink, sig, &st);
		else
			memset(&st, 0, sizeof(st));
		/* before export, or by the exporter (its dropped requests) */
		rec(a, INST_DROPPED, kv, 1, a->dropped[sig] + st.dropped_items);
		rec(a, INST_EXPORTED, kv, 1, a->exported[sig]);
		rec(a, INST_BYTES, kv, 1, st.bytes_sent);
		rec(a, INST_SPOOL, kv, 1, st.spool_bytes);
		for (int k = 0; k < 4; k++) {
			kv[1] = otlp_kv_str("outcome", outcome[k]);
			rec(a, INST_REQUESTS, kv, 2, *by_outcome[k]);
		}
		for (int d = 0; d < SINK_DROP_N; d++) {
			kv[1] = otlp_kv_str("reason", sink_drop_name(d));
			rec(a, INST_EXPORT_DROPS, kv, 2, st.dropped[d]);
		}
	}
}

int selfmet_snapshot(struct agent *a)
{
	int r;

	selfmet_observe(a);
	r = otlp_agg_collect(a->agg, a->b[OTLP_METRICS]);
	return r < 0 ? r : 0;
}

void selfmet_export(struct agent *a)
{
	selfmet_observe(a);
	if (otlp_agg_collect(a->agg, a->b[OTLP_METRICS]) == -ENOSPC) {
		/* cannot happen with the arena sized for these few series;
		 * counted rather than assumed */
		a->dropped[OTLP_METRICS]++;
		otlp_batch_reset(a->b[OTLP_METRICS]);
		return;
	}
	agent_flush(a, OTLP_METRICS);
}

void selfmet_collect(struct agent *a)
{
	selfmet_export(a);
	/* processes that ended are exported for the last time: forget them */
	a->sweeping = true;
	procs_sweep(&a->procs);
	a->sweeping = false;
}
