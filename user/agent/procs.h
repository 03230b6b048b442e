/* The processes the agent has seen, each with its OTLP resource
 * (service.name, process.*, container.*, k8s.pod.uid, host, os, SDK). Bounded: the least recently
 * used entry is reused when the table is full. */
#ifndef RAWTEL_AGENT_PROCS_H
#define RAWTEL_AGENT_PROCS_H

#include <stdbool.h>
#include <stdint.h>

#include "agent.h"
#include "rawtel/ident.h"

#define PROCS_MAX 2048
#define PROC_RES_ATTRS (15 + AGENT_MAX_RES_ATTRS)

struct agent_proc {
	uint32_t pid;		/* 0: free */
	uint64_t used;		/* LRU clock */
	char exe_path[AGENT_NAME_MAX];
	char exe_name[AGENT_NAME_MAX];
	char service[AGENT_NAME_MAX];
	/* who it is, from /proc (rawtel/ident.h): "" / NULL / 0 unknown */
	char env_service[IDENT_SVC_MAX];	/* its own OTEL_SERVICE_NAME... */
	char container_id[IDENT_ID_MAX];
	char container_name[IDENT_ID_MAX];
	const char *runtime;
	char pod_uid[IDENT_UID_MAX];
	uint32_t vpid;		/* its pid in its own PID namespace, when not the host's */
	bool ident_ok;		/* read from its own /proc files */
	struct otlp_kv attrs[PROC_RES_ATTRS];
	struct otlp_resource res;
	int handle[3];		/* resource handle per batch (by otlp_signal) */
	uint32_t gen[3];	/* batch generation the handle belongs to */
	int agg_res;		/* its resource in the metrics aggregator, -1 */
	bool exited;		/* kept until its metrics were collected */
};

#define PROCS_SLOTS (2 * PROCS_MAX)	/* pid index, at most half full */

struct agent_procs {
	struct agent_proc *tab;
	int16_t *index;		/* pid hash -> entry, -1 empty */
	uint32_t n;
	uint64_t clock;
	const struct agent_opts *o;
	const char *host;
	/* called before an entry is reused or freed, while it still holds
	 * its resource (the aggregator references it) */
	void (*release)(void *ctx, struct agent_proc *e);
	void *release_ctx;
};

int procs_init(struct agent_procs *p, const struct agent_opts *o, const char *host);
void procs_free(struct agent_procs *p);
/* The entry for pid, created from /proc (or `comm` when the process is
 * gone) on first sight. Never NULL. */
struct agent_proc *procs_get(struct agent_procs *p, uint32_t pid, const char *comm);
/* The process exec'd `path`: its resource changes from here on. */
void procs_exec(struct agent_procs *p, struct agent_proc *e, const char *path);
/* A process gone before its /proc files were read (short-lived ones): its
 * container and pod are its parent's, ppid's (a fork inherits the cgroup);
 * not its environment or namespace pid, which exec and unshare change. */
void procs_parent(struct agent_procs *p, struct agent_proc *e, uint32_t ppid);
/* Its handle in batch b, adding the resource when needed; -errno when the
 * batch is full. */
int procs_resource(struct agent_proc *e, struct otlp_batch *b);
/* The process ended: forget it now, or, when the aggregator still holds
 * its series, mark it to be forgotten after the next collection. */
void procs_forget(struct agent_procs *p, struct agent_proc *e);
/* Forget every process marked exited (after a metrics collection). */
void procs_sweep(struct agent_procs *p);

/* The host's resource (no process): what is observed without an owning
 * process, such as resets sent for ports nobody listens on. */
void procs_host_resource(struct agent_procs *p, struct agent_proc *host);
/* Resource attributes for rawtel itself (self-metrics). */
void procs_self_resource(struct agent_procs *p, struct agent_proc *self);

#endif
