/* rawtel run: probes -> log records and metrics -> OTLP, on one event loop.
 * Draining the rings never waits on the network or the disk: the sink
 * queues encoded requests and sends them from the same loop.
 *
 * The agent is a tree: this file (set-up, the loop's callbacks, reading
 * the rings and dispatching each record, shutdown) calls the handlers
 * (logs.c, spans.c, tcp.c, ahttp_*.c, selfmet.c), and they call the
 * output side (emit.c); nothing calls back up into this file. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "agent_int.h"
#include "rawtel/cli.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/stage.h"

#define AGENT_ARENA (2u << 20)
#define AGENT_MAX_RESOURCES 1024
#define AGENT_DRAIN_MS 100
#define AGENT_DRAIN_BUSY_MS 4
#define AGENT_FLUSH_DEADLINE_MS 10000
#define AGENT_SLICE_NS 100000000ull	/* the kernel's maximum, 100 ms */

/* procs' release hook: the aggregator forgets a process before its entry
 * (and the resource it references) is reused or changes (exec). Points
 * not yet exported go out first, unless a collection has just sent them. */
static void release_proc(void *ctx, struct agent_proc *e)
{
	struct agent *a = ctx;

	if (e->agg_res < 0)
		return;
	if (!a->sweeping)
		selfmet_export(a);
	otlp_agg_drop_resource(a->agg, e->agg_res);
}

/* ---- records in ------------------------------------------------------- */
/* session_cb: one kernel record, to the handler of the probe that sent it
 * (logs.c, spans.c, tcp.c, ahttp_rec.c). */
static int agent_on_event(void *ctx, const struct probe *p, const void *rec, size_t size)
{
	struct agent *a = ctx;
	uint16_t t = ((const struct ev_hdr *)rec)->type;

	/* by the record's own type: http's data records are not sock ones */
	a->received[t < EV_TYPE_MAX ? t : p->ev_type]++;
	switch (p->ev_type) {
	case EV_EXEC:
		agent_on_exec(a, rec, size);
		break;
	case EV_EXIT:
		agent_on_exit(a, rec);
		break;
	case EV_OPEN:
		agent_on_open(a, rec, size);
		break;
	case EV_DNS:
		agent_on_dns(a, rec, size);
		break;
	case EV_UPROBE:
		agent_on_uprobe(a, rec);
		break;
	case EV_TCP:
		agent_on_tcp(a, rec);
		break;
	case EV_RETRANS:
		agent_on_retrans(a, rec);
		break;
	}
	/* the http probe emits two record types */
	switch (((const struct ev_hdr *)rec)->type) {
	case EV_SOCK:
	case EV_DATA:
		ahttp_on_record(a, rec, size);
		break;
	}
	return 0;
}

/* ---- loop callbacks ------------------------------------------------------ */
static void on_ring(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct agent *a = arg;
	int r;

	(void)events;
	stage_event(fd >= 0 ? STAGE_WAKE_RING : STAGE_WAKE_TICK);
	stage_enter(STAGE_RING);
	r = session_consume(&a->s, agent_on_event, a);
	ahttp_drain_tick(a);
	stage_leave();
	if (r) {
		fmt_fprintf(stderr, "rawtel: reading events failed: %s\n", err_msg());
		a->exit_code = CLI_ERR;
		loop_stop(l);
	}
}

static uint64_t received_total(const struct agent *a)
{
	uint64_t n = 0;

	for (int i = 0; i < EV_TYPE_MAX; i++)
		n += a->received[i];
	return n;
}

/* The rings are read every AGENT_DRAIN_BUSY_MS while records come, every
 * AGENT_DRAIN_MS when it is quiet (and at once when one is half full).
 * Reading often keeps each burst of rawtel's work short, so a server
 * sharing the CPU with it waits less behind it (a server waking preempts
 * rawtel anyway: its long slice, agent_run); 4 ms, not 2, halves the
 * wakeups and fills at most a quarter of the 256 KB http ring at 15k
 * requests/s. A quiet agent still wakes only ten times a second. */
static void on_drain_tick(struct loop *l, void *arg)
{
	struct agent *a = arg;
	uint64_t before = received_total(a);

	on_ring(l, -1, 0, arg);
	if (loop_timer_add(l, received_total(a) != before ? AGENT_DRAIN_BUSY_MS : AGENT_DRAIN_MS,
			   0, on_drain_tick, a) < 0) {
		fmt_fprintf(stderr, "rawtel: %s\n", err_msg());
		a->exit_code = CLI_ERR;
		loop_stop(l);
	}
}

static void on_http_tick(struct loop *l, void *arg)
{
	(void)l;
	ahttp_tick(arg);
}

static void on_flush_logs(struct loop *l, void *arg)
{
	(void)l;
	agent_flush(arg, OTLP_LOGS);
}

static void on_flush_traces(struct loop *l, void *arg)
{
	(void)l;
	agent_flush(arg, OTLP_TRACES);
}

static void on_metrics(struct loop *l, void *arg)
{
	(void)l;
	selfmet_collect(arg);
}

static void on_stop(struct loop *l, void *arg)
{
	(void)arg;
	loop_stop(l);
}

static void on_signal(struct loop *l, int signo, void *arg)
{
	(void)signo;
	(void)arg;
	loop_stop(l);
}

static uint64_t total_lost(const struct agent *a)
{
	uint64_t n = 0;

	for (int i = 0; i < a->o->s.n_probes; i++)
		n += session_lost_probe(&a->s, a->o->s.probes[i]);
	/* perf's LOST records count the same losses again on kernels whose
	 * bpf_perf_event_output reports them (5.4+); before, only perf does */
	if (a->s.ring.perf && a->s.ring.pb.lost > n)
		n = a->s.ring.pb.lost;
	return n;
}

static void sink_totals(const struct agent *a, struct sink_stats *t)
{
	memset(t, 0, sizeof(*t));
	for (int sig = 0; sig < SINK_NSIG; sig++) {
		struct sink_stats st;

		if (!a->sink)
			break;
		sink_stats(a->sink, sig, &st);
		t->sent += st.sent;
		t->succeeded += st.succeeded;
		t->failed += st.failed;
		t->retried += st.retried;
		t->spool_bytes += st.spool_bytes;
		t->file_records += st.file_records;
		for (int d = 0; d < SINK_DROP_N; d++)
			t->dropped[0] += st.dropped[d];
		if (sig == SINK_TRACES)
			t->dropped_items = st.dropped_items;
	}
}

static void on_status(struct loop *l, void *arg)
{
	struct agent *a = arg;
	struct sink_stats t;
	uint64_t ev = received_total(a);

	(void)l;
	sink_totals(a, &t);
	if (a->o->to_files)
		fmt_fprintf(stderr, "\rrawtel: %llu events/s | logs %llu spans %llu | written %llu requests "
			"| lost %llu\33[K", (unsigned long long)(ev - a->last_received),
			(unsigned long long)a->exported[OTLP_LOGS],
			(unsigned long long)a->exported[OTLP_TRACES],
			(unsigned long long)t.file_records, (unsigned long long)total_lost(a));
	else
		fmt_fprintf(stderr, "\rrawtel: %llu events/s | logs %llu spans %llu | requests %llu ok %llu "
			"| spooled %llu B | lost %llu\33[K", (unsigned long long)(ev - a->last_received),
			(unsigned long long)a->exported[OTLP_LOGS],
			(unsigned long long)a->exported[OTLP_TRACES], (unsigned long long)t.sent,
			(unsigned long long)t.succeeded, (unsigned long long)t.spool_bytes,
			(unsigned long long)total_lost(a));
	a->last_received = ev;
}

/* ---- set-up and shutdown ------------------------------------------------- */
static int mkdirs(const char *path)
{
	char p[SINK_PATH_MAX];

	fmt_snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0700) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return mkdir(p, 0700) && errno != EEXIST ? -errno : 0;
}

static int open_sink(struct agent *a, struct agent_opts *o)
{
	int r;

	if (o->pull_only)
		return 0;
	if (o->to_files) {
		if ((r = mkdirs(o->sink.output_dir)))
			return err_set(-r, "cannot create the output directory %s: %s",
				       o->sink.output_dir, strerror(-r));
	} else if (o->sink.spool_dir[0] && (r = mkdirs(o->sink.spool_dir))) {
		/* a read-only /var is common on appliances: run without it */
		fmt_fprintf(stderr, "rawtel: no spool (cannot create %s: %s); use --spool DIR to keep "
			"requests while the collector is unreachable\n", o->sink.spool_dir,
			strerror(-r));
		o->sink.spool_dir[0] = 0;
	}
	return sink_new(a->loop, &o->sink, &a->sink);
}

static int setup(struct agent *a, struct agent_opts *o)
{
	struct otlp_batch_limits lim = { AGENT_ARENA, AGENT_MAX_RESOURCES, AGENT_MAX_RESOURCES };
	int fds[1024], n, r;

	a->o = o;
	a->scope = (struct otlp_scope){ OTLP_S("rawtel"), OTLP_S(RAWTEL_VERSION), NULL, 0, 0,
					{ NULL, 0 } };
	if (gethostname(a->host, sizeof(a->host) - 1))
		fmt_snprintf(a->host, sizeof(a->host), "localhost");
	if ((r = procs_init(&a->procs, o, a->host)))
		return r;
	a->procs.release = release_proc;
	a->procs.release_ctx = a;
	for (int sig = 0; sig < 3; sig++)
		if ((r = otlp_batch_new(&a->b[sig], (enum otlp_signal)sig, &lim)))
			return r;
	otlp_buf_init(&a->enc, SINK_BODY_MAX);
	if ((r = loop_new(&a->loop)) || (r = open_sink(a, o)) || (r = selfmet_init(a)) ||
	    (r = agent_prom_open(a)))
		return r;
	if ((r = session_open(&a->s, &o->s)))
		return r;
	/* after the session: the reorder buffer is for perf buffers only */
	if (o->http && ((r = ahttp_init(a)) ||
			(r = loop_timer_add(a->loop, 1000, 1000, on_http_tick, a)) < 0))
		return r;
	n = session_fds(&a->s, fds, 1024);
	for (int i = 0; i < n; i++)
		if ((r = loop_add_fd(a->loop, fds[i], EPOLLIN, on_ring, a)) < 0)
			return r;
	int sigs[2] = { SIGINT, SIGTERM };
	if ((r = loop_signals(a->loop, sigs, 2, on_signal, a)) < 0)
		return r;
	/* perf buffers wake us per watermark: a tick bounds their latency */
	if ((r = loop_timer_add(a->loop, AGENT_DRAIN_MS, 0, on_drain_tick, a)) < 0 ||
	    (r = loop_timer_add(a->loop, o->blrp.delay_ms, o->blrp.delay_ms, on_flush_logs, a)) < 0 ||
	    (r = loop_timer_add(a->loop, o->bsp.delay_ms, o->bsp.delay_ms, on_flush_traces, a)) < 0 ||
	    (r = loop_timer_add(a->loop, o->metric_interval_ms, o->metric_interval_ms, on_metrics,
				a)) < 0)
		return r;
	if (o->has_duration &&
	    (r = loop_timer_add(a->loop, o->duration_ms ? o->duration_ms : 1, 0, on_stop, a)) < 0)
		return r;
	if ((o->status < 0 && isatty(2)) || o->status > 0)
		if ((r = loop_timer_add(a->loop, 1000, 1000, on_status, a)) < 0)
			return r;
	return 0;
}

static void shutdown_export(struct agent *a)
{
	struct sink_stats t;
	int left;

	/* nothing new in, what is in flight out, then everything exported */
	session_detach(&a->s);
	session_consume(&a->s, agent_on_event, a);
	/* requests still waiting are reported (outcome unknown) */
	ahttp_finish(a);
	agent_flush(a, OTLP_LOGS);
	agent_flush(a, OTLP_TRACES);
	selfmet_collect(a);
	left = a->sink ? sink_flush(a->sink, loop_now_ms() + AGENT_FLUSH_DEADLINE_MS) : 0;
	sink_totals(a, &t);
	if (a->o->status != 0 && isatty(2))
		fputc('\n', stderr);
	fmt_fprintf(stderr, "rawtel: %llu events, %llu lost in the kernel; exported %llu log records, "
		"%llu spans, %llu metrics", (unsigned long long)received_total(a),
		(unsigned long long)total_lost(a), (unsigned long long)a->exported[OTLP_LOGS],
		(unsigned long long)a->exported[OTLP_TRACES],
		(unsigned long long)a->exported[OTLP_METRICS]);
	if (a->o->to_files)
		fmt_fprintf(stderr, " to %s/\n", a->o->sink.output_dir);
	else if (a->o->pull_only)
		fmt_fprintf(stderr, " (scraped only)\n");
	else
		fmt_fprintf(stderr, "; %llu requests delivered, %d not delivered (%s), %llu dropped "
			"(%llu spans)\n", (unsigned long long)t.succeeded, left > 0 ? left : 0,
			a->o->sink.spool_dir[0] ? "spooled" : "no spool", (unsigned long long)t.dropped[0],
			(unsigned long long)t.dropped_items);
	session_bench_report(&a->s, stderr);
	stage_report(stderr);
}

static void teardown(struct agent *a)
{
	agent_prom_close(a);
	ahttp_free(a);
	session_close(&a->s);
	if (a->sink)
		sink_free(a->sink);
	if (a->loop)
		loop_free(a->loop);
	for (int sig = 0; sig < 3; sig++)
		otlp_batch_free(a->b[sig]);
	free(a->store);
	otlp_buf_free(&a->enc);
	otlp_agg_free(a->agg);
	procs_free(&a->procs);
	proctab_free(&a->seed);
}

int agent_run(struct agent_opts *o)
{
	struct agent *a = calloc(1, sizeof(*a));
	int r, code;

	if (!a)
		return CLI_ERR;
	r = setup(a, o);
	if (r) {
		cli_err("%s", err_msg());
		code = r == -EPERM ? CLI_NOPERM : r == -ENOENT || r == -ENOTSUP ? CLI_NOFEATURE
										: CLI_ERR;
		teardown(a);
		free(a);
		return code;
	}
	if (o->default_output)
		fmt_fprintf(stderr, "rawtel: no OTLP endpoint set (OTEL_EXPORTER_OTLP_ENDPOINT or "
			"--endpoint): writing OTLP files to ./%s/ (read them with rawtel cat)\n",
			o->sink.output_dir);
	fmt_fprintf(stderr, "rawtel: running: ");
	/* the exit probe added for bookkeeping is the last one: not named */
	for (int i = 0; i < o->s.n_probes - (o->exit_internal ? 1 : 0); i++)
		fmt_fprintf(stderr, "%s%s", i ? "," : "", o->s.probes[i]->name);
	if (o->pull_only)
		fmt_fprintf(stderr, " -> Prometheus only\n");
	else if (o->to_files)
		fmt_fprintf(stderr, " -> %s/ (%s)\n", o->sink.output_dir,
			o->sink.output_format == SINK_PROTO_JSON ? "OTLP JSON Lines" :
			"length-prefixed OTLP protobuf");
	else
		fmt_fprintf(stderr, " -> %s (%s)\n", o->sink.base_url,
			sink_config_protocol(&o->sink, SINK_LOGS) == SINK_PROTO_JSON ? "http/json" :
			"http/protobuf");
	compat_warn();
	/* A batch of records read at once is work that can wait a few
	 * milliseconds: under SCHED_BATCH rawtel keeps its fair share of CPU
	 * but, waking, does not preempt the server whose requests it is
	 * reading about (which the scheduler grants a task that slept).
	 * Its slice request (sched_runtime; EEVDF, 6.12+, earlier kernels
	 * ignore it for these policies) is the longest: when both are due,
	 * the server's earlier deadline runs first, and a server waking
	 * while rawtel drains preempts it (a shorter slice may). SCHED_IDLE
	 * did that too but starved rawtel at full load; this keeps its weight,
	 * so its share. sched_setattr: musl's sched_setscheduler is ENOSYS
	 * (POSIX means the process, Linux does the thread; rawtel has one). */
	if (!o->sched_normal) {
		struct {
			uint32_t size, policy;
			uint64_t flags;
			int32_t nice;
			uint32_t prio;
			uint64_t runtime, deadline, period;
		} at = { sizeof(at), SCHED_BATCH, 0, 0, 0, AGENT_SLICE_NS, 0, 0 };

		if (syscall(SYS_sched_setattr, 0, &at, 0) < 0)
			fmt_fprintf(stderr, "rawtel: cannot use SCHED_BATCH (%s): running as a normal task\n",
				strerror(errno));
	}
	/* processes older than rawtel: parents and start times, read after
	 * the probes are on so nothing falls between */
	proctab_scan(&a->seed);
	r = loop_run(a->loop);
	shutdown_export(a);
	code = r ? CLI_ERR : a->exit_code;
	teardown(a);
	free(a);
	return code;
}
