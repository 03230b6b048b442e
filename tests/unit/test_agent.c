/* The agent's own logic: OTEL_* configuration, resource attributes, and the
 * process table (a pid hash with eviction and backward-shift deletion). */
#include <stdlib.h>

#include "../../user/agent/procs.h"
#include "rawtel/agent.h"
#include "rawtel/err.h"
#include "rawtel/pconn.h"
#include "rawtel/session.h"
#include "t.h"

static const char *attr(const struct otlp_resource *r, const char *k, char *buf, size_t n)
{
	for (uint32_t i = 0; i < r->n_attrs; i++) {
		if (r->attrs[i].key.len == strlen(k) && !memcmp(r->attrs[i].key.p, k, r->attrs[i].key.len)) {
			if (r->attrs[i].v.type == OTLP_V_INT)
				snprintf(buf, n, "%lld", (long long)r->attrs[i].v.u.i);
			else
				snprintf(buf, n, "%.*s", (int)r->attrs[i].v.len, r->attrs[i].v.u.s);
			return buf;
		}
	}
	return NULL;
}

static void test_res_attrs(void)
{
	static struct agent_opts o;
	char big[4000];

	T_ASSERT(agent_parse_res_attrs(&o, "a=b, c = d ,e=%2C%3D,f=") == 0);
	T_EQ_INT(o.n_res_attrs, 4);
	T_EQ_STR(o.res_attrs[1].key.p, "c");
	T_EQ_STR(o.res_attrs[1].v.u.s, "d");
	T_EQ_STR(o.res_attrs[2].v.u.s, ",=");
	T_EQ_INT(o.res_attrs[3].v.len, 0);
	T_EQ_INT(agent_parse_res_attrs(&o, "novalue"), -EINVAL);
	T_EQ_INT(agent_parse_res_attrs(&o, "=v"), -EINVAL);
	T_EQ_INT(agent_parse_res_attrs(&o, "k=%zz"), -EINVAL);
	T_EQ_INT(agent_parse_res_attrs(&o, "k=%4"), -EINVAL);
	big[0] = 0;
	for (int i = 0; i < 33; i++)
		snprintf(big + strlen(big), sizeof(big) - strlen(big), "k%d=v,", i);
	T_EQ_INT(agent_parse_res_attrs(&o, big), -E2BIG);
	T_EQ_INT(agent_parse_res_attrs(&o, NULL), 0);
	T_EQ_INT(o.n_res_attrs, 0);
}

static void clear_env(void)
{
	unsetenv("OTEL_EXPORTER_OTLP_ENDPOINT");
	unsetenv("OTEL_SERVICE_NAME");
	unsetenv("OTEL_RESOURCE_ATTRIBUTES");
	unsetenv("OTEL_BSP_SCHEDULE_DELAY");
	unsetenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE");
	unsetenv("OTEL_BSP_MAX_QUEUE_SIZE");
	unsetenv("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE");
	unsetenv("OTEL_METRIC_EXPORT_INTERVAL");
	unsetenv("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE");
}

static void test_opts_env_and_flags(void)
{
	static struct agent_opts o;
	char *argv_files[] = { "run", NULL };
	char *argv_http[] = { "run", "--endpoint", "http://10.0.0.1:4318", "--probes", "open,exec", NULL };
	char *argv_https[] = { "run", "--endpoint", "https://collector:4318", NULL };

	clear_env();
	T_ASSERT(agent_opts_parse(&o, 1, argv_files) == 0);
	T_CHECK(o.to_files && o.default_output);
	T_EQ_STR(o.sink.output_dir, "rawtel-out");
	T_EQ_INT(o.sink.output_format, SINK_PROTO_JSON);
	/* http,dns,tcp,exec,exit and the database probes by default */
	T_CHECK(o.s.n_probes >= 6 && session_opts_has(&o.s, "postgres") && o.protos >> PROTO_POSTGRES & 1);
	T_EQ_INT(o.bsp.delay_ms, 5000);
	T_EQ_INT(o.blrp.delay_ms, 1000);
	T_EQ_INT(o.metric_interval_ms, 60000);

	setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318", 1);
	setenv("OTEL_SERVICE_NAME", "svc", 1);
	setenv("OTEL_BSP_SCHEDULE_DELAY", "250", 1);
	setenv("OTEL_BSP_MAX_QUEUE_SIZE", "100", 1);
	setenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "512", 1);	/* capped by the queue */
	setenv("OTEL_METRIC_EXPORT_INTERVAL", "1500", 1);
	setenv("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "Delta", 1);
	T_ASSERT(agent_opts_parse(&o, 1, argv_files) == 0);
	T_CHECK(!o.to_files && !o.default_output);
	T_CHECK(!o.exit_internal);		/* the default probes ask for exit */
	T_EQ_STR(o.service_name, "svc");
	T_EQ_INT(o.bsp.delay_ms, 250);
	T_EQ_INT(o.bsp.queue, 100);
	T_EQ_INT(o.bsp.batch, 100);
	T_EQ_INT(o.metric_interval_ms, 1500);
	T_EQ_INT(o.temp_pref, OTLP_PREF_DELTA);
	T_EQ_STR(o.sink.spool_dir, "/var/lib/rawtel/spool");

	/* a flag wins over the environment */
	T_ASSERT(agent_opts_parse(&o, 5, argv_http) == 0);
	T_EQ_STR(o.sink.base_url, "http://10.0.0.1:4318");
	/* exit rides along unasked, for bookkeeping, and sends no logs */
	T_EQ_INT(o.s.n_probes, 3);
	T_EQ_STR(o.s.probes[0]->name, "open");
	T_EQ_STR(o.s.probes[2]->name, "exit");
	T_CHECK(o.exit_internal);
	T_CHECK(agent_opts_parse(&o, 3, argv_https) < 0);
	setenv("OTEL_BSP_SCHEDULE_DELAY", "soon", 1);
	T_CHECK(agent_opts_parse(&o, 1, argv_files) < 0);
	T_CHECK(strstr(err_msg(), "OTEL_BSP_SCHEDULE_DELAY") != NULL);
	setenv("OTEL_BSP_SCHEDULE_DELAY", "250", 1);
	setenv("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "sometimes", 1);
	T_CHECK(agent_opts_parse(&o, 1, argv_files) < 0);
	clear_env();
}

static void test_service_name_precedence(void)
{
	static struct agent_opts o;
	struct agent_procs p;
	struct agent_proc *e;
	char b[64];

	memset(&o, 0, sizeof(o));
	T_ASSERT(agent_parse_res_attrs(&o, "service.name=from-attrs,team=x") == 0);
	T_ASSERT(procs_init(&p, &o, "host1") == 0);
	/* a pid that does not exist: its command name stands in */
	e = procs_get(&p, 0x3ffffff0, "worker");
	T_EQ_STR(attr(&e->res, "service.name", b, sizeof(b)), "from-attrs");
	T_EQ_STR(attr(&e->res, "process.executable.name", b, sizeof(b)), "worker");
	T_EQ_STR(attr(&e->res, "team", b, sizeof(b)), "x");
	T_EQ_STR(attr(&e->res, "host.name", b, sizeof(b)), "host1");
	T_EQ_STR(attr(&e->res, "process.pid", b, sizeof(b)), "1073741808");
	T_CHECK(attr(&e->res, "process.executable.path", b, sizeof(b)) == NULL);
	procs_free(&p);
	snprintf(o.service_name, sizeof(o.service_name), "explicit");
	T_ASSERT(procs_init(&p, &o, "host1") == 0);
	e = procs_get(&p, 0x3ffffff0, "worker");
	T_EQ_STR(attr(&e->res, "service.name", b, sizeof(b)), "explicit");
	/* this process: a real executable path */
	e = procs_get(&p, (uint32_t)getpid(), "x");
	T_EQ_STR(attr(&e->res, "process.executable.name", b, sizeof(b)), "test_agent");
	T_CHECK(attr(&e->res, "process.executable.path", b, sizeof(b))[0] == '/');
	procs_free(&p);
}

/* Many pids through a table smaller than them, with forgets in between:
 * every entry the model says is present is found, as itself. */
static void test_procs_table(void)
{
	static struct agent_opts o;
	static uint32_t model[PROCS_MAX];	/* slots holding a pid */
	struct agent_procs p;
	unsigned seed = 7;
	int found = 0;

	memset(&o, 0, sizeof(o));
	T_ASSERT(procs_init(&p, &o, "h") == 0);
	for (uint32_t i = 0; i < 20000; i++) {
		seed = seed * 1103515245 + 12345;
		/* pids that collide: multiples of the table size apart */
		uint32_t pid = 0x20000000 + (seed >> 8) % 3000 * PROCS_SLOTS + (seed >> 20) % 7;
		struct agent_proc *e = procs_get(&p, pid, "x");
		T_ASSERT(e->pid == pid);
		if ((seed >> 4) % 5 == 0)
			procs_forget(&p, e);
	}
	/* the most recent ones are present and indexed correctly */
	for (uint32_t i = 0; i < PROCS_MAX; i++) {
		if (!p.tab[i].pid)
			continue;
		model[found++] = i;
	}
	T_CHECK(found > PROCS_MAX / 2);
	for (int i = 0; i < found; i++) {
		struct agent_proc *e = procs_get(&p, p.tab[model[i]].pid, "y");
		/* found through the index, not re-created in another slot */
		if (e != &p.tab[model[i]]) {
			T_FAILF("pid %u: slot %ld, want %u", e->pid, (long)(e - p.tab), model[i]);
			break;
		}
	}
	uint32_t indexed = 0;
	for (uint32_t i = 0; i < PROCS_SLOTS; i++)
		indexed += p.index[i] >= 0;
	T_EQ_INT(indexed, found);
	procs_free(&p);
}

int main(void)
{
	T_RUN(test_res_attrs);
	T_RUN(test_opts_env_and_flags);
	T_RUN(test_service_name_precedence);
	T_RUN(test_procs_table);
	return t_done();
}
