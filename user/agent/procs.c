/* Processes and their OTLP resources (see procs.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procs.h"
#include "rawtel/fmt.h"

int procs_init(struct agent_procs *p, const struct agent_opts *o, const char *host)
{
	memset(p, 0, sizeof(*p));
	p->tab = calloc(PROCS_MAX, sizeof(*p->tab));
	p->index = malloc(PROCS_SLOTS * sizeof(*p->index));
	if (!p->tab || !p->index) {
		procs_free(p);
		return -ENOMEM;
	}
	memset(p->index, 0xff, PROCS_SLOTS * sizeof(*p->index));
	p->o = o;
	p->host = host;
	return 0;
}

void procs_free(struct agent_procs *p)
{
	free(p->tab);
	free(p->index);
	memset(p, 0, sizeof(*p));
}

static void set_exe(struct agent_proc *e, const char *path)
{
	const char *slash;

	fmt_snprintf(e->exe_path, sizeof(e->exe_path), "%s", path);
	slash = strrchr(e->exe_path, '/');
	fmt_snprintf(e->exe_name, sizeof(e->exe_name), "%s", slash ? slash + 1 : e->exe_path);
}

/* The container, pod and namespace pid attributes (at most 5), so the
 * Collector's k8sattributes can join pod, namespace and workload names by
 * container.id or k8s.pod.uid. The namespace pid is process.vpid, set only
 * where it differs from process.pid's. */
static uint32_t ident_attrs(struct agent_proc *e, struct otlp_kv *kv)
{
	uint32_t n = 0;

	if (e->container_id[0])
		kv[n++] = otlp_kv_str("container.id", e->container_id);
	if (e->container_name[0])
		kv[n++] = otlp_kv_str("container.name", e->container_name);
	if (e->runtime)
		kv[n++] = otlp_kv_str("container.runtime.name", e->runtime);
	if (e->pod_uid[0])
		kv[n++] = otlp_kv_str("k8s.pod.uid", e->pod_uid);
	if (e->vpid && e->vpid != e->pid)
		kv[n++] = otlp_kv_int("process.vpid", e->vpid);
	return n;
}

static void set_cgroup(struct agent_proc *e, const struct ident_cgroup *cg)
{
	memcpy(e->container_id, cg->id, sizeof(e->container_id));
	memcpy(e->container_name, cg->name, sizeof(e->container_name));
	memcpy(e->pod_uid, cg->pod_uid, sizeof(e->pod_uid));
	e->runtime = cg->runtime;
}

/* Who the process is, from /proc; a gone process keeps what it had. */
static void read_ident(struct agent_proc *e)
{
	struct ident id;

	if (ident_read(e->pid, &id))
		return;
	e->ident_ok = true;
	fmt_snprintf(e->env_service, sizeof(e->env_service), "%s", id.service);
	set_cgroup(e, &id.cg);
	e->vpid = id.nspid;
}

/* The attributes, in the order a reader expects them; strings point into
 * the entry itself or the options, which outlive every batch add. Without
 * `process` the resource is the host's (no process.* attributes). */
static void build_res(const struct agent_procs *p, struct agent_proc *e, bool process)
{
	const struct agent_opts *o = p->o;
	const struct otlp_kv *svc = NULL;
	uint32_t n = 0;

	/* service.name: OTEL_SERVICE_NAME, else OTEL_RESOURCE_ATTRIBUTES's,
	 * else the executable's name (one service per program) */
	for (uint32_t i = 0; i < o->n_res_attrs; i++)
		if (o->res_attrs[i].key.len == 12 && !memcmp(o->res_attrs[i].key.p, "service.name", 12))
			svc = &o->res_attrs[i];
	if (o->service_name[0])
		fmt_snprintf(e->service, sizeof(e->service), "%s", o->service_name);
	else if (svc)
		fmt_snprintf(e->service, sizeof(e->service), "%.*s", (int)svc->v.len, svc->v.u.s);
	else if (process && e->env_service[0])
		/* what its own SDK would call it */
		fmt_snprintf(e->service, sizeof(e->service), "%s", e->env_service);
	else
		/* the SDK default when no process names the service */
		fmt_snprintf(e->service, sizeof(e->service), "%s", process ? e->exe_name : "unknown_service");
	e->attrs[n++] = otlp_kv_str("service.name", e->service);
	if (process) {
		e->attrs[n++] = otlp_kv_int("process.pid", e->pid);
		e->attrs[n++] = otlp_kv_str("process.executable.name", e->exe_name);
		if (e->exe_path[0] == '/')
			e->attrs[n++] = otlp_kv_str("process.executable.path", e->exe_path);
		n += ident_attrs(e, e->attrs + n);
	}
	e->attrs[n++] = otlp_kv_str("host.name", p->host);
	e->attrs[n++] = otlp_kv_str("os.type", "linux");
	e->attrs[n++] = otlp_kv_str("telemetry.sdk.name", "rawtel");
	e->attrs[n++] = otlp_kv_str("telemetry.sdk.language", "cpp");
	e->attrs[n++] = otlp_kv_str("telemetry.sdk.version", RAWTEL_VERSION);
	/* OTEL_RESOURCE_ATTRIBUTES: what the attributes above do not set */
	for (uint32_t i = 0; i < o->n_res_attrs && n < PROC_RES_ATTRS; i++) {
		const struct otlp_kv *kv = &o->res_attrs[i];
		bool dup = false;
		for (uint32_t k = 0; k < n; k++)
			dup |= kv->key.len == e->attrs[k].key.len &&
			       !memcmp(kv->key.p, e->attrs[k].key.p, kv->key.len);
		if (!dup)
			e->attrs[n++] = *kv;
	}
	e->res = (struct otlp_resource){ e->attrs, n, 0, { NULL, 0 } };
	memset(e->gen, 0, sizeof(e->gen));	/* re-add to every batch */
	memset(e->handle, 0xff, sizeof(e->handle));
}

static void build(const struct agent_procs *p, struct agent_proc *e)
{
	build_res(p, e, true);
}

static uint32_t slot_of(uint32_t pid)
{
	return (pid * 2654435761u) % PROCS_SLOTS;
}

static int16_t *find_slot(struct agent_procs *p, uint32_t pid)
{
	for (uint32_t i = slot_of(pid);; i = (i + 1) % PROCS_SLOTS)
		if (p->index[i] < 0 || p->tab[p->index[i]].pid == pid)
			return &p->index[i];
}

/* Remove entry `idx` from the index, shifting later collisions back so
 * lookups never stop at a hole. */
static void unindex(struct agent_procs *p, uint32_t pid)
{
	uint32_t i = (uint32_t)(find_slot(p, pid) - p->index), j = i;

	if (p->index[i] < 0)
		return;
	for (;;) {
		p->index[i] = -1;
		for (;;) {
			j = (j + 1) % PROCS_SLOTS;
			if (p->index[j] < 0)
				return;
			uint32_t home = slot_of(p->tab[p->index[j]].pid);
			/* stays unless its home lies cyclically in (i, j] */
			if (i <= j ? (home <= i || home > j) : (home <= i && home > j))
				break;
		}
		p->index[i] = p->index[j];
		i = j;
	}
}

struct agent_proc *procs_get(struct agent_procs *p, uint32_t pid, const char *comm)
{
	int16_t *slot = find_slot(p, pid);
	struct agent_proc *e;
	char link[64], path[PATH_MAX];
	uint32_t idx;
	ssize_t n;

	p->clock++;
	if (*slot >= 0) {
		e = &p->tab[*slot];
		e->used = p->clock;
		return e;
	}
	if (p->n < PROCS_MAX) {
		idx = p->n++;
	} else {
		/* full: reuse the least recently used entry */
		idx = 0;
		for (uint32_t i = 1; i < PROCS_MAX; i++)
			if (p->tab[i].used < p->tab[idx].used)
				idx = i;
		if (p->release && p->tab[idx].pid)
			p->release(p->release_ctx, &p->tab[idx]);
		unindex(p, p->tab[idx].pid);
		slot = find_slot(p, pid);
	}
	*slot = (int16_t)idx;
	e = &p->tab[idx];
	memset(e, 0, sizeof(*e));
	e->pid = pid;
	e->used = p->clock;
	e->agg_res = -1;
	fmt_snprintf(link, sizeof(link), "/proc/%u/exe", pid);
	n = readlink(link, path, sizeof(path) - 1);
	if (n > 0) {
		path[n] = 0;
		set_exe(e, path);
	} else {
		/* gone (or a kernel thread): its command name is all there is */
		set_exe(e, comm && *comm ? comm : "unknown");
	}
	read_ident(e);
	build(p, e);
	return e;
}

void procs_exec(struct agent_procs *p, struct agent_proc *e, const char *path)
{
	char link[64], real[PATH_MAX];
	ssize_t n;

	/* its series belong to the program it was: they end here */
	if (e->agg_res >= 0 && p->release) {
		p->release(p->release_ctx, e);
		e->agg_res = -1;
	}
	/* the kernel's resolved path when the process is still there: a
	 * relative or symlinked filename says less */
	fmt_snprintf(link, sizeof(link), "/proc/%u/exe", e->pid);
	n = readlink(link, real, sizeof(real) - 1);
	if (n > 0) {
		real[n] = 0;
		set_exe(e, real);
	} else {
		set_exe(e, path);
	}
	/* a new program, a new environment (its OTEL_SERVICE_NAME) */
	read_ident(e);
	build(p, e);
}

void procs_parent(struct agent_procs *p, struct agent_proc *e, uint32_t ppid)
{
	struct ident id;

	if (e->ident_ok || !ppid || e->container_id[0] || ident_read(ppid, &id))
		return;
	set_cgroup(e, &id.cg);
	build(p, e);
}

int procs_resource(struct agent_proc *e, struct otlp_batch *b)
{
	int sig = otlp_batch_signal(b), h;
	uint32_t gen = otlp_batch_generation(b);

	if (e->handle[sig] >= 0 && e->gen[sig] == gen)
		return e->handle[sig];
	h = otlp_batch_add_resource(b, &e->res);
	if (h < 0)
		return h;
	e->handle[sig] = h;
	e->gen[sig] = gen;
	return h;
}

void procs_forget(struct agent_procs *p, struct agent_proc *e)
{
	if (e->agg_res >= 0) {
		e->exited = true;	/* its last points are yet to be exported */
		return;
	}
	/* keep the slot (reused when the table is full), drop the pid */
	unindex(p, e->pid);
	e->pid = 0;
	e->used = 0;
}

void procs_sweep(struct agent_procs *p)
{
	for (uint32_t i = 0; i < p->n; i++) {
		struct agent_proc *e = &p->tab[i];
		if (!e->pid || !e->exited)
			continue;
		if (p->release)
			p->release(p->release_ctx, e);
		e->agg_res = -1;
		procs_forget(p, e);
	}
}

void procs_self_resource(struct agent_procs *p, struct agent_proc *self)
{
	char link[64], path[PATH_MAX];
	ssize_t n;

	memset(self, 0, sizeof(*self));
	self->pid = (uint32_t)getpid();
	self->agg_res = -1;
	fmt_snprintf(link, sizeof(link), "/proc/self/exe");
	n = readlink(link, path, sizeof(path) - 1);
	path[n > 0 ? n : 0] = 0;
	set_exe(self, n > 0 ? path : "rawtel");
	read_ident(self);
	build(p, self);
	/* rawtel's own health is rawtel's service, whatever the user named
	 * the processes it observes */
	fmt_snprintf(self->service, sizeof(self->service), "rawtel");
	self->attrs[0] = otlp_kv_str("service.name", self->service);
}

void procs_host_resource(struct agent_procs *p, struct agent_proc *host)
{
	memset(host, 0, sizeof(*host));
	host->agg_res = -1;
	build_res(p, host, false);
}
