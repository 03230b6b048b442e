/* 32-bit processes on a 64-bit kernel (a 32-bit ARM userland on an arm64
 * kernel, say): the kernel's syscalls:* tracepoints do not fire for such
 * compat tasks, so the syscall probes cannot see them. rawtel names the
 * ones running when it starts rather than miss them silently. Their opens
 * the open probe does see, on arm64 kernels with task registers
 * (kern/compat.S, through raw_syscalls). */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rawtel/feature.h"
#include "rawtel/fmt.h"
#include "rawtel/util.h"
#include "rawtel/probes.h"
#include "rt_ptrace.h"

/* 1 if /proc/PID/exe is a 32-bit ELF file, else 0 (kernel threads have
 * none; a process gone meanwhile is not one either) */
static int is_elf32(const char *pid)
{
	char path[64];
	unsigned char id[5];
	int fd;
	ssize_t n;

	fmt_snprintf(path, sizeof(path), "/proc/%s/exe", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, id, sizeof(id));
	close(fd);
	return n == (ssize_t)sizeof(id) && !memcmp(id, "\177ELF", 4) && id[4] == 1;
}

/* append " PID (COMM)" to buf */
static void name_one(const char *pid, char *buf, size_t size)
{
	char path[64], comm[32];
	size_t n = strlen(buf);

	fmt_snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	if (util_read_file(path, comm, sizeof(comm)) < 0)
		strcpy(comm, "?");
	comm[strcspn(comm, "\n")] = 0;
	fmt_snprintf(buf + n, size - n, "%s %s (%s)", n ? "," : "", pid, comm);
}

int compat_unseen(char *buf, size_t size)
{
	DIR *d;
	struct dirent *e;
	int count = 0;

	buf[0] = 0;
#if UINTPTR_MAX == 0xffffffffu
	/* a 32-bit rawtel: its kernel's tracepoints see its own kind */
	return 0;
#endif
	if (!(d = opendir("/proc")))
		return 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9' || !is_elf32(e->d_name))
			continue;
		if (count++ < 8)
			name_one(e->d_name, buf, size);
	}
	closedir(d);
	if (count > 8) {
		size_t n = strlen(buf);
		fmt_snprintf(buf + n, size - n, " and %d more", count - 8);
	}
	return count;
}

void compat_warn(void)
{
	char who[512];

	if (compat_unseen(who, sizeof(who)) > 0)
		fmt_fprintf(stderr, "rawtel: not seen by the syscall probes%s: 32-bit processes, whose "
			"syscalls this 64-bit kernel's tracepoints skip:%s\n",
			PT_REGS_COMPAT_STATE && feature_has(FEAT_TASK_REGS) ? " but open" : "", who);
}

void compat_exec_note(uint32_t pid, const char *comm)
{
	fmt_fprintf(stderr, "rawtel: not seen by the syscall probes but exec and open: 32-bit "
		"process %u (%s), started by exec\n", pid, comm);
}
