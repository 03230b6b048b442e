/* Container, pod, namespace pid and service name from /proc text (see
 * include/rawtel/ident.h). The cgroup path formats, one path component
 * each, as the runtimes and the kubelet name them:
 *   docker, cgroupfs driver        /docker/<64hex>
 *   docker, systemd driver         /system.slice/docker-<64hex>.scope
 *   containerd under the kubelet   .../cri-containerd-<64hex>.scope
 *   containerd via nerdctl         /system.slice/nerdctl-<64hex>.scope
 *   cri-o                          .../crio-<64hex>.scope (cgroupfs: crio-<64hex>)
 *   podman                         /machine.slice/libpod-<64hex>.scope, rootless
 *                                  .../user.slice/libpod-<64hex>.scope/container,
 *                                  cgroupfs /libpod_parent/libpod-<64hex>
 *   any runtime, cgroupfs driver   /kubepods/burstable/pod<uid>/<64hex>
 *   kubelet, systemd driver        /kubepods.slice/kubepods-burstable.slice/
 *                                  kubepods-burstable-pod<uid, '-' as '_'>.slice/
 *   systemd-nspawn (machined)      /machine.slice/machine-<name, '-' as \x2d>.scope
 * crio-conmon-<id>.scope and libpod-conmon-<id>.scope hold the runtimes'
 * monitors, not the container. The deepest container wins (the one a
 * process in nested containers is in); a cgroup namespace shows paths
 * relative to its root, with "/.." components, which name nothing. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "rawtel/ident.h"
#include "rawtel/util.h"

#define HEX_ID 64

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (util_hexval(s[i]) < 0)
			return false;
	return true;
}

static bool starts(const char *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);

	return n >= k && !memcmp(s, pre, k);
}

static bool ends(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);

	return n >= k && !memcmp(s + n - k, suf, k);
}

/* Runtimes' scope names: PREFIX<64hex>[.scope] */
static const struct { const char *prefix, *runtime; } scopes[] = {
	{ "docker-", "docker" },
	{ "cri-containerd-", "containerd" },
	{ "nerdctl-", "containerd" },
	{ "crio-", "cri-o" },
	{ "libpod-", "podman" },
};

static void set_id(struct ident_cgroup *o, const char *s, size_t n, const char *runtime)
{
	memcpy(o->id, s, n);
	o->id[n] = 0;
	o->runtime = runtime;
	o->name[0] = 0;
}

/* A container's component: 1 when it named one */
static int container_part(const char *c, size_t n, const char *prev, size_t pn,
			  struct ident_cgroup *o)
{
	if (ends(c, n, ".scope"))
		n -= 6;
	if (n == HEX_ID && all_hex(c, n)) {
		/* cgroupfs drivers: the directory is the id */
		set_id(o, c, n, pn == 6 && !memcmp(prev, "docker", 6) ? "docker" : NULL);
		return 1;
	}
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		size_t k = strlen(scopes[i].prefix);

		if (starts(c, n, scopes[i].prefix) && n - k == HEX_ID && all_hex(c + k, HEX_ID)) {
			set_id(o, c + k, HEX_ID, scopes[i].runtime);
			return 1;
		}
	}
	return 0;
}

/* machine-<name>.scope under machine.slice: systemd escapes the name's
 * '-' (and other bytes) as \xNN; machined names are at most 64 bytes. */
static int machine_part(const char *c, size_t n, const char *prev, size_t pn,
			struct ident_cgroup *o)
{
	char name[IDENT_ID_MAX];
	size_t k = 0;

	if (pn != 13 || memcmp(prev, "machine.slice", 13) || !starts(c, n, "machine-") ||
	    !ends(c, n, ".scope") || n == 14)
		return 0;
	for (size_t i = 8; i < n - 6; i++) {
		int hi, lo;
		char b = c[i];

		if (b == '\\' && i + 3 < n - 6 && c[i + 1] == 'x' && (hi = util_hexval(c[i + 2])) >= 0 &&
		    (lo = util_hexval(c[i + 3])) >= 0) {
			b = (char)(hi << 4 | lo);
			i += 3;
		}
		if (k + 1 == sizeof(name) || b == 0)
			return 0;	/* not a name machined gives */
		name[k++] = b;
	}
	name[k] = 0;
	set_id(o, name, k, "systemd-nspawn");
	memcpy(o->name, name, k + 1);
	return 1;
}

/* A uuid 8-4-4-4-12, '-' or (systemd slices) '_' between the groups */
static bool uid_ok(const char *s, size_t n)
{
	if (n != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' && s[i] != '_' : util_hexval(s[i]) < 0)
			return false;
	}
	return true;
}

/* pod<uid> (cgroupfs) or kubepods[-QOS]-pod<uid>.slice (systemd), below a
 * kubepods component */
static int pod_part(const char *c, size_t n, bool kube, struct ident_cgroup *o)
{
	const char *p;

	if (!kube)
		return 0;
	if (starts(c, n, "kubepods-") && ends(c, n, ".slice")) {
		n -= 6;		/* the uid ends the name: ...-pod<uid>.slice */
		if (n < 39 + 9 || memcmp(c + n - 39, "pod", 3))
			return 0;
		p = c + n - 36;
	} else if (starts(c, n, "pod")) {
		p = c + 3;
	} else {
		return 0;
	}
	if (!uid_ok(p, (size_t)(c + n - p)))
		return 0;
	for (size_t i = 0; i < 36; i++)
		o->pod_uid[i] = p[i] == '_' ? '-' : p[i];
	o->pod_uid[36] = 0;
	return 1;
}

int ident_cgroup_path(const char *path, size_t len, struct ident_cgroup *out)
{
	const char *prev = "", *c = path, *end = path + len;
	size_t pn = 0;
	bool kube = false;
	int found = 0;

	while (c < end) {
		const char *slash = memchr(c, '/', (size_t)(end - c));
		size_t n = (size_t)((slash ? slash : end) - c);

		if (n) {
			found |= container_part(c, n, prev, pn, out) || machine_part(c, n, prev, pn, out) ||
				 pod_part(c, n, kube, out);
			kube |= starts(c, n, "kubepods");
			prev = c;
			pn = n;
		}
		c += n + 1;
	}
	return found;
}

/* "ID:CONTROLLERS:PATH" -> 1 with the path; v2 is ID 0 with no
 * controllers */
static int split_line(const char *l, size_t n, bool *v2, const char **path, size_t *pl)
{
	const char *c1 = memchr(l, ':', n), *c2;

	if (!c1 || !(c2 = memchr(c1 + 1, ':', (size_t)(l + n - c1 - 1))))
		return 0;
	*v2 = c1 - l == 1 && l[0] == '0' && c2 == c1 + 1;
	*path = c2 + 1;
	*pl = (size_t)(l + n - *path);
	return *pl > 0 && **path == '/';
}

int ident_cgroup(const char *text, size_t len, struct ident_cgroup *out)
{
	struct ident_cgroup v1;
	const char *l = text, *end = text + len;
	bool have_v1 = false, v2_found = false;
	int found = 0;

	memset(out, 0, sizeof(*out));
	memset(&v1, 0, sizeof(v1));
	while (l < end) {
		const char *nl = memchr(l, '\n', (size_t)(end - l)), *path;
		size_t n = (size_t)((nl ? nl : end) - l), pl;
		bool v2;

		if (split_line(l, n, &v2, &path, &pl)) {
			if (v2 && !v2_found) {
				v2_found = true;
				if (pl < IDENT_PATH_MAX)
					memcpy(out->path, path, pl);
				found = ident_cgroup_path(path, pl, out);
			} else if (!v2 && !have_v1) {
				have_v1 = ident_cgroup_path(path, pl, &v1);
			}
		}
		l += n + 1;
	}
	if (!found && have_v1) {
		memcpy(v1.path, out->path, sizeof(v1.path));
		*out = v1;
		found = 1;
	}
	return found;
}

int ident_nspid(const char *text, size_t len, uint32_t *ns)
{
	const char *l = text, *end = text + len;

	while (l < end) {
		const char *nl = memchr(l, '\n', (size_t)(end - l)), *p = l + 6;
		size_t n = (size_t)((nl ? nl : end) - l);
		int levels = 0;

		if (n > 6 && !memcmp(l, "NSpid:", 6)) {
			/* tab-separated pids, outermost (the host's) first */
			while (p < l + n) {
				uint64_t v = 0;
				const char *d;

				while (p < l + n && (*p == '\t' || *p == ' '))
					p++;
				if (p == l + n)
					break;
				for (d = p; p < l + n && *p >= '0' && *p <= '9' && v <= 0xffffffffu; p++)
					v = v * 10 + (uint64_t)(*p - '0');
				if (p == d || v == 0 || v > 0x3fffffff ||
				    (p < l + n && *p != '\t' && *p != ' '))
					return -ENOENT;
				*ns = (uint32_t)v;
				levels++;
			}
			return levels ? levels : -ENOENT;
		}
		l += n + 1;
	}
	return -ENOENT;
}

/* The value of the first NAME= entry of environ, or NULL */
static const char *env_get(const char *env, size_t len, const char *name, size_t *vl)
{
	size_t k = strlen(name);

	for (const char *e = env, *end = env + len; e < end;) {
		const char *z = memchr(e, 0, (size_t)(end - e));
		size_t n = (size_t)((z ? z : end) - e);

		if (n > k && !memcmp(e, name, k) && e[k] == '=') {
			*vl = n - k - 1;
			return e + k + 1;
		}
		e += n + 1;
	}
	return NULL;
}

/* End s at n bytes, or fewer so no UTF-8 sequence is cut in two */
static void cut_utf8(char *s, size_t n)
{
	size_t k = n;

	while (k > 0 && ((unsigned char)s[k - 1] & 0xc0) == 0x80)
		k--;
	if (k > 0 && (unsigned char)s[k - 1] >= 0xc0) {
		unsigned char lead = (unsigned char)s[k - 1];
		size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;

		if (n - (k - 1) < need)
			n = k - 1;	/* the sequence does not fit whole */
	}
	s[n] = 0;
}

/* service.name in OTEL_RESOURCE_ATTRIBUTES's value v: the last one wins,
 * as the SDKs put the pairs into a map; a pair without '=' or with a bad
 * escape discards the whole value, as the specification asks. */
static int attrs_service(const char *v, size_t vl, char *out, size_t cap)
{
	const char *end = v + vl, *bad;
	int found = 0;

	while (v < end) {
		const char *comma = memchr(v, ',', (size_t)(end - v)), *pe = comma ? comma : end;
		const char *eq = memchr(v, '=', (size_t)(pe - v)), *k = v;
		char key[16];
		int kl;

		v = pe + 1;
		if (pe == k || (pe - k == 1 && *k == ' '))
			continue;	/* an empty pair: "a=1,,b=2" */
		if (!eq)
			return 0;
		kl = util_pct_decode(k, eq, key, sizeof(key), &bad);
		if (kl == -EINVAL)
			return 0;
		if (kl != 12 || memcmp(key, "service.name", 12))
			continue;
		int r = util_pct_decode(eq + 1, pe, out, cap, &bad);

		if (r == -EINVAL)
			return 0;
		if (r == -E2BIG)
			cut_utf8(out, cap - 1);	/* a long name, cut */
		found = 1;
	}
	return found;
}

int ident_service(const char *env, size_t len, char *out, size_t cap)
{
	size_t vl;
	const char *v = env_get(env, len, "OTEL_SERVICE_NAME", &vl);

	if (!cap)
		return 0;
	out[0] = 0;
	if (v && vl) {
		size_t n = vl < cap - 1 ? vl : cap - 1;

		memcpy(out, v, n);
		cut_utf8(out, n);
		return 1;
	}
	v = env_get(env, len, "OTEL_RESOURCE_ATTRIBUTES", &vl);
	if (v && attrs_service(v, vl, out, cap) && out[0])
		return 1;
	out[0] = 0;	/* a later bad pair discards what an earlier one gave */
	return 0;
}
