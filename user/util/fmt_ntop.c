/* inet_ntop's text without the C library's, which is an snprintf (and so
 * pulled its whole printf into the static binary). */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "rawtel/fmt.h"

/* IPv6 as eight hex groups, then the longest run of ":0" characters that
 * starts the text or a group (more than three of them, the first such
 * run on a tie) becomes "::": musl's rule, kept so the text stays what
 * rawtel printed with it (a run in the middle counts one ':' more than
 * one at either end). */
static void ip6_text(const uint8_t *a, char *t)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	size_t len = 0, best = 0, max = 2;
	int v4 = !memcmp(a, mapped, 12);

	for (int i = 0; i < (v4 ? 6 : 8); i++)
		len += (size_t)fmt_snprintf(t + len, 8, i ? ":%x" : "%x", a[2 * i] << 8 | a[2 * i + 1]);
	if (v4)	/* an IPv4-mapped address ends in the IPv4 text */
		len += (size_t)fmt_snprintf(t + len, 20, ":%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
	for (size_t i = 0; i < len; i++) {
		if (i && t[i] != ':')
			continue;
		size_t j = strspn(t + i, ":0");
		if (j > max)
			best = i, max = j;
	}
	if (max > 3) {
		t[best] = t[best + 1] = ':';
		memmove(t + best + 2, t + best + max, len - best - max + 1);
	}
}

const char *fmt_ntop(int family, const void *addr, char *buf, size_t size)
{
	const uint8_t *a = addr;
	char t[48];

	if (family == AF_INET)
		fmt_snprintf(t, sizeof(t), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	else if (family == AF_INET6)
		ip6_text(a, t);
	else
		return errno = EAFNOSUPPORT, NULL;
	if (strlen(t) >= size)
		return errno = ENOSPC, NULL;
	return memcpy(buf, t, strlen(t) + 1);
}
