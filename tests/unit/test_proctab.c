/* The /proc process table: parsing stat lines with hostile command names,
 * and agreement with the kernel's own view of this process. */
#include <fcntl.h>
#include <stdlib.h>

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

int main(void)
{
	T_RUN(test_parse_stat);
	T_RUN(test_self);
	return t_done();
}
