/* Command-line options as tables (user/util/opt.c): one row per option,
 * from which the parser and --help both work, so adding an option is one
 * row. A command lists its rows in a struct opt_cmd:
 *
 *	static const struct opt rows[] = {
 *		OPT_HEAD("destination:"),
 *		{ "--port", "PORT", NULL, "http", "only processes listening on PORT", set_port },
 *		{ "--json", NULL, NULL, NULL, "one JSON object per line", set_json },
 *		{ 0 }
 *	};
 *
 * Accepted: --name VALUE, --name=VALUE, flags (no metavar), -h/--help.
 * A row's environment variable is read, when set and not empty, unless
 * the option itself is given: the command line wins. */
#ifndef RAWTEL_OPT_H
#define RAWTEL_OPT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Set one option from its value (NULL for a flag). `what` names where the
 * value came from for messages: "--port 80" or "OTEL_X=80" (just "--json"
 * for a flag). 0 or -errno with err_set. `cmd` is the command's options. */
typedef int (*opt_setter)(void *cmd, const char *v, const char *what);

struct opt {
	const char *name;	/* "--port"; NULL: a heading (help is its text) */
	const char *metavar;	/* "PORT" in --help; NULL: a flag, no value */
	const char *env;	/* variable read when the option is not given */
	const char *probe;	/* the one probe that reads it, else NULL */
	const char *help;	/* lines separated by '\n' */
	opt_setter set;
};

#define OPT_HEAD(text) { NULL, NULL, NULL, NULL, text, NULL }
/* Rows with a bit in the `given` mask: a table holds at most this many. */
#define OPT_MAX 64

struct opt_cmd {
	const char *name;	/* "trace": "see rawtel trace --help" */
	const char *usage;	/* the text --help starts with */
	const struct opt *rows;	/* ended by { 0 } */
	/* an argument that is not an option (NULL: none are taken) */
	int (*arg)(void *cmd, const char *arg);
	/* more --help after the options (a list from another table) */
	void (*help_tail)(FILE *f);
};

/* Parse argv[1..argc-1] into `cmd`: environment variables first, then
 * the arguments in order. Returns 0, 1 when --help was printed on stdout,
 * or -errno with the message set (err_msg). Bit i of *given is set when
 * rows[i] was on the command line. */
int opt_parse(const struct opt_cmd *c, void *cmd, int argc, char **argv, uint64_t *given);
/* --help: the usage, the rows (headings, "--name METAVAR", help lines,
 * the variable), then help_tail. */
void opt_help(const struct opt_cmd *c, FILE *f);
/* The row named `name` (NULL when none), and whether it was given. */
const struct opt *opt_find(const struct opt *rows, const char *name);
bool opt_given(const struct opt *rows, uint64_t given, const char *name);

/* Unsigned decimal from min to max (strtoul's syntax); false otherwise. */
bool opt_uint(const char *v, unsigned long min, unsigned long max, unsigned long *out);
/* Seconds (a decimal fraction allowed, up to 1e7) as milliseconds. */
bool opt_seconds(const char *v, uint64_t *ms);

#endif
