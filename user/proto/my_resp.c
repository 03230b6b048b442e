/* Server messages: the greeting (server capabilities), the
 * authentication exchange up to its OK, and in the command phase which
 * request a reply belongs to: a reply starts with the sequence id after
 * its request's last and counts on by one, so a packet that does not
 * fit is a lost framing, never a reply given to the wrong request. */
#include <string.h>

#include "my_int.h"

/* The sequence id the reply to the request `back` places after the
 * head (0: the head) starts with; -1 when no such request waits. */
static int reply_seq(struct my_conn *c, uint64_t back)
{
	if (back < my_queued(c))
		return (uint8_t)(c->q[(c->head + back) % MY_PIPE].seq + 1);
	if (back < my_queued(c) + c->overflow)
		return 1;	/* not kept: commands are one packet */
	return -1;
}

/* States where a reply may have ended without the packet we wait for
 * (an EOF that DEPRECATE_EOF leaves out, on a connection whose
 * capabilities were not seen), or whose last packet was not seen. */
static int may_have_ended(const struct my_reply *r)
{
	return r->unsure || r->state == R_PARAMS_EOF || r->state == R_COLS_EOF;
}

int my_resp_seq_ok(struct my_conn *c, uint8_t seq)
{
	struct my_reply *r = &c->r;

	if (c->phase != PH_CMD)
		return 1;
	if (r->state == R_IDLE) {
		int want = reply_seq(c, 0);

		/* nothing waits: a reply whose request went unseen */
		if (want < 0 && seq == 1)
			my_reply_begin(c, 1);
		else if (want == seq)
			my_reply_begin(c, 0);
		else
			return 0;
	} else if (seq != r->exp) {
		/* the next request's reply begins: this one is over */
		if (!may_have_ended(r) || reply_seq(c, 1) != seq)
			return 0;
		my_finish(c, r->unsure ? DB_X_SIZE_UNKNOWN : 0);
		my_reply_begin(c, 0);
	}
	r->exp = (uint8_t)(seq + 1);
	return 1;
}

void my_resp_lost(struct my_conn *c)
{
	struct my_reply *r = &c->r;

	if (r->orphan) {
		memset(r, 0, sizeof(*r));
		return;
	}
	if (r->state == R_IDLE) {
		if (c->phase != PH_CMD || !(my_queued(c) + c->overflow))
			return;
		/* the server only speaks after a request: what broke the
		 * framing was (the start of) the head request's reply */
		my_reply_begin(c, 0);
		r->start_ns = c->resp.last_ns;
		r->end_ns = c->resp.last_ns;
	}
	r->lost = 1;
}

/* A response side without framing starts again at a syscall whose first
 * packet begins the reply to the next request that waits. */
int my_sync_resp_cmd(struct my_conn *c, uint8_t seq, uint8_t first, uint32_t len,
		     size_t cap, uint64_t total)
{
	struct my_reply *r = &c->r;

	if (r->state != R_IDLE && r->lost) {
		if (reply_seq(c, 1) != seq)
			return 0;
		my_finish(c, DB_X_SIZE_UNKNOWN);
	}
	if (r->state == R_IDLE && reply_seq(c, 0) >= 0)
		return reply_seq(c, 0) == seq;
	if (r->state != R_IDLE)
		return 0;
	/* nothing waits (joined mid-stream, the request unseen): a whole
	 * OK or ERR alone in its syscall is a reply without its request */
	if (seq != 1 || (first != 0x00 && first != 0xff) || len < 3 || cap != total ||
	    total != 4ull + len)
		return 0;
	c->phase = PH_CMD;
	my_reply_begin(c, 1);
	r->exp = seq;
	return 1;
}

void my_greeting(struct my_conn *c, const struct my_side *s)
{
	const uint8_t *p = s->buf, *nul;
	size_t n = s->have, o;

	nul = memchr(p + 1, 0, n - 1);
	if (!nul)
		return;
	c->phase = PH_GREETED;
	/* "5.5.5-10.11.6-MariaDB-0+deb12u1": db.system.name mariadb */
	c->mariadb = 0;
	for (const uint8_t *q = p + 1; q + 7 <= nul && !c->mariadb; q++)
		c->mariadb = !memcmp(q, "MariaDB", 7);
	/* thread id, scramble, filler */
	o = (size_t)(nul - p) + 1 + 4 + 8 + 1;
	if (o + 2 > n)
		return;
	c->srv_caps = my_le16(p + o);
	if (o + 7 <= n)
		c->srv_caps |= my_le16(p + o + 5) << 16;
	/* MariaDB: extended capabilities in the last 4 reserved bytes */
	o += 2 + 1 + 2 + 2 + 1 + 6;
	if (!(c->srv_caps & MY_CAP_MYSQL) && o + 4 <= n)
		c->srv_ext = my_le32(p + o);
}

void my_resp_msg(struct my_conn *c, struct my_side *s)
{
	uint8_t b = s->have ? s->buf[0] : 0;

	switch (c->phase) {
	case PH_START:
		if (s->have > 1 && b == 0x0a && !s->cut)
			my_greeting(c, s);
		return;
	case PH_GREETED:
		return;
	case PH_AUTH:
		/* auth switch (0xfe) and more data (0x01) go on; an ERR
		 * closes the connection */
		if (s->have && b == 0x00)
			c->phase = PH_CMD;
		return;
	default:
		/* the next packet's id follows the message's last packet */
		c->r.exp = (uint8_t)(s->seq + 1);
		my_reply_packet(c, s);
	}
}
