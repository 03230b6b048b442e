/* Thin wrappers over the bpf(2) syscall (user/bpf/bpf_sys.c). Each zeroes
 * its attr, passes only the size it uses, and returns an fd / 0 or -errno.
 * They do not record messages: callers know what they were doing. */
#ifndef RAWTEL_BPF_H
#define RAWTEL_BPF_H

#include <stddef.h>
#include <stdint.h>

#include "rt_bpf.h"

/* A hash map is created without preallocation on 6.1+ (bpf_sys.c). */
int bpf_map_create(uint32_t type, uint32_t key_size, uint32_t value_size,
		   uint32_t max_entries, uint32_t flags, const char *name);
int bpf_map_lookup(int fd, const void *key, void *value);
int bpf_map_update(int fd, const void *key, const void *value, uint64_t flags);
int bpf_map_delete(int fd, const void *key);
int bpf_map_next_key(int fd, const void *key, void *next);

/* Load a program. With log == NULL no verifier log is requested (the
 * fast path); callers retry with a log on failure. */
int bpf_prog_load(uint32_t type, const struct rt_bpf_insn *insns, uint32_t n,
		  const char *license, const char *name, uint32_t log_level,
		  char *log, uint32_t log_size);
int bpf_prog_info(int fd, struct rt_bpf_prog_info *info);
/* Count every program's run time and runs (run_time_ns, run_cnt) while
 * the returned fd is open (5.8+; else kernel.bpf_stats_enabled=1). */
int bpf_enable_stats(void);
/* BPF link for a program on a perf event (kernel 5.15+), with a cookie
 * the program reads with bpf_get_attach_cookie. */
int bpf_link_perf_event(int prog_fd, int perf_fd, uint64_t cookie);

/* Number of possible CPUs (per-CPU map values and perf rings), cached. */
int bpf_num_possible_cpus(void);

#endif
