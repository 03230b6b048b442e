/* A TLS connection's first records, both ways, for the handshake's facts
 * (rawtel/tls_hello.h says what ends it). Records are framed by their
 * 5-byte headers, gathered across syscalls; handshake records' bodies
 * fill the direction's buffer until its first message is whole (a hello
 * longer than one record continues in the next). */
#include <string.h>

#include "rawtel/tls_hello.h"

#define CT_CCS 20
#define CT_ALERT 21
#define CT_HANDSHAKE 22
#define CT_APP 23
#define REC_MAX (16384 + 2048)	/* a ciphertext record's largest body */

void tls_track_init(struct tls_track *t)
{
	memset(t, 0, sizeof(*t));
	t->client = 2;
}

static int finish(struct tls_track *t, uint64_t ts, int ok)
{
	if (ok && !(t->f.flags & TLS_F_ESTABLISHED) && (t->f.flags & TLS_F_CLIENT_HELLO)) {
		t->f.flags |= TLS_F_ESTABLISHED;
		t->f.end_ns = ts > t->f.start_ns ? ts : t->f.start_ns;
	}
	t->done = 1;
	return TLS_TRACK_DONE;
}

/* The first handshake message of direction di is whole (or cut): a
 * ClientHello tells which way the client sends */
static void hello(struct tls_track *t, int di, uint64_t ts)
{
	struct tls_dir *d = &t->d[di];

	d->hello = 1;
	if (d->n && d->buf[0] == 1 && t->client != !di) {
		if (!(t->f.flags & TLS_F_CLIENT_HELLO))
			t->f.start_ns = ts;	/* (not again after a retry) */
		t->client = (uint8_t)di;
		if (tls_client_hello(d->buf, d->n, &t->f, t->sid, &t->sid_n))
			t->f.flags |= TLS_F_LOST;
	} else if (d->n && d->buf[0] == 2 && t->client != di) {
		t->client = (uint8_t)!di;
		if (tls_server_hello(d->buf, d->n, &t->f, t->sid, t->sid_n))
			t->f.flags |= TLS_F_LOST;
		else if (t->f.flags & TLS_F_HRR)
			/* the ClientHello again, then the real ServerHello */
			t->d[0].hello = t->d[1].hello = 0, t->d[0].n = t->d[1].n = 0;
	} else {
		t->f.flags |= TLS_F_LOST;
	}
}

/* A record of type `type` begins in direction di: 1 when it ends the
 * handshake (or the tracking), else 0 */
static int record(struct tls_track *t, int di, uint8_t type, uint64_t ts)
{
	int sh = t->f.flags & TLS_F_SERVER_HELLO && !(t->f.flags & TLS_F_HRR);

	if (type == CT_ALERT && !(t->f.flags & TLS_F_ESTABLISHED)) {
		t->f.flags |= TLS_F_FAILED;
		return finish(t, ts, 0);
	}
	if (type == CT_CCS) {
		t->d[di].ccs = 1;
		if (sh && t->f.version && t->f.version < 0x0304 && t->d[!di].ccs)
			return finish(t, ts, 1);
	}
	/* application data: in 1.3 the server's flight is encrypted too, so
	 * only the client's (its Finished) ends it; <= 1.2 any. The version
	 * unknown (the ServerHello cut): the client's, which in 1.2 is its
	 * first request, right after the end */
	if (type == CT_APP && sh &&
	    (di == t->client || (t->f.version && t->f.version < 0x0304)))
		return finish(t, ts, 1);
	return 0;
}

/* Body bytes of a handshake record: into the hello while it is gathered */
static void gather(struct tls_track *t, int di, const uint8_t *b, size_t k, uint64_t ts)
{
	struct tls_dir *d = &t->d[di];
	size_t want;

	if (d->hello)
		return;
	want = sizeof(d->buf) - d->n;
	if (k > want)
		k = want;
	memcpy(d->buf + d->n, b, k);
	d->n = (uint16_t)(d->n + k);
	if (d->n >= 4) {
		size_t len = (size_t)d->buf[1] << 16 | (size_t)d->buf[2] << 8 | d->buf[3];
		if (d->n >= len + 4 || d->n == sizeof(d->buf))
			hello(t, di, ts);
	}
}

/* No record header where one was due: the end of what a ClientHello
 * began is unknown; later, the direction is out of step until a syscall
 * starts with a record (each write of a TLS library does) */
static int out_of_step(struct tls_track *t, struct tls_dir *d, uint64_t ts)
{
	if (t->client == 2) {
		t->f.flags |= TLS_F_LOST;
		return finish(t, ts, 0);
	}
	d->lost = 1;
	d->left = 0;
	d->hdr_n = 0;
	return 0;
}

/* The captured bytes: 1 when done */
static int walk(struct tls_track *t, int di, uint64_t ts, const uint8_t *b, size_t cap)
{
	struct tls_dir *d = &t->d[di];
	size_t i = 0, k;

	while (i < cap && !t->done && !d->lost) {
		if (!d->left) {
			k = 5 - (size_t)d->hdr_n;
			if (k > cap - i)
				k = cap - i;
			memcpy(d->hdr + d->hdr_n, b + i, k);
			d->hdr_n = (uint8_t)(d->hdr_n + k);
			i += k;
			if (d->hdr_n < 5)
				break;
			d->hdr_n = 0;
			d->type = d->hdr[0];
			d->left = (uint32_t)d->hdr[3] << 8 | d->hdr[4];
			if (d->type < CT_CCS || d->type > 24 || d->hdr[1] != 3 || d->left > REC_MAX)
				return out_of_step(t, d, ts);
			if (record(t, di, d->type, ts))
				return 1;
			continue;
		}
		k = d->left < cap - i ? d->left : cap - i;
		if (d->type == CT_HANDSHAKE)
			gather(t, di, b + i, k, ts);
		d->left -= (uint32_t)k;
		i += k;
	}
	return t->done;
}

/* Bytes not captured: skipped inside the current record; a hello they
 * cut is read as far as it came. Past the record (a write of several
 * records, say): out of step. */
static int skip(struct tls_track *t, int di, uint64_t ts, uint64_t n)
{
	struct tls_dir *d = &t->d[di];

	if (d->lost)
		return t->done;
	if (d->type == CT_HANDSHAKE && !d->hello && d->left)
		hello(t, di, ts);
	if (d->hdr_n || n > d->left)
		return out_of_step(t, d, ts);
	d->left -= (uint32_t)n;
	return t->done;
}

int tls_track_feed(struct tls_track *t, int dir, uint64_t ts, const uint8_t *b, size_t cap,
		   uint64_t total)
{
	int di = dir ? 1 : 0;

	if (t->done)
		return TLS_TRACK_DONE;
	if (!total)
		return TLS_TRACK_MORE;
	if (++t->calls > TLS_TRACK_CALLS)
		return finish(t, ts, 0);
	if (cap > total)
		cap = (size_t)total;
	t->d[di].lost = 0;	/* a syscall starts a record, or is passed over */
	if (walk(t, di, ts, b, cap) || (total > cap && skip(t, di, ts, total - cap)))
		return TLS_TRACK_DONE;
	/* nothing to wait for: no hello from a client */
	if (t->f.flags & TLS_F_LOST)
		return finish(t, ts, 0);
	return TLS_TRACK_MORE;
}

int tls_track_plain(struct tls_track *t, uint64_t ts)
{
	if (t->done)
		return TLS_TRACK_DONE;
	return finish(t, ts, 1);
}
