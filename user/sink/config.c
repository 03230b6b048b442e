/* Exporter configuration from OTEL_EXPORTER_OTLP_* (the OpenTelemetry
 * SDK environment specification) and from rawtel's flags, which use the
 * same setters so both are validated alike. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/sink.h"
#include "rawtel/util.h"

static const char *const sig_upper[SINK_NSIG] = { "TRACES", "METRICS", "LOGS" };
static const char *const sig_lower[SINK_NSIG] = { "traces", "metrics", "logs" };

const char *sink_signal_name(int sig)
{
	return sig >= 0 && sig < SINK_NSIG ? sig_lower[sig] : "?";
}

void sink_config_init(struct sink_config *c)
{
	memset(c, 0, sizeof(*c));
	fmt_snprintf(c->base_url, sizeof(c->base_url), "http://localhost:4318");
	c->generic.timeout_ms = 10000;
	c->generic.protocol = SINK_PROTO_PROTOBUF;
	c->generic.compression = SINK_COMP_NONE;
	for (int i = 0; i < SINK_NSIG; i++)
		c->sig[i].protocol = c->sig[i].compression = -1;
	/* 512 KiB over all signals (one full batch of 512 spans, a few
	 * smaller ones): what a lagging collector may add to rawtel's RSS.
	 * At full load with every probe rawtel holds 6.2-6.7 MB anyway (the
	 * 2 MB BPF ring buffer, the batch arenas, the request in flight and
	 * the allocator's spare block) and the goal is 8 MB in all; with the
	 * receiver stopped (scripts/soak, RAWTEL_SOAK_STALL) the queue bound
	 * plus a request being encoded came on top: 4 MiB gave a 10.5 MB
	 * peak, 1 MiB 7.3-7.6 MB, too close on a loaded machine (per signal
	 * 8 MB once gave 10.8 MB). Memory only bridges a late answer (at
	 * full load 4 MiB bridged 0.1 s): the spool (on disk) rides out
	 * outages; without it the oldest requests are dropped and counted */
	c->queue_max_bytes = 512u << 10;
	c->queue_max_requests = 256;
	c->backoff_initial_ms = 1000;
	c->backoff_max_ms = 30000;
	c->retry_after_max_ms = 300000;
	c->spool_max_bytes = 64u << 20;
	c->spool_max_files = 4096;
	c->output_format = SINK_PROTO_JSON;
	c->rotate_bytes = 64u << 20;
	c->rotate_keep = 5;
	c->log_interval_ms = 30000;
}

static struct sink_sig_conf *conf_of(struct sink_config *c, int sig)
{
	return sig >= 0 && sig < SINK_NSIG ? &c->sig[sig] : &c->generic;
}

int sink_config_set_endpoint(struct sink_config *c, int sig, const char *url)
{
	struct sink_target t;
	int ret;

	if (strlen(url) >= SINK_URL_MAX - 16)
		return err_set(ENAMETOOLONG, "endpoint '%.64s...' is too long (at most %d bytes)",
			       url, SINK_URL_MAX - 16);
	ret = sink_url_parse(url, &t);
	if (ret)
		return ret;
	if (sig < 0 || sig >= SINK_NSIG) {
		if (strchr(url, '?'))
			return err_set(EINVAL, "base endpoint '%s' has a query; /v1/<signal> is appended to it, "
				       "so give the full URL in the per-signal variable instead", url);
		fmt_snprintf(c->base_url, sizeof(c->base_url), "%s", url);
	} else {
		fmt_snprintf(c->sig[sig].url, sizeof(c->sig[sig].url), "%s", url);
	}
	return 0;
}

/* Trim, then percent-decode [s, e) into out (NUL-ended). */
static int pct_decode(const char *s, const char *e, char *out, size_t cap)
{
	const char *bad = s;
	int n = util_pct_decode(s, e, out, cap, &bad);

	if (n == -E2BIG)
		return err_set(E2BIG, "header too long (at most %zu bytes)", cap - 1);
	if (n < 0)
		return err_set(EINVAL, "bad percent-encoding near '%.8s' (write %%XY with two hex "
			       "digits; %%00 cannot be sent)", bad);
	return n;
}

static int token_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

/* Headers rawtel writes itself; a second copy would corrupt the request. */
static const char *const reserved[] = {
	"host", "content-length", "content-type", "content-encoding",
	"transfer-encoding", "connection", "keep-alive", "user-agent",
	"expect", "upgrade", "te", "trailer", NULL
};

static int add_header(char *block, size_t *used, const char *k, const char *v)
{
	size_t need = strlen(k) + strlen(v) + 4;

	for (const unsigned char *p = (const unsigned char *)k; *p; p++)
		if (!token_char(*p))
			return err_set(EINVAL, "header name '%s' has a character not allowed in HTTP header names",
				       k);
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return err_set(EINVAL, "header '%s' has a control character in its value", k);
	for (int i = 0; reserved[i]; i++)
		if (!strcasecmp(k, reserved[i]))
			return err_set(EINVAL, "header '%s' is set by rawtel itself; remove it from the list",
				       k);
	if (*used + need >= SINK_HDRS_MAX)
		return err_set(E2BIG, "headers too long (at most %d bytes in all)",
			       SINK_HDRS_MAX);
	*used += (size_t)fmt_snprintf(block + *used, SINK_HDRS_MAX - *used, "%s: %s\r\n",
				  k, v);
	return 0;
}

int sink_config_set_headers(struct sink_config *c, int sig, const char *list)
{
	struct sink_sig_conf *sc = conf_of(c, sig);
	char block[SINK_HDRS_MAX], k[SINK_HDRS_MAX], v[SINK_HDRS_MAX];
	size_t used = 0;
	const char *p = list;

	block[0] = 0;
	while (*p) {
		const char *end = p + strcspn(p, ","), *eq = memchr(p, '=', (size_t)(end - p));
		const char *q = p;
		int ret;

		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (q == end) {		/* empty entry: "a=b,,c=d" or trailing comma */
			p = *end ? end + 1 : end;
			continue;
		}
		if (!eq)
			return err_set(EINVAL, "header entry '%.*s' has no '='; write key=value,key2=value2",
				       (int)(end - p), p);
		ret = pct_decode(p, eq, k, sizeof(k));
		if (ret == 0)
			return err_set(EINVAL, "header entry '%.*s' has an empty name",
				       (int)(end - p), p);
		if (ret < 0)
			return ret;
		ret = pct_decode(eq + 1, end, v, sizeof(v));
		if (ret < 0)
			return ret;
		ret = add_header(block, &used, k, v);
		if (ret)
			return ret;
		p = *end ? end + 1 : end;
	}
	memcpy(sc->headers, block, used + 1);
	sc->headers_set = 1;
	return 0;
}

int sink_config_set_timeout(struct sink_config *c, int sig, const char *ms)
{
	unsigned long v = 0;
	const char *p = ms;

	if (!*p)
		return err_set(EINVAL, "empty timeout; give milliseconds, e.g. 10000");
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return err_set(EINVAL, "timeout '%s' is not a whole number of milliseconds (e.g. 10000)",
				       ms);
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 3600000)
			break;
	}
	if (v == 0 || v > 3600000)
		return err_set(ERANGE, "timeout '%s' ms is out of range: 1 to 3600000", ms);
	conf_of(c, sig)->timeout_ms = (uint32_t)v;
	return 0;
}

int sink_config_set_protocol(struct sink_config *c, int sig, const char *name)
{
	int proto;

	if (!strcmp(name, "http/protobuf"))
		proto = SINK_PROTO_PROTOBUF;
	else if (!strcmp(name, "http/json"))
		proto = SINK_PROTO_JSON;
	else if (!strcmp(name, "grpc"))
		return err_set(EPROTONOSUPPORT, "protocol grpc is not supported; use http/protobuf "
			       "(a Collector's OTLP/HTTP receiver listens on port 4318)");
	else
		return err_set(EINVAL, "unknown protocol '%s'; use http/protobuf or http/json", name);
	conf_of(c, sig)->protocol = proto;
	return 0;
}

int sink_config_set_compression(struct sink_config *c, int sig, const char *name)
{
	int comp;

	if (!strcmp(name, "none"))
		comp = SINK_COMP_NONE;
	else if (!strcmp(name, "gzip"))
		comp = SINK_COMP_GZIP;
	else
		return err_set(EINVAL, "unknown compression '%s'; use gzip or none", name);
	conf_of(c, sig)->compression = comp;
	return 0;
}

int sink_config_protocol(const struct sink_config *c, int sig)
{
	if (sig >= 0 && sig < SINK_NSIG && c->sig[sig].protocol >= 0)
		return c->sig[sig].protocol;
	return c->generic.protocol;
}

int sink_config_target(const struct sink_config *c, int sig, struct sink_target *t)
{
	const struct sink_sig_conf *sc = &c->sig[sig];
	int ret;

	if (sig < 0 || sig >= SINK_NSIG)
		return err_set(EINVAL, "bad signal %d", sig);
	if (sc->url[0]) {
		ret = sink_url_parse(sc->url, t);
	} else {
		ret = sink_url_parse(c->base_url, t);
		if (!ret) {
			/* exactly one '/' between the base path and v1/<signal> */
			size_t n = strlen(t->path);

			while (n > 0 && t->path[n - 1] == '/')
				n--;
			if (n + 12 >= sizeof(t->path))
				return err_set(ENAMETOOLONG, "endpoint '%s' is too long", c->base_url);
			fmt_snprintf(t->path + n, sizeof(t->path) - n, "/v1/%s", sig_lower[sig]);
		}
	}
	if (ret)
		return ret;
	t->headers = sc->headers_set ? sc->headers : c->generic.headers;
	t->timeout_ms = sc->timeout_ms ? sc->timeout_ms : c->generic.timeout_ms;
	t->protocol = sink_config_protocol(c, sig);
	t->compression = sc->compression >= 0 ? sc->compression : c->generic.compression;
	return 0;
}

/* Apply one variable if set and non-empty; errors name the variable. */
static int env_apply(struct sink_config *c, int sig, const char *suffix,
		     int (*set)(struct sink_config *, int, const char *))
{
	char name[64];
	const char *v;

	if (sig >= 0)
		fmt_snprintf(name, sizeof(name), "OTEL_EXPORTER_OTLP_%s_%s", sig_upper[sig], suffix);
	else
		fmt_snprintf(name, sizeof(name), "OTEL_EXPORTER_OTLP_%s", suffix);
	v = getenv(name);
	if (!v || !*v)
		return 0;
	int ret = set(c, sig, v);

	return ret ? err_wrap(ret, "%s", name) : 0;
}

/* The variables, general (OTEL_EXPORTER_OTLP_X) and per signal. */
static const struct {
	const char *suffix;
	int (*set)(struct sink_config *, int, const char *);
} env_vars[] = {
	{ "ENDPOINT", sink_config_set_endpoint },
	{ "HEADERS", sink_config_set_headers },
	{ "TIMEOUT", sink_config_set_timeout },
	{ "PROTOCOL", sink_config_set_protocol },
	{ "COMPRESSION", sink_config_set_compression },
};

int sink_config_env(struct sink_config *c)
{
	for (int sig = -1; sig < SINK_NSIG; sig++)
		for (size_t i = 0; i < sizeof(env_vars) / sizeof(env_vars[0]); i++) {
			int ret = env_apply(c, sig, env_vars[i].suffix, env_vars[i].set);

			if (ret)
				return ret;
		}
	return 0;
}

bool sink_config_env_known(const char *name)
{
	const char *p = "OTEL_EXPORTER_OTLP_";

	if (strncmp(name, p, strlen(p)))
		return false;
	name += strlen(p);
	for (int sig = 0; sig < SINK_NSIG; sig++) {
		size_t n = strlen(sig_upper[sig]);

		if (!strncmp(name, sig_upper[sig], n) && name[n] == '_') {
			name += n + 1;
			break;
		}
	}
	for (size_t i = 0; i < sizeof(env_vars) / sizeof(env_vars[0]); i++)
		if (!strcmp(name, env_vars[i].suffix))
			return true;
	return false;
}
