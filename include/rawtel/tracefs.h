/* tracefs: where it is (mounting it when absent), tracepoint ids, and the
 * event `format` files that give field offsets without BTF or headers
 * (user/trace/tracefs.c). Tracepoints are named "category/event". */
#ifndef RAWTEL_TRACEFS_H
#define RAWTEL_TRACEFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawtel/asm.h"

#define TP_NAME_MAX 128
#define TP_FIELD_NAME_MAX 64

struct tp_field {
	char name[TP_FIELD_NAME_MAX];
	uint32_t offset, size;
	bool is_signed;
	bool is_array;		/* char comm[16] */
	bool is_data_loc;	/* __data_loc: u32 (len << 16 | offset) */
	bool is_rel_loc;	/* __rel_loc: same, offset from the field's end */
};

struct tp_format {
	char name[TP_NAME_MAX];	/* "sched/sched_process_exit" */
	uint32_t id;
	uint32_t n_fields;
	struct tp_field *fields;
};

/* The tracefs mount point, found in /proc/mounts or at the usual places,
 * or mounted at /sys/kernel/tracing when missing (as root). Cached. */
int tracefs_root(const char **path);
/* Set by tracefs_root when rawtel mounted tracefs itself. */
bool tracefs_mounted_by_us(void);

/* Parse a format file's text; fields are malloc'ed (tp_format_free). */
int tp_format_parse(const char *text, size_t len, struct tp_format *out);
void tp_format_free(struct tp_format *f);
const struct tp_field *tp_format_field(const struct tp_format *f,
				       const char *name);

/* The format of tracepoint `tp` ("cat/event"), read once and cached for
 * the life of the process. -ENOENT when the kernel has no such event. */
int tracefs_format(const char *tp, const struct tp_format **out);
void tracefs_cache_free(void);

/* asm_resolver.field callback backed by tracefs_format. */
int tracefs_asm_field(void *ctx, const char *tp, const char *field,
		      struct asm_field *out);

#endif
