/* TZif files (RFC 8536) and which zone TZ names (include/rawtel/tz.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rawtel/fmt.h"
#include "rawtel/tz.h"

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t trans_at(const struct tz *z, uint32_t i)
{
	const uint8_t *p = z->times + (size_t)i * z->tsize;

	if (z->tsize == 4)
		return (int32_t)be32(p);
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Bytes of the data block after the header at h, with times of tsize. */
static size_t block_len(const uint8_t *h, size_t tsize)
{
	return be32(h + 32) * (tsize + 1) + be32(h + 36) * 6 + be32(h + 40) +
	       be32(h + 28) * (tsize + 4) + be32(h + 24) + be32(h + 20);
}

/* The v2+ footer: "\n" rule "\n" (an empty rule: none). */
static int footer(struct tz *z, const uint8_t *p, size_t n)
{
	const uint8_t *nl = n > 1 && p[0] == '\n' ? memchr(p + 1, '\n', n - 1) : NULL;
	char rule[64];

	if (!nl || (size_t)(nl - p - 1) >= sizeof(rule))
		return -EINVAL;
	memcpy(rule, p + 1, (size_t)(nl - p - 1));
	rule[nl - p - 1] = 0;
	if (!rule[0])
		return 0;
	z->has_rule = 1;
	return tz_parse_rule(&z->rule, rule);
}

static int check_tzif(struct tz *z, const uint8_t *h, const uint8_t *end)
{
	const uint8_t *data = h + 44;
	size_t tsize = z->tsize;

	z->timecnt = be32(h + 32), z->typecnt = be32(h + 36);
	z->times = data;
	z->idx = data + (size_t)z->timecnt * tsize;
	z->types = z->idx + z->timecnt;
	for (uint32_t i = 0; i < z->timecnt; i++)
		if (z->idx[i] >= z->typecnt || (i && trans_at(z, i) <= trans_at(z, i - 1)))
			return -EINVAL;
	/* RFC 8536's range for an offset (a day and a bit either way) */
	for (uint32_t i = 0; i < z->typecnt; i++) {
		int32_t off = (int32_t)be32(z->types + i * 6);
		if (off < -89999 || off > 93599)
			return -EINVAL;
	}
	if (tsize == 8)
		return footer(z, data + block_len(h, 8), (size_t)(end - data) - block_len(h, 8));
	return 0;
}

int tz_load_tzif(struct tz *z, const uint8_t *p, size_t n)
{
	const uint8_t *h;
	int ret = -EINVAL;

	memset(z, 0, sizeof(*z));
	if (n > (1u << 20) || n < 44 || memcmp(p, "TZif", 4))
		return -EINVAL;
	if (!(z->buf = malloc(n)))
		return -ENOMEM;
	memcpy(z->buf, p, n);
	h = z->buf;
	z->tsize = 4;
	/* counts are at most n (under 1 MB): the sums cannot overflow */
	for (int i = 20; i < 44; i += 4)
		if (be32(h + i) > n)
			goto bad;
	if (block_len(h, 4) > n - 44)
		goto bad;
	if (h[4] >= '2') {
		/* the v1 block is skipped: v2+ readers take the 64-bit one */
		h += 44 + block_len(h, 4);
		z->tsize = 8;
		if ((size_t)(z->buf + n - h) < 44 || memcmp(h, "TZif", 4))
			goto bad;
		for (int i = 20; i < 44; i += 4)
			if (be32(h + i) > n)
				goto bad;
		if (block_len(h, 8) > (size_t)(z->buf + n - h) - 44)
			goto bad;
	}
	if (be32(h + 36) && !(ret = check_tzif(z, h, z->buf + n)))
		return 0;
bad:
	tz_free(z);
	return ret;
}

void tz_free(struct tz *z)
{
	free(z->buf);
	memset(z, 0, sizeof(*z));
}

static int load_path(struct tz *z, const char *path)
{
	static uint8_t buf[1 << 16];
	size_t n = 0;
	ssize_t r = 1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (n < sizeof(buf) && (r = read(fd, buf + n, sizeof(buf) - n)) > 0)
		n += (size_t)r;
	close(fd);
	if (r < 0)
		return -EIO;
	return tz_load_tzif(z, buf, n);
}

void tz_load(struct tz *z, const char *tzenv)
{
	char path[256];

	memset(z, 0, sizeof(*z));
	if (!tzenv) {
		load_path(z, "/etc/localtime");
		return;
	}
	tzenv += *tzenv == ':';
	if (!*tzenv)
		return;
	if (*tzenv == '/')
		fmt_snprintf(path, sizeof(path), "%s", tzenv);
	else
		fmt_snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tzenv);
	if (!load_path(z, path))
		return;
	if (tz_parse_rule(&z->rule, tzenv))
		memset(&z->rule, 0, sizeof(z->rule));
	else
		z->has_rule = 1;
}

int32_t tz_offset(const struct tz *z, int64_t t)
{
	uint32_t lo = 0, hi = z->timecnt;

	if (!z->typecnt || (z->has_rule && (!hi || t >= trans_at(z, hi - 1))))
		return tz_rule_offset(&z->rule, t);
	/* lo: how many transitions are at or before t */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (trans_at(z, mid) <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (int32_t)be32(z->types + 6 * (lo ? z->idx[lo - 1] : 0));
}

int32_t tz_local_offset(int64_t t)
{
	static struct tz local;
	static int loaded;

	if (!loaded) {
		tz_load(&local, getenv("TZ"));
		loaded = 1;
	}
	return tz_offset(&local, t);
}
