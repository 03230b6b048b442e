/* Reading an agent test's spans back (test_agent_http.c, test_agent_db.c):
 * a span is taken by its place only once the count is known, and its kind
 * and name are checked with it, so a case states what it expects in one
 * line. */
#ifndef RAWTEL_AGENT_CASE_H
#define RAWTEL_AGENT_CASE_H

#include "agent_http_t.h"

/* Span i of t's, once there are exactly n: of this kind and, unless name
 * is NULL, this name. */
static inline const struct otlp_span *th_span_is(struct th *t, int n, int i, int kind,
						 const char *name)
{
	const struct otlp_span *s;

	T_ASSERT(th_spans(t) == n);
	s = t->spans[i];
	T_EQ_INT(s->kind, kind);
	if (name)
		T_EQ_STR(th_name(s), name);
	return s;
}

/* None of the attributes named (NULL-ended) is there. */
static inline void th_attrs_absent(const struct otlp_kv *kv, uint32_t n, const char *const *keys)
{
	for (; *keys; keys++)
		if (th_has(kv, n, *keys))
			T_FAILF("attribute %s: present, want none", *keys);
}

/* TH_NO_ATTRS(span or point, "key", ...) */
#define TH_NO_ATTRS(s, ...) \
	th_attrs_absent((s)->attrs, (s)->n_attrs, (const char *const[]){ __VA_ARGS__, NULL })

#endif
