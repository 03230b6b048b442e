/* rawtel run --config FILE: the KEY=VALUE parser (user/util/config.c) on
 * its own, the file checks (mode, owner, size), and the agent's use of it
 * (user/agent/opts_conf.c): keys from the option table and the OTEL_*
 * readers, flags over the file over the environment, file:line errors. */
#include <stdlib.h>
#include <sys/stat.h>

#include "rawtel/agent.h"
#include "rawtel/config.h"
#include "rawtel/err.h"
#include "t.h"

/* the error message holds `sub` */
#define MSG_HAS(sub)                                                               \
	do {                                                                       \
		if (!strstr(err_msg(), sub))                                       \
			T_FAILF("message \"%s\" lacks \"%s\"", err_msg(), sub);     \
	} while (0)

struct seen {
	char text[512];
};

static int collect(void *ctx, const struct config_line *l)
{
	struct seen *s = ctx;
	size_t n = strlen(s->text);

	if (!strcmp(l->key, "FAIL"))
		return err_set(EINVAL, "told to fail");
	snprintf(s->text + n, sizeof(s->text) - n, "%u[%s]=[%s]", l->line, l->key, l->value);
	return 0;
}

static int parse(const char *in, struct seen *s)
{
	static char buf[1024];
	size_t n = strlen(in);

	memcpy(buf, in, n + 1);
	s->text[0] = 0;
	return config_parse(buf, n, "f.conf", collect, s);
}

static void test_parse_lines(void)
{
	struct seen s;

	T_EQ_INT(parse("# comment\n\n  A=1\r\nexport B = two words \n\tC=\"q # not\"\nD='x'\nE=\nF=a=b", &s),
		 0);
	T_EQ_STR(s.text, "3[A]=[1]4[B]=[two words]5[C]=[q # not]6[D]=[x]7[E]=[]8[F]=[a=b]");
	T_EQ_INT(parse("", &s), 0);
	T_EQ_STR(s.text, "");
	T_EQ_INT(parse("A=1\nno equals sign\n", &s), -EINVAL);
	T_EQ_STR(err_msg(), "f.conf:2: not KEY=VALUE");
	/* "export" alone is a key; blanks after it do not make it a prefix */
	T_EQ_INT(parse("export\t=1\nexport=2", &s), 0);
	T_EQ_STR(s.text, "1[export]=[1]2[export]=[2]");
	T_EQ_INT(parse("=1", &s), -EINVAL);
	T_EQ_STR(err_msg(), "f.conf:1: empty key");
	T_EQ_INT(parse("\n\nA B=1", &s), -EINVAL);
	T_EQ_STR(err_msg(), "f.conf:3: key 'A B' has a character other than letters, digits and '_'");
	T_EQ_INT(parse("A=\"open", &s), -EINVAL);
	T_EQ_STR(err_msg(), "f.conf:1: A: the value's quote \" is not closed at the end of the line");
	T_EQ_INT(parse("A=\"", &s), -EINVAL);
	T_EQ_INT(parse("A=1\nFAIL=1\n", &s), -EINVAL);
	T_EQ_STR(err_msg(), "f.conf:2: told to fail");
	T_EQ_INT(config_parse((char[]){ 'A', '=', 0, '1' }, 4, "f.conf", collect, &s), -EINVAL);
	T_EQ_STR(err_msg(), "f.conf:1: a NUL byte: not a text file");
}

static const char *tmp_file(const char *text, mode_t mode)
{
	static char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/rawtel-test-config.%d", (int)getpid());
	unlink(path);
	f = fopen(path, "w");
	if (!f)
		return NULL;
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	return path;
}

static void test_read_checks(void)
{
	char buf[16];
	const char *p = tmp_file("A=1\n", 0600);
	char big[32];

	T_ASSERT(p);
	T_EQ_INT(config_read(p, buf, sizeof(buf)), 4);
	T_EQ_STR(buf, "A=1\n");
	p = tmp_file("A=1\n", 0620);
	T_EQ_INT(config_read(p, buf, sizeof(buf)), -EPERM);
	MSG_HAS("others may write it (mode 620)");
	p = tmp_file("A=1\n", 0602);
	T_EQ_INT(config_read(p, buf, sizeof(buf)), -EPERM);
	/* 0600 but another user's: that user may write it (tests run as
	 * root; an unprivileged run cannot give a file away) */
	p = tmp_file("A=1\n", 0600);
	if (geteuid() == 0 && chown(p, 12345, 0) == 0) {
		T_EQ_INT(config_read(p, buf, sizeof(buf)), -EPERM);
		MSG_HAS("owned by uid 12345, neither root nor rawtel's user");
	}
	/* exactly cap - 1 bytes fit; one more does not */
	memset(big, 'x', sizeof(big));
	big[15] = 0;
	p = tmp_file(big, 0600);
	T_EQ_INT(config_read(p, buf, sizeof(buf)), 15);
	big[15] = 'x', big[16] = 0;
	p = tmp_file(big, 0600);
	T_EQ_INT(config_read(p, buf, sizeof(buf)), -EFBIG);
	unlink(p);
	T_EQ_INT(config_read("/tmp", buf, sizeof(buf)), -EINVAL);
	T_EQ_INT(config_read("/nonexistent/rawtel.conf", buf, sizeof(buf)), -ENOENT);
}

static void clear_env(void)
{
	unsetenv("OTEL_SERVICE_NAME");
	unsetenv("OTEL_EXPORTER_OTLP_ENDPOINT");
	unsetenv("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT");
	unsetenv("OTEL_BSP_SCHEDULE_DELAY");
	unsetenv("OTEL_METRIC_EXPORT_INTERVAL");
}

/* The file's variables stay in the environment (rawtel parses once): a
 * case starts from the environment the test set. */
static int run_with(const char *text, char **argv)
{
	static struct agent_opts o;
	const char *p = tmp_file(text, 0600);
	char arg[80];
	char *av[8] = { "run", "--config", arg };
	int ac = 3, r;

	snprintf(arg, sizeof(arg), "%s", p);
	for (int i = 0; argv && argv[i] && ac < 7; i++)
		av[ac++] = argv[i];
	av[ac] = NULL;
	r = agent_opts_parse(&o, ac, av);
	if (!r) {
		T_EQ_STR(o.service_name, "svc-file");
		T_EQ_INT(o.metric_interval_ms, 2000);
		T_EQ_INT(o.bsp.delay_ms, 300);
		T_EQ_INT(o.sink.spool_max_bytes, 2u << 20);
		T_CHECK(!o.to_files && !o.sink.spool_dir[0], "RAWTEL_NO_SPOOL: no spool");
	}
	return r;
}

static const char good[] = "# rawtel (a key given twice: the last wins)\n"
	"OTEL_SERVICE_NAME=first\n"
	"OTEL_SERVICE_NAME=svc-file\n"
	"OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318\n"
	"OTEL_METRIC_EXPORT_INTERVAL=2000\n"
	"OTEL_BSP_SCHEDULE_DELAY=300\n"
	"RAWTEL_SPOOL_MAX=2M\n"
	"RAWTEL_NO_SPOOL=yes\n"
	"RAWTEL_STATUS=0\n";

static void test_agent_config(void)
{
	char *flags[] = { "--service-name", "svc-file", "--spool-max=2M", NULL };

	clear_env();
	/* the file over the environment */
	setenv("OTEL_SERVICE_NAME", "svc-env", 1);
	setenv("OTEL_BSP_SCHEDULE_DELAY", "9999", 1);
	T_EQ_INT(run_with(good, NULL), 0);
	/* flags over the file */
	{
		char text[512];

		snprintf(text, sizeof(text), "%s", good);
		memcpy(strstr(text, "svc-file"), "svc-XXXX", 8);
		memcpy(strstr(text, "=2M"), "=9M", 3);
		T_EQ_INT(run_with(text, flags), 0);
	}
	clear_env();
}

static void test_agent_config_errors(void)
{
	clear_env();
	T_EQ_INT(run_with("OTEL_SERVICE_NAME=a\nOTEL_NOT_A_THING=1\n", NULL), -EINVAL);
	T_CHECK(!strncmp(err_msg(), "/tmp/rawtel-test-config.", 24));
	MSG_HAS(":2: unknown key OTEL_NOT_A_THING: ");
	T_EQ_INT(run_with("RAWTEL_SPOOL_MAX=lots\n", NULL), -EINVAL);
	MSG_HAS(":1: RAWTEL_SPOOL_MAX=lots: a size like 64M");
	T_EQ_INT(run_with("RAWTEL_NO_SPOOL=maybe\n", NULL), -EINVAL);
	MSG_HAS(":1: RAWTEL_NO_SPOOL=maybe is a flag");
	/* a variable's reader reports it: still with the file and line */
	T_EQ_INT(run_with("\nOTEL_EXPORTER_OTLP_TRACES_TIMEOUT=soon\n", NULL), -EINVAL);
	MSG_HAS(":2: OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: ");
	clear_env();
	T_EQ_INT(run_with("OTEL_METRIC_EXPORT_INTERVAL=5\n", NULL), -EINVAL);
	MSG_HAS(":1: OTEL_METRIC_EXPORT_INTERVAL=5: ");
	/* the option's own key is refused: the table names its variable */
	T_EQ_INT(run_with("RAWTEL_SERVICE_NAME=x\n", NULL), -EINVAL);
	T_EQ_INT(run_with("RAWTEL_CONFIG=/etc/x\n", NULL), -EINVAL);
	{
		char *twice[] = { "--config", "/dev/null", NULL };

		T_EQ_INT(run_with("", twice), -EINVAL);
		T_EQ_STR(err_msg(), "--config given twice");
	}
	clear_env();
	unlink(tmp_file("", 0600));
}

int main(void)
{
	T_RUN(test_parse_lines);
	T_RUN(test_read_checks);
	T_RUN(test_agent_config);
	T_RUN(test_agent_config_errors);
	return t_done();
}
