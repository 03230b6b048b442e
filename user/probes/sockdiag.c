/* TCP sockets of rawtel's own network namespace through NETLINK_SOCK_DIAG
 * (inet_diag): one dump per family, of the states asked for, which sends
 * only the sockets that exist. /proc/net/tcp{,6} gives the same table but
 * its read restarts the walk of the established hash (262,144 buckets on a
 * 2-vCPU VM) at every chunk, and reads it once per file: ~5 ms a file.
 * Each socket's tcp_info is asked for (INET_DIAG_INFO): with it, as root,
 * comes its upper layer protocol's attribute, which says whether kernel
 * TLS is keyed in each direction (a socket keyed before rawtel started).
 * The replies are checked as any outside bytes: every length is bounded by
 * what was received; a reply that does not parse fails the whole read and
 * the caller reads /proc instead. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "rawtel/events.h"
#include "rawtel/sockcap.h"

/* The kernel's ABI (linux/netlink.h, linux/sock_diag.h, linux/inet_diag.h) */
#define RT_NETLINK_SOCK_DIAG 4
#define RT_SOCK_DIAG_BY_FAMILY 20
#define RT_NLM_F_REQUEST 0x1
#define RT_NLM_F_DUMP 0x300
#define RT_NLMSG_ERROR 2
#define RT_NLMSG_DONE 3
#define RT_IPPROTO_TCP 6
#define NL_HDR 16		/* struct nlmsghdr */
#define DIAG_MSG 72		/* struct inet_diag_msg */
#define RT_INET_DIAG_INFO 2	/* asked for: brings the ULP's attribute */
#define RT_INET_DIAG_ULP_INFO 19
#define RT_ULP_INFO_NAME 1	/* nested in it: the ULP's name, */
#define RT_ULP_INFO_TLS 2	/* and for "tls" (linux/tls.h): */
#define RT_TLS_INFO_TXCONF 3	/* u16 TLS_CONF_*: above BASE (1) the */
#define RT_TLS_INFO_RXCONF 4	/* kernel (or the NIC) does the records */

struct rt_nlmsghdr {
	uint32_t len;
	uint16_t type, flags;
	uint32_t seq, pid;
};

struct rt_diag_req {		/* nlmsghdr + inet_diag_req_v2 */
	struct rt_nlmsghdr h;
	uint8_t family, protocol, ext, pad;
	uint32_t states;
	uint8_t id[48];		/* struct inet_diag_sockid: all zero */
};

static uint16_t be16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* One inet_diag_msg (DIAG_MSG bytes at p) into the table's form */
static int diag_sock(const uint8_t *p, struct procnet_sock *s)
{
	uint32_t ino;

	memset(s, 0, sizeof(*s));
	if (p[0] == 2) {		/* AF_INET: the address in the first word */
		s->family = RT_AF_INET;
		s->laddr[10] = s->laddr[11] = s->raddr[10] = s->raddr[11] = 0xff;
		memcpy(s->laddr + 12, p + 8, 4);
		memcpy(s->raddr + 12, p + 24, 4);
	} else if (p[0] == 10) {	/* AF_INET6 */
		s->family = RT_AF_INET6;
		memcpy(s->laddr, p + 8, 16);
		memcpy(s->raddr, p + 24, 16);
	} else {
		return -EPROTO;
	}
	if (p[1] < 1 || p[1] > TCP_ST_NEW_SYN_RECV)
		return -EPROTO;
	s->state = p[1];
	s->lport = be16_at(p + 4);
	s->rport = be16_at(p + 6);
	memcpy(&ino, p + 68, 4);
	s->inode = ino;
	return 0;
}

/* A socket's kernel TLS directions (bits 1 << DATA_DIR_*) from the
 * netlink attributes after its inet_diag_msg (`len` bytes at p), or
 * -EPROTO for a length out of bounds. The walk goes down into the ULP's
 * attribute, and in it into the TLS one once the name said "tls": the
 * lengths are checked where walked (what follows a nest goes unread). */
static int diag_ktls(const uint8_t *p, size_t len)
{
	unsigned depth = 0, tls = 0, bits = 0;

	while (len >= 4) {
		uint16_t l, t, conf = 0;
		size_t step;

		memcpy(&l, p, 2);
		memcpy(&t, p + 2, 2);
		if (l < 4 || l > len)
			return -EPROTO;
		/* the depth and the type (without NLA_F_NESTED/ORDER) in one */
		t = (uint16_t)((t & 0x3fff) | depth << 14);
		if (t == RT_INET_DIAG_ULP_INFO || (t == (1 << 14 | RT_ULP_INFO_TLS) && tls)) {
			depth++;
			p += 4;
			len = l - 4u;
			continue;
		}
		if (t == (1 << 14 | RT_ULP_INFO_NAME))
			tls = l == 8 && !memcmp(p + 4, "tls", 4);
		if (l >= 6)
			memcpy(&conf, p + 4, 2);
		if (conf > 1 && (t == (2 << 14 | RT_TLS_INFO_TXCONF) || t == (2 << 14 | RT_TLS_INFO_RXCONF)))
			bits |= 1u << (t == (2 << 14 | RT_TLS_INFO_TXCONF) ? DATA_DIR_SEND : DATA_DIR_RECV);
		step = (l + 3u) & ~3u;		/* NLA_ALIGN */
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return (int)bits;
}

int sockdiag_parse(struct procnet_table *t, const void *buf, size_t len, size_t max)
{
	const uint8_t *p = buf;
	size_t off = 0;

	while (len - off >= NL_HDR) {
		struct rt_nlmsghdr h;
		struct procnet_sock s;
		int32_t err;
		int r;

		memcpy(&h, p + off, NL_HDR);
		if (h.len < NL_HDR || h.len > len - off)
			return -EPROTO;
		if (h.type == RT_NLMSG_DONE)
			return 1;
		if (h.type == RT_NLMSG_ERROR) {
			if (h.len < NL_HDR + 4)
				return -EPROTO;
			memcpy(&err, p + off + NL_HDR, 4);
			return err < 0 && err > -4096 ? err : -EPROTO;
		}
		if (h.type != RT_SOCK_DIAG_BY_FAMILY || h.len < NL_HDR + DIAG_MSG ||
		    diag_sock(p + off + NL_HDR, &s) ||
		    (r = diag_ktls(p + off + NL_HDR + DIAG_MSG, h.len - NL_HDR - DIAG_MSG)) < 0)
			return -EPROTO;
		s.ktls = (uint8_t)r;
		if (procnet_table_push(t, &s, max))
			return -ENOMEM;
		off += (h.len + 3u) & ~3u;	/* NLMSG_ALIGN */
		if (off >= len)
			return 0;
	}
	return off == len ? 0 : -EPROTO;
}

/* One family's dump into t */
static int dump_family(int fd, uint8_t family, uint32_t states, struct procnet_table *t, size_t max)
{
	struct rt_diag_req q;
	static uint8_t buf[32768];
	int r = 0;

	memset(&q, 0, sizeof(q));
	q.h.len = sizeof(q);
	q.h.type = RT_SOCK_DIAG_BY_FAMILY;
	q.h.flags = RT_NLM_F_REQUEST | RT_NLM_F_DUMP;
	q.h.seq = family;
	q.family = family;
	q.protocol = RT_IPPROTO_TCP;
	q.ext = 1u << (RT_INET_DIAG_INFO - 1);
	q.states = states;
	if (send(fd, &q, sizeof(q), 0) != (ssize_t)sizeof(q))
		return -errno;
	/* the kernel ends a dump with NLMSG_DONE; the receive timeout bounds
	 * a kernel that would not */
	while (r == 0) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n <= 0)
			return n < 0 ? -errno : -EPROTO;
		r = sockdiag_parse(t, buf, (size_t)n, max);
	}
	return r < 0 ? r : 0;
}

int sockdiag_table_read(struct procnet_table *t, uint32_t states, size_t max)
{
	struct timeval tv = { 1, 0 };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, RT_NETLINK_SOCK_DIAG), r;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	r = dump_family(fd, 2, states, t, max);
	if (!r)
		r = dump_family(fd, 10, states, t, max);
	close(fd);
	if (!r)
		procnet_table_sort(t);
	return r;
}
