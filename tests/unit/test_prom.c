/* The Prometheus exposition (user/otlp/prom.c) and the scrape request
 * parser (user/otlp/prom_req.c): exact text for a counter, an up-down sum,
 * a gauge and a histogram under two resources, in the text format and in
 * OpenMetrics; name, unit and label sanitizing; label value and HELP
 * escaping; delta points left out; every request answer. */
#include "rawtel/prom.h"
#include "t.h"

static const struct otlp_scope scope = { OTLP_S("rawtel"), OTLP_S("1.2"), NULL, 0, 0, { 0, 0 } };

static struct otlp_batch *batch(void)
{
	struct otlp_batch_limits lim = { 1 << 16, 8, 8 };
	struct otlp_batch *b;

	T_ASSERT(otlp_batch_new(&b, OTLP_METRICS, &lim) == 0);
	return b;
}

static char *render(const struct otlp_batch *b, int om)
{
	static char text[16384];
	struct otlp_buf o;

	otlp_buf_init(&o, 1 << 20);
	T_ASSERT(prom_render(b, om, &o) == 0);
	T_ASSERT(o.len < sizeof(text));
	if (o.len)
		memcpy(text, o.p, o.len);
	text[o.len] = 0;
	otlp_buf_free(&o);
	return text;
}

/* Two processes' resources: the second with service.instance.id. */
static int add_res(struct otlp_batch *b, int which)
{
	static struct otlp_kv r1[3], r2[3];
	struct otlp_resource r = { which ? r2 : r1, 3, 0, { 0, 0 } };

	r1[0] = otlp_kv_str("service.name", "web");
	r1[1] = otlp_kv_int("process.pid", 42);
	r1[2] = otlp_kv_str("host.name", "h1");
	r2[0] = otlp_kv_str("service.name", "db");
	r2[1] = otlp_kv_str("service.namespace", "shop");
	r2[2] = otlp_kv_str("service.instance.id", "i-7");
	return otlp_batch_add_scope(b, otlp_batch_add_resource(b, &r), &scope);
}

static void add_counter(struct otlp_batch *b, int sc, int64_t v, const char *val)
{
	struct otlp_kv kv[2] = { otlp_kv_str("http.method", val), otlp_kv_bool("9ok", 1) };
	struct otlp_num_point p = { kv, 2, 0, 1, 2, 0, { .i = v } };
	struct otlp_metric m = { OTLP_S("rawtel.export.bytes"), OTLP_S("Bytes \\ sent\nout"),
				 OTLP_S("By"), OTLP_SUM, OTLP_TEMP_CUMULATIVE, 1, &p, NULL, 1 };

	T_ASSERT(otlp_batch_add_metric(b, sc, &m) == 0);
}

static void add_others(struct otlp_batch *b, int sc)
{
	static const double bounds[2] = { 0.5, 1 };
	static const uint64_t counts[3] = { 1, 2, 3 };
	struct otlp_num_point g = { NULL, 0, 0, 0, 2, 1, { .d = 0.25 } };
	struct otlp_num_point u = { NULL, 0, 0, 1, 2, 0, { .i = -3 } };
	struct otlp_hist_point h = { NULL, 0, 0, 1, 2, 6, 7.5, 0.1, 3, 1, 1, 1, counts, 3, bounds, 2 };
	struct otlp_metric gm = { OTLP_S("cpu-load"), OTLP_S("Load"), OTLP_S("1"), OTLP_GAUGE,
				  0, 0, &g, NULL, 1 };
	struct otlp_metric um = { OTLP_S("queue.depth"), OTLP_S("Q"), OTLP_S("{item}"), OTLP_SUM,
				  OTLP_TEMP_CUMULATIVE, 0, &u, NULL, 1 };
	struct otlp_metric hm = { OTLP_S("http.server.request.duration"), OTLP_S("D"), OTLP_S("s"),
				  OTLP_HISTOGRAM, OTLP_TEMP_CUMULATIVE, 0, NULL, &h, 1 };
	struct otlp_metric dm = um;

	dm.name = OTLP_S("delta.sum");
	dm.temporality = OTLP_TEMP_DELTA;
	T_ASSERT(otlp_batch_add_metric(b, sc, &gm) == 0);
	T_ASSERT(otlp_batch_add_metric(b, sc, &um) == 0);
	T_ASSERT(otlp_batch_add_metric(b, sc, &hm) == 0);
	T_ASSERT(otlp_batch_add_metric(b, sc, &dm) == 0);
}

#define L1 "job=\"web\",instance=\"h1:42\",otel_scope_name=\"rawtel\",otel_scope_version=\"1.2\""
#define L2 "job=\"shop/db\",instance=\"i-7\",otel_scope_name=\"rawtel\",otel_scope_version=\"1.2\""

static const char text_want[] =
	"# HELP cpu_load_ratio Load\n"
	"# TYPE cpu_load_ratio gauge\n"
	"cpu_load_ratio{" L2 "} 0.25\n"
	"# HELP http_server_request_duration_seconds D\n"
	"# TYPE http_server_request_duration_seconds histogram\n"
	"http_server_request_duration_seconds_bucket{" L2 ",le=\"0.5\"} 1\n"
	"http_server_request_duration_seconds_bucket{" L2 ",le=\"1\"} 3\n"
	"http_server_request_duration_seconds_bucket{" L2 ",le=\"+Inf\"} 6\n"
	"http_server_request_duration_seconds_sum{" L2 "} 7.5\n"
	"http_server_request_duration_seconds_count{" L2 "} 6\n"
	"# HELP queue_depth Q\n"
	"# TYPE queue_depth gauge\n"
	"queue_depth{" L2 "} -3\n"
	"# HELP rawtel_export_bytes_total Bytes \\\\ sent\\nout\n"
	"# TYPE rawtel_export_bytes_total counter\n"
	"rawtel_export_bytes_total{http_method=\"G\\\"E\\\\T\\n\",key_9ok=\"true\"," L1 "} 5\n"
	"rawtel_export_bytes_total{http_method=\"PUT\",key_9ok=\"true\"," L2 "} 7\n"
	"# HELP target_info Target metadata\n"
	"# TYPE target_info gauge\n"
	"target_info{job=\"web\",instance=\"h1:42\",process_pid=\"42\",host_name=\"h1\"} 1\n"
	"target_info{job=\"shop/db\",instance=\"i-7\"} 1\n";

static void test_text(void)
{
	struct otlp_batch *b = batch();

	add_counter(b, add_res(b, 0), 5, "G\"E\\T\n");
	int sc = add_res(b, 1);
	add_counter(b, sc, 7, "PUT");
	add_others(b, sc);
	T_EQ_STR(render(b, 0), text_want);
	otlp_batch_free(b);
}

static void test_openmetrics(void)
{
	struct otlp_batch *b = batch();
	const char *t;

	add_counter(b, add_res(b, 0), 5, "GET");
	add_others(b, add_res(b, 1));
	t = render(b, 1);
	/* the family without _total, its unit, floats with a '.' */
	T_CHECK(strstr(t, "# HELP rawtel_export_bytes Bytes \\\\ sent\\nout\n"
			  "# TYPE rawtel_export_bytes counter\n"
			  "# UNIT rawtel_export_bytes bytes\n"
			  "rawtel_export_bytes_total{http_method=\"GET\"") != NULL);
	T_CHECK(strstr(t, "# UNIT http_server_request_duration_seconds seconds\n") != NULL);
	T_CHECK(strstr(t, ",le=\"1.0\"} 3\n") != NULL);
	T_CHECK(strstr(t, "# HELP target Target metadata\n# TYPE target info\ntarget_info{") != NULL);
	T_CHECK(strstr(t, "delta") == NULL);
	T_EQ_INT(strcmp(t + strlen(t) - 6, "# EOF\n"), 0);
	otlp_batch_free(b);
}

static void test_empty(void)
{
	struct otlp_batch *b = batch();

	T_EQ_STR(render(b, 0), "");
	T_EQ_STR(render(b, 1), "# EOF\n");
	otlp_batch_free(b);
}

static int req(const char *s, struct prom_req *r)
{
	return prom_req_parse(s, strlen(s), r);
}

static void test_requests(void)
{
	static const struct {
		const char *s;
		int status;
	} cases[] = {
		{ "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 200 },
		{ "GET /metrics?x=1 HTTP/1.0\n\n", 200 },
		{ "HEAD /metrics HTTP/1.1\r\n\r\n", 200 },
		{ "GET / HTTP/1.1\r\n\r\n", 404 },
		{ "GET /metricsx HTTP/1.1\r\n\r\n", 404 },
		{ "POST /metrics HTTP/1.1\r\n\r\n", 405 },
		{ "GET /metrics HTTP/2.0\r\n\r\n", 400 },
		{ "GET metrics HTTP/1.1\r\n\r\n", 400 },
		{ "get /metrics HTTP/1.1\r\n\r\n", 400 },
		{ "GET /metrics HTTP/1.1\r\nBad header\r\n\r\n", 400 },
		{ "GET /metrics HTTP/1.1\r\n: v\r\n\r\n", 400 },
		{ "GET /me trics HTTP/1.1\r\n\r\n", 400 },
		{ "\r\n\r\n", 400 },
	};
	struct prom_req r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		T_EQ_INT(req(cases[i].s, &r), 1);
		T_EQ_INT(r.status, cases[i].status);
	}
	T_EQ_INT(req("GET /metrics HTTP/1.1\r\nHost: x\r\n", &r), 0);
	T_EQ_INT(req("GET /metrics HTTP/1.1\r\n\r", &r), 0);
	T_EQ_INT(req("", &r), 0);
	T_EQ_INT(req("HEAD /metrics HTTP/1.1\r\n\r\n", &r), 1);
	T_EQ_INT(r.head, 1);
	T_EQ_INT(req("GET /metrics HTTP/1.1\r\naccept: text/plain;q=0.5,"
		     "Application/OpenMetrics-Text;version=1.0.0\r\n\r\n", &r), 1);
	T_EQ_INT(r.openmetrics, 1);
	T_EQ_INT(req("GET /metrics HTTP/1.1\r\nX-Accept: application/openmetrics-text\r\n\r\n",
		     &r), 1);
	T_EQ_INT(r.openmetrics, 0);
}

int main(void)
{
	T_RUN(test_text);
	T_RUN(test_openmetrics);
	T_RUN(test_empty);
	T_RUN(test_requests);
	return t_done();
}
