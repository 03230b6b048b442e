/* Gaps: bytes a syscall transferred beyond its captured prefix. Inside a
 * body whose framing is known they are skipped exactly (every gap size,
 * Content-Length and chunked, 2 MB bodies seen 512 bytes a syscall);
 * anywhere else the message keeps what was seen, is flagged, and the
 * next message starting a syscall is parsed as usual. A response whose
 * framing was lost ends at its last byte seen: when the next request
 * comes, a new response starts, the quiet time passes or the connection
 * closes. */
#include "t.h"
#include "http1_expect.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct http1_opts no_opts;

static char filler[1024];

static const char *build_body(char fill)
{
	memset(filler, fill, sizeof(filler) - 1);
	return filler;
}

/* A chunk's bytes: `head` of size line, 100 of data, then a tail. */
struct chunk {
	char b[256];
	size_t head, len;
};

static void chunk100(struct chunk *c, const char *size_line, char fill, const char *tail)
{
	c->head = strlen(size_line);
	memcpy(c->b, size_line, c->head);
	memset(c->b + c->head, fill, 100);
	memcpy(c->b + c->head + 100, tail, strlen(tail));
	c->len = c->head + 100 + strlen(tail);
}

/* Into g: the n steps of st with only the first `cap` of step i's `len`
 * bytes captured. */
static void capped(struct step *g, const struct step *st, size_t n, size_t i, size_t cap,
		   size_t len)
{
	memcpy(g, st, n * sizeof(*st));
	g[i].len = cap;
	g[i].gap = len - cap;
}

/* A Content-Length body of 1000 with every possible amount captured:
 * the same exchanges as when all of it is seen, and the next exchange
 * on the connection parses. Both directions, both roles. */
static void cl_body_every_cap(void)
{
	static char req[2048], resp[2048];
	static struct xrec want, got;
	char why[1000];
	int hq, hr;

	hq = snprintf(req, sizeof(req), "POST /u HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n");
	hr = snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
	memset(req + hq, 'q', 1000);
	memset(resp + hr, 'r', 1000);
	struct step st[] = {
		{ 'q', req, (size_t)hq + 1000 },
		{ 'r', resp, (size_t)hr + 1000 },
		{ 'q', "GET /next HTTP/1.1\r\n\r\n" },
		{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" },
	};

	X_EXPECT(&want, st, HTTP1_SERVER, &no_opts, "whole",
		 "POST /u 200 1/1 host=h ua= req=1051/1000 resp=1041/1000 cl=1000/1000 t=1,1,2,2",
		 "GET /next 200 1/1 host= ua= req=22/0 resp=40/2 cl=-1/2 t=3,3,4,4");
	for (int side = 0; side < 2; side++) {
		size_t head = side ? (size_t)hr : (size_t)hq;

		for (size_t cap = head; cap <= head + 1000; cap++) {
			struct step g[N(st)];

			capped(g, st, N(st), (size_t)side, cap, head + 1000);
			script_run(g, N(g), (int)(cap & 1), &no_opts, 0, SIZE_MAX, 0, &got);
			T_ASSERTF(xrec_same(&want, &got, why, sizeof(why)),
				  "side %d cap %zu: %s", side, cap, why);
		}
	}
}

/* A body arriving in several syscalls, each with its own gap. */
static void cl_body_many_syscalls(void)
{
	static struct xrec got;
	const char *body = build_body('b');
	struct step st[] = {
		{ 'q', "GET /x HTTP/1.1\r\n\r\n" },
		{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\nabc", 44, 997 },
		{ 'r', body, 10, 990 },
		{ 'r', body, 0, 500 },
		{ 'r', body, 499, 0 },
		{ 'r', body, 1, 0 },	/* the 3000th byte */
		{ 'q', "GET /y HTTP/1.1\r\n\r\n" },
		{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" },
	};

	X_EXPECT(&got, st, HTTP1_CLIENT, &no_opts, "many syscalls",
		 "GET /x 200 1/1 host= ua= req=19/0 resp=3041/3000 cl=-1/3000 t=1,1,2,6",
		 "GET /y 200 1/1 host= ua= req=19/0 resp=38/0 cl=-1/0 t=7,7,8,8");
}

/* A chunked body written a chunk a syscall, most of each chunk unseen:
 * the size lines keep the framing exact, whatever the cap (as long as
 * the size line is seen). */
static void chunked_every_cap(void)
{
	static struct chunk ck;
	static struct xrec want, got;
	char why[1000], what[32];

	chunk100(&ck, "64;x=y\r\n", 'c', "\r\n");
	struct step st[] = {
		{ 'q', "GET /c HTTP/1.1\r\n\r\n" },
		{ 'r', "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" },
		{ 'r', ck.b, ck.len },
		{ 'r', ck.b, ck.len },
		{ 'r', ck.b, ck.len },
		{ 'r', "0\r\n\r\n" },
		{ 'q', "GET /d HTTP/1.1\r\n\r\n" },
		{ 'r', "HTTP/1.1 204 No Content\r\n\r\n" },
	};

	X_EXPECT(&want, st, HTTP1_SERVER, &no_opts, "whole",
		 "GET /c 200 1/1 host= ua= req=19/0 resp=382/335 cl=-1/-1 t=1,1,2,6",
		 "GET /d 204 1/1 host= ua= req=19/0 resp=27/0 cl=-1/-1 t=7,7,8,8");
	for (size_t cap = ck.head; cap <= ck.len; cap++) {
		struct step g[N(st)];

		memcpy(g, st, sizeof(g));
		for (int i = 2; i <= 4; i++) {
			/* different caps in each chunk's syscall */
			size_t c = i == 3 ? ck.len - (cap - ck.head) : cap;

			g[i].len = c;
			g[i].gap = ck.len - c;
		}
		script_run(g, N(g), HTTP1_CLIENT, &no_opts, 0, SIZE_MAX, 0, &got);
		T_ASSERTF(xrec_same(&want, &got, why, sizeof(why)), "cap %zu: %s", cap, why);
	}
	/* the chunk-size line cut: framing lost, the response ends at its
	 * last syscall when the next request comes */
	for (size_t cap = 0; cap < ck.head; cap++) {
		struct step g[N(st)];

		capped(g, st, N(st), 3, cap, ck.len);
		snprintf(what, sizeof(what), "cap %zu", cap);
		X_EXPECT(&got, g, HTTP1_SERVER, &no_opts, what,
			 "GET /c 200 1/1 host= ua= req=19/0 resp=382/335 cl=-1/-1 t=1,1,2,6 RESP_SIZE?",
			 "GET /d 204 1/1 host= ua= req=19/0 resp=27/0 cl=-1/-1 t=7,7,8,8");
	}
}

/* The last chunk written with the data before it, its five bytes
 * "0\r\n\r\n" past the capture (nginx's gzip responses a little over
 * 512 bytes): the response ends there, framing and size known, exactly
 * as when every byte is seen; a longer unseen tail is not taken for it. */
static void chunked_end_unseen(void)
{
	static struct chunk last;
	static struct xrec want, got;
	char why[1000];

	chunk100(&last, "64\r\n", 'z', "\r\n0\r\n\r\n");
	struct step st[] = {
		{ 'q', "GET /g HTTP/1.1\r\n\r\n" },
		{ 'r', "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" },
		{ 'r', last.b, last.len },
		{ 'q', "GET /h HTTP/1.1\r\n\r\n" },
		{ 'r', "HTTP/1.1 204 No Content\r\n\r\n" },
	};

	script_run(st, N(st), HTTP1_SERVER, &no_opts, 0, SIZE_MAX, 0, &want);
	T_ASSERTF(want.n == 2, "%d", want.n);
	for (size_t cap = last.head; cap <= last.len - 5; cap++) {
		struct step g[N(st)];

		capped(g, st, N(st), 2, cap, last.len);
		script_run(g, N(g), HTTP1_SERVER, &no_opts, 0, SIZE_MAX, 0, &got);
		T_ASSERTF(xrec_same(&want, &got, why, sizeof(why)), "cap %zu: %s", cap, why);
	}
	/* six unseen bytes at a chunk-size line are not the end */
	struct step g[N(st)];

	capped(g, st, N(st), 2, last.len - 5, last.len + 1);
	script_run(g, N(g), HTTP1_SERVER, &no_opts, 0, SIZE_MAX, 0, &got);
	T_ASSERTF(got.n == 2, "%d", got.n);
	T_CHECKF(strstr(got.line[0], "RESP_SIZE?") != NULL, "%s", got.line[0]);
}

/* A request head cut at every byte, on a connection that already
 * carried an exchange: what was seen is kept (a half header value is
 * not), the response still pairs, and the next request parses. */
static void head_every_cap(void)
{
	static const char req[] = "GET /api/v1/items?id=7 HTTP/1.1\r\nHost: shop.example\r\n"
				  "User-Agent: Mozilla/5.0 (X11)\r\nCookie: session=SECRET\r\n"
				  "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n\r\n";
	static struct xrec got;
	size_t len = strlen(req);
	const char *host = strstr(req, "Host"), *ua = strstr(req, "User-Agent");
	const char *tp = strstr(req, "traceparent");

	for (size_t cap = 0; cap < len; cap++) {
		struct step st[] = {
			{ 'q', "GET /first HTTP/1.1\r\n\r\n" },
			{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" },
			{ 'q', req, cap, len - cap },
			{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" },
			{ 'q', "GET /n HTTP/1.1\r\n\r\n" },
			{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" },
		};
		char want[200];
		const char *l;

		script_run(st, N(st), (int)(cap & 1), &no_opts, 0, SIZE_MAX, 0, &got);
		T_ASSERTF(got.n == 3, "cap %zu: %d exchanges", cap, got.n);
		l = got.line[1];
		snprintf(want, sizeof(want), "req=%zu/0 resp=40/2 cl=-1/2 t=3,3,4,4", len);
		T_CHECKF(strstr(l, " 200 ") && strstr(l, "REQ_TRUNC") && strstr(l, "REQ_SIZE?") &&
			 strstr(l, want), "cap %zu: %s", cap, l);
		T_CHECKF(strstr(l, cap >= 4 ? "GET " : "- ") == l, "cap %zu: %s", cap, l);
		/* the path: whole once its end is seen, else flagged */
		T_CHECKF((cap >= 18) == (strstr(l, "GET /api/v1/items?") == l) &&
			 (cap >= 21) == (strstr(l, "?id=REDACTED ") != NULL) &&
			 ((cap > 4 && cap < 23) == (strstr(l, "VALUE_TRUNC") != NULL)),
			 "cap %zu: %s", cap, l);
		/* a header value is kept only when its line ended */
		T_CHECKF((cap >= (size_t)(host - req) + 19) == (strstr(l, "host=shop.example ") != NULL) &&
			 (cap < (size_t)(host - req) + 19) == (strstr(l, "host= ") != NULL),
			 "cap %zu: %s", cap, l);
		T_CHECKF((cap >= (size_t)(ua - req) + 30) ==
				 (strstr(l, "ua=Mozilla/5.0 (X11) ") != NULL), "cap %zu: %s", cap, l);
		T_CHECKF((cap >= (size_t)(tp - req) + 69) == (strstr(l, " tp=00-") != NULL),
			 "cap %zu: %s", cap, l);
		T_CHECKF(!strcmp(got.line[2], "GET /n 200 1/1 host= ua= req=19/0 resp=38/0 "
				 "cl=-1/0 t=5,5,6,6"), "cap %zu: %s", cap, got.line[2]);
	}
}

/* The first request of a connection cut by a gap: kept once its method
 * is known (less is not evidence of HTTP). */
static void first_head_cut(void)
{
	static struct xrec got;

	for (size_t cap = 0; cap < 10; cap++) {
		struct step st[] = {
			{ 'q', "GET /abcdef HTTP/1.1\r\n\r\n", cap, 100 },
			{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" },
		};

		script_run(st, N(st), HTTP1_SERVER, &no_opts, 0, SIZE_MAX, 0, &got);
		T_ASSERTF(got.n == 1, "cap %zu: %d", cap, got.n);
		T_CHECKF(cap < 4 ? strstr(got.line[0], "NO_REQUEST") != NULL
				 : strstr(got.line[0], "GET ") == got.line[0] &&
				   strstr(got.line[0], "REQ_TRUNC") != NULL,
			 "cap %zu: %s", cap, got.line[0]);
	}
}

/* A response head cut at every byte: the status once seen, flagged. */
static void response_head_every_cap(void)
{
	static const char resp[] = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\n"
				   "Set-Cookie: a=SECRET\r\nContent-Length: 4\r\n\r\nbusy";
	static struct xrec got;
	size_t len = strlen(resp);
	size_t cl_end = (size_t)(strstr(resp, "Content-Length") - resp) + 19;

	for (size_t cap = 0; cap < len - 4; cap++) {
		struct step st[] = {
			{ 'q', "GET /s HTTP/1.1\r\n\r\n" },
			{ 'r', resp, cap, len - cap },
			{ 'q', "GET /n HTTP/1.1\r\n\r\n" },
			{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" },
		};
		char want[256], what[32];

		snprintf(want, sizeof(want), "GET /s %d 1/%d host= ua= req=19/0 resp=%zu/0 "
			 "cl=-1/%d t=1,1,2,2 RESP_TRUNC RESP_SIZE?", cap >= 12 ? 503 : 0,
			 cap >= 8 ? 1 : -1, len, cap >= cl_end ? 4 : -1);
		snprintf(what, sizeof(what), "cap %zu", cap);
		X_EXPECT(&got, st, (int)(cap & 1), &no_opts, what, want,
			 "GET /n 200 1/1 host= ua= req=19/0 resp=38/0 cl=-1/0 t=3,3,4,4");
	}
}

/* Two pipelined requests in one syscall, only the first seen: the
 * second exists (it began in the gap) and the responses pair in order.
 * A syscall with nothing captured between messages is a request too;
 * one while the framing is lost is not evidence of anything. */
static void request_begins_in_gap(void)
{
	static struct xrec got;
	struct step st[] = {
		{ 'q', "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n", 19, 19 },
		{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" },
		{ 'r', "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n" },
		{ 'q', "GET /3 HTTP/1.1\r\n\r\n" },
		{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" },
		{ 'q', "", 0, 100 },	/* nothing captured at all */
		{ 'r', "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n" },
		{ 'q', "", 0, 100 },	/* lost: part of the last request? */
		{ 'r', "HTTP/1.1 203 OK\r\nContent-Length: 0\r\n\r\n" },
	};

	X_EXPECT(&got, st, HTTP1_SERVER, &no_opts, "in gap",
		 "GET /1 200 1/1 host= ua= req=19/0 resp=38/0 cl=-1/0 t=1,1,2,2",
		 "-  404 -1/1 host= ua= req=19/0 resp=45/0 cl=-1/0 t=1,1,3,3 REQ_TRUNC REQ_SIZE?",
		 "GET /3 200 1/1 host= ua= req=19/0 resp=38/0 cl=-1/0 t=4,4,5,5",
		 "-  202 -1/1 host= ua= req=100/0 resp=44/0 cl=-1/0 t=6,6,7,7 REQ_TRUNC REQ_SIZE?",
		 "-  203 -1/1 host= ua= req=0/0 resp=38/0 cl=-1/0 t=9,0,9,9 NO_REQUEST");
}

/* 2 MB each way, 64 KB syscalls of which 512 bytes are seen. */
static void two_megabytes(void)
{
	static struct xrec got;
	static struct step st[80];
	static char head_q[256], head_r[256], chunk_line[64];
	const char *blk = build_body('z');
	size_t n = 0, total = 2u << 20, blk_len = 65536;
	int hq = snprintf(head_q, sizeof(head_q), "PUT /blob HTTP/1.1\r\nContent-Length: %zu\r\n\r\n", total);
	int hr = snprintf(head_r, sizeof(head_r), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
	int cl = snprintf(chunk_line, sizeof(chunk_line), "%zx\r\n", blk_len - 8);

	memset(chunk_line + cl, 'y', sizeof(chunk_line) - (size_t)cl);
	/* request: the head with the first bytes, then 32 blocks */
	st[n++] = (struct step){ 'q', head_q, (size_t)hq };
	for (size_t off = 0; off < total; off += blk_len)
		st[n++] = (struct step){ 'q', blk, 512, blk_len - 512 };
	/* response: chunks of 64 KB - 8 each in its own syscall with its
	 * CRLF, the last chunk and the end in a syscall of their own */
	st[n++] = (struct step){ 'r', head_r, (size_t)hr };
	for (int i = 0; i < 32; i++)
		st[n++] = (struct step){ 'r', chunk_line, sizeof(chunk_line),
					 (uint64_t)cl + (blk_len - 8) + 2 - sizeof(chunk_line) };
	st[n++] = (struct step){ 'r', "0\r\n\r\n" };
	script_run(st, n, HTTP1_SERVER, &no_opts, 0, SIZE_MAX, 0, &got);
	char want[256];
	uint64_t rbody = 32 * ((uint64_t)cl + (blk_len - 8) + 2) + 5;

	snprintf(want, sizeof(want), "PUT /blob 200 1/1 host= ua= req=%zu/%zu resp=%" PRIu64
		 "/%" PRIu64 " cl=%zu/-1 t=1,33,34,67", (size_t)hq + total, total,
		 (uint64_t)hr + rbody, rbody, total);
	x_expect(&got, "2 MB", (const char *const[]){ want, NULL });
}

/* Framing lost inside a response (a chunk-size line in a gap): the
 * exchange ends at the response's last byte seen, by whichever comes
 * first: a new response, the quiet time, the close. */
static void lost_response_endings(void)
{
	static struct xrec got;
	struct http1_opts quiet = { .quiet_ns = 100 };
	const char *head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\nab";
	struct step pipelined[] = {
		{ 'q', "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n" },
		{ 'r', head, 0, 4096 },	/* the response's start lost */
		{ 'r', "xyz", 3, 9000 },
		{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" },
	};
	struct step by_tick[] = {
		{ 'q', "GET /1 HTTP/1.1\r\n\r\n" },
		{ 'r', head, strlen(head), 5000 },
		{ 'r', "more", 4, 0 },
		{ 't', .ts = 50 },	/* not quiet long enough */
		{ 't', .ts = 103 },
		{ 'r', "late body bytes" },
	};
	struct step by_close[] = {
		{ 'q', "GET /1 HTTP/1.1\r\n\r\n" },
		{ 'r', head, strlen(head), 5000 },
		{ 'c', .ts = 9 },
	};

	/* the lost bytes may hold both responses: the one at 4 answers
	 * /2 or nothing, so /2 is reported without one, at the loss */
	X_EXPECT(&got, pipelined, HTTP1_SERVER, &no_opts, "pipelined",
		 "GET /2 0 1/-1 host= ua= req=19/0 resp=0/0 cl=-1/-1 t=1,1,0,2 NO_RESPONSE",
		 "GET /1 0 1/-1 host= ua= req=19/0 resp=13099/0 cl=-1/-1 t=1,1,2,3 RESP_TRUNC RESP_SIZE?");
	X_EXPECT(&got, by_tick, HTTP1_CLIENT, &quiet, "by tick",
		 "GET /1 200 1/1 host= ua= req=19/0 resp=5059/5012 cl=-1/-1 t=1,1,2,3 RESP_SIZE?");
	X_EXPECT(&got, by_close, HTTP1_CLIENT, &no_opts, "by close",
		 "GET /1 200 1/1 host= ua= req=19/0 resp=5055/5008 cl=-1/-1 t=1,1,2,2 RESP_SIZE?");
}

/* A request that never gets a response: reported after max_wait by a
 * tick; a response coming later is not reported again. */
static void request_ages_out(void)
{
	static struct xrec got;
	struct http1_stats stats = { 0 };
	struct http1_opts o = { .max_wait_ns = 1000, .stats = &stats };
	struct step st[] = {
		{ 'q', "GET /lp HTTP/1.1\r\n\r\n", 0, 0, 10 },
		{ 't', .ts = 500 },
		{ 't', .ts = 1010 },
		{ 't', .ts = 2000 },
		{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, 0, 3000 },
		{ 'q', "GET /n HTTP/1.1\r\n\r\n", 0, 0, 3001 },
		{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, 0, 3002 },
	};

	X_EXPECT(&got, st, HTTP1_SERVER, &o, "ages out",
		 "GET /lp 0 1/-1 host= ua= req=20/0 resp=0/0 cl=-1/-1 t=10,10,0,1010 NO_RESPONSE",
		 "GET /n 200 1/1 host= ua= req=19/0 resp=38/0 cl=-1/0 t=3001,3001,3002,3002");
	T_EQ_INT(stats.late, 1);
	T_EQ_INT(stats.no_response, 1);
}

/* A client pipelines four requests and one read returns all four
 * responses, captured only into the third's head: the fourth's response
 * may be in the bytes not seen, or still to come, so no later response
 * can be paired. The cut response answers the first request waiting
 * (ends at its last byte seen), the fourth request is reported without a
 * response, and so is every request until the connection has been quiet
 * between messages; the responses meanwhile are counted, not paired.
 * Before this rule, the fifth request was paired with the fourth's
 * place in line: every later span one response off. */
static void pipelined_response_cut(void)
{
	static char reqs[256], resps[256];
	static struct xrec got;
	static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
	struct http1_stats stats = { 0 };
	struct http1_opts o = { .quiet_ns = 1000, .stats = &stats };
	size_t rl = strlen(rsp);

	snprintf(reqs, sizeof(reqs), "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n"
		 "GET /3 HTTP/1.1\r\n\r\nGET /4 HTTP/1.1\r\n\r\n");
	snprintf(resps, sizeof(resps), "%s%s%s%s", rsp, rsp, rsp, rsp);
	struct step st[] = {
		{ 'q', reqs, 0, 0, 1 },
		{ 'r', resps, 2 * rl + 10, 2 * rl - 10, 2 },
		{ 'q', "GET /5 HTTP/1.1\r\n\r\n", 0, 0, 3 },
		{ 'r', rsp, 0, 0, 4 },
		{ 't', .ts = 500 },
		{ 'q', "GET /6 HTTP/1.1\r\n\r\n", 0, 0, 600 },
		{ 'r', rsp, 0, 0, 700 },
		{ 't', .ts = 2000 },
		{ 'q', "GET /7 HTTP/1.1\r\n\r\n", 0, 0, 2001 },
		{ 'r', rsp, 0, 0, 2002 },
		{ 'c', .ts = 2003 },
	};

	X_EXPECT(&got, st, HTTP1_CLIENT, &o, "pipelined response cut",
		 "GET /1 200 1/1 host= ua= req=19/0 resp=40/2 cl=-1/2 t=1,1,2,2",
		 "GET /2 200 1/1 host= ua= req=19/0 resp=40/2 cl=-1/2 t=1,1,2,2",
		 "GET /4 0 1/-1 host= ua= req=19/0 resp=0/0 cl=-1/-1 t=1,1,0,2 NO_RESPONSE",
		 "GET /3 0 1/1 host= ua= req=19/0 resp=80/0 cl=-1/-1 t=1,1,2,2 RESP_TRUNC RESP_SIZE?",
		 "GET /5 0 1/-1 host= ua= req=19/0 resp=0/0 cl=-1/-1 t=3,3,0,3 NO_RESPONSE",
		 "GET /6 0 1/-1 host= ua= req=19/0 resp=0/0 cl=-1/-1 t=600,600,0,600 NO_RESPONSE",
		 "GET /7 200 1/1 host= ua= req=19/0 resp=40/2 cl=-1/2 t=2001,2001,2002,2002");
	T_EQ_INT(stats.unpaired, 2);
	T_EQ_INT(stats.no_response, 3);
	/* the response side at 4, the pairing after the quiet */
	T_EQ_INT(stats.resyncs, 2);
}

int main(void)
{
	T_RUN(cl_body_every_cap);
	T_RUN(cl_body_many_syscalls);
	T_RUN(chunked_every_cap);
	T_RUN(chunked_end_unseen);
	T_RUN(head_every_cap);
	T_RUN(first_head_cut);
	T_RUN(response_head_every_cap);
	T_RUN(request_begins_in_gap);
	T_RUN(two_megabytes);
	T_RUN(lost_response_endings);
	T_RUN(request_ages_out);
	T_RUN(pipelined_response_cut);
	return t_done();
}
