/* Host names of collectors resolved on the event loop, with no thread and
 * without the C library's resolver (musl's getaddrinfo and the threads it
 * needed to stay off the loop were 25 KB of the static binary): a name in
 * /etc/hosts (or localhost), else A then AAAA queries over UDP to the
 * nameservers of /etc/resolv.conf, with its search list, ndots, timeout
 * and attempts. Each query goes out on a fresh connected socket (the
 * kernel drops datagrams from elsewhere) with a random id, and an answer
 * must carry that id and the question (dnsmsg.c). The caller's callback
 * always runs from the loop, never from within sink_resolve_start.
 * Numeric addresses never get here. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "rawtel/dnsmsg.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/loop.h"
#include "rawtel/rand.h"
#include "rawtel/util.h"
#include "sink_int.h"

#define NS_MAX 3		/* nameservers used, as the C libraries do */

/* why a name did not resolve: 0..5 the answer's RCODE, then these */
enum { W_NOANSWER = 6, W_TC, W_BAD, W_RCODE };

struct sink_resolve_job {
	struct loop *loop;
	loop_timer_fn done;
	void *arg;
	int fd, timer, err, ready, naddrs;
	uint16_t port;
	struct sockaddr_storage addrs[EP_MAX_ADDRS];
	socklen_t lens[EP_MAX_ADDRS];
	struct sockaddr_storage ns[NS_MAX];
	socklen_t nslen[NS_MAX];
	int nns, nsearch, ndots, timeout, attempts, abs;
	int cand, qi, ns_i, tries, why, qlen;
	char search[256];	/* NUL-separated domains */
	char host[SINK_HOST_MAX];
	uint8_t q[DNSMSG_QMAX];
};

static void on_timer(struct loop *l, void *arg);

static void fill(struct sockaddr_storage *ss, socklen_t *len, int v6, const void *a, uint16_t port)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	ss->ss_family = v6 ? AF_INET6 : AF_INET;
	in->sin_port = htons(port);	/* where sin6_port is too */
	if (v6)
		memcpy(&in6->sin6_addr, a, 16);
	else
		memcpy(&in->sin_addr, a, 4);
	*len = v6 ? sizeof(*in6) : sizeof(*in);
}

int sink_addr_parse(const char *s, uint16_t port, struct sockaddr_storage *ss, socklen_t *len)
{
	uint8_t a[16];
	int v6 = 0;

	if (fmt_pton(AF_INET, s, a) && !(v6 = !fmt_pton(AF_INET6, s, a)))
		return 0;
	fill(ss, len, v6, a, port);
	return 1;
}

static void add_addr(struct sink_resolve_job *j, int v6, const void *a)
{
	if (j->naddrs < EP_MAX_ADDRS) {
		fill(&j->addrs[j->naddrs], &j->lens[j->naddrs], v6, a, j->port);
		j->naddrs++;
	}
}

/* Call fn on each line of the file at path with its comment cut off. A
 * line over 511 bytes is cut there (no host name line or resolv.conf line
 * needs more); a file that cannot be read has no lines. */
static void each_line(struct sink_resolve_job *j, const char *path,
		      void (*fn)(struct sink_resolve_job *, char *))
{
	char buf[512];
	size_t have = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), eof = fd < 0, skip = 0;

	while (!eof) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - 1 - have);
		char *p = buf, *e, *nl;

		if (r < 0 && errno == EINTR)
			continue;
		eof = r <= 0;
		have += eof ? 0 : (size_t)r;
		e = buf + have;
		while ((nl = memchr(p, '\n', (size_t)(e - p))) ||
		       (p < e && (eof || have == sizeof(buf) - 1))) {
			*(nl ? nl : e) = 0;
			p[strcspn(p, "#;")] = 0;
			if (!skip)
				fn(j, p);
			skip = !nl;	/* the rest of a cut line */
			p = nl ? nl + 1 : e;
		}
		have = (size_t)(e - p);
		memmove(buf, p, have);
	}
	if (fd >= 0)
		close(fd);
}

static void hosts_line(struct sink_resolve_job *j, char *line)
{
	char *f[128];
	uint8_t a[16];
	int n = util_fields(line, f, 128), v6 = 0;

	if (n < 2 || (fmt_pton(AF_INET, f[0], a) && !(v6 = !fmt_pton(AF_INET6, f[0], a))))
		return;
	for (int i = 1; i < n; i++)
		if (!strcasecmp(f[i], j->host)) {
			add_addr(j, v6, a);
			return;
		}
}

static void opt(const char *s, const char *name, int *v, unsigned long max)
{
	size_t l = strlen(name);
	unsigned long x;

	if (!strncmp(s, name, l) && !util_ulong(s + l, 10, 0, &x, NULL))
		*v = (int)(x > max ? max : x);
}

static void conf_line(struct sink_resolve_job *j, char *line)
{
	char *f[16];
	int n = util_fields(line, f, 16);
	size_t o = 0;

	if (n < 2)
		return;
	if (!strcmp(f[0], "nameserver") && j->nns < NS_MAX)
		j->nns += sink_addr_parse(f[1], 53, &j->ns[j->nns], &j->nslen[j->nns]);
	if (!strcmp(f[0], "search") || !strcmp(f[0], "domain"))
		for (j->nsearch = 0; j->nsearch < n - 1 && j->nsearch < 6; j->nsearch++) {
			size_t l = strlen(f[j->nsearch + 1]) + 1;

			if (o + l > sizeof(j->search))
				break;
			memcpy(j->search + o, f[j->nsearch + 1], l);
			o += l;
		}
	for (int i = 1; i < n && !strcmp(f[0], "options"); i++) {
		opt(f[i], "ndots:", &j->ndots, 15);
		opt(f[i], "timeout:", &j->timeout, 30);
		opt(f[i], "attempts:", &j->attempts, 5);
	}
}

/* The k-th name to ask for, as glibc orders them: the host as given
 * first when it has ndots dots or more, else after the search domains;
 * only as given when it ended with a dot. 0, or -1 past the last. */
static int cand_name(const struct sink_resolve_job *j, int k, char *out, size_t cap)
{
	const char *d = j->search, *p = j->host;
	int dots = 0, nsearch = j->abs ? 0 : j->nsearch, asis;

	while (*p)
		dots += *p++ == '.';
	asis = dots >= j->ndots ? 0 : nsearch;
	if (k == asis) {
		fmt_snprintf(out, cap, "%s", j->host);
		return 0;
	}
	k -= k > asis;
	if (k >= nsearch)
		return -1;
	while (k--)
		d += strlen(d) + 1;
	size_t n = (size_t)fmt_snprintf(out, cap, "%s.%s", j->host, d);

	if (n < cap && out[n - 1] == '.')	/* a search domain ending with a dot */
		out[n - 1] = 0;
	return 0;
}

static void close_io(struct sink_resolve_job *j)
{
	if (j->timer > 0)
		loop_timer_cancel(j->loop, j->timer);
	j->timer = 0;
	if (j->fd >= 0) {
		loop_del_fd(j->loop, j->fd);
		close(j->fd);
	}
	j->fd = -1;
}

static void complete(struct sink_resolve_job *j, int err)
{
	close_io(j);
	j->err = err;
	j->done(j->loop, j->arg);	/* may free j */
}

static void fail(struct sink_resolve_job *j)
{
	static const char *const why[] = {
		"no address (A or AAAA) for it", "FORMERR", "SERVFAIL", "no such name (NXDOMAIN)",
		"NOTIMP", "REFUSED", "no answer", "truncated answer (TC)", "malformed answer",
		"an error RCODE" };
	char ns[INET6_ADDRSTRLEN];
	const struct sockaddr_storage *s = &j->ns[j->ns_i];

	if (j->naddrs) {	/* A answered, AAAA did not: use what came */
		complete(j, 0);
		return;
	}
	fmt_ntop(s->ss_family, s->ss_family == AF_INET6 ?
		 (const void *)&((const struct sockaddr_in6 *)s)->sin6_addr :
		 (const void *)&((const struct sockaddr_in *)s)->sin_addr, ns, sizeof(ns));
	complete(j, err_set(EHOSTUNREACH, "cannot resolve %s: %s from nameserver %s; check the name, "
			    "/etc/resolv.conf, or use a numeric address", j->host, why[j->why], ns));
}

static void on_read(struct loop *l, int fd, uint32_t events, void *arg);

/* Send the query to the current nameserver. Not being able to send counts
 * as no answer, found from the loop a moment later. */
static void ask(struct sink_resolve_job *j)
{
	uint64_t ms = 0;
	int fd;

	close_io(j);
	rand_id(j->q, 2);
	fd = socket(j->ns[j->ns_i].ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0 && loop_add_fd(j->loop, fd, EPOLLIN, on_read, j) < 0) {
		close(fd);
		fd = -1;
	}
	j->fd = fd;
	if (fd >= 0 && !connect(fd, (struct sockaddr *)&j->ns[j->ns_i], j->nslen[j->ns_i]) &&
	    send(fd, j->q, (size_t)j->qlen, 0) == j->qlen)
		ms = (uint64_t)j->timeout * 1000;
	j->timer = loop_timer_add(j->loop, ms, 0, on_timer, j);
}

/* Ask for the next type or name; -1 when every candidate was asked. */
static int next_query(struct sink_resolve_job *j)
{
	char name[256];

	for (;; j->qi = 2) {
		if (j->qi >= 2) {
			j->cand++;
			j->qi = 0;
		}
		if (cand_name(j, j->cand, name, sizeof(name)))
			return -1;
		j->qlen = dnsmsg_query(j->q, 0, name, j->qi ? DNSMSG_AAAA : DNSMSG_A);
		if (j->qlen > 0)
			break;
	}
	j->ns_i = j->tries = 0;
	ask(j);
	return 0;
}

static void next_server(struct sink_resolve_job *j, int why)
{
	j->why = why;
	if (j->ns_i + 1 < j->nns) {
		j->ns_i++;
	} else if (++j->tries < j->attempts) {
		j->ns_i = 0;
	} else {
		fail(j);
		return;
	}
	ask(j);
}

static void on_timer(struct loop *l, void *arg)
{
	struct sink_resolve_job *j = arg;

	j->timer = 0;
	if (j->ready)
		j->done(l, j->arg);
	else
		next_server(j, W_NOANSWER);
}

static void on_read(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct sink_resolve_job *j = arg;
	uint8_t m[1500], a[EP_MAX_ADDRS][16];
	int n = 0, ret = -ESRCH;

	(void)l;
	(void)events;
	while (ret == -ESRCH) {
		ssize_t r = recv(fd, m, sizeof(m), MSG_DONTWAIT);

		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (r < 0) {	/* ICMP unreachable: no server there */
			next_server(j, W_NOANSWER);
			return;
		}
		ret = dnsmsg_answer(m, (size_t)r, j->q, (size_t)j->qlen, a, EP_MAX_ADDRS, &n);
	}
	j->why = ret == -EMSGSIZE ? W_TC : ret < 0 ? W_BAD : ret > 5 ? W_RCODE : ret;
	if (ret > 0 && ret != 3) {	/* this server cannot answer: another may */
		next_server(j, j->why);
		return;
	}
	if (ret < 0) {
		fail(j);
		return;
	}
	for (int i = 0; i < n; i++)
		add_addr(j, j->qi, a[i]);
	j->qi = ret ? 2 : j->qi + 1;	/* NXDOMAIN: no AAAA either */
	if (j->qi >= 2 && j->naddrs)
		complete(j, 0);
	else if (next_query(j))
		fail(j);
}

int sink_resolve_start(struct loop *l, const char *host, uint16_t port, loop_timer_fn done,
		       void *arg, struct sink_resolve_job **out)
{
	static const uint8_t lo6[16] = { [15] = 1 }, lo4[4] = { 127, 0, 0, 1 };
	struct sink_resolve_job *j = calloc(1, sizeof(*j));
	size_t n;

	if (!j)
		return err_set(ENOMEM, "out of memory to resolve %s", host);
	*j = (struct sink_resolve_job){ .loop = l, .done = done, .arg = arg, .fd = -1, .port = port,
		.ndots = 1, .timeout = 5, .attempts = 2, .cand = -1, .qi = 2 };
	n = (size_t)fmt_snprintf(j->host, sizeof(j->host), "%s", host);
	if (n && n < sizeof(j->host) && j->host[n - 1] == '.')
		j->host[n - 1] = 0, j->abs = 1;
	each_line(j, "/etc/hosts", hosts_line);
	if (!j->naddrs && !strcasecmp(j->host, "localhost")) {
		add_addr(j, 0, lo4);
		add_addr(j, 1, lo6);
	}
	if (j->naddrs) {
		j->ready = 1;
		j->timer = loop_timer_add(l, 0, 0, on_timer, j);
	} else {
		each_line(j, "/etc/resolv.conf", conf_line);
		if (!j->nns)
			j->nns = sink_addr_parse("127.0.0.1", 53, &j->ns[0], &j->nslen[0]);
		if (next_query(j)) {
			free(j);
			return err_set(EINVAL, "cannot resolve %s: not a valid host name", host);
		}
	}
	*out = j;
	return 0;
}

int sink_resolve_finish(struct sink_resolve_job *j, struct sockaddr_storage *addrs, socklen_t *lens,
			int max, int *n)
{
	int ret = j->err;

	*n = j->naddrs < max ? j->naddrs : max;
	memcpy(addrs, j->addrs, (size_t)*n * sizeof(*addrs));
	memcpy(lens, j->lens, (size_t)*n * sizeof(*lens));
	sink_resolve_abandon(j);
	return ret;
}

void sink_resolve_abandon(struct sink_resolve_job *j)
{
	close_io(j);
	free(j);
}
