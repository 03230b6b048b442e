/* Netlink sock_diag replies (user/probes/sockdiag.c): built replies, the
 * kernel's error, hostile ones (short, overlong, unknown type or family,
 * every truncation), the ULP attribute's kernel TLS directions (and its
 * hostile forms), and agreement with /proc/net/tcp about sockets this
 * test opens itself. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "rawtel/events.h"
#include "rawtel/sockcap.h"
#include "t.h"

/* one SOCK_DIAG_BY_FAMILY message (16 + 72 bytes) at p */
static size_t put_msg(uint8_t *p, uint8_t family, uint8_t state, uint16_t lport, uint16_t rport,
		      const uint8_t *la, const uint8_t *ra, uint32_t ino)
{
	uint32_t len = 88;
	uint16_t type = 20;

	memset(p, 0, 88);
	memcpy(p, &len, 4);
	memcpy(p + 4, &type, 2);
	p[16] = family;
	p[17] = state;
	p[20] = (uint8_t)(lport >> 8);
	p[21] = (uint8_t)lport;
	p[22] = (uint8_t)(rport >> 8);
	p[23] = (uint8_t)rport;
	memcpy(p + 24, la, family == 2 ? 4 : 16);
	memcpy(p + 40, ra, family == 2 ? 4 : 16);
	memcpy(p + 84, &ino, 4);
	return 88;
}

static size_t put_done(uint8_t *p)
{
	uint32_t len = 20;
	uint16_t type = 3;

	memset(p, 0, 20);
	memcpy(p, &len, 4);
	memcpy(p + 4, &type, 2);
	return 20;
}

static const uint8_t lo4[4] = { 127, 0, 0, 1 };
static const uint8_t lo6[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

static size_t good(uint8_t *b)
{
	size_t n = put_msg(b, 2, TCP_ST_LISTEN, 8080, 0, lo4, lo4, 123456);

	n += put_msg(b + n, 10, TCP_ST_ESTABLISHED, 50000, 40000, lo6, lo6, 99);
	return n + put_done(b + n);
}

static void test_parse(void)
{
	static const uint8_t m4[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1 };
	struct procnet_table t = { 0 };
	const struct procnet_sock *s;
	uint8_t b[512];
	size_t n = good(b);

	T_EQ_INT(sockdiag_parse(&t, b, n, 100), 1);
	T_EQ_INT(t.n, 2);
	procnet_table_sort(&t);
	T_ASSERT((s = procnet_table_find(&t, 123456)));
	T_EQ_INT(s->family, RT_AF_INET);
	T_EQ_INT(s->state, TCP_ST_LISTEN);
	T_EQ_INT(s->lport, 8080);
	T_CHECK(!memcmp(s->laddr, m4, 16));
	T_ASSERT((s = procnet_table_find(&t, 99)));
	T_EQ_INT(s->family, RT_AF_INET6);
	T_EQ_INT(s->state, TCP_ST_ESTABLISHED);
	T_EQ_INT(s->lport, 50000);
	T_EQ_INT(s->rport, 40000);
	T_CHECK(!memcmp(s->raddr, lo6, 16));
	procnet_table_free(&t);
	/* more to come (no NLMSG_DONE yet), and `max` keeps the table short */
	T_EQ_INT(sockdiag_parse(&t, b, 176, 1), 0);
	T_EQ_INT(t.n, 1);
	procnet_table_free(&t);
}

/* one netlink attribute at p: its aligned size */
static size_t put_attr(uint8_t *p, uint16_t type, const void *v, uint16_t n)
{
	uint16_t len = (uint16_t)(4 + n);

	memcpy(p, &len, 2);
	memcpy(p + 2, &type, 2);
	memcpy(p + 4, v, n);
	memset(p + 4 + n, 0, (size_t)((4 - n % 4) % 4));
	return (size_t)(len + 3) & ~(size_t)3;
}

static size_t put_u16(uint8_t *p, uint16_t type, uint16_t v)
{
	return put_attr(p, type, &v, 2);
}

/* An established IPv4 socket's message with, after a tcp_info stand-in,
 * the ULP attribute (INET_DIAG_ULP_INFO 19) of `ulp` ("tls\0": 4 bytes)
 * and, for TLS, version, cipher, TXCONF and RXCONF (TLS_CONF_*) */
static size_t put_ulp(uint8_t *p, const char *ulp, uint16_t ulp_n, uint16_t tx, uint16_t rx,
		      uint32_t ino)
{
	uint8_t info[24] = { 1 }, tls[64], nest[128];
	size_t n = put_msg(p, 2, TCP_ST_ESTABLISHED, 443, 50001, lo4, lo4, ino), k, m;
	uint32_t len;

	k = put_u16(tls, 1, 0x0303);
	k += put_u16(tls + k, 2, 51);
	k += put_u16(tls + k, 3, tx);
	k += put_u16(tls + k, 4, rx);
	m = put_attr(nest, 1, ulp, ulp_n);
	m += put_attr(nest + m, 2, tls, (uint16_t)k);
	n += put_attr(p + n, 2, info, sizeof(info));
	n += put_attr(p + n, 19, nest, (uint16_t)m);
	len = (uint32_t)n;
	memcpy(p, &len, 4);
	return n;
}

static void test_ulp(void)
{
	struct procnet_table t = { 0 };
	const struct procnet_sock *s;
	uint8_t b[1024];
	size_t n;

	/* TX keyed (SW), RX not (BASE); both (HW, SW); the ULP of MPTCP;
	 * "tls" with nothing keyed yet; none at all (good(): a listener) */
	n = put_ulp(b, "tls", 4, 2, 1, 1);
	n += put_ulp(b + n, "tls", 4, 3, 2, 2);
	n += put_ulp(b + n, "mptcp", 6, 2, 2, 3);
	n += put_ulp(b + n, "tls", 4, 1, 1, 4);
	n += put_ulp(b + n, "tl", 3, 2, 2, 5);
	n += good(b + n);
	T_EQ_INT(sockdiag_parse(&t, b, n, 100), 1);
	T_EQ_INT(t.n, 7);
	procnet_table_sort(&t);
	static const uint8_t want[6] = { 0, 1u << DATA_DIR_SEND, 1u << DATA_DIR_SEND | 1u << DATA_DIR_RECV,
					 0, 0, 0 };
	for (uint64_t i = 1; i <= 5; i++) {
		T_ASSERT((s = procnet_table_find(&t, i)));
		T_EQ_INT(s->ktls, want[i]);
		T_EQ_INT(s->lport, 443);
	}
	T_ASSERT((s = procnet_table_find(&t, 99)) && s->ktls == 0);
	procnet_table_free(&t);
	/* hostile (offsets in put_ulp's message: tcp_info at 88, ULP 116,
	 * its name 120, TLS 128, TXCONF 148): an attribute under 4 bytes, one
	 * past its message, nested ones past their parent; a conf too short
	 * is no direction */
	static const struct { size_t at; uint16_t len; int r; } bad[] = {
		{ 88, 3, -EPROTO }, { 88, 77, -EPROTO }, { 116, 200, -EPROTO },
		{ 120, 45, -EPROTO }, { 128, 37, -EPROTO }, { 148, 5, 1 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = put_ulp(b, "tls", 4, 2, 2, 1);
		n += put_done(b + n);
		memcpy(b + bad[i].at, &bad[i].len, 2);
		T_EQ_INT(sockdiag_parse(&t, b, n, 100), bad[i].r);
		if (bad[i].r == 1)	/* TXCONF of 1 byte: RX only */
			T_ASSERT(t.n == 1 && t.s[0].ktls == 1u << DATA_DIR_RECV);
		procnet_table_free(&t);
	}
}

static void test_hostile(void)
{
	struct procnet_table t = { 0 };
	uint8_t b[512], c[512];
	size_t n = good(b);
	uint32_t v;
	int32_t err = -EPERM;

	/* every truncation: at a message's end "more to come", else refused */
	for (size_t k = 0; k < n; k++) {
		T_EQ_INT(sockdiag_parse(&t, b, k, 100), (k == 0 || k == 88 || k == 176) ? 0 : -EPROTO);
		procnet_table_free(&t);
	}
	/* lengths below the header, beyond the buffer; an unknown type */
	static const uint32_t lens[] = { 0, 15, 89 + 88 + 20, 0xffffffffu };
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memcpy(c, b, n);
		memcpy(c, &lens[i], 4);
		T_EQ_INT(sockdiag_parse(&t, c, n, 100), -EPROTO);
		procnet_table_free(&t);
	}
	memcpy(c, b, n);
	v = 16;			/* a message too short for inet_diag_msg */
	memcpy(c, &v, 4);
	T_EQ_INT(sockdiag_parse(&t, c, n, 100), -EPROTO);
	procnet_table_free(&t);
	memcpy(c, b, n);
	c[4] = 99;
	T_EQ_INT(sockdiag_parse(&t, c, n, 100), -EPROTO);
	procnet_table_free(&t);
	memcpy(c, b, n);
	c[16] = 1;		/* AF_UNIX */
	T_EQ_INT(sockdiag_parse(&t, c, n, 100), -EPROTO);
	procnet_table_free(&t);
	memcpy(c, b, n);
	c[17] = 0;		/* no such state */
	T_EQ_INT(sockdiag_parse(&t, c, n, 100), -EPROTO);
	procnet_table_free(&t);
	/* the kernel's error: its errno; a nonsense one is refused */
	n = put_done(c);
	c[4] = 2;
	memcpy(c + 16, &err, 4);
	T_EQ_INT(sockdiag_parse(&t, c, n, 100), -EPERM);
	err = 5;
	memcpy(c + 16, &err, 4);
	T_EQ_INT(sockdiag_parse(&t, c, n, 100), -EPROTO);
	T_EQ_INT(sockdiag_parse(&t, c, 18, 100), -EPROTO);
	procnet_table_free(&t);
}

/* A listener and a connection of this process: sock_diag and /proc agree */
static void test_self(void)
{
	struct procnet_table d = { 0 }, p = { 0 };
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), cfd, afd, r;
	struct stat st;
	const struct procnet_sock *x, *y;

	T_ASSERT(lfd >= 0);
	T_ASSERT(bind(lfd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(lfd, 4) == 0);
	T_ASSERT(getsockname(lfd, (struct sockaddr *)&a, &al) == 0);
	cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	T_ASSERT(cfd >= 0 && connect(cfd, (struct sockaddr *)&a, sizeof(a)) == 0);
	afd = accept(lfd, NULL, NULL);
	T_ASSERT(afd >= 0);
	r = sockdiag_table_read(&d, 1u << TCP_ST_LISTEN | 1u << TCP_ST_ESTABLISHED, 1u << 20);
	if (r == -EPROTONOSUPPORT || r == -ENOENT || r == -EACCES || r == -EPERM) {
		T_SKIP("no netlink sock_diag here");
	} else {
		T_EQ_INT(r, 0);
		T_ASSERT(procnet_table_read(&p, 0, 1u << 20) == 0);
		for (int i = 0; i < 2; i++) {
			T_ASSERT(fstat(i ? cfd : lfd, &st) == 0);
			x = procnet_table_find(&d, (uint64_t)st.st_ino);
			y = procnet_table_find(&p, (uint64_t)st.st_ino);
			T_ASSERT(x && y);
			T_EQ_INT(x->state, y->state);
			T_EQ_INT(x->family, y->family);
			T_EQ_INT(x->lport, y->lport);
			T_EQ_INT(x->rport, y->rport);
			T_CHECK(!memcmp(x->laddr, y->laddr, 16) && !memcmp(x->raddr, y->raddr, 16));
		}
		T_EQ_INT(procnet_table_find(&d, (uint64_t)st.st_ino)->rport, ntohs(a.sin_port));
	}
	procnet_table_free(&d);
	procnet_table_free(&p);
	close(afd);
	close(cfd);
	close(lfd);
}

int main(void)
{
	T_RUN(test_parse);
	T_RUN(test_hostile);
	T_RUN(test_ulp);
	T_RUN(test_self);
	return t_done();
}
