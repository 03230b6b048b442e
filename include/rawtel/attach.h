/* Attaching loaded programs to kernel hooks (user/trace/attach.c). An
 * attachment owns the perf event fd and, where the kernel has them, a BPF
 * link fd; attach_close releases both (the kernel detaches on close, so
 * even a crash leaves nothing attached). */
#ifndef RAWTEL_ATTACH_H
#define RAWTEL_ATTACH_H

#include <stdbool.h>
#include <stdint.h>

struct attach {
	int perf_fd;
	int link_fd;		/* -1 when attached with PERF_EVENT_IOC_SET_BPF */
	char what[160];		/* "tracepoint syscalls/sys_enter_openat" */
};

/* Attach prog_fd to tracepoint `tp` ("cat/event"), for all CPUs and
 * processes. Uses a BPF link when available, else the ioctl. */
int attach_tracepoint(int prog_fd, const char *tp, struct attach *out);
void attach_close(struct attach *a);

/* perf_event_open(2) wrapper: fd or -errno. */
int attach_perf_event_open(void *attr, int pid, int cpu, int group,
			   unsigned long flags);

/* Whether BPF links on perf events work here (probed once, then cached
 * by attach_tracepoint from its first attempt). */
bool attach_links_supported(void);

#endif
