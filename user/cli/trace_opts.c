/* Parsing rawtel trace's command line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/cli.h"
#include "rawtel/err.h"
#include "trace_opts.h"

#define CAPS2(x) #x
#define CAPS(x) CAPS2(x)

static void usage(FILE *f)
{
	fprintf(f, "usage: rawtel trace PROBE[,PROBE...] [options]\n"
		"       rawtel trace uprobe BINARY:SYMBOL[,SYMBOL...] [options]\n\nprobes:\n");
	for (size_t i = 0; i < n_probes; i++)
		fprintf(f, "  %-8s %s\n", probes[i].name, probes[i].summary);
	fprintf(f, "\noptions:\n"
		"  --pid PID         only this process and its descendants, older ones\n"
		"                    included (filtered in the kernel)\n"
		"  --comm NAME       only tasks with this command name (first 15 bytes)\n"
		"                    (tcp, retrans: of the process owning the connection)\n"
		"  --port PORT       http: only processes listening on PORT (and their\n"
		"                    children forked after rawtel starts)\n"
		"  --all             http: every process but rawtel (the default)\n"
		"  --capture-bytes N http: payload bytes kept per syscall (default " CAPS(DATA_CAP_DEFAULT) ",\n"
		"                    at most " CAPS(DATA_CAP_MAX) ")\n"
		"  --raw             http: print the sock and data records themselves\n"
		"  --duration SEC    stop after SEC seconds (default: at Ctrl-C/SIGTERM)\n"
		"  --json            one JSON object per line\n"
		"  --perf-buffer     per-CPU perf buffers instead of the BPF ring buffer\n"
		"                    (what kernels before 5.8 use; rawtel picks it there)\n"
		"  --ring-size SIZE  ring buffer size, power of two (default 256K; http:\n"
		"                    room for 128 records of --capture-bytes)\n"
		"  --perf-pages N    perf buffer pages per CPU, power of two (default 16, 64 with http)\n"
		"  --binary PATH     dns: also probe this program (statically linked ones)\n"
		"  --null            attach empty programs to the same hooks and print\n"
		"                    nothing: the floor for overhead measurements\n"
		"  --stats           print start-up time on stderr\n");
}

static bool has_probe(const struct trace_opts *o, const char *name)
{
	for (int i = 0; i < o->s.n_probes; i++)
		if (!strcmp(o->s.probes[i]->name, name))
			return true;
	return false;
}

static bool wants_spec(const struct trace_opts *o)
{
	return has_probe(o, "uprobe");
}

int trace_opts_parse(struct trace_opts *o, int argc, char **argv)
{
	memset(o, 0, sizeof(*o));
	session_opts_init(&o->s);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;
		int used;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 1;
		} else if (!strcmp(a, "--json")) {
			o->json = true;
		} else if (!strcmp(a, "--raw")) {
			o->raw = true;
		} else if (!strcmp(a, "--null")) {
			o->s.null = true;
		} else if (!strcmp(a, "--stats")) {
			o->stats = true;
		} else if ((used = session_opt_parse(&o->s, a, v)) != 0) {
			if (used < 0)
				return used;
			i += used - 1;
		} else if (!strcmp(a, "--duration")) {
			double d = v ? strtod(v, &end) : -1;
			if (!v || *end || d < 0 || d > 1e7) {
				cli_err("--duration %s: not a number of seconds", v ? v : "");
				return -EINVAL;
			}
			o->has_duration = true;
			o->duration_ms = (uint64_t)(d * 1000 + 0.5);
			i++;
		} else if (a[0] == '-') {
			cli_err("unknown option %s; see rawtel trace --help", a);
			return -EINVAL;
		} else if (o->s.n_probes && !o->s.uprobe_spec[0] && wants_spec(o)) {
			/* rawtel trace uprobe BINARY:SYMBOL[,SYMBOL...] */
			snprintf(o->s.uprobe_spec, sizeof(o->s.uprobe_spec), "%s", a);
		} else if (session_opts_add_probes(&o->s, a)) {
			cli_err("%s", err_msg());
			return -EINVAL;
		}
	}
	if (wants_spec(o) && !o->s.uprobe_spec[0]) {
		cli_err("uprobe needs BINARY:SYMBOL[,SYMBOL...], e.g. rawtel trace uprobe libc:malloc");
		return -EINVAL;
	}
	if (!o->s.n_probes) {
		usage(stderr);
		return -EINVAL;
	}
	if (o->raw && !has_probe(o, "http")) {
		cli_err("--raw is for the http probe");
		return -EINVAL;
	}
	if (session_opts_check(&o->s)) {
		cli_err("%s", err_msg());
		return -EINVAL;
	}
	return 0;
}
