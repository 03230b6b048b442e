/* rawtel run --config FILE: KEY=VALUE settings between the environment
 * and the command line. Keys come from run's option table: a row's
 * variable (OTEL_SERVICE_NAME) when it has one, else RAWTEL_ and its name
 * (--spool-max: RAWTEL_SPOOL_MAX); and the OTEL_* variables the readers
 * of the environment take (agent_env_known). A variable's value goes into
 * the environment over what was there, so those readers see the file's
 * (the file wins over the environment); the others are set here, before
 * the arguments are parsed (the flags win over the file). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "rawtel/config.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/util.h"

/* The file stays: options such as --route keep pointers into it. */
static char conf_text[CONFIG_MAX_BYTES + 1];

/* A key the environment carries: where it came from, for messages. */
#define CONF_VARS_MAX 64

struct conf_ctx {
	const struct opt *rows;
	struct agent_opts *o;
	const char *path;
	uint64_t given;
	struct config_line vars[CONF_VARS_MAX];
	unsigned n_vars;
};

static struct conf_ctx conf;

/* RAWTEL_SPOOL_MAX for --spool-max */
static void conf_key(const struct opt *r, char *out, size_t cap)
{
	size_t n = (size_t)fmt_snprintf(out, cap, "RAWTEL_%s", r->name + 2);

	for (size_t i = 7; i < n && i < cap; i++)
		out[i] = out[i] == '-' ? '_' : (char)(out[i] >= 'a' && out[i] <= 'z' ?
						      out[i] - 32 : out[i]);
}

static const struct opt *conf_row(const struct opt *rows, const char *key)
{
	char k[64];

	for (const struct opt *r = rows; r->name || r->help; r++) {
		if (!r->name || !r->set || !strcmp(r->name, "--config"))
			continue;
		conf_key(r, k, sizeof(k));
		if ((r->env && !strcmp(r->env, key)) || (!r->env && !strcmp(k, key)))
			return r;
	}
	return NULL;
}

/* A flag's value: yes or no. */
static int conf_flag(const char *v, bool *on)
{
	static const char *const yes[] = { "1", "true", "yes", "on" }, *const no[] = {
		"0", "false", "no", "off"
	};

	for (int i = 0; i < 4; i++) {
		if (!strcmp(v, yes[i]))
			return *on = true, 0;
		if (!strcmp(v, no[i]))
			return *on = false, 0;
	}
	return -EINVAL;
}

static int conf_option(struct conf_ctx *c, const struct opt *r, const struct config_line *l)
{
	char what[256];
	bool on;

	fmt_snprintf(what, sizeof(what), "%s=%s", l->key, l->value);
	if (!*l->value)
		return 0;	/* empty: the default */
	if (!r->metavar && conf_flag(l->value, &on))
		return err_set(EINVAL, "%s is a flag: 1 or 0 (true/false, yes/no, on/off)", what);
	if (!r->metavar && !on)
		return 0;
	c->given |= 1ull << (r - c->rows);
	return r->set(c->o, r->metavar ? l->value : NULL, what);
}

static int conf_one(void *ctx, const struct config_line *l)
{
	struct conf_ctx *c = ctx;
	const struct opt *r = conf_row(c->rows, l->key);
	int rc;

	if (r && !r->env)
		return conf_option(c, r, l);
	if (!r && !agent_env_known(l->key))
		return err_set(EINVAL, "unknown key %s: keys are the OTEL_* variables rawtel reads "
			       "and RAWTEL_<OPTION> for rawtel run's options (see rawtel run --help)",
			       l->key);
	if (c->n_vars == CONF_VARS_MAX)
		return err_set(E2BIG, "more than %d variables", CONF_VARS_MAX);
	c->vars[c->n_vars++] = *l;
	if ((rc = util_setenv(l->key, l->value)))
		return err_set(-rc, "%s: cannot set it: %s", l->key, strerror(-rc));
	return 0;
}

/* --config's value, found before parsing: the table says which options
 * take a value, so that one given as a value is not taken for it. */
static int conf_path(const struct opt *rows, int argc, char **argv, const char **path)
{
	*path = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		size_t n = eq ? (size_t)(eq - a) : strlen(a);
		const struct opt *r;

		if (a[0] != '-' || a[1] != '-')
			continue;
		if (n == 8 && !strncmp(a, "--config", 8)) {
			if (*path)
				return err_set(EINVAL, "--config given twice");
			*path = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
			if (!*path)
				return err_set(EINVAL, "--config needs a value");
			continue;
		}
		r = eq ? NULL : opt_find(rows, a);
		if (r && r->metavar)
			i++;
	}
	return 0;
}

int agent_conf_load(struct agent_opts *o, const struct opt *rows, int argc, char **argv,
		    uint64_t *given)
{
	const char *path;
	long n;
	int r;

	conf = (struct conf_ctx){ .rows = rows, .o = o };
	*given = 0;
	if ((r = conf_path(rows, argc, argv, &path)) || !path)
		return r;
	if ((n = config_read(path, conf_text, sizeof(conf_text))) < 0)
		return (int)n;
	conf.path = path;
	r = config_parse(conf_text, (size_t)n, path, conf_one, &conf);
	*given = conf.given;
	return r;
}

int agent_conf_blame(int ret)
{
	const char *m = err_msg();

	/* the readers' messages start with the variable's name */
	for (unsigned i = 0; ret && conf.path && i < conf.n_vars; i++) {
		size_t k = strlen(conf.vars[i].key);

		if (!strncmp(m, conf.vars[i].key, k) && (m[k] == '=' || m[k] == ':'))
			return err_wrap(ret, "%s:%u", conf.path, conf.vars[i].line);
	}
	return ret;
}
