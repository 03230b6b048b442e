/* A sockcap without a session, for the tests that feed it records
 * (test_sockgap.c, test_tls.c): no maps, none of their fds (nothing here
 * needs them), and to_agent, the consumer that hands what it passes on to
 * rawtel run's HTTP code (ctx: the struct agent). Include after
 * agent_http_t.h. */
#ifndef RAWTEL_SOCKCAP_T_H
#define RAWTEL_SOCKCAP_T_H

#include "../../user/probes/sockcap_int.h"

static struct sockcap *sc_new(void)
{
	struct sockcap *c = calloc(1, sizeof(*c));

	T_ASSERT(c && !idtab_init(&c->conns, sizeof(struct sc_conn), SC_CONNS, SC_CONNS - 1,
				       false));
	c->fds_fd = c->gate_fd = c->procs_fd = c->listen_fd = c->sel_fd = -1;
	c->nocopy_fd = c->nocopy_n_fd = -1;
	return c;
}

/* The socket event every test connection starts and ends with: `kind` at
 * ts on connection conn, fd fd (accepted from fd 3), IPv4; a close says how
 * many bytes moved each way (seq). Role, ports and comm are the caller's. */
static void sc_sock_ev(struct ev_sock *e, int kind, uint64_t ts, uint64_t conn, int fd,
		       const uint64_t seq[2])
{
	memset(e, 0, sizeof(*e));
	e->h = (struct ev_hdr){ EV_SOCK, SOCK_REC_SIZE, SOCK_F_LOCAL | SOCK_F_REMOTE, ts, TID, PID };
	e->conn = conn;
	e->fd = fd;
	e->lfd = kind == SOCK_K_ACCEPT ? 3 : -1;
	e->kind = (uint8_t)kind;
	e->family = RT_AF_INET;
	if (kind == SOCK_K_CLOSE) {
		e->h.flags = SOCK_F_SEQ;
		memcpy(e->seq, seq, sizeof(e->seq));
	}
}

static int to_agent(void *ctx, const void *rec, size_t size)
{
	ahttp_on_record(ctx, rec, size);
	return 0;
}

#endif
