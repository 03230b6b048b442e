/* Kernel events as OTLP log records: one per exec, exit and open, with
 * semantic-convention attributes where they exist (process.*, file.path,
 * error.type) and rawtel.* where they do not. */
#include <stdio.h>
#include <string.h>

#include "agent_int.h"
#include "rawtel/fmt.h"
#include "rawtel/names.h"

/* SeverityNumber: INFO 9, WARN 13, ERROR 17 */
#define SEV_INFO 9
#define SEV_WARN 13
#define SEV_ERROR 17

static const char *sev_text(uint32_t sev)
{
	return sev >= SEV_ERROR ? "ERROR" : sev >= SEV_WARN ? "WARN" : "INFO";
}

#define MAX_ATTRS 16

static int add_log(struct agent *a, struct agent_proc *pr, uint64_t ts, uint32_t sev,
		const char *event, const char *body, const struct otlp_kv *attrs,
		uint32_t n_attrs)
{
	struct otlp_log l;

	memset(&l, 0, sizeof(l));
	l.time_ns = ts;
	l.observed_ns = agent_now_ns();
	l.severity = sev;
	l.severity_text = otlp_s(sev_text(sev));
	l.body = (struct otlp_value){ OTLP_V_STRING, (uint32_t)strlen(body), { .s = body } };
	l.attrs = attrs;
	l.n_attrs = n_attrs;
	l.event_name = otlp_s(event);
	return agent_add_log(a, pr, &l);
}

void agent_on_exec(struct agent *a, const struct ev_exec *e, size_t len)
{
	struct exec_args args;
	struct otlp_kv kv[MAX_ATTRS];
	struct otlp_value argv[EXEC_ARGS_MAX + 1];
	char body[512], comm[17];
	const char *err = e->ret < 0 ? names_errno(e->ret) : NULL, *s;
	size_t off = 0, l;
	uint32_t n = 0, ppid = probe_ppid(&a->seed, e->h.pid, e->ppid);
	struct agent_proc *pr;

	pfmt_comm(comm, e->comm);
	if (e->h.flags & EXEC_F_COMPAT)
		compat_exec_note(e->h.pid, comm);
	pr = procs_get(&a->procs, e->h.pid, comm);
	if (!e->ret)
		procs_exec(&a->procs, pr, e->filename);
	procs_parent(&a->procs, pr, ppid);
	kv[n++] = otlp_kv_int("process.pid", e->h.pid);
	kv[n++] = otlp_kv_int("process.parent_pid", ppid);
	kv[n++] = otlp_kv_int("thread.id", e->h.tid);
	kv[n++] = otlp_kv_str("process.executable.path", e->filename);
	kv[n++] = otlp_kv_int("process.user.id", e->uid);
	kv[n++] = otlp_kv_str("process.command", comm);
	if (err)
		kv[n++] = otlp_kv_str("error.type", err);
	if (a->o->capture_args) {
		/* arguments can hold secrets: only when asked for */
		uint32_t c = 0;
		probe_exec_args(e, len, &args);
		while (c < args.argc && c < EXEC_ARGS_MAX && (s = probe_exec_arg_next(&args, &off, &l)))
			argv[c++] = (struct otlp_value){ OTLP_V_STRING, (uint32_t)l, { .s = s } };
		kv[n] = (struct otlp_kv){ OTLP_S("process.command_args"),
					  { OTLP_V_ARRAY, c, { .arr = argv } } };
		n++;
		if (args.truncated)
			kv[n++] = otlp_kv_bool("rawtel.exec.args_truncated", 1);
	}
	fmt_snprintf(body, sizeof(body), err ? "exec %.256s failed: %s" : "exec %.256s", e->filename,
		 err ? err : "");
	add_log(a, pr, agent_wall_ns(a, e->h.ts), err ? SEV_WARN : SEV_INFO, "rawtel.process.exec",
	     body, kv, n);
}

static bool crash_signal(uint32_t sig)
{
	/* SIGILL SIGABRT SIGBUS SIGFPE SIGSEGV SIGSYS: a program error */
	return sig == 4 || sig == 6 || sig == 7 || sig == 8 || sig == 11 || sig == 31;
}

void agent_on_exit(struct agent *a, const struct ev_exit *e)
{
	struct exit_info x;
	struct otlp_kv kv[MAX_ATTRS];
	char body[128], comm[17], sig[24];
	uint32_t n = 0, sev = SEV_INFO;
	struct agent_proc *pr;

	probe_exit_info(e, &a->seed, &x);
	pfmt_comm(comm, e->comm);
	pr = procs_get(&a->procs, e->h.pid, comm);
	procs_parent(&a->procs, pr, x.ppid);
	kv[n++] = otlp_kv_int("process.pid", e->h.pid);
	kv[n++] = otlp_kv_int("process.parent_pid", x.ppid);
	kv[n++] = otlp_kv_str("process.command", comm);
	if (x.has_code) {
		kv[n++] = otlp_kv_int("process.exit.code", x.code);
		fmt_snprintf(body, sizeof(body), "exit %s: code %u", comm, x.code);
		sev = x.code ? SEV_WARN : SEV_INFO;
	} else if (x.has_signal) {
		names_signal((int)x.code, sig, sizeof(sig));
		kv[n++] = otlp_kv_str("rawtel.exit.signal", sig);
		fmt_snprintf(body, sizeof(body), "exit %s: killed by %s", comm, sig);
		sev = crash_signal(x.code) ? SEV_ERROR : SEV_WARN;
	} else {
		fmt_snprintf(body, sizeof(body), "exit %s", comm);
	}
	if (x.has_start)
		kv[n++] = otlp_kv_double("rawtel.process.lifetime", (double)x.lifetime_ns / 1e9);
	if (!a->o->exit_internal)
		add_log(a, pr, agent_wall_ns(a, e->h.ts), sev, "rawtel.process.exit", body, kv, n);
	/* its connections end with it (their last spans use its resource) */
	ahttp_on_exit(a, e->h.pid, e->h.ts);
	procs_forget(&a->procs, pr);
}

void agent_on_open(struct agent *a, const struct ev_open *e, size_t len)
{
	struct otlp_kv kv[MAX_ATTRS];
	char body[OPEN_PATH_MAX + 64], comm[17], flags[200];
	const char *err = e->ret < 0 ? names_errno(e->ret) : NULL;
	int plen = (int)strnlen(e->path, len - OPEN_OFF_PATH);
	char path[OPEN_PATH_MAX + 1];
	uint32_t n = 0;
	struct agent_proc *pr;

	pfmt_comm(comm, e->comm);
	pr = procs_get(&a->procs, e->h.pid, comm);
	memcpy(path, e->path, (size_t)plen);
	path[plen] = 0;
	names_open_flags(e->oflags, flags, sizeof(flags));
	kv[n++] = otlp_kv_str("file.path", path);
	kv[n++] = otlp_kv_int("process.pid", e->h.pid);
	kv[n++] = otlp_kv_int("thread.id", e->h.tid);
	kv[n++] = otlp_kv_str("rawtel.open.flags", flags);
	if (err)
		kv[n++] = otlp_kv_str("error.type", err);
	else
		kv[n++] = otlp_kv_int("rawtel.open.fd", e->ret);
	fmt_snprintf(body, sizeof(body), err ? "open %s: %s" : "open %s", path, err ? err : "");
	add_log(a, pr, agent_wall_ns(a, e->h.ts), SEV_INFO, "rawtel.file.open", body, kv, n);
}
