/* Start-up phases timed on stderr (see include/rawtel/phase.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "rawtel/fmt.h"
#include "rawtel/phase.h"

static int on = -1;
static unsigned long long first, last, cpu_last;

bool phase_on(void)
{
	if (on < 0) {
		const char *v = getenv("RAWTEL_DEBUG_STARTUP");
		on = v && *v && *v != '0';
	}
	return on;
}

static unsigned long long clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

unsigned long long phase_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

void phase_mark(const char *fmt, ...)
{
	unsigned long long now, cpu;
	char what[160];
	va_list ap;

	if (!phase_on())
		return;
	now = phase_now_ns();
	/* this process's CPU time (its system calls' too): on a busy machine
	 * the wall clock says more about the others */
	cpu = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	if (!first) {
		first = last = now;
		cpu_last = cpu;
	}
	va_start(ap, fmt);
	fmt_vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fmt_fprintf(stderr, "rawtel: startup +%7.2f ms (%6.2f, cpu %6.2f) %s\n",
		(double)(now - first) / 1e6, (double)(now - last) / 1e6,
		(double)(cpu - cpu_last) / 1e6, what);
	last = now;
	cpu_last = cpu;
}
