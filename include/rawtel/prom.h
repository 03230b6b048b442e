/* rawtel run --prometheus: metrics for a Prometheus scrape.
 *
 * prom_render writes a metrics batch (cumulative, as the aggregator makes
 * it with the cumulative preference) in the Prometheus text format 0.0.4
 * or in OpenMetrics 1.0, with the OpenTelemetry -> Prometheus compatibility
 * rules: names and label keys sanitized ([a-zA-Z0-9_:], runs of '_' made
 * one), the unit as a suffix (s: _seconds, By: _bytes, {annotations}
 * dropped), monotonic sums as counters (_total), other sums and gauges as
 * gauges, histograms as _bucket{le} (cumulative, +Inf) / _sum / _count;
 * each point labelled job (service.namespace/service.name), instance
 * (service.instance.id, else host.name:process.pid) and otel_scope_name /
 * otel_scope_version; one target_info per resource with its other
 * attributes. Delta points are left out (Prometheus has no delta).
 *
 * prom_req_parse reads a scrape's request head (outside bytes). */
#ifndef RAWTEL_PROM_H
#define RAWTEL_PROM_H

#include <stddef.h>
#include <stdint.h>

#include "rawtel/otlp.h"

/* The batch into o (replacing its contents); 0, -ENOSPC, -ENOMEM. */
int prom_render(const struct otlp_batch *b, int openmetrics, struct otlp_buf *o);
const char *prom_content_type(int openmetrics);

/* A request head, bounded by the caller's buffer. */
struct prom_req {
	uint16_t status;	/* 200, 400, 404 or 405 */
	uint8_t head;		/* HEAD: no body */
	uint8_t openmetrics;	/* Accept names application/openmetrics-text */
};

/* The head in p[0..n): 1 when it is complete (ended by an empty line) and
 * *r says what to answer, 0 when more bytes are needed. Never reads past n. */
int prom_req_parse(const char *p, size_t n, struct prom_req *r);

#endif
