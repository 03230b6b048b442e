/* HTTP/2 frame payloads (RFC 9113 6): where the content lies (after the
 * pad length, priority or promised stream id; before the padding), what
 * each type's content means, and what a gap in it costs. */
#include "h2_int.h"

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int has_block(uint8_t type)
{
	return type == H2_HEADERS || type == H2_PUSH_PROMISE || type == H2_CONTINUATION;
}

/* A header block left unfinished by another frame: its table is lost. */
static void block_broken(struct h2_conn *c, int dir)
{
	struct h2_side *s = &c->side[dir];
	struct h2_stream *st = h2_stream_find(c, s->block_sid);

	if (st)
		st->x.flags |= H2_X_HEADERS_LOST;
	s->in_block = 0;
	hpack_lose(&s->hp);
}

void h2_frame_begin(struct h2_conn *c, int dir)
{
	struct h2_side *s = &c->side[dir];
	int padded = (s->type == H2_DATA || s->type == H2_HEADERS ||
		      s->type == H2_PUSH_PROMISE) && (s->flags & H2_F_PADDED);

	s->pad = 0;
	s->setn = 0;
	s->lead = padded ? 1 : 0;
	if (s->type == H2_HEADERS && (s->flags & H2_F_PRIORITY))
		s->lead += 5;
	if (s->type == H2_PUSH_PROMISE)
		s->lead += 4;
	if (s->lead > s->len)
		s->lead = s->len;
	if (s->in_block && (s->type != H2_CONTINUATION || s->sid != s->block_sid))
		block_broken(c, dir);
	if (s->type == H2_HEADERS || s->type == H2_PUSH_PROMISE) {
		s->in_block = 1;
		s->block_cut = 0;
		s->blen = 0;
		s->block_sid = s->sid;
		s->block_push = s->type == H2_PUSH_PROMISE;
		s->block_end_stream = s->type == H2_HEADERS && (s->flags & H2_F_END_STREAM);
	}
}

static void settings_byte(struct h2_conn *c, int dir, uint8_t b)
{
	struct h2_side *s = &c->side[dir], *peer = &c->side[!dir];
	uint32_t v;

	s->set[s->setn++] = b;
	if (s->setn < 6)
		return;
	s->setn = 0;
	v = be32(s->set + 2);
	/* the sender's settings bound what its peer sends */
	if (s->set[0] == 0 && s->set[1] == 1)
		hpack_set_limit(&peer->hp, v);
	if (s->set[0] == 0 && s->set[1] == 5 && v >= H2_FRAME_DEFAULT && v < (1u << 24))
		peer->max_frame = v;
}

/* Content bytes p[0..n) of the current frame. */
static void content(struct h2_conn *c, int dir, uint32_t pos, const uint8_t *p, size_t n)
{
	struct h2_side *s = &c->side[dir];

	if (s->type == H2_DATA) {
		h2_stream_data(c, dir, s->sid, p, n, 0);
	} else if (has_block(s->type) && s->in_block) {
		/* the block ends with its last byte (padding may follow in
		 * a later syscall); one whole in one frame and one syscall is
		 * decoded where it lies, never copied */
		int last = (s->flags & H2_F_END_HEADERS) && pos + n == s->len - s->lead - s->pad;

		if (last && !s->blen && !s->block_cut && pos == 0) {
			h2_block_end(c, dir, p, n);
		} else {
			h2_block_add(c, dir, p, n);
			if (last)
				h2_block_end(c, dir, s->blk, s->blen);
		}
	} else if (s->type == H2_SETTINGS && !(s->flags & H2_F_ACK)) {
		for (size_t i = 0; i < n; i++)
			settings_byte(c, dir, p[i]);
	} else {
		for (size_t i = 0; i < n && pos + i < sizeof(s->ctl); i++)
			s->ctl[pos + i] = p[i];
	}
}

size_t h2_payload(struct h2_conn *c, int dir, const uint8_t *p, size_t n)
{
	struct h2_side *s = &c->side[dir];
	size_t k = s->len - s->off < n ? s->len - s->off : n, i = 0;
	uint32_t pos = s->off;

	for (; i < k && pos < s->lead; i++, pos++) {
		if (pos == 0 && (s->flags & H2_F_PADDED) && s->type != H2_CONTINUATION) {
			/* a pad length past the payload is the sender's
			 * error: take what is there as padding */
			s->pad = p[i] <= s->len - s->lead ? p[i] : s->len - s->lead;
		}
		if (pos < sizeof(s->ctl))
			s->ctl[pos] = p[i];
	}
	if (i < k && pos < s->len - s->pad) {
		size_t m = s->len - s->pad - pos < k - i ? s->len - s->pad - pos : k - i;

		content(c, dir, pos - s->lead, p + i, m);
	}
	return k;
}

void h2_payload_gap(struct h2_conn *c, int dir, uint32_t k)
{
	struct h2_side *s = &c->side[dir];
	uint32_t from = s->off > s->lead ? s->off : s->lead, to = s->off + k;

	if (to > s->len - s->pad)
		to = s->len - s->pad;
	if (to <= from)
		return;
	if (s->type == H2_DATA)
		h2_stream_data(c, dir, s->sid, NULL, 0, to - from);
	else if (has_block(s->type))
		s->block_cut = 1;
	else if (s->type == H2_SETTINGS)
		s->setn = 0;
	else
		s->type = 0xff;	/* a control frame not seen whole: ignored */
}

void h2_frame_end(struct h2_conn *c, int dir)
{
	struct h2_side *s = &c->side[dir];

	switch (s->type) {
	case H2_DATA:
		if (s->flags & H2_F_END_STREAM)
			h2_stream_end(c, dir, s->sid);
		break;
	case H2_HEADERS:
	case H2_PUSH_PROMISE:
	case H2_CONTINUATION:
		if (s->in_block && (s->flags & H2_F_END_HEADERS))
			h2_block_end(c, dir, s->blk, s->blen);
		break;
	case H2_RST_STREAM:
		if (s->len == 4)
			h2_stream_reset(c, s->sid, be32(s->ctl));
		break;
	case H2_GOAWAY:
		if (s->len >= 8)
			h2_goaway(c, dir, be32(s->ctl) & 0x7fffffffu, be32(s->ctl + 4));
		break;
	default:
		break;
	}
}
