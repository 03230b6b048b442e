/* The OTLP pretty-printer behind rawtel cat (see include/rawtel/otlp_print.h):
 * one line per span, log record or metric data point, like tcpdump -r.
 * Strings are escaped and cut, so a line never spans lines or runs on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rawtel/fmt.h"
#include "rawtel/otlp.h"
#include "rawtel/otlp_print.h"
#include "rawtel/tz.h"

/* putchar is a second copy of fputc in the static binary */
static void put_c(int c)
{
	fputc(c, stdout);
}

#define PRINT_MAX_ATTRS	16		/* attributes shown per line */
#define PRINT_MAX_STR	120		/* bytes shown per string */

struct print_ctx {
	enum otlp_signal sig;
	const struct otlp_value *service;	/* of the resource being printed */
	const struct otlp_resource *svc_res;
};

static void put_str(const char *p, size_t n, int quote)
{
	int q = quote || !n;

	for (size_t i = 0; i < n && !q; i++)
		q = p[i] == ' ' || p[i] == '"' || p[i] == '=';
	if (q)
		put_c('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (i == PRINT_MAX_STR) {
			fputs("...", stdout);
			break;
		}
		if (c == '"' || c == '\\')
			fmt_printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fmt_printf("\\x%02x", c);
		else
			put_c(c);
	}
	if (q)
		put_c('"');
}

static void put_hex(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fmt_printf("%02x", p[i]);
}

static void put_time(uint64_t ns)
{
	struct tm tm;
	char buf[40];

	if (!ns || tz_civil((int64_t)(ns / 1000000000u), &tm)) {
		fputs(ns ? "?" : "-", stdout);
		return;
	}
	fmt_snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
		     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	fmt_printf("%s.%09uZ", buf, (unsigned)(ns % 1000000000u));
}

/* The shortest of 15, 16 or 17 significant digits that reads back. */
static void put_double(const char *prefix, double d)
{
	char t[32];

	for (int prec = 15; prec <= 17; prec++) {
		fmt_snprintf(t, sizeof(t), "%.*g", prec, d);
		if (fmt_strtod(t, NULL) == d || d != d)
			break;
	}
	fmt_printf("%s%s", prefix, t);
}

static void put_kvs(const struct otlp_kv *kv, uint32_t n, int depth);

static void put_value(const struct otlp_value *v, int depth)
{
	switch (v->type) {
	case OTLP_V_EMPTY: fputs("(empty)", stdout); break;
	case OTLP_V_STRING: put_str(v->u.s, v->len, 0); break;
	case OTLP_V_BOOL: fputs(v->u.boolean ? "true" : "false", stdout); break;
	case OTLP_V_INT: fmt_printf("%lld", (long long)v->u.i); break;
	case OTLP_V_DOUBLE: put_double("", v->u.d); break;
	case OTLP_V_BYTES:
		fputs("0x", stdout);
		put_hex(v->u.b, v->len < 32 ? v->len : 32);
		if (v->len > 32)
			fputs("...", stdout);
		break;
	case OTLP_V_ARRAY:
		put_c('[');
		for (uint32_t i = 0; i < v->len && depth < 4; i++) {
			if (i)
				put_c(',');
			put_value(&v->u.arr[i], depth + 1);
		}
		put_c(']');
		break;
	case OTLP_V_KVLIST:
		put_c('{');
		if (depth < 4)
			put_kvs(v->u.kvs, v->len, depth + 1);
		put_c('}');
		break;
	}
}

static void put_kvs(const struct otlp_kv *kv, uint32_t n, int depth)
{
	for (uint32_t i = 0; i < n; i++) {
		if (i == PRINT_MAX_ATTRS) {
			fmt_printf(" ...(%u more)", n - i);
			break;
		}
		if (i || !depth)
			put_c(' ');
		put_str(kv[i].key.p, kv[i].key.len, 0);
		put_c('=');
		put_value(&kv[i].v, depth);
	}
}

static void put_duration(uint64_t start, uint64_t end)
{
	uint64_t d = end - start;

	if (!start || !end || end < start)
		fputs("-", stdout);
	else if (d < 1000)
		fmt_printf("%lluns", (unsigned long long)d);
	else if (d < 1000000)
		fmt_printf("%.3fus", (double)d / 1e3);
	else if (d < 1000000000)
		fmt_printf("%.3fms", (double)d / 1e6);
	else
		fmt_printf("%.3fs", (double)d / 1e9);
}

static int nonzero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 1;
	return 0;
}

static void put_service(struct print_ctx *c, const struct otlp_resource *r)
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
		put_c('-');
}

static void print_span(struct print_ctx *c, const struct otlp_resource *r,
		       const struct otlp_span *s)
{
	static const char *const kinds[] = { "UNSPECIFIED", "INTERNAL", "SERVER",
					     "CLIENT", "PRODUCER", "CONSUMER" };

	put_time(s->start_ns);
	put_c(' ');
	put_service(c, r);
	fputs(" span ", stdout);
	if (s->kind < 6)
		fputs(kinds[s->kind], stdout);
	else
		fmt_printf("kind%u", s->kind);
	put_c(' ');
	put_str(s->name.p, s->name.len, 1);
	put_c(' ');
	put_duration(s->start_ns, s->end_ns);
	if (s->status_code == OTLP_STATUS_OK)
		fputs(" OK", stdout);
	else if (s->status_code == OTLP_STATUS_ERROR)
		fputs(" ERROR", stdout);
	else if (s->status_code)
		fmt_printf(" status%u", s->status_code);
	if (s->status_msg.len) {
		put_c(':');
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
		fmt_printf(" events=%u", s->n_events);
	if (s->n_links)
		fmt_printf(" links=%u", s->n_links);
	put_kvs(s->attrs, s->n_attrs, 0);
	put_c('\n');
}

static void print_log(struct print_ctx *c, const struct otlp_resource *r,
		      const struct otlp_log *l)
{
	static const char *const sev[] = { "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL" };

	put_time(l->time_ns ? l->time_ns : l->observed_ns);
	put_c(' ');
	put_service(c, r);
	fputs(" log ", stdout);
	if (l->severity_text.len)
		put_str(l->severity_text.p, l->severity_text.len, 0);
	else if (l->severity >= 1 && l->severity <= 24) {
		/* the spec's short names: INFO, INFO2, INFO3, INFO4 */
		fputs(sev[(l->severity - 1) / 4], stdout);
		if ((l->severity - 1) % 4)
			fmt_printf("%u", (l->severity - 1) % 4 + 1);
	} else
		put_c('-');
	if (l->event_name.len) {
		fputs(" event=", stdout);
		put_str(l->event_name.p, l->event_name.len, 0);
	}
	put_c(' ');
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
	put_c('\n');
}

static void print_metric(struct print_ctx *c, const struct otlp_resource *r,
			 const struct otlp_metric *m)
{
	static const char *const types[] = { "?", "gauge", "sum", "histogram" };
	static const char *const temps[] = { "", " delta", " cumulative" };

	for (uint32_t i = 0; i < m->n_points; i++) {
		const struct otlp_num_point *np = m->nums ? &m->nums[i] : NULL;
		const struct otlp_hist_point *hp = m->hists ? &m->hists[i] : NULL;

		put_time(np ? np->time_ns : hp->time_ns);
		put_c(' ');
		put_service(c, r);
		fputs(" metric ", stdout);
		put_str(m->name.p, m->name.len, 1);
		fmt_printf(" %s%s%s", types[m->type],
		       m->type != OTLP_GAUGE && m->temporality < 3 ? temps[m->temporality] : "",
		       m->type == OTLP_SUM && m->monotonic ? " monotonic" : "");
		if (np && np->is_double)
			put_double(" ", np->v.d);
		else if (np)
			fmt_printf(" %lld", (long long)np->v.i);
		else {
			fmt_printf(" count=%llu", (unsigned long long)hp->count);
			if (hp->has_sum)
				put_double(" sum=", hp->sum);
			if (hp->has_min)
				put_double(" min=", hp->min);
			if (hp->has_max)
				put_double(" max=", hp->max);
			if (hp->n_buckets) {
				fputs(" buckets=", stdout);
				for (uint32_t k = 0; k < hp->n_buckets; k++)
					fmt_printf("%s%llu", k ? "," : "",
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
		put_c('\n');
	}
}

static int print_item(void *ctx, const struct otlp_resource *r,
		      const struct otlp_scope *s, const void *item)
{
	struct print_ctx *c = ctx;

	(void)s;
	if (c->sig == OTLP_TRACES)
		print_span(c, r, item);
	else if (c->sig == OTLP_LOGS)
		print_log(c, r, item);
	else
		print_metric(c, r, item);
	return 0;
}

int otlp_print_batch(const struct otlp_batch *b, enum otlp_signal sig)
{
	struct print_ctx c = { .sig = sig };

	return otlp_batch_walk(b, print_item, &c);
}
