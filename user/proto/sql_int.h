/* The SQL lexer shared by user/proto/sql_*.c (rules: rawtel/sql.h). */
#ifndef RAWTEL_SQL_INT_H
#define RAWTEL_SQL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawtel/sql.h"

enum sql_tok {
	SQL_T_END,	/* no more tokens */
	SQL_T_WORD,	/* keyword or identifier */
	SQL_T_QIDENT,	/* quoted identifier */
	SQL_T_LIT,	/* string or number literal: never copied */
	SQL_T_PARAM,	/* ? or $n */
	SQL_T_PUNCT,	/* one byte of anything else */
};

struct sql_lex {
	const char *s;
	size_t len, pos;
	enum sql_dialect d;
	uint32_t flags;		/* SQL_F_UNTERMINATED */
};

struct sql_token {
	enum sql_tok t;
	size_t off, len;	/* where it is in the text */
	bool space;		/* whitespace or a comment came before it */
};

static inline void sql_lex_init(struct sql_lex *l, enum sql_dialect d, const char *s, size_t len)
{
	l->s = s;
	l->len = len;
	l->pos = 0;
	l->d = d;
	l->flags = 0;
}

/* The next token (SQL_T_END at the end, again and again). */
void sql_next(struct sql_lex *l, struct sql_token *t);
/* The token is this word, ASCII case ignored. */
bool sql_is(const struct sql_lex *l, const struct sql_token *t, const char *word);
/* The token is one punctuation byte c. */
static inline bool sql_punct(const struct sql_lex *l, const struct sql_token *t, char c)
{
	return t->t == SQL_T_PUNCT && l->s[t->off] == c;
}

#endif
