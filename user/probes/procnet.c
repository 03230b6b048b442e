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
#include "rawtel/sockcap.h"

#define PROCNET_FILE_MAX (64u << 20)

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
		: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* n hex digits at *p into v (n <= 8); advances */
static int hexn(const char **p, int n, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		int d = hexval((*p)[i]);
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
static int addr_port(const char **p, uint16_t family, uint8_t a[16], uint16_t *port)
{
	int words = family == RT_AF_INET ? 1 : 4;
	uint32_t w;

	memset(a, 0, 16);
	if (family == RT_AF_INET)
		a[10] = a[11] = 0xff;
	for (int i = 0; i < words; i++) {
		if (hexn(p, 8, &w))
			return -EINVAL;
		memcpy(a + (family == RT_AF_INET ? 12 : 4 * i), &w, 4);
	}
	if (**p != ':')
		return -EINVAL;
	(*p)++;
	if (hexn(p, 4, &w))
		return -EINVAL;
	*port = (uint16_t)w;
	return 0;
}

static const char *skip_sp(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static const char *skip_tok(const char *p)
{
	while (*p && *p != ' ' && *p != '\t' && *p != '\n')
		p++;
	return p;
}

int procnet_parse_line(const char *line, uint16_t family, struct procnet_sock *out)
{
	const char *p = skip_sp(line), *e;
	uint32_t st;
	char *end;

	memset(out, 0, sizeof(*out));
	out->family = family;
	if (family != RT_AF_INET && family != RT_AF_INET6)
		return -EINVAL;
	/* "sl:" then the addresses, state, and five fields before the inode */
	e = skip_tok(p);
	if (e == p || e[-1] != ':')
		return -EINVAL;
	p = skip_sp(e);
	if (addr_port(&p, family, out->laddr, &out->lport) || (*p != ' ' && *p != '\t'))
		return -EINVAL;
	p = skip_sp(p);
	if (addr_port(&p, family, out->raddr, &out->rport) || (*p != ' ' && *p != '\t'))
		return -EINVAL;
	p = skip_sp(p);
	if (hexn(&p, 2, &st) || (*p != ' ' && *p != '\t') || st < 1 || st > TCP_ST_NEW_SYN_RECV)
		return -EINVAL;
	out->state = (uint8_t)st;
	for (int i = 0; i < 5; i++) {
		p = skip_sp(p);
		e = skip_tok(p);
		if (e == p)
			return -EINVAL;
		p = e;
	}
	p = skip_sp(p);
	if (*p < '0' || *p > '9')
		return -EINVAL;
	errno = 0;
	out->inode = strtoull(p, &end, 10);
	if (errno || (*end && *end != ' ' && *end != '\t' && *end != '\n'))
		return -EINVAL;
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
			if (!procnet_parse_line(line, family, &s) && t->n < max) {
				if (t->n == t->cap) {
					size_t cap = t->cap ? t->cap * 2 : 64;
					void *n = realloc(t->s, cap * sizeof(*t->s));
					if (!n)
						return -ENOMEM;
					t->s = n;
					t->cap = cap;
				}
				t->s[t->n++] = s;
			}
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
		qsort(t->s, t->n, sizeof(*t->s), by_inode);
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
			snprintf(path, sizeof(path), "/proc/%u/net/%s", pid, files[i]);
		else
			snprintf(path, sizeof(path), "/proc/net/%s", files[i]);
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

	snprintf(path, sizeof(path), "/proc/%u/fd/%d", pid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = 0;
	return procnet_socket_inode(link, inode) ? -ENOTSOCK : 0;
}
