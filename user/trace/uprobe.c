/* Uprobes: the uprobe PMU (perf_event_open with the file path and offset)
 * where the kernel has it, else an entry written to tracefs uprobe_events
 * and opened as a tracepoint. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rawtel/attach.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/tracefs.h"
#include "rawtel/util.h"
#include "rt_perf.h"
#include "uprobe_int.h"

/* -1 unknown, else the PMU's perf type; and the config bit of retprobes */
static int pmu_type = -2, ret_bit = -1;

static void probe_pmu(void)
{
	char buf[64];

	pmu_type = -1;
	/* the path kernels before 4.17 take, forced so it is tested here */
	if (getenv("RAWTEL_UPROBE_TRACEFS"))
		return;
	if (util_read_file("/sys/bus/event_source/devices/uprobe/type", buf, sizeof(buf)) >= 0)
		pmu_type = atoi(buf);
	/* "config:0": the bit that makes it a return probe */
	if (util_read_file("/sys/bus/event_source/devices/uprobe/format/retprobe", buf,
			   sizeof(buf)) >= 0 &&
	    !strncmp(buf, "config:", 7))
		ret_bit = atoi(buf + 7);
	if (ret_bit < 0 || ret_bit > 63)
		pmu_type = -1;
}

static int write_events(const char *line)
{
	const char *root;
	char path[300];
	int fd, r = tracefs_root(&root);
	ssize_t n;

	if (r)
		return r;
	fmt_snprintf(path, sizeof(path), "%s/uprobe_events", root);
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, line, strlen(line));
	r = n == (ssize_t)strlen(line) ? 0 : -(n < 0 ? errno : EIO);
	close(fd);
	return r;
}

void uprobe_tracefs_remove(const char *event)
{
	char line[96];

	fmt_snprintf(line, sizeof(line), "-:%s\n", event);
	write_events(line);
}

/* "p:rawtel_PID/p_N PATH:0xOFF", then the event's id for perf_event_open */
static int tracefs_uprobe(const char *path, uint64_t offset, bool ret, struct attach *a,
			  uint32_t *id)
{
	static unsigned seq;
	const char *root;
	char line[4400], idpath[400], buf[32];
	int r;

	if (strchr(path, ' ') || strchr(path, '\n'))
		return err_set(EINVAL, "cannot probe %s through uprobe_events: its path has a space",
			       path);
	fmt_snprintf(a->tracefs_event, sizeof(a->tracefs_event), "rawtel_%d/%c_%u", getpid(),
		 ret ? 'r' : 'p', seq++);
	fmt_snprintf(line, sizeof(line), "%c:%s %s:0x%llx\n", ret ? 'r' : 'p', a->tracefs_event, path,
		 (unsigned long long)offset);
	r = write_events(line);
	if (r) {
		a->tracefs_event[0] = 0;
		return err_set(-r, "cannot create a uprobe at %s:0x%llx in uprobe_events: %s", path,
			       (unsigned long long)offset, strerror(-r));
	}
	if ((r = tracefs_root(&root)) == 0) {
		fmt_snprintf(idpath, sizeof(idpath), "%s/events/%s/id", root, a->tracefs_event);
		r = util_read_file(idpath, buf, sizeof(buf));
	}
	if (r < 0) {
		uprobe_tracefs_remove(a->tracefs_event);
		a->tracefs_event[0] = 0;
		return err_set(-r, "cannot read the id of uprobe %s", line);
	}
	*id = (uint32_t)atoi(buf);
	return 0;
}

int uprobe_attach(int prog_fd, const char *path, uint64_t offset, bool retprobe,
		  int pid, uint64_t cookie, bool *cookie_ok, struct attach *out)
{
	struct rt_perf_event_attr pa;
	uint32_t id;
	int fd, r;

	memset(out, 0, sizeof(*out));
	out->perf_fd = out->link_fd = -1;
	fmt_snprintf(out->what, sizeof(out->what), "%s %s:0x%llx", retprobe ? "uretprobe" : "uprobe",
		 path, (unsigned long long)offset);
	if (pmu_type == -2)
		probe_pmu();
	memset(&pa, 0, sizeof(pa));
	pa.size = sizeof(pa);
	pa.sample_period = 1;
	pa.wakeup_events = 1;
	if (pmu_type >= 0) {
		pa.type = (uint32_t)pmu_type;
		pa.config = retprobe ? 1ULL << ret_bit : 0;
		pa.config1 = (uint64_t)(uintptr_t)path;	/* uprobe_path */
		pa.config2 = offset;			/* probe_offset */
	} else {
		if ((r = tracefs_uprobe(path, offset, retprobe, out, &id)))
			return r;
		pa.type = RT_PERF_TYPE_TRACEPOINT;
		pa.config = id;
	}
	/* one process: any CPU it runs on; all processes: one event that the
	 * kernel runs wherever the probed code executes */
	fd = attach_perf_event_open(&pa, pid > 0 ? pid : -1, pid > 0 ? -1 : 0, -1,
				    RT_PERF_FLAG_FD_CLOEXEC);
	/* The uprobe PMU wants CAP_SYS_ADMIN, which a container given only
	 * BPF and PERFMON lacks (EACCES): tracefs' uprobe_events asks for
	 * write access to the file instead, so take that path from now on */
	if ((fd == -EACCES || fd == -EPERM) && pmu_type >= 0) {
		pmu_type = -1;
		return uprobe_attach(prog_fd, path, offset, retprobe, pid, cookie, cookie_ok, out);
	}
	if (fd < 0) {
		attach_close(out);
		return err_set(-fd, "cannot attach %s: %s%s", out->what, strerror(-fd),
			       fd == -ENOENT ? " (no such file)" : fd == -ESRCH ?
			       " (no such process)" : fd == -EINVAL ?
			       " (offset is not at an instruction in the file?)" : "");
	}
	out->perf_fd = fd;
	return attach_perf_prog(prog_fd, cookie, out, cookie_ok);
}

void uprobe_cleanup_stale(void)
{
	const char *root;
	char path[300], *line = NULL;
	size_t cap = 0;
	FILE *f;

	if (tracefs_root(&root))
		return;
	fmt_snprintf(path, sizeof(path), "%s/uprobe_events", root);
	f = fopen(path, "re");
	if (!f)
		return;
	/* "p:rawtel_1234/p_0 /usr/lib/...": group rawtel_PID of a dead PID */
	while (util_getline(&line, &cap, f) > 0) {
		unsigned long pid;
		const char *ev;
		char *fl[1], name[96];

		if (util_fields(line, fl, 1) != 1 || strncmp(fl[0] + 1, ":rawtel_", 8) ||
		    util_ulong(fl[0] + 9, 10, '/', &pid, &ev) || !pid || pid > 0x3fffffff)
			continue;
		if (kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
			fmt_snprintf(name, sizeof(name), "rawtel_%lu/%.63s", pid, ev);
			uprobe_tracefs_remove(name);
		}
	}
	free(line);
	fclose(f);
}
