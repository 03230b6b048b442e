/* pbw: a protobuf writer that fills its buffer from the back: a nested message
 * is written first and its length prefix after it, so every length is
 * known without a sizing pass and nothing is serialised twice. Fields are
 * therefore written in reverse order. Errors are sticky (w->err). */
#ifndef RAWTEL_PBW_H
#define RAWTEL_PBW_H

#include <stdint.h>
#include <string.h>

#include "rawtel/otlp.h"

enum { PB_VARINT = 0, PB_I64 = 1, PB_LEN = 2, PB_I32 = 5 };

/* Inlined even at -Os (the static build): as calls, the helpers every
 * field goes through were a fifth of encoding a span. Only those: forcing
 * the rest and the attribute constructors too cost 16 KB of the static
 * binary for little. */
#define PBW_INLINE static inline __attribute__((always_inline))

struct pbw {
	struct otlp_buf *o;
	size_t pos;		/* output is o->p[pos .. o->cap) */
	int err;
};

/* Room for n more bytes before the output (pbw.c). */
int pbw_make_room(struct pbw *w, size_t n);

PBW_INLINE size_t pbw_size(const struct pbw *w)
{
	return w->o->cap - w->pos;
}

PBW_INLINE uint8_t *pbw_take(struct pbw *w, size_t n)
{
	if (w->pos < n && pbw_make_room(w, n))
		return NULL;
	w->pos -= n;
	return w->o->p + w->pos;
}

/* n (8 to 16) bytes as two overlapping words */
PBW_INLINE void pbw_copy16(uint8_t *d, const uint8_t *p, size_t n)
{
	uint64_t a, b;

	memcpy(&a, p, 8);
	memcpy(&b, p + n - 8, 8);
	memcpy(d, &a, 8);
	memcpy(d + n - 8, &b, 8);
}

/* Most of what is copied are short strings (keys, values, names). At -Os
 * gcc copies any length unknown at compile time with `rep movsb`, whose
 * start-up alone was three quarters of writing a short string field in
 * the static x86 build: up to 32 bytes go in overlapping words here. */
PBW_INLINE void pbw_copy(uint8_t *d, const uint8_t *p, size_t n)
{
#if !defined(__x86_64__) && !defined(__i386__)
	/* elsewhere memcpy is a call to libc's tuned copy: as it is (inlined
	 * at every field, the words cost the arm64 binary ~1 KB) */
	memcpy(d, p, n);
#else
	if (n >= 8 && n <= 16) {
		pbw_copy16(d, p, n);
	} else if (n > 16 && n <= 32) {
		pbw_copy16(d, p, 16);
		pbw_copy16(d + n - 16, p + n - 16, 16);
	} else if (n >= 4 && n < 8) {
		/* two overlapping words, as above: short values ("GET",
		 * "http", "1.1") are many, and a byte loop's exit was a
		 * mispredicted branch each */
		uint32_t a, b;

		memcpy(&a, p, 4);
		memcpy(&b, p + n - 4, 4);
		memcpy(d, &a, 4);
		memcpy(d + n - 4, &b, 4);
	} else if (n < 4) {
		if (n) {
			d[0] = p[0];
			d[n / 2] = p[n / 2];
			d[n - 1] = p[n - 1];
		}
	} else {
		memcpy(d, p, n);
	}
#endif
}

PBW_INLINE void pbw_raw(struct pbw *w, const void *p, size_t n)
{
	uint8_t *d = pbw_take(w, n);

	if (d && n)
		pbw_copy(d, p, n);
}

PBW_INLINE void pbw_varint(struct pbw *w, uint64_t v)
{
	size_t n = 1;
	uint8_t *d;

	if (v < 0x80) {
		/* tags and most lengths: one byte */
		if ((d = pbw_take(w, 1)))
			*d = (uint8_t)v;
		return;
	}
	for (uint64_t t = v >> 7; t; t >>= 7)
		n++;
	if (!(d = pbw_take(w, n)))
		return;
	for (size_t i = 0; i + 1 < n; i++, v >>= 7)
		d[i] = (uint8_t)(v | 0x80);
	d[n - 1] = (uint8_t)v;
}

PBW_INLINE void pbw_tag(struct pbw *w, uint32_t field, uint32_t wt)
{
	pbw_varint(w, (uint64_t)field << 3 | wt);
}

static inline void pbw_le(struct pbw *w, uint64_t v, size_t n)
{
	uint8_t *d = pbw_take(w, n);

	if (d)
		for (size_t i = 0; i < n; i++, v >>= 8)
			d[i] = (uint8_t)v;
}

static inline void pbw_fixed64(struct pbw *w, uint32_t field, uint64_t v)
{
	pbw_le(w, v, 8);
	pbw_tag(w, field, PB_I64);
}

static inline void pbw_double(struct pbw *w, uint32_t field, double d)
{
	uint64_t v;

	memcpy(&v, &d, sizeof(v));
	pbw_fixed64(w, field, v);
}

static inline void pbw_fixed32(struct pbw *w, uint32_t field, uint32_t v)
{
	pbw_le(w, v, 4);
	pbw_tag(w, field, PB_I32);
}

static inline void pbw_uint(struct pbw *w, uint32_t field, uint64_t v)
{
	pbw_varint(w, v);
	pbw_tag(w, field, PB_VARINT);
}

PBW_INLINE void pbw_bytes(struct pbw *w, uint32_t field, const void *p,
			     size_t n)
{
	if (n < 0x80 && field < 16) {
		/* a one-byte tag and length: the three parts in one take */
		uint8_t *d = pbw_take(w, n + 2);

		if (d) {
			d[0] = (uint8_t)(field << 3 | PB_LEN);
			d[1] = (uint8_t)n;
			if (n)
				pbw_copy(d + 2, p, n);
		}
		return;
	}
	pbw_raw(w, p, n);
	pbw_varint(w, n);
	pbw_tag(w, field, PB_LEN);
}

/* Close a length-delimited field whose contents were written since
 * `mark` = pbw_size() was taken. */
PBW_INLINE void pbw_close(struct pbw *w, uint32_t field, size_t mark)
{
	size_t n = pbw_size(w) - mark;

	if (n < 0x80 && field < 16) {
		uint8_t *d = pbw_take(w, 2);

		if (d) {
			d[0] = (uint8_t)(field << 3 | PB_LEN);
			d[1] = (uint8_t)n;
		}
		return;
	}
	pbw_varint(w, n);
	pbw_tag(w, field, PB_LEN);
}

/* proto3: a default-valued singular field is not sent. */
static inline void pbw_str_opt(struct pbw *w, uint32_t field, struct otlp_str s)
{
	if (s.len)
		pbw_bytes(w, field, s.p, s.len);
}

#endif
