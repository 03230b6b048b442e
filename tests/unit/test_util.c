/* The small parsers every option goes through: sizes (with their
 * overflow), fields, hex digits, percent-decoding and numbers. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rawtel/util.h"
#include "t.h"

static void test_parse_size(void)
{
	T_CHECK(util_parse_size("65536") == 65536ULL);
	T_CHECK(util_parse_size("256K") == 256ULL << 10);
	T_CHECK(util_parse_size("4m") == 4ULL << 20);
	T_CHECK(util_parse_size("1G") == 1ULL << 30);
	/* not sizes */
	T_CHECK(util_parse_size("") == 0);
	T_CHECK(util_parse_size("-1") == 0);
	T_CHECK(util_parse_size(" 1") == 0);
	T_CHECK(util_parse_size("1T") == 0);
	T_CHECK(util_parse_size("1KB") == 0);
	T_CHECK(util_parse_size("K") == 0);
	/* too big to mean anything: 0, never a wrapped small number */
	T_CHECK(util_parse_size("18446744073709551616") == 0);
	T_CHECK(util_parse_size("17179869184G") == 0);		/* 2^34 G = 2^64 */
	T_CHECK(util_parse_size("17179869183G") == 17179869183ULL << 30);
	T_CHECK(util_parse_size("18014398509481984K") == 0);	/* 2^54 K */
}

static void test_fields_and_numbers(void)
{
	char line[] = "  a\tbb  ccc \n";
	char *f[4];
	unsigned long v;
	const char *rest;

	T_EQ_INT(util_fields(line, f, 4), 3);
	T_EQ_STR(f[0], "a");
	T_EQ_STR(f[2], "ccc");
	T_EQ_INT(util_hexval('f'), 15);
	T_EQ_INT(util_hexval('A'), 10);
	T_EQ_INT(util_hexval('g'), -1);
	T_EQ_INT(util_ulong("7f-1", 16, '-', &v, &rest), 0);
	T_CHECK(v == 0x7f && *rest == '1');	/* past the stop */
	T_EQ_INT(util_ulong("12x", 10, 0, &v, &rest), -EINVAL);
	T_EQ_INT(util_ulong("", 10, 0, &v, &rest), -EINVAL);
}

static void test_pct_decode(void)
{
	char out[16];
	const char *bad = NULL;
	const char *s = "  a%20b%2Fc ";

	T_EQ_INT(util_pct_decode(s, s + strlen(s), out, sizeof(out), &bad), 5);
	T_EQ_STR(out, "a b/c");
	s = "x%0";
	T_EQ_INT(util_pct_decode(s, s + strlen(s), out, sizeof(out), &bad), -EINVAL);
	s = "x%00y";
	T_EQ_INT(util_pct_decode(s, s + strlen(s), out, sizeof(out), &bad), -EINVAL);
	T_CHECK(bad == s + 1);
	s = "0123456789abcdefXYZ";
	T_EQ_INT(util_pct_decode(s, s + strlen(s), out, sizeof(out), &bad), -E2BIG);
}

/* A temporary file holding `text`; its path is left in path. */
static void temp_file(char path[32], const char *text)
{
	int fd;

	strcpy(path, "/tmp/rawtel-t-XXXXXX");
	fd = mkstemp(path);
	T_ASSERT(fd >= 0);
	T_EQ_INT(util_write_all(fd, text, strlen(text)), 0);
	close(fd);
}

static void test_read_file(void)
{
	char path[32], buf[8];

	temp_file(path, "32768\n");			/* short */
	memset(buf, 'x', sizeof(buf));
	T_EQ_INT(util_read_file(path, buf, sizeof(buf)), 6);
	T_EQ_STR(buf, "32768\n");
	unlink(path);
	temp_file(path, "1234567");			/* exactly fills it */
	T_EQ_INT(util_read_file(path, buf, sizeof(buf)), 7);
	T_EQ_STR(buf, "1234567");
	unlink(path);
	temp_file(path, "123456789");			/* cut off, still a string */
	T_EQ_INT(util_read_file(path, buf, sizeof(buf)), 7);
	T_EQ_STR(buf, "1234567");
	unlink(path);
	temp_file(path, "");				/* empty */
	T_EQ_INT(util_read_file(path, buf, sizeof(buf)), 0);
	T_EQ_STR(buf, "");
	T_EQ_INT(util_read_file(path, buf, 0), -EINVAL);
	unlink(path);
	T_EQ_INT(util_read_file(path, buf, sizeof(buf)), -ENOENT);	/* missing */
	T_EQ_INT(util_read_file("/proc/self", buf, sizeof(buf)), -EISDIR);
}

/* util_getline gives what getline(3) gives, line for line: with an
 * embedded NUL, a line longer than the buffer, no final newline. */
static void test_getline(void)
{
	static const char text[] = "a\n\nb\0c\nlong line past the first buffer, "
		"long line past the first buffer, long line past the first buffer, "
		"long line past the first buffer, long line past the first buffer\nend";
	char *mine = NULL, *ref = NULL;
	size_t mcap = 0, rcap = 0;
	ssize_t m, r;
	FILE *a = fmemopen((void *)text, sizeof(text) - 1, "r");
	FILE *b = fmemopen((void *)text, sizeof(text) - 1, "r");
	int lines = 0;

	T_CHECK(a && b);
	do {
		m = util_getline(&mine, &mcap, a);
		r = getline(&ref, &rcap, b);
		T_EQ_INT(m, r);
		if (m > 0)
			T_CHECK(!memcmp(mine, ref, (size_t)m + 1));
		lines++;
	} while (m > 0 && lines < 10);
	T_EQ_INT(lines, 6);
	fclose(a);
	fclose(b);
	free(mine);
	free(ref);
}

/* util_fopen opens as fopen(3) does: the access mode, creation,
 * truncation, appending, close-on-exec, and its errors */
static void test_fopen(void)
{
	char path[32], buf[16];
	FILE *f;

	temp_file(path, "old text");
	T_CHECK((f = util_fopen(path, "re")) != NULL);
	T_CHECK(fcntl(fileno(f), F_GETFD) & FD_CLOEXEC);
	T_EQ_INT((int)(fcntl(fileno(f), F_GETFL) & O_ACCMODE), O_RDONLY);
	T_EQ_INT((int)fread(buf, 1, sizeof(buf), f), 8);
	T_EQ_INT(fputc('x', f), EOF);			/* read-only */
	fclose(f);
	T_CHECK((f = util_fopen(path, "a")) != NULL);
	T_CHECK(!(fcntl(fileno(f), F_GETFD) & FD_CLOEXEC));
	fputs("+more", f);
	fclose(f);
	T_EQ_INT(util_read_file(path, buf, sizeof(buf)), 13);
	T_EQ_STR(buf, "old text+more");
	T_CHECK((f = util_fopen(path, "wbe")) != NULL);	/* truncates */
	fputs("new", f);
	fclose(f);
	T_EQ_INT(util_read_file(path, buf, sizeof(buf)), 3);
	T_CHECK((f = util_fopen(path, "r+")) != NULL);
	T_EQ_INT((int)(fcntl(fileno(f), F_GETFL) & O_ACCMODE), O_RDWR);
	T_EQ_INT(fputc('N', f), 'N');
	fclose(f);
	T_EQ_INT(util_read_file(path, buf, sizeof(buf)), 3);
	T_EQ_STR(buf, "New");
	unlink(path);
	errno = 0;
	T_CHECK(!util_fopen(path, "r") && errno == ENOENT);	/* no creation */
	errno = 0;
	T_CHECK(!util_fopen(path, "q") && errno == EINVAL);
	T_CHECK((f = util_fopen(path, "w")) != NULL);	/* creates */
	fclose(f);
	T_EQ_INT(util_read_file(path, buf, sizeof(buf)), 0);
	unlink(path);
}

/* util_realpath gives what libc's realpath gives, and fails where it does */
static void realpath_same(const char *path)
{
	char want[PATH_MAX], got[PATH_MAX];
	char *w = realpath(path, want);
	int e = errno, r = util_realpath(path, got, sizeof(got));

	if (w ? r || strcmp(got, want) : r != -e)
		printf("# %s: %d %s, libc %s (errno %d)\n", path, r, r ? "" : got, w ? want : "-", e);
	T_CHECK(w ? !r && strcmp(got, want) == 0 : r == -e);
}

static void test_realpath(void)
{
	char dir[] = "/tmp/rawtel-rp-XXXXXX", p[PATH_MAX], small[8];

	T_ASSERT(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/sub", dir);
	T_ASSERT(mkdir(p, 0700) == 0);
	snprintf(p, sizeof(p), "%s/sub/file", dir);
	T_ASSERT(close(open(p, O_CREAT | O_WRONLY, 0600)) == 0);
	snprintf(p, sizeof(p), "%s/rel", dir);	/* relative, to a symlink */
	T_ASSERT(symlink("sub/../abs", p) == 0);
	snprintf(p, sizeof(p), "%s/abs", dir);
	T_ASSERT(symlink(dir, p) == 0);
	snprintf(p, sizeof(p), "%s/loop", dir);
	T_ASSERT(symlink("loop", p) == 0);
	snprintf(p, sizeof(p), "%s/gone", dir);
	T_ASSERT(symlink("nothing", p) == 0);
	const char *tails[] = { "", "/sub", "/sub/file", "/./sub//file", "/rel/sub/../sub/file",
				"/abs/abs/sub", "/loop", "/gone", "/none", "/sub/file/", "/sub/file/x" };
	for (size_t i = 0; i < sizeof(tails) / sizeof(*tails); i++) {
		snprintf(p, sizeof(p), "%s%s", dir, tails[i]);
		realpath_same(p);
	}
	realpath_same("/");
	realpath_same(".");
	realpath_same("..");
	realpath_same("/proc/self/exe");
	realpath_same("");
	T_EQ_INT(util_realpath("/tmp", small, 4), -ENAMETOOLONG);	/* "/tmp" and its NUL */
	T_EQ_INT(util_realpath("/tmp", small, 5), 0);
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	T_ASSERT(system(p) == 0);
}

/* util_setrlimit against getrlimit(2) and libc's setrlimit */
static void test_setrlimit(void)
{
	struct rlimit was, lim, now;

	T_ASSERT(getrlimit(RLIMIT_CORE, &was) == 0);
	lim = was;
	lim.rlim_cur = was.rlim_max == RLIM_INFINITY ? 4096 : was.rlim_max / 2;
	T_EQ_INT(util_setrlimit(RLIMIT_CORE, &lim), 0);
	T_ASSERT(getrlimit(RLIMIT_CORE, &now) == 0);
	T_CHECK(now.rlim_cur == lim.rlim_cur && now.rlim_max == was.rlim_max);
	lim.rlim_cur = RLIM_INFINITY;	/* soft over hard: refused by both */
	lim.rlim_max = 4096;
	T_EQ_INT(util_setrlimit(RLIMIT_CORE, &lim), -EINVAL);
	T_CHECK(setrlimit(RLIMIT_CORE, &lim) == -1 && errno == EINVAL);
	T_EQ_INT(util_setrlimit(RLIMIT_CORE, &was), 0);
	T_ASSERT(getrlimit(RLIMIT_CORE, &now) == 0);
	T_CHECK(now.rlim_cur == was.rlim_cur && now.rlim_max == was.rlim_max);
}

static void test_sys(void)
{
	T_EQ_INT((long)util_page_size(), sysconf(_SC_PAGESIZE));
	T_EQ_INT(util_clk_tck(), sysconf(_SC_CLK_TCK));
	T_CHECK(util_cpus_allowed() >= 1);
	test_setrlimit();
	test_realpath();
}

int main(void)
{
	T_RUN(test_parse_size);
	T_RUN(test_fields_and_numbers);
	T_RUN(test_pct_decode);
	T_RUN(test_read_file);
	T_RUN(test_getline);
	T_RUN(test_fopen);
	T_RUN(test_sys);
	return t_done();
}
