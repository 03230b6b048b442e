/* Cross-protocol detection: every recording under tests/fixtures/PROTO/
 * (real clients and servers: PostgreSQL, MySQL/MariaDB, Redis, Memcached,
 * HTTP/2), replayed through the connection layer with every protocol
 * enabled and no port hint, is decided as exactly its own protocol, with
 * the observed process on either side (client: it sends the 'c' bytes;
 * server: it receives them), from the start and joined after the first
 * exchange. HTTP/1 and TLS first bytes are claimed by no DB parser, and
 * no parser says YES to another protocol's first bytes. */
#include <glob.h>
#include <stdbool.h>
#include <libgen.h>

#include "t.h"
#include "rawtel/pconn.h"

/* a failed check says which recording, and every one is printed */
#define CHECK_WHY(cond, why)                                                \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "%s\n", why);                      \
			T_FAILF("%s", why);                                 \
		}                                                           \
	} while (0)

#define REC_MAX 4096

struct rec {
	char side[REC_MAX];	/* 'c' client's bytes, 's' server's */
	uint8_t *b[REC_MAX];
	size_t len[REC_MAX];
	int n;
	enum proto_id proto;
	enum proto_id joined;	/* its protocol after the first exchange */
	char name[128];
};

static void rec_free(struct rec *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->b[i]);
	r->n = 0;
}

/* Lines "c HEX" / "s HEX" (either case), "x" (h2's end of a connection),
 * "#" comments, blank lines; a file with any other line is no recording
 * (h2's HPACK corpus, its oracle): -1 */
static int rec_read(struct rec *r, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int bad = 0;

	if (!f)
		return -1;
	r->n = 0;
	while (!bad && r->n < REC_MAX && getline(&line, &cap, f) >= 0) {
		char c = (char)(line[0] | 0x20);
		size_t h = strcspn(line, "\r\n") > 2 ? strcspn(line + 2, "\r\n") / 2 : 0;

		if (strspn(line, "\r\n") == strlen(line) || line[0] == '#' ||
		    (c == 'x' && strcspn(line, "\r\n") == 1))
			continue;
		bad = (c != 'c' && c != 's') || line[1] != ' ' || !h;
		if (bad)
			break;
		r->b[r->n] = malloc(h);
		for (size_t i = 0; i < h; i++) {
			unsigned v = 0;

			sscanf(line + 2 + 2 * i, "%2x", &v);
			r->b[r->n][i] = (uint8_t)v;
		}
		r->side[r->n] = c;
		r->len[r->n++] = h;
	}
	free(line);
	fclose(f);
	if (bad)
		rec_free(r);
	return bad ? -1 : r->n;
}

static enum proto_id proto_of_dir(const char *dir)
{
	static const struct { const char *d; enum proto_id p; } m[] = {
		{ "pg", PROTO_POSTGRES }, { "mysql", PROTO_MYSQL }, { "redis", PROTO_REDIS },
		{ "memcached", PROTO_MEMCACHED }, { "h2", PROTO_HTTP2 } };

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (!strcmp(dir, m[i].d))
			return m[i].p;
	return PROTO_NONE;
}

static void on_db(void *arg, const struct db_exchange *x)
{
	(void)arg, (void)x;
}

static uint32_t all_protos(void)
{
	uint32_t m = 0;

	for (int i = 1; i < PROTO_N; i++)
		if (pconn_parsers[i])
			m |= 1u << i;
	return m;
}

/* The recording from record `from` on, as seen by a process of `role`:
 * the protocol the layer decided, PROTO_NONE when it gave up */
static int replay(const struct rec *r, enum proto_role role, int from, struct pconn_stats *st)
{
	struct pconn_opts o = { .protos = all_protos(), .stats = st };
	struct pconn *t;
	int decided = PROTO_NONE;

	o.db.on_db = on_db;
	memset(st, 0, sizeof(*st));
	T_ASSERT(pconn_new(&t, &o) == 0);
	for (int i = from; i < r->n; i++) {
		bool sent = (r->side[i] == 'c') == (role == PROTO_CLIENT);

		pconn_feed(t, 7, role, 0, sent ? PROTO_SEND : PROTO_RECV, 1000 + (uint64_t)i,
			   r->b[i], r->len[i], r->len[i]);
	}
	for (int i = 1; i < PROTO_N; i++)
		if (st->conns[i])
			decided = i;
	pconn_free(t, 1000 + (uint64_t)r->n);
	return decided;
}

/* The first record of the server's side after the first client record
 * that follows a server record: a connection joined between exchanges */
static int second_exchange(const struct rec *r)
{
	int i = 0;

	while (i < r->n && r->side[i] != 's')
		i++;
	while (i < r->n && r->side[i] != 'c')
		i++;
	return i < r->n ? i : -1;
}

static void check_rec(struct rec *r)
{
	static const enum proto_role roles[2] = { PROTO_CLIENT, PROTO_SERVER };
	struct pconn_stats st;
	char why[256];

	for (int k = 0; k < 2; k++) {
		int got = replay(r, roles[k], 0, &st), n = 0;

		for (int i = 1; i < PROTO_N; i++)
			n += st.conns[i] != 0;
		snprintf(why, sizeof(why), "%s as %s: decided %d, want %d", r->name,
			 k ? "server" : "client", got, r->proto);
		CHECK_WHY(got == (int)r->proto && n == 1, why);
		CHECK_WHY(st.outcome[PCONN_UNKNOWN] == 0 && st.outcome[PCONN_TLS] == 0, why);
	}
}

/* Joined mid-stream (the first exchange missed): never another protocol;
 * its own, or given up where that protocol needs its start (MySQL's
 * greeting sets the framing of what follows) */
static void check_joined(struct rec *r)
{
	struct pconn_stats st;
	int from = second_exchange(r);
	char why[256];

	if (from < 0)
		return;
	for (int k = 0; k < 2; k++) {
		int got = replay(r, k ? PROTO_SERVER : PROTO_CLIENT, from, &st);

		snprintf(why, sizeof(why), "%s joined at %d as %s: decided %d, want %d", r->name,
			 from, k ? "server" : "client", got, r->joined);
		CHECK_WHY(got == (int)r->joined || got == PROTO_NONE, why);
	}
}

/* No parser but the owner says YES to a recording's first bytes of either
 * direction, whichever side the process is on */
static void check_first_bytes(struct rec *r)
{
	char why[256];

	for (int side = 0; side < 2; side++) {
		int i = 0;

		while (i < r->n && r->side[i] != (side ? 's' : 'c'))
			i++;
		if (i == r->n)
			continue;
		for (int role = 0; role < 2; role++) {
			bool sent = (side == 0) == (role == PROTO_CLIENT);

			for (int p = 1; p < PROTO_N; p++) {
				const struct proto_parser *pp = pconn_parsers[p];

				if (!pp || p == (int)r->proto)
					continue;
				snprintf(why, sizeof(why), "%s: %s says YES to the %s's first bytes",
					 r->name, pp->name, side ? "server" : "client");
				CHECK_WHY(pp->detect((enum proto_role)role, sent ? PROTO_SEND : PROTO_RECV,
						   r->b[i], r->len[i], r->len[i]) != PROTO_YES, why);
			}
		}
	}
}

static int for_each_rec(void (*fn)(struct rec *r))
{
	static struct rec r;
	const char *top = getenv("RAWTEL_TOP");
	char pat[600], dir[600];
	glob_t g;
	int n = 0;

	snprintf(pat, sizeof(pat), "%s/tests/fixtures/*/*.rec", top ? top : ".");
	if (glob(pat, 0, NULL, &g))
		return 0;
	snprintf(pat, sizeof(pat), "%s/tests/fixtures/h2/*.txt", top ? top : ".");
	glob(pat, GLOB_APPEND, NULL, &g);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		snprintf(dir, sizeof(dir), "%s", g.gl_pathv[i]);
		r.proto = proto_of_dir(basename(dirname(dir)));
		r.joined = r.proto;
		/* an h2c upgrade starts as HTTP/1 (the switch is HTTP/1's to
		 * report), joined after it is HTTP/2 */
		if (strstr(g.gl_pathv[i], "upgrade")) {
			if (!pconn_parsers[PROTO_HTTP2])
				continue;
			r.proto = PROTO_HTTP1;
		}
		if (!r.proto || !pconn_parsers[r.proto] || rec_read(&r, g.gl_pathv[i]) <= 0)
			continue;
		snprintf(r.name, sizeof(r.name), "%s", g.gl_pathv[i] + strlen(top ? top : ".") + 1);
		fn(&r);
		rec_free(&r);
		n++;
	}
	globfree(&g);
	return n;
}

static void fixtures_own_protocol(void)
{
	/* pg, mysql, redis, memcached: at least 30 recordings */
	T_ASSERT(for_each_rec(check_rec) >= 30, "tests/fixtures not found (RAWTEL_TOP)");
}

static void fixtures_joined(void)
{
	T_ASSERT(for_each_rec(check_joined) >= 30);
}

static void fixtures_first_bytes(void)
{
	T_ASSERT(for_each_rec(check_first_bytes) >= 30);
}

/* HTTP/1 (requests, responses) and TLS records (a handshake, and a
 * connection joined after it: application data whose length byte reads
 * as a MySQL command): never a DB protocol */
#define S(x) { x, sizeof(x) - 1 }
static void http_tls_not_db(void)
{
	static const struct { const char *b; size_t n; } s[] = {
		S("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), S("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
		S("POST /get HTTP/1.0\r\n\r\n"), S("PUT /x HTTP/1.1\r\n\r\n"),
		S("DELETE /k HTTP/1.1\r\n\r\n"), S("OPTIONS * HTTP/1.1\r\n\r\n"),
		S("HEAD /set HTTP/1.1\r\n\r\n"), S("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"),
		S("\x17\x03\x03\x00\x17\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c"
		  "\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17"),
		S("\x17\x03\x03\x00\x03\x41\x42\x43"), S("\x15\x03\x03\x00\x02\x02\x28") };

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		for (int role = 0; role < 2; role++)
			for (int dir = 0; dir < 2; dir++)
				for (int p = PROTO_POSTGRES; p <= PROTO_MEMCACHED; p++) {
					const struct proto_parser *pp = pconn_parsers[p];
					char why[96];

					snprintf(why, sizeof(why), "%s on sample %zu", pp->name, i);
					CHECK_WHY(pp->detect((enum proto_role)role, (enum proto_dir)dir,
							     (const uint8_t *)s[i].b, s[i].n,
							     s[i].n) == PROTO_NO, why);
				}
}

int main(void)
{
	T_RUN(fixtures_own_protocol);
	T_RUN(fixtures_joined);
	T_RUN(fixtures_first_bytes);
	T_RUN(http_tls_not_db);
	return t_done();
}
