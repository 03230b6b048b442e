/* The files sink for hosts with no collector to talk to: one file per
 * signal in OTLP JSON Lines (what the Collector's otlpjsonfile receiver
 * reads) or length-prefixed protobuf (the Collector fileexporter's
 * `format: proto`). Writes go through a buffer; fsync happens on rotation
 * and when the sink flushes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/util.h"
#include "rawtel/sink_parts.h"
#include "rawtel/tz.h"

#define FILES_BUF (64u << 10)

static const char *ext_of(int format)
{
	return format == SINK_PROTO_JSON ? "jsonl" : "pb";
}


/* Bytes of whole records at the start of the file: JSON Lines end at the
 * last '\n'; protobuf records are walked by their length prefixes. */
static int64_t valid_len(int fd, uint64_t size, int format)
{
	uint8_t blk[4096];

	if (format == SINK_PROTO_JSON) {
		uint64_t end = size;

		while (end > 0) {
			size_t n = end < sizeof(blk) ? (size_t)end : sizeof(blk);

			if (pread(fd, blk, n, (off_t)(end - n)) != (ssize_t)n)
				return -EIO;
			for (size_t i = n; i > 0; i--)
				if (blk[i - 1] == '\n')
					return (int64_t)(end - n + i);
			end -= n;
		}
		return 0;
	}
	uint64_t off = 0;

	while (off + 4 <= size) {
		if (pread(fd, blk, 4, (off_t)off) != 4)
			return -EIO;
		uint64_t len = (uint64_t)blk[0] << 24 | (uint64_t)blk[1] << 16 |
			       (uint64_t)blk[2] << 8 | blk[3];

		if (off + 4 + len > size)
			break;
		off += 4 + len;
	}
	return (int64_t)off;
}

static int open_current(struct files *f, int sig)
{
	struct files_out *o = &f->out[sig];
	char name[32];
	struct stat st;

	fmt_snprintf(name, sizeof(name), "%s.%s", sink_signal_name(sig), ext_of(f->format));
	o->fd = openat(f->dirfd, name, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
		       0600);
	if (o->fd < 0)
		return err_set(errno, "cannot open output file %s: %s", name, strerror(errno));
	if (fstat(o->fd, &st) < 0 || fchmod(o->fd, 0600) < 0)
		return err_set(errno, "cannot stat output file %s: %s", name, strerror(errno));
	int64_t ok = valid_len(o->fd, (uint64_t)st.st_size, f->format);

	if (ok < 0)
		return err_set(EIO, "cannot read output file %s", name);
	if ((uint64_t)ok < (uint64_t)st.st_size) {
		if (ftruncate(o->fd, ok) < 0)
			return err_set(errno, "cannot truncate output file %s: %s", name,
				       strerror(errno));
		sink_log("%s: removed a torn last record (%lld bytes) left by an earlier crash",
			 name, (long long)((int64_t)st.st_size - ok));
	}
	o->size = (uint64_t)ok;
	return 0;
}

int files_open(struct files *f, const char *dir, int format, uint64_t rotate_bytes,
	       uint32_t rotate_keep)
{
	memset(f, 0, sizeof(*f));
	for (int sig = 0; sig < SINK_NSIG; sig++)
		f->out[sig].fd = -1;
	f->format = format;
	f->rotate_bytes = rotate_bytes ? rotate_bytes : UINT64_MAX;
	f->rotate_keep = rotate_keep;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return err_set(errno, "cannot create output directory %s: %s", dir, strerror(errno));
	f->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f->dirfd < 0)
		return err_set(errno, "cannot open output directory %s: %s", dir, strerror(errno));
	for (int sig = 0; sig < SINK_NSIG; sig++) {
		int ret = open_current(f, sig);

		if (!ret && !(f->out[sig].buf = malloc(FILES_BUF)))
			ret = err_set(ENOMEM, "out of memory for output buffers");
		if (ret) {
			files_close(f);
			return ret;
		}
	}
	return 0;
}

static int flush_out(struct files_out *o)
{
	int ret = util_write_all(o->fd, o->buf, o->buf_len);

	o->buf_len = 0;
	if (ret)
		return err_set(-ret, "cannot write an output file: %s", strerror(-ret));
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Keep the newest rotate_keep rotated files of `sig` (names sort by time). */
static void prune(struct files *f, int sig)
{
	char prefix[16], suffix[8], *names[1024];
	size_t n = 0;
	int fd = openat(f->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	fmt_snprintf(prefix, sizeof(prefix), "%s-", sink_signal_name(sig));
	fmt_snprintf(suffix, sizeof(suffix), ".%s", ext_of(f->format));
	while ((de = readdir(d)) && n < sizeof(names) / sizeof(names[0])) {
		size_t l = strlen(de->d_name);

		if (!strncmp(de->d_name, prefix, strlen(prefix)) && l > strlen(suffix) &&
		    !strcmp(de->d_name + l - strlen(suffix), suffix) &&
		    (names[n] = strdup(de->d_name)))
			n++;
	}
	closedir(d);
	util_sort(names, n, sizeof(names[0]), cmp_names);
	for (size_t i = 0; i < n; i++) {
		if (i + f->rotate_keep < n)
			unlinkat(f->dirfd, names[i], 0);
		free(names[i]);
	}
}

static int rotate(struct files *f, int sig)
{
	struct files_out *o = &f->out[sig];
	char cur[32], old[96], ts[32];
	struct timespec now;
	struct tm tm;
	int ret = flush_out(o);

	if (ret)
		return ret;
	if (fsync(o->fd) < 0)
		return err_set(errno, "cannot fsync an output file: %s", strerror(errno));
	close(o->fd);
	o->fd = -1;
	clock_gettime(CLOCK_REALTIME, &now);
	tz_civil(now.tv_sec, &tm);
	fmt_snprintf(ts, sizeof(ts), "%04d%02d%02dT%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	fmt_snprintf(cur, sizeof(cur), "%s.%s", sink_signal_name(sig), ext_of(f->format));
	/* the counter orders rotations within one millisecond */
	fmt_snprintf(old, sizeof(old), "%s-%s.%03ldZ-%04llu.%s", sink_signal_name(sig), ts,
		 now.tv_nsec / 1000000, (unsigned long long)(f->rotations++ % 10000),
		 ext_of(f->format));
	if (renameat(f->dirfd, cur, f->dirfd, old) < 0)
		return err_set(errno, "cannot rotate %s to %s: %s", cur, old, strerror(errno));
	fsync(f->dirfd);
	prune(f, sig);
	return open_current(f, sig);
}

/* Append through the buffer; JSON line breaks become spaces (raw newlines
 * in valid JSON are whitespace: inside strings they must be escaped). */
static int put(struct files_out *o, const uint8_t *p, size_t n, int json)
{
	while (n) {
		size_t k = FILES_BUF - o->buf_len;

		if (k > n)
			k = n;
		memcpy(o->buf + o->buf_len, p, k);
		if (json)
			for (size_t i = o->buf_len; i < o->buf_len + k; i++)
				if (o->buf[i] == '\n' || o->buf[i] == '\r')
					o->buf[i] = ' ';
		o->buf_len += k;
		p += k;
		n -= k;
		if (o->buf_len == FILES_BUF) {
			int ret = flush_out(o);

			if (ret)
				return ret;
		}
	}
	return 0;
}

int files_write(struct files *f, int sig, const void *body, size_t len, int proto)
{
	struct files_out *o;
	uint64_t rec = len + (f->format == SINK_PROTO_JSON ? 1 : 4);
	int ret;

	if (sig < 0 || sig >= SINK_NSIG)
		return err_set(EINVAL, "bad signal %d", sig);
	if (proto != f->format)
		return err_set(EINVAL, "a %s request sent to a %s output; encode it as %s",
			       proto == SINK_PROTO_JSON ? "JSON" : "protobuf",
			       ext_of(f->format), f->format == SINK_PROTO_JSON ? "JSON" : "protobuf");
	if (len > SINK_BODY_MAX || !len)
		return err_set(EINVAL, "bad %s request size %zu", sink_signal_name(sig), len);
	o = &f->out[sig];
	if (o->fd < 0)
		return err_set(EBADF, "output file for %s is not open after an earlier error",
			       sink_signal_name(sig));
	if (o->size && o->size + rec > f->rotate_bytes && (ret = rotate(f, sig)))
		return ret;
	if (f->format == SINK_PROTO_JSON) {
		ret = put(o, body, len, 1);
		if (!ret)
			ret = put(o, (const uint8_t *)"\n", 1, 0);
	} else {
		uint8_t be[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16),
				  (uint8_t)(len >> 8), (uint8_t)len };

		ret = put(o, be, 4, 0);
		if (!ret)
			ret = put(o, body, len, 0);
	}
	if (ret)
		return ret;
	o->size += rec;
	o->records++;
	return 0;
}

int files_flush(struct files *f, int sync)
{
	int first = 0;

	for (int sig = 0; sig < SINK_NSIG; sig++) {
		struct files_out *o = &f->out[sig];
		int ret = 0;

		if (o->fd < 0)
			continue;
		if (o->buf_len)
			ret = flush_out(o);
		if (!ret && sync && fsync(o->fd) < 0)
			ret = err_set(errno, "cannot fsync an output file: %s", strerror(errno));
		if (ret && !first)
			first = ret;
	}
	return first;
}

void files_close(struct files *f)
{
	for (int sig = 0; sig < SINK_NSIG; sig++) {
		if (f->out[sig].fd >= 0)
			close(f->out[sig].fd);
		free(f->out[sig].buf);
		f->out[sig].fd = -1;
		f->out[sig].buf = NULL;
	}
	if (f->dirfd >= 0)
		close(f->dirfd);
	f->dirfd = -1;
}
