/* rawtel run: the agent (user/agent/). */
#include "../agent/agent.h"
#include "rawtel/cli.h"

int cmd_run(int argc, char **argv)
{
	static struct agent_opts o;	/* large; one per process */
	int r = agent_opts_parse(&o, argc, argv);

	if (r)
		return r > 0 ? CLI_OK : CLI_USAGE;
	return agent_run(&o);
}
