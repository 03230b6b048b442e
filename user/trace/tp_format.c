/* Parser for tracefs event `format` files. The text comes from the kernel
 * but is still treated as untrusted: every number is range-checked and
 * malformed field lines are an error, not a guess. A field line reads
 *	field:const char * filename;	offset:24;	size:8;	signed:0;
 * and the declaration's last identifier (minus any [N]) is the name. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/err.h"
#include "rawtel/tracefs.h"

#define TP_MAX_FIELDS 256
#define TP_MAX_RECORD 65536

/* Value of "key:N;" inside line [s, end), or -1. */
static long field_num(const char *s, const char *end, const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = s; p + kl < end; p++) {
		if (memcmp(p, key, kl) || (p > s && isalnum((unsigned char)p[-1])))
			continue;
		p += kl;
		if (p >= end || !isdigit((unsigned char)*p))
			return -1;
		/* "size:0" is legal: report 0, not "absent" */
		long v = 0;
		while (p < end && isdigit((unsigned char)*p) && v <= TP_MAX_RECORD)
			v = v * 10 + (*p++ - '0');
		return (p < end && *p == ';' && v <= TP_MAX_RECORD) ? v : -1;
	}
	return -1;
}

static int parse_decl(const char *d, size_t n, struct tp_field *f)
{
	size_t e = n, b;

	while (e > 0 && isspace((unsigned char)d[e - 1]))
		e--;
	if (e > 0 && d[e - 1] == ']') {		/* name[16] or name[] */
		while (e > 0 && d[e - 1] != '[')
			e--;
		if (e == 0)
			return -EINVAL;
		e--;
		f->is_array = true;
	}
	b = e;
	while (b > 0 && (isalnum((unsigned char)d[b - 1]) || d[b - 1] == '_'))
		b--;
	/* a name, and a type before it ("int x", "char *x") */
	if (b == e || e - b >= TP_FIELD_NAME_MAX || b == 0 ||
	    !(isspace((unsigned char)d[b - 1]) || d[b - 1] == '*'))
		return -EINVAL;
	memcpy(f->name, d + b, e - b);
	f->name[e - b] = 0;
	if (n >= 10 && !memcmp(d, "__data_loc", 10)) {
		f->is_data_loc = true;
		f->is_array = false;
	} else if (n >= 9 && !memcmp(d, "__rel_loc", 9)) {
		f->is_rel_loc = true;
		f->is_array = false;
	}
	return 0;
}

static int parse_field_line(const char *s, const char *end, struct tp_field *f)
{
	const char *d = strstr(s, "field:"), *semi;
	long off, size, sgn;

	if (!d || d >= end)
		return -EINVAL;
	d += 6;
	semi = memchr(d, ';', (size_t)(end - d));
	if (!semi)
		return -EINVAL;
	memset(f, 0, sizeof(*f));
	if (parse_decl(d, (size_t)(semi - d), f))
		return -EINVAL;
	off = field_num(semi, end, "offset:");
	size = field_num(semi, end, "size:");
	sgn = field_num(semi, end, "signed:");
	/* size 0 only for a flexible array ("char buf[]") */
	if (off < 0 || size < 0 || (size == 0 && !f->is_array) || off + size > TP_MAX_RECORD)
		return -EINVAL;
	f->offset = (uint32_t)off;
	f->size = (uint32_t)size;
	f->is_signed = sgn == 1;
	return 0;
}

int tp_format_parse(const char *text, size_t len, struct tp_format *out)
{
	const char *p = text, *end = text + len;
	uint32_t cap = 0, line_no = 0;
	bool have_id = false;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *s = p;

		line_no++;
		while (s < le && (*s == ' ' || *s == '\t'))
			s++;
		if ((size_t)(le - s) > 3 && !memcmp(s, "ID:", 3)) {
			long id = strtol(s + 3, NULL, 10);
			if (id <= 0 || id > 0xffffff)
				goto bad;
			out->id = (uint32_t)id;
			have_id = true;
		} else if ((size_t)(le - s) > 6 && !memcmp(s, "field:", 6)) {
			struct tp_field f;
			char line[512];
			size_t ll = (size_t)(le - s);

			if (ll >= sizeof(line))
				goto bad;
			memcpy(line, s, ll);	/* NUL-terminated copy for strstr */
			line[ll] = 0;
			if (parse_field_line(line, line + ll, &f))
				goto bad;
			if (out->n_fields == cap) {
				if (cap >= TP_MAX_FIELDS)
					goto bad;
				cap = cap ? cap * 2 : 16;
				struct tp_field *nf = realloc(out->fields, cap * sizeof(*nf));
				if (!nf) {
					tp_format_free(out);
					return -ENOMEM;
				}
				out->fields = nf;
			}
			out->fields[out->n_fields++] = f;
		} else if ((size_t)(le - s) >= 11 && !memcmp(s, "print fmt:", 10)) {
			break;
		}
		p = nl ? nl + 1 : end;
	}
	if (!have_id || out->n_fields == 0) {
		tp_format_free(out);
		return err_set(EINVAL, "tracepoint format has no %s",
			       have_id ? "fields" : "ID line");
	}
	return 0;
bad:
	tp_format_free(out);
	return err_set(EINVAL, "malformed tracepoint format at line %u", line_no);
}

void tp_format_free(struct tp_format *f)
{
	free(f->fields);
	f->fields = NULL;
	f->n_fields = 0;
}

const struct tp_field *tp_format_field(const struct tp_format *f,
				       const char *name)
{
	for (uint32_t i = 0; i < f->n_fields; i++)
		if (!strcmp(f->fields[i].name, name))
			return &f->fields[i];
	return NULL;
}
