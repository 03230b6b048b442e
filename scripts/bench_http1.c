/* rawtel's side of scripts/bench-http1: the HTTP/1 parser's cost, to
 * budget the CPU of HTTP tracing. Each case feeds one connection's
 * syscalls in a loop for a fixed time and reports captured MB/s (bytes
 * the parser looked at), exchanges/s and ns per exchange:
 *   small      a typical API call, request and response each one fully
 *              captured syscall (384 + 291 bytes)
 *   split      the same in 16-byte syscalls (worst case for per-call cost)
 *   pipelined  4 requests in one syscall, their 4 responses in another
 *   chunked    a chunked response in 6 chunks, one syscall
 *   big_gap    a 1 MB response seen 512 bytes a syscall of 64 KB
 *   table      the small exchange over 1000 connections by id
 *   not_http   syscalls of a TLS connection once given up (table)
 *   route      http1_route() on a path with ids (per call)
 * Prints lines "case=NAME mb_per_s=X exchanges_per_s=Y ns_per_exchange=Z". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rawtel/http1.h"
#include "bench_req.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t exchanges, unclean;

/* Every exchange must be whole: the benchmark's data is valid. */
static void on_x(void *arg, const struct http1_exchange *x)
{
	(void)arg;
	exchanges++;
	unclean += x->status != 200 || x->flags != 0;
}

static const char req[] =
	BENCH_REQ_HEAD
	"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.abc\r\n"
	"traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"
	"Connection: keep-alive\r\n\r\n";
static const char body[] =
	"{\"orders\":[{\"id\":1,\"total\":12.5},{\"id\":2,\"total\":7.25},{\"id\":3,"
	"\"total\":99.0}],\"page\":2,\"more\":false,\"x\":\"padpadpadpad\"}";
static char resp[512];

struct bench {
	const char *name;
	double secs;
	uint64_t bytes, n0;
	double t0;
};

static void start(struct bench *b, const char *name, double secs)
{
	b->name = name;
	b->secs = secs;
	b->bytes = 0;
	b->n0 = exchanges;
	b->t0 = now_s();
}

static int more(struct bench *b)
{
	return now_s() - b->t0 < b->secs;
}

static void report(struct bench *b)
{
	double dt = now_s() - b->t0;
	double n = (double)(exchanges - b->n0);

	printf("case=%s mb_per_s=%.1f exchanges_per_s=%.0f ns_per_exchange=%.0f\n", b->name,
	       (double)b->bytes / dt / 1e6, n / dt, n ? dt * 1e9 / n : 0.0);
}

/* One syscall's bytes in pieces of at most `piece` (0: whole). */
static void feed(struct http1_conn *c, enum http1_dir d, uint64_t ts, const char *s,
		 size_t n, size_t piece, uint64_t *bytes)
{
	if (!piece)
		piece = n;
	for (size_t off = 0; off < n; off += piece) {
		size_t k = n - off < piece ? n - off : piece;

		http1_conn_feed(c, d, ts, s + off, k, k);
	}
	*bytes += n;
}

/* What every case shares: the connection, the options, the clock of the
 * fed syscalls, how long each case runs and the two messages' lengths */
static struct http1_conn c;
static struct http1_opts o = { .on_exchange = on_x };
static uint64_t ts;
static double secs;
static size_t lq, lr;

/* One request and one response per round, whole and in 16-byte pieces */
static void bench_whole_and_split(void)
{
	struct bench b;

	for (size_t piece = 0; piece <= 16; piece += 16) {
		http1_conn_init(&c, 1, HTTP1_SERVER, &o);
		start(&b, piece ? "split" : "small", secs);
		while (more(&b)) {
			for (int i = 0; i < 1000; i++) {
				feed(&c, HTTP1_RECV, ++ts, req, lq, piece, &b.bytes);
				feed(&c, HTTP1_SEND, ++ts, resp, lr, piece, &b.bytes);
			}
		}
		report(&b);
	}
}

static void bench_pipelined(void)
{
	static char pipe_q[4096], pipe_r[4096];
	struct bench b;

	for (int i = 0; i < 4; i++) {
		memcpy(pipe_q + i * lq, req, lq);
		memcpy(pipe_r + i * lr, resp, lr);
	}
	http1_conn_init(&c, 1, HTTP1_SERVER, &o);
	start(&b, "pipelined", secs);
	while (more(&b))
		for (int i = 0; i < 250; i++) {
			feed(&c, HTTP1_RECV, ++ts, pipe_q, 4 * lq, 0, &b.bytes);
			feed(&c, HTTP1_SEND, ++ts, pipe_r, 4 * lr, 0, &b.bytes);
		}
	report(&b);
}

static void bench_chunked(void)
{
	static char chunked[8192];
	struct bench b;
	size_t lc = (size_t)snprintf(chunked, sizeof(chunked),
				     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
				     "Content-Type: text/html\r\n\r\n");

	for (int i = 0; i < 6; i++) {
		lc += (size_t)snprintf(chunked + lc, sizeof(chunked) - lc, "%x\r\n", 200 + i);
		memset(chunked + lc, 'c', (size_t)(200 + i));
		lc += (size_t)(200 + i);
		lc += (size_t)snprintf(chunked + lc, sizeof(chunked) - lc, "\r\n");
	}
	lc += (size_t)snprintf(chunked + lc, sizeof(chunked) - lc, "0\r\n\r\n");
	http1_conn_init(&c, 1, HTTP1_CLIENT, &o);
	start(&b, "chunked", secs);
	while (more(&b))
		for (int i = 0; i < 1000; i++) {
			feed(&c, HTTP1_SEND, ++ts, req, lq, 0, &b.bytes);
			feed(&c, HTTP1_RECV, ++ts, chunked, lc, 0, &b.bytes);
		}
	report(&b);
}

/* 1 MB bodies: 16 syscalls of 64 KB, 512 bytes of each seen */
static void bench_big_gap(void)
{
	static char big_head[256], block[512];
	struct bench b;
	size_t lh = (size_t)snprintf(big_head, sizeof(big_head),
				     "HTTP/1.1 200 OK\r\nContent-Length: %u\r\n\r\n", 1u << 20);

	memset(block, 'z', sizeof(block));
	http1_conn_init(&c, 1, HTTP1_CLIENT, &o);
	start(&b, "big_gap", secs);
	while (more(&b))
		for (int i = 0; i < 100; i++) {
			feed(&c, HTTP1_SEND, ++ts, req, lq, 0, &b.bytes);
			http1_conn_feed(&c, HTTP1_RECV, ++ts, big_head, lh, lh);
			b.bytes += lh;
			for (int k = 0; k < 16; k++) {
				http1_conn_feed(&c, HTTP1_RECV, ts, block, 512, 65536);
				b.bytes += 512;
			}
		}
	report(&b);
}

/* Many connections through the table, then the cost of each later
 * syscall of a given-up connection */
static int bench_table(void)
{
	struct http1_table *t;
	struct http1_opts to = { .on_exchange = on_x, .max_conns = 2048 };
	struct bench b;

	if (http1_table_new(&t, &to))
		return 1;
	start(&b, "table", secs);
	while (more(&b))
		for (uint64_t id = 0; id < 1000; id++) {
			http1_table_feed(t, id * 7919, HTTP1_SERVER, HTTP1_RECV, ++ts, req, lq, lq);
			http1_table_feed(t, id * 7919, HTTP1_SERVER, HTTP1_SEND, ++ts, resp, lr, lr);
			b.bytes += lq + lr;
		}
	report(&b);
	for (int i = 0; i < HTTP1_PROBE_MISSES; i++)
		http1_table_feed(t, 1ull << 40, HTTP1_SERVER, HTTP1_RECV, ++ts, "\x16\x03\x01", 3, 600);
	double t0 = now_s();
	uint64_t calls = 0;

	while (now_s() - t0 < secs)
		for (int i = 0; i < 10000; i++, calls++)
			http1_table_feed(t, 1ull << 40, HTTP1_SERVER, HTTP1_RECV, ++ts,
					 "\x17\x03\x03\x00\x20", 5, 1400);
	printf("case=not_http ns_per_syscall=%.1f\n", (now_s() - t0) * 1e9 / (double)calls);
	http1_table_free(t, ts);
	return 0;
}

static int bench_route(void)
{
	struct http1_routes *r;
	char out[HTTP1_ROUTE_MAX];
	double t0;
	uint64_t calls = 0;

	if (http1_routes_new(&r, 0))
		return 1;
	http1_routes_add(r, "/static/*");
	t0 = now_s();
	while (now_s() - t0 < secs)
		for (int i = 0; i < 10000; i++, calls++)
			http1_route(r, "/api/v2/users/12345/orders/550e8400-e29b-41d4-a716-446655440000",
				    62, out, sizeof(out));
	printf("case=route ns_per_call=%.1f route=%s\n", (now_s() - t0) * 1e9 / (double)calls, out);
	http1_routes_free(r);
	return 0;
}

int main(int argc, char **argv)
{
	secs = argc > 1 ? atof(argv[1]) : 1.0;
	lq = strlen(req);
	lr = (size_t)snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK\r\n"
			      "Content-Type: application/json; charset=utf-8\r\n"
			      "Content-Length: %zu\r\n"
			      "Date: Mon, 01 Jan 2024 00:00:00 GMT\r\n"
			      "Server: nginx/1.24.0\r\n"
			      "Cache-Control: no-store\r\n\r\n%s", strlen(body), body);
	bench_whole_and_split();
	bench_pipelined();
	bench_chunked();
	bench_big_gap();
	if (bench_table() || bench_route())
		return 1;
	printf("sizeof(struct http1_conn)=%zu\n", sizeof(struct http1_conn));
	if (unclean) {
		fprintf(stderr, "bench_http1: %llu exchanges not parsed whole\n",
			(unsigned long long)unclean);
		return 1;
	}
	return 0;
}
