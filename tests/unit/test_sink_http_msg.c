/* The OTLP sink's HTTP client pieces (rawtel/sink_http.h). The response
 * parser on good and adversarial input: every good response split at
 * every byte boundary must parse the same as in one piece; chunked edge
 * cases; oversize and malformed input fail cleanly. Also the request head
 * and Retry-After / HTTP-date. */
#include <errno.h>
#include <stdlib.h>

/* t.h copies compared strings into its message buffer; gcc warns they may
 * not fit, which is harmless there */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include "rawtel/sink_http.h"
#include "t.h"

/* Parse `s` fed in pieces of `step` bytes (0: one piece). Returns the
 * parser result; *used_all is the number of bytes consumed in total. */
static int parse(struct sink_http_resp *r, const char *s, size_t len, size_t step,
		 size_t *used_all)
{
	size_t off = 0;
	int ret = 0;

	sink_http_resp_init(r);
	*used_all = 0;
	while (off < len) {
		size_t n = step ? step : len;
		size_t used;

		if (n > len - off)
			n = len - off;
		ret = sink_http_resp_feed(r, s + off, n, &used);
		*used_all += used;
		if (ret != 0)
			return ret;
		off += n;
	}
	return ret;
}

struct good {
	const char *raw;
	int status, keep_alive;
	const char *body;
	size_t body_len;
	const char *retry_after, *ctype;
};

static const struct good goods[] = {
	{ "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n",
	  200, 1, "", 0, "", "application/x-protobuf" },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200, 1, "hello", 5, "", "" },
	{ "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 2\r\n\r\n\x0a\x00",
	  503, 1, "\x0a\x00", 2, "7", "" },
	/* chunked with extensions, upper-case hex, trailers */
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "3;name=val\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n",
	  200, 1, "abc0123456789", 13, "", "" },
	{ "HTTP/1.1 429 Too Many Requests\r\ntransfer-encoding: Chunked\r\n"
	  "retry-after: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n0\r\n\r\n",
	  429, 1, "", 0, "Sun, 06 Nov 1994 08:49:37 GMT", "" },
	/* interim 100 Continue then the real answer */
	{ "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 400 Bad Request\r\nConnection: close\r\n"
	  "Content-Length: 3\r\n\r\nbad", 400, 0, "bad", 3, "", "" },
	/* bare LF line ends, folded-less OWS, 204 without a body */
	{ "HTTP/1.1 204 No Content\nContent-Length: 10\n\n", 204, 1, "", 0, "", "" },
	{ "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", 200, 0, "x", 1, "", "" },
	{ "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx", 200, 1, "x", 1, "", "" },
	{ "HTTP/1.1 200\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok", 200, 1, "ok", 2, "", "" },
	{ "HTTP/1.1 502 Bad Gateway\r\nConnection: foo, close\r\nContent-Length:  1 \r\n\r\nz",
	  502, 0, "z", 1, "", "" },
};

static size_t raw_len(const struct good *g)
{
	/* every raw ends with its body; a body may hold NUL bytes */
	return strlen(g->raw) + (g->body_len > strlen(g->body) ? g->body_len - strlen(g->body) : 0);
}

static void test_good_every_split(void)
{
	for (size_t i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		const struct good *g = &goods[i];
		size_t len = raw_len(g);

		for (size_t step = 0; step <= len; step++) {
			struct sink_http_resp r;
			size_t used;
			int ret = parse(&r, g->raw, len, step, &used);

			T_EQ_INT(ret, 1);
			T_EQ_INT(used, len);
			T_EQ_INT(r.status, g->status);
			T_EQ_INT(r.keep_alive, g->keep_alive);
			T_EQ_INT(r.body_len, g->body_len);
			T_CHECK(r.body_len == g->body_len &&
				(!g->body_len || !memcmp(r.body, g->body, g->body_len)));
			T_EQ_STR(r.retry_after, g->retry_after);
			T_EQ_STR(r.content_type, g->ctype);
			sink_http_resp_free(&r);
			if (t_case_failed) {
				printf("  case %zu step %zu\n", i, step);
				return;
			}
		}
	}
}

/* Split a stream at every pair of boundaries (three pieces). */
static void test_chunked_three_pieces(void)
{
	const char *raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			  "1\r\na\r\n2\r\nbc\r\n0\r\n\r\n";
	size_t len = strlen(raw);

	for (size_t a = 0; a <= len; a++)
		for (size_t b = a; b <= len; b++) {
			struct sink_http_resp r;
			size_t used, tot = 0;
			size_t cut[4] = { 0, a, b, len };
			int ret = 0;

			sink_http_resp_init(&r);
			for (int k = 0; k < 3 && ret == 0; k++) {
				ret = sink_http_resp_feed(&r, raw + cut[k], cut[k + 1] - cut[k],
							  &used);
				tot += used;
			}
			T_EQ_INT(ret, 1);
			T_EQ_INT(tot, len);
			T_CHECK(r.body_len == 3 && !memcmp(r.body, "abc", 3));
			sink_http_resp_free(&r);
			if (t_case_failed)
				return;
		}
}

static void test_trailing_bytes_left(void)
{
	const char *raw = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA";
	struct sink_http_resp r;
	size_t used;

	sink_http_resp_init(&r);
	T_EQ_INT(sink_http_resp_feed(&r, raw, strlen(raw), &used), 1);
	T_EQ_INT(used, strlen(raw) - 5);
	sink_http_resp_free(&r);
}

static void test_body_until_close(void)
{
	const char *raw = "HTTP/1.1 200 OK\r\n\r\nsome body";
	struct sink_http_resp r;
	size_t used;

	sink_http_resp_init(&r);
	T_EQ_INT(sink_http_resp_feed(&r, raw, strlen(raw), &used), 0);
	T_EQ_INT(r.keep_alive, 0);
	T_EQ_INT(sink_http_resp_eof(&r), 1);
	T_CHECK(r.body_len == 9 && !memcmp(r.body, "some body", 9));
	sink_http_resp_free(&r);
	/* EOF anywhere else is an error */
	const char *cut[] = { "", "HTTP/1.1 200", "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab",
			      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n" };
	for (size_t i = 0; i < 4; i++) {
		sink_http_resp_init(&r);
		T_EQ_INT(sink_http_resp_feed(&r, cut[i], strlen(cut[i]), &used), 0);
		T_EQ_INT(sink_http_resp_eof(&r), -EPROTO);
		sink_http_resp_free(&r);
	}
}

static int parse_err(const char *raw, size_t len)
{
	struct sink_http_resp r;
	size_t used;
	int ret = parse(&r, raw, len, 0, &used);

	sink_http_resp_free(&r);
	return ret;
}
#define BAD(raw, err) T_EQ_INT(parse_err(raw, strlen(raw)), err)

static void test_malformed(void)
{
	BAD("HTTP/2 200 OK\r\n\r\n", -EPROTO);
	BAD("HTTP/1.1 20 OK\r\n\r\n", -EPROTO);
	BAD("HTTP/1.1 2000 OK\r\n\r\n", -EPROTO);
	BAD("HTTP/1.1 099 OK\r\n\r\n", -EPROTO);
	BAD("HTTP/1.1 600 OK\r\n\r\n", -EPROTO);
	BAD("HTTP/1.1 101 Switching\r\n\r\n", -EPROTO);
	BAD("http/1.1 200 OK\r\n\r\n", -EPROTO);
	BAD("\r\nHTTP/1.1 200 OK\r\n\r\n", -EPROTO);
	BAD("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", -EPROTO);
	BAD("HTTP/1.1 200 OK\r\n: empty\r\n\r\n", -EPROTO);
	BAD("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", -EPROTO);
	BAD("HTTP/1.1 200 OK\r\nName : x\r\n\r\n", -EPROTO);
	BAD("HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n", -EPROTO);
	BAD("HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", -EPROTO);
	BAD("HTTP/1.1 200 OK\r\nA: b\x01\r\n\r\n", -EPROTO);
	BAD("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", -EPROTO);
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 1,1\r\n\r\n", -EPROTO);
	BAD("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", -EPROTO);
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", -EPROTO);
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", -EPROTO);
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", -ENOTSUP);
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", -ENOTSUP);
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", -EPROTO);
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", -EPROTO);
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1x\r\n", -EPROTO);
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", -EPROTO);
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n", -EPROTO);
	/* NUL inside a line */
	T_EQ_INT(parse_err("HTTP/1.1 200 OK\r\nA: \0b\r\n\r\n", 24), -EPROTO);
}

static void test_oversize(void)
{
	char *big;

	BAD("HTTP/1.1 200 OK\r\nContent-Length: 4194305\r\n\r\n", -EMSGSIZE);
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999999\r\n\r\n", -EMSGSIZE);
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400001\r\n", -EMSGSIZE);
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffffffff\r\n", -EMSGSIZE);
	/* exactly the cap is fine */
	size_t hl = strlen("HTTP/1.1 200 OK\r\nContent-Length: 4194304\r\n\r\n");
	big = malloc(hl + SINK_HTTP_BODY_MAX);
	T_ASSERT(big);
	memcpy(big, "HTTP/1.1 200 OK\r\nContent-Length: 4194304\r\n\r\n", hl);
	memset(big + hl, 'x', SINK_HTTP_BODY_MAX);
	T_EQ_INT(parse_err(big, hl + SINK_HTTP_BODY_MAX), 1);
	free(big);
	/* chunks adding up past the cap */
	struct sink_http_resp r;
	size_t used;
	char chunk[64];
	const char *h = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
	int ret;

	sink_http_resp_init(&r);
	T_EQ_INT(sink_http_resp_feed(&r, h, strlen(h), &used), 0);
	char *data = calloc(1, 1 << 20);
	T_ASSERT(data);
	for (int i = 0; i < 5; i++) {
		snprintf(chunk, sizeof(chunk), "100000\r\n");
		ret = sink_http_resp_feed(&r, chunk, strlen(chunk), &used);
		if (ret)
			break;
		ret = sink_http_resp_feed(&r, data, 1 << 20, &used);
		if (ret)
			break;
		ret = sink_http_resp_feed(&r, "\r\n", 2, &used);
		if (ret)
			break;
	}
	T_EQ_INT(ret, -EMSGSIZE);
	T_CHECK(r.body_len <= SINK_HTTP_BODY_MAX);
	free(data);
	sink_http_resp_free(&r);
	/* a header line over the line cap, endless headers, endless 100s */
	big = malloc(200000);
	T_ASSERT(big);
	strcpy(big, "HTTP/1.1 200 OK\r\nX: ");
	memset(big + 20, 'a', 9000);
	strcpy(big + 9020, "\r\n\r\n");
	BAD(big, -EMSGSIZE);
	strcpy(big, "HTTP/1.1 200 OK\r\n");
	for (int i = 0; i < 101; i++)
		strcat(big, "A: b\r\n");
	BAD(big, -EPROTO);
	for (int i = 0; i < 4000; i++)
		memcpy(big + i * 25, "HTTP/1.1 100 Continue\r\n\r\n", 26);
	BAD(big, -EMSGSIZE);
	free(big);
}

static void test_request_head(void)
{
	char buf[512];
	int n = sink_http_req_head(buf, sizeof(buf), "/v1/traces", "[::1]:4318",
			      "application/x-protobuf", 1234, "api-key: s\r\n");

	T_EQ_STR(buf, "POST /v1/traces HTTP/1.1\r\n"
		      "Host: [::1]:4318\r\n"
		      "User-Agent: rawtel/" RAWTEL_VERSION "\r\n"
		      "Content-Type: application/x-protobuf\r\n"
		      "Content-Length: 1234\r\n"
		      "api-key: s\r\n"
		      "\r\n");
	T_EQ_INT(n, strlen(buf));
	T_EQ_INT(sink_http_req_head(buf, 40, "/v1/traces", "h:1", "x", 1, ""), -E2BIG);
}

static void test_http_date(void)
{
	int64_t t;

	/* RFC 9110's example in its three forms: 784111777 */
	T_EQ_INT(sink_http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", &t), 0);
	T_EQ_INT(t, 784111777);
	T_EQ_INT(sink_http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT", &t), 0);
	T_EQ_INT(t, 784111777);
	T_EQ_INT(sink_http_date_parse("Sun Nov  6 08:49:37 1994", &t), 0);
	T_EQ_INT(t, 784111777);
	T_EQ_INT(sink_http_date_parse("Thu, 01 Jan 1970 00:00:00 GMT", &t), 0);
	T_EQ_INT(t, 0);
	T_EQ_INT(sink_http_date_parse("Tue, 29 Feb 2028 23:59:59 GMT", &t), 0);
	T_EQ_INT(t, 1835481599);
	T_EQ_INT(sink_http_date_parse("Sun, 06 Nov 1994 08:49:37 UTC", &t), -EINVAL);
	T_EQ_INT(sink_http_date_parse("Sun, 06 Foo 1994 08:49:37 GMT", &t), -EINVAL);
	T_EQ_INT(sink_http_date_parse("Sun, 06 Nov 1994 25:49:37 GMT", &t), -EINVAL);
	T_EQ_INT(sink_http_date_parse("Sun, 00 Nov 1994 08:49:37 GMT", &t), -EINVAL);
	T_EQ_INT(sink_http_date_parse("", &t), -EINVAL);
	T_EQ_INT(sink_http_date_parse(",", &t), -EINVAL);

	uint64_t ms;

	T_EQ_INT(sink_http_retry_after_ms("120", 0, &ms), 0);
	T_EQ_INT(ms, 120000);
	T_EQ_INT(sink_http_retry_after_ms("0", 0, &ms), 0);
	T_EQ_INT(ms, 0);
	T_EQ_INT(sink_http_retry_after_ms("99999999999999999999", 0, &ms), 0);
	T_CHECK(ms >= 100000000ull * 1000);
	T_EQ_INT(sink_http_retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", 784111770, &ms), 0);
	T_EQ_INT(ms, 7000);
	T_EQ_INT(sink_http_retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", 784111999, &ms), 0);
	T_EQ_INT(ms, 0);
	T_EQ_INT(sink_http_retry_after_ms("1.5", 0, &ms), -EINVAL);
	T_EQ_INT(sink_http_retry_after_ms("soon", 0, &ms), -EINVAL);
	T_EQ_INT(sink_http_retry_after_ms("", 0, &ms), -EINVAL);
}

int main(void)
{
	T_RUN(test_good_every_split);
	T_RUN(test_chunked_three_pieces);
	T_RUN(test_trailing_bytes_left);
	T_RUN(test_body_until_close);
	T_RUN(test_malformed);
	T_RUN(test_oversize);
	T_RUN(test_request_head);
	T_RUN(test_http_date);
	return t_done();
}
