/* DNS lookups as CLIENT spans and the dns.lookup.duration histogram;
 * uprobe calls as INTERNAL spans named by the function. */
#include <string.h>

#include "agent_int.h"
#include "rawtel/rand.h"

static const char *const dns_fn[3] = { "getaddrinfo", "gethostbyname", "gethostbyname2" };

void agent_on_dns(struct agent *a, const struct ev_dns *e, size_t len)
{
	char host[DNS_HOST_MAX + 1], comm[17];
	size_t hlen = strnlen(e->host, len - DNS_OFF_HOST);
	struct otlp_kv kv[6], mkv[2];
	struct otlp_span s;
	struct agent_proc *pr;
	uint32_t n = 0, mn = 0;
	int rc, res;
	const char *result = probe_dns_result(e, &rc);
	uint64_t end = agent_wall_ns(a, e->h.ts);

	memcpy(host, e->host, hlen);
	host[hlen] = 0;
	pfmt_comm(comm, e->comm);
	pr = procs_get(&a->procs, e->h.pid, comm);
	kv[n++] = otlp_kv_str("dns.question.name", host);
	kv[n++] = otlp_kv_str("rawtel.dns.function", e->func < 3 ? dns_fn[e->func] : "?");
	kv[n++] = otlp_kv_int("thread.id", e->h.tid);
	if (rc)
		kv[n++] = otlp_kv_str("error.type", result);
	memset(&s, 0, sizeof(s));
	rand_id(s.trace_id, 16);
	rand_id(s.span_id, 8);
	/* low-cardinality name: the operation, not the host */
	s.name = OTLP_S("DNS lookup");
	s.kind = OTLP_KIND_CLIENT;
	s.start_ns = end - e->latency;
	s.end_ns = end;
	s.attrs = kv;
	s.n_attrs = n;
	s.status_code = rc ? OTLP_STATUS_ERROR : OTLP_STATUS_UNSET;
	s.status_msg = rc ? otlp_s(result) : OTLP_S("");
	s.flags = OTLP_FLAG_SAMPLED;
	/* roots: the configured sampler decides (the metric counts all) */
	if (ahttp_sample(a->o->sampler, a->o->sampler_ratio, s.trace_id, -1))
		agent_add_span(a, pr, &s);
	/* the semantic conventions' metric: by name asked, and error */
	mkv[mn++] = otlp_kv_str("dns.question.name", host);
	if (rc)
		mkv[mn++] = otlp_kv_str("error.type", result);
	res = agent_proc_agg(a, pr);
	if (res >= 0)
		otlp_agg_record_double(a->agg, res, a->inst[INST_DNS_DURATION], mkv, mn,
				       (double)e->latency / 1e9);
}

void agent_on_uprobe(struct agent *a, const struct ev_uprobe *e)
{
	const struct uprobe_target *t = e->func < (uint32_t)a->s.n_targets ?
					&a->s.targets[e->func] : NULL;
	struct otlp_kv kv[5];
	struct otlp_span s;
	struct agent_proc *pr;
	char comm[17];
	uint32_t n = 0;
	uint64_t end = agent_wall_ns(a, e->h.ts);

	pfmt_comm(comm, e->comm);
	pr = procs_get(&a->procs, e->h.pid, comm);
	kv[n++] = otlp_kv_str("code.function.name", t ? t->func : "?");
	if (t)
		kv[n++] = otlp_kv_str("code.file.path", t->path);
	kv[n++] = otlp_kv_int("thread.id", e->h.tid);
	kv[n++] = otlp_kv_int("rawtel.return_value", (int64_t)e->ret);
	memset(&s, 0, sizeof(s));
	rand_id(s.trace_id, 16);
	rand_id(s.span_id, 8);
	s.name = otlp_s(t ? t->func : "?");
	s.kind = OTLP_KIND_INTERNAL;
	s.start_ns = end - e->latency;
	s.end_ns = end;
	s.attrs = kv;
	s.n_attrs = n;
	s.flags = OTLP_FLAG_SAMPLED;
	if (ahttp_sample(a->o->sampler, a->o->sampler_ratio, s.trace_id, -1))
		agent_add_span(a, pr, &s);
}
