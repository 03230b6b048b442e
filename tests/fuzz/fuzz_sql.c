/* libFuzzer target for statement text as telemetry (user/proto/sql_*.c).
 * The input:
 *   byte 0: options: bit 0 MySQL (else PostgreSQL), bit 1 a command line
 *     (bit 2: Memcached, else Redis) instead of SQL, bits 3-5 how the
 *     marker is hidden (below);
 *   byte 1: the output buffer's size, 1 to 256 (then exactly that much is
 *     allocated: a byte written past it is an ASan report);
 *   the rest: a prefix P, then after the first 0 byte (if any) a suffix Q.
 * Checked: no crash or sanitizer report; outputs within their bounds and
 * NUL-terminated at the length returned, summary within 255 bytes, op
 * and collection terminated; and the marker: P, a newline, a blank, the
 * marker as a literal (string, E'', $m$, MySQL "", N'', or a number
 * 12...) or a comment, a newline, Q (for a command line:
 * "CMD x ", P, the marker as an argument, Q) sanitizes and summarizes to
 * text without the marker, whenever P alone leaves nothing open (it ends
 * no string, quoted identifier or comment; then the marker is a literal
 * or comment by the rules of rawtel/sql.h, whatever Q holds). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/sql.h"

#define MARK "Zq7sEcrEt"
#define TEXT_MAX 4096

static void die(const char *why)
{
	fprintf(stderr, "fuzz_sql: %s\n", why);
	abort();
}

static void terminated(const char *s, size_t size, const char *what)
{
	if (!memchr(s, 0, size))
		die(what);
}

/* The output's bounds and, with `clean`, no marker in it. */
static void check_out(const char *out, size_t size, size_t n, int clean)
{
	if (n >= size || out[n] || strlen(out) != n)
		die("output length or terminator wrong");
	if (clean && strstr(out, MARK))
		die("the marker survived sanitizing");
}

static void check_info(const struct sql_info *i, int clean)
{
	terminated(i->op, sizeof(i->op), "op not terminated");
	terminated(i->collection, sizeof(i->collection), "collection not terminated");
	terminated(i->summary, sizeof(i->summary), "summary not terminated");
	if (strlen(i->summary) > 255)
		die("summary over 255 bytes");
	if (clean && (strstr(i->op, MARK) || strstr(i->collection, MARK) || strstr(i->summary, MARK)))
		die("the marker is in the description");
}

static const char *const sql_forms[8][2] = {
	{ "'", "'" }, { "E'", "'" }, { "$m$", "$m$" }, { "\"", "\"" },
	{ "/* ", " */" }, { "-- ", "" }, { "N'", "'" }, { "12", "" },
};

static void run_sql(enum sql_dialect d, int form, const char *p, size_t pl, const char *q,
		    size_t ql, char *out, size_t size)
{
	static char text[TEXT_MAX];
	struct sql_info info;
	uint32_t flags;
	size_t n, tl;
	int clean;

	/* the fuzz data alone */
	n = sql_sanitize(d, p, pl, out, size, &flags);
	check_out(out, size, n, 0);
	sql_describe(d, p, pl, &info);
	check_info(&info, 0);
	/* with the marker: only where it is sure to be a literal or comment */
	if ((d == SQL_POSTGRES && form == 3) || (d == SQL_MYSQL && (form == 1 || form == 2)))
		return;	/* "" is an identifier in PostgreSQL, E'' and $$ are PostgreSQL's */
	clean = !(info.flags & SQL_F_UNTERMINATED) && !memmem(p, pl, MARK, 5) &&
		!memmem(q, ql, MARK, 5);
	/* form 7: digits then letters, one number literal */
	tl = (size_t)snprintf(text, sizeof(text), "%.*s\n %s%s%s\n%.*s", (int)pl, p, sql_forms[form][0],
			      MARK, sql_forms[form][1], (int)ql, q);
	if (tl >= sizeof(text))
		return;
	n = sql_sanitize(d, text, tl, out, size, &flags);
	check_out(out, size, n, clean);
	sql_describe(d, text, tl, &info);
	check_info(&info, clean);
}

static void run_cmd(enum sql_cmd k, const char *p, size_t pl, const char *q, size_t ql, char *out,
		    size_t size)
{
	static char text[TEXT_MAX];
	size_t n, tl;
	int clean = !memmem(p, pl, MARK, 5) && !memmem(q, ql, MARK, 5);

	n = sql_cmd_sanitize(k, p, pl, out, size, NULL);
	check_out(out, size, n, 0);
	tl = (size_t)snprintf(text, sizeof(text), "CMD x %.*s %s %.*s", (int)pl, p, MARK, (int)ql, q);
	if (tl >= sizeof(text))
		return;
	n = sql_cmd_sanitize(k, text, tl, out, size, NULL);
	check_out(out, size, n, clean);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char *p, *q, *zero;
	size_t pl, ql, size;
	char *out;
	uint8_t opt;

	if (len < 2 || len > 3000)
		return 0;
	opt = data[0];
	size = (size_t)data[1] + 1;
	p = (const char *)data + 2;
	zero = memchr(p, 0, len - 2);
	pl = zero ? (size_t)(zero - p) : len - 2;
	q = zero ? zero + 1 : p + pl;
	ql = len - 2 - pl - (zero ? 1 : 0);
	out = malloc(size);
	if (!out)
		return 0;
	if (opt & 2)
		run_cmd(opt & 4 ? SQL_CMD_MEMCACHED : SQL_CMD_REDIS, p, pl, q, ql, out, size);
	else
		run_sql(opt & 1 ? SQL_MYSQL : SQL_POSTGRES, (opt >> 3) & 7, p, pl, q, ql, out, size);
	free(out);
	return 0;
}
