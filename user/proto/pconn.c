/* Connections of any application protocol: detection, then the chosen
 * parser (rawtel/pconn.h). Entries live in an idtab by connection id; the
 * parser's block is allocated apart, so entries may move in the table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/err.h"
#include "rawtel/h2.h"
#include "rawtel/http1.h"
#include "rawtel/idtab.h"
#include "rawtel/pconn.h"
#include "rawtel/tls.h"
#include "rawtel/tls_hello.h"

#define DEFAULT_MAX_CONNS 4096
#define DEFAULT_IDLE_NS (600ull * 1000000000ull)

/* ST_TLS: the handshake's records read (blk a struct tls_track) */
enum { ST_DETECT = 0, ST_PARSE, ST_GIVEN_UP, ST_TLS };

struct pc_conn {
	uint64_t id;		/* the idtab key */
	uint64_t last_ns;	/* the latest syscall fed */
	void *blk;		/* the parser's block (ST_PARSE) */
	struct http1_exchange *up;	/* a 101 held: h2c may follow */
	uint16_t port;		/* the server's port, 0 unknown */
	uint8_t role, state, proto, looked;	/* looked: syscalls detected on */
};

struct pconn {
	struct pconn_opts o;
	struct proto_opts po[PROTO_N];	/* o.db with this layer's stats */
	struct pconn_stats own, *st;	/* st: o.stats, else own */
	struct idtab conns;		/* struct pc_conn, at most max */
	struct http1_opts h1o;		/* HTTP/1's, its 101s held (h2c) */
};

static void up_request(void *arg, const struct http1_exchange *x)
{
	const struct pconn *t = arg;

	if (t->o.http->on_request)
		t->o.http->on_request(t->o.http->arg, x);
}

/* A 101 waits: stream 1 of the HTTP/2 that follows, or reported as it is
 * when no HTTP/2 does (a WebSocket, say) */
static void up_exchange(void *arg, const struct http1_exchange *x)
{
	struct pconn *t = arg;
	struct pc_conn *c;

	if ((x->flags & HTTP1_X_UPGRADED) && x->status == 101 &&
	    (c = idtab_find(&t->conns, x->conn_id)) && !c->up && (c->up = malloc(sizeof(*x)))) {
		memcpy(c->up, x, sizeof(*x));
		return;
	}
	if (t->o.http->on_exchange)
		t->o.http->on_exchange(t->o.http->arg, x);
}

static void up_release(struct pconn *t, struct pc_conn *c)
{
	if (!c->up)
		return;
	if (t->o.http->on_exchange)
		t->o.http->on_exchange(t->o.http->arg, c->up);
	free(c->up);
	c->up = NULL;
}

int pconn_new(struct pconn **out, const struct pconn_opts *o)
{
	struct pconn *t = calloc(1, sizeof(*t));
	uint32_t max;

	if (!t)
		return err_set(ENOMEM, "connection table: out of memory");
	t->o = *o;
	max = o->max_conns ? o->max_conns : DEFAULT_MAX_CONNS;
	if (max > (1u << 24))
		max = 1u << 24;
	/* at most half full: short probe runs */
	if (idtab_init(&t->conns, sizeof(struct pc_conn), 2 * max, max, false)) {
		free(t);
		return err_set(ENOMEM, "connection table of %u: out of memory", max);
	}
	t->st = o->stats ? o->stats : &t->own;
	for (int i = 0; i < PROTO_N; i++) {
		t->po[i] = o->db;
		t->po[i].stats = &t->st->proto[i];
		t->po[i].http = o->http;
	}
	/* h2c by Upgrade: HTTP/1's 101s pass through here */
	if (o->http && (o->protos & 1u << PROTO_HTTP1) && (o->protos & 1u << PROTO_HTTP2)) {
		t->h1o = *o->http;
		t->h1o.on_exchange = up_exchange;
		t->h1o.on_request = up_request;
		t->h1o.arg = t;
		t->po[PROTO_HTTP1].http = &t->h1o;
	}
	*out = t;
	return 0;
}

static const struct proto_parser *parser_of(const struct pconn *t, unsigned id)
{
	return id < PROTO_N && (t->o.protos & (1u << id)) ? pconn_parsers[id] : NULL;
}

/* A TLS handshake's facts told (a sound hello seen), its tracker freed */
static void tls_end(struct pconn *t, struct pc_conn *c)
{
	const struct tls_track *k = c->blk;

	if ((k->f.flags & (TLS_F_CLIENT_HELLO | TLS_F_SERVER_HELLO)) && !(k->f.flags & TLS_F_LOST))
		t->o.on_tls(t->o.arg, c->id, &k->f);
	free(c->blk);
	c->blk = NULL;
}

/* The parser's block goes (closed first when `close`: what waits is
 * reported) */
static void drop_blk(struct pconn *t, struct pc_conn *c, uint64_t ts, int close)
{
	const struct proto_parser *p = parser_of(t, c->proto);

	if (c->state == ST_TLS && c->blk) {
		tls_end(t, c);
		return;
	}
	if (close)
		up_release(t, c);
	if (!c->blk)
		return;
	if (close && p)
		p->close(c->blk, ts);
	free(c->blk);
	c->blk = NULL;
}

static void give_up(struct pconn *t, struct pc_conn *c, enum pconn_outcome why)
{
	c->state = ST_GIVEN_UP;
	t->st->outcome[why]++;
	if (t->o.on_give_up)
		t->o.on_give_up(t->o.arg, c->id, why);
}

/* The least recently fed, closed and forgotten: room for one more */
static void evict(struct pconn *t, uint64_t ts)
{
	struct pc_conn *old = NULL;

	for (struct pc_conn *c = idtab_next(&t->conns, NULL); c; c = idtab_next(&t->conns, c))
		if (!old || c->last_ns < old->last_ns)
			old = c;
	if (!old)
		return;
	drop_blk(t, old, ts, 1);
	idtab_delete(&t->conns, old);
	t->st->evicted++;
}

static struct pc_conn *conn_get(struct pconn *t, uint64_t id, enum proto_role role,
				uint16_t port, uint64_t ts)
{
	struct pc_conn *c = idtab_find(&t->conns, id);

	if (c)
		return c;
	if (t->conns.n >= t->conns.max)
		evict(t, ts);
	c = idtab_insert(&t->conns, id, NULL);
	if (!c)
		return NULL;
	c->role = (uint8_t)role;
	c->port = port;
	return c;
}

/* The protocol these first bytes start, PROTO_NONE (none can: *none set)
 * or -1 (undecided: ask the next syscall) */
static int decide(const struct pconn *t, const struct pc_conn *c, enum proto_dir dir,
		  const uint8_t *b, size_t cap, uint64_t total, int *none)
{
	int maybe = -1, n_maybe = 0, by_port = -1, n_port = 0;

	*none = 0;
	for (unsigned i = 1; i < PROTO_N; i++) {
		const struct proto_parser *p = parser_of(t, i);
		int v = p ? p->detect(c->role, dir, b, cap, total) : PROTO_NO;

		if (v == PROTO_YES)
			return (int)i;
		if (v != PROTO_MAYBE)
			continue;
		maybe = (int)i;
		n_maybe++;
		for (int k = 0; c->port && k < 4 && p->ports[k]; k++)
			if (p->ports[k] == c->port) {
				by_port = (int)i;
				n_port++;
			}
	}
	if (n_maybe == 1)
		return maybe;
	if (n_maybe > 1 && n_port == 1)
		return by_port;
	*none = !n_maybe;
	return -1;
}

/* The parser's block for protocol id: 0 or -ENOMEM */
static int blk_new(struct pconn *t, struct pc_conn *c, unsigned id)
{
	const struct proto_parser *p = parser_of(t, id);

	if (!(c->blk = calloc(1, p->conn_size)))
		return err_set(ENOMEM, "%s connection %llu: out of memory", p->name,
			       (unsigned long long)c->id);
	c->proto = (uint8_t)id;
	c->state = ST_PARSE;
	t->st->conns[id]++;
	return 0;
}

/* After a 101: HTTP/2 beyond doubt (a client preface, a server's
 * SETTINGS) continues the connection with the upgraded request as its
 * stream 1; anything else within PCONN_DETECT_RECORDS syscalls is
 * another protocol, and the 101 is reported as HTTP/1's */
static int up_detect(struct pconn *t, struct pc_conn *c, enum proto_dir dir, uint64_t ts,
		     const uint8_t *b, size_t cap, uint64_t total)
{
	const struct proto_parser *p = parser_of(t, PROTO_HTTP2);

	if (!cap)
		return PROTO_MORE;
	if (p->detect(c->role, dir, b, cap, total) != PROTO_YES) {
		if (++c->looked < PCONN_DETECT_RECORDS)
			return PROTO_MORE;
		up_release(t, c);
		give_up(t, c, PCONN_DONE);
		return PROTO_DONE;
	}
	if (blk_new(t, c, PROTO_HTTP2))
		return -ENOMEM;
	h2_conn_from_http1(c->blk, c->id, c->role, &t->po[PROTO_HTTP2], c->up);
	free(c->up);
	c->up = NULL;
	return p->feed(c->blk, dir, ts, b, cap, total);
}

/* HTTP/1 left the connection with a 101 held: detection again, from the
 * end of the 101's head in this syscall */
static int up_switch(struct pconn *t, struct pc_conn *c, enum proto_dir dir, uint64_t ts,
		     const uint8_t *b, size_t cap, uint64_t total)
{
	size_t k = h2_after_101(b, cap);

	c->state = ST_DETECT;
	c->proto = PROTO_NONE;
	c->looked = 0;
	return up_detect(t, c, dir, ts, b + k, cap - k, total - k);
}

/* A TLS connection's syscall: its handshake read until the facts are
 * final, then told and given up */
static int tls_feed(struct pconn *t, struct pc_conn *c, enum proto_dir dir, uint64_t ts,
		    const uint8_t *b, size_t cap, uint64_t total)
{
	if (tls_track_feed(c->blk, dir, ts, b, cap, total) != TLS_TRACK_DONE)
		return PROTO_MORE;
	tls_end(t, c);
	give_up(t, c, PCONN_TLS);
	return PROTO_DONE;
}

/* A connection's first bytes are a TLS record: given up now, or once its
 * handshake is read (on_tls). 0 or -ENOMEM */
static int tls_begin(struct pconn *t, struct pc_conn *c, enum proto_dir dir, uint64_t ts,
		     const uint8_t *b, size_t cap, uint64_t total)
{
	if (!t->o.on_tls) {
		give_up(t, c, PCONN_TLS);
		return PROTO_DONE;
	}
	if (!(c->blk = malloc(sizeof(struct tls_track))))
		return err_set(ENOMEM, "TLS connection %llu: out of memory",
			       (unsigned long long)c->id);
	tls_track_init(c->blk);
	c->state = ST_TLS;
	return tls_feed(t, c, dir, ts, b, cap, total);
}

/* Plaintext of a connection whose handshake is still read: it is over */
static void tls_plain(struct pconn *t, uint64_t id, uint64_t ts)
{
	struct pc_conn *c = idtab_find(&t->conns, id & ~TLS_PLAIN_ID);

	if (!c || c->state != ST_TLS || !c->blk)
		return;
	tls_track_plain(c->blk, ts);
	tls_end(t, c);
	give_up(t, c, PCONN_TLS);
}

/* A syscall of a connection still being detected: PROTO_MORE (decided:
 * fed, or undecided), PROTO_DONE (given up) or -ENOMEM */
static int detect(struct pconn *t, struct pc_conn *c, enum proto_dir dir, uint64_t ts,
		  const uint8_t *b, size_t cap, uint64_t total)
{
	const struct proto_parser *p;
	int id, none;

	if (c->up)
		return up_detect(t, c, dir, ts, b, cap, total);
	if (!cap)
		return PROTO_MORE;	/* nothing to look at */
	if (cap >= 2 && b[0] == 0x16 && b[1] == 0x03)
		return tls_begin(t, c, dir, ts, b, cap, total);
	id = decide(t, c, dir, b, cap, total, &none);
	if (id < 0) {
		if (++c->looked < PCONN_DETECT_RECORDS)
			return PROTO_MORE;
		give_up(t, c, PCONN_UNKNOWN);
		return PROTO_DONE;
	}
	p = parser_of(t, (unsigned)id);
	if (blk_new(t, c, (unsigned)id))
		return -ENOMEM;
	p->init(c->blk, c->id, c->role, &t->po[id]);
	return p->feed(c->blk, dir, ts, b, cap, total);
}

int pconn_feed(struct pconn *t, uint64_t id, enum proto_role role, uint16_t port,
	       enum proto_dir dir, uint64_t ts, const void *data, size_t cap, uint64_t total)
{
	struct pc_conn *c;
	int r;

	if (cap > total || (cap && !data))
		return err_set(EINVAL, "connection feed: %zu bytes captured of %llu", cap,
			       (unsigned long long)total);
	if (id & TLS_PLAIN_ID && t->o.on_tls)
		tls_plain(t, id, ts);
	if (!(c = conn_get(t, id, role, port, ts)))
		return err_set(ENOMEM, "connection %llu: no room", (unsigned long long)id);
	if (ts > c->last_ns)
		c->last_ns = ts;
	if (c->state == ST_GIVEN_UP) {
		t->st->ignored++;
		return PROTO_DONE;
	}
	if (c->state == ST_TLS)
		return tls_feed(t, c, dir, ts, data, cap, total);
	if (c->state == ST_DETECT)
		r = detect(t, c, dir, ts, data, cap, total);
	else
		r = parser_of(t, c->proto)->feed(c->blk, dir, ts, data, cap, total);
	if (r == PROTO_DONE && c->state == ST_PARSE) {
		drop_blk(t, c, ts, 0);
		if (c->up) {
			r = up_switch(t, c, dir, ts, data, cap, total);
			if (r != PROTO_DONE || c->state != ST_PARSE)
				return r;
			drop_blk(t, c, ts, 0);
		}
		give_up(t, c, PCONN_DONE);
	}
	return r;
}

void pconn_close(struct pconn *t, uint64_t id, uint64_t ts)
{
	struct pc_conn *c = idtab_find(&t->conns, id);

	if (!c)
		return;
	drop_blk(t, c, ts, 1);
	idtab_delete(&t->conns, c);
}

void pconn_tick(struct pconn *t, uint64_t now)
{
	uint64_t idle = t->o.idle_ns ? t->o.idle_ns : DEFAULT_IDLE_NS;

	for (struct pc_conn *c = idtab_next(&t->conns, NULL); c;) {
		if (now > c->last_ns && now - c->last_ns >= idle) {
			drop_blk(t, c, now, 1);
			idtab_delete(&t->conns, c);
			/* the delete may have shifted a later entry here:
			 * then this slot is looked at again */
			if (!c->id)
				c = idtab_next(&t->conns, c);
			continue;
		}
		if (c->blk && c->state == ST_PARSE)
			parser_of(t, c->proto)->tick(c->blk, now);
		c = idtab_next(&t->conns, c);
	}
}

enum proto_id pconn_proto(const struct pconn *t, uint64_t id)
{
	const struct pc_conn *c = idtab_find(&t->conns, id);

	return c && c->state == ST_PARSE ? (enum proto_id)c->proto : PROTO_NONE;
}

const struct pconn_stats *pconn_stats(const struct pconn *t)
{
	return t->st;
}

void pconn_free(struct pconn *t, uint64_t now)
{
	if (!t)
		return;
	for (struct pc_conn *c = idtab_next(&t->conns, NULL); c; c = idtab_next(&t->conns, c))
		drop_blk(t, c, now, 1);
	idtab_free(&t->conns);
	free(t);
}
