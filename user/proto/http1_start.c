/* Does a syscall's captured data begin an HTTP/1 message? Asked of the
 * first syscall of a connection (is this HTTP at all: TLS, Redis, gRPC
 * and most binary protocols fail on the first byte) and after framing
 * was lost (is this where the next message begins). The second must be
 * sure, since saying yes ends the lost message: it asks for a known
 * method and the start of a target, or a whole request line, or a status
 * line through its code. */
#include <string.h>

#include "http1_int.h"

/* Byte classes: H1_TCHAR (RFC 9110 tchar), H1_CTL (controls but HT, and
 * DEL: they end a run of field-value or line bytes). */
const uint8_t http1_class[256] = {
	[0 ... 8] = H1_CTL, [10 ... 31] = H1_CTL, [127] = H1_CTL,
	['0' ... '9'] = H1_TCHAR, ['a' ... 'z'] = H1_TCHAR, ['A' ... 'Z'] = H1_TCHAR,
	['!'] = H1_TCHAR, ['#'] = H1_TCHAR, ['$'] = H1_TCHAR, ['%'] = H1_TCHAR,
	['&'] = H1_TCHAR, ['\''] = H1_TCHAR, ['*'] = H1_TCHAR, ['+'] = H1_TCHAR,
	['-'] = H1_TCHAR, ['.'] = H1_TCHAR, ['^'] = H1_TCHAR, ['_'] = H1_TCHAR,
	['`'] = H1_TCHAR, ['|'] = H1_TCHAR, ['~'] = H1_TCHAR,
};

/* Request line: METHOD SP target SP HTTP/1.d (CR) LF */
static int request_start(const uint8_t *p, size_t n, int strict)
{
	static const char ver[] = "HTTP/1.";
	size_t i = 0, m, t;
	int known;

	while (i < n && ((p[i] >= 'A' && p[i] <= 'Z') ||
			 (i && (p[i] == '-' || p[i] == '_'))))
		i++;
	m = i;
	if (!m || m > HTTP1_METHOD_MAX - 4)
		return 0;
	if (i == n)
		return !strict;
	if (p[i++] != ' ')
		return 0;
	known = http1_method_known((const char *)p, m);
	t = i;
	while (i < n && p[i] > 0x20 && p[i] != 0x7f)
		i++;
	if (i == n) {
		/* the capture ends inside the target */
		if (!strict)
			return 1;
		return known && i > t;
	}
	if (i == t || p[i++] != ' ')
		return 0;
	for (size_t k = 0; k < 7; k++, i++) {
		if (i == n)
			return !strict || known;
		if (p[i] != (uint8_t)ver[k])
			return 0;
	}
	if (i == n)
		return !strict || known;
	if (p[i] < '0' || p[i] > '9')
		return 0;
	if (++i == n)
		return 1;
	return p[i] == '\r' || p[i] == '\n';
}

/* Status line: HTTP/1.d SP ddd (SP | CR | LF) */
static int status_start(const uint8_t *p, size_t n, int strict)
{
	static const char pat[] = "HTTP/1.# ###";
	size_t i;

	for (i = 0; i < n && i < 12; i++) {
		if (pat[i] == '#') {
			if (p[i] < '0' || p[i] > '9')
				return 0;
		} else if (p[i] != (uint8_t)pat[i]) {
			return 0;
		}
	}
	if (i < 12)
		return !strict;
	if (p[9] == '0')
		return 0;	/* status codes start at 100 */
	return n == 12 || p[12] == ' ' || p[12] == '\r' || p[12] == '\n';
}

int http1_starts_msg(int is_req, const uint8_t *p, size_t n, int strict)
{
	/* empty lines before a message are allowed (RFC 9112 2.2) */
	while (n && (*p == '\r' || *p == '\n'))
		p++, n--;
	if (!n)
		return !strict;
	return is_req ? request_start(p, n, strict) : status_start(p, n, strict);
}
