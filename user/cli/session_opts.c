/* Command-line options shared by rawtel trace and rawtel run. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/cli.h"
#include "rawtel/events.h"
#include "rawtel/session.h"
#include "rawtel/util.h"

#define RT_STR2(x) #x
#define RT_STR(x) RT_STR2(x)

int session_opt_parse(struct session_opts *o, const char *a, const char *v)
{
	char *end;

	if (!strcmp(a, "--perf-buffer") || !strcmp(a, "--all")) {
		*(a[2] == 'a' ? &o->all : &o->perf_buffer) = true;
		return 1;
	}
	if (strcmp(a, "--pid") && strcmp(a, "--comm") && strcmp(a, "--ring-size") &&
	    strcmp(a, "--perf-pages") && strcmp(a, "--binary") && strcmp(a, "--port") &&
	    strcmp(a, "--capture-bytes"))
		return 0;
	if (!v) {
		cli_err("%s needs a value", a);
		return -EINVAL;
	}
	if (!strcmp(a, "--binary")) {
		if (o->n_binaries == (int)(sizeof(o->binaries) / sizeof(o->binaries[0]))) {
			cli_err("--binary: at most %zu", sizeof(o->binaries) / sizeof(o->binaries[0]));
			return -EINVAL;
		}
		o->binaries[o->n_binaries++] = v;
	} else if (!strcmp(a, "--pid")) {
		unsigned long p = strtoul(v, &end, 10);
		if (*end || !p || p > 0x3fffffff) {
			cli_err("--pid %s: not a process id", v);
			return -EINVAL;
		}
		o->pid = (uint32_t)p;
	} else if (!strcmp(a, "--port") || !strcmp(a, "--capture-bytes")) {
		bool port = a[2] == 'p';
		unsigned long p = strtoul(v, &end, 10);
		if (*end || !*v || p > (port ? 65535 : DATA_CAP_MAX) || (port && !p)) {
			cli_err("%s %s: %s", a, v, port ? "a TCP port, 1 to 65535"
				: "a number of bytes, 0 to " RT_STR(DATA_CAP_MAX));
			return -EINVAL;
		}
		if (port)
			o->port = (uint16_t)p;
		else
			o->capture = (uint32_t)p;
	} else if (!strcmp(a, "--comm")) {
		if (!*v) {
			cli_err("--comm needs a command name");
			return -EINVAL;
		}
		/* the kernel keeps 15 bytes of a command name */
		snprintf(o->comm, sizeof(o->comm), "%.15s", v);
	} else if (!strcmp(a, "--ring-size")) {
		uint64_t s = util_parse_size(v);
		if (s < 4096 || s > (1u << 30) || (s & (s - 1))) {
			cli_err("--ring-size %s: a power of two from 4K to 1G", v);
			return -EINVAL;
		}
		o->ring_size = (uint32_t)s;
		o->ring_size_set = true;
	} else {
		unsigned long p = strtoul(v, &end, 10);
		if (*end || !p || p > 4096 || (p & (p - 1))) {
			cli_err("--perf-pages %s: a power of two up to 4096", v);
			return -EINVAL;
		}
		o->perf_pages = (uint32_t)p;
	}
	return 2;
}

