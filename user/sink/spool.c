/* The spool: request bodies kept on disk while the collector cannot take
 * them, replayed oldest first when it can. One file per request, named by
 * signal and sequence number so a directory listing restores the order
 * after a restart. Each file: "RTSPOOL1", proto (1 byte), encoding (1
 * byte: enum sink_comp, the body kept as it is sent), 2 zero bytes, body
 * length (4 bytes, little-endian), body. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rawtel/err.h"
#include "rawtel/fmt.h"
#include "rawtel/util.h"
#include "rawtel/sink_parts.h"

#define SPOOL_MAGIC "RTSPOOL1"
#define SPOOL_HDR 16

static void name_of(char *buf, size_t cap, int sig, uint64_t seq)
{
	fmt_snprintf(buf, cap, "%s-%016llx.req", sink_signal_name(sig),
		 (unsigned long long)seq);
}

static struct spool_item *at(struct spool *sp, int sig, uint32_t i)
{
	struct spool_sig *s = &sp->sig[sig];

	return &s->ring[(s->head + i) % sp->max_files];
}

/* Insert keeping the ring sorted by seq; the caller made room. */
static void index_insert(struct spool *sp, int sig, uint64_t seq, uint64_t bytes)
{
	struct spool_sig *s = &sp->sig[sig];
	uint32_t i = s->count;

	while (i > 0 && at(sp, sig, i - 1)->seq > seq) {
		*at(sp, sig, i) = *at(sp, sig, i - 1);
		i--;
	}
	at(sp, sig, i)->seq = seq;
	at(sp, sig, i)->bytes = bytes;
	s->count++;
	s->bytes += bytes;
}

static void drop_oldest(struct spool *sp, int sig)
{
	struct spool_sig *s = &sp->sig[sig];
	char name[64];

	name_of(name, sizeof(name), sig, s->ring[s->head].seq);
	unlinkat(sp->dirfd, name, 0);
	s->bytes -= s->ring[s->head].bytes;
	s->head = (s->head + 1) % sp->max_files;
	s->count--;
}

/* "<signal>-<16 hex>.req" -> signal and seq; -1 when not a spool name. */
static int parse_name(const char *n, uint64_t *seq)
{
	for (int sig = 0; sig < SINK_NSIG; sig++) {
		const char *s = sink_signal_name(sig);
		size_t sl = strlen(s);
		uint64_t v = 0;

		if (strncmp(n, s, sl) || n[sl] != '-' || strlen(n + sl + 1) != 20 ||
		    strcmp(n + sl + 17, ".req"))
			continue;
		for (int i = 0; i < 16; i++) {
			char c = n[sl + 1 + i];

			if (c >= '0' && c <= '9')
				v = v << 4 | (uint64_t)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v = v << 4 | (uint64_t)(c - 'a' + 10);
			else
				return -1;
		}
		*seq = v;
		return sig;
	}
	return -1;
}

static int scan(struct spool *sp)
{
	int fd = openat(sp->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return err_set(errno, "cannot list the spool directory: %s", strerror(errno));
	}
	while ((de = readdir(d))) {
		struct stat st;
		uint64_t seq;
		int sig;

		if (!strncmp(de->d_name, ".tmp-", 5)) {	/* a crash mid-write */
			unlinkat(sp->dirfd, de->d_name, 0);
			continue;
		}
		sig = parse_name(de->d_name, &seq);
		if (sig < 0 || fstatat(sp->dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode))
			continue;
		if (st.st_size < SPOOL_HDR) {
			unlinkat(sp->dirfd, de->d_name, 0);
			sp->bad_files++;
			continue;
		}
		if (sp->sig[sig].count == sp->max_files) {	/* bound lowered */
			sp->dropped[sig]++;
			if (seq < spool_head(sp, sig)->seq) {
				unlinkat(sp->dirfd, de->d_name, 0);
				continue;
			}
			drop_oldest(sp, sig);
		}
		index_insert(sp, sig, seq, (uint64_t)st.st_size);
		if (seq + 1 > sp->next_seq[sig])
			sp->next_seq[sig] = seq + 1;
	}
	closedir(d);
	for (int sig = 0; sig < SINK_NSIG; sig++)
		while (sp->sig[sig].bytes > sp->max_bytes) {
			drop_oldest(sp, sig);
			sp->dropped[sig]++;
		}
	return 0;
}

int spool_open(struct spool *sp, const char *dir, uint64_t max_bytes,
	       uint32_t max_files)
{
	memset(sp, 0, sizeof(*sp));
	sp->dirfd = -1;
	if (!max_files || !max_bytes)
		return err_set(EINVAL, "spool bounds must be at least 1 file and 1 byte");
	sp->max_bytes = max_bytes;
	sp->max_files = max_files;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return err_set(errno, "cannot create spool directory %s: %s", dir, strerror(errno));
	sp->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sp->dirfd < 0)
		return err_set(errno, "cannot open spool directory %s: %s", dir, strerror(errno));
	for (int sig = 0; sig < SINK_NSIG; sig++) {
		sp->sig[sig].ring = calloc(max_files, sizeof(struct spool_item));
		if (!sp->sig[sig].ring) {
			spool_close(sp);
			return err_set(ENOMEM, "out of memory for a %u-file spool index", max_files);
		}
	}
	int ret = scan(sp);

	if (ret)
		spool_close(sp);
	return ret;
}

void spool_close(struct spool *sp)
{
	for (int sig = 0; sig < SINK_NSIG; sig++)
		free(sp->sig[sig].ring);
	if (sp->dirfd >= 0)
		close(sp->dirfd);
	memset(sp, 0, sizeof(*sp));
	sp->dirfd = -1;
}


static int spool_write(struct spool *sp, int sig, uint64_t seq, const void *body,
		       size_t len, int proto, int enc)
{
	struct spool_sig *s = &sp->sig[sig];
	uint8_t hdr[SPOOL_HDR] = SPOOL_MAGIC;
	uint64_t size = SPOOL_HDR + (uint64_t)len;
	char name[64], tmp[72];
	int fd, ret;

	if (size > sp->max_bytes || len > SINK_BODY_MAX)
		return err_set(EFBIG, "a %zu-byte %s request is larger than the spool bound (%llu bytes)",
			       len, sink_signal_name(sig), (unsigned long long)sp->max_bytes);
	hdr[8] = (uint8_t)proto;
	hdr[9] = (uint8_t)enc;
	for (int i = 0; i < 4; i++)
		hdr[12 + i] = (uint8_t)(len >> (8 * i));
	name_of(name, sizeof(name), sig, seq);
	fmt_snprintf(tmp, sizeof(tmp), ".tmp-%s", name);
	fd = openat(sp->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return err_set(errno, "cannot create spool file %s: %s", tmp, strerror(errno));
	ret = util_write_all(fd, hdr, sizeof(hdr));
	if (!ret)
		ret = util_write_all(fd, body, len);
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	close(fd);
	if (!ret && renameat(sp->dirfd, tmp, sp->dirfd, name) < 0)
		ret = -errno;
	if (ret) {
		unlinkat(sp->dirfd, tmp, 0);
		return err_set(-ret, "cannot write spool file %s: %s", name, strerror(-ret));
	}
	/* make room: the oldest requests go first */
	while (s->count && (s->count + 1 > sp->max_files || s->bytes + size > sp->max_bytes)) {
		if (s->ring[s->head].seq > seq) {	/* the new one is the oldest */
			unlinkat(sp->dirfd, name, 0);
			sp->dropped[sig]++;
			return 0;
		}
		drop_oldest(sp, sig);
		sp->dropped[sig]++;
	}
	index_insert(sp, sig, seq, size);
	if (seq + 1 > sp->next_seq[sig])
		sp->next_seq[sig] = seq + 1;
	return 0;
}

int spool_put(struct spool *sp, int sig, uint64_t seq, const void *body,
	      size_t len, int proto)
{
	return spool_write(sp, sig, seq, body, len, proto, SINK_COMP_NONE);
}

int spool_put_req(struct spool *sp, int sig, const struct sink_req *r)
{
	return spool_write(sp, sig, r->seq, r->body, r->len, r->proto, r->enc);
}

int spool_sync(struct spool *sp)
{
	if (fsync(sp->dirfd) < 0)
		return err_set(errno, "cannot fsync the spool directory: %s", strerror(errno));
	return 0;
}

const struct spool_item *spool_head(const struct spool *sp, int sig)
{
	const struct spool_sig *s = &sp->sig[sig];

	return s->count ? &s->ring[s->head] : NULL;
}

void spool_remove(struct spool *sp, int sig, uint64_t seq)
{
	const struct spool_item *h = spool_head(sp, sig);

	if (h && h->seq == seq)
		drop_oldest(sp, sig);
}

int spool_load(struct spool *sp, int sig, uint64_t seq, struct sink_req **out)
{
	const struct spool_item *h = spool_head(sp, sig);
	uint8_t hdr[SPOOL_HDR];
	struct sink_req *r = NULL;
	char name[64];
	uint32_t len = 0;
	int fd, ret = -EBADMSG;

	if (!h || h->seq != seq)
		return -ENOENT;
	name_of(name, sizeof(name), sig, seq);
	fd = openat(sp->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		ret = -errno;
		goto bad;
	}
	if (read(fd, hdr, sizeof(hdr)) == (ssize_t)sizeof(hdr) &&
	    !memcmp(hdr, SPOOL_MAGIC, 8) && hdr[8] <= SINK_PROTO_JSON && hdr[9] <= SINK_COMP_GZIP) {
		for (int i = 0; i < 4; i++)
			len |= (uint32_t)hdr[12 + i] << (8 * i);
		if (SPOOL_HDR + (uint64_t)len == h->bytes && len <= SINK_BODY_MAX &&
		    (r = sink_req_alloc(len))) {
			r->seq = seq;
			r->len = len;
			r->proto = hdr[8];
			r->enc = hdr[9];
			if (read(fd, r->body, len) == (ssize_t)len)
				ret = 0;
			else
				free(r);
		} else if (SPOOL_HDR + (uint64_t)len == h->bytes && len <= SINK_BODY_MAX) {
			ret = -ENOMEM;
		}
	}
	close(fd);
	if (!ret) {
		*out = r;
		return 0;
	}
bad:
	if (ret == -ENOMEM)
		return err_set(ENOMEM, "out of memory reading spool file %s", name);
	err_set(EBADMSG, "spool file %s is unreadable or torn; removed it", name);
	drop_oldest(sp, sig);
	sp->bad_files++;
	return -EBADMSG;
}
