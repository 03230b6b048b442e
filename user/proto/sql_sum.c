/* sql_describe: the operations and tables a statement names, as
 * db.query.summary, db.operation.name and db.collection.name (rules:
 * rawtel/sql.h). One pass over the tokens with a little state per
 * parenthesis level (up to LEVELS deep; deeper levels name nothing). */
#include <string.h>

#include "sql_int.h"

#define LEVELS 32

enum want {
	W_NONE,
	W_NAME,		/* a table name comes next */
	W_FROM,		/* ... unless it is a function (FROM f(...)) */
};

struct sum {
	struct sql_lex l;
	struct sql_info *info;
	size_t slen;		/* bytes in info->summary */
	int depth;
	uint32_t query;		/* bit d: level d is a query, not a call */
	uint32_t list;		/* bit d: a comma at level d adds a table */
	enum want want;
	int stmts;		/* statements with a token */
	bool start;		/* the next token starts a statement */
	bool ddl;		/* CREATE, DROP, ALTER, LOCK: TABLE names one */
	bool copy;		/* COPY: FROM names a file, not a table */
	bool with;		/* began with WITH: its operation comes later */
	bool after_paren;	/* the previous token was `(` */
	bool have_op;		/* the outer operation is known */
	int targets;
	bool mixed;		/* targets differ, or one was too long to keep */
};

static bool level_has(uint32_t bits, int d)
{
	return d < LEVELS && (bits >> d & 1);
}

static void level_set(uint32_t *bits, int d, bool on)
{
	if (d < LEVELS)
		*bits = on ? *bits | (1u << d) : *bits & ~(1u << d);
}

/* Append to the summary; nothing more once a token did not fit. */
static void add(struct sum *s, const char *p, size_t n)
{
	struct sql_info *i = s->info;

	if ((i->flags & SQL_F_TRUNC) || s->slen + (s->slen > 0) + n >= SQL_SUMMARY_MAX) {
		i->flags |= SQL_F_TRUNC;
		return;
	}
	if (s->slen)
		i->summary[s->slen++] = ' ';
	memcpy(i->summary + s->slen, p, n);
	s->slen += n;
	i->summary[s->slen] = 0;
}

static void op(struct sum *s, const struct sql_token *t)
{
	add(s, s->l.s + t->off, t->len);
	if (!s->have_op && s->depth == 0) {
		s->have_op = true;
		if (t->len < SQL_OP_MAX) {
			memcpy(s->info->op, s->l.s + t->off, t->len);
			s->info->op[t->len] = 0;
		}
	}
}

static void target(struct sum *s, const char *p, size_t n)
{
	char *c = s->info->collection;

	add(s, p, n);
	if (s->targets++ == 0 && n < SQL_NAME_MAX) {
		memcpy(c, p, n);
		c[n] = 0;
	} else if (s->targets == 1 || strlen(c) != n || memcmp(c, p, n)) {
		s->mixed = true;
	}
}

/* Append a name's part to buf (len so far); false when it does not fit. */
static bool part_add(char *buf, size_t *len, const char *p, size_t n, bool dot)
{
	if (*len + dot + n >= SQL_SUMMARY_MAX)
		return false;
	if (dot)
		buf[(*len)++] = '.';
	memcpy(buf + *len, p, n);
	*len += n;
	return true;
}

/* A dotted name from t (a word or quoted identifier), its parts joined
 * by dots (what lies between them, such as a comment, is left out).
 * Returns the token after it, for the caller to handle: a `(` there means
 * a function. */
static void name(struct sum *s, const struct sql_token *t, struct sql_token *next)
{
	char buf[SQL_SUMMARY_MAX];
	struct sql_token dot, part;
	size_t len = 0;
	bool fits = part_add(buf, &len, s->l.s + t->off, t->len, false);

	for (;;) {
		sql_next(&s->l, &dot);
		if (!sql_punct(&s->l, &dot, '.')) {
			*next = dot;
			/* FROM f(...): a function, not a table */
			if (s->want == W_FROM && sql_punct(&s->l, &dot, '('))
				return;
			break;
		}
		sql_next(&s->l, &part);
		if (part.t != SQL_T_WORD && part.t != SQL_T_QIDENT) {
			*next = part;	/* `t.*` or worse: the name ends at the dot */
			break;
		}
		fits = fits && part_add(buf, &len, s->l.s + part.off, part.len, true);
	}
	if (fits) {
		target(s, buf, len);
	} else {
		s->info->flags |= SQL_F_TRUNC;
		s->mixed = true;
	}
}

/* Keywords that matter here, by what they do (one word may do several). */
enum {
	K_SELECT = 1, K_WITH, K_VALUES, K_FROM, K_UPDATE, K_JOIN, K_INTO, K_COPY, K_OTHER,
};
#define C_INNER 1u	/* INSERT, UPDATE, DELETE, MERGE: an operation after ( */
#define C_END 2u	/* ends a FROM list */
#define C_SKIP 4u	/* skipped before a name */
#define C_DDL 8u	/* TABLE, VIEW, SEQUENCE name one after it */
#define C_NAMED 16u	/* a name follows at once */
#define C_OBJ 32u	/* TABLE, VIEW, SEQUENCE */

struct kw {
	uint8_t id, cls;
};

#define KW(w, id, cls) { w, sizeof(w) - 1, { id, cls } }
static const struct {
	const char *w;
	size_t len;
	struct kw k;
} keywords[] = {
	KW("SELECT", K_SELECT, C_END), KW("WITH", K_WITH, C_END),
	KW("VALUES", K_VALUES, C_END), KW("FROM", K_FROM, 0),
	KW("UPDATE", K_UPDATE, C_INNER | C_NAMED), KW("JOIN", K_JOIN, 0),
	KW("INTO", K_INTO, 0), KW("COPY", K_COPY, C_NAMED),
	KW("INSERT", K_OTHER, C_INNER), KW("DELETE", K_OTHER, C_INNER),
	KW("MERGE", K_OTHER, C_INNER), KW("CREATE", K_OTHER, C_DDL),
	KW("DROP", K_OTHER, C_DDL), KW("ALTER", K_OTHER, C_DDL),
	KW("LOCK", K_OTHER, C_DDL | C_NAMED), KW("TRUNCATE", K_OTHER, C_NAMED),
	KW("TABLE", K_OTHER, C_OBJ | C_SKIP), KW("VIEW", K_OTHER, C_OBJ),
	KW("SEQUENCE", K_OTHER, C_OBJ), KW("ONLY", K_OTHER, C_SKIP),
	KW("LATERAL", K_OTHER, C_SKIP), KW("IF", K_OTHER, C_SKIP),
	KW("NOT", K_OTHER, C_SKIP), KW("EXISTS", K_OTHER, C_SKIP),
	KW("WHERE", K_OTHER, C_END), KW("ON", K_OTHER, C_END),
	KW("USING", K_OTHER, C_END), KW("GROUP", K_OTHER, C_END),
	KW("ORDER", K_OTHER, C_END), KW("LIMIT", K_OTHER, C_END),
	KW("HAVING", K_OTHER, C_END), KW("WINDOW", K_OTHER, C_END),
	KW("UNION", K_OTHER, C_END), KW("INTERSECT", K_OTHER, C_END),
	KW("EXCEPT", K_OTHER, C_END), KW("RETURNING", K_OTHER, C_END),
	KW("SET", K_OTHER, C_END), KW("OFFSET", K_OTHER, C_END),
	KW("FETCH", K_OTHER, C_END), KW("FOR", K_OTHER, C_END),
	KW("PARTITION", K_OTHER, C_END),
};

/* Bit (c - 'A') of entry n: a keyword of n letters begins with c. Made
 * on first use from the table (the same every time: no race matters). */
static uint32_t first_by_len[11];

static void kw_index(void)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		first_by_len[keywords[i].len] |= 1u << (keywords[i].w[0] - 'A');
	first_by_len[0] = 1;	/* made */
}

/* What a token is as a keyword ({0, 0}: none of those). Every word of a
 * statement asks, most are names: those go after a length and first
 * letter test. */
static struct kw kw_of(const struct sum *s, const struct sql_token *t)
{
	const char *w = s->l.s + t->off;
	char up[10];

	if (!first_by_len[0])
		kw_index();
	if (t->t != SQL_T_WORD || t->len < 2 || t->len > sizeof(up) ||
	    (w[0] | 0x20) < 'a' || (w[0] | 0x20) > 'z' ||
	    !(first_by_len[t->len] >> ((w[0] | 0x20) - 'a') & 1))
		return (struct kw){ 0, 0 };
	for (size_t i = 0; i < t->len; i++) {
		if ((w[i] | 0x20) < 'a' || (w[i] | 0x20) > 'z')
			return (struct kw){ 0, 0 };
		up[i] = (char)(w[i] & ~0x20);
	}
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (keywords[i].len == t->len && !memcmp(keywords[i].w, up, t->len))
			return keywords[i].k;
	return (struct kw){ 0, 0 };
}

/* The first word of a statement. */
static void first_word(struct sum *s, const struct sql_token *t, struct kw k)
{
	if (k.id == K_WITH) {
		s->with = true;
		return;
	}
	op(s, t);
	s->ddl = k.cls & C_DDL;
	s->copy = k.id == K_COPY;
	if (k.cls & C_NAMED) {
		s->want = W_NAME;
		level_set(&s->list, 0, !s->copy);
	}
}

/* A word in the statement, past its first. */
static void word(struct sum *s, const struct sql_token *t, struct kw k)
{
	/* INSERT, UPDATE...: a query in parentheses, or WITH's own */
	bool inner = (k.cls & C_INNER) &&
		     (s->after_paren || (s->with && s->depth == 0 && !s->have_op)), q;

	if (s->after_paren && (inner || k.id == K_SELECT || k.id == K_WITH || k.id == K_VALUES))
		level_set(&s->query, s->depth, true);
	q = s->depth == 0 || level_has(s->query, s->depth);
	if (k.id == K_SELECT || inner)
		op(s, t);
	if (!q)
		return;
	if (k.cls & C_END)
		level_set(&s->list, s->depth, false);
	if ((k.id == K_FROM && !(s->copy && s->depth == 0)) || (k.id == K_UPDATE && inner)) {
		s->want = W_FROM;
		level_set(&s->list, s->depth, true);
	} else if (k.id == K_JOIN) {
		s->want = W_FROM;
	} else if (k.id == K_INTO) {
		s->want = W_NAME;
	} else if (s->ddl && (k.cls & C_OBJ)) {
		s->want = W_NAME;
		level_set(&s->list, s->depth, true);
	}
}

static void punct(struct sum *s, const struct sql_token *t)
{
	char c = s->l.s[t->off];

	if (c == '(') {
		s->depth++;
		level_set(&s->query, s->depth, false);
		level_set(&s->list, s->depth, false);
	} else if (c == ')' && s->depth > 0) {
		s->depth--;
	} else if (c == ',' && level_has(s->list, s->depth) &&
		   (s->depth == 0 || level_has(s->query, s->depth))) {
		s->want = s->want == W_NAME ? W_NAME : W_FROM;
		return;
	}
	s->want = W_NONE;
}

/* One token (not the end, not `;`): t may be replaced by the token after
 * a name, which is then handled too. */
static void step(struct sum *s, struct sql_token *t)
{
	bool was_paren;
	struct kw k;

	for (;;) {
		was_paren = sql_punct(&s->l, t, '(');
		k = kw_of(s, t);
		if (s->start) {
			s->start = false;
			s->stmts++;
			if (t->t == SQL_T_WORD) {
				first_word(s, t, k);
				return;
			}
		}
		if (s->want != W_NONE && (t->t == SQL_T_QIDENT ||
					  (t->t == SQL_T_WORD && !(k.cls & C_SKIP)))) {
			name(s, t, t);
			s->want = W_NONE;
			s->after_paren = false;
			if (t->t == SQL_T_END || sql_punct(&s->l, t, ';'))
				return;
			continue;
		}
		if (t->t == SQL_T_WORD)
			word(s, t, k);
		else if (t->t == SQL_T_PUNCT)
			punct(s, t);
		else
			s->want = W_NONE;
		s->after_paren = was_paren;
		return;
	}
}

/* A `;`: the next token begins a new statement, at the outer level. */
static void statement_end(struct sum *s)
{
	s->start = true;
	s->depth = 0;
	s->query = s->list = 0;
	s->want = W_NONE;
	s->ddl = s->copy = s->with = s->after_paren = false;
}

void sql_describe(enum sql_dialect d, const char *in, size_t len, struct sql_info *info)
{
	struct sum s;
	struct sql_token t;

	memset(&s, 0, sizeof(s));
	memset(info, 0, sizeof(*info));
	s.info = info;
	sql_lex_init(&s.l, d, in, len);
	statement_end(&s);
	for (sql_next(&s.l, &t); t.t != SQL_T_END; sql_next(&s.l, &t)) {
		if (!sql_punct(&s.l, &t, ';'))
			step(&s, &t);
		if (t.t == SQL_T_END)
			break;
		if (sql_punct(&s.l, &t, ';'))
			statement_end(&s);
	}
	if (s.stmts != 1)
		info->op[0] = 0;
	if (s.stmts != 1 || s.mixed || !s.targets)
		info->collection[0] = 0;
	info->flags |= s.l.flags | (s.stmts > 1 ? SQL_F_MULTI : 0);
}
