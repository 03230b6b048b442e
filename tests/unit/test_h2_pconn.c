/* HTTP/2 in the connection layer: a client preface decides it; an h2c
 * Upgrade (curl --http2 against python3-h2, recorded) hands the connection
 * from HTTP/1 to HTTP/2 with the upgraded request as stream 1 and the
 * bytes after the 101 in the same syscall parsed as HTTP/2; a 101 followed
 * by something else (a WebSocket) stays HTTP/1's exchange. */
#include "t.h"
#include "t_fmt.h"
#include "test_h2_t.h"
#include "rawtel/pconn.h"

struct seen {
	int http;
	char h1[64];
	struct xlines l;
	int gave_up;
	enum pconn_outcome why;
};

static void on_http(void *arg, const struct http1_exchange *x)
{
	struct seen *s = arg;

	s->http++;
	snprintf(s->h1, sizeof(s->h1), "%s %s %u", x->method, x->path, x->status);
}

static void on_give_up(void *arg, uint64_t id, enum pconn_outcome why)
{
	struct seen *s = arg;

	(void)id;
	s->gave_up++;
	s->why = why;
}

static struct pconn *table(struct seen *s, struct http1_opts *ho)
{
	struct pconn_opts o = { .protos = 1u << PROTO_HTTP1 | 1u << PROTO_HTTP2 };
	struct pconn *t = NULL;

	memset(s, 0, sizeof(*s));
	memset(ho, 0, sizeof(*ho));
	ho->on_exchange = on_http;
	ho->arg = s;
	o.http = ho;
	o.db.on_h2 = on_h2_x;
	o.db.arg = &s->l;
	o.on_give_up = on_give_up;
	o.arg = s;
	T_ASSERT(!pconn_new(&t, &o));
	return t;
}

/* a recording through the layer, as `role` sees it ('x': the next
 * connection) */
static void run(struct pconn *t, const struct conv *cv, enum proto_role role)
{
	uint64_t id = 7;

	for (int i = 0; i < cv->n; i++) {
		const struct rec *r = &cv->r[i];
		int recv = (r->dir == 'c') == (role == PROTO_SERVER);

		if (r->dir == 'x') {
			pconn_close(t, id++, (uint64_t)i + 1);
			continue;
		}
		pconn_feed(t, id, role, 18463, recv ? PROTO_RECV : PROTO_SEND, (uint64_t)i + 1,
			   r->b, r->n, r->n);
	}
	pconn_close(t, id, 100);
}

static void upgrade_recorded(void)
{
	static struct conv cv;
	static struct seen s;
	struct http1_opts ho;

	T_ASSERT(!conv_load(&cv, "tests/fixtures/h2/curl_upgrade.txt"));
	for (int role = 0; role < 2; role++) {
		struct pconn *t = table(&s, &ho);

		run(t, &cv, (enum proto_role)role);
		T_EQ_INT(s.http, 0);
		T_ASSERTF(s.l.n == 2, "role %d: %d streams", role, s.l.n);
		T_EQ_STR(s.l.line[0], "1 GET http 127.0.0.1:18464 /up.txt 200 ct=text/plain grpc=-1/ "
			 "ua=curl/7.88.1 tp=0 ts= f=0x1000 err=0 unk=0 req=0/0 resp=16/0");
		T_EQ_STR(s.l.line[1], "3 GET http 127.0.0.1:18464 /second 200 ct=text/plain grpc=-1/ "
			 "ua=curl/7.88.1 tp=0 ts= f=0 err=0 unk=0 req=0/0 resp=16/0");
		T_EQ_INT(s.l.x[0].start_ns, 1);
		T_EQ_INT(s.gave_up, 0);
		T_EQ_INT(pconn_stats(t)->conns[PROTO_HTTP2], 1);
		pconn_free(t, 0);
	}
}

static void upgrade_websocket(void)
{
	static struct seen s;
	struct http1_opts ho;
	struct pconn *t = table(&s, &ho);
	const char *req = "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n"
			  "Connection: Upgrade\r\n\r\n";
	const char *resp = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
			   "Connection: Upgrade\r\n\r\n\x81\x05hello";
	const uint8_t frame[] = { 0x81, 0x85, 1, 2, 3, 4, 'h' ^ 1, 'e' ^ 2, 'l' ^ 3, 'l' ^ 4, 'o' ^ 1 };

	pconn_feed(t, 9, PROTO_SERVER, 80, PROTO_RECV, 1, req, strlen(req), strlen(req));
	pconn_feed(t, 9, PROTO_SERVER, 80, PROTO_SEND, 2, resp, strlen(resp), strlen(resp));
	T_EQ_INT(s.http, 0);	/* held: h2c may follow */
	for (int i = 0; i < PCONN_DETECT_RECORDS; i++)
		pconn_feed(t, 9, PROTO_SERVER, 80, PROTO_RECV, 3 + (uint64_t)i, frame, sizeof(frame),
			   sizeof(frame));
	T_EQ_INT(s.http, 1);
	T_EQ_STR(s.h1, "GET /ws 101");
	T_EQ_INT(s.gave_up, 1);
	T_EQ_INT(s.why, PCONN_DONE);
	T_EQ_INT(s.l.n, 0);
	/* closed while held: reported then */
	pconn_feed(t, 10, PROTO_SERVER, 80, PROTO_RECV, 10, req, strlen(req), strlen(req));
	pconn_feed(t, 10, PROTO_SERVER, 80, PROTO_SEND, 11, resp, strlen(resp), strlen(resp));
	pconn_close(t, 10, 12);
	T_EQ_INT(s.http, 2);
	pconn_free(t, 0);
}

static void prior_knowledge(void)
{
	static struct conv cv;
	static struct seen s;
	struct http1_opts ho;

	T_ASSERT(!conv_load(&cv, "tests/fixtures/h2/curl_get.txt"));
	for (int role = 0; role < 2; role++) {
		struct pconn *t = table(&s, &ho);

		run(t, &cv, (enum proto_role)role);
		T_ASSERTF(s.l.n == 2, "role %d: %d streams", role, s.l.n);
		T_EQ_INT(s.l.x[0].status, 200);
		T_EQ_INT(s.l.x[1].status, 200);
		T_EQ_INT(s.http, 0);
		T_EQ_INT(pconn_stats(t)->conns[PROTO_HTTP2], 2);
		pconn_free(t, 0);
	}
}

int main(void)
{
	T_RUN(upgrade_recorded);
	T_RUN(upgrade_websocket);
	T_RUN(prior_knowledge);
	return t_done();
}
