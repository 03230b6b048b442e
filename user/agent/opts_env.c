/* rawtel run's configuration from the OTEL_* variables that no option
 * names (the sink reads its own): resource attributes, temporality,
 * batch processors, sampling. Options override them (opts.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "http.h"
#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/util.h"

int agent_parse_res_attrs(struct agent_opts *o, const char *s)
{
	size_t used = 0;

	o->n_res_attrs = 0;
	while (s && *s) {
		const char *end = strchr(s, ','), *eq;
		char *key;
		int kl, vl;

		if (!end)
			end = s + strlen(s);
		eq = memchr(s, '=', (size_t)(end - s));
		if (!eq)
			return err_set(EINVAL, "OTEL_RESOURCE_ATTRIBUTES: '%.*s' is not key=value",
				       (int)(end - s), s);
		if (o->n_res_attrs == AGENT_MAX_RES_ATTRS)
			return err_set(E2BIG, "OTEL_RESOURCE_ATTRIBUTES: more than %d attributes",
				       AGENT_MAX_RES_ATTRS);
		/* both trimmed and %-decoded into res_buf */
		key = o->res_buf + used;
		kl = util_pct_decode(s, eq, key, sizeof(o->res_buf) - used, NULL);
		if (kl == 0)
			return err_set(EINVAL, "OTEL_RESOURCE_ATTRIBUTES: empty key in '%.*s'",
				       (int)(end - s), s);
		if (kl > 0)
			used += (size_t)kl + 1;
		vl = kl < 0 ? kl : util_pct_decode(eq + 1, end, o->res_buf + used,
						    sizeof(o->res_buf) - used, NULL);
		if (vl < 0)
			return err_set(EINVAL, "OTEL_RESOURCE_ATTRIBUTES: bad %%-encoding or too long "
				       "at '%.*s'", (int)(end - s), s);
		o->res_attrs[o->n_res_attrs++] = otlp_kv_str(key, o->res_buf + used);
		used += (size_t)vl + 1;
		s = *end ? end + 1 : end;
	}
	return 0;
}

static int env_u32(const char *name, uint32_t *out, uint32_t min, uint32_t max)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v || !*v)
		return 0;
	n = strtoul(v, &end, 10);
	if (*end || n < min || n > max)
		return err_set(EINVAL, "%s=%s: expected an integer from %u to %u", name, v, min, max);
	*out = (uint32_t)n;
	return 0;
}

/* The batch processors' variables: OTEL_BSP_x and OTEL_BLRP_x. */
enum { BP_DELAY, BP_BATCH, BP_QUEUE, BP_N };
static const char *const bp_suffix[BP_N] = {
	"_SCHEDULE_DELAY", "_MAX_EXPORT_BATCH_SIZE", "_MAX_QUEUE_SIZE"
};
static const char *const bp_prefix[] = { "OTEL_BSP", "OTEL_BLRP" };

static int env_bp(struct agent_bp *bp, const char *prefix)
{
	char n[BP_N][64];
	int r = 0;

	for (int i = 0; i < BP_N; i++)
		fmt_snprintf(n[i], sizeof(n[i]), "%s%s", prefix, bp_suffix[i]);
	r = r ? r : env_u32(n[BP_DELAY], &bp->delay_ms, 1, 3600000);
	r = r ? r : env_u32(n[BP_BATCH], &bp->batch, 1, 65536);
	r = r ? r : env_u32(n[BP_QUEUE], &bp->queue, 1, 1 << 24);
	if (!r && bp->batch > bp->queue)
		bp->batch = bp->queue;	/* the spec: batch size is capped by the queue */
	return r;
}

/* The other variables this file reads (and ahttp_sampler_env). */
#define ENV_RES "OTEL_RESOURCE_ATTRIBUTES"
#define ENV_TEMP "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE"
static const char *const env_single[] = {
	ENV_RES, ENV_TEMP, "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG"
};

bool agent_env_known(const char *name)
{
	for (size_t i = 0; i < sizeof(env_single) / sizeof(env_single[0]); i++)
		if (!strcmp(name, env_single[i]))
			return true;
	for (size_t p = 0; p < sizeof(bp_prefix) / sizeof(bp_prefix[0]); p++) {
		size_t n = strlen(bp_prefix[p]);

		if (strncmp(name, bp_prefix[p], n))
			continue;
		for (int i = 0; i < BP_N; i++)
			if (!strcmp(name + n, bp_suffix[i]))
				return true;
	}
	return sink_config_env_known(name);
}

int agent_opts_env(struct agent_opts *o)
{
	const char *v;
	int r;

	/* the sink reads its own, general and per signal */
	if ((r = sink_config_env(&o->sink)))
		return r;
	if ((r = agent_parse_res_attrs(o, getenv(ENV_RES))))
		return r;
	v = getenv(ENV_TEMP);
	if (otlp_temp_pref_parse(v, &o->temp_pref))
		return err_set(EINVAL, "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=%s: "
			       "expected cumulative, delta or lowmemory", v);
	if ((r = env_bp(&o->bsp, bp_prefix[0])) || (r = env_bp(&o->blrp, bp_prefix[1])))
		return r;
	ahttp_sampler_env(&o->sampler, &o->sampler_ratio);
	return 0;
}
