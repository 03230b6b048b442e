/* The OTLP encoders against an independent decoder: the OpenTelemetry
 * project's generated protobuf code, run by node (tests/node/otlp-decode.js,
 * tests/node/check-fixtures.js). Each case encodes one signal's fixture
 * (otlp_fixtures.h) as protobuf or JSON and has node compare every field. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "otlp_fixtures.h"
#include "rawtel/err.h"
#include "t_fmt.h"

static char tmpdir[] = "/tmp/rawtel-otlp-oracle.XXXXXX";
static char top[512];

static int node_ready(char *why, size_t n)
{
	char path[600];
	struct stat st;

	snprintf(path, sizeof(path), "%.400s/tests/node/node_modules/@opentelemetry/"
		 "otlp-transformer/build/src/generated/root.js", top);
	if (system("node --version > /dev/null 2>&1") != 0) {
		snprintf(why, n, "node is not installed: run scripts/install-deps test");
		return 0;
	}
	if (stat(path, &st)) {
		snprintf(why, n, "%.500s missing: run scripts/install-deps test", path);
		return 0;
	}
	return 1;
}

static struct otlp_batch *new_batch(enum otlp_signal sig)
{
	struct otlp_batch_limits lim = { 1 << 20, 8, 16 };
	struct otlp_batch *b;

	return otlp_batch_new(&b, sig, &lim) ? NULL : b;
}

static int fill(struct otlp_batch *b, enum otlp_signal sig, int json)
{
	if (sig == OTLP_TRACES)
		return fx_traces(b, json);
	if (sig == OTLP_METRICS)
		return fx_metrics(b);
	return fx_logs(b, json);
}

/* Encode the fixture, write it to a file, run the node check on it. */
static void check_with_node(enum otlp_signal sig, int json)
{
	static const char *names[] = { "traces", "metrics", "logs" };
	char why[800], file[600], cmd[2000], out[4096];
	struct otlp_batch *b;
	struct otlp_buf o;
	FILE *f;
	size_t got;
	int st;

	T_ASSERTF(node_ready(why, sizeof(why)), "%s", why);
	T_ASSERT((b = new_batch(sig)));
	T_ASSERTF(fill(b, sig, json) == 0, "%s", err_msg());
	otlp_buf_init(&o, 1 << 24);
	T_ASSERTF((json ? otlp_encode_json(b, &o) : otlp_encode_pb(b, &o)) == 0,
		  "%s", err_msg());
	if (!json) {
		T_CHECK(o.len <= otlp_encode_pb_bound(b), "the encoding is over its bound");
		/* the same bytes, left where they were written */
		struct otlp_buf at;
		size_t off;

		otlp_buf_init(&at, 1 << 24);
		T_ASSERT(otlp_encode_pb_at(b, &at, &off) == 0);
		T_ASSERT(at.len == o.len && off + at.len <= at.cap &&
			 !memcmp(at.p + off, o.p, o.len));
		otlp_buf_free(&at);
	}
	snprintf(file, sizeof(file), "%s/%s.%s", tmpdir, names[sig], json ? "json" : "pb");
	f = fopen(file, "wb");
	T_ASSERT(f && fwrite(o.p, 1, o.len, f) == o.len);
	fclose(f);
	otlp_buf_free(&o);
	otlp_batch_free(b);
	snprintf(cmd, sizeof(cmd), "node %s/tests/node/check-fixtures.js %s %s %s 2>&1",
		 top, names[sig], json ? "json" : "protobuf", file);
	f = popen(cmd, "r");
	T_ASSERT(f);
	got = fread(out, 1, sizeof(out) - 1, f);
	out[got] = 0;
	st = pclose(f);
	if (st != 0)
		printf("%s", out);	/* the node diff, for the log */
	T_CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "node: %.300s", out);
}

static void traces_protobuf(void) { check_with_node(OTLP_TRACES, 0); }
static void traces_json(void) { check_with_node(OTLP_TRACES, 1); }
static void metrics_protobuf(void) { check_with_node(OTLP_METRICS, 0); }
static void metrics_json(void) { check_with_node(OTLP_METRICS, 1); }
static void logs_protobuf(void) { check_with_node(OTLP_LOGS, 0); }
static void logs_json(void) { check_with_node(OTLP_LOGS, 1); }

int main(void)
{
	const char *t = getenv("RAWTEL_TOP");

	snprintf(top, sizeof(top), "%s", t ? t : ".");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	T_RUN(traces_protobuf);
	T_RUN(traces_json);
	T_RUN(metrics_protobuf);
	T_RUN(metrics_json);
	T_RUN(logs_protobuf);
	T_RUN(logs_json);
	snprintf(top, sizeof(top), "rm -rf %s", tmpdir);
	if (system(top) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return t_done();
}
