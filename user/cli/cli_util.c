/* Helpers shared by the commands (in the library, not main.c, so tests and
 * fuzz targets that link the commands link these too). */
#include <stdarg.h>
#include <stdio.h>

#include "rawtel/cli.h"
#include "rawtel/fmt.h"

void cli_err(const char *fmt, ...)
{
	va_list ap;

	fputs("rawtel: ", stderr);
	va_start(ap, fmt);
	fmt_vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
