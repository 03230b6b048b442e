/* The HTTP/1 module's pure functions: traceparent parsing against the
 * cases of the W3C Trace Context test suite (w3c/trace-context
 * test/test.py) and format/parse round trips; url.query redaction;
 * http.route normalisation, user patterns and the cardinality cap;
 * known methods. */
#include "t.h"
#include "t_fmt.h"
#include "rawtel/err.h"
#include "rawtel/http1.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define ID "12345678901234567890123456789012"
#define PID "1234567890123456"

static void traceparent_valid(void)
{
	static const char *const ok[] = {
		"00-" ID "-" PID "-01",
		"00-" ID "-" PID "-00",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		" 00-" ID "-" PID "-01",
		"\t00-" ID "-" PID "-01",
		"00-" ID "-" PID "-01 ",
		"00-" ID "-" PID "-01\t",
		"\t 00-" ID "-" PID "-01 \t",
		"cc-" ID "-" PID "-01",
		"cc-" ID "-" PID "-01-what-the-future-will-be-like",
		"01-" ID "-" PID "-09",
		"fe-" ID "-" PID "-ff",
	};
	struct http1_traceparent tp;

	for (size_t i = 0; i < N(ok); i++) {
		T_CHECKF(http1_traceparent_parse(ok[i], strlen(ok[i]), &tp) == 0,
			 "'%s' should be valid", ok[i]);
	}
	T_ASSERT(http1_traceparent_parse(ok[2], strlen(ok[2]), &tp) == 0);
	T_EQ_INT(tp.version, 0);
	T_EQ_INT(tp.trace_id[0], 0x4b);
	T_EQ_INT(tp.trace_id[15], 0x36);
	T_EQ_INT(tp.parent_id[0], 0x00);
	T_EQ_INT(tp.parent_id[7], 0xb7);
	T_EQ_INT(tp.flags, 1);
	T_ASSERT(http1_traceparent_parse(ok[8], strlen(ok[8]), &tp) == 0);
	T_EQ_INT(tp.version, 0xcc);
}

static void traceparent_invalid(void)
{
	static const char *const bad[] = {
		"",
		"00",
		"00-" ID "-" PID "-01.",
		"00-" ID "-" PID "-01-what-the-future-will-be-like",
		"cc-" ID "-" PID "-01.what-the-future-will-be-like",
		"ff-" ID "-" PID "-01",
		".0-" ID "-" PID "-01",
		"0.-" ID "-" PID "-01",
		"000-" ID "-" PID "-01",
		"0000-" ID "-" PID "-01",
		"0-" ID "-" PID "-01",
		"00-00000000000000000000000000000000-" PID "-01",
		"00-.2345678901234567890123456789012-" PID "-01",
		"00-1234567890123456789012345678901.-" PID "-01",
		"00-123456789012345678901234567890123-" PID "-01",
		"00-1234567890123456789012345678901-" PID "-01",
		"00-" ID "-0000000000000000-01",
		"00-" ID "-.234567890123456-01",
		"00-" ID "-123456789012345.-01",
		"00-" ID "-12345678901234567-01",
		"00-" ID "-123456789012345-01",
		"00-" ID "-" PID "-.0",
		"00-" ID "-" PID "-0.",
		"00-" ID "-" PID "-001",
		"00-" ID "-" PID "-1",
		"00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",
		"00-" ID "-" PID "-0A",
		"00_" ID "-" PID "-01",
		"00-" ID "_" PID "-01",
		"00-" ID "-" PID "_01",
		"00-" ID "-" PID "-01 x",
	};
	struct http1_traceparent tp;

	for (size_t i = 0; i < N(bad); i++) {
		T_CHECKF(http1_traceparent_parse(bad[i], strlen(bad[i]), &tp) == -EINVAL,
			 "'%s' should be invalid", bad[i]);
		T_CHECKF(tp.version == 0 && tp.flags == 0 && tp.trace_id[0] == 0, "%s", bad[i]);
	}
}

static void traceparent_round_trip(void)
{
	struct http1_traceparent a, b;
	char s[64];

	for (int i = 0; i < 1000; i++) {
		for (int k = 0; k < 16; k++)
			a.trace_id[k] = (uint8_t)(rand() >> 3);
		for (int k = 0; k < 8; k++)
			a.parent_id[k] = (uint8_t)(rand() >> 3);
		a.trace_id[i & 15] |= 1;
		a.parent_id[i & 7] |= 1;
		a.flags = (uint8_t)i;
		a.version = 0;
		T_ASSERT(http1_traceparent_format(&a, s, sizeof(s)) == 55);
		T_ASSERTF(strlen(s) == 55, "%s", s);
		T_ASSERTF(http1_traceparent_parse(s, 55, &b) == 0, "%s", s);
		T_ASSERT(!memcmp(&a, &b, sizeof(a)));
	}
	memset(&a, 0, sizeof(a));
	T_EQ_INT(http1_traceparent_format(&a, s, sizeof(s)), -EINVAL);
	a.trace_id[3] = 1;
	T_EQ_INT(http1_traceparent_format(&a, s, sizeof(s)), -EINVAL);
	a.parent_id[7] = 1;
	T_EQ_INT(http1_traceparent_format(&a, s, 55), -EINVAL);
	T_EQ_INT(http1_traceparent_format(&a, s, 56), 55);
	T_EQ_STR(s, "00-00000001000000000000000000000000-0000000000000001-00");
}

static void query_redaction(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" },
		{ "a=1", "a=REDACTED" },
		{ "a=1&b=2", "a=REDACTED&b=REDACTED" },
		{ "flag&a=", "flag&a=REDACTED" },
		{ "a=b=c&d", "a=REDACTED&d" },
		{ "=x", "=REDACTED" },
		{ "&&a=1&", "&&a=REDACTED&" },
		{ "k\xc3\xa9=v", "k%C3%A9=REDACTED" },
		{ "AWSAccessKeyId=AKIA&Signature=abc%2Bd", "AWSAccessKeyId=REDACTED&Signature=REDACTED" },
	};
	char out[64];

	for (size_t i = 0; i < N(cases); i++) {
		size_t need = http1_query_redact(cases[i].in, strlen(cases[i].in), out, sizeof(out));

		T_CHECKF(!strcmp(out, cases[i].out) && need == strlen(cases[i].out),
			 "'%s' -> '%s' (%zu)", cases[i].in, out, need);
	}
	/* bounded: cut at a whole piece, the full length still reported */
	T_EQ_INT(http1_query_redact("ab=1&c=2", 8, out, 6), 22);
	T_EQ_STR(out, "ab");
	T_EQ_INT(http1_query_redact("ab=1&c=2", 8, out, 0), 22);
}

static void route_normalize(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" },
		{ "/", "/" },
		{ "/api/users/12345", "/api/users/{id}" },
		{ "/api/users/12345/posts/678", "/api/users/{id}/posts/{id}" },
		{ "/o/550e8400-e29b-41d4-a716-446655440000", "/o/{id}" },
		{ "/o/550E8400-E29B-41D4-A716-446655440000/x", "/o/{id}/x" },
		{ "/o/550e8400e29b41d4a716446655440000", "/o/{id}" },
		{ "/c/deadbeefdeadbeef", "/c/{id}" },
		{ "/c/deadbeefdeadbee", "/c/deadbeefdeadbee" },
		{ "/c/cafebabecafebabecafe", "/c/{id}" },
		{ "/c/5f2b8c9e1a3d4f6012ab34cd", "/c/{id}" },
		{ "/v1/items", "/v1/items" },
		{ "/archive/2024-01-05", "/archive/{id}" },
		{ "/pkg/1.2.3/files", "/pkg/{id}/files" },
		{ "/a/-/b", "/a/-/b" },
		{ "/users/john.smith", "/users/john.smith" },
		{ "/facade", "/facade" },
		{ "//a//1/", "//a//{id}/" },
		{ "/caf%C3%A9/7", "/caf%C3%A9/{id}" },
		{ "/x\xff/\x01y", "/x%FF/%01y" },
		{ "/%31%32", "/%31%32" },
	};
	char out[HTTP1_ROUTE_MAX];

	for (size_t i = 0; i < N(cases); i++) {
		size_t n = http1_route_normalize(cases[i].in, strlen(cases[i].in), out, sizeof(out));

		T_CHECKF(!strcmp(out, cases[i].out) && n == strlen(out), "'%s' -> '%s'",
			 cases[i].in, out);
	}
	/* long paths are cut, never overflow */
	static char lng[5000];
	for (size_t i = 0; i < sizeof(lng) - 1; i++)
		lng[i] = i % 7 ? 'a' : '/';
	T_EQ_INT(http1_route_normalize(lng, strlen(lng), out, sizeof(out)), HTTP1_ROUTE_MAX - 1);
	T_EQ_INT(strlen(out), HTTP1_ROUTE_MAX - 1);
	T_EQ_INT(http1_route_normalize("/123", 4, out, 3), 1);
	T_EQ_STR(out, "/");
}

static void route_match(void)
{
	static const struct {
		const char *pat, *path;
		int want;
	} cases[] = {
		{ "/api/users/{id}/posts", "/api/users/42/posts", 1 },
		{ "/api/users/{id}/posts", "/api/users/abc/posts", 1 },
		{ "/api/users/{id}/posts", "/api/users//posts", 0 },
		{ "/api/users/{id}/posts", "/api/users/42/posts/1", 0 },
		{ "/api/users/{id}/posts", "/api/users/42", 0 },
		{ "/api/users/{id}/posts", "/api/Users/42/posts", 0 },
		{ "/static/*", "/static", 1 },
		{ "/static/*", "/static/", 1 },
		{ "/static/*", "/static/css/a.css", 1 },
		{ "/static/*", "/staticx/a", 0 },
		{ "/*", "/", 1 },
		{ "/*", "/anything/at/all", 1 },
		{ "/", "/", 1 },
		{ "/a", "/a/", 0 },
		{ "/{a}/{b}", "/x/y", 1 },
		{ "/{a}/{b}", "/x", 0 },
	};

	for (size_t i = 0; i < N(cases); i++)
		T_CHECKF(http1_route_match(cases[i].pat, cases[i].path, strlen(cases[i].path)) ==
				 cases[i].want, "'%s' on '%s'", cases[i].pat, cases[i].path);
}

static void routes_service(void)
{
	static const char *const bad[] = {
		"", "noslash", "/a/{id", "/a/x{id}", "/a/{i}d", "/a/*/b", "/a/b*",
		"/a b", "/{}", "/a/{x}}",
	};
	struct http1_routes *r = NULL;
	char out[HTTP1_ROUTE_MAX];

	T_ASSERT(http1_routes_new(&r, 3) == 0);
	for (size_t i = 0; i < N(bad); i++)
		T_CHECKF(http1_routes_add(r, bad[i]) == -EINVAL, "'%s' accepted", bad[i]);
	T_CHECKF(strstr(err_msg(), "route pattern '/a/{x}}'") != NULL, "%s", err_msg());
	T_ASSERT(http1_routes_add(r, "/api/users/{id}/posts") == 0);
	T_ASSERT(http1_routes_add(r, "/static/*") == 0);
	/* patterns first, and they do not count */
	http1_route(r, "/api/users/bob/posts", 20, out, sizeof(out));
	T_EQ_STR(out, "/api/users/{id}/posts");
	http1_route(r, "/static/app/main.js", 19, out, sizeof(out));
	T_EQ_STR(out, "/static/*");
	T_EQ_INT(http1_routes_count(r), 0);
	/* three distinct routes, then everything new folds */
	http1_route(r, "/a/1", 4, out, sizeof(out));
	T_EQ_STR(out, "/a/{id}");
	http1_route(r, "/a/2", 4, out, sizeof(out));
	T_EQ_STR(out, "/a/{id}");
	http1_route(r, "/b", 2, out, sizeof(out));
	http1_route(r, "/c", 2, out, sizeof(out));
	T_EQ_STR(out, "/c");
	T_EQ_INT(http1_routes_count(r), 3);
	http1_route(r, "/d", 2, out, sizeof(out));
	T_EQ_STR(out, HTTP1_ROUTE_OTHER);
	http1_route(r, "/e/99", 5, out, sizeof(out));
	T_EQ_STR(out, HTTP1_ROUTE_OTHER);
	http1_route(r, "/b", 2, out, sizeof(out));
	T_EQ_STR(out, "/b");
	http1_route(r, "/a/77", 5, out, sizeof(out));
	T_EQ_STR(out, "/a/{id}");
	T_EQ_INT(http1_routes_count(r), 3);
	/* a small output buffer is cut, not overrun */
	T_EQ_INT(http1_route(r, "/a/5", 4, out, 4), 3);
	T_EQ_STR(out, "/a/");
	/* paths seen before (remembered) answer as the first time, a long
	 * one (not remembered) too; a pattern added later wins */
	for (int i = 0; i < 3; i++) {
		http1_route(r, "/d", 2, out, sizeof(out));
		T_EQ_STR(out, HTTP1_ROUTE_OTHER);
		http1_route(r, "/a/5", 4, out, sizeof(out));
		T_EQ_STR(out, "/a/{id}");
		http1_route(r, "/b", 2, out, sizeof(out));
		T_EQ_STR(out, "/b");
		http1_route(r, "/static/x/yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy",
			    72, out, sizeof(out));
		T_EQ_STR(out, "/static/*");
	}
	T_ASSERT(http1_routes_add(r, "/a/{n}") == 0);
	http1_route(r, "/a/5", 4, out, sizeof(out));
	T_EQ_STR(out, "/a/{n}");
	T_EQ_INT(http1_routes_count(r), 3);
	for (int i = 0; i < HTTP1_PATTERNS_MAX - 3; i++)
		T_ASSERT(http1_routes_add(r, "/p/{x}") == 0);
	T_EQ_INT(http1_routes_add(r, "/q"), -ENOSPC);
	http1_routes_free(r);

	/* the default cap: 100 */
	T_ASSERT(http1_routes_new(&r, 0) == 0);
	for (int i = 0; i < 150; i++) {
		char p[32];
		int n = snprintf(p, sizeof(p), "/user/u%d", i);

		http1_route(r, p, (size_t)n, out, sizeof(out));
		T_CHECKF(!strcmp(out, i < HTTP1_ROUTES_DEFAULT ? p : HTTP1_ROUTE_OTHER),
			 "%d: %s", i, out);
	}
	T_EQ_INT(http1_routes_count(r), HTTP1_ROUTES_DEFAULT);
	http1_routes_free(r);
}

static void methods(void)
{
	static const char *const known[] = {
		"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE",
		"PATCH", "QUERY",
	};
	static const char *const other[] = { "get", "PROPFIND", "GETX", "", "Get", "PURGE" };

	for (size_t i = 0; i < N(known); i++)
		T_CHECKF(http1_method_known(known[i], strlen(known[i])), "%s", known[i]);
	for (size_t i = 0; i < N(other); i++)
		T_CHECKF(!http1_method_known(other[i], strlen(other[i])), "%s", other[i]);
}

int main(void)
{
	T_RUN(traceparent_valid);
	T_RUN(traceparent_invalid);
	T_RUN(traceparent_round_trip);
	T_RUN(query_redaction);
	T_RUN(route_normalize);
	T_RUN(route_match);
	T_RUN(routes_service);
	T_RUN(methods);
	return t_done();
}
