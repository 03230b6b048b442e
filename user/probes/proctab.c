/* Processes that predate rawtel: parent and start time from /proc. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rawtel/fmt.h"
#include "rawtel/proctab.h"
#include "rawtel/util.h"

#define PROCTAB_MAX (1u << 17)

int proctab_parse_stat(const char *text, struct proc_ent *out, long hz)
{
	/* "pid (comm) state ppid ..." where comm may hold spaces and ')':
	 * the fields resume after the last ')' */
	const char *p = strrchr(text, ')');
	unsigned long long start = 0;
	int ppid = 0, field = 2;
	char *end;

	memset(out, 0, sizeof(*out));
	if (!p || hz <= 0)
		return -EINVAL;
	out->pid = (uint32_t)strtoul(text, NULL, 10);
	p++;
	while (*p && field < 22) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		field++;
		if (field == 4)
			ppid = (int)strtol(p, NULL, 10);
		if (field == 22) {
			start = strtoull(p, &end, 10);
			if (end == p)
				return -EINVAL;
		}
		while (*p && *p != ' ')
			p++;
	}
	if (field < 22)
		return -EINVAL;
	out->ppid = (uint32_t)ppid;
	out->start_ns = start * (1000000000ULL / (unsigned long long)hz);
	return 0;
}

int proctab_read(uint32_t pid, struct proc_ent *out)
{
	char path[64], buf[1024];
	int n;

	fmt_snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	n = util_read_file(path, buf, sizeof(buf));
	if (n <= 0)
		return n < 0 ? n : -ENOENT;
	return proctab_parse_stat(buf, out, util_clk_tck());
}

/* an entry of the table: the pid widened to the table's key */
struct proctab_slot {
	uint64_t pid;
	struct proc_ent e;
};

int proctab_scan(struct proctab *t)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	uint32_t count = 0, slots = 256;

	memset(t, 0, sizeof(*t));
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		count += de->d_name[0] >= '1' && de->d_name[0] <= '9';
	/* at most half full; bounded however many processes there are */
	while (slots < 2 * count && slots < PROCTAB_MAX)
		slots <<= 1;
	if (idtab_init(&t->tab, sizeof(struct proctab_slot), slots, slots / 2, false)) {
		closedir(d);
		return -ENOMEM;
	}
	rewinddir(d);
	while ((de = readdir(d)) && t->tab.n < t->tab.max) {
		struct proctab_slot *s;
		struct proc_ent e;
		char *end;
		unsigned long pid = strtoul(de->d_name, &end, 10);

		if (*end || !pid || pid > 0xffffffffUL)
			continue;
		if (proctab_read((uint32_t)pid, &e) == 0 && (s = idtab_insert(&t->tab, e.pid, NULL)))
			s->e = e;
	}
	closedir(d);
	return (int)t->tab.n;
}

const struct proc_ent *proctab_get(const struct proctab *t, uint32_t pid)
{
	const struct proctab_slot *s = t->tab.slots && pid ? idtab_find(&t->tab, pid) : NULL;

	return s ? &s->e : NULL;
}

/* Whether root is an ancestor of pid: the parent chain, walked at most
 * 4096 steps (a table read while processes come and go may hold a loop). */
static bool descends(const struct proctab *t, uint32_t pid, uint32_t root)
{
	for (int depth = 0; depth < 4096; depth++) {
		const struct proc_ent *e = proctab_get(t, pid);

		if (!e || e->ppid == e->pid)
			return false;
		if (e->ppid == root)
			return true;
		pid = e->ppid;
	}
	return false;
}

int proctab_descendants(const struct proctab *t, uint32_t root, uint32_t *out, int max)
{
	int n = 0;

	for (const struct proctab_slot *s = idtab_next(&t->tab, NULL); s && n < max;
	     s = idtab_next(&t->tab, s))
		if (s->e.pid != root && descends(t, s->e.pid, root))
			out[n++] = s->e.pid;
	return n;
}

void proctab_free(struct proctab *t)
{
	idtab_free(&t->tab);
}
