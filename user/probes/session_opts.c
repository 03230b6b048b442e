/* Command-line options shared by rawtel trace and rawtel run: the setters
 * their option tables name, and the rule that an option one probe reads
 * needs that probe. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rawtel/err.h"
#include "rawtel/events.h"
#include "rawtel/fmt.h"
#include "rawtel/session.h"
#include "rawtel/util.h"

#define RT_STR2(x) #x
#define RT_STR(x) RT_STR2(x)

/* The setters' `cmd` starts with its struct session_opts (session.h). */
static struct session_opts *sess(void *cmd)
{
	return cmd;
}

int session_opt_pid(void *cmd, const char *v, const char *what)
{
	unsigned long p;

	if (!opt_uint(v, 1, 0x3fffffff, &p))
		return err_set(EINVAL, "%s: not a process id", what);
	sess(cmd)->pid = (uint32_t)p;
	return 0;
}

int session_opt_comm(void *cmd, const char *v, const char *what)
{
	(void)what;
	if (!*v)
		return err_set(EINVAL, "--comm needs a command name");
	/* the kernel keeps 15 bytes of a command name */
	fmt_snprintf(sess(cmd)->comm, sizeof(sess(cmd)->comm), "%.15s", v);
	return 0;
}

int session_opt_port(void *cmd, const char *v, const char *what)
{
	unsigned long p;

	if (!opt_uint(v, 1, 65535, &p))
		return err_set(EINVAL, "%s: a TCP port, 1 to 65535", what);
	sess(cmd)->port = (uint16_t)p;
	return 0;
}

int session_opt_cgroup(void *cmd, const char *v, const char *what)
{
	if (!*v)
		return err_set(EINVAL, "--cgroup needs a cgroup path");
	if (strlen(v) >= sizeof(sess(cmd)->cgroup))
		return err_set(EINVAL, "%s: a cgroup path (at most %zu bytes)", what,
			       sizeof(sess(cmd)->cgroup) - 1);
	fmt_snprintf(sess(cmd)->cgroup, sizeof(sess(cmd)->cgroup), "%s", v);
	return 0;
}

/* a container id as the runtimes print it: hex, 64 digits or fewer (a
 * prefix), or an nspawn machine's name */
int session_opt_container(void *cmd, const char *v, const char *what)
{
	size_t n = strlen(v);

	if (!n || n >= sizeof(sess(cmd)->container) || strchr(v, '/'))
		return err_set(EINVAL, "%s: a container id (or a unique prefix of it)", what);
	fmt_snprintf(sess(cmd)->container, sizeof(sess(cmd)->container), "%s", v);
	return 0;
}

int session_opt_all(void *cmd, const char *v, const char *what)
{
	(void)v;
	(void)what;
	sess(cmd)->all = true;
	return 0;
}

int session_opt_no_tls(void *cmd, const char *v, const char *what)
{
	(void)v;
	(void)what;
	sess(cmd)->no_tls = true;
	return 0;
}

int session_opt_capture(void *cmd, const char *v, const char *what)
{
	unsigned long n;

	if (!opt_uint(v, 0, DATA_CAP_MAX, &n))
		return err_set(EINVAL, "%s: a number of bytes, 0 to " RT_STR(DATA_CAP_MAX), what);
	sess(cmd)->capture = (uint32_t)n;
	return 0;
}

int session_opt_perf_buffer(void *cmd, const char *v, const char *what)
{
	(void)v;
	(void)what;
	sess(cmd)->perf_buffer = true;
	return 0;
}

int session_opt_ring_size(void *cmd, const char *v, const char *what)
{
	uint64_t s = util_parse_size(v);

	if (s < 4096 || s > (1u << 30) || (s & (s - 1)))
		return err_set(EINVAL, "%s: a power of two from 4K to 1G", what);
	sess(cmd)->ring_size = (uint32_t)s;
	sess(cmd)->ring_size_set = true;
	return 0;
}

int session_opt_perf_pages(void *cmd, const char *v, const char *what)
{
	unsigned long p;

	if (!opt_uint(v, 1, 4096, &p) || (p & (p - 1)))
		return err_set(EINVAL, "%s: a power of two up to 4096", what);
	sess(cmd)->perf_pages = (uint32_t)p;
	return 0;
}

int session_opt_binary(void *cmd, const char *v, const char *what)
{
	struct session_opts *o = sess(cmd);
	const int max = (int)(sizeof(o->binaries) / sizeof(o->binaries[0]));

	(void)what;
	if (o->n_binaries == max)
		return err_set(EINVAL, "--binary: at most %d", max);
	o->binaries[o->n_binaries++] = v;
	return 0;
}

void session_probes_help(FILE *f)
{
	for (size_t i = 0; i < n_probes; i++)
		fmt_fprintf(f, "  %-9s %s\n", probes[i].name, probes[i].summary);
}

bool session_opts_has(const struct session_opts *o, const char *probe)
{
	for (int i = 0; i < o->n_probes; i++)
		if (!strcmp(o->probes[i]->name, probe))
			return true;
	return false;
}

/* A probe selected that reads the same records as `probe` (the socket
 * probes: http's options serve postgres, mysql, redis, memcached too) */
static bool shares_capture(const struct session_opts *o, const char *probe)
{
	const struct probe *p = probe_find(probe);

	for (int i = 0; p && i < o->n_probes; i++)
		if (o->probes[i]->ev_type == p->ev_type)
			return true;
	return false;
}

int session_opts_need(struct session_opts *o, const struct opt *rows, uint64_t given, bool add,
		      const char *list_opt)
{
	for (int i = 0; i < OPT_MAX && (rows[i].name || rows[i].help); i++) {
		const char *p = rows[i].probe;
		int e;

		if (!p || !(given >> i & 1) || session_opts_has(o, p) || shares_capture(o, p))
			continue;
		if (add && (e = session_opts_add_probes(o, p)))
			return e;
		if (add)
			continue;
		if (!list_opt)
			return err_set(EINVAL, "%s is for the %s probe", rows[i].name, p);
		return err_set(EINVAL, "%s is for the %s probe: add %s to %s (or leave %s out)",
			       rows[i].name, p, p, list_opt, list_opt);
	}
	return 0;
}
