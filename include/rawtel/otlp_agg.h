/* The metrics aggregator the agent feeds: instruments recorded with an
 * attribute set, aggregated per (resource, instrument, attribute set), and
 * collected into a metrics batch (otlp.h).
 *
 * Memory is fixed at creation: a pool of series (each with room for its
 * attribute set and histogram buckets) and a hash table over them. Per
 * (resource, instrument) stream at most cardinality_limit - 1 distinct
 * attribute sets are kept; further sets go to one overflow point with the
 * single attribute otel.metric.overflow=true, as the OpenTelemetry metrics
 * SDK specification says. Delta series that saw no measurement in an
 * interval are freed at collection; cumulative ones stay until their
 * resource is dropped.
 *
 * Temporality follows OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE:
 *   cumulative: everything cumulative;
 *   delta:      counter, observable counter, histogram delta; up-down
 *               counters (both) cumulative;
 *   lowmemory:  counter, histogram delta; observable counter and up-down
 *               counters cumulative.
 * Gauges have no temporality: each collection exports every gauge's last
 * value. */
#ifndef RAWTEL_OTLP_AGG_H
#define RAWTEL_OTLP_AGG_H

#include <stdint.h>

#include "rawtel/otlp.h"

enum otlp_inst_kind {
	OTLP_INST_COUNTER,		/* adds increments >= 0 */
	OTLP_INST_UPDOWN_COUNTER,	/* adds increments of either sign */
	OTLP_INST_GAUGE,		/* keeps the last value */
	OTLP_INST_HISTOGRAM,		/* explicit-bucket histogram */
	OTLP_INST_OBS_COUNTER,		/* observes a monotonic total */
	OTLP_INST_OBS_UPDOWN_COUNTER,	/* observes a total */
};

enum otlp_temp_pref { OTLP_PREF_CUMULATIVE, OTLP_PREF_DELTA, OTLP_PREF_LOWMEMORY };

/* The environment variable's value (case-insensitive); NULL or "" is the
 * default, cumulative. 0 or -EINVAL. */
int otlp_temp_pref_parse(const char *s, enum otlp_temp_pref *out);

/* Strings and bounds are referenced, not copied: keep them (literals). */
struct otlp_instrument {
	struct otlp_str name, description, unit;
	uint32_t kind;			/* enum otlp_inst_kind */
	int is_double;			/* int or double points (not histograms) */
	const double *bounds;		/* histograms: strictly increasing */
	uint32_t n_bounds;
};

/* Bucket bounds (seconds) of the semantic conventions' duration histograms
 * (http.server.request.duration and friends). */
extern const double otlp_duration_bounds[14];

struct otlp_agg_config {
	struct otlp_scope scope;	/* of every metric (referenced) */
	enum otlp_temp_pref pref;
	uint32_t max_resources;
	uint32_t max_instruments;
	uint32_t max_series;		/* over all streams */
	uint32_t cardinality_limit;	/* points per stream, overflow included; 0: 2000 */
	uint32_t max_attr_bytes;	/* one attribute set, encoded; 0: 512, at most 4096 */
	uint32_t max_bounds;		/* histogram bounds per instrument; 0: 32 */
	uint64_t (*now)(void);		/* wall clock in ns; NULL: CLOCK_REALTIME */
};

struct otlp_agg;

int otlp_agg_new(struct otlp_agg **out, const struct otlp_agg_config *cfg);
void otlp_agg_free(struct otlp_agg *a);

/* Register an instrument; its handle (>= 0) or -errno. */
int otlp_agg_add_instrument(struct otlp_agg *a, const struct otlp_instrument *in);
/* Register a resource by reference (it must stay valid until it is
 * dropped); its handle (>= 0) or -ENOSPC. */
int otlp_agg_add_resource(struct otlp_agg *a, const struct otlp_resource *r);
/* Forget a resource and every series it has (its process is gone); the
 * handle may be reused by a later add. */
void otlp_agg_drop_resource(struct otlp_agg *a, int res);

/* Record a measurement: an increment (counters), the value (gauges,
 * histograms) or the observed total (observable counters). Attribute
 * values must be strings, bools, ints or doubles; order does not matter.
 * 0, -EINVAL (bad handle or value, negative counter increment, NaN),
 * -E2BIG (attribute set too large), -ENOSPC (no series left: counted as
 * dropped). */
int otlp_agg_record_int(struct otlp_agg *a, int res, int inst,
			const struct otlp_kv *attrs, uint32_t n_attrs, int64_t v);
int otlp_agg_record_double(struct otlp_agg *a, int res, int inst,
			   const struct otlp_kv *attrs, uint32_t n_attrs, double v);
/* The same, remembering the series in *ref (0: none yet) for the caller's
 * next measurement of the same resource, instrument and attribute set:
 * while that series lives, attrs are not looked at (the caller knows they
 * are the same); once it is gone (collected, dropped), they are again.
 * Spares a measurement the canonical attribute set and the hash lookup. */
int otlp_agg_record_double_ref(struct otlp_agg *a, int res, int inst,
			       const struct otlp_kv *attrs, uint32_t n_attrs, double v,
			       uint64_t *ref);

/* Add every stream with something to report to a metrics batch, one metric
 * per (resource, instrument), and start a new interval. On failure
 * (-ENOSPC: the batch is too small) nothing is reset: reset the batch and
 * collect again with a bigger one. Returns the number of points added. */
int otlp_agg_collect(struct otlp_agg *a, struct otlp_batch *b);

struct otlp_agg_stats {
	uint64_t dropped;		/* measurements lost: no series memory */
	uint64_t overflowed;		/* measurements sent to an overflow point */
	uint32_t series;		/* in use now */
};
void otlp_agg_stats(const struct otlp_agg *a, struct otlp_agg_stats *st);

#endif
