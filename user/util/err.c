/* Per-thread last-error message (see include/rawtel/err.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rawtel/err.h"
#include "rawtel/fmt.h"

static _Thread_local char err_buf[1024];

int err_set(int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(err_buf, sizeof(err_buf), fmt, ap);
	va_end(ap);
	return errnum > 0 ? -errnum : (errnum ? errnum : -EINVAL);
}

int err_wrap(int ret, const char *fmt, ...)
{
	char prefix[256], old[sizeof(err_buf)];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err_buf, sizeof(old));
	if (!old[0])
		fmt_snprintf(old, sizeof(old), "%s", strerror(ret < 0 ? -ret : ret));
	/* prefix + ": " + old, truncated to the buffer (by hand: snprintf's
	 * truncation warning cannot be silenced portably) */
	size_t n = strlen(prefix), m = strlen(old);
	if (n > sizeof(err_buf) - 3)
		n = sizeof(err_buf) - 3;
	memcpy(err_buf, prefix, n);
	memcpy(err_buf + n, ": ", 2);
	n += 2;
	if (m > sizeof(err_buf) - 1 - n)
		m = sizeof(err_buf) - 1 - n;
	memcpy(err_buf + n, old, m);
	err_buf[n + m] = 0;
	return ret;
}

const char *err_msg(void)
{
	return err_buf[0] ? err_buf : "unknown error";
}

void err_clear(void)
{
	err_buf[0] = 0;
}
