/* Processes that predate rawtel: parent and start time from /proc. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	n = util_read_file(path, buf, sizeof(buf));
	if (n <= 0)
		return n < 0 ? n : -ENOENT;
	return proctab_parse_stat(buf, out, sysconf(_SC_CLK_TCK));
}

static void put(struct proctab *t, const struct proc_ent *e)
{
	uint32_t i = (e->pid * 2654435761u) & (t->cap - 1);

	while (t->ents[i].pid && t->ents[i].pid != e->pid)
		i = (i + 1) & (t->cap - 1);
	if (!t->ents[i].pid)
		t->n++;
	t->ents[i] = *e;
}

int proctab_scan(struct proctab *t)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	uint32_t count = 0;

	memset(t, 0, sizeof(*t));
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		count += de->d_name[0] >= '1' && de->d_name[0] <= '9';
	/* at most half full; bounded however many processes there are */
	t->cap = 256;
	while (t->cap < 2 * count && t->cap < PROCTAB_MAX)
		t->cap <<= 1;
	t->ents = calloc(t->cap, sizeof(*t->ents));
	if (!t->ents) {
		closedir(d);
		return -ENOMEM;
	}
	rewinddir(d);
	while ((de = readdir(d)) && t->n < t->cap / 2) {
		struct proc_ent e;
		char *end;
		unsigned long pid = strtoul(de->d_name, &end, 10);

		if (*end || !pid || pid > 0xffffffffUL)
			continue;
		if (proctab_read((uint32_t)pid, &e) == 0)
			put(t, &e);
	}
	closedir(d);
	return (int)t->n;
}

const struct proc_ent *proctab_get(const struct proctab *t, uint32_t pid)
{
	if (!t->cap || !pid)
		return NULL;
	for (uint32_t i = (pid * 2654435761u) & (t->cap - 1); t->ents[i].pid;
	     i = (i + 1) & (t->cap - 1))
		if (t->ents[i].pid == pid)
			return &t->ents[i];
	return NULL;
}

void proctab_free(struct proctab *t)
{
	free(t->ents);
	memset(t, 0, sizeof(*t));
}
