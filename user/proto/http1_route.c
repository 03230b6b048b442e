/* http.route without the application: the path with its id-like segments
 * replaced, unless a user pattern matches; and a cap on how many
 * distinct routes one service may produce, so that paths full of names
 * the rule does not catch (slugs, user names) cannot explode a metric's
 * cardinality: past the cap every new route is HTTP1_ROUTE_OTHER. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/err.h"
#include "rawtel/http1.h"

/* Routes of recent paths (short ones), direct-mapped by a hash of the
 * path: a server sees the same paths over and over, and matching,
 * normalising and looking up was 6% of tracing a request. A path's route
 * never changes once given (the set only grows, a route past the cap is
 * never added later) except when a pattern is added: that empties it. */
#define MEMO_SLOTS 32
#define MEMO_LEN 64
struct route_memo {
	uint16_t path_len;	/* 0: empty slot */
	char path[MEMO_LEN];
	char route[MEMO_LEN];	/* NUL-terminated */
};

struct http1_routes {
	unsigned max, count, npat;
	char *pat[HTTP1_PATTERNS_MAX];
	unsigned mask;		/* set: open addressing, mask + 1 slots */
	char **set;
	struct route_memo memo[MEMO_SLOTS];
};

static int is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f');
}

static int is_uuid(const char *s, size_t n)
{
	if (n != 36)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!is_hex(s[i])) {
			return 0;
		}
	}
	return 1;
}

static int id_like(const char *s, size_t n)
{
	size_t digits = 0, hex = 0, numeric = 0;

	if (!n)
		return 0;
	if (is_uuid(s, n))
		return 1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		if (is_hex(s[i]))
			hex++;
		else if (s[i] == '.' || s[i] == '-' || s[i] == '_' || s[i] == ':' || s[i] == ',')
			numeric++;
	}
	/* 42, 2024-01-05, 1.2.3; deadbeefcafe0123 (hashes, object ids) */
	if (digits && digits + numeric == n)
		return 1;
	return hex == n && n >= HTTP1_ROUTE_HEX_MIN;
}

/* Appends bounded; returns 0 or -1 once full. */
static int append(char *out, size_t size, size_t *len, const char *s, size_t n)
{
	if (*len + n >= size)
		return -1;
	memcpy(out + *len, s, n);
	*len += n;
	return 0;
}

size_t http1_route_normalize(const char *path, size_t n, char *out, size_t size)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t len = 0, i = 0;

	if (!size)
		return 0;
	while (i < n) {
		size_t j = i;

		if (path[i] == '/') {
			if (append(out, size, &len, "/", 1))
				break;
			i++;
			continue;
		}
		while (j < n && path[j] != '/')
			j++;
		if (id_like(path + i, j - i)) {
			if (append(out, size, &len, HTTP1_ROUTE_ID, strlen(HTTP1_ROUTE_ID)))
				break;
		} else {
			int cut = 0;

			for (size_t k = i; k < j && !cut; k++) {
				uint8_t ch = (uint8_t)path[k];
				char e[3] = { '%', hx[ch >> 4], hx[ch & 15] };

				if (ch > 0x20 && ch < 0x7f)
					cut = append(out, size, &len, (const char *)&ch, 1);
				else
					cut = append(out, size, &len, e, 3);
			}
			if (cut)
				break;
		}
		i = j;
	}
	out[len] = 0;
	return len;
}

/* The next segment of s[*i..n) (after the '/' at *i); 0 at the end. */
static int next_seg(const char *s, size_t n, size_t *i, const char **seg,
		    size_t *len)
{
	size_t j;

	if (*i >= n || s[*i] != '/')
		return 0;
	j = ++*i;
	while (j < n && s[j] != '/')
		j++;
	*seg = s + *i;
	*len = j - *i;
	*i = j;
	return 1;
}

int http1_route_match(const char *pattern, const char *path, size_t n)
{
	size_t pn = strlen(pattern), pi = 0, si = 0;
	const char *ps, *ss;
	size_t pl, sl;

	while (next_seg(pattern, pn, &pi, &ps, &pl)) {
		if (pl == 1 && ps[0] == '*' && pi == pn)
			return 1;	/* the rest, whatever it is */
		if (!next_seg(path, n, &si, &ss, &sl))
			return 0;
		if (pl >= 2 && ps[0] == '{') {
			if (!sl)
				return 0;
		} else if (pl != sl || memcmp(ps, ss, pl)) {
			return 0;
		}
	}
	return pi == pn && si == n;
}

int http1_routes_new(struct http1_routes **out, unsigned max_routes)
{
	struct http1_routes *r = calloc(1, sizeof(*r));
	unsigned slots = 16;

	if (!r)
		return err_set(ENOMEM, "http.route table: out of memory");
	r->max = max_routes ? max_routes : HTTP1_ROUTES_DEFAULT;
	while (slots < 2 * r->max && slots < (1u << 30))
		slots <<= 1;
	r->mask = slots - 1;
	r->set = calloc(slots, sizeof(*r->set));
	if (!r->set) {
		unsigned max = r->max;

		free(r);
		return err_set(ENOMEM, "http.route table of %u routes: out of memory", max);
	}
	*out = r;
	return 0;
}

void http1_routes_free(struct http1_routes *r)
{
	if (!r)
		return;
	for (unsigned i = 0; i < r->npat; i++)
		free(r->pat[i]);
	for (unsigned i = 0; i <= r->mask; i++)
		free(r->set[i]);
	free(r->set);
	free(r);
}

/* "/a/{id}/x" or "/static/ *" (no space): printable, '/'-led segments; {name} whole segments only,
 * '*' only as the whole last segment. */
static int pattern_ok(const char *p)
{
	size_t n = strlen(p), i = 0, l;
	const char *seg;

	if (!n || p[0] != '/' || n >= HTTP1_ROUTE_MAX)
		return 0;
	for (size_t k = 0; k < n; k++)
		if ((uint8_t)p[k] <= 0x20 || (uint8_t)p[k] >= 0x7f)
			return 0;
	while (next_seg(p, n, &i, &seg, &l)) {
		const char *open = memchr(seg, '{', l), *close = memchr(seg, '}', l);
		const char *star = memchr(seg, '*', l);

		if (star && (l != 1 || i != n))
			return 0;
		if ((open || close) &&
		    (l < 3 || seg[0] != '{' || seg[l - 1] != '}' ||
		     memchr(seg + 1, '{', l - 1) || memchr(seg, '}', l - 1)))
			return 0;
	}
	return 1;
}

int http1_routes_add(struct http1_routes *r, const char *pattern)
{
	if (!pattern_ok(pattern))
		return err_set(EINVAL, "route pattern '%.64s': write /segments/like/{id}/this, "
			       "a {name} or * being a whole segment, * only the last one", pattern);
	if (r->npat >= HTTP1_PATTERNS_MAX)
		return err_set(ENOSPC, "route pattern '%.64s': at most %d patterns", pattern,
			       HTTP1_PATTERNS_MAX);
	r->pat[r->npat] = strdup(pattern);
	if (!r->pat[r->npat])
		return err_set(ENOMEM, "route pattern '%.64s': out of memory", pattern);
	r->npat++;
	memset(r->memo, 0, sizeof(r->memo));
	return 0;
}

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static size_t give(char *out, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (!size)
		return 0;
	if (n >= size)
		n = size - 1;
	memcpy(out, s, n);
	out[n] = 0;
	return n;
}

static unsigned memo_slot(const char *p, size_t n)
{
	uint64_t h = n, w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	}
	for (w = 0; n; n--)
		w = w << 8 | (uint8_t)p[n - 1];
	h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	return (unsigned)(h >> 59) % MEMO_SLOTS;
}

/* The route of a path, without the memo. */
static const char *route_of(struct http1_routes *r, const char *path, size_t n,
			    char norm[HTTP1_ROUTE_MAX])
{
	unsigned i;

	for (unsigned k = 0; k < r->npat; k++)
		if (http1_route_match(r->pat[k], path, n))
			return r->pat[k];
	http1_route_normalize(path, n, norm, HTTP1_ROUTE_MAX);
	for (i = hash(norm) & r->mask; r->set[i]; i = (i + 1) & r->mask)
		if (!strcmp(r->set[i], norm))
			return norm;
	if (r->count >= r->max)
		return HTTP1_ROUTE_OTHER;
	/* a failed copy only means this route is not remembered */
	r->set[i] = strdup(norm);
	if (r->set[i])
		r->count++;
	return norm;
}

size_t http1_route(struct http1_routes *r, const char *path, size_t n,
		   char *out, size_t size)
{
	char norm[HTTP1_ROUTE_MAX];
	struct route_memo *m = NULL;
	const char *route;
	size_t len;

	if (n && n < MEMO_LEN) {
		m = &r->memo[memo_slot(path, n)];
		if (m->path_len == n && !memcmp(m->path, path, n))
			return give(out, size, m->route);
	}
	route = route_of(r, path, n, norm);
	len = strlen(route);
	if (m && len < MEMO_LEN) {
		m->path_len = (uint16_t)n;
		memcpy(m->path, path, n);
		memcpy(m->route, route, len + 1);
	}
	return give(out, size, route);
}

unsigned http1_routes_count(const struct http1_routes *r)
{
	return r->count;
}
