/* The /proc process table: parsing stat lines with hostile command names,
 * agreement with the kernel's own view of this process, and the
 * descendants of a process (--pid). */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "rawtel/proctab.h"
#include "t.h"

static void test_parse_stat(void)
{
	struct proc_ent e;
	char line[512];

	/* a comm with spaces and parentheses: fields resume after the last ')' */
	snprintf(line, sizeof(line), "4242 (a) b (c)) S 77 4242 4242 0 -1 4194560 100 0 0 0 "
		 "1 2 0 0 20 0 1 0 12345 1000 10 18446744073709551615\n");
	T_ASSERT(proctab_parse_stat(line, &e, 100) == 0);
	T_EQ_INT(e.pid, 4242);
	T_EQ_INT(e.ppid, 77);
	T_EQ_INT(e.start_ns, 12345ULL * 10000000ULL);
	T_EQ_INT(proctab_parse_stat("12 (x) S 1 2 3", &e, 100), -EINVAL);
	T_EQ_INT(proctab_parse_stat("no paren at all", &e, 100), -EINVAL);
	T_EQ_INT(proctab_parse_stat(line, &e, 0), -EINVAL);
}

static void test_self(void)
{
	struct proc_ent e;
	struct proctab t;
	const struct proc_ent *s;

	T_ASSERT(proctab_read((uint32_t)getpid(), &e) == 0);
	T_EQ_INT(e.pid, getpid());
	T_EQ_INT(e.ppid, getppid());
	T_CHECK(e.start_ns > 0);
	T_ASSERT(proctab_scan(&t) > 1);
	s = proctab_get(&t, (uint32_t)getpid());
	T_ASSERT(s);
	T_EQ_INT(s->ppid, getppid());
	T_EQ_INT(s->start_ns, e.start_ns);
	T_CHECK(proctab_get(&t, 0) == NULL);
	T_CHECK(proctab_get(&t, 0x7fffffff) == NULL);
	T_EQ_INT(proctab_read(0x7ffffffe, &e), -ENOENT);
	proctab_free(&t);
}

static bool has(const uint32_t *v, int n, uint32_t pid)
{
	for (int i = 0; i < n; i++)
		if (v[i] == pid)
			return true;
	return false;
}

/* a child and its own child (both waiting on a pipe): the descendants of
 * this process hold both, the child's only the grandchild */
static void test_descendants(void)
{
	int go[2], ready[2];
	pid_t child;
	uint32_t grand = 0, v[4096];
	struct proctab t;
	int n;

	T_ASSERT(pipe(go) == 0 && pipe(ready) == 0);
	child = fork();
	T_ASSERT(child >= 0);
	if (child == 0) {
		pid_t g = fork();
		char c;

		close(go[1]);	/* both wait for EOF on go */
		if (g == 0)
			_exit(read(go[0], &c, 1) < 0);
		grand = (uint32_t)g;
		_exit(write(ready[1], &grand, sizeof(grand)) != sizeof(grand) ||
		      read(go[0], &c, 1) < 0 || waitpid(g, NULL, 0) != g);
	}
	close(go[0]);
	T_ASSERT(read(ready[0], &grand, sizeof(grand)) == sizeof(grand));
	T_ASSERT(proctab_scan(&t) > 2);
	n = proctab_descendants(&t, (uint32_t)getpid(), v, 4096);
	T_CHECK(has(v, n, (uint32_t)child) && has(v, n, grand));
	T_CHECK(!has(v, n, (uint32_t)getpid()) && !has(v, n, (uint32_t)getppid()));
	n = proctab_descendants(&t, (uint32_t)child, v, 4096);
	T_EQ_INT(n, 1);
	T_EQ_INT(v[0], grand);
	T_EQ_INT(proctab_descendants(&t, (uint32_t)getpid(), v, 1), 1);
	proctab_free(&t);
	close(go[1]);		/* both end */
	close(ready[0]);
	close(ready[1]);
	T_EQ_INT(waitpid(child, NULL, 0), child);
}

int main(void)
{
	T_RUN(test_parse_stat);
	T_RUN(test_self);
	T_RUN(test_descendants);
	return t_done();
}
