/* The ClientHello and ServerHello (RFC 8446 4.1.2-4.1.3, RFC 5246 7.4.1)
 * read for the facts rawtel exports (rawtel/tls_hello.h). A message may be
 * cut where the capture ended: every field is read only if all its bytes
 * are there, and the message's own lengths are checked against each other
 * (a field running past its enclosing length is no hello). */
#include <errno.h>
#include <string.h>

#include "rawtel/tls_hello.h"

#define EXT_SERVER_NAME 0
#define EXT_ALPN 16
#define EXT_PRE_SHARED_KEY 41
#define EXT_SUPPORTED_VERSIONS 43

/* A cursor over [p, end): `cut` says the bytes stop at the capture's end,
 * not at the message's */
struct cur {
	const uint8_t *p, *end;
	int cut;
};

/* 1 when n more bytes are there; 0 (cur->cut set) when the capture ended
 * first; -1 when they pass `lim`, the end the message's lengths allow */
static int need(struct cur *c, size_t n, const uint8_t *lim)
{
	if ((size_t)(lim - c->p) < n)
		return -1;
	if ((size_t)(c->end - c->p) < n) {
		c->cut = 1;
		return 0;
	}
	return 1;
}

static unsigned u16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* The message header: type, then a 24-bit length; the cursor's limit */
static int header(struct cur *c, const uint8_t *m, size_t n, uint8_t type, const uint8_t **lim)
{
	size_t len;

	if (n < 4 || m[0] != type)
		return -EINVAL;
	len = (size_t)m[1] << 16 | (size_t)m[2] << 8 | m[3];
	c->p = m + 4;
	c->end = m + (n - 4 < len ? n : len + 4);
	c->cut = n - 4 < len;
	*lim = m + 4 + len;
	return 0;
}

/* A length-prefixed vector (w: 1 or 2 bytes of length) skipped, or its
 * start and length returned: 1 read, 0 cut, -EINVAL overrun */
static int vec(struct cur *c, int w, const uint8_t *lim, const uint8_t **v, size_t *vn)
{
	size_t len;
	int r = need(c, (size_t)w, lim);

	if (r <= 0)
		return r < 0 ? -EINVAL : 0;
	len = w == 1 ? c->p[0] : u16(c->p);
	c->p += w;
	if ((r = need(c, len, lim)) <= 0)
		return r < 0 ? -EINVAL : 0;
	if (v) {
		*v = c->p;
		*vn = len;
	}
	c->p += len;
	return 1;
}

/* Host names are printable ASCII without spaces: anything else is not
 * taken (a wrong name would be worse than none) */
static int host_ok(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f)
			return 0;
	return n > 0;
}

static void sni(const uint8_t *d, size_t n, struct tls_facts *f)
{
	size_t i = 2, len;

	if (n < 2 || u16(d) != n - 2)
		return;
	for (; i + 3 <= n; i += 3 + len) {
		len = u16(d + i + 1);
		if (i + 3 + len > n)
			return;
		if (d[i] != 0)		/* host_name is the only type */
			continue;
		if (len >= TLS_SNI_MAX || !host_ok(d + i + 3, len)) {
			f->flags |= TLS_F_SNI_BAD;
			return;
		}
		memcpy(f->sni, d + i + 3, len);
		f->sni[len] = 0;
		return;
	}
}

/* The protocol names of an ALPN list: joined by commas into out (those
 * that fit), or the first one alone (a server's choice) */
static void alpn(const uint8_t *d, size_t n, char *out, size_t size, int first)
{
	size_t i = 2, k = 0, len;

	if (n < 2 || u16(d) != n - 2)
		return;
	for (; i < n; i += 1 + len) {
		len = d[i];
		if (i + 1 + len > n || !host_ok(d + i + 1, len))
			return;
		if (k + (k ? 1 : 0) + len >= size)
			return;
		if (k)
			out[k++] = ',';
		memcpy(out + k, d + i + 1, len);
		k += len;
		out[k] = 0;
		if (first)
			return;
	}
}

/* One extension's data */
#define SEEN_SV 1		/* supported_versions */
#define SEEN_PSK 2		/* pre_shared_key */

/* One extension's data; *seen gathers SEEN_* */
static void ext(unsigned type, const uint8_t *d, size_t n, struct tls_facts *f, int server,
		unsigned *seen)
{
	if (type == EXT_SERVER_NAME && !server)
		sni(d, n, f);
	else if (type == EXT_ALPN)
		alpn(d, n, server ? f->alpn : f->offered,
		     server ? sizeof(f->alpn) : sizeof(f->offered), server);
	else if (type == EXT_SUPPORTED_VERSIONS && server && n == 2) {
		f->version = (uint16_t)u16(d);
		*seen |= SEEN_SV;
	} else if (type == EXT_PRE_SHARED_KEY && server) {
		*seen |= SEEN_PSK;
	}
}

/* The extensions block up to the message's end (lim): 1 all read, 0 cut
 * short by the capture, -EINVAL overrun. None at all is allowed (TLS 1.0
 * style). */
static int extensions(struct cur *c, const uint8_t *lim, struct tls_facts *f, int server,
		      unsigned *seen)
{
	size_t len;
	int r;

	if (c->p == lim)
		return 1;
	if ((r = need(c, 2, lim)) <= 0)
		return r < 0 ? -EINVAL : 0;
	if (c->p + 2 + u16(c->p) != lim)
		return -EINVAL;
	c->p += 2;
	while (c->p < lim) {
		if ((r = need(c, 4, lim)) <= 0)
			return r < 0 ? -EINVAL : 0;
		len = u16(c->p + 2);
		if ((size_t)(lim - c->p - 4) < len)
			return -EINVAL;
		if ((size_t)(c->end - c->p - 4) < len) {
			c->cut = 1;
			return 0;
		}
		ext(u16(c->p), c->p + 4, len, f, server, seen);
		c->p += 4 + len;
	}
	return 1;
}

int tls_client_hello(const uint8_t *m, size_t n, struct tls_facts *f, uint8_t *sid,
		     uint8_t *sid_n)
{
	const uint8_t *lim, *v;
	unsigned seen = 0;
	struct cur c;
	size_t vn;
	int r;

	if (header(&c, m, n, 1, &lim))
		return -EINVAL;
	f->flags |= TLS_F_CLIENT_HELLO;
	if ((r = need(&c, 34, lim)) <= 0)	/* version, random */
		goto out;
	c.p += 34;
	if ((r = vec(&c, 1, lim, &v, &vn)) <= 0)
		goto out;
	if (vn > 32)
		return -EINVAL;
	memcpy(sid, v, vn);
	*sid_n = (uint8_t)vn;
	if ((r = vec(&c, 2, lim, NULL, NULL)) <= 0 || (r = vec(&c, 1, lim, NULL, NULL)) <= 0)
		goto out;
	r = extensions(&c, lim, f, 0, &seen);
out:
	if (r < 0)
		return -EINVAL;
	if (c.cut)
		f->flags |= TLS_F_CUT;
	return 0;
}

/* SHA-256("HelloRetryRequest"): the random of a HelloRetryRequest */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c
};

/* What a ServerHello says of version and resumption, once read as far
 * as it goes (r: its extensions 1 all read, else 0). A TLS 1.3 ServerHello
 * says 1.2 in its legacy field: cut before its supported_versions, the
 * version is unknown, and so is resumption. */
static void sh_settle(struct tls_facts *f, int r, unsigned seen, int got_sid, int echo)
{
	f->flags &= (uint16_t)~(TLS_F_RESUMED | TLS_F_RESUMED_KNOWN);
	if (!(seen & SEEN_SV) && r <= 0 && f->version >= 0x0303)
		f->version = 0;
	if (f->version == 0x0304) {
		f->alpn[0] = 0;		/* not here in 1.3: it is encrypted */
		if (r > 0)
			f->flags |= TLS_F_RESUMED_KNOWN | (seen & SEEN_PSK ? TLS_F_RESUMED : 0);
	} else if (f->version && got_sid) {
		f->flags |= TLS_F_RESUMED_KNOWN | (echo ? TLS_F_RESUMED : 0);
	}
}

int tls_server_hello(const uint8_t *m, size_t n, struct tls_facts *f, const uint8_t *sid,
		     uint8_t sid_n)
{
	const uint8_t *lim, *v;
	unsigned seen = 0;
	struct cur c;
	size_t vn;
	int r, got_sid = 0, echo = 0;

	if (header(&c, m, n, 2, &lim))
		return -EINVAL;
	f->flags |= TLS_F_SERVER_HELLO;
	f->version = 0;
	if ((r = need(&c, 34, lim)) <= 0)
		goto out;
	f->version = (uint16_t)u16(c.p);
	if (!memcmp(c.p + 2, hrr_random, 32))
		f->flags |= TLS_F_HRR;
	c.p += 34;
	if ((r = vec(&c, 1, lim, &v, &vn)) <= 0)
		goto out;
	if (vn > 32)
		return -EINVAL;
	/* <= 1.2: the client's session id echoed is a resumption */
	got_sid = 1;
	echo = vn && vn == sid_n && !memcmp(v, sid, vn);
	if ((r = need(&c, 3, lim)) <= 0)	/* suite, compression */
		goto out;
	f->cipher = (uint16_t)u16(c.p);
	c.p += 3;
	r = extensions(&c, lim, f, 1, &seen);
out:
	if (r < 0) {
		/* a malformed ServerHello says nothing: not the version or
		 * ALPN of the extensions read before the overrun */
		f->version = 0;
		f->cipher = 0;
		f->alpn[0] = 0;
		return -EINVAL;
	}
	if (c.cut)
		f->flags |= TLS_F_CUT;
	sh_settle(f, r, seen, got_sid, echo);
	return 0;
}
