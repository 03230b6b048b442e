/* rawtel: dispatch to the command named by argv[1]. */
#include <stdio.h>
#include <string.h>

#include "rawtel/cli.h"
#include "rawtel/fmt.h"
#include "rawtel/session.h"

static int cmd_help(int argc, char **argv);

/* One line per command; keep in the order --help shows them. */
static const struct cli_cmd cli_cmds[] = {
	{ "run", cmd_run, "[--endpoint URL | --output DIR]", "export what the kernel sees as OpenTelemetry" },
	{ "trace", cmd_trace, "PROBE[,PROBE...]", "print kernel events as they happen (probes below)" },
	{ "asm", cmd_asm, "FILE | --kern UNIT | -d FILE", "assemble or disassemble BPF programs" },
	{ "probe", cmd_probe, "", "check what this kernel offers for tracing" },
	{ "cat", cmd_cat, "[--json] [--signal S] FILE...", "print OTLP files (.jsonl, length-prefixed protobuf)" },
	{ "help", cmd_help, "", "show this help" },
	{ "sym", cmd_sym, "[--pid PID] FILE [PATTERN]", "list symbols and their uprobe file offsets" },
};

#define N_CMDS (sizeof(cli_cmds) / sizeof(cli_cmds[0]))

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fmt_printf("rawtel %s: zero-code tracing to OpenTelemetry, from one static binary\n\n"
	       "usage: rawtel COMMAND [ARGS]\n\n", RAWTEL_VERSION);
	for (size_t i = 0; i < N_CMDS; i++) {
		char left[80];

		fmt_snprintf(left, sizeof(left), "%s %s", cli_cmds[i].name,
			 cli_cmds[i].args);
		fmt_printf("  %-36s %s\n", left, cli_cmds[i].summary);
	}
	/* from the probe table: a probe added there is listed here */
	fmt_printf("\nprobes (rawtel trace PROBE,... and rawtel run --probes PROBE,...):\n");
	session_probes_help(stdout);
	fmt_printf("\n  rawtel COMMAND --help shows a command's options.\n"
	       "  rawtel --version prints the version.\n");
	return CLI_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(argc, argv);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		fmt_printf("rawtel %s\n", RAWTEL_VERSION);
		return CLI_OK;
	}
	for (size_t i = 0; i < N_CMDS; i++)
		if (!strcmp(argv[1], cli_cmds[i].name))
			return cli_cmds[i].fn(argc - 1, argv + 1);
	cli_err("unknown command '%s'; see rawtel --help", argv[1]);
	return CLI_USAGE;
}
