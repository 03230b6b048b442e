/* Who a process is, from the text of its /proc files alone (no container
 * runtime API, no network): the container and Kubernetes pod its cgroup
 * path names, its pid inside its PID namespace, and the service name its
 * OpenTelemetry SDK would take from its environment. The parsers here are
 * pure (user/util/ident.c): every byte they read is the observed system's,
 * so they bound every copy and never trust a length. Reading the files of
 * a pid is ident_read (user/util/ident_proc.c). */
#ifndef RAWTEL_IDENT_H
#define RAWTEL_IDENT_H

#include <stddef.h>
#include <stdint.h>

#define IDENT_ID_MAX 65		/* 64 hex digits, or an nspawn machine name */
#define IDENT_UID_MAX 37	/* a pod uid: 8-4-4-4-12 hex */
#define IDENT_PATH_MAX 512	/* the cgroup v2 path (longer: empty) */
#define IDENT_SVC_MAX 128

struct ident_cgroup {
	char id[IDENT_ID_MAX];		/* container.id, "" none */
	const char *runtime;		/* "docker", "containerd", "cri-o", "podman",
					 * "systemd-nspawn"; NULL unknown */
	char name[IDENT_ID_MAX];	/* container.name where the path holds it */
	char pod_uid[IDENT_UID_MAX];	/* k8s.pod.uid, "" none */
	char path[IDENT_PATH_MAX];	/* the v2 line's path ("0::PATH"), "" none */
};

/* One cgroup path ("/kubepods.slice/.../cri-containerd-<id>.scope"): the
 * deepest container it names and the pod above it, into out (fields it
 * does not name are left as they are). Returns 1 when it named a container
 * or a pod, else 0. */
int ident_cgroup_path(const char *path, size_t len, struct ident_cgroup *out);

/* The text of /proc/PID/cgroup ("ID:CONTROLLERS:PATH" lines; cgroup v2's
 * is "0::PATH"): out is cleared, then filled from the v2 line, else from
 * the first v1 line that names a container or pod. Malformed lines are
 * skipped. Returns 1 when a container or pod was found, else 0. */
int ident_cgroup(const char *text, size_t len, struct ident_cgroup *out);

/* The text of /proc/PID/status: *ns = the last NSpid value (the pid in the
 * process's own PID namespace). Returns the number of namespace levels (1:
 * the host's), or -ENOENT without a well-formed NSpid line (kernels before
 * 4.1). */
int ident_nspid(const char *text, size_t len, uint32_t *ns);

/* The text of /proc/PID/environ (NUL-separated NAME=VALUE): the service
 * name an OpenTelemetry SDK would read, OTEL_SERVICE_NAME when not empty,
 * else service.name in OTEL_RESOURCE_ATTRIBUTES (key=value pairs split at
 * ',', values percent-decoded). The first definition of a variable wins,
 * as getenv finds it. Returns 1 with out set (cut to cap - 1 bytes), else
 * 0 with out empty. */
int ident_service(const char *env, size_t len, char *out, size_t cap);

struct ident {
	struct ident_cgroup cg;
	uint32_t nspid;		/* 0 unknown */
	int ns_levels;		/* 1: the host's namespace; 0 unknown */
	char service[IDENT_SVC_MAX];	/* "" none */
};

/* Fill id from /proc/PID/{cgroup,status,environ}: what cannot be read (the
 * process is gone, environ needs ptrace access) stays empty. Returns 0, or
 * -ENOENT when not even the cgroup file could be read. */
int ident_read(uint32_t pid, struct ident *id);

#endif
