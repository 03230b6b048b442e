/* Small helpers shared across modules: parsing (user/util/parse.c), so the
 * static binary needs none of the C library's scanf machinery, and reading
 * small files (user/util/file.c). */
#ifndef RAWTEL_UTIL_H
#define RAWTEL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* Split `line` in place at runs of blanks into at most `max` fields;
 * returns how many. */
int util_fields(char *line, char **f, int max);

/* Value of a hex digit, or -1. */
int util_hexval(char c);

/* Trim blanks from [s, e), then percent-decode it into out (NUL-ended).
 * Returns the length, -EINVAL for a bad or %00 escape (*bad points at
 * it), -E2BIG when it does not fit in cap. */
int util_pct_decode(const char *s, const char *e, char *out, size_t cap, const char **bad);

/* "256K", "4M", "1G", "65536" -> bytes; 0 for anything else. */
unsigned long long util_parse_size(const char *s);

/* write(2) all of it (retrying short writes and EINTR): 0 or -errno. */
int util_write_all(int fd, const void *buf, size_t n);

/* Parse an unsigned number in `base` that must fill [s, end of s) or stop
 * at `stop` (a character, 0 for the end); 0 or -EINVAL. */
int util_ulong(const char *s, int base, char stop, unsigned long *out, const char **rest);

/* Read the file at `path` (a small /proc or sysfs file) into buf: at most
 * size - 1 bytes, the rest cut off, always NUL-terminated. Returns the
 * length read (0 for an empty file) or -errno. */
int util_read_file(const char *path, char *buf, size_t size);
/* fopen(3) as open(2) and fdopen (what fopen in user/ calls: the macro in
 * rawtel/fmt_guard.h); the modes r, w, a with '+', 'b', 'e' */
FILE *util_fopen(const char *path, const char *mode);
/* fopen(PATH, "re") of a /proc/PID/maps, read through one static 64 KB
 * buffer (one read for most processes' maps, not one per kilobyte: each
 * read walks the process's mappings again); one such file open at a time */
FILE *util_fopen_maps(const char *path);
/* Whether FILE is the path the previous call was given since the last
 * util_fopen_maps: a library's mappings follow each other in maps (one
 * stat, not four) */
bool util_maps_repeat(const char *file);

/* CRC-32 (the gzip, zlib and .gnu_debuglink one) of buf, continuing from
 * crc (0 to start). */
uint32_t util_crc32(uint32_t crc, const void *buf, size_t n);

/* user/util/sys.c: the page size and clock ticks a second from the
 * auxiliary vector (what sysconf reports, without musl's whole sysconf),
 * the CPUs this process may run on, and getline(3) without getdelim:
 * the line with its '\n' (bytes read until then at end of file) and a
 * NUL, its length, or -1 at end of file or out of memory.
 * util_setrlimit is setrlimit(2) as one prlimit64 call (0 or -errno):
 * musl's setrlimit brings its all-threads machinery (synccall and
 * semaphores, 1.8 KB), which Linux, whose limits are per process, needs
 * only before 2.6.36. */
size_t util_page_size(void);
long util_clk_tck(void);
int util_cpus_allowed(void);
ssize_t util_getline(char **line, size_t *cap, FILE *f);
struct rlimit;
int util_setrlimit(int resource, const struct rlimit *rl);
/* realpath(3) into out (size bytes): 0, -errno as realpath sets it, or
 * -ENAMETOOLONG. The kernel resolves it: the path's file opened O_PATH,
 * then its /proc/self/fd link read (what musl's realpath did until 1.2.1;
 * its newer one walks the path itself in 1.4 KB). */
int util_realpath(const char *path, char *out, size_t size);
/* setenv(key, value, 1): 0 or -ENOMEM. musl's setenv and putenv are
 * 820 bytes; rawtel sets a few variables once, at start-up, from its
 * settings file: the strings it made are freed when replaced (the first
 * 32 it made; later ones are left, never more than a few). */
int util_setenv(const char *key, const char *value);

/* qsort(3)'s contract without musl's qsort (user/util/sort.c): heapsort,
 * not stable. */
void util_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

#endif
