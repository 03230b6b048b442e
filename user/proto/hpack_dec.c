/* HPACK header block decoding (RFC 7541 6): one representation after the
 * other, each passed on as a field; the dynamic table follows every
 * addition and size update. */
#include <errno.h>
#include <string.h>

#include "hpack_int.h"

int hpack_int(const uint8_t *p, size_t len, unsigned prefix, uint32_t *v)
{
	uint32_t max = (1u << prefix) - 1, m = 0;
	uint64_t x;

	if (!len)
		return 0;
	x = p[0] & max;
	if (x < max) {
		*v = (uint32_t)x;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		x += (uint64_t)(p[i] & 0x7f) << m;
		m += 7;
		if (x > UINT32_MAX || m > 35)
			return -EINVAL;
		if (!(p[i] & 0x80)) {
			*v = (uint32_t)x;
			return (int)i + 1;
		}
	}
	return 0;
}

/* A string literal (RFC 7541 5.2) at p[0..n): up to cap bytes into out,
 * its whole decoded length in *len; bytes used, or -EINVAL. */
static long read_str(const uint8_t *p, size_t n, char *out, size_t cap, size_t *len)
{
	uint32_t slen;
	int k = hpack_int(p, n, 7, &slen);

	if (k <= 0 || slen > n - (size_t)k)
		return -EINVAL;
	if (p[0] & 0x80) {
		long dl = hpack_huff_decode(p + k, slen, (uint8_t *)out, cap);

		if (dl < 0)
			return -EINVAL;
		*len = (size_t)dl;
	} else {
		memcpy(out, p + k, slen < cap ? slen : cap);
		*len = slen;
	}
	return k + (long)slen;
}

/* A literal field (RFC 7541 6.2): `prefix` bits of name index; adds it to
 * the table when `indexing`. Bytes used, or -EINVAL. */
static long literal(struct hpack_dec *d, const uint8_t *p, size_t n, unsigned prefix,
		    int indexing, int never, hpack_field_fn fn, void *arg)
{
	struct hpack_got g;
	uint32_t idx;
	size_t nlen = 0, vlen = 0;
	int k = hpack_int(p, n, prefix, &idx), r = 0, hide;
	long s, used;
	unsigned keep = HPACK_E_NAME | HPACK_E_VALUE;

	if (k <= 0)
		return -EINVAL;
	used = k;
	if (idx) {
		r = hpack_lookup(d, idx, &g);
		if (r < 0)
			return -EINVAL;
		if (r == 0 && g.f.name != g.name)
			memcpy(g.name, g.f.name, g.f.nlen);
		nlen = g.f.nlen;
	} else {
		s = read_str(p + used, n - (size_t)used, g.name, sizeof(g.name), &nlen);
		if (s < 0)
			return -EINVAL;
		used += s;
		if (nlen > sizeof(g.name))
			r = 1;	/* a name too long to keep: unknown */
	}
	/* a credential's value is only measured, never copied */
	hide = never || (!r && hpack_secret_name(g.name, nlen));
	s = read_str(p + used, n - (size_t)used, g.value, hide ? 0 : sizeof(g.value), &vlen);
	if (s < 0)
		return -EINVAL;
	used += s;
	g.f.flags = 0;
	g.f.name = g.name;
	g.f.nlen = nlen;
	g.f.value = g.value;
	g.f.vlen_wire = vlen;
	g.f.vlen = vlen < sizeof(g.value) ? vlen : sizeof(g.value);
	if (vlen > sizeof(g.value)) {
		g.f.flags |= HPACK_F_CUT;
		keep |= HPACK_E_CUT;
	}
	if (hide) {
		g.f.flags = (g.f.flags & ~HPACK_F_CUT) | HPACK_F_HIDDEN;
		keep = HPACK_E_NAME | HPACK_E_HIDDEN;
		g.f.vlen = 0;
	}
	if (never)
		g.f.flags |= HPACK_F_NEVER;
	if (r) {
		keep = 0;
		g.f.flags = HPACK_F_UNKNOWN;
		g.f.vlen = 0;
		d->unknown++;
	}
	if (indexing) {
		g.f.flags |= HPACK_F_INDEXED;
		if (r && idx)
			hpack_lose(d);	/* its size is unknown */
		else
			hpack_add(d, &g.f, keep);
	}
	if (r)
		g.f.nlen = 0;
	fn(arg, &g.f);
	return used;
}

static long indexed(struct hpack_dec *d, const uint8_t *p, size_t n, hpack_field_fn fn,
		    void *arg)
{
	struct hpack_got g;
	uint32_t idx;
	int k = hpack_int(p, n, 7, &idx), r;

	if (k <= 0)
		return -EINVAL;
	r = hpack_lookup(d, idx, &g);
	if (r < 0)
		return -EINVAL;
	if (r)
		d->unknown++;
	fn(arg, &g.f);
	return k;
}

static long size_update(struct hpack_dec *d, const uint8_t *p, size_t n)
{
	uint32_t size;
	int k = hpack_int(p, n, 5, &size);

	if (k <= 0)
		return -EINVAL;
	hpack_resize(d, size);
	return k;
}

/* One representation at p[0..n); `fields` so far (size updates come
 * first, RFC 7541 4.2). Bytes used, or -EINVAL. */
static long one(struct hpack_dec *d, const uint8_t *p, size_t n, size_t fields,
		hpack_field_fn fn, void *arg)
{
	if (p[0] & 0x80)
		return indexed(d, p, n, fn, arg);
	if ((p[0] & 0xc0) == 0x40)
		return literal(d, p, n, 6, 1, 0, fn, arg);
	if ((p[0] & 0xe0) == 0x20)
		return fields ? -EINVAL : size_update(d, p, n);
	return literal(d, p, n, 4, 0, (p[0] & 0xf0) == 0x10, fn, arg);
}

int hpack_decode(struct hpack_dec *d, const uint8_t *p, size_t n, hpack_field_fn fn,
		 void *arg)
{
	size_t i = 0, fields = 0;

	d->blocks++;
	while (i < n) {
		int upd = (p[i] & 0xe0) == 0x20;
		long k = one(d, p + i, n - i, fields, fn, arg);

		if (k <= 0) {
			hpack_lose(d);
			return -EINVAL;
		}
		i += (size_t)k;
		fields += !upd;
	}
	return 0;
}
