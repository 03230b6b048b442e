/* SQL texts seen lately, with what sql_describe and sql_sanitize made of
 * them: a prepared statement runs the same text every time, and those two
 * passes are most of what an operation costs rawtel (a pgbench statement:
 * about 12k instructions for both, against a few hundred to hash and
 * compare). Direct-mapped by hash, ADB_CACHE_N entries of texts up to
 * ADB_CACHE_TEXT bytes; a hit is a full comparison of the text, so it is
 * never wrong, only sometimes missed. One table for the process: the
 * agent is single-threaded and what is kept depends only on the text. */
#include <string.h>

#include "adb.h"

#define ADB_CACHE_N 64

static struct adb_sql cache[ADB_CACHE_N];

static uint32_t hash(const char *s, size_t len, bool mysql)
{
	uint32_t h = 2166136261u ^ (uint32_t)mysql;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

const struct adb_sql *adb_sql_get(bool mysql, const char *text, size_t len)
{
	struct adb_sql *e;
	enum sql_dialect d = mysql ? SQL_MYSQL : SQL_POSTGRES;

	if (!len || len > ADB_CACHE_TEXT)
		return NULL;
	e = &cache[hash(text, len, mysql) % ADB_CACHE_N];
	if (e->len == len && e->mysql == mysql && !memcmp(e->text, text, len))
		return e;
	e->len = (uint32_t)len;
	e->mysql = mysql;
	memcpy(e->text, text, len);
	sql_describe(d, text, len, &e->info);
	/* a sanitized text is never longer than the text */
	sql_sanitize(d, text, len, e->san, sizeof(e->san), &e->san_flags);
	return e;
}
