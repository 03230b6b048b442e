/* Helpers for the sink's tests: known OTLP request bodies (one item named
 * by the test per request, so order and loss are visible at the
 * receiver), the node receiver (tests/node/receiver.js) started and
 * stopped by PID, its request log, and captured sink log lines. */
#ifndef RAWTEL_SINK_T_H
#define RAWTEL_SINK_T_H

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "rawtel/loop.h"
#include "rawtel/sink.h"
#include "rawtel/sink_parts.h"
#include "t.h"

/* ---- request bodies ------------------------------------------------------ */

struct st_buf {
	uint8_t b[16384];
	size_t n;
};

static inline void st_varint(struct st_buf *o, uint64_t v)
{
	while (v >= 0x80) {
		o->b[o->n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	o->b[o->n++] = (uint8_t)v;
}

/* LEN field `f` holding p[0..n) */
static inline void st_len(struct st_buf *o, uint32_t f, const void *p, size_t n)
{
	st_varint(o, f << 3 | 2);
	st_varint(o, n);
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

/* Wrap the whole buffer in LEN field `f`. */
static inline void st_wrap(struct st_buf *o, uint32_t f)
{
	struct st_buf t = { .n = 0 };

	st_len(&t, f, o->b, o->n);
	memcpy(o->b, t.b, t.n);
	o->n = t.n;
}

/* Export<Signal>ServiceRequest with one span / metric / log named `name`. */
static inline size_t st_body_pb(int sig, const char *name, uint8_t *out)
{
	static const uint8_t tid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	static const uint8_t sid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct st_buf o = { .n = 0 };

	if (sig == SINK_TRACES) {
		st_len(&o, 1, tid, 16);
		st_len(&o, 2, sid, 8);
		st_len(&o, 5, name, strlen(name));
	} else if (sig == SINK_METRICS) {
		st_len(&o, 1, name, strlen(name));
	} else {
		st_len(&o, 1, name, strlen(name));	/* AnyValue.string_value */
		st_wrap(&o, 5);				/* LogRecord.body */
	}
	st_wrap(&o, 2);		/* Scope*.spans / metrics / log_records */
	st_wrap(&o, 2);		/* Resource*.scope_* */
	st_wrap(&o, 1);		/* request.resource_* */
	memcpy(out, o.b, o.n);
	return o.n;
}

static inline size_t st_body_json(int sig, const char *name, char *out, size_t cap)
{
	static const char *const fmt[SINK_NSIG] = {
		"{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":"
		"\"0102030405060708090a0b0c0d0e0f10\",\"spanId\":\"0102030405060708\","
		"\"name\":\"%s\",\"kind\":2}]}]}]}",
		"{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"%s\"}]}]}]}",
		"{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"stringValue\":"
		"\"%s\"}}]}]}]}",
	};

	return (size_t)snprintf(out, cap, fmt[sig], name);
}

/* Submit one request named "<prefix><i>" in the given encoding; an odd
 * i's protobuf written in place (sink_submit_req: the agent's way), at
 * an odd offset in its block. */
static inline int st_submit(struct sink *s, int sig, int proto, const char *prefix, int i)
{
	char name[64], json[1024];
	uint8_t pb[1024];
	struct sink_req *r;

	snprintf(name, sizeof(name), "%s%d", prefix, i);
	if (proto == SINK_PROTO_JSON)
		return sink_submit(s, sig, json, st_body_json(sig, name, json, sizeof(json)), proto);
	if (i % 2 && (r = sink_req_alloc(37 + sizeof(pb))))
		return sink_submit_req(s, sig, r, 37, st_body_pb(sig, name, r->mem + 37), proto);
	return sink_submit(s, sig, pb, st_body_pb(sig, name, pb), proto);
}

/* ---- captured sink log ----------------------------------------------------- */

static char st_logs[64][1024];
static int st_nlogs;

static inline void st_log_capture(const char *line)
{
	if (st_nlogs < 64)
		snprintf(st_logs[st_nlogs++], sizeof(st_logs[0]), "%s", line);
}

static inline int st_logs_with(const char *needle)
{
	int n = 0;

	for (int i = 0; i < st_nlogs && i < 64; i++)
		n += strstr(st_logs[i], needle) != NULL;
	return n;
}

/* ---- the receiver ---------------------------------------------------------- */

struct st_rcv {
	pid_t pid;
	int port;
	char dir[64];
	char log[128];
};

static const char *st_top(void)
{
	const char *t = getenv("RAWTEL_TOP");

	return t ? t : ".";
}

/* Skip the case when node or the oracle's package is missing. */
static inline void st_require_node(void)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/tests/node/node_modules/@opentelemetry/otlp-transformer",
		 st_top());
	if (access(p, R_OK) || system("node --version > /dev/null 2>&1"))
		T_SKIP("node or tests/node/node_modules missing: run scripts/install-deps test");
}

/* A free TCP port on 127.0.0.1 (nobody listens on it afterwards). */
static inline int st_free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
	    !getsockname(fd, (struct sockaddr *)&a, &len))
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* Start the receiver (port 0: any) with a script; its log goes to a new
 * temp dir. Returns 0 once it listens. */
static inline int st_rcv_start_at(struct st_rcv *r, const char *host, int port, const char *script,
			   int keepalive_ms, const char *logdir)
{
	char js[512], ready[160], ports[16], ka[16];

	if (logdir) {
		snprintf(r->dir, sizeof(r->dir), "%s", logdir);
	} else {
		snprintf(r->dir, sizeof(r->dir), "/tmp/rawtel-rcv.XXXXXX");
		if (!mkdtemp(r->dir))
			return -1;
	}
	snprintf(r->log, sizeof(r->log), "%s/requests.jsonl", r->dir);
	snprintf(ready, sizeof(ready), "%s/ready.%d", r->dir, port);
	unlink(ready);
	snprintf(js, sizeof(js), "%s/tests/node/receiver.js", st_top());
	snprintf(ports, sizeof(ports), "%d", port);
	snprintf(ka, sizeof(ka), "%d", keepalive_ms);
	fflush(stdout);
	r->pid = fork();
	if (r->pid == 0) {
		execlp("node", "node", js, "--host", host, "--port", ports, "--ready", ready,
		       "--log", r->log, "--script", script ? script : "[]", "--max-ms", "60000",
		       "--keepalive-ms", ka, (char *)NULL);
		_exit(127);
	}
	if (r->pid < 0)
		return -1;
	for (int i = 0; i < 200; i++) {	/* up to 10 s for node to start */
		FILE *f = fopen(ready, "r");

		if (f) {
			int ok = fscanf(f, "%d", &r->port) == 1;

			fclose(f);
			if (ok)
				return 0;
		}
		struct timespec ts = { 0, 50000000 };

		nanosleep(&ts, NULL);
	}
	return -1;
}

static inline int st_rcv_start(struct st_rcv *r, const char *script)
{
	return st_rcv_start_at(r, "127.0.0.1", 0, script, 5000, NULL);
}

static inline void st_rcv_stop(struct st_rcv *r)
{
	if (r->pid > 0) {
		kill(r->pid, SIGTERM);
		waitpid(r->pid, NULL, 0);
		r->pid = 0;
	}
}

static inline void st_rcv_cleanup(struct st_rcv *r)
{
	char cmd[160];

	st_rcv_stop(r);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r->dir);
	if (strncmp(r->dir, "/tmp/rawtel-", 12) == 0 && system(cmd))
		printf("  (could not remove %s)\n", r->dir);
}

struct st_req {
	long long t;		/* ms, receiver's clock */
	int conn, ok;
	char item[64];		/* first item name */
	char path[64];
	char line[2048];
};

/* The requests the receiver logged (up to max); returns how many, and the
 * number of connections it accepted in *conns. */
static inline int st_rcv_requests(const struct st_rcv *r, struct st_req *out, int max, int *conns)
{
	FILE *f = fopen(r->log, "r");
	char line[4096];
	int n = 0;

	if (conns)
		*conns = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		const char *p;

		if (strstr(line, "\"event\":\"connection\"") && conns)
			(*conns)++;
		if (!strstr(line, "\"event\":\"request\"") || n >= max)
			continue;
		struct st_req *q = &out[n++];

		memset(q, 0, sizeof(*q));
		snprintf(q->line, sizeof(q->line), "%.2000s", line);
		sscanf(line, "{\"t\":%lld", &q->t);
		if ((p = strstr(line, "\"conn\":")))
			q->conn = atoi(p + 7);
		q->ok = strstr(line, "\"ok\":true") != NULL;
		if ((p = strstr(line, "\"items\":[\"")))
			sscanf(p + 10, "%63[^\"]", q->item);
		if ((p = strstr(line, "\"path\":\"")))
			sscanf(p + 8, "%63[^\"]", q->path);
	}
	fclose(f);
	return n;
}

/* Run the loop until the sink is idle or `ms` passed; 1 when idle. */
static inline int st_run_until_idle(struct loop *l, struct sink *s, uint64_t ms)
{
	uint64_t end = loop_now_ms() + ms;

	while (!sink_idle(s) && loop_now_ms() < end)
		if (loop_run_once(l, 50) < 0)
			return 0;
	return sink_idle(s);
}

static inline void st_run_for(struct loop *l, uint64_t ms)
{
	uint64_t end = loop_now_ms() + ms;

	while (loop_now_ms() < end)
		loop_run_once(l, (int)(end - loop_now_ms()) + 1);
}

/* A config for tests: endpoint at 127.0.0.1:port, quick retries. */
static inline void st_config(struct sink_config *c, int port)
{
	char url[64];

	sink_config_init(c);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	sink_config_set_endpoint(c, -1, url);
	c->backoff_initial_ms = 100;
	c->backoff_max_ms = 400;
	c->log_interval_ms = 60000;
}

#endif
