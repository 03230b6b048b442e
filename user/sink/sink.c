/* The sink: per-signal queues, spool and delivery policy. Request order
 * per signal is the order of submission (sequence numbers); the spool
 * always holds the oldest part of that order and memory the newest, so
 * replay after an outage is in order, across restarts too.
 *
 * Policy (OTLP/HTTP spec): 2xx succeeds (partial_success is logged, never
 * retried); 429/502/503/504, dropped connections and timeouts are retried
 * with backoff or Retry-After; any other status drops the request. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "rawtel/err.h"
#include "rawtel/gzip.h"
#include "rawtel/loop.h"
#include "sink_int.h"

const char *sink_drop_name(int reason)
{
	static const char *const names[SINK_DROP_N] = {
		"queue_full", "spool_full", "rejected", "too_large", "spool_bad", "io",
		"shutdown",
	};

	return reason >= 0 && reason < SINK_DROP_N ? names[reason] : "?";
}

void sink_drop(struct sink *s, int sig, struct sink_req *r, int reason)
{
	s->st[sig].dropped[reason]++;
	if (r)
		s->st[sig].dropped_items += r->items;
	free(r);
}

static struct sink_ep *ep_for(struct sink *s, int sig)
{
	return &s->ep[s->ep_of[sig]];
}

void sink_spill(struct sink *s, int sig)
{
	struct sink_ep *ep = ep_for(s, sig);
	int wrote = 0, ret = 0;

	if (!s->spool_on)
		return;
	if (ep->req && ep->sig == sig && !ep->from_spool) {
		ret = spool_put_req(&s->spool, sig, ep->req);
		if (!ret) {
			ep->from_spool = 1;
			wrote++;
		}
	}
	while (!ret && s->q[sig].count) {
		struct sink_req *r = queue_peek(&s->q[sig]);

		ret = spool_put_req(&s->spool, sig, r);
		if (ret == -EFBIG) {	/* can never be spooled: drop it alone */
			sink_drop(s, sig, queue_pop(&s->q[sig]), SINK_DROP_TOO_LARGE);
			ret = 0;
			continue;
		}
		if (!ret) {
			free(queue_pop(&s->q[sig]));
			wrote++;
		}
	}
	if (ret)
		sink_log_limited(&s->lim[SINK_LOGK_SPOOL], s->cfg.log_interval_ms,
				 "spool: %s; keeping %s requests in memory", err_msg(),
				 sink_signal_name(sig));
	if (wrote)
		spool_sync(&s->spool);
}

static int submit_files(struct sink *s, int sig, const void *body, size_t len, int proto)
{
	int ret = files_write(&s->files, sig, body, len, proto);

	if (ret) {
		s->st[sig].dropped[SINK_DROP_IO]++;
		return ret;
	}
	s->st[sig].file_records++;
	return 0;
}

/* The queue to drop the oldest request from before `len` more bytes of
 * `sig` go in, or -1 when they fit: a queue at its request bound gives
 * its own, else past the byte bound over all signals the largest queue
 * gives, so one busy signal cannot starve the others. */
static int queue_victim(const struct sink *s, int sig, size_t len)
{
	uint64_t total = len;
	int big = sig;

	if (s->q[sig].count >= s->cfg.queue_max_requests)
		return sig;
	for (int k = 0; k < SINK_NSIG; k++) {
		total += s->q[k].bytes;
		if (s->q[k].bytes > s->q[big].bytes)
			big = k;
	}
	return total > s->cfg.queue_max_bytes && s->q[big].count ? big : -1;
}

/* Queue request r (taken over), its body as it will be sent and within
 * the bounds. Past a bound the queues go to the spool; without one (or
 * when it fails) the oldest requests are dropped and counted. */
static int submit_http(struct sink *s, int sig, struct sink_req *r)
{
	struct sink_queue *q = &s->q[sig];
	int v;

	if (queue_victim(s, sig, r->len) >= 0)
		for (int k = 0; k < SINK_NSIG; k++)
			sink_spill(s, k);
	while ((v = queue_victim(s, sig, r->len)) >= 0) {
		sink_drop(s, v, queue_pop(&s->q[v]), SINK_DROP_QUEUE_FULL);
		sink_log_limited(&s->lim[SINK_LOGK_DROP], s->cfg.log_interval_ms,
				 "%s queue full (%u requests, %llu bytes): dropped the oldest request",
				 sink_signal_name(v), s->cfg.queue_max_requests,
				 (unsigned long long)s->cfg.queue_max_bytes);
	}
	r->seq = s->next_seq[sig]++;
	queue_push(q, r);	/* room was made above */
	if (q->bytes > s->st[sig].queue_bytes_peak)
		s->st[sig].queue_bytes_peak = q->bytes;
	if (ep_for(s, sig)->down)	/* keep the outage's data crash-safe */
		sink_spill(s, sig);
	sink_http_ep_kick(ep_for(s, sig));
	return 0;
}

/* sink_submit (r NULL) and sink_submit_req (body in r). Compressed when
 * the signal's endpoint asks for it: queued, spooled and sent so (the
 * bounds count what goes over the wire). Without the memory to compress,
 * the body goes as it is. */
static int submit(struct sink *s, int sig, struct sink_req *r, const uint8_t *body, size_t len,
		  int proto)
{
	struct sink_req *z;
	long zn;
	int ret;

	if (sig < 0 || sig >= SINK_NSIG || (proto != SINK_PROTO_PROTOBUF && proto != SINK_PROTO_JSON))
		ret = err_set(EINVAL, "sink_submit: bad signal %d or protocol %d", sig, proto);
	else if (!len)
		ret = err_set(EINVAL, "sink_submit: empty %s request (OTLP forbids them)",
			      sink_signal_name(sig));
	else if (s->files_mode)
		ret = submit_files(s, sig, body, len, proto);
	else
		ret = 1;
	if (ret != 1) {
		free(r);
		return ret;
	}
	if (s->tgt[sig].compression == SINK_COMP_GZIP && (z = sink_req_alloc(gzip_bound(len)))) {
		zn = gzip_encode(body, len, z->mem, gzip_bound(len));
		if (zn > 0) {
			if (r)
				z->items = r->items;
			free(r);
			r = z;
			r->enc = SINK_COMP_GZIP;
			len = (size_t)zn;
		} else {
			free(z);
		}
	}
	/* A request over the queue bound is not refused: it goes in alone,
	 * queue_victim dropping the others first. The bound (512 KiB by
	 * default) is below what a batch of long spans (SQL text, URLs) can
	 * encode to; refusing them would lose every such batch. One request
	 * is bounded anyway: by the batch arena, and by SINK_BODY_MAX */
	if (len > SINK_BODY_MAX) {
		sink_drop(s, sig, r, SINK_DROP_TOO_LARGE);
		return err_set(EMSGSIZE, "a %zu-byte %s request is over the %u-byte request limit; dropped",
			       len, sink_signal_name(sig), SINK_BODY_MAX);
	}
	if (!r && !(r = sink_req_new(0, body, len, proto)))
		return err_set(ENOMEM, "out of memory queueing a %zu-byte request", len);
	r->len = (uint32_t)len;
	r->proto = (uint8_t)proto;
	return submit_http(s, sig, r);
}

int sink_submit(struct sink *s, int sig, const void *body, size_t len, int proto)
{
	return submit(s, sig, NULL, body, len, proto);
}

int sink_submit_req(struct sink *s, int sig, struct sink_req *r, size_t off, size_t len, int proto)
{
	r->body = r->mem + off;
	return submit(s, sig, r, r->body, len, proto);
}

int sink_next_request(struct sink_ep *ep)
{
	struct sink *s = ep->s;

	for (int k = 0; k < SINK_NSIG; k++) {
		int sig = (ep->rr + k) % SINK_NSIG;

		if (&s->ep[s->ep_of[sig]] != ep)
			continue;
		for (;;) {	/* skip unreadable spool files */
			const struct spool_item *h = s->spool_on ? spool_head(&s->spool, sig) : NULL;
			int ret;

			if (!h)
				break;
			ret = spool_load(&s->spool, sig, h->seq, &ep->req);
			if (ret == -EBADMSG) {
				s->st[sig].dropped[SINK_DROP_SPOOL_BAD]++;
				sink_log("%s", err_msg());
				continue;
			}
			if (ret)
				return 0;
			ep->from_spool = 1;
			ep->sig = sig;
			ep->rr = sig + 1;
			return 1;
		}
		if (s->q[sig].count) {
			ep->req = queue_pop(&s->q[sig]);
			ep->from_spool = 0;
			ep->sig = sig;
			ep->rr = sig + 1;
			return 1;
		}
	}
	return 0;
}

int sink_request_valid(struct sink_ep *ep)
{
	const struct spool_item *h;

	if (!ep->from_spool)
		return 1;
	h = spool_head(&ep->s->spool, ep->sig);
	if (h && h->seq == ep->req->seq)
		return 1;
	free(ep->req);	/* the spool bound dropped it (and counted it) */
	ep->req = NULL;
	return 0;
}

/* Forget the held request: delivered or given up. */
static void release(struct sink_ep *ep)
{
	struct sink *s = ep->s;

	if (ep->from_spool)
		spool_remove(&s->spool, ep->sig, ep->req->seq);
	free(ep->req);
	ep->req = NULL;
}

static int body_is_json(const struct sink_ep *ep)
{
	const char *ct = ep->resp.content_type;

	if (!strncasecmp(ct, "application/json", 16))
		return 1;
	if (!strncasecmp(ct, "application/x-protobuf", 22))
		return 0;
	return ep->req->proto == SINK_PROTO_JSON;
}

static void on_success(struct sink_ep *ep)
{
	struct sink *s = ep->s;
	char msg[256];
	int64_t rejected = 0;
	int ret = rpc_partial_success(ep->resp.body, ep->resp.body_len, body_is_json(ep),
				      ep->sig, &rejected, msg, sizeof(msg));

	s->st[ep->sig].succeeded++;
	if (ret == 1 && (rejected || msg[0])) {
		if (rejected > 0)
			s->st[ep->sig].partial_rejected += (uint64_t)rejected;
		sink_log_limited(&s->lim[SINK_LOGK_PARTIAL], s->cfg.log_interval_ms,
				 "collector %s accepted %s with partial success: %lld rejected%s%s",
				 ep->hostport, sink_signal_name(ep->sig), (long long)rejected,
				 msg[0] ? ": " : "", msg);
	}
}

static void on_rejected(struct sink_ep *ep, int status)
{
	struct sink *s = ep->s;
	char msg[256];

	if (rpc_status_message(ep->resp.body, ep->resp.body_len, body_is_json(ep), msg,
			       sizeof(msg)) < 0)
		msg[0] = 0;
	s->st[ep->sig].failed++;
	s->st[ep->sig].dropped_items += ep->req->items;	/* release() frees it */
	s->st[ep->sig].dropped[SINK_DROP_REJECTED]++;
	sink_log_limited(&s->lim[SINK_LOGK_REJECTED], s->cfg.log_interval_ms,
			 "collector %s refused a %s request with HTTP %d%s%s; dropped it (not retried)",
			 ep->hostport, sink_signal_name(ep->sig), status, msg[0] ? ": " : "", msg);
}

/* Delay before the next try: Retry-After when the server gave a usable
 * one (capped), else the backoff step. */
static uint64_t retry_delay(struct sink_ep *ep, int result)
{
	struct sink_config *c = &ep->s->cfg;
	uint64_t ms;

	if (result > 0 && ep->resp.retry_after[0] &&
	    !sink_http_retry_after_ms(ep->resp.retry_after, (int64_t)time(NULL), &ms))
		return ms < c->retry_after_max_ms ? ms : c->retry_after_max_ms;
	ms = backoff_delay_ms(ep->attempt, c->backoff_initial_ms, c->backoff_max_ms,
			      backoff_rand());
	return ms;
}

void sink_request_done(struct sink_ep *ep, int result)
{
	struct sink *s = ep->s;
	int sig = ep->sig;

	if (result >= 200 && result < 300) {
		on_success(ep);
	} else if (result > 0 && result != 429 && result != 502 && result != 503 &&
		   result != 504) {
		on_rejected(ep, result);
	} else {
		uint64_t ms = retry_delay(ep, result);

		s->st[sig].retried++;
		ep->attempt++;
		if (result > 0)
			sink_log_limited(&s->lim[SINK_LOGK_RETRY], s->cfg.log_interval_ms,
					 "collector %s answered a %s request with HTTP %d; retrying in %llu ms",
					 ep->hostport, sink_signal_name(sig), result,
					 (unsigned long long)ms);
		else
			sink_log_limited(&s->lim[SINK_LOGK_DOWN], s->cfg.log_interval_ms,
					 "cannot deliver %s: %s; retrying in %llu ms%s",
					 sink_signal_name(sig), err_msg(), (unsigned long long)ms,
					 s->spool_on ? " (spooling meanwhile)" : "");
		ep->down = 1;
		for (int k = 0; k < SINK_NSIG; k++)
			if (s->ep_of[k] == s->ep_of[sig])
				sink_spill(s, k);
		sink_http_ep_backoff(ep, ms);
		return;
	}
	ep->attempt = 0;
	ep->down = 0;
	release(ep);
	sink_http_ep_kick(ep);
}
