/* rawtel's own printf family and strtod (user/util/fmt*.c). The C
 * library's carry long double arithmetic: on aarch64, where long double is
 * a 128-bit quad done in software, musl's vfprintf and strtod and the
 * soft-float routines they pull were 30 KB of the static binary. rawtel's
 * formats need a small subset:
 *   flags '-' '0', '+' (with d); width N or '*'; precision .N or .* (with
 *   s f g); lengths l, ll, z (not with d); conversions d u o x c s f g %.
 * %f and %g print the exact decimal value of the double rounded half to
 * even, as glibc and musl do, with at most FMT_PREC_MAX digits of
 * precision. tests/unit/test_fmt_tree.c checks every format string in
 * user/ against this subset with fmt_check; a conversion outside it is
 * printed as it stands. */
#ifndef RAWTEL_FMT_H
#define RAWTEL_FMT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#define FMT_PREC_MAX 40
/* the longest %f or %g text fmt_double makes: sign, 309 integer digits,
 * point, FMT_PREC_MAX fraction digits and one carry digit */
#define FMT_FP_MAX 360

#define FMT_ATTR(f, a) __attribute__((format(printf, f, a)))

/* As snprintf and vsnprintf: the length the whole text needs; at most
 * size - 1 bytes are stored, always NUL-terminated when size > 0. */
int fmt_snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...) FMT_ATTR(3, 4);
int fmt_vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
	FMT_ATTR(3, 0);
/* As fprintf, vfprintf and printf: the length written, -1 on a write error. */
int fmt_fprintf(FILE *restrict f, const char *restrict fmt, ...) FMT_ATTR(2, 3);
int fmt_vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap) FMT_ATTR(2, 0);
/* printf is fprintf to stdout: one function for both. */
#define fmt_printf(...) fmt_fprintf(stdout, __VA_ARGS__)

/* 0 when every conversion in fmt is in the subset above, else -EINVAL. */
int fmt_check(const char *fmt);

/* The text of d as %.<prec>f (conv 'f') or %.<prec>g (conv 'g') into out
 * (FMT_FP_MAX bytes, not NUL-terminated); returns its length. */
size_t fmt_double(char *out, double d, int prec, char conv);

/* As strtod for decimal text: blanks, a sign, digits with an optional
 * point and exponent, or inf, infinity, nan (any case); correctly rounded
 * (half to even) for any number of digits. No hexadecimal: "0x1p3" reads
 * as 0 with *end at the x. ERANGE on overflow and on underflow to zero. */
double fmt_strtod(const char *s, char **end);

/* As inet_ntop for AF_INET and AF_INET6, with musl's text for IPv6 (the
 * longest run of zero groups as "::"); NULL when buf is too small. */
const char *fmt_ntop(int family, const void *addr, char *buf, size_t size);

/* As inet_pton for AF_INET and AF_INET6 (the same texts accepted): the
 * address into addr (4 or 16 bytes), 0, or -EINVAL (addr untouched) or
 * -EAFNOSUPPORT. */
int fmt_pton(int family, const char *s, void *addr);

#endif
