/* rawtel's side of scripts/bench-consumer: the CPU of rawtel run's
 * consumer path per HTTP request, stage by stage, without a kernel or a
 * server (end-to-end figures on a shared machine are too noisy to see a
 * 10% change). Synthetic records as the http probe makes them for an
 * nginx serving a small file over keep-alive: per request a recvfrom
 * (the request), a writev (the response head) and a sendfile (the body,
 * nothing captured), 20 connections interleaved. They are laid out in a
 * BPF ring buffer in memory, and each pass (one request per connection)
 * goes through more of the path at each level:
 *   floor    the records only touched (8 bytes in 64 read): the floor
 *   ring     + read from the ring (session_consume, rawtel/ring.h)
 *   sockcap  + stream offsets checked (sockcap_record)
 *   parse    + the agent's records in, the HTTP/1 parser (no reports)
 *   span     + spans and the duration histogram (batch reset at 512)
 *   encode   + the batch encoded as OTLP protobuf at 512 spans
 * Between passes, untimed, the records' times and offsets move on and
 * (cold: the default) 8 MB are written to push rawtel's state out of the
 * caches, as the traced server does between two drains. Levels run
 * round-robin, each timed pass by pass: a level's figure is its median
 * pass per request (a pass the scheduler interrupted is an outlier, not
 * an average's share); encode's is span's plus the median time per span
 * of encoding a full batch. Prints "level=NAME ns_per_req=X stage_ns=Y",
 * Y the difference to the level below: the stage's own cost.
 *   bench_consumer [ROUNDS] [PASSES] [cold|warm] */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../user/agent/agent_int.h"
#include "../user/probes/sockcap_int.h"
#include "rawtel/err.h"
#include "rawtel/ring.h"
#include "bench_req.h"

#define NCONN 20
#define RECS_PER_REQ 3
#define NRECS (NCONN * RECS_PER_REQ)
#define RING_SIZE (1u << 18)
#define BATCH 512
#define THRASH (8u << 20)
#define MAX_ENC 4096

enum level { L_FLOOR, L_RING, L_SOCKCAP, L_PARSE, L_SPAN, L_ENCODE, L_N };
static const char *const names[L_N] = { "floor", "ring", "sockcap", "parse", "span", "encode" };

static const char req[] =
	BENCH_REQ_HEAD
	"Connection: keep-alive\r\n\r\n";
static const char head[] =
	"HTTP/1.1 200 OK\r\n"
	"Server: nginx/1.24.0\r\n"
	"Date: Sun, 06 Dec 2026 18:00:00 GMT\r\n"
	"Content-Type: application/json\r\n"
	"Content-Length: 615\r\n"
	"Last-Modified: Sun, 06 Dec 2026 12:00:00 GMT\r\n"
	"Connection: keep-alive\r\n"
	"ETag: \"6570a1b0-267\"\r\n"
	"Accept-Ranges: bytes\r\n\r\n";
#define BODY 615

/* One level's pipeline: its own ring, records, sockcap and agent (each
 * keeps its connections' offsets and parser state) */
struct pipe {
	enum level lv;
	uint64_t cons, prod;		/* the ring's positions */
	uint8_t *data;			/* RING_SIZE bytes */
	uint64_t used;			/* bytes of records in it */
	struct ev_data *rec[NRECS];	/* into data */
	struct agent_opts o;
	struct agent *a;
	struct sockcap *sc;
	struct otlp_buf enc;
	uint64_t pass, sum, enc_bytes, spans;
};

static uint32_t server_pid;
static uint8_t *thrash_mem;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* ---- the records ---- */
static struct ev_data *ring_put(struct pipe *p, size_t size)
{
	uint32_t *hdr = (uint32_t *)(p->data + p->used);

	hdr[0] = (uint32_t)size;	/* committed: no busy bit */
	hdr[1] = 0;
	p->used += (8 + size + 7) & ~7ull;
	return (struct ev_data *)(hdr + 2);
}

static void data_rec(struct ev_data *d, int conn, uint8_t dir, uint8_t call, const char *bytes,
		     size_t total, size_t cap)
{
	memset(d, 0, DATA_OFF_BYTES);
	d->h = (struct ev_hdr){ EV_DATA, (uint16_t)(DATA_OFF_BYTES + cap), 0, 0, server_pid + 1 + (uint32_t)conn % 4,
				server_pid };
	d->conn = 0x1000 + (uint64_t)conn;
	d->fd = 10 + conn;
	d->dir = dir;
	d->call = call;
	d->cap = (uint16_t)cap;
	d->total = total;
	if (cap)
		memcpy(d->bytes, bytes, cap);
}

/* Half the connections' requests, then their responses, then the other
 * half's: the parser's state alternates between ten connections. */
static void lay_out(struct pipe *p)
{
	size_t lq = strlen(req), lh = strlen(head);
	int k = 0;

	for (int half = 0; half < 2; half++) {
		for (int i = half * NCONN / 2; i < (half + 1) * NCONN / 2; i++) {
			p->rec[k] = ring_put(p, DATA_OFF_BYTES + lq);
			data_rec(p->rec[k++], i, DATA_DIR_RECV, DATA_CALL_RECVFROM, req, lq, lq);
		}
		for (int i = half * NCONN / 2; i < (half + 1) * NCONN / 2; i++) {
			p->rec[k] = ring_put(p, DATA_OFF_BYTES + lh);
			data_rec(p->rec[k++], i, DATA_DIR_SEND, DATA_CALL_WRITEV, head, lh, lh);
			p->rec[k] = ring_put(p, DATA_OFF_BYTES);
			data_rec(p->rec[k++], i, DATA_DIR_SEND, DATA_CALL_SENDFILE, NULL, BODY, 0);
		}
	}
}

/* The next pass's times and stream offsets: record k of pass n returns
 * at 1 s + n ms + k us, each connection's streams one exchange further. */
static void advance(struct pipe *p)
{
	uint64_t moved[2] = { 0, 0 };	/* by connection index, per dir */
	static uint64_t at[NCONN][2];

	memset(at, 0, sizeof(at));
	moved[DATA_DIR_RECV] = strlen(req);
	moved[DATA_DIR_SEND] = strlen(head) + BODY;
	for (int k = 0; k < NRECS; k++) {
		struct ev_data *d = p->rec[k];
		int c = d->fd - 10;

		d->h.ts = 1000000000ull + p->pass * 1000000ull + (uint64_t)k * 1000;
		d->start = d->h.ts - 500;
		d->seq = p->pass * moved[d->dir] + at[c][d->dir];
		at[c][d->dir] += d->total;
		d->peer = p->pass * moved[!d->dir] + at[c][!d->dir];
	}
	p->pass++;
	p->cons = 0;
	p->prod = p->used;
}

/* ---- the levels' consumers ---- */
static int touch(void *ctx, const void *rec, size_t size)
{
	struct pipe *p = ctx;
	const uint64_t *w = rec;

	for (size_t i = 0; i < size / 8; i += 8)
		p->sum += w[i];
	return 0;
}

/* as rawtel run's dispatcher (agent.c) hands the http probe's records */
static int to_agent(void *ctx, const struct probe *pr, const void *rec, size_t size)
{
	struct pipe *p = ctx;
	uint16_t t = ((const struct ev_hdr *)rec)->type;

	(void)pr;
	p->a->received[t < EV_TYPE_MAX ? t : EV_SOCK]++;
	if (p->lv == L_SOCKCAP)
		return touch(p, rec, size);
	ahttp_on_record(p->a, rec, size);
	return 0;
}

static int ring_touch(void *ctx, const struct probe *pr, const void *rec, size_t size)
{
	(void)pr;
	return touch(ctx, rec, size);
}

/* a full batch out (encode: the time per span it took, else -1) */
static double batch_out(struct pipe *p)
{
	struct otlp_batch *b = p->a->b[OTLP_TRACES];
	size_t off = 0;

	uint32_t n = otlp_batch_items(b);
	double t0 = now_ns(), t = -1;

	if (n < BATCH)
		return -1;
	p->spans += n;
	if (p->lv == L_ENCODE) {
		p->enc.len = 0;
		if (otlp_encode_pb_at(b, &p->enc, &off) == 0)
			p->enc_bytes += p->enc.len;
		t = (now_ns() - t0) / n;
	}
	otlp_batch_reset(b);
	return t;
}

static void run_pass(struct pipe *p)
{
	if (p->lv == L_FLOOR) {
		for (int k = 0; k < NRECS; k++)
			touch(p, p->rec[k], p->rec[k]->h.size);
		return;
	}
	session_consume(&p->a->s, p->lv == L_RING ? ring_touch : to_agent, p);
}

/* ---- set-up ---- */
static int sock_to_agent(void *ctx, const void *rec, size_t size)
{
	struct pipe *p = ctx;

	if (p->lv >= L_PARSE)
		ahttp_on_record(p->a, rec, size);
	return 0;
}

static void sock_rec(struct pipe *p, int conn)
{
	struct ev_sock e;

	memset(&e, 0, sizeof(e));
	e.h = (struct ev_hdr){ EV_SOCK, SOCK_REC_SIZE, SOCK_F_LOCAL | SOCK_F_REMOTE, 999000000, server_pid,
			       server_pid };
	e.conn = 0x1000 + (uint64_t)conn;
	e.fd = 10 + conn;
	e.lfd = 6;
	e.kind = SOCK_K_ACCEPT;
	e.role = SOCK_ROLE_SERVER;
	e.family = RT_AF_INET;
	e.lport = 8080;
	e.rport = (uint16_t)(40000 + conn);
	e.laddr[10] = e.laddr[11] = e.raddr[10] = e.raddr[11] = 0xff;
	e.laddr[12] = e.raddr[12] = 127;
	e.laddr[15] = e.raddr[15] = 1;
	memcpy(e.comm, "nginx", 6);
	sockcap_record(p->sc, &e, sizeof(e), sock_to_agent, p);
}

static int pipe_new(struct pipe *p, enum level lv)
{
	static char *argv[] = { "run", "--probes", "http", "--endpoint", "http://127.0.0.1:4318", NULL };
	struct otlp_batch_limits lim = { 8u << 20, 1024, 1024 };
	struct agent *a;
	uint8_t *store;

	memset(p, 0, sizeof(*p));
	p->lv = lv;
	if (!(p->data = calloc(1, 2 * RING_SIZE)))
		return -ENOMEM;
	lay_out(p);
	if (agent_opts_parse(&p->o, 5, argv))
		return -EINVAL;
	p->o.bsp.batch = p->o.bsp.queue = 1u << 30;	/* batches go out here */
	if (!(a = p->a = calloc(1, sizeof(*a))))
		return -ENOMEM;
	a->o = &p->o;
	a->scope = (struct otlp_scope){ OTLP_S("rawtel"), OTLP_S("bench"), NULL, 0, 0, { NULL, 0 } };
	snprintf(a->host, sizeof(a->host), "benchhost");
	if (procs_init(&a->procs, &p->o, a->host))
		return -ENOMEM;
	for (int s = 0; s < 3; s++)
		if (otlp_batch_new(&a->b[s], (enum otlp_signal)s, &lim))
			return -ENOMEM;
	/* spans go into a store, as in the agent after its first export
	 * (without one they would take the model's path) */
	if (!(store = malloc(lim.arena_bytes)))
		return -ENOMEM;
	otlp_batch_set_store(a->b[OTLP_TRACES], store, lim.arena_bytes, 2048);
	otlp_buf_init(&p->enc, 8u << 20);
	if (selfmet_init(a) || ahttp_init(a))
		return -ENOMEM;
	a->s.opt = p->o.s;
	a->s.ring_open = true;
	if (ringbuf_init_mem(&a->s.ring.rb, &p->cons, &p->prod, p->data, RING_SIZE, 8))
		return -EINVAL;
	if (lv >= L_SOCKCAP) {
		struct sockcap *c = calloc(1, sizeof(*c));

		if (!c || idtab_init(&c->conns, sizeof(struct sc_conn), SC_CONNS, SC_CONNS - 1, false))
			return -ENOMEM;
		c->fds_fd = c->gate_fd = c->procs_fd = c->listen_fd = c->sel_fd = -1;
		c->nocopy_fd = c->nocopy_n_fd = -1;
		p->sc = a->s.sockcap = c;
		for (int i = 0; i < NCONN; i++)
			sock_rec(p, i);
	}
	if (lv == L_PARSE) {
		/* the parser runs; nothing is reported */
		a->http->po.on_exchange = NULL;
		a->http->po.on_request = NULL;
	}
	return 0;
}

static void thrash(void)
{
	for (size_t i = 0; i < THRASH; i += 64)
		thrash_mem[i]++;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static struct pipe pipes[L_N];
	int rounds = argc > 1 ? atoi(argv[1]) : 20, passes = argc > 2 ? atoi(argv[2]) : 50;
	int cold = !(argc > 3 && !strcmp(argv[3], "warm"));
	double *ns[L_N], prev = 0, enc[MAX_ENC];
	int n_enc = 0;

	/* a process that exists and is not this one (rawtel skips its own) */
	server_pid = (uint32_t)getppid();
	if (!(thrash_mem = calloc(1, THRASH)) || rounds < 1 || passes < 1)
		return 1;
	for (int l = 0; l < L_N; l++)
		if (pipe_new(&pipes[l], (enum level)l) || !(ns[l] = calloc((size_t)rounds * (size_t)passes, sizeof(double)))) {
			fprintf(stderr, "bench_consumer: set-up failed: %s\n", err_msg());
			return 1;
		}
	for (int r = -1; r < rounds; r++)	/* round -1 warms up */
		for (int l = 0; l < L_N; l++)
			for (int k = 0; k < passes; k++) {
				advance(&pipes[l]);
				if (cold)
					thrash();
				double t0 = now_ns();
				run_pass(&pipes[l]);
				if (r >= 0)
					ns[l][r * passes + k] = (now_ns() - t0) / NCONN;
				if (l >= L_SPAN && (t0 = batch_out(&pipes[l])) >= 0 && r >= 0 &&
				    n_enc < MAX_ENC)
					enc[n_enc++] = t0;
			}
	printf("config %s rounds=%d passes=%d requests_per_pass=%d records_per_req=%d\n",
	       cold ? "cold" : "warm", rounds, passes, NCONN, RECS_PER_REQ);
	for (int l = 0; l < L_N; l++) {
		double med;

		if (l == L_ENCODE) {
			/* the span level's passes, and the batches' encoding */
			qsort(enc, (size_t)n_enc, sizeof(double), by_value);
			med = prev + (n_enc ? enc[n_enc / 2] : 0);
			printf("level=%s ns_per_req=%.0f stage_ns=%.0f\n", names[l], med, med - prev);
			break;
		}
		qsort(ns[l], (size_t)rounds * (size_t)passes, sizeof(double), by_value);
		med = ns[l][rounds * passes / 2];
		printf("level=%s ns_per_req=%.0f stage_ns=%.0f\n", names[l], med, med - prev);
		prev = med;
	}
	/* the data is valid: every request made its span */
	for (int l = L_SPAN; l < L_N; l++) {
		uint64_t n = pipes[l].spans + otlp_batch_items(pipes[l].a->b[OTLP_TRACES]);

		if (n != (uint64_t)(rounds + 1) * (uint64_t)passes * NCONN) {
			fprintf(stderr, "bench_consumer: %s: %llu spans for %llu requests\n", names[l],
				(unsigned long long)n, (unsigned long long)(rounds + 1) * (uint64_t)passes * NCONN);
			return 1;
		}
	}
	if (!pipes[L_ENCODE].enc_bytes) {
		fprintf(stderr, "bench_consumer: nothing encoded\n");
		return 1;
	}
	printf("encoded_bytes=%llu sum=%llu\n", (unsigned long long)pipes[L_ENCODE].enc_bytes,
	       (unsigned long long)(pipes[0].sum + pipes[1].sum + pipes[2].sum));
	return 0;
}
