/* Helpers of the HPACK and HTTP/2 tests: hex, fields as text, and the
 * oracle corpus made by tests/fixtures/h2/gen_hpack.py (python3-hpack). */
#ifndef RAWTEL_TEST_HPACK_T_H
#define RAWTEL_TEST_HPACK_T_H

#include "rawtel/hpack.h"

/* Hex (spaces allowed) into out; the byte count, or -1. */
static inline long t_unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;

		if (*s == ' ' || *s == '\n')
			continue;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else
			return -1;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == cap)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return hi < 0 ? (long)n : -1;
}

/* Fields decoded, as text: "name=value\n" each, with a flag prefix:
 * "?" unknown, "!" hidden, "~" cut. Bytes outside 0x20-0x7e as \xNN. */
struct t_fields {
	char text[65536];
	size_t len;
	int n;
};

static inline void t_put(struct t_fields *t, const char *s, size_t n)
{
	for (size_t i = 0; i < n && t->len + 5 < sizeof(t->text); i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x20 && ch <= 0x7e && ch != '\\')
			t->text[t->len++] = (char)ch;
		else
			t->len += (size_t)snprintf(t->text + t->len, 5, "\\x%02x", ch);
	}
	t->text[t->len] = 0;
}

/* Structure, not data: copied as is. */
static inline void t_raw(struct t_fields *t, const char *s)
{
	size_t n = strlen(s);

	if (t->len + n < sizeof(t->text)) {
		memcpy(t->text + t->len, s, n + 1);
		t->len += n;
	}
}

static inline void t_on_field(void *arg, const struct hpack_field *f)
{
	struct t_fields *t = arg;

	if (f->flags & HPACK_F_UNKNOWN)
		t_raw(t, "?");
	if (f->flags & HPACK_F_HIDDEN)
		t_raw(t, "!");
	if (f->flags & HPACK_F_CUT)
		t_raw(t, "~");
	t_put(t, f->name, f->nlen);
	t_raw(t, "=");
	t_put(t, f->value, f->vlen);
	t_raw(t, "\n");
	t->n++;
}

/* A whole file into a NUL-terminated buffer (path under RAWTEL_TOP). */
static inline char *t_slurp(const char *rel, size_t *len)
{
	const char *top = getenv("RAWTEL_TOP");
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", top ? top : ".", rel);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = 0;
		if (len)
			*len = (size_t)n;
	}
	return buf;
}

#endif
