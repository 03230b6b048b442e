/* Shared by the PostgreSQL parser's tests (test_pg*.c): a connection fed
 * syscalls, its exchanges as one line each, and builders of messages. */
#ifndef RAWTEL_PG_T_H
#define RAWTEL_PG_T_H

#include <stdarg.h>
#include "t.h"
#include "rawtel/db.h"
#include "rawtel/proto.h"

#define PT_MAXX 96
#define PT_LINE 1400

struct pt {
	void *c;
	enum proto_role role;
	struct proto_opts o;
	struct proto_stats st;
	uint64_t ts;
	int n, nreq, last_rc;
	char x[PT_MAXX][PT_LINE];
	struct db_exchange last;
};

static const char *const pt_flag_names[] = {
	"NOREQ", "NORESP", "ERROR", "TRUNC", "PREPARED", "UNKNOWN", "NOREPLY", "SIZE?", "PUSH",
};

/* One line per exchange: flags ns op stmt status rows batch text. */
static inline void pt_fmt(const struct db_exchange *x, char *out, size_t size)
{
	char fl[96] = "";
	size_t k = 0;

	for (unsigned i = 0; i < sizeof(pt_flag_names) / sizeof(pt_flag_names[0]); i++)
		if (x->flags & (1u << i))
			k += (size_t)snprintf(fl + k, sizeof(fl) - k, "%s%s", k ? "," : "",
					      pt_flag_names[i]);
	snprintf(out, size, "%s ns=%s op=%s stmt=%s status=%s rows=%lld batch=%u text=%s",
		 k ? fl : "-", x->ns, x->op, x->stmt, x->status, (long long)x->rows, x->batch,
		 x->text);
}

static inline void pt_on_db(void *arg, const struct db_exchange *x)
{
	struct pt *t = arg;

	/* what every exchange must be, whatever the input */
	T_CHECK(memchr(x->text, 0, sizeof(x->text)) && memchr(x->ns, 0, sizeof(x->ns)));
	T_CHECK(x->start_ns <= x->end_ns);
	T_CHECK(x->proto == PROTO_POSTGRES && x->batch >= 1);
	t->last = *x;
	if (t->n < PT_MAXX)
		pt_fmt(x, t->x[t->n], PT_LINE);
	t->n++;
}

static inline void pt_on_req(void *arg, const struct db_exchange *x)
{
	struct pt *t = arg;

	(void)x;
	t->nreq++;
}

static inline void pt_init(struct pt *t, enum proto_role role)
{
	memset(t, 0, sizeof(*t));
	t->role = role;
	t->o.on_db = pt_on_db;
	t->o.on_db_request = pt_on_req;
	t->o.arg = t;
	t->o.stats = &t->st;
	t->c = calloc(1, proto_postgres.conn_size);
	proto_postgres.init(t->c, 7, role, &t->o);
}

static inline void pt_free(struct pt *t)
{
	free(t->c);
	t->c = NULL;
}

/* Bytes from the client ('c', the frontend) or the server ('s'): the
 * direction follows from the observed side's role. */
static inline enum proto_dir pt_dir(const struct pt *t, char who)
{
	return (who == 'c') == (t->role == PROTO_SERVER) ? PROTO_RECV : PROTO_SEND;
}

static inline int pt_feed_cap(struct pt *t, char who, const void *p, size_t cap, uint64_t total)
{
	t->ts += 10;
	t->last_rc = proto_postgres.feed(t->c, pt_dir(t, who), t->ts, p, cap, total);
	return t->last_rc;
}

static inline int pt_feed(struct pt *t, char who, const void *p, size_t n)
{
	return pt_feed_cap(t, who, p, n, n);
}

/* Message builders into a growing buffer. */
struct pb {
	uint8_t b[8192];
	size_t n;
};

static inline void pb_u32(struct pb *b, uint32_t v)
{
	b->b[b->n++] = (uint8_t)(v >> 24);
	b->b[b->n++] = (uint8_t)(v >> 16);
	b->b[b->n++] = (uint8_t)(v >> 8);
	b->b[b->n++] = (uint8_t)v;
}

/* A typed message; body pieces given as (pointer, length) pairs ending
 * with NULL; a length of -1 means a C string with its NUL. */
static inline void pb_msg(struct pb *b, char type, ...)
{
	size_t at;
	va_list ap;
	const char *s;

	b->b[b->n++] = (uint8_t)type;
	at = b->n;
	b->n += 4;
	va_start(ap, type);
	while ((s = va_arg(ap, const char *))) {
		long len = va_arg(ap, long);
		size_t k = len < 0 ? strlen(s) + 1 : (size_t)len;

		memcpy(b->b + b->n, s, k);
		b->n += k;
	}
	va_end(ap);
	uint32_t len = (uint32_t)(b->n - at);
	b->b[at] = (uint8_t)(len >> 24);
	b->b[at + 1] = (uint8_t)(len >> 16);
	b->b[at + 2] = (uint8_t)(len >> 8);
	b->b[at + 3] = (uint8_t)len;
}
#define STR(s) (s), -1L
#define RAW(s, n) (s), (long)(n)
/* a string literal without its NUL (it may hold NULs) */
#define LIT(s) (s), (long)(sizeof(s) - 1)

/* StartupMessage with (name, value) C-string pairs ending with NULL. */
static inline void pb_startup(struct pb *b, uint32_t version, ...)
{
	size_t at = b->n;
	va_list ap;
	const char *s;

	pb_u32(b, 0);
	pb_u32(b, version);
	va_start(ap, version);
	while ((s = va_arg(ap, const char *))) {
		memcpy(b->b + b->n, s, strlen(s) + 1);
		b->n += strlen(s) + 1;
	}
	va_end(ap);
	b->b[b->n++] = 0;
	uint32_t len = (uint32_t)(b->n - at);
	b->b[at] = (uint8_t)(len >> 24);
	b->b[at + 1] = (uint8_t)(len >> 16);
	b->b[at + 2] = (uint8_t)(len >> 8);
	b->b[at + 3] = (uint8_t)len;
}

/* Common replies. */
static inline void pb_cc(struct pb *b, const char *tag)
{
	pb_msg(b, 'C', STR(tag), NULL);
}
static inline void pb_rfq(struct pb *b)
{
	pb_msg(b, 'Z', RAW("I", 1), NULL);
}
static inline void pb_err(struct pb *b, const char *code)
{
	char f[64];
	int n = snprintf(f, sizeof(f), "SERROR%cVERROR%cC%s%cMbad%c", 0, 0, code, 0, 0);

	pb_msg(b, 'E', RAW(f, n + 1), NULL);
}
static inline void pb_row(struct pb *b)
{
	pb_msg(b, 'D', LIT("\0\1\0\0\0\1x"), NULL);
}

#endif
