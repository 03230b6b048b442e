/* A metrics batch in the Prometheus text format or OpenMetrics (prom.h).
 * Prometheus wants every sample of a name under one TYPE line, while the
 * batch holds one metric per (resource, instrument): the metrics are
 * gathered, sorted by their Prometheus name (stable), and written family
 * by family; target_info follows. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/fmt.h"
#include "rawtel/err.h"
#include "rawtel/prom.h"
#include "rawtel/util.h"

#define PROM_NAME_MAX 200

struct pw {
	struct otlp_buf *o;
	int err;
	int om;				/* OpenMetrics */
};

struct ent {
	const struct otlp_resource *res;
	const struct otlp_scope *scope;
	const struct otlp_metric *m;
	uint32_t idx;
	char name[PROM_NAME_MAX];	/* the family's sample base name */
};

struct gather {
	struct ent *e;
	const struct otlp_resource **res;	/* distinct, in batch order */
	uint32_t n, cap, n_res;
};

static void put(struct pw *w, const char *s, size_t n)
{
	if (w->err || (w->err = otlp_buf_grow(w->o, w->o->len + n)))
		return;
	memcpy(w->o->p + w->o->len, s, n);
	w->o->len += n;
}

static void puts_(struct pw *w, const char *s)
{
	put(w, s, strlen(s));
}

/* A label value or HELP text: \\, \n, and \" where quoted (and in
 * OpenMetrics HELP). */
static void put_esc(struct pw *w, const char *s, size_t n, int quote)
{
	for (size_t i = 0; i < n; i++) {
		const char *x = s[i] == '\\' ? "\\\\" : s[i] == '\n' ? "\\n" :
				s[i] == '"' && quote ? "\\\"" : NULL;
		if (x)
			put(w, x, 2);
		else
			put(w, s + i, 1);
	}
}

/* The shortest %g that reads back as v; +Inf, -Inf, NaN as Prometheus. */
static const char *prom_double(char *b, size_t cap, double v, int om)
{
	if (isnan(v))
		fmt_snprintf(b, cap, "NaN");
	else if (isinf(v))
		fmt_snprintf(b, cap, v > 0 ? "+Inf" : "-Inf");
	else
		for (int prec = 15; prec <= 17; prec++)
			if (fmt_snprintf(b, cap, "%.*g", prec, v) > 0 && fmt_strtod(b, NULL) == v)
				break;
	/* OpenMetrics: a float with a '.', so le="1" is le="1.0" */
	if (om && !isnan(v) && !isinf(v) && !strpbrk(b, ".e") && strlen(b) + 2 < cap)
		strcat(b, ".0");
	return b;
}

static void put_u64(struct pw *w, uint64_t v)
{
	char b[24];

	put(w, b, (size_t)fmt_snprintf(b, sizeof(b), "%llu", (unsigned long long)v));
}

/* ---- names ---------------------------------------------------------------- */
static int name_char(char c, int colon)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || (colon && c == ':');
}

/* Append s sanitized to out (len so far): invalid characters as '_', no
 * "__" runs made by it. */
static size_t san_append(char *out, size_t len, size_t cap, const char *s, size_t n, int colon)
{
	for (size_t i = 0; i < n && len + 1 < cap; i++) {
		char c = name_char(s[i], colon) ? s[i] : '_';

		if (c == '_' && len && out[len - 1] == '_')
			continue;
		out[len++] = c;
	}
	out[len] = 0;
	return len;
}

/* A label name: a leading digit gets "key_", a leading "__" "key". */
static void label_name(const struct otlp_str *k, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = 0;
	if (k->len && k->p[0] >= '0' && k->p[0] <= '9')
		n = (size_t)fmt_snprintf(out, cap, "key_");
	else if (k->len > 1 && k->p[0] == '_' && k->p[1] == '_')
		n = (size_t)fmt_snprintf(out, cap, "key");
	san_append(out, n, cap, k->p, k->len, 0);
}

static const char *const unit_map[][2] = {
	{ "s", "seconds" }, { "ms", "milliseconds" }, { "us", "microseconds" },
	{ "ns", "nanoseconds" }, { "min", "minutes" }, { "h", "hours" }, { "d", "days" },
	{ "By", "bytes" }, { "KiBy", "kibibytes" }, { "MiBy", "mebibytes" }, { "KBy", "kilobytes" },
	{ "MBy", "megabytes" }, { "bit", "bits" }, { "Hz", "hertz" }, { "Cel", "celsius" },
	{ "%", "percent" }, { "m", "meters" },
};

/* One unit word (no '/'), mapped when known, sanitized otherwise. */
static size_t unit_word(char *out, size_t len, size_t cap, const char *u, size_t n, int per)
{
	for (size_t i = 0; i < sizeof(unit_map) / sizeof(unit_map[0]); i++)
		if (strlen(unit_map[i][0]) == n && !memcmp(unit_map[i][0], u, n)) {
			const char *to = unit_map[i][1];
			/* after "per": singular (seconds -> second) */
			size_t tn = strlen(to) - (per && to[strlen(to) - 1] == 's' ? 1 : 0);
			return san_append(out, len, cap, to, tn, 0);
		}
	return san_append(out, len, cap, u, n, 0);
}

/* The unit as a name suffix: "{event}" nothing, "1" ratio for gauges,
 * "By/s" bytes_per_second. */
static void unit_suffix(const struct otlp_metric *m, char *out, size_t cap)
{
	char u[64];
	size_t n = 0, len = 0;
	const char *slash;

	for (uint32_t i = 0; i < m->unit.len && n + 1 < sizeof(u); i++)
		if (m->unit.p[i] == '{')
			while (i < m->unit.len && m->unit.p[i] != '}')
				i++;
		else
			u[n++] = m->unit.p[i];
	u[n] = 0;
	out[0] = 0;
	if (!n || (n == 1 && u[0] == '1' && m->type != OTLP_GAUGE))
		return;
	if (n == 1 && u[0] == '1') {
		fmt_snprintf(out, cap, "ratio");
		return;
	}
	slash = memchr(u, '/', n);
	len = unit_word(out, 0, cap, u, slash ? (size_t)(slash - u) : n, 0);
	if (slash && slash + 1 < u + n) {
		len = san_append(out, len, cap, len ? "_per_" : "per_", len ? 5 : 4, 0);
		unit_word(out, len, cap, slash + 1, (size_t)(u + n - slash - 1), 1);
	}
}

static int is_counter(const struct otlp_metric *m)
{
	return m->type == OTLP_SUM && m->monotonic;
}

/* The name, the unit suffix unless it ends so already, _total for counters. */
static void metric_name(const struct otlp_metric *m, char *out, size_t cap)
{
	char unit[64];
	size_t n = 0, un;

	if (m->name.len && m->name.p[0] >= '0' && m->name.p[0] <= '9')
		out[n++] = '_';
	n = san_append(out, n, cap, m->name.p, m->name.len, 1);
	unit_suffix(m, unit, sizeof(unit));
	un = strlen(unit);
	if (un && !(n > un && out[n - un - 1] == '_' && !strcmp(out + n - un, unit))) {
		n = san_append(out, n, cap, "_", 1, 0);
		n = san_append(out, n, cap, unit, un, 0);
	}
	if (is_counter(m) && !(n >= 6 && !strcmp(out + n - 6, "_total")))
		san_append(out, n, cap, "_total", 6, 0);
}

/* ---- labels --------------------------------------------------------------- */
static const struct otlp_value *res_attr(const struct otlp_resource *r, const char *k)
{
	size_t n = strlen(k);

	for (uint32_t i = 0; r && i < r->n_attrs; i++)
		if (r->attrs[i].key.len == n && !memcmp(r->attrs[i].key.p, k, n))
			return &r->attrs[i].v;
	return NULL;
}

static void put_value(struct pw *w, const struct otlp_value *v)
{
	char b[40];

	switch (v->type) {
	case OTLP_V_STRING:
		put_esc(w, v->u.s, v->len, 1);
		break;
	case OTLP_V_INT:
		put(w, b, (size_t)fmt_snprintf(b, sizeof(b), "%lld", (long long)v->u.i));
		break;
	case OTLP_V_DOUBLE:
		puts_(w, prom_double(b, sizeof(b), v->u.d, 0));
		break;
	case OTLP_V_BOOL:
		puts_(w, v->u.boolean ? "true" : "false");
		break;
	}
}

static void put_label(struct pw *w, int *first, const char *name, const struct otlp_value *v)
{
	puts_(w, *first ? "{" : ",");
	*first = 0;
	puts_(w, name);
	put(w, "=\"", 2);
	put_value(w, v);
	put(w, "\"", 1);
}

static void put_label_s(struct pw *w, int *first, const char *name, const char *s, size_t n)
{
	struct otlp_value v = { OTLP_V_STRING, (uint32_t)n, { .s = s } };

	put_label(w, first, name, &v);
}

/* job (service.namespace/service.name) and instance (service.instance.id,
 * else host.name:process.pid: rawtel's resources are processes) */
static void put_job(struct pw *w, int *first, const struct otlp_resource *r)
{
	const struct otlp_value *ns = res_attr(r, "service.namespace"),
				*svc = res_attr(r, "service.name"),
				*id = res_attr(r, "service.instance.id"),
				*host = res_attr(r, "host.name"), *pid = res_attr(r, "process.pid");
	char b[512];
	int n;

	if (svc && svc->type == OTLP_V_STRING) {
		n = fmt_snprintf(b, sizeof(b), "%.*s%s%.*s", ns && ns->type == OTLP_V_STRING ? (int)ns->len : 0,
			     ns ? ns->u.s : "", ns && ns->type == OTLP_V_STRING ? "/" : "",
			     (int)svc->len, svc->u.s);
		put_label_s(w, first, "job", b, n > 0 && (size_t)n < sizeof(b) ? (size_t)n : 0);
	}
	if (id) {
		put_label(w, first, "instance", id);
	} else if (host && host->type == OTLP_V_STRING) {
		n = fmt_snprintf(b, sizeof(b), "%.*s", (int)host->len, host->u.s);
		if (pid && pid->type == OTLP_V_INT && n > 0 && (size_t)n < sizeof(b))
			n += fmt_snprintf(b + n, sizeof(b) - (size_t)n, ":%lld", (long long)pid->u.i);
		put_label_s(w, first, "instance", b, n > 0 && (size_t)n < sizeof(b) ? (size_t)n : 0);
	}
}

static int reserved(const char *k)
{
	static const char *const names[] = { "job", "instance", "le", "otel_scope_name",
					     "otel_scope_version" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(k, names[i]))
			return 1;
	return 0;
}

/* {attributes,job,instance,otel_scope_name,otel_scope_version[,le]} */
static void put_labels(struct pw *w, const struct ent *e, const struct otlp_kv *kv, uint32_t n,
		       const char *le)
{
	char k[128];
	int first = 1;

	for (uint32_t i = 0; i < n; i++) {
		label_name(&kv[i].key, k, sizeof(k));
		if (k[0] && !reserved(k) && kv[i].v.type <= OTLP_V_DOUBLE && kv[i].v.type)
			put_label(w, &first, k, &kv[i].v);
	}
	put_job(w, &first, e->res);
	if (e->scope && e->scope->name.len)
		put_label_s(w, &first, "otel_scope_name", e->scope->name.p, e->scope->name.len);
	if (e->scope && e->scope->version.len)
		put_label_s(w, &first, "otel_scope_version", e->scope->version.p,
			    e->scope->version.len);
	if (le)
		put_label_s(w, &first, "le", le, strlen(le));
	if (!first)
		put(w, "}", 1);
}

/* ---- samples -------------------------------------------------------------- */
static void put_start(struct pw *w, const struct ent *e, const char *suffix,
		      const struct otlp_kv *kv, uint32_t n, const char *le)
{
	puts_(w, e->name);
	puts_(w, suffix);
	put_labels(w, e, kv, n, le);
	put(w, " ", 1);
}

static void put_hist(struct pw *w, const struct ent *e, const struct otlp_hist_point *p)
{
	char le[40];
	uint64_t cum = 0;

	/* cumulative buckets, the last (+Inf) being the count */
	for (uint32_t i = 0; p->n_buckets == p->n_bounds + 1 && i < p->n_bounds; i++) {
		cum += p->bucket_counts[i];
		put_start(w, e, "_bucket", p->attrs, p->n_attrs, prom_double(le, sizeof(le), p->bounds[i], w->om));
		put_u64(w, cum);
		put(w, "\n", 1);
	}
	put_start(w, e, "_bucket", p->attrs, p->n_attrs, "+Inf");
	put_u64(w, p->count);
	put(w, "\n", 1);
	if (p->has_sum) {
		put_start(w, e, "_sum", p->attrs, p->n_attrs, NULL);
		puts_(w, prom_double(le, sizeof(le), p->sum, 0));
		put(w, "\n", 1);
	}
	put_start(w, e, "_count", p->attrs, p->n_attrs, NULL);
	put_u64(w, p->count);
	put(w, "\n", 1);
}

static void put_points(struct pw *w, const struct ent *e)
{
	char b[40];

	for (uint32_t i = 0; i < e->m->n_points; i++) {
		const struct otlp_num_point *p = &e->m->nums[i];

		if (e->m->type == OTLP_HISTOGRAM) {
			put_hist(w, e, &e->m->hists[i]);
			continue;
		}
		put_start(w, e, "", p->attrs, p->n_attrs, NULL);
		if (p->is_double)
			puts_(w, prom_double(b, sizeof(b), p->v.d, 0));
		else
			put(w, b, (size_t)fmt_snprintf(b, sizeof(b), "%lld", (long long)p->v.i));
		put(w, "\n", 1);
	}
}

/* ---- families ------------------------------------------------------------- */
static const char *type_name(const struct otlp_metric *m)
{
	return m->type == OTLP_HISTOGRAM ? "histogram" : is_counter(m) ? "counter" : "gauge";
}

/* # HELP, # TYPE (and # UNIT in OpenMetrics) of the family of e */
static void put_meta(struct pw *w, const struct ent *e)
{
	char fam[PROM_NAME_MAX], unit[64];
	size_t n = strlen(e->name), un;

	/* OpenMetrics names the family of foo_total foo */
	if (w->om && is_counter(e->m) && n > 6)
		n -= 6;
	fmt_snprintf(fam, sizeof(fam), "%.*s", (int)n, e->name);
	put(w, "# HELP ", 7);
	puts_(w, fam);
	put(w, " ", 1);
	put_esc(w, e->m->description.p, e->m->description.len, w->om);
	put(w, "\n# TYPE ", 8);
	puts_(w, fam);
	put(w, " ", 1);
	puts_(w, type_name(e->m));
	put(w, "\n", 1);
	unit_suffix(e->m, unit, sizeof(unit));
	un = strlen(unit);
	if (w->om && un && n > un && fam[n - un - 1] == '_' && !strcmp(fam + n - un, unit)) {
		put(w, "# UNIT ", 7);
		puts_(w, fam);
		put(w, " ", 1);
		puts_(w, unit);
		put(w, "\n", 1);
	}
}

static void put_target_info(struct pw *w, const struct otlp_resource *const *res, uint32_t n)
{
	char k[128];

	puts_(w, w->om ? "# HELP target Target metadata\n# TYPE target info\n"
		       : "# HELP target_info Target metadata\n# TYPE target_info gauge\n");
	for (uint32_t i = 0; i < n; i++) {
		const struct otlp_resource *r = res[i];
		int first = 1;

		puts_(w, "target_info");
		put_job(w, &first, r);
		for (uint32_t a = 0; a < r->n_attrs; a++) {
			label_name(&r->attrs[a].key, k, sizeof(k));
			if (strcmp(k, "service_name") && strcmp(k, "service_namespace") &&
			    strcmp(k, "service_instance_id") && !reserved(k) && r->attrs[a].v.type &&
			    r->attrs[a].v.type <= OTLP_V_DOUBLE)
				put_label(w, &first, k, &r->attrs[a].v);
		}
		puts_(w, first ? " 1\n" : "} 1\n");
	}
}

/* ---- the whole batch ------------------------------------------------------ */
static int gather_one(void *ctx, const struct otlp_resource *r, const struct otlp_scope *s,
		      const void *item)
{
	struct gather *g = ctx;
	const struct otlp_metric *m = item;
	struct ent *e;

	/* Prometheus has no delta: such points are left out */
	if (m->type != OTLP_GAUGE && m->temporality == OTLP_TEMP_DELTA)
		return 0;
	if (g->n == g->cap)
		return -ENOSPC;
	e = &g->e[g->n];
	*e = (struct ent){ r, s, m, g->n, { 0 } };
	metric_name(m, e->name, sizeof(e->name));
	g->n++;
	if (!g->n_res || g->res[g->n_res - 1] != r)
		g->res[g->n_res++] = r;
	return 0;
}

static int ent_cmp(const void *x, const void *y)
{
	const struct ent *a = x, *b = y;
	int c = strcmp(a->name, b->name);

	return c ? c : a->idx < b->idx ? -1 : a->idx > b->idx;
}

static void put_families(struct pw *w, const struct ent *e, uint32_t n)
{
	for (uint32_t i = 0, j; i < n; i = j) {
		put_meta(w, &e[i]);
		for (j = i; j < n && !strcmp(e[j].name, e[i].name); j++)
			/* the same name with another type would make the family invalid */
			if (!strcmp(type_name(e[j].m), type_name(e[i].m)))
				put_points(w, &e[j]);
	}
}

const char *prom_content_type(int openmetrics)
{
	return openmetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
			   : "text/plain; version=0.0.4; charset=utf-8";
}

int prom_render(const struct otlp_batch *b, int openmetrics, struct otlp_buf *o)
{
	struct gather g = { .cap = otlp_batch_items(b) };
	struct pw w = { o, 0, openmetrics };
	int r;

	o->len = 0;
	g.e = malloc((g.cap ? g.cap : 1) * sizeof(*g.e));
	g.res = malloc((g.cap ? g.cap : 1) * sizeof(*g.res));
	if (!g.e || !g.res) {
		free(g.e);
		free(g.res);
		return err_set(ENOMEM, "cannot allocate the Prometheus exposition of %u metrics", g.cap);
	}
	r = otlp_batch_walk(b, gather_one, &g);
	if (!r) {
		util_sort(g.e, g.n, sizeof(*g.e), ent_cmp);
		put_families(&w, g.e, g.n);
		if (g.n_res)
			put_target_info(&w, g.res, g.n_res);
		if (openmetrics)
			puts_(&w, "# EOF\n");
		r = w.err;
	}
	free(g.e);
	free(g.res);
	return r;
}
