/* Where rawtel's own time goes, by stage of the pipeline (user/util/
 * stage.c), for benchmarks: RAWTEL_BENCH_STATS=1 turns it on. Stages nest
 * (a full batch is encoded and sent from inside the span that filled it):
 * each is charged its exclusive time, measured with the monotonic clock
 * (a vDSO read, ~20 ns) at every enter and leave. Off, a hook costs one
 * test of a flag. */
#ifndef RAWTEL_STAGE_H
#define RAWTEL_STAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum stage_id {
	STAGE_RING,	/* reading the rings: records checked, dispatched */
	STAGE_PARSE,	/* protocol parsers fed the payload */
	STAGE_SPAN,	/* exchanges made into spans, metrics */
	STAGE_ENCODE,	/* batches encoded (OTLP protobuf / JSON) */
	STAGE_EXPORT,	/* handed to the sink, sent, responses read */
	STAGE_N
};

enum stage_event {
	STAGE_WAKE_RING,	/* the ring's fd woke the loop (half full) */
	STAGE_WAKE_TICK,	/* the drain timer read the rings */
	STAGE_EV_N
};

extern bool stage_enabled;

/* Read RAWTEL_BENCH_STATS (once; later calls return the same). */
bool stage_on(void);
void stage_enter_(enum stage_id s);
void stage_leave_(void);
void stage_event_(enum stage_event e);

static inline void stage_enter(enum stage_id s)
{
	if (stage_enabled)
		stage_enter_(s);
}

static inline void stage_leave(void)
{
	if (stage_enabled)
		stage_leave_();
}

static inline void stage_event(enum stage_event e)
{
	if (stage_enabled)
		stage_event_(e);
}

/* "rawtel: bench: ..." lines: each stage's time and entries, the wakeups,
 * the process's CPU time and context switches (getrusage). */
void stage_report(FILE *f);

#endif
