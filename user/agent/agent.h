/* The agent's files include this; its interface is rawtel/agent.h. */
#ifndef RAWTEL_AGENT_LOCAL_H
#define RAWTEL_AGENT_LOCAL_H

#include "rawtel/agent.h"

#endif
