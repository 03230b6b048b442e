/* rawtel run's configuration: its option table over the standard OTEL_*
 * variables, then what follows from both (probes, where OTLP goes). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "http.h"
#include "rawtel/elf.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/opt.h"
#include "rawtel/pconn.h"
#include "rawtel/probes.h"
#include "rawtel/util.h"

/* rawtel run without --probes: the main job */
#define RUN_DEFAULT_PROBES "http,dns,tcp,exec,exit"

/* the session setters take the command's options (session.h) */
_Static_assert(offsetof(struct agent_opts, s) == 0, "session_opts first");

/* Whether any OTLP endpoint was configured (environment or flag). */
static bool endpoint_set(const struct agent_opts *o)
{
	if (o->sink.base_url[0])
		return true;
	for (int i = 0; i < SINK_NSIG; i++)
		if (o->sink.sig[i].url[0])
			return true;
	return false;
}

/* A route pattern, checked as the routes table will take it. */
static int check_pattern(const char *opt, const char *p)
{
	struct http1_routes *r;
	int e = http1_routes_new(&r, 1);

	if (!e) {
		e = http1_routes_add(r, p);
		http1_routes_free(r);
	}
	if (e) {
		char m[256];

		fmt_snprintf(m, sizeof(m), "%s", err_msg());
		return err_set(EINVAL, "%s: %s", opt, m);
	}
	return 0;
}

/* --ignore-route PATTERN[:traces|:metrics] */
static int add_ignore(struct agent_opts *o, const char *v)
{
	size_t n = strlen(v), used = 0;
	uint8_t what = HTTP_IGN_TRACES | HTTP_IGN_METRICS;
	char *p;

	if (n > 7 && !strcmp(v + n - 7, ":traces"))
		what = HTTP_IGN_TRACES, n -= 7;
	else if (n > 8 && !strcmp(v + n - 8, ":metrics"))
		what = HTTP_IGN_METRICS, n -= 8;
	for (uint32_t i = 0; i < o->n_ignore; i++)
		used += strlen(o->ignore[i].pattern) + 1;
	if (o->n_ignore == AGENT_IGNORE_MAX || used + n + 1 > sizeof(o->ignore_buf))
		return err_set(E2BIG, "--ignore-route %s: too many patterns", v);
	p = o->ignore_buf + used;
	memcpy(p, v, n);
	p[n] = 0;
	o->ignore[o->n_ignore++] = (struct agent_ignore){ p, what };
	return check_pattern("--ignore-route", p);
}

/* ---- setters, one per option the table below names -------------------- */
#define RUN(cmd) ((struct agent_opts *)(cmd))

static int set_output(void *cmd, const char *v, const char *what)
{
	(void)what;
	fmt_snprintf(RUN(cmd)->sink.output_dir, sizeof(RUN(cmd)->sink.output_dir), "%s", v);
	return 0;
}

static int set_spool(void *cmd, const char *v, const char *what)
{
	(void)what;
	fmt_snprintf(RUN(cmd)->sink.spool_dir, sizeof(RUN(cmd)->sink.spool_dir), "%s", v);
	return 0;
}

/* An option read after parsing, from the given mask (--no-spool: where
 * OTLP goes is decided with --output and --spool in run_sink). */
static int set_mark(void *cmd, const char *v, const char *what)
{
	(void)cmd, (void)v, (void)what;
	return 0;
}

static int set_endpoint(void *cmd, const char *v, const char *what)
{
	(void)what;
	return sink_config_set_endpoint(&RUN(cmd)->sink, -1, v);
}

static int set_protocol(void *cmd, const char *v, const char *what)
{
	(void)what;
	return sink_config_set_protocol(&RUN(cmd)->sink, -1, v);
}

static int set_compression(void *cmd, const char *v, const char *what)
{
	(void)what;
	return sink_config_set_compression(&RUN(cmd)->sink, -1, v);
}

static int set_headers(void *cmd, const char *v, const char *what)
{
	(void)what;
	return sink_config_set_headers(&RUN(cmd)->sink, -1, v);
}

static int set_prometheus(void *cmd, const char *v, const char *what)
{
	(void)what;
	return agent_prom_addr(cmd, v);
}

static int set_format(void *cmd, const char *v, const char *what)
{
	if (!strcmp(v, "jsonl") || !strcmp(v, "json"))
		RUN(cmd)->sink.output_format = SINK_PROTO_JSON;
	else if (!strcmp(v, "proto"))
		RUN(cmd)->sink.output_format = SINK_PROTO_PROTOBUF;
	else
		return err_set(EINVAL, "%s: jsonl or proto", what);
	return 0;
}

static int set_spool_max(void *cmd, const char *v, const char *what)
{
	RUN(cmd)->sink.spool_max_bytes = util_parse_size(v);
	if (!RUN(cmd)->sink.spool_max_bytes)
		return err_set(EINVAL, "%s: a size like 64M", what);
	return 0;
}

static int set_probes(void *cmd, const char *v, const char *what)
{
	struct session_opts *s = &RUN(cmd)->s;
	int r;

	(void)what;
	s->n_probes = 0;
	r = session_opts_add_probes(s, v);
	/* --uprobe names its probe, before or after --probes */
	if (!r && s->uprobe_spec[0])
		r = session_opts_add_probes(s, "uprobe");
	return r;
}

static int set_uprobe(void *cmd, const char *v, const char *what)
{
	struct session_opts *s = &RUN(cmd)->s;

	(void)what;
	fmt_snprintf(s->uprobe_spec, sizeof(s->uprobe_spec), "%s", v);
	return session_opts_add_probes(s, "uprobe");
}

static int set_route(void *cmd, const char *v, const char *what)
{
	struct agent_opts *o = cmd;
	int r;

	(void)what;
	if (o->n_routes == HTTP1_PATTERNS_MAX)
		return err_set(E2BIG, "--route: at most %d", HTTP1_PATTERNS_MAX);
	if (!(r = check_pattern("--route", v)))
		o->routes[o->n_routes++] = v;
	return r;
}

static int set_ignore_route(void *cmd, const char *v, const char *what)
{
	(void)what;
	return add_ignore(cmd, v);
}

static int set_count(uint32_t *out, const char *v, const char *what)
{
	unsigned long n;

	if (!opt_uint(v, 1, 1000000, &n))
		return err_set(EINVAL, "%s: a number from 1 to 1000000", what);
	*out = (uint32_t)n;
	return 0;
}

static int set_route_cap(void *cmd, const char *v, const char *what)
{
	return set_count(&RUN(cmd)->route_cap, v, what);
}

static int set_http_max_conns(void *cmd, const char *v, const char *what)
{
	return set_count(&RUN(cmd)->http_max_conns, v, what);
}

static int set_capture_args(void *cmd, const char *v, const char *what)
{
	(void)v, (void)what;
	RUN(cmd)->capture_args = true;
	return 0;
}

static int set_capture_query(void *cmd, const char *v, const char *what)
{
	(void)v, (void)what;
	RUN(cmd)->capture_query = true;
	return 0;
}

static int set_capture_query_text(void *cmd, const char *v, const char *what)
{
	(void)v, (void)what;
	RUN(cmd)->capture_query_text = true;
	return 0;
}

static int set_service_name(void *cmd, const char *v, const char *what)
{
	(void)what;
	fmt_snprintf(RUN(cmd)->service_name, sizeof(RUN(cmd)->service_name), "%s", v);
	return 0;
}

static int set_metric_interval(void *cmd, const char *v, const char *what)
{
	unsigned long ms;

	if (!opt_uint(v, 100, 86400000, &ms))
		return err_set(EINVAL, "%s: milliseconds, 100 or more", what);
	RUN(cmd)->metric_interval_ms = (uint32_t)ms;
	return 0;
}

static int set_duration(void *cmd, const char *v, const char *what)
{
	if (!opt_seconds(v, &RUN(cmd)->duration_ms))
		return err_set(EINVAL, "%s: not a number of seconds", what);
	RUN(cmd)->has_duration = true;
	return 0;
}

static int set_sched(void *cmd, const char *v, const char *what)
{
	(void)what;
	if (strcmp(v, "batch") && strcmp(v, "normal"))
		return err_set(EINVAL, "--sched takes batch or normal");
	RUN(cmd)->sched_normal = v[0] == 'n';
	return 0;
}

static int set_status(void *cmd, const char *v, const char *what)
{
	(void)v;
	/* "--status" or "--no-status" */
	RUN(cmd)->status = what[2] == 's';
	return 0;
}

/* ---- the table ----------------------------------------------------------- */
static const struct opt run_rows[] = {
	OPT_HEAD("settings:"),
	{ "--config", "FILE", NULL, NULL, "settings as KEY=VALUE lines: the OTEL_* variables\n"
	  "and RAWTEL_<OPTION> for an option without one\n"
	  "(RAWTEL_SPOOL_MAX=64M, RAWTEL_NO_SPOOL=1); flags win\n"
	  "over the file, the file over the environment; refused\n"
	  "when others may write it", set_mark },
	OPT_HEAD("destination (OTEL_EXPORTER_OTLP_* variables apply, also per signal;\n"
		 "flags win):"),
	{ "--endpoint", "URL", NULL, NULL, "OTLP/HTTP base URL (http:// only), e.g.\n"
	  "http://127.0.0.1:4318 (OTEL_EXPORTER_OTLP_ENDPOINT)", set_endpoint },
	{ "--protocol", "P", NULL, NULL, "http/protobuf (default) or http/json", set_protocol },
	{ "--headers", "LIST", NULL, NULL, "extra headers, k=v,k2=v2", set_headers },
	{ "--compression", "gzip|none", NULL, NULL, "request bodies gzipped (Content-Encoding: gzip),\n"
	  "also in the spool (OTEL_EXPORTER_OTLP_COMPRESSION)", set_compression },
	{ "--output", "DIR", NULL, NULL, "write traces.jsonl, metrics.jsonl, logs.jsonl into DIR\n"
	  "(default when no endpoint is set: ./rawtel-out)", set_output },
	{ "--format", "F", NULL, NULL, "jsonl (default) or proto (length-prefixed) for --output",
	  set_format },
	{ "--prometheus", "[ADDR:]PORT", "RAWTEL_PROMETHEUS", NULL, "serve GET /metrics for Prometheus (loopback\n"
	  "unless ADDR is given: 0.0.0.0:9464); with no endpoint\n"
	  "and no --output, the only destination", set_prometheus },
	{ "--spool", "DIR", NULL, NULL, "keep undelivered requests here while the collector is\n"
	  "down (default /var/lib/rawtel/spool)", set_spool },
	{ "--no-spool", NULL, NULL, NULL, "drop them instead", set_mark },
	{ "--spool-max", "SIZE", NULL, NULL, "spool bound per signal (default 64M)", set_spool_max },
	OPT_HEAD("what to observe (an option below that one probe reads turns it on;\n"
		 "with --probes, that probe must be listed):"),
	{ "--probes", "LIST", NULL, NULL, "probes listed at the end (default\n"
	  RUN_DEFAULT_PROBES " and the database\n"
	  "probes built in; dns where a C library is found)", set_probes },
	{ "--uprobe", "BIN:SYM,...", NULL, NULL, "calls of these functions as spans (globs allowed;\n"
	  "adds the uprobe probe, also to --probes)", set_uprobe },
	{ "--binary", "PATH", NULL, "dns", "dns: also probe this (statically linked) program",
	  session_opt_binary },
	{ "--pid", "PID", NULL, NULL, "only this process and its descendants, older ones\n"
	  "included (filtered in the kernel)", session_opt_pid },
	{ "--comm", "NAME", NULL, NULL, "only this command (first 15 bytes, in the kernel)",
	  session_opt_comm },
	{ "--cgroup", "PATH", NULL, NULL, "only tasks in this cgroup v2 (or below it), in the kernel",
	  session_opt_cgroup },
	{ "--container", "ID", NULL, NULL, "only tasks in this container (id or unique prefix)",
	  session_opt_container },
	{ "--capture-args", NULL, NULL, NULL, "include command-line arguments (process.command_args);\n"
	  "off by default: arguments can hold secrets", set_capture_args },
	{ "--perf-buffer", NULL, NULL, NULL, "per-CPU perf buffers instead of the BPF ring buffer",
	  session_opt_perf_buffer },
	{ "--ring-size", "SIZE", NULL, NULL, "ring buffer size, power of two (default 1M)",
	  session_opt_ring_size },
	{ "--perf-pages", "N", NULL, NULL, "perf buffer pages per CPU, power of two (default 16,\n"
	  "64 with http)", session_opt_perf_pages },
	OPT_HEAD("http (SERVER and CLIENT spans, http.{server,client}.request.duration):"),
	{ "--port", "PORT", NULL, "http", "only processes listening on PORT (and children)",
	  session_opt_port },
	{ "--all", NULL, NULL, "http", "every process but rawtel (the default)", session_opt_all },
	{ "--capture-bytes", "N", NULL, "http", "payload bytes read per syscall (default 512)",
	  session_opt_capture },
	{ "--no-tls", NULL, NULL, NULL, "no uprobes on the TLS libraries (OpenSSL, GnuTLS): no\n"
	  "spans from the plaintext of HTTPS connections", session_opt_no_tls },
	{ "--route", "PATTERN", NULL, "http", "name a route: /users/{id}, /static/* (repeatable);\n"
	  "other paths have ids ({id}) replaced", set_route },
	{ "--ignore-route", "PATTERN[:traces|:metrics]", NULL, "http", "leave matching requests out of traces,\n"
	  "metrics, or both (/health)", set_ignore_route },
	{ "--route-cap", "N", NULL, "http", "distinct routes per process before /* (default 100)",
	  set_route_cap },
	{ "--capture-query", NULL, NULL, "http", "url.query as sent (default: values REDACTED)",
	  set_capture_query },
	{ "--http-max-conns", "N", NULL, "http", "connections followed per process (default 1024)",
	  set_http_max_conns },
	OPT_HEAD("databases (CLIENT and SERVER spans, db.{client,server}.operation.duration):"),
	{ "--capture-query-text", NULL, NULL, NULL, "db.query.text as sent (default: every literal ?)",
	  set_capture_query_text },
	OPT_HEAD("telemetry:"),
	{ "--service-name", "NAME", "OTEL_SERVICE_NAME", NULL, "service.name for every process;\n"
	  "default: each process's executable name", set_service_name },
	{ "--metric-interval", "MS", "OTEL_METRIC_EXPORT_INTERVAL", NULL,
	  "metrics export interval (default 60000)", set_metric_interval },
	{ "--duration", "SEC", NULL, NULL, "stop after SEC seconds", set_duration },
	{ "--sched", "batch|normal", NULL, NULL, "rawtel's CPU scheduling: batch (default) never\n"
	  "preempts the programs it observes when it wakes", set_sched },
	{ "--status", NULL, NULL, NULL, "a status line on stderr (default: when a terminal)",
	  set_status },
	{ "--no-status", NULL, NULL, NULL, "no status line", set_status },
	{ 0 }
};

static void run_help_tail(FILE *f)
{
	fmt_fprintf(f, "\nhttp sampling: OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG (default\n"
		"parentbased_always_on); metrics count every request.\n"
		"Also read: OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_TIMEOUT,\n"
		"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE, OTEL_BSP_SCHEDULE_DELAY,\n"
		"OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BSP_MAX_EXPORT_BATCH_SIZE and OTEL_BLRP_*.\n"
		"\nprobes (--probes):\n");
	session_probes_help(f);
}

static const struct opt_cmd run_cmd = {
	.name = "run",
	.usage = "usage: rawtel run [options]\n\n"
		 "Export what the kernel sees as OpenTelemetry: HTTP requests as spans and\n"
		 "metrics, DNS lookups as spans, TCP connections as metrics, process starts\n"
		 "and ends (and file opens) as log records, rawtel's own health as metrics,\n"
		 "to an OTLP/HTTP collector or to OTLP files. Stops cleanly on SIGINT/SIGTERM,\n"
		 "after exporting everything pending.\n",
	.rows = run_rows,
	.help_tail = run_help_tail,
};

/* ---- after parsing --------------------------------------------------------- */
static void run_defaults(struct agent_opts *o)
{
	memset(o, 0, sizeof(*o));
	session_opts_init(&o->s);
	/* an agent exports everything and nobody watches it drain: a deeper
	 * ring than rawtel trace's rides out bursts (--ring-size overrides) */
	o->s.ring_size = 1u << 20;
	sink_config_init(&o->sink);
	o->metric_interval_ms = 60000;
	/* files: JSON Lines unless --format proto (the OTLP file exporter format) */
	o->sink.output_format = SINK_PROTO_JSON;
	o->bsp = (struct agent_bp){ 5000, 512, 2048 };
	o->blrp = (struct agent_bp){ 1000, 512, 2048 };
	o->status = -1;
	/* the default endpoint of sink_config_init is not a user's choice */
	o->sink.base_url[0] = 0;
}

/* The database protocols built in: on by default, because they ride on
 * the http probe's capture (same hooks, same records) and cost what their
 * own traffic costs; a connection that is none of theirs is still given
 * up after a few records. */
static int run_db_probes(struct session_opts *s)
{
	static const enum proto_id db[] = { PROTO_POSTGRES, PROTO_MYSQL, PROTO_REDIS, PROTO_MEMCACHED };
	int r = 0;

	for (size_t i = 0; i < sizeof(db) / sizeof(db[0]) && !r; i++)
		if (pconn_parsers[db[i]] && probe_find(pconn_parsers[db[i]]->name))
			r = session_opts_add_probes(s, pconn_parsers[db[i]]->name);
	return r;
}

/* Without --probes: the probes the options given read, and the main job.
 * dns needs a C library to probe: an initramfs or a static-only system
 * has none, and the first run must not fail on it (--binary names one). */
static int run_default_probes(struct session_opts *s, uint64_t given)
{
	struct elf_file *f;
	int r = session_opts_need(s, run_rows, given, true, NULL);

	if (r)
		return r;
	if (session_opts_has(s, "dns") || elf_open_target("libc", (int)s->pid, &f) == 0) {
		if (!session_opts_has(s, "dns"))
			elf_close(f);
		r = session_opts_add_probes(s, RUN_DEFAULT_PROBES);
	} else {
		err_clear();
		r = session_opts_add_probes(s, "http,tcp,exec,exit");
	}
	return r ? r : run_db_probes(s);
}

static int run_probes(struct agent_opts *o, uint64_t given)
{
	struct session_opts *s = &o->s;
	int r;

	if (opt_given(run_rows, given, "--probes"))
		r = session_opts_need(s, run_rows, given, false, "--probes");
	else
		r = run_default_probes(s, given);
	if (r || (r = session_opts_check(s)))
		return r;
	if (!session_opts_has(s, "exit")) {
		o->exit_internal = true;
		session_opts_add_probes(s, "exit");
	}
	if (session_opts_has(s, "uprobe") && !s->uprobe_spec[0])
		return err_set(EINVAL, "the uprobe probe needs --uprobe BINARY:SYMBOL[,SYMBOL...]");
	/* the socket probes: one capture, one connection layer */
	for (int p = 0; p < PROTO_N; p++)
		if (pconn_parsers[p] && session_opts_has(s, pconn_parsers[p]->name))
			o->protos |= 1u << p;
	o->http = o->protos != 0;
	return 0;
}

/* Files (--output, or no endpoint at all) or OTLP/HTTP with a spool;
 * --prometheus alone: no OTLP at all. */
static void run_sink(struct agent_opts *o, uint64_t given)
{
	bool output = opt_given(run_rows, given, "--output");

	o->pull_only = o->prom.port && !output && !endpoint_set(o);
	if (o->pull_only)
		return;
	o->to_files = output || !endpoint_set(o);
	o->default_output = !output && !endpoint_set(o);
	if (o->default_output)
		fmt_snprintf(o->sink.output_dir, sizeof(o->sink.output_dir), "rawtel-out");
	if (o->to_files)
		return;
	o->sink.output_dir[0] = 0;
	if (opt_given(run_rows, given, "--no-spool"))
		o->sink.spool_dir[0] = 0;
	else if (!opt_given(run_rows, given, "--spool"))
		fmt_snprintf(o->sink.spool_dir, sizeof(o->sink.spool_dir), "/var/lib/rawtel/spool");
	if (!o->sink.base_url[0])
		/* per-signal endpoints only: the others keep the spec's default */
		fmt_snprintf(o->sink.base_url, sizeof(o->sink.base_url), "http://localhost:4318");
}

int agent_opts_parse(struct agent_opts *o, int argc, char **argv)
{
	uint64_t given, from_file;
	int r;

	run_defaults(o);
	if ((r = agent_conf_load(o, run_rows, argc, argv, &from_file)))
		return r;
	if ((r = agent_opts_env(o)) || (r = opt_parse(&run_cmd, o, argc, argv, &given)))
		return r < 0 ? agent_conf_blame(r) : r;
	given |= from_file;
	if ((r = run_probes(o, given)))
		return r;
	run_sink(o, given);
	/* a scrape reads totals: a delta export would lose what it collects */
	if (o->prom.port && o->temp_pref != OTLP_PREF_CUMULATIVE)
		return err_set(EINVAL, "--prometheus serves cumulative totals: unset "
			       "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE (or set it to "
			       "cumulative)");
	return 0;
}
