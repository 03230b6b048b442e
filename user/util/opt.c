/* Table-driven command-line options (see rawtel/opt.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/opt.h"

/* --help: the help column, unless a "--name METAVAR" is wider */
#define OPT_COL 24

static bool opt_end(const struct opt *r)
{
	return !r->name && !r->help;
}

const struct opt *opt_find(const struct opt *rows, const char *name)
{
	for (const struct opt *r = rows; !opt_end(r); r++)
		if (r->name && !strcmp(r->name, name))
			return r;
	return NULL;
}

bool opt_given(const struct opt *rows, uint64_t given, const char *name)
{
	const struct opt *r = opt_find(rows, name);

	return r && (given >> (r - rows) & 1);
}

bool opt_uint(const char *v, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long n;

	if (!v || !*v)
		return false;
	n = strtoul(v, &end, 10);
	if (*end || n < min || n > max)
		return false;
	*out = n;
	return true;
}

bool opt_seconds(const char *v, uint64_t *ms)
{
	char *end;
	double d = fmt_strtod(v, &end);

	/* d != d: NaN */
	if (*end || d != d || d < 0 || d > 1e7)
		return false;
	*ms = (uint64_t)(d * 1000 + 0.5);
	return true;
}

/* Variables first, so that the options given after them win. A row's
 * errors are prefixed with nothing more: `what` already names it. */
static int opt_env(const struct opt_cmd *c, void *cmd)
{
	for (const struct opt *r = c->rows; !opt_end(r); r++) {
		const char *v = r->env ? getenv(r->env) : NULL;
		char what[256];
		int e;

		if (!v || !*v)
			continue;
		fmt_snprintf(what, sizeof(what), "%s=%s", r->env, v);
		if ((e = r->set(cmd, v, what)))
			return e;
	}
	return 0;
}

/* One option at argv[*i]: "--name", "--name VALUE" or "--name=VALUE". */
static int opt_one(const struct opt_cmd *c, void *cmd, int argc, char **argv, int *i,
		   uint64_t *given)
{
	const char *a = argv[*i], *eq = strchr(a, '='), *v = NULL;
	char name[64], what[256];
	const struct opt *r;

	fmt_snprintf(name, sizeof(name), "%.*s", (int)(eq ? (size_t)(eq - a) : strlen(a)), a);
	r = opt_find(c->rows, name);
	if (!r || !r->set)
		return err_set(EINVAL, "unknown option %s; see rawtel %s --help", name, c->name);
	if (!r->metavar && eq)
		return err_set(EINVAL, "%s takes no value", name);
	if (r->metavar) {
		v = eq ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL;
		if (!v)
			return err_set(EINVAL, "%s needs a value", name);
	}
	*given |= 1ull << (r - c->rows);
	fmt_snprintf(what, sizeof(what), "%s%s%s", name, v ? " " : "", v ? v : "");
	return r->set(cmd, v, what);
}

int opt_parse(const struct opt_cmd *c, void *cmd, int argc, char **argv, uint64_t *given)
{
	const struct opt *r = c->rows;
	int e;

	while (!opt_end(r))
		r++;
	if (r - c->rows > OPT_MAX)
		return err_set(E2BIG, "rawtel %s: more than %d option rows", c->name, OPT_MAX);
	*given = 0;
	if ((e = opt_env(c, cmd)))
		return e;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			opt_help(c, stdout);
			return 1;
		}
		if (a[0] == '-' && a[1])
			e = opt_one(c, cmd, argc, argv, &i, given);
		else if (c->arg)
			e = c->arg(cmd, a);
		else
			e = err_set(EINVAL, "unexpected argument '%s'; see rawtel %s --help", a, c->name);
		if (e)
			return e;
	}
	return 0;
}

/* One row: "  --name METAVAR" then its help lines in the column. */
static void opt_help_row(const struct opt *r, FILE *f)
{
	char left[64];
	const char *h = r->help ? r->help : "";
	int n = fmt_snprintf(left, sizeof(left), "  %s%s%s", r->name, r->metavar ? " " : "",
			 r->metavar ? r->metavar : "");

	fputs(left, f);
	if (n > OPT_COL - 2)
		fmt_fprintf(f, "\n%*s", OPT_COL, "");
	else
		fmt_fprintf(f, "%*s", OPT_COL - n, "");
	for (const char *nl; (nl = strchr(h, '\n')); h = nl + 1)
		fmt_fprintf(f, "%.*s\n%*s", (int)(nl - h), h, OPT_COL, "");
	fmt_fprintf(f, "%s\n", h);
	if (r->env)
		fmt_fprintf(f, "%*s(or %s; the option wins)\n", OPT_COL, "", r->env);
}

void opt_help(const struct opt_cmd *c, FILE *f)
{
	fputs(c->usage, f);
	for (const struct opt *r = c->rows; !opt_end(r); r++) {
		if (!r->name)
			fmt_fprintf(f, "\n%s\n", r->help);
		else
			opt_help_row(r, f);
	}
	if (c->help_tail)
		c->help_tail(f);
}
