/* rawtel trace tcp (a line per closed connection, as tcplife prints) and
 * rawtel trace retrans (retransmissions and resets, as tcpretrans). */
#include <stdio.h>
#include <string.h>

#include "rawtel/fmt.h"
#include "rawtel/names.h"
#include "rawtel/probes.h"

const char *const tcp_pid_how[4] = { "none", "connect", "io", "close" };
const char *const retrans_kinds[4] = { "retrans", "synack", "rst_sent", "rst_recv" };
static const char *const dir_names[3] = { "unknown", "out", "in" };

/* "TIME PID COMM" (or with the event in a combined layout); the owner of a
 * connection may be unknown: "-" */
static void prefix(const struct probe_out *o, const char *event, uint64_t ts, uint32_t pid,
		   const char *comm)
{
	char t[40], p[16];

	pfmt_time(o, ts, t, sizeof(t));
	fmt_snprintf(p, sizeof(p), pid ? "%u" : "-", pid);
	if (o->multi)
		fmt_fprintf(o->f, "%-12s %-5s %-7s %-16s ", t, event, p, *comm ? comm : "-");
	else
		fmt_fprintf(o->f, "%-12s %-7s %-16s ", t, p, *comm ? comm : "-");
}

static void json_addrs(FILE *f, uint16_t family, const uint8_t *s, uint16_t lport,
		       const uint8_t *d, uint16_t rport)
{
	char a[64], b[64];

	fmt_fprintf(f, ",\"family\":\"%s\",\"laddr\":\"%s\",\"lport\":%u,\"raddr\":\"%s\",\"rport\":%u",
		family == RT_AF_INET ? "ipv4" : family == RT_AF_INET6 ? "ipv6" : "unknown",
		tcp_addr_str(family, s, a, sizeof(a)), lport, tcp_addr_str(family, d, b, sizeof(b)),
		rport);
}

/* "1.2.3.4:80" or "[::1]:80" */
static const char *endpoint(uint16_t family, const uint8_t *a, uint16_t port, char *buf,
			    size_t size)
{
	char s[64];

	tcp_addr_str(family, a, s, sizeof(s));
	fmt_snprintf(buf, size, strchr(s, ':') ? "[%s]:%u" : "%s:%u", s, port);
	return buf;
}

/* ---- tcp ----------------------------------------------------------------- */
void tcp_header(const struct probe_out *o)
{
	fmt_fprintf(o->f, "%-12s %-7s %-16s %-15s %-5s %-15s %-5s %8s %8s %10s %s\n", "TIME", "PID",
		"COMM", "LADDR", "LPORT", "RADDR", "RPORT", "TX_KB", "RX_KB", "MS", "STATES");
}

void tcp_print(const struct probe_out *o, const void *rec, size_t len)
{
	const struct ev_tcp *e = rec;
	char comm[17], la[64], ra[64], states[160], tx[24] = "-", rx[24] = "-", ms[32] = "-";
	const char *err = tcp_close_error(e);
	bool start = e->h.flags & TCP_F_START;
	/* bytes are whole only for a connection seen from its start */
	bool bytes = o->tcp_bytes && start;

	(void)len;
	if (tcp_lost_child(e))
		return;
	pfmt_comm(comm, e->comm);
	tcp_addr_str(e->family, e->saddr, la, sizeof(la));
	tcp_addr_str(e->family, e->daddr, ra, sizeof(ra));
	if (o->json) {
		pfmt_json_prefix(o, "tcp", e->h.ts, e->h.pid, e->h.tid, comm);
		json_addrs(o->f, e->family, e->saddr, e->lport, e->daddr, e->rport);
		fmt_fprintf(o->f, ",\"direction\":\"%s\",\"owner_from\":\"%s\"",
			dir_names[e->dir < 3 ? e->dir : 0], tcp_pid_how[e->pid_how < 4 ? e->pid_how : 0]);
		if (start)
			fmt_fprintf(o->f, ",\"duration_ns\":%llu", (unsigned long long)e->duration);
		if (bytes)
			fmt_fprintf(o->f, ",\"tx_bytes\":%llu,\"rx_bytes\":%llu",
				(unsigned long long)e->sent, (unsigned long long)e->received);
		fputs(",\"states\":[", o->f);
		for (int pos = 0, st, n = 0; (st = tcp_states_next(e->states, &pos)) >= 0; n++)
			fmt_fprintf(o->f, "%s\"%s\"", n ? "," : "", tcp_state_name((unsigned)st));
		fmt_fprintf(o->f, "],\"first_state\":\"%s\",\"last_state\":\"%s\",\"retransmits\":%u,"
			"\"rst_sent\":%s,\"rst_received\":%s", e->first ? tcp_state_name(e->first) : "",
			tcp_state_name(e->last), e->retrans,
			e->h.flags & TCP_F_RST_SENT ? "true" : "false",
			e->h.flags & TCP_F_RST_RECV ? "true" : "false");
		if (err)
			fmt_fprintf(o->f, ",\"error\":\"%s\"", err);
		fputs("}\n", o->f);
		return;
	}
	tcp_states_str(e->states, '>', states, sizeof(states));
	if (bytes) {
		fmt_snprintf(tx, sizeof(tx), "%.1f", (double)e->sent / 1024);
		fmt_snprintf(rx, sizeof(rx), "%.1f", (double)e->received / 1024);
	}
	if (start)
		fmt_snprintf(ms, sizeof(ms), "%.3f", (double)e->duration / 1e6);
	prefix(o, "tcp", e->h.ts, e->h.pid, comm);
	if (o->multi) {
		char l[80], r[80];
		fmt_fprintf(o->f, "%s > %s ms=%s tx_kb=%s rx_kb=%s %s%s%s\n",
			endpoint(e->family, e->saddr, e->lport, l, sizeof(l)),
			endpoint(e->family, e->daddr, e->rport, r, sizeof(r)), ms, tx, rx, states,
			err ? " " : "", err ? err : "");
		return;
	}
	fmt_fprintf(o->f, "%-15s %-5u %-15s %-5u %8s %8s %10s %s%s%s\n", la, e->lport, ra, e->rport, tx,
		rx, ms, states, err ? " " : "", err ? err : "");
}

/* ---- retrans ------------------------------------------------------------- */
void tcp_retrans_header(const struct probe_out *o)
{
	fmt_fprintf(o->f, "%-12s %-7s %-16s %-8s %-21s %-21s %-12s %s\n", "TIME", "PID", "COMM", "KIND",
		"LADDR:LPORT", "RADDR:RPORT", "STATE", "DETAIL");
}

void tcp_retrans_print(const struct probe_out *o, const void *rec, size_t len)
{
	const struct ev_retrans *e = rec;
	const char *kind = retrans_kinds[e->kind < 4 ? e->kind : 0];
	const char *reason = e->h.flags & RETR_F_REASON ? tcp_reset_reason(e->reason) : NULL;
	const char *state = e->state ? tcp_state_name(e->state) : "-";
	const char *errn = e->err < 0 ? names_errno(e->err) : NULL;
	char comm[17], l[80], r[80], detail[96] = "";

	(void)len;
	pfmt_comm(comm, e->comm);
	if (o->json) {
		pfmt_json_prefix(o, "retrans", e->h.ts, e->h.pid, e->h.tid, comm);
		fmt_fprintf(o->f, ",\"kind\":\"%s\"", kind);
		json_addrs(o->f, e->family, e->saddr, e->lport, e->daddr, e->rport);
		fmt_fprintf(o->f, ",\"state\":\"%s\",\"direction\":\"%s\",\"owner_from\":\"%s\"",
			e->state ? tcp_state_name(e->state) : "", dir_names[e->dir < 3 ? e->dir : 0],
			tcp_pid_how[e->pid_how < 4 ? e->pid_how : 0]);
		if (e->kind == RETR_K_SEGMENT)
			fmt_fprintf(o->f, ",\"err\":%d", e->err);
		if (e->h.flags & RETR_F_REASON) {
			fmt_fprintf(o->f, ",\"reason_code\":%u,\"reason\":", e->reason);
			pfmt_json_str(o->f, reason ? reason : "", 40);
		}
		fputs("}\n", o->f);
		return;
	}
	if (e->kind == RETR_K_SEGMENT && e->err) {
		if (errn)
			fmt_snprintf(detail, sizeof(detail), "not sent: %s", errn);
		else
			fmt_snprintf(detail, sizeof(detail), "err=%d", e->err);
	} else if (e->h.flags & RETR_F_REASON) {
		if (reason)
			fmt_snprintf(detail, sizeof(detail), "%s", reason);
		else
			fmt_snprintf(detail, sizeof(detail), "reason=%u", e->reason);
	}
	endpoint(e->family, e->saddr, e->lport, l, sizeof(l));
	endpoint(e->family, e->daddr, e->rport, r, sizeof(r));
	prefix(o, e->kind >= RETR_K_RST_SENT ? "rst" : "retr", e->h.ts, e->h.pid, comm);
	if (o->multi)
		fmt_fprintf(o->f, "%s %s > %s %s%s%s\n", kind, l, r, state, *detail ? " " : "", detail);
	else if (*detail)
		fmt_fprintf(o->f, "%-8s %-21s %-21s %-12s %s\n", kind, l, r, state, detail);
	else
		fmt_fprintf(o->f, "%-8s %-21s %-21s %s\n", kind, l, r, state);
}
