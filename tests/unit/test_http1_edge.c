/* The HTTP/1 parser at its edges: sockets that are not HTTP/1 (TLS,
 * HTTP/2, Redis, PostgreSQL, SSH, lower-case methods, binary) are given
 * up within HTTP1_PROBE_MISSES syscalls; garbage on an HTTP connection
 * costs a resync, not a connection; the limits on lines, fields and the
 * head; chunked framing errors; framing headers (Content-Length lists,
 * Transfer-Encoding); header values that must never be kept, checked in
 * the connection's memory itself. */
#include "t.h"
#include "http1_expect.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct http1_opts no_opts;

/* First bytes of protocols that share ports and hosts with HTTP. */
static const struct {
	const char *name, *data;
	size_t len;
} not_http[] = {
	{ "tls", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\x8a\x1b", 13 },
	{ "h2", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 24 },
	{ "redis", "*1\r\n$4\r\nPING\r\n", 14 },
	{ "redis_inline", "PING\r\n", 6 },
	{ "postgres", "\x00\x00\x00\x08\x04\xd2\x16\x2f", 8 },
	{ "ssh", "SSH-2.0-OpenSSH_9.2p1\r\n", 23 },
	{ "lowercase", "get / HTTP/1.1\r\nHost: h\r\n\r\n", 27 },
	{ "http09", "GET /\r\n", 7 },
	{ "bad_version", "GET / HTTP/2.0\r\n\r\n", 18 },
	{ "long_method", "ABCDEFGHIJKLMNOPQRSTUVWXYZ / HTTP/1.1\r\n\r\n", 41 },
	{ "json", "{\"jsonrpc\":\"2.0\"}", 17 },
	{ "smtp_reply", "220 mail.example ESMTP\r\n", 24 },
	{ "binary", "\x00\x01\x02\x03\xff\xfe", 6 },
};

static void not_http_given_up(void)
{
	for (size_t i = 0; i < N(not_http); i++) {
		for (int role = 0; role < 2; role++) {
			struct http1_stats st = { 0 };
			struct http1_opts o = { .stats = &st };
			static struct http1_conn c;
			int ret = HTTP1_MORE, k = 0;

			http1_conn_init(&c, 1, (enum http1_role)role, &o);
			/* alternate directions, as a conversation would */
			for (k = 0; k < 10 && ret == HTTP1_MORE; k++)
				ret = http1_conn_feed(&c, k & 1 ? HTTP1_SEND : HTTP1_RECV,
						      (uint64_t)k, not_http[i].data,
						      not_http[i].len, not_http[i].len + 100);
			T_CHECKF(ret == HTTP1_DONE && k == HTTP1_PROBE_MISSES,
				 "%s role %d: ret %d after %d syscalls", not_http[i].name,
				 role, ret, k);
			T_CHECKF(st.not_http == 1 && st.exchanges == 0, "%s: %" PRIu64 " %" PRIu64,
				 not_http[i].name, st.not_http, st.exchanges);
			/* later syscalls and the close cost nothing and report nothing */
			T_CHECK(http1_conn_feed(&c, HTTP1_RECV, 99, "GET / HTTP/1.1\r\n\r\n",
						18, 18) == HTTP1_DONE);
			http1_conn_close(&c, 100);
			T_CHECK(st.exchanges == 0);
		}
	}
}

/* Garbage on a connection that has carried HTTP: no bogus exchange, the
 * next request starting a syscall is parsed; a server answering the
 * garbage with 400 gives a response without a request. */
static void garbage_mid_connection(void)
{
	static struct xrec got;
	struct http1_stats st = { 0 };
	struct http1_opts o = { .stats = &st };
	struct step s[] = {
		{ 'q', "GET /1 HTTP/1.1\r\n\r\n" },
		{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" },
		{ 'q', "\x16\x03\x01 not http at all", 22 },
		{ 'q', "more noise GET / HTTP/1.1\r\n\r\n" },
		{ 'r', "HTTP/1.1 400 Bad Request\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n" },
		{ 'q', "GET /2 HTTP/1.1\r\n\r\n" },
		{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" },
		{ 'r', "junk from the server" },
		{ 'q', "GET /3 HTTP/1.1\r\n\r\n" },
		{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx" },
	};

	X_EXPECT(&got, s, HTTP1_SERVER, &o, "garbage",
		 "GET /1 200 1/1 host= ua= req=19/0 resp=38/0 cl=-1/0 t=1,1,2,2",
		 "-  400 -1/1 host= ua= req=0/0 resp=71/0 cl=-1/0 t=5,0,5,5 NO_REQUEST",
		 "GET /2 200 1/1 host= ua= req=19/0 resp=38/0 cl=-1/0 t=6,6,7,7",
		 "GET /3 200 1/1 host= ua= req=19/0 resp=39/1 cl=-1/1 t=9,9,10,10");
	T_EQ_INT(st.sync_lost, 2);
	T_EQ_INT(st.resyncs, 2);
	T_EQ_INT(st.not_http, 0);
}

static char big[200000];

/* A request with `n` fields of `vlen`-byte values, then its response
 * and one more exchange. Returns the first exchange's line. */
static const char *many_fields(int n, size_t vlen, struct xrec *got)
{
	size_t k = (size_t)snprintf(big, sizeof(big), "GET /f HTTP/1.1\r\nHost: h\r\n");

	for (int i = 1; i < n && k + vlen + 32 < sizeof(big); i++) {
		k += (size_t)snprintf(big + k, sizeof(big) - k, "X-F%d: ", i);
		memset(big + k, 'v', vlen);
		k += vlen;
		memcpy(big + k, "\r\n", 2);
		k += 2;
	}
	memcpy(big + k, "\r\n", 3);
	struct step s[] = {
		{ 'q', big },
		{ 'r', "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\n\r\n" },
		{ 'q', "GET /next HTTP/1.1\r\n\r\n" },
		{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" },
	};
	script_run(s, N(s), HTTP1_SERVER, &no_opts, 0, SIZE_MAX, 0, got);
	return got->n ? got->line[0] : "";
}

static void limits(void)
{
	static struct xrec got;
	const char *l;

	/* within the limits: parsed whole */
	l = many_fields(HTTP1_FIELDS_MAX, 10, &got);
	T_CHECKF(strstr(l, "GET /f 431 1/1 host=h") == l && !strstr(l, "TRUNC"), "%s", l);
	l = many_fields(2, HTTP1_LINE_MAX - 10, &got);
	T_CHECKF(strstr(l, "GET /f 431") == l && !strstr(l, "TRUNC"), "%s", l);
	/* over: flagged, yet paired, and the connection goes on */
	l = many_fields(HTTP1_FIELDS_MAX + 1, 10, &got);
	T_CHECKF(strstr(l, "GET /f 431 1/1 host=h") == l && strstr(l, "REQ_TRUNC"), "%s", l);
	T_CHECKF(got.n == 2 && strstr(got.line[1], "GET /next 200"), "%d", got.n);
	l = many_fields(1000, 10, &got);
	T_CHECKF(strstr(l, "GET /f 431") == l && strstr(l, "REQ_TRUNC"), "%s", l);
	T_CHECKF(got.n == 2 && strstr(got.line[1], "GET /next 200"), "%d", got.n);
	l = many_fields(2, HTTP1_LINE_MAX + 10, &got);
	T_CHECKF(strstr(l, "GET /f 431") == l && strstr(l, "REQ_TRUNC"), "%s", l);
	l = many_fields(200, 400, &got);	/* 80 KB head */
	T_CHECKF(strstr(l, "GET /f 431") == l && strstr(l, "REQ_TRUNC"), "%s", l);
	/* a long target: kept cut, flagged; the line itself is fine */
	size_t k = (size_t)snprintf(big, sizeof(big), "GET /");
	memset(big + k, 'p', 8000);
	k += 8000;
	snprintf(big + k, sizeof(big) - k, " HTTP/1.1\r\n\r\n");
	struct step s[] = {
		{ 'q', big },
		{ 'r', "HTTP/1.1 414 URI Too Long\r\nContent-Length: 0\r\n\r\n" },
	};
	script_run(s, N(s), HTTP1_SERVER, &no_opts, 0, SIZE_MAX, 0, &got);
	T_ASSERT(got.n == 1);
	T_CHECKF(strlen(got.line[0]) > HTTP1_PATH_MAX && strstr(got.line[0], " 414 ") &&
		 strstr(got.line[0], "VALUE_TRUNC") && !strstr(got.line[0], "REQ_TRUNC"),
		 "%.100s", got.line[0]);
}

/* Chunked framing: what is valid parses (whole, split, in pieces), what
 * is not loses only that message's size. */
static void chunked_edges(void)
{
	static const struct {
		const char *resp, *want;
	} cases[] = {
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		  "GET /c 200 1/1 host= ua= req=19/0 resp=52/5 cl=-1/-1 t=1,1,2,2" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n000\r\n\r\n",
		  "GET /c 200 1/1 host= ua= req=19/0 resp=54/7 cl=-1/-1 t=1,1,2,2" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;a;b=\"c;d\"\r\nxy\r\n0;z\r\nT1: a\r\nT2: b\r\n\r\n",
		  "GET /c 200 1/1 host= ua= req=19/0 resp=85/38 cl=-1/-1 t=1,1,2,2" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\nxy\n0\n\n",
		  "GET /c 200 1/1 host= ua= req=19/0 resp=55/8 cl=-1/-1 t=1,1,2,2" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n1\r\nx\r\n0\r\n\r\n",
		  "GET /c 200 1/1 host= ua= req=19/0 resp=78/11 cl=-1/99 t=1,1,2,2" },
		/* broken: invalid hex, data longer than its size, no size */
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		  "GET /c 200 1/1 host= ua= req=19/0 resp=51/4 cl=-1/-1 t=1,1,2,2 RESP_SIZE?" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxyz\r\n0\r\n\r\n",
		  "GET /c 200 1/1 host= ua= req=19/0 resp=60/13 cl=-1/-1 t=1,1,2,2 RESP_SIZE?" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
		  "GET /c 200 1/1 host= ua= req=19/0 resp=49/2 cl=-1/-1 t=1,1,2,2 RESP_SIZE?" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n",
		  "GET /c 200 1/1 host= ua= req=19/0 resp=65/18 cl=-1/-1 t=1,1,2,2 RESP_SIZE?" },
		/* a coding after chunked: the body runs to the close */
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
		  "GET /c 200 1/1 host= ua= req=19/0 resp=58/5 cl=-1/-1 t=1,1,2,2 CLOSE_DELIM" },
	};
	static struct xrec whole, split;
	char why[1000];

	for (size_t i = 0; i < N(cases); i++) {
		struct step s[] = {
			{ 'q', "GET /c HTTP/1.1\r\n\r\n" },
			{ 'r', cases[i].resp },
			{ 'c' },
		};

		script_run(s, N(s), HTTP1_CLIENT, &no_opts, 0, SIZE_MAX, 0, &whole);
		T_CHECKF(whole.n == 1 && !strcmp(whole.line[0], cases[i].want),
			 "case %zu:\n got  %s\n want %s", i, whole.line[0], cases[i].want);
		if (strstr(cases[i].want, "SIZE?"))
			continue;	/* where a broken body ends depends on syscalls */
		for (size_t at = 1; at < strlen(cases[i].resp); at++) {
			script_run(s, N(s), (int)(at & 1), &no_opts, 0, 1, at, &split);
			T_ASSERTF(xrec_same(&whole, &split, why, sizeof(why)),
				  "case %zu split at %zu: %s", i, at, why);
		}
	}
}

/* Framing fields of requests: lists of equal lengths are fine; a bad
 * length or a non-chunked coding loses the request's framing (the
 * server answers 400); the response still pairs. */
static void framing_fields(void)
{
	static const struct {
		const char *req, *want;
	} cases[] = {
		{ "POST /p HTTP/1.1\r\nContent-Length: 3,3\r\nContent-Length: 3\r\n\r\nabc",
		  "POST /p 400 1/1 host= ua= req=63/3 resp=47/0 cl=3/0 t=1,1,2,2" },
		{ "POST /p HTTP/1.1\r\nContent-Length: 3, 4\r\n\r\nabcd",
		  "POST /p 400 1/1 host= ua= req=46/0 resp=47/0 cl=-1/0 t=1,1,2,2 REQ_TRUNC REQ_SIZE?" },
		{ "POST /p HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
		  "POST /p 400 1/1 host= ua= req=40/0 resp=47/0 cl=-1/0 t=1,1,2,2 REQ_TRUNC REQ_SIZE?" },
		{ "POST /p HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
		  "POST /p 400 1/1 host= ua= req=58/0 resp=47/0 cl=-1/0 t=1,1,2,2 REQ_TRUNC REQ_SIZE?" },
		{ "POST /p HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
		  "POST /p 400 1/1 host= ua= req=45/0 resp=47/0 cl=-1/0 t=1,1,2,2 REQ_SIZE?" },
		{ "POST /p HTTP/1.1\r\nContent-Length : 1\r\n\r\nx",
		  "POST /p 400 1/1 host= ua= req=41/0 resp=47/0 cl=-1/0 t=1,1,2,2 REQ_TRUNC REQ_SIZE?" },
	};
	static struct xrec got;

	for (size_t i = 0; i < N(cases); i++) {
		struct step s[] = {
			{ 'q', cases[i].req },
			{ 'r', "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" },
			{ 'q', "GET /next HTTP/1.1\r\n\r\n" },
			{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" },
		};

		script_run(s, N(s), HTTP1_SERVER, &no_opts, 0, SIZE_MAX, 0, &got);
		T_CHECKF(got.n == 2 && !strcmp(got.line[0], cases[i].want) &&
			 strstr(got.line[1], "GET /next 200 ") == got.line[1],
			 "case %zu (%d):\n got  %s\n want %s", i, got.n, got.line[0], cases[i].want);
	}
}

/* Credentials never reach the connection's memory, wherever the
 * syscalls split their values. */
static void secrets_never_kept(void)
{
	static const char req[] = "GET /me?token=SECRET0 HTTP/1.1\r\nAuthorization: Bearer SECRET1\r\n"
				  "Cookie: sid=SECRET2; theme=dark\r\nProxy-Authorization: Basic SECRET3\r\n"
				  "X-Api-Key: SECRET4\r\nHost: h\r\n\r\n";
	static const char resp[] = "HTTP/1.1 200 OK\r\nSet-Cookie: sid=SECRET5; HttpOnly\r\n"
				   "Content-Length: 0\r\n\r\n";
	static struct http1_conn c;
	struct xrec got = { 0 };
	struct http1_opts o = { .on_exchange = x_record, .arg = &got };

	for (size_t at = 0; at < sizeof(req) - 1; at++) {
		http1_conn_init(&c, 1, HTTP1_SERVER, &o);
		got.n = 0;
		http1_conn_feed(&c, HTTP1_RECV, 1, req, at, at);
		T_ASSERTF(!memmem(&c, sizeof(c), "SECRET", 6), "split at %zu: found", at);
		http1_conn_feed(&c, HTTP1_RECV, 1, req + at, sizeof(req) - 1 - at,
				sizeof(req) - 1 - at);
		T_ASSERTF(!memmem(&c, sizeof(c), "SECRET", 6), "split at %zu: found", at);
		http1_conn_feed(&c, HTTP1_SEND, 2, resp, at % 40, at % 40);
		http1_conn_feed(&c, HTTP1_SEND, 2, resp + at % 40, sizeof(resp) - 1 - at % 40,
				sizeof(resp) - 1 - at % 40);
		T_ASSERTF(!memmem(&c, sizeof(c), "SECRET", 6), "split at %zu: found", at);
		T_ASSERTF(got.n == 1 && !strstr(got.line[0], "SECRET"), "at %zu: %s", at,
			  got.line[0]);
	}
	T_CHECKF(strstr(got.line[0], "GET /me?token=REDACTED 200 ") == got.line[0], "%s",
		 got.line[0]);
}

static void feed_arguments(void)
{
	static struct http1_conn c;

	http1_conn_init(&c, 1, HTTP1_CLIENT, &no_opts);
	T_EQ_INT(http1_conn_feed(&c, HTTP1_SEND, 1, "GET", 3, 2), -EINVAL);
	T_EQ_INT(http1_conn_feed(&c, HTTP1_SEND, 1, NULL, 3, 3), -EINVAL);
	T_EQ_INT(http1_conn_feed(&c, HTTP1_SEND, 1, NULL, 0, 0), HTTP1_MORE);
	T_EQ_INT(http1_conn_feed(&c, HTTP1_SEND, 1, NULL, 0, 10), HTTP1_MORE);
	T_EQ_INT(http1_conn_state(&c), HTTP1_MORE);
	http1_conn_close(&c, 2);
	T_EQ_INT(http1_conn_state(&c), HTTP1_DONE);
	T_EQ_INT(http1_conn_feed(&c, HTTP1_SEND, 3, "GET / HTTP/1.1\r\n\r\n", 18, 18), HTTP1_DONE);
}

/* An interim response and then the close: the request is reported
 * without a response, with the 1xx noted. A request cut by the close
 * is reported too. */
static void interim_then_close(void)
{
	static struct xrec got;
	struct step s[] = {
		{ 'q', "POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n" },
		{ 'r', "HTTP/1.1 100 Continue\r\n\r\n" },
		{ 'q', "ab" },
		{ 'c' },
	};
	struct step cut[] = {
		{ 'q', "GET /a HTTP/1.1\r\n\r\n" },
		{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" },
		{ 'q', "GET /b HTTP/1.1\r\nHost: exa" },
		{ 'c' },
	};

	X_EXPECT(&got, s, HTTP1_SERVER, &no_opts, "interim",
		 "POST /x 0 1/-1 host= ua= req=63/2 resp=0/0 cl=5/-1 t=1,3,0,4 NO_RESPONSE REQ_SIZE? INTERIM");
	X_EXPECT(&got, cut, HTTP1_CLIENT, &no_opts, "cut",
		 "GET /a 200 1/1 host= ua= req=19/0 resp=38/0 cl=-1/0 t=1,1,2,2",
		 "GET /b 0 1/-1 host= ua= req=26/0 resp=0/0 cl=-1/-1 t=3,3,0,4 NO_RESPONSE REQ_TRUNC REQ_SIZE?");
}

int main(void)
{
	T_RUN(not_http_given_up);
	T_RUN(garbage_mid_connection);
	T_RUN(limits);
	T_RUN(chunked_edges);
	T_RUN(framing_fields);
	T_RUN(secrets_never_kept);
	T_RUN(feed_arguments);
	T_RUN(interim_then_close);
	return t_done();
}
