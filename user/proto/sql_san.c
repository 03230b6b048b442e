/* sql_sanitize: SQL text with every literal one `?` (rules: rawtel/sql.h). */
#include <string.h>

#include "sql_int.h"

struct out {
	char *p;
	size_t size, len;
	bool full;		/* a token did not fit: nothing more goes in */
};

/* Append a token (a blank first if `space` and not at the start); false,
 * and nothing more ever, once one does not fit. */
static bool put(struct out *o, bool space, const char *s, size_t n)
{
	bool blank = space && o->len;

	if (o->full || o->len + blank + n >= o->size) {
		o->full = true;
		return false;
	}
	if (blank)
		o->p[o->len++] = ' ';
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = 0;
	return true;
}

/* After the word IN: `(` then literals or `?` separated by commas, then
 * `)`. If so, the lexer is moved past the `)` and *paren_space tells
 * whether a blank came before the `(`. */
static bool in_list(struct sql_lex *l, bool *paren_space)
{
	struct sql_lex p = *l;
	struct sql_token t;

	sql_next(&p, &t);
	if (!sql_punct(&p, &t, '('))
		return false;
	*paren_space = t.space;
	for (;;) {
		sql_next(&p, &t);
		if (t.t != SQL_T_LIT && !(t.t == SQL_T_PARAM && p.s[t.off] == '?'))
			return false;
		sql_next(&p, &t);
		if (sql_punct(&p, &t, ')'))
			break;
		if (!sql_punct(&p, &t, ','))
			return false;
	}
	*l = p;
	return true;
}

size_t sql_sanitize(enum sql_dialect d, const char *in, size_t len, char *out, size_t size,
		    uint32_t *flags)
{
	struct out o = { out, size, 0, false };
	struct sql_lex l;
	struct sql_token t;
	bool after_semi = false, multi = false, sp;

	sql_lex_init(&l, d, in, len);
	if (size)
		out[0] = 0;
	for (sql_next(&l, &t); t.t != SQL_T_END && !o.full; sql_next(&l, &t)) {
		if (sql_punct(&l, &t, ';')) {
			after_semi = true;
		} else if (after_semi) {
			multi = true;
		}
		if (t.t == SQL_T_LIT) {
			put(&o, t.space, "?", 1);
		} else if (t.t == SQL_T_WORD && t.len == 2 && sql_is(&l, &t, "IN") &&
			   in_list(&l, &sp)) {
			if (put(&o, t.space, in + t.off, t.len))
				put(&o, sp, "(?)", 3);
		} else {
			put(&o, t.space, in + t.off, t.len);
		}
	}
	if (flags)
		*flags = l.flags | (o.full ? SQL_F_TRUNC : 0) | (multi ? SQL_F_MULTI : 0);
	return o.len;
}
