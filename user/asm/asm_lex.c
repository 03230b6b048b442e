/* Tokens of one source line, and cpp linemarkers. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "asm_int.h"
#include "rawtel/fmt.h"
#include "rawtel/util.h"

static bool is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       ch == '_';
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_ident(char ch)
{
	return is_alpha(ch) || is_digit(ch);
}


uint32_t asm_col(const struct asm_ctx *c)
{
	return (uint32_t)(c->p - c->lstart) + 1;
}

/* Skips blanks, and a comment (// or # after a blank) up to the end of
 * the statement. '#' right after a word is part of `call name#id`; ';'
 * separates statements (asm_unit.c splits lines on it). */
void asm_skip_ws(struct asm_ctx *c)
{
	while (c->p < c->eol && (*c->p == ' ' || *c->p == '\t' ||
				 *c->p == '\v' || *c->p == '\f'))
		c->p++;
	if (c->p == c->eol)
		return;
	if ((*c->p == '/' && c->p + 1 < c->eol && c->p[1] == '/') ||
	    (*c->p == '#' && (c->p == c->lstart || c->p[-1] == ' ' ||
			      c->p[-1] == '\t')))
		c->p = c->eol;
}

static int lex_num(struct asm_ctx *c, struct asm_tok *t)
{
	const char *p = c->p;
	uint64_t v = 0;
	int n = 0;

	if (p[0] == '0' && p + 1 < c->eol && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
		for (int d; p < c->eol && (d = util_hexval(*p)) >= 0; p++, n++) {
			if (v >> 60)
				return asm_fail(c, t->col,
						"number '%.*s' does not fit in 64 bits",
						(int)(c->eol - c->p > 40 ? 40 : c->eol - c->p),
						c->p);
			v = v << 4 | (uint64_t)d;
		}
	} else {
		for (; p < c->eol && is_digit(*p); p++, n++) {
			uint64_t d = (uint64_t)(*p - '0');

			if (v > (UINT64_MAX - d) / 10)
				return asm_fail(c, t->col,
						"number '%.*s' does not fit in 64 bits",
						(int)(c->eol - c->p > 40 ? 40 : c->eol - c->p),
						c->p);
			v = v * 10 + d;
		}
	}
	/* C suffixes, as cpp leaves them in expanded macros (1U << 0) */
	for (int k = 0; k < 3 && p < c->eol && (*p == 'u' || *p == 'U' ||
						     *p == 'l' || *p == 'L'); k++)
		p++;
	if (n == 0 || (p < c->eol && is_ident(*p))) {
		while (p < c->eol && is_ident(*p))
			p++;
		return asm_fail(c, t->col, "bad number '%.*s'",
				(int)(p - c->p > 40 ? 40 : p - c->p), c->p);
	}
	t->kind = TK_NUM;
	t->num = v;
	t->len = (uint32_t)(p - c->p);
	c->p = p;
	return 0;
}

static int lex_str(struct asm_ctx *c, struct asm_tok *t)
{
	const char *p = c->p + 1;

	while (p < c->eol && *p != '"') {
		if (*p == '\\' || (unsigned char)*p < 0x20 ||
		    (unsigned char)*p > 0x7e)
			return asm_fail(c, t->col + (uint32_t)(p - c->p),
					"strings take printable characters without escapes");
		p++;
	}
	if (p == c->eol)
		return asm_fail(c, t->col, "unterminated string");
	t->kind = TK_STR;
	t->s = c->p + 1;
	t->len = (uint32_t)(p - t->s);
	c->p = p + 1;
	return 0;
}

/* Length of the operator at p, longest match: the multi-character ones
 * are == != >= <= += -= *= /= %= |= &= ^= << >> <<= >>= and the signed
 * s> s< s>= s<= s>>= s/= s%=. 0 for an 's' that starts no operator. */
static uint32_t op_len(const char *p, const char *end)
{
	char b = end - p > 1 ? p[1] : 0, c = end - p > 2 ? p[2] : 0;

	switch (p[0]) {
	case 's':
		if (b == '>' && c == '>')
			return end - p > 3 && p[3] == '=' ? 4 : 2;
		if (b == '>' || b == '<')
			return c == '=' ? 3 : 2;
		return (b == '/' || b == '%') && c == '=' ? 3 : 0;
	case '<':
	case '>':
		if (b == p[0])
			return c == '=' ? 3 : 2;
		return b == '=' ? 2 : 1;
	case '=': case '!': case '+': case '-': case '*': case '/': case '%':
	case '|': case '&': case '^':
		return b == '=' ? 2 : 1;
	}
	return 1;
}

static bool lex_op(struct asm_ctx *c, struct asm_tok *t)
{
	uint32_t n = op_len(c->p, c->eol);

	if (!n)
		return false;
	t->kind = TK_PUNCT;
	t->len = n;
	c->p += n;
	return true;
}

int asm_lex(struct asm_ctx *c, struct asm_tok *t)
{
	memset(t, 0, sizeof(*t));
	asm_skip_ws(c);
	t->s = c->p;
	t->col = asm_col(c);
	if (c->p == c->eol) {
		t->kind = TK_END;
		return 0;
	}
	char ch = *c->p;

	if (is_alpha(ch)) {
		const char *p = c->p;

		if (ch == 's' && lex_op(c, t))
			return 0;
		while (p < c->eol && is_ident(*p))
			p++;
		t->kind = TK_IDENT;
		t->len = (uint32_t)(p - c->p);
		c->p = p;
		return 0;
	}
	if (is_digit(ch))
		return lex_num(c, t);
	if (ch == '"')
		return lex_str(c, t);
	if (ch == '$') {
		const char *p = c->p + 1;

		if (p == c->eol || !is_alpha(*p))
			return asm_fail(c, t->col, "'$' must be followed by a constant's name");
		while (p < c->eol && is_ident(*p))
			p++;
		t->kind = TK_CONST;
		t->s = c->p + 1;
		t->len = (uint32_t)(p - t->s);
		c->p = p;
		return 0;
	}
	if ((unsigned char)ch < 0x21 || (unsigned char)ch > 0x7e)
		return asm_fail(c, t->col, "unexpected byte 0x%02x",
				(unsigned)(unsigned char)ch);
	lex_op(c, t);
	return 0;
}

int asm_peek(struct asm_ctx *c, struct asm_tok *t)
{
	const char *save = c->p;
	int ret = asm_lex(c, t);

	c->p = save;
	return ret;
}

bool asm_tok_is(const struct asm_tok *t, const char *s)
{
	return t->kind == TK_PUNCT && t->s[0] == s[0] &&
	       strlen(s) == t->len && memcmp(t->s, s, t->len) == 0;
}

bool asm_tok_ident(const struct asm_tok *t, const char *s)
{
	return t->kind == TK_IDENT && t->s[0] == s[0] &&
	       strlen(s) == t->len && memcmp(t->s, s, t->len) == 0;
}

const char *asm_tok_show(const struct asm_tok *t, char *buf, size_t size)
{
	if (t->kind == TK_END)
		return "end of line";
	fmt_snprintf(buf, size, "'%s%.*s%s'", t->kind == TK_CONST ? "$" :
		 t->kind == TK_STR ? "\"" : "", (int)(t->len > 40 ? 40 : t->len),
		 t->s, t->kind == TK_STR ? "\"" : "");
	return buf;
}

int asm_expect(struct asm_ctx *c, const char *punct, const char *what)
{
	struct asm_tok t;
	char b[64];
	int ret = asm_lex(c, &t);

	if (ret)
		return ret;
	if (!asm_tok_is(&t, punct))
		return asm_fail(c, t.col, "expected '%s' in %s, found %s",
				punct, what, asm_tok_show(&t, b, sizeof(b)));
	return 0;
}

int asm_expect_end(struct asm_ctx *c, const char *what)
{
	struct asm_tok t;
	char b[64];
	int ret = asm_lex(c, &t);

	if (ret)
		return ret;
	if (t.kind != TK_END)
		return asm_fail(c, t.col, "unexpected %s after %s",
				asm_tok_show(&t, b, sizeof(b)), what);
	return 0;
}

bool asm_is_reg_name(const char *s, uint32_t len)
{
	if (len < 2 || (s[0] != 'r' && s[0] != 'w'))
		return false;
	for (uint32_t i = 1; i < len; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

/* Register number 0..10, -1 when t is not a register name, -2 for a
 * register-like name that does not exist (r11, r01). */
int asm_reg(const struct asm_tok *t, bool *is_w)
{
	if (t->kind != TK_IDENT || !asm_is_reg_name(t->s, t->len))
		return -1;
	*is_w = t->s[0] == 'w';
	if (t->len == 2)
		return t->s[1] - '0';
	if (t->len == 3 && t->s[1] == '1' && t->s[2] == '0')
		return 10;
	return -2;
}

int asm_tok_name(struct asm_ctx *c, const struct asm_tok *t, char *buf,
		 const char *what)
{
	char b[64];

	if (t->kind != TK_IDENT)
		return asm_fail(c, t->col, "expected a %s name, found %s", what,
				asm_tok_show(t, b, sizeof(b)));
	if (t->len >= ASM_NAME_MAX)
		return asm_fail(c, t->col, "%s name '%.40s...' is longer than %d characters",
				what, t->s, ASM_NAME_MAX - 1);
	memcpy(buf, t->s, t->len);
	buf[t->len] = 0;
	return 0;
}

/* `# 12 "kern/open.S" 1 3` (also `#line 12 "f"`): the next line is line 12
 * of that file. Any other line starting with '#' is a comment. */
int asm_linemarker(struct asm_ctx *c)
{
	const char *p = c->p + 1;
	uint64_t n = 0;

	while (p < c->eol && (*p == ' ' || *p == '\t'))
		p++;
	if (c->eol - p >= 4 && memcmp(p, "line", 4) == 0) {
		p += 4;
		while (p < c->eol && (*p == ' ' || *p == '\t'))
			p++;
	}
	if (p == c->eol || !is_digit(*p))
		return 0;
	for (; p < c->eol && is_digit(*p); p++) {
		n = n * 10 + (uint64_t)(*p - '0');
		if (n > UINT32_MAX)
			return asm_fail(c, asm_col(c), "linemarker line number out of range");
	}
	while (p < c->eol && (*p == ' ' || *p == '\t'))
		p++;
	if (p < c->eol && *p == '"') {
		char name[sizeof(c->file)];
		size_t k = 0;

		/* cpp escapes '"' and '\' and writes odd bytes in octal */
		for (p++; p < c->eol && *p != '"'; p++) {
			unsigned v = (unsigned char)*p;

			if (*p == '\\' && p + 1 < c->eol) {
				p++;
				v = (unsigned char)*p;
				if (*p >= '0' && *p <= '7') {
					v = 0;
					for (int d = 0; d < 3 && p < c->eol &&
					     *p >= '0' && *p <= '7'; d++, p++)
						v = v * 8 + (unsigned)(*p - '0');
					p--;
				}
			}
			if (k + 1 < sizeof(name) && v && v < 0x100)
				name[k++] = (char)v;
		}
		if (k) {	/* an empty name keeps the current one */
			memcpy(c->file, name, k);
			c->file[k] = 0;
			c->file_idx = ASM_NO_FILE;
		}
	}
	c->next_line = (uint32_t)n;
	return 0;
}
