/* rawtel cat: print OTLP files in readable form, like tcpdump -r.
 *
 * Reads .jsonl (one ExportXServiceRequest JSON per line: the OTLP file
 * exporter format) and length-prefixed protobuf (each message after a
 * 4-byte big-endian length: the Collector fileexporter's `format: proto`).
 * The signal comes from --signal, the file name (traces/metrics/logs), or
 * by trying each. One line per span, log record or metric data point; with
 * --json each record is written again as one OTLP JSON line.
 *
 * A torn last record (a crash mid-write: a short length prefix, a length
 * past the end of the file, an unterminated last line that does not parse)
 * is reported on stderr and skipped; it does not fail the run. A malformed
 * record elsewhere is reported and skipped, and the exit status is 1. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rawtel/cli.h"
#include "rawtel/err.h"
#include "rawtel/otlp.h"

#define CAT_MAX_RECORD	(256u << 20)	/* OTLP suggests 64 MiB requests */
#define CAT_MAX_ARENA	((size_t)1 << 31)
#define CAT_MAX_ATTRS	16		/* attributes shown per line */
#define CAT_MAX_STR	120		/* bytes shown per string */

struct cat {
	int json;			/* --json */
	int sig_known;			/* from --signal, the name, or a try */
	enum otlp_signal sig;
	struct otlp_batch *b;
	enum otlp_signal b_sig;
	size_t b_arena;
	struct otlp_buf out;
	const char *file;
	int bad;			/* malformed records seen */
	const struct otlp_value *service;	/* of the resource being printed */
	const struct otlp_resource *svc_res;
};

static const char *const sig_names[] = { "traces", "metrics", "logs" };

/* "rawtel: MSG" on stderr, as cli_err() does; cli_err lives in main.c,
 * which the test and fuzz builds do not link. */
__attribute__((format(printf, 1, 2)))
static void cat_warn(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);		/* keep the order of stdout and stderr lines */
	fputs("rawtel: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- printing ----------------------------------------------------------- */

static void put_str(const char *p, size_t n, int quote)
{
	int q = quote || !n;

	for (size_t i = 0; i < n && !q; i++)
		q = p[i] == ' ' || p[i] == '"' || p[i] == '=';
	if (q)
		putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (i == CAT_MAX_STR) {
			fputs("...", stdout);
			break;
		}
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	if (q)
		putchar('"');
}

static void put_hex(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static void put_time(uint64_t ns)
{
	time_t t = (time_t)(ns / 1000000000u);
	struct tm tm;
	char buf[40];

	if (!ns || !gmtime_r(&t, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm)) {
		fputs(ns ? "?" : "-", stdout);
		return;
	}
	printf("%s.%09uZ", buf, (unsigned)(ns % 1000000000u));
}

/* The shortest of 15, 16 or 17 significant digits that reads back. */
static void put_double(const char *prefix, double d)
{
	char t[32];

	for (int prec = 15; prec <= 17; prec++) {
		snprintf(t, sizeof(t), "%.*g", prec, d);
		if (strtod(t, NULL) == d || d != d)
			break;
	}
	printf("%s%s", prefix, t);
}

static void put_kvs(const struct otlp_kv *kv, uint32_t n, int depth);

static void put_value(const struct otlp_value *v, int depth)
{
	switch (v->type) {
	case OTLP_V_EMPTY: fputs("(empty)", stdout); break;
	case OTLP_V_STRING: put_str(v->u.s, v->len, 0); break;
	case OTLP_V_BOOL: fputs(v->u.boolean ? "true" : "false", stdout); break;
	case OTLP_V_INT: printf("%lld", (long long)v->u.i); break;
	case OTLP_V_DOUBLE: put_double("", v->u.d); break;
	case OTLP_V_BYTES:
		fputs("0x", stdout);
		put_hex(v->u.b, v->len < 32 ? v->len : 32);
		if (v->len > 32)
			fputs("...", stdout);
		break;
	case OTLP_V_ARRAY:
		putchar('[');
		for (uint32_t i = 0; i < v->len && depth < 4; i++) {
			if (i)
				putchar(',');
			put_value(&v->u.arr[i], depth + 1);
		}
		putchar(']');
		break;
	case OTLP_V_KVLIST:
		putchar('{');
		if (depth < 4)
			put_kvs(v->u.kvs, v->len, depth + 1);
		putchar('}');
		break;
	}
}

static void put_kvs(const struct otlp_kv *kv, uint32_t n, int depth)
{
	for (uint32_t i = 0; i < n; i++) {
		if (i == CAT_MAX_ATTRS) {
			printf(" ...(%u more)", n - i);
			break;
		}
		if (i || !depth)
			putchar(' ');
		put_str(kv[i].key.p, kv[i].key.len, 0);
		putchar('=');
		put_value(&kv[i].v, depth);
	}
}

static void put_duration(uint64_t start, uint64_t end)
{
	uint64_t d = end - start;

	if (!start || !end || end < start)
		fputs("-", stdout);
	else if (d < 1000)
		printf("%lluns", (unsigned long long)d);
	else if (d < 1000000)
		printf("%.3fus", (double)d / 1e3);
	else if (d < 1000000000)
		printf("%.3fms", (double)d / 1e6);
	else
		printf("%.3fs", (double)d / 1e9);
}

static int nonzero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 1;
	return 0;
}

static void put_service(struct cat *c, const struct otlp_resource *r)
{
	if (c->svc_res != r) {
		c->svc_res = r;
		c->service = NULL;
		for (uint32_t i = 0; i < r->n_attrs; i++)
			if (r->attrs[i].key.len == 12 &&
			    !memcmp(r->attrs[i].key.p, "service.name", 12) &&
			    r->attrs[i].v.type == OTLP_V_STRING)
				c->service = &r->attrs[i].v;
	}
	if (c->service)
		put_str(c->service->u.s, c->service->len, 0);
	else
		putchar('-');
}

static void print_span(struct cat *c, const struct otlp_resource *r,
		       const struct otlp_span *s)
{
	static const char *const kinds[] = { "UNSPECIFIED", "INTERNAL", "SERVER",
					     "CLIENT", "PRODUCER", "CONSUMER" };

	put_time(s->start_ns);
	putchar(' ');
	put_service(c, r);
	fputs(" span ", stdout);
	if (s->kind < 6)
		fputs(kinds[s->kind], stdout);
	else
		printf("kind%u", s->kind);
	putchar(' ');
	put_str(s->name.p, s->name.len, 1);
	putchar(' ');
	put_duration(s->start_ns, s->end_ns);
	if (s->status_code == OTLP_STATUS_OK)
		fputs(" OK", stdout);
	else if (s->status_code == OTLP_STATUS_ERROR)
		fputs(" ERROR", stdout);
	else if (s->status_code)
		printf(" status%u", s->status_code);
	if (s->status_msg.len) {
		putchar(':');
		put_str(s->status_msg.p, s->status_msg.len, 1);
	}
	fputs(" trace=", stdout);
	put_hex(s->trace_id, 16);
	fputs(" span=", stdout);
	put_hex(s->span_id, 8);
	if (nonzero(s->parent_span_id, 8)) {
		fputs(" parent=", stdout);
		put_hex(s->parent_span_id, 8);
	}
	if (s->n_events)
		printf(" events=%u", s->n_events);
	if (s->n_links)
		printf(" links=%u", s->n_links);
	put_kvs(s->attrs, s->n_attrs, 0);
	putchar('\n');
}

static void print_log(struct cat *c, const struct otlp_resource *r,
		      const struct otlp_log *l)
{
	static const char *const sev[] = { "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL" };

	put_time(l->time_ns ? l->time_ns : l->observed_ns);
	putchar(' ');
	put_service(c, r);
	fputs(" log ", stdout);
	if (l->severity_text.len)
		put_str(l->severity_text.p, l->severity_text.len, 0);
	else if (l->severity >= 1 && l->severity <= 24) {
		/* the spec's short names: INFO, INFO2, INFO3, INFO4 */
		fputs(sev[(l->severity - 1) / 4], stdout);
		if ((l->severity - 1) % 4)
			printf("%u", (l->severity - 1) % 4 + 1);
	} else
		putchar('-');
	if (l->event_name.len) {
		fputs(" event=", stdout);
		put_str(l->event_name.p, l->event_name.len, 0);
	}
	putchar(' ');
	if (l->body.type == OTLP_V_STRING)
		put_str(l->body.u.s, l->body.len, 1);
	else
		put_value(&l->body, 0);
	if (nonzero(l->trace_id, 16)) {
		fputs(" trace=", stdout);
		put_hex(l->trace_id, 16);
	}
	if (nonzero(l->span_id, 8)) {
		fputs(" span=", stdout);
		put_hex(l->span_id, 8);
	}
	put_kvs(l->attrs, l->n_attrs, 0);
	putchar('\n');
}

static void print_metric(struct cat *c, const struct otlp_resource *r,
			 const struct otlp_metric *m)
{
	static const char *const types[] = { "?", "gauge", "sum", "histogram" };
	static const char *const temps[] = { "", " delta", " cumulative" };

	for (uint32_t i = 0; i < m->n_points; i++) {
		const struct otlp_num_point *np = m->nums ? &m->nums[i] : NULL;
		const struct otlp_hist_point *hp = m->hists ? &m->hists[i] : NULL;

		put_time(np ? np->time_ns : hp->time_ns);
		putchar(' ');
		put_service(c, r);
		fputs(" metric ", stdout);
		put_str(m->name.p, m->name.len, 1);
		printf(" %s%s%s", types[m->type],
		       m->type != OTLP_GAUGE && m->temporality < 3 ? temps[m->temporality] : "",
		       m->type == OTLP_SUM && m->monotonic ? " monotonic" : "");
		if (np && np->is_double)
			put_double(" ", np->v.d);
		else if (np)
			printf(" %lld", (long long)np->v.i);
		else {
			printf(" count=%llu", (unsigned long long)hp->count);
			if (hp->has_sum)
				put_double(" sum=", hp->sum);
			if (hp->has_min)
				put_double(" min=", hp->min);
			if (hp->has_max)
				put_double(" max=", hp->max);
			if (hp->n_buckets) {
				fputs(" buckets=", stdout);
				for (uint32_t k = 0; k < hp->n_buckets; k++)
					printf("%s%llu", k ? "," : "",
					       (unsigned long long)hp->bucket_counts[k]);
			}
		}
		if (m->unit.len) {
			fputs(" unit=", stdout);
			put_str(m->unit.p, m->unit.len, 0);
		}
		if (np)
			put_kvs(np->attrs, np->n_attrs, 0);
		else
			put_kvs(hp->attrs, hp->n_attrs, 0);
		putchar('\n');
	}
}

static int print_item(void *ctx, const struct otlp_resource *r,
		      const struct otlp_scope *s, const void *item)
{
	struct cat *c = ctx;

	(void)s;
	if (c->sig == OTLP_TRACES)
		print_span(c, r, item);
	else if (c->sig == OTLP_LOGS)
		print_log(c, r, item);
	else
		print_metric(c, r, item);
	return 0;
}

/* ---- decoding ----------------------------------------------------------- */

/* Decode one record as `sig` into c->b, growing the batch on -ENOSPC. */
static int decode_as(struct cat *c, enum otlp_signal sig, const uint8_t *p,
		     size_t n, int is_json)
{
	size_t arena = n * 16 + 65536;
	int ret;

	for (;;) {
		if (!c->b || c->b_sig != sig || c->b_arena < arena) {
			size_t tab = arena / 64 < (1u << 22) ? arena / 64 : (1u << 22);
			struct otlp_batch_limits lim = { arena, (uint32_t)tab, (uint32_t)tab };

			otlp_batch_free(c->b);
			c->b = NULL;
			if ((ret = otlp_batch_new(&c->b, sig, &lim)))
				return ret;
			c->b_sig = sig;
			c->b_arena = arena;
		}
		otlp_batch_reset(c->b);
		ret = is_json ? otlp_decode_json(c->b, (const char *)p, n)
			      : otlp_decode_pb(c->b, p, n);
		if (ret != -ENOSPC || arena >= CAT_MAX_ARENA)
			return ret;
		arena *= 2;
	}
}

/* Decode and print one record; where says which, for messages. */
static int cat_record(struct cat *c, const uint8_t *p, size_t n, int is_json,
		      const char *where, int torn_ok)
{
	static const enum otlp_signal order[] = { OTLP_TRACES, OTLP_LOGS, OTLP_METRICS };
	int ret = 0;

	if (c->sig_known) {
		ret = decode_as(c, c->sig, p, n, is_json);
	} else {
		for (size_t i = 0; i < 3; i++) {
			ret = decode_as(c, order[i], p, n, is_json);
			if (ret >= 0 && otlp_batch_items(c->b)) {
				c->sig = order[i];
				c->sig_known = 1;
				break;
			}
		}
		if (!c->sig_known) {
			if (ret >= 0)	/* empty whatever it is: nothing to show */
				return 0;
			err_set(EBADMSG, "not an OTLP traces, logs or metrics request "
				"(say which with --signal)");
			ret = -EBADMSG;
		}
	}
	if (ret < 0) {
		if (torn_ok) {
			cat_warn("%s: %s: torn last record skipped (%s)", c->file, where, err_msg());
			return 0;
		}
		cat_warn("%s: %s: %s; skipped", c->file, where, err_msg());
		c->bad++;
		return 0;
	}
	if (ret > 0)
		cat_warn("%s: %s: %d metric(s) of unsupported types (exponential "
			"histogram, summary) not shown", c->file, where, ret);
	if (c->json) {
		if ((ret = otlp_encode_json(c->b, &c->out)))
			return ret;
		fwrite(c->out.p, 1, c->out.len, stdout);
		putchar('\n');
		return 0;
	}
	c->svc_res = NULL;
	return otlp_batch_walk(c->b, print_item, c);
}

static int cat_jsonl(struct cat *c, FILE *f)
{
	char *line = NULL, where[48];
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	int ret = 0;

	while (!ret && (n = getline(&line, &cap, f)) > 0) {
		int terminated = line[n - 1] == '\n';
		size_t len = (size_t)n - (size_t)terminated;

		lineno++;
		while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
			len--;
		if (!len)
			continue;
		snprintf(where, sizeof(where), "line %lu", lineno);
		if ((size_t)n > CAT_MAX_RECORD) {
			cat_warn("%s: %s: longer than %u bytes; skipped", c->file, where,
				CAT_MAX_RECORD);
			c->bad++;
			continue;
		}
		/* an unterminated last line is complete only if it parses */
		ret = cat_record(c, (const uint8_t *)line, len, 1, where, !terminated);
	}
	free(line);
	if (!ret && ferror(f))
		ret = err_set(errno, "cannot read %s: %s", c->file, strerror(errno));
	return ret;
}

static int cat_proto(struct cat *c, FILE *f)
{
	uint8_t hdr[4], *msg = NULL;
	unsigned long long off = 0;
	char where[64];
	int ret = 0;

	while (!ret) {
		size_t got = fread(hdr, 1, 4, f), len;
		uint8_t *m;

		if (got == 0)
			break;
		snprintf(where, sizeof(where), "record at byte %llu", off);
		if (got < 4) {
			cat_warn("%s: %s: torn last record skipped (%zu of 4 length bytes)",
				c->file, where, got);
			break;
		}
		len = (size_t)hdr[0] << 24 | (size_t)hdr[1] << 16 | (size_t)hdr[2] << 8 | hdr[3];
		if (len > CAT_MAX_RECORD) {
			cat_warn("%s: %s: length %zu is over %u bytes: not an OTLP "
				"protobuf file or corrupt; stopping", c->file, where, len,
				CAT_MAX_RECORD);
			c->bad++;
			break;
		}
		if (!(m = realloc(msg, len ? len : 1))) {
			ret = err_set(ENOMEM, "cannot allocate %zu bytes for a record", len);
			break;
		}
		msg = m;
		got = fread(msg, 1, len, f);
		if (got < len) {
			if (ferror(f))
				break;
			cat_warn("%s: %s: torn last record skipped (length %zu, only %zu "
				"bytes left)", c->file, where, len, got);
			break;
		}
		ret = cat_record(c, msg, len, 0, where, 0);
		off += 4 + len;
	}
	free(msg);
	if (!ret && ferror(f))
		ret = err_set(errno, "cannot read %s: %s", c->file, strerror(errno));
	return ret;
}

/* traces / metrics / logs in the file's base name, or -1. */
static int sig_from_name(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (strstr(base, "trace") || strstr(base, "span"))
		return OTLP_TRACES;
	if (strstr(base, "metric"))
		return OTLP_METRICS;
	if (strstr(base, "log"))
		return OTLP_LOGS;
	return -1;
}

/* JSON lines when the name says so or the first byte is '{'. */
static int is_jsonl(const char *path, FILE *f)
{
	size_t n = strlen(path);
	int ch;

	if ((n > 6 && !strcmp(path + n - 6, ".jsonl")) || (n > 5 && !strcmp(path + n - 5, ".json")))
		return 1;
	do
		ch = getc(f);
	while (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t');
	rewind(f);
	return ch == '{';
}

static int cat_usage(void)
{
	fputs("usage: rawtel cat [--json] [--signal traces|metrics|logs] FILE...\n"
	      "  Prints OTLP files: .jsonl (OTLP file exporter) or length-prefixed\n"
	      "  protobuf (Collector fileexporter format: proto), one line per span,\n"
	      "  log record or metric data point.\n"
	      "  --json     write each record again as one OTLP JSON line\n"
	      "  --signal   what the files hold (default: from the file name, or tried)\n",
	      stderr);
	return CLI_USAGE;
}

int cmd_cat(int argc, char **argv)
{
	struct cat c = { 0 };
	int forced = -1, i, rc = CLI_OK;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--json")) {
			c.json = 1;
		} else if (!strcmp(argv[i], "--signal") && i + 1 < argc) {
			for (int s = 0; s < 3; s++)
				if (!strcmp(argv[i + 1], sig_names[s]))
					forced = s;
			if (forced < 0) {
				cat_warn("cat: unknown signal '%s'", argv[i + 1]);
				return cat_usage();
			}
			i++;
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			return cat_usage();
		}
	}
	if (i == argc)
		return cat_usage();
	otlp_buf_init(&c.out, (size_t)1 << 31);
	for (; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		int ret, guess;

		if (!f) {
			cat_warn("cannot open %s: %s", argv[i], strerror(errno));
			rc = CLI_ERR;
			continue;
		}
		c.file = argv[i];
		guess = forced >= 0 ? forced : sig_from_name(argv[i]);
		c.sig_known = guess >= 0;
		c.sig = guess >= 0 ? (enum otlp_signal)guess : OTLP_TRACES;
		ret = is_jsonl(argv[i], f) ? cat_jsonl(&c, f) : cat_proto(&c, f);
		fclose(f);
		if (ret < 0) {
			cat_warn("%s", err_msg());
			rc = CLI_ERR;
		}
	}
	if (c.bad)
		rc = CLI_ERR;
	otlp_buf_free(&c.out);
	otlp_batch_free(c.b);
	fflush(stdout);
	return rc;
}
