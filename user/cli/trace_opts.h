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
};

/* 0 to run, 1 when --help was printed, negative on a usage error (already
 * reported on stderr). */
int trace_opts_parse(struct trace_opts *o, int argc, char **argv);

/* Options shared with rawtel run: --pid --comm --perf-buffer --ring-size
 * --perf-pages. Returns the number of argv entries used (1 or 2), 0 when
 * `a` is not one of them, negative on a bad value (reported). */
int session_opt_parse(struct session_opts *o, const char *a, const char *v);

#endif
