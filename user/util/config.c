/* KEY=VALUE configuration files (rawtel/config.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rawtel/config.h"
#include "rawtel/err.h"

static int key_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static char *trim(char *s, char **end)
{
	while (s < *end && (*s == ' ' || *s == '\t'))
		s++;
	while (*end > s && ((*end)[-1] == ' ' || (*end)[-1] == '\t' || (*end)[-1] == '\r'))
		(*end)--;
	return s;
}

/* One non-blank, non-comment line [s, e): split it and call fn. */
static int config_line(char *s, char *e, unsigned no, config_fn fn, void *ctx)
{
	char *eq = memchr(s, '=', (size_t)(e - s)), *k, *ke, *v;
	struct config_line l = { .line = no };

	if (!eq)
		return err_set(EINVAL, "not KEY=VALUE");
	ke = eq;
	k = trim(s, &ke);
	/* a shell's "export KEY=V" (the key itself ends before the blank) */
	if (ke - k > 7 && (!strncmp(k, "export ", 7) || !strncmp(k, "export\t", 7)))
		k = trim(k + 7, &ke);
	if (k == ke)
		return err_set(EINVAL, "empty key");
	for (char *p = k; p < ke; p++)
		if (!key_char(*p))
			return err_set(EINVAL, "key '%.*s' has a character other than letters, digits "
				       "and '_'", (int)(ke - k), k);
	v = trim(eq + 1, &e);
	if (v < e && (*v == '"' || *v == '\'')) {
		if (e - v < 2 || e[-1] != *v)
			return err_set(EINVAL, "%.*s: the value's quote %c is not closed at the end "
				       "of the line", (int)(ke - k), k, *v);
		v++, e--;
	}
	*ke = 0;
	*e = 0;
	l.key = k;
	l.value = v;
	return fn(ctx, &l);
}

int config_parse(char *text, size_t len, const char *name, config_fn fn, void *ctx)
{
	char *s = text, *end = text + len;
	unsigned no = 0;

	while (s < end) {
		char *nl = memchr(s, '\n', (size_t)(end - s)), *e = nl ? nl : end, *b = s;
		int r = 0;

		no++;
		if (memchr(s, 0, (size_t)(e - s)))
			r = err_set(EINVAL, "a NUL byte: not a text file");
		b = trim(s, &e);
		if (!r && b < e && *b != '#')
			r = config_line(b, e, no, fn, ctx);
		if (r)
			return err_wrap(r, "%s:%u", name, no);
		s = nl ? nl + 1 : end;
	}
	return 0;
}

static int config_check(const char *path, const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return err_set(EINVAL, "%s: not a regular file", path);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return err_set(EPERM, "%s: others may write it (mode %03o), and it holds endpoints "
			       "and headers; chmod go-w %s", path, st->st_mode & 0777u, path);
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return err_set(EPERM, "%s: owned by uid %u, neither root nor rawtel's user; "
			       "chown it", path, (unsigned)st->st_uid);
	return 0;
}

long config_read(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	size_t n = 0;
	int r = 0;

	if (fd < 0)
		return err_set(errno, "cannot open config file %s: %s", path, strerror(errno));
	if (fstat(fd, &st))
		r = err_set(errno, "%s: %s", path, strerror(errno));
	else
		r = config_check(path, &st);
	while (!r) {
		char extra;
		/* full: one more byte tells a file of exactly cap - 1 from a larger one */
		ssize_t got = n + 1 < cap ? read(fd, buf + n, cap - 1 - n) : read(fd, &extra, 1);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			r = err_set(errno, "reading %s: %s", path, strerror(errno));
		else if (got > 0 && n + 1 >= cap)
			r = err_set(EFBIG, "%s: larger than %zu bytes; is it a config file?", path,
				    cap - 1);
		else if (got == 0)
			break;
		else
			n += (size_t)got;
	}
	close(fd);
	if (r)
		return r;
	buf[n] = 0;
	return (long)n;
}
