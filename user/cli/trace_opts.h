/* Command-line options of rawtel trace (user/cli/trace_opts.c). */
#ifndef RAWTEL_TRACE_OPTS_H
#define RAWTEL_TRACE_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "rawtel/session.h"

struct trace_opts {
	struct session_opts s;
	bool has_duration;	/* else until Ctrl-C/SIGTERM */
	uint64_t duration_ms;	/* 0: attach, drain once, stop */
	bool json;
	bool stats;
	bool raw;		/* http: records, not exchanges */
	bool data;		/* tls: print the plaintext */
};

/* 0 to run, 1 when --help was printed, negative on a usage error (already
 * reported on stderr). */
int trace_opts_parse(struct trace_opts *o, int argc, char **argv);

#endif
