/* strstr for user/ (redirected here by include/rawtel/fmt_guard.h):
 * every caller looks for a short literal (or a feature name) in a short
 * text (a path, a format line, a comment of one SQL statement, an
 * environment variable), where the plain search is as fast as musl's
 * two-way algorithm, which is 1.3 KB of the static binary. */
#include "rawtel/fmt_guard.h"

char *util_strstr(const char *hay, const char *needle)
{
	for (;; hay++) {
		size_t i = 0;

		while (needle[i] && hay[i] == needle[i])
			i++;
		if (!needle[i])
			return (char *)hay;
		if (!*hay)
			return 0;
	}
}
