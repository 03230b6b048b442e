/* Forced into every user/ compile (-include, Makefile): the C library's
 * printf family, strtod and the functions made of them would link musl's
 * long double formatting and parsing back into the static binary (30 KB
 * on aarch64), so a call to one fails to compile and names rawtel's own
 * (include/rawtel/fmt.h). scripts/size-report --check looks for them in
 * the static link map as well (and for vprintf and atof, which glibc
 * defines inline under clang, so a later declaration is ignored there). */
#ifndef RAWTEL_FMT_GUARD_H
#define RAWTEL_FMT_GUARD_H

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FMT_USE(f) __attribute__((__deprecated__("rawtel: use " f " (include/rawtel/fmt.h)")))

int printf(const char *__restrict, ...) FMT_USE("fmt_printf");
int fprintf(FILE *__restrict, const char *__restrict, ...) FMT_USE("fmt_fprintf");
int sprintf(char *__restrict, const char *__restrict, ...) FMT_USE("fmt_snprintf");
int snprintf(char *__restrict, size_t, const char *__restrict, ...) FMT_USE("fmt_snprintf");
int vfprintf(FILE *__restrict, const char *__restrict, va_list) FMT_USE("fmt_vfprintf");
int vsprintf(char *__restrict, const char *__restrict, va_list) FMT_USE("fmt_vsnprintf");
int vsnprintf(char *__restrict, size_t, const char *__restrict, va_list) FMT_USE("fmt_vsnprintf");
int dprintf(int, const char *__restrict, ...) FMT_USE("fmt_snprintf and write");
int asprintf(char **__restrict, const char *__restrict, ...) FMT_USE("fmt_snprintf");
double strtod(const char *__restrict, char **__restrict) FMT_USE("fmt_strtod");
float strtof(const char *__restrict, char **__restrict) FMT_USE("fmt_strtod");
long double strtold(const char *__restrict, char **__restrict) FMT_USE("fmt_strtod");
const char *inet_ntop(int, const void *__restrict, char *__restrict, socklen_t) FMT_USE("fmt_ntop");
int inet_pton(int, const char *__restrict, void *__restrict) FMT_USE("fmt_pton");
size_t strftime(char *__restrict, size_t, const char *__restrict, const struct tm *__restrict)
	FMT_USE("fmt_snprintf of the struct tm fields");

/* Integers: rawtel's own (user/util/strto.c), the same contract without
 * musl's __intscan; these are macros, after <stdlib.h>'s declarations. */
long util_strtol(const char *, char **, int);
unsigned long util_strtoul(const char *, char **, int);
long long util_strtoll(const char *, char **, int);
unsigned long long util_strtoull(const char *, char **, int);
int util_atoi(const char *);
#define strtol util_strtol
#define strtoul util_strtoul
#define strtoll util_strtoll
#define strtoull util_strtoull
#define atoi util_atoi
/* fopen: user/util/file.c, open(2) and fdopen */
FILE *util_fopen(const char *, const char *);
#define fopen util_fopen
/* strstr: user/util/strfind.c, for short texts */
char *util_strstr(const char *, const char *);
#define strstr util_strstr

#endif
