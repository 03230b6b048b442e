/* ident_read: a process's identity from its /proc files (parsers in
 * ident.c; see include/rawtel/ident.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/fmt.h"
#include "rawtel/ident.h"
#include "rawtel/util.h"

/* environ can be large; the OTEL_* names are usually set by whoever
 * started the program, early in it, and what is past this is not read */
#define ENV_READ_MAX (64 << 10)

int ident_read(uint32_t pid, struct ident *id)
{
	char path[48], *buf;
	int n;

	memset(id, 0, sizeof(*id));
	if (!(buf = malloc(ENV_READ_MAX)))
		return -ENOMEM;
	fmt_snprintf(path, sizeof(path), "/proc/%u/cgroup", pid);
	n = util_read_file(path, buf, 8192);
	if (n < 0) {
		free(buf);
		return -ENOENT;
	}
	ident_cgroup(buf, (size_t)n, &id->cg);
	fmt_snprintf(path, sizeof(path), "/proc/%u/status", pid);
	n = util_read_file(path, buf, 8192);
	if (n > 0 && (id->ns_levels = ident_nspid(buf, (size_t)n, &id->nspid)) < 0)
		id->ns_levels = 0, id->nspid = 0;
	/* readable for the process's owner or with CAP_SYS_PTRACE */
	fmt_snprintf(path, sizeof(path), "/proc/%u/environ", pid);
	n = util_read_file(path, buf, ENV_READ_MAX);
	if (n > 0)
		ident_service(buf, (size_t)n, id->service, sizeof(id->service));
	free(buf);
	return 0;
}
