/* The agent's files include this; its interface is rawtel/agent.h. */
#ifndef RAWTEL_AGENT_LOCAL_H
#define RAWTEL_AGENT_LOCAL_H

#include "rawtel/agent.h"

/* The OTEL_* variables no option names, over the defaults
 * (user/agent/opts_env.c): 0 or -errno with the message set. */
int agent_opts_env(struct agent_opts *o);

#endif
