/* jw: an appending JSON writer over an otlp_buf. Errors are sticky (w->err);
 * strings are escaped so the output is always valid JSON in UTF-8: control
 * characters become escapes and invalid UTF-8 becomes U+FFFD. */
#ifndef RAWTEL_JW_H
#define RAWTEL_JW_H

#include <stddef.h>
#include <stdint.h>

#include "rawtel/otlp.h"

struct jw {
	struct otlp_buf *o;
	int err;
	int first;		/* no member written yet in the open object/array */
};

/* "..." with escaping */
void jw_str(struct jw *w, const char *p, size_t n);
/* Opening/closing brackets and separators: jw_open('{'), then jw_key()
 * per member or jw_elem() per array element, then jw_close('}'). */
void jw_open(struct jw *w, char c);
void jw_close(struct jw *w, char c);
void jw_key(struct jw *w, const char *key);
void jw_elem(struct jw *w);
/* Scalars, written after jw_key/jw_elem. */
void jw_u64(struct jw *w, uint64_t v);		/* 12 */
void jw_u64q(struct jw *w, uint64_t v);		/* "12": 64-bit per proto3 JSON */
void jw_i64q(struct jw *w, int64_t v);
void jw_double(struct jw *w, double d);		/* shortest; "NaN", "Infinity" */
void jw_bool(struct jw *w, int v);
void jw_hex(struct jw *w, const uint8_t *p, size_t n);	/* "0a1b" */
void jw_base64(struct jw *w, const uint8_t *p, size_t n);

#endif
