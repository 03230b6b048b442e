/* TLS handshake facts from the wire (user/proto/tls_hello*.c), for every
 * TLS connection the socket capture sees, also those whose plaintext no
 * library probe reads (Go, Java, rustls): the ClientHello's server name
 * (SNI) and ALPN offer, the ServerHello's version (supported_versions for
 * TLS 1.3), cipher suite, ALPN choice (TLS <= 1.2: in TLS 1.3 it travels
 * encrypted) and resumption, and when the handshake began and ended.
 *
 * The tracker reads a connection's first records from its two byte streams
 * (syscalls as the connection layer feeds them: the first `cap` bytes of
 * `total`): record headers in any split (OpenSSL reads a header alone,
 * then its body), the first handshake message of each direction gathered
 * across records up to TLS_HELLO_BUF bytes. Bytes not captured are skipped
 * by the record lengths; a hello cut by them is parsed as far as it goes
 * (TLS_F_CUT: what was not seen is unknown, never guessed); past the
 * record they cut, the direction is out of step until its next syscall,
 * taken to start a record (a TLS library's writes do). The end:
 *   TLS 1.3  the client's first encrypted record after the ServerHello
 *            (its Finished);
 *   <= 1.2   a ChangeCipherSpec both ways (full and abbreviated
 *            handshakes alike), or application data after the hellos;
 *   either   the first plaintext a TLS library gave for the connection
 *            (tls_track_plain), when its own records were not copied.
 * An alert before the end: not established. At most TLS_TRACK_CALLS
 * syscalls are looked at: the cost per connection is bounded. */
#ifndef RAWTEL_TLS_HELLO_H
#define RAWTEL_TLS_HELLO_H

#include <stddef.h>
#include <stdint.h>

#define TLS_SNI_MAX 256		/* a host name (255 at most) and its NUL */
#define TLS_ALPN_MAX 32		/* one protocol name kept, with its NUL */
#define TLS_OFFER_MAX 64	/* the client's list "h2,http/1.1" */
#define TLS_HELLO_BUF 2048	/* a hello gathered: more is cut */
#define TLS_TRACK_CALLS 32	/* syscalls with bytes looked at, at most (a
				 * client reading headers apart makes 2 a record) */

#define TLS_F_CLIENT_HELLO 1	/* a ClientHello was read */
#define TLS_F_SERVER_HELLO 2	/* a ServerHello */
#define TLS_F_RESUMED 4		/* a session resumed (echoed session id,
				 * TLS <= 1.2; pre_shared_key, TLS 1.3) */
#define TLS_F_RESUMED_KNOWN 8	/* whether it was is known */
#define TLS_F_ESTABLISHED 16	/* the handshake ended (end_ns) */
#define TLS_F_FAILED 32		/* an alert came before the end */
#define TLS_F_CUT 64		/* a hello not all seen: facts may be missing */
#define TLS_F_LOST 128		/* no TLS: the first bytes are no record, or
				 * a hello is malformed */
#define TLS_F_HRR 256		/* the server asked for a second ClientHello */
#define TLS_F_SNI_BAD 512	/* a server name was sent that is no host name */

struct tls_facts {
	uint64_t start_ns;	/* the ClientHello */
	uint64_t end_ns;	/* the end as seen (TLS_F_ESTABLISHED), else 0 */
	uint16_t version;	/* negotiated: 0x0304 TLS 1.3 ...; 0 unknown */
	uint16_t cipher;	/* the suite chosen; 0 unknown */
	uint16_t flags;		/* TLS_F_* */
	char sni[TLS_SNI_MAX];		/* "" none sent (or not seen) */
	char alpn[TLS_ALPN_MAX];	/* chosen (ServerHello), "" unknown/none */
	char offered[TLS_OFFER_MAX];	/* the client's ALPN list, "" none */
};

/* One handshake message as far as captured (its 4-byte header first):
 * what it says is added to *f. 0, or -EINVAL when it is no ClientHello
 * (ServerHello) or its fields overrun the message's length. A message cut
 * short (n below its length) gives what its first n bytes hold and sets
 * TLS_F_CUT. sid (32 bytes): the ClientHello's session id is kept there
 * (*sid_n its length), the ServerHello's compared with it. */
int tls_client_hello(const uint8_t *m, size_t n, struct tls_facts *f, uint8_t *sid,
		     uint8_t *sid_n);
int tls_server_hello(const uint8_t *m, size_t n, struct tls_facts *f, const uint8_t *sid,
		     uint8_t sid_n);

/* "1.3", "1.2", "1.1", "1.0", "3.0" (SSL 3.0), NULL when unknown. */
const char *tls_version_str(uint16_t v);
/* The IANA name of a cipher suite ("TLS_AES_128_GCM_SHA256"), or
 * "0x1234" for one not in rawtel's table; buf holds TLS_CIPHER_STR. */
#define TLS_CIPHER_STR 64
const char *tls_cipher_str(uint16_t suite, char buf[TLS_CIPHER_STR]);

/* One direction's record stream */
struct tls_dir {
	uint32_t left;		/* bytes of the current record's body to come */
	uint8_t hdr[5], hdr_n;	/* a record header being gathered */
	uint8_t type;		/* the current record's content type */
	uint8_t ccs;		/* a ChangeCipherSpec went this way */
	uint8_t hello;		/* 0 gathering the first handshake message, 1 read */
	uint8_t lost;		/* out of step until the next syscall */
	uint16_t n;		/* its bytes in buf */
	uint8_t buf[TLS_HELLO_BUF];
};

struct tls_track {
	struct tls_facts f;
	struct tls_dir d[2];	/* by enum proto_dir */
	uint8_t client;		/* the client's direction; 2 not known yet */
	uint8_t calls;		/* syscalls with bytes fed */
	uint8_t done;
	uint8_t sid_n, sid[32];	/* the ClientHello's session id */
};

#define TLS_TRACK_MORE 0
#define TLS_TRACK_DONE 1

void tls_track_init(struct tls_track *t);
/* One syscall (dir: enum proto_dir) at ts: TLS_TRACK_MORE, or
 * TLS_TRACK_DONE once the facts are final (the end seen, an alert, the
 * framing lost, or TLS_TRACK_CALLS reached). */
int tls_track_feed(struct tls_track *t, int dir, uint64_t ts, const uint8_t *b, size_t cap,
		   uint64_t total);
/* Plaintext of the connection came at ts (a TLS library's read or write):
 * the handshake is over. TLS_TRACK_DONE. */
int tls_track_plain(struct tls_track *t, uint64_t ts);

#endif
