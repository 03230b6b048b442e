/* MySQL packet framing of one direction: 3-byte length, sequence id,
 * payload; a 0xffffff-byte packet continues in the next one. Only the
 * first `keep` bytes of each logical message are kept (what the
 * command or reply needs); the rest is counted, and gaps inside a packet
 * are skipped exactly since its length is known. */
#include <string.h>

#include "my_int.h"

/* How much of a reply's payload is worth keeping, from its first byte:
 * an OK (with its session state), a greeting, an EOF; for the rest
 * (definitions, rows, ERR) the first bytes say all. */
static uint32_t resp_keep(uint8_t first)
{
	return first == 0x00 || first == 0xfe || first == 0x0a ? MY_RESP_KEEP : 16;
}

/* A message ended: hand it over. */
static void msg_done(struct my_conn *c, struct my_side *s)
{
	s->in_msg = 0;
	if (s->is_req)
		my_req_msg(c, s);
	else
		my_resp_msg(c, s);
}

static void packet_end(struct my_conn *c, struct my_side *s)
{
	s->state = S_HDR;
	s->hdr_have = 0;
	if (!s->more)
		msg_done(c, s);
}

/* The header is whole: -1 when its sequence id cannot be here. */
static int packet_begin(struct my_conn *c, struct my_side *s, uint64_t ts)
{
	uint32_t len = my_le24(s->hdr);
	uint8_t seq = s->hdr[3];

	if (s->in_msg) {
		if (seq != (uint8_t)(s->seq + 1))
			return -1;
	} else {
		if (!(s->is_req ? my_req_seq_ok(c, seq) : my_resp_seq_ok(c, seq)))
			return -1;
		s->in_msg = 1;
		s->first_seq = seq;
		s->start_ns = ts;
		s->len = 0;
		s->wire = 0;
		s->have = 0;
		s->keep = 1;
		s->cut = 0;
		s->gap = 0;
		s->wipe_from = 0;
		s->wipe_to = 0;
	}
	s->seq = seq;
	s->remain = len;
	s->more = len == MY_PKT_MAX;
	s->wire += 4;
	s->state = S_BODY;
	return 0;
}

static void body_bytes(struct my_conn *c, struct my_side *s, const uint8_t *p, size_t k)
{
	if (s->len == 0)
		s->keep = s->is_req ? my_req_keep(c, s, p[0]) : resp_keep(p[0]);
	if (s->have == s->len && s->len < s->keep) {
		size_t room = s->keep - s->have;
		size_t m = k < room ? k : room;

		memcpy(s->buf + s->have, p, m);
		s->have += (uint32_t)m;
		if (s->is_req && c->phase == PH_GREETED)
			my_hs_scrub(s);
	}
	s->len += k;
	s->wire += k;
	s->remain -= (uint32_t)k;
}

void my_frame_bytes(struct my_conn *c, struct my_side *s, const uint8_t *p, size_t n,
		    uint64_t ts)
{
	s->last_ns = ts;
	while (n && s->state != S_SEEK && !c->done) {
		if (s->state == S_HDR) {
			size_t k = 4u - s->hdr_have;

			if (k > n)
				k = n;
			memcpy(s->hdr + s->hdr_have, p, k);
			s->hdr_have += (uint8_t)k;
			p += k;
			n -= k;
			if (s->hdr_have < 4)
				return;
			if (packet_begin(c, s, ts) < 0) {
				my_frame_lose(c, s);
				return;
			}
		} else {
			size_t k = n < s->remain ? n : s->remain;

			body_bytes(c, s, p, k);
			p += k;
			n -= k;
		}
		if (s->state == S_BODY && !s->remain)
			packet_end(c, s);
	}
}

void my_frame_gap(struct my_conn *c, struct my_side *s, uint64_t gap, uint64_t ts)
{
	if (!gap || s->state == S_SEEK || c->done)
		return;
	s->last_ns = ts;
	if (s->state == S_BODY && gap <= s->remain) {
		if (s->len < s->keep || s->len == 0)
			s->cut = 1;
		if (s->is_req && c->phase == PH_GREETED) {
			/* a handshake response not seen whole: nothing of it
			 * is kept (its authentication data is not known) */
			memset(s->buf, 0, s->have);
			s->have = 0;
		}
		s->gap = 1;
		s->remain -= (uint32_t)gap;
		s->len += gap;
		s->wire += gap;
		if (!s->remain)
			packet_end(c, s);
		return;
	}
	/* a header unseen: where the packets go on is unknown */
	my_frame_lose(c, s);
}

void my_frame_lose(struct my_conn *c, struct my_side *s)
{
	int was_in = s->in_msg;

	MY_STAT(c, sync_lost, 1);
	s->state = S_SEEK;
	s->lost = 1;
	s->in_msg = 0;
	s->hdr_have = 0;
	if (s->is_req) {
		if (was_in)
			my_req_lost(c, s);
	} else {
		my_resp_lost(c);
	}
}
