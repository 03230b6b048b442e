/* Resolving a path inside another root (/proc/PID/root) the way the kernel
 * would for a process chrooted there: the kernel would follow an absolute
 * symlink from our root, not the process's, so we follow them by hand. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rawtel/elf.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/util.h"

/* Plain realpath(3) when the root is our own. */
static int elf_realpath(const char *path, char *out, size_t size)
{
	char buf[PATH_MAX];
	int r = util_realpath(path, buf, sizeof(buf));

	if (r)
		return err_set(-r, "cannot resolve %s: %s", path, strerror(-r));
	if (fmt_snprintf(out, size, "%s", buf) >= (int)size)
		return err_set(ENAMETOOLONG, "path too long: %s", buf);
	return 0;
}

int elf_root_path(const char *root, const char *path, char *out, size_t size)
{
	char rest[2 * PATH_MAX], cur[PATH_MAX], full[PATH_MAX], link[PATH_MAX];
	size_t rl = strlen(root), cl = 0;
	int links = 0;
	char *r;

	if (!*root)
		return elf_realpath(path, out, size);
	if (fmt_snprintf(rest, sizeof(rest), "%s", path) >= (int)sizeof(rest))
		return err_set(ENAMETOOLONG, "path too long: %s", path);
	cur[0] = 0;
	for (r = rest; *r;) {
		char *comp, *next;
		struct stat st;
		ssize_t n;
		size_t len;

		while (*r == '/')
			r++;
		if (!*r)
			break;
		comp = r;
		len = strcspn(comp, "/");
		next = comp + len;
		r = next;
		if (len == 1 && comp[0] == '.')
			continue;
		if (len == 2 && comp[0] == '.' && comp[1] == '.') {
			while (cl && cur[cl - 1] != '/')
				cl--;
			cl -= cl ? 1 : 0;	/* ".." at the root stays there */
			cur[cl] = 0;
			continue;
		}
		if (cl + 1 + len >= sizeof(cur) || rl + cl + 1 + len >= sizeof(full))
			return err_set(ENAMETOOLONG, "path too long: %s%s", root, path);
		cur[cl++] = '/';
		memcpy(cur + cl, comp, len);
		cl += len;
		cur[cl] = 0;
		fmt_snprintf(full, sizeof(full), "%s%s", root, cur);
		if (lstat(full, &st))
			return err_set(errno, "cannot resolve %s: %s: %s", path, full,
				       strerror(errno));
		if (!S_ISLNK(st.st_mode))
			continue;
		if (++links > 40)
			return err_set(ELOOP, "cannot resolve %s inside %s: too many symlinks",
				       path, root);
		n = readlink(full, link, sizeof(link) - 1);
		if (n < 0)
			return err_set(errno, "cannot read symlink %s: %s", full,
				       strerror(errno));
		link[n] = 0;
		/* the link's target replaces this component; what followed
		 * it comes after the target */
		if (strlen(next) + (size_t)n + 2 > sizeof(rest))
			return err_set(ENAMETOOLONG, "path too long resolving %s", path);
		memmove(rest + n + 1, next, strlen(next) + 1);
		memcpy(rest, link, (size_t)n);
		rest[n] = '/';
		r = rest;
		if (link[0] == '/') {
			cl = 0;
		} else {
			while (cl && cur[cl - 1] != '/')
				cl--;
			cl -= cl ? 1 : 0;
		}
		cur[cl] = 0;
	}
	if (fmt_snprintf(out, size, "%s%s", root, cl ? cur : "/") >= (int)size)
		return err_set(ENAMETOOLONG, "path too long: %s%s", root, cur);
	return 0;
}
