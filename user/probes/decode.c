/* What the probes' records mean, beyond their raw fields. */
#include <stdio.h>
#include <string.h>

#include "rawtel/fmt.h"
#include "rawtel/probes.h"
#include "rawtel/util.h"

uint32_t probe_ppid(const struct proctab *seed, uint32_t pid, uint32_t kernel_ppid)
{
	const struct proc_ent *e;
	struct proc_ent live;

	if (kernel_ppid)
		return kernel_ppid;
	/* created before rawtel started: /proc now, else what start-up saw */
	if (proctab_read(pid, &live) == 0)
		return live.ppid;
	e = seed ? proctab_get(seed, pid) : NULL;
	return e ? e->ppid : 0;
}

static size_t cmdline(uint32_t pid, char *buf, size_t size, unsigned *argc)
{
	char path[48];
	int n;

	*argc = 0;
	fmt_snprintf(path, sizeof(path), "/proc/%u/cmdline", pid);
	n = util_read_file(path, buf, size);
	if (n <= 0)
		return 0;
	if (buf[n - 1] != 0)
		n++;	/* the terminating NUL util_read_file wrote */
	for (int i = 0; i < n; i++)
		*argc += buf[i] == 0;
	return (size_t)n;
}

void probe_exec_args(const struct ev_exec *e, size_t len, struct exec_args *a)
{
	a->data = e->data;
	a->dlen = e->dlen;
	if (a->dlen > len - EXEC_OFF_DATA)
		a->dlen = len - EXEC_OFF_DATA;
	a->argc = e->argc;
	a->truncated = e->h.flags & EXEC_F_ARGS_TRUNC;
	a->source = e->h.flags & EXEC_F_ARGS_LATE ? "exit" : "entry";
	if (!(e->h.flags & EXEC_F_ARGS_FAULT))
		return;
	/* unreadable in the kernel: what /proc says now, if anything */
	a->dlen = e->ret == 0 ? cmdline(e->h.pid, a->buf, sizeof(a->buf), &a->argc) : 0;
	a->data = a->buf;
	a->truncated = false;
	a->source = a->dlen ? "proc" : "unavailable";
	if (!a->dlen)
		a->argc = 0;
}

const char *probe_exec_arg_next(const struct exec_args *a, size_t *off, size_t *len)
{
	const char *s;

	if (*off >= a->dlen)
		return NULL;
	s = a->data + *off;
	*len = strnlen(s, a->dlen - *off);
	*off += *len + 1;
	return s;
}

void probe_exit_info(const struct ev_exit *e, const struct proctab *seed,
		     struct exit_info *x)
{
	const struct proc_ent *s = seed ? proctab_get(seed, e->h.pid) : NULL;

	memset(x, 0, sizeof(*x));
	x->ppid = e->ppid ? e->ppid : s ? s->ppid : 0;
	x->has_code = e->h.flags & EXIT_F_CODE;
	x->has_signal = e->h.flags & EXIT_F_SIGNAL;
	x->code = e->code;
	if (e->h.flags & EXIT_F_START)
		x->start_ns = e->start;
	else if (s)
		x->start_ns = s->start_ns;
	x->has_start = x->start_ns && e->h.ts >= x->start_ns;
	if (x->has_start)
		x->lifetime_ns = e->h.ts - x->start_ns;
}
