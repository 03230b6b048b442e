/* Whole lines in one step. Almost every start line and field line comes
 * inside one syscall and follows the grammar; the byte machine of
 * http1_msg.c would take such a line in five to twenty steps (each CR,
 * LF, colon and version byte is one), which made it the costliest part
 * of tracing a small request. Here a line is first checked whole, with
 * nothing changed, and only then taken, leaving the side in the state
 * the byte machine would have left it in. Anything else (a line cut by
 * the end of the capture or a limit, obs-fold, the empty line, any
 * grammar error) is left to the byte machine, which says what is wrong
 * and where. */
#include <string.h>

#include "http1_int.h"

/* The first control byte (http1_ctl) at or after p[i], or n: eight bytes
 * at a time (field values are most of a head), the first flagged byte
 * found without a byte loop. */
static size_t ctl_scan(const uint8_t *p, size_t i, size_t n)
{
	while (n - i >= 8) {
		uint64_t w = h1_word(p + i), m = h1_below(w, 0x20) | h1_eq(w, 0x7f);

		if (!m) {
			i += 8;
			continue;
		}
		i += h1_first(m);
		/* HT is flagged with the controls but is not one */
		if (p[i] != '\t')
			return i;
		i++;
	}
	while (i < n && !http1_ctl(p[i]))
		i++;
	return i;
}

/* A field name's length: the tchar bytes at the start. */
static size_t name_scan(const uint8_t *p, size_t n)
{
	size_t k = 0;

	while (k < n && http1_tchar(p[k]))
		k++;
	return k;
}

/* The line's end at p[i]: its length with the (CR) LF, or 0. */
static size_t line_end(const uint8_t *p, size_t i, size_t n)
{
	if (i < n && p[i] == '\n')
		return i + 1;
	if (i + 1 < n && p[i] == '\r' && p[i + 1] == '\n')
		return i + 2;
	return 0;
}

/* "HTTP/1.<digit>" at p[i]: the digit, or -1. */
static int version_at(const uint8_t *p, size_t i, size_t n)
{
	/* "HTTP/1." in a word, little-endian (h1_word) */
	if (n - i < 8 || (h1_word(p + i) & 0xffffffffffffffull) != 0x2e312f50545448ull ||
	    p[i + 7] < '0' || p[i + 7] > '9')
		return -1;
	return p[i + 7] - '0';
}

/* METHOD SP target SP HTTP/1.d (CR) LF */
static long request_line(struct http1_conn *c, struct http1_side *s, const uint8_t *p, size_t n)
{
	size_t m = 0, t, e, len;
	int minor;

	while (m < n && m < HTTP1_METHOD_MAX - 4 &&
	       ((p[m] >= 'A' && p[m] <= 'Z') || (m && (p[m] == '-' || p[m] == '_'))))
		m++;
	if (!m || m >= n || p[m] != ' ')
		return 0;
	t = e = m + 1;
	/* the target: up to a space or a control, eight bytes at a time */
	while (n - e >= 8) {
		uint64_t w = h1_word(p + e), b = h1_below(w, 0x21) | h1_eq(w, 0x7f);

		if (b) {
			e += h1_first(b);
			break;
		}
		e += 8;
	}
	while (e < n && p[e] > 0x20 && p[e] != 0x7f)
		e++;
	if (e == t || e >= n || p[e] != ' ' || (minor = version_at(p, e + 1, n)) < 0 ||
	    !(len = line_end(p, e + 9, n)))
		return 0;

	/* what the byte machine does at each step, in order */
	struct http1_exchange *x = http1_cur_req(c);
	/* looked up once, from the capture (the scratch copy the byte
	 * machine makes is not read once the line is over) */
	int mi = http1_method_index((const char *)p, m);

	s->method_len = (uint8_t)m;
	if (mi < 0)
		s->flags |= HTTP1_X_METHOD_OTHER;
	s->mid = (uint8_t)http1_method_mid(mi);
	if (x) {
		memcpy(x->method, p, m);
		x->method[m] = 0;
		c->mid[s->seq % HTTP1_PIPELINE] = s->mid;
	}
	s->state = RL_TARGET;
	s->pos = 1;
	http1_target_bytes(c, s, p + t, e - t);
	http1_target_done(c, s);
	s->state = RL_VERSION;
	s->pos = 8;
	s->minor = (int8_t)minor;
	http1_line_to_fields(s);
	return (long)len;
}

/* HTTP/1.d SP ddd [SP reason] (CR) LF */
static long status_line(struct http1_side *s, const uint8_t *p, size_t n)
{
	size_t e = 12, len;
	int minor = version_at(p, 0, n);

	if (minor < 0 || n < 13 || p[8] != ' ' || p[9] < '1' || p[9] > '9' ||
	    p[10] < '0' || p[10] > '9' || p[11] < '0' || p[11] > '9')
		return 0;
	if (p[12] == ' ')
		e = ctl_scan(p, 13, n);
	if (!(len = line_end(p, e, n)))
		return 0;
	s->minor = (int8_t)minor;
	s->status = (uint16_t)((p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0'));
	s->pos = 3;
	http1_line_to_fields(s);
	return (long)len;
}

/* name ":" value (CR) LF, at F_LINE */
static long field_line(struct http1_conn *c, struct http1_side *s, const uint8_t *p, size_t n)
{
	size_t k = name_scan(p, n), v, e, len;
	/* names as long as one that matters in this direction (name_id) */
	uint32_t lens = s->is_req ? H_NAME_LENS : H_RESP_NAME_LENS;

	if (!k || k >= n || p[k] != ':')
		return 0;
	v = k + 1;
	e = ctl_scan(p, v, n);
	if (!(len = line_end(p, e, n)))
		return 0;
	if ((k >= 32 || !(lens >> k & 1)) && !s->trailers && s->fields < HTTP1_FIELDS_MAX) {
		/* a field nobody keeps: the state http1_field_name_done and
		 * http1_field_line_end leave, without them */
		s->name_len = (uint8_t)(k < 255 ? k : 255);
		s->hdr = H_OTHER;
		s->val_len = s->sp = 0;
		s->val_total = 0;
		s->in_value = e > v;
		s->fields++;
		http1_next_line(s, F_LINE);
		return (long)len;
	}
	/* the name matched in the capture: the lower-case copy the byte
	 * machine makes is not read once the name is over */
	s->name_len = (uint8_t)(k < 255 ? k : 255);
	http1_field_name_set(s, http1_name_id(p, k, s->is_req));
	s->state = F_VALUE;
	if (e > v) {
		if (s->hdr == H_OTHER)
			s->in_value = 1;
		else
			http1_value_run(c, s, p + v, e - v);
	}
	s->cr = p[e] == '\r';
	if (http1_field_line_end(c, s))
		return -1 - (long)(len - 1);	/* at the LF */
	return (long)len;
}

/* The room of a line starting at p[off] (HTTP1_LINE_MAX and its CRLF) */
static size_t line_room(size_t off, size_t n)
{
	return n - off < HTTP1_LINE_MAX + 2 ? n - off : HTTP1_LINE_MAX + 2;
}

long http1_line(struct http1_conn *c, struct http1_side *s, const uint8_t *p, size_t n)
{
	size_t off = 0;
	long k;

	if (s->state == RL_METHOD)
		return request_line(c, s, p, line_room(0, n));
	if (s->state == SL_VERSION)
		return status_line(s, p, line_room(0, n));
	/* the field lines that follow each other whole, in one call: a
	 * return to the byte machine's loop for each cost as much as the
	 * line's own scan */
	do {
		if ((k = field_line(c, s, p + off, line_room(off, n))) < 0)
			return k - (long)off;
		off += (size_t)k;
	} while (k && off < n && s->state == F_LINE);
	return (long)off;
}
