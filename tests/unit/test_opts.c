/* The table-driven option parser (user/util/opt.c) with a table of its
 * own: --x V and --x=V, flags, positional arguments, environment fallback
 * and its precedence, the errors, the given mask, and the --help text
 * generated from the rows. */
#include <stdlib.h>

#include "rawtel/err.h"
#include "rawtel/opt.h"
#include "t.h"

#define ENV_N "RAWTEL_TEST_OPT_N"

struct cmd {
	unsigned long n;
	bool flag;
	char args[64];
	char last_what[64];
};

static int set_n(void *c, const char *v, const char *what)
{
	struct cmd *o = c;

	snprintf(o->last_what, sizeof(o->last_what), "%s", what);
	if (!opt_uint(v, 1, 100, &o->n))
		return err_set(EINVAL, "%s: a number from 1 to 100", what);
	return 0;
}

static int set_flag(void *c, const char *v, const char *what)
{
	struct cmd *o = c;

	snprintf(o->last_what, sizeof(o->last_what), "%s", what);
	o->flag = v == NULL;
	return 0;
}

static int take_arg(void *c, const char *a)
{
	struct cmd *o = c;

	if (!strcmp(a, "bad"))
		return err_set(EINVAL, "bad argument");
	snprintf(o->args + strlen(o->args), sizeof(o->args) - strlen(o->args), "[%s]", a);
	return 0;
}

static void tail(FILE *f)
{
	fputs("tail\n", f);
}

static const struct opt rows[] = {
	OPT_HEAD("numbers:"),
	{ "--n", "N", ENV_N, NULL, "a number", set_n },
	{ "--a-rather-long-option", "VALUE", NULL, "http", "first line\nsecond line", set_n },
	OPT_HEAD("flags:"),
	{ "--flag", NULL, NULL, "dns", "a flag", set_flag },
	{ 0 }
};

static const struct opt_cmd cmd_args = { "tst", "usage: tst\n", rows, take_arg, tail };
static const struct opt_cmd cmd_noargs = { "tst", "usage: tst\n", rows, NULL, NULL };

/* Parse a NULL-ended argument list (argv[0] included). */
static int parse(const struct opt_cmd *c, struct cmd *o, uint64_t *given, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	memset(o, 0, sizeof(*o));
	err_clear();
	return opt_parse(c, o, argc, argv, given);
}

static void test_values_and_flags(void)
{
	static const struct {
		char *argv[6];
		int ret;
		unsigned long n;
		bool flag;
		const char *args, *what, *msg;
		uint64_t given;
	} cases[] = {
		{ { "tst", "--n", "7" }, 0, 7, false, "", "--n 7", NULL, 1 << 1 },
		{ { "tst", "--n=8" }, 0, 8, false, "", "--n 8", NULL, 1 << 1 },
		{ { "tst", "--n", "-5" }, -EINVAL, 0, false, "", NULL, "--n -5: a number from 1 to 100", 1 << 1 },
		{ { "tst", "--n=" }, -EINVAL, 0, false, "", NULL, "--n : a number from 1 to 100", 1 << 1 },
		{ { "tst", "--flag" }, 0, 0, true, "", "--flag", NULL, 1 << 4 },
		{ { "tst", "--flag=1" }, -EINVAL, 0, false, "", NULL, "--flag takes no value", 0 },
		{ { "tst", "--n" }, -EINVAL, 0, false, "", NULL, "--n needs a value", 0 },
		{ { "tst", "--nope", "1" }, -EINVAL, 0, false, "", NULL,
		  "unknown option --nope; see rawtel tst --help", 0 },
		{ { "tst", "--nope=1" }, -EINVAL, 0, false, "", NULL,
		  "unknown option --nope; see rawtel tst --help", 0 },
		{ { "tst", "one", "--n", "3", "-", "two" }, 0, 3, false, "[one][-][two]", "--n 3", NULL, 1 << 1 },
		{ { "tst", "bad" }, -EINVAL, 0, false, "", NULL, "bad argument", 0 },
		{ { "tst", "--a-rather-long-option", "9", "--flag" }, 0, 9, true, "", "--flag", NULL,
		  1 << 2 | 1 << 4 },
		/* a value that looks like an option is still the value */
		{ { "tst", "--a-rather-long-option", "--flag" }, -EINVAL, 0, false, "", NULL,
		  "--a-rather-long-option --flag: a number from 1 to 100", 1 << 2 },
	};

	unsetenv(ENV_N);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cmd o;
		uint64_t given = 0;
		int r = parse(&cmd_args, &o, &given, (char **)cases[i].argv);

		T_EQ_INT(r, cases[i].ret);
		T_EQ_INT(o.n, cases[i].n);
		T_EQ_INT(o.flag, cases[i].flag);
		T_EQ_STR(o.args, cases[i].args);
		if (cases[i].what)
			T_EQ_STR(o.last_what, cases[i].what);
		if (cases[i].msg)
			T_EQ_STR(err_msg(), cases[i].msg);
		if (!r)
			T_EQ_INT(given, cases[i].given);
		if (t_case_failed) {
			printf("# case %zu\n", i);
			return;
		}
	}
}

static void test_positional_refused(void)
{
	struct cmd o;
	uint64_t given;
	char *argv[] = { "tst", "--flag", "stray", NULL };

	T_EQ_INT(parse(&cmd_noargs, &o, &given, argv), -EINVAL);
	T_EQ_STR(err_msg(), "unexpected argument 'stray'; see rawtel tst --help");
}

static void test_env_precedence(void)
{
	struct cmd o;
	uint64_t given;
	char *none[] = { "tst", NULL };
	char *flag[] = { "tst", "--n", "42", NULL };

	setenv(ENV_N, "12", 1);
	T_EQ_INT(parse(&cmd_args, &o, &given, none), 0);
	T_EQ_INT(o.n, 12);
	T_EQ_STR(o.last_what, ENV_N "=12");
	T_EQ_INT(given, 0);		/* a variable is not the option given */
	/* the option wins, whatever the variable says */
	T_EQ_INT(parse(&cmd_args, &o, &given, flag), 0);
	T_EQ_INT(o.n, 42);
	T_EQ_INT(given, 1 << 1);
	setenv(ENV_N, "", 1);		/* empty: not set */
	T_EQ_INT(parse(&cmd_args, &o, &given, none), 0);
	T_EQ_INT(o.n, 0);
	setenv(ENV_N, "many", 1);	/* a bad variable is an error naming it */
	T_EQ_INT(parse(&cmd_args, &o, &given, flag), -EINVAL);
	T_EQ_STR(err_msg(), ENV_N "=many: a number from 1 to 100");
	unsetenv(ENV_N);
}

static void test_help(void)
{
	static const char want[] =
		"usage: tst\n"
		"\nnumbers:\n"
		"  --n N                 a number\n"
		"                        (or " ENV_N "; the option wins)\n"
		"  --a-rather-long-option VALUE\n"
		"                        first line\n"
		"                        second line\n"
		"\nflags:\n"
		"  --flag                a flag\n"
		"tail\n";
	char *buf = NULL, *argv[] = { "tst", "--n", "5", "-h", "--nope", NULL };
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct cmd o;
	uint64_t given;

	T_ASSERT(f != NULL);
	opt_help(&cmd_args, f);
	fclose(f);
	T_EQ_STR(buf, want);
	free(buf);
	/* -h ends parsing (what follows is not looked at) */
	fflush(stdout);
	T_EQ_INT(parse(&cmd_args, &o, &given, argv), 1);
	T_EQ_INT(o.n, 5);
}

static void test_lookups(void)
{
	static const struct {
		const char *v;
		unsigned long min, max;
		bool ok;
		unsigned long n;
	} nums[] = {
		{ "1", 1, 10, true, 1 }, { "10", 1, 10, true, 10 }, { "0", 1, 10, false, 0 },
		{ "11", 1, 10, false, 0 }, { "", 0, 10, false, 0 }, { "3x", 0, 10, false, 0 },
		{ "0", 0, 10, true, 0 }, { "-1", 0, 10, false, 0 },
	};
	static const struct {
		const char *v;
		bool ok;
		uint64_t ms;
	} secs[] = {
		{ "0", true, 0 }, { "0.3", true, 300 }, { "2.0005", true, 2001 }, { "10000000", true, 10000000000ull },
		{ "-1", false, 0 }, { "1s", false, 0 }, { "nan", false, 0 }, { "1e8", false, 0 },
	};

	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		unsigned long n = 0;

		T_EQ_INT(opt_uint(nums[i].v, nums[i].min, nums[i].max, &n), nums[i].ok);
		T_EQ_INT(n, nums[i].n);
	}
	for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		uint64_t ms = 0;

		T_EQ_INT(opt_seconds(secs[i].v, &ms), secs[i].ok);
		T_EQ_INT(ms, secs[i].ms);
	}
	T_CHECK(opt_find(rows, "--flag") == &rows[4]);
	T_CHECK(opt_find(rows, "--fla") == NULL);
	T_CHECK(opt_find(rows, "flags:") == NULL);	/* headings are not options */
	T_CHECK(opt_given(rows, 1 << 4, "--flag"));
	T_CHECK(!opt_given(rows, 1 << 1, "--flag"));
	T_CHECK(!opt_given(rows, ~0ull, "--nope"));
}

int main(void)
{
	T_RUN(test_values_and_flags);
	T_RUN(test_positional_refused);
	T_RUN(test_env_precedence);
	T_RUN(test_help);
	T_RUN(test_lookups);
	return t_done();
}
