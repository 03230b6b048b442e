/* The HTTP/1.x message grammar for one direction, one byte at a time
 * (RFC 9112): request and status lines, field lines, Content-Length and
 * chunked bodies, trailers. All state lives in struct http1_side, so a
 * message split anywhere across syscalls parses exactly as in one piece.
 * Nothing is buffered: kept values go straight to their fixed-size
 * destinations and every other byte is only looked at. Bodies and field
 * values that are not kept are skipped in runs. Anything outside the
 * grammar or over a limit ends the framing (http1_lose): the direction
 * then waits for a syscall that starts a message. */
#include <stddef.h>
#include <string.h>

#include "http1_int.h"

static int is_head_state(const struct http1_side *s)
{
	return s->state >= RL_METHOD && s->state <= F_FOLD && !s->trailers;
}

/* Leave the grammar: returns how many bytes were taken. */
static size_t lose_at(struct http1_conn *c, struct http1_side *s, size_t i,
		      uint32_t how)
{
	uint32_t flag = 0;

	if (is_head_state(s))
		flag = s->is_req ? HTTP1_X_REQ_TRUNC : HTTP1_X_RESP_TRUNC;
	http1_lose(c, s, flag | how);
	return i;
}

static size_t bad(struct http1_conn *c, struct http1_side *s, size_t i)
{
	return lose_at(c, s, i, HTTP1_LOSE_BAD);
}

static int is_ctl(uint8_t ch)
{
	return http1_ctl(ch);
}

static int hexval(uint8_t ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 0x20;
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* The empty line: the head (or the trailer section) ends. */
static void head_end(struct http1_conn *c, struct http1_side *s, uint64_t ts)
{
	if (s->trailers)
		http1_msg_done(c, s, ts);
	else
		http1_head_done(c, s, ts);
}

/* One byte of "HTTP/1.<digit>" (s->pos 0..7), in a request or status line. */
static int version_byte(struct http1_side *s, uint8_t ch)
{
	static const char ver[] = "HTTP/1.";

	if (s->pos < 7)
		return ch == (uint8_t)ver[s->pos++] ? 0 : -1;
	if (ch < '0' || ch > '9')
		return -1;
	s->minor = (int8_t)(ch - '0');
	s->pos++;
	return 0;
}

static int request_line_byte(struct http1_conn *c, struct http1_side *s,
			     uint8_t ch)
{
	switch (s->state) {
	case RL_METHOD:
		if (ch == ' ' && s->method_len > 0) {
			struct http1_exchange *x = http1_cur_req(c);

			if (!http1_method_known(s->val, s->method_len))
				s->flags |= HTTP1_X_METHOD_OTHER;
			s->mid = (uint8_t)http1_method_id(s->val, s->method_len);
			if (x) {
				memcpy(x->method, s->val, s->method_len);
				x->method[s->method_len] = 0;
				c->mid[s->seq % HTTP1_PIPELINE] = s->mid;
			}
			s->state = RL_TARGET;
			s->pos = 0;
			return 0;
		}
		/* methods are case-sensitive and every registered one is
		 * upper case: a lower-case "get" is not HTTP */
		if (s->method_len >= HTTP1_METHOD_MAX - 4 ||
		    !((ch >= 'A' && ch <= 'Z') ||
		      (s->method_len > 0 && (ch == '-' || ch == '_'))))
			return -1;
		s->val[s->method_len++] = (char)ch;
		return 0;
	case RL_TARGET:
		if (ch == ' ') {
			if (!s->pos)
				return -1;
			http1_target_done(c, s);
			s->state = RL_VERSION;
			s->pos = 0;
			return 0;
		}
		/* target bytes are taken in runs by head_bytes() */
		return -1;
	default: /* RL_VERSION: "HTTP/1.<digit>" CRLF */
		if (s->pos <= 7)
			return version_byte(s, ch);
		if (ch == '\r' && !s->cr) {
			s->cr = 1;
			return 0;
		}
		if (ch != '\n')
			return -1;
		http1_line_to_fields(s);
		return 0;
	}
}

static int status_line_byte(struct http1_side *s, uint8_t ch)
{
	switch (s->state) {
	case SL_VERSION:
		if (s->pos <= 7)
			return version_byte(s, ch);
		if (ch != ' ')
			return -1;
		s->state = SL_CODE;
		s->pos = 0;
		s->status = 0;
		return 0;
	case SL_CODE:
		if (s->pos < 3) {
			if (ch < '0' || ch > '9')
				return -1;
			s->status = (uint16_t)(s->status * 10 + (ch - '0'));
			if (++s->pos == 3 && s->status < 100)
				return -1;
			return 0;
		}
		/* the reason phrase may be missing, even its space */
		s->state = SL_REASON;
		if (ch == ' ')
			return 0;
		if (ch != '\r' && ch != '\n')
			return -1;
		/* fall through */
	default: /* SL_REASON */
		if (s->cr)
			return ch == '\n' ? (http1_line_to_fields(s), 0) : -1;
		if (ch == '\r') {
			s->cr = 1;
			return 0;
		}
		if (ch == '\n') {
			http1_line_to_fields(s);
			return 0;
		}
		return is_ctl(ch) ? -1 : 0;
	}
}

int http1_field_line_end(struct http1_conn *c, struct http1_side *s)
{
	if (http1_field_done(c, s))
		return -1;
	if (++s->fields > HTTP1_FIELDS_MAX)
		return -1;
	http1_next_line(s, F_LINE);
	return 0;
}

/* Value bytes of a field: OWS at either end is dropped, inner OWS kept
 * (as spaces) only once something follows it. Taken in runs up to the
 * next control byte: fields nobody keeps are only scanned, kept ones
 * go a word at a time. Returns bytes taken, or -1. */
static long value_bytes(struct http1_conn *c, struct http1_side *s,
			const uint8_t *p, size_t n)
{
	uint8_t ch = p[0];
	size_t k = 0;

	if (s->cr)
		return ch == '\n' ? (http1_field_line_end(c, s) ? -1 : 1) : -1;
	if (ch == '\r') {
		s->cr = 1;
		return 1;
	}
	if (ch == '\n')
		return http1_field_line_end(c, s) ? -1 : 1;
	if (is_ctl(ch))
		return -1;
	while (k < n && !is_ctl(p[k]))
		k++;
	if (s->hdr == H_OTHER) {
		s->in_value = 1;
		return (long)k;
	}
	http1_value_run(c, s, p, k);
	return (long)k;
}

/* Bytes of a head or trailer state; returns bytes taken or -1. */
static long head_bytes(struct http1_conn *c, struct http1_side *s,
		       const uint8_t *p, size_t n, uint64_t ts)
{
	uint8_t ch = p[0];

	switch (s->state) {
	case RL_TARGET:
		if (ch > 0x20 && ch != 0x7f) {
			size_t k = 1;

			while (k < n && p[k] > 0x20 && p[k] != 0x7f)
				k++;
			s->pos = 1;
			http1_target_bytes(c, s, p, k);
			return (long)k;
		}
		/* fall through */
	case RL_METHOD:
	case RL_VERSION:
		return request_line_byte(c, s, ch) ? -1 : 1;
	case SL_VERSION:
	case SL_CODE:
	case SL_REASON:
		return status_line_byte(s, ch) ? -1 : 1;
	case F_LINE:
		if (s->cr) {
			if (ch != '\n')
				return -1;
			head_end(c, s, ts);
			return 1;
		}
		if (ch == '\r') {
			s->cr = 1;
			return 1;
		}
		if (ch == '\n') {
			head_end(c, s, ts);
			return 1;
		}
		if (ch == ' ' || ch == '\t') {
			/* obs-fold: a continuation of the previous line,
			 * which servers reject or join; its text is not kept */
			if (!s->fields)
				return -1;
			s->state = F_FOLD;
			return 1;
		}
		if (!http1_tchar(ch))
			return -1;
		s->state = F_NAME;
		s->name_len = 0;
		/* fall through */
	case F_NAME: {
		size_t k = 0;

		if (ch == ':') {
			if (!s->name_len)
				return -1;
			http1_field_name_done(s);
			s->state = F_VALUE;
			return 1;
		}
		while (k < n && http1_tchar(p[k]))
			k++;
		http1_name_bytes(s, p, k);
		return k ? (long)k : -1;
	}
	case F_VALUE:
		return value_bytes(c, s, p, n);
	default: /* F_FOLD */
		if (ch == '\n') {
			http1_next_line(s, F_LINE);
			return 1;
		}
		return is_ctl(ch) && ch != '\r' ? -1 : 1;
	}
}

/* Bytes of a chunk-size line or the CRLF after chunk data. */
static long chunk_bytes(struct http1_side *s, uint8_t ch)
{
	int v;

	switch (s->state) {
	case C_SIZE:
		v = hexval(ch);
		if (v >= 0 && !s->cr) {
			/* 15 hex digits: far past any real body, no overflow */
			if (++s->chunk_digits > 15)
				return -1;
			s->remain = s->remain * 16 + (uint64_t)v;
			return 1;
		}
		if (!s->chunk_digits)
			return -1;
		if (ch == ';' || ch == ' ' || ch == '\t') {
			s->state = C_EXT;
			return 1;
		}
		/* CR, LF */
		/* fall through */
	case C_EXT:
		if (s->cr && ch != '\n')
			return -1;
		if (ch == '\r') {
			s->cr = 1;
			return 1;
		}
		if (ch == '\n') {
			if (s->remain) {
				s->state = C_DATA;
			} else {
				/* last chunk: the trailer section follows */
				s->trailers = 1;
				s->fields = 0;
				http1_next_line(s, F_LINE);
			}
			return 1;
		}
		return is_ctl(ch) ? -1 : 1;
	default: /* C_DATA_END */
		if (ch == '\r' && !s->cr) {
			s->cr = 1;
			return 1;
		}
		if (ch != '\n')
			return -1;
		s->chunk_digits = 0;
		s->remain = 0;
		http1_next_line(s, C_SIZE);
		return 1;
	}
}

/* Body bytes counted without being looked at: as many as the length or
 * the chunk has left, of the `avail` that came. Returns how many. */
static size_t body_bytes(struct http1_conn *c, struct http1_side *s, size_t avail, uint64_t ts)
{
	uint8_t st = s->state;
	uint64_t k = s->remain < avail ? s->remain : avail;

	s->msg_bytes += k;
	s->last_ns = ts;
	s->remain -= k;
	if (!s->remain) {
		if (st == B_LEN) {
			http1_msg_done(c, s, ts);
		} else {
			s->state = C_DATA_END;
			s->cr = 0;
		}
	}
	return (size_t)k;
}

/* Start-line, header and chunk-line bytes from p (n of them): a line that
 * came whole in one step, else one byte through the byte machine.
 * Returns how many were taken, or -1 - k when a rule broke at byte k (the
 * caller leaves the grammar there). */
static long line_bytes(struct http1_conn *c, struct http1_side *s, const uint8_t *p, size_t n,
		       uint64_t ts)
{
	uint8_t st = s->state;
	size_t room = n, line = HTTP1_LINE_MAX + 2 - s->line_len;
	long k = 0;
	int head;

	/* limits: a line may hold HTTP1_LINE_MAX bytes and its CRLF,
	 * a head HTTP1_HEAD_MAX */
	if (s->line_len > HTTP1_LINE_MAX + 1)
		return -1;
	head = is_head_state(s);
	if (head) {
		if (s->head_len >= HTTP1_HEAD_MAX)
			return -1;
		if (room > HTTP1_HEAD_MAX - s->head_len)
			room = HTTP1_HEAD_MAX - s->head_len;
	}
	s->last_ns = ts;
	s->newline = 0;
	/* lines that came whole: one step (see http1_line.c), each within
	 * the line limit there */
	if ((st == F_LINE || st == RL_METHOD || st == SL_VERSION) && !s->line_len && !s->cr)
		k = http1_line(c, s, p, room);
	if (room > line)
		room = line;
	if (k < 0) {
		/* broke a rule at its byte -1 - k: what came before
		 * it counts as the byte machine would count it */
		k = -1 - k;
		s->msg_bytes += (uint64_t)k;
		s->line_len += (uint32_t)k;
		if (head)
			s->head_len += (uint32_t)k;
		return -1 - k;
	}
	if (k > 0) {
		s->msg_bytes += (uint64_t)k;
	} else {
		/* counted first: a message that ends on this byte has it */
		s->msg_bytes++;
		if (st == C_SIZE || st == C_EXT || st == C_DATA_END)
			k = chunk_bytes(s, p[0]);
		else
			k = head_bytes(c, s, p, room, ts);
		if (k < 0) {
			s->msg_bytes--;
			return -1;
		}
		s->msg_bytes += (uint64_t)k - 1;
	}
	/* a whole start line is evidence enough that this is HTTP */
	if (st < F_LINE && s->state == F_LINE) {
		c->seen_http = 1;
		c->misses = 0;
		s->synced = 1;
	}
	/* a line that just ended restarted the count */
	if (!s->newline)
		s->line_len += (uint32_t)k;
	if (head)
		s->head_len += (uint32_t)k;
	return k;
}

size_t http1_parse(struct http1_conn *c, struct http1_side *s,
		   const uint8_t *p, size_t n, uint64_t ts)
{
	size_t i = 0;

	while (i < n) {
		uint8_t st = s->state;
		long k;

		if (st == M_IDLE) {
			/* empty lines before a message are ignored
			 * (RFC 9112 section 2.2) */
			if (p[i] == '\r' || p[i] == '\n') {
				i++;
				continue;
			}
			http1_msg_begin(c, s, ts);
			if (c->done)
				return n;
			continue;
		}
		if (st == D_SEEK || st == D_DEAD)
			return i;
		if (st == B_LEN || st == C_DATA) {
			i += body_bytes(c, s, n - i, ts);
			continue;
		}
		if (st == B_CLOSE) {
			s->msg_bytes += n - i;
			s->last_ns = ts;
			return n;
		}
		k = line_bytes(c, s, p + i, n - i, ts);
		if (k < 0)
			return bad(c, s, i + (size_t)(-1 - k));
		i += (size_t)k;
		if (c->done)
			return n;
	}
	return i;
}

void http1_gap(struct http1_conn *c, struct http1_side *s, uint64_t gap,
	       uint64_t ts)
{
	while (gap) {
		uint64_t k;

		switch (s->state) {
		case B_LEN:
		case C_DATA:
			k = s->remain < gap ? s->remain : gap;
			s->remain -= k;
			s->msg_bytes += k;
			s->last_ns = ts;
			gap -= k;
			if (!s->remain) {
				if (s->state == B_LEN) {
					http1_msg_done(c, s, ts);
				} else {
					s->state = C_DATA_END;
					s->cr = 0;
				}
			}
			break;
		case C_DATA_END:
			/* the CRLF after the data is taken on trust: the
			 * next chunk-size line is what decides */
			k = s->cr ? 1 : 2;
			k = k < gap ? k : gap;
			s->msg_bytes += k;
			gap -= k;
			if (s->cr || k == 2) {
				s->chunk_digits = 0;
				s->remain = 0;
				http1_next_line(s, C_SIZE);
			} else {
				s->cr = 1;
			}
			break;
		case M_IDLE:
			/* a message began where nothing was seen */
			http1_lose_unseen(c, s, ts);
			break;
		case D_DEAD:
			return;
		case D_SEEK:
		case B_CLOSE:
			if (s->active) {
				s->msg_bytes += gap;
				s->last_ns = ts;
			}
			return;
		case C_SIZE:
			/* exactly the five bytes of "0\r\n\r\n" unseen at the
			 * start of a chunk-size line: the last chunk, which a
			 * server writes in the same call as the data before it
			 * (nginx's gzip, a body a little over the capture).
			 * Nothing shorter than six bytes holds another whole
			 * chunk; a cut one is the rare miss, and the next
			 * call's bytes resynchronise. */
			if (gap == 5 && !s->chunk_digits && !s->cr && !s->trailers) {
				s->msg_bytes += 5;
				s->last_ns = ts;
				http1_msg_done(c, s, ts);
				return;
			}
			/* fall through */
		default:
			/* inside a head, a chunk-size line or the trailers:
			 * where the unseen bytes end the framing is unknown.
			 * A first message cut after a known method or a
			 * status code is HTTP all the same. */
			if (s->is_req ? (s->state >= RL_TARGET &&
					 !(s->flags & HTTP1_X_METHOD_OTHER))
				      : s->state >= SL_CODE)
				c->seen_http = 1;
			lose_at(c, s, 0, 0);
			break;
		}
		if (c->done)
			return;
	}
}
