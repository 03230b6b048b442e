/* The TLS handshake facts (user/proto/tls_hello*.c) from real handshakes
 * recorded by tests/fixtures/tls/record.sh: openssl s_client against
 * s_server in TLS 1.3 and 1.2, each resumed in a second connection, curl
 * and python's urllib. Each recording is replayed from the client's side
 * and from the server's, with the default capture (512 bytes a syscall),
 * the largest (4096) and 64 bytes (the hellos cut), and with every record
 * header in a syscall of its own (OpenSSL's reads). The expected facts are
 * what s_client printed for the same connections (Protocol, Cipher,
 * "Reused"), and what the commands asked for (-servername, -alpn). */
#include <errno.h>

#include "t.h"
#include "test_h2_t.h"
#include "rawtel/tls_hello.h"

struct want {
	const char *file;
	uint16_t version, cipher;
	const char *sni, *offered, *alpn;
	int resumed;
	int end_line;		/* the record that ends the handshake */
	int cut_end;		/* ... when the hellos are cut (the version
				 * unknown): the client's first encrypted one */
};

static const struct want wants[] = {
	{ "tests/fixtures/tls/ossl13.txt", 0x0304, 0x1302, "example.test", "h2,http/1.1", "", 0, 2, 2 },
	{ "tests/fixtures/tls/ossl13_resumed.txt", 0x0304, 0x1302, "example.test", "h2,http/1.1", "",
	  1, 2, 2 },
	{ "tests/fixtures/tls/ossl12.txt", 0x0303, 0xc02c, "example.test", "http/1.1", "http/1.1", 0,
	  3, 4 },
	{ "tests/fixtures/tls/ossl12_resumed.txt", 0x0303, 0xc02c, "example.test", "http/1.1",
	  "http/1.1", 1, 2, 3 },
	{ "tests/fixtures/tls/curl.txt", 0x0304, 0x1302, "localhost", "h2,http/1.1", "", 0, 2, 2 },
	{ "tests/fixtures/tls/python.txt", 0x0304, 0x1302, "localhost", "", "", 0, 2, 2 },
};

/* Replays a recording: line i at time (i + 1) ms. hdr_apart: a record
 * header in a syscall of its own. Returns the line that made it done, or
 * -1. */
static int replay(const struct conv *cv, int client, size_t cap, int hdr_apart,
		  struct tls_track *t)
{
	tls_track_init(t);
	for (int i = 0; i < cv->n; i++) {
		const struct rec *r = &cv->r[i];
		int dir = (r->dir == 'c') == client;	/* PROTO_SEND: 1 */
		uint64_t ts = (uint64_t)(i + 1) * 1000000;
		size_t at = 0;

		while (at < r->n) {
			size_t len = r->n - at, k;

			if (hdr_apart && len >= 5) {
				/* the header, then its body (as far as this
				 * recv brought it) */
				size_t body = (size_t)r->b[at + 3] << 8 | r->b[at + 4];
				if (tls_track_feed(t, dir, ts, r->b + at, 5, 5))
					return i;
				at += 5;
				len = body < r->n - at ? body : r->n - at;
				if (!len)
					continue;
			}
			k = len < cap ? len : cap;
			if (tls_track_feed(t, dir, ts, r->b + at, k, len))
				return i;
			at += len;
		}
	}
	return -1;
}

/* a failure names the recording and the replay */
#define CK(cond)                                                                       \
	do {                                                                           \
		if (!(cond))                                                           \
			T_FAILF("%s, cap %zu, %s: %s (line %d flags %#x v %#x)", w->file, cap, how, #cond, line, t->f.flags, t->f.version);        \
	} while (0)

static void check(const struct want *w, const struct tls_track *t, int line, size_t cap,
		  const char *how)
{
	const struct tls_facts *f = &t->f;
	int cut = cap < 300;
	int end = cut ? w->cut_end : w->end_line;

	CK(line == end);
	CK(f->flags & TLS_F_ESTABLISHED);
	CK(!(f->flags & (TLS_F_FAILED | TLS_F_LOST)));
	CK(f->start_ns == 1000000 && f->end_ns == (uint64_t)(end + 1) * 1000000);
	CK(f->cipher == w->cipher || (cut && !f->cipher));
	if (cut) {
		/* the extensions were not seen: the version of a 1.3 hello
		 * and every resumption unknown, never 1.2 */
		CK(f->flags & TLS_F_CUT);
		CK(f->version == 0);
		CK(!(f->flags & TLS_F_RESUMED_KNOWN));
		CK(!f->sni[0] && !f->offered[0] && !f->alpn[0]);
		return;
	}
	CK(f->version == w->version);
	CK(!strcmp(f->sni, w->sni));
	CK(!strcmp(f->offered, w->offered));
	CK(!strcmp(f->alpn, w->alpn));
	CK(f->flags & TLS_F_RESUMED_KNOWN);
	CK(!!(f->flags & TLS_F_RESUMED) == w->resumed);
}

static void test_recorded(void)
{
	static struct conv cv;
	static struct tls_track t;
	static const size_t caps[] = { 512, 4096, 64 };

	for (size_t i = 0; i < sizeof(wants) / sizeof(wants[0]); i++) {
		T_ASSERT(!conv_load(&cv, wants[i].file));
		for (int client = 0; client < 2; client++)
			for (size_t c = 0; c < 3; c++)
				for (int apart = 0; apart < 2; apart++)
					check(&wants[i], &t, replay(&cv, client, caps[c], apart, &t),
					      caps[c], client ? (apart ? "client, headers apart" : "client")
							      : (apart ? "server, headers apart" : "server"));
		for (int k = 0; k < cv.n; k++)
			free(cv.r[k].b);
	}
}

/* The names tls.protocol.version and tls.cipher take */
static void test_names(void)
{
	char b[TLS_CIPHER_STR];

	T_CHECK(!strcmp(tls_version_str(0x0304), "1.3"));
	T_CHECK(!strcmp(tls_version_str(0x0301), "1.0"));
	T_CHECK(!tls_version_str(0x7f17));
	T_CHECK(!strcmp(tls_cipher_str(0x1302, b), "TLS_AES_256_GCM_SHA384"));
	T_CHECK(!strcmp(tls_cipher_str(0xc02c, b), "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"));
	T_CHECK(!strcmp(tls_cipher_str(0xcca8, b), "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"));
	T_CHECK(!strcmp(tls_cipher_str(0x000a, b), "TLS_RSA_WITH_3DES_EDE_CBC_SHA"));
	T_CHECK(!strcmp(tls_cipher_str(0xc0ff, b), "0xC0FF"));
}

/* Bad input: no record, an alert, a hello whose lengths overrun, a server
 * name with a space, plaintext ending a handshake whose records were not
 * copied */
static void test_edges(void)
{
	static struct tls_track t;
	/* a ClientHello whose session id says 33 bytes */
	static const uint8_t bad_sid[] = { 0x16, 3, 1, 0, 42, 1, 0, 0, 38, 3, 3, [43] = 33, [46] = 0 };
	/* a ClientHello with SNI "a b", nothing else */
	static const uint8_t sni_sp[] = { 0x16, 3, 1, 0, 59, 1, 0, 0, 55, 3, 3, [43] = 0, 0, 2,
		0x13, 0x01, 1, 0, 0, 12, 0, 0, 0, 8, 0, 6, 0, 0, 3, 'a', ' ', 'b' };
	static const uint8_t early[] = { 0x17, 3, 3, 0, 2, 0, 0 };
	static const uint8_t alert[] = { 0x15, 3, 3, 0, 2, 2, 40 };

	tls_track_init(&t);
	T_CHECK(tls_track_feed(&t, 1, 1, (const uint8_t *)"GET / HTTP/1.1\r\n", 16, 16) ==
		TLS_TRACK_DONE);
	T_CHECK((t.f.flags & TLS_F_LOST) && !(t.f.flags & TLS_F_ESTABLISHED));
	tls_track_init(&t);
	T_CHECK(tls_track_feed(&t, 1, 1, bad_sid, sizeof(bad_sid), sizeof(bad_sid)) ==
		TLS_TRACK_DONE);
	T_CHECK(t.f.flags & TLS_F_LOST);
	tls_track_init(&t);
	T_CHECK(tls_track_feed(&t, 1, 1, sni_sp, sizeof(sni_sp), sizeof(sni_sp)) == TLS_TRACK_MORE);
	T_CHECK(!t.f.sni[0] && (t.f.flags & TLS_F_SNI_BAD) && (t.f.flags & TLS_F_CLIENT_HELLO));
	T_CHECK(tls_track_feed(&t, 0, 2, alert, sizeof(alert), sizeof(alert)) == TLS_TRACK_DONE);
	T_CHECK((t.f.flags & TLS_F_FAILED) && !(t.f.flags & TLS_F_ESTABLISHED));
	tls_track_init(&t);
	T_CHECK(tls_track_feed(&t, 1, 5, sni_sp, sizeof(sni_sp), sizeof(sni_sp)) == TLS_TRACK_MORE);
	T_CHECK(tls_track_plain(&t, 9) == TLS_TRACK_DONE);
	T_CHECK((t.f.flags & TLS_F_ESTABLISHED) && t.f.start_ns == 5 && t.f.end_ns == 9);
	/* a ServerHello whose last extension overruns, after TLS 1.3 in
	 * supported_versions and ALPN h2: rejected, with neither kept */
	static const uint8_t sh_bad[] = { 2, 0, 0, 59, 3, 3, [38] = 0, 0x13, 0x01, 0, 0, 19,
		0, 0x2b, 0, 2, 3, 4, 0, 0x10, 0, 5, 0, 3, 2, 'h', '2', 0, 0, 0, 9 };
	struct tls_facts sf = { 0 };

	T_CHECK(sizeof(sh_bad) == 63);
	T_CHECK(tls_server_hello(sh_bad, sizeof(sh_bad), &sf, NULL, 0) == -EINVAL);
	T_CHECK(sf.version == 0 && !sf.alpn[0] && !sf.cipher);
	/* bounded: syscalls of ciphertext after a hello nobody answers */
	tls_track_init(&t);
	T_CHECK(tls_track_feed(&t, 1, 1, sni_sp, sizeof(sni_sp), sizeof(sni_sp)) == TLS_TRACK_MORE);
	for (int i = 0; i < TLS_TRACK_CALLS - 1; i++)
		T_CHECK(tls_track_feed(&t, 1, 2, early, 5, sizeof(early)) == TLS_TRACK_MORE);
	T_CHECK(tls_track_feed(&t, 1, 3, early, 5, sizeof(early)) == TLS_TRACK_DONE);
	T_CHECK(!(t.f.flags & TLS_F_ESTABLISHED));
}

int main(void)
{
	T_RUN(test_recorded);
	T_RUN(test_names);
	T_RUN(test_edges);
	return t_done();
}
