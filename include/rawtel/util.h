/* Small parsing helpers shared across modules (user/util/parse.c), so the
 * static binary needs none of the C library's scanf machinery. */
#ifndef RAWTEL_UTIL_H
#define RAWTEL_UTIL_H

#include <stddef.h>

/* Split `line` in place at runs of blanks into at most `max` fields;
 * returns how many. */
int util_fields(char *line, char **f, int max);

/* Parse an unsigned number in `base` that must fill [s, end of s) or stop
 * at `stop` (a character, 0 for the end); 0 or -EINVAL. */
int util_ulong(const char *s, int base, char stop, unsigned long *out, const char **rest);

#endif
