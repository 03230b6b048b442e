/* libFuzzer target for fmt_strtod (user/util/fmt_strtod.c), which reads
 * outside text: config files, environment variables, OTLP/JSON numbers.
 * The input, NUL-terminated, is read by fmt_strtod and by the C library's
 * strtod (an exact oracle under glibc); they must give the same double and
 * the same end, except where the C library read hexadecimal or a
 * nan(...) payload, which rawtel does not. Its first 8 bytes are also a
 * double that fmt_double prints as %.17g and %.3f, as snprintf prints it,
 * and that fmt_strtod reads back exactly. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/fmt.h"

static void die(const char *why, const char *text)
{
	fprintf(stderr, "fuzz_strtod: %s: \"%.200s\"\n", why, text);
	abort();
}

static int same_double(double a, double b)
{
	return !memcmp(&a, &b, sizeof(a)) || (a != a && b != b);
}

static void check_text(const char *s)
{
	char *ea, *eb;
	double a = fmt_strtod(s, &ea), b = strtod(s, &eb);

	if (memchr(s, 'x', (size_t)(eb - s)) || memchr(s, 'X', (size_t)(eb - s)) ||
	    memchr(s, '(', (size_t)(eb - s)))
		return;
	if (!same_double(a, b))
		die("value differs from strtod", s);
	if (ea != eb)
		die("end differs from strtod", s);
}

static void check_double(const uint8_t *p)
{
	char a[FMT_FP_MAX + 1], b[FMT_FP_MAX + 1];
	double d;
	size_t n;

	memcpy(&d, p, sizeof(d));
	n = fmt_double(a, d, 17, 'g');
	a[n] = 0;
	snprintf(b, sizeof(b), "%.17g", d);
	if (strcmp(a, b))
		die("%.17g differs from snprintf", b);
	if (!same_double(fmt_strtod(a, NULL), d))
		die("%.17g does not read back", a);
	n = fmt_double(a, d, 3, 'f');
	a[n] = 0;
	snprintf(b, sizeof(b), "%.3f", d);
	if (strcmp(a, b))
		die("%.3f differs from snprintf", b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	check_text(s);
	if (size >= 8)
		check_double(data);
	free(s);
	return 0;
}
