/* rawtel cat on good, torn and corrupt files, protobuf and JSON lines, run
 * in process with stdout and stderr captured. */
#include <fcntl.h>
#include <sys/stat.h>

#include "otlp_fixtures.h"
#include "rawtel/cli.h"
#include "rawtel/err.h"
#include "t_fmt.h"

static char dir[] = "/tmp/rawtel-cat.XXXXXX";
static char out_s[1 << 16], err_s[1 << 12];

static struct otlp_batch *batch(enum otlp_signal sig)
{
	struct otlp_batch_limits lim = { 1 << 20, 8, 16 };
	struct otlp_batch *b;

	return otlp_batch_new(&b, sig, &lim) ? NULL : b;
}

/* One small span, service "web", for exact output checks. */
static struct otlp_batch *small_traces(void)
{
	struct otlp_batch *b = batch(OTLP_TRACES);
	struct otlp_kv ra[1] = { otlp_kv_str("service.name", "web") };
	struct otlp_kv sa[2] = { otlp_kv_str("url.path", "/a b"), otlp_kv_int("http.response.status_code", 503) };
	struct otlp_resource r = { ra, 1, 0, OTLP_S("") };
	struct otlp_scope sc = { OTLP_S("t"), OTLP_S(""), NULL, 0, 0, OTLP_S("") };
	struct otlp_span s;
	int res, scope;

	memset(&s, 0, sizeof(s));
	fx_id(s.trace_id, 16, 1);
	fx_id(s.span_id, 8, 0x11);
	fx_id(s.parent_span_id, 8, 0x21);
	s.name = OTLP_S("GET");
	s.kind = OTLP_KIND_CLIENT;
	s.start_ns = 1700000000000000000ull;
	s.end_ns = s.start_ns + 1500000;
	s.attrs = sa;
	s.n_attrs = 2;
	s.status_code = OTLP_STATUS_ERROR;
	if (!b || (res = otlp_batch_add_resource(b, &r)) < 0 ||
	    (scope = otlp_batch_add_scope(b, res, &sc)) < 0 ||
	    otlp_batch_add_span(b, scope, &s))
		return NULL;
	return b;
}

static const char small_line[] =
	"2023-11-14T22:13:20.000000000Z web span CLIENT \"GET\" 1.500ms ERROR "
	"trace=0102030405060708090a0b0c0d0e0f10 span=1112131415161718 "
	"parent=2122232425262728 url.path=\"/a b\" http.response.status_code=503\n";

static void encode(struct otlp_batch *b, int json, struct otlp_buf *o)
{
	otlp_buf_init(o, 1 << 24);
	if (json ? otlp_encode_json(b, o) : otlp_encode_pb(b, o))
		o->len = 0;
}

/* small_traces() encoded (json: as JSON), in o. */
static void small_encoded(int json, struct otlp_buf *o)
{
	struct otlp_batch *b = small_traces();

	T_ASSERT(b);
	encode(b, json, o);
	otlp_batch_free(b);
}

/* Write a file of parts; returns its path (static buffer per call slot). */
static const char *write_file(const char *name, const void *p, size_t n)
{
	static char path[4][256];
	static int slot;
	char *ps = path[slot++ % 4];
	FILE *f;

	snprintf(ps, 256, "%s/%s", dir, name);
	f = fopen(ps, "wb");
	if (f) {
		fwrite(p, 1, n, f);
		fclose(f);
	}
	return ps;
}

static void append(uint8_t *buf, size_t *len, const void *p, size_t n)
{
	memcpy(buf + *len, p, n);
	*len += n;
}

static void append_pb(uint8_t *buf, size_t *len, const struct otlp_buf *m)
{
	uint8_t h[4] = { (uint8_t)(m->len >> 24), (uint8_t)(m->len >> 16),
			 (uint8_t)(m->len >> 8), (uint8_t)m->len };

	append(buf, len, h, 4);
	append(buf, len, m->p, m->len);
}

/* Run `rawtel cat ARGS` in process; stdout -> out_s, stderr -> err_s. */
static int run_cat(int argc, const char **argv)
{
	char po[300], pe[300];
	int so, se, fo, fe, rc;
	FILE *f;
	size_t n;

	snprintf(po, sizeof(po), "%s/stdout", dir);
	snprintf(pe, sizeof(pe), "%s/stderr", dir);
	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	fo = open(po, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	fe = open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fo, 1);
	dup2(fe, 2);
	rc = cmd_cat(argc, (char **)argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	close(fo);
	close(fe);
	f = fopen(po, "rb");
	n = f ? fread(out_s, 1, sizeof(out_s) - 1, f) : 0;
	out_s[n] = 0;
	if (f)
		fclose(f);
	f = fopen(pe, "rb");
	n = f ? fread(err_s, 1, sizeof(err_s) - 1, f) : 0;
	err_s[n] = 0;
	if (f)
		fclose(f);
	return rc;
}

/* Write `len` bytes of p to the file `name` and run `rawtel cat` on it. */
static int cat_file(const char *name, const void *p, size_t len)
{
	const char *argv[2] = { "cat", write_file(name, p, len) };

	return run_cat(2, argv);
}

static int count_lines(const char *s, const char *with)
{
	int n = 0;

	for (const char *l = s; *l;) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		char tmp[4096];

		snprintf(tmp, sizeof(tmp), "%.*s", (int)(len < 4000 ? len : 4000), l);
		n += strstr(tmp, with) != NULL;
		l += len + (e != NULL);
	}
	return n;
}

/* What cat prints for two copies of small_traces() */
static const char *two_lines(void)
{
	static char want[1024];

	snprintf(want, sizeof(want), "%s%s", small_line, small_line);
	return want;
}

static void proto_exact_and_torn(void)
{
	static uint8_t file[1 << 14];
	struct otlp_buf m;
	size_t len = 0;

	small_encoded(0, &m);
	T_ASSERT(m.len);
	append_pb(file, &len, &m);
	append_pb(file, &len, &m);

	T_EQ_INT(cat_file("traces.pb", file, len), 0);
	T_CHECKF(!strcmp(out_s, two_lines()), "got %s", out_s);
	T_CHECKF(!err_s[0], "stderr: %s", err_s);

	/* torn length prefix: 2 of 4 bytes */
	T_EQ_INT(cat_file("traces.pb", file, len + 2), 0);
	T_CHECKF(!strcmp(out_s, two_lines()), "got %s", out_s);
	T_CHECKF(strstr(err_s, "torn last record skipped (2 of 4 length bytes)") != NULL,
		 "stderr: %s", err_s);

	/* length past the end of the file */
	append_pb(file, &len, &m);
	T_EQ_INT(cat_file("traces.pb", file, len - 5), 0);
	T_CHECKF(!strcmp(out_s, two_lines()), "got %s", out_s);
	T_CHECKF(strstr(err_s, "only") && strstr(err_s, "torn last record"), "stderr: %s", err_s);
	otlp_buf_free(&m);
}

static void jsonl_torn_and_unterminated(void)
{
	static char file[1 << 14];
	struct otlp_buf m;
	size_t len = 0;

	small_encoded(1, &m);
	append((uint8_t *)file, &len, m.p, m.len);
	append((uint8_t *)file, &len, "\n\n", 2);		/* an empty line too */
	append((uint8_t *)file, &len, m.p, m.len);
	append((uint8_t *)file, &len, "\n", 1);

	append((uint8_t *)file, &len, m.p, m.len / 2);	/* crash mid-line */
	T_EQ_INT(cat_file("out.jsonl", file, len), 0);
	T_CHECKF(!strcmp(out_s, two_lines()), "got %s", out_s);
	T_CHECKF(strstr(err_s, "line 4: torn last record skipped") != NULL, "stderr: %s", err_s);

	/* a complete last line without its newline is printed */
	len -= m.len / 2;
	append((uint8_t *)file, &len, m.p, m.len);
	T_EQ_INT(cat_file("out.jsonl", file, len), 0);
	T_EQ_INT(count_lines(out_s, " span CLIENT "), 3);
	T_CHECKF(!err_s[0], "stderr: %s", err_s);
	otlp_buf_free(&m);
}

/* A corrupt record in the middle: reported, skipped, exit 1; the rest is
 * still printed. */
static void corrupt_middle_record(void)
{
	static uint8_t file[1 << 14];
	struct otlp_buf m;
	size_t len = 0;
	static const uint8_t junk[] = { 0, 0, 0, 3, 0xff, 0xff, 0xff };

	small_encoded(0, &m);
	append_pb(file, &len, &m);
	append(file, &len, junk, sizeof(junk));
	append_pb(file, &len, &m);
	T_EQ_INT(cat_file("traces.pb", file, len), CLI_ERR);
	T_EQ_INT(count_lines(out_s, " span CLIENT "), 2);
	T_CHECKF(strstr(err_s, "record at byte") && strstr(err_s, "skipped"), "stderr: %s", err_s);
	otlp_buf_free(&m);
}

/* Every signal, named so it must be found by trying; --json re-emits the
 * exact JSON the encoder makes. */
static void signals_by_trying_and_json(void)
{
	static const int points[] = { 4, 11, 3 };	/* items in each fixture */
	static const char *const what[] = { " span ", " metric ", " log " };
	static uint8_t file[1 << 16];

	for (int sig = OTLP_TRACES; sig <= OTLP_LOGS; sig++) {
		struct otlp_batch *b = batch(sig);
		struct otlp_buf m, js;
		size_t len = 0;
		const char *argv[3] = { "cat", NULL, NULL };
		int ret = sig == OTLP_TRACES ? fx_traces(b, 0) :
			  sig == OTLP_METRICS ? fx_metrics(b) : fx_logs(b, 0);

		T_ASSERT(ret == 0);
		encode(b, 0, &m);
		encode(b, 1, &js);
		append_pb(file, &len, &m);
		argv[1] = write_file("data.bin", file, len);
		T_EQ_INT(run_cat(2, argv), 0);
		T_CHECKF(count_lines(out_s, what[sig]) == points[sig], "signal %d: %s", sig, out_s);
		T_CHECKF(!err_s[0], "stderr: %s", err_s);

		argv[1] = "--json";
		argv[2] = write_file("data.bin", file, len);
		T_EQ_INT(run_cat(3, argv), 0);
		T_CHECK(strlen(out_s) == js.len + 1 && !memcmp(out_s, js.p, js.len) &&
			out_s[js.len] == '\n');
		otlp_buf_free(&m);
		otlp_buf_free(&js);
		otlp_batch_free(b);
	}
}

static void usage_errors(void)
{
	const char *a1[3] = { "cat", "--signal", "spans" };
	const char *a2[1] = { "cat" };
	const char *a3[2] = { "cat", "/nonexistent/x.pb" };

	T_EQ_INT(run_cat(3, a1), CLI_USAGE);
	T_EQ_INT(run_cat(1, a2), CLI_USAGE);
	T_EQ_INT(run_cat(2, a3), CLI_ERR);
	T_CHECKF(strstr(err_s, "cannot open /nonexistent/x.pb") != NULL, "stderr: %s", err_s);
}

int main(void)
{
	char cmd[300];

	if (!mkdtemp(dir))
		return 1;
	T_RUN(proto_exact_and_torn);
	T_RUN(jsonl_torn_and_unterminated);
	T_RUN(corrupt_middle_record);
	T_RUN(signals_by_trying_and_json);
	T_RUN(usage_errors);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return t_done();
}
