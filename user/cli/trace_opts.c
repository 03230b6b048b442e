/* Parsing rawtel trace's command line: its option table. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "rawtel/cli.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "trace_opts.h"

#define CAPS2(x) #x
#define CAPS(x) CAPS2(x)

/* the session setters take the command's options (session.h) */
_Static_assert(offsetof(struct trace_opts, s) == 0, "session_opts first");

static int set_duration(void *cmd, const char *v, const char *what)
{
	struct trace_opts *o = cmd;

	if (!opt_seconds(v, &o->duration_ms))
		return err_set(EINVAL, "%s: not a number of seconds", what);
	o->has_duration = true;
	return 0;
}

static int set_json(void *cmd, const char *v, const char *what)
{
	(void)v, (void)what;
	((struct trace_opts *)cmd)->json = true;
	return 0;
}

static int set_raw(void *cmd, const char *v, const char *what)
{
	(void)v, (void)what;
	((struct trace_opts *)cmd)->raw = true;
	return 0;
}

static int set_data(void *cmd, const char *v, const char *what)
{
	(void)v, (void)what;
	((struct trace_opts *)cmd)->data = true;
	return 0;
}

static int set_null(void *cmd, const char *v, const char *what)
{
	(void)v, (void)what;
	((struct trace_opts *)cmd)->s.null = true;
	return 0;
}

static int set_stats(void *cmd, const char *v, const char *what)
{
	(void)v, (void)what;
	((struct trace_opts *)cmd)->stats = true;
	return 0;
}

/* A trace option: none has an environment variable. */
#define TOPT(name, metavar, probe, help, set) { name, metavar, NULL, probe, help, set }

static const struct opt trace_rows[] = {
	OPT_HEAD("options:"),
	TOPT("--pid", "PID", NULL, "only this process and its descendants, older ones\n"
	     "included (filtered in the kernel)", session_opt_pid),
	TOPT("--comm", "NAME", NULL, "only tasks with this command name (first 15 bytes)\n"
	     "(tcp, retrans: of the process owning the connection)", session_opt_comm),
	TOPT("--cgroup", "PATH", NULL, "only tasks in this cgroup v2 (or below it), in the kernel",
	     session_opt_cgroup),
	TOPT("--container", "ID", NULL, "only tasks in this container (id or unique prefix)",
	     session_opt_container),
	TOPT("--port", "PORT", "http", "http, DB probes: only processes listening on PORT\n"
	     "(and their children forked after rawtel starts)", session_opt_port),
	TOPT("--all", NULL, "http", "http, DB probes: every process but rawtel (the\n"
	     "default)", session_opt_all),
	TOPT("--capture-bytes", "N", "http", "http, DB probes: payload bytes kept per syscall\n"
	     "(default " CAPS(DATA_CAP_DEFAULT) ", at most " CAPS(DATA_CAP_MAX) ")", session_opt_capture),
	TOPT("--raw", NULL, "http", "http, DB probes: print the sock and data records\n"
	     "themselves", set_raw),
	TOPT("--data", NULL, "tls", "tls: print each call's plaintext (escaped; rawtel\n"
	     "never exports it)", set_data),
	TOPT("--no-tls", NULL, NULL, "http, DB probes: no uprobes on the TLS libraries (OpenSSL,\n"
	     "GnuTLS): no plaintext of TLS connections", session_opt_no_tls),
	TOPT("--binary", "PATH", "dns", "dns: also probe this program (statically linked ones)",
	     session_opt_binary),
	TOPT("--duration", "SEC", NULL, "stop after SEC seconds (default: at Ctrl-C/SIGTERM)",
	     set_duration),
	TOPT("--json", NULL, NULL, "one JSON object per line", set_json),
	TOPT("--perf-buffer", NULL, NULL, "per-CPU perf buffers instead of the BPF ring buffer\n"
	     "(what kernels before 5.8 use; rawtel picks it there)", session_opt_perf_buffer),
	TOPT("--ring-size", "SIZE", NULL, "ring buffer size, power of two (default 256K; http:\n"
	     "room for 128 records of --capture-bytes)", session_opt_ring_size),
	TOPT("--perf-pages", "N", NULL, "perf buffer pages per CPU, power of two (default 16,\n"
	     "64 with http)", session_opt_perf_pages),
	TOPT("--null", NULL, NULL, "attach empty programs to the same hooks and print\n"
	     "nothing: the floor for overhead measurements", set_null),
	TOPT("--stats", NULL, NULL, "print start-up time on stderr", set_stats),
	{ 0 }
};

static void trace_help_tail(FILE *f)
{
	fmt_fprintf(f, "\nprobes:\n");
	session_probes_help(f);
}

/* PROBE[,PROBE...], and after uprobe its BINARY:SYMBOL[,SYMBOL...] */
static int trace_arg(void *cmd, const char *a)
{
	struct trace_opts *o = cmd;

	if (o->s.n_probes && !o->s.uprobe_spec[0] && session_opts_has(&o->s, "uprobe")) {
		fmt_snprintf(o->s.uprobe_spec, sizeof(o->s.uprobe_spec), "%s", a);
		return 0;
	}
	return session_opts_add_probes(&o->s, a);
}

static const struct opt_cmd trace_cmd = {
	.name = "trace",
	.usage = "usage: rawtel trace PROBE[,PROBE...] [options]\n"
		 "       rawtel trace uprobe BINARY:SYMBOL[,SYMBOL...] [options]\n",
	.rows = trace_rows,
	.arg = trace_arg,
	.help_tail = trace_help_tail,
};

int trace_opts_parse(struct trace_opts *o, int argc, char **argv)
{
	uint64_t given;
	int r;

	memset(o, 0, sizeof(*o));
	session_opts_init(&o->s);
	r = opt_parse(&trace_cmd, o, argc, argv, &given);
	if (r > 0)
		return r;
	if (!r && session_opts_has(&o->s, "uprobe") && !o->s.uprobe_spec[0])
		r = err_set(EINVAL, "uprobe needs BINARY:SYMBOL[,SYMBOL...], e.g. rawtel trace "
			    "uprobe libc:malloc");
	if (!r && !o->s.n_probes) {
		opt_help(&trace_cmd, stderr);
		return -EINVAL;
	}
	/* --port and --all first: their message says both */
	if (!r)
		r = session_opts_check(&o->s);
	if (!r)
		r = session_opts_need(&o->s, trace_rows, given, false, NULL);
	if (r) {
		cli_err("%s", err_msg());
		return -EINVAL;
	}
	return 0;
}
