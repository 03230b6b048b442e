/* Collector responses: partial_success and google.rpc.Status, protobuf and
 * JSON, good and malformed; one protobuf response made by the independent
 * encoder (node, tests/node/otlp-decode.js). */
#include <errno.h>
#include <sys/stat.h>

#include "rawtel/err.h"
#include "rawtel/otlp.h"
#include "t_fmt.h"

static void partial_pb(void)
{
	/* partial_success { rejected 5, message "hello\n" }, unknown field 3 */
	static const uint8_t ok[] = { 0x0a, 0x0a, 0x08, 0x05, 0x12, 0x06, 'h', 'e', 'l', 'l', 'o', '\n',
				      0x18, 0x01 };
	static const uint8_t neg[] = { 0x0a, 0x0b, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				       0xff, 0xff, 0xff, 0x01 };
	static const uint8_t wrong[] = { 0x0a, 0x02, 0x0a, 0x00 };	/* rejected as LEN */
	static const uint8_t torn[] = { 0x0a, 0x0a, 0x08, 0x05 };
	static uint8_t longmsg[3 + 300 + 3];
	struct otlp_partial p;

	T_EQ_INT(otlp_decode_response_pb(OTLP_TRACES, ok, sizeof(ok), &p), 0);
	T_EQ_INT(p.rejected, 5);
	T_EQ_STR(p.message, "hello?");			/* control bytes made safe */
	T_EQ_INT(otlp_decode_response_pb(OTLP_LOGS, neg, sizeof(neg), &p), 0);
	T_EQ_INT(p.rejected, -1);
	T_EQ_INT(otlp_decode_response_pb(OTLP_METRICS, NULL, 0, &p), 0);	/* empty: all fine */
	T_CHECK(p.rejected == 0 && !p.message[0]);
	T_EQ_INT(otlp_decode_response_pb(OTLP_TRACES, wrong, sizeof(wrong), &p), -EBADMSG);
	T_EQ_INT(otlp_decode_response_pb(OTLP_TRACES, torn, sizeof(torn), &p), -EBADMSG);
	/* a 300-byte message is cut to fit */
	longmsg[0] = 0x0a;
	longmsg[1] = 0xaf;
	longmsg[2] = 0x02;	/* 303 = 0x12f */
	longmsg[3] = 0x12;
	longmsg[4] = 0xac;
	longmsg[5] = 0x02;	/* 300 */
	memset(longmsg + 6, 'm', 300);
	T_EQ_INT(otlp_decode_response_pb(OTLP_TRACES, longmsg, sizeof(longmsg), &p), 0);
	T_EQ_INT(strlen(p.message), sizeof(p.message) - 1);
}

static void status_pb(void)
{
	static const uint8_t ok[] = { 0x08, 0x03, 0x12, 0x03, 'b', 'a', 'd', 0x1a, 0x02, 0x0a, 0x00 };
	static const uint8_t bad[] = { 0x08 };
	struct otlp_rpc_status st;

	T_EQ_INT(otlp_decode_status_pb(ok, sizeof(ok), &st), 0);
	T_EQ_INT(st.code, 3);
	T_EQ_STR(st.message, "bad");
	T_EQ_INT(otlp_decode_status_pb(bad, sizeof(bad), &st), -EBADMSG);
}

static void partial_json(void)
{
	static const char t[] = "{\"partialSuccess\":{\"rejectedSpans\":\"3\",\"errorMessage\":\"m\"}}";
	static const char m[] = "{\"partialSuccess\":{\"rejectedDataPoints\":4}}";
	static const char l[] = "{\"partial_success\":null}";
	static const char *bad[] = {
		"{\"partialSuccess\":[]}",
		"{\"partialSuccess\":{\"rejectedSpans\":\"x\"}}",
		"{\"partialSuccess\":{\"errorMessage\":5}}",
		"[]", "{", "",
	};
	struct otlp_partial p;

	T_EQ_INT(otlp_decode_response_json(OTLP_TRACES, t, sizeof(t) - 1, &p), 0);
	T_EQ_INT(p.rejected, 3);
	T_EQ_STR(p.message, "m");
	T_EQ_INT(otlp_decode_response_json(OTLP_METRICS, m, sizeof(m) - 1, &p), 0);
	T_EQ_INT(p.rejected, 4);
	T_EQ_INT(otlp_decode_response_json(OTLP_LOGS, l, sizeof(l) - 1, &p), 0);
	T_EQ_INT(p.rejected, 0);
	T_EQ_INT(otlp_decode_response_json(OTLP_LOGS, "{}", 2, &p), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		T_CHECKF(otlp_decode_response_json(OTLP_TRACES, bad[i], strlen(bad[i]), &p) == -EBADMSG,
			 "accepted %s", bad[i]);
}

static void status_json(void)
{
	static const char s[] = "{\"code\":14,\"message\":\"unavailable\",\"details\":[]}";
	struct otlp_rpc_status st;

	T_EQ_INT(otlp_decode_status_json(s, sizeof(s) - 1, &st), 0);
	T_EQ_INT(st.code, 14);
	T_EQ_STR(st.message, "unavailable");
	T_EQ_INT(otlp_decode_status_json("{\"code\":4294967296}", 19, &st), -EBADMSG);
}

/* A response encoded by the OpenTelemetry project's generated code. */
static void partial_from_node(void)
{
	const char *top = getenv("RAWTEL_TOP");
	char cmd[1200], mod[600];
	uint8_t buf[256];
	struct otlp_partial p;
	struct stat sb;
	size_t n;
	int st;
	FILE *f;

	snprintf(mod, sizeof(mod), "%s/tests/node/node_modules", top ? top : ".");
	T_ASSERTF(system("node --version > /dev/null 2>&1") == 0 && stat(mod, &sb) == 0,
		  "node or %s missing: run scripts/install-deps test", mod);
	snprintf(cmd, sizeof(cmd), "node -e 'process.stdout.write(require(\"%s/tests/node/"
		 "otlp-decode.js\").encodeResponse(\"metrics\", 12345678901, \"too old\", \"protobuf\"))'",
		 top ? top : ".");
	f = popen(cmd, "r");
	T_ASSERT(f);
	n = fread(buf, 1, sizeof(buf), f);
	st = pclose(f);
	T_ASSERT(st == 0 && n > 0);
	T_EQ_INT(otlp_decode_response_pb(OTLP_METRICS, buf, n, &p), 0);
	T_EQ_INT(p.rejected, 12345678901ll);
	T_EQ_STR(p.message, "too old");
}

int main(void)
{
	T_RUN(partial_pb);
	T_RUN(status_pb);
	T_RUN(partial_json);
	T_RUN(status_json);
	T_RUN(partial_from_node);
	return t_done();
}
