/* HTTP/2 framing of one direction: the client preface, 9-byte frame
 * headers gathered across syscalls, payloads handed to h2_payload.c, gaps
 * skipped exactly inside a payload, and resynchronisation on plausible
 * frame headers at a syscall's start when the framing was lost. */
#include <string.h>

#include "h2_int.h"

static uint32_t be24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

/* Flags each frame type defines (RFC 9113 6): senders set no others. */
static const uint8_t h2_type_flags[10] = {
	[H2_DATA] = H2_F_END_STREAM | H2_F_PADDED,
	[H2_HEADERS] = H2_F_END_STREAM | H2_F_END_HEADERS | H2_F_PADDED | H2_F_PRIORITY,
	[H2_SETTINGS] = H2_F_ACK,
	[H2_PUSH_PROMISE] = H2_F_END_HEADERS | H2_F_PADDED,
	[H2_PING] = H2_F_ACK,
	[H2_CONTINUATION] = H2_F_END_HEADERS,
};

/* One frame header as a careful sender writes it. */
static int header_ok(const uint8_t *h, uint32_t max_frame)
{
	uint32_t len = be24(h), sid;
	uint8_t type = h[3], flags = h[4];

	if (type > H2_CONTINUATION || len > max_frame || (h[5] & 0x80))
		return 0;
	if (flags & ~h2_type_flags[type])
		return 0;
	sid = (uint32_t)h[5] << 24 | (uint32_t)h[6] << 16 | (uint32_t)h[7] << 8 | h[8];
	switch (type) {
	case H2_SETTINGS:
		return !sid && len % 6 == 0 && (!(flags & H2_F_ACK) || !len);
	case H2_PING:
		return !sid && len == 8;
	case H2_GOAWAY:
		return !sid && len >= 8;
	case H2_WINDOW_UPDATE:
		return len == 4;
	case H2_RST_STREAM:
		return sid && len == 4;
	case H2_PRIORITY:
		return sid && len == 5;
	default:
		return sid != 0;
	}
}

/* 1 when p[0..n) starts with a chain of plausible frame headers (each one
 * that lies within the captured bytes), at least one whole. */
int h2_plausible(const uint8_t *p, size_t n, uint32_t max_frame)
{
	size_t i = 0;

	if (n < 9)
		return 0;
	while (i + 9 <= n) {
		if (!header_ok(p + i, max_frame))
			return 0;
		i += 9 + (size_t)be24(p + i);
	}
	return 1;
}

void h2_side_lose(struct h2_conn *c, int dir)
{
	struct h2_side *s = &c->side[dir];

	if (s->state != H2_S_LOST)
		h2_stat(c, sync_lost, 1);
	if (h2_is_req(c, dir))
		c->req_gap = 1;	/* request headers may have been lost */
	s->state = H2_S_LOST;
	s->in_block = 0;
	hpack_lose(&s->hp);
	/* what was not seen may have been any stream's frames (a response's
	 * end: those streams are in doubt) */
	for (int i = 0; i < H2_STREAMS; i++)
		if (c->st[i].used) {
			c->st[i].g[!h2_is_req(c, dir)].lost = 1;
			c->st[i].doubt |= !h2_is_req(c, dir);
		}
}

/* The first bytes of a direction: the client preface (a fresh
 * connection), or a first frame header, judged when whole (probe). */
static void side_start(struct h2_conn *c, int dir, const uint8_t *p, size_t n)
{
	struct h2_side *s = &c->side[dir];
	size_t k = n < H2_PREFACE_LEN ? n : H2_PREFACE_LEN;

	if (n && !memcmp(p, H2_PREFACE, k)) {
		s->state = H2_S_PREFACE;
		c->synced_ever = 1;
		if (!c->first_sid)
			c->first_sid = 1;	/* no stream began before */
	} else if (n >= 9 && !h2_plausible(p, n, H2_FRAME_DEFAULT)) {
		s->state = H2_S_LOST;
		hpack_lose(&s->hp);
	} else {
		s->state = H2_S_HEAD;
		s->probe = 1;
	}
}

/* The first frame header of a direction: HTTP/2 or not; a server's first
 * SETTINGS is a fresh start, anything else joins a connection late (the
 * dynamic table is unknown). 0 when it is no frame header. */
static int probe(struct h2_conn *c, int dir)
{
	struct h2_side *s = &c->side[dir];

	s->probe = 0;
	if (!h2_plausible(s->hdr, 9, H2_FRAME_DEFAULT)) {
		s->state = H2_S_LOST;
		hpack_lose(&s->hp);
		h2_stat(c, skipped, 1);
		if (!c->synced_ever && ++c->misses >= H2_PROBE_MISSES)
			c->done = 1;
		return 0;
	}
	c->synced_ever = 1;
	if (h2_is_req(c, dir) || s->hdr[3] != H2_SETTINGS || (s->hdr[4] & H2_F_ACK))
		hpack_lose(&s->hp);
	return 1;
}

/* A frame header: read in place when the syscall holds all of it (most
 * do: a copy of 9 bytes was the static build's byte-wise `rep movsb`, a
 * seventh of h2_feed's time), else gathered in s->hdr. */
static size_t head_bytes(struct h2_conn *c, int dir, const uint8_t *p, size_t n)
{
	struct h2_side *s = &c->side[dir];
	const uint8_t *h = p;
	size_t k = 9;

	if (s->hlen || n < 9 || s->probe) {
		k = 9u - s->hlen < n ? 9u - s->hlen : n;
		memcpy(s->hdr + s->hlen, p, k);
		s->hlen = (uint8_t)(s->hlen + k);
		if (s->hlen < 9)
			return k;
		s->hlen = 0;
		h = s->hdr;
		if (s->probe && !probe(c, dir))
			return n;
	}
	s->len = be24(h);
	s->type = h[3];
	s->flags = h[4];
	s->sid = ((uint32_t)h[5] << 24 | (uint32_t)h[6] << 16 | (uint32_t)h[7] << 8 | h[8]) &
		 0x7fffffffu;
	s->off = 0;
	s->state = H2_S_PAYLOAD;
	h2_frame_begin(c, dir);
	if (!s->len) {
		s->state = H2_S_HEAD;
		h2_frame_end(c, dir);
	}
	return k;
}

static size_t preface_bytes(struct h2_conn *c, int dir, const uint8_t *p, size_t n)
{
	struct h2_side *s = &c->side[dir];
	size_t k = 0;

	while (k < n && s->pre < H2_PREFACE_LEN) {
		if (p[k] != (uint8_t)H2_PREFACE[s->pre]) {
			h2_side_lose(c, dir);
			return n;
		}
		s->pre++;
		k++;
	}
	if (s->pre == H2_PREFACE_LEN)
		s->state = H2_S_HEAD;
	return k;
}

/* A syscall starting while unsynced: frames found again, or passed. */
static int resync(struct h2_conn *c, int dir, const uint8_t *p, size_t n)
{
	struct h2_side *s = &c->side[dir];

	if (!h2_plausible(p, n, s->max_frame)) {
		h2_stat(c, skipped, 1);
		if (!c->synced_ever && ++c->misses >= H2_PROBE_MISSES)
			c->done = 1;
		return 0;
	}
	if (c->synced_ever)
		h2_stat(c, resyncs, 1);
	c->synced_ever = 1;
	s->state = H2_S_HEAD;
	s->hlen = 0;
	return 1;
}

void h2_side_bytes(struct h2_conn *c, int dir, const uint8_t *p, size_t n)
{
	struct h2_side *s = &c->side[dir];
	size_t i = 0;

	if (s->state == H2_S_START)
		side_start(c, dir, p, n);
	if (s->state == H2_S_LOST && !resync(c, dir, p, n))
		return;
	while (i < n && s->state != H2_S_LOST) {
		if (s->state == H2_S_PREFACE) {
			i += preface_bytes(c, dir, p + i, n - i);
		} else if (s->state == H2_S_HEAD) {
			i += head_bytes(c, dir, p + i, n - i);
		} else {
			size_t k = h2_payload(c, dir, p + i, n - i);

			i += k;
			s->off += (uint32_t)k;
			if (s->off == s->len) {
				s->state = H2_S_HEAD;
				h2_frame_end(c, dir);
			}
		}
	}
}

void h2_side_gap(struct h2_conn *c, int dir, uint64_t gap)
{
	struct h2_side *s = &c->side[dir];

	if (!gap)
		return;
	h2_stat(c, gap_bytes, gap);
	if (s->state == H2_S_PAYLOAD) {
		uint32_t k = s->len - s->off < gap ? s->len - s->off : (uint32_t)gap;

		h2_payload_gap(c, dir, k);
		s->off += k;
		gap -= k;
		if (s->off == s->len) {
			s->state = H2_S_HEAD;
			h2_frame_end(c, dir);
		}
	}
	if (gap && s->state != H2_S_LOST)
		h2_side_lose(c, dir);
}
