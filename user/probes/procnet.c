/* /proc/net/tcp{,6} and /proc/PID/fd links, for sockets older than rawtel
 * and listeners it never saw bound. The text is untrusted: every field is
 * checked, lines and files are bounded, nothing is trusted to terminate. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rawtel/events.h"
#include "rawtel/fmt.h"
#include "rawtel/sockcap.h"
#include "rawtel/util.h"

#define PROCNET_FILE_MAX (64u << 20)

/* n hex digits at *p into v (n <= 8); advances */
static int hexn(const char **p, int n, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		int d = util_hexval((*p)[i]);
		if (d < 0)
			return -EINVAL;
		*v = *v << 4 | (uint32_t)d;
	}
	*p += n;
	return 0;
}

/* "ADDR:PORT": the kernel prints each 32-bit word of the address as the
 * number it is in memory (%08X of a host-order load) and the port in host
 * order */
static int addr_port(const char *p, uint16_t family, uint8_t a[16], uint16_t *port)
{
	int v6 = family == RT_AF_INET6;
	uint32_t w;

	memset(a, 0, 16);
	a[10] = a[11] = v6 ? 0 : 0xff;
	for (int i = 0; i < (v6 ? 4 : 1); i++) {
		if (hexn(&p, 8, &w))
			return -EINVAL;
		memcpy(a + (v6 ? 4 * i : 12), &w, 4);
	}
	if (*p++ != ':' || hexn(&p, 4, &w) || *p)
		return -EINVAL;
	*port = (uint16_t)w;
	return 0;
}

/* "sl: local remote st tx:rx tr:when retrnsmt uid timeout inode ..." */
int procnet_parse_line(const char *line, uint16_t family, struct procnet_sock *out)
{
	char buf[512], *f[10];
	const char *st;
	unsigned long ino;
	uint32_t state;
	size_t n = strnlen(line, sizeof(buf));

	memset(out, 0, sizeof(*out));
	out->family = family;
	if (n == sizeof(buf) || (family != RT_AF_INET && family != RT_AF_INET6))
		return -EINVAL;
	memcpy(buf, line, n + 1);
	if (util_fields(buf, f, 10) != 10 || f[0][strlen(f[0]) - 1] != ':' ||
	    addr_port(f[1], family, out->laddr, &out->lport) ||
	    addr_port(f[2], family, out->raddr, &out->rport) || strlen(f[3]) != 2 ||
	    (st = f[3], hexn(&st, 2, &state)) || state < 1 || state > TCP_ST_NEW_SYN_RECV ||
	    util_ulong(f[9], 10, 0, &ino, NULL))
		return -EINVAL;
	out->state = (uint8_t)state;
	out->inode = ino;
	return 0;
}

int procnet_socket_inode(const char *link, uint64_t *inode)
{
	char *end;

	if (strncmp(link, "socket:[", 8) || link[8] < '0' || link[8] > '9')
		return -EINVAL;
	errno = 0;
	*inode = strtoull(link + 8, &end, 10);
	return errno || strcmp(end, "]") ? -EINVAL : 0;
}

int procnet_table_push(struct procnet_table *t, const struct procnet_sock *s, size_t max)
{
	if (t->n >= max)
		return 0;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		void *n = realloc(t->s, cap * sizeof(*t->s));

		if (!n)
			return -ENOMEM;
		t->s = n;
		t->cap = cap;
	}
	t->s[t->n++] = *s;
	return 0;
}

int procnet_table_add_text(struct procnet_table *t, const char *text, size_t len,
			   uint16_t family, size_t max)
{
	const char *p = text, *endp = text + len;

	while (p < endp) {
		const char *nl = memchr(p, '\n', (size_t)(endp - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(endp - p);
		char line[512];
		struct procnet_sock s;

		if (l < sizeof(line)) {
			memcpy(line, p, l);
			line[l] = 0;
			if (!procnet_parse_line(line, family, &s) && procnet_table_push(t, &s, max))
				return -ENOMEM;
		}
		p += l + 1;
	}
	return 0;
}

static int by_inode(const void *a, const void *b)
{
	uint64_t x = ((const struct procnet_sock *)a)->inode, y = ((const struct procnet_sock *)b)->inode;

	return x < y ? -1 : x > y;
}

void procnet_table_sort(struct procnet_table *t)
{
	if (t->n)
		util_sort(t->s, t->n, sizeof(*t->s), by_inode);
}

const struct procnet_sock *procnet_table_find(const struct procnet_table *t, uint64_t inode)
{
	struct procnet_sock key = { .inode = inode };

	return t->n ? bsearch(&key, t->s, t->n, sizeof(*t->s), by_inode) : NULL;
}

/* the whole file, NUL-terminated (procfs sizes are unknown: read to EOF) */
static char *slurp(const char *path, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (!buf || fd < 0) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((r = read(fd, buf + n, cap - n)) > 0) {
		n += (size_t)r;
		if (n == cap) {
			char *b = cap < PROCNET_FILE_MAX ? realloc(buf, cap * 2 + 1) : NULL;
			if (!b)
				break;
			buf = b;
			cap *= 2;
		}
	}
	close(fd);
	buf[n] = 0;
	*len = n;
	return buf;
}

int procnet_table_read(struct procnet_table *t, uint32_t pid, size_t max)
{
	static const char *const files[2] = { "tcp", "tcp6" };
	int r = 0;

	for (int i = 0; i < 2 && !r; i++) {
		char path[64];
		size_t len;
		char *text;

		if (pid)
			fmt_snprintf(path, sizeof(path), "/proc/%u/net/%s", pid, files[i]);
		else
			fmt_snprintf(path, sizeof(path), "/proc/net/%s", files[i]);
		if (!(text = slurp(path, &len)))
			continue;
		r = procnet_table_add_text(t, text, len, i ? RT_AF_INET6 : RT_AF_INET, max);
		free(text);
	}
	procnet_table_sort(t);
	return r;
}

void procnet_table_free(struct procnet_table *t)
{
	free(t->s);
	memset(t, 0, sizeof(*t));
}

int procnet_fd_inode(uint32_t pid, int fd, uint64_t *inode)
{
	char path[64], link[64];
	ssize_t n;

	fmt_snprintf(path, sizeof(path), "/proc/%u/fd/%d", pid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = 0;
	return procnet_socket_inode(link, inode) ? -ENOTSOCK : 0;
}
