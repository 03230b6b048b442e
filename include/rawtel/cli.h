/* Command-line entry points (user/cli/). Each `rawtel CMD ...` is one
 * function taking the arguments after CMD (argv[0] is CMD itself). */
#ifndef RAWTEL_CLI_H
#define RAWTEL_CLI_H

/* Exit codes, documented in README.md. */
enum {
	CLI_OK = 0,
	CLI_ERR = 1,		/* runtime failure */
	CLI_USAGE = 2,		/* bad command line */
	CLI_NOFEATURE = 3,	/* the kernel lacks something tracing needs */
	CLI_NOPERM = 4,		/* not root and missing capabilities */
};

struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;	/* for usage: "[-d] FILE" */
	const char *summary;
};

/* Print "rawtel: MSG" to stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The commands, one per user/cli/cmd_*.c. */
int cmd_run(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_asm(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_sym(int argc, char **argv);

#endif
