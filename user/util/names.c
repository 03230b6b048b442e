/* errno, signal and open(2) flag names (x86_64 Linux ABI values). */
#include <stdio.h>
#include <string.h>

#include "rawtel/fmt.h"
#include "rawtel/names.h"

/* number and name side by side: a table of pointers indexed by the
 * number was 1 KB of mostly empty slots on 64-bit targets */
static const struct {
	unsigned char num;
	char name[14];
} errnos[] = {
	{ 1, "EPERM" }, { 2, "ENOENT" }, { 3, "ESRCH" }, { 4, "EINTR" }, { 5, "EIO" }, { 6, "ENXIO" },
	{ 7, "E2BIG" }, { 8, "ENOEXEC" }, { 9, "EBADF" }, { 10, "ECHILD" }, { 11, "EAGAIN" },
	{ 12, "ENOMEM" }, { 13, "EACCES" }, { 14, "EFAULT" }, { 15, "ENOTBLK" }, { 16, "EBUSY" },
	{ 17, "EEXIST" }, { 18, "EXDEV" }, { 19, "ENODEV" }, { 20, "ENOTDIR" }, { 21, "EISDIR" },
	{ 22, "EINVAL" }, { 23, "ENFILE" }, { 24, "EMFILE" }, { 25, "ENOTTY" }, { 26, "ETXTBSY" },
	{ 27, "EFBIG" }, { 28, "ENOSPC" }, { 29, "ESPIPE" }, { 30, "EROFS" }, { 31, "EMLINK" },
	{ 32, "EPIPE" }, { 33, "EDOM" }, { 34, "ERANGE" }, { 35, "EDEADLK" }, { 36, "ENAMETOOLONG" },
	{ 37, "ENOLCK" }, { 38, "ENOSYS" }, { 39, "ENOTEMPTY" }, { 40, "ELOOP" }, { 42, "ENOMSG" },
	{ 61, "ENODATA" }, { 62, "ETIME" }, { 71, "EPROTO" }, { 75, "EOVERFLOW" }, { 84, "EILSEQ" },
	{ 88, "ENOTSOCK" }, { 95, "EOPNOTSUPP" }, { 98, "EADDRINUSE" }, { 99, "EADDRNOTAVAIL" },
	{ 100, "ENETDOWN" }, { 101, "ENETUNREACH" }, { 103, "ECONNABORTED" }, { 104, "ECONNRESET" },
	{ 105, "ENOBUFS" }, { 106, "EISCONN" }, { 107, "ENOTCONN" }, { 110, "ETIMEDOUT" },
	{ 111, "ECONNREFUSED" }, { 113, "EHOSTUNREACH" }, { 114, "EALREADY" }, { 115, "EINPROGRESS" },
	{ 116, "ESTALE" }, { 122, "EDQUOT" }, { 125, "ECANCELED" },
};

const char *names_errno(int err)
{
	static char other[16];

	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (errnos[i].num == err)
			return errnos[i].name;
	fmt_snprintf(other, sizeof(other), "E%d", err);
	return other;
}

static const char *const signals[32] = {
	[1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL", [5] = "SIGTRAP",
	[6] = "SIGABRT", [7] = "SIGBUS", [8] = "SIGFPE", [9] = "SIGKILL", [10] = "SIGUSR1",
	[11] = "SIGSEGV", [12] = "SIGUSR2", [13] = "SIGPIPE", [14] = "SIGALRM",
	[15] = "SIGTERM", [16] = "SIGSTKFLT", [17] = "SIGCHLD", [18] = "SIGCONT",
	[19] = "SIGSTOP", [20] = "SIGTSTP", [21] = "SIGTTIN", [22] = "SIGTTOU",
	[23] = "SIGURG", [24] = "SIGXCPU", [25] = "SIGXFSZ", [26] = "SIGVTALRM",
	[27] = "SIGPROF", [28] = "SIGWINCH", [29] = "SIGIO", [30] = "SIGPWR", [31] = "SIGSYS",
};

const char *names_signal(int sig, char *buf, size_t size)
{
	if (sig > 0 && sig < 32)
		fmt_snprintf(buf, size, "%s", signals[sig]);
	else if (sig >= 32 && sig <= 64)
		fmt_snprintf(buf, size, "SIGRTMIN+%d", sig - 32);
	else
		fmt_snprintf(buf, size, "signal %d", sig);
	return buf;
}

static const struct {
	uint32_t bit;
	const char *name;
} oflags[] = {
	{ 0100, "O_CREAT" }, { 0200, "O_EXCL" }, { 0400, "O_NOCTTY" }, { 01000, "O_TRUNC" },
	{ 02000, "O_APPEND" }, { 04000, "O_NONBLOCK" }, { 010000, "O_DSYNC" },
	{ 020000, "O_ASYNC" },
	/* the four bits ARM (32- and 64-bit, the same values) orders its own
	 * way; the flags come from the traced calls on this machine's kernel */
#if defined(__arm__) || defined(__aarch64__)
	{ 040000, "O_DIRECTORY" }, { 0100000, "O_NOFOLLOW" }, { 0200000, "O_DIRECT" },
	{ 0400000, "O_LARGEFILE" },
#else
	{ 040000, "O_DIRECT" }, { 0100000, "O_LARGEFILE" },
	{ 0200000, "O_DIRECTORY" }, { 0400000, "O_NOFOLLOW" },
#endif
	{ 01000000, "O_NOATIME" },
	{ 02000000, "O_CLOEXEC" }, { 04000000, "__O_SYNC" }, { 010000000, "O_PATH" },
	{ 020000000, "__O_TMPFILE" },
};

const char *names_open_flags(uint32_t flags, char *buf, size_t size)
{
	static const char *const acc[4] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	size_t n;

	fmt_snprintf(buf, size, "%s", acc[flags & 3]);
	flags &= ~3u;
	for (size_t i = 0; i < sizeof(oflags) / sizeof(oflags[0]); i++) {
		if (!(flags & oflags[i].bit))
			continue;
		n = strlen(buf);
		fmt_snprintf(buf + n, size - n, "|%s", oflags[i].name);
		flags &= ~oflags[i].bit;
	}
	if (flags) {
		n = strlen(buf);
		fmt_snprintf(buf + n, size - n, "|0x%x", flags);
	}
	return buf;
}
