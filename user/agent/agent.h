/* The agent's files include this; its interface is rawtel/agent.h. */
#ifndef RAWTEL_AGENT_LOCAL_H
#define RAWTEL_AGENT_LOCAL_H

#include "rawtel/agent.h"
#include "rawtel/opt.h"

/* The OTEL_* variables no option names, over the defaults
 * (user/agent/opts_env.c): 0 or -errno with the message set. */
int agent_opts_env(struct agent_opts *o);
/* Whether `name` is an OTEL_* variable that agent_opts_env (or the sink
 * it calls) reads. */
bool agent_env_known(const char *name);

/* --config FILE among argv (user/agent/opts_conf.c): its variables into
 * the environment, its other settings through the rows' setters; *given
 * gets the rows it set. 0 when there is none or it applied, else -errno
 * with "FILE:LINE: ..." set. */
int agent_conf_load(struct agent_opts *o, const struct opt *rows, int argc, char **argv,
		    uint64_t *given);
/* A failure from reading the variables: when it names one the file set,
 * the message gets the file and line in front. Returns ret. */
int agent_conf_blame(int ret);

#endif
