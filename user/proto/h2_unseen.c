/* Streams begun unseen. A client opens streams in increasing id order
 * (RFC 9113 5.1.1), so once the request direction has lost frames (a
 * capture cut short, a record lost), an id above the highest seen tells
 * that the ids between opened streams whose request headers were in the
 * lost bytes. They wait in a window of H2_UNSEEN ids: a response to one
 * of them is still a stream (without request); one never answered while
 * it is in the window, or when the connection ends, is counted
 * (proto_stats.unseen). A stream is thereby either reported or counted,
 * never both. Without a loss, skipped ids are no streams (a client may
 * leave ids idle, as priority placeholders): nothing is counted. */
#include "h2_int.h"

static void count(struct h2_conn *c, uint64_t n)
{
	h2_stat(c, unseen, n);
}

/* Slide the window so that `sid` fits: ids leaving it are counted. */
static void slide(struct h2_conn *c, uint32_t sid)
{
	uint32_t shift;

	if (!c->unseen) {
		c->unseen_base = sid;
		return;
	}
	if (sid < c->unseen_base + 2u * H2_UNSEEN)
		return;
	shift = (sid - c->unseen_base) / 2 - (H2_UNSEEN - 1);
	if (shift >= H2_UNSEEN) {
		count(c, (uint64_t)__builtin_popcountll(c->unseen));
		c->unseen = 0;
		c->unseen_base = sid;
		return;
	}
	count(c, (uint64_t)__builtin_popcountll(c->unseen & ((1ull << shift) - 1)));
	c->unseen >>= shift;
	c->unseen_base += 2 * shift;
}

/* The odd ids [a, b] began unseen. */
static void add(struct h2_conn *c, uint32_t a, uint32_t b)
{
	uint64_t n = (uint64_t)(b - a) / 2 + 1;

	if (n > H2_UNSEEN) {
		/* more than the window holds: the oldest are counted now */
		count(c, n - H2_UNSEEN);
		a = b - 2 * (H2_UNSEEN - 1);
	}
	for (uint32_t sid = a; sid <= b && sid >= a; sid += 2) {
		slide(c, sid);
		c->unseen |= 1ull << ((sid - c->unseen_base) / 2);
	}
}

void h2_unseen_open(struct h2_conn *c, uint32_t sid, enum h2_seen how)
{
	uint32_t lo = c->last_sid ? c->last_sid + 2 : c->first_sid;

	if (!(sid & 1) || sid <= c->last_sid)
		return;
	if (!c->first_sid) {
		/* joined late: a stream alive before its headers were seen
		 * is one a response may open */
		c->first_sid = how == H2_SEEN_ALIVE ? sid + 2 : sid;
	} else if (c->req_gap) {
		if (sid > lo)
			add(c, lo, sid - 2);
		if (how == H2_SEEN_ALIVE)
			add(c, sid, sid);
		else if (how == H2_SEEN_ENDED)
			count(c, 1);	/* reset before anything else of it */
	}
	c->last_sid = sid;
	if (how == H2_SEEN_REQUEST)
		c->req_gap = 0;
}

int h2_unseen_take(struct h2_conn *c, uint32_t sid)
{
	uint32_t i;

	if (!c->unseen || sid < c->unseen_base || !(sid & 1))
		return 0;
	i = (sid - c->unseen_base) / 2;
	if (i >= H2_UNSEEN || !(c->unseen & (1ull << i)))
		return 0;
	c->unseen &= ~(1ull << i);
	return 1;
}

void h2_unseen_end(struct h2_conn *c)
{
	count(c, (uint64_t)__builtin_popcountll(c->unseen));
	c->unseen = 0;
}
