/* A script's exchanges against the lines they must be, for the HTTP/1
 * parser tests (test_http1_gap.c, test_http1_edge.c): the count first
 * (a line compared with the wrong exchange says nothing), then every line
 * exactly, a failure naming the case and showing both lines. */
#ifndef RAWTEL_HTTP1_EXPECT_H
#define RAWTEL_HTTP1_EXPECT_H

#include "t_fmt.h"
#include "http1_t.h"

/* got holds exactly the lines of want (NULL-ended); `what` names the case. */
static inline void x_expect(const struct xrec *got, const char *what, const char *const *want)
{
	int n = 0;

	while (want[n])
		n++;
	T_ASSERTF(got->n == n, "%s: %d exchanges, want %d; first: %s", what, got->n, n,
		  got->n ? got->line[0] : "none");
	for (int i = 0; i < n; i++)
		T_CHECKF(!strcmp(got->line[i], want[i]), "%s exchange %d:\n got  %s\n want %s",
			 what, i, got->line[i], want[i]);
}

/* X_EXPECT(&got, script array, role, &opts, "case", "line", ...): the
 * script fed whole gives exactly these lines. */
#define X_EXPECT(got, st, role, o, what, ...)                                           \
	do {                                                                            \
		script_run(st, sizeof(st) / sizeof((st)[0]), role, o, 0, SIZE_MAX, 0, got); \
		x_expect(got, what, (const char *const[]){ __VA_ARGS__, NULL });         \
	} while (0)

#endif
