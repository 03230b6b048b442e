/* rtt_opens N: N openat() calls of a missing file as fast as possible, to
 * overflow a small ring in the drop-accounting test. */
#include <fcntl.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 10000;

	for (long i = 0; i < n; i++)
		if (openat(AT_FDCWD, "/nonexistent/rtt-opens", O_RDONLY) >= 0)
			return 1;
	return 0;
}
