/* Uprobe bookkeeping in the kernel: a thread that ends inside a traced
 * call must not leave its entry behind (sched_process_exit removes it), or
 * the in-flight map would fill with orphans. Drives tests/progs/rtt_dns
 * through the session API and reads the map itself. */
#include <stdlib.h>
#include <sys/wait.h>

#include "rawtel/bpf.h"
#include "rawtel/err.h"
#include "rawtel/session.h"
#include "t.h"

static int count_keys(int fd, size_t key_size)
{
	uint8_t key[64], next[64];
	int n = 0;
	void *prev = NULL;

	while (bpf_map_next_key(fd, prev, next) == 0 && n < 100000) {
		memcpy(key, next, key_size);
		prev = key;
		n++;
	}
	return n;
}

static int consume_none(void *ctx, const struct probe *p, const void *rec, size_t size)
{
	(void)p, (void)rec, (void)size;
	(*(int *)ctx)++;
	return 0;
}

static void run_prog(const char *prog, const char *arg2)
{
	pid_t c = fork();
	int st;

	if (c == 0) {
		execl(prog, prog, "1", arg2, (char *)NULL);
		_exit(127);
	}
	waitpid(c, &st, 0);
}

static void test_exit_inside_call_leaves_nothing(void)
{
	static struct session s;
	struct session_opts o;
	char prog[512], spec[600];
	int events = 0, fd;

	T_REQUIRE_BPF();
	snprintf(prog, sizeof(prog), "%s/rtt_dns", getenv("RAWTEL_PROGS") ? getenv("RAWTEL_PROGS") :
		 "build/progs");
	snprintf(spec, sizeof(spec), "%s:rtt_exit_inside,rtt_target_fn", prog);
	session_opts_init(&o);
	T_ASSERT(session_opts_add_probes(&o, "uprobe") == 0);
	snprintf(o.uprobe_spec, sizeof(o.uprobe_spec), "%s", spec);
	if (session_open(&s, &o))
		T_FAILF("session: %s", err_msg());
	T_ASSERT(s.n_targets == 2);
	fd = bpf_obj_map_fd(&s.obj, "up_pending");
	T_ASSERT(fd >= 0);
	for (int i = 0; i < 8; i++)
		run_prog(prog, "exit-inside");
	/* a normal run as well: its calls return and are reported */
	run_prog(prog, NULL);
	usleep(100000);
	session_consume(&s, consume_none, &events);
	T_EQ_INT(events, 1);		/* rtt_target_fn(0) of the normal run */
	T_EQ_INT(count_keys(fd, UP_KEY_SIZE), 0);
	session_close(&s);
}

int main(void)
{
	T_RUN(test_exit_inside_call_leaves_nothing);
	return t_done();
}
