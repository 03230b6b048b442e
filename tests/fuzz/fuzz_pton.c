/* libFuzzer target for fmt_pton (user/util/fmt_pton.c), which reads
 * outside text: endpoint URLs, /etc/hosts lines, --prometheus addresses.
 * The input, NUL-terminated, is read as IPv4 and as IPv6 by fmt_pton and
 * by the C library's inet_pton (the oracle, glibc's): both accept it or
 * both refuse it, with the same address. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "rawtel/fmt.h"

static void check(int family, const char *s)
{
	uint8_t a[16], b[16];
	int ra, rb;

	memset(a, 0x5a, sizeof(a));
	memset(b, 0x5a, sizeof(b));
	ra = fmt_pton(family, s, a);
	rb = inet_pton(family, s, b);
	if ((ra == 0) != (rb == 1) || (ra && ra != -EINVAL) || memcmp(a, b, sizeof(a))) {
		fprintf(stderr, "fuzz_pton: family %d \"%.200s\": fmt_pton %d, inet_pton %d\n",
			family, s, ra, rb);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	check(AF_INET, s);
	check(AF_INET6, s);
	free(s);
	return 0;
}
