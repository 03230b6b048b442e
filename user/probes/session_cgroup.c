/* --cgroup PATH and --container ID: the cgroup v2 ids the kernel selects
 * by (cgsel, kern/common.h FILTER_CGROUP). The id the kernel reports for
 * a task (bpf_get_current_cgroup_id) is its cgroup v2 directory's kernfs
 * id: the inode number on 64-bit kernels, but with a generation in the
 * high half on 32-bit ones; name_to_handle_at returns it whole on both
 * (cgroup2 has file handles since 4.13, the helper came in 4.18). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/ident.h"
#include "rawtel/session.h"
#include "rawtel/util.h"

#define CGROUP2_MAGIC 0x63677270
#define WALK_DEPTH 16

static bool is_cgroup2(const char *dir)
{
	struct statfs fs;

	return statfs(dir, &fs) == 0 && (unsigned long)fs.f_type == CGROUP2_MAGIC;
}

/* Where cgroup v2 is mounted: /sys/fs/cgroup (unified), or
 * /sys/fs/cgroup/unified (systemd's hybrid layout); NULL without it. */
static const char *cg_root(void)
{
	static const char *const roots[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };

	for (size_t i = 0; i < 2; i++)
		if (is_cgroup2(roots[i]))
			return roots[i];
	return NULL;
}

static int cg_id(const char *dir, uint64_t *id)
{
	struct {
		uint32_t bytes;
		int type;
		unsigned char h[8];
	} fh = { 8, 0, { 0 } };
	int mnt;

	if (syscall(SYS_name_to_handle_at, AT_FDCWD, dir, &fh, &mnt, 0))
		return -errno;
	memcpy(id, fh.h, 8);
	return 0;
}

static int add_id(struct session_cgsel *c, uint64_t id)
{
	for (int i = 0; i < c->n; i++)
		if (c->ids[i] == id)
			return 0;
	if (c->n == SESSION_MAX_CGROUPS)
		return err_set(ENOSPC, "over %d cgroups", SESSION_MAX_CGROUPS);
	c->ids[c->n++] = id;
	return 0;
}

/* dir and the cgroups below it, as they are now */
static int walk(struct session_cgsel *c, const char *dir, int depth)
{
	uint64_t id = 0;
	DIR *d;
	struct dirent *de;
	int r;

	if ((r = cg_id(dir, &id)) || (r = add_id(c, id)))
		return r == -ENOSPC ? r : err_set(-r, "cgroup %s: %s", dir, strerror(-r));
	if (depth == WALK_DEPTH || !(d = opendir(dir)))
		return 0;
	while ((de = readdir(d))) {
		char sub[PATH_MAX];

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if ((size_t)fmt_snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name) >= sizeof(sub))
			continue;
		if ((r = walk(c, sub, depth + 1)))
			break;
	}
	closedir(d);
	return r;
}

/* PATH as a directory of the cgroup2 mount, or as /proc/PID/cgroup shows
 * it (relative to the mount) */
static int add_path(struct session_cgsel *c, const char *root, const char *path)
{
	char dir[PATH_MAX];
	struct stat st;

	if (strstr(path, "/..") || !strncmp(path, "..", 2))
		return err_set(EINVAL, "cgroup %s: outside rawtel's cgroup namespace", path);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) && is_cgroup2(path))
		fmt_snprintf(dir, sizeof(dir), "%s", path);
	else
		fmt_snprintf(dir, sizeof(dir), "%s%s%s", root, *path == '/' ? "" : "/", path);
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return err_set(ENOENT, "no cgroup %s", dir);
	return walk(c, dir, 0);
}

/* One process's cgroup file: its container when its id starts with
 * `prefix` */
static bool in_container(const char *pid, const char *prefix, struct ident_cgroup *cg)
{
	char path[64], buf[8192];
	int n;

	fmt_snprintf(path, sizeof(path), "/proc/%s/cgroup", pid);
	n = util_read_file(path, buf, sizeof(buf));
	return n > 0 && ident_cgroup(buf, (size_t)n, cg) && cg->id[0] &&
	       !strncmp(cg->id, prefix, strlen(prefix));
}

/* --container: the cgroups of the processes running in it now (a prefix
 * must name one container) */
static int add_container(struct session_cgsel *c, const char *root, const char *prefix)
{
	struct ident_cgroup cg;
	struct dirent *de;
	DIR *d = opendir("/proc");
	int r = 0, procs = 0;

	if (!d)
		return err_set(errno, "cannot list /proc");
	c->container[0] = 0;
	while ((de = readdir(d)) && !r) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9' || !in_container(de->d_name, prefix, &cg))
			continue;
		if (c->container[0] && strcmp(c->container, cg.id))
			r = err_set(EINVAL, "--container %s: %.12s or %.12s?", prefix, c->container,
				    cg.id);
		else if (!cg.path[0])
			r = err_set(ENOTSUP, "--container %s: not in cgroup v2", prefix);
		else if (!(r = add_path(c, root, cg.path)))
			procs++;
		fmt_snprintf(c->container, sizeof(c->container), "%s", cg.id);
	}
	closedir(d);
	if (!r && !procs)
		r = err_set(ESRCH, "--container %s: no such container", prefix);
	return r;
}

int session_cgroup_resolve(const struct session_opts *o, struct session_cgsel *c)
{
	const char *root = cg_root();
	int r;

	c->n = 0;
	if (!o->cgroup[0] && !o->container[0])
		return 0;
	if (!root)
		return err_set(ENOTSUP, "--cgroup, --container: no cgroup v2 mounted");
	if (o->cgroup[0] && (r = add_path(c, root, o->cgroup)))
		return r;
	if (o->container[0] && (r = add_container(c, root, o->container)))
		return r;
	return 0;
}
