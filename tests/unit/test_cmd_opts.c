/* rawtel run's and rawtel trace's option tables: the probes a command
 * line selects (run's default set, options that turn their probe on or
 * are refused without it) and the exact messages of bad values. */
#include <stdlib.h>

#include "../../user/cli/trace_opts.h"
#include "rawtel/agent.h"
#include "rawtel/elf.h"
#include "rawtel/err.h"
#include "rawtel/probes.h"
#include "t.h"

struct cmd_case {
	char *argv[8];
	int ret;
	const char *probes;	/* when ret is 0: the selected probes, in order */
	const char *msg;	/* when ret < 0 (NULL: any error) */
};

static void probe_names(const struct session_opts *s, char *out, size_t n)
{
	out[0] = 0;
	for (int i = 0; i < s->n_probes; i++)
		snprintf(out + strlen(out), n - strlen(out), "%s%s", i ? "," : "",
			 s->probes[i]->name);
}

static int argc_of(char *const *argv)
{
	int n = 0;

	while (argv[n])
		n++;
	return n;
}

/* dns is in run's default set where a C library is found; the database
 * probes built in follow */
static const char *run_default(void)
{
	static const char *const db[] = { "postgres", "mysql", "redis", "memcached" };
	static char buf[128];
	struct elf_file *f;

	if (elf_open_target("libc", 0, &f)) {
		snprintf(buf, sizeof(buf), "http,tcp,exec,exit");
	} else {
		elf_close(f);
		snprintf(buf, sizeof(buf), "http,dns,tcp,exec,exit");
	}
	for (size_t i = 0; i < sizeof(db) / sizeof(db[0]); i++)
		if (probe_find(db[i]))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ",%s", db[i]);
	return buf;
}

static void check_case(const struct cmd_case *c, int r, const struct session_opts *s, size_t i)
{
	char got[256];

	if (c->ret < 0 && !c->msg)
		T_CHECK(r < 0);		/* another module's message */
	else
		T_EQ_INT(r, c->ret);
	if (!r && c->probes) {
		probe_names(s, got, sizeof(got));
		T_EQ_STR(got, c->probes);
	}
	if (r < 0 && c->msg)
		T_EQ_STR(err_msg(), c->msg);
	if (t_case_failed)
		printf("# case %zu: %s %s\n", i, c->argv[0], c->argv[1] ? c->argv[1] : "");
}

static struct agent_opts run_opts;

static int run_parse(const struct cmd_case *c)
{
	return agent_opts_parse(&run_opts, argc_of(c->argv), (char **)c->argv);
}

static void run_cases(const struct cmd_case *c, size_t n)
{
	for (size_t i = 0; i < n && !t_case_failed; i++)
		check_case(&c[i], run_parse(&c[i]), &run_opts.s, i);
}

static void test_run_probes(void)
{
	static char def[128], port_def[128], up_def[136];
	const struct cmd_case cases[] = {
		{ { "run" }, 0, def, NULL },
		/* an option for one probe turns it on, next to the default set */
		{ { "run", "--port", "8080" }, 0, port_def, NULL },
		{ { "run", "--uprobe", "/bin/true:main" }, 0, up_def, NULL },
		{ { "run", "--probes", "exec,http", "--port=80" }, 0, "exec,http,exit", NULL },
		{ { "run", "--probes", "dns", "--uprobe", "/bin/true:main" }, 0, "dns,uprobe,exit", NULL },
		{ { "run", "--uprobe", "/bin/true:main", "--probes", "tcp" }, 0, "tcp,uprobe,exit", NULL },
		/* ... and is refused when --probes leaves it out */
		{ { "run", "--probes", "exec", "--port", "80" }, -EINVAL, NULL,
		  "--port is for the http probe: add http to --probes (or leave --probes out)" },
		{ { "run", "--capture-bytes", "64", "--probes", "tcp" }, -EINVAL, NULL,
		  "--capture-bytes is for the http probe: add http to --probes (or leave --probes out)" },
		{ { "run", "--probes", "exec", "--route", "/a/{id}" }, -EINVAL, NULL,
		  "--route is for the http probe: add http to --probes (or leave --probes out)" },
		{ { "run", "--probes", "exec", "--binary", "/bin/true" }, -EINVAL, NULL,
		  "--binary is for the dns probe: add dns to --probes (or leave --probes out)" },
		{ { "run", "--all", "--pid", "5" }, -EINVAL, NULL,
		  "--all selects every process: it goes with none of --pid, --comm, --port" },
		{ { "run", "--cgroup", "/a", "--pid", "5" }, -EINVAL, NULL,
		  "--cgroup and --container go with none of --pid, --port, --all" },
		{ { "run", "--all", "--container", "ab12" }, -EINVAL, NULL,
		  "--cgroup and --container go with none of --pid, --port, --all" },
		{ { "run", "--cgroup", "/a", "--container", "ab12", "--comm", "x" }, 0, def, NULL },
		{ { "run", "--probes", "uprobe" }, -EINVAL, NULL,
		  "the uprobe probe needs --uprobe BINARY:SYMBOL[,SYMBOL...]" },
		{ { "run", "--probes", "exec,bogus" }, -EINVAL, NULL,
		  "unknown probe 'bogus'; rawtel trace --help lists them" },
	};

	snprintf(def, sizeof(def), "%s", run_default());
	snprintf(port_def, sizeof(port_def), "%s", def);
	snprintf(up_def, sizeof(up_def), "uprobe,%s", def);
	unsetenv("OTEL_EXPORTER_OTLP_ENDPOINT");
	run_cases(cases, sizeof(cases) / sizeof(cases[0]));
	T_ASSERT(run_parse(&cases[1]) == 0);
	T_CHECK(run_opts.http && run_opts.s.port == 8080 && !run_opts.exit_internal);
	T_ASSERT(run_parse(&cases[3]) == 0);
	T_CHECK(run_opts.http && run_opts.s.port == 80 && run_opts.exit_internal);
}

static void test_run_values(void)
{
	const struct cmd_case cases[] = {
		{ { "run", "--sched", "fast" }, -EINVAL, NULL, "--sched takes batch or normal" },
		{ { "run", "--sched" }, -EINVAL, NULL, "--sched needs a value" },
		{ { "run", "--metric-interval", "50" }, -EINVAL, NULL,
		  "--metric-interval 50: milliseconds, 100 or more" },
		{ { "run", "--route-cap", "0" }, -EINVAL, NULL, "--route-cap 0: a number from 1 to 1000000" },
		{ { "run", "--http-max-conns=x" }, -EINVAL, NULL,
		  "--http-max-conns x: a number from 1 to 1000000" },
		{ { "run", "--format", "xml" }, -EINVAL, NULL, "--format xml: jsonl or proto" },
		{ { "run", "--duration", "soon" }, -EINVAL, NULL, "--duration soon: not a number of seconds" },
		{ { "run", "--spool-max", "lots" }, -EINVAL, NULL, "--spool-max lots: a size like 64M" },
		{ { "run", "--ring-size", "1000" }, -EINVAL, NULL,
		  "--ring-size 1000: a power of two from 4K to 1G" },
		{ { "run", "--pid", "nope" }, -EINVAL, NULL, "--pid nope: not a process id" },
		{ { "run", "--container", "a/b" }, -EINVAL, NULL,
		  "--container a/b: a container id (or a unique prefix of it)" },
		{ { "run", "--cgroup=" }, -EINVAL, NULL, "--cgroup needs a cgroup path" },
		{ { "run", "--port", "65536" }, -EINVAL, NULL, "--port 65536: a TCP port, 1 to 65535" },
		{ { "run", "--capture-bytes", "99999" }, -EINVAL, NULL,
		  "--capture-bytes 99999: a number of bytes, 0 to 4096" },
		{ { "run", "--status=yes" }, -EINVAL, NULL, "--status takes no value" },
		{ { "run", "--bogus" }, -EINVAL, NULL, "unknown option --bogus; see rawtel run --help" },
		{ { "run", "--endpoint", "https://collector:4318" }, -EINVAL, NULL, NULL },
	};

	run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_run_flags_and_env(void)
{
	static struct agent_opts o;
	char *argv[] = { "run", "--no-status", "--service-name=cli", "--duration", "0.3",
			 "--capture-args", "--sched", "normal", NULL };
	char *none[] = { "run", NULL };

	setenv("OTEL_SERVICE_NAME", "env", 1);
	setenv("OTEL_METRIC_EXPORT_INTERVAL", "1500", 1);
	T_ASSERT(agent_opts_parse(&o, argc_of(argv), argv) == 0);
	T_EQ_STR(o.service_name, "cli");	/* the option wins */
	T_EQ_INT(o.metric_interval_ms, 1500);
	T_EQ_INT(o.status, 0);
	T_CHECK(o.has_duration && o.duration_ms == 300);
	T_CHECK(o.capture_args && o.sched_normal);
	T_ASSERT(agent_opts_parse(&o, 1, none) == 0);
	T_EQ_STR(o.service_name, "env");
	T_EQ_INT(o.status, -1);
	setenv("OTEL_METRIC_EXPORT_INTERVAL", "50", 1);
	T_EQ_INT(agent_opts_parse(&o, 1, none), -EINVAL);
	T_EQ_STR(err_msg(), "OTEL_METRIC_EXPORT_INTERVAL=50: milliseconds, 100 or more");
	unsetenv("OTEL_SERVICE_NAME");
	unsetenv("OTEL_METRIC_EXPORT_INTERVAL");
}

static void test_trace(void)
{
	const struct cmd_case cases[] = {
		{ { "trace", "http", "--port=80", "--capture-bytes", "64", "--raw" }, 0, "http", NULL },
		{ { "trace", "uprobe", "libc:malloc", "exec" }, 0, "uprobe,exec", NULL },
		{ { "trace", "exec,exit", "dns", "--binary", "/bin/true" }, 0, "exec,exit,dns", NULL },
		/* the DB probes share http's capture, and its options */
		{ { "trace", "redis,mysql", "--capture-bytes", "4096", "--raw" }, 0, "redis,mysql", NULL },
		{ { "trace", "exec", "--capture-bytes", "100" }, -EINVAL, NULL,
		  "--capture-bytes is for the http probe" },
		{ { "trace", "exec", "--raw" }, -EINVAL, NULL, "--raw is for the http probe" },
		{ { "trace", "exec", "--binary", "/bin/true" }, -EINVAL, NULL, "--binary is for the dns probe" },
		{ { "trace", "exec", "--port", "80" }, -EINVAL, NULL,
		  "--port and --all select processes for the http probe only" },
		{ { "trace", "uprobe" }, -EINVAL, NULL,
		  "uprobe needs BINARY:SYMBOL[,SYMBOL...], e.g. rawtel trace uprobe libc:malloc" },
		{ { "trace", "bogus" }, -EINVAL, NULL, "unknown probe 'bogus'; rawtel trace --help lists them" },
		{ { "trace", "exec", "--duration", "x" }, -EINVAL, NULL, "--duration x: not a number of seconds" },
		{ { "trace", "exec", "--comm", "" }, -EINVAL, NULL, "--comm needs a command name" },
		{ { "trace", "exec", "--perf-pages", "3" }, -EINVAL, NULL,
		  "--perf-pages 3: a power of two up to 4096" },
		{ { "trace", "exec", "--json=1" }, -EINVAL, NULL, "--json takes no value" },
		{ { "trace", "exec", "--wat" }, -EINVAL, NULL, "unknown option --wat; see rawtel trace --help" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct trace_opts o;
		int r;

		err_clear();
		r = trace_opts_parse(&o, argc_of(cases[i].argv), (char **)cases[i].argv);
		check_case(&cases[i], r, &o.s, i);
		if (t_case_failed)
			return;
		if (i == 0)
			T_CHECK(o.raw && o.s.port == 80 && o.s.capture == 64);
		if (i == 1)
			T_EQ_STR(o.s.uprobe_spec, "libc:malloc");
	}
}

/* Ring and perf buffer sizes on kernels of 4, 16 and 64 KB pages (arm64
 * has all three): whole pages, powers of two, the defaults kept where they
 * are whole pages already. */
static void test_buffer_pages(void)
{
	static const uint64_t pages[] = { 4096, 16384, 65536 };
	struct session_opts o;

	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		uint64_t pg = pages[i];
		uint32_t r;

		session_opts_init(&o);
		T_EQ_INT(session_opts_add_probes(&o, "open"), 0);
		T_EQ_INT(session_ring_size(&o, pg), 256 << 10);
		T_EQ_INT(session_perf_pages(&o, pg), (64 << 10) / pg);
		o.ring_size = 4096;	/* --ring-size 4K: raised to a page */
		o.ring_size_set = true;
		T_EQ_INT(session_ring_size(&o, pg), pg);
		o.perf_pages = 2;	/* --perf-pages 2: as given */
		T_EQ_INT(session_perf_pages(&o, pg), 2);

		session_opts_init(&o);
		T_EQ_INT(session_opts_add_probes(&o, "http"), 0);
		r = session_ring_size(&o, pg);
		T_CHECK(r >= 256 << 10 && r % pg == 0 && !(r & (r - 1)), "http's ring: whole pages");
		T_EQ_INT(session_perf_pages(&o, pg), (256 << 10) / pg);
	}
	/* a page larger than the default: one page */
	session_opts_init(&o);
	T_EQ_INT(session_opts_add_probes(&o, "open"), 0);
	T_EQ_INT(session_perf_pages(&o, 1 << 20), 1);
	T_EQ_INT(session_ring_size(&o, 1 << 20), 1 << 20);
}

int main(void)
{
	T_RUN(test_run_probes);
	T_RUN(test_run_values);
	T_RUN(test_run_flags_and_env);
	T_RUN(test_trace);
	T_RUN(test_buffer_pages);
	return t_done();
}
