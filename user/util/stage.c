/* Pipeline stage timing for benchmarks (see include/rawtel/stage.h). */
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "rawtel/fmt.h"
#include "rawtel/stage.h"

#define STAGE_DEPTH 8

bool stage_enabled;
static int checked;
static uint64_t ns[STAGE_N], entered[STAGE_N], events[STAGE_EV_N], last;
static enum stage_id stack[STAGE_DEPTH];
static int depth, too_deep;

static const char *const names[STAGE_N] = { "ring", "parse", "span", "encode", "export" };

bool stage_on(void)
{
	if (!checked) {
		const char *v = getenv("RAWTEL_BENCH_STATS");
		stage_enabled = v && *v && *v != '0';
		checked = 1;
	}
	return stage_enabled;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* the time since the last enter or leave is the innermost stage's */
static uint64_t charge(void)
{
	uint64_t t = now_ns();

	if (depth > 0 && depth <= STAGE_DEPTH)
		ns[stack[depth - 1]] += t - last;
	last = t;
	return t;
}

void stage_enter_(enum stage_id s)
{
	charge();
	if (depth < STAGE_DEPTH)
		stack[depth] = s;
	else
		too_deep++;
	depth++;
	entered[s]++;
}

void stage_leave_(void)
{
	charge();
	if (depth > 0)
		depth--;
}

void stage_event_(enum stage_event e)
{
	events[e]++;
}

static uint64_t tv_ns(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000000ULL + (uint64_t)tv.tv_usec * 1000ULL;
}

void stage_report(FILE *f)
{
	struct rusage ru;

	if (!stage_enabled)
		return;
	for (int i = 0; i < STAGE_N; i++)
		fmt_fprintf(f, "rawtel: bench: stage %s %llu ns %llu entries\n", names[i],
			(unsigned long long)ns[i], (unsigned long long)entered[i]);
	fmt_fprintf(f, "rawtel: bench: wakeups ring %llu tick %llu\n",
		(unsigned long long)events[STAGE_WAKE_RING],
		(unsigned long long)events[STAGE_WAKE_TICK]);
	if (too_deep)
		fmt_fprintf(f, "rawtel: bench: %d stages nested too deep to time\n", too_deep);
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		fmt_fprintf(f, "rawtel: bench: cpu user %llu ns sys %llu ns ctxsw voluntary %ld "
			"involuntary %ld\n", (unsigned long long)tv_ns(ru.ru_utime),
			(unsigned long long)tv_ns(ru.ru_stime), ru.ru_nvcsw, ru.ru_nivcsw);
}
