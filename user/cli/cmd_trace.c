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

#include "rawtel/attach.h"
#include "rawtel/bpf.h"
#include "rawtel/bpfobj.h"
#include "rawtel/cli.h"
#include "rawtel/err.h"
#include "rawtel/events.h"
#include "rawtel/feature.h"
#include "rawtel/probes.h"
#include "rawtel/ring.h"
#include "trace_opts.h"

#define MAX_ATTACH 64
#define MAX_FDS 1024

struct trace {
	struct trace_opts opt;
	struct bpf_obj obj;
	struct evring ring;
	bool ring_open;
	struct attach att[MAX_ATTACH];
	const char *att_prog[MAX_ATTACH];	/* which program each is */
	int n_att;
	struct probe_out out;
	struct proctab seed;
	uint64_t events, bad;
	uint64_t t0_ns;
};

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int on_record(void *ctx, const void *data, size_t len)
{
	struct trace *t = ctx;
	const struct ev_hdr *h = data;
	const struct probe *p;

	if (len < EV_HDR_SIZE || h->size > len || h->size < EV_HDR_SIZE ||
	    !(p = probe_by_type(h->type)) || h->size < p->ev_min) {
		t->bad++;
		return 0;
	}
	for (int i = 0; i < t->opt.n_probes; i++) {
		if (t->opt.probes[i] == p) {
			p->print(&t->out, data, h->size);
			t->events++;
			break;
		}
	}
	return 0;
}

static int set_consts(struct trace *t)
{
	struct bpf_obj *o = &t->obj;
	char comm[16] = { 0 };
	int64_t lo, hi;
	int r = 0;

	memcpy(comm, t->opt.comm, strnlen(t->opt.comm, 15));
	memcpy(&lo, comm, 8);
	memcpy(&hi, comm + 8, 8);
	r |= bpf_obj_set_const(o, "perf_buffer", t->opt.perf_buffer);
	r |= bpf_obj_set_const(o, "ring_size", t->opt.ring_size);
	r |= bpf_obj_set_const(o, "ncpus", bpf_num_possible_cpus());
	r |= bpf_obj_set_const(o, "boot_ns", feat_has(FEAT_BOOT_NS));
	r |= bpf_obj_set_const(o, "probe_read_user", feat_has(FEAT_PROBE_READ_USER));
	r |= bpf_obj_set_const(o, "task_regs", feat_has(FEAT_TASK_REGS));
	r |= bpf_obj_set_const(o, "self_pid", getpid());
	r |= bpf_obj_set_const(o, "filter_pid", t->opt.pid);
	r |= bpf_obj_set_const(o, "filter_comm", t->opt.comm[0] != 0);
	r |= bpf_obj_set_const(o, "comm_lo", lo);
	r |= bpf_obj_set_const(o, "comm_hi", hi);
	return r;
}

static int attach_all(struct trace *t)
{
	for (int i = 0; i < t->opt.n_probes; i++) {
		const struct probe *p = t->opt.probes[i];

		for (const struct probe_prog *pp = p->progs; pp->name; pp++) {
			const struct bpf_obj_prog *bp = bpf_obj_prog(&t->obj, pp->name);
			const struct bpf_obj_prog *run = t->opt.null ?
				bpf_obj_prog(&t->obj, "null") : bp;
			bool dup = false;
			int r;

			if (!bp || !run)
				return err_set(ENOENT, "program %s is missing from kern/", pp->name);
			/* programs shared by probes (proc_fork) attach once */
			for (int k = 0; k < t->n_att; k++)
				dup |= !strcmp(t->att_prog[k], pp->name);
			if (dup)
				continue;
			if (t->n_att == MAX_ATTACH)
				return err_set(ENOSPC, "too many attachments");
			r = attach_tracepoint(run->fd, bp->def->target, &t->att[t->n_att]);
			if (r == -ENOENT && pp->optional)
				continue;	/* e.g. no openat2 before 5.6 */
			if (r)
				return r;
			t->att_prog[t->n_att++] = pp->name;
		}
	}
	return 0;
}

static int setup(struct trace *t)
{
	const char *why = feat_priv_problem();
	int r;

	if (why)
		return err_set(EPERM, "%s", why);
	if (!t->opt.perf_buffer && !feat_has(FEAT_RINGBUF)) {
		if (!feat_has(FEAT_PERF_ARRAY))
			return err_set(ENOTSUP, "this kernel has neither the BPF ring buffer nor "
				       "perf event arrays: see rawtel probe");
		t->opt.perf_buffer = true;	/* kernels before 5.8 */
	}
	bpf_obj_init(&t->obj);
	r = set_consts(t);
	if (r)
		return r;
	for (int i = 0; i < t->opt.n_probes; i++)
		for (int u = 0; u < 3 && t->opt.probes[i]->units[u]; u++)
			if ((r = bpf_obj_add_kern(&t->obj, t->opt.probes[i]->units[u])))
				return r;
	if (t->opt.null && (r = bpf_obj_add_kern(&t->obj, "null")))
		return r;
	if ((r = bpf_obj_load(&t->obj)))
		return r;
	if (!t->opt.null) {
		int fd = bpf_obj_map_fd(&t->obj, "events");
		t->ring.perf = t->opt.perf_buffer;
		r = t->ring.perf ? perfbuf_open(&t->ring.pb, fd, t->opt.perf_pages)
				 : ringbuf_open(&t->ring.rb, fd, t->opt.ring_size);
		if (r)
			return r;
		t->ring_open = true;
	}
	return attach_all(t);
}

static void detach_all(struct trace *t)
{
	for (int i = 0; i < t->n_att; i++)
		attach_close(&t->att[i]);
	t->n_att = 0;
}

static void summary(struct trace *t)
{
	uint64_t lost = 0, l;
	int fd = bpf_obj_map_fd(&t->obj, "drops");

	for (int i = 0; fd >= 0 && i < t->opt.n_probes; i++)
		if (bpf_obj_percpu_sum(fd, t->opt.probes[i]->ev_type, &l) == 0)
			lost += l;
	fprintf(stderr, "rawtel: %llu events, %llu lost in the kernel (ring full or "
		"collision)", (unsigned long long)t->events, (unsigned long long)lost);
	if (t->ring.perf)
		fprintf(stderr, ", %llu lost samples reported by perf",
			(unsigned long long)t->ring.pb.lost);
	if (t->bad)
		fprintf(stderr, ", %llu malformed records skipped", (unsigned long long)t->bad);
	fputc('\n', stderr);
}

static int drain(struct trace *t)
{
	int r = 0;

	if (t->ring_open) {
		r = evring_consume(&t->ring, on_record, t);
		fflush(t->out.f);
	}
	return r < 0 && r != -EBADMSG ? r : 0;
}

static int run_loop(struct trace *t)
{
	struct epoll_event ev, evs[64];
	int ep, sfd, tfd, fds[MAX_FDS], nfds, r = 0;
	sigset_t mask;
	uint64_t end = now_ns(CLOCK_MONOTONIC) + t->opt.duration_ms * 1000000ULL;
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
	nfds = t->ring_open ? evring_fds(&t->ring, fds, MAX_FDS) : 0;
	for (int i = 0; i < nfds; i++) {
		ev.data.fd = fds[i];
		epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
	}
	for (bool stop = false; !stop;) {
		int n = 0;

		if (t->opt.has_duration && now_ns(CLOCK_MONOTONIC) >= end)
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
	detach_all(t);
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
	t->t0_ns = now_ns(CLOCK_MONOTONIC);
	r = trace_opts_parse(&t->opt, argc, argv);
	if (r) {
		free(t);
		return r > 0 ? CLI_OK : CLI_USAGE;
	}
	t->out.f = stdout;
	t->out.json = t->opt.json;
	t->out.multi = t->opt.n_probes > 1;
	t->out.wall_off_ns = (int64_t)now_ns(CLOCK_REALTIME) -
			     (int64_t)now_ns(feat_has(FEAT_BOOT_NS) ? CLOCK_BOOTTIME :
					     CLOCK_MONOTONIC);
	r = setup(t);
	if (r) {
		cli_err("%s", err_msg());
		code = r == -EPERM || r == -EACCES ? CLI_NOPERM :
		       r == -ENOENT || r == -ENOTSUP ? CLI_NOFEATURE : CLI_ERR;
		goto out;
	}
	for (int i = 0; i < t->opt.n_probes; i++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 i ? "," : "", t->opt.probes[i]->name);
	if (t->opt.stats)
		fprintf(stderr, "rawtel: started in %.2f ms (to probes attached)\n",
			(double)(now_ns(CLOCK_MONOTONIC) - t->t0_ns) / 1e6);
	fprintf(stderr, "rawtel: tracing %s%s (%s); Ctrl-C to stop\n", names,
		t->opt.null ? " with empty programs" : "",
		t->opt.perf_buffer ? "per-CPU perf buffers" : "BPF ring buffer");
	/* processes older than rawtel: parents and start times, after the
	 * probes are on so nothing is missed while reading /proc */
	for (int i = 0; i < t->opt.n_probes; i++)
		if (t->opt.probes[i]->ev_type != EV_OPEN && !t->out.seed)
			t->out.seed = proctab_scan(&t->seed) >= 0 ? &t->seed : NULL;
	probe_print_header(&t->out, t->out.multi ? NULL : t->opt.probes[0]);
	fflush(stdout);
	r = run_loop(t);
	summary(t);
	if (r)
		cli_err("%s", err_msg());
	code = r ? CLI_ERR : CLI_OK;
out:
	detach_all(t);
	if (t->ring_open)
		evring_close(&t->ring);
	bpf_obj_close(&t->obj);
	proctab_free(&t->seed);
	free(t);
	return code;
}
