/* Pipeline stage timing for benchmarks (see include/rawtel/stage.h). */
#include <stdlib.h>
#include <time.h>

#include "rawtel/fmt.h"
#include "rawtel/stage.h"

#define STAGE_DEPTH 8

bool stage_enabled;
static int checked;
static uint64_t ns[STAGE_N] /* ticks */, entered[STAGE_N], events[STAGE_EV_N], last;
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

/* The stages are charged in ticks of the CPU's own counter where user
 * space may read it (x86 TSC, arm64 virtual counter): a vDSO clock read
 * was ~8 of them per HTTP request, ~0.2 us in a VM, which this timer
 * added to the very figures it reports. Ticks become ns at the report,
 * scaled by the monotonic clock over the same interval. */
static uint64_t ticks(void)
{
#if defined(__x86_64__)
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
#elif defined(__aarch64__)
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
#else
	return now_ns();
#endif
}

static uint64_t tick0, ns0;	/* where the scale starts: the first charge */

/* the time since the last enter or leave is the innermost stage's (a
 * counter that went back, on another CPU, charges nothing) */
static void charge(void)
{
	uint64_t t = ticks();

	if (!tick0) {
		tick0 = t;
		ns0 = now_ns();
	} else if (depth > 0 && depth <= STAGE_DEPTH && t > last) {
		ns[stack[depth - 1]] += t - last;
	}
	last = t;
}

/* ns per tick since the first charge (1 where ticks are ns) */
static double tick_scale(void)
{
	uint64_t t = ticks(), n = now_ns();

	if (!tick0 || t <= tick0 || n <= ns0)
		return 1;
	return (double)(n - ns0) / (double)(t - tick0);
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

void stage_report(FILE *f)
{
	double scale;

	if (!stage_enabled)
		return;
	scale = tick_scale();
	for (int i = 0; i < STAGE_N; i++)
		fmt_fprintf(f, "rawtel: bench: stage %s %llu ns %llu entries\n", names[i],
			(unsigned long long)((double)ns[i] * scale), (unsigned long long)entered[i]);
	fmt_fprintf(f, "rawtel: bench: wakeups ring %llu tick %llu\n",
		(unsigned long long)events[STAGE_WAKE_RING],
		(unsigned long long)events[STAGE_WAKE_TICK]);
	if (too_deep)
		fmt_fprintf(f, "rawtel: bench: %d stages nested too deep to time\n", too_deep);
	/* CPU time and context switches: the scripts read /proc/PID */
}
