/* The PostgreSQL parser against conversations recorded from the real
 * server and clients (tests/fixtures/pg/NAME.rec, made by record.sh there:
 * psql, a result of several syscalls, \copy, pgbench -M simple/extended/
 * prepared, pipelines, psycopg2).
 * Each recording's exchanges are in its .want file, checked by hand
 * against what the clients ran: the real programs are the oracle. Every
 * recording is replayed as recorded, a byte per syscall, with one side's
 * syscalls glued, from both roles; cut short by gaps and joined
 * mid-stream it may lose exchanges but must never pair wrongly.
 * RAWTEL_PG_REGEN=1 rewrites the .want files (then check them again). */
#include "pg_t.h"

#define REC_MAX 256

struct rec {
	int n;
	char who[REC_MAX];
	size_t len[REC_MAX];
	uint8_t *data[REC_MAX];
	int nwant;
	char want[PT_MAXX][PT_LINE];
};

static const char *const names[] = {
	"psql", "bigresult", "copy", "pgbench_simple", "pgbench_extended", "pgbench_prepared",
	"pipe_ok", "pipe_err", "psycopg2",
};

static void rec_free(struct rec *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->data[i]);
	r->n = 0;
}

static int hexval(char ch)
{
	return ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10;
}

static int rec_load(struct rec *r, const char *name)
{
	char path[256], line[140000];
	FILE *f;

	memset(r, 0, sizeof(*r));
	snprintf(path, sizeof(path), "tests/fixtures/pg/%s.rec", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && r->n < REC_MAX) {
		size_t hl = strcspn(line + 2, "\n");

		r->who[r->n] = line[0];
		r->len[r->n] = hl / 2;
		r->data[r->n] = malloc(hl / 2 + 1);
		for (size_t i = 0; i < hl / 2; i++)
			r->data[r->n][i] = (uint8_t)(hexval(line[2 + 2 * i]) << 4 |
						     hexval(line[3 + 2 * i]));
		r->n++;
	}
	fclose(f);
	snprintf(path, sizeof(path), "tests/fixtures/pg/%s.want", name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (r->nwant < PT_MAXX && fgets(r->want[r->nwant], PT_LINE, f)) {
		r->want[r->nwant][strcspn(r->want[r->nwant], "\n")] = 0;
		r->nwant++;
	}
	fclose(f);
	return 0;
}

/* mode 0: as recorded; 1: a byte per syscall; 2: each side's runs of
 * syscalls glued into one; from record `from`, captured at most `cap`
 * bytes of each syscall (0: all). */
static void replay(struct pt *t, const struct rec *r, int mode, int from, size_t cap)
{
	static uint8_t glue[65536];

	for (int i = from; i < r->n; i++) {
		size_t n = r->len[i], k = cap && cap < n ? cap : n;

		if (mode == 1) {
			for (size_t j = 0; j < n; j++)
				pt_feed(t, r->who[i], r->data[i] + j, 1);
		} else if (mode == 2) {
			size_t g = 0;

			while (i < r->n && g + r->len[i] <= sizeof(glue)) {
				memcpy(glue + g, r->data[i], r->len[i]);
				g += r->len[i];
				if (i + 1 >= r->n || r->who[i + 1] != r->who[i])
					break;
				i++;
			}
			pt_feed(t, r->who[i], glue, g);
		} else {
			pt_feed_cap(t, r->who[i], r->data[i], k, n);
		}
	}
	proto_postgres.close(t->c, t->ts + 1);
}

static void regen(const struct pt *t, const char *name)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "tests/fixtures/pg/%s.want", name);
	f = fopen(path, "w");
	for (int i = 0; f && i < t->n && i < PT_MAXX; i++)
		fprintf(f, "%s\n", t->x[i]);
	if (f)
		fclose(f);
}

static void same_as_want(const struct pt *t, const struct rec *r, const char *what)
{
	if (t->n != r->nwant)
		T_FAILF("%s: %d exchanges, want %d", what, t->n, r->nwant);
	for (int i = 0; i < t->n && i < r->nwant; i++)
		if (strcmp(t->x[i], r->want[i])) {
			T_FAILF("%s: exchange %d: got \"%s\" want \"%s\"", what, i, t->x[i],
				r->want[i]);
			return;
		}
	T_EQ_INT(t->st.sync_lost, 0);
	T_EQ_INT(t->st.skipped, 0);
}

/* The text after "text=", and the status, of a line. */
static int same_pair(const char *a, const char *b)
{
	const char *ta = strstr(a, " text="), *tb = strstr(b, " text=");
	const char *sa = strstr(a, " status="), *sb = strstr(b, " status=");

	return ta && tb && sa && sb && !strcmp(ta, tb) &&
	       strcspn(sa + 1, " ") == strcspn(sb + 1, " ") &&
	       !strncmp(sa, sb, strcspn(sa + 1, " ") + 1);
}

/* Every exchange that paired a request with a reply is one of the wanted
 * ones, in order: text and status match. */
static void never_wrong(const struct pt *t, const struct rec *r, const char *what)
{
	int w = 0;

	for (int i = 0; i < t->n && i < PT_MAXX; i++) {
		const char *fl = t->x[i];

		if (strstr(fl, "NOREQ") < strchr(fl, ' ') && strstr(fl, "NOREQ"))
			continue;
		if (strstr(fl, "NORESP") && strstr(fl, "NORESP") < strchr(fl, ' '))
			continue;
		if (strstr(fl, "TRUNC") && strstr(fl, "TRUNC") < strchr(fl, ' '))
			continue;
		/* joined after its Parse: no text to compare */
		if (strstr(fl, "UNKNOWN") && strstr(fl, "UNKNOWN") < strchr(fl, ' '))
			continue;
		while (w < r->nwant && !same_pair(fl, r->want[w]))
			w++;
		if (w == r->nwant) {
			T_FAILF("%s: exchange %d \"%s\" is none of the wanted ones", what, i, fl);
			return;
		}
		w++;
	}
}

/* Every recording replayed once in each mode, as server and as client */
static void exact_replays(const struct rec *r, const char *name)
{
	struct pt t;
	char what[128];

	for (int role = 0; role < 2; role++)
		for (int mode = 0; mode < 3; mode++) {
			pt_init(&t, role ? PROTO_CLIENT : PROTO_SERVER);
			replay(&t, r, mode, 0, 0);
			if (getenv("RAWTEL_PG_REGEN") && !role && !mode)
				regen(&t, name);
			snprintf(what, sizeof(what), "%s role %d mode %d", name, role, mode);
			same_as_want(&t, r, what);
			T_EQ_INT(t.st.exchanges, t.n);
			/* the SCRAM exchange (client nonce, proof) is never kept */
			T_CHECK(!memmem(t.c, proto_postgres.conn_size, "n,,n=", 5));
			T_CHECK(!memmem(t.c, proto_postgres.conn_size, "c=biws", 6));
			pt_free(&t);
		}
}

/* Joined at every record, and captured at most `cap` bytes a syscall. */
static void lossy_replays(const struct rec *r, const char *name)
{
	static const size_t caps[] = { 0, 1, 3, 5, 6, 9, 17, 40, 100 };
	struct pt t;
	char what[128];

	for (int role = 0; role < 2; role++)
		for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++)
			for (int from = 0; from < r->n; from += caps[c] ? r->n : 1) {
				pt_init(&t, role ? PROTO_CLIENT : PROTO_SERVER);
				replay(&t, r, 0, from, caps[c]);
				snprintf(what, sizeof(what), "%s role %d cap %zu from %d", name, role,
					 caps[c], from);
				never_wrong(&t, r, what);
				pt_free(&t);
			}
}

/* fn on each recording in names[] */
static void each_recording(void (*fn)(const struct rec *r, const char *name))
{
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		struct rec r;

		T_ASSERT(rec_load(&r, names[k]) == 0, "recording missing");
		fn(&r, names[k]);
		rec_free(&r);
	}
}

static void t_fixtures(void)
{
	each_recording(exact_replays);
}

static void t_fixtures_lossy(void)
{
	each_recording(lossy_replays);
}

int main(void)
{
	T_RUN(t_fixtures);
	T_RUN(t_fixtures_lossy);
	return t_done();
}
