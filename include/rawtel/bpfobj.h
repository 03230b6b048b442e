/* A set of kern/ units assembled, their maps created and their programs
 * loaded together (user/bpf/bpfobj.c). Maps are one namespace across the
 * units: a map declared the same way in several units (the shared event
 * ring, the drop counters) is created once; declared differently, it is an
 * error naming both places. Load-time constants ($name in kern/) are set
 * with bpf_obj_set_const before bpf_obj_add. */
#ifndef RAWTEL_BPFOBJ_H
#define RAWTEL_BPFOBJ_H

#include <stddef.h>
#include <stdint.h>

#include "rawtel/asm.h"

#define BPF_OBJ_MAX_CONSTS 64

struct bpf_obj_unit {
	char name[ASM_NAME_MAX];
	const char *text;	/* preprocessed source, for error context */
	size_t len;
	struct asm_unit u;
};

struct bpf_obj_map {
	struct asm_map def;
	char unit[ASM_NAME_MAX];	/* first unit that declared it (a copy:
					 * the units array moves as it grows) */
	int fd;
};

struct bpf_obj_prog {
	char name[ASM_NAME_MAX];
	const struct asm_prog *def;
	uint32_t unit;
	int fd;
	uint32_t same;		/* 1 + the program whose load this one shares
				 * (identical instructions; its fd), or 0 */
};

struct bpf_obj {
	struct bpf_obj_unit *units;
	uint32_t n_units;
	struct bpf_obj_map *maps;
	uint32_t n_maps;
	struct bpf_obj_prog *progs;
	uint32_t n_progs;
	struct {
		char name[ASM_NAME_MAX];
		int64_t value;
	} consts[BPF_OBJ_MAX_CONSTS];
	uint32_t n_consts;
};

void bpf_obj_init(struct bpf_obj *o);
int bpf_obj_set_const(struct bpf_obj *o, const char *name, int64_t value);
/* Add an embedded kern/ unit by name ("open"). */
int bpf_obj_add_kern(struct bpf_obj *o, const char *name);
/* Create every map, patch references, load every program. */
int bpf_obj_load(struct bpf_obj *o);
int bpf_obj_map_fd(const struct bpf_obj *o, const char *name);
const struct bpf_obj_prog *bpf_obj_prog(const struct bpf_obj *o, const char *name);
void bpf_obj_close(struct bpf_obj *o);

/* Sum of a per-CPU array map's u64 slot `key` over all CPUs. */
int bpf_obj_percpu_sum(int map_fd, uint32_t key, uint64_t *sum);

#endif
