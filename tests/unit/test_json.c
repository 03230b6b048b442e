/* The JSON parser: values, escapes, number accessors, and rejections. */
#include <errno.h>
#include <math.h>

#include "rawtel/err.h"
#include "rawtel/json.h"
#include "t_fmt.h"

static void values_and_navigation(void)
{
	static const char s[] = " {\"a\": [1, -2.5e3, true, false, null, \"x\"],"
				"\"b\": {}, \"c\": [], \"a\": 7 } ";
	const struct json_node *root, *a, *e;
	struct json_doc d;
	size_t len;
	double v;

	T_ASSERTF(json_parse(&d, s, sizeof(s) - 1, 8, 100) == 0, "%s", err_msg());
	root = json_root(&d);
	T_ASSERT(root && root->type == JSON_OBJECT && root->n == 4);
	a = json_member(&d, root, "a");			/* the first "a" */
	T_ASSERT(a && a->type == JSON_ARRAY && a->n == 6);
	e = json_first(&d, a);
	T_CHECK(e->type == JSON_NUMBER);
	e = json_next(&d, e);
	T_CHECK(json_double(&d, e, &v) == 0 && v == -2500);
	e = json_next(&d, e);
	T_CHECK(e->type == JSON_BOOL && e->boolean == 1);
	e = json_next(&d, e);
	T_CHECK(e->type == JSON_BOOL && e->boolean == 0);
	e = json_next(&d, e);
	T_CHECK(e->type == JSON_NULL);
	e = json_next(&d, e);
	T_CHECK(json_str(&d, e, &len) && len == 1);
	T_CHECK(json_next(&d, e) == NULL);
	T_CHECK(json_member(&d, root, "b")->n == 0 && !json_first(&d, json_member(&d, root, "b")));
	T_CHECK(json_member(&d, root, "zz") == NULL);
	T_CHECK(json_member(&d, a, "a") == NULL);		/* not an object */
	json_free(&d);
}

static void string_escapes(void)
{
	static const char s[] = "\"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t \\u00e9\\u20AC \\ud83d\\ude00"
				" \\ud800x \\udc00 \\u0000end\"";
	static const char want[] = "q\"b\\s/\b\f\n\r\t \xc3\xa9\xe2\x82\xac \xf0\x9f\x98\x80"
				   " \xef\xbf\xbdx \xef\xbf\xbd \0end";
	struct json_doc d;
	const char *p;
	size_t len;

	T_ASSERTF(json_parse(&d, s, sizeof(s) - 1, 4, 10) == 0, "%s", err_msg());
	p = json_str(&d, json_root(&d), &len);
	T_ASSERT(p);
	T_CHECKF(len == sizeof(want) - 1 && !memcmp(p, want, len), "len %zu", len);
	T_CHECK(p[len] == 0);
	json_free(&d);
}

static void numbers(void)
{
	static const char s[] = "[\"-9223372036854775808\", 9223372036854775807, "
		"\"9223372036854775808\", \"18446744073709551615\", 18446744073709551616, "
		"\"NaN\", \"-Infinity\", \"Infinity\", \"1.5\", 1e308, 0.1, -0, 3.0, \"x1\", \"\"]";
	const struct json_node *e;
	struct json_doc d;
	int64_t i;
	uint64_t u;
	double v;

	T_ASSERTF(json_parse(&d, s, sizeof(s) - 1, 4, 100) == 0, "%s", err_msg());
	e = json_first(&d, json_root(&d));
	T_CHECK(json_i64(&d, e, &i) == 0 && i == INT64_MIN);
	e = json_next(&d, e);
	T_CHECK(json_i64(&d, e, &i) == 0 && i == INT64_MAX);
	e = json_next(&d, e);
	T_EQ_INT(json_i64(&d, e, &i), -ERANGE);
	T_CHECK(json_u64(&d, e, &u) == 0 && u == 9223372036854775808ull);
	e = json_next(&d, e);
	T_CHECK(json_u64(&d, e, &u) == 0 && u == UINT64_MAX);
	e = json_next(&d, e);
	T_EQ_INT(json_u64(&d, e, &u), -ERANGE);
	e = json_next(&d, e);
	T_CHECK(json_double(&d, e, &v) == 0 && isnan(v));
	e = json_next(&d, e);
	T_CHECK(json_double(&d, e, &v) == 0 && isinf(v) && v < 0);
	e = json_next(&d, e);
	T_CHECK(json_double(&d, e, &v) == 0 && isinf(v) && v > 0);
	e = json_next(&d, e);
	T_CHECK(json_double(&d, e, &v) == 0 && v == 1.5);
	T_EQ_INT(json_i64(&d, e, &i), -EINVAL);		/* not an integer */
	e = json_next(&d, e);
	T_CHECK(json_double(&d, e, &v) == 0 && v == 1e308);
	e = json_next(&d, e);
	T_CHECK(json_double(&d, e, &v) == 0 && v == 0.1);
	e = json_next(&d, e);
	T_CHECK(json_i64(&d, e, &i) == 0 && i == 0);
	T_EQ_INT(json_u64(&d, e, &u), -EINVAL);		/* "-0" has a sign */
	e = json_next(&d, e);
	T_EQ_INT(json_i64(&d, e, &i), -EINVAL);		/* 3.0 */
	e = json_next(&d, e);
	T_EQ_INT(json_double(&d, e, &v), -EINVAL);
	T_EQ_INT(json_i64(&d, e, &i), -EINVAL);
	e = json_next(&d, e);
	T_EQ_INT(json_i64(&d, e, &i), -EINVAL);		/* "" */
	T_EQ_INT(json_double(&d, e, &v), -ERANGE);
	json_free(&d);
}

static void rejects(void)
{
	static const char *bad[] = {
		"", " ", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "+1", "1e", "1e+",
		"\"abc", "\"a\tb\"", "\"\\x\"", "\"\\u12G4\"", "\"\\u12\"", "tru", "nul",
		"'a'", "NaN", "[1 2]", "{\"a\" 1}", "{1:2}", "{\"a\":}", "[", "]", "1 2",
		"{\"a\":1}}", "\"\\",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct json_doc d;
		int ret = json_parse(&d, bad[i], strlen(bad[i]), 8, 100);

		T_CHECKF(ret == -EBADMSG, "accepted '%s' (%d)", bad[i], ret);
		T_CHECKF(strstr(err_msg(), "malformed JSON at byte") != NULL, "%s", err_msg());
		json_free(&d);
	}
}

static void limits(void)
{
	char deep[80];
	struct json_doc d;

	memset(deep, '[', 40);
	memset(deep + 40, ']', 40);
	T_EQ_INT(json_parse(&d, deep, 80, 40, 100), 0);		/* exactly the limit */
	json_free(&d);
	T_EQ_INT(json_parse(&d, deep, 80, 39, 100), -EBADMSG);
	T_CHECK(strstr(err_msg(), "nested too deep") != NULL);
	json_free(&d);
	T_EQ_INT(json_parse(&d, "[1,2,3,4]", 9, 4, 4), -E2BIG);	/* 5 values */
	json_free(&d);
	T_EQ_INT(json_parse(&d, "[1,2,3,4]", 9, 4, 5), 0);
	json_free(&d);
}

int main(void)
{
	T_RUN(values_and_navigation);
	T_RUN(string_escapes);
	T_RUN(numbers);
	T_RUN(rejects);
	T_RUN(limits);
	return t_done();
}
