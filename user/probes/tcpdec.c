/* What tcp and retrans records mean (shared by the printers and the agent):
 * addresses as text, state names, how a connection ended, which side is
 * the server, and the kernel's names for reset reasons. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/fmt.h"
#include "rawtel/probes.h"
#include "rawtel/tracefs.h"
#include "rawtel/util.h"

static const char *const st_names[13] = {
	[TCP_ST_ESTABLISHED] = "ESTABLISHED", [TCP_ST_SYN_SENT] = "SYN_SENT",
	[TCP_ST_SYN_RECV] = "SYN_RECV", [TCP_ST_FIN_WAIT1] = "FIN_WAIT1",
	[TCP_ST_FIN_WAIT2] = "FIN_WAIT2", [TCP_ST_TIME_WAIT] = "TIME_WAIT",
	[TCP_ST_CLOSE] = "CLOSE", [TCP_ST_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_ST_LAST_ACK] = "LAST_ACK", [TCP_ST_LISTEN] = "LISTEN",
	[TCP_ST_CLOSING] = "CLOSING", [TCP_ST_NEW_SYN_RECV] = "NEW_SYN_RECV",
};

const char *tcp_state_name(unsigned st)
{
	return st < 13 && st_names[st] ? st_names[st] : "UNKNOWN";
}

/* The order a connection goes through its states, for listing a set. */
static const uint8_t life_order[] = {
	TCP_ST_SYN_SENT, TCP_ST_SYN_RECV, TCP_ST_ESTABLISHED, TCP_ST_FIN_WAIT1,
	TCP_ST_FIN_WAIT2, TCP_ST_CLOSING, TCP_ST_TIME_WAIT, TCP_ST_CLOSE_WAIT,
	TCP_ST_LAST_ACK, TCP_ST_NEW_SYN_RECV, TCP_ST_CLOSE,
};

int tcp_states_next(uint16_t bits, int *pos)
{
	while ((size_t)*pos < sizeof(life_order)) {
		unsigned st = life_order[(*pos)++];
		if (bits & (1u << st))
			return (int)st;
	}
	return -1;
}

const char *tcp_states_str(uint16_t bits, char sep, char *buf, size_t size)
{
	size_t n = 0;
	int pos = 0, st;

	buf[0] = 0;
	while ((st = tcp_states_next(bits, &pos)) >= 0 && n < size) {
		int w = fmt_snprintf(buf + n, size - n, "%s%s", n ? (char[2]){ sep, 0 } : "",
				 tcp_state_name((unsigned)st));
		if (w < 0)
			break;
		n += (size_t)w;
	}
	return buf;
}

const char *tcp_addr_str(uint16_t family, const uint8_t a[16], char *buf, size_t size)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	/* records hold IPv4 addresses IPv4-mapped, as does a dual-stack
	 * socket talking to an IPv4 peer */
	if ((family == RT_AF_INET || family == RT_AF_INET6) && !memcmp(a, mapped, 12))
		family = RT_AF_INET, a += 12;
	if (family == RT_AF_INET)
		return fmt_ntop(AF_INET, a, buf, size) ? buf : "?";
	if (family == RT_AF_INET6)
		return fmt_ntop(AF_INET6, a, buf, size) ? buf : "?";
	return "?";
}

bool tcp_lost_child(const struct ev_tcp *e)
{
	/* Two CPUs handling the last ACK of one handshake (or it and the first
	 * data segment) can each make a child socket in SYN_RECV; the one that
	 * finds the other already hashed is closed at once (SYN_RECV -> CLOSE),
	 * before any process had it, with no reset: the connection lives on in
	 * the winner. Seen on 6.1 under qemu with 2 vCPUs. A child dropped
	 * because its listener closed sends a reset; a Fast Open child that
	 * fails its handshake had an owner: both stay. */
	return e->states == ((1u << TCP_ST_SYN_RECV) | (1u << TCP_ST_CLOSE)) &&
	       e->dir == TCP_DIR_IN && e->pid_how == TCP_PID_NONE && !e->sent && !e->received &&
	       !e->retrans && !(e->h.flags & (TCP_F_RST_SENT | TCP_F_RST_RECV));
}

const char *tcp_close_error(const struct ev_tcp *e)
{
	bool est = e->states & (1u << TCP_ST_ESTABLISHED);

	if (tcp_lost_child(e))
		return NULL;

	if (!est && (e->states & ((1u << TCP_ST_SYN_SENT) | (1u << TCP_ST_SYN_RECV))))
		return (e->h.flags & TCP_F_RST_RECV) && e->dir == TCP_DIR_OUT ? "connection_refused"
									       : "handshake_failed";
	/* the orderly ends: both FINs exchanged, the socket left to TIME_WAIT
	 * or closed after the peer's FIN and ours */
	switch (e->last) {
	case TCP_ST_FIN_WAIT2:
	case TCP_ST_LAST_ACK:
	case TCP_ST_CLOSING:
	case TCP_ST_TIME_WAIT:
		return NULL;
	}
	/* from ESTABLISHED, CLOSE_WAIT or FIN_WAIT1 straight to CLOSE: a
	 * reset received, or an abort here (SO_LINGER 0, unread data, a
	 * timeout) */
	return e->h.flags & TCP_F_RST_RECV ? "connection_reset" : "aborted";
}

/* The ephemeral port range connect() picks local ports from. */
static void port_range(uint32_t *lo, uint32_t *hi)
{
	static uint32_t c_lo, c_hi;
	char buf[64];

	if (!c_hi) {
		c_lo = 32768, c_hi = 60999;	/* the kernel's default */
		if (util_read_file("/proc/sys/net/ipv4/ip_local_port_range", buf, sizeof(buf)) > 0) {
			char *end;
			unsigned long a = strtoul(buf, &end, 10), b = strtoul(end, NULL, 10);

			if (a > 0 && b >= a && b < 65536)
				c_lo = (uint32_t)a, c_hi = (uint32_t)b;
		}
	}
	*lo = c_lo;
	*hi = c_hi;
}

int tcp_guess_dir(uint16_t lport, uint16_t rport, uint32_t eph_lo, uint32_t eph_hi)
{
	bool l_eph = lport >= eph_lo && lport <= eph_hi;
	bool r_eph = rport >= eph_lo && rport <= eph_hi;

	/* a client's port comes from the ephemeral range, a service's
	 * rarely does; when that does not decide, the lower port serves */
	if (l_eph != r_eph)
		return l_eph ? TCP_DIR_OUT : TCP_DIR_IN;
	return lport <= rport ? TCP_DIR_IN : TCP_DIR_OUT;
}

int tcp_dir(int dir, uint16_t lport, uint16_t rport)
{
	uint32_t lo, hi;

	if (dir == TCP_DIR_OUT || dir == TCP_DIR_IN)
		return dir;
	port_range(&lo, &hi);
	return tcp_guess_dir(lport, rport, lo, hi);
}

/* ---- reset reasons: the kernel's own names ---------------------------------
 * enum sk_rst_reason changes between kernels; its names are in the print
 * format of tcp/tcp_send_reset: __print_symbolic(REC->reason, { 0,
 * "NOT_SPECIFIED" }, { 1, "NO_SOCKET" }, ...). Read once, when a reset
 * with a reason is first decoded. */
#define RSN_MAX 64
static char rsn_names[RSN_MAX][40];
static int rsn_state;	/* 0 not read, 1 read */

void tcp_reasons_parse(const char *text)
{
	const char *p = strstr(text, "REC->reason,");

	rsn_state = 1;
	memset(rsn_names, 0, sizeof(rsn_names));
	if (!p)
		return;
	p += strlen("REC->reason,");
	/* { N, "NAME" } pairs until the list's closing parenthesis */
	for (;;) {
		unsigned long v;
		const char *q, *end;
		char *num_end;

		while (*p == ' ' || *p == ',')
			p++;
		if (*p != '{')
			return;
		v = strtoul(p + 1, &num_end, 10);
		if (num_end == p + 1)
			return;
		while (*num_end == ' ')
			num_end++;
		q = *num_end == ',' ? strchr(num_end, '"') : NULL;
		end = q ? strchr(q + 1, '"') : NULL;
		if (!end || memchr(num_end, '}', (size_t)(q - num_end)))
			return;
		if (v < RSN_MAX && (size_t)(end - q - 1) < sizeof(rsn_names[0]))
			memcpy(rsn_names[v], q + 1, (size_t)(end - q - 1));
		p = strchr(end, '}');
		if (!p)
			return;
		p++;
	}
}

const char *tcp_reset_reason(uint32_t code)
{
	if (!rsn_state) {
		const char *root;
		char path[512], *buf = NULL;

		rsn_state = 1;
		memset(rsn_names, 0, sizeof(rsn_names));
		if (tracefs_root(&root) == 0 && (buf = malloc(65536))) {
			fmt_snprintf(path, sizeof(path), "%s/events/tcp/tcp_send_reset/format", root);
			if (util_read_file(path, buf, 65536) >= 0)
				tcp_reasons_parse(buf);
		}
		free(buf);
	}
	return code < RSN_MAX && rsn_names[code][0] ? rsn_names[code] : NULL;
}
