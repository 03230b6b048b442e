/* The files sink: JSON Lines and length-prefixed protobuf files decoded by
 * the OpenTelemetry oracle (tests/node/decode_file.js), 0600 permissions,
 * size-based rotation keeping N files, and recovery from a torn last
 * record left by a crash. */
#include <dirent.h>
#include <errno.h>

#include "rawtel/err.h"
#include "rawtel/sink_parts.h"
#include "sink_t.h"

#pragma GCC diagnostic ignored "-Wformat-truncation"

static char dir[64];

static void make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/rawtel-files.XXXXXX");
	T_ASSERT(mkdtemp(dir) != NULL);
}

static void remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		printf("  (could not remove %s)\n", dir);
}

/* Decode one file with the oracle: its output line, or "" on failure. */
static const char *oracle(const char *file)
{
	static char out[4096];
	char cmd[512];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "node '%s/tests/node/decode_file.js' '%s/%s' 2>&1", st_top(), dir, file);
	out[0] = 0;
	p = popen(cmd, "r");
	if (!p)
		return out;
	if (!fgets(out, sizeof(out), p))
		out[0] = 0;
	out[strcspn(out, "\n")] = 0;
	pclose(p);
	return out;
}

static struct sink *files_sink(struct loop **l, int format, uint64_t rotate, uint32_t keep)
{
	struct sink_config c;
	struct sink *s = NULL;

	sink_config_init(&c);
	snprintf(c.output_dir, sizeof(c.output_dir), "%s", dir);
	c.output_format = format;
	c.rotate_bytes = rotate;
	c.rotate_keep = keep;
	T_ASSERT(loop_new(l) == 0);
	T_ASSERT(sink_new(*l, &c, &s) == 0, "sink_new");
	return s;
}

static int mode_of(const char *file)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	return stat(p, &st) ? -1 : (int)(st.st_mode & 0777);
}

static void test_jsonl(void)
{
	struct loop *l;
	struct sink *s;
	char body[512];
	size_t n;

	st_require_node();
	make_dir();
	s = files_sink(&l, SINK_PROTO_JSON, 1 << 20, 3);
	for (int i = 0; i < 3; i++) {
		T_EQ_INT(st_submit(s, SINK_TRACES, SINK_PROTO_JSON, "t", i), 0);
		T_EQ_INT(st_submit(s, SINK_METRICS, SINK_PROTO_JSON, "m", i), 0);
	}
	/* pretty-printed JSON still makes one line */
	n = (size_t)snprintf(body, sizeof(body),
			     "{\n  \"resourceLogs\": [{\"scopeLogs\": [{\"logRecords\":\r\n"
			     "[{\"body\": {\"stringValue\": \"multi\\nline\"}}]}]}]\n}\n");
	T_EQ_INT(sink_submit(s, SINK_LOGS, body, n, SINK_PROTO_JSON), 0);
	/* wrong encoding for this output */
	uint8_t pb[256];

	T_EQ_INT(sink_submit(s, SINK_LOGS, pb, st_body_pb(SINK_LOGS, "x", pb), SINK_PROTO_PROTOBUF),
		 -EINVAL);
	T_EQ_INT(sink_flush(s, 0), 0);
	T_EQ_STR(oracle("traces.jsonl"), "{\"records\":3,\"items\":[\"t0\",\"t1\",\"t2\"]}");
	T_EQ_STR(oracle("metrics.jsonl"), "{\"records\":3,\"items\":[\"m0\",\"m1\",\"m2\"]}");
	T_EQ_STR(oracle("logs.jsonl"), "{\"records\":1,\"items\":[\"multi\\nline\"]}");
	T_EQ_INT(mode_of("traces.jsonl"), 0600);
	T_EQ_INT(mode_of("logs.jsonl"), 0600);
	struct sink_stats st;

	sink_stats(s, SINK_LOGS, &st);
	T_EQ_INT(st.file_records, 1);
	T_EQ_INT(st.dropped[SINK_DROP_IO], 1);
	sink_free(s);
	loop_free(l);
	remove_dir();
}

static void test_proto(void)
{
	struct loop *l;
	struct sink *s;

	st_require_node();
	make_dir();
	s = files_sink(&l, SINK_PROTO_PROTOBUF, 1 << 20, 3);
	for (int i = 0; i < 4; i++)
		T_EQ_INT(st_submit(s, SINK_LOGS, SINK_PROTO_PROTOBUF, "l", i), 0);
	T_EQ_INT(st_submit(s, SINK_TRACES, SINK_PROTO_PROTOBUF, "t", 0), 0);
	/* buffered records reach the file on the 1 s flush timer */
	st_run_for(l, 1200);
	T_EQ_STR(oracle("logs.pb"), "{\"records\":4,\"items\":[\"l0\",\"l1\",\"l2\",\"l3\"]}");
	T_EQ_STR(oracle("traces.pb"), "{\"records\":1,\"items\":[\"t0\"]}");
	T_EQ_STR(oracle("metrics.pb"), "{\"records\":0,\"items\":[]}");
	T_EQ_INT(mode_of("metrics.pb"), 0600);
	sink_free(s);
	loop_free(l);
	remove_dir();
}

static int cmp(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* Rotation at 100 bytes keeping 2: each record is 42 bytes, so two fit in
 * a file, and the current file and two rotated ones hold the newest six
 * records, in order. */
static void test_rotation(void)
{
	struct loop *l;
	struct sink *s;
	char names[16][64], all[1024] = "";
	int n = 0;

	st_require_node();
	make_dir();
	s = files_sink(&l, SINK_PROTO_PROTOBUF, 100, 2);
	for (int i = 0; i < 20; i++)
		T_EQ_INT(st_submit(s, SINK_TRACES, SINK_PROTO_PROTOBUF, "t", i), 0);
	T_EQ_INT(sink_flush(s, 0), 0);
	DIR *d = opendir(dir);
	struct dirent *de;

	T_ASSERT(d);
	while ((de = readdir(d)) && n < 16)
		if (!strncmp(de->d_name, "traces-", 7))
			snprintf(names[n++], sizeof(names[0]), "%s", de->d_name);
	closedir(d);
	T_EQ_INT(n, 2);
	qsort(names, (size_t)n, sizeof(names[0]), cmp);
	for (int i = 0; i < n; i++) {
		T_EQ_INT(mode_of(names[i]), 0600);
		const char *o = oracle(names[i]);

		T_CHECK(strstr(o, "\"records\":2,") != NULL);
		strncat(all, o, sizeof(all) - strlen(all) - 1);
	}
	strncat(all, oracle("traces.pb"), sizeof(all) - strlen(all) - 1);
	/* 20 records, 2 per file: rotated files hold t14..t17, current t18 t19 */
	T_EQ_STR(all, "{\"records\":2,\"items\":[\"t14\",\"t15\"]}"
		      "{\"records\":2,\"items\":[\"t16\",\"t17\"]}"
		      "{\"records\":2,\"items\":[\"t18\",\"t19\"]}");
	sink_free(s);
	loop_free(l);
	remove_dir();
}

static void write_file(const char *name, const void *data, size_t n)
{
	char p[256];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	T_ASSERT(fd >= 0);
	T_ASSERT(write(fd, data, n) == (ssize_t)n);
	close(fd);
}

static long size_of(const char *name)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) ? -1 : (long)st.st_size;
}

/* After a torn record was cut away: one more item (prefix, i) of signal
 * sig is appended to `file`, which then holds exactly `want`; the sink and
 * its loop are freed. */
static void append_one(struct loop *l, struct sink *s, int sig, int proto, const char *prefix,
		       int i, const char *file, const char *want)
{
	T_EQ_INT(st_submit(s, sig, proto, prefix, i), 0);
	T_EQ_INT(sink_flush(s, 0), 0);
	T_EQ_STR(oracle(file), want);
	sink_free(s);
	loop_free(l);
}

/* A crash left half a record at the end of each file: the writer cuts it
 * away at start, says so, and appends after the last whole record. */
static void test_torn_record(void)
{
	struct loop *l;
	struct sink *s;
	uint8_t pb[512], rec[1024];
	char json[512], jl[1200];
	size_t n, k = 0;

	st_require_node();
	make_dir();
	sink_set_log(st_log_capture);
	st_nlogs = 0;
	/* protobuf: two whole records, then a length that runs past EOF */
	for (int i = 0; i < 2; i++) {
		char name[8];

		snprintf(name, sizeof(name), "l%d", i);
		n = st_body_pb(SINK_LOGS, name, pb);
		rec[k++] = 0; rec[k++] = 0; rec[k++] = 0; rec[k++] = (uint8_t)n;
		memcpy(rec + k, pb, n);
		k += n;
	}
	size_t whole = k;

	rec[k++] = 0; rec[k++] = 0; rec[k++] = 1; rec[k++] = 0;	/* 256 bytes promised */
	memcpy(rec + k, "partial", 7);
	k += 7;
	write_file("logs.pb", rec, k);
	/* and a length prefix cut in half on traces */
	write_file("traces.pb", "\0\0", 2);
	s = files_sink(&l, SINK_PROTO_PROTOBUF, 1 << 20, 2);
	T_EQ_INT(size_of("logs.pb"), whole);
	T_EQ_INT(size_of("traces.pb"), 0);
	T_EQ_INT(mode_of("logs.pb"), 0600);
	T_EQ_INT(st_logs_with("logs.pb: removed a torn last record (11 bytes)"), 1);
	T_EQ_INT(st_logs_with("traces.pb: removed a torn last record (2 bytes)"), 1);
	append_one(l, s, SINK_LOGS, SINK_PROTO_PROTOBUF, "l", 2, "logs.pb",
		   "{\"records\":3,\"items\":[\"l0\",\"l1\",\"l2\"]}");

	/* JSON Lines: a last line without its newline */
	st_nlogs = 0;
	n = st_body_json(SINK_TRACES, "t0", json, sizeof(json));
	k = (size_t)snprintf(jl, sizeof(jl), "%s\n%.20s", json, json);
	write_file("traces.jsonl", jl, k);
	s = files_sink(&l, SINK_PROTO_JSON, 1 << 20, 2);
	T_EQ_INT(size_of("traces.jsonl"), n + 1);
	T_EQ_INT(st_logs_with("traces.jsonl: removed a torn last record (20 bytes)"), 1);
	append_one(l, s, SINK_TRACES, SINK_PROTO_JSON, "t", 1, "traces.jsonl",
		   "{\"records\":2,\"items\":[\"t0\",\"t1\"]}");
	sink_set_log(NULL);
	remove_dir();
}

static void test_output_dir_errors(void)
{
	struct sink_config c;
	struct loop *l;
	struct sink *s;

	sink_config_init(&c);
	snprintf(c.output_dir, sizeof(c.output_dir), "/proc/no/such/dir");
	T_ASSERT(loop_new(&l) == 0);
	err_clear();
	T_CHECK(sink_new(l, &c, &s) < 0);
	T_CHECK(strstr(err_msg(), "cannot create output directory /proc/no/such/dir") != NULL);
	loop_free(l);
}

int main(void)
{
	T_RUN(test_jsonl);
	T_RUN(test_proto);
	T_RUN(test_rotation);
	T_RUN(test_torn_record);
	T_RUN(test_output_dir_errors);
	return t_done();
}
