/* libFuzzer target for the netlink sock_diag reply parser
 * (user/probes/sockdiag.c): the bytes come from the kernel, parsed as any
 * outside input. The input: byte 0 the table's limit (0 to 255), the rest
 * one received buffer. Checked: no crash or sanitizer report; the result
 * is 1, 0 or a negative errno; at most `limit` sockets, each of a known
 * family and TCP state, IPv4 ones in the IPv4-mapped form, kernel TLS
 * directions (from the ULP attribute's nested TLS one) in the two bits of
 * DATA_DIR_* only; the same bytes parsed again give the same table. The
 * seeds (tests/integ/fuzz_sockdiag.sh) include sockets with the ULP
 * attribute after a tcp_info stand-in. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/events.h"
#include "rawtel/sockcap.h"

static void die(const char *why)
{
	fprintf(stderr, "fuzz_sockdiag: %s\n", why);
	abort();
}

static void check(const struct procnet_table *t, size_t max)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (t->n > max || t->n > t->cap)
		die("table over its limit");
	for (size_t i = 0; i < t->n; i++) {
		const struct procnet_sock *s = &t->s[i];

		if (s->family != RT_AF_INET && s->family != RT_AF_INET6)
			die("unknown family");
		if (s->state < 1 || s->state > TCP_ST_NEW_SYN_RECV)
			die("unknown state");
		if (s->ktls & ~(1u << DATA_DIR_SEND | 1u << DATA_DIR_RECV))
			die("kernel TLS directions out of range");
		if (s->family == RT_AF_INET &&
		    (memcmp(s->laddr, mapped, 12) || memcmp(s->raddr, mapped, 12)))
			die("IPv4 address not IPv4-mapped");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct procnet_table a = { 0 }, b = { 0 };
	size_t max;
	int ra, rb;

	if (size < 1)
		return 0;
	max = data[0];
	ra = sockdiag_parse(&a, data + 1, size - 1, max);
	rb = sockdiag_parse(&b, data + 1, size - 1, max);
	if (ra > 1 || ra <= -4096)
		die("result out of range");
	if (ra != rb || a.n != b.n || (a.n && memcmp(a.s, b.s, a.n * sizeof(*a.s))))
		die("not deterministic");
	check(&a, max);
	procnet_table_free(&a);
	procnet_table_free(&b);
	return 0;
}
