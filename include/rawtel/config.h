/* KEY=VALUE configuration files (user/util/config.c): what rawtel run
 * --config reads. One setting a line; blank lines and lines starting with
 * '#' are skipped; blanks around the key and the value are dropped, and
 * one pair of matching quotes around the value ("..." or '...') too, so
 * a systemd EnvironmentFile or a shell fragment of plain assignments
 * reads the same. No escapes and no comments after a value: '#' may be
 * part of one (headers, URLs). */
#ifndef RAWTEL_CONFIG_H
#define RAWTEL_CONFIG_H

#include <stddef.h>

/* A file's size bound: settings, not data. */
#define CONFIG_MAX_BYTES (64u << 10)

/* One setting; key and value are NUL-ended, inside the parsed text. */
struct config_line {
	const char *key;
	const char *value;
	unsigned line;		/* 1-based */
};

/* Called per setting in file order: 0 or -errno with the message set
 * (config_parse prefixes it with NAME:LINE). */
typedef int (*config_fn)(void *ctx, const struct config_line *l);

/* Parse `len` bytes of text in place (line ends become NULs). A line
 * without '=', an empty or malformed key (letters, digits, '_'), a NUL
 * byte or a value that opens a quote without closing it is an error
 * "NAME:LINE: ..."; so is whatever fn returns. 0 or -errno. */
int config_parse(char *text, size_t len, const char *name, config_fn fn, void *ctx);

/* Read the file at path into buf (NUL-ended, at most cap - 1 bytes; a
 * larger file is refused). A file that is not a regular file, that others
 * than its owner may write, or whose owner is neither root nor the caller
 * is refused too: it holds endpoints and headers. The length, or -errno. */
long config_read(const char *path, char *buf, size_t cap);

#endif
