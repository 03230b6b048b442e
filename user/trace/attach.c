/* Tracepoint attachment: perf_event_open(PERF_TYPE_TRACEPOINT) on one CPU
 * with pid -1 (a BPF program on a tracepoint runs on every CPU regardless),
 * then BPF_LINK_CREATE (5.15+) or PERF_EVENT_IOC_SET_BPF + ENABLE. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rawtel/attach.h"
#include "rawtel/bpf.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/tracefs.h"
#include "uprobe_int.h"
#include "rt_perf.h"

/* -1 unknown, 0 no, 1 yes: learnt from the first attach */
static int links_ok = -1;

int attach_perf_event_open(void *attr, int pid, int cpu, int group,
			   unsigned long flags)
{
	long r = syscall(RT_NR_perf_event_open, attr, pid, cpu, group, flags);

	return r < 0 ? -errno : (int)r;
}

/* Online CPU to open the event on: the first one we may use. */
static int first_cpu(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (int i = 0; i < CPU_SETSIZE; i++)
			if (CPU_ISSET(i, &set))
				return i;
	return 0;
}

int attach_tracepoint(int prog_fd, const char *tp, struct attach *out)
{
	struct rt_perf_event_attr pa;
	const struct tp_format *fmt;
	int r, fd;

	memset(out, 0, sizeof(*out));
	out->perf_fd = out->link_fd = -1;
	fmt_snprintf(out->what, sizeof(out->what), "tracepoint %s", tp);
	r = tracefs_format(tp, &fmt);
	if (r)
		return err_wrap(r, "cannot attach %s", out->what);
	memset(&pa, 0, sizeof(pa));
	pa.type = RT_PERF_TYPE_TRACEPOINT;
	pa.size = sizeof(pa);
	pa.config = fmt->id;
	pa.sample_period = 1;
	pa.wakeup_events = 1;
	fd = attach_perf_event_open(&pa, -1, first_cpu(), -1, RT_PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return err_set(-fd, "cannot attach %s: perf_event_open: %s%s", out->what,
			       strerror(-fd), fd == -EACCES || fd == -EPERM ?
			       " (needs root, or CAP_PERFMON)" : "");
	out->perf_fd = fd;
	return attach_perf_prog(prog_fd, 0, out, NULL);
}

int attach_perf_prog(int prog_fd, uint64_t cookie, struct attach *a, bool *cookie_ok)
{
	int r;

	if (cookie_ok)
		*cookie_ok = false;
	if (links_ok != 0) {
		r = bpf_link_perf_event(prog_fd, a->perf_fd, cookie);
		if (r >= 0) {
			links_ok = 1;
			a->link_fd = r;
			if (cookie_ok)
				*cookie_ok = true;
			return 0;
		}
		/* EINVAL/EOPNOTSUPP: no perf-event links (before 5.15);
		 * fall back to the ioctl and do not try links again */
		if (r != -EINVAL && r != -EOPNOTSUPP && r != -ENOSYS) {
			attach_close(a);
			return err_set(-r, "cannot attach %s: BPF link: %s", a->what, strerror(-r));
		}
		links_ok = 0;
	}
	if (ioctl(a->perf_fd, RT_PERF_IOC_SET_BPF, prog_fd) < 0 ||
	    ioctl(a->perf_fd, RT_PERF_IOC_ENABLE, 0) < 0) {
		int e = errno;
		attach_close(a);
		return err_set(e, "cannot attach %s: %s", a->what, strerror(e));
	}
	return 0;
}

void attach_close(struct attach *a)
{
	if (a->link_fd >= 0)
		close(a->link_fd);
	if (a->perf_fd >= 0) {
		if (a->link_fd < 0)
			ioctl(a->perf_fd, RT_PERF_IOC_DISABLE, 0);
		close(a->perf_fd);
	}
	a->link_fd = a->perf_fd = -1;
	if (a->tracefs_event[0])
		uprobe_tracefs_remove(a->tracefs_event);
	a->tracefs_event[0] = 0;
}
