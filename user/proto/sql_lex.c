/* The SQL lexer (rules: rawtel/sql.h). It only finds where tokens begin
 * and end: a literal's bytes are never copied anywhere, so what it cannot
 * make sense of is at worst hidden, never shown. */
#include <string.h>

#include "sql_int.h"

/* Byte classes, one table lookup per byte in the loops over names,
 * numbers and blanks: made on first use (the same every time). */
#define CL_SPACE 1	/* blank, \t to \r */
#define CL_ALPHA 2	/* a name's first byte: letters, _, non-ASCII */
#define CL_DIGIT 4
#define CL_WORD 8	/* a name's later bytes: CL_ALPHA, digits, $ */
static uint8_t cls[256];

static void cls_init(void)
{
	for (int c = 0; c < 256; c++) {
		uint8_t k = 0;

		if (c == ' ' || (c >= '\t' && c <= '\r'))
			k |= CL_SPACE;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80)
			k |= CL_ALPHA | CL_WORD;
		if (c >= '0' && c <= '9')
			k |= CL_DIGIT | CL_WORD;
		if (c == '$')
			k |= CL_WORD;
		cls[c] = k;
	}
}

static bool is_space(unsigned char c)
{
	return cls[c] & CL_SPACE;
}

static bool is_alpha(unsigned char c)
{
	return cls[c] & CL_ALPHA;
}

static bool is_digit(unsigned char c)
{
	return cls[c] & CL_DIGIT;
}

static bool is_word(unsigned char c)
{
	return cls[c] & CL_WORD;
}

static unsigned char at(const struct sql_lex *l, size_t i)
{
	return i < l->len ? (unsigned char)l->s[i] : 0;
}

/* After a comment's opening at l->pos: past its end. */
static void skip_block(struct sql_lex *l)
{
	int depth = 1;
	size_t i = l->pos + 2;

	while (i < l->len && depth) {
		if (l->s[i] == '*' && at(l, i + 1) == '/') {
			depth--;
			i += 2;
		} else if (l->d == SQL_POSTGRES && l->s[i] == '/' && at(l, i + 1) == '*') {
			depth++;
			i += 2;
		} else {
			i++;
		}
	}
	if (depth)
		l->flags |= SQL_F_UNTERMINATED;
	l->pos = i < l->len ? i : l->len;
}

static void skip_line(struct sql_lex *l)
{
	while (l->pos < l->len && l->s[l->pos] != '\n')
		l->pos++;
}

/* Whitespace and comments; true if there were any. */
static bool skip_blank(struct sql_lex *l)
{
	size_t start = l->pos;

	while (l->pos < l->len) {
		unsigned char c = at(l, l->pos), n;

		if (is_space(c)) {
			l->pos++;
			continue;
		}
		n = at(l, l->pos + 1);
		if (c == '/' && n == '*')
			skip_block(l);
		else if (c == '-' && n == '-' &&
			 (l->d == SQL_POSTGRES || l->pos + 2 >= l->len || at(l, l->pos + 2) <= ' '))
			skip_line(l);
		else if (c == '#' && l->d == SQL_MYSQL)
			skip_line(l);
		else
			break;
	}
	return l->pos != start;
}

/* A quoted run from l->pos (the opening quote q): doubled quotes stay
 * inside; with `bs`, so does any byte after a backslash. False when it
 * has no end. */
static bool quoted(struct sql_lex *l, char q, bool bs)
{
	size_t i = l->pos + 1;

	while (i < l->len) {
		char c = l->s[i];

		if (bs && c == '\\') {
			i += 2;
		} else if (c == q) {
			if (at(l, i + 1) != (unsigned char)q) {
				l->pos = i + 1;
				return true;
			}
			i += 2;
		} else {
			i++;
		}
	}
	l->flags |= SQL_F_UNTERMINATED;
	l->pos = l->len;
	return false;
}

/* PostgreSQL $tag$...$tag$ at l->pos, or false when no tag opens there. */
static bool dollar(struct sql_lex *l)
{
	size_t i = l->pos + 1, tag;
	const char *end;

	if (is_alpha(at(l, i)))
		while (is_alpha(at(l, i)) || is_digit(at(l, i)))
			i++;
	if (at(l, i) != '$')
		return false;
	tag = i + 1 - l->pos;
	for (i++; i + tag <= l->len; i++) {
		end = memchr(l->s + i, '$', l->len - i);
		if (!end || (size_t)(end - l->s) + tag > l->len)
			break;
		i = (size_t)(end - l->s);
		if (!memcmp(end, l->s + l->pos, tag)) {
			l->pos = i + tag;
			return true;
		}
	}
	l->flags |= SQL_F_UNTERMINATED;
	l->pos = l->len;
	return true;
}

static void number(struct sql_lex *l)
{
	size_t i = l->pos;

	while (i < l->len) {
		unsigned char c = (unsigned char)l->s[i];

		if ((c == 'e' || c == 'E') && (at(l, i + 1) == '+' || at(l, i + 1) == '-') &&
		    is_digit(at(l, i + 2)))
			i += 3;
		else if (is_word(c) || c == '.')
			i++;
		else
			break;
	}
	l->pos = i;
}

/* A word just read: a string's prefix when a quote follows at once
 * (E'', B'', X'', N'', U&'', MySQL _charset''); true if it was. */
static bool prefixed(struct sql_lex *l, size_t start)
{
	size_t n = l->pos - start;
	unsigned char c = (unsigned char)(l->s[start] | 0x20), q = at(l, l->pos);
	bool bs = l->d == SQL_MYSQL;

	if (n == 1 && (c == 'u') && q == '&' && at(l, l->pos + 1) == '\'') {
		l->pos++;
	} else if (q != '\'' || !((n == 1 && strchr("ebxn", c)) ||
				   (l->s[start] == '_' && l->d == SQL_MYSQL))) {
		return false;
	}
	if (n == 1 && c == 'e')
		bs = true;
	quoted(l, '\'', bs);
	return true;
}

static enum sql_tok token(struct sql_lex *l)
{
	unsigned char c = at(l, l->pos), n = at(l, l->pos + 1);
	size_t start = l->pos;
	bool my = l->d == SQL_MYSQL;

	if (c == '\'' || (c == '"' && my)) {
		quoted(l, (char)c, my);
		return SQL_T_LIT;
	}
	if (c == '"' || (c == '`' && my)) {
		/* without its end, it may well be text: hidden */
		return quoted(l, (char)c, false) ? SQL_T_QIDENT : SQL_T_LIT;
	}
	if (is_digit(c) || (c == '.' && is_digit(n))) {
		number(l);
		return SQL_T_LIT;
	}
	if (c == '$' && !my) {
		if (is_digit(n)) {
			for (l->pos++; is_digit(at(l, l->pos)); l->pos++)
				;
			return SQL_T_PARAM;
		}
		if (dollar(l))
			return SQL_T_LIT;
	}
	if (is_alpha(c) || c == '$') {
		size_t i = l->pos + 1;

		while (i < l->len && is_word((unsigned char)l->s[i]))
			i++;
		l->pos = i;
		return prefixed(l, start) ? SQL_T_LIT : SQL_T_WORD;
	}
	l->pos++;
	return c == '?' ? SQL_T_PARAM : SQL_T_PUNCT;
}

void sql_next(struct sql_lex *l, struct sql_token *t)
{
	if (!cls['a'])
		cls_init();
	t->space = skip_blank(l);
	t->off = l->pos;
	t->t = l->pos < l->len ? token(l) : SQL_T_END;
	t->len = l->pos - t->off;
}

bool sql_is(const struct sql_lex *l, const struct sql_token *t, const char *word)
{
	size_t n = strlen(word);

	if (t->t != SQL_T_WORD || t->len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((l->s[t->off + i] | 0x20) != (word[i] | 0x20))
			return false;
	return true;
}
