/* What a PostgreSQL message may look like: type letters per direction,
 * their length rules, and body checks for whole messages. Used to detect
 * the protocol from a connection's first bytes and to find the framing
 * again at a syscall's start after it was lost: random bytes must pass
 * all of these to be taken as messages. */
#include <string.h>

#include "pg_int.h"

/* Length field bounds per type: [min, max]; 0 max: no such type. */
struct pg_lim {
	uint32_t min, max;
};

static struct pg_lim fe_lim(uint8_t t)
{
	switch (t) {
	case 'S': case 'H': case 'X': case 'c':
		return (struct pg_lim){ 4, 4 };
	case 'Q': return (struct pg_lim){ 5, PG_MAX_LEN };
	case 'P': return (struct pg_lim){ 8, PG_MAX_LEN };
	case 'B': return (struct pg_lim){ 12, PG_MAX_LEN };
	case 'F': return (struct pg_lim){ 14, PG_MAX_LEN };
	case 'E': return (struct pg_lim){ 9, 4096 };
	case 'D': case 'C': return (struct pg_lim){ 6, 4096 };
	case 'p': case 'd': return (struct pg_lim){ 4, PG_MAX_LEN };
	case 'f': return (struct pg_lim){ 5, 65536 };
	default: return (struct pg_lim){ 0, 0 };
	}
}

static struct pg_lim be_lim(uint8_t t)
{
	switch (t) {
	case 'Z': return (struct pg_lim){ 5, 5 };
	case 'I': case '1': case '2': case '3': case 'n': case 's': case 'c':
		return (struct pg_lim){ 4, 4 };
	case 'K': return (struct pg_lim){ 12, 264 };
	case 'R': return (struct pg_lim){ 8, 65536 };
	case 'S': return (struct pg_lim){ 6, 65536 };
	case 'C': return (struct pg_lim){ 5, 4096 };
	case 'E': case 'N': return (struct pg_lim){ 5, 1u << 20 };
	case 'T': case 't': case 'D': return (struct pg_lim){ 6, PG_MAX_LEN };
	case 'G': case 'H': case 'W': return (struct pg_lim){ 7, 65536 };
	case 'd': return (struct pg_lim){ 4, PG_MAX_LEN };
	case 'A': return (struct pg_lim){ 10, PG_MAX_LEN };
	case 'V': return (struct pg_lim){ 8, PG_MAX_LEN };
	case 'v': return (struct pg_lim){ 12, 65536 };
	default: return (struct pg_lim){ 0, 0 };
	}
}

int pg_type_ok(int fe, uint8_t t, uint32_t len)
{
	struct pg_lim l = fe ? fe_lim(t) : be_lim(t);

	return l.max && len >= l.min && len <= l.max;
}

long pg_cstr(const uint8_t *p, size_t n)
{
	const uint8_t *z = memchr(p, 0, n);

	return z ? (long)(z - p) : -1;
}

/* text that ends at the body's end with its NUL */
static int text_ok(const uint8_t *b, size_t n)
{
	return n && pg_cstr(b, n) == (long)n - 1;
}

/* ErrorResponse / NoticeResponse: (code byte, string)* then a 0 byte */
static int fields_ok(const uint8_t *b, size_t n)
{
	size_t i = 0;

	while (i < n && b[i]) {
		long k;

		if (b[i] < 'A' || b[i] > 'z')
			return 0;
		k = pg_cstr(b + i + 1, n - i - 1);
		if (k < 0)
			return 0;
		i += (size_t)k + 2;
	}
	return i + 1 == n;
}

static int auth_ok(const uint8_t *b, size_t n)
{
	uint32_t code = pg_be32(b);

	switch (code) {
	case 0: case 2: case 3: case 6: case 7: case 9:
		return n == 4;
	case 5: return n == 8;
	case 8: case 10: case 11: case 12: return 1;
	default: return 0;
	}
}

/* A whole message's body (n bytes), the checks its type allows. */
static int body_ok(int fe, uint8_t t, const uint8_t *b, size_t n)
{
	if (fe) {
		if (t == 'Q')
			return text_ok(b, n);
		if (t == 'D' || t == 'C')
			return (b[0] == 'S' || b[0] == 'P') && text_ok(b + 1, n - 1);
		if (t == 'E' || t == 'P' || t == 'B')
			return pg_cstr(b, n) >= 0;
		return 1;
	}
	switch (t) {
	case 'Z': return b[0] == 'I' || b[0] == 'T' || b[0] == 'E';
	case 'C': return text_ok(b, n) && b[0] >= 'A' && b[0] <= 'Z';
	case 'E': case 'N': return fields_ok(b, n);
	case 'R': return auth_ok(b, n);
	case 'S': return pg_cstr(b, n) >= 0 && b[n - 1] == 0;
	case 'T': case 'D': case 't': return n >= 2 && (b[0] << 8 | b[1]) <= 1664;
	default: return 1;
	}
}

int pg_chain(int fe, const uint8_t *p, size_t n, unsigned *whole)
{
	size_t i = 0;

	*whole = 0;
	while (i < n) {
		uint32_t len;

		if (n - i < 5)
			return (fe ? fe_lim(p[i]).max : be_lim(p[i]).max) ? 1 : 0;
		len = pg_be32(p + i + 1);
		if (!pg_type_ok(fe, p[i], len))
			return 0;
		if (n - i - 1 < len)
			return 1;
		if (!body_ok(fe, p[i], p + i + 5, len - 4))
			return 0;
		i += 1 + (size_t)len;
		++*whole;
	}
	return 2;
}

uint32_t pg_untyped(const uint8_t *p, size_t n)
{
	uint32_t len, code;

	if (n < 8)
		return 0;
	len = pg_be32(p);
	code = pg_be32(p + 4);
	if (code == PG_SSL_CODE || code == PG_GSS_CODE)
		return len == 8 ? code : 0;
	if (code == PG_CANCEL_CODE)
		return len >= 16 && len <= 264 ? code : 0;
	if (code != PG_V30 && code != PG_V32)
		return 0;
	if (len < 9 || len > 10000)
		return 0;
	/* the first parameter's name (or the list's end) */
	if (n > 8 && p[8] && (p[8] < 'a' || p[8] > 'z') && p[8] != '_')
		return 0;
	return code;
}

int pg_detect(enum proto_role role, enum proto_dir dir, const uint8_t *p, size_t cap,
	      uint64_t total)
{
	int fe = (role == PROTO_SERVER) == (dir == PROTO_RECV);
	unsigned whole;
	int r;

	if (!p || !cap || cap > total)
		return PROTO_NO;
	if (fe && pg_untyped(p, cap))
		return PROTO_YES;
	if (!fe && cap == 1 && total == 1 && (p[0] == 'N' || p[0] == 'S' || p[0] == 'G'))
		return PROTO_MAYBE;
	r = pg_chain(fe, p, cap, &whole);
	if (r == 2 && cap == total)
		return PROTO_YES;
	/* a lone header: too little to be sure */
	if (r == 1 && cap < 5 && cap == total)
		return PROTO_NO;
	return r ? PROTO_MAYBE : PROTO_NO;
}
