/* /proc/net/tcp{,6} and /proc/PID/fd parsing for the http probe: real
 * lines, hostile ones (truncated, overlong, bad hex, huge numbers, binary
 * garbage), and agreement with the kernel's view of sockets this test
 * opens itself. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "rawtel/events.h"
#include "rawtel/sockcap.h"
#include "t.h"

static const uint8_t lo4[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1 };
static const uint8_t lo6[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

/* Real lines and what they say; an address left NULL is not checked */
static const struct good_line {
	const char *line;
	uint16_t family, lport, rport;
	uint8_t state;
	uint64_t inode;
	const uint8_t *laddr, *raddr;
} good[] = {
	{ "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 "
	  "00:00000000 00000000     0        0 123456 1 0000000000000000 "
	  "100 0 0 10 0", RT_AF_INET, 8080, 0, TCP_ST_LISTEN, 123456, lo4, NULL },
	{ "  12: 00000000000000000000000001000000:C350 "
	  "00000000000000000000000001000000:9C40 01 00000000:00000000 "
	  "00:00000000 00000000  1000        0 99 1 0000000000000000 20 4 "
	  "30 10 -1", RT_AF_INET6, 50000, 40000, TCP_ST_ESTABLISHED, 99, NULL, lo6 },
};

static void test_lines(void)
{
	struct procnet_sock s;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const struct good_line *g = &good[i];

		T_ASSERT(procnet_parse_line(g->line, g->family, &s) == 0);
		T_EQ_INT(s.lport, g->lport);
		T_EQ_INT(s.rport, g->rport);
		T_EQ_INT(s.state, g->state);
		T_EQ_INT(s.inode, g->inode);
		T_CHECK(!g->laddr || !memcmp(s.laddr, g->laddr, 16));
		T_CHECK(!g->raddr || !memcmp(s.raddr, g->raddr, 16));
	}
	/* the header, and hostile lines */
	static const char *const bad[] = {
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
		"",
		"0:",
		"   0: 0100007F:1F90",
		"   0: 0100007G:1F90 00000000:0000 0A 0:0 0:0 0 0 0 1",
		"   0: 0100007F1F90 00000000:0000 0A 0:0 0:0 0 0 0 1",
		"   0: 0100007F:1F9 00000000:0000 0A 0:0 0:0 0 0 0 1",
		"   0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 -1",
		"   0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 99999999999999999999999",
		"   0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 12x",
		"   0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0",
		"   0: 0100007F:1F90 00000000:0000 FF 0:0 0:0 0 0 0 1",
		"   0: 0100007F:1F90 00000000:0000 00 0:0 0:0 0 0 0 1",
		"   0: 0100007F:1F90 00000000:00000 0A 0:0 0:0 0 0 0 1",
		"\xff\xfe\x01: \x80\x80\x80",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		T_CHECK(procnet_parse_line(bad[i], RT_AF_INET, &s) == -EINVAL, "bad line accepted");
	/* an IPv4 line in a tcp6 file and the reverse */
	T_CHECK(procnet_parse_line("   0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 1",
				   RT_AF_INET6, &s) == -EINVAL);
	T_CHECK(procnet_parse_line("   0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 1", 0, &s) ==
		-EINVAL);
}

static void test_links(void)
{
	uint64_t ino;

	T_CHECK(procnet_socket_inode("socket:[4242]", &ino) == 0 && ino == 4242);
	T_CHECK(procnet_socket_inode("socket:[4242", &ino) == -EINVAL);
	T_CHECK(procnet_socket_inode("socket:[]", &ino) == -EINVAL);
	T_CHECK(procnet_socket_inode("socket:[-1]", &ino) == -EINVAL);
	T_CHECK(procnet_socket_inode("socket:[1]x", &ino) == -EINVAL);
	T_CHECK(procnet_socket_inode("pipe:[12]", &ino) == -EINVAL);
	T_CHECK(procnet_socket_inode("socket:[99999999999999999999999]", &ino) == -EINVAL);
}

/* a whole file of garbage: bounded, never more than max entries */
static void test_text(void)
{
	struct procnet_table t = { 0 };
	static char text[1 << 16];
	size_t n = 0;

	for (int i = 0; i < 200; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%4d: 0100007F:%04X 00000000:0000 0A "
				      "0:0 0:0 0 0 0 %d\n", i, 1000 + i, 1000 - i);
	/* a line longer than any real one, then no final newline */
	memset(text + n, 'A', 2000);
	n += 2000;
	T_ASSERT(procnet_table_add_text(&t, text, n, RT_AF_INET, 150) == 0);
	procnet_table_sort(&t);
	T_EQ_INT(t.n, 150);
	T_CHECK(procnet_table_find(&t, 1000) && procnet_table_find(&t, 1000)->lport == 1000);
	T_CHECK(procnet_table_find(&t, 851) && procnet_table_find(&t, 851)->lport == 1149);
	T_CHECK(procnet_table_find(&t, 850) == NULL);
	procnet_table_free(&t);
	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)(i * 7 + (i >> 8));
	T_ASSERT(procnet_table_add_text(&t, text, sizeof(text), RT_AF_INET6, 1000) == 0);
	procnet_table_free(&t);
}

/* a listener and a connection of our own, as /proc shows them */
static void test_self(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t l = sizeof(a);
	struct procnet_table t = { 0 };
	const struct procnet_sock *s;
	uint64_t li, ci;
	int lfd = socket(AF_INET, SOCK_STREAM, 0), cfd = socket(AF_INET, SOCK_STREAM, 0), afd, nfd;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	T_ASSERT(lfd >= 0 && cfd >= 0);
	T_ASSERT(!bind(lfd, (struct sockaddr *)&a, sizeof(a)) && !listen(lfd, 1) &&
		 !getsockname(lfd, (struct sockaddr *)&a, &l));
	T_ASSERT(!connect(cfd, (struct sockaddr *)&a, sizeof(a)));
	T_ASSERT((afd = accept(lfd, NULL, NULL)) >= 0);
	T_ASSERT(procnet_fd_inode((uint32_t)getpid(), lfd, &li) == 0);
	T_ASSERT(procnet_fd_inode((uint32_t)getpid(), cfd, &ci) == 0);
	/* fd 0 may be anything the runner gave us: a file known not to be a
	 * socket instead, and an fd that is not open */
	nfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	T_ASSERT(nfd >= 0);
	T_EQ_INT(procnet_fd_inode((uint32_t)getpid(), nfd, &ci), -ENOTSOCK);
	close(nfd);
	T_EQ_INT(procnet_fd_inode((uint32_t)getpid(), nfd, &ci), -ENOENT);
	T_ASSERT(procnet_table_read(&t, (uint32_t)getpid(), 1u << 20) == 0);
	s = procnet_table_find(&t, li);
	T_ASSERT(s);
	T_EQ_INT(s->state, TCP_ST_LISTEN);
	T_EQ_INT(s->lport, ntohs(a.sin_port));
	procnet_fd_inode((uint32_t)getpid(), cfd, &ci);
	s = procnet_table_find(&t, ci);
	T_ASSERT(s);
	T_EQ_INT(s->state, TCP_ST_ESTABLISHED);
	T_EQ_INT(s->rport, ntohs(a.sin_port));
	T_EQ_INT(s->family, RT_AF_INET);
	procnet_table_free(&t);
	close(afd);
	close(cfd);
	close(lfd);
}

int main(void)
{
	T_RUN(test_lines);
	T_RUN(test_links);
	T_RUN(test_text);
	T_RUN(test_self);
	return t_done();
}
