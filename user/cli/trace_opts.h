/* Command-line options of rawtel trace (user/cli/trace_opts.c). */
#ifndef RAWTEL_TRACE_OPTS_H
#define RAWTEL_TRACE_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "rawtel/probes.h"

#define TRACE_MAX_PROBES 8

struct trace_opts {
	const struct probe *probes[TRACE_MAX_PROBES];
	int n_probes;
	uint32_t pid;		/* 0: every process */
	char comm[16];		/* "": every command */
	bool has_duration;	/* else until Ctrl-C/SIGTERM */
	uint64_t duration_ms;	/* 0: attach, drain once, stop */
	bool json;
	bool perf_buffer;
	bool null;		/* attach empty programs instead (benchmarks) */
	bool stats;
	uint32_t ring_size;	/* bytes, power of two */
	uint32_t perf_pages;	/* per CPU, power of two */
};

/* 0 to run, 1 when --help was printed, negative on a usage error (already
 * reported on stderr). */
int trace_opts_parse(struct trace_opts *o, int argc, char **argv);

#endif
