/* A MariaDB client using libmariadb's prepared-statement API, driven by
 * tests/fixtures/mysql/record.sh (and by integration tests through
 * rawtel): prepare, execute twice with bound values, fetch the rows,
 * send long data, reset, close; a prepare that fails. The bound values
 * are marked "s3cr3t" so that a test can check that none is kept.
 *   my_stmt_client HOST PORT USER PASSWORD DATABASE */
// prog-ldlibs: -lmariadb
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mariadb/mysql.h>

static int fail(MYSQL *db, MYSQL_STMT *st, const char *what)
{
	fprintf(stderr, "my_stmt_client: %s: %s\n", what,
		st ? mysql_stmt_error(st) : mysql_error(db));
	return 1;
}

/* SELECT with an integer bound: the rows it returns */
static int select_rows(MYSQL *db, int min_id)
{
	const char *q = "SELECT name, price FROM items WHERE id > ? ORDER BY id";
	MYSQL_STMT *st = mysql_stmt_init(db);
	MYSQL_BIND in, out[2];
	char name[64];
	int price, rows = 0;
	unsigned long name_len;

	if (!st || mysql_stmt_prepare(st, q, strlen(q)))
		return fail(db, st, "prepare select");
	memset(&in, 0, sizeof(in));
	in.buffer_type = MYSQL_TYPE_LONG;
	in.buffer = &min_id;
	memset(out, 0, sizeof(out));
	out[0].buffer_type = MYSQL_TYPE_STRING;
	out[0].buffer = name;
	out[0].buffer_length = sizeof(name);
	out[0].length = &name_len;
	out[1].buffer_type = MYSQL_TYPE_LONG;
	out[1].buffer = &price;
	for (int round = 0; round < 2; round++, min_id++) {
		if (mysql_stmt_bind_param(st, &in) || mysql_stmt_execute(st) ||
		    mysql_stmt_bind_result(st, out) || mysql_stmt_store_result(st))
			return fail(db, st, "execute select");
		while (!mysql_stmt_fetch(st))
			rows++;
		mysql_stmt_free_result(st);
	}
	printf("selected %d rows\n", rows);
	return mysql_stmt_close(st) ? fail(db, NULL, "close select") : 0;
}

/* INSERT with a string bound, then an UPDATE whose value goes as long
 * data, and a reset */
static int insert_update(MYSQL *db)
{
	const char *qi = "INSERT INTO items (id, name, price) VALUES (?, ?, 7)";
	const char *qu = "UPDATE items SET name = ? WHERE id = ?";
	const char secret[] = "s3cr3t-apricot";
	MYSQL_STMT *st = mysql_stmt_init(db);
	MYSQL_BIND b[2];
	int id = 10;
	unsigned long len = sizeof(secret) - 1;

	if (!st || mysql_stmt_prepare(st, qi, strlen(qi)))
		return fail(db, st, "prepare insert");
	memset(b, 0, sizeof(b));
	b[0].buffer_type = MYSQL_TYPE_LONG;
	b[0].buffer = &id;
	b[1].buffer_type = MYSQL_TYPE_STRING;
	b[1].buffer = (void *)secret;
	b[1].buffer_length = len;
	b[1].length = &len;
	if (mysql_stmt_bind_param(st, b) || mysql_stmt_execute(st))
		return fail(db, st, "execute insert");
	mysql_stmt_close(st);
	st = mysql_stmt_init(db);
	if (!st || mysql_stmt_prepare(st, qu, strlen(qu)))
		return fail(db, st, "prepare update");
	memset(b, 0, sizeof(b));
	b[0].buffer_type = MYSQL_TYPE_STRING;
	b[1].buffer_type = MYSQL_TYPE_LONG;
	b[1].buffer = &id;
	if (mysql_stmt_bind_param(st, b) ||
	    mysql_stmt_send_long_data(st, 0, "s3cr3t-long-", 12) ||
	    mysql_stmt_send_long_data(st, 0, "data", 4) || mysql_stmt_execute(st))
		return fail(db, st, "execute update");
	if (mysql_stmt_reset(st))
		return fail(db, st, "reset");
	mysql_stmt_close(st);
	return 0;
}

int main(int argc, char **argv)
{
	MYSQL *db;
	MYSQL_STMT *st;
	const char *bad = "SELECT * FROM no_such_table WHERE id = ?";

	if (argc != 6) {
		fprintf(stderr, "usage: my_stmt_client HOST PORT USER PASSWORD DATABASE\n");
		return 2;
	}
	db = mysql_init(NULL);
	if (!db || !mysql_real_connect(db, argv[1], argv[3], argv[4], argv[5],
				       (unsigned)atoi(argv[2]), NULL, 0))
		return fail(db, NULL, "connect");
	if (select_rows(db, 1) || insert_update(db))
		return 1;
	st = mysql_stmt_init(db);
	if (st && !mysql_stmt_prepare(st, bad, strlen(bad)))
		return fail(db, st, "a prepare on a missing table succeeded");
	mysql_stmt_close(st);
	mysql_close(db);
	return 0;
}
