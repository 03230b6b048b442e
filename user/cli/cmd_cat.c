/* rawtel cat: print OTLP files in readable form, like tcpdump -r.
 *
 * Reads .jsonl (one ExportXServiceRequest JSON per line: the OTLP file
 * exporter format) and length-prefixed protobuf (each message after a
 * 4-byte big-endian length: the Collector fileexporter's `format: proto`).
 * The signal comes from --signal, the file name (traces/metrics/logs), or
 * by trying each. One line per span, log record or metric data point
 * (user/otlp/print.c); with --json each record is written again as one
 * OTLP JSON line.
 *
 * A torn last record (a crash mid-write: a short length prefix, a length
 * past the end of the file, an unterminated last line that does not parse)
 * is reported on stderr and skipped; it does not fail the run. A malformed
 * record elsewhere is reported and skipped, and the exit status is 1. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rawtel/cli.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/otlp.h"
#include "rawtel/otlp_print.h"
#include "rawtel/util.h"

#define CAT_MAX_RECORD	(256u << 20)	/* OTLP suggests 64 MiB requests */
#define CAT_MAX_ARENA	((size_t)1 << 31)

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
};

static const char *const sig_names[] = { "traces", "metrics", "logs" };

/* "rawtel: MSG" on stderr, as cli_err() does, after flushing stdout so
 * that warnings stay next to the lines they are about. */
__attribute__((format(printf, 1, 2)))
static void cat_warn(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);		/* keep the order of stdout and stderr lines */
	fputs("rawtel: ", stderr);
	va_start(ap, fmt);
	fmt_vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
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
		fputc('\n', stdout);
		return 0;
	}
	return otlp_print_batch(c->b, c->sig);
}

static int cat_jsonl(struct cat *c, FILE *f)
{
	char *line = NULL, where[48];
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	int ret = 0;

	while (!ret && (n = util_getline(&line, &cap, f)) > 0) {
		int terminated = line[n - 1] == '\n';
		size_t len = (size_t)n - (size_t)terminated;

		lineno++;
		while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
			len--;
		if (!len)
			continue;
		fmt_snprintf(where, sizeof(where), "line %lu", lineno);
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

/* read(2) until n bytes or the end of the file: the count, or -1 */
static ssize_t cat_read(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -1 : (ssize_t)got;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* Length-prefixed records read with read(2), not stdio's fread: one stdio
 * reader fewer in the static binary (fread, fseek and rewind went with it) */
static int cat_proto(struct cat *c, int fd)
{
	uint8_t hdr[4], *msg = NULL;
	unsigned long long off = 0;
	char where[64];
	ssize_t got;
	int ret = 0;

	while (!ret && (got = cat_read(fd, hdr, 4)) > 0) {
		size_t len;
		uint8_t *m;

		fmt_snprintf(where, sizeof(where), "record at byte %llu", off);
		if (got < 4) {
			cat_warn("%s: %s: torn last record skipped (%zu of 4 length bytes)",
				c->file, where, (size_t)got);
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
		if ((got = cat_read(fd, msg, len)) < 0)
			break;
		if ((size_t)got < len) {
			cat_warn("%s: %s: torn last record skipped (length %zu, only %zu "
				"bytes left)", c->file, where, len, (size_t)got);
			break;
		}
		ret = cat_record(c, msg, len, 0, where, 0);
		off += 4 + len;
	}
	free(msg);
	if (!ret && got < 0)
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

/* JSON lines when the name says so or the first byte is '{' (read with
 * pread: the file stays at its start for either reader) */
static int is_jsonl(const char *path, int fd)
{
	size_t n = strlen(path);
	off_t at = 0;
	char ch = 0;

	if ((n > 6 && !strcmp(path + n - 6, ".jsonl")) || (n > 5 && !strcmp(path + n - 5, ".json")))
		return 1;
	while (pread(fd, &ch, 1, at++) == 1 && (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t'))
		;
	return ch == '{';
}

/* One file: JSON lines through stdio (util_getline), else protobuf */
static int cat_file(struct cat *c, int fd)
{
	FILE *f;
	int ret;

	if (!is_jsonl(c->file, fd)) {
		ret = cat_proto(c, fd);
		close(fd);
		return ret;
	}
	if (!(f = fdopen(fd, "rb"))) {
		ret = err_set(errno, "cannot read %s: %s", c->file, strerror(errno));
		close(fd);
		return ret;
	}
	ret = cat_jsonl(c, f);
	fclose(f);
	return ret;
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
		int fd = open(argv[i], O_RDONLY | O_CLOEXEC), ret, guess;

		if (fd < 0) {
			cat_warn("cannot open %s: %s", argv[i], strerror(errno));
			rc = CLI_ERR;
			continue;
		}
		c.file = argv[i];
		guess = forced >= 0 ? forced : sig_from_name(argv[i]);
		c.sig_known = guess >= 0;
		c.sig = guess >= 0 ? (enum otlp_signal)guess : OTLP_TRACES;
		ret = cat_file(&c, fd);
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
