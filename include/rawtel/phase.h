/* Start-up phases timed on stderr (user/util/phase.c), for finding where
 * the milliseconds before tracing starts go: RAWTEL_DEBUG_STARTUP=1 turns
 * it on; otherwise each mark costs one cached flag test. */
#ifndef RAWTEL_PHASE_H
#define RAWTEL_PHASE_H

#include <stdbool.h>

/* Whether RAWTEL_DEBUG_STARTUP is set (read once). */
bool phase_on(void);

/* Print "rawtel: startup +T ms (D, cpu C) WHAT": T since the first mark, D
 * since the previous one, C this process's CPU milliseconds in D.
 * printf-style. */
void phase_mark(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Monotonic nanoseconds, for callers timing a step themselves. */
unsigned long long phase_now_ns(void);

#endif
