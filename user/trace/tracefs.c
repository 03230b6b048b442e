/* Finding and mounting tracefs; the cache of tracepoint formats. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/tracefs.h"
#include "rawtel/util.h"

static char tracefs_path[256];
static bool tracefs_ours;

struct tp_cache_ent {
	struct tp_format fmt;
	int err;		/* cached negative answer */
	struct tp_cache_ent *next;
};
static struct tp_cache_ent *tp_cache;

static bool has_events(const char *dir)
{
	char p[300];
	struct stat st;

	fmt_snprintf(p, sizeof(p), "%s/events", dir);
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A tracefs mounted somewhere unusual (containers, custom init). */
static bool find_in_mounts(char *out, size_t size)
{
	char *line = NULL, *fl[3];
	size_t cap = 0;
	bool found = false;
	FILE *f = fopen("/proc/mounts", "re");

	if (!f)
		return false;
	while (!found && util_getline(&line, &cap, f) > 0) {
		/* device, mount point, type */
		if (util_fields(line, fl, 3) != 3)
			continue;
		if (!strcmp(fl[2], "tracefs") && strlen(fl[1]) < size && has_events(fl[1])) {
			fmt_snprintf(out, size, "%s", fl[1]);
			found = true;
		}
	}
	free(line);
	fclose(f);
	return found;
}

int tracefs_root(const char **path)
{
	static const char *const known[] = { "/sys/kernel/tracing",
					     "/sys/kernel/debug/tracing" };

	if (tracefs_path[0]) {
		*path = tracefs_path;
		return 0;
	}
	for (size_t i = 0; i < 2; i++) {
		if (has_events(known[i])) {
			fmt_snprintf(tracefs_path, sizeof(tracefs_path), "%s", known[i]);
			*path = tracefs_path;
			return 0;
		}
	}
	for (size_t i = 0; i < 2; i++) {
		char p[300];
		struct stat st;
		fmt_snprintf(p, sizeof(p), "%s/events", known[i]);
		if (stat(p, &st) != 0 && errno == EACCES)
			return err_set(EACCES, "tracefs at %s is not readable: run rawtel as root",
				       known[i]);
	}
	if (find_in_mounts(tracefs_path, sizeof(tracefs_path))) {
		*path = tracefs_path;
		return 0;
	}
	if (mount("nodev", known[0], "tracefs", 0, NULL) == 0 && has_events(known[0])) {
		fmt_snprintf(tracefs_path, sizeof(tracefs_path), "%s", known[0]);
		tracefs_ours = true;
		*path = tracefs_path;
		return 0;
	}
	int e = errno;
	if (e == EPERM || e == EACCES)
		return err_set(e, "tracefs is not mounted and mounting it needs root: "
			       "mount -t tracefs nodev /sys/kernel/tracing");
	if (e == ENODEV)
		return err_set(e, "this kernel has no tracefs (CONFIG_TRACING off): "
			       "tracepoints cannot be used");
	return err_set(e, "tracefs is not mounted and mounting it at %s failed (%s): "
		       "mount -t tracefs nodev /sys/kernel/tracing", known[0], strerror(e));
}

bool tracefs_mounted_by_us(void)
{
	return tracefs_ours;
}

/* "cat/event" with no path tricks: both parts [A-Za-z0-9_.-]. */
static bool tp_name_ok(const char *tp)
{
	const char *slash = strchr(tp, '/');

	if (!slash || slash == tp || !slash[1] || strchr(slash + 1, '/'))
		return false;
	for (const char *c = tp; *c; c++)
		if (c != slash && !((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
				    (*c >= '0' && *c <= '9') || *c == '_' || *c == '-' || *c == '.'))
			return false;
	return strstr(tp, "..") == NULL;
}

static int read_small_file(const char *path, char **text, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !buf) {
		int e = fd < 0 ? errno : ENOMEM;
		free(buf);
		if (fd >= 0)
			close(fd);
		return -e;
	}
	for (;;) {
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int e = r < 0 ? errno : 0;
			close(fd);
			if (e) {
				free(buf);
				return -e;
			}
			break;
		}
		n += (size_t)r;
		if (n + 1 == cap) {
			char *nb = cap < (1u << 20) ? realloc(buf, cap * 2) : NULL;
			if (!nb) {
				close(fd);
				free(buf);
				return -EFBIG;
			}
			buf = nb;
			cap *= 2;
		}
	}
	buf[n] = 0;
	*text = buf;
	*len = n;
	return 0;
}

int tracefs_format(const char *tp, const struct tp_format **out)
{
	struct tp_cache_ent *e;
	const char *root;
	char path[512], *text = NULL;
	size_t len = 0;
	int r;

	for (e = tp_cache; e; e = e->next) {
		if (!strcmp(e->fmt.name, tp)) {
			*out = &e->fmt;
			return e->err;
		}
	}
	if (strlen(tp) >= TP_NAME_MAX || !tp_name_ok(tp))
		return err_set(EINVAL, "bad tracepoint name '%s': expected category/event", tp);
	r = tracefs_root(&root);
	if (r)
		return r;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	fmt_snprintf(path, sizeof(path), "%s/events/%s/format", root, tp);
	r = read_small_file(path, &text, &len);
	if (r == 0) {
		r = tp_format_parse(text, len, &e->fmt);
		free(text);
		if (r)
			r = err_wrap(r, "%s", path);
	} else if (r == -ENOENT) {
		r = err_set(ENOENT, "this kernel has no tracepoint %s (no %s)", tp, path);
	} else {
		r = err_set(-r, "cannot read %s: %s", path, strerror(-r));
	}
	fmt_snprintf(e->fmt.name, sizeof(e->fmt.name), "%s", tp);
	e->err = r;
	e->next = tp_cache;
	tp_cache = e;
	*out = &e->fmt;
	return r;
}

void tracefs_cache_free(void)
{
	while (tp_cache) {
		struct tp_cache_ent *n = tp_cache->next;
		tp_format_free(&tp_cache->fmt);
		free(tp_cache);
		tp_cache = n;
	}
}

int tracefs_asm_field(void *ctx, const char *tp, const char *field,
		      struct asm_field *out)
{
	const struct tp_format *f;
	const struct tp_field *fl;
	int r;

	(void)ctx;
	r = tracefs_format(tp, &f);
	if (r)
		return r == -ENOENT ? -ENOENT : r;
	fl = tp_format_field(f, field);
	if (!fl)
		return -ENOENT;
	out->offset = fl->offset;
	out->size = fl->size;
	out->is_signed = fl->is_signed;
	out->is_array = fl->is_array;
	out->is_data_loc = fl->is_data_loc || fl->is_rel_loc;
	return 0;
}
