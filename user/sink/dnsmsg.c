/* DNS query and answer (see include/rawtel/dnsmsg.h). Names are compared
 * in wire form, lower-cased, so the question the server echoes and the
 * owners along a CNAME chain match the way DNS defines it. */
#include <errno.h>
#include <string.h>

#include "rawtel/dnsmsg.h"

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int dnsmsg_query(uint8_t *q, uint16_t id, const char *name, uint16_t qtype)
{
	static const uint8_t head[10] = { 1, 0, 0, 1 };	/* RD; one question */
	size_t lab = 12, o = 13;

	q[0] = id >> 8;
	q[1] = id & 255;
	memcpy(q + 2, head, 10);
	for (const char *p = name;; p++) {
		if (*p && *p != '.') {
			if (o >= 12 + 254)
				return -EINVAL;
			q[o++] = lower((uint8_t)*p);
			continue;
		}
		size_t l = o - lab - 1;

		if (!l || l > 63)
			return -EINVAL;
		q[lab] = (uint8_t)l;
		lab = o++;
		if (!*p)
			break;
	}
	q[lab] = 0;
	q[o++] = 0;
	q[o++] = (uint8_t)qtype;	/* A and AAAA fit in the low byte */
	q[o++] = 0;
	q[o++] = 1;			/* class IN */
	return (int)o;
}

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* Decode the name at m[off] into out (wire form, lower-cased, *olen
 * bytes with the root label). Returns the offset after the name where it
 * is stored, or -1. */
static int name_at(const uint8_t *m, size_t len, size_t off, uint8_t *out, size_t *olen)
{
	int end = -1;
	size_t o = 0;

	for (;;) {
		if (off >= len)
			return -1;
		size_t c = m[off];

		if (c >= 0xc0) {
			size_t to = (c & 0x3f) << 8 | (off + 1 < len ? m[off + 1] : 0xff);

			if (to >= off)	/* forward or self: no loops, no escape */
				return -1;
			if (end < 0)
				end = (int)off + 2;
			off = to;
			continue;
		}
		if (c > 63 || off + 1 + c > len || o + 1 + c > 255)
			return -1;
		for (size_t i = 0; i <= c; i++)
			out[o++] = lower(m[off + i]);
		off += c + 1;
		if (!c) {
			*olen = o;
			return end < 0 ? (int)off : end;
		}
	}
}

int dnsmsg_answer(const uint8_t *m, size_t len, const uint8_t *q, size_t qlen,
		  uint8_t (*addrs)[16], int max, int *n)
{
	uint8_t want[255], nm[255];
	size_t wl, nl, alen = q[qlen - 3] == DNSMSG_A ? 4 : 16;
	int off;

	if (len < 12 || memcmp(m, q, 2) || (m[2] & 0xf8) != 0x80 || be16(m + 4) != 1)
		return -ESRCH;
	off = name_at(m, len, 12, want, &wl);
	if (off < 0 || wl != qlen - 16 || memcmp(want, q + 12, wl) || (size_t)off + 4 > len ||
	    memcmp(m + off, q + qlen - 4, 4))
		return -ESRCH;
	if (m[2] & 2)
		return -EMSGSIZE;
	if (m[3] & 15)
		return m[3] & 15;
	off += 4;
	for (unsigned i = be16(m + 6); i; i--) {
		off = name_at(m, len, (size_t)off, nm, &nl);
		if (off < 0 || (size_t)off + 10 > len || (size_t)off + 10 + be16(m + off + 8) > len)
			return -EBADMSG;
		unsigned type = be16(m + off), rdlen = be16(m + off + 8);
		int rd = off + 10, mine = nl == wl && !memcmp(nm, want, wl) && be16(m + off + 2) == 1;

		off = rd + (int)rdlen;
		if (mine && type == 5 && name_at(m, (size_t)off, (size_t)rd, want, &wl) < 0)
			return -EBADMSG;
		if (mine && type == q[qlen - 3]) {
			if (rdlen != alen)
				return -EBADMSG;
			if (*n < max)
				memcpy(addrs[(*n)++], m + rd, alen);
		}
	}
	return 0;
}
