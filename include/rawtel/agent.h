/* rawtel run: the agent that exports what the probes see as OTLP
 * (user/agent/). Its options and its entry point, for the CLI and the
 * tests; the agent's internals are in user/agent/agent_int.h. */
#ifndef RAWTEL_AGENT_H
#define RAWTEL_AGENT_H

#include <stdbool.h>
#include <stdint.h>

#include "rawtel/http1.h"
#include "rawtel/otlp.h"
#include "rawtel/otlp_agg.h"
#include "rawtel/session.h"
#include "rawtel/sink.h"

#define AGENT_MAX_RES_ATTRS 32
#define AGENT_NAME_MAX 256
#define AGENT_IGNORE_MAX 32

/* --ignore-route PATTERN[:traces|:metrics] */
struct agent_ignore {
	const char *pattern;
	uint8_t what;		/* HTTP_IGN_TRACES | HTTP_IGN_METRICS */
};

/* A batch processor's settings (OTEL_BSP_* for spans, OTEL_BLRP_* logs). */
struct agent_bp {
	uint32_t delay_ms;	/* export at least this often */
	uint32_t batch;		/* items per request */
	uint32_t queue;		/* items buffered before dropping */
};

struct agent_opts {
	struct session_opts s;
	struct sink_config sink;
	bool to_files;			/* files sink (--output, or the default) */
	bool default_output;		/* no endpoint and no --output given */
	bool pull_only;			/* --prometheus, no endpoint, no --output */
	char service_name[AGENT_NAME_MAX];	/* "" : each process's executable */
	/* OTEL_RESOURCE_ATTRIBUTES, decoded; strings point into res_buf */
	struct otlp_kv res_attrs[AGENT_MAX_RES_ATTRS];
	uint32_t n_res_attrs;
	char res_buf[4096];
	uint32_t metric_interval_ms;
	enum otlp_temp_pref temp_pref;
	struct agent_bp bsp, blrp;
	bool capture_args;		/* process.command_args on exec logs */
	bool exit_internal;		/* exit probe on for bookkeeping only: a pid
					 * reused after an unseen exit must not
					 * inherit the dead process's resource */
	/* http: --route, --ignore-route, --capture-query, --route-cap,
	 * --http-max-conns, OTEL_TRACES_SAMPLER(_ARG) */
	const char *routes[HTTP1_PATTERNS_MAX];
	uint32_t n_routes;
	struct agent_ignore ignore[AGENT_IGNORE_MAX];
	uint32_t n_ignore;
	char ignore_buf[2048];
	uint32_t route_cap;
	uint32_t http_max_conns;
	bool capture_query;
	bool capture_query_text;	/* DB statements unsanitized */
	bool sched_normal;	/* --sched normal: not SCHED_BATCH */
	bool http;			/* a socket probe is on (http, postgres) */
	uint32_t protos;		/* which: 1u << PROTO_* (rawtel/pconn.h) */
	uint8_t sampler;		/* enum http_sampler */
	double sampler_ratio;
	bool has_duration;
	uint64_t duration_ms;
	int status;			/* -1 when stderr is a terminal, 0 off, 1 on */
	struct {			/* --prometheus [ADDR:]PORT; port 0: off */
		uint8_t addr[16];
		uint16_t port;
		bool v6;
	} prom;
};

/* rawtel run's command line over the OTEL_* variables (user/agent/opts.c):
 * 0 to run, 1 when --help was printed on stdout, -errno on a bad option or
 * variable with the message set (err_msg; the caller prints it). */
int agent_opts_parse(struct agent_opts *o, int argc, char **argv);
/* OTEL_RESOURCE_ATTRIBUTES syntax: k=v,k2=v2 with %-encoding (exposed
 * for tests). */
int agent_parse_res_attrs(struct agent_opts *o, const char *s);

/* --prometheus's value into o->prom (user/agent/prom_srv.c). */
int agent_prom_addr(struct agent_opts *o, const char *v);

/* Run until SIGINT/SIGTERM or --duration; the exit code (CLI_*). */
int agent_run(struct agent_opts *o);

#endif
