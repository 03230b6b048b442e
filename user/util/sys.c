/* Small stand-ins for C library calls whose static musl versions pull in
 * much more than rawtel uses (see include/rawtel/util.h): sysconf is one
 * 1 KB switch over every _SC_ name, getline brings getdelim, setrlimit
 * synccall, realpath walks the path by hand, and setenv brings putenv. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "rawtel/fmt.h"
#include "rawtel/util.h"

size_t util_page_size(void)
{
	/* the kernel's own page size, as sysconf(_SC_PAGESIZE) reports it */
	unsigned long p = getauxval(AT_PAGESZ);

	return p ? (size_t)p : 4096;
}

int util_setrlimit(int resource, const struct rlimit *rl)
{
	/* musl's struct rlimit is the kernel's rlimit64 on every target */
	return syscall(SYS_prlimit64, 0, resource, rl, NULL) ? -errno : 0;
}

int util_realpath(const char *path, char *out, size_t size)
{
	char link[32];
	int fd = open(path, O_PATH | O_CLOEXEC), e;
	ssize_t n;

	if (fd < 0)
		return -errno;
	fmt_snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, out, size);
	/* all of out filled: no room for the NUL, or cut short */
	e = n < 0 ? errno : (size_t)n >= size ? ENAMETOOLONG : 0;
	close(fd);
	if (!e)
		out[n] = 0;
	return -e;
}

long util_clk_tck(void)
{
	unsigned long t = getauxval(AT_CLKTCK);

	return t ? (long)t : 100;
}

int util_cpus_allowed(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return CPU_COUNT(&set) > 0 ? CPU_COUNT(&set) : 1;
}

ssize_t util_getline(char **line, size_t *cap, FILE *f)
{
	size_t n = 0;
	int c;

	for (;;) {
		c = getc_unlocked(f);
		if (n + 2 > *cap) {
			/* room for this byte and the NUL */
			size_t ncap = *cap ? *cap * 2 : 128;
			char *p = realloc(*line, ncap);

			if (!p) {
				errno = ENOMEM;
				return -1;
			}
			*line = p;
			*cap = ncap;
		}
		if (c == EOF)
			break;
		(*line)[n++] = (char)c;
		if (c == '\n')
			break;
	}
	(*line)[n] = 0;
	return n ? (ssize_t)n : -1;
}

/* the strings and the array util_setenv made, freed when replaced */
static char *env_strs[32], **env_arr;

static void env_own(char *old, char *s)
{
	int i = 0;

	while (i < 32 && env_strs[i] != old)
		i++;
	if (i == 32) {		/* old is not ours: s in a free slot */
		for (old = NULL, i = 0; i < 32 && env_strs[i]; i++)
			;
		if (i == 32)
			return;
	}
	free(old);
	env_strs[i] = s;
}

int util_setenv(const char *key, const char *value)
{
	extern char **environ;
	size_t kl = strlen(key), vl = strlen(value), n = 0;
	char *s = malloc(kl + vl + 2), **e;

	if (!s)
		return -ENOMEM;
	memcpy(s, key, kl);
	s[kl] = '=';
	memcpy(s + kl + 1, value, vl + 1);
	for (e = environ; e && e[n]; n++)
		if (!strncmp(e[n], key, kl) && e[n][kl] == '=') {
			env_own(e[n], s);
			e[n] = s;
			return 0;
		}
	if (!(e = malloc((n + 2) * sizeof(*e)))) {
		free(s);
		return -ENOMEM;
	}
	if (n)
		memcpy(e, environ, n * sizeof(*e));
	e[n] = s;
	e[n + 1] = NULL;
	env_own(NULL, s);
	if (environ == env_arr)
		free(env_arr);
	environ = env_arr = e;
	return 0;
}
