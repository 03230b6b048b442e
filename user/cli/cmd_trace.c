/* rawtel trace PROBE[,PROBE...]: print kernel events as they happen, one
 * line per event like the BCC tools, or one JSON object per line. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "rawtel/cli.h"
#include "rawtel/err.h"
#include "rawtel/phase.h"
#include "rawtel/stage.h"
#include "rawtel/events.h"
#include "rawtel/feature.h"
#include "rawtel/fmt.h"
#include "rawtel/session.h"
#include "rawtel/sockcap.h"
#include "trace_opts.h"

#define MAX_FDS 1024

struct trace {
	struct trace_opts opt;
	struct session s;
	struct probe_out out;
	struct proctab seed;
	uint64_t events;
	uint64_t t0_ns;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int on_event(void *ctx, const struct probe *p, const void *rec, size_t size)
{
	struct trace *t = ctx;

	p->print(&t->out, rec, size);
	t->events++;
	return 0;
}

/* now on the records' clock (KTIME in kern/common.h) */
static uint64_t event_now_ns(void)
{
	struct timespec ts;

	clock_gettime(feature_has(FEAT_BOOT_NS) ? CLOCK_BOOTTIME : CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int drain(struct trace *t)
{
	int r = session_consume(&t->s, on_event, t);

	/* printers that keep state (http) learn that time passes */
	for (int i = 0; i < t->opt.s.n_probes; i++)
		if (t->opt.s.probes[i]->tick)
			t->opt.s.probes[i]->tick(&t->out, event_now_ns());
	fflush(t->out.f);
	return r;
}

/* connections none of ours: the kernel stopped copying their payloads */
static void nocopy_summary(const struct trace *t)
{
	uint64_t conns, skipped;

	sockcap_nocopy_counts(t->s.sockcap, &conns, &skipped);
	if (conns)
		fmt_fprintf(stderr, ", %llu connections not parsed (%llu payloads not copied)",
			(unsigned long long)conns, (unsigned long long)skipped);
	/* sockets older than rawtel, first used by a later process */
	sockcap_older_counts(t->s.sockcap, &conns, &skipped);
	if (conns || skipped)
		fmt_fprintf(stderr, ", %llu older sockets found at first use (%llu gone first)",
			(unsigned long long)conns, (unsigned long long)skipped);
}

static void summary(struct trace *t)
{
	uint64_t lost = 0;

	for (int i = 0; i < t->opt.s.n_probes; i++) {
		bool again = false;

		/* the socket probes share their records: counted once */
		for (int k = 0; k < i; k++)
			again |= t->opt.s.probes[k]->ev_type == t->opt.s.probes[i]->ev_type;
		if (!again)
			lost += session_lost_probe(&t->s, t->opt.s.probes[i]);
	}
	/* perf reports the same losses again (5.4+), or alone (older) */
	if (t->s.ring.perf && t->s.ring.pb.lost > lost)
		lost = t->s.ring.pb.lost;
	fmt_fprintf(stderr, "rawtel: %llu events, %llu lost in the kernel (ring full, "
		"collision or skipped)", (unsigned long long)t->events, (unsigned long long)lost);
	if (t->s.sockcap) {
		struct sockcap_gaps g;

		/* payload bytes the losses took, found by stream offset */
		sockcap_gaps(t->s.sockcap, &g);
		fmt_fprintf(stderr, ", %llu gaps in payloads (%llu bytes)", (unsigned long long)g.records,
			(unsigned long long)g.bytes);
		if (g.late)
			fmt_fprintf(stderr, ", %llu records too late (their bytes a gap)",
				(unsigned long long)g.late);
		nocopy_summary(t);
	}
	if (t->s.bad)
		fmt_fprintf(stderr, ", %llu malformed records skipped", (unsigned long long)t->s.bad);
	fputc('\n', stderr);
}

static int run_loop(struct trace *t)
{
	struct epoll_event ev, evs[64];
	int ep, sfd, tfd, fds[MAX_FDS], nfds, r = 0;
	sigset_t mask;
	uint64_t end = now_ns() + t->opt.duration_ms * 1000000ULL;
	struct itimerspec tick = { { 0, 100000000 }, { 0, 100000000 } };

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	ep = epoll_create1(EPOLL_CLOEXEC);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	/* a short tick: drains perf buffers (whose wakeups are batched), ends
	 * --duration on time */
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (ep < 0 || sfd < 0 || tfd < 0) {
		r = err_set(errno, "cannot set up the event loop: %s", strerror(errno));
		goto out;
	}
	timerfd_settime(tfd, 0, &tick, NULL);
	ev.events = EPOLLIN;
	ev.data.fd = sfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
	ev.data.fd = tfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
	nfds = session_fds(&t->s, fds, MAX_FDS);
	for (int i = 0; i < nfds; i++) {
		ev.data.fd = fds[i];
		epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
	}
	for (bool stop = false; !stop;) {
		int n;

		if (t->opt.has_duration && now_ns() >= end)
			break;
		n = epoll_wait(ep, evs, 64, 1000);
		if (n < 0 && errno != EINTR) {
			r = err_set(errno, "epoll_wait: %s", strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			uint64_t x;
			if (evs[i].data.fd == sfd) {
				struct signalfd_siginfo si;
				while (read(sfd, &si, sizeof(si)) == sizeof(si))
					stop = true;
			} else if (evs[i].data.fd == tfd) {
				while (read(tfd, &x, sizeof(x)) == sizeof(x))
					;
			}
		}
		if ((r = drain(t)))
			break;
	}
out:
	/* detach first so nothing new arrives, then take what is in flight */
	session_detach(&t->s);
	if (!r)
		r = drain(t);
	if (ep >= 0)
		close(ep);
	if (sfd >= 0)
		close(sfd);
	if (tfd >= 0)
		close(tfd);
	return r;
}

int cmd_trace(int argc, char **argv)
{
	struct trace *t = calloc(1, sizeof(*t));
	int r, code = CLI_ERR;
	char names[256] = "";

	if (!t)
		return CLI_ERR;
	t->t0_ns = now_ns();
	r = trace_opts_parse(&t->opt, argc, argv);
	if (r) {
		free(t);
		return r > 0 ? CLI_OK : CLI_USAGE;
	}
	phase_mark("options parsed");
	r = session_open(&t->s, &t->opt.s);
	if (r) {
		cli_err("%s", err_msg());
		free(t);
		return r == -EPERM ? CLI_NOPERM : r == -ENOENT || r == -ENOTSUP ? CLI_NOFEATURE
										: CLI_ERR;
	}
	t->out.f = stdout;
	t->out.json = t->opt.json;
	t->out.multi = t->opt.s.n_probes > 1;
	t->out.wall_off_ns = t->s.wall_off_ns;
	t->out.targets = t->s.targets;
	t->out.n_targets = t->s.n_targets;
	t->out.tcp_bytes = session_attached(&t->s, "tcp_io_send") &&
			   session_attached(&t->s, "tcp_io_recv");
	t->out.raw = t->opt.raw;
	t->out.tls_data = t->opt.data;
	t->out.sockcap = t->s.sockcap;
	for (int i = 0; i < t->opt.s.n_probes && !r; i++)
		if (t->opt.s.probes[i]->start && !t->opt.raw && !t->opt.s.null)
			r = t->opt.s.probes[i]->start(&t->out);
	if (r) {
		cli_err("%s", err_msg());
		session_close(&t->s);
		free(t);
		return CLI_ERR;
	}
	for (int i = 0; i < t->opt.s.n_probes; i++)
		fmt_snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 i ? "," : "", t->opt.s.probes[i]->name);
	if (t->opt.stats)
		fmt_fprintf(stderr, "rawtel: started in %.2f ms (to probes attached)\n",
			(double)(now_ns() - t->t0_ns) / 1e6);
	if (t->s.n_targets)
		fmt_fprintf(stderr, "rawtel: %d function%s probed (rawtel sym shows where)\n",
			t->s.n_targets, t->s.n_targets > 1 ? "s" : "");
	/* processes older than rawtel: parents and start times, after the
	 * probes are on so nothing is missed while reading /proc, and before
	 * "tracing" is said: a process that someone starts on that word
	 * and that ends at once is then in the table */
	for (int i = 0; i < t->opt.s.n_probes; i++)
		if ((t->opt.s.probes[i]->ev_type == EV_EXEC || t->opt.s.probes[i]->ev_type == EV_EXIT) &&
		    !t->out.seed)
			t->out.seed = proctab_scan(&t->seed) >= 0 ? &t->seed : NULL;
	fmt_fprintf(stderr, "rawtel: tracing %s%s (%s); Ctrl-C to stop\n", names,
		t->opt.s.null ? " with empty programs" : "",
		t->s.ring.perf || t->opt.s.perf_buffer ? "per-CPU perf buffers" : "BPF ring buffer");
	compat_warn();
	probe_print_header(&t->out, t->out.multi ? NULL : t->opt.s.probes[0]);
	fflush(stdout);
	if (t->s.seeded)
		fmt_fprintf(stderr, "rawtel: %d connection%s older than rawtel tracked\n", t->s.seeded,
			t->s.seeded > 1 ? "s" : "");
	r = run_loop(t);
	for (int i = 0; i < t->opt.s.n_probes; i++)
		if (t->opt.s.probes[i]->finish)
			t->opt.s.probes[i]->finish(&t->out);
	fflush(t->out.f);
	summary(t);
	session_bench_report(&t->s, stderr);
	stage_report(stderr);
	if (r)
		cli_err("%s", err_msg());
	code = r ? CLI_ERR : CLI_OK;
	session_close(&t->s);
	proctab_free(&t->seed);
	free(t);
	return code;
}
