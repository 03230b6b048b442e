/* The http probe's session side (see sockcap.h): what the kernel side
 * cannot do alone. It keeps the tracked sockets by (pid, fd), as the
 * kernel's sk_fds does, so that a process's end (one SOCK_K_EXIT record)
 * becomes a close per socket, here and in the kernel's maps. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rawtel/bpf.h"
#include "rawtel/err.h"
#include "rawtel/events.h"
#include "rawtel/feature.h"
#include "rawtel/idtab.h"
#include "rawtel/session.h"
#include "rawtel/sockcap.h"
#include "rawtel/sockmap.h"
#include "rawtel/util.h"

#include "sockcap_int.h"

/* ---- the table of tracked sockets (rawtel/idtab.h) ----------------------- */
/* full: the socket goes untracked here (the kernel's LRU forgets too).
 * The same connection again (its data came first) keeps its offsets. */
static struct sc_conn *conn_put(struct sockcap *c, uint64_t key, uint64_t conn, uint8_t role)
{
	struct sc_conn *e = idtab_insert(&c->conns, key, NULL);

	if (e && e->conn != conn)	/* new, or another connection on this fd */
		*e = (struct sc_conn){ .key = key, .conn = conn, .role = role };
	else if (e)
		e->role = role;
	return e;
}

/* ---- stream offsets ------------------------------------------------------ */
/* Bytes [e->next[dir], to) of a socket that no record brought: a gap
 * record for the parsers, stamped like `like` (the record that showed
 * it), before that record. */
static int send_gap(struct sockcap *c, struct sc_conn *e, uint8_t dir, uint64_t to,
		    const struct ev_hdr *like, uint8_t call, uint64_t start, sockcap_deliver d,
		    void *ctx)
{
	struct ev_data g;

	memset(&g, 0, DATA_OFF_BYTES);
	g.h = *like;
	g.h.type = EV_DATA;
	g.h.size = DATA_OFF_BYTES;
	g.h.flags = DATA_F_GAP | (like->flags & DATA_F_RESET) |
		    (e->ktls >> dir & 1 ? DATA_F_KTLS : 0);
	g.conn = e->conn;
	g.fd = (int32_t)(uint32_t)e->key;
	g.dir = dir;
	g.call = call;
	g.total = to - e->next[dir];
	g.start = start;
	g.seq = e->next[dir];
	e->next[dir] = to;
	c->gaps++;
	c->gap_bytes += g.total;
	return d(ctx, &g, DATA_OFF_BYTES);
}

/* The gaps up to to[dir] (a direction not moved past: none); returns how
 * many (or -errno). Lost both ways, requests and responses may have
 * crossed inside the gaps (the rest of one response and the start of the
 * next, say): the first is a reset (DATA_F_RESET), the direction that
 * carries requests first. */
static int send_gaps(struct sockcap *c, struct sc_conn *e, const uint64_t to[2],
		     const struct ev_hdr *like, uint8_t call, uint8_t call_dir, uint64_t start,
		     sockcap_deliver d, void *ctx)
{
	uint8_t first = e->role == SOCK_ROLE_CLIENT ? DATA_DIR_SEND : DATA_DIR_RECV;
	bool both = to[0] > e->next[0] && to[1] > e->next[1];
	struct ev_hdr h = *like;
	int r, n = 0;

	if (e->tls) {
		for (int i = 0; i < 2; i++)
			if (to[i] > e->next[i])
				e->next[i] = to[i];
		return 0;
	}
	h.flags = both ? DATA_F_RESET : 0;
	for (uint8_t i = 0; i < 2; i++) {
		uint8_t dir = i ? !first : first;

		if (to[dir] <= e->next[dir])
			continue;
		if ((r = send_gap(c, e, dir, to[dir], &h, dir == call_dir ? call : 0, start, d, ctx)))
			return r;
		h.flags = 0;
		n++;
	}
	return n;
}

uint8_t sockcap_role_guess(const struct ev_data *d, size_t len)
{
	size_t cap = len < DATA_OFF_BYTES ? 0 : len - DATA_OFF_BYTES;

	if (d->cap < cap)
		cap = d->cap;
	/* "HTTP/1.1 200": a response, sent by a server, received by a client */
	if (cap >= 5 && !memcmp(d->bytes, "HTTP/", 5))
		return d->dir == DATA_DIR_SEND ? SOCK_ROLE_SERVER : SOCK_ROLE_CLIENT;
	if (cap)
		return d->dir == DATA_DIR_RECV ? SOCK_ROLE_SERVER : SOCK_ROLE_CLIENT;
	return d->dir == DATA_DIR_RECV ? SOCK_ROLE_SERVER : SOCK_ROLE_CLIENT;
}

/* A data record: after the gaps before it, if any: in its own direction,
 * and in the other (what had moved that way when it returned: a request
 * lost before its response is known by the response). Records of one
 * socket come in the order of their offsets (one thread's calls one
 * after another; two threads' at once are unordered anyway). One that
 * comes after its bytes were fed as a gap (late: perf buffers drained
 * past the ordering window, or two threads' calls) is dropped, counted:
 * fed now it would be parsed twice, out of order. */
static int data(struct sockcap *c, const struct ev_data *x, size_t size, sockcap_deliver d,
		void *ctx)
{
	uint64_t key = (uint64_t)x->h.pid << 32 | (uint32_t)x->fd, to[2];
	struct sc_conn *e;
	int r;

	if (x->h.flags & DATA_F_TLS) {
		if ((e = idtab_find(&c->conns, key)) && e->conn == x->conn)
			e->tls = true;
		return d(ctx, x, size);
	}
	if (x->seq == DATA_SEQ_NONE || x->dir > DATA_DIR_SEND || (x->h.flags & DATA_F_GAP))
		return d(ctx, x, size);
	e = idtab_find(&c->conns, key);
	/* its sock record lost (and the close of the one before under this
	 * fd, if any): the kernel's count began at 0 all the same (the role
	 * is a guess, as the parsers' is) */
	if (!e || e->conn != x->conn)
		e = conn_put(c, key, x->conn, sockcap_role_guess(x, size));
	if (!e)
		return x->h.flags & DATA_F_KTLS_CTRL ? 0 : d(ctx, x, size);
	if (x->h.flags & DATA_F_KTLS)	/* its SOCK_K_KTLS lost: its gaps too */
		e->ktls |= (uint8_t)(1u << x->dir);
	if (x->seq + x->total <= e->next[x->dir] && x->total) {
		c->late++;
		return 0;
	}
	to[x->dir] = x->seq;
	to[!x->dir] = x->peer == DATA_SEQ_NONE ? 0 : x->peer;
	if ((r = send_gaps(c, e, to, &x->h, x->call, x->dir, x->start, d, ctx)) < 0)
		return r;
	if (x->seq + x->total > e->next[x->dir])
		e->next[x->dir] = x->seq + x->total;
	/* a kTLS alert or ticket: bytes of the stream, none to parse */
	return x->h.flags & DATA_F_KTLS_CTRL ? 0 : d(ctx, x, size);
}

/* A close that says how many bytes moved: the gaps at the end; if any,
 * the close says so (SOCK_F_GAP) */
static int close_gaps(struct sockcap *c, struct sc_conn *e, struct ev_sock *s,
		      sockcap_deliver d, void *ctx)
{
	struct ev_hdr h = s->h;
	int r;

	if (!(s->h.flags & SOCK_F_SEQ))
		return 0;
	h.flags = 0;
	if ((r = send_gaps(c, e, s->seq, &h, 0, 0, s->h.ts, d, ctx)) > 0)
		s->h.flags |= SOCK_F_GAP;
	return r < 0 ? r : 0;
}

void sockcap_gaps(const struct sockcap *c, struct sockcap_gaps *g)
{
	memset(g, 0, sizeof(*g));
	if (c) {
		g->records = c->gaps;
		g->bytes = c->gap_bytes;
		g->late = c->late;
	}
}

/* ---- connections no longer wanted ------------------------------------- */
int sockcap_nocopy(struct sockcap *c, uint64_t conn)
{
	uint64_t one = 1;

	if (!c || c->nocopy_fd < 0)
		return -ENOENT;
	c->nocopy++;
	/* full (LRU): the oldest entry goes, its payloads come again and
	 * are ignored by the layer, as before */
	return bpf_map_update(c->nocopy_fd, &conn, &one, RT_BPF_ANY);
}

void sockcap_nocopy_counts(const struct sockcap *c, uint64_t *conns, uint64_t *skipped)
{
	*conns = c ? c->nocopy : 0;
	*skipped = 0;
	if (c && c->nocopy_n_fd >= 0)
		bpf_obj_percpu_sum(c->nocopy_n_fd, 0, skipped);
}

/* ---- delivery ------------------------------------------------------------ */
/* A close made here: of one whose process ended (its offsets from the
 * kernel's entry: `seq`), or of a socket replaced under the same fd
 * (seq NULL: its close record was lost) */
static int send_close(struct sockcap *c, const struct ev_hdr *like, const char comm[16],
		      struct sc_conn *e, const uint64_t *seq, sockcap_deliver d, void *ctx)
{
	struct ev_sock x;
	int r;

	memset(&x, 0, sizeof(x));
	if (seq)
		memcpy(x.seq, seq, sizeof(x.seq));
	x.h = *like;
	x.h.type = EV_SOCK;
	x.h.flags = seq ? SOCK_F_SEQ : SOCK_F_INFERRED;
	x.h.size = SOCK_REC_SIZE;
	x.conn = e->conn;
	x.fd = (int32_t)(uint32_t)e->key;
	x.lfd = -1;
	x.kind = SOCK_K_CLOSE;
	x.role = e->role;
	memcpy(x.comm, comm, sizeof(x.comm));
	if ((r = close_gaps(c, e, &x, d, ctx)))
		return r;
	return d(ctx, &x, sizeof(x));
}

/* The table of the process's namespace holding `inode`: the last one read
 * if it has it, else read again (not more often than every `age` ns). */
const struct procnet_sock *sockcap_find_sock(struct sockcap *c, uint32_t pid, uint64_t inode,
					      uint64_t age)
{
	const struct procnet_sock *ps = c->tab_ns_pid == pid ? procnet_table_find(&c->tab, inode) : NULL;
	uint64_t now = sockcap_now_ns();

	if (ps || (c->tab_ns_pid == pid && now - c->tab_ns < age))
		return ps;
	procnet_table_free(&c->tab);
	c->tab_ns = now;
	c->tab_ns_pid = pid;
	if (procnet_table_read(&c->tab, pid, 1u << 20))
		return NULL;
	return procnet_table_find(&c->tab, inode);
}

/* What the kernel side could not know of an accepted socket: its local
 * address, from the listener (cached by inode, and by process and fd for a
 * process gone by now), and its family when the caller passed no
 * sockaddr (its peer: resolve_peer). -ENOTSOCK: the listener is not TCP. */
static int resolve_accept(struct sockcap *c, struct ev_sock *e)
{
	const struct procnet_sock *ps;
	uint64_t ino = 0;
	bool gone;
	unsigned i;

	if ((e->h.flags & SOCK_F_LOCAL) || e->lfd < 0)
		return 0;
	gone = procnet_fd_inode(e->h.pid, e->lfd, &ino) != 0;
	for (i = 0; i < SC_LCACHE; i++)
		if (gone ? c->lc[i].pid == e->h.pid && c->lc[i].lfd == e->lfd
			 : c->lc[i].inode == ino)
			break;
	if (i == SC_LCACHE) {
		if (gone)
			return 0;
		ps = sockcap_find_sock(c, e->h.pid, ino, SC_TAB_AGE_NS);
		i = c->lc_next++ % SC_LCACHE;
		c->lc[i].inode = ino;
		c->lc[i].family = ps ? ps->family : 0;	/* 0: not TCP */
		c->lc[i].port = ps ? ps->lport : 0;
		memcpy(c->lc[i].addr, ps ? ps->laddr : e->laddr, 16);
	}
	c->lc[i].pid = e->h.pid;
	c->lc[i].lfd = e->lfd;
	if (!c->lc[i].family)
		return e->family ? 0 : -ENOTSOCK;
	e->family = c->lc[i].family;
	e->lport = c->lc[i].port;
	memcpy(e->laddr, c->lc[i].addr, 16);
	e->h.flags |= SOCK_F_LOCAL;
	return 0;
}

/* Whether fd `key` still holds connection `conn` in the kernel's sk_fds
 * (its close would have removed it) */
bool sockcap_fd_holds(const struct sockcap *c, uint64_t key, uint64_t conn)
{
	uint8_t val[SKF_SIZE];
	uint64_t v;

	if (bpf_map_lookup(c->fds_fd, &key, val))
		return false;
	memcpy(&v, val + SKF_CONN, 8);
	return v == conn;
}

/* The peer of a socket accepted without a sockaddr (nghttpd passes NULL),
 * from /proc/net/tcp by the fd's inode; only while the kernel's sk_fds
 * shows the fd held this connection before and after its link was read,
 * so the inode cannot be a later socket's under a reused fd. Closed by
 * then: the peer stays unknown, never guessed. The table is read again
 * only when the last one predates the accept, at most every
 * SC_PEER_AGE_NS (a busy server's accepts in between: peers unknown). */
static void resolve_peer(struct sockcap *c, struct ev_sock *e, uint64_t key)
{
	const struct procnet_sock *ps;
	uint64_t ino;

	if ((e->h.flags & SOCK_F_REMOTE) || !(e->h.flags & SOCK_F_LOCAL) ||
	    !sockcap_fd_holds(c, key, e->conn) || procnet_fd_inode(e->h.pid, e->fd, &ino) ||
	    !sockcap_fd_holds(c, key, e->conn))
		return;
	/* a table read after the accept has the socket unless it closed */
	ps = sockcap_find_sock(c, e->h.pid, ino, c->tab_ns_pid == e->h.pid && c->tab_ns > e->h.ts ?
					       UINT64_MAX : SC_PEER_AGE_NS);
	/* an accepted socket: on the listener's port */
	if (!ps || ps->family != e->family || ps->lport != e->lport)
		return;
	e->rport = ps->rport;
	memcpy(e->raddr, ps->raddr, 16);
	e->h.flags |= SOCK_F_REMOTE;
}

static bool dropped(const struct sockcap *c, uint64_t conn)
{
	for (unsigned i = 0; i < 64 && i < c->n_dropped; i++)
		if (c->dropped[i] == conn)
			return true;
	return false;
}

static int process(struct sockcap *c, const void *rec, size_t size, sockcap_deliver d, void *ctx)
{
	const struct ev_hdr *h = rec;
	struct ev_sock e;
	struct sc_conn *old;
	uint64_t key;
	int r;

	if (h->type != EV_SOCK || size < sizeof(e)) {
		if (c->n_dropped && dropped(c, ((const struct ev_data *)rec)->conn))
			return 0;
		return h->type == EV_DATA && size >= DATA_OFF_BYTES ? data(c, rec, size, d, ctx)
								    : d(ctx, rec, size);
	}
	memcpy(&e, rec, sizeof(e));
	key = (uint64_t)e.h.pid << 32 | (uint32_t)e.fd;
	if (e.kind == SOCK_K_EXIT) {
		/* every socket of the process, closed here and in the kernel */
		for (struct sc_conn *x = idtab_next(&c->conns, NULL); x;) {
			uint8_t val[SKF_SIZE] = { 0 };
			uint64_t seq[2], conn;
			bool known;

			if (x->key >> 32 != e.h.pid) {
				x = idtab_next(&c->conns, x);
				continue;
			}
			/* the kernel's count of its bytes, for the gaps at its end */
			known = !bpf_map_lookup(c->fds_fd, &x->key, val);
			memcpy(&conn, val + SKF_CONN, 8);
			memcpy(seq, val + SKF_SEQ, sizeof(seq));
			known = known && conn == x->conn;
			bpf_map_delete(c->fds_fd, &x->key);
			bpf_map_delete(c->nocopy_fd, &x->conn);
			if ((r = send_close(c, &e.h, e.comm, x, known ? seq : NULL, d, ctx)))
				return r;
			idtab_delete(&c->conns, x);
			if (!x->key)	/* else the shift moved another here */
				x = idtab_next(&c->conns, x);
		}
		return 0;
	}
	old = idtab_find(&c->conns, key);
	if (e.kind == SOCK_K_CLOSE) {
		if (old && old->conn == e.conn && (r = close_gaps(c, old, &e, d, ctx)))
			return r;
		if (old && old->conn == e.conn)	/* as found here (sockseed_inherit) */
			e.role = old->role;
		if (old)
			idtab_delete(&c->conns, old);
		return d(ctx, &e, sizeof(e));
	}
	if (e.kind == SOCK_K_KTLS) {
		/* the socket's syscalls carry plaintext that way from now on */
		if (old && old->conn == e.conn)
			old->ktls = (uint8_t)((e.h.flags & SOCK_F_KTLS_TX ? 1u << DATA_DIR_SEND : 0) |
					      (e.h.flags & SOCK_F_KTLS_RX ? 1u << DATA_DIR_RECV : 0));
		return d(ctx, &e, sizeof(e));
	}
	if (old && old->conn != e.conn && (r = send_close(c, &e.h, e.comm, old, NULL, d, ctx)))
		return r;
	if ((e.kind == SOCK_K_ACCEPT && resolve_accept(c, &e)) ||
	    (e.kind == SOCK_K_INHERIT && !(e.h.flags & SOCK_F_LOCAL) &&
	     sockseed_inherit(c, &e, key))) {
		/* a UNIX socket, say, or one whose addresses are gone with
		 * its process: untracked, its data dropped */
		bpf_map_delete(c->fds_fd, &key);
		c->dropped[c->n_dropped++ % 64] = e.conn;
		if (old)
			idtab_delete(&c->conns, old);
		return 0;
	}
	if (e.kind == SOCK_K_ACCEPT)
		resolve_peer(c, &e, key);
	conn_put(c, key, e.conn, e.role);
	return d(ctx, &e, sizeof(e));
}

int sockcap_hold(struct sockcap *c, const void *rec, size_t size)
{
	struct sc_held *x;

	if (c->n_held == c->cap_held) {
		size_t cap = c->cap_held ? c->cap_held * 2 : 256;
		void *n = realloc(c->held, cap * sizeof(*c->held));
		if (!n)
			return -ENOMEM;
		c->held = n;
		c->cap_held = cap;
	}
	x = &c->held[c->n_held];
	if (!(x->rec = malloc(size)))
		return -ENOMEM;
	memcpy(x->rec, rec, size);
	x->size = size;
	x->ts = ((const struct ev_hdr *)rec)->ts;
	x->seq = c->seq++;
	c->n_held++;
	return 0;
}

int sockcap_record(struct sockcap *c, const void *rec, size_t size, sockcap_deliver d, void *ctx)
{
	int r;

	if (!c->reorder)
		return process(c, rec, size, d, ctx);
	if ((r = sockcap_hold(c, rec, size)))
		return r;
	return c->n_held > SC_HELD_MAX ? sockcap_flush(c, false, d, ctx) : 0;
}

static int by_time(const void *a, const void *b)
{
	const struct sc_held *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

uint64_t sockcap_now_ns(void)
{
	struct timespec ts;

	clock_gettime(feature_has(FEAT_BOOT_NS) ? CLOCK_BOOTTIME : CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int sockcap_flush(struct sockcap *c, bool all, sockcap_deliver d, void *ctx)
{
	uint64_t horizon = all ? UINT64_MAX : sockcap_now_ns() - SC_HOLD_NS;
	size_t i, keep_from;
	int r = 0;

	if (!c->n_held)
		return 0;
	util_sort(c->held, c->n_held, sizeof(*c->held), by_time);
	for (i = 0; i < c->n_held; i++) {
		/* past the bound, the oldest go even if young */
		if (c->held[i].ts > horizon && c->n_held - i <= SC_HELD_MAX / 2)
			break;
		if (!r)
			r = process(c, c->held[i].rec, c->held[i].size, d, ctx);
		free(c->held[i].rec);
	}
	keep_from = i;
	memmove(c->held, c->held + keep_from, (c->n_held - keep_from) * sizeof(*c->held));
	c->n_held -= keep_from;
	return r;
}

int sockcap_new(struct session *s)
{
	struct sockcap *c = calloc(1, sizeof(*c));

	if (!c || idtab_init(&c->conns, sizeof(struct sc_conn), SC_CONNS, SC_CONNS - 1, false)) {
		free(c);
		return -ENOMEM;
	}
	c->s = s;
	c->fds_fd = bpf_obj_map_fd(&s->obj, "sk_fds");
	c->gate_fd = bpf_obj_map_fd(&s->obj, "sk_gate");
	c->procs_fd = bpf_obj_map_fd(&s->obj, "sk_procs");
	c->listen_fd = bpf_obj_map_fd(&s->obj, "sk_listen");
	c->sel_fd = bpf_obj_map_fd(&s->obj, "sel");
	c->nocopy_fd = bpf_obj_map_fd(&s->obj, "sk_nocopy");
	c->nocopy_n_fd = bpf_obj_map_fd(&s->obj, "sk_nocopy_n");
	c->reorder = s->opt.perf_buffer;
	c->next_id = SK_CONN_USER;
	s->sockcap = c;
	return 0;
}

void sockcap_older_counts(const struct sockcap *c, uint64_t *found, uint64_t *lost)
{
	*found = c->older_found;
	*lost = c->older_lost;
}

void sockcap_free(struct sockcap *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_held; i++)
		free(c->held[i].rec);
	free(c->held);
	idtab_free(&c->conns);
	procnet_table_free(&c->tab);
	free(c);
}
