/* The HTTP/2 parser (user/proto/h2_*.c) on conversations recorded from
 * real peers through tests/fixtures/h2/relay.py (nghttp and curl against
 * nghttpd, a python3-grpcio client and server, curl's h2c Upgrade;
 * commands in
 * tests/fixtures/h2/record.sh): the exact exchanges, from both sides,
 * fed whole, a byte per syscall, with every capture size (gaps) and
 * joined late at every record, where what is reported must agree with the
 * whole run or be missing, never differ. */
#include "t.h"
#include "t_fmt.h"
#include "test_h2_t.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define TP "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
#define UA_GRPC "grpc-python/1.51.1 grpc-c/29.0.0 (linux; chttp2)"
#define GRPC(sid, m) #sid " POST http 127.0.0.1:18454 /rawtel.test.Demo/" m
#define OK_GRPC " 200 ct=application/grpc grpc=0/ ua=" UA_GRPC " tp=0 ts= f=0x200 err=0 unk=0 "
/* The first three calls of both gRPC recordings; Fail: a trailers-only
 * error */
#define GRPC_FIRST3 \
	GRPC(1, "Echo") OK_GRPC "req=9/1 resp=9/1", \
	GRPC(3, "Count") OK_GRPC "req=6/1 resp=30/3", \
	GRPC(5, "Fail") " 200 ct=application/grpc grpc=5/no such thing ua=" UA_GRPC \
	" tp=0 ts= f=0x220 err=0 unk=0 req=6/1 resp=0/0"

struct fixture {
	const char *file;
	int n;
	const char *want[6];
};

static const struct fixture fixtures[] = {
	{ "tests/fixtures/h2/nghttp_get.txt", 3, {
		"13 GET http 127.0.0.1:18444 /index.html 200 ct=text/html grpc=-1/ "
		"ua=rawtel-fixture tp=1 ts= f=0 err=0 unk=0 req=0/0 resp=9/0",
		"17 GET http 127.0.0.1:18444 /missing 404 ct=text/html; charset=UTF-8 grpc=-1/ "
		"ua=rawtel-fixture tp=1 ts= f=0 err=0 unk=0 req=0/0 resp=148/0",
		"15 GET http 127.0.0.1:18444 /big.txt 200 ct=text/plain grpc=-1/ "
		"ua=rawtel-fixture tp=1 ts= f=0 err=0 unk=0 req=0/0 resp=40000/0",
	} },
	{ "tests/fixtures/h2/curl_get.txt", 2, {
		"1 GET http 127.0.0.1:18444 /index.html 200 ct=text/html grpc=-1/ "
		"ua=curl/7.88.1 tp=0 ts= f=0 err=0 unk=0 req=0/0 resp=9/0",
		"1 POST http 127.0.0.1:18444 /index.html 200 ct=text/html grpc=-1/ "
		"ua=curl/7.88.1 tp=0 ts= f=0 err=0 unk=0 req=3/0 resp=9/0",
	} },
	{ "tests/fixtures/h2/grpc_calls.txt", 4, {
		GRPC_FIRST3,
		/* the deadline: the client's RST_STREAM (CANCEL) before any
		 * response */
		GRPC(7, "Slow") " 0 ct=application/grpc grpc=-1/ ua=" UA_GRPC
		" tp=0 ts= f=0x20a err=8 unk=0 req=6/1 resp=0/0",
	} },
	/* the same calls, the server's DEADLINE_EXCEEDED first this time */
	{ "tests/fixtures/h2/grpc_deadline.txt", 4, {
		GRPC_FIRST3,
		GRPC(7, "Slow") " 200 ct=application/grpc grpc=4/Deadline Exceeded ua=" UA_GRPC
		" tp=0 ts= f=0x220 err=0 unk=0 req=6/1 resp=0/0",
	} },
};

static struct conv convs[N(fixtures)];
static int loaded;

static void load(void)
{
	if (loaded)
		return;
	for (size_t i = 0; i < N(fixtures); i++)
		if (conv_load(&convs[i], fixtures[i].file))
			T_ASSERTF(0, "cannot read %s (run from the top)", fixtures[i].file);
	loaded = 1;
}

static void check_exact(const struct xlines *l, const struct fixture *f, const char *how)
{
	T_ASSERTF(l->n == f->n, "%s %s: %d exchanges", f->file, how, l->n);
	for (int i = 0; i < f->n; i++)
		T_CHECKF(!strcmp(l->line[i], f->want[i]), "%s %s #%d: %s", f->file, how, i,
			 l->line[i]);
	T_CHECKF(!l->st.sync_lost && !l->st.undecoded, "%s %s", f->file, how);
}

static void recorded_exact(void)
{
	static struct xlines l;

	load();
	for (size_t i = 0; i < N(fixtures); i++)
		for (int role = 0; role < 2; role++) {
			conv_run(&convs[i], role, SIZE_MAX, 0, 0, &l);
			check_exact(&l, &fixtures[i], role ? "client" : "server");
		}
}

static void recorded_bytewise(void)
{
	static struct xlines l;

	load();
	for (size_t i = 0; i < N(fixtures); i++)
		for (int role = 0; role < 2; role++) {
			conv_run(&convs[i], role, SIZE_MAX, 1, 0, &l);
			check_exact(&l, &fixtures[i], "bytewise");
		}
}

static struct xlines whole[N(fixtures)];

static int str_ok(const char *got, const char *want)
{
	return !got[0] || !strcmp(got, want);
}

/* got is want with fields missing, never other values. Joined after a
 * stream was reset (where the whole run ended it), a late response to it
 * is all that is seen of it. */
static int agrees(const struct h2_exchange *g, const struct h2_exchange *w)
{
	if ((w->flags & H2_X_RESET) && (w->flags & H2_X_NO_RESPONSE) &&
	    (g->flags & H2_X_NO_REQUEST))
		return g->stream_id == w->stream_id;
	return g->stream_id == w->stream_id && str_ok(g->method, w->method) &&
	       str_ok(g->scheme, w->scheme) && str_ok(g->authority, w->authority) &&
	       str_ok(g->path, w->path) &&
	       /* without a response status, the request's content-type */
	       (!g->status || str_ok(g->content_type, w->content_type)) &&
	       str_ok(g->user_agent, w->user_agent) && str_ok(g->grpc_message, w->grpc_message) &&
	       (!g->status || g->status == w->status) &&
	       (g->grpc_status < 0 || g->grpc_status == w->grpc_status) &&
	       (!g->tp_state || g->tp_state == w->tp_state) &&
	       g->req_bytes <= w->req_bytes && g->resp_bytes <= w->resp_bytes &&
	       g->req_msgs <= w->req_msgs && g->resp_msgs <= w->resp_msgs;
}

/* Every exchange of `l` agrees with the whole run's of its stream. */
static void check_subset(const struct xlines *l, size_t fx, const char *how)
{
	const struct xlines *w = &whole[fx];

	T_ASSERTF(l->n <= w->n + 2, "%s %s: %d exchanges", fixtures[fx].file, how, l->n);
	for (int i = 0; i < l->n && i < 64; i++) {
		int ok = 0;

		for (int j = 0; j < w->n && !ok; j++)
			ok = agrees(&l->x[i], &w->x[j]);
		T_ASSERTF(ok, "%s %s: %s", fixtures[fx].file, how, l->line[i]);
	}
}

static void whole_runs(void)
{
	load();
	for (size_t i = 0; i < N(fixtures); i++)
		conv_run(&convs[i], PROTO_SERVER, SIZE_MAX, 0, 0, &whole[i]);
}

static void recorded_gaps(void)
{
	static struct xlines l;
	char how[64];

	whole_runs();
	for (size_t i = 0; i < N(fixtures); i++)
		for (size_t cap = 0; cap < 400; cap += cap < 40 ? 1 : 7)
			for (int split = 0; split < 2; split++) {
				snprintf(how, sizeof(how), "cap %zu split %d", cap, split);
				conv_run(&convs[i], (int)(cap & 1), cap, split, 0, &l);
				check_subset(&l, i, how);
			}
}

static void recorded_joined_late(void)
{
	static struct xlines l;
	char how[64];
	int some = 0;

	whole_runs();
	for (size_t i = 0; i < N(fixtures); i++)
		for (int from = 1; from < convs[i].n; from++)
			for (int role = 0; role < 2; role++) {
				snprintf(how, sizeof(how), "from %d role %d", from, role);
				conv_run(&convs[i], role, SIZE_MAX, 0, from, &l);
				check_subset(&l, i, how);
				some += l.n;
			}
	T_CHECK(some > 0);
}

/* The streams python3-hyperframe and python3-hpack read in the same
 * recordings (tests/fixtures/h2/oracle.txt, gen_h2_oracle.py): the same
 * requests, statuses, grpc-status and DATA sizes, but for a stream
 * reported at its reset, whose late response the oracle still reads. */
static int oracle_line(const char *line, const struct xlines *l, int *matched)
{
	char file[64], method[32], path[256], auth[128];
	int k, sid, status, grpc;
	unsigned long long req, resp;

	if (sscanf(line, "%63s %d %d %31s %255s %127s %d %d %llu %llu", file, &k, &sid, method,
		   path, auth, &status, &grpc, &req, &resp) != 10)
		return 0;
	for (int i = 0; i < l->n && i < 64; i++) {
		const struct h2_exchange *x = &l->x[i];
		int reset = (x->flags & H2_X_RESET) && (x->flags & H2_X_NO_RESPONSE);

		if (x->conn_id != 100u + (unsigned)k || x->stream_id != (uint32_t)sid)
			continue;
		(*matched)++;
		return !strcmp(x->method, method) && !strcmp(x->path, path) &&
		       !strcmp(x->authority, auth) && x->req_bytes == req &&
		       (reset || (x->status == status && x->grpc_status == grpc &&
				  x->resp_bytes == resp));
	}
	return 0;
}

static void oracle_agrees(void)
{
	char *text = t_slurp("tests/fixtures/h2/oracle.txt", NULL), *line, *save;
	static struct xlines l;
	int lines = 0, matched = 0;

	T_ASSERT(text, "cannot read tests/fixtures/h2/oracle.txt");
	load();
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t i;

		for (i = 0; i < N(fixtures); i++)
			if (!strncmp(line, fixtures[i].file + strlen("tests/fixtures/h2/"),
				     strcspn(line, " ")))
				break;
		T_ASSERTF(i < N(fixtures), "%s", line);
		for (int role = 0; role < 2; role++) {
			conv_run(&convs[i], role, SIZE_MAX, 0, 0, &l);
			T_CHECKF(oracle_line(line, &l, &matched), "role %d: %s", role, line);
		}
		lines++;
	}
	free(text);
	T_CHECKF(lines == 13 && matched == 2 * lines, "%d lines, %d matched", lines, matched);
}

/* h2c by Upgrade (curl --http2 against python3-h2): the HTTP/1 parser's
 * part (the request, the 101) is skipped here; what follows the 101 is
 * fed to a connection started by h2_conn_upgraded. */
static void recorded_upgrade(void)
{
	static struct conv cv;
	static _Alignas(16) uint8_t conn[1 << 17];
	static struct xlines l;
	struct h2_upgrade u = { .start_ns = 1, .req_end_ns = 1, .method = "GET",
				.path = "/up.txt", .authority = "127.0.0.1:18464",
				.user_agent = "curl/7.88.1" };
	struct proto_opts o = { .on_h2 = on_h2_x, .arg = &l, .stats = &l.st };

	T_ASSERT(!conv_load(&cv, "tests/fixtures/h2/curl_upgrade.txt"));
	T_ASSERT(cv.n == 5 && cv.r[0].dir == 'c' && cv.r[1].dir == 's');
	for (int role = 0; role < 2; role++) {
		const uint8_t *end = memmem(cv.r[1].b, cv.r[1].n, "\r\n\r\n", 4);
		size_t off = end ? (size_t)(end + 4 - cv.r[1].b) : 0;

		T_ASSERT(off > 0);
		memset(&l, 0, sizeof(l));
		h2_conn_upgraded(conn, 3, role, &o, &u);
		for (int i = 1; i < cv.n - 1; i++) {
			const struct rec *r = &cv.r[i];
			size_t skip = i == 1 ? off : 0;
			int recv = (r->dir == 'c') == (role == PROTO_SERVER);

			proto_http2.feed(conn, recv ? PROTO_RECV : PROTO_SEND, (uint64_t)i + 1,
					 r->b + skip, r->n - skip, r->n - skip);
		}
		proto_http2.close(conn, 9);
		T_ASSERTF(l.n == 2, "role %d: %d", role, l.n);
		T_EQ_STR(l.line[0], "1 GET http 127.0.0.1:18464 /up.txt 200 ct=text/plain grpc=-1/ "
			 "ua=curl/7.88.1 tp=0 ts= f=0x1000 err=0 unk=0 req=0/0 resp=16/0");
		T_EQ_STR(l.line[1], "3 GET http 127.0.0.1:18464 /second 200 ct=text/plain grpc=-1/ "
			 "ua=curl/7.88.1 tp=0 ts= f=0 err=0 unk=0 req=0/0 resp=16/0");
		T_EQ_INT(l.x[0].resp_start_ns, 2);
		T_EQ_INT(l.st.sync_lost + l.st.undecoded, 0);
	}
}

int main(void)
{
	T_RUN(recorded_exact);
	T_RUN(recorded_bytewise);
	T_RUN(recorded_gaps);
	T_RUN(recorded_joined_late);
	T_RUN(recorded_upgrade);
	T_RUN(oracle_agrees);
	return t_done();
}
