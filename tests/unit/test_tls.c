/* TLS plaintext records (DATA_F_TLS, kern/tls.S) through sockcap into rawtel
 * run's HTTP code: the plaintext of a connection becomes its spans, with
 * url.scheme https (url.full https://, 443 the default port), its
 * ciphertext (the handshake recorded, then calls the TLS calls consumed
 * without records) is neither parsed nor counted as lost, and plaintext on
 * no known connection makes no span. */
#include "agent_http_t.h"
#include "test_h2_t.h"
#include "sockcap_t.h"
#include "rawtel/tls.h"

#define S 1000000000ull
#define MS 1000000ull
#define FD 9
#define CONN 0x20002ull

struct feed {
	struct th t;
	struct sockcap *c;
	uint64_t off[2];	/* the kernel's ciphertext stream offsets */
	bool client;
};

static void put(struct feed *f, const void *rec, size_t size)
{
	T_ASSERT(sockcap_record(f->c, rec, size, to_agent, f->t.a) == 0);
}

static void sock(struct feed *f, int kind, uint64_t ts)
{
	struct ev_sock e;

	sc_sock_ev(&e, kind, ts, CONN, FD, f->off);
	e.role = f->client ? SOCK_ROLE_CLIENT : SOCK_ROLE_SERVER;
	e.lport = f->client ? 40000 : 443;
	e.rport = f->client ? 443 : 40000;
	memcpy(e.comm, "tlsproc", 8);
	put(f, &e, sizeof(e));
}

/* n bytes b moved in direction dir: as a syscall's record (ciphertext) or
 * a TLS call's (plaintext, flags DATA_F_TLS...; conn its connection or 0) */
static void data(struct feed *f, int dir, uint64_t ts, const void *b, size_t n, uint32_t flags,
		 uint64_t conn)
{
	static struct ev_data d;

	memset(&d, 0, DATA_OFF_BYTES);
	d.h = (struct ev_hdr){ EV_DATA, (uint16_t)(DATA_OFF_BYTES + n), flags, ts, TID, PID };
	d.conn = conn;
	d.fd = FD;
	d.dir = (uint8_t)dir;
	d.cap = (uint16_t)n;
	d.total = n;
	d.start = ts - 1000;
	memcpy(d.bytes, b, n);
	if (flags & DATA_F_TLS) {
		d.call = dir == DATA_DIR_RECV ? DATA_CALL_SSL_READ : DATA_CALL_SSL_WRITE;
		d.seq = DATA_SEQ_NONE;
		/* unbound: the kernel tells the SSL object instead */
		d.peer = flags & DATA_F_TLS_UNBOUND ? 0x5555deadbee0ULL : DATA_SEQ_NONE;
	} else {
		d.call = dir == DATA_DIR_RECV ? DATA_CALL_READ : DATA_CALL_WRITE;
		d.seq = f->off[dir];
		d.peer = f->off[!dir];
		f->off[dir] += n;
	}
	put(f, &d, DATA_OFF_BYTES + n);
}

static void plain(struct feed *f, int dir, uint64_t ts, const char *s)
{
	data(f, dir, ts, s, strlen(s), DATA_F_TLS, CONN);
	/* its ciphertext: read or written inside the call, no record */
	f->off[dir] += strlen(s) + 29;
}

/* One exchange in plaintext at ts, the response 1 ms later, in the
 * directions f's role gives them. */
static void plain_exchange(struct feed *f, uint64_t ts, const char *req, const char *resp)
{
	int req_dir = f->client ? DATA_DIR_SEND : DATA_DIR_RECV;
	int resp_dir = f->client ? DATA_DIR_RECV : DATA_DIR_SEND;

	plain(f, req_dir, ts, req);
	plain(f, resp_dir, ts + MS, resp);
}

/* The connection opened at 1 s, nothing moved on it yet. */
static void open_conn(struct feed *f, bool client)
{
	memset(f, 0, sizeof(*f));
	f->client = client;
	f->c = sc_new();
	th_opts(&f->t.o);
	th_start(&f->t, false);
	sock(f, client ? SOCK_K_CONNECT : SOCK_K_ACCEPT, 1 * S);
}

static void start(struct feed *f, bool client)
{
	static const uint8_t hello[] = { 0x16, 0x03, 0x01, 0x00, 0x05, 1, 0, 0, 1, 0 };

	open_conn(f, client);
	/* the handshake, outside any read or write call: recorded, then
	 * given up by the layer as TLS */
	data(f, client ? DATA_DIR_SEND : DATA_DIR_RECV, 1 * S + MS, hello, sizeof(hello), 0, CONN);
	data(f, client ? DATA_DIR_RECV : DATA_DIR_SEND, 1 * S + 2 * MS, hello, sizeof(hello), 0,
	     CONN);
}

static int stop(struct feed *f, struct sockcap_gaps *g)
{
	sock(f, SOCK_K_CLOSE, 9 * S);
	ahttp_finish(f->t.a);
	sockcap_gaps(f->c, g);
	return th_spans(&f->t);
}

static void done(struct feed *f)
{
	sockcap_free(f->c);
	th_stop(&f->t);
}

/* A server: two keep-alive exchanges over TLS */
static void test_server_https(void)
{
	static struct feed f;
	struct sockcap_gaps g;
	int n;

	start(&f, false);
	plain_exchange(&f, 2 * S, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n",
		       "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	plain_exchange(&f, 3 * S, "GET /b HTTP/1.1\r\nHost: h\r\n\r\n",
		       "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
	n = stop(&f, &g);
	T_EQ_INT(n, 2);
	for (int i = 0; i < n && i < 2; i++) {
		const struct otlp_span *s = f.t.spans[i];

		T_EQ_STR(SA(s, "url.scheme"), "https");
		T_EQ_STR(SA(s, "url.path"), i ? "/b" : "/a");
		T_EQ_STR(SA(s, "http.response.status_code"), i ? "404" : "200");
		T_EQ_STR(SA(s, "server.port"), "443");
		T_EQ_STR(SA(s, "client.port"), "40000");
		T_CHECK(!SHAS(s, "error.type"));	/* a server's 404 is no error */
	}
	/* the ciphertext the calls consumed is no loss */
	T_EQ_INT(g.records, 0);
	T_EQ_INT(f.t.a->http->ev[HEV_GAP], 0);
	T_EQ_INT(f.t.a->http->ev[HEV_TLS], 4);
	T_EQ_INT(f.t.a->http->ev[HEV_TLS_UNBOUND], 0);
	done(&f);
}

/* A client: url.full https://, the port only when not 443 */
static void test_client_url(void)
{
	static struct feed f;
	struct sockcap_gaps g;
	int n;

	start(&f, true);
	plain_exchange(&f, 2 * S, "GET /x?k=v HTTP/1.1\r\nHost: example.com\r\n\r\n",
		       "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	plain_exchange(&f, 3 * S, "GET /y HTTP/1.1\r\nHost: example.com:8443\r\n\r\n",
		       "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	n = stop(&f, &g);
	T_EQ_INT(n, 2);
	if (n == 2) {
		T_EQ_STR(SA(f.t.spans[0], "url.full"), "https://example.com/x?k=REDACTED");
		T_EQ_STR(SA(f.t.spans[0], "url.scheme"), "https");
		T_EQ_STR(SA(f.t.spans[1], "url.full"), "https://example.com:8443/y");
	}
	T_EQ_INT(g.records, 0);
	done(&f);
}

/* Plaintext on no connection proven (a memory BIO whose sends were not
 * seen, say): a span of its SSL object's own, said unproven, with no
 * peer (never a guessed one) nor the connection's handshake facts; the
 * connection's own exchanges unaffected */
static void test_unbound(void)
{
	static struct feed f;
	struct sockcap_gaps g;
	const char *req = "GET /lost HTTP/1.1\r\nHost: h\r\n\r\n";
	const char *resp = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	int n;

	start(&f, false);
	data(&f, DATA_DIR_RECV, 2 * S, req, strlen(req), DATA_F_TLS | DATA_F_TLS_UNBOUND, 0);
	data(&f, DATA_DIR_SEND, 2 * S + MS, resp, strlen(resp), DATA_F_TLS | DATA_F_TLS_UNBOUND, 0);
	plain_exchange(&f, 3 * S, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n", resp);
	n = stop(&f, &g);
	T_EQ_INT(n, 2);
	for (int i = 0; i < n && n == 2; i++) {
		bool lost = !strcmp(SA(f.t.spans[i], "url.path"), "/lost");

		T_EQ_STR(SA(f.t.spans[i], "url.path"), i ? "/a" : "/lost");
		T_EQ_STR(SA(f.t.spans[i], "url.scheme"), "https");
		T_EQ_STR(SA(f.t.spans[i], "rawtel.tls.binding"), lost ? "unproven" : "");
		T_EQ_INT(SHAS(f.t.spans[i], "client.address"), !lost);
		T_EQ_INT(SHAS(f.t.spans[i], "network.peer.address"), !lost);
		if (lost)
			T_EQ_INT(SHAS(f.t.spans[i], "tls.protocol.name"), 0);
	}
	T_EQ_INT(f.t.a->http->ev[HEV_TLS_UNBOUND], 2);
	T_EQ_INT(f.t.a->http->ev[HEV_TLS], 2);
	done(&f);
}

/* The same bytes in plain records stay http, and a plain connection's
 * lost bytes are still gaps */
static void test_plain_control(void)
{
	static struct feed f;
	struct sockcap_gaps g;
	const char *req = "GET /p HTTP/1.1\r\nHost: h\r\n\r\n";
	const char *resp = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	int n;

	open_conn(&f, false);
	data(&f, DATA_DIR_RECV, 2 * S, req, strlen(req), 0, CONN);
	data(&f, DATA_DIR_SEND, 2 * S + MS, resp, strlen(resp), 0, CONN);
	f.off[DATA_DIR_RECV] += 10;	/* lost: a request not seen */
	n = stop(&f, &g);
	T_EQ_INT(n, 2);
	for (int i = 0; i < n && i < 2; i++)
		T_EQ_STR(SA(f.t.spans[i], "url.scheme"), "http");
	T_EQ_INT(g.records, 1);
	done(&f);
}

/* A real handshake (openssl s_client, TLS 1.3, ALPN h2,http/1.1 offered;
 * tests/fixtures/tls/) on the wire, its records cut at 512 bytes as the
 * kernel captures them, then HTTP/1.1 plaintext: the span carries the
 * handshake's facts, ALPN from the plaintext (encrypted in 1.3), and the
 * handshake is counted as ended (the client's Finished seen) */
static void test_handshake_facts(void)
{
	static struct feed f;
	static struct conv cv;
	struct sockcap_gaps g;
	int n;

	T_ASSERT(!conv_load(&cv, "tests/fixtures/tls/ossl13.txt"));
	open_conn(&f, false);
	for (int i = 0; i < 3; i++) {
		const struct rec *r = &cv.r[i];
		int dir = r->dir == 'c' ? DATA_DIR_RECV : DATA_DIR_SEND;

		data(&f, dir, 1 * S + (uint64_t)(i + 1) * MS, r->b, r->n < 512 ? r->n : 512, 0, CONN);
		f.off[dir] += r->n - (r->n < 512 ? r->n : 512);
	}
	plain_exchange(&f, 2 * S, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n",
		       "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	n = stop(&f, &g);
	T_EQ_INT(n, 1);
	if (n == 1) {
		const struct otlp_span *s = f.t.spans[0];

		T_EQ_STR(SA(s, "url.scheme"), "https");
		T_EQ_STR(SA(s, "tls.protocol.name"), "tls");
		T_EQ_STR(SA(s, "tls.protocol.version"), "1.3");
		T_EQ_STR(SA(s, "tls.cipher"), "TLS_AES_256_GCM_SHA384");
		T_EQ_STR(SA(s, "tls.next_protocol"), "http/1.1");
		T_EQ_STR(SA(s, "tls.resumed"), "false");
		T_EQ_STR(SA(s, "tls.established"), "true");
		T_EQ_STR(SA(s, "rawtel.tls.server_name"), "example.test");
	}
	T_EQ_INT(f.t.a->http->ev[HEV_TLS_HANDSHAKE], 1);
	T_EQ_INT(f.t.a->http->ev[HEV_TLS_UNFINISHED], 0);
	for (int i = 0; i < cv.n; i++)
		free(cv.r[i].b);
	done(&f);
}

/* The fake hello of the tests above is no ClientHello: no facts, no tls.*
 * attribute */
static void test_no_facts(void)
{
	static struct feed f;
	struct sockcap_gaps g;

	start(&f, false);
	plain_exchange(&f, 2 * S, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n",
		       "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	T_EQ_INT(stop(&f, &g), 1);
	T_CHECK(!SHAS(f.t.spans[0], "tls.protocol.name"));
	T_EQ_INT(f.t.a->http->ev[HEV_TLS_HANDSHAKE] + f.t.a->http->ev[HEV_TLS_UNFINISHED], 0);
	done(&f);
}

/* ---- kernel TLS (SOCK_K_KTLS, DATA_F_KTLS) ---------------------------- */
/* kTLS keyed on the socket (both ways): the kernel side's record */
static void ktls_keyed(struct feed *f, uint64_t ts)
{
	struct ev_sock e;

	sc_sock_ev(&e, SOCK_K_KTLS, ts, CONN, FD, f->off);
	e.h.flags = SOCK_F_KTLS_TX | SOCK_F_KTLS_RX;
	e.role = f->client ? SOCK_ROLE_CLIENT : SOCK_ROLE_SERVER;
	put(f, &e, sizeof(e));
}

/* a kTLS socket's syscall: plaintext at the socket's offsets (total 0:
 * s's length); s NULL for sendfile's (cap 0) */
static void ktls_rec(struct feed *f, int dir, uint64_t ts, const char *s, size_t total, int call,
		     uint32_t flags)
{
	static struct ev_data d;
	size_t n = s ? strlen(s) : 0;

	total = total ? total : n;
	memset(&d, 0, DATA_OFF_BYTES);
	d.h = (struct ev_hdr){ EV_DATA, (uint16_t)(DATA_OFF_BYTES + n), flags, ts, TID, PID };
	d.conn = CONN;
	d.fd = FD;
	d.dir = (uint8_t)dir;
	d.call = (uint8_t)call;
	d.cap = (uint16_t)n;
	d.total = total;
	d.start = ts - 1000;
	d.seq = f->off[dir];
	d.peer = f->off[!dir];
	f->off[dir] += total;
	if (n)
		memcpy(d.bytes, s, n);
	put(f, &d, DATA_OFF_BYTES + n);
}

static void ktls_io(struct feed *f, int dir, uint64_t ts, const char *s, size_t total, int call)
{
	ktls_rec(f, dir, ts, s, total, call, DATA_F_KTLS);
}

/* nginx's SSL_sendfile: the handshake on the wire, kTLS keyed, the
 * request read and the response's head written by the library (its
 * syscalls made no record), the body by sendfile outside any library call:
 * parsed once, with the library's plaintext, so the keep-alive exchange
 * after it is whole too */
static void test_ktls_sendfile(void)
{
	static struct feed f;
	struct sockcap_gaps g;
	int n;

	start(&f, false);
	ktls_keyed(&f, 1 * S + 3 * MS);
	plain(&f, DATA_DIR_RECV, 2 * S, "GET /file HTTP/1.1\r\nHost: h\r\n\r\n");
	plain(&f, DATA_DIR_SEND, 2 * S + MS, "HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n");
	ktls_io(&f, DATA_DIR_SEND, 2 * S + 2 * MS, NULL, 3000, DATA_CALL_SENDFILE);
	plain(&f, DATA_DIR_RECV, 3 * S, "GET /b HTTP/1.1\r\nHost: h\r\n\r\n");
	plain(&f, DATA_DIR_SEND, 3 * S + MS, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	n = stop(&f, &g);
	T_EQ_INT(n, 2);
	for (int i = 0; i < n && i < 2; i++) {
		T_EQ_STR(SA(f.t.spans[i], "url.path"), i ? "/b" : "/file");
		T_EQ_STR(SA(f.t.spans[i], "url.scheme"), "https");
		T_EQ_STR(SA(f.t.spans[i], "http.response.status_code"), "200");
		T_EQ_STR(SA(f.t.spans[i], "client.port"), "40000");
	}
	if (n >= 1)
		T_EQ_STR(SA(f.t.spans[0], "http.response.body.size"), "3000");
	T_EQ_INT(g.records, 0);
	T_EQ_INT(f.t.a->http->ev[HEV_GAP], 0);
	T_EQ_INT(f.t.a->http->ev[HEV_KTLS], 1);
	done(&f);
}

/* A program that keys its socket itself (no library, no handshake) and
 * moves plaintext with write() and read(): spans with url.scheme https,
 * the right peer, one kTLS connection counted however many directions;
 * its alerts neither parsed nor lost */
static void test_ktls_own_keys(void)
{
	static struct feed f;
	struct sockcap_gaps g;
	int n;

	memset(&f, 0, sizeof(f));
	f.client = true;
	f.c = sc_new();
	th_opts(&f.t.o);
	th_start(&f.t, false);
	sock(&f, SOCK_K_CONNECT, 1 * S);
	ktls_keyed(&f, 1 * S + MS);
	ktls_keyed(&f, 1 * S + 2 * MS);
	ktls_io(&f, DATA_DIR_SEND, 2 * S, "GET /k HTTP/1.1\r\nHost: example.com\r\n\r\n", 0,
		DATA_CALL_WRITE);
	ktls_io(&f, DATA_DIR_RECV, 2 * S + MS, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
		0, DATA_CALL_READ);
	/* close_notify alerts both ways (sendmsg/recvmsg with the record
	 * type): bytes of the stream, no gap, nothing parsed */
	ktls_rec(&f, DATA_DIR_SEND, 3 * S, "\x01", 2, DATA_CALL_SENDMSG, DATA_F_KTLS | DATA_F_KTLS_CTRL);
	ktls_rec(&f, DATA_DIR_RECV, 3 * S + MS, "\x01", 2, DATA_CALL_RECVMSG,
		 DATA_F_KTLS | DATA_F_KTLS_CTRL);
	n = stop(&f, &g);
	T_EQ_INT(n, 1);
	if (n == 1) {
		T_EQ_STR(SA(f.t.spans[0], "url.full"), "https://example.com/k");
		T_EQ_STR(SA(f.t.spans[0], "http.response.status_code"), "201");
		T_EQ_STR(SA(f.t.spans[0], "server.port"), "443");
	}
	T_EQ_INT(g.records, 0);
	T_EQ_INT(f.t.a->http->ev[HEV_KTLS], 1);
	T_EQ_INT(f.t.a->http->ev[HEV_TLS], 0);
	done(&f);
}

int main(void)
{
	T_RUN(test_ktls_sendfile);
	T_RUN(test_ktls_own_keys);
	T_RUN(test_handshake_facts);
	T_RUN(test_no_facts);
	T_RUN(test_server_https);
	T_RUN(test_client_url);
	T_RUN(test_unbound);
	T_RUN(test_plain_control);
	return t_done();
}
