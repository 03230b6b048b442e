/* The probes `rawtel trace` offers (user/probes/): which kern/ units and
 * programs each needs, and how its records are printed. */
#ifndef RAWTEL_PROBES_H
#define RAWTEL_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rawtel/proctab.h"

struct probe_prog {
	const char *name;	/* .prog in kern/ */
	bool optional;		/* its tracepoint may be missing (openat2 ...) */
};

struct probe_out {
	FILE *f;
	bool json;
	bool multi;		/* several probes: one combined layout */
	int64_t wall_off_ns;	/* event clock -> Unix time */
	const struct proctab *seed;	/* processes older than rawtel */
};

struct probe {
	const char *name;
	const char *summary;
	uint16_t ev_type;
	const char *units[3];
	struct probe_prog progs[8];
	void (*header)(const struct probe_out *o);
	/* print one record (already checked to be at least ev_min bytes) */
	void (*print)(const struct probe_out *o, const void *rec, size_t len);
	size_t ev_min;
};

extern const struct probe probes[];
extern const size_t n_probes;

const struct probe *probe_find(const char *name);
const struct probe *probe_by_type(uint16_t type);
/* Print the column header for the selected probes (text mode). */
void probe_print_header(const struct probe_out *o, const struct probe *only);

/* Shared formatting helpers (user/probes/pfmt.c) */
void pfmt_time(const struct probe_out *o, uint64_t ts, char *buf, size_t size);
void pfmt_json_str(FILE *f, const char *s, size_t max);
void pfmt_comm(char dst[17], const char src[16]);
/* the text layout: "TIME  [EVENT] PID  COMM  " prefix */
void pfmt_prefix(const struct probe_out *o, const char *event, uint64_t ts,
		 uint32_t pid, const char *comm);
void pfmt_json_prefix(const struct probe_out *o, const char *event, uint64_t ts,
		      uint32_t pid, uint32_t tid, const char *comm);

#endif
