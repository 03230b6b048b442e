/* Cost of one openat() of a missing file, measured over N calls:
 *   openat_loop N  -> prints CPU nanoseconds per call
 * CPU time of this process, not wall time: a BPF program on the syscall's
 * tracepoints runs in this process's context and is counted, while other
 * load on a shared machine (which preempts us) is not. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	double a = now();

	for (long i = 0; i < n; i++)
		if (openat(AT_FDCWD, "/nonexistent/rawtel-bench-path", O_RDONLY) >= 0)
			return 1;
	printf("%.1f\n", (now() - a) / (double)n);
	return 0;
}
