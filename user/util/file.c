/* Small files of /proc and sysfs, read whole into a caller's buffer (see
 * include/rawtel/util.h). procfs files report size 0, so the read loops to
 * end of file rather than trusting fstat. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "rawtel/util.h"

int util_read_file(const char *path, char *buf, size_t size)
{
	size_t n = 0;
	int fd;

	if (!size)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (n < size - 1) {
		ssize_t r = read(fd, buf + n, size - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			close(fd);
			return -e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = 0;
	return (int)n;
}

/* fopen (through the macro in include/rawtel/fmt_guard.h) without musl's,
 * whose mode parsing cost 450 bytes in the static binary: open(2), then
 * fdopen, which rawtel links anyway. The modes of fopen(3) but 'x':
 * r, w, a, each with '+', 'b' (ignored) and 'e' (close-on-exec). */
FILE *util_fopen(const char *path, const char *mode)
{
	int plus = strchr(mode, '+') != NULL, fd;
	int fl = (plus ? O_RDWR : *mode == 'r' ? O_RDONLY : O_WRONLY) |
		 (*mode == 'w' ? O_CREAT | O_TRUNC : *mode == 'a' ? O_CREAT | O_APPEND : 0) |
		 (strchr(mode, 'e') ? O_CLOEXEC : 0);
	/* without 'e': the descriptor is close-on-exec already */
	char m[3] = { *mode, plus ? '+' : 0, 0 };
	FILE *f;

	if (!strchr("rwa", *mode)) {
		errno = EINVAL;
		return NULL;
	}
	if ((fd = open(path, fl, 0666)) < 0)
		return NULL;
	if (!(f = fdopen(fd, m))) {
		int e = errno;

		close(fd);
		errno = e;
	}
	return f;
}

static char maps_last[1024];

FILE *util_fopen_maps(const char *path)
{
	static char buf[1 << 16];
	FILE *f = fopen(path, "re");

	maps_last[0] = 0;
	if (f)
		setvbuf(f, buf, _IOFBF, sizeof(buf));
	return f;
}

bool util_maps_repeat(const char *file)
{
	size_t n = strlen(file);

	if (n < sizeof(maps_last) && !strcmp(file, maps_last))
		return true;
	if (n < sizeof(maps_last))
		memcpy(maps_last, file, n + 1);
	return false;
}
