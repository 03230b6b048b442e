/* JSON parser (see json.h): recursive descent, depth-limited. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/json.h"

#define JSON_MAX_INPUT (1u << 30)

struct jp {
	struct json_doc *d;
	const char *s;
	size_t n, i;
	unsigned max_depth;
};

static int bad(const struct jp *p, const char *what)
{
	return err_set(EBADMSG, "malformed JSON at byte %zu: %s", p->i, what);
}

static int new_node(struct jp *p, uint8_t type, uint32_t *idx)
{
	struct json_doc *d = p->d;

	if (d->n_nodes == d->max_nodes)
		return err_set(E2BIG, "JSON holds more than %u values", d->max_nodes);
	if (d->n_nodes == d->cap_nodes) {
		uint32_t cap = d->cap_nodes ? d->cap_nodes * 2 : 64;
		struct json_node *nodes;

		if (cap > d->max_nodes || cap < d->cap_nodes)
			cap = d->max_nodes;
		nodes = realloc(d->nodes, (size_t)cap * sizeof(*nodes));
		if (!nodes)
			return err_set(ENOMEM, "cannot allocate %u JSON nodes", cap);
		d->nodes = nodes;
		d->cap_nodes = cap;
	}
	memset(&d->nodes[d->n_nodes], 0, sizeof(d->nodes[0]));
	d->nodes[d->n_nodes].type = type;
	*idx = d->n_nodes++;
	return 0;
}

static void skip_ws(struct jp *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
			       p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

static int hex4(struct jp *p, uint32_t *cp)
{
	uint32_t v = 0;

	if (p->n - p->i < 4)
		return bad(p, "\\u escape runs past the end");
	for (int k = 0; k < 4; k++) {
		char c = p->s[p->i++];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return bad(p, "bad hex digit in \\u escape");
	}
	*cp = v;
	return 0;
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* A "..." at p->i, unescaped into d->str (never longer than the source, so
 * the buffer sized to the input always has room). */
static int parse_string(struct jp *p, uint32_t *off, uint32_t *len)
{
	struct json_doc *d = p->d;
	char *o = d->str + d->str_len;
	size_t start = d->str_len;
	uint32_t cp, lo;
	int ret;

	p->i++;				/* the opening quote */
	for (;;) {
		unsigned char c;

		if (p->i >= p->n)
			return bad(p, "unterminated string");
		c = (unsigned char)p->s[p->i++];
		if (c == '"')
			break;
		if (c < 0x20)
			return bad(p, "control character in a string");
		if (c != '\\') {
			*o++ = (char)c;
			continue;
		}
		if (p->i >= p->n)
			return bad(p, "unterminated escape");
		switch (p->s[p->i++]) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if ((ret = hex4(p, &cp)))
				return ret;
			if (cp >= 0xD800 && cp <= 0xDBFF && p->n - p->i >= 6 &&
			    p->s[p->i] == '\\' && p->s[p->i + 1] == 'u') {
				size_t save = p->i;

				p->i += 2;
				if ((ret = hex4(p, &lo)))
					return ret;
				if (lo >= 0xDC00 && lo <= 0xDFFF)
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				else
					p->i = save;	/* lone high surrogate */
			}
			if (cp >= 0xD800 && cp <= 0xDFFF)
				cp = 0xFFFD;
			o += put_utf8(o, cp);
			break;
		default:
			p->i--;
			return bad(p, "unknown escape");
		}
	}
	*o++ = 0;
	*off = (uint32_t)start;
	*len = (uint32_t)(o - (d->str + start) - 1);
	d->str_len = (size_t)(o - d->str);
	return 0;
}

static int digits(struct jp *p)
{
	size_t s = p->i;

	while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
		p->i++;
	return p->i > s;
}

static int parse_number(struct jp *p, struct json_node *x)
{
	size_t s = p->i;

	if (p->s[p->i] == '-')
		p->i++;
	if (p->i < p->n && p->s[p->i] == '0')
		p->i++;
	else if (!digits(p))
		return bad(p, "bad number");
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (!digits(p))
			return bad(p, "no digits after the decimal point");
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (!digits(p))
			return bad(p, "no digits in the exponent");
	}
	x->off = (uint32_t)s;
	x->n = (uint32_t)(p->i - s);
	return 0;
}

static int literal(struct jp *p, const char *word)
{
	size_t n = strlen(word);

	if (p->n - p->i < n || memcmp(p->s + p->i, word, n))
		return bad(p, "unexpected character");
	p->i += n;
	return 0;
}

static int parse_value(struct jp *p, unsigned depth, uint32_t *out);

/* Elements or members up to the closing bracket, linked as children. */
static int parse_container(struct jp *p, unsigned depth, uint32_t idx, int obj)
{
	uint32_t last = 0, child, koff = 0, klen = 0, count = 0;
	char close = obj ? '}' : ']';
	int ret;

	if (depth >= p->max_depth)
		return bad(p, "nested too deep");
	p->i++;
	skip_ws(p);
	if (p->i < p->n && p->s[p->i] == close) {
		p->i++;
		return 0;
	}
	for (;;) {
		skip_ws(p);
		if (obj) {
			if (p->i >= p->n || p->s[p->i] != '"')
				return bad(p, "expected a member name");
			if ((ret = parse_string(p, &koff, &klen)))
				return ret;
			skip_ws(p);
			if (p->i >= p->n || p->s[p->i] != ':')
				return bad(p, "expected ':'");
			p->i++;
		}
		if ((ret = parse_value(p, depth + 1, &child)))
			return ret;
		p->d->nodes[child].key = koff;
		p->d->nodes[child].key_len = klen;
		if (last)
			p->d->nodes[last].next = child;
		else
			p->d->nodes[idx].child = child;
		last = child;
		count++;
		skip_ws(p);
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == close) {
			p->i++;
			p->d->nodes[idx].n = count;
			return 0;
		}
		return bad(p, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int parse_value(struct jp *p, unsigned depth, uint32_t *out)
{
	uint32_t idx;
	int ret;

	skip_ws(p);
	if (p->i >= p->n)
		return bad(p, "expected a value");
	switch (p->s[p->i]) {
	case '{':
	case '[':
		if ((ret = new_node(p, p->s[p->i] == '{' ? JSON_OBJECT : JSON_ARRAY, &idx)) ||
		    (ret = parse_container(p, depth, idx, p->s[p->i] == '{')))
			return ret;
		break;
	case '"':
		if ((ret = new_node(p, JSON_STRING, &idx)))
			return ret;
		{
			uint32_t off, len;

			if ((ret = parse_string(p, &off, &len)))
				return ret;
			p->d->nodes[idx].off = off;
			p->d->nodes[idx].n = len;
		}
		break;
	case 't':
	case 'f': {
		int t = p->s[p->i] == 't';

		if ((ret = new_node(p, JSON_BOOL, &idx)) ||
		    (ret = literal(p, t ? "true" : "false")))
			return ret;
		p->d->nodes[idx].boolean = (uint8_t)t;
		break;
	}
	case 'n':
		if ((ret = new_node(p, JSON_NULL, &idx)) || (ret = literal(p, "null")))
			return ret;
		break;
	default:
		if (p->s[p->i] != '-' && (p->s[p->i] < '0' || p->s[p->i] > '9'))
			return bad(p, "unexpected character");
		if ((ret = new_node(p, JSON_NUMBER, &idx)) ||
		    (ret = parse_number(p, &p->d->nodes[idx])))
			return ret;
	}
	*out = idx;
	return 0;
}

int json_parse(struct json_doc *d, const char *s, size_t n, unsigned max_depth,
	       uint32_t max_nodes)
{
	struct jp p = { d, s, n, 0, max_depth };
	uint32_t root;
	int ret;

	memset(d, 0, sizeof(*d));
	d->src = s;
	d->max_nodes = max_nodes ? max_nodes : 1;
	if (n > JSON_MAX_INPUT)
		return err_set(E2BIG, "JSON text of %zu bytes is over the 1 GiB limit", n);
	if (!(d->str = malloc(n + 1)))
		return err_set(ENOMEM, "cannot allocate %zu bytes for JSON strings", n + 1);
	if ((ret = parse_value(&p, 0, &root)))
		return ret;
	skip_ws(&p);
	if (p.i != n)
		return bad(&p, "text after the JSON value");
	return 0;
}

void json_free(struct json_doc *d)
{
	free(d->nodes);
	free(d->str);
	memset(d, 0, sizeof(*d));
}

const struct json_node *json_root(const struct json_doc *d)
{
	return d->n_nodes ? &d->nodes[0] : NULL;
}

const struct json_node *json_first(const struct json_doc *d,
				   const struct json_node *x)
{
	if (!x || (x->type != JSON_ARRAY && x->type != JSON_OBJECT) || !x->child)
		return NULL;
	return &d->nodes[x->child];
}

const struct json_node *json_next(const struct json_doc *d,
				  const struct json_node *x)
{
	return x && x->next ? &d->nodes[x->next] : NULL;
}

const struct json_node *json_member(const struct json_doc *d,
				    const struct json_node *obj, const char *key)
{
	size_t n = strlen(key);

	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (const struct json_node *c = json_first(d, obj); c; c = json_next(d, c))
		if (c->key_len == n && !memcmp(d->str + c->key, key, n))
			return c;
	return NULL;
}

const char *json_str(const struct json_doc *d, const struct json_node *x,
		     size_t *len)
{
	if (!x || x->type != JSON_STRING)
		return NULL;
	*len = x->n;
	return d->str + x->off;
}

/* The integer text of x: a number or a string, optional '-', digits only. */
static const char *int_text(const struct json_doc *d, const struct json_node *x,
			    size_t *n)
{
	const char *t;

	if (!x)
		return NULL;
	if (x->type == JSON_NUMBER) {
		t = d->src + x->off;
		*n = x->n;
	} else if (x->type == JSON_STRING) {
		t = d->str + x->off;
		*n = x->n;
	} else {
		return NULL;
	}
	for (size_t i = t[0] == '-'; i < *n; i++)
		if (t[i] < '0' || t[i] > '9')
			return NULL;
	return *n > (size_t)(t[0] == '-') ? t : NULL;
}

/* Magnitude of decimal digits t[0..n) into *v; -ERANGE past max. */
static int parse_mag(const char *t, size_t n, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned dg = (unsigned)(t[i] - '0');

		if (x > (max - dg) / 10)
			return -ERANGE;
		x = x * 10 + dg;
	}
	*v = x;
	return 0;
}

int json_u64(const struct json_doc *d, const struct json_node *x, uint64_t *v)
{
	size_t n;
	const char *t = int_text(d, x, &n);

	if (!t || t[0] == '-')
		return -EINVAL;
	return parse_mag(t, n, UINT64_MAX, v);
}

int json_i64(const struct json_doc *d, const struct json_node *x, int64_t *v)
{
	size_t n;
	const char *t = int_text(d, x, &n);
	uint64_t m;
	int neg, ret;

	if (!t)
		return -EINVAL;
	neg = t[0] == '-';
	if ((ret = parse_mag(t + neg, n - (size_t)neg,
			     neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, &m)))
		return ret;
	*v = neg ? (int64_t)(0 - m) : (int64_t)m;
	return 0;
}

int json_double(const struct json_doc *d, const struct json_node *x, double *v)
{
	char buf[400];
	const char *t;
	size_t n;
	char *end;

	if (!x)
		return -EINVAL;
	if (x->type == JSON_NUMBER) {
		t = d->src + x->off;
		n = x->n;
	} else if (x->type == JSON_STRING) {
		t = d->str + x->off;
		n = x->n;
		if (n == 3 && !memcmp(t, "NaN", 3)) {
			*v = NAN;
			return 0;
		}
		if (n == 8 && !memcmp(t, "Infinity", 8)) {
			*v = INFINITY;
			return 0;
		}
		if (n == 9 && !memcmp(t, "-Infinity", 9)) {
			*v = -INFINITY;
			return 0;
		}
	} else {
		return -EINVAL;
	}
	if (!n || n >= sizeof(buf))
		return -ERANGE;
	memcpy(buf, t, n);
	buf[n] = 0;
	/* a string must hold a plain JSON number, nothing strtod adds */
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789+-.eE", buf[i]))
			return -EINVAL;
	*v = fmt_strtod(buf, &end);
	return *end ? -EINVAL : 0;
}
