/* The metrics aggregator: temporality per instrument kind and preference,
 * histogram buckets ((b[i-1], b[i]]), sum/min/max, the cardinality cap and
 * its overflow point, bounded memory, errors. A fake clock makes every
 * timestamp exact. */
#include <errno.h>
#include <math.h>

#include "rawtel/err.h"
#include "rawtel/otlp_agg.h"
#include "t_fmt.h"

static uint64_t clock_ns = 1000;
static uint64_t fake_now(void) { return clock_ns; }

static const struct otlp_kv res_attrs[1] = { { { "service.name", 12 },
	{ OTLP_V_STRING, 3, { .s = "svc" } } } };
static const struct otlp_resource res0 = { res_attrs, 1, 0, { "", 0 } };
static const struct otlp_resource res1 = { NULL, 0, 0, { "", 0 } };

/* res0's handle in every aggregator agg() makes */
#define R0 0

/* An aggregator with res0 added (as R0); one that cannot be made ends
 * the case. */
static struct otlp_agg *agg(enum otlp_temp_pref pref, uint32_t series, uint32_t limit)
{
	struct otlp_agg_config cfg = {
		.scope = { OTLP_S("rawtel"), OTLP_S("0.1.0"), NULL, 0, 0, OTLP_S("") },
		.pref = pref, .max_resources = 4, .max_instruments = 8,
		.max_series = series, .cardinality_limit = limit, .now = fake_now,
	};
	struct otlp_agg *a;

	clock_ns = 1000;
	T_ASSERT(otlp_agg_new(&a, &cfg) == 0);
	T_ASSERT(otlp_agg_add_resource(a, &res0) == R0);
	return a;
}

static struct otlp_batch *mbatch(size_t arena)
{
	struct otlp_batch_limits lim = { arena, 8, 8 };
	struct otlp_batch *b;

	T_ASSERT(otlp_batch_new(&b, OTLP_METRICS, &lim) == 0);
	return b;
}

/* The batch collections go into, for every case (each collection resets
 * it): made at the first, freed by main. */
static struct otlp_batch *shared_batch;

static struct otlp_agg_stats stats(struct otlp_agg *a)
{
	struct otlp_agg_stats st;

	otlp_agg_stats(a, &st);
	return st;
}

/* The metrics a collection produced, in order. */
struct got {
	const struct otlp_metric *m[16];
	const struct otlp_resource *r[16];
	int n;
};

static int grab(void *ctx, const struct otlp_resource *r, const struct otlp_scope *s,
		const void *item)
{
	struct got *g = ctx;

	(void)s;
	if (g->n < 16) {
		g->r[g->n] = r;
		g->m[g->n++] = item;
	}
	return 0;
}

static struct got collect_into(struct otlp_agg *a, struct otlp_batch *b, int *points)
{
	struct got g = { .n = 0 };

	otlp_batch_reset(b);
	*points = otlp_agg_collect(a, b);
	otlp_batch_walk(b, grab, &g);
	return g;
}

static struct got collect(struct otlp_agg *a, int *points)
{
	if (!shared_batch)
		shared_batch = mbatch(1 << 16);
	return collect_into(a, shared_batch, points);
}

static const struct otlp_instrument counter = { OTLP_S("c"), OTLP_S(""), OTLP_S("1"),
	OTLP_INST_COUNTER, 0, NULL, 0 };

static void counter_cumulative(void)
{
	struct otlp_agg *a = agg(OTLP_PREF_CUMULATIVE, 16, 0);
	struct otlp_kv x[2] = { otlp_kv_str("k", "v"), otlp_kv_int("n", 1) };
	struct otlp_kv y[2] = { otlp_kv_int("n", 1), otlp_kv_str("k", "v") };
	int c, pts;
	struct got g;

	T_ASSERT((c = otlp_agg_add_instrument(a, &counter)) == 0);
	clock_ns = 2000;
	T_EQ_INT(otlp_agg_record_int(a, R0, c, x, 2, 1), 0);
	T_EQ_INT(otlp_agg_record_int(a, R0, c, y, 2, 2), 0);	/* same set, other order */
	T_EQ_INT(otlp_agg_record_int(a, R0, c, x, 2, 3), 0);
	clock_ns = 5000;
	g = collect(a, &pts);
	T_EQ_INT(pts, 1);
	T_ASSERT(g.n == 1);
	T_EQ_INT(g.m[0]->type, OTLP_SUM);
	T_EQ_INT(g.m[0]->monotonic, 1);
	T_EQ_INT(g.m[0]->temporality, OTLP_TEMP_CUMULATIVE);
	T_EQ_INT(g.m[0]->nums[0].v.i, 6);
	T_EQ_INT(g.m[0]->nums[0].start_ns, 2000);
	T_EQ_INT(g.m[0]->nums[0].time_ns, 5000);
	T_EQ_INT(g.m[0]->nums[0].n_attrs, 2);
	T_CHECK(g.m[0]->nums[0].attrs[0].key.len == 1 && g.m[0]->nums[0].attrs[0].key.p[0] == 'k');
	T_CHECK(g.r[0]->n_attrs == 1);

	clock_ns = 9000;
	T_EQ_INT(otlp_agg_record_int(a, R0, c, x, 2, 4), 0);
	g = collect(a, &pts);
	T_EQ_INT(g.m[0]->nums[0].v.i, 10);			/* keeps accumulating */
	T_EQ_INT(g.m[0]->nums[0].start_ns, 2000);
	g = collect(a, &pts);				/* nothing new: still there */
	T_EQ_INT(pts, 1);
	otlp_agg_free(a);
}

static void counter_delta(void)
{
	struct otlp_agg *a = agg(OTLP_PREF_DELTA, 16, 0);
	int c, pts;
	struct got g;

	c = otlp_agg_add_instrument(a, &counter);
	clock_ns = 2000;
	T_EQ_INT(otlp_agg_record_int(a, R0, c, NULL, 0, 5), 0);
	clock_ns = 3000;
	g = collect(a, &pts);
	T_ASSERT(g.n == 1);
	T_EQ_INT(g.m[0]->temporality, OTLP_TEMP_DELTA);
	T_EQ_INT(g.m[0]->nums[0].v.i, 5);
	T_EQ_INT(g.m[0]->nums[0].start_ns, 2000);
	T_EQ_INT(g.m[0]->nums[0].time_ns, 3000);
	clock_ns = 4000;
	T_EQ_INT(otlp_agg_record_int(a, R0, c, NULL, 0, 7), 0);
	clock_ns = 5000;
	g = collect(a, &pts);
	T_EQ_INT(g.m[0]->nums[0].v.i, 7);			/* only this interval */
	T_EQ_INT(g.m[0]->nums[0].start_ns, 3000);		/* the last collection */
	clock_ns = 6000;
	g = collect(a, &pts);				/* nothing measured */
	T_EQ_INT(pts, 0);
	T_EQ_INT(g.n, 0);
	T_EQ_INT(stats(a).series, 0);				/* freed */
	otlp_agg_free(a);
}

/* The preference table of the OTLP exporter spec, for every kind. */
static void temporality_table(void)
{
	static const uint32_t kinds[] = { OTLP_INST_COUNTER, OTLP_INST_UPDOWN_COUNTER,
		OTLP_INST_GAUGE, OTLP_INST_HISTOGRAM, OTLP_INST_OBS_COUNTER,
		OTLP_INST_OBS_UPDOWN_COUNTER };
	enum { C = OTLP_TEMP_CUMULATIVE, D = OTLP_TEMP_DELTA, U = OTLP_TEMP_UNSPECIFIED };
	static const uint32_t want[3][6] = {
		[OTLP_PREF_CUMULATIVE] = { C, C, U, C, C, C },
		[OTLP_PREF_DELTA] = { D, C, U, D, D, C },
		[OTLP_PREF_LOWMEMORY] = { D, C, U, D, C, C },
	};
	static const uint32_t type[6] = { OTLP_SUM, OTLP_SUM, OTLP_GAUGE, OTLP_HISTOGRAM,
		OTLP_SUM, OTLP_SUM };
	static const int mono[6] = { 1, 0, 0, 0, 1, 0 };

	for (int p = OTLP_PREF_CUMULATIVE; p <= OTLP_PREF_LOWMEMORY; p++) {
		struct otlp_agg *a = agg(p, 16, 0);
		int pts;
		struct got g;

		for (int k = 0; k < 6; k++) {
			struct otlp_instrument in = { OTLP_S("m"), OTLP_S(""), OTLP_S(""),
				kinds[k], 0, otlp_duration_bounds, kinds[k] == OTLP_INST_HISTOGRAM ? 14 : 0 };
			int h = otlp_agg_add_instrument(a, &in);

			T_ASSERT(h == k);
			T_EQ_INT(otlp_agg_record_int(a, R0, h, NULL, 0, 1), 0);
		}
		g = collect(a, &pts);
		T_ASSERT(g.n == 6 && pts == 6);
		for (int k = 0; k < 6; k++) {
			T_CHECKF(g.m[k]->temporality == want[p][k], "pref %d kind %d: %u",
				 p, k, g.m[k]->temporality);
			T_EQ_INT(g.m[k]->type, type[k]);
			T_EQ_INT(g.m[k]->monotonic, mono[k]);
		}
		otlp_agg_free(a);
	}
}

static void observed_and_updown(void)
{
	struct otlp_instrument oc = { OTLP_S("oc"), OTLP_S(""), OTLP_S(""), OTLP_INST_OBS_COUNTER, 1, NULL, 0 };
	struct otlp_instrument ud = { OTLP_S("ud"), OTLP_S(""), OTLP_S(""), OTLP_INST_UPDOWN_COUNTER, 0, NULL, 0 };
	struct otlp_agg *a = agg(OTLP_PREF_DELTA, 16, 0);
	int o, u, pts;
	struct got g;

	o = otlp_agg_add_instrument(a, &oc);
	u = otlp_agg_add_instrument(a, &ud);
	T_EQ_INT(otlp_agg_record_double(a, R0, o, NULL, 0, 10.5), 0);
	T_EQ_INT(otlp_agg_record_int(a, R0, u, NULL, 0, 5), 0);
	T_EQ_INT(otlp_agg_record_int(a, R0, u, NULL, 0, -7), 0);
	g = collect(a, &pts);
	T_ASSERT(g.n == 2);
	T_CHECK(g.m[0]->nums[0].is_double && g.m[0]->nums[0].v.d == 10.5);
	T_EQ_INT(g.m[1]->nums[0].v.i, -2);
	T_EQ_INT(g.m[1]->temporality, OTLP_TEMP_CUMULATIVE);
	T_EQ_INT(otlp_agg_record_double(a, R0, o, NULL, 0, 25), 0);	/* total now 25 */
	T_EQ_INT(otlp_agg_record_int(a, R0, u, NULL, 0, 1), 0);
	g = collect(a, &pts);
	T_CHECKF(g.m[0]->nums[0].v.d == 14.5, "%g", g.m[0]->nums[0].v.d);	/* the delta */
	T_EQ_INT(g.m[1]->nums[0].v.i, -1);				/* cumulative */
	g = collect(a, &pts);		/* no observation: observed state kept */
	T_EQ_INT(g.n, 1);			/* only the up-down counter */
	T_EQ_INT(otlp_agg_record_double(a, R0, o, NULL, 0, 30), 0);
	g = collect(a, &pts);
	T_CHECKF(g.m[0]->nums[0].v.d == 5, "%g", g.m[0]->nums[0].v.d);
	otlp_agg_free(a);
}

static void gauge_last_value(void)
{
	struct otlp_instrument gi = { OTLP_S("g"), OTLP_S(""), OTLP_S(""), OTLP_INST_GAUGE, 0, NULL, 0 };
	struct otlp_agg *a = agg(OTLP_PREF_DELTA, 16, 0);
	int h, pts;
	struct got g;

	h = otlp_agg_add_instrument(a, &gi);
	T_EQ_INT(otlp_agg_record_int(a, R0, h, NULL, 0, 3), 0);
	T_EQ_INT(otlp_agg_record_int(a, R0, h, NULL, 0, -9), 0);
	clock_ns = 7000;
	g = collect(a, &pts);
	T_ASSERT(g.n == 1);
	T_EQ_INT(g.m[0]->type, OTLP_GAUGE);
	T_EQ_INT(g.m[0]->nums[0].v.i, -9);
	T_EQ_INT(g.m[0]->nums[0].start_ns, 0);
	T_EQ_INT(g.m[0]->nums[0].time_ns, 7000);
	g = collect(a, &pts);			/* exported again */
	T_EQ_INT(g.m[0]->nums[0].v.i, -9);
	T_EQ_INT(otlp_agg_record_double(a, R0, h, NULL, 0, 1.5), -EINVAL);	/* int gauge */
	otlp_agg_free(a);
}

/* Buckets are (-inf, b0], (b0, b1], ..., (b_last, +inf). */
static void histogram_buckets(void)
{
	static const double bounds[] = { 0, 5, 10 };
	static const double vals[] = { -1, 0, 0.0001, 5, 5.0001, 10, 10.5 };
	struct otlp_instrument hi = { OTLP_S("h"), OTLP_S(""), OTLP_S("s"), OTLP_INST_HISTOGRAM, 1, bounds, 3 };
	struct otlp_instrument h0 = { OTLP_S("h0"), OTLP_S(""), OTLP_S("s"), OTLP_INST_HISTOGRAM, 1, NULL, 0 };
	struct otlp_agg *a = agg(OTLP_PREF_DELTA, 16, 0);
	const struct otlp_hist_point *p;
	double sum = 0;
	int h, z, pts;
	struct got g;

	h = otlp_agg_add_instrument(a, &hi);
	z = otlp_agg_add_instrument(a, &h0);
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		T_EQ_INT(otlp_agg_record_double(a, R0, h, NULL, 0, vals[i]), 0);
		sum += vals[i];
	}
	T_EQ_INT(otlp_agg_record_int(a, R0, z, NULL, 0, 42), 0);	/* ints are fine */
	g = collect(a, &pts);
	T_ASSERT(g.n == 2);
	p = &g.m[0]->hists[0];
	T_EQ_INT(p->count, 7);
	T_ASSERT(p->n_buckets == 4 && p->n_bounds == 3);
	T_EQ_INT(p->bucket_counts[0], 2);	/* -1, 0 */
	T_EQ_INT(p->bucket_counts[1], 2);	/* 0.0001, 5 */
	T_EQ_INT(p->bucket_counts[2], 2);	/* 5.0001, 10 */
	T_EQ_INT(p->bucket_counts[3], 1);	/* 10.5 */
	T_CHECK(p->has_sum && p->sum == sum);
	T_CHECK(p->has_min && p->min == -1 && p->has_max && p->max == 10.5);
	T_CHECK(p->bounds[2] == 10);
	p = &g.m[1]->hists[0];
	T_CHECK(p->count == 1 && p->n_buckets == 1 && p->bucket_counts[0] == 1 &&
		p->n_bounds == 0 && p->sum == 42 && p->min == 42 && p->max == 42);

	/* delta: the next interval starts from nothing */
	T_EQ_INT(otlp_agg_record_double(a, R0, h, NULL, 0, 7), 0);
	g = collect(a, &pts);
	T_ASSERT(g.n == 1);
	p = &g.m[0]->hists[0];
	T_CHECK(p->count == 1 && p->sum == 7 && p->min == 7 && p->max == 7);
	T_CHECK(p->bucket_counts[0] == 0 && p->bucket_counts[1] == 0 &&
		p->bucket_counts[2] == 1 && p->bucket_counts[3] == 0);
	T_EQ_INT(otlp_agg_record_double(a, R0, h, NULL, 0, NAN), -EINVAL);
	otlp_agg_free(a);
}

/* Cardinality limit 4: three attribute sets, then everything else in one
 * point with otel.metric.overflow=true; totals stay right. */
static void overflow_point(void)
{
	struct otlp_agg *a = agg(OTLP_PREF_CUMULATIVE, 64, 4);
	const struct otlp_num_point *o;
	int c, pts;
	int64_t total = 0;
	struct got g;

	c = otlp_agg_add_instrument(a, &counter);
	for (int i = 0; i < 6; i++) {
		struct otlp_kv kv = otlp_kv_int("id", i);

		T_EQ_INT(otlp_agg_record_int(a, R0, c, &kv, 1, 10 + i), 0);
	}
	{
		struct otlp_kv kv = otlp_kv_int("id", 1);	/* a known set still counts */

		T_EQ_INT(otlp_agg_record_int(a, R0, c, &kv, 1, 100), 0);
	}
	g = collect(a, &pts);
	T_ASSERT(g.n == 1);
	T_EQ_INT(pts, 4);
	for (int i = 0; i < 4; i++)
		total += g.m[0]->nums[i].v.i;
	T_EQ_INT(total, 10 + 11 + 12 + 13 + 14 + 15 + 100);
	T_EQ_INT(g.m[0]->nums[1].v.i, 111);
	o = &g.m[0]->nums[3];
	T_ASSERT(o->n_attrs == 1);
	T_CHECK(o->attrs[0].key.len == 20 && !memcmp(o->attrs[0].key.p, "otel.metric.overflow", 20));
	T_CHECK(o->attrs[0].v.type == OTLP_V_BOOL && o->attrs[0].v.u.boolean == 1);
	T_EQ_INT(o->v.i, 13 + 14 + 15);
	T_EQ_INT(stats(a).overflowed, 3);
	T_EQ_INT(stats(a).series, 4);
	T_EQ_INT(stats(a).dropped, 0);
	otlp_agg_free(a);
}

/* A caller's series ref: the same series without the attributes while
 * it lives; a series collected (delta, idle) or dropped with its resource
 * is looked up again; the overflow point is never remembered. */
static void series_ref(void)
{
	struct otlp_instrument hi = { OTLP_S("h"), OTLP_S(""), OTLP_S("s"), OTLP_INST_HISTOGRAM, 1,
				      otlp_duration_bounds, 14 };
	struct otlp_agg *a = agg(OTLP_PREF_DELTA, 16, 3);
	struct otlp_kv k1 = otlp_kv_str("route", "/a"), k2 = otlp_kv_str("route", "/b");
	struct otlp_kv k3 = otlp_kv_str("route", "/c");
	uint64_t ref = 0, ref2 = 0, ref3 = 1;
	int h, pts;
	struct got g;

	h = otlp_agg_add_instrument(a, &hi);
	T_EQ_INT(otlp_agg_record_double_ref(a, R0, h, &k1, 1, 0.5, &ref), 0);
	T_CHECK(ref != 0);
	/* remembered: the attributes are not read (here: wrong on purpose) */
	T_EQ_INT(otlp_agg_record_double_ref(a, R0, h, &k2, 1, 1.5, &ref), 0);
	T_EQ_INT(otlp_agg_record_double_ref(a, R0, h, &k2, 1, 2, &ref2), 0);
	T_CHECK(ref2 != 0 && ref2 != ref);
	/* the third set is the overflow point's: not remembered */
	T_EQ_INT(otlp_agg_record_double_ref(a, R0, h, &k3, 1, 3, &ref3), 0);
	T_EQ_INT(ref3, 0);
	T_EQ_INT(otlp_agg_record_double_ref(a, R0, h, NULL, 0, NAN, &ref), -EINVAL);
	g = collect(a, &pts);
	T_ASSERT(g.n == 1 && pts == 3);
	T_CHECK(g.m[0]->hists[0].count == 2 && g.m[0]->hists[0].sum == 2);
	T_CHECK(g.m[0]->hists[1].count == 1 && g.m[0]->hists[1].sum == 2);
	T_CHECK(g.m[0]->hists[2].count == 1 && g.m[0]->hists[2].sum == 3);
	/* delta: /b saw nothing this interval and is freed at the next
	 * collection; its ref then finds its set again (the attributes) */
	T_EQ_INT(otlp_agg_record_double_ref(a, R0, h, &k1, 1, 1, &ref), 0);
	g = collect(a, &pts);
	T_ASSERT(g.n == 1 && pts == 1);
	T_EQ_INT(otlp_agg_record_double_ref(a, R0, h, &k3, 1, 4, &ref2), 0);
	T_CHECK(ref2 != 0);
	g = collect(a, &pts);
	T_ASSERT(g.n == 1 && pts == 1);
	T_CHECK(g.m[0]->hists[0].n_attrs == 1 && g.m[0]->hists[0].attrs[0].v.len == 2 &&
		!memcmp(g.m[0]->hists[0].attrs[0].v.u.s, "/c", 2) && g.m[0]->hists[0].sum == 4);
	/* the resource dropped: its series go, refs with them */
	otlp_agg_drop_resource(a, R0);
	T_EQ_INT(otlp_agg_add_resource(a, &res0), R0);
	T_EQ_INT(otlp_agg_record_double_ref(a, R0, h, &k2, 1, 5, &ref2), 0);
	g = collect(a, &pts);
	T_ASSERT(g.n == 1 && pts == 1);
	T_CHECK(!memcmp(g.m[0]->hists[0].attrs[0].v.u.s, "/b", 2) && g.m[0]->hists[0].sum == 5);
	otlp_agg_free(a);
}

/* The pool is the bound: no series left means dropped, and counted. */
static void pool_exhausted(void)
{
	struct otlp_agg *a = agg(OTLP_PREF_CUMULATIVE, 2, 0);
	int c;

	c = otlp_agg_add_instrument(a, &counter);
	for (int i = 0; i < 2; i++) {
		struct otlp_kv kv = otlp_kv_int("id", i);

		T_EQ_INT(otlp_agg_record_int(a, R0, c, &kv, 1, 1), 0);
	}
	{
		struct otlp_kv kv = otlp_kv_int("id", 2);

		T_EQ_INT(otlp_agg_record_int(a, R0, c, &kv, 1, 1), -ENOSPC);
	}
	T_EQ_INT(stats(a).dropped, 1);
	T_EQ_INT(stats(a).series, 2);
	/* dropping the resource gives the memory back */
	otlp_agg_drop_resource(a, R0);
	T_EQ_INT(stats(a).series, 0);
	T_EQ_INT(otlp_agg_record_int(a, R0, c, NULL, 0, 1), -EINVAL);	/* gone */
	T_EQ_INT(otlp_agg_add_resource(a, &res1), R0);			/* slot reused */
	T_EQ_INT(otlp_agg_record_int(a, R0, c, NULL, 0, 1), 0);
	otlp_agg_free(a);
}

static void bad_input(void)
{
	struct otlp_agg *a = agg(OTLP_PREF_CUMULATIVE, 8, 0);
	struct otlp_kv many[17], arr = { OTLP_S("a"), { OTLP_V_ARRAY, 0, { .arr = NULL } } };
	char big[600];
	struct otlp_kv large = otlp_kv_str("big", big);
	static const double unsorted[] = { 1, 1 };
	struct otlp_instrument bad = { OTLP_S("b"), OTLP_S(""), OTLP_S(""), OTLP_INST_HISTOGRAM, 1, unsorted, 2 };
	enum otlp_temp_pref pref;
	int c;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	large = otlp_kv_str("big", big);
	for (int i = 0; i < 17; i++)
		many[i] = otlp_kv_int("k", i);
	c = otlp_agg_add_instrument(a, &counter);
	T_EQ_INT(otlp_agg_record_int(a, R0, c, NULL, 0, -1), -EINVAL);
	T_EQ_INT(otlp_agg_record_int(a, R0, c, &arr, 1, 1), -EINVAL);
	T_EQ_INT(otlp_agg_record_int(a, R0, c, many, 17, 1), -E2BIG);
	T_EQ_INT(otlp_agg_record_int(a, R0, c, &large, 1, 1), -E2BIG);
	T_EQ_INT(otlp_agg_record_int(a, R0, 5, NULL, 0, 1), -EINVAL);
	T_EQ_INT(otlp_agg_record_int(a, 3, c, NULL, 0, 1), -EINVAL);
	T_EQ_INT(otlp_agg_record_int(a, -1, c, NULL, 0, 1), -EINVAL);
	T_EQ_INT(otlp_agg_add_instrument(a, &bad), -EINVAL);
	/* duplicate keys: the last value wins */
	{
		struct otlp_kv d2[2] = { otlp_kv_int("k", 1), otlp_kv_int("k", 2) };
		struct otlp_kv d1 = otlp_kv_int("k", 2);
		struct got g;
		int pts;

		T_EQ_INT(otlp_agg_record_int(a, R0, c, d2, 2, 1), 0);
		T_EQ_INT(otlp_agg_record_int(a, R0, c, &d1, 1, 1), 0);
		g = collect(a, &pts);
		T_ASSERT(pts == 1 && g.n == 1);
		T_EQ_INT(g.m[0]->nums[0].v.i, 2);
		T_EQ_INT(g.m[0]->nums[0].attrs[0].v.u.i, 2);
	}
	T_EQ_INT(otlp_temp_pref_parse("Delta", &pref), 0);
	T_EQ_INT(pref, OTLP_PREF_DELTA);
	T_EQ_INT(otlp_temp_pref_parse("lowmemory", &pref), 0);
	T_EQ_INT(pref, OTLP_PREF_LOWMEMORY);
	T_EQ_INT(otlp_temp_pref_parse(NULL, &pref), 0);
	T_EQ_INT(pref, OTLP_PREF_CUMULATIVE);
	T_EQ_INT(otlp_temp_pref_parse("sometimes", &pref), -EINVAL);
	otlp_agg_free(a);
}

/* A batch too small fails the collection without losing the interval. */
static void collect_retry(void)
{
	struct otlp_agg *a = agg(OTLP_PREF_DELTA, 64, 0);
	struct otlp_batch *small = mbatch(256);
	int r1, c, pts;
	struct got g;

	r1 = otlp_agg_add_resource(a, &res1);
	c = otlp_agg_add_instrument(a, &counter);
	for (int i = 0; i < 20; i++) {
		struct otlp_kv kv = otlp_kv_int("id", i);

		T_EQ_INT(otlp_agg_record_int(a, i < 10 ? R0 : r1, c, &kv, 1, 2), 0);
	}
	g = collect_into(a, small, &pts);
	T_EQ_INT(pts, -ENOSPC);
	g = collect(a, &pts);
	T_EQ_INT(pts, 20);
	T_ASSERT(g.n == 2);
	T_CHECK(g.r[0] != g.r[1]);		/* one ResourceMetrics each */
	T_EQ_INT(g.m[0]->n_points, 10);
	T_EQ_INT(g.m[1]->nums[9].v.i, 2);
	otlp_agg_free(a);
	otlp_batch_free(small);
}

int main(void)
{
	T_RUN(counter_cumulative);
	T_RUN(counter_delta);
	T_RUN(temporality_table);
	T_RUN(observed_and_updown);
	T_RUN(gauge_last_value);
	T_RUN(histogram_buckets);
	T_RUN(overflow_point);
	T_RUN(series_ref);
	T_RUN(pool_exhausted);
	T_RUN(bad_input);
	T_RUN(collect_retry);
	otlp_batch_free(shared_batch);
	return t_done();
}
