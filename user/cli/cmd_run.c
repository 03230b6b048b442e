/* rawtel run: the agent (user/agent/). */
#include <errno.h>

#include "rawtel/agent.h"
#include "rawtel/cli.h"
#include "rawtel/err.h"

int cmd_run(int argc, char **argv)
{
	static struct agent_opts o;	/* large; one per process */
	int r = agent_opts_parse(&o, argc, argv);

	if (r > 0)
		return CLI_OK;
	if (r < 0) {
		cli_err("%s", err_msg());
		return CLI_USAGE;
	}
	return agent_run(&o);
}
