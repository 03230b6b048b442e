/* Cost of one call of a traced function, measured over N calls:
 *   call_loop N  -> prints CPU nanoseconds per call of bench_fn
 * CPU time of this process: a uprobe's cost (the trap, the BPF program)
 * is charged to it, other load on the machine is not. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

__attribute__((noinline)) int bench_fn(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 1;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000, sum = 0;
	double a = now();

	for (long i = 0; i < n; i++)
		sum += bench_fn((int)i);
	printf("%.1f\n", (now() - a) / (double)n);
	return sum == 0;
}
