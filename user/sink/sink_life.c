/* Starting, flushing, inspecting and freeing a sink. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rawtel/err.h"
#include "rawtel/loop.h"
#include "sink_int.h"

#define FILES_FLUSH_MS 1000	/* buffered records reach the file */
#define FILES_SYNC_MS 30000	/* and the disk */

static void on_files_flush(struct loop *l, void *arg)
{
	struct sink *s = arg;

	(void)l;
	if (files_flush(&s->files, 0))
		sink_log_limited(&s->lim[SINK_LOGK_SPOOL], s->cfg.log_interval_ms, "%s", err_msg());
}

static void on_files_sync(struct loop *l, void *arg)
{
	struct sink *s = arg;

	(void)l;
	if (files_flush(&s->files, 1))
		sink_log_limited(&s->lim[SINK_LOGK_SPOOL], s->cfg.log_interval_ms, "%s", err_msg());
}

static int start_files(struct sink *s)
{
	const struct sink_config *c = &s->cfg;
	int ret = files_open(&s->files, c->output_dir, c->output_format, c->rotate_bytes,
			     c->rotate_keep);

	if (ret)
		return ret;
	s->files_mode = 1;
	s->flush_timer = loop_timer_add(s->loop, FILES_FLUSH_MS, FILES_FLUSH_MS,
					on_files_flush, s);
	if (s->flush_timer < 0)
		return s->flush_timer;
	s->sync_timer = loop_timer_add(s->loop, FILES_SYNC_MS, FILES_SYNC_MS, on_files_sync, s);
	return s->sync_timer < 0 ? s->sync_timer : 0;
}

static int start_http(struct sink *s)
{
	const struct sink_config *c = &s->cfg;
	int ret;

	for (int sig = 0; sig < SINK_NSIG; sig++) {
		ret = sink_config_target(c, sig, &s->tgt[sig]);
		if (ret)
			return err_wrap(ret, "%s endpoint", sink_signal_name(sig));
		/* signals sharing host:port share one connection */
		int e;

		for (e = 0; e < s->nep; e++)
			if (!strcasecmp(s->ep[e].host, s->tgt[sig].host) &&
			    s->ep[e].port == s->tgt[sig].port)
				break;
		if (e == s->nep)
			sink_http_ep_init(&s->ep[s->nep++], s, &s->tgt[sig]);
		s->ep_of[sig] = e;
		ret = queue_init(&s->q[sig], c->queue_max_requests);
		if (ret)
			return ret;
	}
	if (c->spool_dir[0]) {
		ret = spool_open(&s->spool, c->spool_dir, c->spool_max_bytes, c->spool_max_files);
		if (ret)
			return ret;
		s->spool_on = 1;
		for (int sig = 0; sig < SINK_NSIG; sig++)
			s->next_seq[sig] = s->spool.next_seq[sig];
		if (s->spool.bad_files)
			sink_log("spool %s: removed %llu unreadable files", c->spool_dir,
				 (unsigned long long)s->spool.bad_files);
	}
	for (int e = 0; e < s->nep; e++)	/* replay what an earlier run spooled */
		sink_http_ep_kick(&s->ep[e]);
	return 0;
}

int sink_new(struct loop *loop, const struct sink_config *c, struct sink **out)
{
	struct sink *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return err_set(ENOMEM, "out of memory for the sink");
	s->loop = loop;
	s->cfg = *c;
	s->spool.dirfd = s->files.dirfd = -1;
	ret = c->output_dir[0] ? start_files(s) : start_http(s);
	if (ret) {
		sink_free(s);
		return ret;
	}
	*out = s;
	return 0;
}

int sink_idle(const struct sink *s)
{
	if (s->files_mode)
		return 1;
	for (int sig = 0; sig < SINK_NSIG; sig++)
		if (s->q[sig].count || (s->spool_on && spool_head(&s->spool, sig)))
			return 0;
	for (int e = 0; e < s->nep; e++)
		if (s->ep[e].req)
			return 0;
	return 1;
}

int sink_flush(struct sink *s, uint64_t deadline_ms)
{
	int left = 0;

	if (s->files_mode)
		return files_flush(&s->files, 1);
	for (int e = 0; e < s->nep; e++)
		sink_http_ep_hurry(&s->ep[e]);
	for (uint64_t now = loop_now_ms(); !sink_idle(s) && now < deadline_ms;
	     now = loop_now_ms()) {
		uint64_t wait = deadline_ms - now;
		int ret = loop_run_once(s->loop, wait > 100 ? 100 : (int)wait);

		if (ret < 0)
			return ret;
	}
	/* out of time: stop talking, keep what can be kept */
	for (int e = 0; e < s->nep; e++)
		if (s->ep[e].req)
			sink_http_ep_abort(&s->ep[e]);
	for (int sig = 0; sig < SINK_NSIG; sig++) {
		struct sink_ep *ep = &s->ep[s->ep_of[sig]];
		struct sink_req *r;

		if (s->spool_on)
			sink_spill(s, sig);
		if (ep->req && ep->sig == sig) {
			if (!ep->from_spool) {	/* else it stays in the spool */
				sink_drop(s, sig, ep->req, SINK_DROP_SHUTDOWN);
				left++;
			} else {
				free(ep->req);
			}
			ep->req = NULL;
		}
		while ((r = queue_pop(&s->q[sig]))) {
			sink_drop(s, sig, r, SINK_DROP_SHUTDOWN);
			left++;
		}
		if (s->spool_on)
			left += (int)s->spool.sig[sig].count;
	}
	return left;
}

void sink_stats(const struct sink *s, int sig, struct sink_stats *out)
{
	*out = s->st[sig];
	out->queue_bytes = s->q[sig].bytes;
	out->queue_requests = s->q[sig].count;
	if (s->spool_on) {
		out->spool_bytes = s->spool.sig[sig].bytes;
		out->spool_files = s->spool.sig[sig].count;
		out->dropped[SINK_DROP_SPOOL_FULL] = s->spool.dropped[sig];
		if (sig == 0)
			out->dropped[SINK_DROP_SPOOL_BAD] += s->spool.bad_files;
	}
}

uint64_t sink_connections(const struct sink *s)
{
	return s->connections;
}

void sink_free(struct sink *s)
{
	if (!s)
		return;
	for (int e = 0; e < s->nep; e++)
		sink_http_ep_free(&s->ep[e]);
	for (int sig = 0; sig < SINK_NSIG; sig++)
		queue_free(&s->q[sig]);
	if (s->spool_on)
		spool_close(&s->spool);
	if (s->files_mode) {
		files_close(&s->files);
		loop_timer_cancel(s->loop, s->flush_timer);
		loop_timer_cancel(s->loop, s->sync_timer);
	}
	free(s);
}
