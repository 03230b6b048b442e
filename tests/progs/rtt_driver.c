/* Drives known process and file events for rawtel's integration tests and
 * prints the pids involved as one JSON object on stdout:
 *   rtt_driver DIR
 * opens DIR/known.txt (create, openat), DIR/missing.txt (ENOENT), DIR/known.txt
 * again through openat2 (where the kernel has it); forks children that
 * exec /bin/true with known arguments, fail to exec, exit with code 3, die
 * by SIGKILL, and exec with more arguments than rawtel captures.
 * "libc_open_flags" is what this libc adds to every open(): musl passes
 * O_LARGEFILE (its O_LARGEFILE is non-zero), glibc on 64-bit adds nothing
 * (its O_LARGEFILE is 0); the checker expects it in the traced flags. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static pid_t child(void (*fn)(void))
{
	pid_t p = fork();
	int st;

	if (p < 0) {
		perror("fork");
		exit(1);
	}
	if (p == 0) {
		fn();
		_exit(99);
	}
	waitpid(p, &st, 0);
	return p;
}

static void run_true(void)
{
	char *argv[] = { "/bin/true", "alpha", "beta gamma", NULL };
	execve("/bin/true", argv, environ);
	_exit(98);
}

static void run_missing(void)
{
	char *argv[] = { "/nonexistent/rtt-prog", "x", NULL };
	execve("/nonexistent/rtt-prog", argv, environ);
	_exit(7);
}

static void run_exit3(void)
{
	_exit(3);
}

static void run_killed(void)
{
	kill(getpid(), SIGKILL);
	pause();
}

static void run_many(void)
{
	char *argv[24];
	char bufs[22][8];

	argv[0] = "/bin/true";
	for (int i = 1; i < 23; i++) {
		snprintf(bufs[i - 1], sizeof(bufs[i - 1]), "a%d", i);
		argv[i] = bufs[i - 1];
	}
	argv[23] = NULL;
	execve("/bin/true", argv, environ);
	_exit(98);
}

int main(int argc, char **argv)
{
	char known[4096], missing[4096];
	int fd, fd2 = -1;
	long o2 = -1;
	pid_t t, m, e3, k, many;

	if (argc != 2) {
		fprintf(stderr, "usage: rtt_driver DIR\n");
		return 2;
	}
	snprintf(known, sizeof(known), "%s/known.txt", argv[1]);
	snprintf(missing, sizeof(missing), "%s/missing.txt", argv[1]);
	fd = open(known, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0 || write(fd, "x\n", 2) != 2) {
		perror(known);
		return 1;
	}
	close(fd);
	fd = open(missing, O_RDONLY);
	if (fd >= 0 || errno != ENOENT) {
		fprintf(stderr, "%s should not exist\n", missing);
		return 1;
	}
#ifdef SYS_openat2
	{
		/* struct open_how: flags, mode, resolve */
		uint64_t how[3] = { O_RDONLY | O_NOFOLLOW, 0, 0 };
		o2 = syscall(SYS_openat2, AT_FDCWD, known, how, sizeof(how));
		fd2 = (int)o2;
	}
#endif
	t = child(run_true);
	m = child(run_missing);
	e3 = child(run_exit3);
	k = child(run_killed);
	many = child(run_many);
	printf("{\"driver\":%d,\"true\":%d,\"missing\":%d,\"exit3\":%d,\"killed\":%d,"
	       "\"many\":%d,\"known\":\"%s\",\"missing_path\":\"%s\",\"openat2_fd\":%ld,"
	       "\"uid\":%u,\"libc_open_flags\":%d}\n", getpid(), t, m, e3, k, many, known,
	       missing, o2, getuid(), O_LARGEFILE);
	if (fd2 >= 0)
		close(fd2);
	return 0;
}
