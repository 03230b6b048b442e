/* The entry-point logic Redis and Memcached share (lpf.h). */
#include <errno.h>

#include "rawtel/err.h"
#include "lpf.h"

#define STAT(c, ops, field, n) (ops)->stat((c), offsetof(struct proto_stats, field), (n))

int lpf_is_req(enum proto_role role, enum proto_dir dir)
{
	return (dir == PROTO_RECV) == (role == PROTO_SERVER);
}

uint64_t lpf_max_wait(const struct proto_opts *o)
{
	return o && o->max_wait_ns ? o->max_wait_ns : LPF_MAX_WAIT_NS;
}

void lpf_stop(void *c, const struct lpf_ops *ops)
{
	ops->lp(c)->done = 1;
	*ops->side(c, 1).state = ops->dead;
	*ops->side(c, 0).state = ops->dead;
}

static void give_up(void *c, const struct lpf_ops *ops)
{
	STAT(c, ops, given_up, 1);
	lpf_stop(c, ops);
}

/* A syscall while the side's framing is unknown: 1 when it starts a
 * message here (parse it), 0 when passed over. */
static int seek(void *c, const struct lpf_ops *ops, int req, const uint8_t *p, size_t cap)
{
	struct lpf_conn *lp = ops->lp(c);
	struct lpf_side s = ops->side(c, req);
	int (*starts)(const uint8_t *, size_t, int) = (req ? ops->req : ops->resp)->starts;

	/* before anything was seen the first syscall may be short: only a
	 * resynchronisation must be sure */
	if (cap && (req || lp->wait_req == 2) && starts(p, cap, s.synced)) {
		if (s.synced)
			STAT(c, ops, resyncs, 1);
		if (!req)
			lp->wait_req = 0;
		*s.state = LPF_IDLE;
		return 1;
	}
	STAT(c, ops, skipped, 1);
	if (!req && lp->wait_req == 2) {
		ops->unpair(c);
		lp->wait_req = 1;
	}
	if (cap && !lp->seen && ++lp->misses >= LPF_MISSES)
		give_up(c, ops);
	return 0;
}

int lpf_feed(void *c, const struct lpf_ops *ops, enum proto_dir dir, uint64_t ts,
	     const void *data, size_t cap, uint64_t total)
{
	struct lpf_conn *lp = ops->lp(c);
	const uint8_t *p = data;
	const struct lpf_dir *d;
	int req;
	size_t off;

	if (cap > total || (cap && !data))
		return err_set(EINVAL, "%s feed: %zu bytes captured of %llu", ops->name, cap,
			       (unsigned long long)total);
	if (lp->done)
		return PROTO_DONE;
	if (!total)
		return PROTO_MORE;
	req = lpf_is_req(lp->role, dir);
	if (total > cap)
		STAT(c, ops, gap_bytes, total - cap);
	if (!lp->seen && cap && ops->alien(p, cap)) {
		give_up(c, ops);
		return PROTO_DONE;
	}
	if (*ops->side(c, req).state == LPF_SEEK && !seek(c, ops, req, p, cap))
		return lp->done ? PROTO_DONE : PROTO_MORE;
	d = req ? ops->req : ops->resp;
	off = d->parse(c, d, p, cap, ts);
	if (off < cap && !lp->seen && ++lp->misses >= LPF_MISSES) {
		give_up(c, ops);
		return PROTO_DONE;
	}
	if (total > cap && off == cap)
		d->gap(c, total - cap, ts);
	return PROTO_MORE;
}
