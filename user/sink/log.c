/* The sink's log lines: one hook (stderr by default), and a rate limit so
 * a collector that keeps refusing does not flood the log. */
#include <stdarg.h>
#include <stdio.h>

#include "rawtel/fmt.h"
#include "rawtel/loop.h"
#include "rawtel/sink_parts.h"

static void log_stderr(const char *line)
{
	fmt_fprintf(stderr, "rawtel: sink: %s\n", line);
}

static void (*log_fn)(const char *line) = log_stderr;

void sink_set_log(void (*fn)(const char *line))
{
	log_fn = fn ? fn : log_stderr;
}

static void vlog(const char *fmt, va_list ap)
{
	char line[1024];

	fmt_vsnprintf(line, sizeof(line), fmt, ap);
	log_fn(line);
}

void sink_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void sink_log_limited(struct sink_loglim *lim, uint32_t interval_ms, const char *fmt, ...)
{
	uint64_t now = loop_now_ms();
	va_list ap;

	if (lim->last && now - lim->last < interval_ms) {
		lim->suppressed++;
		return;
	}
	if (lim->suppressed) {
		sink_log("(%llu similar lines suppressed)", (unsigned long long)lim->suppressed);
		lim->suppressed = 0;
	}
	lim->last = now ? now : 1;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}
