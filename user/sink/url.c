/* http:// endpoint URLs. rawtel talks plain HTTP by design (no TLS stack
 * in a libc-only binary), so every other scheme is refused with advice. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/sink.h"

static int host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

/* A request target goes verbatim into the request line: visible ASCII only. */
static int path_ok(const char *p)
{
	for (; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return 0;
	return 1;
}

static int parse_port(const char *s, size_t n, const char *url, uint16_t *port)
{
	unsigned v = 0;

	if (n == 0 || n > 5)
		return err_set(EINVAL, "bad port in endpoint '%s': expected 1-65535",
			       url);
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return err_set(EINVAL, "bad port in endpoint '%s': expected 1-65535",
				       url);
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return err_set(EINVAL, "bad port in endpoint '%s': expected 1-65535",
			       url);
	*port = (uint16_t)v;
	return 0;
}

static int parse_host(const char *a, size_t n, const char *url,
		      struct sink_target *t)
{
	const char *colon;
	size_t hl;

	if (n && a[0] == '[') {
		const char *rb = memchr(a, ']', n);
		struct in6_addr in6;

		hl = rb ? (size_t)(rb - a - 1) : 0;
		if (!rb || hl == 0 || hl >= 64)
			return err_set(EINVAL, "bad IPv6 address in endpoint '%s': write it as http://[::1]:4318",
				       url);
		memcpy(t->host, a + 1, hl);
		t->host[hl] = 0;
		if (fmt_pton(AF_INET6, t->host, &in6))
			return err_set(EINVAL, "bad IPv6 address '%s' in endpoint '%s'",
				       t->host, url);
		colon = rb + 1 < a + n ? rb + 1 : NULL;
		if (colon && *colon != ':')
			return err_set(EINVAL, "unexpected text after ']' in endpoint '%s'",
				       url);
	} else {
		colon = memchr(a, ':', n);
		hl = colon ? (size_t)(colon - a) : n;
		if (hl == 0 || hl >= SINK_HOST_MAX)
			return err_set(EINVAL, "no host (or a host name too long) in endpoint '%s'",
				       url);
		for (size_t i = 0; i < hl; i++)
			if (!host_char(a[i]))
				return err_set(EINVAL, "bad character '%c' in the host of endpoint '%s'",
					       a[i], url);
		memcpy(t->host, a, hl);
		t->host[hl] = 0;
	}
	t->port = 80;
	if (colon) {
		int ret = parse_port(colon + 1, (size_t)(a + n - colon - 1), url,
				     &t->port);
		if (ret)
			return ret;
	}
	if (strchr(t->host, ':'))
		fmt_snprintf(t->hostport, sizeof(t->hostport), "[%s]:%u", t->host, t->port);
	else
		fmt_snprintf(t->hostport, sizeof(t->hostport), "%s:%u", t->host, t->port);
	return 0;
}

int sink_url_parse(const char *url, struct sink_target *t)
{
	const char *a, *end;

	memset(t, 0, sizeof(*t));
	if (!strncasecmp(url, "https://", 8))
		return err_set(EPROTONOSUPPORT,
			       "endpoint '%s' uses https, which rawtel does not speak (plain sockets by design); "
			       "run a local OpenTelemetry Collector and point rawtel at http://127.0.0.1:4318",
			       url);
	if (strncasecmp(url, "http://", 7))
		return err_set(EINVAL, "endpoint '%s' is not an http:// URL; write it as http://HOST:4318",
			       url);
	a = url + 7;
	end = a + strcspn(a, "/?#");
	if (memchr(a, '@', (size_t)(end - a)))
		return err_set(EINVAL, "endpoint '%s' has credentials in it; send them in OTEL_EXPORTER_OTLP_HEADERS instead",
			       url);
	int ret = parse_host(a, (size_t)(end - a), url, t);

	if (ret)
		return ret;
	if (strchr(end, '#'))
		return err_set(EINVAL, "endpoint '%s' has a #fragment; remove it", url);
	if (!path_ok(end))
		return err_set(EINVAL, "endpoint '%s' has spaces or non-ASCII characters in its path; percent-encode them",
			       url);
	if (strlen(end) + 2 > sizeof(t->path))
		return err_set(ENAMETOOLONG, "endpoint '%s' is too long", url);
	fmt_snprintf(t->path, sizeof(t->path), "%s%s", *end == '/' ? "" : "/", end);
	return 0;
}
