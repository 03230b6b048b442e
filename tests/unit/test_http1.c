/* The HTTP/1 connection parser on whole conversations with exact
 * expected exchanges (tests/unit/http1_fixtures.h): keep-alive,
 * pipelining, chunked bodies and trailers, 100-continue and 103, HEAD,
 * 204/304, HTTP/1.0 read-until-close, CONNECT and Upgrade, unknown
 * methods, trace context, absolute-form, LF-only lines and obs-fold, a
 * close with requests waiting, a response without request, a full
 * pipeline queue. Each must give the same exchanges as a server and as a
 * client, fed whole, split in two at every byte of every syscall, and
 * fed in pieces of 1 to 16 bytes. */
#include "t.h"
#include "t_fmt.h"
#include "http1_t.h"
#include "http1_fixtures.h"

static const struct http1_opts no_opts;

static void check_want(const struct fixture *f, const struct xrec *r, int role)
{
	int n = 0;

	while (f->want[n])
		n++;
	T_CHECKF(r->n == n, "%s (role %d): %d exchanges, want %d; first: %.300s",
		 f->name, role, r->n, n, r->n ? r->line[0] : "none");
	for (int i = 0; i < n && i < r->n; i++)
		T_CHECKF(!strcmp(r->line[i], f->want[i]),
			 "%s (role %d) exchange %d:\n   got  '%s'\n   want '%s'",
			 f->name, role, i, r->line[i], f->want[i]);
	T_CHECKF(r->state == (f->done ? HTTP1_DONE : HTTP1_MORE),
		 "%s: state %d", f->name, r->state);
}

static void fixtures_whole(void)
{
	struct xrec r;

	for (size_t f = 0; f < N(fixtures); f++) {
		for (int role = 0; role < 2; role++) {
			script_run(fixtures[f].steps, fixtures[f].n, role, &no_opts,
				   0, SIZE_MAX, 0, &r);
			check_want(&fixtures[f], &r, role);
		}
	}
}

/* Every step split in two at every byte: the same exchanges. */
static void fixtures_split_every_byte(void)
{
	static struct xrec whole, split;
	char why[1000];
	long runs = 0;

	for (size_t f = 0; f < N(fixtures); f++) {
		const struct fixture *fx = &fixtures[f];

		script_run(fx->steps, fx->n, HTTP1_SERVER, &no_opts, 0, SIZE_MAX, 0, &whole);
		for (size_t s = 0; s < fx->n; s++) {
			size_t len = step_len(&fx->steps[s]);

			for (size_t at = 1; at < len; at++, runs++) {
				script_run(fx->steps, fx->n, runs & 1, &no_opts, 0, s,
					   at, &split);
				T_ASSERTF(xrec_same(&whole, &split, why, sizeof(why)),
					  "%s split step %zu at %zu: %s", fx->name, s, at, why);
			}
		}
	}
	T_CHECK(runs > 2000);
}

static void fixtures_pieces(void)
{
	static struct xrec whole, split;
	char why[1000];

	for (size_t f = 0; f < N(fixtures); f++) {
		const struct fixture *fx = &fixtures[f];

		script_run(fx->steps, fx->n, HTTP1_CLIENT, &no_opts, 0, SIZE_MAX, 0, &whole);
		for (size_t piece = 1; piece <= 16; piece++) {
			script_run(fx->steps, fx->n, (int)(piece & 1), &no_opts, piece,
				   SIZE_MAX, 0, &split);
			T_ASSERTF(xrec_same(&whole, &split, why, sizeof(why)),
				  "%s in pieces of %zu: %s", fx->name, piece, why);
		}
	}
}

/* Query values are kept only when asked for. */
static void raw_query(void)
{
	static const struct step st[] = {
		{ 'q', "GET /s?q=caf\xc3\xa9&page=2&flag HTTP/1.1\r\n\r\n" },
		{ 'r', "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" },
	};
	struct http1_opts o = { .raw_query = 1 };
	struct xrec r;

	script_run(st, N(st), HTTP1_SERVER, &o, 0, SIZE_MAX, 0, &r);
	T_ASSERT(r.n == 1);
	T_CHECKF(strstr(r.line[0], "GET /s?q=caf%C3%A9&page=2&flag 200") == r.line[0],
		 "%s", r.line[0]);
	script_run(st, N(st), HTTP1_SERVER, &no_opts, 0, SIZE_MAX, 0, &r);
	T_ASSERT(r.n == 1);
	T_CHECKF(strstr(r.line[0], "GET /s?q=REDACTED&page=REDACTED&flag 200") == r.line[0],
		 "%s", r.line[0]);
}

/* Two connections' worth of stats add up in the caller's counters. */
static void stats_count(void)
{
	struct http1_stats st = { 0 };
	struct http1_opts o = { .stats = &st };
	struct xrec r;

	script_run(f_keepalive, N(f_keepalive), HTTP1_SERVER, &o, 0, SIZE_MAX, 0, &r);
	script_run(f_noreq, N(f_noreq), HTTP1_CLIENT, &o, 0, SIZE_MAX, 0, &r);
	script_run(f_close_pending, N(f_close_pending), HTTP1_CLIENT, &o, 0, SIZE_MAX, 0, &r);
	T_EQ_INT(st.exchanges, 3 + 2 + 2);
	T_EQ_INT(st.no_request, 1);
	T_EQ_INT(st.no_response, 1);
	T_EQ_INT(st.sync_lost, 0);
	T_EQ_INT(st.not_http, 0);
}

int main(void)
{
	T_RUN(fixtures_whole);
	T_RUN(fixtures_split_every_byte);
	T_RUN(fixtures_pieces);
	T_RUN(raw_query);
	T_RUN(stats_count);
	return t_done();
}
