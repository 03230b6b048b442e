/* Error convention: functions return 0 (or a count) on success and -errno on
 * failure. The function that detects a failure records a one-line message
 * that says what failed, with what, and what to do; callers may prefix
 * context with err_wrap(). The CLI prints err_msg() once at the top. */
#ifndef RAWTEL_ERR_H
#define RAWTEL_ERR_H

#include <stddef.h>

/* Record a message for errno value `errnum` (positive) and return -errnum. */
int err_set(int errnum, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefix the recorded message with more context ("loading exec: ...");
 * returns `ret` unchanged so it can wrap a return expression. */
int err_wrap(int ret, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The last recorded message, or strerror(-ret) style text when none. */
const char *err_msg(void);
void err_clear(void);

#endif
