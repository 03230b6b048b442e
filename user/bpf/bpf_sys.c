/* bpf(2) wrappers: raw syscall, zeroed attrs, -errno returns. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "rawtel/bpf.h"
#include "rawtel/util.h"

static long bpf_sys(int cmd, void *attr, unsigned int size)
{
	long r;

	do
		r = syscall(RT_NR_bpf, cmd, attr, size);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

static void copy_name(char dst[RT_BPF_OBJ_NAME_LEN], const char *name)
{
	/* The kernel accepts only [A-Za-z0-9_.] in object names. */
	size_t i = 0;

	for (; name && name[i] && i < RT_BPF_OBJ_NAME_LEN - 1; i++) {
		char c = name[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '_' || c == '.';
		dst[i] = ok ? c : '_';
	}
	dst[i] = 0;
}

static uint32_t bpf_kernel_version(void);

int bpf_map_create(uint32_t type, uint32_t key_size, uint32_t value_size,
		   uint32_t max_entries, uint32_t flags, const char *name)
{
	struct rt_bpf_map_create_attr a;
	long r;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = key_size;
	a.value_size = value_size;
	a.max_entries = max_entries;
	/* A hash map (not an LRU one) takes its entries from the kernel as
	 * it fills rather than all at creation (sk_procs' 16,384: 2 ms of the
	 * kernel's time at start-up) where tracing programs may use such
	 * maps safely: from 6.1, whose hash maps allocate through
	 * bpf_mem_alloc (5.7 to 6.0 warn with a kernel stack trace). */
	a.map_flags = flags | (type == RT_BPF_MAP_TYPE_HASH &&
			       bpf_kernel_version() >= (6u << 16 | 1u << 8) ? RT_BPF_F_NO_PREALLOC : 0);
	copy_name(a.map_name, name);
	r = bpf_sys(RT_BPF_MAP_CREATE, &a, sizeof(a));
	if (r == -EINVAL && a.map_name[0]) {
		/* kernels before 4.15 reject map names */
		memset(a.map_name, 0, sizeof(a.map_name));
		r = bpf_sys(RT_BPF_MAP_CREATE, &a, sizeof(a));
	}
	return (int)r;
}

static int map_elem(int cmd, int fd, const void *key, const void *value,
		    uint64_t flags)
{
	struct rt_bpf_map_elem_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = (uint64_t)(uintptr_t)key;
	a.value = (uint64_t)(uintptr_t)value;
	a.flags = flags;
	return (int)bpf_sys(cmd, &a, sizeof(a));
}

int bpf_map_lookup(int fd, const void *key, void *value)
{
	return map_elem(RT_BPF_MAP_LOOKUP_ELEM, fd, key, value, 0);
}

int bpf_map_update(int fd, const void *key, const void *value, uint64_t flags)
{
	return map_elem(RT_BPF_MAP_UPDATE_ELEM, fd, key, value, flags);
}

int bpf_map_delete(int fd, const void *key)
{
	return map_elem(RT_BPF_MAP_DELETE_ELEM, fd, key, NULL, 0);
}

int bpf_map_next_key(int fd, const void *key, void *next)
{
	return map_elem(RT_BPF_MAP_GET_NEXT_KEY, fd, key, next, 0);
}

/* Kernel version as KERNEL_VERSION(a,b,c) from uname (for kern_version,
 * which old kernels check for kprobe programs). */
static uint32_t bpf_kernel_version(void)
{
	static uint32_t v;
	struct utsname u;
	unsigned a = 0, b = 0, c = 0;

	if (v)
		return v;
	if (uname(&u) == 0) {
		/* "6.18.44-fc-v669": the first three numbers */
		char *p = u.release;
		a = (unsigned)strtoul(p, &p, 10);
		b = *p == '.' ? (unsigned)strtoul(p + 1, &p, 10) : 0;
		c = *p == '.' ? (unsigned)strtoul(p + 1, &p, 10) : 0;
	}
	/* the sublevel saturates at 255, as the kernel's own macro does */
	v = (a << 16) | (b << 8) | (c > 255 ? 255 : c);
	return v;
}

int bpf_prog_load(uint32_t type, const struct rt_bpf_insn *insns, uint32_t n,
		  const char *license, const char *name, uint32_t log_level,
		  char *log, uint32_t log_size)
{
	struct rt_bpf_prog_load_attr a;
	long r;

	memset(&a, 0, sizeof(a));
	a.prog_type = type;
	a.insn_cnt = n;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.license = (uint64_t)(uintptr_t)license;
	a.kern_version = bpf_kernel_version();
	copy_name(a.prog_name, name);
	if (log && log_size) {
		log[0] = 0;
		a.log_level = log_level;
		a.log_size = log_size;
		a.log_buf = (uint64_t)(uintptr_t)log;
	}
	r = bpf_sys(RT_BPF_PROG_LOAD, &a, sizeof(a));
	if (r == -EINVAL && a.prog_name[0] && !(log && log[0])) {
		memset(a.prog_name, 0, sizeof(a.prog_name));
		r = bpf_sys(RT_BPF_PROG_LOAD, &a, sizeof(a));
	}
	return (int)r;
}

int bpf_prog_info(int fd, struct rt_bpf_prog_info *info)
{
	struct rt_bpf_obj_info_attr a;

	memset(info, 0, sizeof(*info));
	memset(&a, 0, sizeof(a));
	a.bpf_fd = (uint32_t)fd;
	a.info_len = sizeof(*info);
	a.info = (uint64_t)(uintptr_t)info;
	return (int)bpf_sys(RT_BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a));
}

int bpf_enable_stats(void)
{
	uint32_t type = RT_BPF_STATS_RUN_TIME;	/* the attr: its type alone */

	return (int)bpf_sys(RT_BPF_ENABLE_STATS, &type, sizeof(type));
}

int bpf_link_perf_event(int prog_fd, int perf_fd, uint64_t cookie)
{
	struct rt_bpf_link_create_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_fd = (uint32_t)prog_fd;
	a.target_fd = (uint32_t)perf_fd;
	a.attach_type = RT_BPF_PERF_EVENT;
	a.bpf_cookie = cookie;
	return (int)bpf_sys(RT_BPF_LINK_CREATE, &a, sizeof(a));
}

/* "0-3,5,7-8" -> highest index + 1 */
static int parse_cpu_list(const char *s)
{
	int max = -1;

	while (*s && *s != '\n') {
		char *end;
		long a = strtol(s, &end, 10), b = a;

		if (end == s || a < 0)
			return -EINVAL;
		if (*end == '-') {
			s = end + 1;
			b = strtol(s, &end, 10);
			if (end == s || b < a)
				return -EINVAL;
		}
		if (b > max)
			max = (int)b;
		s = *end == ',' ? end + 1 : end;
	}
	return max + 1 > 0 ? max + 1 : -EINVAL;
}

int bpf_num_possible_cpus(void)
{
	static int n;
	char buf[256];

	if (n > 0)
		return n;
	if (util_read_file("/sys/devices/system/cpu/possible", buf, sizeof(buf)) > 0)
		n = parse_cpu_list(buf);
	if (n <= 0)
		n = util_cpus_allowed();
	return n;
}
