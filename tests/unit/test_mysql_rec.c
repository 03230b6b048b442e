/* The MySQL parser on conversations recorded from the real programs
 * (tests/fixtures/mysql/record.sh: Debian's mariadbd, the mariadb
 * client, a libmariadb prepared-statement client, PyMySQL): the exact
 * exchanges, as a server and as a client, whole and a byte per syscall.
 * RAWTEL_MY_DUMP=1 prints what the parser gives. */
#include "t.h"
#include "t_fmt.h"
#include "my_t.h"

struct want {
	const char *file;
	const char *const *lines;
};

static void dump(const char *name, const struct mrec *r)
{
	if (!getenv("RAWTEL_MY_DUMP"))
		return;
	for (int i = 0; i < r->n && i < MY_T_MAXX; i++)
		fprintf(stderr, "%s: \"%s\",\n", name, r->line[i]);
}

static void check(const char *file, const char *const *want)
{
	static struct mconv cv;
	static struct mrec r, bytes;
	int n = 0;

	T_ASSERT(mconv_load(&cv, file) == 0, "fixture missing");
	while (want[n])
		n++;
	for (int role = 0; role < 2; role++) {
		mrun(&cv, role, 0, SIZE_MAX, 0, &r, NULL, 0);
		dump(file, &r);
		T_CHECKF(r.n == n, "%s role %d: %d exchanges, want %d", file, role, r.n, n);
		for (int i = 0; i < n && i < r.n; i++)
			T_CHECKF(!strcmp(r.line[i], want[i]), "%s role %d #%d:\n got  %s\n want %s",
				 file, role, i, r.line[i], want[i]);
		T_EQ_INT(r.st.sync_lost, 0);
		T_EQ_INT(r.st.skipped, 0);
		/* every fixture was recorded from mariadbd: its greeting says so */
		T_CHECKF(r.mariadb == r.n, "%s role %d: %d of %d exchanges flagged MariaDB", file,
			 role, r.mariadb, r.n);
		mrun(&cv, role, 1, SIZE_MAX, 0, &bytes, NULL, 0);
		T_CHECKF(bytes.n == r.n, "%s byte per syscall: %d exchanges", file, bytes.n);
		for (int i = 0; i < r.n && i < bytes.n; i++)
			T_CHECKF(!strcmp(r.line[i], bytes.line[i]), "%s bytewise #%d: %s", file, i,
				 bytes.line[i]);
	}
	mconv_free(&cv);
}

static const char *const want_cli[] = {
	"|SELECT id, name, price FROM items ORDER BY id|stmt=|ns=shop|st=/|rows=3|b=1|f=0|50/209",
	"|SELECT DATABASE()|stmt=|ns=shop|st=/|rows=1|b=1|f=0|22/70",
	"COM_INIT_DB||stmt=|ns=mysql|st=/|rows=0|b=1|f=0|10/21",
	"|SELECT COUNT(*) FROM db|stmt=|ns=mysql|st=/|rows=1|b=1|f=0|28/65",
	"|SELECT * FROM no_such_table|stmt=|ns=mysql|st=1146/42S02|rows=-1|b=1|f=0x4|32/54",
	"|SELECT DATABASE()|stmt=|ns=mysql|st=/|rows=1|b=1|f=0|22/71",
	"COM_INIT_DB||stmt=|ns=shop|st=/|rows=0|b=1|f=0|9/20",
	"|UPDATE items SET price = price + 1 WHERE id < 3|stmt=|ns=shop|st=/|rows=2|b=1|f=0|52/52",
	"|LOAD DATA LOCAL INFILE '/tmp/tmp.uYOai6YccC/more.csv' INTO TABLE items FIELDS TERMINATED BY ','|stmt=|ns=shop|st=/|rows=2|b=1|f=0|100/121",
	"|SELECT 1; SELECT 2, 3; DELETE FROM items WHERE id >= 20|stmt=|ns=shop|st=/|rows=4|b=3|f=0|60/157",
	"COM_QUIT||stmt=|ns=shop|st=/|rows=-1|b=1|f=0x40|5/0",
	NULL,
};
static const char *const want_stmt[] = {
	"COM_STMT_PREPARE|SELECT name, price FROM items WHERE id > ? ORDER BY id|stmt=1|ns=shop|st=/|rows=0|b=1|f=0|59/162",
	"|SELECT name, price FROM items WHERE id > ? ORDER BY id|stmt=1|ns=shop|st=/|rows=2|b=1|f=0x10|22/54",
	"|SELECT name, price FROM items WHERE id > ? ORDER BY id|stmt=1|ns=shop|st=/|rows=1|b=1|f=0x10|22/39",
	"COM_STMT_CLOSE|SELECT name, price FROM items WHERE id > ? ORDER BY id|stmt=1|ns=shop|st=/|rows=-1|b=1|f=0x50|9/0",
	"COM_STMT_PREPARE|INSERT INTO items (id, name, price) VALUES (?, ?, 7)|stmt=2|ns=shop|st=/|rows=0|b=1|f=0|57/81",
	"|INSERT INTO items (id, name, price) VALUES (?, ?, 7)|stmt=2|ns=shop|st=/|rows=1|b=1|f=0x10|39/11",
	"COM_STMT_CLOSE|INSERT INTO items (id, name, price) VALUES (?, ?, 7)|stmt=2|ns=shop|st=/|rows=-1|b=1|f=0x50|9/0",
	"COM_STMT_PREPARE|UPDATE items SET name = ? WHERE id = ?|stmt=3|ns=shop|st=/|rows=0|b=1|f=0|43/81",
	"COM_STMT_SEND_LONG_DATA|UPDATE items SET name = ? WHERE id = ?|stmt=3|ns=shop|st=/|rows=-1|b=1|f=0x50|23/0",
	"COM_STMT_SEND_LONG_DATA|UPDATE items SET name = ? WHERE id = ?|stmt=3|ns=shop|st=/|rows=-1|b=1|f=0x50|15/0",
	"|UPDATE items SET name = ? WHERE id = ?|stmt=3|ns=shop|st=/|rows=1|b=1|f=0x10|24/52",
	"COM_STMT_RESET|UPDATE items SET name = ? WHERE id = ?|stmt=3|ns=shop|st=/|rows=0|b=1|f=0x10|9/11",
	"COM_STMT_CLOSE|UPDATE items SET name = ? WHERE id = ?|stmt=3|ns=shop|st=/|rows=-1|b=1|f=0x50|9/0",
	"COM_STMT_PREPARE|SELECT * FROM no_such_table WHERE id = ?|stmt=|ns=shop|st=1146/42S02|rows=-1|b=1|f=0x4|45/53",
	"COM_QUIT||stmt=|ns=shop|st=/|rows=-1|b=1|f=0x40|5/0",
	NULL,
};
static const char *const want_py[] = {
	"|SET AUTOCOMMIT = 0|stmt=|ns=|st=/|rows=0|b=1|f=0|23/11",
	"|USE shop|stmt=|ns=|st=/|rows=0|b=1|f=0|13/11",
	"|SELECT name FROM items WHERE price > 3|stmt=|ns=shop|st=/|rows=4|b=1|f=0|43/120",
	"|INSERT INTO items VALUES (30, 'quince', 6), (31, 'lime', 2)|stmt=|ns=shop|st=/|rows=2|b=1|f=0|64/50",
	"|SELECT nope FROM items|stmt=|ns=shop|st=1054/42S22|rows=-1|b=1|f=0x4|27/46",
	"COM_PING||stmt=|ns=shop|st=/|rows=0|b=1|f=0|5/11",
	"|SELECT 1; UPDATE items SET price = 1 WHERE id >= 30|stmt=|ns=shop|st=/|rows=3|b=2|f=0|56/108",
	"COM_INIT_DB||stmt=|ns=mysql|st=/|rows=0|b=1|f=0|10/11",
	"|SELECT 'done'|stmt=|ns=mysql|st=/|rows=1|b=1|f=0|18/62",
	"|COMMIT|stmt=|ns=mysql|st=/|rows=0|b=1|f=0|11/11",
	"COM_QUIT||stmt=|ns=mysql|st=/|rows=-1|b=1|f=0x40|5/0",
	NULL,
};

/* The values bound to prepared statements ("s3cr3t-..." in the
 * recording) are never copied: not in an exchange, nowhere in the
 * connection's state. */
static void rec_no_secrets(void)
{
	static struct mconv cv;
	static struct mrec r;
	const char *bad[] = { "s3cr3t", "apricot", "long-data" };

	T_ASSERT(mconv_load(&cv, "stmt.rec") == 0, "fixture missing");
	for (int role = 0; role < 2; role++) {
		void *c = mrun(&cv, role, 0, SIZE_MAX, 0, &r, NULL, 1);

		for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
			T_CHECKF(!memmem(c, proto_mysql.conn_size, bad[b], strlen(bad[b])),
				 "role %d: %s in the connection's state", role, bad[b]);
			for (int i = 0; i < r.n && i < MY_T_MAXX; i++)
				T_CHECKF(!strstr(r.line[i], bad[b]), "%s", r.line[i]);
		}
		proto_mysql.close(c, 1);
		free(c);
	}
	mconv_free(&cv);
}

/* 1000 rows (sequence ids wrap around), a query of 20022 bytes written
 * in two syscalls: its text cut at DB_TEXT_MAX and flagged. */
static void rec_big(void)
{
	static char q[DB_TEXT_MAX + 200];
	static const char *want[4] = {
		"|SELECT seq, seq * 2 FROM seq_1_to_1000|stmt=|ns=shop|st=/|rows=1000|b=1|f=0|43/12462",
		q,
		"COM_QUIT||stmt=|ns=shop|st=/|rows=-1|b=1|f=0x40|5/0",
		NULL,
	};
	size_t n = strlen("|SELECT LENGTH('");

	memcpy(q, "|SELECT LENGTH('", n);
	memset(q + n, '0', DB_TEXT_MAX - n);
	strcpy(q + DB_TEXT_MAX, "|stmt=|ns=shop|st=/|rows=1|b=1|f=0x8|20022/318");
	check("big.rec", want);
}

static void rec_cli(void)
{
	check("cli.rec", want_cli);
}

static void rec_stmt(void)
{
	check("stmt.rec", want_stmt);
}

static void rec_pymysql(void)
{
	check("pymysql.rec", want_py);
}

/* A line's field after `key` up to the next '|' into out. */
static void field(const char *line, const char *key, char *out, size_t size)
{
	const char *p = strstr(line, key);
	size_t n = 0;

	out[0] = 0;
	if (!p)
		return;
	p += strlen(key);
	while (p[n] && p[n] != '|' && n + 1 < size)
		n++;
	memcpy(out, p, n);
	out[n] = 0;
}

/* The recordings with every syscall's capture cut to `cap` bytes (the
 * rest a gap): exchanges are lost or cut, never paired wrong. Each one
 * with a request matches, in order, an exchange of the whole run with
 * the same operation, a text it begins, and its status and rows when
 * it has them. */
static void capped(const char *file)
{
	static struct mconv cv, cut;
	static struct mrec whole, r;
	static const size_t caps[] = { 5, 8, 16, 40, 64, 128, 512 };

	T_ASSERT(mconv_load(&cv, file) == 0, "fixture missing");
	mrun(&cv, PROTO_SERVER, 0, SIZE_MAX, 0, &whole, NULL, 0);
	for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
		mconv_free(&cut);
		for (size_t i = 0; i < cv.n; i++) {
			size_t n = cv.s[i].n < caps[k] ? cv.s[i].n : caps[k];

			mstep_add(&cut, cv.s[i].who, cv.s[i].p, n, cv.s[i].n - n);
		}
		for (int role = 0; role < 2; role++) {
			int j = 0;

			mrun(&cut, role, 0, SIZE_MAX, 0, &r, NULL, 0);
			for (int i = 0; i < r.n && i < MY_T_MAXX; i++) {
				char a[1400], b[1400], op[40], wop[40];
				const char *t = r.line[i] + strcspn(r.line[i], "|") + 1;
				size_t tl = strcspn(t, "|");

				/* those without a reply are reported at once,
				 * before those waiting */
				if (r.flags[i] & (DB_X_NO_REQUEST | DB_X_NOREPLY))
					continue;
				field(r.line[i], "", op, sizeof(op));
				for (; j < whole.n; j++) {
					if (whole.flags[j] & DB_X_NOREPLY)
						continue;
					const char *wt = whole.line[j] + strcspn(whole.line[j], "|") + 1;

					field(whole.line[j], "", wop, sizeof(wop));
					/* an execute whose id was not seen */
					int same_op = !strcmp(op, wop) ||
						      (!strcmp(op, "COM_STMT_EXECUTE") &&
						       (whole.flags[j] & DB_X_PREPARED));

					if (same_op && !strncmp(wt, t, tl) &&
					    (tl == strcspn(wt, "|") || (r.flags[i] & DB_X_TRUNC)))
						break;
				}
				T_ASSERTF(j < whole.n, "%s cap %zu role %d: #%d %s matches nothing",
					  file, caps[k], role, i, r.line[i]);
				field(r.line[i], "|st=", a, sizeof(a));
				field(whole.line[j], "|st=", b, sizeof(b));
				/* the code, when seen (the SQLSTATE may be cut) */
				T_ASSERTF(a[0] == '/' || !strncmp(a, b, strcspn(b, "/") + 1),
					  "%s cap %zu role %d: %s got status of %s", file, caps[k],
					  role, r.line[i], whole.line[j]);
				field(r.line[i], "|rows=", a, sizeof(a));
				field(whole.line[j], "|rows=", b, sizeof(b));
				T_ASSERTF(!strcmp(a, "-1") || !strcmp(a, b) ||
						  (r.flags[i] & DB_X_SIZE_UNKNOWN),
					  "%s cap %zu role %d: %s rows of %s", file, caps[k], role,
					  r.line[i], whole.line[j]);
				j++;
			}
		}
	}
	mconv_free(&cv);
	mconv_free(&cut);
}

static void rec_capped(void)
{
	capped("cli.rec");
	capped("stmt.rec");
	capped("pymysql.rec");
	capped("big.rec");
}

int main(void)
{
	T_RUN(rec_cli);
	T_RUN(rec_stmt);
	T_RUN(rec_pymysql);
	T_RUN(rec_big);
	T_RUN(rec_no_secrets);
	T_RUN(rec_capped);
	return t_done();
}
