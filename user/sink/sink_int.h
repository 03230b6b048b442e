/* Internals shared by the files of user/sink/: the sink and its HTTP
 * endpoints (one keep-alive connection per collector host:port). */
#ifndef RAWTEL_SINK_INT_H
#define RAWTEL_SINK_INT_H

#include <sys/socket.h>

#include "rawtel/loop.h"
#include "rawtel/sink_http.h"
#include "rawtel/sink.h"
#include "rawtel/sink_parts.h"

#define EP_MAX_ADDRS 8
#define EP_HEAD_MAX (SINK_HDRS_MAX + 2 * SINK_URL_MAX + 256)

enum ep_state { EP_IDLE, EP_RESOLVING, EP_CONNECTING, EP_SENDING, EP_RECEIVING,
		EP_BACKOFF };

struct sink_resolve_job;

struct sink_ep {
	struct sink *s;
	char host[SINK_HOST_MAX];
	uint16_t port;
	char hostport[SINK_HOST_MAX + 8];
	int numeric;		/* addrs fixed at start, no resolving */
	struct sockaddr_storage addrs[EP_MAX_ADDRS];
	socklen_t lens[EP_MAX_ADDRS];
	int naddrs, next_addr;
	struct sink_resolve_job *res;
	int fd;			/* -1, or a connection (kept alive when idle) */
	uint32_t events;	/* what the loop watches fd for */
	int state;
	int reused;		/* the connection already carried a response */
	int stale_retried;	/* fresh-connection retry used for this request */
	int timeout_timer, retry_timer;
	/* the request being delivered (kept across retries) */
	struct sink_req *req;
	int sig, from_spool;
	char head[EP_HEAD_MAX];
	size_t head_len, sent;
	struct sink_http_resp resp;
	uint32_t attempt;	/* consecutive failures, for the backoff */
	int down;		/* the collector is not taking requests */
	int rr;			/* round-robin cursor over signals */
};

/* Local endpoints remembered: more than the connections a sink keeps
 * open at once (one per signal), with room for reconnections whose
 * accept a traced collector reports late. */
#define SINK_OWN_MAX 16

struct sink {
	struct loop *loop;
	struct sink_config cfg;
	int files_mode;
	struct files files;
	int flush_timer, sync_timer;
	struct sink_target tgt[SINK_NSIG];
	int ep_of[SINK_NSIG];
	struct sink_ep ep[SINK_NSIG];
	int nep;
	struct sink_queue q[SINK_NSIG];
	int spool_on;
	struct spool spool;
	uint64_t next_seq[SINK_NSIG];
	struct sink_stats st[SINK_NSIG];
	uint64_t connections;
	struct sink_loglim lim[SINK_LOGK_N];
	/* the local ends of our last connections to collectors, IPv6 form
	 * (sink_own_endpoint) */
	struct { uint8_t addr[16]; uint16_t port; } own[SINK_OWN_MAX];
	unsigned own_next;
};

/* http_ep.c */
int sink_http_ep_init(struct sink_ep *ep, struct sink *s, const struct sink_target *t);
void sink_http_ep_free(struct sink_ep *ep);
/* Start the next request if the endpoint is free and one is pending. */
void sink_http_ep_kick(struct sink_ep *ep);
/* Try the held request again after `ms`. */
void sink_http_ep_backoff(struct sink_ep *ep, uint64_t ms);
/* Retry now if waiting in backoff (shutdown flush). */
void sink_http_ep_hurry(struct sink_ep *ep);
/* Drop the connection and any exchange in progress (shutdown). */
void sink_http_ep_abort(struct sink_ep *ep);

/* sink.c, called by the endpoint */
/* Pick the next request for `ep` into ep->req; 1 when there is one. */
int sink_next_request(struct sink_ep *ep);
/* 0 (and ep->req freed) when the spool bound dropped the held request
 * while it waited for a retry. */
int sink_request_valid(struct sink_ep *ep);
/* The held request finished: `result` is an HTTP status (ep->resp holds
 * the response) or -errno for a connection failure (err_msg() says what). */
void sink_request_done(struct sink_ep *ep, int result);

/* Move what memory holds for `sig` to the spool (the in-flight request
 * first: it is the oldest). On a write error the rest stays in memory. */
void sink_spill(struct sink *s, int sig);
/* Count request r (may be NULL) of signal sig as dropped for `reason`, with
 * the records it holds, and free it. */
void sink_drop(struct sink *s, int sig, struct sink_req *r, int reason);

/* resolve.c: resolve a host name on the loop; `done` runs from the loop
 * (never from within sink_resolve_start), then sink_resolve_finish takes
 * the addresses (0) or the error (-errno, err_msg() says what) and frees
 * the job; sink_resolve_abandon frees it at any time before. */
int sink_resolve_start(struct loop *l, const char *host, uint16_t port, loop_timer_fn done,
		       void *arg, struct sink_resolve_job **out);
int sink_resolve_finish(struct sink_resolve_job *j, struct sockaddr_storage *addrs, socklen_t *lens,
	       int max, int *n);
void sink_resolve_abandon(struct sink_resolve_job *j);
/* A numeric IPv4 or IPv6 address into ss with `port`: 1, or 0 if s is not one. */
int sink_addr_parse(const char *s, uint16_t port, struct sockaddr_storage *ss, socklen_t *len);

#endif
