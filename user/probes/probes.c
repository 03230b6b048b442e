/* exec, exit and open: what each needs from kern/ and how it prints. */
#include <string.h>

#include "rawtel/events.h"
#include "rawtel/names.h"
#include "rawtel/probes.h"

/* ---- exec --------------------------------------------------------------- */
static void exec_header(const struct probe_out *o)
{
	fprintf(o->f, "%-12s %-7s %-16s %-7s %-6s %-6s %s\n", "TIME", "PID", "COMM", "PPID",
		"UID", "RET", "ARGS");
}

static void exec_print(const struct probe_out *o, const void *rec, size_t len)
{
	const struct ev_exec *e = rec;
	struct exec_args args;
	const char *err, *arg;
	char comm[17];
	size_t off = 0, l;
	uint32_t ppid = probe_ppid(o->seed, e->h.pid, e->ppid);

	probe_exec_args(e, len, &args);
	pfmt_comm(comm, e->comm);
	err = e->ret < 0 ? names_errno(e->ret) : NULL;
	if (o->json) {
		pfmt_json_prefix(o, "exec", e->h.ts, e->h.pid, e->h.tid, comm);
		fprintf(o->f, ",\"ppid\":%u,\"uid\":%u,\"ret\":%d", ppid, e->uid, e->ret);
		if (err)
			fprintf(o->f, ",\"error\":\"%s\"", err);
		fputs(",\"filename\":", o->f);
		pfmt_json_str(o->f, e->filename, sizeof(e->filename));
		fputs(",\"argv\":[", o->f);
		for (unsigned i = 0; i < args.argc && (arg = probe_exec_arg_next(&args, &off, &l)); i++) {
			if (i)
				fputc(',', o->f);
			pfmt_json_str(o->f, arg, l);
		}
		fprintf(o->f, "],\"args_truncated\":%s,\"args_source\":\"%s\"}\n",
			args.truncated ? "true" : "false", args.source);
		return;
	}
	pfmt_prefix(o, "exec", e->h.ts, e->h.pid, comm);
	if (o->multi)
		fprintf(o->f, "ppid=%u uid=%u ret=%s ", ppid, e->uid, err ? err : "0");
	else if (err)
		fprintf(o->f, "%-7u %-6u %-6s ", ppid, e->uid, err);
	else
		fprintf(o->f, "%-7u %-6u %-6d ", ppid, e->uid, e->ret);
	/* the filename, then argv[1..]: what ran and how, as execsnoop shows it */
	fprintf(o->f, "%.*s", (int)strnlen(e->filename, sizeof(e->filename)), e->filename);
	for (unsigned i = 0; i < args.argc && (arg = probe_exec_arg_next(&args, &off, &l)); i++)
		if (i > 0)
			fprintf(o->f, " %.*s", (int)l, arg);
	if (!strcmp(args.source, "unavailable"))
		fputs(" [arguments unreadable]", o->f);
	fputs(args.truncated ? " ...\n" : "\n", o->f);
}

/* ---- exit --------------------------------------------------------------- */
static void exit_header(const struct probe_out *o)
{
	fprintf(o->f, "%-12s %-7s %-16s %-7s %-10s %s\n", "TIME", "PID", "COMM", "PPID",
		"AGE(s)", "EXIT");
}

static void exit_print(const struct probe_out *o, const void *rec, size_t len)
{
	const struct ev_exit *e = rec;
	struct exit_info x;
	char comm[17], age[32] = "-", how[48], sig[24];

	(void)len;
	probe_exit_info(e, o->seed, &x);
	pfmt_comm(comm, e->comm);
	if (x.has_start)
		snprintf(age, sizeof(age), "%.3f", (double)x.lifetime_ns / 1e9);
	if (x.has_signal)
		snprintf(how, sizeof(how), "signal %u (%s)", x.code,
			 names_signal((int)x.code, sig, sizeof(sig)));
	else if (x.has_code)
		snprintf(how, sizeof(how), "code %u", x.code);
	else
		snprintf(how, sizeof(how), "unknown");
	if (o->json) {
		pfmt_json_prefix(o, "exit", e->h.ts, e->h.pid, e->h.tid, comm);
		fprintf(o->f, ",\"ppid\":%u", x.ppid);
		if (x.has_code)
			fprintf(o->f, ",\"exit_code\":%u", x.code);
		if (x.has_signal)
			fprintf(o->f, ",\"signal\":%u,\"signal_name\":\"%s\"", x.code,
				names_signal((int)x.code, sig, sizeof(sig)));
		if (x.has_start)
			fprintf(o->f, ",\"lifetime_ns\":%llu", (unsigned long long)x.lifetime_ns);
		fputs("}\n", o->f);
		return;
	}
	pfmt_prefix(o, "exit", e->h.ts, e->h.pid, comm);
	if (o->multi)
		fprintf(o->f, "ppid=%u age=%ss %s\n", x.ppid, age, how);
	else
		fprintf(o->f, "%-7u %-10s %s\n", x.ppid, age, how);
}

/* ---- open --------------------------------------------------------------- */
static void open_header(const struct probe_out *o)
{
	fprintf(o->f, "%-12s %-7s %-16s %-8s %-26s %s\n", "TIME", "PID", "COMM", "FD/ERR",
		"FLAGS", "PATH");
}

static void open_print(const struct probe_out *o, const void *rec, size_t len)
{
	const struct ev_open *e = rec;
	size_t plen = len - OPEN_OFF_PATH;
	char comm[17], flags[200], res[24];
	const char *err = e->ret < 0 ? names_errno(e->ret) : NULL;

	pfmt_comm(comm, e->comm);
	names_open_flags(e->oflags, flags, sizeof(flags));
	if (err)
		snprintf(res, sizeof(res), "%s", err);
	else
		snprintf(res, sizeof(res), "%d", e->ret);
	if (o->json) {
		pfmt_json_prefix(o, "open", e->h.ts, e->h.pid, e->h.tid, comm);
		fprintf(o->f, ",\"uid\":%u,\"ret\":%d", e->uid, e->ret);
		if (err)
			fprintf(o->f, ",\"error\":\"%s\"", err);
		fprintf(o->f, ",\"flags\":%u,\"flags_names\":\"%s\",\"mode\":%u,\"path\":",
			e->oflags, flags, e->mode);
		pfmt_json_str(o->f, e->path, plen);
		fputs("}\n", o->f);
		return;
	}
	pfmt_prefix(o, "open", e->h.ts, e->h.pid, comm);
	if (o->multi)
		fprintf(o->f, "%s=%s %s %.*s\n", err ? "err" : "fd", res, flags,
			(int)strnlen(e->path, plen), e->path);
	else
		fprintf(o->f, "%-8s %-26s %.*s\n", res, flags, (int)strnlen(e->path, plen),
			e->path);
}

const struct probe probes[] = {
	{ "exec", "processes started: execve/execveat with arguments and result", EV_EXEC,
	  { "proc", "exec" },
	  { { "proc_fork", false }, { "exec_enter", false }, { "exec_exit", false },
	    { "execat_enter", true }, { "execat_exit", true }, { "exec_sched", false } },
	  exec_header, exec_print, EXEC_OFF_DATA },
	{ "exit", "processes ended: exit code or killing signal, lifetime", EV_EXIT,
	  { "proc", "exit" },
	  { { "proc_fork", false }, { "exit_group_enter", false }, { "exit_thread_enter", false },
	    { "exit_signal", false }, { "exit_exec", false }, { "exit_done", false } },
	  exit_header, exit_print, EXIT_REC_SIZE },
	{ "open", "files opened: open/openat/openat2 with flags and result", EV_OPEN,
	  { "open" },
	  { { "open_enter_openat", false }, { "open_exit_openat", false },
	    { "open_enter_open", true }, { "open_exit_open", true },
	    { "open_enter_openat2", true }, { "open_exit_openat2", true } },
	  open_header, open_print, OPEN_OFF_PATH + 1 },
};
const size_t n_probes = sizeof(probes) / sizeof(probes[0]);

const struct probe *probe_find(const char *name)
{
	for (size_t i = 0; i < n_probes; i++)
		if (!strcmp(probes[i].name, name))
			return &probes[i];
	return NULL;
}

const struct probe *probe_by_type(uint16_t type)
{
	for (size_t i = 0; i < n_probes; i++)
		if (probes[i].ev_type == type)
			return &probes[i];
	return NULL;
}

void probe_print_header(const struct probe_out *o, const struct probe *only)
{
	if (o->json)
		return;
	if (only) {
		only->header(o);
		return;
	}
	fprintf(o->f, "%-12s %-5s %-7s %-16s %s\n", "TIME", "EVENT", "PID", "COMM", "DETAILS");
}
