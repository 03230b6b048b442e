/* The bounded connection table: exchanges carry their connection's id;
 * connections found not to be HTTP keep only a record; a full table
 * closes its least recently fed connection (reporting what waited);
 * idle connections and the table's end report too. The index is checked
 * against a model under a long random run of feeds and closes. */
#include "t.h"
#include "t_fmt.h"
#include "http1_t.h"

struct seen {
	int n;
	uint64_t id[64];
	uint32_t flags[64];
	char path[64][32];
};

static void on_x(void *arg, const struct http1_exchange *x)
{
	struct seen *s = arg;

	if (s->n < 64) {
		s->id[s->n] = x->conn_id;
		s->flags[s->n] = x->flags;
		snprintf(s->path[s->n], sizeof(s->path[0]), "%s", x->path);
	}
	s->n++;
}

#define REQ "GET /x HTTP/1.1\r\n\r\n"
#define RESP "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"

static int feed(struct http1_table *t, uint64_t id, int role, int resp, uint64_t ts,
		const char *s)
{
	enum http1_dir d = (resp == (role == HTTP1_SERVER)) ? HTTP1_SEND : HTTP1_RECV;

	return http1_table_feed(t, id, (enum http1_role)role, d, ts, s, strlen(s), strlen(s));
}

static void table_basics(void)
{
	struct seen sn = { 0 };
	struct http1_stats st = { 0 };
	struct http1_opts o = { .on_exchange = on_x, .arg = &sn, .stats = &st };
	struct http1_table *t = NULL;
	size_t all, parsing;

	T_ASSERT(http1_table_new(&t, &o) == 0);
	/* two connections interleaved, one of each role */
	T_EQ_INT(feed(t, 10, HTTP1_SERVER, 0, 1, "GET /ten HTTP/1.1\r\n\r\n"), HTTP1_MORE);
	T_EQ_INT(feed(t, 20, HTTP1_CLIENT, 0, 2, "GET /twenty HTTP/1.1\r\n\r\n"), HTTP1_MORE);
	T_EQ_INT(feed(t, 20, HTTP1_CLIENT, 1, 3, RESP), HTTP1_MORE);
	T_EQ_INT(feed(t, 10, HTTP1_SERVER, 1, 4, RESP), HTTP1_MORE);
	T_ASSERT(sn.n == 2);
	T_CHECK(sn.id[0] == 20 && !strcmp(sn.path[0], "/twenty"));
	T_CHECK(sn.id[1] == 10 && !strcmp(sn.path[1], "/ten"));
	/* a TLS connection: given up, a record kept */
	for (int i = 0; i < HTTP1_PROBE_MISSES; i++)
		feed(t, 30, HTTP1_SERVER, i & 1, 5, "\x16\x03\x01\x00\x10");
	T_EQ_INT(feed(t, 30, HTTP1_SERVER, 0, 6, REQ), HTTP1_DONE);
	http1_table_count(t, &all, &parsing);
	T_EQ_INT(all, 3);
	T_EQ_INT(parsing, 2);
	T_EQ_INT(st.not_http, 1);
	/* close: what waits is reported, the record goes */
	feed(t, 10, HTTP1_SERVER, 0, 7, REQ);
	http1_table_close(t, 10, 8);
	T_ASSERT(sn.n == 3);
	T_CHECK(sn.id[2] == 10 && (sn.flags[2] & HTTP1_X_NO_RESPONSE));
	http1_table_close(t, 30, 8);
	http1_table_close(t, 999, 8);	/* unknown: nothing */
	http1_table_count(t, &all, &parsing);
	T_EQ_INT(all, 1);
	T_EQ_INT(parsing, 1);
	/* a closed id that comes back is a new connection */
	T_EQ_INT(feed(t, 10, HTTP1_SERVER, 0, 9, REQ), HTTP1_MORE);
	T_EQ_INT(feed(t, 10, HTTP1_SERVER, 1, 10, RESP), HTTP1_MORE);
	T_ASSERT(sn.n == 4);
	/* the end: waiting requests reported */
	feed(t, 20, HTTP1_CLIENT, 0, 11, REQ);
	http1_table_free(t, 12);
	T_ASSERT(sn.n == 5);
	T_CHECK(sn.id[4] == 20 && (sn.flags[4] & HTTP1_X_NO_RESPONSE));
	T_EQ_INT(st.exchanges, 5);
}

static void table_eviction_and_idle(void)
{
	struct seen sn = { 0 };
	struct http1_stats st = { 0 };
	struct http1_opts o = { .on_exchange = on_x, .arg = &sn, .stats = &st,
				.max_conns = 4, .idle_ns = 100, .max_wait_ns = 1000000 };
	struct http1_table *t = NULL;
	size_t all;

	T_ASSERT(http1_table_new(&t, &o) == 0);
	for (uint64_t id = 1; id <= 4; id++)
		feed(t, id, HTTP1_SERVER, 0, id, REQ);
	feed(t, 1, HTTP1_SERVER, 0, 5, "");	/* nothing: not a feed */
	feed(t, 1, HTTP1_SERVER, 1, 6, RESP);	/* 1 is now the most recent */
	T_ASSERT(sn.n == 1);
	feed(t, 5, HTTP1_SERVER, 0, 7, REQ);	/* evicts 2 */
	T_ASSERT(sn.n == 2);
	T_CHECK(sn.id[1] == 2 && (sn.flags[1] & HTTP1_X_NO_RESPONSE));
	T_EQ_INT(st.evicted, 1);
	http1_table_count(t, &all, NULL);
	T_EQ_INT(all, 4);
	/* idle: 3 and 4 (last fed at 3, 4) go at 105; 1 and 5 stay */
	http1_table_tick(t, 105);
	T_ASSERT(sn.n == 4);
	T_CHECK(sn.id[2] == 3 && sn.id[3] == 4);
	http1_table_count(t, &all, NULL);
	T_EQ_INT(all, 2);
	http1_table_tick(t, 1000);
	http1_table_count(t, &all, NULL);
	T_EQ_INT(all, 0);
	T_EQ_INT(sn.n, 5);	/* 5's request */
	http1_table_free(t, 2000);
}

/* Random feeds and closes over 300 ids in a table of 64: the table
 * holds exactly what an LRU model holds, every exchange comes from the
 * connection it was fed on, and the one evicted is the least recent. */
static void table_random_model(void)
{
	struct seen sn = { 0 };
	struct http1_opts o = { .on_exchange = on_x, .arg = &sn, .max_conns = 64 };
	struct http1_table *t = NULL;
	uint64_t lru[64];
	int nlru = 0;
	unsigned seed = 12345;

	T_ASSERT(http1_table_new(&t, &o) == 0);
	for (int op = 0; op < 100000; op++) {
		seed = seed * 1103515245u + 12345u;
		uint64_t id = (seed >> 8) % 300 * 0x100000001ull;	/* clustered hashes */
		int pos = -1;

		for (int i = 0; i < nlru; i++)
			if (lru[i] == id)
				pos = i;
		if ((seed >> 20) % 5 == 0) {
			http1_table_close(t, id, (uint64_t)op);
			if (pos >= 0) {
				memmove(lru + pos, lru + pos + 1, (size_t)(nlru - pos - 1) * sizeof(lru[0]));
				nlru--;
			}
		} else {
			/* each connection keeps one request waiting, so an
			 * eviction shows as that request reported */
			sn.n = 0;
			T_ASSERT(feed(t, id, HTTP1_CLIENT, 0, (uint64_t)op, REQ) == HTTP1_MORE);
			T_ASSERT(feed(t, id, HTTP1_CLIENT, 1, (uint64_t)op, RESP) == HTTP1_MORE);
			T_ASSERT(feed(t, id, HTTP1_CLIENT, 0, (uint64_t)op, REQ) == HTTP1_MORE);
			/* one exchange for this id, plus an eviction's if any */
			T_ASSERTF(sn.n >= 1 && sn.id[sn.n - 1] == id, "op %d id %" PRIu64, op, id);
			if (pos >= 0) {
				memmove(lru + pos, lru + pos + 1, (size_t)(nlru - pos - 1) * sizeof(lru[0]));
				nlru--;
			} else if (nlru == 64) {
				/* its waiting requests, then this one's exchange */
				T_ASSERTF(sn.n >= 2 && sn.id[0] == lru[0] && sn.id[sn.n - 2] == lru[0],
					  "op %d (%d): evicted %" PRIu64 " not %" PRIu64, op, sn.n,
					  sn.id[0], lru[0]);
				memmove(lru, lru + 1, 63 * sizeof(lru[0]));
				nlru--;
			}
			lru[nlru++] = id;
		}
		size_t all;

		http1_table_count(t, &all, NULL);
		T_ASSERTF(all == (size_t)nlru, "op %d: %zu vs %d", op, all, nlru);
	}
	http1_table_free(t, 0);
}

int main(void)
{
	T_RUN(table_basics);
	T_RUN(table_eviction_and_idle);
	T_RUN(table_random_model);
	return t_done();
}
