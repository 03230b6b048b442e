/* libFuzzer target for the TLS handshake facts (user/proto/tls_hello*.c):
 * the bytes are a peer's. The input is a conversation: chunks of a 3-byte
 * header (bit 7 of byte 0 the direction, its low 7 bits how much of the
 * chunk is captured in 8-byte steps, 0 all of it; then 16 bits of length)
 * and the bytes, fed to a tracker as syscalls; each chunk is also parsed
 * whole as a ClientHello and as a ServerHello. Checked: no crash or
 * sanitizer report; every text NUL-terminated in its buffer and made of
 * host-name bytes only; the end not before the start and only after a
 * ClientHello; a done tracker stays done; resumption claimed only where
 * it is known. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/tls_hello.h"

static void die(const char *why)
{
	fprintf(stderr, "fuzz_tls_hello: %s\n", why);
	abort();
}

static void text(const char *s, size_t size, const char *what)
{
	const char *z = memchr(s, 0, size);

	if (!z)
		die(what);
	for (; s < z; s++)
		if (*s <= 0x20 || *s >= 0x7f)
			die(what);
}

static void check(const struct tls_facts *f)
{
	char b[TLS_CIPHER_STR];

	text(f->sni, sizeof(f->sni), "sni");
	text(f->alpn, sizeof(f->alpn), "alpn");
	text(f->offered, sizeof(f->offered), "offered");
	if ((f->flags & TLS_F_RESUMED) && !(f->flags & TLS_F_RESUMED_KNOWN))
		die("resumed without knowing it");
	if ((f->flags & TLS_F_ESTABLISHED) &&
	    (!(f->flags & TLS_F_CLIENT_HELLO) || f->end_ns < f->start_ns))
		die("an end without its start");
	if (f->version == 0x0304 && f->alpn[0])
		die("a TLS 1.3 ALPN read in clear");
	if (strlen(tls_cipher_str(f->cipher, b)) >= sizeof(b))
		die("cipher name");
	(void)tls_version_str(f->version);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct tls_track t;
	struct tls_facts f;
	uint8_t sid[32], sid_n = 0;
	uint64_t ts = 1;
	int done = 0;

	tls_track_init(&t);
	while (len >= 3) {
		size_t n = (size_t)data[1] << 8 | data[2], cap;
		int dir = data[0] >> 7;

		cap = (size_t)(data[0] & 0x7f) * 8;
		data += 3;
		len -= 3;
		if (n > len)
			n = len;
		if (!cap || cap > n)
			cap = n;
		if (tls_track_feed(&t, dir, ts, data, cap, n) == TLS_TRACK_DONE)
			done = 1;
		else if (done)
			die("done, then not");
		memset(&f, 0, sizeof(f));
		if (!tls_client_hello(data, n, &f, sid, &sid_n))
			check(&f);
		if (sid_n > 32)
			die("session id");
		memset(&f, 0, sizeof(f));
		if (!tls_server_hello(data, n, &f, sid, sid_n))
			check(&f);
		check(&t.f);
		data += n;
		len -= n;
		ts += 1000;
	}
	if (tls_track_plain(&t, ts) != TLS_TRACK_DONE)
		die("plaintext did not end it");
	check(&t.f);
	return 0;
}
