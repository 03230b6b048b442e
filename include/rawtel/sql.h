/* Statement text as telemetry (user/proto/sql_*.c): SQL sanitized for
 * db.query.text, and the operation, collection and summary a statement
 * names; Redis and Memcached command lines with their arguments hidden.
 * Bounded and allocation-free: one pass (two where an IN list is looked
 * ahead) over at most `len` bytes, output within the caller's buffer.
 *
 * Lexing (both dialects; every byte is untrusted and any input works):
 *   - whitespace and comments separate tokens; comments are DROPPED (one
 *     can hold a secret): `-- ...` to the end of the line (MySQL: only
 *     when a blank, a control byte or the end follows the dashes, as
 *     MySQL says), `/ * ... * /` (PostgreSQL: nested), `#...` (MySQL);
 *   - literals, each replaced by one `?`: '...' with '' inside
 *     (MySQL: also \-escapes, and "..." is a string too); PostgreSQL
 *     E'...' (\-escapes), $tag$...$tag$ and $$...$$ dollar quoting;
 *     prefixed strings B'..', X'..', N'..', U&'..' and MySQL _charset'..';
 *     numbers (digits or .digit, then letters, digits, dots, underscores
 *     and a signed exponent: 0x1F, 1e-5, 1_000 are one literal);
 *   - kept as written: words (keywords and identifiers; TRUE, FALSE and
 *     NULL are keywords and stay), quoted identifiers "a" (PostgreSQL)
 *     and `a` (MySQL), placeholders ? and $1, operators and punctuation;
 *   - a string, quoted identifier or dollar quote without its end (the
 *     text was cut) runs to the end: one `?` and SQL_F_UNTERMINATED.
 * PostgreSQL is read with standard_conforming_strings on (the default
 * since 9.1) and MySQL without NO_BACKSLASH_ESCAPES; under the other
 * setting a backslash before a quote is read the other way. MySQL's
 * ANSI_QUOTES "identifiers" are read as strings: hidden, never leaked.
 *
 * sql_sanitize output: the tokens in order, one blank where the text had
 * whitespace or a comment, none elsewhere; `IN (` followed only by
 * literals and `?` separated by commas, then `)`, becomes `IN (?)`;
 * statements stay separated by their `;`. A token that does not fit is
 * left out with everything after it (SQL_F_TRUNC): the output never ends
 * inside a token.
 *
 * sql_describe, per the database semantic conventions:
 *   - operations: the first word of each statement (but WITH), SELECT
 *     anywhere, INSERT, UPDATE, DELETE and MERGE right after `(` or as
 *     the operation of a WITH statement;
 *   - targets: the name after FROM, JOIN, INTO, UPDATE, COPY, TRUNCATE
 *     [TABLE], and after TABLE/VIEW/SEQUENCE in CREATE, DROP, ALTER and
 *     LOCK; after FROM (and in UPDATE and DROP lists) also each name after
 *     a comma at the same level, up to the next clause keyword. Only in
 *     the statement itself or a parenthesised query (never inside a call:
 *     EXTRACT(x FROM y) names no table). A name is words and quoted
 *     identifiers joined by dots, each as written ("a"."b", s.t, `d`.`t`;
 *     blanks or comments around a dot are left out); one
 *     followed by `(` is a function, not a table; ONLY, LATERAL, IF [NOT]
 *     EXISTS before it are skipped;
 *   - summary: operations and targets in text order, blank-separated
 *     ("SELECT orders customers", "INSERT shipping_details SELECT
 *     orders", "BEGIN"), at most SQL_SUMMARY_MAX - 1 bytes, cut before the
 *     first token that does not fit;
 *   - op (db.operation.name): the statement's own operation (the first at
 *     the outer level) when the text holds one statement;
 *   - collection (db.collection.name): with op, when every target in the
 *     statement is the same name (a join, a subquery or CTE over another
 *     table: none). */
#ifndef RAWTEL_SQL_H
#define RAWTEL_SQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sql_dialect { SQL_POSTGRES, SQL_MYSQL };

/* flags */
#define SQL_F_TRUNC 1u		/* output cut before a token that did not fit */
#define SQL_F_UNTERMINATED 2u	/* a quote or comment ran to the end */
#define SQL_F_MULTI 4u		/* more than one statement */

#define SQL_OP_MAX 32
#define SQL_NAME_MAX 128	/* a target name; longer ones are not kept */
#define SQL_SUMMARY_MAX 256	/* the conventions' 255 characters */

struct sql_info {
	char op[SQL_OP_MAX];		/* "" when not one statement */
	char collection[SQL_NAME_MAX];	/* "" when not one table */
	char summary[SQL_SUMMARY_MAX];	/* "" when no operation found */
	uint32_t flags;			/* SQL_F_*: TRUNC for the summary */
};

/* The sanitized text of in[0..len) into out (NUL-terminated, size >= 1):
 * its length. *flags (optional) gets SQL_F_*. */
size_t sql_sanitize(enum sql_dialect d, const char *in, size_t len, char *out, size_t size,
		    uint32_t *flags);
/* Operation, collection and summary of in[0..len). */
void sql_describe(enum sql_dialect d, const char *in, size_t len, struct sql_info *info);

/* Command lines (Redis in CLI syntax, Memcached text and meta): the
 * command word kept, every argument one `?` ("SET ? ?", "get ? ?"); for
 * Redis container commands (CLIENT, CONFIG, OBJECT, XGROUP...) the
 * subcommand word is kept too ("CONFIG GET ?"); Memcached's `noreply`
 * stays. Arguments are blank-separated; a double- or single-quoted one
 * (redis-cli quoting, with \-escapes in double quotes) is one argument.
 * Bounded and flagged as sql_sanitize. */
enum sql_cmd { SQL_CMD_REDIS, SQL_CMD_MEMCACHED };
size_t sql_cmd_sanitize(enum sql_cmd k, const char *in, size_t len, char *out, size_t size,
			uint32_t *flags);
/* A Redis container command word (any case), n bytes at w: ACL, CLIENT,
 * CONFIG... (the Redis parser's operation names take their subcommand) */
bool sql_cmd_container(const char *w, size_t n);

#endif
