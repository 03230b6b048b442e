/* rawtel's HTTP/1 parser against an independent one: Node's llhttp
 * (tests/node/http1-oracle.js). Random valid conversations (methods
 * known and not, targets with queries, header names in any case and
 * values with OWS, Content-Length and chunked bodies with extensions and
 * trailers, HEAD, 204/304, 100-continue, HTTP/1.0, a last response
 * delimited by the close) are generated here, fed to rawtel in random
 * pieces (request and response alternating, or all requests first:
 * pipelined), and parsed by llhttp; every exchange must agree on method,
 * target, versions, Host, User-Agent, status, both messages' sizes and
 * Content-Lengths. Node is required: without it the test fails.
 * HTTP1_ORACLE_SEED=n picks other conversations; HTTP1_ORACLE_KEEP=1
 * keeps their file (tests/node/http1-oracle.js reads it). */
#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"
#include "t_fmt.h"
#include "http1_t.h"

#define CONVS 400
#define MAXEX 8

static uint64_t rs = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs >> 11) % n;
}

struct buf {
	char *p;
	size_t n, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

__attribute__((format(printf, 2, 3)))
static void putf(struct buf *b, const char *fmt, ...)
{
	char tmp[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	put(b, tmp, (size_t)n);
}

/* A header name in a random case. */
static void name(struct buf *b, const char *n)
{
	char tmp[64];
	size_t k = strlen(n);
	int mode = (int)rnd(3);

	for (size_t i = 0; i < k; i++)
		tmp[i] = mode == 0 ? n[i] : mode == 1 ? (char)(n[i] | 0x20)
			: (n[i] >= 'a' && n[i] <= 'z' ? (char)(n[i] - 32) : n[i]);
	put(b, tmp, k);
	put(b, ":", 1);
	/* OWS: none, a space, or some spaces and tabs */
	put(b, " \t \t" + rnd(2), rnd(2) ? 1 : (size_t)rnd(3));
}

/* llhttp refuses whitespace after a framing or Connection value (RFC
 * 9112 allows it, and so does rawtel): none there. */
static void field(struct buf *b, const char *n, const char *v)
{
	name(b, n);
	put(b, v, strlen(v));
	if (!rnd(4) && strcmp(n, "Content-Length") && strcmp(n, "Transfer-Encoding") &&
	    strcmp(n, "Connection"))
		put(b, " \t", 1 + rnd(2));
	put(b, "\r\n", 2);
}

static void word(char *out, size_t max)
{
	static const char cs[] = "abcdefghijklmnopqrstuvwxyz0123456789-._~";
	size_t n = 1 + rnd((uint32_t)max);

	for (size_t i = 0; i < n; i++)
		out[i] = cs[rnd(sizeof(cs) - 1)];
	out[n] = 0;
}

static void body(struct buf *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(b, &"0123456789abcdef\r\n"[rnd(18)], 1);
}

/* A chunked body of random chunks, extensions and trailers. */
static void chunked(struct buf *b)
{
	int chunks = (int)rnd(5);

	for (int i = 0; i < chunks; i++) {
		size_t n = 1 + rnd(300);

		putf(b, rnd(2) ? "%zx" : "%zX", n);
		if (!rnd(4))
			put(b, ";ext=1", 6);
		put(b, "\r\n", 2);
		body(b, n);
		put(b, "\r\n", 2);
	}
	put(b, "0\r\n", 3);
	if (!rnd(4))
		put(b, "X-Trailer: t\r\n", 14);
	put(b, "\r\n", 2);
}

struct conv {
	struct buf q, r;
	size_t qend[MAXEX], rend[MAXEX];	/* offsets after each message */
	int n, close;
};

static void gen_request(struct conv *c, int *expect, int *head, int *v10)
{
	static const char *const methods[] = {
		"GET", "GET", "GET", "HEAD", "POST", "POST", "PUT", "DELETE",
		"PATCH", "OPTIONS", "PROPFIND", "PURGE",
	};
	const char *m = methods[rnd(sizeof(methods) / sizeof(methods[0]))];
	int has_body = !strcmp(m, "POST") || !strcmp(m, "PUT") || !strcmp(m, "PATCH") ||
		       !strcmp(m, "PROPFIND");
	char w[64];

	*v10 = !rnd(8);
	*head = !strcmp(m, "HEAD");
	putf(&c->q, "%s ", m);
	for (int s = (int)rnd(4); s >= 0; s--) {
		word(w, 12);
		putf(&c->q, "/%s", w);
	}
	if (!rnd(3)) {
		put(&c->q, "?", 1);
		for (int k = (int)rnd(3); k >= 0; k--) {
			word(w, 6);
			putf(&c->q, "%s=", w);
			word(w, 8);
			putf(&c->q, "%s%s", w, k ? "&" : "");
		}
	}
	putf(&c->q, " HTTP/1.%d\r\n", *v10 ? 0 : 1);
	/* llhttp refuses a 1.0 request after one that did not ask to stay */
	if (*v10)
		field(&c->q, "Connection", "keep-alive");
	if (rnd(10)) {
		word(w, 20);
		field(&c->q, "Host", w);
	}
	if (rnd(3))
		field(&c->q, "User-Agent", rnd(2) ? "curl/8.5.0" : "Mozilla/5.0 (X11; Linux x86_64)");
	for (int k = (int)rnd(5); k > 0; k--) {
		static const char *const extra[][2] = {
			{ "Accept", "*/*" }, { "Cookie", "sid=abc; t=1" },
			{ "Authorization", "Bearer xyz" }, { "X-Request-Id", "7f3a" },
			{ "Cache-Control", "no-cache" }, { "Accept-Encoding", "gzip, br" },
		};
		int e = (int)rnd(6);

		field(&c->q, extra[e][0], extra[e][1]);
	}
	*expect = 0;
	if (has_body) {
		size_t n = rnd(1500);

		if (!*v10 && !rnd(4)) {
			*expect = 1;
			field(&c->q, "Expect", "100-continue");
		}
		if (!*v10 && rnd(2)) {
			field(&c->q, "Transfer-Encoding", "chunked");
			put(&c->q, "\r\n", 2);
			chunked(&c->q);
		} else {
			snprintf(w, sizeof(w), "%zu", n);
			field(&c->q, "Content-Length", w);
			put(&c->q, "\r\n", 2);
			body(&c->q, n);
		}
	} else {
		if (!rnd(5))
			field(&c->q, "Content-Length", "0");
		put(&c->q, "\r\n", 2);
	}
}

static void gen_response(struct conv *c, int expect, int head, int v10, int last)
{
	static const int codes[] = { 200, 200, 200, 201, 204, 301, 304, 400, 404, 500, 503 };
	int st = codes[rnd(sizeof(codes) / sizeof(codes[0]))];
	char cl[32];

	if (expect)
		put(&c->r, "HTTP/1.1 100 Continue\r\n\r\n", 25);
	putf(&c->r, "HTTP/1.%d %d %s\r\n", v10 ? 0 : 1, st, rnd(4) ? "Reason Phrase" : "");
	if (v10 && !last)
		field(&c->r, "Connection", "keep-alive");
	if (rnd(2))
		field(&c->r, "Server", "test");
	if (rnd(3))
		field(&c->r, "Set-Cookie", "id=secret; HttpOnly");
	if (head) {
		snprintf(cl, sizeof(cl), "%u", rnd(5000));
		field(&c->r, "Content-Length", cl);
		put(&c->r, "\r\n", 2);
	} else if (st == 204 || st == 304) {
		if (st == 304 && rnd(2))
			field(&c->r, "Content-Length", "42");
		put(&c->r, "\r\n", 2);
	} else if (last && !rnd(4)) {
		/* the body runs to the close */
		put(&c->r, "\r\n", 2);
		body(&c->r, rnd(800));
		c->close = 1;
	} else if (!v10 && rnd(2)) {
		field(&c->r, "Transfer-Encoding", "chunked");
		put(&c->r, "\r\n", 2);
		chunked(&c->r);
	} else {
		size_t n = rnd(2000);

		snprintf(cl, sizeof(cl), "%zu", n);
		field(&c->r, "Content-Length", cl);
		put(&c->r, "\r\n", 2);
		body(&c->r, n);
	}
}

static void gen(struct conv *c)
{
	memset(c, 0, sizeof(*c));
	c->n = 1 + (int)rnd(MAXEX);
	for (int i = 0; i < c->n; i++) {
		int expect, head, v10;

		gen_request(c, &expect, &head, &v10);
		gen_response(c, expect, head, v10, i == c->n - 1);
		c->qend[i] = c->q.n;
		c->rend[i] = c->r.n;
	}
}

/* Feed [from, to) of a stream in random pieces. */
static void feed_range(struct http1_conn *k, enum http1_dir d, const struct buf *b,
		       size_t from, size_t to, uint64_t *ts)
{
	while (from < to) {
		size_t n = 1 + rnd(rnd(4) ? 64 : 2000);

		if (n > to - from)
			n = to - from;
		http1_conn_feed(k, d, ++*ts, b->p + from, n, n);
		from += n;
	}
}

struct lines {
	int n;
	char l[MAXEX][600];
	int conv;
};

static void on_x(void *arg, const struct http1_exchange *x)
{
	struct lines *L = arg;

	if (L->n < MAXEX)
		snprintf(L->l[L->n], sizeof(L->l[0]),
			 "c=%d i=%d m=%s u=%s%s%s v=1.%d h=%s a=%s s=%u rv=%s%d qb=%" PRIu64
			 " rb=%" PRIu64 " qcl=%" PRId64 " rcl=%" PRId64, L->conv, L->n,
			 x->method, x->path, x->has_query ? "?" : "", x->query, x->req_minor,
			 x->host, x->user_agent, x->status, x->status ? "1." : "-",
			 x->status ? x->resp_minor : 0, x->req_bytes, x->resp_bytes,
			 x->req_content_length, x->resp_content_length);
	L->n++;
}

static int node_ok(void)
{
	return system("node --version > /dev/null 2>&1") == 0;
}

static void against_llhttp(void)
{
	static struct conv cv[CONVS];
	static struct lines ours[CONVS];
	static struct http1_conn k;
	static char cmd[1024], line[1024];
	char path[] = "/tmp/rawtel-http1-XXXXXX";
	const char *top = getenv("RAWTEL_TOP");
	int fd, mism = 0, pipelined = 0, got = 0;
	FILE *f, *p;

	T_ASSERTF(node_ok(), "node is not installed: run scripts/install-deps test");
	if (getenv("HTTP1_ORACLE_SEED"))
		rs ^= strtoull(getenv("HTTP1_ORACLE_SEED"), NULL, 0) * 0xbf58476d1ce4e5b9ull;
	fd = mkstemp(path);
	T_ASSERT(fd >= 0);
	f = fdopen(fd, "wb");
	T_ASSERT(f);
	for (int i = 0; i < CONVS; i++) {
		struct http1_opts o = { .on_exchange = on_x, .arg = &ours[i], .raw_query = 1 };
		uint32_t n;
		uint64_t ts = 0;

		gen(&cv[i]);
		n = (uint32_t)cv[i].q.n;
		fwrite(&n, 4, 1, f);
		fwrite(cv[i].q.p, 1, n, f);
		n = (uint32_t)cv[i].r.n;
		fwrite(&n, 4, 1, f);
		fwrite(cv[i].r.p, 1, n, f);
		ours[i].conv = i;
		http1_conn_init(&k, (uint64_t)i, (enum http1_role)(i & 1), &o);
		enum http1_dir qd = i & 1 ? HTTP1_SEND : HTTP1_RECV;
		enum http1_dir rd = i & 1 ? HTTP1_RECV : HTTP1_SEND;

		if (rnd(3) == 0) {
			/* pipelined: requests run up to HTTP1_PIPELINE ahead
			 * of the responses (deeper, the ones past the queue
			 * lose their fields: test_http1.c covers that) */
			int sent = 0;

			pipelined++;
			for (int e = 0; e < cv[i].n; e++) {
				int upto = e + HTTP1_PIPELINE < cv[i].n ? e + HTTP1_PIPELINE : cv[i].n;

				if (upto > sent) {
					feed_range(&k, qd, &cv[i].q, sent ? cv[i].qend[sent - 1] : 0,
						   cv[i].qend[upto - 1], &ts);
					sent = upto;
				}
				feed_range(&k, rd, &cv[i].r, e ? cv[i].rend[e - 1] : 0,
					   cv[i].rend[e], &ts);
			}
		} else {
			for (int e = 0; e < cv[i].n; e++) {
				feed_range(&k, qd, &cv[i].q, e ? cv[i].qend[e - 1] : 0,
					   cv[i].qend[e], &ts);
				feed_range(&k, rd, &cv[i].r, e ? cv[i].rend[e - 1] : 0,
					   cv[i].rend[e], &ts);
			}
		}
		http1_conn_close(&k, ++ts);
	}
	T_ASSERT(fclose(f) == 0);
	snprintf(cmd, sizeof(cmd), "node %s/tests/node/http1-oracle.js %s", top ? top : ".", path);
	p = popen(cmd, "r");
	T_ASSERT(p);
	while (fgets(line, sizeof(line), p)) {
		int c = -1, i = -1;

		line[strcspn(line, "\n")] = 0;
		got++;
		if (sscanf(line, "c=%d i=%d", &c, &i) != 2 || c < 0 || c >= CONVS ||
		    i < 0 || i >= ours[c].n) {
			if (mism++ < 5)
				printf("node: %s\n", line);
			continue;
		}
		if (strcmp(line, ours[c].l[i]) && mism++ < 5)
			printf("node:   %s\nrawtel: %s\n", line, ours[c].l[i]);
	}
	int st = pclose(p);

	if (getenv("HTTP1_ORACLE_KEEP"))
		printf("conversations kept in %s\n", path);
	else
		unlink(path);
	T_ASSERTF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "node failed: %d", st);
	int want = 0;

	for (int i = 0; i < CONVS; i++) {
		want += cv[i].n;
		T_CHECKF(ours[i].n == cv[i].n, "conversation %d: %d exchanges, generated %d",
			 i, ours[i].n, cv[i].n);
		free(cv[i].q.p);
		free(cv[i].r.p);
	}
	T_CHECKF(!mism && got == want, "%d of %d exchanges differ (%d from node)", mism, want, got);
	printf("compared %d exchanges in %d conversations (%d pipelined)\n", want, CONVS, pipelined);
}

int main(void)
{
	T_RUN(against_llhttp);
	return t_done();
}
