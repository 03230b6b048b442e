/* A scrape's HTTP/1 request head (prom.h): the request line, then header
 * lines up to an empty one. Only GET and HEAD of /metrics (any query) are
 * served; everything else is answered with one status line. Bytes after
 * the head (a body nobody should send) are never read. */
#include <string.h>
#include <strings.h>

#include "rawtel/prom.h"

/* The end of the head (just past its empty line), 0 when not there yet. */
static size_t head_end(const char *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (p[i] != '\n')
			continue;
		if (p[i + 1] == '\n')
			return i + 2;
		if (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static int is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* The line starting at p (ends at '\n', a '\r' before it dropped). */
static size_t line_len(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n;

	if (!nl)
		nl = end;
	*next = nl < end ? nl + 1 : end;
	n = (size_t)(nl - p);
	return n && p[n - 1] == '\r' ? n - 1 : n;
}

/* "METHOD /target HTTP/1.x": 200, 400, 404 or 405 */
static uint16_t request_line(const char *p, size_t n, struct prom_req *r)
{
	size_t m = 0, t;

	while (m < n && m < 16 && p[m] >= 'A' && p[m] <= 'Z')
		m++;
	if (!m || m == n || p[m] != ' ' || n < m + 10)
		return 400;
	t = m + 1;
	if (p[t] != '/')
		return 400;
	while (t < n && p[t] != ' ' && (unsigned char)p[t] > ' ' && p[t] != 0x7f)
		t++;
	if (t + 9 != n || memcmp(p + t, " HTTP/1.", 8) || p[n - 1] < '0' || p[n - 1] > '9')
		return 400;
	r->head = m == 4 && !memcmp(p, "HEAD", 4);
	if (!r->head && !(m == 3 && !memcmp(p, "GET", 3)))
		return 405;
	if (t - (m + 1) < 8 || memcmp(p + m + 1, "/metrics", 8) ||
	    (t > m + 9 && p[m + 9] != '?'))
		return 404;
	return 200;
}

/* "Name: value"; 0 or 400. Accept is the one header read. */
static uint16_t header_line(const char *p, size_t n, struct prom_req *r)
{
	static const char om[] = "application/openmetrics-text";
	size_t k = 0;

	while (k < n && is_tchar(p[k]))
		k++;
	if (!k || k == n || p[k] != ':')
		return 400;
	if (k == 6 && !strncasecmp(p, "Accept", 6))
		for (size_t i = k + 1; i + sizeof(om) - 1 <= n; i++)
			if (!strncasecmp(p + i, om, sizeof(om) - 1))
				r->openmetrics = 1;
	return 0;
}

int prom_req_parse(const char *p, size_t n, struct prom_req *r)
{
	size_t end = head_end(p, n), len;
	const char *e = p + end, *next;
	uint16_t st;

	memset(r, 0, sizeof(*r));
	if (!end)
		return 0;
	len = line_len(p, e, &next);
	st = request_line(p, len, r);
	for (p = next; p < e && st != 400; p = next) {
		len = line_len(p, e, &next);
		if (len && header_line(p, len, r))
			st = 400;
	}
	r->status = st;
	return 1;
}
