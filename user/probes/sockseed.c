/* Sockets older than rawtel (sockseed_scan): the selected processes' socket
 * fds (/proc/PID/fd) matched by inode to the TCP sockets of its network
 * namespace (netlink sock_diag in rawtel's own, user/probes/sockdiag.c;
 * /proc/PID/net/tcp{,6} in others, or without sock_diag). An
 * established one becomes a tracked socket (a server's if its local port
 * is one the process listens on), with a SOCK_K_SEED record (and one of
 * SOCK_K_KTLS if sock_diag says kernel TLS is keyed on it); a listener
 * gives accept its local address; under --port, a process listening on
 * the port is selected. Runs after the programs are attached: a socket
 * the kernel side learned meanwhile is kept as it learned it. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rawtel/bpf.h"
#include "rawtel/events.h"
#include "rawtel/fmt.h"
#include "rawtel/session.h"
#include "rawtel/util.h"
#include "sockcap_int.h"

#define SEED_SOCKS_MAX (1u << 20)	/* per network namespace */

struct seed_fd {
	int fd;
	uint64_t inode;
};

struct seed_ns {
	uint64_t ns;			/* inode of /proc/PID/ns/net */
	struct procnet_table t;
};

static int read_comm(uint32_t pid, char comm[16])
{
	char path[48], buf[32];
	int n;

	fmt_snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	if ((n = util_read_file(path, buf, sizeof(buf))) <= 0)
		return n < 0 ? n : -EIO;
	buf[strcspn(buf, "\n")] = 0;
	memset(comm, 0, 16);
	memcpy(comm, buf, strnlen(buf, 15));
	return 0;
}

/* the socket fds of a process, at most SC_SEED_FDS */
static size_t socket_fds(uint32_t pid, struct seed_fd **out, size_t *cap)
{
	char path[48];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	fmt_snprintf(path, sizeof(path), "/proc/%u/fd", pid);
	if (!(d = opendir(path)))
		return 0;
	while ((de = readdir(d)) && n < SC_SEED_FDS) {
		char *end, link[64];
		long fd = strtol(de->d_name, &end, 10);
		uint64_t ino;
		ssize_t len;

		if (*end || end == de->d_name || fd < 0 || fd > 0x7fffffff)
			continue;
		/* relative to the open directory: no walk of /proc/PID/fd
		 * per descriptor (procnet_fd_inode's path) */
		len = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
		if (len < 0)
			continue;
		link[len] = 0;
		if (procnet_socket_inode(link, &ino))
			continue;
		if (n == *cap) {
			size_t c = *cap ? *cap * 2 : 64;
			void *p = realloc(*out, c * sizeof(**out));
			if (!p)
				break;
			*out = p;
			*cap = c;
		}
		(*out)[n++] = (struct seed_fd){ (int)fd, ino };
	}
	closedir(d);
	return n;
}

/* rawtel's own network namespace, where netlink sock_diag answers (unless
 * RAWTEL_FEATURES_OFF names sock_diag: the /proc path, as on kernels
 * without it) */
static bool own_netns(uint64_t ino)
{
	static uint64_t self;
	const char *off = getenv("RAWTEL_FEATURES_OFF");
	struct stat st;

	if (off && strstr(off, "sock_diag"))
		return false;
	if (!self && !stat("/proc/self/ns/net", &st))
		self = (uint64_t)st.st_ino;
	return self && self == ino;
}

/* the table of the process's network namespace (read once per namespace) */
static const struct procnet_table *ns_table(struct seed_ns *ns, int *n_ns, uint32_t pid)
{
	char path[48];
	struct stat st;
	int i;

	fmt_snprintf(path, sizeof(path), "/proc/%u/ns/net", pid);
	if (stat(path, &st))
		return NULL;
	for (i = 0; i < *n_ns; i++)
		if (ns[i].ns == (uint64_t)st.st_ino)
			return &ns[i].t;
	if (*n_ns == 8)
		return NULL;
	ns[i].ns = (uint64_t)st.st_ino;
	memset(&ns[i].t, 0, sizeof(ns[i].t));
	if (own_netns(ns[i].ns) &&
	    !sockdiag_table_read(&ns[i].t, 1u << TCP_ST_LISTEN | 1u << TCP_ST_ESTABLISHED,
				 SEED_SOCKS_MAX)) {
		(*n_ns)++;
		return &ns[i].t;
	}
	procnet_table_free(&ns[i].t);
	if (procnet_table_read(&ns[i].t, pid, SEED_SOCKS_MAX)) {
		procnet_table_free(&ns[i].t);
		return NULL;
	}
	(*n_ns)++;
	return &ns[i].t;
}

static bool listens_on(const uint16_t *ports, int n, uint16_t port)
{
	for (int i = 0; i < n; i++)
		if (ports[i] == port)
			return true;
	return false;
}

/* A listener on the port in the process's network namespace, another
 * process's maybe: a server that forks a process per connection after
 * accepting it (PostgreSQL's backends) holds the accepted socket, not the
 * listener, and an ephemeral client port is never a listening one. */
static bool netns_listens(const struct procnet_table *t, uint16_t port)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->s[i].state == TCP_ST_LISTEN && t->s[i].lport == port)
			return true;
	return false;
}

/* one established socket: tracked (unless the kernel side has it), said */
static int seed_conn(struct sockcap *c, uint32_t pid, const char comm[16], int fd,
		     const struct procnet_sock *ps, uint8_t role)
{
	uint64_t key = (uint64_t)pid << 32 | (uint32_t)fd, gate;
	uint8_t val[SKF_SIZE] = { 0 };
	uint32_t slot = pid & (SK_GATE_SLOTS - 1), one = 1;
	struct ev_sock e;

	memset(&e, 0, sizeof(e));
	e.conn = c->next_id++;
	memcpy(val + SKF_CONN, &e.conn, 8);
	val[SKF_ROLE] = role;
	val[SKF_KTLS] = ps->ktls;	/* keyed before rawtel: as if seen */
	if (bpf_map_update(c->fds_fd, &key, val, RT_BPF_NOEXIST))
		return 0;
	/* the gate's seed share is never taken back: a count the kernel
	 * side adds meanwhile may be lost, never one too few */
	if (!bpf_map_update(c->procs_fd, &pid, &one, RT_BPF_NOEXIST) &&
	    !bpf_map_lookup(c->gate_fd, &slot, &gate)) {
		gate += SK_GATE_SEED;
		bpf_map_update(c->gate_fd, &slot, &gate, RT_BPF_ANY);
	}
	e.h.type = EV_SOCK;
	e.h.size = SOCK_REC_SIZE;
	e.h.flags = SOCK_F_LOCAL | SOCK_F_REMOTE;
	e.h.ts = sockcap_now_ns();
	e.h.tid = e.h.pid = pid;
	e.fd = fd;
	e.lfd = -1;
	e.kind = SOCK_K_SEED;
	e.role = role;
	e.family = ps->family;
	e.lport = ps->lport;
	e.rport = ps->rport;
	memcpy(e.laddr, ps->laddr, 16);
	memcpy(e.raddr, ps->raddr, 16);
	memcpy(e.comm, comm, 16);
	if (sockcap_hold(c, &e, sizeof(e)))
		return -ENOMEM;
	if (!ps->ktls)
		return 1;
	/* then what kern/sock_ktls.h says at a kTLS setsockopt */
	e.kind = SOCK_K_KTLS;
	e.h.flags = (ps->ktls & 1u << DATA_DIR_SEND ? SOCK_F_KTLS_TX : 0) |
		    (ps->ktls & 1u << DATA_DIR_RECV ? SOCK_F_KTLS_RX : 0);
	return sockcap_hold(c, &e, sizeof(e)) ? -ENOMEM : 1;
}

static int seed_proc(struct sockcap *c, uint32_t pid, const struct procnet_table *t,
		     const struct seed_fd *fds, size_t n, const char comm[16])
{
	const struct session_opts *o = &c->s->opt;
	uint16_t ports[64];
	int n_ports = 0, seeded = 0, r;
	uint32_t one = 1;

	for (size_t i = 0; i < n; i++) {
		const struct procnet_sock *ps = procnet_table_find(t, fds[i].inode);
		if (ps && ps->state == TCP_ST_LISTEN && n_ports < 64)
			ports[n_ports++] = ps->lport;
	}
	if (o->port) {
		if (!listens_on(ports, n_ports, o->port))
			return 0;
		bpf_map_update(c->sel_fd, &pid, &one, RT_BPF_ANY);
	}
	for (size_t i = 0; i < n; i++) {
		const struct procnet_sock *ps = procnet_table_find(t, fds[i].inode);
		uint64_t key = (uint64_t)pid << 32 | (uint32_t)fds[i].fd;
		uint8_t l[SKL_SIZE] = { 0 };

		if (!ps)
			continue;
		if (ps->state == TCP_ST_LISTEN) {
			memcpy(l + SKL_FAMILY, &ps->family, 2);
			memcpy(l + SKL_PORT, &ps->lport, 2);
			memcpy(l + SKL_ADDR, ps->laddr, 16);
			bpf_map_update(c->listen_fd, &key, l, RT_BPF_NOEXIST);
		} else if (ps->state == TCP_ST_ESTABLISHED) {
			r = seed_conn(c, pid, comm, fds[i].fd, ps,
				      listens_on(ports, n_ports, ps->lport) || netns_listens(t, ps->lport)
					      ? SOCK_ROLE_SERVER : SOCK_ROLE_CLIENT);
			if (r < 0)
				return r;
			seeded += r;
		}
	}
	return seeded;
}

/* --pid: the process or one of its descendants (sel, filled by now) */
static bool selected(const struct sockcap *c, uint32_t pid)
{
	uint32_t v;

	return bpf_map_lookup(c->sel_fd, &pid, &v) == 0;
}

int sockseed_scan(struct session *s)
{
	struct sockcap *c = s->sockcap;
	const struct session_opts *o = &s->opt;
	struct seed_ns ns[8];
	struct seed_fd *fds = NULL;
	size_t cap = 0;
	int n_ns = 0, total = 0, r = 0;
	uint32_t self = (uint32_t)getpid();
	struct dirent *de;
	DIR *d = opendir("/proc");

	if (!c || !d) {
		if (d)
			closedir(d);
		return 0;
	}
	while ((de = readdir(d)) && r >= 0) {
		char *end, comm[16];
		unsigned long pid = strtoul(de->d_name, &end, 10);
		const struct procnet_table *t;
		size_t n;

		if (*end || end == de->d_name || !pid || pid > 0x7fffffff || pid == self ||
		    (o->pid && !selected(c, (uint32_t)pid)) ||
		    (o->comm[0] && (read_comm((uint32_t)pid, comm) || strncmp(comm, o->comm, 16))))
			continue;
		/* the name read only for a process with sockets: most have none */
		if (!(n = socket_fds((uint32_t)pid, &fds, &cap)) ||
		    (!o->comm[0] && read_comm((uint32_t)pid, comm)) ||
		    !(t = ns_table(ns, &n_ns, (uint32_t)pid)))
			continue;
		r = seed_proc(c, (uint32_t)pid, t, fds, n, comm);
		total += r > 0 ? r : 0;
	}
	closedir(d);
	free(fds);
	for (int i = 0; i < n_ns; i++)
		procnet_table_free(&ns[i].t);
	return r < 0 ? r : total;
}

/* A socket sockseed_scan could not see: established before rawtel started
 * in a process not selected then (or since forked, exec'd, passed over a
 * UNIX socket), first used by a selected one. The kernel side learned it
 * at that use without its addresses (kern/sock.S BORN_BEFORE); here they
 * come from /proc by the fd's inode, read while sk_fds shows the fd still
 * holds this connection (so the inode cannot be a later socket's), the
 * role as a seed's. Gone by then: not followed, never guessed. */
int sockseed_inherit(struct sockcap *c, struct ev_sock *e, uint64_t key)
{
	const struct procnet_sock *ps = NULL;
	uint64_t ino;

	if (sockcap_fd_holds(c, key, e->conn) && !procnet_fd_inode(e->h.pid, e->fd, &ino) &&
	    sockcap_fd_holds(c, key, e->conn))
		ps = sockcap_find_sock(c, e->h.pid, ino, SC_PEER_AGE_NS);
	if (!ps || ps->state != TCP_ST_ESTABLISHED) {
		c->older_lost++;
		return -ESRCH;
	}
	e->family = ps->family;
	e->lport = ps->lport;
	e->rport = ps->rport;
	memcpy(e->laddr, ps->laddr, 16);
	memcpy(e->raddr, ps->raddr, 16);
	e->role = netns_listens(&c->tab, ps->lport) ? SOCK_ROLE_SERVER : SOCK_ROLE_CLIENT;
	e->h.flags |= SOCK_F_LOCAL | SOCK_F_REMOTE;
	c->older_found++;
	return 0;
}
