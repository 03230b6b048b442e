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

static int to_agent(void *ctx, const void *rec, size_t size)
{
	ahttp_on_record(ctx, rec, size);
	return 0;
}

#endif
