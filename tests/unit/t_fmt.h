/* T_CHECK/T_ASSERT with a printf-style reason (t.h's take a literal). */
#ifndef RAWTEL_T_FMT_H
#define RAWTEL_T_FMT_H

#include "t.h"

#define T_CHECKF(cond, ...)                                                 \
	do {                                                                \
		if (!(cond))                                                \
			T_FAILF("check failed: %s: %s", #cond, t_fmt_(__VA_ARGS__)); \
	} while (0)

#define T_ASSERTF(cond, ...)                                                \
	do {                                                                \
		if (!(cond)) {                                              \
			T_FAILF("check failed: %s: %s", #cond, t_fmt_(__VA_ARGS__)); \
			longjmp(t_jmp, 1);                                  \
		}                                                           \
	} while (0)

#include <stdarg.h>
static char t_fmt_buf_[400];
__attribute__((format(printf, 1, 2)))
static inline const char *t_fmt_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t_fmt_buf_, sizeof(t_fmt_buf_), fmt, ap);
	va_end(ap);
	return t_fmt_buf_;
}

#endif
