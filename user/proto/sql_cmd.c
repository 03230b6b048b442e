/* sql_cmd_sanitize: Redis and Memcached command lines with every argument
 * one `?` (rules: rawtel/sql.h). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "rawtel/sql.h"

/* Redis commands whose first argument is a subcommand, not data: one
 * string of length-prefixed names, not a table of pointers to them (and
 * no strlen to step over one). */
static const char containers[] =
	"\003ACL\006CLIENT\007CLUSTER\007COMMAND\006CONFIG\005DEBUG\010FUNCTION"
	"\007LATENCY\006MEMORY\006MODULE\006OBJECT\006PUBSUB\006SCRIPT\007SLOWLOG"
	"\006XGROUP\005XINFO";

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Past one argument from i: a quoted one to its closing quote (or the
 * end), else to the next blank. */
static size_t arg_end(const char *s, size_t len, size_t i)
{
	char q = s[i];

	if (q != '"' && q != '\'') {
		while (i < len && !is_blank(s[i]))
			i++;
		return i;
	}
	for (i++; i < len && s[i] != q; i++)
		if (q == '"' && s[i] == '\\')
			i++;
	return i < len ? i + 1 : len;
}

bool sql_cmd_container(const char *w, size_t n)
{
	/* per length from 3, the names' first letters: most commands are
	 * no container, and walking the list is a chain of dependent
	 * loads (tests/unit/test_sql.c checks this against the list) */
#define L(ch) (1u << ((ch) - 'a'))
	static const uint32_t first[6] = {
		L('a'), 0, L('d') | L('x'), L('c') | L('m') | L('o') | L('p') | L('s') | L('x'),
		L('c') | L('l') | L('s'), L('f'),
	};
#undef L
	unsigned c;

	/* the names are 3 to 8 letters */
	if (n < 3 || n > 8 || (c = (unsigned)((w[0] | 0x20) - 'a')) > 25 || !(first[n - 3] >> c & 1))
		return false;
	for (const char *k = containers; *k; k += 1 + *k)
		if ((size_t)*k == n && (k[1] | 0x20) == (w[0] | 0x20) && !strncasecmp(k + 1, w, n))
			return true;
	return false;
}

/* Which words stay: the command, a container's subcommand, noreply. */
static bool keep(enum sql_cmd k, int idx, const char *w, size_t n, bool cont)
{
	if (idx == 0)
		return w[0] != '"' && w[0] != '\'';
	if (k == SQL_CMD_REDIS)
		return idx == 1 && cont && w[0] != '"' && w[0] != '\'';
	return n == 7 && !memcmp(w, "noreply", 7);
}

size_t sql_cmd_sanitize(enum sql_cmd k, const char *in, size_t len, char *out, size_t size,
			uint32_t *flags)
{
	size_t i = 0, o = 0;
	int idx = 0;
	bool cont = false, full = false;

	if (size)
		out[0] = 0;
	for (;;) {
		while (i < len && is_blank(in[i]))
			i++;
		if (i >= len)
			break;
		size_t e = arg_end(in, len, i), n = e - i;
		const char *w = in + i;

		if (idx == 0)
			cont = sql_cmd_container(w, n);
		if (!keep(k, idx, w, n, cont)) {
			w = "?";
			n = 1;
		}
		if (o + (o > 0) + n >= size) {
			full = true;
			break;
		}
		if (o)
			out[o++] = ' ';
		memcpy(out + o, w, n);
		o += n;
		out[o] = 0;
		i = e;
		idx++;
	}
	if (flags)
		*flags = full ? SQL_F_TRUNC : 0;
	return o;
}
