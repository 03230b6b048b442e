/* Small parsing helpers (see include/rawtel/util.h). */
#include <errno.h>
#include <stdlib.h>

#include "rawtel/util.h"

int util_fields(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;

	while (*p && n < max) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			*p++ = 0;
		if (!*p)
			break;
		f[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		if (*p)		/* end this field, even the last one taken */
			*p++ = 0;
	}
	return n;
}

int util_ulong(const char *s, int base, char stop, unsigned long *out, const char **rest)
{
	char *end;

	if (*s < '0' || (*s > '9' && base != 16) || !*s)
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, base);
	if (end == s || errno || *end != stop)
		return -EINVAL;
	if (rest)
		*rest = *end ? end + 1 : end;
	return 0;
}
