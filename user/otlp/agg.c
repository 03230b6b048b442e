/* The metrics aggregator (see otlp_agg.h).
 *
 * A series is found by hashing (resource, instrument, attribute set) where
 * the attribute set is first put in a canonical form: sorted by key, the
 * last of duplicate keys kept, encoded into a compact blob
 *   per attribute: u16 key length, key, u8 type, value
 *   (string: u16 length + bytes; bool: u8; int, double: 8 bytes)
 * stored in the series' fixed slot. Series live in a fixed pool; a free
 * list, hash chains and per-stream lists link them by index + 1 (0 = end). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>

#include "rawtel/err.h"
#include "rawtel/otlp_agg.h"
#include "pbw.h"

#define AGG_MAX_ATTRS	16		/* attributes per measurement */

const double otlp_duration_bounds[14] = {
	0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
};

union num {
	int64_t i;
	double d;
};

struct series {
	uint32_t hnext, snext;		/* hash chain, stream list / free list */
	uint32_t res, inst;
	uint64_t hash;
	uint64_t start_ns;
	uint32_t gen;			/* changes as the slot is freed and reused
					 * (otlp_agg_record_double_ref) */
	uint16_t attr_len;
	uint8_t touched;		/* measured since the last collection */
	union num val, last;		/* sum or value; last observed total sent */
	uint64_t count;			/* histograms */
	double sum, min, max;
};

struct stream {
	uint32_t head, tail, n, overflow;
};

struct otlp_agg {
	struct otlp_agg_config cfg;
	struct otlp_instrument *inst;
	uint32_t n_inst;
	const struct otlp_resource **res;
	struct stream *streams;		/* [res * max_instruments + inst] */
	struct series *series;
	uint8_t *attrs;			/* max_attr_bytes per series */
	uint64_t *buckets;		/* max_bounds + 1 per series */
	uint32_t *htab, hmask;
	uint32_t free_head;
	struct otlp_agg_stats stats;
	/* collection scratch: one stream's points and their attributes */
	struct otlp_num_point *np;
	struct otlp_hist_point *hp;
	struct otlp_kv *kvs;
};

static uint64_t agg_realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int otlp_temp_pref_parse(const char *s, enum otlp_temp_pref *out)
{
	if (!s || !*s || !strcasecmp(s, "cumulative"))
		*out = OTLP_PREF_CUMULATIVE;
	else if (!strcasecmp(s, "delta"))
		*out = OTLP_PREF_DELTA;
	else if (!strcasecmp(s, "lowmemory"))
		*out = OTLP_PREF_LOWMEMORY;
	else
		return err_set(EINVAL, "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE="
			       "'%s': use cumulative, delta or lowmemory", s);
	return 0;
}

int otlp_agg_new(struct otlp_agg **out, const struct otlp_agg_config *cfg)
{
	struct otlp_agg *a;
	uint32_t hsize = 1;
	size_t nb;

	*out = NULL;
	if (!cfg->max_resources || !cfg->max_instruments || !cfg->max_series ||
	    cfg->max_series > (1u << 28) || cfg->cardinality_limit == 1 ||
	    cfg->max_attr_bytes > 4096 || cfg->max_bounds > 4096)
		return err_set(EINVAL, "metrics aggregator: resources, instruments and "
			       "series must be non-zero (series at most 2^28), the "
			       "cardinality limit at least 2, attribute bytes at most "
			       "4096 and bounds at most 4096");
	if (!(a = calloc(1, sizeof(*a))))
		return err_set(ENOMEM, "cannot allocate a metrics aggregator");
	a->cfg = *cfg;
	if (!a->cfg.cardinality_limit)
		a->cfg.cardinality_limit = 2000;
	if (!a->cfg.max_attr_bytes)
		a->cfg.max_attr_bytes = 512;
	if (!a->cfg.max_bounds)
		a->cfg.max_bounds = 32;
	if (!a->cfg.now)
		a->cfg.now = agg_realtime;
	while (hsize < 2 * cfg->max_series)
		hsize <<= 1;
	a->hmask = hsize - 1;
	nb = a->cfg.max_bounds + 1;
	a->inst = calloc(cfg->max_instruments, sizeof(*a->inst));
	a->res = calloc(cfg->max_resources, sizeof(*a->res));
	a->streams = calloc((size_t)cfg->max_resources * cfg->max_instruments,
			    sizeof(*a->streams));
	a->series = calloc(cfg->max_series, sizeof(*a->series));
	a->attrs = malloc((size_t)cfg->max_series * a->cfg.max_attr_bytes);
	a->buckets = calloc((size_t)cfg->max_series * nb, sizeof(*a->buckets));
	a->htab = calloc(hsize, sizeof(*a->htab));
	a->np = calloc(a->cfg.cardinality_limit, sizeof(*a->np));
	a->hp = calloc(a->cfg.cardinality_limit, sizeof(*a->hp));
	a->kvs = calloc((size_t)a->cfg.cardinality_limit * AGG_MAX_ATTRS, sizeof(*a->kvs));
	if (!a->inst || !a->res || !a->streams || !a->series || !a->attrs ||
	    !a->buckets || !a->htab || !a->np || !a->hp || !a->kvs) {
		otlp_agg_free(a);
		return err_set(ENOMEM, "cannot allocate a metrics aggregator for %u series",
			       cfg->max_series);
	}
	for (uint32_t i = 0; i < cfg->max_series; i++)
		a->series[i].snext = i + 2 <= cfg->max_series ? i + 2 : 0;
	a->free_head = 1;
	*out = a;
	return 0;
}

void otlp_agg_free(struct otlp_agg *a)
{
	if (!a)
		return;
	free(a->inst);
	free(a->res);
	free(a->streams);
	free(a->series);
	free(a->attrs);
	free(a->buckets);
	free(a->htab);
	free(a->np);
	free(a->hp);
	free(a->kvs);
	free(a);
}

int otlp_agg_add_instrument(struct otlp_agg *a, const struct otlp_instrument *in)
{
	if (a->n_inst == a->cfg.max_instruments)
		return err_set(ENOSPC, "metrics aggregator holds at most %u instruments",
			       a->cfg.max_instruments);
	if (in->kind > OTLP_INST_OBS_UPDOWN_COUNTER || (in->n_bounds && !in->bounds) ||
	    in->n_bounds > a->cfg.max_bounds)
		return err_set(EINVAL, "instrument '%.*s': unknown kind or more than %u "
			       "bounds", (int)in->name.len, in->name.p ? in->name.p : "",
			       a->cfg.max_bounds);
	for (uint32_t i = 1; i < in->n_bounds; i++)
		if (!(in->bounds[i - 1] < in->bounds[i]))
			return err_set(EINVAL, "instrument '%.*s': bounds must be strictly "
				       "increasing", (int)in->name.len, in->name.p);
	a->inst[a->n_inst] = *in;
	return (int)a->n_inst++;
}

int otlp_agg_add_resource(struct otlp_agg *a, const struct otlp_resource *r)
{
	for (uint32_t i = 0; i < a->cfg.max_resources; i++)
		if (!a->res[i]) {
			a->res[i] = r;
			return (int)i;
		}
	return err_set(ENOSPC, "metrics aggregator holds at most %u resources",
		       a->cfg.max_resources);
}

static struct stream *stream_of(struct otlp_agg *a, uint32_t res, uint32_t inst)
{
	return &a->streams[(size_t)res * a->cfg.max_instruments + inst];
}

static uint8_t *attrs_of(struct otlp_agg *a, uint32_t idx)
{
	return a->attrs + (size_t)idx * a->cfg.max_attr_bytes;
}

static uint64_t *buckets_of(struct otlp_agg *a, uint32_t idx)
{
	return a->buckets + (size_t)idx * (a->cfg.max_bounds + 1);
}

/* Unlink series idx from its hash chain (the overflow series is in none)
 * and put it on the free list. */
static void series_free(struct otlp_agg *a, uint32_t idx)
{
	struct series *s = &a->series[idx];
	uint32_t *p = &a->htab[s->hash & a->hmask];

	while (*p && *p != idx + 1)
		p = &a->series[*p - 1].hnext;
	if (*p)
		*p = s->hnext;
	s->gen++;
	s->snext = a->free_head;
	a->free_head = idx + 1;
	a->stats.series--;
}

void otlp_agg_drop_resource(struct otlp_agg *a, int res)
{
	if (res < 0 || (uint32_t)res >= a->cfg.max_resources)
		return;
	for (uint32_t i = 0; i < a->n_inst; i++) {
		struct stream *st = stream_of(a, (uint32_t)res, i);

		for (uint32_t x = st->head, next; x; x = next) {
			next = a->series[x - 1].snext;
			series_free(a, x - 1);
		}
		memset(st, 0, sizeof(*st));
	}
	a->res[res] = NULL;
}

/* ---- attribute sets ----------------------------------------------------- */

/* memcmp order; keys are short and differ early: a loop beats the call */
static int key_cmp(const struct otlp_kv *x, const struct otlp_kv *y)
{
	uint32_t n = x->key.len < y->key.len ? x->key.len : y->key.len;
	const uint8_t *a = (const uint8_t *)x->key.p, *b = (const uint8_t *)y->key.p;

	for (uint32_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return (x->key.len > y->key.len) - (x->key.len < y->key.len);
}

/* The canonical blob of an attribute set; its length or -E2BIG/-EINVAL. */
static int attrs_encode(const struct otlp_kv *kv, uint32_t n, uint8_t *out,
			size_t cap)
{
	const struct otlp_kv *sorted[AGG_MAX_ATTRS];
	size_t len = 0;

	if (n > AGG_MAX_ATTRS)
		return err_set(E2BIG, "a measurement has %u attributes; at most %d",
			       n, AGG_MAX_ATTRS);
	for (uint32_t i = 0; i < n; i++) {	/* stable insertion sort */
		uint32_t j = i;

		while (j && key_cmp(sorted[j - 1], &kv[i]) > 0) {
			sorted[j] = sorted[j - 1];
			j--;
		}
		sorted[j] = &kv[i];
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct otlp_kv *k = sorted[i];
		size_t need = 3 + (size_t)k->key.len;
		uint16_t l16;

		if (i + 1 < n && !key_cmp(k, sorted[i + 1]))
			continue;		/* a later value for the same key wins */
		if (k->key.len > 65535 || (k->key.len && !k->key.p))
			return err_set(EINVAL, "bad attribute key");
		switch (k->v.type) {
		case OTLP_V_STRING:
			if (k->v.len > 65535 || (k->v.len && !k->v.u.s))
				return err_set(EINVAL, "bad attribute string value");
			need += 2 + k->v.len;
			break;
		case OTLP_V_BOOL: need += 1; break;
		case OTLP_V_INT:
		case OTLP_V_DOUBLE: need += 8; break;
		default:
			return err_set(EINVAL, "metric attribute '%.*s': only string, bool, "
				       "int and double values are aggregated",
				       (int)k->key.len, k->key.p);
		}
		if (need > cap - len)
			return err_set(E2BIG, "a measurement's attributes take more than "
				       "%zu bytes", cap);
		l16 = (uint16_t)k->key.len;
		memcpy(out + len, &l16, 2);
		pbw_copy(out + len + 2, (const uint8_t *)k->key.p, k->key.len);
		len += 2 + k->key.len;
		out[len++] = (uint8_t)k->v.type;
		if (k->v.type == OTLP_V_STRING) {
			l16 = (uint16_t)k->v.len;
			memcpy(out + len, &l16, 2);
			pbw_copy(out + len + 2, (const uint8_t *)k->v.u.s, k->v.len);
			len += 2 + k->v.len;
		} else if (k->v.type == OTLP_V_BOOL) {
			out[len++] = (uint8_t)(k->v.u.boolean != 0);
		} else {
			memcpy(out + len, &k->v.u.i, 8);	/* int or double bits */
			len += 8;
		}
	}
	return (int)len;
}

/* Blob back to KeyValues pointing into it; the count. */
static uint32_t attrs_decode(const uint8_t *p, size_t len, struct otlp_kv *kv)
{
	uint32_t n = 0;
	size_t i = 0;
	uint16_t l16;

	while (i < len && n < AGG_MAX_ATTRS) {
		struct otlp_kv *k = &kv[n++];

		memcpy(&l16, p + i, 2);
		k->key = (struct otlp_str){ (const char *)p + i + 2, l16 };
		i += 2 + l16;
		memset(&k->v, 0, sizeof(k->v));
		k->v.type = p[i++];
		if (k->v.type == OTLP_V_STRING) {
			memcpy(&l16, p + i, 2);
			k->v.u.s = (const char *)p + i + 2;
			k->v.len = l16;
			i += 2 + l16;
		} else if (k->v.type == OTLP_V_BOOL) {
			k->v.u.boolean = p[i++];
		} else {
			memcpy(&k->v.u.i, p + i, 8);
			i += 8;
		}
	}
	return n;
}

/* A word at a time (a byte-at-a-time FNV-1a was most of the cost of a
 * measurement), then mixed so that the low bits that pick the bucket
 * depend on every byte. */
static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t w;

	for (; n >= 8; b += 8, n -= 8) {
		memcpy(&w, b, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	w = (uint64_t)n << 56;
	for (size_t i = 0; i < n; i++)
		w |= (uint64_t)b[i] << (8 * i);
	h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ull;
	return h ^ (h >> 32);
}

/* ---- recording ---------------------------------------------------------- */

/* A fresh series for the stream, or 0 when the pool is empty. */
static uint32_t series_new(struct otlp_agg *a, struct stream *st, uint32_t res,
			   uint32_t inst, uint64_t hash, const uint8_t *blob,
			   size_t len)
{
	uint32_t x = a->free_head, gen;
	struct series *s;

	if (!x)
		return 0;
	s = &a->series[x - 1];
	a->free_head = s->snext;
	gen = s->gen + 1;
	memset(s, 0, sizeof(*s));
	s->gen = gen;
	s->res = res;
	s->inst = inst;
	s->hash = hash;
	s->attr_len = (uint16_t)len;
	s->start_ns = a->cfg.now();
	s->min = INFINITY;
	s->max = -INFINITY;
	memcpy(attrs_of(a, x - 1), blob, len);
	memset(buckets_of(a, x - 1), 0, (a->cfg.max_bounds + 1) * sizeof(uint64_t));
	if (st->tail)
		a->series[st->tail - 1].snext = x;
	else
		st->head = x;
	st->tail = x;
	st->n++;
	a->stats.series++;
	return x;
}

/* Blobs equal: a word at a time (the static build's libc compares a
 * byte at a time, and every measurement confirms its series so) */
static int blob_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint64_t x, y;

	for (; n >= 8; a += 8, b += 8, n -= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return 0;
	}
	while (n--)
		if (*a++ != *b++)
			return 0;
	return 1;
}

/* The series a measurement goes to, or 0 (dropped). */
static uint32_t series_find(struct otlp_agg *a, uint32_t res, uint32_t inst,
			    const uint8_t *blob, size_t len)
{
	static const struct otlp_kv overflow_kv = {
		{ "otel.metric.overflow", 20 }, { OTLP_V_BOOL, 0, { .boolean = 1 } },
	};
	struct stream *st = stream_of(a, res, inst);
	uint64_t h = hash_bytes((uint64_t)res << 32 | inst, blob, len);
	uint8_t ob[32];
	uint32_t x;
	int olen;

	for (x = a->htab[h & a->hmask]; x; x = a->series[x - 1].hnext) {
		const struct series *s = &a->series[x - 1];

		if (s->hash == h && s->res == res && s->inst == inst &&
		    s->attr_len == len && blob_eq(attrs_of(a, x - 1), blob, len))
			return x;
	}
	/* room for a new set: limit - 1 of them, the last point is overflow */
	if (st->n + 1 < a->cfg.cardinality_limit &&
	    (x = series_new(a, st, res, inst, h, blob, len))) {
		a->series[x - 1].hnext = a->htab[h & a->hmask];
		a->htab[h & a->hmask] = x;
		return x;
	}
	a->stats.overflowed++;
	if (st->overflow)
		return st->overflow;
	olen = attrs_encode(&overflow_kv, 1, ob, sizeof(ob));
	if (olen > 0 && st->n < a->cfg.cardinality_limit &&
	    (x = series_new(a, st, res, inst, 0, ob, (size_t)olen))) {
		st->overflow = x;
		return x;
	}
	a->stats.overflowed--;
	a->stats.dropped++;
	return 0;
}

static size_t bucket_index(const double *b, uint32_t n, double v)
{
	size_t lo = 0, hi = n;

	/* the first bound >= v: buckets are (b[i-1], b[i]] */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (v <= b[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* What every measurement must be: 0 or -EINVAL. */
static int measurement_ok(struct otlp_agg *a, int res, int inst, double d, int is_double)
{
	const struct otlp_instrument *in;

	if (res < 0 || (uint32_t)res >= a->cfg.max_resources || !a->res[res] ||
	    inst < 0 || (uint32_t)inst >= a->n_inst)
		return err_set(EINVAL, "metrics aggregator: no resource %d or instrument %d",
			       res, inst);
	in = &a->inst[inst];
	if (isnan(d))
		return err_set(EINVAL, "instrument '%.*s': NaN measurement ignored",
			       (int)in->name.len, in->name.p);
	if (is_double && !in->is_double && in->kind != OTLP_INST_HISTOGRAM)
		return err_set(EINVAL, "instrument '%.*s' takes integers",
			       (int)in->name.len, in->name.p);
	if (in->kind == OTLP_INST_COUNTER && d < 0)
		return err_set(EINVAL, "counter '%.*s': negative increment ignored",
			       (int)in->name.len, in->name.p);
	return 0;
}

/* Series x (index + 1) takes the measurement. */
static void measure(struct otlp_agg *a, const struct otlp_instrument *in, uint32_t x,
		    union num v, double d)
{
	struct series *s = &a->series[x - 1];

	s->touched = 1;
	switch (in->kind) {
	case OTLP_INST_COUNTER:
	case OTLP_INST_UPDOWN_COUNTER:
		if (in->is_double)
			s->val.d += d;
		else	/* wraps instead of overflowing (undefined for int64_t) */
			s->val.i = (int64_t)((uint64_t)s->val.i + (uint64_t)v.i);
		break;
	case OTLP_INST_GAUGE:
	case OTLP_INST_OBS_COUNTER:
	case OTLP_INST_OBS_UPDOWN_COUNTER:
		if (in->is_double)
			s->val.d = d;
		else
			s->val.i = v.i;
		break;
	case OTLP_INST_HISTOGRAM:
		s->count++;
		s->sum += d;
		if (d < s->min)
			s->min = d;
		if (d > s->max)
			s->max = d;
		buckets_of(a, x - 1)[bucket_index(in->bounds, in->n_bounds, d)]++;
		break;
	}
}

/* The series a ref names, if it is still the one it was made for: 0
 * otherwise */
static uint32_t ref_series(const struct otlp_agg *a, uint64_t ref, int res, int inst)
{
	uint32_t x = (uint32_t)ref;
	const struct series *s;

	if (!x || x > a->cfg.max_series)
		return 0;
	s = &a->series[x - 1];
	return s->gen == (uint32_t)(ref >> 32) && s->res == (uint32_t)res &&
	       s->inst == (uint32_t)inst ? x : 0;
}

static int record(struct otlp_agg *a, int res, int inst, const struct otlp_kv *attrs,
		  uint32_t n, union num v, int is_double, uint64_t *ref)
{
	uint8_t blob[4096];
	double d = is_double ? v.d : (double)v.i;
	uint32_t x;
	int len, r;

	if ((r = measurement_ok(a, res, inst, d, is_double)))
		return r;
	if (ref && (x = ref_series(a, *ref, res, inst))) {
		measure(a, &a->inst[inst], x, v, d);
		return 0;
	}
	len = attrs_encode(attrs, n, blob, a->cfg.max_attr_bytes);
	if (len < 0)
		return len;
	if (!(x = series_find(a, (uint32_t)res, (uint32_t)inst, blob, (size_t)len)))
		return err_set(ENOSPC, "metrics aggregator: all %u series in use; "
			       "measurement dropped", a->cfg.max_series);
	/* not the overflow point: the same attributes may get a series of
	 * their own once there is room again */
	if (ref)
		*ref = x == stream_of(a, (uint32_t)res, (uint32_t)inst)->overflow ? 0 :
		       (uint64_t)a->series[x - 1].gen << 32 | x;
	measure(a, &a->inst[inst], x, v, d);
	return 0;
}

int otlp_agg_record_int(struct otlp_agg *a, int res, int inst,
			const struct otlp_kv *attrs, uint32_t n_attrs, int64_t v)
{
	return record(a, res, inst, attrs, n_attrs, (union num){ .i = v }, 0, NULL);
}

int otlp_agg_record_double(struct otlp_agg *a, int res, int inst,
			   const struct otlp_kv *attrs, uint32_t n_attrs, double v)
{
	return record(a, res, inst, attrs, n_attrs, (union num){ .d = v }, 1, NULL);
}

int otlp_agg_record_double_ref(struct otlp_agg *a, int res, int inst,
			       const struct otlp_kv *attrs, uint32_t n_attrs, double v,
			       uint64_t *ref)
{
	return record(a, res, inst, attrs, n_attrs, (union num){ .d = v }, 1, ref);
}

/* ---- collection --------------------------------------------------------- */

static uint32_t temporality(enum otlp_temp_pref pref, uint32_t kind)
{
	switch (kind) {
	case OTLP_INST_GAUGE:
		return OTLP_TEMP_UNSPECIFIED;
	case OTLP_INST_COUNTER:
	case OTLP_INST_HISTOGRAM:
		return pref == OTLP_PREF_CUMULATIVE ? OTLP_TEMP_CUMULATIVE : OTLP_TEMP_DELTA;
	case OTLP_INST_OBS_COUNTER:
		return pref == OTLP_PREF_DELTA ? OTLP_TEMP_DELTA : OTLP_TEMP_CUMULATIVE;
	default:
		return OTLP_TEMP_CUMULATIVE;
	}
}

static int is_observed(uint32_t kind)
{
	return kind == OTLP_INST_OBS_COUNTER || kind == OTLP_INST_OBS_UPDOWN_COUNTER;
}

/* The stream's points into the scratch arrays; how many. */
static uint32_t stream_points(struct otlp_agg *a, const struct stream *st,
			      const struct otlp_instrument *in, uint32_t temp,
			      uint64_t now)
{
	uint32_t n = 0;

	for (uint32_t x = st->head; x; x = a->series[x - 1].snext) {
		const struct series *s = &a->series[x - 1];
		struct otlp_kv *kv = &a->kvs[(size_t)n * AGG_MAX_ATTRS];
		uint32_t nkv;

		if (temp == OTLP_TEMP_DELTA && !s->touched)
			continue;
		nkv = attrs_decode(attrs_of(a, x - 1), s->attr_len, kv);
		if (in->kind == OTLP_INST_HISTOGRAM) {
			struct otlp_hist_point *p = &a->hp[n++];

			*p = (struct otlp_hist_point){
				.attrs = kv, .n_attrs = nkv, .start_ns = s->start_ns,
				.time_ns = now, .count = s->count, .sum = s->sum,
				.min = s->min, .max = s->max, .has_sum = 1,
				.has_min = s->count > 0, .has_max = s->count > 0,
				.bucket_counts = buckets_of(a, x - 1),
				.n_buckets = in->n_bounds + 1,
				.bounds = in->bounds, .n_bounds = in->n_bounds,
			};
			continue;
		}
		struct otlp_num_point *p = &a->np[n++];
		union num v = s->val;

		if (is_observed(in->kind) && temp == OTLP_TEMP_DELTA) {
			if (in->is_double)
				v.d -= s->last.d;
			else
				v.i = (int64_t)((uint64_t)v.i - (uint64_t)s->last.i);
		}
		*p = (struct otlp_num_point){
			.attrs = kv, .n_attrs = nkv, .time_ns = now,
			.start_ns = in->kind == OTLP_INST_GAUGE ? 0 : s->start_ns,
			.is_double = in->is_double,
		};
		if (in->is_double)
			p->v.d = v.d;
		else
			p->v.i = v.i;
	}
	return n;
}

/* After a successful collection: start the next interval. */
static void stream_commit(struct otlp_agg *a, struct stream *st,
			  const struct otlp_instrument *in, uint32_t temp,
			  uint64_t now)
{
	uint32_t prev = 0, x = st->head, next;

	for (; x; x = next) {
		struct series *s = &a->series[x - 1];

		next = s->snext;
		if (temp == OTLP_TEMP_DELTA && !s->touched && !is_observed(in->kind)) {
			/* nothing measured: free it (delta keeps no state) */
			if (prev)
				a->series[prev - 1].snext = next;
			else
				st->head = next;
			if (st->tail == x)
				st->tail = prev;
			if (st->overflow == x)
				st->overflow = 0;
			st->n--;
			series_free(a, x - 1);
			continue;
		}
		if (temp == OTLP_TEMP_DELTA) {
			if (is_observed(in->kind)) {
				s->last = s->val;
			} else {
				memset(&s->val, 0, sizeof(s->val));
				s->count = 0;
				s->sum = 0;
				s->min = INFINITY;
				s->max = -INFINITY;
				memset(buckets_of(a, x - 1), 0,
				       (in->n_bounds + 1) * sizeof(uint64_t));
			}
			s->start_ns = now;
		}
		s->touched = 0;
		prev = x;
	}
}

static const uint32_t metric_type[] = {
	[OTLP_INST_COUNTER] = OTLP_SUM, [OTLP_INST_UPDOWN_COUNTER] = OTLP_SUM,
	[OTLP_INST_GAUGE] = OTLP_GAUGE, [OTLP_INST_HISTOGRAM] = OTLP_HISTOGRAM,
	[OTLP_INST_OBS_COUNTER] = OTLP_SUM, [OTLP_INST_OBS_UPDOWN_COUNTER] = OTLP_SUM,
};

int otlp_agg_collect(struct otlp_agg *a, struct otlp_batch *b)
{
	uint64_t now = a->cfg.now();
	int total = 0, ret;

	for (uint32_t r = 0; r < a->cfg.max_resources; r++) {
		int rh = -1, scope = -1;

		if (!a->res[r])
			continue;
		for (uint32_t i = 0; i < a->n_inst; i++) {
			const struct otlp_instrument *in = &a->inst[i];
			uint32_t temp = temporality(a->cfg.pref, in->kind), n;
			struct stream *st = stream_of(a, r, i);
			struct otlp_metric m;

			if (!st->n || !(n = stream_points(a, st, in, temp, now)))
				continue;
			if (rh < 0 && ((ret = rh = otlp_batch_add_resource(b, a->res[r])) < 0 ||
				       (ret = scope = otlp_batch_add_scope(b, rh, &a->cfg.scope)) < 0))
				return ret;
			m = (struct otlp_metric){
				.name = in->name, .description = in->description,
				.unit = in->unit, .type = metric_type[in->kind],
				.temporality = temp,
				.monotonic = in->kind == OTLP_INST_COUNTER ||
					     in->kind == OTLP_INST_OBS_COUNTER,
				.n_points = n,
			};
			if (in->kind == OTLP_INST_HISTOGRAM)
				m.hists = a->hp;
			else
				m.nums = a->np;
			if ((ret = otlp_batch_add_metric(b, scope, &m)))
				return ret;
			total += (int)n;
		}
	}
	for (uint32_t r = 0; r < a->cfg.max_resources; r++)
		for (uint32_t i = 0; a->res[r] && i < a->n_inst; i++)
			stream_commit(a, stream_of(a, r, i), &a->inst[i],
				      temporality(a->cfg.pref, a->inst[i].kind), now);
	return total;
}

void otlp_agg_stats(const struct otlp_agg *a, struct otlp_agg_stats *st)
{
	*st = a->stats;
}
