/* Every format string in user/ is in rawtel's printf subset
 * (include/rawtel/fmt.h): build/gen/fmt_list.h holds each string literal
 * with a '%' from gcc's dump of every user/ C file (Makefile, scripts/fmt-list),
 * and with -Wformat-nonliteral every format is such a literal. A format
 * outside the subset fails here, naming it: extend user/util/fmt.c (and
 * test_fmt.c's comparisons with the C library) or write it differently. */
#include "rawtel/fmt.h"
#include "t.h"

static const char *const tree[] = {
#include "../../build/gen/fmt_list.h"
};

/* Literals with a '%' that are not formats: character sets for strchr and
 * strspn (HTTP token characters, the assembler's operators, fmt.c's own
 * conversion letters). */
static const char *const not_formats[] = {
	"!#$%&'*+-.^_`|~", "$*%~>|!=", "*%~|>", "+-:$*%~>_,#!=(|", "duoxcsfg%",
};

static int listed(const char *s)
{
	for (size_t i = 0; i < sizeof(not_formats) / sizeof(not_formats[0]); i++)
		if (!strcmp(s, not_formats[i]))
			return 1;
	return 0;
}

static void test_every_format(void)
{
	size_t n = sizeof(tree) / sizeof(tree[0]);

	/* the dump really was read: the tree has hundreds of formats */
	T_ASSERT(n > 300);
	for (size_t i = 0; i < n; i++)
		if (!listed(tree[i]) && fmt_check(tree[i]))
			T_FAILF("a format outside rawtel's printf subset: \"%s\"", tree[i]);
}

/* The ones that are not formats are still in the tree (a stale entry
 * would hide a real format that happens to read the same). */
static void test_not_formats_exist(void)
{
	for (size_t i = 0; i < sizeof(not_formats) / sizeof(not_formats[0]); i++) {
		size_t j = 0;
		while (j < sizeof(tree) / sizeof(tree[0]) && strcmp(tree[j], not_formats[i]))
			j++;
		if (j == sizeof(tree) / sizeof(tree[0]))
			T_FAILF("\"%s\" is no longer in user/: drop it from not_formats", not_formats[i]);
	}
}

int main(void)
{
	T_RUN(test_every_format);
	T_RUN(test_not_formats_exist);
	return t_done();
}
