/* TCP connections, retransmissions and resets as metrics, per observed
 * peer, under the resource of the process that owns the connection (the
 * host's when no owner was seen); a log record per reset.
 *
 * The peer, in the semantic conventions' terms: when this host opened the
 * connection, the peer is the server: server.address and server.port are
 * its address and port. When the peer connected here, it is the client:
 * client.address is its address and server.port the local port (the
 * client's own port, new for every connection, would make every
 * connection a series of its own). Who opened a connection is what the
 * kernel side saw, else guessed from the ports (tcp_dir). Cardinality is
 * bounded per metric and resource by the aggregator (otlp_agg.h). */
#include <stdio.h>
#include <string.h>

#include "agent_int.h"
#include "rawtel/fmt.h"

#define SEV_INFO 9

/* the metrics' resource: the owner's, else the host's */
static int resource(struct agent *a, uint32_t pid, const char comm16[16])
{
	char comm[17];

	if (!pid) {
		if (a->host_res.agg_res < 0)
			a->host_res.agg_res = otlp_agg_add_resource(a->agg, &a->host_res.res);
		return a->host_res.agg_res;
	}
	pfmt_comm(comm, comm16);
	return agent_proc_agg(a, procs_get(&a->procs, pid, comm));
}

/* server.address/server.port or client.address/server.port into kv[0..1];
 * addr holds the text (46 bytes) */
static void peer_attrs(struct otlp_kv *kv, int dir, uint16_t family, const uint8_t *raddr,
		       uint16_t lport, uint16_t rport, char *addr)
{
	tcp_addr_str(family, raddr, addr, 46);
	if (tcp_dir(dir, lport, rport) == TCP_DIR_OUT) {
		kv[0] = otlp_kv_str("server.address", addr);
		kv[1] = otlp_kv_int("server.port", rport);
	} else {
		kv[0] = otlp_kv_str("client.address", addr);
		kv[1] = otlp_kv_int("server.port", lport);
	}
}

void agent_on_tcp(struct agent *a, const struct ev_tcp *e)
{
	struct otlp_kv kv[3];
	char addr[64];
	const char *err = tcp_close_error(e);
	uint32_t n = 2;
	int res;

	if (tcp_lost_child(e))
		return;
	res = resource(a, e->h.pid, e->comm);
	if (res < 0)
		return;
	peer_attrs(kv, e->dir, e->family, e->daddr, e->lport, e->rport, addr);
	if (err)
		kv[n++] = otlp_kv_str("error.type", err);
	otlp_agg_record_int(a->agg, res, a->inst[INST_TCP_CLOSED], kv, n, 1);
	if (e->h.flags & TCP_F_START)
		otlp_agg_record_double(a->agg, res, a->inst[INST_TCP_DURATION], kv, n,
				       (double)e->duration / 1e9);
}

static void reset_log(struct agent *a, const struct ev_retrans *e, bool sent)
{
	struct otlp_kv kv[10];
	struct otlp_log l;
	char la[64], ra[64], body[200], comm[17];
	const char *reason = e->h.flags & RETR_F_REASON ? tcp_reset_reason(e->reason) : NULL;
	uint32_t n = 0;
	struct agent_proc *pr = NULL;

	tcp_addr_str(e->family, e->saddr, la, sizeof(la));
	tcp_addr_str(e->family, e->daddr, ra, sizeof(ra));
	/* logs carry the whole connection: one record each, no cardinality
	 * to bound */
	kv[n++] = otlp_kv_str("network.io.direction", sent ? "transmit" : "receive");
	kv[n++] = otlp_kv_str("network.transport", "tcp");
	kv[n++] = otlp_kv_str("network.local.address", la);
	kv[n++] = otlp_kv_int("network.local.port", e->lport);
	kv[n++] = otlp_kv_str("network.peer.address", ra);
	kv[n++] = otlp_kv_int("network.peer.port", e->rport);
	if (e->state)
		kv[n++] = otlp_kv_str("rawtel.tcp.state", tcp_state_name(e->state));
	if (reason)
		kv[n++] = otlp_kv_str("rawtel.tcp.reset.reason", reason);
	if (e->h.pid) {
		kv[n++] = otlp_kv_int("process.pid", e->h.pid);
		pfmt_comm(comm, e->comm);
		pr = procs_get(&a->procs, e->h.pid, comm);
	}
	fmt_snprintf(body, sizeof(body), "TCP reset %s %s port %u%s%s%s", sent ? "sent to" : "received from",
		 ra, e->rport, reason ? " (" : "", reason ? reason : "", reason ? ")" : "");
	memset(&l, 0, sizeof(l));
	l.time_ns = agent_wall_ns(a, e->h.ts);
	l.observed_ns = agent_now_ns();
	l.severity = SEV_INFO;
	l.severity_text = OTLP_S("INFO");
	l.body = (struct otlp_value){ OTLP_V_STRING, (uint32_t)strlen(body), { .s = body } };
	l.attrs = kv;
	l.n_attrs = n;
	l.event_name = OTLP_S("rawtel.tcp.reset");
	agent_add_log(a, pr ? pr : &a->host_res, &l);
}

void agent_on_retrans(struct agent *a, const struct ev_retrans *e)
{
	struct otlp_kv kv[3];
	char addr[64];
	int res;

	/* an attempt the kernel reports as failed (err: -EBUSY while the
	 * original is still queued, no memory, no route) sent nothing */
	if (e->kind == RETR_K_SEGMENT && e->err)
		return;
	res = resource(a, e->h.pid, e->comm);
	if (res < 0)
		return;
	peer_attrs(kv, e->dir, e->family, e->daddr, e->lport, e->rport, addr);
	if (e->kind == RETR_K_SEGMENT || e->kind == RETR_K_SYNACK) {
		otlp_agg_record_int(a->agg, res, a->inst[INST_TCP_RETRANS], kv, 2, 1);
		return;
	}
	kv[2] = otlp_kv_str("network.io.direction", e->kind == RETR_K_RST_SENT ? "transmit" : "receive");
	otlp_agg_record_int(a->agg, res, a->inst[INST_TCP_RESETS], kv, 3, 1);
	reset_log(a, e, e->kind == RETR_K_RST_SENT);
}
