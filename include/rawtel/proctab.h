/* Parent and start time of processes that existed before rawtel started
 * (the kernel-side process table only sees processes created after), read
 * from /proc once at start-up, and looked up live as a last resort
 * (user/probes/proctab.c). Bounded open-addressing table. */
#ifndef RAWTEL_PROCTAB_H
#define RAWTEL_PROCTAB_H

#include <stdint.h>

#include "rawtel/idtab.h"

struct proc_ent {
	uint32_t pid, ppid;
	uint64_t start_ns;	/* CLOCK_BOOTTIME ns */
};

struct proctab {
	struct idtab tab;	/* by pid, at most half full */
};

/* Scan /proc; returns the number of processes recorded. */
int proctab_scan(struct proctab *t);
const struct proc_ent *proctab_get(const struct proctab *t, uint32_t pid);
/* The descendants of root in the table (children, theirs, ...), at most
 * max of them into out; returns how many. */
int proctab_descendants(const struct proctab *t, uint32_t root, uint32_t *out, int max);
/* Read /proc/PID/stat now: 0, or -ENOENT when the process is gone. */
int proctab_read(uint32_t pid, struct proc_ent *out);
/* Parse the text of a /proc/PID/stat file (exposed for tests). */
int proctab_parse_stat(const char *text, struct proc_ent *out, long ticks_per_s);
void proctab_free(struct proctab *t);

#endif
