/* Exporter configuration: the OTLP exporter spec's endpoint rules (base URL
 * plus exactly one '/', per-signal endpoints used as-is), headers with
 * percent-decoding, timeout, protocol, compression, and the errors users
 * see for bad values. */
#include <stdlib.h>

/* t.h formats strings we return from static buffers into its own message
 * buffer; gcc warns that they might not fit, which is harmless there */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include "rawtel/err.h"
#include "rawtel/sink.h"
#include "t.h"

static const char *const all_vars[] = {
	"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
	"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
	"OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
	"OTEL_EXPORTER_OTLP_METRICS_HEADERS", "OTEL_EXPORTER_OTLP_LOGS_HEADERS",
	"OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
	"OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT",
	"OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
	"OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL",
	"OTEL_EXPORTER_OTLP_COMPRESSION", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
	"OTEL_EXPORTER_OTLP_METRICS_COMPRESSION", "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION",
	NULL
};

static void clear_env(void)
{
	for (int i = 0; all_vars[i]; i++)
		unsetenv(all_vars[i]);
}

/* Endpoint URL of `sig` after applying env var `var` = `val`. */
static const char *target_with(const char *var, const char *val, int sig,
			       struct sink_target *t)
{
	static char url[SINK_URL_MAX + 300];
	struct sink_config c;

	clear_env();
	if (var)
		setenv(var, val, 1);
	sink_config_init(&c);
	if (sink_config_env(&c) || sink_config_target(&c, sig, t))
		return err_msg();
	snprintf(url, sizeof(url), "%s|%s", t->hostport, t->path);
	return url;
}

static void test_endpoint_defaults(void)
{
	struct sink_target t;

	T_EQ_STR(target_with(NULL, NULL, SINK_TRACES, &t), "localhost:4318|/v1/traces");
	T_EQ_STR(target_with(NULL, NULL, SINK_METRICS, &t), "localhost:4318|/v1/metrics");
	T_EQ_STR(target_with(NULL, NULL, SINK_LOGS, &t), "localhost:4318|/v1/logs");
	T_EQ_STR(t.host, "localhost");
	T_EQ_INT(t.port, 4318);
	T_EQ_INT(t.timeout_ms, 10000);
	T_EQ_INT(t.protocol, SINK_PROTO_PROTOBUF);
	T_EQ_STR(t.headers, "");
}

static void test_endpoint_base(void)
{
	struct sink_target t;
	const char *B = "OTEL_EXPORTER_OTLP_ENDPOINT";

	/* the spec's examples: exactly one '/' before v1/<signal> */
	T_EQ_STR(target_with(B, "http://collector:4318", SINK_TRACES, &t),
		 "collector:4318|/v1/traces");
	T_EQ_STR(target_with(B, "http://collector:4318/", SINK_METRICS, &t),
		 "collector:4318|/v1/metrics");
	T_EQ_STR(target_with(B, "http://collector:4318/mypath", SINK_LOGS, &t),
		 "collector:4318|/mypath/v1/logs");
	T_EQ_STR(target_with(B, "http://collector:4318/mypath/", SINK_TRACES, &t),
		 "collector:4318|/mypath/v1/traces");
	T_EQ_STR(target_with(B, "http://collector:4318/a//", SINK_TRACES, &t),
		 "collector:4318|/a/v1/traces");
	/* no port: HTTP's default */
	T_EQ_STR(target_with(B, "http://collector", SINK_TRACES, &t), "collector:80|/v1/traces");
	T_EQ_STR(target_with(B, "HTTP://10.1.2.3:55681", SINK_TRACES, &t),
		 "10.1.2.3:55681|/v1/traces");
	T_EQ_STR(target_with(B, "http://[::1]:4318/", SINK_TRACES, &t), "[::1]:4318|/v1/traces");
	T_EQ_STR(t.host, "::1");
	T_EQ_STR(target_with(B, "http://[fe80::1:2]", SINK_LOGS, &t), "[fe80::1:2]:80|/v1/logs");
}

static void test_endpoint_per_signal(void)
{
	struct sink_target t;
	struct sink_config c;

	/* used as-is: nothing appended, an empty path is "/" */
	T_EQ_STR(target_with("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318",
			     SINK_TRACES, &t), "collector:4318|/");
	T_EQ_STR(target_with("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
			     "http://collector:4318/custom/path?x=1", SINK_METRICS, &t),
		 "collector:4318|/custom/path?x=1");
	/* only for its own signal */
	T_EQ_STR(target_with("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://l:1/logs",
			     SINK_TRACES, &t), "localhost:4318|/v1/traces");
	/* per-signal wins over the base; the other signals keep the base */
	clear_env();
	setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://base:4318", 1);
	setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://tr:9999/t", 1);
	sink_config_init(&c);
	T_ASSERT(sink_config_env(&c) == 0);
	T_ASSERT(sink_config_target(&c, SINK_TRACES, &t) == 0);
	T_EQ_STR(t.hostport, "tr:9999");
	T_EQ_STR(t.path, "/t");
	T_ASSERT(sink_config_target(&c, SINK_LOGS, &t) == 0);
	T_EQ_STR(t.hostport, "base:4318");
	T_EQ_STR(t.path, "/v1/logs");
	/* an empty variable counts as unset */
	setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "", 1);
	sink_config_init(&c);
	T_ASSERT(sink_config_env(&c) == 0);
	T_ASSERT(sink_config_target(&c, SINK_TRACES, &t) == 0);
	T_EQ_STR(t.hostport, "base:4318");
	clear_env();
}

/* The error message for setting `var` to `val`, or "ok". */
static const char *env_err(const char *var, const char *val)
{
	struct sink_config c;

	clear_env();
	setenv(var, val, 1);
	sink_config_init(&c);
	err_clear();
	int ret = sink_config_env(&c);

	clear_env();
	return ret ? err_msg() : "ok";
}

#define T_ERR_HAS(var, val, needle)                                              \
	do {                                                                      \
		const char *m_ = env_err(var, val);                               \
		T_CHECK(strstr(m_, needle) != NULL, needle);                      \
		if (!strstr(m_, needle))                                          \
			printf("  got: %s\n", m_);                                \
	} while (0)

static void test_endpoint_errors(void)
{
	const char *B = "OTEL_EXPORTER_OTLP_ENDPOINT";

	T_ERR_HAS(B, "https://collector:4318", "http://127.0.0.1:4318");
	T_ERR_HAS(B, "https://collector:4318", "OTEL_EXPORTER_OTLP_ENDPOINT: endpoint 'https://collector:4318' uses https");
	T_ERR_HAS("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://x", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: ");
	T_ERR_HAS(B, "collector:4318", "not an http:// URL");
	T_ERR_HAS(B, "grpc://collector:4317", "not an http:// URL");
	T_ERR_HAS(B, "http://", "no host");
	T_ERR_HAS(B, "http://:4318", "no host");
	T_ERR_HAS(B, "http://h:0", "bad port");
	T_ERR_HAS(B, "http://h:65536", "bad port");
	T_ERR_HAS(B, "http://h:", "bad port");
	T_ERR_HAS(B, "http://h:43a8", "bad port");
	T_ERR_HAS(B, "http://h:123456", "bad port");
	T_ERR_HAS(B, "http://[::1:4318", "bad IPv6");
	T_ERR_HAS(B, "http://[zz::1]:4318", "bad IPv6");
	T_ERR_HAS(B, "http://[::1]x", "after ']'");
	T_ERR_HAS(B, "http://user:pw@h:4318", "credentials");
	T_ERR_HAS(B, "http://h:4318/a b", "spaces");
	T_ERR_HAS(B, "http://h:4318/a\r\nX-Evil: 1", "spaces");
	T_ERR_HAS(B, "http://h:4318/#frag", "fragment");
	T_ERR_HAS(B, "http://h:4318/?q=1", "query");
	T_ERR_HAS(B, "http://h_st!:4318", "bad character '!'");
	T_EQ_STR(env_err("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://h:4318/?q=1"), "ok");
}

static const char *headers_of(const char *var, const char *val, int sig)
{
	static char out[SINK_HDRS_MAX];
	struct sink_config c;
	struct sink_target t;

	clear_env();
	setenv(var, val, 1);
	sink_config_init(&c);
	if (sink_config_env(&c) || sink_config_target(&c, sig, &t))
		snprintf(out, sizeof(out), "ERR %s", err_msg());
	else
		snprintf(out, sizeof(out), "%s", t.headers);
	clear_env();
	return out;
}

static void test_headers(void)
{
	const char *H = "OTEL_EXPORTER_OTLP_HEADERS";

	T_EQ_STR(headers_of(H, "api-key=secret", SINK_TRACES), "api-key: secret\r\n");
	T_EQ_STR(headers_of(H, " a = 1 , b=2,", SINK_LOGS), "a: 1\r\nb: 2\r\n");
	/* percent-decoding of keys and values; '=' after the first is data */
	T_EQ_STR(headers_of(H, "Authorization=Basic%20dXNlcjpwYXNz,x=a%2Cb%3Dc",
			    SINK_METRICS),
		 "Authorization: Basic dXNlcjpwYXNz\r\nx: a,b=c\r\n");
	T_EQ_STR(headers_of(H, "k=v=w", SINK_TRACES), "k: v=w\r\n");
	T_EQ_STR(headers_of(H, "k=", SINK_TRACES), "k: \r\n");
	T_EQ_STR(headers_of(H, ",,", SINK_TRACES), "");
	/* per-signal headers replace the generic list for that signal only */
	clear_env();
	setenv(H, "a=1", 1);
	setenv("OTEL_EXPORTER_OTLP_LOGS_HEADERS", "b=2", 1);
	struct sink_config c;
	struct sink_target t;

	sink_config_init(&c);
	T_ASSERT(sink_config_env(&c) == 0);
	T_ASSERT(sink_config_target(&c, SINK_LOGS, &t) == 0);
	T_EQ_STR(t.headers, "b: 2\r\n");
	T_ASSERT(sink_config_target(&c, SINK_TRACES, &t) == 0);
	T_EQ_STR(t.headers, "a: 1\r\n");
	clear_env();
	/* errors */
	T_ERR_HAS(H, "novalue", "has no '='");
	T_ERR_HAS(H, "=v", "empty name");
	T_ERR_HAS(H, "k=%4", "bad percent-encoding");
	T_ERR_HAS(H, "k=%zz", "bad percent-encoding");
	T_ERR_HAS(H, "k=a%0D%0AX-Evil: 1", "control character");
	T_ERR_HAS(H, "k=a%00", "%00");
	T_ERR_HAS(H, "bad key=v", "not allowed in HTTP header names");
	T_ERR_HAS(H, "Content-Length=5", "set by rawtel itself");
	T_ERR_HAS(H, "host=x", "set by rawtel itself");
	T_ERR_HAS("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "x", "OTEL_EXPORTER_OTLP_TRACES_HEADERS: ");
	char big[6000];

	memset(big, 'a', sizeof(big) - 1);
	big[0] = 'k';
	big[1] = '=';
	big[sizeof(big) - 1] = 0;
	T_ERR_HAS(H, big, "too long");
}

static void test_timeout_protocol_compression(void)
{
	struct sink_config c;
	struct sink_target t;

	clear_env();
	setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "2500", 1);
	setenv("OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "700", 1);
	setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", 1);
	setenv("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "http/protobuf", 1);
	setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "none", 1);
	sink_config_init(&c);
	T_ASSERT(sink_config_env(&c) == 0);
	T_ASSERT(sink_config_target(&c, SINK_TRACES, &t) == 0);
	T_EQ_INT(t.timeout_ms, 2500);
	T_EQ_INT(t.protocol, SINK_PROTO_JSON);
	T_ASSERT(sink_config_target(&c, SINK_METRICS, &t) == 0);
	T_EQ_INT(t.timeout_ms, 700);
	T_EQ_INT(sink_config_protocol(&c, SINK_LOGS), SINK_PROTO_PROTOBUF);
	T_EQ_INT(sink_config_protocol(&c, SINK_METRICS), SINK_PROTO_JSON);
	clear_env();

	T_ERR_HAS("OTEL_EXPORTER_OTLP_TIMEOUT", "10s", "not a whole number");
	T_ERR_HAS("OTEL_EXPORTER_OTLP_TIMEOUT", "-5", "not a whole number");
	T_ERR_HAS("OTEL_EXPORTER_OTLP_TIMEOUT", "0", "out of range");
	T_ERR_HAS("OTEL_EXPORTER_OTLP_TIMEOUT", "99999999999999999999", "out of range");
	T_ERR_HAS("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "use http/protobuf");
	T_ERR_HAS("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "4318");
	T_ERR_HAS("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/xml", "unknown protocol 'http/xml'");
	/* gzip, and per signal none over it */
	setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip", 1);
	setenv("OTEL_EXPORTER_OTLP_LOGS_COMPRESSION", "none", 1);
	sink_config_init(&c);
	T_ASSERT(sink_config_env(&c) == 0);
	T_ASSERT(sink_config_target(&c, SINK_TRACES, &t) == 0);
	T_EQ_INT(t.compression, SINK_COMP_GZIP);
	T_ASSERT(sink_config_target(&c, SINK_LOGS, &t) == 0);
	T_EQ_INT(t.compression, SINK_COMP_NONE);
	unsetenv("OTEL_EXPORTER_OTLP_COMPRESSION");
	unsetenv("OTEL_EXPORTER_OTLP_LOGS_COMPRESSION");
	T_ERR_HAS("OTEL_EXPORTER_OTLP_COMPRESSION", "zstd", "use gzip or none");
	T_ERR_HAS("OTEL_EXPORTER_OTLP_LOGS_COMPRESSION", "br", "unknown compression 'br'");
	/* flags use the same setters */
	sink_config_init(&c);
	T_EQ_INT(sink_config_set_endpoint(&c, -1, "http://127.0.0.1:4318/"), 0);
	T_EQ_INT(sink_config_set_endpoint(&c, SINK_LOGS, "http://[::1]:4318/l"), 0);
	T_ASSERT(sink_config_target(&c, SINK_LOGS, &t) == 0);
	T_EQ_STR(t.hostport, "[::1]:4318");
	T_EQ_STR(t.path, "/l");
	T_ASSERT(sink_config_target(&c, SINK_TRACES, &t) == 0);
	T_EQ_STR(t.path, "/v1/traces");
	T_CHECK(sink_config_set_timeout(&c, -1, "") < 0);
}

int main(void)
{
	T_RUN(test_endpoint_defaults);
	T_RUN(test_endpoint_base);
	T_RUN(test_endpoint_per_signal);
	T_RUN(test_endpoint_errors);
	T_RUN(test_headers);
	T_RUN(test_timeout_protocol_compression);
	return t_done();
}
