/* Conversations for test_pg*.c: syscalls built with pg_t.h's builders, run
 * in both roles and cut in every way, compared with expected lines. */
#ifndef RAWTEL_PG_CONV_H
#define RAWTEL_PG_CONV_H

#include "pg_t.h"

#define CV_MAX 24

struct conv {
	int n;
	char who[CV_MAX];
	struct pb s[CV_MAX];
};

/* The next syscall, from 'c' (client) or 's' (server). */
static inline struct pb *cv_add(struct conv *v, char who)
{
	struct pb *b = &v->s[v->n];

	v->who[v->n++] = who;
	b->n = 0;
	return b;
}

/* SSLRequest, 'N', StartupMessage(user, database), AuthenticationOk,
 * ParameterStatus, BackendKeyData, ReadyForQuery. */
static inline void cv_hello(struct conv *v, const char *user, const char *db)
{
	struct pb *b = cv_add(v, 'c');

	pb_u32(b, 8);
	pb_u32(b, 80877103);
	b = cv_add(v, 's');
	b->b[b->n++] = 'N';
	b = cv_add(v, 'c');
	if (db)
		pb_startup(b, 0x30000, "user", user, "database", db, NULL);
	else
		pb_startup(b, 0x30000, "user", user, NULL);
	b = cv_add(v, 's');
	pb_msg(b, 'R', RAW("\0\0\0\0", 4), NULL);
	pb_msg(b, 'S', STR("client_encoding"), STR("UTF8"), NULL);
	pb_msg(b, 'K', RAW("\0\0\0\1\0\0\0\2", 8), NULL);
	pb_rfq(b);
}

/* Feed a conversation: mode 0 as built, 1 a byte per syscall, 2 each
 * syscall cut in two at `at`. */
static inline void cv_run(struct pt *t, const struct conv *v, int mode, size_t at)
{
	for (int i = 0; i < v->n; i++) {
		const struct pb *b = &v->s[i];

		if (mode == 1) {
			for (size_t j = 0; j < b->n; j++)
				pt_feed(t, v->who[i], b->b + j, 1);
		} else if (mode == 2 && at && at < b->n) {
			pt_feed(t, v->who[i], b->b, at);
			pt_feed(t, v->who[i], b->b + at, b->n - at);
		} else {
			pt_feed(t, v->who[i], b->b, b->n);
		}
	}
}

/* Lines wanted, NULL-terminated: the same from both roles, fed whole, a
 * byte per syscall and cut in two at every position. */
static inline void cv_expect(const struct conv *v, const char *const *want, int close)
{
	size_t longest = 0;

	for (int i = 0; i < v->n; i++)
		longest = v->s[i].n > longest ? v->s[i].n : longest;
	for (int role = 0; role < 2; role++)
		for (size_t mode = 0; mode < 2 + longest; mode++) {
			struct pt t;
			int k = 0;

			pt_init(&t, role ? PROTO_CLIENT : PROTO_SERVER);
			cv_run(&t, v, mode < 2 ? (int)mode : 2, mode - 1);
			if (close)
				proto_postgres.close(t.c, t.ts + 1);
			for (; want[k]; k++)
				if (k >= t.n || strcmp(t.x[k], want[k])) {
					T_FAILF("role %d mode %zu: exchange %d: got \"%s\" want \"%s\"",
						role, mode, k, k < t.n ? t.x[k] : "(none)", want[k]);
					break;
				}
			if (!want[k] && t.n != k)
				T_FAILF("role %d mode %zu: %d exchanges, want %d (extra: %s)", role,
					mode, t.n, k, t.x[k]);
			T_EQ_INT(t.st.sync_lost, 0);
			pt_free(&t);
			if (t_case_failed)
				return;
		}
}

#endif
