/* SQL text as telemetry (user/proto/sql_*.c): sanitized text, operation,
 * collection and summary, command lines; table-driven. */
#include "rawtel/sql.h"
#include "t.h"

#define PG SQL_POSTGRES
#define MY SQL_MYSQL

struct san_case {
	enum sql_dialect d;
	const char *in, *out;
	uint32_t flags;
};

static const struct san_case san_cases[] = {
	{ PG, "SELECT * FROM users WHERE id = 42",
	  "SELECT * FROM users WHERE id = ?", 0 },
	{ PG, "select a from t where name='O''Brien' and x=1.5e-3",
	  "select a from t where name=? and x=?", 0 },
	{ PG, "SELECT E'it\\'s \\\\ secret', 'plain\\' FROM t",
	  "SELECT ?, ? FROM t", 0 },
	{ PG, "SELECT $$dollar 'secret'$$, $fn$ body $x$ $fn$ FROM t",
	  "SELECT ?, ? FROM t", 0 },
	{ PG, "SELECT * FROM t WHERE a = $1 AND b = $22",
	  "SELECT * FROM t WHERE a = $1 AND b = $22", 0 },
	{ PG, "SELECT 0x1F, 1_000, .5, 3., 1e10, B'0101', X'ff', N'n', U&'d\\0061t'",
	  "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?", 0 },
	{ PG, "SELECT TRUE, FALSE, NULL, -7 FROM t",
	  "SELECT TRUE, FALSE, NULL, -? FROM t", 0 },
	{ PG, "SELECT * FROM t WHERE id IN (1, 2, 3) AND s IN ('a','b')",
	  "SELECT * FROM t WHERE id IN (?) AND s IN (?)", 0 },
	{ PG, "SELECT * FROM t WHERE id in(?,?,?)",
	  "SELECT * FROM t WHERE id in(?)", 0 },
	{ PG, "SELECT * FROM t WHERE id IN ($1, $2)",
	  "SELECT * FROM t WHERE id IN ($1, $2)", 0 },
	{ PG, "SELECT * FROM t WHERE (a, b) IN ((1, 2), (3, 4))",
	  "SELECT * FROM t WHERE (a, b) IN ((?, ?), (?, ?))", 0 },
	{ PG, "SELECT * FROM t WHERE id IN (SELECT x FROM u WHERE y = 5)",
	  "SELECT * FROM t WHERE id IN (SELECT x FROM u WHERE y = ?)", 0 },
	{ PG, "SELECT 1 -- password=hunter2\nFROM t",
	  "SELECT ? FROM t", 0 },
	{ PG, "SELECT /* token 'abc' /* nested */ still */ a FROM t",
	  "SELECT a FROM t", 0 },
	{ PG, "SELECT a/**/FROM t",
	  "SELECT a FROM t", 0 },
	{ PG, "SELECT \"Weird \"\"name\", \"s\".\"t\" FROM \"s\".\"t\"",
	  "SELECT \"Weird \"\"name\", \"s\".\"t\" FROM \"s\".\"t\"", 0 },
	{ PG, "INSERT INTO t VALUES ('unterminated secret",
	  "INSERT INTO t VALUES (?", SQL_F_UNTERMINATED },
	{ PG, "SELECT $tag$ never closed",
	  "SELECT ?", SQL_F_UNTERMINATED },
	{ PG, "SELECT 1 /* never closed 'x'",
	  "SELECT ?", SQL_F_UNTERMINATED },
	{ PG, "SELECT \"never closed",
	  "SELECT ?", SQL_F_UNTERMINATED },
	{ PG, "BEGIN; UPDATE t SET a = 'x' WHERE id = 1; COMMIT;",
	  "BEGIN; UPDATE t SET a = ? WHERE id = ?; COMMIT;", SQL_F_MULTI },
	{ PG, "SELECT 'héllo wörld', naïve FROM café",
	  "SELECT ?, naïve FROM café", 0 },
	{ PG, "  \n\t SELECT\n\n  1  ",
	  "SELECT ?", 0 },
	{ PG, "",
	  "", 0 },
	{ PG, "-- only a comment 'x'",
	  "", 0 },
	{ PG, "SELECT a#b FROM t",
	  "SELECT a#b FROM t", 0 },
	{ MY, "SELECT * FROM `db`.`t` WHERE a = \"str\" AND b = 'it\\'s' # tail 'x'",
	  "SELECT * FROM `db`.`t` WHERE a = ? AND b = ?", 0 },
	{ MY, "SELECT _utf8mb4'secret' COLLATE utf8mb4_bin, x'41', 0b101",
	  "SELECT ? COLLATE utf8mb4_bin, ?, ?", 0 },
	{ MY, "SELECT 5--1, 'a' -- c 'x'\n",
	  "SELECT ?--?, ?", 0 },
	{ MY, "SELECT 'a\\\\', 'b' FROM t",
	  "SELECT ?, ? FROM t", 0 },
	{ MY, "SELECT `a``b` FROM t WHERE x = $1",
	  "SELECT `a``b` FROM t WHERE x = $1", 0 },
	{ MY, "SELECT /* no /* nesting */ 'x' */ 1",
	  "SELECT ? */ ?", 0 },
	{ MY, "INSERT INTO t VALUES (1,'a'),(2,'b')",
	  "INSERT INTO t VALUES (?,?),(?,?)", 0 },
	{ PG, "SELECT 'a''",
	  "SELECT ?", SQL_F_UNTERMINATED },
	{ PG, "SELECT E'abc\\",
	  "SELECT ?", SQL_F_UNTERMINATED },
	{ MY, "SELECT 'abc\\",
	  "SELECT ?", SQL_F_UNTERMINATED },
	{ PG, "SELECT $a$ x $ab$ y $a$, a$b FROM t",
	  "SELECT ?, a$b FROM t", 0 },
	{ PG, "SELECT 1.5e+10, 0b1010, 0o17, '1'::int",
	  "SELECT ?, ?, ?, ?::int", 0 },
	{ PG, "WHERE a IN\n(\n1\n) AND b NOT IN (1,2)",
	  "WHERE a IN (?) AND b NOT IN (?)", 0 },
	{ PG, "WHERE a IN (1, b)",
	  "WHERE a IN (?, b)", 0 },
	{ PG, "WHERE a IN (1, 'x",
	  "WHERE a IN (?, ?", SQL_F_UNTERMINATED },
	{ PG, "WHERE a IN ()",
	  "WHERE a IN ()", 0 },
	{ MY, "SELECT @v := 5, `x` FROM t",
	  "SELECT @v := ?, `x` FROM t", 0 },
};

static void test_sanitize_table(void)
{
	char out[512];

	for (size_t i = 0; i < sizeof(san_cases) / sizeof(san_cases[0]); i++) {
		const struct san_case *c = &san_cases[i];
		uint32_t flags = 99;
		size_t n = sql_sanitize(c->d, c->in, strlen(c->in), out, sizeof(out), &flags);

		if (strcmp(out, c->out) || n != strlen(out) || flags != c->flags)
			T_FAILF("case %zu: [%s] -> [%s] flags %u, want [%s] flags %u", i, c->in, out,
				flags, c->out, c->flags);
	}
}

/* The bound: the output is cut before a token that does not fit. */
static void test_sanitize_bound(void)
{
	const char *in = "SELECT abc, 'x', defg FROM t";
	char out[16];
	uint32_t flags;

	/* "SELECT abc, ?," is 14 bytes; " defg" does not fit in 15 */
	T_EQ_INT(sql_sanitize(PG, in, strlen(in), out, sizeof(out), &flags), 14);
	T_EQ_STR(out, "SELECT abc, ?,");
	T_EQ_INT(flags, SQL_F_TRUNC);
	T_EQ_INT(sql_sanitize(PG, in, strlen(in), out, 7, &flags), 6);
	T_EQ_STR(out, "SELECT");
	T_EQ_INT(sql_sanitize(PG, in, strlen(in), out, 6, &flags), 0);
	T_EQ_STR(out, "");
	T_EQ_INT(flags, SQL_F_TRUNC);
	T_EQ_INT(sql_sanitize(PG, in, strlen(in), out, 0, &flags), 0);
	/* len bounds the input: no NUL needed */
	T_EQ_INT(sql_sanitize(PG, "SELECT 1xyz", 8, out, sizeof(out), NULL), 8);
	T_EQ_STR(out, "SELECT ?");
}

struct desc_case {
	enum sql_dialect d;
	const char *in, *op, *coll, *summary;
};

static const struct desc_case desc_cases[] = {
	{ PG, "SELECT * FROM users WHERE id = $1",
	  "SELECT", "users", "SELECT users" },
	{ PG, "select a from public.users u where u.id = 1",
	  "select", "public.users", "select public.users" },
	{ PG, "INSERT INTO users (a, b) VALUES ($1, $2)",
	  "INSERT", "users", "INSERT users" },
	{ PG, "UPDATE \"My\".\"Tab\" SET a = 1",
	  "UPDATE", "\"My\".\"Tab\"", "UPDATE \"My\".\"Tab\"" },
	{ PG, "DELETE FROM ONLY t WHERE x",
	  "DELETE", "t", "DELETE t" },
	{ PG, "SELECT * FROM orders o JOIN customers c ON o.c = c.id",
	  "SELECT", "", "SELECT orders customers" },
	{ PG, "SELECT * FROM a, b AS bb, c WHERE a.x = b.y",
	  "SELECT", "", "SELECT a b c" },
	{ PG, "SELECT * FROM a LEFT OUTER JOIN b USING (k) JOIN a ON true",
	  "SELECT", "", "SELECT a b a" },
	{ PG, "SELECT * FROM t WHERE id IN (SELECT id FROM t WHERE z)",
	  "SELECT", "t", "SELECT t SELECT t" },
	{ PG, "SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u)",
	  "SELECT", "", "SELECT t SELECT u" },
	{ PG, "INSERT INTO shipping_details (order_id, address) SELECT order_id, address FROM orders "
	      "WHERE order_id = ?",
	  "INSERT", "", "INSERT shipping_details SELECT orders" },
	{ PG, "WITH x AS (SELECT a FROM t WHERE (b > (1))) SELECT * FROM x",
	  "SELECT", "", "SELECT t SELECT x" },
	{ PG, "WITH d AS (DELETE FROM t RETURNING *) INSERT INTO arch SELECT * FROM d",
	  "INSERT", "", "DELETE t INSERT arch SELECT d" },
	{ PG, "SELECT EXTRACT(YEAR FROM created), count(*) FROM t GROUP BY 1",
	  "SELECT", "t", "SELECT t" },
	{ PG, "SELECT * FROM generate_series(1, 10) g",
	  "SELECT", "", "SELECT" },
	{ PG, "SELECT * FROM t1, (SELECT * FROM t2) s, t3",
	  "SELECT", "", "SELECT t1 SELECT t2 t3" },
	{ PG, "SELECT 1",
	  "SELECT", "", "SELECT" },
	{ PG, "BEGIN",
	  "BEGIN", "", "BEGIN" },
	{ PG, "COMMIT;",
	  "COMMIT", "", "COMMIT" },
	{ PG, "BEGIN; SELECT * FROM t; COMMIT",
	  "", "", "BEGIN SELECT t COMMIT" },
	{ PG, "CREATE TABLE IF NOT EXISTS s.t (id int, name text)",
	  "CREATE", "s.t", "CREATE s.t" },
	{ PG, "DROP TABLE a, b CASCADE",
	  "DROP", "", "DROP a b" },
	{ PG, "ALTER TABLE t ADD COLUMN c int",
	  "ALTER", "t", "ALTER t" },
	{ PG, "TRUNCATE TABLE t",
	  "TRUNCATE", "t", "TRUNCATE t" },
	{ PG, "TRUNCATE t1, t2",
	  "TRUNCATE", "", "TRUNCATE t1 t2" },
	{ PG, "CREATE OR REPLACE VIEW v AS SELECT * FROM t",
	  "CREATE", "", "CREATE v SELECT t" },
	{ PG, "COPY t (a, b) FROM STDIN",
	  "COPY", "t", "COPY t" },
	{ PG, "UPDATE t SET a = u.a FROM u WHERE t.id = u.id",
	  "UPDATE", "", "UPDATE t u" },
	{ PG, "SELECT a FROM t UNION ALL SELECT a FROM u ORDER BY 1",
	  "SELECT", "", "SELECT t SELECT u" },
	{ PG, "SELECT * FROM t FOR UPDATE",
	  "SELECT", "t", "SELECT t" },
	{ PG, "SET search_path = 'x'",
	  "SET", "", "SET" },
	{ PG, "-- the 'secret' of\n/* a */ SELECT 'k' FROM t",
	  "SELECT", "t", "SELECT t" },
	{ PG, "SELECT 'FROM secret' FROM t",
	  "SELECT", "t", "SELECT t" },
	{ PG, "",
	  "", "", "" },
	{ PG, ";;",
	  "", "", "" },
	{ PG, "(SELECT a FROM t) UNION (SELECT a FROM t)",
	  "", "t", "SELECT t SELECT t" },
	{ MY, "SELECT * FROM `shop`.`orders` WHERE id = 1",
	  "SELECT", "`shop`.`orders`", "SELECT `shop`.`orders`" },
	{ MY, "INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = 2",
	  "INSERT", "t", "INSERT t" },
	{ MY, "REPLACE INTO t SET a = 1",
	  "REPLACE", "t", "REPLACE t" },
	{ MY, "UPDATE a, b SET a.x = b.y",
	  "UPDATE", "", "UPDATE a b" },
	{ MY, "USE shop",
	  "USE", "", "USE" },
	{ PG, "SELECT \"users\".\"id\" FROM \"users\" WHERE \"users\".\"id\" = $1 LIMIT $2",
	  "SELECT", "\"users\"", "SELECT \"users\"" },
	{ PG, "select u1_0.id from users u1_0 where u1_0.id=?",
	  "select", "users", "select users" },
	{ PG, "INSERT INTO \"t\" (\"a\") VALUES ($1) RETURNING \"id\"",
	  "INSERT", "\"t\"", "INSERT \"t\"" },
	{ PG, "SELECT count(*) AS n FROM (SELECT 1 FROM t) AS sub",
	  "SELECT", "t", "SELECT SELECT t" },
	{ PG, "LOCK TABLE t IN ACCESS EXCLUSIVE MODE",
	  "LOCK", "t", "LOCK t" },
	{ PG, "CREATE INDEX i ON t (a)",
	  "CREATE", "", "CREATE" },
	{ PG, "ALTER TABLE ONLY t ADD CONSTRAINT c CHECK (a > 0)",
	  "ALTER", "t", "ALTER t" },
	{ PG, "SAVEPOINT sp1",
	  "SAVEPOINT", "", "SAVEPOINT" },
	{ PG, "END;",
	  "END", "", "END" },
	{ PG, "SELECT pg_sleep(1)",
	  "SELECT", "", "SELECT" },
	{ PG, "DELETE FROM t WHERE id = ANY($1)",
	  "DELETE", "t", "DELETE t" },
	{ PG, "SELECT * FROM a /* 'secret' */ . \"b\" x",
	  "SELECT", "a.\"b\"", "SELECT a.\"b\"" },
	{ MY, "SELECT * FROM d.`t`.*",
	  "SELECT", "d.`t`", "SELECT d.`t`" },
	{ MY, "SELECT \"FROM x\" FROM t # FROM y",
	  "SELECT", "t", "SELECT t" },
};

static void test_describe_table(void)
{
	struct sql_info info;

	for (size_t i = 0; i < sizeof(desc_cases) / sizeof(desc_cases[0]); i++) {
		const struct desc_case *c = &desc_cases[i];

		sql_describe(c->d, c->in, strlen(c->in), &info);
		if (strcmp(info.op, c->op) || strcmp(info.collection, c->coll) ||
		    strcmp(info.summary, c->summary))
			T_FAILF("case %zu: [%s] -> op [%s] coll [%s] summary [%s], want [%s] [%s] [%s]",
				i, c->in, info.op, info.collection, info.summary, c->op, c->coll,
				c->summary);
	}
}

/* The summary stops before the first name that does not fit in 255. */
static void test_summary_bound(void)
{
	char in[2048], want[300];
	size_t n = 0, w;
	struct sql_info info;

	n += (size_t)snprintf(in, sizeof(in), "SELECT * FROM ");
	w = (size_t)snprintf(want, sizeof(want), "SELECT");
	for (int i = 0; i < 40; i++) {
		n += (size_t)snprintf(in + n, sizeof(in) - n, "%stable_number_%02d", i ? ", " : "", i);
		/* " table_number_NN" is 16 bytes */
		if (w + 16 <= 255)
			w += (size_t)snprintf(want + w, sizeof(want) - w, " table_number_%02d", i);
	}
	sql_describe(PG, in, n, &info);
	T_EQ_STR(info.summary, want);
	T_CHECK(strlen(info.summary) <= 255);
	T_EQ_INT(info.flags, SQL_F_TRUNC);
	T_EQ_STR(info.op, "SELECT");
	T_EQ_STR(info.collection, "");
}

struct cmd_case {
	enum sql_cmd k;
	const char *in, *out;
};

static const struct cmd_case cmd_cases[] = {
	{ SQL_CMD_REDIS, "SET user:1 secret", "SET ? ?" },
	{ SQL_CMD_REDIS, "GET k", "GET ?" },
	{ SQL_CMD_REDIS, "PING", "PING" },
	{ SQL_CMD_REDIS, "AUTH hunter2", "AUTH ?" },
	{ SQL_CMD_REDIS, "set \"a b\" 'c d' \"e\\\"f\" g", "set ? ? ? ?" },
	{ SQL_CMD_REDIS, "CONFIG GET maxmemory", "CONFIG GET ?" },
	{ SQL_CMD_REDIS, "client setname secretname", "client setname ?" },
	{ SQL_CMD_REDIS, "MSET a 1 b 2", "MSET ? ? ? ?" },
	{ SQL_CMD_REDIS, "  HSET   h  f  \"unterminated", "HSET ? ? ?" },
	{ SQL_CMD_REDIS, "\"quoted-command\" x", "? ?" },
	{ SQL_CMD_REDIS, "", "" },
	{ SQL_CMD_MEMCACHED, "get k1 k2 k3", "get ? ? ?" },
	{ SQL_CMD_MEMCACHED, "set key 0 60 5 noreply", "set ? ? ? ? noreply" },
	{ SQL_CMD_MEMCACHED, "mg key v t", "mg ? ? ?" },
	{ SQL_CMD_MEMCACHED, "version", "version" },
};

static void test_cmd_table(void)
{
	char out[128];

	for (size_t i = 0; i < sizeof(cmd_cases) / sizeof(cmd_cases[0]); i++) {
		const struct cmd_case *c = &cmd_cases[i];
		uint32_t flags = 99;

		sql_cmd_sanitize(c->k, c->in, strlen(c->in), out, sizeof(out), &flags);
		if (strcmp(out, c->out) || flags)
			T_FAILF("case %zu: [%s] -> [%s] flags %u, want [%s]", i, c->in, out, flags,
				c->out);
	}
	/* cut before an argument that does not fit */
	T_EQ_INT(sql_cmd_sanitize(SQL_CMD_REDIS, "MGET a b c", 10, out, 8, NULL), 6);
	T_EQ_STR(out, "MGET ?");
}

/* Every container name (sql_cmd.c's list), in either case, and words
 * next to them that are none: the first-letter filter before the list */
static void test_cmd_container(void)
{
	static const char *const yes[] = {
		"ACL", "CLIENT", "CLUSTER", "COMMAND", "CONFIG", "DEBUG", "FUNCTION", "LATENCY",
		"MEMORY", "MODULE", "OBJECT", "PUBSUB", "SCRIPT", "SLOWLOG", "XGROUP", "XINFO",
		"config", "xInfo",
	};
	static const char *const no[] = {
		"SET", "GET", "AC", "ACLS", "CLIENTS", "XADD", "FUNCTIONS", "MEMORYX", "", "@CL",
		"SCRIPTS", "EVAL", "\xc1" "CL",
	};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!sql_cmd_container(yes[i], strlen(yes[i])))
			T_FAILF("%s: not a container", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (sql_cmd_container(no[i], strlen(no[i])))
			T_FAILF("%s: a container", no[i]);
}

int main(void)
{
	T_RUN(test_sanitize_table);
	T_RUN(test_sanitize_bound);
	T_RUN(test_describe_table);
	T_RUN(test_summary_bound);
	T_RUN(test_cmd_table);
	T_RUN(test_cmd_container);
	return t_done();
}
