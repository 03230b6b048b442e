/* rawtel run's configuration: flags over the standard OTEL_* variables. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "http.h"
#include "rawtel/cli.h"
#include "rawtel/err.h"
#include "rawtel/util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rawtel run [options]\n\n"
		"Export what the kernel sees as OpenTelemetry: HTTP requests as spans and\n"
		"metrics, process starts and ends (and file opens) as log records, DNS\n"
		"lookups and TCP connections, rawtel's own health as metrics, to\n"
		"an OTLP/HTTP collector or to OTLP files. Stops cleanly on SIGINT/SIGTERM,\n"
		"after exporting everything pending.\n\n"
		"destination (OTEL_EXPORTER_OTLP_* variables apply; flags win):\n"
		"  --endpoint URL       OTLP/HTTP base URL (http:// only), e.g. http://127.0.0.1:4318\n"
		"  --protocol P         http/protobuf (default) or http/json\n"
		"  --headers LIST       extra headers, k=v,k2=v2\n"
		"  --output DIR         write traces.jsonl, metrics.jsonl, logs.jsonl into DIR\n"
		"                       (default when no endpoint is set: ./rawtel-out)\n"
		"  --format F           jsonl (default) or proto (length-prefixed) for --output\n"
		"  --spool DIR          keep undelivered requests here while the collector is\n"
		"                       down (default /var/lib/rawtel/spool); --no-spool\n"
		"  --spool-max SIZE     spool bound per signal (default 64M)\n\n"
		"what to observe:\n"
		"  --probes LIST        http,exec,exit,open,dns,tcp,retrans (default exec,exit):\n"
		"                       HTTP requests as spans + http.*.request.duration,\n"
		"                       processes as log records, DNS lookups as spans + the\n"
		"                       dns.lookup.duration histogram, TCP connections,\n"
		"                       retransmissions and resets as tcp.* metrics\n"
		"  --port PORT          http: only processes listening on PORT (and children)\n"
		"  --capture-bytes N    http: payload bytes read per syscall (default 512)\n"
		"  --uprobe BIN:SYM,... calls of these functions as spans (globs allowed)\n"
		"  --binary PATH        dns: also probe this (statically linked) program\n"
		"  --pid PID, --comm NAME   only this process tree / command (in the kernel)\n"
		"  --capture-args       include command-line arguments (process.command_args);\n"
		"                       off by default: arguments can hold secrets\n"
		"  --perf-buffer, --ring-size SIZE (default 1M), --perf-pages N   as for\n"
		"                       rawtel trace\n\n"
		"http (SERVER and CLIENT spans, http.{server,client}.request.duration):\n"
		"  --route PATTERN      name a route: /users/{id}, /static/* (repeatable);\n"
		"                       other paths have ids ({id}) replaced\n"
		"  --ignore-route PATTERN[:traces|:metrics]  leave matching requests out of\n"
		"                       traces, metrics, or both (/health)\n"
		"  --route-cap N        distinct routes per process before /* (default 100)\n"
		"  --capture-query      url.query as sent (default: values REDACTED)\n"
		"  --http-max-conns N   connections followed per process (default 1024)\n"
		"  Sampling: OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG (default\n"
		"  parentbased_always_on); metrics count every request.\n\n"
		"telemetry:\n"
		"  --service-name NAME  service.name for every process (OTEL_SERVICE_NAME);\n"
		"                       default: each process's executable name\n"
		"  --metric-interval MS metrics export interval (OTEL_METRIC_EXPORT_INTERVAL,\n"
		"                       default 60000)\n"
		"  --duration SEC       stop after SEC seconds\n"
		"  --sched batch|normal rawtel's CPU scheduling: batch (default) never\n"
		"                       preempts the programs it observes when it wakes\n"
		"  --status, --no-status  a status line on stderr (default: when a terminal)\n\n"
		"Also read: OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_TIMEOUT,\n"
		"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE, OTEL_BSP_SCHEDULE_DELAY,\n"
		"OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BSP_MAX_EXPORT_BATCH_SIZE and OTEL_BLRP_*.\n");
}

int agent_parse_res_attrs(struct agent_opts *o, const char *s)
{
	size_t used = 0;

	o->n_res_attrs = 0;
	while (s && *s) {
		const char *end = strchr(s, ','), *eq;
		char *key;
		int kl, vl;

		if (!end)
			end = s + strlen(s);
		eq = memchr(s, '=', (size_t)(end - s));
		if (!eq)
			return err_set(EINVAL, "OTEL_RESOURCE_ATTRIBUTES: '%.*s' is not key=value",
				       (int)(end - s), s);
		if (o->n_res_attrs == AGENT_MAX_RES_ATTRS)
			return err_set(E2BIG, "OTEL_RESOURCE_ATTRIBUTES: more than %d attributes",
				       AGENT_MAX_RES_ATTRS);
		/* both trimmed and %-decoded into res_buf */
		key = o->res_buf + used;
		kl = util_pct_decode(s, eq, key, sizeof(o->res_buf) - used, NULL);
		if (kl == 0)
			return err_set(EINVAL, "OTEL_RESOURCE_ATTRIBUTES: empty key in '%.*s'",
				       (int)(end - s), s);
		if (kl > 0)
			used += (size_t)kl + 1;
		vl = kl < 0 ? kl : util_pct_decode(eq + 1, end, o->res_buf + used,
						    sizeof(o->res_buf) - used, NULL);
		if (vl < 0)
			return err_set(EINVAL, "OTEL_RESOURCE_ATTRIBUTES: bad %%-encoding or too long "
				       "at '%.*s'", (int)(end - s), s);
		o->res_attrs[o->n_res_attrs++] = otlp_kv_str(key, o->res_buf + used);
		used += (size_t)vl + 1;
		s = *end ? end + 1 : end;
	}
	return 0;
}

static int env_u32(const char *name, uint32_t *out, uint32_t min, uint32_t max)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v || !*v)
		return 0;
	n = strtoul(v, &end, 10);
	if (*end || n < min || n > max)
		return err_set(EINVAL, "%s=%s: expected an integer from %u to %u", name, v, min, max);
	*out = (uint32_t)n;
	return 0;
}

static int env_bp(struct agent_bp *bp, const char *prefix)
{
	char n[64];
	int r = 0;

	snprintf(n, sizeof(n), "%s_SCHEDULE_DELAY", prefix);
	r = r ? r : env_u32(n, &bp->delay_ms, 1, 3600000);
	snprintf(n, sizeof(n), "%s_MAX_EXPORT_BATCH_SIZE", prefix);
	r = r ? r : env_u32(n, &bp->batch, 1, 65536);
	snprintf(n, sizeof(n), "%s_MAX_QUEUE_SIZE", prefix);
	r = r ? r : env_u32(n, &bp->queue, 1, 1 << 24);
	if (!r && bp->batch > bp->queue)
		bp->batch = bp->queue;	/* the spec: batch size is capped by the queue */
	return r;
}

static int from_env(struct agent_opts *o)
{
	const char *v;
	int r;

	if ((r = sink_config_env(&o->sink)))
		return r;
	v = getenv("OTEL_SERVICE_NAME");
	if (v && *v)
		snprintf(o->service_name, sizeof(o->service_name), "%s", v);
	if ((r = agent_parse_res_attrs(o, getenv("OTEL_RESOURCE_ATTRIBUTES"))))
		return r;
	if ((r = env_u32("OTEL_METRIC_EXPORT_INTERVAL", &o->metric_interval_ms, 100, 86400000)))
		return r;
	v = getenv("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE");
	if (otlp_temp_pref_parse(v, &o->temp_pref))
		return err_set(EINVAL, "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=%s: "
			       "expected cumulative, delta or lowmemory", v);
	if ((r = env_bp(&o->bsp, "OTEL_BSP")) || (r = env_bp(&o->blrp, "OTEL_BLRP")))
		return r;
	ahttp_sampler_env(&o->sampler, &o->sampler_ratio);
	return 0;
}

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

		snprintf(m, sizeof(m), "%s", err_msg());
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

static bool has_probe(const struct agent_opts *o, const char *name)
{
	for (int i = 0; i < o->s.n_probes; i++)
		if (!strcmp(o->s.probes[i]->name, name))
			return true;
	return false;
}

int agent_opts_parse(struct agent_opts *o, int argc, char **argv)
{
	bool no_spool = false, spool_set = false, output_set = false;
	int r;

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
	if ((r = from_env(o))) {
		cli_err("%s", err_msg());
		return r;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int used;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 1;
		} else if (!strcmp(a, "--capture-args")) {
			o->capture_args = true;
		} else if (!strcmp(a, "--capture-query")) {
			o->capture_query = true;
		} else if (!strcmp(a, "--sched")) {
			if (!v || (strcmp(v, "batch") && strcmp(v, "normal"))) {
				cli_err("--sched takes batch or normal");
				return -EINVAL;
			}
			o->sched_normal = v[0] == 'n';
			i++;
		} else if (!strcmp(a, "--no-spool")) {
			no_spool = true;
		} else if (!strcmp(a, "--status") || !strcmp(a, "--no-status")) {
			o->status = a[2] == 's';
		} else if ((used = session_opt_parse(&o->s, a, v)) != 0) {
			if (used < 0)
				return used;
			i += used - 1;
		} else if (a[0] == '-' && !v) {
			cli_err("%s needs a value (or is unknown); see rawtel run --help", a);
			return -EINVAL;
		} else {
			r = 0;
			i++;
			if (!strcmp(a, "--endpoint")) {
				r = sink_config_set_endpoint(&o->sink, -1, v);
			} else if (!strcmp(a, "--protocol")) {
				r = sink_config_set_protocol(&o->sink, -1, v);
			} else if (!strcmp(a, "--headers")) {
				r = sink_config_set_headers(&o->sink, -1, v);
			} else if (!strcmp(a, "--output")) {
				snprintf(o->sink.output_dir, sizeof(o->sink.output_dir), "%s", v);
				output_set = true;
			} else if (!strcmp(a, "--format")) {
				if (!strcmp(v, "jsonl") || !strcmp(v, "json"))
					o->sink.output_format = SINK_PROTO_JSON;
				else if (!strcmp(v, "proto"))
					o->sink.output_format = SINK_PROTO_PROTOBUF;
				else
					r = err_set(EINVAL, "--format %s: jsonl or proto", v);
			} else if (!strcmp(a, "--spool")) {
				snprintf(o->sink.spool_dir, sizeof(o->sink.spool_dir), "%s", v);
				spool_set = true;
			} else if (!strcmp(a, "--spool-max")) {
				o->sink.spool_max_bytes = util_parse_size(v);
				if (!o->sink.spool_max_bytes)
					r = err_set(EINVAL, "--spool-max %s: a size like 64M", v);
			} else if (!strcmp(a, "--probes")) {
				o->s.n_probes = 0;
				r = session_opts_add_probes(&o->s, v);
				if (!r && o->s.uprobe_spec[0])
					r = session_opts_add_probes(&o->s, "uprobe");
			} else if (!strcmp(a, "--uprobe")) {
				snprintf(o->s.uprobe_spec, sizeof(o->s.uprobe_spec), "%s", v);
				r = session_opts_add_probes(&o->s, "uprobe");
			} else if (!strcmp(a, "--route")) {
				if (o->n_routes == HTTP1_PATTERNS_MAX)
					r = err_set(E2BIG, "--route: at most %d", HTTP1_PATTERNS_MAX);
				else if (!(r = check_pattern("--route", v)))
					o->routes[o->n_routes++] = v;
			} else if (!strcmp(a, "--ignore-route")) {
				r = add_ignore(o, v);
			} else if (!strcmp(a, "--route-cap") || !strcmp(a, "--http-max-conns")) {
				char *end;
				unsigned long n = strtoul(v, &end, 10);
				if (*end || n < 1 || n > 1000000)
					r = err_set(EINVAL, "%s %s: a number from 1 to 1000000", a, v);
				*(a[2] == 'r' ? &o->route_cap : &o->http_max_conns) = (uint32_t)n;
			} else if (!strcmp(a, "--service-name")) {
				snprintf(o->service_name, sizeof(o->service_name), "%s", v);
			} else if (!strcmp(a, "--metric-interval")) {
				char *end;
				unsigned long ms = strtoul(v, &end, 10);
				if (*end || ms < 100 || ms > 86400000)
					r = err_set(EINVAL, "--metric-interval %s: milliseconds, 100 or more", v);
				o->metric_interval_ms = (uint32_t)ms;
			} else if (!strcmp(a, "--duration")) {
				char *end;
				double d = strtod(v, &end);
				if (*end || d < 0 || d > 1e7)
					r = err_set(EINVAL, "--duration %s: not a number of seconds", v);
				o->has_duration = true;
				o->duration_ms = (uint64_t)(d * 1000 + 0.5);
			} else {
				cli_err("unknown option %s; see rawtel run --help", a);
				return -EINVAL;
			}
			if (r) {
				cli_err("%s", err_msg());
				return r;
			}
		}
	}
	if (!o->s.n_probes)
		session_opts_add_probes(&o->s, "exec,exit");
	if (!has_probe(o, "exit")) {
		o->exit_internal = true;
		session_opts_add_probes(&o->s, "exit");
	}
	for (int i = 0; i < o->s.n_probes; i++)
		if (!strcmp(o->s.probes[i]->name, "uprobe") && !o->s.uprobe_spec[0]) {
			cli_err("the uprobe probe needs --uprobe BINARY:SYMBOL[,SYMBOL...]");
			return -EINVAL;
		}
	o->http = has_probe(o, "http");
	o->to_files = output_set || !endpoint_set(o);
	o->default_output = !output_set && !endpoint_set(o);
	if (o->default_output)
		snprintf(o->sink.output_dir, sizeof(o->sink.output_dir), "rawtel-out");
	if (!o->to_files) {
		o->sink.output_dir[0] = 0;
		if (no_spool)
			o->sink.spool_dir[0] = 0;
		else if (!spool_set)
			snprintf(o->sink.spool_dir, sizeof(o->sink.spool_dir), "/var/lib/rawtel/spool");
		if (!o->sink.base_url[0])
			/* per-signal endpoints only: the others keep the spec's default */
			snprintf(o->sink.base_url, sizeof(o->sink.base_url), "http://localhost:4318");
	}
	return 0;
}
